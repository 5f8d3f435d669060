//! Every command form -> its whole AST. Each case also runs in variants:
//! without its `;`, upper-cased (when it holds no quoted text), spread over
//! lines with comments between the words, and with tabs.

use crate::parse::*;

fn q(s: &str) -> QueueName {
    QueueName::new(s)
}
fn c(s: &str) -> ConsumerName {
    ConsumerName::new(s)
}
fn n(s: &str) -> NodeName {
    NodeName::new(s)
}
fn t(s: &str) -> QualifiedName {
    match s.split_once('.') {
        Some((a, b)) => QualifiedName::qualified(a, b),
        None => QualifiedName::bare(s),
    }
}
fn cmd(text: &str) -> Command {
    match parse_statement(text) {
        Ok(Statement::Command(c)) => c,
        Ok(other) => panic!("{text:?}: not a command: {other:?}"),
        Err(e) => panic!("{text:?}:\n{e}"),
    }
}

/// The variants every case must also pass.
fn variants(text: &str, upper: bool) -> Vec<String> {
    let mut v = vec![text.to_string()];
    let bare = text.trim_end().trim_end_matches(';').to_string();
    v.push(bare.clone());
    v.push(format!("  {bare}  ;"));
    if upper && !text.contains('\'') && !text.contains('"') {
        v.push(text.to_uppercase());
        v.push(
            text.split(' ')
                .map(|w| {
                    let mut c = w.chars();
                    match c.next() {
                        Some(f) => f.to_uppercase().chain(c).collect(),
                        None => String::new(),
                    }
                })
                .collect::<Vec<_>>()
                .join(" "),
        );
    }
    // Words on lines of their own with comments between them (outside
    // quotes: only where a space separates two tokens that hold no quote).
    if !text.contains('\'') && !text.contains('"') {
        v.push(text.replace(' ', "\n  /* c */ "));
        v.push(text.replace(' ', " -- c\n\t"));
        v.push(text.replace(' ', "\t"));
    }
    v
}

fn check(cases: Vec<(&str, Command)>) -> usize {
    check_variants(cases, true)
}

/// Values of `connect` keep their case: no upper-cased variants there.
fn check_variants(cases: Vec<(&str, Command)>, upper: bool) -> usize {
    let mut n = 0;
    for (text, want) in cases {
        for v in variants(text, upper) {
            let got = cmd(&v);
            assert_eq!(got, want, "\n  input: {v:?}");
            n += 1;
        }
    }
    n
}

#[test]
fn connection_and_install() {
    let conn = |settings: Vec<(ConnKey, &str)>, queue: Option<&str>, node: Option<&str>| {
        Command::Database(DatabaseCommand::Connect(Connect {
            settings: settings
                .into_iter()
                .map(|(key, v)| ConnSetting {
                    key,
                    value: v.to_string(),
                })
                .collect(),
            queue: queue.map(q),
            node: node.map(n),
        }))
    };
    let n = check_variants(
        vec![
            (
                "connect dbname=app;",
                conn(vec![(ConnKey::Dbname, "app")], None, None),
            ),
            (
                "connect dbname=app host=/tmp port=5433 user=bob;",
                conn(
                    vec![
                        (ConnKey::Dbname, "app"),
                        (ConnKey::Host, "/tmp"),
                        (ConnKey::Port, "5433"),
                        (ConnKey::User, "bob"),
                    ],
                    None,
                    None,
                ),
            ),
            (
                "connect host=db1.example.com sslmode=require service=main;",
                conn(
                    vec![
                        (ConnKey::Host, "db1.example.com"),
                        (ConnKey::Sslmode, "require"),
                        (ConnKey::Service, "main"),
                    ],
                    None,
                    None,
                ),
            ),
            (
                "connect password='s e;c''ret' dbname=app;",
                conn(
                    vec![(ConnKey::Password, "s e;c'ret"), (ConnKey::Dbname, "app")],
                    None,
                    None,
                ),
            ),
            ("connect queue=q1;", conn(vec![], Some("q1"), None)),
            (
                "connect queue=q1 node=n1;",
                conn(vec![], Some("q1"), Some("n1")),
            ),
            (
                "connect queue=\"Q\" node=\"N 1\";",
                conn(vec![], Some("Q"), Some("N 1")),
            ),
            (
                "connect dbname = app queue = q;",
                conn(vec![(ConnKey::Dbname, "app")], Some("q"), None),
            ),
            (
                "connect dbname=app queue=q1 node=n1 host=h;",
                conn(
                    vec![(ConnKey::Dbname, "app"), (ConnKey::Host, "h")],
                    Some("q1"),
                    Some("n1"),
                ),
            ),
            (
                "install pgq;",
                Command::Database(DatabaseCommand::Install(Install {
                    extension: Extension::Pgq,
                })),
            ),
            (
                "install londiste;",
                Command::Database(DatabaseCommand::Install(Install {
                    extension: Extension::Londiste,
                })),
            ),
        ],
        false,
    );
    assert!(n >= 60, "{n}");
}

