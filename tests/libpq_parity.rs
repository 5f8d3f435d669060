//! qadmin's connection-parameter resolution (`db::config`) against libpq
//! itself: a few hundred generated conninfo strings and URIs through
//! `PQconninfoParse`, and a few hundred combinations of conninfo, PG*
//! variables, service files (with and without `PGSERVICEFILE`) and a
//! password file through `PQconnectStartParams`, compared value by value.
//!
//! libpq is loaded at run time (`dlopen("libpq.so.5")`, installed with
//! psql), so building the tests needs no libpq headers; without it the
//! test says so and passes. The differences that are on purpose are
//! listed in docs/usage.md ("Differences from libpq") and filtered here
//! by [`known_difference`]; any other difference fails the test with the
//! input, libpq's answer and ours.
//!
//! One test function: the PG* variables are process-wide, and libpq reads
//! them with getenv.

use std::collections::BTreeMap;
use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::fmt::Write as _;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixListener;
use std::path::PathBuf;

use qadmin::db::config::{parse_conninfo, ConnParams, Environment};

#[repr(C)]
struct PqConninfoOption {
    keyword: *const c_char,
    envvar: *const c_char,
    compiled: *const c_char,
    val: *const c_char,
    label: *const c_char,
    dispchar: *const c_char,
    dispsize: c_int,
}

type ConninfoParse = unsafe extern "C" fn(*const c_char, *mut *mut c_char) -> *mut PqConninfoOption;
type ConninfoFree = unsafe extern "C" fn(*mut PqConninfoOption);
type Freemem = unsafe extern "C" fn(*mut c_void);
type ConnectStartParams =
    unsafe extern "C" fn(*const *const c_char, *const *const c_char, c_int) -> *mut c_void;
type ConnFn = unsafe extern "C" fn(*const c_void) -> *const c_char;
type Status = unsafe extern "C" fn(*const c_void) -> c_int;
type Conninfo = unsafe extern "C" fn(*const c_void) -> *mut PqConninfoOption;
type Finish = unsafe extern "C" fn(*mut c_void);
type LibVersion = unsafe extern "C" fn() -> c_int;

/// The libpq functions the comparison calls.
struct Libpq {
    conninfo_parse: ConninfoParse,
    conninfo_free: ConninfoFree,
    freemem: Freemem,
    connect_start_params: ConnectStartParams,
    status: Status,
    error_message: ConnFn,
    host: ConnFn,
    port: ConnFn,
    db: ConnFn,
    user: ConnFn,
    pass: ConnFn,
    conninfo: Conninfo,
    finish: Finish,
    version: LibVersion,
}

impl Libpq {
    fn load() -> Option<Libpq> {
        let lib = unsafe { libc::dlopen(c"libpq.so.5".as_ptr(), libc::RTLD_NOW) };
        if lib.is_null() {
            return None;
        }
        let sym = |name: &str| -> Option<*mut c_void> {
            let n = CString::new(name).ok()?;
            let p = unsafe { libc::dlsym(lib, n.as_ptr()) };
            (!p.is_null()).then_some(p)
        };
        // SAFETY: each symbol has the C signature libpq-fe.h declares for it.
        unsafe {
            Some(Libpq {
                conninfo_parse: std::mem::transmute::<*mut c_void, ConninfoParse>(sym(
                    "PQconninfoParse",
                )?),
                conninfo_free: std::mem::transmute::<*mut c_void, ConninfoFree>(sym(
                    "PQconninfoFree",
                )?),
                freemem: std::mem::transmute::<*mut c_void, Freemem>(sym("PQfreemem")?),
                connect_start_params: std::mem::transmute::<*mut c_void, ConnectStartParams>(sym(
                    "PQconnectStartParams",
                )?),
                status: std::mem::transmute::<*mut c_void, Status>(sym("PQstatus")?),
                error_message: std::mem::transmute::<*mut c_void, ConnFn>(sym("PQerrorMessage")?),
                host: std::mem::transmute::<*mut c_void, ConnFn>(sym("PQhost")?),
                port: std::mem::transmute::<*mut c_void, ConnFn>(sym("PQport")?),
                db: std::mem::transmute::<*mut c_void, ConnFn>(sym("PQdb")?),
                user: std::mem::transmute::<*mut c_void, ConnFn>(sym("PQuser")?),
                pass: std::mem::transmute::<*mut c_void, ConnFn>(sym("PQpass")?),
                conninfo: std::mem::transmute::<*mut c_void, Conninfo>(sym("PQconninfo")?),
                finish: std::mem::transmute::<*mut c_void, Finish>(sym("PQfinish")?),
                version: std::mem::transmute::<*mut c_void, LibVersion>(sym("PQlibVersion")?),
            })
        }
    }

