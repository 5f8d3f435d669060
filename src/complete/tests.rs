//! Completion logic: the slots expected after a prefix (table-driven), the
//! context read around the cursor, and no panic on any prefix of any
//! example statement.

use super::expect::{context, slots, InScope};
use crate::parse::Slot;

/// A slot as the tables below write it: keywords and punctuation as
/// themselves, names in angle brackets.
fn show(s: &Slot) -> String {
    match s {
        Slot::Keyword(k) => (*k).to_string(),
        Slot::Punct(p) => (*p).to_string(),
        Slot::QueueName => "<queue>".into(),
        Slot::ConsumerName => "<consumer>".into(),
        Slot::NodeName => "<node>".into(),
        Slot::TableName => "<table>".into(),
        Slot::SequenceName => "<sequence>".into(),
        Slot::NewLondisteTable => "<new-londiste-table>".into(),
        Slot::LondisteTable => "<londiste-table>".into(),
        Slot::NewLondisteSequence => "<new-londiste-sequence>".into(),
        Slot::LondisteSequence => "<londiste-sequence>".into(),
        Slot::ColumnRef => "<column>".into(),
        Slot::ColumnName => "<colname>".into(),
        Slot::FunctionName => "<function>".into(),
        Slot::TypeName => "<type>".into(),
        Slot::SchemaName => "<schema>".into(),
        Slot::IndexName => "<index>".into(),
        Slot::TriggerName => "<trigger>".into(),
        Slot::RoleName => "<role>".into(),
        Slot::SettingName => "<setting>".into(),
        Slot::AliasName => "<alias>".into(),
        Slot::ObjectName => "<object>".into(),
        Slot::HelpTopic => "<help>".into(),
        Slot::TickId => "<tick>".into(),
        Slot::BatchId => "<batch>".into(),
        Slot::Value => "<value>".into(),
    }
}