#[test]
fn queues() {
    let setting = |param, value| QueueSetting { param, value };
    use Literal::*;
    use QueueParam::*;
    check(vec![
        ("show queue;", Command::Queue(QueueCommand::ShowQueue(ShowQueue { queue: None, verbose: false }))),
        (
            "show queue q1;",
            Command::Queue(QueueCommand::ShowQueue(ShowQueue {
                queue: Some(Target::Named(q("q1"))),
                verbose: false,
            })),
        ),
        (
            "show queue+;",
            Command::Queue(QueueCommand::ShowQueue(ShowQueue {
                queue: None,
                verbose: true,
            })),
        ),
        (
            "show queue+ q1;",
            Command::Queue(QueueCommand::ShowQueue(ShowQueue {
                queue: Some(Target::Named(q("q1"))),
                verbose: true,
            })),
        ),
        (
            "show queue *;",
            Command::Queue(QueueCommand::ShowQueue(ShowQueue {
                queue: Some(Target::All),
                verbose: false,
            })),
        ),
        (
            "show queue \"My Queue\";",
            Command::Queue(QueueCommand::ShowQueue(ShowQueue {
                queue: Some(Target::Named(q("My Queue"))),
                verbose: false,
            })),
        ),
        (
            "show queue status;",
            Command::Queue(QueueCommand::ShowQueue(ShowQueue {
                queue: Some(Target::Named(q("status"))),
                verbose: false,
            })),
        ),
        (
            "create queue q1;",
            Command::Queue(QueueCommand::CreateQueue(CreateQueue { queue: q("q1") })),
        ),
        (
            "create queue \"select\";",
            Command::Queue(QueueCommand::CreateQueue(CreateQueue {
                queue: q("select"),
            })),
        ),
        (
            "create queue \"a\"\"b\";",
            Command::Queue(QueueCommand::CreateQueue(CreateQueue { queue: q("a\"b") })),
        ),
        (
            "create queue q$1_x;",
            Command::Queue(QueueCommand::CreateQueue(CreateQueue { queue: q("q$1_x") })),
        ),
        (
            "create queue _q;",
            Command::Queue(QueueCommand::CreateQueue(CreateQueue { queue: q("_q") })),
        ),
        (
            "create queue Queue;",
            Command::Queue(QueueCommand::CreateQueue(CreateQueue { queue: q("queue") })),
        ),
        (
            "alter queue q1 set max_count = 500;",
            Command::Queue(QueueCommand::AlterQueue(AlterQueue {
                queue: Target::Named(q("q1")),
                settings: vec![setting(TickerMaxCount, Integer(500))],
            })),
        ),
        (
            "alter queue * set paused = true;",
            Command::Queue(QueueCommand::AlterQueue(AlterQueue {
                queue: Target::All,
                settings: vec![setting(TickerPaused, Boolean(true))],
            })),
        ),
        (
            "alter queue q set idle_period = '1 minute', max_lag = 3, paused = off, max_count = 10;",
            Command::Queue(QueueCommand::AlterQueue(AlterQueue {
                queue: Target::Named(q("q")),
                settings: vec![
                    setting(TickerIdlePeriod, String("1 minute".into())),
                    setting(TickerMaxLag, Integer(3)),
                    setting(TickerPaused, Boolean(false)),
                    setting(TickerMaxCount, Integer(10)),
                ],
            })),
        ),
        (
            "alter queue q set ticker_idle_period = 60, ticker_max_count = 1, ticker_max_lag = '2 s', ticker_paused = on;",
            Command::Queue(QueueCommand::AlterQueue(AlterQueue {
                queue: Target::Named(q("q")),
                settings: vec![
                    setting(TickerIdlePeriod, Integer(60)),
                    setting(TickerMaxCount, Integer(1)),
                    setting(TickerMaxLag, String("2 s".into())),
                    setting(TickerPaused, Boolean(true)),
                ],
            })),
        ),
        (
            "alter queue q set rotation_period = '2 hours', external_ticker = false;",
            Command::Queue(QueueCommand::AlterQueue(AlterQueue {
                queue: Target::Named(q("q")),
                settings: vec![
                    setting(RotationPeriod, String("2 hours".into())),
                    setting(ExternalTicker, Boolean(false)),
                ],
            })),
        ),
        (
            "alter queue q set paused=on,max_count=7;",
            Command::Queue(QueueCommand::AlterQueue(AlterQueue {
                queue: Target::Named(q("q")),
                settings: vec![
                    setting(TickerPaused, Boolean(true)),
                    setting(TickerMaxCount, Integer(7)),
                ],
            })),
        ),
        (
            "alter queue q set max_lag = E'5\\tseconds';",
            Command::Queue(QueueCommand::AlterQueue(AlterQueue {
                queue: Target::Named(q("q")),
                settings: vec![setting(TickerMaxLag, String("5\tseconds".into()))],
            })),
        ),
        (
            "drop queue q1;",
            Command::Queue(QueueCommand::DropQueue(DropQueue {
                queue: q("q1"),
                force: false,
            })),
        ),
        (
            "drop queue q1 force;",
            Command::Queue(QueueCommand::DropQueue(DropQueue {
                queue: q("q1"),
                force: true,
            })),
        ),
        (
            "drop queue force;",
            Command::Queue(QueueCommand::DropQueue(DropQueue {
                queue: q("force"),
                force: false,
            })),
        ),
        (
            "drop queue force force;",
            Command::Queue(QueueCommand::DropQueue(DropQueue {
                queue: q("force"),
                force: true,
            })),
        ),
    ]);
}