    /// `PQconninfoParse`: the keys with a value, or the error (no final newline).
    fn parse(&self, s: &str) -> Result<BTreeMap<String, String>, String> {
        let c = CString::new(s).expect("no NUL in generated input");
        let mut err: *mut c_char = std::ptr::null_mut();
        let opts = unsafe { (self.conninfo_parse)(c.as_ptr(), &mut err) };
        if opts.is_null() {
            let m = if err.is_null() {
                "out of memory".to_owned()
            } else {
                let m = unsafe { CStr::from_ptr(err) }
                    .to_string_lossy()
                    .into_owned();
                unsafe { (self.freemem)(err.cast()) };
                m
            };
            return Err(m.trim_end().to_owned());
        }
        let map = unsafe { options(opts) };
        unsafe { (self.conninfo_free)(opts) };
        Ok(map)
    }

    /// `PQconnectStartParams` with one `dbname` key (expanded as psql
    /// expands its argument) and whatever libpq resolves from there.
    fn resolve(&self, conninfo: &str) -> Resolved {
        let kw = [c"dbname".as_ptr(), std::ptr::null()];
        let v = CString::new(conninfo).expect("no NUL in generated input");
        let vals = [v.as_ptr(), std::ptr::null()];
        let conn = unsafe { (self.connect_start_params)(kw.as_ptr(), vals.as_ptr(), 1) };
        let text = |f: ConnFn| -> String {
            let p = unsafe { f(conn) };
            if p.is_null() {
                String::new()
            } else {
                unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
            }
        };
        // CONNECTION_BAD is 1.
        let bad = unsafe { (self.status)(conn) } == 1;
        let error = text(self.error_message);
        // A failure to reach the server (a refused socket, a host name that
        // does not resolve) comes after resolution succeeded.
        let reach = error.starts_with("connection to server")
            || error.starts_with("could not translate host name");
        let r = if bad && !reach {
            Resolved::Error(error.trim_end().to_owned())
        } else {
            let settings = unsafe {
                let o = (self.conninfo)(conn);
                let m = options(o);
                (self.conninfo_free)(o);
                m
            };
            Resolved::Params {
                connected: !bad,
                host: text(self.host),
                port: text(self.port),
                db: text(self.db),
                user: text(self.user),
                pass: text(self.pass),
                settings,
            }
        };
        unsafe { (self.finish)(conn) };
        r
    }
}

/// The keys of a `PQconninfoOption` array that have a value.
unsafe fn options(mut o: *const PqConninfoOption) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    while !(*o).keyword.is_null() {
        if !(*o).val.is_null() {
            m.insert(
                CStr::from_ptr((*o).keyword).to_string_lossy().into_owned(),
                CStr::from_ptr((*o).val).to_string_lossy().into_owned(),
            );
        }
        o = o.add(1);
    }
    m
}

#[derive(Debug, PartialEq)]
enum Resolved {
    Error(String),
    Params {
        /// Whether the first host slot's socket was reached (then host,
        /// port and password are that slot's).
        connected: bool,
        host: String,
        port: String,
        db: String,
        user: String,
        pass: String,
        settings: BTreeMap<String, String>,
    },
}