/// (prefix, must offer (space-separated), must not offer).
const CASES: &[(&str, &str, &str)] = &[
    // ---- first word
    ("", "show create alter drop register unregister londiste select insert connect install tick maint status takeover tag pause resume wait resurrect exit quit", "<queue> <table>"),
    ("sh", "show", ""),
    ("SHO", "show", ""),
    ("  ", "show select", ""),
    ("-- a comment\n", "show select", ""),
    ("/* c */ ", "show select", ""),
    // ---- connection
    ("connect ", "dbname host port user password service sslmode queue node", "<queue>"),
    ("connect dbname=", "<value>", "show"),
    ("connect dbname=x ", "dbname host port user queue node ;", ""),
    ("connect queue=", "<queue>", ""),
    ("connect node=", "<node>", ""),
    ("connect host=h port=", "<value>", ""),
    ("install ", "pgq londiste", "<queue>"),
    ("install pgq ", ";", "londiste"),
    // ---- queues
    ("show ", "queue consumer node batch table sequence version help cascade members", ""),
    ("show queue ", "<queue> * ;", ""),
    ("show queue q ", ";", "<queue>"),
    ("create ", "queue root branch leaf table index sequence view schema", ""),
    ("create queue ", "<queue>", "*"),
    ("create queue q ", ";", ""),
    ("alter ", "queue node table", ""),
    ("alter queue ", "<queue> *", ""),
    ("alter queue q ", "set", ""),
    ("alter queue q set ", "idle_period max_count max_lag paused rotation_period external_ticker ticker_idle_period ticker_max_count ticker_max_lag ticker_paused", ""),
    ("alter queue q set paused ", "=", ""),
    ("alter queue q set paused=", "true false on off", ""),
    ("alter queue q set max_count=", "<value>", ""),
    ("alter queue q set idle_period = '1 minute' ", ", ;", ""),
    ("alter queue q set idle_period = '1 minute', ", "max_count paused", ""),
    ("drop ", "queue node table", ""),
    ("drop queue ", "<queue>", ""),
    ("drop queue q ", "force ;", ""),
    // ---- consumers
    ("show consumer ", "<consumer> * on ;", ""),
    ("show consumer c1 ", "on ;", "<consumer>"),
    ("show consumer c1 on ", "<queue> *", ""),
    ("show consumer * on ", "<queue>", ""),
    ("register ", "consumer subconsumer", ""),
    ("register consumer ", "<consumer>", ""),
    ("register consumer c ", "on at copy ;", ""),
    ("register consumer c on ", "<queue>", "<consumer>"),
    ("register consumer c on q ", "at copy ;", ""),
    ("register consumer c on q copy ", "<consumer>", ""),
    ("register consumer c on q at ", "<tick>", ""),
    ("unregister ", "consumer subconsumer", ""),
    ("unregister consumer ", "<consumer> *", ""),
    ("unregister consumer c ", "from ;", ""),
    ("unregister consumer c from ", "<queue>", ""),
    ("register subconsumer ", "<consumer>", ""),
    ("register subconsumer s ", "for", ""),
    ("register subconsumer s for ", "<consumer>", ""),
    ("register subconsumer s for c ", "on ;", ""),
    ("register subconsumer s for c on ", "<queue>", ""),
    ("unregister subconsumer ", "<consumer> *", ""),
    ("unregister subconsumer s for c ", "from close ;", ""),
    ("unregister subconsumer s for c from q ", "close ;", ""),
    ("unregister subconsumer s for c close ", "batch ;", ""),
    // ---- inspection
    ("show batch ", "<batch> <consumer>", ""),
    ("show table ", "<table>", ""),
    ("show sequence ", "<sequence>", ""),
    ("show version ", ";", ""),
    ("show help ", "<help> ;", ""),
    ("show help register ", "<help> ;", ""),
    ("show node ", "<node> * status on ;", ""),
    ("show node n ", "on ;", ""),
    ("show node n on ", "<queue>", ""),
    ("show node status ", "<node> ;", ""),
    ("show cascade ", ";", ""),
    ("show members ", ";", ""),
    // ---- maintenance
    ("tick ", "<queue> ;", ""),
    ("tick q ", ";", ""),
    ("maint ", ";", ""),
    ("status ", ";", ""),
    // ---- cascade
    ("create root ", "node", ""),
    ("create root node ", "<node>", ""),
    ("create root node n ", "on location provider worker merge ;", ""),
    ("create root node n on ", "<queue>", ""),
    ("create root node n location ", "<value>", ""),
    ("create branch node ", "<node>", ""),
    ("create branch node n provider ", "<value> <node>", ""),
    ("create leaf node n worker ", "<consumer>", ""),
    ("create leaf node n merge ", "<queue>", ""),
    ("create leaf node n on q location 'x' ", "on location provider worker merge ;", ""),
    ("alter node ", "<node>", ""),
    ("alter node n ", "provider rename location", ""),
    ("alter node n provider ", "<node>", ""),
    ("alter node n rename ", "<node>", ""),
    ("alter node n location ", "<value>", ""),
    ("takeover ", "<node>", ""),
    ("takeover n ", "with dead force ;", ""),
    ("takeover n with ", "all", ""),
    ("takeover n with all ", "with dead force ;", ""),
    ("drop node ", "<node>", ""),
    ("tag ", "node", ""),
    ("tag node ", "<node>", ""),
    ("tag node n ", "dead alive", ""),
    ("pause ", "node consumer", ""),
    ("pause node ", "<node>", ""),
    ("pause consumer ", "<consumer>", ""),
    ("pause consumer c ", "on ;", ""),
    ("pause consumer c on ", "<node>", ""),
    ("resume ", "node consumer", ""),
    ("resume node ", "<node>", ""),
    ("resume consumer c on ", "<node>", ""),
    ("wait ", "root provider", ""),
    ("resurrect ", ";", ""),
    // ---- londiste
    ("londiste ", "add remove tables seqs missing resync wait show", ""),
    ("londiste add ", "table sequence", ""),
    ("londiste add table ", "<new-londiste-table>", ""),
    ("londiste add table t ", ", with ;", ""),
    ("londiste add table t, ", "<new-londiste-table>", ""),
    ("londiste add table t with ", "skip_truncate expect_sync no_triggers backup skip create handler tgflags when pkey ev_type ev_data ev_extra1 ev_extra2 ev_extra3 ev_extra4 ignore", ""),
    ("londiste add table t with handler", "handler", ""),
    ("londiste add table t with handler ", "=", ""),
    ("londiste add table t with handler=", "<value>", ""),
    ("londiste add table t with backup, ", "handler create", ""),
    ("londiste add sequence ", "<new-londiste-sequence>", ""),
    ("londiste add sequence s, ", "<new-londiste-sequence>", ""),
    ("londiste remove ", "table sequence", ""),
    ("londiste remove table ", "<londiste-table>", ""),
    ("londiste remove sequence ", "<londiste-sequence>", ""),
    ("londiste resync ", "<londiste-table>", ""),
    ("londiste wait ", "sync", ""),
    ("londiste show ", "handlers", ""),
    ("londiste tables ", ";", ""),
    ("exit ", ";", ""),
    ("quit ", ";", ""),
    // ---- SQL: queries
    ("select ", "<column> <function> distinct all * case not from", "<queue>"),
    ("select a ", "from where , as order limit union", ""),
    ("select a, ", "<column> <function>", ""),
    ("select * from ", "<table> lateral only (", "<column>"),
    ("select * from t ", "where join left inner cross natural order group limit <alias> as ,", ""),
    ("select * from t, ", "<table>", ""),
    ("select * from t o ", "where join", ""),
    ("select * from t join ", "<table>", ""),
    ("select * from t left ", "join outer", ""),
    ("select * from t join u ", "on using", ""),
    ("select * from t join u on ", "<column>", ""),
    ("select * from t where ", "<column> <function> not exists", ""),
    ("select * from t where a ", "and or in between like is not", ""),
    ("select * from t where a = ", "<column> <function>", ""),
    ("select * from t where a = 1 ", "and or order group limit", ""),
    ("select * from t order ", "by", ""),
    ("select * from t order by ", "<column>", ""),
    ("select * from t order by a ", "asc desc nulls , limit", ""),
    ("select * from t group by ", "<column> rollup cube grouping", ""),
    ("select * from t group by a ", "having order", ""),
    ("select * from t limit ", "all", ""),
    ("select count(", "<column> * distinct", ""),
    ("select * from (", "select values with", ""),
    ("select * from (select ", "<column>", ""),
    ("select * from t where a in (", "select <column>", ""),
    ("select a::", "<type>", ""),
    ("select cast(a as ", "<type>", ""),
    ("with ", "recursive <alias>", ""),
    ("with x as (", "select", ""),
    ("values (", "<column>", ""),
    ("table ", "<table>", ""),
    ("select * from t union ", "select all distinct", ""),
    // ---- SQL: DML
    ("insert ", "into", ""),
    ("insert into ", "<table>", ""),
    ("insert into t ", "( values select default", ""),
    ("insert into t (", "<colname>", ""),
    ("insert into t (a, ", "<colname>", ""),
    ("insert into t (a) ", "values select", ""),
    ("insert into t values (1) ", "on returning ;", ""),
    ("insert into t values (1) on ", "conflict", ""),
    ("update ", "<table> only", ""),
    ("update t ", "set <alias> as", ""),
    ("update t set ", "<colname>", ""),
    ("update t set a = 1 ", "where from returning ,", ""),
    ("update t set a = 1 where ", "<column>", ""),
    ("delete ", "from", ""),
    ("delete from ", "<table>", ""),
    ("delete from t ", "where using returning", ""),
    // ---- SQL: DDL and others
    ("create table ", "<table> if", ""),
    ("create table t (", "<colname> primary unique check constraint foreign like", ""),
    ("create table t (a ", "<type>", ""),
    ("create index ", "<index> on concurrently if", ""),
    ("create index i on ", "<table> only", ""),
    ("alter table ", "<table> if only", ""),
    ("alter table t ", "add drop alter rename set owner", ""),
    ("alter table t add ", "column constraint primary <colname>", ""),
    ("alter table t drop ", "column constraint <colname>", ""),
    ("drop table ", "<table> if", ""),
    ("truncate ", "<table> table only", ""),
    ("grant ", "select insert all", ""),
    ("set ", "<setting> session local", ""),
    ("explain ", "analyze select", ""),
    ("begin ", "; transaction", ""),
    ("comment on ", "table column", ""),
    ("vacuum ", "<table> full analyze", ""),
    // ---- nothing inside strings and comments
    ("select 'abc", "", "<column> from"),
    ("select $$abc", "", "<column>"),
    ("select 1 -- from ", "", "<column> from"),
    ("select /* from ", "", "<column>"),
    // ---- a mistake before the cursor: nothing
    ("show queue q q ", "", "<queue>"),
    ("register consumer on on ", "", "<queue>"),
];

