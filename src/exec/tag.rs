//! What kind of SQL statement this is, from its leading keywords.
//!
//! The postgres crate reports only the row count of a finished statement,
//! not the server's command tag (`INSERT 0 2`, `CREATE TABLE`), so the tag
//! is rebuilt here from the statement's leading words and that count. The
//! same reading tells whether a statement may go through a cursor (SELECT,
//! VALUES, TABLE, WITH), whether it starts or ends a transaction, and
//! whether it is a COPY to or from the client.

/// The leading keywords of a statement, upper-cased; comments, whitespace
/// and opening parentheses before them are skipped. Stops at the first
/// token that is not a plain word.
pub fn leading_words(sql: &str, max: usize) -> Vec<String> {
    let b = sql.as_bytes();
    let mut i = 0;
    let mut words = Vec::new();
    while i < b.len() && words.len() < max {
        let c = b[i];
        if c.is_ascii_whitespace() || (c == b'(' && words.is_empty()) {
            i += 1;
        } else if c == b'-' && b.get(i + 1) == Some(&b'-') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            i = skip_block_comment(b, i);
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'$') {
                i += 1;
            }
            words.push(sql[start..i].to_ascii_uppercase());
        } else {
            break;
        }
    }
    words
}

fn skip_block_comment(b: &[u8], mut i: usize) -> usize {
    let mut depth = 0usize;
    while i < b.len() {
        if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
            depth += 1;
            i += 2;
        } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    i
}

/// Upper-cased words that stand at parenthesis depth 0, outside strings,
/// quoted identifiers, dollar quotes and comments. Used to find the main
/// verb after a WITH clause and the `AS` of CREATE TABLE AS.
pub fn top_level_words(sql: &str, max: usize) -> Vec<String> {
    let b = sql.as_bytes();
    let mut i = 0;
    let mut depth = 0i64;
    let mut words = Vec::new();
    while i < b.len() && words.len() < max {
        let c = b[i];
        match c {
            b'(' => {
                depth += 1;
                i += 1;
            }
            b')' => {
                depth -= 1;
                i += 1;
            }
            b'\'' => i = skip_quoted(b, i, b'\''),
            b'"' => i = skip_quoted(b, i, b'"'),
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => i = skip_block_comment(b, i),
            b'$' => i = skip_dollar(b, i),
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'$')
                {
                    i += 1;
                }
                if depth == 0 {
                    words.push(sql[start..i].to_ascii_uppercase());
                }
            }
            _ => i += 1,
        }
    }
    words
}

fn skip_quoted(b: &[u8], mut i: usize, q: u8) -> usize {
    // E'' strings with backslashes are rare in statement heads; a doubled
    // quote is the escape either way.
    i += 1;
    while i < b.len() {
        if b[i] == q {
            if b.get(i + 1) == Some(&q) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        if q == b'\'' && b[i] == b'\\' {
            i += 2;
            continue;
        }
        i += 1;
    }
    i
}

fn skip_dollar(b: &[u8], i: usize) -> usize {
    let mut j = i + 1;
    while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
        j += 1;
    }
    if j >= b.len() || b[j] != b'$' || b.get(i + 1).is_some_and(|c| c.is_ascii_digit()) {
        return i + 1;
    }
    let tag = &b[i..=j];
    let mut k = j + 1;
    while k + tag.len() <= b.len() {
        if &b[k..k + tag.len()] == tag {
            return k + tag.len();
        }
        k += 1;
    }
    b.len()
}

/// What the executor needs to know about a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// SELECT, VALUES, TABLE or WITH: may run through a cursor.
    Query,
    /// BEGIN / START TRANSACTION.
    Begin,
    /// COMMIT / END (`chain`: AND CHAIN keeps a transaction open).
    Commit {
        /// `AND CHAIN` was given.
        chain: bool,
    },
    /// ROLLBACK / ABORT (not ROLLBACK TO).
    Rollback {
        /// `AND CHAIN` was given.
        chain: bool,
    },
    /// ROLLBACK TO \[SAVEPOINT\].
    RollbackTo,
    /// PREPARE TRANSACTION: ends the transaction block.
    PrepareTransaction,
    /// COPY ... FROM STDIN.
    CopyIn,
    /// COPY ... TO STDOUT.
    CopyOut,
    /// Anything else.
    Other,
}