/// A small deterministic generator (xorshift), so that a failure can be
/// reproduced from its case number.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[(self.next() % from.len() as u64) as usize]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn uri_case(g: &mut Gen) -> String {
    let mut s = g.pick(&["postgresql://", "postgres://"]).to_owned();
    if g.chance(50) {
        s.push_str(g.pick(&["", "u", "us%65r", "a%40b", "%zz", "u%00", "%C3%A9"]));
        if g.chance(50) {
            s.push(':');
            s.push_str(g.pick(&["", "p", "p%3Aw", "a:b", "p%2"]));
        }
        s.push('@');
    }
    let hosts = 1 + g.next() % 3;
    for i in 0..hosts {
        if i > 0 {
            s.push(',');
        }
        s.push_str(g.pick(&[
            "",
            "h",
            "db1.example.com",
            "127.0.0.1",
            "[::1]",
            "[2001:db8::1]",
            "[fe80::1%25eth0]",
            "%2Ftmp",
            "%2Fvar%2Frun%2Fpostgresql",
            "h%20x",
            "[",
            "[]",
            "[::1]x",
        ]));
        if g.chance(50) {
            s.push(':');
            s.push_str(g.pick(&["", "5433", "x", "0", "65536", "%35"]));
        }
    }
    if g.chance(70) {
        s.push('/');
        s.push_str(g.pick(&[
            "", "d", "my%20db", "a+b", "d%2Fx", "%", "%4", "%00", "db%3Fq",
        ]));
    }
    if g.chance(60) {
        s.push('?');
        let n = 1 + g.next() % 3;
        for i in 0..n {
            if i > 0 {
                s.push('&');
            }
            s.push_str(g.pick(&[
                "",
                "sslmode=require",
                "ssl=true",
                "ssl=false",
                "host=%2Ftmp",
                "application_name=a%26b",
                "a=b",
                "x",
                "port=1",
                "options=-c%20x%3Dy",
                "dbname=q",
                "a=b=c",
                "requiressl=1",
                "requiressl=0",
                "user=%zz",
                "hostaddr=::1",
                "target_session_attrs=read-only",
                "queue=q",
            ]));
        }
    }
    s
}

fn keyword_case(g: &mut Gen) -> String {
    let n = g.next() % 4;
    let mut s = String::new();
    for i in 0..n {
        if i > 0 || g.chance(20) {
            s.push_str(g.pick(&[" ", "  ", "\t", "\n "]));
        }
        s.push_str(g.pick(&[
            "host",
            "hostaddr",
            "port",
            "dbname",
            "user",
            "password",
            "application_name",
            "options",
            "sslmode",
            "requiressl",
            "service",
            "connect_timeout",
            "keepalives",
            "sslcrl",
            "bogus",
            "queue",
            "",
        ]));
        s.push_str(g.pick(&["=", " =", "= ", " = ", ""]));
        s.push_str(g.pick(&[
            "v",
            "''",
            "'a b'",
            "'it\\'s'",
            "a\\ b",
            "'back\\\\slash'",
            "x=y",
            "'unterminated",
            "é",
            "1",
            "'1'",
            "",
            "'tab\there'",
            "a'b",
        ]));
    }
    if g.chance(10) {
        s.push_str(g.pick(&[" junk", " =x", "'"]));
    }
    s
}

/// Ours, as libpq's `PQconninfoParse` reports it: the last value of each key.
fn ours_parse(s: &str) -> Result<BTreeMap<String, String>, String> {
    parse_conninfo(s, false)
        .map(|pairs| pairs.into_iter().collect())
        .map_err(|e| e.to_string())
}

/// The resolution fixture: a socket directory whose `.s.PGSQL.<port>`
/// sockets accept, a TCP listener, service files and a password file.
struct Fixture {
    dir: tempfile::TempDir,
    sock: String,
    tcp_port: u16,
}

const SOCKET_PORTS: &[&str] = &["5432", "6001", "6002"];

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        let sock = dir.path().join("sock");
        std::fs::create_dir(&sock).expect("socket dir");
        for p in SOCKET_PORTS {
            let l = UnixListener::bind(sock.join(format!(".s.PGSQL.{p}"))).expect("unix listener");
            std::thread::spawn(move || {
                for c in l.incoming() {
                    drop(c)
                }
            });
        }
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("tcp listener");
        let tcp_port = l.local_addr().expect("tcp address").port();
        std::thread::spawn(move || {
            for c in l.incoming() {
                drop(c)
            }
        });
        let sock = sock.display().to_string();
        let f = Fixture {
            dir,
            sock,
            tcp_port,
        };
        let s = &f.sock;
        let t = f.tcp_port;
        f.write(
            "services.conf",
            &format!(
                "# user file\n[svc1]\nhost={s}\nport=6001\ndbname=sdb\nuser=suser\n\n[svc2]\nhostaddr=127.0.0.1\nhost=db1\nport={t}\napplication_name=svcapp\nsslmode=disable\n[svc3]\n  options=-cwork_mem=1MB  \n[bad]\nnonsense\n[nested]\nservice=svc1\n[svc5]\r\nhost={s}\r\nport=6002 \r\ndbname=crlf\r\n[svc6]\nhost = {s}\n"
            ),
            0o644,
        );
        std::fs::create_dir(f.path("sysconf")).expect("sysconf dir");
        f.write(
            "sysconf/pg_service.conf",
            &format!("[svc1]\nhost=shadowed\n[svc4]\nhost={s}\nport=6002\ndbname=sysdb\n"),
            0o644,
        );
        let esc = s.replace(':', "\\:");
        f.write(
            "pgpass",
            &format!(
                "# comment\n{esc}:6001:sdb:suser:svcpw\n{esc}:5432:*:envuser:envpw\n{esc}:*:d1:*:d1pw\ndb1:{t}:*:*:tcppw\n{esc}:6002:*:*:\n*:*:*:wild:wildpw\n"
            ),
            0o600,
        );
        f.write("pgpass-open", "*:*:*:*:openpw\n", 0o644);
        // $HOME: ~/.pg_service.conf and ~/.pgpass when the variables are unset.
        std::fs::create_dir(f.path("home")).expect("home dir");
        f.write(
            "home/.pg_service.conf",
            &format!("[svc1]\nhost={s}\nport=6002\ndbname=homedb\n[svc7]\nuser=homeuser\n"),
            0o644,
        );
        f.write(
            "home/.pgpass",
            &format!("{esc}:6002:homedb:*:homepw\n*:*:*:homeuser:homeuserpw\n"),
            0o600,
        );
        f
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, name: &str, content: &str, mode: u32) {
        let p = self.path(name);
        std::fs::write(&p, content).expect("write fixture");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).expect("chmod");
    }
}