#[test]
fn consumers() {
    check(vec![
        (
            "show consumer;",
            Command::Queue(QueueCommand::ShowConsumer(ShowConsumer {
                consumer: None,
                queue: None,
                verbose: false,
            })),
        ),
        (
            "show consumer c1;",
            Command::Queue(QueueCommand::ShowConsumer(ShowConsumer {
                consumer: Some(Target::Named(c("c1"))),
                queue: None,
                verbose: false,
            })),
        ),
        (
            "show consumer *;",
            Command::Queue(QueueCommand::ShowConsumer(ShowConsumer {
                consumer: Some(Target::All),
                queue: None,
                verbose: false,
            })),
        ),
        (
            "show consumer c1 on q;",
            Command::Queue(QueueCommand::ShowConsumer(ShowConsumer {
                consumer: Some(Target::Named(c("c1"))),
                queue: Some(Target::Named(q("q"))),
                verbose: false,
            })),
        ),
        (
            "show consumer * on *;",
            Command::Queue(QueueCommand::ShowConsumer(ShowConsumer {
                consumer: Some(Target::All),
                queue: Some(Target::All),
                verbose: false,
            })),
        ),
        (
            "show consumer on q;",
            Command::Queue(QueueCommand::ShowConsumer(ShowConsumer {
                consumer: None,
                queue: Some(Target::Named(q("q"))),
                verbose: false,
            })),
        ),
        (
            "show consumer on *;",
            Command::Queue(QueueCommand::ShowConsumer(ShowConsumer {
                consumer: None,
                queue: Some(Target::All),
                verbose: false,
            })),
        ),
        (
            "show consumer \".n1.watermark\" on \"Q\";",
            Command::Queue(QueueCommand::ShowConsumer(ShowConsumer {
                consumer: Some(Target::Named(c(".n1.watermark"))),
                queue: Some(Target::Named(q("Q"))),
                verbose: false,
            })),
        ),
        (
            "register consumer c1;",
            Command::Queue(QueueCommand::RegisterConsumer(RegisterConsumer {
                consumer: c("c1"),
                queue: None,
                start: None,
            })),
        ),
        (
            "register consumer c1 on q;",
            Command::Queue(QueueCommand::RegisterConsumer(RegisterConsumer {
                consumer: c("c1"),
                queue: Some(q("q")),
                start: None,
            })),
        ),
        (
            "register consumer c1 at 42;",
            Command::Queue(QueueCommand::RegisterConsumer(RegisterConsumer {
                consumer: c("c1"),
                queue: None,
                start: Some(ConsumerStart::AtTick(42)),
            })),
        ),
        (
            "register consumer c1 on q at 9223372036854775807;",
            Command::Queue(QueueCommand::RegisterConsumer(RegisterConsumer {
                consumer: c("c1"),
                queue: Some(q("q")),
                start: Some(ConsumerStart::AtTick(i64::MAX)),
            })),
        ),
        (
            "register consumer c1 copy c2;",
            Command::Queue(QueueCommand::RegisterConsumer(RegisterConsumer {
                consumer: c("c1"),
                queue: None,
                start: Some(ConsumerStart::CopyFrom(c("c2"))),
            })),
        ),
        (
            "register consumer c1 on q copy \"C2\";",
            Command::Queue(QueueCommand::RegisterConsumer(RegisterConsumer {
                consumer: c("c1"),
                queue: Some(q("q")),
                start: Some(ConsumerStart::CopyFrom(c("C2"))),
            })),
        ),
        (
            "register consumer at;",
            Command::Queue(QueueCommand::RegisterConsumer(RegisterConsumer {
                consumer: c("at"),
                queue: None,
                start: None,
            })),
        ),
        (
            "unregister consumer c1;",
            Command::Queue(QueueCommand::UnregisterConsumer(UnregisterConsumer {
                consumer: Target::Named(c("c1")),
                queue: None,
            })),
        ),
        (
            "unregister consumer c1 from q;",
            Command::Queue(QueueCommand::UnregisterConsumer(UnregisterConsumer {
                consumer: Target::Named(c("c1")),
                queue: Some(q("q")),
            })),
        ),
        (
            "unregister consumer * from q;",
            Command::Queue(QueueCommand::UnregisterConsumer(UnregisterConsumer {
                consumer: Target::All,
                queue: Some(q("q")),
            })),
        ),
        (
            "unregister consumer *;",
            Command::Queue(QueueCommand::UnregisterConsumer(UnregisterConsumer {
                consumer: Target::All,
                queue: None,
            })),
        ),
        (
            "register subconsumer s1 for c1;",
            Command::Queue(QueueCommand::RegisterSubconsumer(RegisterSubconsumer {
                subconsumer: c("s1"),
                consumer: c("c1"),
                queue: None,
            })),
        ),
        (
            "register subconsumer s1 for c1 on q;",
            Command::Queue(QueueCommand::RegisterSubconsumer(RegisterSubconsumer {
                subconsumer: c("s1"),
                consumer: c("c1"),
                queue: Some(q("q")),
            })),
        ),
        (
            "unregister subconsumer s1 for c1;",
            Command::Queue(QueueCommand::UnregisterSubconsumer(UnregisterSubconsumer {
                subconsumer: Target::Named(c("s1")),
                consumer: c("c1"),
                queue: None,
                close_batch: false,
            })),
        ),
        (
            "unregister subconsumer * for c1 from q close batch;",
            Command::Queue(QueueCommand::UnregisterSubconsumer(UnregisterSubconsumer {
                subconsumer: Target::All,
                consumer: c("c1"),
                queue: Some(q("q")),
                close_batch: true,
            })),
        ),
        (
            "unregister subconsumer s1 for c1 close;",
            Command::Queue(QueueCommand::UnregisterSubconsumer(UnregisterSubconsumer {
                subconsumer: Target::Named(c("s1")),
                consumer: c("c1"),
                queue: None,
                close_batch: true,
            })),
        ),
        (
            "unregister subconsumer s1 for c1 from q;",
            Command::Queue(QueueCommand::UnregisterSubconsumer(UnregisterSubconsumer {
                subconsumer: Target::Named(c("s1")),
                consumer: c("c1"),
                queue: Some(q("q")),
                close_batch: false,
            })),
        ),
    ]);
}

