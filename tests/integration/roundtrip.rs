//! Round trips, counted on the wire: qadmin talks to the server through a
//! loopback proxy that counts the client's flights (a flight: what the
//! client sends before the server answers). A statement must cost one
//! flight, as it does for psql; the counts of qadmin's own commands are
//! printed and bounded.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use crate::support::{run, TestDb};
use crate::test_db;

/// Who sent last, and how many client flights there were.
#[derive(Default)]
struct Wire {
    client_last: bool,
    flights: usize,
}

/// A proxy on 127.0.0.1 in front of the test cluster's TCP port.
struct Proxy {
    port: u16,
    wire: Arc<Mutex<Wire>>,
}

impl Proxy {
    fn start(target: u16) -> Proxy {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let wire = Arc::new(Mutex::new(Wire::default()));
        let w = Arc::clone(&wire);
        std::thread::spawn(move || {
            for c in l.incoming().flatten() {
                let Ok(s) = TcpStream::connect(("127.0.0.1", target)) else {
                    continue;
                };
                let _ = c.set_nodelay(true);
                let _ = s.set_nodelay(true);
                pump(
                    c.try_clone().unwrap(),
                    s.try_clone().unwrap(),
                    Arc::clone(&w),
                    true,
                );
                pump(s, c, Arc::clone(&w), false);
            }
        });
        Proxy { port, wire }
    }

    fn flights(&self) -> usize {
        self.wire.lock().unwrap().flights
    }

    fn reset(&self) {
        *self.wire.lock().unwrap() = Wire::default();
    }
}

fn pump(mut from: TcpStream, mut to: TcpStream, wire: Arc<Mutex<Wire>>, client: bool) {
    std::thread::spawn(move || {
        let mut buf = [0u8; 65536];
        loop {
            let n = match from.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            {
                let mut w = wire.lock().unwrap();
                if client && !w.client_last {
                    w.flights += 1;
                }
                w.client_last = client;
            }
            if to.write_all(&buf[..n]).is_err() {
                break;
            }
        }
        let _ = to.shutdown(Shutdown::Write);
    });
}

/// Flights of one qadmin run through the proxy (start-up and goodbye
/// included).
fn flights(db: &TestDb, p: &Proxy, args: &[&str]) -> usize {
    p.reset();
    let conn = format!(
        "host=127.0.0.1 port={} dbname={} user={} sslmode=disable",
        p.port, db.name, db.cluster.su
    );
    run(db.qadmin_bare().arg("-X").arg(&conn).args(args));
    // The goodbye may still be on its way through the proxy.
    std::thread::sleep(std::time::Duration::from_millis(100));
    p.flights()
}

#[test]
fn a_statement_costs_one_flight() {
    let db = test_db!();
    db.sql("create table t (a int, b text)");
    let p = Proxy::start(db.cluster.port);
    let base = flights(&db, &p, &["-c", "select 1"]);
    let one = |sql: &str| flights(&db, &p, &["-c", "select 1", "-c", sql]) - base;
    // A SELECT (a one-row, a wide one, one with an error halfway), DML,
    // DDL, a transaction: one flight each.
    assert_eq!(one("select 2 as a, 'x' as b"), 1);
    assert_eq!(one("select g from generate_series(1, 5000) g"), 1);
    assert_eq!(one("select 1 / (g - 3) from generate_series(1, 5) g"), 1);
    assert_eq!(one("insert into t values (1, 'a') returning *"), 1);
    assert_eq!(one("create temp table x (a int)"), 1);
    assert_eq!(one("select * from t for update"), 1);
    // A script of 20 SELECTs: 20 flights more than the base.
    let script = db.script("s.sql", "select 1 as a, 'x' as b;\n".repeat(20));
    let f = flights(&db, &p, &["-c", "select 1", "-f", script.to_str().unwrap()]);
    assert_eq!(f - base, 20);
    // COPY FROM STDIN with its data: one flight for the statement, one for
    // the data.
    let script = db.script("c.sql", "copy t from stdin;\n2\tb\n3\tc\n\\.\n");
    let f = flights(&db, &p, &["-c", "select 1", "-f", script.to_str().unwrap()]);
    assert_eq!(f - base, 2);
    assert_eq!(db.sql("select count(*) from t"), "3");
}

#[test]
fn qadmin_commands_count_their_flights() {
    let db = test_db!();
    db.sql(
        "create extension if not exists pgq; select pgq.create_queue('q'); \
         select pgq.register_consumer('q', 'c'); select pgq.insert_event('q', 'e', 'x');",
    );
    let p = Proxy::start(db.cluster.port);
    let base = flights(&db, &p, &["-c", "select 1"]);
    // The first command of a connection asks once whether pgq is there;
    // the next ones know.
    for (cmd, most) in [("show queue q;", 2), ("show consumer on q;", 2)] {
        let n = flights(&db, &p, &["-c", "select 1", "-c", cmd]) - base;
        let twice = flights(&db, &p, &["-c", "select 1", "-c", cmd, "-c", cmd]) - base;
        println!("{cmd} {n} round trips, {} for a second one", twice - n);
        assert!(n >= 1 && n <= most, "{cmd}: {n} round trips");
        assert_eq!(
            twice - n,
            n - 1,
            "{cmd}: the second run does not ask for pgq again"
        );
    }
}
