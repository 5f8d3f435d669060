//! Clusters of their own for WAL-failover tests: a primary (initdb in a
//! temp dir, `wal_level = replica`, replication allowed on its socket),
//! a streaming physical standby of it (`pg_basebackup -R -X stream`,
//! started on another port), kill (`pg_ctl stop -m immediate`), promote
//! (`pg_ctl promote`), cut the stream (`primary_conninfo = ''`). Run as
//! the `postgres` user when we are root, like the shared cluster
//! ([`super::Cluster`]); each server is stopped and its directory removed
//! when dropped, or by a watchdog when the test process is gone.
//!
//! Also a producer: a thread inserting one row every 50 ms into a table,
//! logging an id only after its COMMIT returned.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use super::{clean_env, cluster, free_port, run_ok, Cluster};

/// The long failover cases run only with `QADMIN_LONG=1` (CI runs the
/// fast subset); the skip is said on stderr.
pub fn long_case(name: &str) -> bool {
    let on = std::env::var("QADMIN_LONG").is_ok_and(|v| v == "1");
    if !on {
        eprintln!("{name}: a long failover case, skipped (QADMIN_LONG=1 runs it)");
    }
    on
}

/// One PostgreSQL server in a directory of its own.
pub struct Server {
    /// Holds `data/`, the socket and `server.log`.
    pub dir: PathBuf,
    pub port: u16,
    shared: &'static Cluster,
    stopped: bool,
}

impl Server {
    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    fn owner(&self, prog: &str) -> Command {
        self.shared.owner_cmd(prog)
    }

    fn new_dir() -> Result<PathBuf, String> {
        let shared = cluster().ok_or("no PostgreSQL here")?;
        let dir = tempfile::Builder::new()
            .prefix("qadmin-wal-")
            .tempdir()
            .map_err(|e| e.to_string())?
            .keep();
        if shared.is_root {
            run_ok(Command::new("chown").args(["-R", "postgres:"]).arg(&dir))?;
            run_ok(Command::new("chmod").arg("755").arg(&dir))?;
        }
        Ok(dir)
    }

    fn watchdog(&self) {
        let stop = format!(
            "{} {}/pg_ctl -D {}/data -m immediate stop",
            if self.shared.is_root {
                "runuser -u postgres --"
            } else {
                ""
            },
            self.shared.bin.display(),
            self.dir.display()
        );
        let script = format!(
            "while kill -0 {} 2>/dev/null; do sleep 0.5; done; {stop} >/dev/null 2>&1; rm -rf '{}'",
            std::process::id(),
            self.dir.display()
        );
        let _ = Command::new("setsid")
            .args(["sh", "-c", &script])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
    }

    /// A new primary with database `db` holding pgq, pgq_node and
    /// londiste; `None` when the tests are skipped.
    pub fn primary(db: &str) -> Option<Server> {
        let shared = cluster()?;
        let dir = Server::new_dir().expect("server dir");
        let s = Server {
            dir,
            port: free_port(),
            shared,
            stopped: true,
        };
        s.watchdog();
        run_ok(s.owner("initdb").arg("-D").arg(s.data()).args([
            "-A",
            "trust",
            "-U",
            &shared.su,
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        ]))
        .expect("initdb");
        std::fs::write(
            s.data().join("pg_hba.conf"),
            "local all all trust\nlocal replication all trust\n",
        )
        .expect("hba");
        let mut conf =
            std::fs::read_to_string(s.data().join("postgresql.conf")).unwrap_or_default();
        conf.push_str(&format!(
            "port = {}\nunix_socket_directories = '{}'\nlisten_addresses = ''\n\
             wal_level = replica\nmax_wal_senders = 5\nhot_standby = on\nfsync = off\n\
             max_connections = 60\nshared_buffers = 32MB\n",
            s.port,
            s.dir.display()
        ));
        std::fs::write(s.data().join("postgresql.conf"), conf).expect("conf");
        let mut s = s;
        s.start();
        s.psql("postgres", &format!("create database {db}"))
            .expect("create database");
        s.psql(
            db,
            "create extension pgq; create extension pgq_node; create extension londiste;",
        )
        .expect("extensions");
        Some(s)
    }

    fn start(&mut self) {
        run_ok(
            self.owner("pg_ctl")
                .arg("-D")
                .arg(self.data())
                .arg("-l")
                .arg(self.dir.join("server.log"))
                .args(["-w", "start"]),
        )
        .unwrap_or_else(|e| panic!("{e}\n{}", self.log()));
        self.stopped = false;
    }