#[test]
fn inspection_and_maintenance() {
    check(vec![
        (
            "show batch 17;",
            Command::Queue(QueueCommand::ShowBatch(ShowBatch {
                batch: BatchRef::Id(17),
            })),
        ),
        (
            "show batch c1;",
            Command::Queue(QueueCommand::ShowBatch(ShowBatch {
                batch: BatchRef::Consumer(c("c1")),
            })),
        ),
        (
            "show batch \"17\";",
            Command::Queue(QueueCommand::ShowBatch(ShowBatch {
                batch: BatchRef::Consumer(c("17")),
            })),
        ),
        (
            "show table t1;",
            Command::Londiste(LondisteCommand::ShowTable(ShowTable { table: t("t1") })),
        ),
        (
            "show table public.t1;",
            Command::Londiste(LondisteCommand::ShowTable(ShowTable {
                table: t("public.t1"),
            })),
        ),
        (
            "show table \"S\".\"T x\";",
            Command::Londiste(LondisteCommand::ShowTable(ShowTable {
                table: QualifiedName::qualified("S", "T x"),
            })),
        ),
        (
            "show table Public.Orders;",
            Command::Londiste(LondisteCommand::ShowTable(ShowTable {
                table: t("public.orders"),
            })),
        ),
        (
            "show sequence s1;",
            Command::Londiste(LondisteCommand::ShowSequence(ShowSequence {
                sequence: t("s1"),
            })),
        ),
        (
            "show sequence pgq.batch_id_seq;",
            Command::Londiste(LondisteCommand::ShowSequence(ShowSequence {
                sequence: t("pgq.batch_id_seq"),
            })),
        ),
        ("show version;", Command::Queue(QueueCommand::ShowVersion)),
        (
            "show help;",
            Command::Session(SessionCommand::ShowHelp(ShowHelp { topic: vec![] })),
        ),
        (
            "show help register consumer;",
            Command::Session(SessionCommand::ShowHelp(ShowHelp {
                topic: vec!["register".into(), "consumer".into()],
            })),
        ),
        (
            "show help takeover;",
            Command::Session(SessionCommand::ShowHelp(ShowHelp {
                topic: vec!["takeover".into()],
            })),
        ),
        (
            "show help show node status;",
            Command::Session(SessionCommand::ShowHelp(ShowHelp {
                topic: vec!["show".into(), "node".into(), "status".into()],
            })),
        ),
        (
            "show node;",
            Command::Cascade(CascadeCommand::ShowNode(ShowNode {
                node: None,
                queue: None,
            })),
        ),
        (
            "show node n1;",
            Command::Cascade(CascadeCommand::ShowNode(ShowNode {
                node: Some(Target::Named(n("n1"))),
                queue: None,
            })),
        ),
        (
            "show node *;",
            Command::Cascade(CascadeCommand::ShowNode(ShowNode {
                node: Some(Target::All),
                queue: None,
            })),
        ),
        (
            "show node * on q;",
            Command::Cascade(CascadeCommand::ShowNode(ShowNode {
                node: Some(Target::All),
                queue: Some(q("q")),
            })),
        ),
        (
            "show node n1 on q;",
            Command::Cascade(CascadeCommand::ShowNode(ShowNode {
                node: Some(Target::Named(n("n1"))),
                queue: Some(q("q")),
            })),
        ),
        (
            "show node on q;",
            Command::Cascade(CascadeCommand::ShowNode(ShowNode {
                node: None,
                queue: Some(q("q")),
            })),
        ),
        (
            "show node \"status\";",
            Command::Cascade(CascadeCommand::ShowNode(ShowNode {
                node: Some(Target::Named(n("status"))),
                queue: None,
            })),
        ),
        (
            "tick;",
            Command::Queue(QueueCommand::Tick(Tick {
                queue: None,
                force: false,
            })),
        ),
        (
            "tick q1;",
            Command::Queue(QueueCommand::Tick(Tick {
                queue: Some(q("q1")),
                force: false,
            })),
        ),
        (
            "tick force;",
            Command::Queue(QueueCommand::Tick(Tick {
                queue: None,
                force: true,
            })),
        ),
        (
            "tick q1 force;",
            Command::Queue(QueueCommand::Tick(Tick {
                queue: Some(q("q1")),
                force: true,
            })),
        ),
        ("maint;", Command::Queue(QueueCommand::Maint)),
    ]);
}