const ENV_KEYS: &[&str] = &[
    "PGHOST",
    "PGHOSTADDR",
    "PGPORT",
    "PGUSER",
    "PGDATABASE",
    "PGPASSWORD",
    "PGPASSFILE",
    "PGSERVICE",
    "PGSERVICEFILE",
    "PGSYSCONFDIR",
    "PGSSLMODE",
    "PGREQUIRESSL",
    "PGAPPNAME",
    "PGOPTIONS",
    "PGCONNECT_TIMEOUT",
    "PGTARGETSESSIONATTRS",
    "PGSSLROOTCERT",
    "PGSSLCERT",
    "PGSSLKEY",
    "PGCHANNELBINDING",
    "PGGSSENCMODE",
    "PGCLIENTENCODING",
    "PGSSLCRL",
    "PGSSLCRLDIR",
];

/// One resolution case: the conninfo handed over as psql hands its dbname
/// argument, and the PG* variables.
fn resolution_case(g: &mut Gen, f: &Fixture) -> (String, Vec<(&'static str, String)>) {
    let s = f.sock.as_str();
    let t = f.tcp_port;
    let q = |v: &str| qadmin::db::config::quote_value(v);
    let mut parts: Vec<String> = Vec::new();
    match g.next() % 8 {
        0 => {}
        1 => parts.push(format!("host={}", q(s))),
        2 => parts.push(format!("host={},other port=6001,6002", q(s))),
        3 => parts.push(format!("host=db1 hostaddr=127.0.0.1 port={t}")),
        4 => parts.push(format!("hostaddr=127.0.0.1 port={t}")),
        5 => parts.push(format!("host={},", q(s))),
        6 => parts.push(format!("host={} port={}", q(s), g.pick(SOCKET_PORTS))),
        _ => parts.push(format!("host={} port=x", q(s))),
    }
    parts.push(
        g.pick(&[
            "",
            "",
            "service=svc1",
            "service=svc2",
            "service=svc3",
            "service=svc4",
            "service=nosuch",
            "service=bad",
            "service=nested",
            "service=svc5",
            "service=svc6",
            "service=svc7",
        ])
        .to_owned(),
    );
    parts.push(
        g.pick(&["", "", "user=wild", "user=suser", "user=''", "user=envuser"])
            .to_owned(),
    );
    parts.push(
        g.pick(&["", "", "dbname=d1", "dbname=sdb", "dbname=''"])
            .to_owned(),
    );
    parts.push(
        g.pick(&["", "", "", "password=given", "password=''"])
            .to_owned(),
    );
    parts.push(
        g.pick(&[
            "",
            "",
            "sslmode=require",
            "sslmode=verify-full",
            "sslmode=bogus",
            "requiressl=1",
            "application_name=ci",
            "fallback_application_name=fb",
            "connect_timeout=1",
            "connect_timeout=x",
            "target_session_attrs=standby",
            "target_session_attrs=nope",
            "channel_binding=disable",
            "options='-c a=b'",
            "keepalives=0",
            "passfile=PASSFILE",
        ])
        .replace("PASSFILE", &f.path("pgpass").display().to_string()),
    );
    let mut conninfo = parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if g.chance(20) {
        // The same through a URI: a percent-encoded socket directory or
        // hostaddr, user, database and query keys.
        let enc = s.replace('/', "%2F");
        conninfo = format!(
            "postgresql://{}{}/{}{}",
            g.pick(&["", "wild@", "suser:given@", "us%65r@"]),
            g.pick(&[&format!("{enc}:6001"), &enc, &format!("[::1]:{t}"), ""]),
            g.pick(&["", "d1", "sdb", "my%20db"]),
            g.pick(&[
                "",
                "?service=svc1",
                "?service=svc7&sslmode=require",
                "?hostaddr=127.0.0.1&host=db1",
                &format!("?host={enc}&port=6002"),
                "?application_name=a%26b",
            ]),
        );
    }

    let mut env: Vec<(&'static str, String)> = Vec::new();
    env.push(("PGSYSCONFDIR", f.path("sysconf").display().to_string()));
    let mut maybe = |g: &mut Gen, key: &'static str, choices: &[&str], pct: u64| {
        if g.chance(pct) {
            env.push((key, g.pick(choices).to_owned()));
        }
    };
    maybe(g, "PGHOST", &[s, "", "db1"], 40);
    maybe(g, "PGPORT", &["6001", "6002", "", "x"], 30);
    maybe(g, "PGUSER", &["envuser", "wild", ""], 40);
    maybe(g, "PGDATABASE", &["envdb", "d1"], 30);
    maybe(g, "PGSERVICE", &["svc1", "svc4", "nosuch", "svc3"], 25);
    maybe(g, "PGSSLMODE", &["disable", "require", "", "bogus"], 20);
    maybe(g, "PGREQUIRESSL", &["1", "0"], 10);
    maybe(g, "PGAPPNAME", &["envapp"], 15);
    maybe(g, "PGOPTIONS", &["-c x=1"], 15);
    maybe(g, "PGCONNECT_TIMEOUT", &["3", "1", "-1"], 15);
    maybe(g, "PGPASSWORD", &["envpw"], 10);
    maybe(g, "PGTARGETSESSIONATTRS", &["read-write", "bogus"], 10);
    maybe(g, "PGSSLROOTCERT", &["/nonexistent/root.crt"], 10);
    maybe(g, "PGCHANNELBINDING", &["require", "bogus"], 8);
    let services = f.path("services.conf").display().to_string();
    let pgpass = f.path("pgpass").display().to_string();
    let open = f.path("pgpass-open").display().to_string();
    maybe(
        g,
        "PGSERVICEFILE",
        &[&services, &services, "/nonexistent/svc"],
        75,
    );
    maybe(
        g,
        "PGPASSFILE",
        &[&pgpass, &pgpass, &pgpass, &pgpass, &open],
        80,
    );
    (conninfo, env)
}

/// Ours, in the shape of libpq's answer (see [`Libpq::resolve`]).
fn ours_resolve(conninfo: &str) -> Result<ConnParams, String> {
    let env = Environment::from_process();
    ConnParams::resolve_with(None, &[("dbname", conninfo.to_owned())], &env, false)
        .map_err(|e| e.to_string())
}

/// Differences on purpose (docs/usage.md, "Differences from libpq").
fn known_difference(libpq: &Resolved, ours: &Result<ConnParams, String>) -> Option<&'static str> {
    match (libpq, ours) {
        // qadmin checks every port, connect_timeout and hostaddr when it
        // resolves; libpq while connecting, and only for the hosts it tries.
        (Resolved::Params { .. }, Err(m))
            if m.starts_with("invalid integer value")
                || m.starts_with("invalid port number")
                || m.starts_with("could not parse network address") =>
        {
            Some("validated at resolve time")
        }
        (Resolved::Error(l), Err(m))
            if (l.starts_with("invalid integer value") || l.starts_with("invalid port number"))
                && (m.starts_with("invalid integer value")
                    || m.starts_with("invalid port number")) =>
        {
            Some("validated at resolve time")
        }
        _ => None,
    }
}

