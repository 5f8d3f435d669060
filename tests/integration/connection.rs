//! Connecting the way libpq users expect: conninfo strings, URIs, PG*
//! variables, service files, ~/.pgpass, sslmode, and a deadline that holds
//! against a server that accepts and never answers.

use std::os::unix::fs::PermissionsExt;

use crate::support::{run, TestDb};
use crate::test_db;

const WHO: &str = "select current_database() || ' ' || current_user";

fn socket(db: &TestDb) -> String {
    db.cluster.dir.display().to_string()
}

#[test]
fn conninfo_string_and_uri() {
    let db = test_db!();
    let port = db.cluster.port;
    let conninfo = format!(
        "host={} port={port} dbname={} user={}",
        socket(&db),
        db.name,
        db.cluster.su
    );
    let r = run(db
        .qadmin_bare()
        .args(["-X", "-A", "-t", "-c", WHO])
        .arg(&conninfo));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, format!("{} {}\n", db.name, db.cluster.su));

    let uri = format!(
        "postgresql://{}@127.0.0.1:{port}/{}?application_name=uri_test",
        db.cluster.su, db.name
    );
    let r = run(db
        .qadmin_bare()
        .args(["-X", "-A", "-t", "-c"])
        .arg("select current_database() || ' ' || current_setting('application_name')")
        .arg(&uri));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, format!("{} uri_test\n", db.name));

    // A socket directory in a URI is percent-encoded; -d takes a URI too.
    let uri = format!(
        "postgresql://%2F{}:{port}/{}",
        &socket(&db)[1..].replace('/', "%2F"),
        db.name
    );
    let r = run(db
        .qadmin_bare()
        .args(["-X", "-A", "-t", "-U", &db.cluster.su, "-c", WHO, "-d"])
        .arg(&uri));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, format!("{} {}\n", db.name, db.cluster.su));
}