fn node(kind: NodeKind, name: &str) -> CreateNode {
    CreateNode {
        kind,
        node: n(name),
        queue: None,
        location: None,
        provider: None,
        worker: None,
        merge: None,
        from_copy: None,
    }
}

#[test]
fn cascade() {
    check(vec![
        (
            "create root node n1;",
            Command::Cascade(CascadeCommand::CreateNode(node(NodeKind::Root, "n1"))),
        ),
        (
            "create branch node n2;",
            Command::Cascade(CascadeCommand::CreateNode(node(NodeKind::Branch, "n2"))),
        ),
        (
            "create leaf node n3;",
            Command::Cascade(CascadeCommand::CreateNode(node(NodeKind::Leaf, "n3"))),
        ),
        (
            "create root node n1 on q location 'dbname=db1 host=/tmp';",
            Command::Cascade(CascadeCommand::CreateNode(CreateNode {
                queue: Some(q("q")),
                location: Some("dbname=db1 host=/tmp".into()),
                ..node(NodeKind::Root, "n1")
            })),
        ),
        (
            "create branch node n2 location 'dbname=db2' provider n1;",
            Command::Cascade(CascadeCommand::CreateNode(CreateNode {
                location: Some("dbname=db2".into()),
                provider: Some(Provider::Node(n("n1"))),
                ..node(NodeKind::Branch, "n2")
            })),
        ),
        (
            "create branch node n2 provider 'dbname=db1' location 'dbname=db2';",
            Command::Cascade(CascadeCommand::CreateNode(CreateNode {
                location: Some("dbname=db2".into()),
                provider: Some(Provider::Location("dbname=db1".into())),
                ..node(NodeKind::Branch, "n2")
            })),
        ),
        (
            "create leaf node n3 on q location 'dbname=db3' provider n2 worker w3 merge qq;",
            Command::Cascade(CascadeCommand::CreateNode(CreateNode {
                queue: Some(q("q")),
                location: Some("dbname=db3".into()),
                provider: Some(Provider::Node(n("n2"))),
                worker: Some(c("w3")),
                merge: Some(q("qq")),
                ..node(NodeKind::Leaf, "n3")
            })),
        ),
        (
            "create leaf node n3 merge qq worker w3 provider n2 on q;",
            Command::Cascade(CascadeCommand::CreateNode(CreateNode {
                queue: Some(q("q")),
                provider: Some(Provider::Node(n("n2"))),
                worker: Some(c("w3")),
                merge: Some(q("qq")),
                ..node(NodeKind::Leaf, "n3")
            })),
        ),
        (
            "create branch node n4 from copy;",
            Command::Cascade(CascadeCommand::CreateNode(CreateNode {
                from_copy: Some(FromCopy { of: None }),
                ..node(NodeKind::Branch, "n4")
            })),
        ),
        (
            "create leaf node n4 from copy of n2 provider n1 location 'dbname=c';",
            Command::Cascade(CascadeCommand::CreateNode(CreateNode {
                location: Some("dbname=c".into()),
                provider: Some(Provider::Node(n("n1"))),
                from_copy: Some(FromCopy { of: Some(n("n2")) }),
                ..node(NodeKind::Leaf, "n4")
            })),
        ),
        (
            "create root node \"Node 1\" worker \"W\";",
            Command::Cascade(CascadeCommand::CreateNode(CreateNode {
                worker: Some(c("W")),
                ..node(NodeKind::Root, "Node 1")
            })),
        ),
        (
            "show cascade;",
            Command::Cascade(CascadeCommand::ShowCascade),
        ),
        ("status;", Command::Cascade(CascadeCommand::ShowCascade)),
        (
            "show members;",
            Command::Cascade(CascadeCommand::ShowMembers),
        ),
        (
            "show node status;",
            Command::Cascade(CascadeCommand::ShowNodeStatus(ShowNodeStatus {
                node: None,
            })),
        ),
        (
            "show node status n2;",
            Command::Cascade(CascadeCommand::ShowNodeStatus(ShowNodeStatus {
                node: Some(n("n2")),
            })),
        ),
        (
            "alter node n3 provider n1;",
            Command::Cascade(CascadeCommand::AlterNodeProvider(AlterNodeProvider {
                node: n("n3"),
                provider: n("n1"),
            })),
        ),
        (
            "alter node n3 rename n4;",
            Command::Cascade(CascadeCommand::AlterNodeRename(AlterNodeRename {
                node: n("n3"),
                new_name: n("n4"),
            })),
        ),
        (
            "alter node n3 rename \"N4\";",
            Command::Cascade(CascadeCommand::AlterNodeRename(AlterNodeRename {
                node: n("n3"),
                new_name: n("N4"),
            })),
        ),
        (
            "alter node n3 location 'host=h3 dbname=d';",
            Command::Cascade(CascadeCommand::AlterNodeLocation(AlterNodeLocation {
                node: n("n3"),
                location: "host=h3 dbname=d".into(),
            })),
        ),
        (
            "alter node root standby location 'host=s1 dbname=d';",
            Command::Cascade(CascadeCommand::AlterNodeStandby(AlterNodeStandby {
                node: n("root"),
                locations: vec!["host=s1 dbname=d".into()],
            })),
        ),
        (
            "ALTER NODE root STANDBY LOCATION 'host=s1', E'host=s2\\tport=5433';",
            Command::Cascade(CascadeCommand::AlterNodeStandby(AlterNodeStandby {
                node: n("root"),
                locations: vec!["host=s1".into(), "host=s2\tport=5433".into()],
            })),
        ),
        (
            "alter node root standby location none;",
            Command::Cascade(CascadeCommand::AlterNodeStandby(AlterNodeStandby {
                node: n("root"),
                locations: vec![],
            })),
        ),
        (
            "takeover n1;",
            Command::Cascade(CascadeCommand::Takeover(Takeover {
                old: n("n1"),
                all: false,
                dead: false,
                force: false,
            })),
        ),
        (
            "takeover n1 with all;",
            Command::Cascade(CascadeCommand::Takeover(Takeover {
                old: n("n1"),
                all: true,
                dead: false,
                force: false,
            })),
        ),
        (
            "takeover n1 dead;",
            Command::Cascade(CascadeCommand::Takeover(Takeover {
                old: n("n1"),
                all: false,
                dead: true,
                force: false,
            })),
        ),
        (
            "takeover n1 force;",
            Command::Cascade(CascadeCommand::Takeover(Takeover {
                old: n("n1"),
                all: false,
                dead: false,
                force: true,
            })),
        ),
        (
            "takeover n1 with all dead force;",
            Command::Cascade(CascadeCommand::Takeover(Takeover {
                old: n("n1"),
                all: true,
                dead: true,
                force: true,
            })),
        ),
        (
            "takeover n1 force dead with all;",
            Command::Cascade(CascadeCommand::Takeover(Takeover {
                old: n("n1"),
                all: true,
                dead: true,
                force: true,
            })),
        ),
        (
            "takeover n1 dead with all;",
            Command::Cascade(CascadeCommand::Takeover(Takeover {
                old: n("n1"),
                all: true,
                dead: true,
                force: false,
            })),
        ),
        (
            "takeover dead;",
            Command::Cascade(CascadeCommand::Takeover(Takeover {
                old: n("dead"),
                all: false,
                dead: false,
                force: false,
            })),
        ),
        (
            "drop node n3;",
            Command::Cascade(CascadeCommand::DropNode(DropNode { node: n("n3") })),
        ),
        (
            "tag node n3 dead;",
            Command::Cascade(CascadeCommand::TagNode(TagNode {
                node: n("n3"),
                dead: true,
            })),
        ),
        (
            "tag node n3 alive;",
            Command::Cascade(CascadeCommand::TagNode(TagNode {
                node: n("n3"),
                dead: false,
            })),
        ),
        (
            "pause node n2;",
            Command::Cascade(CascadeCommand::PauseNode(PauseNode { node: n("n2") })),
        ),
        (
            "resume node n2;",
            Command::Cascade(CascadeCommand::ResumeNode(ResumeNode { node: n("n2") })),
        ),
        (
            "pause consumer c1;",
            Command::Cascade(CascadeCommand::PauseConsumer(PauseConsumer {
                consumer: c("c1"),
                node: None,
            })),
        ),
        (
            "pause consumer c1 on n2;",
            Command::Cascade(CascadeCommand::PauseConsumer(PauseConsumer {
                consumer: c("c1"),
                node: Some(n("n2")),
            })),
        ),
        (
            "resume consumer c1;",
            Command::Cascade(CascadeCommand::ResumeConsumer(ResumeConsumer {
                consumer: c("c1"),
                node: None,
            })),
        ),
        (
            "resume consumer c1 on n2;",
            Command::Cascade(CascadeCommand::ResumeConsumer(ResumeConsumer {
                consumer: c("c1"),
                node: Some(n("n2")),
            })),
        ),
        ("wait root;", Command::Cascade(CascadeCommand::WaitRoot)),
        (
            "wait provider;",
            Command::Cascade(CascadeCommand::WaitProvider),
        ),
        ("resurrect;", Command::Cascade(CascadeCommand::Resurrect)),
    ]);
}