fn compare_resolved(libpq: &Resolved, ours: &Result<ConnParams, String>) -> Result<(), String> {
    match (libpq, ours) {
        (Resolved::Error(l), Err(m)) if l == m => Ok(()),
        (
            Resolved::Params {
                connected,
                host,
                port,
                db,
                user,
                pass,
                settings,
            },
            Ok(p),
        ) => {
            let mut diffs = String::new();
            let mut check = |what: &str, l: &str, o: &str| {
                if l != o {
                    let _ = write!(diffs, "\n  {what}: libpq {l:?}, qadmin {o:?}");
                }
            };
            check("dbname", db, &p.dbname);
            check("user", user, &p.user);
            if *connected {
                let ours_host = if p.hosts[0].is_empty() {
                    p.hostaddrs.first().map(String::as_str).unwrap_or("")
                } else {
                    p.hosts[0].as_str()
                };
                check("host", host, ours_host);
                // An empty port (PGPORT='') is where libpq connects to 5432.
                let port = if port.is_empty() {
                    "5432"
                } else {
                    port.as_str()
                };
                let l_port = port.trim().parse::<u16>().map(|n| n.to_string());
                check(
                    "port",
                    &l_port.unwrap_or_else(|_| port.to_owned()),
                    &p.ports[0].to_string(),
                );
                check("password", pass, p.password.as_deref().unwrap_or(""));
            }
            let ours: BTreeMap<&str, &str> = p
                .settings()
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            // connectOptions2 fills these in libpq's copy (ours are the
            // derived fields compared above); libpq keeps no copy of
            // `service` for PQconninfo to report.
            const DERIVED: &[&str] = &["dbname", "user", "passfile", "service"];
            let keys: std::collections::BTreeSet<&str> = settings
                .keys()
                .map(String::as_str)
                .chain(ours.keys().copied())
                .filter(|k| !DERIVED.contains(k))
                .collect();
            for k in keys {
                check(
                    k,
                    settings.get(k).map(String::as_str).unwrap_or("<unset>"),
                    ours.get(k).copied().unwrap_or("<unset>"),
                );
            }
            if diffs.is_empty() {
                Ok(())
            } else {
                Err(diffs)
            }
        }
        (l, o) => Err(format!(
            "\n  libpq {l:?}\n  qadmin {:?}",
            o.as_ref().map(|p| &p.dbname)
        )),
    }
}

