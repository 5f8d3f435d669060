//! A throwaway PostgreSQL 15 cluster for the integration tests, like
//! psql's `PostgreSQL::Test::Cluster`: initdb into a temp dir, the unix
//! socket inside it, TCP on a free loopback port with TLS (a test CA in
//! `tls/`, the server's certificate signed by it for `localhost`, client
//! certificates trusted; roles `certuser` for certificate authentication
//! and `ssluser` for TLS-only connections), the server run as the
//! `postgres` user when we are root.
//! pgq, pgq_node and londiste are created once in a template database; each
//! test gets its own database cloned from it, dropped when the test ends.
//!
//! Clean-up does not depend on the test binary ending well: a watchdog
//! process stops the server and removes the directory as soon as the test
//! process is gone, also after a panic or a kill.
//!
//! Without PostgreSQL the tests skip with a message, except when `CI` is
//! set: there a missing server fails the run loudly.

#![allow(dead_code)]

pub mod standby;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// The running cluster.
pub struct Cluster {
    pub dir: PathBuf,
    pub port: u16,
    pub su: String,
    pub bin: PathBuf,
    pub is_root: bool,
}

static CLUSTER: OnceLock<Option<Cluster>> = OnceLock::new();
static NEXT_DB: AtomicUsize = AtomicUsize::new(0);

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn find_bin() -> Option<PathBuf> {
    let debian = PathBuf::from("/usr/lib/postgresql/15/bin");
    if debian.join("initdb").exists() {
        return Some(debian);
    }
    let out = Command::new("sh")
        .args(["-c", "command -v initdb"])
        .output()
        .ok()?;
    let p = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if p.is_empty() {
        None
    } else {
        Path::new(&p).parent().map(Path::to_path_buf)
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(54329)
}

impl Cluster {
    /// Run a server binary as the cluster's owner.
    fn owner_cmd(&self, prog: &str) -> Command {
        let path = self.bin.join(prog);
        if self.is_root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        }
    }

    fn start() -> Result<Cluster, String> {
        let bin = find_bin().ok_or("PostgreSQL server binaries (initdb) not found")?;
        let root = is_root();
        let su = if root {
            "postgres".to_string()
        } else {
            std::env::var("USER").unwrap_or_else(|_| "postgres".into())
        };
        let dir = tempfile::Builder::new()
            .prefix("qadmin-test-")
            .tempdir()
            .map_err(|e| e.to_string())?
            .keep();
        let c = Cluster {
            dir: dir.clone(),
            port: free_port(),
            su,
            bin,
            is_root: root,
        };
        if root {
            run_ok(Command::new("chown").args(["-R", "postgres:"]).arg(&dir))?;
            run_ok(Command::new("chmod").arg("755").arg(&dir))?;
        }
        c.watchdog();
        let data = dir.join("data");
        run_ok(c.owner_cmd("initdb").arg("-D").arg(&data).args([
            "-A",
            "trust",
            "-U",
            &c.su,
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        ]))?;
        // TLS: a test CA, the server's certificate signed by it (for
        // "localhost" only, so that verify-full against 127.0.0.1 fails),
        // and the CA as the server's trust for client certificates.
        let tls = dir.join("tls");
        std::fs::create_dir_all(&tls).map_err(|e| e.to_string())?;
        make_ca(&tls, "ca", "qadmin test CA")?;
        sign_cert(
            &tls,
            "ca",
            "server",
            "localhost",
            "subjectAltName=DNS:localhost",
        )?;
        for f in ["server.crt", "server.key", "ca.crt"] {
            std::fs::copy(tls.join(f), data.join(f)).map_err(|e| e.to_string())?;
        }
        if root {
            run_ok(
                Command::new("chown")
                    .arg("postgres:")
                    .arg(data.join("server.crt"))
                    .arg(data.join("server.key"))
                    .arg(data.join("ca.crt")),
            )?;
        }
        run_ok(
            Command::new("chmod")
                .arg("600")
                .arg(data.join("server.key")),
        )?;
        let hba = "local all pwuser scram-sha-256\n\
                   local all all trust\n\
                   host all pwuser 127.0.0.1/32 scram-sha-256\n\
                   hostssl all certuser 127.0.0.1/32 cert\n\
                   host all certuser 127.0.0.1/32 reject\n\
                   hostssl all ssluser 127.0.0.1/32 trust\n\
                   host all ssluser 127.0.0.1/32 reject\n\
                   host all all 127.0.0.1/32 trust\n";
        std::fs::write(data.join("pg_hba.conf"), hba).map_err(|e| e.to_string())?;
        let conf = format!(
            "port = {}\nunix_socket_directories = '{}'\nlisten_addresses = '127.0.0.1'\n\
             ssl = on\nssl_ca_file = 'ca.crt'\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\n\
             max_connections = 100\nshared_buffers = 64MB\n",
            c.port,
            dir.display()
        );
        let mut pgconf = std::fs::read_to_string(data.join("postgresql.conf")).unwrap_or_default();
        pgconf.push_str(&conf);
        std::fs::write(data.join("postgresql.conf"), pgconf).map_err(|e| e.to_string())?;
        run_ok(
            c.owner_cmd("pg_ctl")
                .arg("-D")
                .arg(&data)
                .arg("-l")
                .arg(dir.join("server.log"))
                .args(["-w", "start"]),
        )
        .map_err(|e| {
            let log = std::fs::read_to_string(dir.join("server.log")).unwrap_or_default();
            format!("{e}\n{log}")
        })?;
        c.psql_in("postgres", "create database qadmin_template")?;
        c.psql_in(
            "qadmin_template",
            "create extension pgq; create extension pgq_node; create extension londiste;",
        )?;
        c.psql_in(
            "postgres",
            "create role pwuser login superuser password 'sekret'",
        )?;
        c.psql_in(
            "postgres",
            "create role certuser login; create role ssluser login",
        )?;
        Ok(c)
    }

    /// A process that stops the server and removes the directory once this
    /// test process has gone, however it ended.
    fn watchdog(&self) {
        let pid = std::process::id();
        let stop = if self.is_root {
            format!(
                "runuser -u postgres -- {}/pg_ctl -D {}/data -m immediate stop",
                self.bin.display(),
                self.dir.display()
            )
        } else {
            format!(
                "{}/pg_ctl -D {}/data -m immediate stop",
                self.bin.display(),
                self.dir.display()
            )
        };
        let script = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; {stop} >/dev/null 2>&1; rm -rf '{}'",
            self.dir.display()
        );
        let _ = Command::new("setsid")
            .args(["sh", "-c", &script])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
    }

    /// psql from the server's package, connected to `db` on the socket.
    pub fn psql_cmd(&self, db: &str) -> Command {
        let mut c = Command::new(self.bin.join("psql"));
        c.args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h"])
            .arg(&self.dir)
            .args(["-p", &self.port.to_string(), "-U", &self.su, "-d", db]);
        clean_env(&mut c);
        c
    }

    /// Run SQL with psql; error text on failure.
    pub fn psql_in(&self, db: &str, sql: &str) -> Result<String, String> {
        let out = self
            .psql_cmd(db)
            .args(["-A", "-t", "-c", sql])
            .output()
            .map_err(|e| e.to_string())?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_string())
        } else {
            Err(format!(
                "psql failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }
}

/// A self-signed CA in `dir`: `{name}.crt`, `{name}.key`.
pub fn make_ca(dir: &Path, name: &str, cn: &str) -> Result<(), String> {
    run_ok(
        Command::new("openssl")
            .current_dir(dir)
            .args([
                "req", "-x509", "-new", "-nodes", "-newkey", "rsa:2048", "-days", "2",
            ])
            .args(["-subj", &format!("/CN={cn}")])
            .args(["-addext", "basicConstraints=critical,CA:TRUE"])
            .args(["-addext", "keyUsage=critical,keyCertSign,cRLSign"])
            .args([
                "-keyout",
                &format!("{name}.key"),
                "-out",
                &format!("{name}.crt"),
            ]),
    )
}

/// A certificate for `cn` signed by the CA `ca` in `dir`, with an RSA key
/// (`{name}.crt`, `{name}.key`, PKCS#8 PEM) and the given extension line.
pub fn sign_cert(dir: &Path, ca: &str, name: &str, cn: &str, ext: &str) -> Result<(), String> {
    run_ok(
        Command::new("openssl")
            .current_dir(dir)
            .args(["req", "-new", "-nodes", "-newkey", "rsa:2048"])
            .args(["-subj", &format!("/CN={cn}")])
            .args([
                "-keyout",
                &format!("{name}.key"),
                "-out",
                &format!("{name}.csr"),
            ]),
    )?;
    std::fs::write(dir.join(format!("{name}.ext")), format!("{ext}\n"))
        .map_err(|e| e.to_string())?;
    run_ok(
        Command::new("openssl")
            .current_dir(dir)
            .args(["x509", "-req", "-days", "2", "-CAcreateserial"])
            .args([
                "-in",
                &format!("{name}.csr"),
                "-out",
                &format!("{name}.crt"),
            ])
            .args(["-CA", &format!("{ca}.crt"), "-CAkey", &format!("{ca}.key")])
            .args(["-extfile", &format!("{name}.ext")]),
    )
}

/// Run a command; its output on failure.
pub fn run_ok(cmd: &mut Command) -> Result<(), String> {
    let out = cmd.output().map_err(|e| format!("{cmd:?}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{cmd:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// Remove libpq's environment so that only what a test sets applies.
pub fn clean_env(c: &mut Command) {
    for (k, _) in std::env::vars() {
        if k.starts_with("PG") || k == "NO_COLOR" {
            c.env_remove(k);
        }
    }
}

/// The cluster, started on first use. `None` means skip (no server here
/// and not in CI).
pub fn cluster() -> Option<&'static Cluster> {
    CLUSTER
        .get_or_init(|| match Cluster::start() {
            Ok(c) => Some(c),
            Err(e) => {
                if std::env::var_os("CI").is_some() {
                    panic!("CI is set and the test cluster cannot start: {e}");
                }
                eprintln!("skipping integration tests: cannot start PostgreSQL: {e}");
                None
            }
        })
        .as_ref()
}

/// A database of its own for one test, cloned from the template with the
/// PgQ extensions; dropped at the end of the test, also when it fails.
pub struct TestDb {
    pub name: String,
    pub cluster: &'static Cluster,
    pub home: tempfile::TempDir,
}

impl TestDb {
    /// A fresh database, or `None` when the tests are skipped.
    pub fn new() -> Option<TestDb> {
        let cluster = cluster()?;
        let name = format!(
            "t{}_{}",
            std::process::id(),
            NEXT_DB.fetch_add(1, Ordering::SeqCst)
        );
        cluster
            .psql_in(
                "postgres",
                &format!("create database {name} template qadmin_template"),
            )
            .expect("create test database");
        let home = tempfile::tempdir().expect("temp home");
        Some(TestDb {
            name,
            cluster,
            home,
        })
    }

    /// Run SQL through psql in this database; its unaligned output.
    pub fn sql(&self, sql: &str) -> String {
        self.cluster
            .psql_in(&self.name, sql)
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// The qadmin binary without connection arguments, in a clean
    /// environment (no PG* variables, HOME in a temp dir).
    pub fn qadmin_bare(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_qadmin"));
        clean_env(&mut c);
        c.env("HOME", self.home.path())
            .env("QADMIN_HISTORY", self.home.path().join("history"));
        c
    }

    /// qadmin connected to this database over the socket, with -X.
    pub fn qadmin(&self) -> Command {
        let mut c = self.qadmin_with_rc();
        c.arg("-X");
        c
    }

    /// qadmin connected to this database over the socket, reading
    /// `~/.qadminrc` (no -X).
    pub fn qadmin_with_rc(&self) -> Command {
        let mut c = self.qadmin_bare();
        c.args(self.conn_args());
        c
    }

    /// `-h DIR -p PORT -U USER -d NAME` for this database.
    pub fn conn_args(&self) -> Vec<String> {
        vec![
            "-h".into(),
            self.cluster.dir.display().to_string(),
            "-p".into(),
            self.cluster.port.to_string(),
            "-U".into(),
            self.cluster.su.clone(),
            "-d".into(),
            self.name.clone(),
        ]
    }

    /// psql connected to this database the same way (for parity tests).
    pub fn psql(&self) -> Command {
        let mut c = Command::new(self.cluster.bin.join("psql"));
        clean_env(&mut c);
        c.env("HOME", self.home.path())
            .stdin(Stdio::null())
            .arg("-X")
            .args(self.conn_args());
        c
    }

    /// A client on this database (for calling the library's API modules
    /// directly); notices are dropped.
    pub fn client(&self) -> qadmin::db::Client {
        let params = qadmin::db::ConnParams::resolve(
            Some(&location(self)),
            &[],
            &qadmin::db::Environment::default(),
        )
        .expect("test conninfo");
        qadmin::db::connect(&params, std::sync::Arc::new(|_, _| {}))
            .expect("connect to the test database")
    }

    /// Write a script file in the test's temp dir; returns its path.
    pub fn script(&self, name: &str, body: impl AsRef<[u8]>) -> PathBuf {
        let p = self.home.path().join(name);
        std::fs::write(&p, body).expect("write script");
        p
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let _ = self.cluster.psql_in(
            "postgres",
            &format!("drop database if exists {} with (force)", self.name),
        );
    }
}

/// Stdout, stderr and exit code of a finished command.
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

/// Run a command to completion.
pub fn run(cmd: &mut Command) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("run command");
    Run {
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
        code: status.code().unwrap_or(-1),
    }
}

/// Compare two texts and show both in full when they differ.
#[macro_export]
macro_rules! assert_text_eq {
    ($want:expr, $got:expr, $($why:tt)*) => {{
        let want: &str = &$want;
        let got: &str = &$got;
        if want != got {
            panic!(
                "texts differ {}\n===== expected =====\n{}\n===== got =====\n{}\n====================",
                format!($($why)*),
                want,
                got
            );
        }
    }};
}

/// Skip the test when there is no cluster (and we are not in CI).
#[macro_export]
macro_rules! test_db {
    () => {
        match $crate::support::TestDb::new() {
            Some(db) => db,
            None => return,
        }
    };
}

/// A background process (pgqd, a Londiste worker) killed when dropped, also
/// when the test fails.
pub struct Daemon {
    pub name: String,
    child: std::process::Child,
    /// The .ini file it runs with: Londiste workers start table-copy
    /// processes of their own (daemonized), which go with it.
    ini: Option<String>,
}

impl Daemon {
    /// Start a command in the background with its output in `log`.
    pub fn start(name: &str, cmd: &mut Command, log: &Path) -> Daemon {
        let ini = cmd
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .find(|a| a.ends_with(".ini"));
        let out = std::fs::File::create(log).expect("daemon log");
        let err = out.try_clone().expect("daemon log");
        clean_env(cmd);
        let child = cmd
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .unwrap_or_else(|e| panic!("start {name}: {e}"));
        Daemon {
            name: name.to_string(),
            child,
            ini,
        }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(ini) = &self.ini {
            let _ = Command::new("pkill").arg("-f").arg(ini).status();
        }
    }
}

/// Poll `check` every 200 ms until it is true or `secs` pass.
pub fn wait_for(what: &str, secs: u64, mut check: impl FnMut() -> bool) {
    let start = std::time::Instant::now();
    while start.elapsed().as_secs() < secs {
        if check() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    panic!("timed out after {secs} s waiting for {what}");
}

/// A libpq connect string for a test database (its location as a
/// cascade node).
pub fn location(db: &TestDb) -> String {
    format!(
        "host={} port={} dbname={} user={}",
        db.cluster.dir.display(),
        db.cluster.port,
        db.name,
        db.cluster.su
    )
}

/// SQL that ends every other backend of the current database (what a
/// crash of the server's side of qadmin's connections looks like).
pub const END_OTHER_BACKENDS: &str =
    "select count(pg_terminate_backend(pid)) from pg_stat_activity \
     where datname = current_database() and pid <> pg_backend_pid()";

/// Run `cmd` (its stdout read, its stderr dropped) and stop it right
/// after its k-th printed step, a line starting with `[`: `stop` is
/// called then (SIGKILL the child, or end the backends it talks to). The
/// number of steps seen (less than k when it ended by itself) and the
/// step lines.
pub fn stop_after_step(
    mut cmd: Command,
    k: usize,
    stop: impl FnOnce(&mut std::process::Child),
) -> (usize, Vec<String>) {
    use std::io::BufRead;
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn qadmin");
    let out = child.stdout.take().expect("stdout");
    let mut stop = Some(stop);
    let mut lines = Vec::new();
    for line in std::io::BufReader::new(out).lines() {
        let Ok(line) = line else { break };
        if line.starts_with('[') {
            lines.push(line);
            if lines.len() == k {
                if let Some(stop) = stop.take() {
                    stop(&mut child);
                }
                break;
            }
        }
    }
    let _ = child.wait();
    (lines.len(), lines)
}

/// The steps a kill-point test interrupts: `QADMIN_KILL_POINTS=3,7` when
/// set, every step up to `all` with `QADMIN_LONG=1`, else the fast subset
/// `ci` (docs/TESTING.md).
pub fn kill_points(all: usize, ci: &[usize]) -> Vec<usize> {
    if let Ok(list) = std::env::var("QADMIN_KILL_POINTS") {
        return list
            .split(',')
            .filter_map(|k| k.trim().parse().ok())
            .collect();
    }
    if std::env::var("QADMIN_LONG").is_ok_and(|v| v == "1") {
        (1..=all).collect()
    } else {
        ci.to_vec()
    }
}
