//! Never run what the user did not mean: a cancelled statement stays
//! cancelled, Ctrl-C ends a script, `statement_timeout` bounds the whole
//! statement, a closed pipe ends the run, a byte-order mark is not SQL.
//! Each case is checked against what psql does on the same input.

use std::process::{Command, Stdio};
use std::time::Duration;

use crate::support::{run, Run};
use crate::test_db;

/// Start `cmd`, send it SIGINT after `after`, and collect what it did.
fn interrupt(cmd: &mut Command, after: Duration) -> Run {
    let child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start");
    std::thread::sleep(after);
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let out = child.wait_with_output().expect("wait");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn a_cancelled_statement_is_never_sent_again() {
    // The SELECT waits for a lock; Ctrl-C at 1 s cancels it. When the lock
    // is freed nothing of it may run (it used to be re-sent by the cursor
    // set-up and run then).
    let db = test_db!();
    db.sql(
        "create table lk (a int); insert into lk values (1); create table log (x text); \
         create function bump(t text) returns int language sql as \
         $$ insert into log values (t) returning 1 $$;",
    );
    let mut holder = db
        .psql()
        .args(["-c", "begin; lock table lk; select pg_sleep(3); commit;"])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let r = interrupt(
        db.qadmin().args(["-c", "select bump('x') from lk"]),
        Duration::from_millis(1000),
    );
    holder.wait().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        r.stderr.contains("canceling statement due to user request"),
        "{}",
        r.stderr
    );
    assert_eq!(r.code, 1, "psql's exit code for a cancelled -c");
    assert_eq!(db.sql("select count(*) from log"), "0");
}

#[test]
fn ctrl_c_ends_a_script_as_psql_does() {
    let db = test_db!();
    db.sql("create table canary (a int)");
    let script = db.script(
        "s.sql",
        "select pg_sleep(5);\ninsert into canary values (1);\n",
    );
    let q = interrupt(
        db.qadmin().arg("-f").arg(&script),
        Duration::from_millis(1000),
    );
    let p = interrupt(
        db.psql().arg("-f").arg(&script),
        Duration::from_millis(1000),
    );
    assert_eq!(db.sql("select count(*) from canary"), "0");
    assert_eq!(q.code, p.code, "qadmin: {} / psql: {}", q.stderr, p.stderr);
    assert_eq!(q.code, 3);
}

#[test]
fn statement_timeout_bounds_the_whole_statement() {
    // 300 rows, 10 ms each, printed 10 at a time: the 1 s timeout must end
    // it (it applied to each FETCH of the old cursor).
    let db = test_db!();
    let r = run(db.qadmin().args([
        "-v",
        "FETCH_COUNT=10",
        "-c",
        "set statement_timeout = '1s'",
        "-c",
        "select pg_sleep(0.01) from generate_series(1, 300)",
    ]));
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("canceling statement due to statement timeout"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_closed_pipe_ends_the_run() {
    let db = test_db!();
    db.sql("create table canary (a int)");
    let script = db.script(
        "s.sql",
        "select 1;\nselect pg_sleep(0.5);\ninsert into canary values (1);\n",
    );
    for tool in [db.psql(), db.qadmin()] {
        let mut tool = tool;
        let shell = format!(
            "{:?} {} -f {} | head -1",
            tool.get_program(),
            tool.get_args()
                .map(|a| format!("'{}'", a.to_string_lossy()))
                .collect::<Vec<_>>()
                .join(" "),
            script.display()
        );
        let envs: Vec<_> = tool
            .get_envs()
            .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v.to_owned())))
            .collect();
        let r = run(Command::new("sh").arg("-c").arg(&shell).envs(envs));
        assert_eq!(r.stdout.trim(), "?column?", "{shell}: {}", r.stderr);
        let _ = &mut tool;
    }
    assert_eq!(db.sql("select count(*) from canary"), "0");
}

#[test]
fn a_byte_order_mark_starts_a_script_quietly() {
    let db = test_db!();
    let script = db.script("bom.sql", b"\xEF\xBB\xBFselect 1 as a;\n");
    let r = run(db.qadmin().args(["-A", "-t", "-f"]).arg(&script));
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (0, "1\n", "")
    );
}

#[test]
fn a_false_if_branch_never_runs() {
    // See: #12. A branch that does not run drops its SQL and qadmin
    // commands, whatever they are.
    let db = test_db!();
    db.sql("create table canary (a int)");
    let script = db.script(
        "if.sql",
        "\\set f false\n\\if :f\ndrop table canary;\ndrop queue q;\n\\if true\nselect 'inner';\n\\endif\n\\else\nselect 'else';\n\\endif\nselect 'after' as x;\n",
    );
    let r = run(db.qadmin().args(["-A", "-t", "-f"]).arg(&script));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "else\nafter\n");
    assert_eq!(r.stderr, "");
    assert_eq!(db.sql("select count(*) from canary"), "0");
    // An \if without its \endif: the end says so (exit 3 with
    // ON_ERROR_STOP), and a false one never ran its body.
    let script = db.script("open.sql", "\\if false\ndrop table canary;\n");
    let r = run(db
        .qadmin()
        .args(["-v", "ON_ERROR_STOP=1", "-f"])
        .arg(&script));
    assert!(
        r.stderr.contains("without finding closing \\endif"),
        "{}",
        r.stderr
    );
    assert_eq!(r.code, 3);
    assert_eq!(db.sql("select count(*) from canary"), "0");
}