#[test]
fn conninfo_uri_service_and_pgpass_resolve_as_libpq_does() {
    let Some(pq) = Libpq::load() else {
        eprintln!("libpq.so.5 not found: parity with libpq not checked");
        return;
    };
    let version = unsafe { (pq.version)() };
    let mut failures = Vec::new();
    let mut g = Gen(0x5eed_1234_abcd_ef01);

    // Parsing: PQconninfoParse against parse_conninfo.
    let mut parsed = 0;
    let mut inputs: Vec<String> = Vec::new();
    for _ in 0..300 {
        inputs.push(uri_case(&mut g));
    }
    for _ in 0..200 {
        inputs.push(keyword_case(&mut g));
    }
    for s in &inputs {
        parsed += 1;
        let l = pq.parse(s);
        let o = ours_parse(s);
        if l != o {
            failures.push(format!("parse {s:?}:\n  libpq  {l:?}\n  qadmin {o:?}"));
        }
    }

    // Resolution: PQconnectStartParams against ConnParams::resolve.
    let f = Fixture::new();
    let home = f.path("home");
    let mut resolved = 0;
    let mut connected = 0;
    let mut known = Vec::new();
    for i in 0..300 {
        let (conninfo, env) = resolution_case(&mut g, &f);
        for k in ENV_KEYS {
            std::env::remove_var(k);
        }
        for (k, v) in &env {
            std::env::set_var(k, v);
        }
        std::env::set_var("HOME", &home);
        let l = pq.resolve(&conninfo);
        let o = ours_resolve(&conninfo);
        resolved += 1;
        if matches!(
            l,
            Resolved::Params {
                connected: true,
                ..
            }
        ) {
            connected += 1;
        }
        if let Err(d) = compare_resolved(&l, &o) {
            match known_difference(&l, &o) {
                Some(why) => known.push(format!(
                    "#{i} {conninfo:?} ({why}): libpq {l:?}, qadmin {:?}",
                    o.as_ref().err()
                )),
                None => failures.push(format!("resolve #{i} {conninfo:?} env {env:?}:{d}")),
            }
        }
    }
    for k in ENV_KEYS {
        std::env::remove_var(k);
    }
    eprintln!(
        "libpq {version}: {parsed} strings parsed, {resolved} resolutions ({connected} reached a socket), {} known differences, {} others",
        known.len(),
        failures.len()
    );
    for k in known.iter().take(5) {
        eprintln!("  known: {k}");
    }
    assert!(
        failures.is_empty(),
        "{} differences from libpq:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(connected > 60, "too few cases reached the first host");
}
