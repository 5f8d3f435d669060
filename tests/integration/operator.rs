//! The operator's view (#15): `tick` as pgqd does it, the short and `+`
//! views of queues and consumers, the `--json` shapes, hints.

use crate::support::{run, Run, TestDb};
use crate::test_db;

fn q(db: &TestDb, args: &[&str]) -> Run {
    run(db.qadmin().args(args))
}

fn pending(db: &TestDb, queue: &str) -> String {
    db.sql(&format!(
        "select pending_events from pgq.get_consumer_info('{queue}', 'c')"
    ))
}

// See: #15
#[test]
fn r15_tick_leaves_pending_events_as_they_are() {
    let db = test_db!();
    db.sql("select pgq.create_queue('q'); select pgq.register_consumer('q', 'c');");
    db.sql("select pgq.create_queue('other'); select pgq.register_consumer('other', 'c');");
    // The reference: a queue ticked by pgq.ticker itself (what pgqd
    // runs), once 10 events pass its max_count.
    db.sql("select pgq.create_queue('ref'); select pgq.register_consumer('ref', 'c');");
    db.sql("select pgq.set_queue_config('ref', 'ticker_max_count', '5')");
    for queue in ["q", "ref"] {
        db.sql(&format!(
            "select pgq.insert_event('{queue}', 't', 'x' || g) from generate_series(1, 10) g"
        ));
    }
    assert!(!db.sql("select pgq.ticker('ref')").is_empty());
    let reference = pending(&db, "ref");
    // pgq counts 9 for the first 10 events of a new queue (its first tick
    // stands at event sequence value 1); the same as the reference, not
    // 2,009 (pgq.force_tick's bump).
    assert_eq!(reference, "9");
    let r = q(&db, &["-A", "-t", "-c", "tick q force;"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.ends_with("|tick made\n"), "{}", r.stdout);
    assert_eq!(pending(&db, "q"), reference);
    // Plain tick: one pgq.ticker(q); nothing new, no tick due, no change.
    let r = q(&db, &["-A", "-t", "-c", "tick q;"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.ends_with("|no tick made\n"), "{}", r.stdout);
    assert_eq!(pending(&db, "q"), "9");
    // Enough events for max_count: pgq.ticker ticks, as pgqd would.
    db.sql("select pgq.set_queue_config('q', 'ticker_max_count', '5')");
    db.sql("select pgq.insert_event('q', 't', 'y' || g) from generate_series(1, 6) g");
    let r = q(&db, &["-A", "-t", "-c", "tick q;"]);
    assert!(r.stdout.ends_with("|tick made\n"), "{}", r.stdout);
    assert_eq!(pending(&db, "q"), "15");
    // The current queue only.
    let before = db.sql("select last_tick_id from pgq.get_queue_info('other')");
    let r = q(&db, &["-A", "-t", "-Q", "q", "-c", "tick force;"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.lines().count(), 1, "{}", r.stdout);
    assert!(r.stdout.starts_with("q|"), "{}", r.stdout);
    assert_eq!(
        db.sql("select last_tick_id from pgq.get_queue_info('other')"),
        before
    );
    assert_eq!(pending(&db, "q"), "15");
    assert_eq!(pending(&db, "other"), "0");
}

/// The keys of a JSON object and the JSON type of each, as one string
/// (`key:type` sorted), to pin a shape.
fn shape(v: &serde_json::Value) -> String {
    let obj = v.as_object().expect("an object");
    let mut keys: Vec<String> = obj
        .iter()
        .map(|(k, v)| {
            let t = match v {
                serde_json::Value::Null => "null",
                serde_json::Value::Bool(_) => "bool",
                serde_json::Value::Number(_) => "number",
                serde_json::Value::String(_) => "string",
                serde_json::Value::Array(_) => "array",
                serde_json::Value::Object(_) => "object",
            };
            format!("{k}:{t}")
        })
        .collect();
    keys.sort();
    keys.join(" ")
}

fn busy_queue(db: &TestDb) {
    db.sql("select pgq.create_queue('orders_queue'); select pgq.register_consumer('orders_queue', 'mailer_consumer');");
    db.sql("select pgq.register_consumer('orders_queue', 'audit_consumer')");
    db.sql("select pgq.insert_event('orders_queue', 't', 'x' || g) from generate_series(1, 20) g");
    let r = q(db, &["-c", "tick orders_queue force;"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

// See: #15
#[test]
fn r15_show_queue_fits_100_columns_and_plus_shows_all() {
    let db = test_db!();
    busy_queue(&db);
    let r = q(&db, &["-c", "show queue;"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let width = r.stdout.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(width <= 100, "{width} wide:\n{}", r.stdout);
    let head = r.stdout.lines().next().expect("header");
    for col in [
        "queue",
        "consumers",
        "pending",
        "tick_age",
        "last_tick",
        "ev_per_sec",
        "paused",
    ] {
        assert!(head.contains(col), "{col} in {head}");
    }
    let row = r.stdout.lines().nth(2).expect("row");
    // 2 consumers, 19 pending each (pgq counts from its first tick).
    assert!(row.contains("|         2 |      38 |"), "{row}");
    let r = q(&db, &["-c", "show queue+;"]);
    let head = r.stdout.lines().next().expect("header");
    for col in [
        "max_lag",
        "idle_period",
        "rotation_period",
        "switch_time",
        "ntables",
        "ev_new",
    ] {
        assert!(head.contains(col), "{col} in {head}");
    }
    let r = q(&db, &["-c", "show consumer;"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let width = r.stdout.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(width <= 100, "{width} wide:\n{}", r.stdout);
    let head = r.stdout.lines().next().expect("header");
    for col in [
        "queue",
        "consumer",
        "lag",
        "last_seen",
        "pending",
        "batch",
        "error",
    ] {
        assert!(head.contains(col), "{col} in {head}");
    }
    assert!(!head.contains("next_tick"), "{head}");
    let r = q(&db, &["-c", "show consumer+;"]);
    assert!(r.stdout.lines().next().unwrap().contains("next_tick"));
}

// See: #15
#[test]
fn r15_json_shapes_are_pinned() {
    let db = test_db!();
    busy_queue(&db);
    let json = |cmd: &str| -> serde_json::Value {
        let r = q(&db, &["--json", "-c", cmd]);
        assert_eq!(r.code, 0, "{cmd}: {}", r.stderr);
        serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{cmd}: {e}\n{}", r.stdout))
    };
    let v = json("show queue;");
    assert_eq!(
        shape(&v[0]),
        "consumers:number cur_table:number ev_new:number ev_per_sec:number external_ticker:bool \
         idle_period_seconds:number last_tick:number max_count:number max_lag_seconds:number \
         ntables:number paused:bool pending_events:number queue:string \
         rotation_period_seconds:number switch_time:string tick_age_seconds:number"
    );
    assert_eq!(v[0]["idle_period_seconds"], 60.0);
    assert_eq!(shape(&v[0]), shape(&json("show queue+;")[0]));
    let v = json("show consumer on orders_queue;");
    assert_eq!(
        shape(&v[0]),
        "consumer:string current_batch:null error:null lag_seconds:number \
         last_seen_seconds:number last_tick:number next_tick:null pending_events:number queue:string"
    );
    let v = json("tick orders_queue force;");
    assert_eq!(shape(&v[0]), "queue:string result:string tick_id:number");
}

// See: #15
#[test]
fn r15_hints_name_the_qadmin_form() {
    let db = test_db!();
    let r = q(&db, &["-c", "show queues;"]);
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains("HINT:  qadmin: \"show queue *;\""),
        "{}",
        r.stderr
    );
    // `\d orders` is psql's own describe command now (#12).
    let r = q(&db, &["-c", "\\d orders"]);
    assert!(!r.stderr.contains("invalid command"), "{}", r.stderr);
    let r = q(&db, &["-c", "show cascade;"]);
    assert!(
        r.stderr
            .contains("no current queue: set it with \"connect queue=<queue>;\""),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("name one (... on <queue>)"),
        "{}",
        r.stderr
    );
}

#[test]
fn cascade_json_shapes_are_pinned() {
    let db = test_db!();
    let r = q(&db, &["-Q", "replika", "-c", "create root node n1;"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let json = |cmd: &str| -> serde_json::Value {
        let r = q(&db, &["-Q", "replika", "--json", "-c", cmd]);
        assert_eq!(r.code, 0, "{cmd}: {}", r.stderr);
        serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{cmd}: {e}\n{}", r.stdout))
    };
    let v = json("show cascade;");
    assert_eq!(
        shape(&v),
        "local_node:string nodes:array problems:array queue:string"
    );
    assert_eq!(
        shape(&v["nodes"][0]),
        "dead:bool depth:number error:null errors:array lag_seconds:number last_tick:number \
         node:string paused:bool provider:string subscribers:array tables:object type:string \
         uptodate:bool worker:string"
    );
    let v = json("show node status;");
    assert_eq!(
        shape(&v),
        "global_watermark:number last_tick:number local_watermark:number node:string \
         paused:bool provider:string subscribers:array this_database:string type:string \
         uptodate:bool worker:string"
    );
    assert_eq!(v["this_database"], "node \"n1\" itself");
}

#[test]
fn table_command_json_shape_is_pinned() {
    // The other table commands answer the generic shape of docs/json.md:
    // an array of objects, values typed by their column.
    let db = test_db!();
    let r = q(&db, &["-Q", "replika", "-c", "create root node n1;"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = q(&db, &["-Q", "replika", "--json", "-c", "show members;"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    assert_eq!(
        shape(&v[0]),
        "dead:bool node_location:string node_name:string"
    );
    assert_eq!(v[0]["node_name"], "n1");
    assert_eq!(v[0]["dead"], false);
}
