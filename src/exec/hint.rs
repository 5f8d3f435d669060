//! Hints that lead a psql habit to the qadmin form (#15): an SQL `show
//! queues;` that the server reads as a configuration parameter. (The
//! `\d` family is psql's own now.) Pure: the callers print.

/// The hint for an SQL `SHOW <thing>s` whose thing is a qadmin `show`
/// command's object (the server took it for a setting).
pub fn sql_hint(sql: &str) -> Option<String> {
    let words: Vec<String> = sql
        .trim()
        .trim_end_matches(';')
        .split_whitespace()
        .map(str::to_lowercase)
        .collect();
    match words.as_slice() {
        [show, thing] if show == "show" => {
            let one = match thing.as_str() {
                "queues" => "queue",
                "consumers" => "consumer",
                "nodes" => "node",
                "batches" => "batch",
                "tables" => return Some("HINT:  qadmin: \"londiste tables;\" lists the replicated tables, \"show table <t>;\" one table".into()),
                _ => return None,
            };
            let all = if one == "batch" { " <id>" } else { " *" };
            Some(format!("HINT:  qadmin: \"show {one}{all};\""))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // See: #15
    #[test]
    fn r15_psql_habits_get_the_qadmin_form() {
        assert_eq!(
            sql_hint("SHOW queues;").as_deref(),
            Some("HINT:  qadmin: \"show queue *;\"")
        );
        assert_eq!(
            sql_hint("show consumers").as_deref(),
            Some("HINT:  qadmin: \"show consumer *;\"")
        );
        assert_eq!(sql_hint("show search_path;"), None);
    }
}