#[test]
fn expected_slots_for_prefixes() {
    let mut failures = Vec::new();
    for (prefix, want, not) in CASES {
        let got: Vec<String> = slots(prefix).iter().map(show).collect();
        let missing: Vec<&str> = want
            .split_whitespace()
            .filter(|w| !got.iter().any(|g| g == w))
            .collect();
        let extra: Vec<&str> = not
            .split_whitespace()
            .filter(|w| got.iter().any(|g| g == w))
            .collect();
        if !missing.is_empty() || !extra.is_empty() {
            failures.push(format!(
                "{prefix:?}\n  missing: {missing:?}\n  unwanted: {extra:?}\n  got: {got:?}"
            ));
        }
    }
    assert!(CASES.len() >= 150, "only {} cases", CASES.len());
    assert!(
        failures.is_empty(),
        "{} of {} prefixes:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}

#[test]
fn context_reads_scope_queue_and_keys() {
    let line = "select o. from orders o join public.items as i on true";
    let cx = context(line, "select o.".len()).expect("context");
    assert_eq!(cx.word_start, "select ".len());
    assert!(
        cx.scope.contains(&InScope {
            relation: "orders".into(),
            alias: Some("o".into())
        }),
        "{cx:?}"
    );
    assert!(
        cx.scope.contains(&InScope {
            relation: "public.items".into(),
            alias: Some("i".into())
        }),
        "{cx:?}"
    );

    let cx = context("update t set ", 13).expect("context");
    assert_eq!(
        cx.scope,
        vec![InScope {
            relation: "t".into(),
            alias: None
        }]
    );

    let cx = context("insert into t (", 15).expect("context");
    assert_eq!(
        cx.scope,
        vec![InScope {
            relation: "t".into(),
            alias: None
        }]
    );

    let line = "unregister consumer  from q1";
    let cx = context(line, "unregister consumer ".len()).expect("context");
    assert_eq!(cx.queue.as_deref(), Some("q1"));
    let cx = context("register subconsumer s for ", 27).expect("context");
    assert_eq!(cx.consumer.as_deref(), Some("s"));
    let cx = context("register subconsumer s for c on q", 27).expect("context");
    assert_eq!(cx.queue.as_deref(), Some("q"));

    let cx = context("connect dbname=", 15).expect("context");
    assert_eq!(cx.key, Some("dbname"));
    let cx = context("connect host=x port=54", 22).expect("context");
    assert_eq!(cx.key, Some("port"));
    assert_eq!(cx.word_start, 20);
    let cx = context("londiste add table t with handler=", 34).expect("context");
    assert_eq!(cx.key, Some("handler"));
    assert!(cx.within.contains(&"londiste_add_table"), "{cx:?}");
    let cx = context("londiste remove table ", 22).expect("context");
    assert!(cx.within.contains(&"londiste_remove_table"), "{cx:?}");

    let cx = context("select * from \"My Ta", 20).expect("context");
    assert_eq!(cx.word_start, 14);
    assert!(cx.slots.contains(&Slot::TableName));
    assert!(context("select 'ab", 10).is_none());
}

/// Statements to complete at every prefix: the SQL cases of the parser
/// tests and the commands of the table above.
fn examples() -> Vec<String> {
    let mut v: Vec<String> = include_str!("../parse/tests/sql_cases.txt")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect();
    v.extend(CASES.iter().map(|(p, _, _)| format!("{p}x;")));
    v.extend(
        crate::parse::help::ENTRIES
            .iter()
            .map(|e| e.syntax.to_string()),
    );
    v
}

#[test]
fn every_prefix_completes_without_panic() {
    let mut n = 0;
    for stmt in examples() {
        let cuts: Vec<usize> = (0..=stmt.len())
            .filter(|i| stmt.is_char_boundary(*i))
            .collect();
        // Debug builds are slow: every prefix of short statements, a
        // stride through long ones.
        let step = (cuts.len() / 8).max(1);
        for &i in cuts.iter().step_by(step) {
            let _ = slots(&stmt[..i]);
            let _ = context(&stmt, i);
            n += 1;
        }
    }
    assert!(n > 1000, "{n}");
}

#[test]
fn odd_input_gives_no_error() {
    for t in [
        "\u{1}",
        "\"",
        "\"\"",
        "'",
        "$",
        "$$",
        "(((((",
        ")))",
        "select (((",
        "\\",
        "\u{0}",
        "é",
        "select é",
        "select \"é",
    ] {
        let _ = slots(t);
        for i in 0..=t.len() {
            let _ = context(t, i);
        }
    }
    let deep = format!("select {}", "(".repeat(5000));
    assert!(slots(&deep).is_empty());
}

fn catalog() -> super::cache::Catalog {
    let mut c = super::cache::Catalog::default();
    c.queues = vec!["q1".into(), "q2".into()];
    c.nodes = vec!["n1".into()];
    c.schemas = vec!["public".into(), "s".into()];
    c.relations = vec![
        ("public".into(), "orders".into(), 'r'),
        ("public".into(), "My Table".into(), 'r'),
        ("s".into(), "items".into(), 'r'),
    ];
    c.consumers.insert("q1".into(), vec!["c1".into()]);
    c.consumers.insert("q2".into(), vec!["c2".into()]);
    c.columns
        .insert("public.orders".into(), vec!["id".into(), "total".into()]);
    c.ticks.insert("q1".into(), vec![120, 117]);
    c.ticks.insert("q2".into(), vec![9]);
    c.batches = vec![31, 45];
    c.databases = vec!["shop".into(), "my db".into()];
    c.roles = vec!["alice".into(), "Bob".into()];
    c.nodes = vec!["n1".into(), "n2".into()];
    c.nodes_by_queue.insert("q1".into(), vec!["n1".into()]);
    c.nodes_by_queue.insert("q2".into(), vec!["n2".into()]);
    c.types = vec!["int4".into(), "text".into(), "mood".into()];
    c.indexes = vec![
        ("public".into(), "orders_pkey".into()),
        ("s".into(), "items_idx".into()),
    ];
    c.triggers = vec!["trg_audit".into()];
    c.settings = vec!["search_path".into(), "work_mem".into()];
    c
}

#[test]
fn types_indexes_triggers_and_settings() {
    assert!(cands("select 1::te").contains(&"text".to_string()));
    assert!(cands("create table x (a mo").contains(&"mood".to_string()));
    let drop = cands("drop index ");
    assert!(drop.contains(&"orders_pkey".to_string()), "{drop:?}");
    assert!(drop.contains(&"s.items_idx".to_string()), "{drop:?}");
    assert_eq!(cands("alter trigger t"), vec!["trg_audit"]);
    assert_eq!(cands("set wor"), vec!["work_mem"]);
    assert_eq!(cands("reset sea"), vec!["search_path"]);
}

#[test]
fn node_names_of_the_queue_at_hand() {
    let in_queue = |text: &str, q: Option<&str>| -> Vec<String> {
        super::candidates_in(text, text.len(), &catalog(), q).1
    };
    assert_eq!(in_queue("alter node ", None), vec!["n1", "n2"]);
    assert_eq!(in_queue("alter node ", Some("q2")), vec!["n2"]);
    assert_eq!(in_queue("connect queue=q1 node=", Some("q2")), vec!["n1"]);
    assert_eq!(in_queue("register consumer c at ", Some("q2")), vec!["9"]);
}

#[test]
fn ids_databases_roles_and_keys_from_a_snapshot() {
    assert_eq!(cands("register consumer c on q1 at "), vec!["120", "117"]);
    assert_eq!(cands("register consumer c on q1 at 11"), vec!["117"]);
    assert_eq!(
        cands("register consumer c at "),
        vec!["120", "117", "9"],
        "no queue named: every queue's"
    );
    let batch = cands("show batch ");
    assert_eq!(
        batch,
        vec!["c1", "c2", "31", "45"],
        "consumers or batch ids"
    );
    assert_eq!(cands("connect dbname="), vec!["shop", "'my db'"]);
    assert_eq!(cands("connect host=h user="), vec!["alice", "Bob"]);
    assert_eq!(cands("connect db"), vec!["dbname="]);
    assert!(cands("connect ").contains(&"sslmode=".to_string()));
    assert_eq!(cands("alter queue q1 set idle"), vec!["idle_period="]);
    // Keys that are also plain keywords elsewhere stay bare.
    assert_eq!(cands("connect dbname=x qu"), vec!["queue"]);
    assert_eq!(cands("sel"), vec!["select"]);
}

fn cands(text: &str) -> Vec<String> {
    super::candidates(text, text.len(), &catalog()).1
}

#[test]
fn candidates_from_a_snapshot() {
    assert_eq!(cands("sho"), vec!["show"]);
    assert_eq!(cands("SHO"), vec!["SHOW"]);
    assert_eq!(cands("register consumer c on "), vec!["q1", "q2"]);
    assert_eq!(cands("show consumer c on q"), vec!["q1", "q2"]);
    assert!(cands("select * from ").contains(&"orders".to_string()));
    assert!(cands("select * from ").contains(&"\"My Table\"".to_string()));
    assert_eq!(cands("select * from \"My"), vec!["\"My Table\""]);
    assert_eq!(cands("select * from s."), vec!["s.items"]);
    assert_eq!(
        cands("select * from orders o where o."),
        vec!["o.id", "o.total"]
    );
    assert_eq!(
        super::candidates("select o. from orders o", 9, &catalog())
            .1
            .len(),
        2
    );
    assert!(cands("select 'ord").is_empty());
    assert!(cands("alter node ").contains(&"n1".to_string()));
}

/// The snapshot of [`catalog`] with what #15's cases need: a sequence, a
/// Londiste table, pgq functions, pgq_node's internal consumer.
fn catalog15() -> super::cache::Catalog {
    let mut c = catalog();
    c.schemas.push("pgq".into());
    c.relations
        .push(("public".into(), "orders_id_seq".into(), 'S'));
    c.relations.push(("public".into(), "payments".into(), 'r'));
    c.londiste_tables = vec!["public.payments".into()];
    c.functions = vec![
        "count".into(),
        "pgq.get_queue_info".into(),
        "pgq.get_consumer_info".into(),
    ];
    c.consumers.insert(
        "q1".into(),
        vec![".global_watermark".into(), "c1".into(), "worker1".into()],
    );
    c
}

fn cands15(text: &str, queue: Option<&str>) -> Vec<String> {
    super::candidates_in(text, text.len(), &catalog15(), queue).1
}

// See: #15
#[test]
fn r15_londiste_add_table_offers_tables_not_yet_replicated_only() {
    let got = cands15("londiste add table ", None);
    assert!(got.contains(&"orders".to_string()), "{got:?}");
    assert!(
        !got.contains(&"orders_id_seq".to_string()),
        "no sequences: {got:?}"
    );
    assert!(
        !got.contains(&"payments".to_string()),
        "already in Londiste: {got:?}"
    );
    let got = cands15("londiste add sequence ", None);
    assert!(got.contains(&"orders_id_seq".to_string()), "{got:?}");
    assert!(!got.contains(&"orders".to_string()), "{got:?}");
}

// See: #15
#[test]
fn r15_functions_outside_the_search_path_come_qualified() {
    let got = cands15("select get_queue", None);
    assert!(got.is_empty(), "no bare pgq function: {got:?}");
    assert_eq!(cands15("select pg", None), vec!["pgq."]);
    assert_eq!(
        cands15("select pgq.", None),
        vec!["pgq.get_consumer_info", "pgq.get_queue_info"]
    );
    assert_eq!(
        cands15("select pgq.get_q", None),
        vec!["pgq.get_queue_info"]
    );
    assert!(cands15("select cou", None).contains(&"count".to_string()));
}

// See: #15
#[test]
fn r15_nothing_keyword_ish_inside_function_args() {
    let got = cands15("select * from pgq.get_queue_info(", None);
    for k in ["distinct", "all", "both", "leading", "trailing"] {
        assert!(!got.contains(&k.to_string()), "{k}: {got:?}");
    }
    let got = cands15("select count(", None);
    assert!(!got.contains(&"distinct".to_string()), "{got:?}");
}

// See: #15
#[test]
fn r15_consumer_slots_hide_internal_consumers_and_follow_the_current_queue() {
    assert_eq!(
        cands15("pause consumer ", Some("q1")),
        vec!["c1", "worker1"]
    );
    let batch = cands15("show batch ", Some("q2"));
    assert!(batch.contains(&"c2".to_string()), "{batch:?}");
    assert!(!batch.contains(&"c1".to_string()), "other queue: {batch:?}");
}

// See: #15
#[test]
fn r15_show_help_offers_command_words() {
    let got = cands15("show help ", None);
    for w in ["show", "register", "londiste", "tick", "create"] {
        assert!(got.contains(&w.to_string()), "{w}: {got:?}");
    }
    assert_eq!(
        cands15("show help register ", None),
        vec!["consumer", "subconsumer"]
    );
    assert_eq!(cands15("show help show q", None), vec!["queue"]);
}

#[test]
fn keyword_case_follows_psqls_pg_strdup_keyword_case() {
    use super::KeywordCase::*;
    for (case, typed, want) in [
        (Lower, "SEL", "select"),
        (Upper, "sel", "SELECT"),
        (PreserveLower, "sel", "select"),
        (PreserveLower, "Sel", "SELECT"),
        (PreserveLower, "", "select"),
        (PreserveLower, "_", "select"),
        (PreserveUpper, "sel", "select"),
        (PreserveUpper, "sEL", "select"),
        (PreserveUpper, "Sel", "SELECT"),
        (PreserveUpper, "", "SELECT"),
    ] {
        assert_eq!(case.apply("select", typed), want, "{case:?} {typed:?}");
    }
    assert_eq!(super::KeywordCase::from_var(Some("UPPER")), Upper);
    assert_eq!(super::KeywordCase::from_var(None), PreserveUpper);
}

#[test]
fn keyword_case_applies_to_keywords_not_names() {
    let (_, c) = super::candidates_cased(
        "select * from ord",
        17,
        &catalog(),
        None,
        super::KeywordCase::Upper,
    );
    assert!(
        c.iter().any(|n| n == "orders"),
        "a table keeps its case: {c:?}"
    );
    let (_, c) = super::candidates_cased("show qu", 7, &catalog(), None, super::KeywordCase::Upper);
    assert_eq!(c, ["QUEUE"], "a command word");
    let (_, c) = super::candidates_cased(
        "show qu",
        7,
        &catalog(),
        None,
        super::KeywordCase::PreserveUpper,
    );
    assert_eq!(c, ["queue"], "lower after a lower-case letter");
}