#[test]
fn a_multi_node_command_in_a_transaction_block_is_refused() {
    let db = test_db!();
    db.sql("create table canary (a int)");
    let script = db.script(
        "tx.sql",
        "begin;\ninsert into canary values (1);\ntakeover node1;\nselect 'still usable' as x;\nrollback;\nselect count(*) from canary;\n",
    );
    let r = run(db.qadmin().args(["-A", "-t", "-Q", "q", "-f"]).arg(&script));
    assert!(
        r.stderr
            .contains("takeover cannot run inside a transaction block"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stdout, "BEGIN\nINSERT 0 1\nstill usable\nROLLBACK\n0\n");
}

#[test]
fn a_failed_connect_to_a_node_does_not_show_its_password() {
    let db = test_db!();
    db.sql(
        "create extension if not exists pgq; create extension if not exists pgq_node; \
         select pgq.create_queue('q'); \
         select pgq_node.register_location('q', 'n9', \
           'host=127.0.0.1 port=1 dbname=x user=x password=Sekret99 sslmode=disable', false);",
    );
    let r = run(db.qadmin().args(["-c", "connect queue=q node=n9;"]));
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("node \"n9\""), "{}", r.stderr);
    assert!(!r.stderr.contains("Sekret99"), "{}", r.stderr);
}

/// A queue `q` whose member `ghost` is a server that accepts connections
/// and never answers; the listener must live as long as the test.
fn silent_member(db: &crate::support::TestDb) -> std::net::TcpListener {
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = silent.local_addr().expect("addr").port();
    db.sql(&format!(
        "create extension if not exists pgq; create extension if not exists pgq_node; \
         select pgq.create_queue('q'); \
         select pgq_node.register_location('q', 'ghost', \
           'host=127.0.0.1 port={port} dbname=x user=x sslmode=disable', false);"
    ));
    silent
}

#[test]
fn connect_to_a_silent_node_ends_at_node_timeout() {
    // It waited for ever before.
    let db = test_db!();
    let _silent = silent_member(&db);
    let t = std::time::Instant::now();
    let r = run(db.qadmin().args([
        "-v",
        "NODE_TIMEOUT=1",
        "-c",
        "connect queue=q node=ghost;",
        "-c",
        "select 'still here' as m;",
    ]));
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    assert_eq!(r.code, 0, "the old connection stays: {}", r.stderr);
    assert!(
        r.stderr.contains("node \"ghost\"") && r.stderr.contains("timeout expired"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.contains("still here"), "{}", r.stdout);
}

#[test]
fn ctrl_c_ends_a_connect_to_a_silent_node_and_the_script() {
    let db = test_db!();
    db.sql("create table canary (a int)");
    let _silent = silent_member(&db);
    let script = db.script(
        "s.sql",
        "connect queue=q node=ghost;\ninsert into canary values (1);\n",
    );
    let t = std::time::Instant::now();
    let r = interrupt(
        db.qadmin()
            .args(["-v", "NODE_TIMEOUT=60", "-f"])
            .arg(&script),
        Duration::from_millis(1000),
    );
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    assert!(r.stderr.contains("canceled by the user"), "{}", r.stderr);
    assert_eq!(r.code, 3, "a script ended by Ctrl-C, as psql: {}", r.stderr);
    assert_eq!(db.sql("select count(*) from canary"), "0");
}

#[test]
fn ctrl_c_ends_a_multi_node_wait_and_the_script() {
    // `pause node` waits for a worker that is not running; Ctrl-C stops
    // the wait and, in a script, the run (the next line never runs).
    let db = test_db!();
    db.sql("create table canary (a int)");
    let r = run(db
        .qadmin()
        .args(["-Q", "replika", "-c", "create root node n1;"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let script = db.script("s.sql", "pause node n1;\ninsert into canary values (1);\n");
    let t = std::time::Instant::now();
    let r = interrupt(
        db.qadmin()
            .args(["-Q", "replika", "-v", "WAIT_TIMEOUT=60", "-f"])
            .arg(&script),
        Duration::from_millis(1500),
    );
    assert!(t.elapsed() < Duration::from_secs(6), "{:?}", t.elapsed());
    assert!(r.stderr.contains("stopped waiting"), "{}", r.stderr);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert_eq!(db.sql("select count(*) from canary"), "0");
}

#[test]
fn a_server_gone_during_a_multi_node_command_is_a_lost_connection() {
    // The node's server ends every connection while `pause node` waits:
    // the script ends as psql ends on a lost connection (exit 2), and the
    // next line never runs.
    let db = test_db!();
    db.sql("create table canary (a int)");
    let r = run(db
        .qadmin()
        .args(["-Q", "replika", "-c", "create root node n1;"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let script = db.script("s.sql", "pause node n1;\ninsert into canary values (1);\n");
    let child = db
        .qadmin()
        .args(["-Q", "replika", "-v", "WAIT_TIMEOUT=30", "-f"])
        .arg(&script)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start");
    std::thread::sleep(Duration::from_millis(1500));
    db.sql(
        "select count(pg_terminate_backend(pid)) from pg_stat_activity \
         where datname = current_database() and pid <> pg_backend_pid()",
    );
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("connection to server was lost"), "{stderr}");
    assert!(
        !stderr.contains("s.sql:2"),
        "the script ended at the command: {stderr}"
    );
    assert_eq!(db.sql("select count(*) from canary"), "0");
}