    /// The server's log.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
    }

    /// A streaming physical standby of this server (`pg_basebackup -R -X
    /// stream`), started on a port of its own, in hot standby.
    pub fn standby(&self) -> Server {
        let dir = Server::new_dir().expect("standby dir");
        let s = Server {
            dir,
            port: free_port(),
            shared: self.shared,
            stopped: true,
        };
        s.watchdog();
        run_ok(
            s.owner("pg_basebackup")
                .arg("-h")
                .arg(&self.dir)
                .args(["-p", &self.port.to_string(), "-U", &self.shared.su])
                .arg("-D")
                .arg(s.data())
                .args(["-R", "-X", "stream", "-c", "fast"]),
        )
        .expect("pg_basebackup");
        let mut conf =
            std::fs::read_to_string(s.data().join("postgresql.conf")).unwrap_or_default();
        conf.push_str(&format!(
            "port = {}\nunix_socket_directories = '{}'\n",
            s.port,
            s.dir.display()
        ));
        std::fs::write(s.data().join("postgresql.conf"), conf).expect("conf");
        let mut s = s;
        s.start();
        s
    }

    /// Archive WAL into a directory of its own (`archive_mode = on`,
    /// `archive_command = cp`); restarts the server. Returns the directory.
    pub fn archive(&mut self) -> PathBuf {
        let dir = Server::new_dir().expect("archive dir");
        let mut conf =
            std::fs::read_to_string(self.data().join("postgresql.conf")).unwrap_or_default();
        conf.push_str(&format!(
            "archive_mode = on\narchive_command = 'cp %p {}/%f'\n",
            dir.display()
        ));
        std::fs::write(self.data().join("postgresql.conf"), conf).expect("conf");
        run_ok(
            self.owner("pg_ctl")
                .arg("-D")
                .arg(self.data())
                .args(["-m", "fast", "-w", "stop"]),
        )
        .expect("pg_ctl stop");
        self.start();
        dir
    }

    /// A base backup of this server (`pg_basebackup -X stream`, no
    /// standby settings) in a directory of its own, not started.
    pub fn base_backup(&self) -> PathBuf {
        let dir = Server::new_dir().expect("backup dir");
        run_ok(
            self.owner("pg_basebackup")
                .arg("-h")
                .arg(&self.dir)
                .args(["-p", &self.port.to_string(), "-U", &self.shared.su])
                .arg("-D")
                .arg(dir.join("data"))
                .args(["-X", "stream", "-c", "fast"]),
        )
        .expect("pg_basebackup");
        dir
    }

    /// A point-in-time restore of `backup` (from [`Server::base_backup`])
    /// replaying WAL from `archive` up to `target` (a timestamptz), then
    /// promoted: a cluster of its own on a new timeline, on its own port.
    pub fn restore(&self, backup: PathBuf, archive: &std::path::Path, target: &str) -> Server {
        let s = Server {
            dir: backup,
            port: free_port(),
            shared: self.shared,
            stopped: true,
        };
        s.watchdog();
        let mut conf =
            std::fs::read_to_string(s.data().join("postgresql.conf")).unwrap_or_default();
        conf.push_str(&format!(
            "port = {}\nunix_socket_directories = '{}'\narchive_mode = off\n\
             restore_command = 'cp {}/%f %p'\nrecovery_target_time = '{target}'\n\
             recovery_target_action = 'promote'\n",
            s.port,
            s.dir.display(),
            archive.display()
        ));
        std::fs::write(s.data().join("postgresql.conf"), conf).expect("conf");
        std::fs::write(s.data().join("recovery.signal"), "").expect("recovery.signal");
        if self.shared.is_root {
            run_ok(Command::new("chown").args(["-R", "postgres:"]).arg(&s.dir)).expect("chown");
        }
        let mut s = s;
        s.start();
        super::wait_for("the restore to reach its target and promote", 60, || {
            s.psql("postgres", "select pg_is_in_recovery()").as_deref() == Ok("f")
        });
        s
    }

    /// Run SQL with psql in `db`; its unaligned output.
    pub fn psql(&self, db: &str, sql: &str) -> Result<String, String> {
        let mut c = Command::new(self.shared.bin.join("psql"));
        c.args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h"])
            .arg(&self.dir)
            .args([
                "-p",
                &self.port.to_string(),
                "-U",
                &self.shared.su,
                "-d",
                db,
            ])
            .args(["-A", "-t", "-c", sql]);
        clean_env(&mut c);
        let out = c.output().map_err(|e| e.to_string())?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_string())
        } else {
            Err(format!(
                "psql failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }

    /// [`Server::psql`] that panics on failure.
    pub fn sql(&self, db: &str, sql: &str) -> String {
        self.psql(db, sql).unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// pgqd's `base_connstr` for this server.
    pub fn base_connstr(&self) -> String {
        format!(
            "host={} port={} user={}",
            self.dir.display(),
            self.port,
            self.shared.su
        )
    }

    /// The libpq connect string of database `db` here.
    pub fn location(&self, db: &str) -> String {
        format!(
            "host={} port={} dbname={db} user={}",
            self.dir.display(),
            self.port,
            self.shared.su
        )
    }

    /// qadmin connected to database `db` here, with -X and a clean
    /// environment.
    pub fn qadmin(&self, db: &str, home: &std::path::Path) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_qadmin"));
        clean_env(&mut c);
        c.env("HOME", home)
            .env("QADMIN_HISTORY", home.join("history"))
            .arg("-X")
            .arg("-h")
            .arg(&self.dir)
            .args([
                "-p",
                &self.port.to_string(),
                "-U",
                &self.shared.su,
                "-d",
                db,
            ]);
        c
    }

    /// Kill the server the way a crash does: `pg_ctl stop -m immediate`.
    pub fn kill(&mut self) {
        run_ok(
            self.owner("pg_ctl")
                .arg("-D")
                .arg(self.data())
                .args(["-m", "immediate", "stop"]),
        )
        .expect("pg_ctl stop");
        self.stopped = true;
    }

    /// Start a killed server again (crash recovery): what it had
    /// committed, to compare with what the cascade kept.
    pub fn restart(&mut self) {
        self.start();
    }

    /// Promote a standby (`pg_ctl promote`, waiting until it is done).
    pub fn promote(&self) {
        run_ok(
            self.owner("pg_ctl")
                .arg("-D")
                .arg(self.data())
                .args(["-w", "promote"]),
        )
        .expect("pg_ctl promote");
    }

    /// Cut a standby's stream: it keeps what it has replayed and receives
    /// nothing more.
    pub fn cut_stream(&self) {
        self.sql("postgres", "alter system set primary_conninfo = ''");
        self.sql("postgres", "select pg_reload_conf()");
        let mut n = 0;
        while self.sql("postgres", "select count(*) from pg_stat_wal_receiver") != "0" {
            n += 1;
            assert!(n < 100, "the wal receiver does not stop");
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }

    /// Wait until a standby has replayed everything `primary` wrote so
    /// far.
    pub fn wait_replayed(&self, primary: &Server) {
        let lsn = primary.sql("postgres", "select pg_current_wal_lsn()");
        super::wait_for("the standby to replay", 60, || {
            self.sql(
                "postgres",
                &format!("select pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn"),
            ) == "t"
        });
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if !self.stopped {
            let _ = self
                .owner("pg_ctl")
                .arg("-D")
                .arg(self.data())
                .args(["-m", "immediate", "stop"])
                .output();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A thread inserting `(id, 'p' || id)` into table `t` every 50 ms on a
/// connection of its own, ids from `first` up; an id is logged only after
/// its COMMIT returned. It stops at the first error (the server died) or
/// when asked.
pub struct Producer {
    stop: Arc<AtomicBool>,
    committed: Arc<Mutex<Vec<i64>>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Producer {
    pub fn start(location: &str, first: i64) -> Producer {
        let params = qadmin::db::ConnParams::resolve(
            Some(location),
            &[],
            &qadmin::db::Environment::default(),
        )
        .expect("producer conninfo");
        let stop = Arc::new(AtomicBool::new(false));
        let committed = Arc::new(Mutex::new(Vec::new()));
        let (s, c) = (stop.clone(), committed.clone());
        let thread = std::thread::spawn(move || {
            let Ok(mut db) = qadmin::db::connect(&params, Arc::new(|_, _| {})) else {
                return;
            };
            let mut id = first;
            while !s.load(Ordering::SeqCst) {
                let v = format!("p{id}");
                if db
                    .execute("insert into t (id, v) values ($1::int8, $2)", &[&id, &v])
                    .is_err()
                {
                    return;
                }
                c.lock().expect("log").push(id);
                id += 1;
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
        });
        Producer {
            stop,
            committed,
            thread: Some(thread),
        }
    }

    /// The ids committed so far.
    pub fn committed(&self) -> Vec<i64> {
        self.committed.lock().expect("log").clone()
    }

    /// Stop (or wait for the thread that ended on an error); the ids
    /// committed.
    pub fn finish(mut self) -> Vec<i64> {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        self.committed()
    }
}

impl Drop for Producer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}
