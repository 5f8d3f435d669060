//! Every prefix of every example parses or fails without a panic, deep
//! nesting is refused cleanly before pest runs, odd input is harmless.

use crate::parse::{
    is_command, nesting_depth, parse_sql, parse_statement, ErrorKind, Statement, MAX_DEPTH,
};

/// Every example the other tests use: the SQL cases, the commands of the
/// help table, the docs' syntax lines made concrete, and bad commands.
fn examples() -> Vec<String> {
    let mut v: Vec<String> = include_str!("sql_cases.txt")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect();
    for e in crate::parse::help::ENTRIES {
        v.push(e.syntax.to_string());
    }
    v.extend(
        [
            "connect dbname=app host=/tmp port=5432 user=u password='p''w' service=s sslmode=require queue=q node=n;",
            "alter queue \"Q\" set idle_period = '1 minute', max_count = 5, paused = on, external_ticker = false;",
            "register consumer c1 on q at 42;",
            "register consumer c1 copy c2;",
            "unregister subconsumer * for c from q close batch;",
            "create leaf node n3 on q location 'dbname=x' provider 'dbname=y' worker w merge q2;",
            "takeover n1 with all dead force;",
            "londiste add table s.t1, \"T\" with handler='bulk', ev_extra4='x', skip_truncate;",
            "show help show node status;",
            "select E'a\\'b', $q$x;y$q$, \"Q\"\"I\", /* c /* n */ */ 1 -- e\n;",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    v
}

#[test]
fn every_prefix_parses_or_fails_without_panic() {
    let mut n = 0;
    for ex in examples() {
        for (i, _) in ex.char_indices().chain([(ex.len(), ' ')]) {
            let p = &ex[..i];
            if let Err(e) = parse_statement(p) {
                let _ = e.to_string();
            }
            // With the completion sentinel appended, as completion will.
            let _ = parse_statement(&format!("{p}\u{1}"));
            n += 1;
        }
    }
    assert!(n > 10_000, "{n}");
}

fn deep(n: usize) -> String {
    format!("select {}1{};", "(".repeat(n), ")".repeat(n))
}

#[test]
fn a_million_nested_parentheses_are_a_clean_error() {
    let text = deep(1_000_000);
    assert_eq!(nesting_depth(&text), 1_000_000);
    match parse_statement(&text) {
        Err(e) => {
            assert_eq!(e.kind, ErrorKind::TooDeep { depth: 1_000_000 });
            assert_eq!(
                e.to_string(),
                "statement nested too deeply (1000000 levels of parentheses; qadmin parses at most 1000)"
            );
        }
        Ok(s) => panic!("parsed: {s:?}"),
    }
    assert!(parse_sql(&text).is_err());
    // Unbalanced, brackets, a command, comments: the same.
    for text in [
        "(".repeat(1_000_000),
        format!("select {}", "[".repeat(1_000_000)),
        format!("show queue {}", "(".repeat(1_000_000)),
        format!("select 1 {}", "/*".repeat(1_000_000)),
    ] {
        assert!(matches!(
            parse_statement(&text),
            Err(e) if matches!(e.kind, ErrorKind::TooDeep { .. })
        ));
    }
}

#[test]
fn nesting_up_to_the_bound_still_parses() {
    // Deep but allowed: parsed by the structured rules, in a thread with
    // the main thread's usual 8 MiB stack (pest 2.9.6 guards its own
    // recursion; the bound keeps it well within the stack and the call
    // budget).
    let text = deep(MAX_DEPTH as usize);
    let r = std::thread::Builder::new()
        .stack_size(8 * 1024 * 1024)
        .spawn(move || parse_statement(&text))
        .expect("thread")
        .join()
        .expect("no panic");
    match r {
        Ok(Statement::Sql(s)) => assert!(s.structured),
        other => panic!("{other:?}"),
    }
    assert!(parse_statement(&deep(MAX_DEPTH as usize + 1)).is_err());
}

#[test]
fn nesting_depth_ignores_quotes_and_comments() {
    for (text, want) in [
        ("select (1)", 1),
        ("select '((((', \"((\", $$((($$, $t$(($t$ -- ((\n", 0),
        ("select /* ( */ ((1))", 2),
        ("select /* /* */ */ 1", 2),
        ("select E'\\'(' , (1)", 1),
        ("select '\\' , (1)", 1),
        ("select a[1][(2)]", 2),
        ("select $1 + (1)", 1),
        (")))(", 1),
    ] {
        assert_eq!(nesting_depth(text), want, "{text:?}");
    }
}

#[test]
fn odd_input_is_harmless() {
    for text in [
        "",
        ";",
        "\u{1}",
        "\u{feff}select 1",
        "select 'unterminated",
        "select \"unterminated",
        "select $$unterminated",
        "/* unterminated",
        "show queue \u{0}",
        "ÄÖÜ;",
        "create queue Ä;",
        "create queue \"\";",
        "'",
        "\\q",
    ] {
        let _ = parse_statement(text);
        let _ = parse_sql(text);
        let _ = is_command(text);
    }
    // A unicode name folds only its ASCII letters, as PostgreSQL does.
    match parse_statement("create queue ÄbC;") {
        Ok(Statement::Command(crate::parse::Command::Queue(
            crate::parse::QueueCommand::CreateQueue(c),
        ))) => {
            assert_eq!(c.queue.as_str(), "Äbc")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn deep_comments_before_a_statement_are_harmless() {
    let text = format!(
        "{}{} select 1;",
        "/*".repeat(1_000_000),
        "*/".repeat(1_000_000)
    );
    assert!(!is_command(&text));
    assert!(matches!(
        parse_statement(&text),
        Err(e) if matches!(e.kind, ErrorKind::TooDeep { .. })
    ));
    let text = format!("{}{} show queue;", "/*".repeat(100), "*/".repeat(100));
    assert!(is_command(&text));
}

#[test]
fn nesting_depth_agrees_with_the_lexer() {
    use crate::lex::split;
    let mut texts: Vec<String> = include_str!("sql_cases.txt")
        .lines()
        .map(str::to_string)
        .collect();
    texts.extend(
        [
            "select a$b$ , ((1)) $b$",
            "select 1$$ ((( $$ , (2)",
            "select $1, ($2)",
            "select 'a\\' , (((1)))",
            "select e'a\\' , ((( ', (1)",
            "select namE'x' , (1)",
            "select \"a\"\"(\" , (1)",
            "select $a1$ ( $a1$, ($_$)$_$)",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    for t in texts
        .iter()
        .filter(|t| !t.contains('[') && !t.contains("/*"))
    {
        let lexer = split(t.as_bytes())
            .iter()
            .map(|p| p.max_depth)
            .max()
            .unwrap_or(0);
        assert_eq!(nesting_depth(t), lexer, "{t:?}");
    }
}