#[test]
fn pg_environment_variables() {
    let db = test_db!();
    let r = run(db
        .qadmin_bare()
        .env("PGHOST", socket(&db))
        .env("PGPORT", db.cluster.port.to_string())
        .env("PGDATABASE", &db.name)
        .env("PGUSER", &db.cluster.su)
        .env("PGAPPNAME", "from_env")
        .args([
            "-X",
            "-A",
            "-t",
            "-c",
            "select current_database() || ' ' || current_setting('application_name')",
        ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, format!("{} from_env\n", db.name));
    // Command-line options win over the environment.
    let r = run(db
        .qadmin_bare()
        .env("PGHOST", "/nonexistent")
        .env("PGDATABASE", "nope")
        .arg("-h")
        .arg(socket(&db))
        .args([
            "-p",
            &db.cluster.port.to_string(),
            "-U",
            &db.cluster.su,
            "-X",
            "-A",
            "-t",
            "-c",
            WHO,
            &db.name,
        ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn service_file() {
    let db = test_db!();
    let f = db.script(
        "services.conf",
        format!(
            "# test services\n[qtest]\nhost={}\nport={}\ndbname={}\nuser={}\n",
            socket(&db),
            db.cluster.port,
            db.name,
            db.cluster.su
        ),
    );
    let r = run(db.qadmin_bare().env("PGSERVICEFILE", &f).args([
        "-X",
        "-A",
        "-t",
        "-c",
        WHO,
        "service=qtest",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, format!("{} {}\n", db.name, db.cluster.su));
    let r = run(db
        .qadmin_bare()
        .env("PGSERVICEFILE", &f)
        .env("PGSERVICE", "missing")
        .args(["-X", "-c", "select 1"]));
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "qadmin: error: definition of service \"missing\" not found\n"
    );
}

#[test]
fn pgpass_and_passwords() {
    let db = test_db!();
    let base = |db: &TestDb| {
        let mut c = db.qadmin_bare();
        c.arg("-h").arg(socket(db)).args([
            "-p",
            &db.cluster.port.to_string(),
            "-U",
            "pwuser",
            "-d",
            &db.name,
            "-X",
            "-A",
            "-t",
            "-c",
            "select current_user",
        ]);
        c
    };
    // No password anywhere and no terminal: one clear line, exit 2.
    let r = run(&mut base(&db));
    assert_eq!(r.code, 2);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(
        r.stderr.starts_with("qadmin: error: connection to server"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("no password supplied"), "{}", r.stderr);

    // Wrong password: one line, exit 2.
    let r = run(base(&db).env("PGPASSWORD", "wrong"));
    assert_eq!(r.code, 2);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("password authentication failed for user \"pwuser\""),
        "{}",
        r.stderr
    );

    // ~/.pgpass; a socket directory other than the default one is matched
    // literally (only /var/run/postgresql stands for "localhost" in libpq).
    let pgpass = db.home.path().join(".pgpass");
    std::fs::write(
        &pgpass,
        format!(
            "# comment\nlocalhost:*:*:*:nope\n{}:{}:*:pwuser:sekret\n",
            socket(&db),
            db.cluster.port
        ),
    )
    .expect("write pgpass");
    std::fs::set_permissions(&pgpass, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let r = run(&mut base(&db));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "pwuser\n");

    // A group-readable file is ignored with libpq's warning.
    std::fs::set_permissions(&pgpass, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let r = run(&mut base(&db));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("has group or world access"),
        "{}",
        r.stderr
    );

    // PGPASSFILE points elsewhere.
    let other = db.script("pass", format!("*:*:{}:pwuser:sekret\n", db.name));
    std::fs::set_permissions(&other, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let r = run(base(&db).env("PGPASSFILE", &other));
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn missing_database_is_one_line_exit_2() {
    let db = test_db!();
    let r = run(db.qadmin_bare().arg("-h").arg(socket(&db)).args([
        "-p",
        &db.cluster.port.to_string(),
        "-U",
        &db.cluster.su,
        "-X",
        "-c",
        "select 1",
        "no_such_db",
    ]));
    assert_eq!(r.code, 2);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("FATAL:  database \"no_such_db\" does not exist"),
        "{}",
        r.stderr
    );
    let r = run(db
        .qadmin_bare()
        .args(["-X", "-h", "/nonexistent", "-c", "select 1"]));
    assert_eq!(r.code, 2);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
}

#[test]
fn sslmode_require_encrypts() {
    let db = test_db!();
    let q = "select ssl from pg_stat_ssl where pid = pg_backend_pid()";
    let conn = |mode: &str| {
        format!(
            "host=127.0.0.1 port={} dbname={} user={} sslmode={mode}",
            db.cluster.port, db.name, db.cluster.su
        )
    };
    let r = run(db
        .qadmin_bare()
        .args(["-X", "-A", "-t", "-c", q])
        .arg(conn("require")));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "t\n");
    let r = run(db
        .qadmin_bare()
        .args(["-X", "-A", "-t", "-c", q])
        .arg(conn("disable")));
    assert_eq!(r.stdout, "f\n");
    let r = run(db
        .qadmin_bare()
        .env("PGSSLMODE", "require")
        .args(["-X", "-A", "-t", "-c", q])
        .arg(conn("prefer")));
    assert_eq!(
        r.stdout, "t\n",
        "sslmode=prefer uses TLS when the server offers it"
    );
    // verify-full against a self-signed certificate fails: one line, exit 2.
    let r = run(db
        .qadmin_bare()
        .args(["-X", "-c", q])
        .arg(conn("verify-full")));
    assert_eq!(r.code, 2);
    let r = run(db.qadmin_bare().args(["-X", "-c", q]).arg(conn("bogus")));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("invalid sslmode value: \"bogus\""),
        "{}",
        r.stderr
    );
}

#[test]
fn connect_timeout_holds_against_a_silent_server() {
    let db = test_db!();
    // Accepts connections and never says a word.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let _keep = std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in listener.incoming().flatten() {
            held.push(s);
        }
    });
    let start = std::time::Instant::now();
    let r = run(db.qadmin_bare().args(["-X", "-c", "select 1"]).arg(format!(
        "host=127.0.0.1 port={port} dbname=x user=x connect_timeout=2 sslmode=disable"
    )));
    let took = start.elapsed().as_secs_f64();
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(took < 6.0, "took {took}s");
    assert!(r.stderr.contains("timeout expired"), "{}", r.stderr);
    let start = std::time::Instant::now();
    let r = run(db
        .qadmin_bare()
        .env("PGCONNECT_TIMEOUT", "2")
        .args(["-X", "-c", "select 1"])
        .arg(format!("host=127.0.0.1 port={port} dbname=x user=x")));
    assert_eq!(r.code, 2);
    assert!(start.elapsed().as_secs_f64() < 6.0);
}

#[test]
fn qadminrc_runs_unless_x() {
    let db = test_db!();
    std::fs::write(
        db.home.path().join(".qadminrc"),
        "\\set ON_ERROR_STOP on\ncreate table rc_ran (a int);\n",
    )
    .expect("rc");
    let mut c = db.qadmin_bare();
    c.arg("-h").arg(socket(&db)).args([
        "-p",
        &db.cluster.port.to_string(),
        "-U",
        &db.cluster.su,
        "-d",
        &db.name,
        "-q",
        "-c",
        "selec",
        "-c",
        "select 1",
    ]);
    let r = run(&mut c);
    // ON_ERROR_STOP from the rc file stopped the run at the first -c.
    assert_eq!(r.code, 1);
    assert_eq!(
        db.sql("select count(*) from pg_class where relname = 'rc_ran'"),
        "1"
    );
    let r = run(db.qadmin().args(["-c", "select 1"]));
    assert_eq!(r.code, 0);
}

/// Without an application_name of the user's, the server sees `qadmin`
/// (psql names itself the same way); the user's own wins.
#[test]
fn the_application_name_is_qadmin_unless_one_is_given() {
    let db = test_db!();
    let r = run(db.qadmin().args(["-At", "-c", "show application_name"]));
    assert_eq!(r.stdout, "qadmin\n", "{}", r.stderr);
    let r = run(db.qadmin().env("PGAPPNAME", "nightly-job").args([
        "-At",
        "-c",
        "show application_name",
    ]));
    assert_eq!(r.stdout, "nightly-job\n", "{}", r.stderr);
}