#[test]
fn londiste() {
    use TableOption::*;
    check(vec![
        (
            "londiste add table t1;",
            Command::Londiste(LondisteCommand::LondisteAddTable(LondisteAddTable {
                tables: vec![t("t1")],
                options: vec![],
            })),
        ),
        (
            "londiste add table public.t1, s.t2, t3;",
            Command::Londiste(LondisteCommand::LondisteAddTable(LondisteAddTable {
                tables: vec![t("public.t1"), t("s.t2"), t("t3")],
                options: vec![],
            })),
        ),
        (
            "londiste add table t1 with skip_truncate;",
            Command::Londiste(LondisteCommand::LondisteAddTable(LondisteAddTable {
                tables: vec![t("t1")],
                options: vec![SkipTruncate],
            })),
        ),
        (
            "londiste add table t1, t2 with expect_sync, no_triggers, backup, skip, create;",
            Command::Londiste(LondisteCommand::LondisteAddTable(LondisteAddTable {
                tables: vec![t("t1"), t("t2")],
                options: vec![ExpectSync, NoTriggers, Backup, Skip, Create],
            })),
        ),
        (
            "londiste add table t1 with handler='bulk(method=1)', tgflags='IUD';",
            Command::Londiste(LondisteCommand::LondisteAddTable(LondisteAddTable {
                tables: vec![t("t1")],
                options: vec![Handler("bulk(method=1)".into()), TgFlags("IUD".into())],
            })),
        ),
        (
            "londiste add table t1 with when='id > 5', pkey='a,b', ignore='c';",
            Command::Londiste(LondisteCommand::LondisteAddTable(LondisteAddTable {
                tables: vec![t("t1")],
                options: vec![
                    When("id > 5".into()),
                    Pkey("a,b".into()),
                    Ignore("c".into()),
                ],
            })),
        ),
        (
            "londiste add table t1 with ev_type='x', ev_data='y', ev_extra1='1', ev_extra2='2', ev_extra3='3', ev_extra4='it''s';",
            Command::Londiste(LondisteCommand::LondisteAddTable(LondisteAddTable {
                tables: vec![t("t1")],
                options: vec![
                    EvType("x".into()),
                    EvData("y".into()),
                    EvExtra(1, "1".into()),
                    EvExtra(2, "2".into()),
                    EvExtra(3, "3".into()),
                    EvExtra(4, "it's".into()),
                ],
            })),
        ),
        (
            "londiste add table \"Big\".\"Table\" with skip;",
            Command::Londiste(LondisteCommand::LondisteAddTable(LondisteAddTable {
                tables: vec![QualifiedName::qualified("Big", "Table")],
                options: vec![Skip],
            })),
        ),
        (
            "londiste add sequence s1;",
            Command::Londiste(LondisteCommand::LondisteAddSequence(LondisteAddSequence {
                sequences: vec![t("s1")],
            })),
        ),
        (
            "londiste add sequence public.s1, s2;",
            Command::Londiste(LondisteCommand::LondisteAddSequence(LondisteAddSequence {
                sequences: vec![t("public.s1"), t("s2")],
            })),
        ),
        (
            "londiste remove table t1;",
            Command::Londiste(LondisteCommand::LondisteRemoveTable(LondisteRemoveTable {
                tables: vec![t("t1")],
            })),
        ),
        (
            "londiste remove table t1, x.t2;",
            Command::Londiste(LondisteCommand::LondisteRemoveTable(LondisteRemoveTable {
                tables: vec![t("t1"), t("x.t2")],
            })),
        ),
        (
            "londiste remove sequence s1;",
            Command::Londiste(LondisteCommand::LondisteRemoveSequence(LondisteRemoveSequence {
                sequences: vec![t("s1")],
            })),
        ),
        (
            "londiste remove sequence s1, s2;",
            Command::Londiste(LondisteCommand::LondisteRemoveSequence(LondisteRemoveSequence {
                sequences: vec![t("s1"), t("s2")],
            })),
        ),
        ("londiste tables;", Command::Londiste(LondisteCommand::LondisteTables)),
        ("londiste seqs;", Command::Londiste(LondisteCommand::LondisteSeqs)),
        ("londiste missing;", Command::Londiste(LondisteCommand::LondisteMissing)),
        (
            "londiste resync t1;",
            Command::Londiste(LondisteCommand::LondisteResync(LondisteResync {
                tables: vec![t("t1")],
            })),
        ),
        (
            "londiste resync t1, public.t2;",
            Command::Londiste(LondisteCommand::LondisteResync(LondisteResync {
                tables: vec![t("t1"), t("public.t2")],
            })),
        ),
        ("londiste wait sync;", Command::Londiste(LondisteCommand::LondisteWaitSync)),
        ("londiste show handlers;", Command::Londiste(LondisteCommand::LondisteShowHandlers)),
    ]);
}