/// A statement's kind and the base of its command tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classified {
    /// What the executor does with it.
    pub kind: Kind,
    /// The tag without the row count: `INSERT`, `CREATE TABLE`, `SELECT`.
    pub tag: String,
    /// Whether the server's tag carries a row count (`UPDATE 3`).
    pub counted: bool,
}

/// Read the leading keywords of `sql`.
pub fn classify(sql: &str) -> Classified {
    let w = leading_words(sql, 8);
    let word = |i: usize| w.get(i).map(String::as_str).unwrap_or("");
    let plain = |tag: &str| Classified {
        kind: Kind::Other,
        tag: tag.to_string(),
        counted: false,
    };
    let counted = |tag: &str| Classified {
        kind: Kind::Other,
        tag: tag.to_string(),
        counted: true,
    };
    let chain = || {
        let t = top_level_words(sql, 16);
        t.windows(2).any(|p| p[0] == "AND" && p[1] == "CHAIN")
            && !t
                .windows(3)
                .any(|p| p[0] == "AND" && p[1] == "NO" && p[2] == "CHAIN")
    };
    match word(0) {
        "SELECT" | "VALUES" | "TABLE" => Classified {
            kind: Kind::Query,
            tag: "SELECT".into(),
            counted: true,
        },
        "WITH" => {
            let main = top_level_words(sql, 4096)
                .into_iter()
                .find(|x| {
                    matches!(
                        x.as_str(),
                        "SELECT" | "INSERT" | "UPDATE" | "DELETE" | "MERGE" | "VALUES" | "TABLE"
                    )
                })
                .unwrap_or_else(|| "SELECT".into());
            match main.as_str() {
                "INSERT" => counted("INSERT 0"),
                "UPDATE" | "DELETE" | "MERGE" => counted(&main),
                _ => Classified {
                    kind: Kind::Query,
                    tag: "SELECT".into(),
                    counted: true,
                },
            }
        }
        "INSERT" => counted("INSERT 0"),
        "UPDATE" | "DELETE" | "MERGE" | "FETCH" | "MOVE" => counted(word(0)),
        "COPY" => {
            let t = top_level_words(sql, 64);
            let kind = if t.windows(2).any(|p| p[0] == "FROM" && p[1] == "STDIN") {
                Kind::CopyIn
            } else if t.windows(2).any(|p| p[0] == "TO" && p[1] == "STDOUT") {
                Kind::CopyOut
            } else {
                Kind::Other
            };
            Classified {
                kind,
                tag: "COPY".into(),
                counted: true,
            }
        }
        "BEGIN" => Classified {
            kind: Kind::Begin,
            tag: "BEGIN".into(),
            counted: false,
        },
        "START" => Classified {
            kind: Kind::Begin,
            tag: "START TRANSACTION".into(),
            counted: false,
        },
        "COMMIT" | "END" if word(1) != "PREPARED" => Classified {
            kind: Kind::Commit { chain: chain() },
            tag: "COMMIT".into(),
            counted: false,
        },
        "COMMIT" => plain("COMMIT PREPARED"),
        "ROLLBACK" | "ABORT" if word(1) == "PREPARED" => plain("ROLLBACK PREPARED"),
        "ROLLBACK" | "ABORT" => {
            let to =
                word(1) == "TO" || (word(2) == "TO" && matches!(word(1), "WORK" | "TRANSACTION"));
            Classified {
                kind: if to {
                    Kind::RollbackTo
                } else {
                    Kind::Rollback { chain: chain() }
                },
                tag: "ROLLBACK".into(),
                counted: false,
            }
        }
        "PREPARE" if word(1) == "TRANSACTION" => Classified {
            kind: Kind::PrepareTransaction,
            tag: "PREPARE TRANSACTION".into(),
            counted: false,
        },
        "CREATE" => create_tag(sql, &w),
        "DROP" => plain(&format!("DROP {}", object_words(&w[1..]))),
        "ALTER" => plain(&format!("ALTER {}", object_words(&w[1..]))),
        "TRUNCATE" => plain("TRUNCATE TABLE"),
        "ANALYZE" | "ANALYSE" => plain("ANALYZE"),
        "LOCK" => plain("LOCK TABLE"),
        "DECLARE" => plain("DECLARE CURSOR"),
        "CLOSE" if word(1) == "ALL" => plain("CLOSE CURSOR ALL"),
        "CLOSE" => plain("CLOSE CURSOR"),
        "DEALLOCATE" if word(1) == "ALL" || word(2) == "ALL" => plain("DEALLOCATE ALL"),
        "DISCARD" => plain(&format!(
            "DISCARD {}",
            if word(1) == "TEMPORARY" {
                "TEMP"
            } else {
                word(1)
            }
        )),
        "GRANT" | "REVOKE" => {
            // GRANT role TO user has its own tag.
            let t = top_level_words(sql, 64);
            if t.iter().any(|x| x == "ON") {
                plain(word(0))
            } else {
                plain(&format!("{} ROLE", word(0)))
            }
        }
        "SET" if word(1) == "CONSTRAINTS" => plain("SET CONSTRAINTS"),
        "SECURITY" => plain("SECURITY LABEL"),
        "REFRESH" => plain("REFRESH MATERIALIZED VIEW"),
        "IMPORT" => plain("IMPORT FOREIGN SCHEMA"),
        "REASSIGN" => plain("REASSIGN OWNED"),
        "" => plain(""),
        first => plain(first),
    }
}

/// Object words after CREATE / DROP / ALTER, without modifiers, spelled as
/// the server's tag spells them.
fn object_words(w: &[String]) -> String {
    let mut i = 0;
    let skip = [
        "OR",
        "REPLACE",
        "TEMP",
        "TEMPORARY",
        "UNLOGGED",
        "GLOBAL",
        "LOCAL",
        "UNIQUE",
        "TRUSTED",
        "PROCEDURAL",
        "RECURSIVE",
        "DEFAULT",
        "CONSTRAINT",
    ];
    while i < w.len() && skip.contains(&w[i].as_str()) {
        // "ALTER DEFAULT PRIVILEGES" keeps DEFAULT.
        if w[i] == "DEFAULT" && w.get(i + 1).map(String::as_str) == Some("PRIVILEGES") {
            break;
        }
        i += 1;
    }
    let rest = &w[i..];
    let get = |k: usize| rest.get(k).map(String::as_str).unwrap_or("");
    match get(0) {
        "USER" if get(1) == "MAPPING" => "USER MAPPING".into(),
        "USER" | "GROUP" => "ROLE".into(),
        "MATERIALIZED" | "FOREIGN" | "EVENT" | "ACCESS" | "DEFAULT" | "LARGE" => {
            if get(0) == "FOREIGN" && get(1) == "DATA" {
                "FOREIGN DATA WRAPPER".into()
            } else {
                format!("{} {}", get(0), get(1))
            }
        }
        "TEXT" => format!("TEXT SEARCH {}", get(2)),
        "OPERATOR" if matches!(get(1), "CLASS" | "FAMILY") => format!("OPERATOR {}", get(1)),
        "OWNED" => "OWNED".into(),
        other => other.to_string(),
    }
}

fn create_tag(sql: &str, w: &[String]) -> Classified {
    let object = object_words(&w[1..]);
    let top = top_level_words(sql, 4096);
    let as_query = top.windows(2).any(|p| {
        p[0] == "AS"
            && matches!(
                p[1].as_str(),
                "SELECT" | "VALUES" | "TABLE" | "WITH" | "EXECUTE"
            )
    }) || (top.contains(&"AS".to_string()) && sql_has_paren_select_after_as(sql));
    if (object == "TABLE" && as_query) || object == "MATERIALIZED VIEW" {
        return Classified {
            kind: Kind::Other,
            tag: "SELECT".into(),
            counted: true,
        };
    }
    Classified {
        kind: Kind::Other,
        tag: format!("CREATE {object}"),
        counted: false,
    }
}

/// `CREATE TABLE t AS (SELECT ...)`: the query is in parentheses.
fn sql_has_paren_select_after_as(sql: &str) -> bool {
    let upper = sql.to_ascii_uppercase();
    upper
        .split_once(" AS ")
        .map(|(_, rest)| {
            let rest = rest.trim_start();
            rest.starts_with('(')
                && leading_words(rest, 1)
                    .first()
                    .is_some_and(|w| w == "SELECT")
        })
        .unwrap_or(false)
}