#[test]
fn session() {
    check(vec![
        ("exit;", Command::Session(SessionCommand::Quit)),
        ("quit;", Command::Session(SessionCommand::Quit)),
    ]);
}

#[test]
fn command_heads_are_recognised() {
    for text in [
        "create queue q",
        "create root node",
        "create branch",
        "CREATE LEAF x",
        "show queue",
        "show consumer",
        "show node",
        "show batch",
        "show table",
        "show sequence",
        "show version",
        "show help",
        "show cascade",
        "show members",
        "alter queue",
        "alter node",
        "drop queue",
        "drop node",
        "register",
        "unregister x",
        "tick",
        "maint",
        "takeover",
        "tag",
        "pause",
        "resume",
        "wait",
        "resurrect",
        "londiste",
        "connect",
        "install",
        "status",
        "exit",
        "quit",
        "/* c */ status;",
        "-- c\nmaint;",
    ] {
        assert!(is_command(text), "{text:?}");
    }
    for text in [
        "create table queue (a int)",
        "show search_path",
        "show all",
        "alter table node add x int",
        "drop table queue",
        "select 1",
        "statuses",
        "registered",
        "ticker",
        "\"status\"",
        "londiste_x",
        "",
    ] {
        assert!(!is_command(text), "{text:?}");
    }
}

#[test]
fn sql_is_not_a_command() {
    for text in [
        "select 1;",
        "show search_path;",
        "create table queue (a int);",
    ] {
        assert!(
            matches!(parse_statement(text), Ok(Statement::Sql(_))),
            "{text:?}"
        );
    }
}