/// The tag psql would print after the statement finished with `rows`.
pub fn tag_text(c: &Classified, rows: u64) -> String {
    if c.counted {
        format!("{} {}", c.tag, rows)
    } else {
        c.tag.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_like_the_server() {
        let cases = [
            ("insert into t values (1)", 1, "INSERT 0 1"),
            ("  -- c\n/* x */ update t set a=1", 3, "UPDATE 3"),
            ("delete from t", 0, "DELETE 0"),
            ("create table t(a int)", 0, "CREATE TABLE"),
            ("create temp table t(a int)", 0, "CREATE TABLE"),
            ("create table t as select 1", 1, "SELECT 1"),
            ("create unique index i on t(a)", 0, "CREATE INDEX"),
            (
                "create or replace function f() returns int as $$select 1$$ language sql",
                0,
                "CREATE FUNCTION",
            ),
            ("create user bob", 0, "CREATE ROLE"),
            ("create materialized view mv as select 1", 1, "SELECT 1"),
            ("drop table if exists t", 0, "DROP TABLE"),
            ("drop index concurrently i", 0, "DROP INDEX"),
            ("alter table t add column b int", 0, "ALTER TABLE"),
            (
                "alter default privileges grant select on tables to x",
                0,
                "ALTER DEFAULT PRIVILEGES",
            ),
            ("begin", 0, "BEGIN"),
            ("start transaction", 0, "START TRANSACTION"),
            ("end", 0, "COMMIT"),
            ("abort", 0, "ROLLBACK"),
            ("truncate t", 0, "TRUNCATE TABLE"),
            ("grant select on t to public", 0, "GRANT"),
            ("grant r1 to bob", 0, "GRANT ROLE"),
            (
                "with x as (select 1) insert into t select * from x",
                1,
                "INSERT 0 1",
            ),
            (
                "with x as (delete from t returning *) select 1",
                1,
                "SELECT 1",
            ),
            ("copy t from stdin", 5, "COPY 5"),
            ("do $$ begin end $$", 0, "DO"),
            ("discard temporary", 0, "DISCARD TEMP"),
            ("set search_path = public", 0, "SET"),
            ("create extension pgq", 0, "CREATE EXTENSION"),
            ("alter extension pgq update", 0, "ALTER EXTENSION"),
            (
                "create text search dictionary d (template = simple)",
                0,
                "CREATE TEXT SEARCH DICTIONARY",
            ),
        ];
        for (sql, rows, want) in cases {
            assert_eq!(tag_text(&classify(sql), rows), want, "{sql}");
        }
    }

    #[test]
    fn kinds() {
        assert_eq!(classify("(select 1)").kind, Kind::Query);
        assert_eq!(classify("values (1)").kind, Kind::Query);
        assert_eq!(
            classify("commit and chain").kind,
            Kind::Commit { chain: true }
        );
        assert_eq!(
            classify("commit and no chain").kind,
            Kind::Commit { chain: false }
        );
        assert_eq!(classify("rollback to savepoint a").kind, Kind::RollbackTo);
        assert_eq!(classify("rollback work to a").kind, Kind::RollbackTo);
        assert_eq!(classify("copy t to stdout").kind, Kind::CopyOut);
        assert_eq!(
            classify("copy (select ';from stdin') to stdout").kind,
            Kind::CopyOut
        );
        assert_eq!(
            classify("COPY t FROM STDIN with (format csv)").kind,
            Kind::CopyIn
        );
        assert_eq!(classify("copy t from '/tmp/x'").kind, Kind::Other);
    }

    #[test]
    fn words_skip_comments_and_quotes() {
        assert_eq!(
            leading_words("/* a /* b */ */ select x", 2),
            vec!["SELECT", "X"]
        );
        assert_eq!(
            top_level_words(
                "with a as (select 'insert' from (values (1)) v) update t",
                8
            ),
            vec!["WITH", "A", "AS", "UPDATE", "T"]
        );
        assert_eq!(
            top_level_words("select $q$ ) from $q$ , b", 8),
            vec!["SELECT", "B"]
        );
    }
}
