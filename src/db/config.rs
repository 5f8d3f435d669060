//! Connection parameters resolved the way libpq (PostgreSQL 15) resolves
//! them, as pure logic over an injected [`Environment`], ending in a
//! [`ConnParams`] and its per-host [`HostTarget`]s.
//!
//! The `postgres` crate reads no environment, no service file and no
//! password file; this module does all of that, so that `qadmin` connects
//! wherever `psql` would with the same arguments and environment.
//!
//! # Precedence
//!
//! [`ConnParams::resolve`] follows libpq's order (`conninfo_array_parse`,
//! `conninfo_add_defaults`, then `connectOptions2`):
//!
//! 1. The conninfo string or URI ([`parse_conninfo`]); a key given twice
//!    keeps its last value.
//! 2. The caller's explicit key/values (psql's `-h`, `-p`, `-U`, `-d` ...),
//!    applied over the conninfo values. An empty value is ignored, as libpq
//!    ignores empty entries of `PQconnectdbParams`. The first `dbname`
//!    override that itself looks like a conninfo string
//!    ([`looks_like_conninfo`]) is expanded and its keys applied instead
//!    (libpq's `expand_dbname`).
//! 3. The service file: if `service` is set by 1–2, or else `PGSERVICE`,
//!    the entries of that service fill every key still unset. Note the libpq
//!    quirk this reproduces: **service entries beat environment variables**,
//!    because libpq reads the service file before the environment.
//! 4. Environment variables (`PGHOST`, `PGPORT`, ...) fill keys still unset.
//!    A variable that is set but empty counts as set, as with libpq's
//!    `getenv` (so `PGSSLMODE=` is an invalid sslmode). `PGREQUIRESSL=1`
//!    means `sslmode=require` when neither a value nor `PGSSLMODE` is given.
//! 5. Compiled defaults: port 5432, sslmode `prefer`, target_session_attrs
//!    `any`, and the operating-system user for `user`.
//! 6. Derived values: each host slot without a host or hostaddr gets the
//!    Debian socket directory [`DEFAULT_SOCKET_DIR`]; an empty user becomes
//!    the OS user; an empty dbname becomes the user; and when no password is
//!    set, the password file (`passfile`, `PGPASSFILE`, or `~/.pgpass`) is
//!    consulted per host slot with the final host, port, dbname and user.
//!
//! # Differences from libpq / psql, on purpose
//!
//! * psql passes a conninfo given as its dbname argument *after* `-h`/`-p`/
//!   `-U`, so there the conninfo wins over those options; here overrides
//!   always win over the conninfo, as the caller asks.
//! * Ports, `connect_timeout`, `keepalives` and `hostaddr` are validated at
//!   resolve time (libpq checks them while connecting; a bad port there only
//!   skips that host).
//! * `target_session_attrs` is checked from the ParameterStatus values a
//!   server of version 14 or later reports (`in_hot_standby`,
//!   `default_transaction_read_only`), without a query.
//! * `keepalives` is parsed and otherwise ignored (the operating system's
//!   TCP defaults apply).
//! * LDAP lines in service files are rejected with an error.
//! * Only the keys libpq 15 knows are accepted (plus `requiressl`, which
//!   libpq translates to sslmode); those the wire client has no use for
//!   (sslcrl, gssencmode, krbsrvname, ...) are parsed and otherwise ignored.
//!
//! # TLS
//!
//! The caller builds the TLS connector from [`ConnParams::sslmode`],
//! [`ConnParams::sslrootcert`], [`ConnParams::sslcert`] and
//! [`ConnParams::sslkey`]. `sslrootcert` is the *effective* root
//! certificate: the configured file if it exists, else
//! `~/.postgresql/root.crt` if it exists, else `None`. Like libpq, a
//! present root certificate makes `require` verify the chain, so `sslmode`
//! then reads [`SslMode::VerifyCa`] (the configured value is kept in
//! [`ConnParams::requested_sslmode`]). libpq also verifies the chain in
//! `allow`/`prefer` when a root certificate is present; that cannot be told
//! by the mode alone, so check `sslrootcert`.

use std::collections::HashMap;
use std::fmt;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Where the Debian/Ubuntu libpq looks for the server's socket when no host
/// is given (`DEFAULT_PGSOCKET_DIR`).
pub const DEFAULT_SOCKET_DIR: &str = "/var/run/postgresql";
/// The port used when none is given (`DEF_PGPORT`).
pub const DEFAULT_PORT: u16 = 5432;
/// Debian's libpq `SYSCONFDIR`, home of the system-wide `pg_service.conf`
/// unless `PGSYSCONFDIR` says otherwise.
pub const DEFAULT_SYSCONFDIR: &str = "/etc/postgresql-common";
/// The keys qadmin accepts in a conninfo on top of libpq's (when allowed).
pub const QADMIN_KEYS: &[&str] = &["queue", "node"];

/// One libpq connection keyword: its environment variable and compiled
/// default (PostgreSQL 15's `PQconninfoOptions`).
struct Keyword {
    name: &'static str,
    env: Option<&'static str>,
    default: Option<&'static str>,
}

const fn kw(
    name: &'static str,
    env: Option<&'static str>,
    default: Option<&'static str>,
) -> Keyword {
    Keyword { name, env, default }
}

/// libpq 15's connection keywords, in libpq's order.
const KEYWORDS: &[Keyword] = &[
    kw("service", Some("PGSERVICE"), None),
    kw("user", Some("PGUSER"), None),
    kw("password", Some("PGPASSWORD"), None),
    kw("passfile", Some("PGPASSFILE"), None),
    kw("channel_binding", Some("PGCHANNELBINDING"), Some("prefer")),
    kw("connect_timeout", Some("PGCONNECT_TIMEOUT"), None),
    kw("dbname", Some("PGDATABASE"), None),
    kw("host", Some("PGHOST"), None),
    kw("hostaddr", Some("PGHOSTADDR"), None),
    kw("port", Some("PGPORT"), Some("5432")),
    kw("client_encoding", Some("PGCLIENTENCODING"), None),
    kw("options", Some("PGOPTIONS"), Some("")),
    kw("application_name", Some("PGAPPNAME"), None),
    kw("fallback_application_name", None, None),
    kw("keepalives", None, None),
    kw("keepalives_idle", None, None),
    kw("keepalives_interval", None, None),
    kw("keepalives_count", None, None),
    kw("tcp_user_timeout", None, None),
    kw("sslmode", Some("PGSSLMODE"), Some("prefer")),
    kw("sslcompression", Some("PGSSLCOMPRESSION"), Some("0")),
    kw("sslcert", Some("PGSSLCERT"), None),
    kw("sslkey", Some("PGSSLKEY"), None),
    kw("sslpassword", None, None),
    kw("sslrootcert", Some("PGSSLROOTCERT"), None),
    kw("sslcrl", Some("PGSSLCRL"), None),
    kw("sslcrldir", Some("PGSSLCRLDIR"), None),
    kw("sslsni", Some("PGSSLSNI"), Some("1")),
    kw("requirepeer", Some("PGREQUIREPEER"), None),
    kw(
        "ssl_min_protocol_version",
        Some("PGSSLMINPROTOCOLVERSION"),
        Some("TLSv1.2"),
    ),
    kw(
        "ssl_max_protocol_version",
        Some("PGSSLMAXPROTOCOLVERSION"),
        None,
    ),
    kw("gssencmode", Some("PGGSSENCMODE"), Some("prefer")),
    kw("krbsrvname", Some("PGKRBSRVNAME"), Some("postgres")),
    kw("gsslib", Some("PGGSSLIB"), None),
    kw("replication", None, None),
    kw(
        "target_session_attrs",
        Some("PGTARGETSESSIONATTRS"),
        Some("any"),
    ),
];

fn is_libpq_keyword(key: &str) -> bool {
    KEYWORDS.iter().any(|k| k.name == key)
}

/// Why connection parameters could not be resolved. The messages are
/// libpq's, lowercase and without a trailing newline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    /// A key libpq does not know: `invalid connection option "x"`.
    InvalidOption(String),
    /// A word without `=`: `missing "=" after "x" in connection info string`.
    MissingEquals(String),
    /// `unterminated quoted string in connection info string`.
    UnterminatedQuote,
    /// A malformed `postgresql://` URI; the message says what is wrong.
    InvalidUri(String),
    /// An unknown URI query key: `invalid URI query parameter: "x"`.
    InvalidUriParam(String),
    /// `definition of service "x" not found`.
    ServiceNotFound(String),
    /// A service file that cannot be read or has a bad line; the message
    /// names the file (and line).
    ServiceFile(String),
    /// A value outside its option's choices: `invalid sslmode value: "x"`.
    InvalidValue {
        /// The option, e.g. `sslmode`.
        option: &'static str,
        /// The rejected value.
        value: String,
    },
    /// Not an integer:
    /// `invalid integer value "x" for connection option "port"`.
    InvalidInteger {
        /// The option, e.g. `port`.
        option: &'static str,
        /// The rejected value.
        value: String,
    },
    /// An integer port outside 1..=65535: `invalid port number: "x"`.
    InvalidPort(String),
    /// `could not match N host names to M hostaddr values`.
    HostCountMismatch {
        /// Number of host names given.
        hosts: usize,
        /// Number of hostaddr values given.
        hostaddrs: usize,
    },
    /// `could not match N port numbers to M hosts`.
    PortCountMismatch {
        /// Number of ports given.
        ports: usize,
        /// Number of hosts.
        hosts: usize,
    },
    /// A hostaddr that is not a numeric IP address.
    InvalidHostaddr(String),
    /// No user name given and the operating-system user is unknown.
    NoUserName,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::InvalidOption(k) => write!(f, "invalid connection option \"{k}\""),
            ConfigError::MissingEquals(w) => {
                write!(f, "missing \"=\" after \"{w}\" in connection info string")
            }
            ConfigError::UnterminatedQuote => {
                f.write_str("unterminated quoted string in connection info string")
            }
            ConfigError::InvalidUri(m) | ConfigError::ServiceFile(m) => f.write_str(m),
            ConfigError::InvalidUriParam(k) => write!(f, "invalid URI query parameter: \"{k}\""),
            ConfigError::ServiceNotFound(s) => write!(f, "definition of service \"{s}\" not found"),
            ConfigError::InvalidValue { option, value } => {
                write!(f, "invalid {option} value: \"{value}\"")
            }
            ConfigError::InvalidInteger { option, value } => {
                write!(
                    f,
                    "invalid integer value \"{value}\" for connection option \"{option}\""
                )
            }
            ConfigError::InvalidPort(p) => write!(f, "invalid port number: \"{p}\""),
            ConfigError::HostCountMismatch { hosts, hostaddrs } => {
                write!(
                    f,
                    "could not match {hosts} host names to {hostaddrs} hostaddr values"
                )
            }
            ConfigError::PortCountMismatch { ports, hosts } => {
                write!(f, "could not match {ports} port numbers to {hosts} hosts")
            }
            ConfigError::InvalidHostaddr(a) => {
                write!(
                    f,
                    "could not parse network address \"{a}\": Name or service not known"
                )
            }
            ConfigError::NoUserName => f.write_str("could not look up local user name"),
        }
    }
}

impl std::error::Error for ConfigError {}

/// libpq's `sslmode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    /// Never use TLS.
    Disable,
    /// Try without TLS first, then with.
    Allow,
    /// Try TLS first, then without (the default).
    Prefer,
    /// TLS only; the certificate is checked only if a root certificate is
    /// present.
    Require,
    /// TLS only, and the server certificate must chain to the root
    /// certificate.
    VerifyCa,
    /// As `VerifyCa`, and the host name must match the certificate.
    VerifyFull,
}

impl SslMode {
    /// Parse libpq's spelling (`disable` ... `verify-full`).
    pub fn parse(s: &str) -> Result<SslMode, ConfigError> {
        Ok(match s {
            "disable" => SslMode::Disable,
            "allow" => SslMode::Allow,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            _ => {
                return Err(ConfigError::InvalidValue {
                    option: "sslmode",
                    value: s.to_owned(),
                })
            }
        })
    }

    /// libpq's spelling of the mode.
    pub fn as_str(self) -> &'static str {
        match self {
            SslMode::Disable => "disable",
            SslMode::Allow => "allow",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        }
    }
}

/// Where one host slot connects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A unix-domain socket file (`dir/.s.PGSQL.port`).
    Unix(PathBuf),
    /// A host name or numeric address, and a port.
    Tcp(String, u16),
}

/// One host slot, ready to connect to.
#[derive(Clone, PartialEq, Eq)]
pub struct HostTarget {
    /// The slot's index (for [`ConnParams::describe_host`]).
    pub index: usize,
    /// Where to connect.
    pub addr: Target,
    /// The name TLS checks the certificate against (the host, else the address).
    pub tls_name: String,
    /// The slot's password (explicit, else its password file entry).
    pub password: Option<String>,
}

impl fmt::Debug for HostTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HostTarget")
            .field("index", &self.index)
            .field("addr", &self.addr)
            .field("tls_name", &self.tls_name)
            .field("password", &self.password.as_ref().map(|_| "********"))
            .finish()
    }
}

/// libpq's `channel_binding`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelBinding {
    /// Never bind SCRAM to the TLS channel.
    Disable,
    /// Bind when the server offers it (the default).
    Prefer,
    /// Refuse to authenticate without it.
    Require,
}

/// libpq 15's `target_session_attrs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetSessionAttrs {
    /// Any server (the default).
    Any,
    /// A server whose sessions are read-write.
    ReadWrite,
    /// A server whose sessions are read-only.
    ReadOnly,
    /// A server not in recovery.
    Primary,
    /// A server in recovery.
    Standby,
    /// A standby if there is one, else any.
    PreferStandby,
}

impl TargetSessionAttrs {
    /// Parse libpq's spelling (`any`, `read-write`, ..., `prefer-standby`).
    pub fn parse(s: &str) -> Result<TargetSessionAttrs, ConfigError> {
        Ok(match s {
            "any" => TargetSessionAttrs::Any,
            "read-write" => TargetSessionAttrs::ReadWrite,
            "read-only" => TargetSessionAttrs::ReadOnly,
            "primary" => TargetSessionAttrs::Primary,
            "standby" => TargetSessionAttrs::Standby,
            "prefer-standby" => TargetSessionAttrs::PreferStandby,
            _ => {
                return Err(ConfigError::InvalidValue {
                    option: "target_session_attrs",
                    value: s.to_owned(),
                })
            }
        })
    }
}

/// Everything the process environment contributes, injectable for tests.
#[derive(Debug, Clone, Default)]
pub struct Environment {
    /// Environment variables (only the `PG*` ones matter).
    pub vars: HashMap<String, String>,
    /// The home directory (`~/.pgpass`, `~/.pg_service.conf`,
    /// `~/.postgresql/`); `None` if unknown.
    pub home: Option<PathBuf>,
    /// The operating-system user name, the default `user`; empty if unknown.
    pub os_user: String,
}

impl Environment {
    /// The real environment: variables, home directory (`$HOME`, else the
    /// password database) and the effective user's name (from
    /// `/etc/passwd` by the effective uid, else `$USER` / `$LOGNAME`).
    pub fn from_process() -> Self {
        Environment {
            vars: std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .collect(),
            home: dirs::home_dir(),
            os_user: process_user_name(),
        }
    }

    /// The value of an environment variable, if set (even if empty).
    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }
}

/// The effective user's name, without libc: the owner of `/proc/self` is
/// the effective uid; its name comes from `/etc/passwd`.
fn process_user_name() -> String {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(meta), Ok(passwd)) = (
            std::fs::metadata("/proc/self"),
            std::fs::read_to_string("/etc/passwd"),
        ) {
            let uid = meta.uid().to_string();
            for line in passwd.lines() {
                let mut fields = line.split(':');
                if let (Some(name), Some(_), Some(id)) =
                    (fields.next(), fields.next(), fields.next())
                {
                    if id == uid && !name.is_empty() {
                        return name.to_owned();
                    }
                }
            }
        }
    }
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .unwrap_or_default()
}

/// Fully resolved parameters (after precedence, defaults and the password
/// file). Host slots are parallel: `hosts[i]`, `hostaddrs[i]` (if any),
/// `ports[i]`, `host_passwords[i]`.
#[derive(Clone)]
pub struct ConnParams {
    /// One entry per host slot: a host name, a unix-socket directory
    /// (starting with `/`, or `@` for an abstract socket), or empty when the
    /// slot has only a hostaddr.
    pub hosts: Vec<String>,
    /// Empty when no hostaddr was given; otherwise one numeric address per
    /// host slot (an empty string for a slot without one).
    pub hostaddrs: Vec<String>,
    /// One port per host slot.
    pub ports: Vec<u16>,
    /// The database name.
    pub dbname: String,
    /// The user name.
    pub user: String,
    /// The password: the explicit one, or else the password file's entry
    /// for the first host slot. Setting it (say, after prompting) gives it
    /// to every host slot without one of its own ([`ConnParams::targets`]).
    pub password: Option<String>,
    /// The password per host slot, as libpq looks it up (explicit password,
    /// else that host's password file entry).
    pub host_passwords: Vec<Option<String>>,
    /// The password file that supplied [`ConnParams::password`], if it came
    /// from one (psql then adds `password retrieved from file "F"` to a
    /// failed authentication).
    pub password_file: Option<PathBuf>,
    /// The effective sslmode: the configured one, except that `require`
    /// becomes `verify-ca` when a root certificate is present (libpq's rule).
    pub sslmode: SslMode,
    /// The sslmode as configured.
    pub requested_sslmode: SslMode,
    /// The effective root certificate: the configured `sslrootcert` if that
    /// file exists, else `~/.postgresql/root.crt` if it exists, else `None`.
    pub sslrootcert: Option<PathBuf>,
    /// The root certificate file libpq would look for (configured, else
    /// `~/.postgresql/root.crt`), whether or not it exists.
    pub expected_sslrootcert: Option<PathBuf>,
    /// The client certificate: configured, else `~/.postgresql/postgresql.crt`
    /// (used by libpq only if the file exists; the caller checks).
    pub sslcert: Option<PathBuf>,
    /// The client key: configured, else `~/.postgresql/postgresql.key`
    /// (used only with a certificate, if the file exists).
    pub sslkey: Option<PathBuf>,
    /// `connect_timeout`: `None` for 0, negative or absent; 1 s is raised to
    /// 2 s as libpq does. libpq applies it per host (per address) attempt.
    pub connect_timeout: Option<Duration>,
    /// `application_name`, else `fallback_application_name` (non-empty).
    pub application_name: Option<String>,
    /// `options` (command-line options for the server), if non-empty.
    pub options: Option<String>,
    /// `target_session_attrs`.
    pub target_session_attrs: TargetSessionAttrs,
    /// `channel_binding`.
    pub channel_binding: ChannelBinding,
    /// `keepalives` (`None` = not given, which means on).
    pub keepalives: Option<bool>,
    /// The service whose file entries were applied, if any.
    pub service: Option<String>,
    /// qadmin's `queue=` key, if given.
    pub queue: Option<String>,
    /// qadmin's `node=` key, if given.
    pub node: Option<String>,
    /// Warnings libpq would print to stderr (an unsafe password file ...),
    /// one line each, without libpq's `WARNING: ` prefix and newline: print
    /// them as `WARNING: {w}`.
    pub warnings: Vec<String>,
}

impl fmt::Debug for ConnParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hide = |p: &Option<String>| p.as_ref().map(|_| "********");
        f.debug_struct("ConnParams")
            .field("hosts", &self.hosts)
            .field("hostaddrs", &self.hostaddrs)
            .field("ports", &self.ports)
            .field("dbname", &self.dbname)
            .field("user", &self.user)
            .field("password", &hide(&self.password))
            .field(
                "host_passwords",
                &self.host_passwords.iter().map(hide).collect::<Vec<_>>(),
            )
            .field("password_file", &self.password_file)
            .field("sslmode", &self.sslmode)
            .field("requested_sslmode", &self.requested_sslmode)
            .field("sslrootcert", &self.sslrootcert)
            .field("expected_sslrootcert", &self.expected_sslrootcert)
            .field("sslcert", &self.sslcert)
            .field("sslkey", &self.sslkey)
            .field("connect_timeout", &self.connect_timeout)
            .field("application_name", &self.application_name)
            .field("options", &self.options)
            .field("target_session_attrs", &self.target_session_attrs)
            .field("channel_binding", &self.channel_binding)
            .field("keepalives", &self.keepalives)
            .field("service", &self.service)
            .field("queue", &self.queue)
            .field("node", &self.node)
            .field("warnings", &self.warnings)
            .finish()
    }
}

/// Resolved key/values before derivation (libpq's option array).
type Options = HashMap<String, String>;

impl ConnParams {
    /// Resolve parameters with qadmin's `queue`/`node` keys allowed.
    ///
    /// conninfo: an optional conninfo string or URI (or None); overrides:
    /// explicit key/values from command-line options (applied over the
    /// conninfo values); env: injected environment.
    pub fn resolve(
        conninfo: Option<&str>,
        overrides: &[(&str, String)],
        env: &Environment,
    ) -> Result<ConnParams, ConfigError> {
        ConnParams::resolve_with(conninfo, overrides, env, true)
    }

    /// As [`ConnParams::resolve`], choosing whether `queue`/`node` are
    /// accepted in the conninfo and overrides (if not, they are invalid
    /// connection options, as in libpq).
    pub fn resolve_with(
        conninfo: Option<&str>,
        overrides: &[(&str, String)],
        env: &Environment,
        allow_qadmin_keys: bool,
    ) -> Result<ConnParams, ConfigError> {
        let mut opts = Options::new();
        if let Some(ci) = conninfo {
            for (k, v) in parse_conninfo(ci, allow_qadmin_keys)? {
                opts.insert(k, v);
            }
        }
        let mut dbname_expanded = false;
        for (key, value) in overrides {
            if value.is_empty() {
                continue;
            }
            let (key, value) = canonical_pair(key, value.clone(), allow_qadmin_keys)
                .ok_or_else(|| ConfigError::InvalidOption((*key).to_owned()))?;
            if key == "dbname" && !dbname_expanded {
                dbname_expanded = true;
                if looks_like_conninfo(&value) {
                    for (k, v) in parse_conninfo(&value, allow_qadmin_keys)? {
                        opts.insert(k, v);
                    }
                    continue;
                }
            }
            opts.insert(key.to_owned(), value);
        }
        add_defaults(&mut opts, env)?;
        derive(opts, env)
    }

    /// The port of host slot `i` (the first port when there are fewer).
    pub fn port_of(&self, i: usize) -> u16 {
        self.ports
            .get(i)
            .or_else(|| self.ports.first())
            .copied()
            .unwrap_or(DEFAULT_PORT)
    }

    /// Where each host slot connects, in order, with its password.
    pub fn targets(&self) -> Vec<HostTarget> {
        (0..self.hosts.len())
            .map(|i| {
                let host = self.hosts[i].as_str();
                let addr = self.hostaddrs.get(i).map(String::as_str).unwrap_or("");
                let port = self.port_of(i);
                let target = if !addr.is_empty() {
                    Target::Tcp(addr.to_string(), port)
                } else if is_unix_socket_path(host) {
                    Target::Unix(PathBuf::from(format!("{host}/.s.PGSQL.{port}")))
                } else {
                    Target::Tcp(host.to_string(), port)
                };
                HostTarget {
                    index: i,
                    addr: target,
                    tls_name: if host.is_empty() { addr } else { host }.to_string(),
                    password: self
                        .host_passwords
                        .get(i)
                        .cloned()
                        .flatten()
                        .or_else(|| self.password.clone()),
                }
            })
            .collect()
    }

    /// How psql names the first host in errors, the text after
    /// `connection to server `: `on socket "/var/run/postgresql/.s.PGSQL.5432"`,
    /// `at "db1" (10.0.0.1), port 5432` (with a hostaddr) or
    /// `at "db1", port 5432`.
    pub fn describe_target(&self) -> String {
        self.describe_host(0)
    }

    /// As [`ConnParams::describe_target`], for host slot `i`.
    pub fn describe_host(&self, i: usize) -> String {
        let port = self.port_of(i);
        let host = self.hosts.get(i).map(String::as_str).unwrap_or("");
        let addr = self.hostaddrs.get(i).map(String::as_str).unwrap_or("");
        if !addr.is_empty() {
            if !host.is_empty() && host != addr {
                format!("at \"{host}\" ({addr}), port {port}")
            } else {
                format!("at \"{addr}\", port {port}")
            }
        } else if is_unix_socket_path(host) {
            format!("on socket \"{host}/.s.PGSQL.{port}\"")
        } else {
            format!("at \"{host}\", port {port}")
        }
    }

    /// libpq's error for `verify-ca`/`verify-full` without a root
    /// certificate file (raised when TLS is attempted), or `None` if the
    /// mode does not need one or it is present.
    pub fn missing_root_cert_error(&self) -> Option<String> {
        if !matches!(self.sslmode, SslMode::VerifyCa | SslMode::VerifyFull)
            || self.sslrootcert.is_some()
        {
            return None;
        }
        let advice =
            "Either provide the file or change sslmode to disable server certificate verification.";
        Some(match &self.expected_sslrootcert {
            Some(p) => format!(
                "root certificate file \"{}\" does not exist\n{advice}",
                p.display()
            ),
            None => {
                format!("could not get home directory to locate root certificate file\n{advice}")
            }
        })
    }
}

/// libpq's `is_unixsock_path`: an absolute path, or `@` for Linux's
/// abstract namespace.
fn is_unix_socket_path(host: &str) -> bool {
    host.starts_with('/') || host.starts_with('@')
}

/// Whether psql would take `s` as a connection string (or URI) rather than
/// a bare database name: it starts with `postgresql://` or `postgres://`,
/// or contains `=`.
pub fn looks_like_conninfo(s: &str) -> bool {
    uri_prefix_len(s) > 0 || s.contains('=')
}

fn uri_prefix_len(s: &str) -> usize {
    ["postgresql://", "postgres://"]
        .iter()
        .find(|p| s.starts_with(*p))
        .map_or(0, |p| p.len())
}

/// The key a value is stored under (libpq's `conninfo_storeval`):
/// `requiressl` becomes sslmode; unknown keys give `None`.
fn canonical_pair(
    key: &str,
    value: String,
    allow_qadmin_keys: bool,
) -> Option<(&'static str, String)> {
    if key == "requiressl" {
        let v = if value.starts_with('1') {
            "require"
        } else {
            "prefer"
        };
        return Some(("sslmode", v.to_owned()));
    }
    if let Some(k) = KEYWORDS.iter().find(|k| k.name == key) {
        return Some((k.name, value));
    }
    if allow_qadmin_keys {
        if let Some(k) = QADMIN_KEYS.iter().find(|k| **k == key) {
            return Some((k, value));
        }
    }
    None
}

/// Parse a conninfo string (`key=value ...`) or a `postgresql://` /
/// `postgres://` URI into key/values in order of appearance (URI hosts and
/// ports come as one comma-separated `host` and `port`). Keys are checked
/// against libpq's; `queue` and `node` are accepted only with
/// `allow_qadmin_keys`.
pub fn parse_conninfo(
    s: &str,
    allow_qadmin_keys: bool,
) -> Result<Vec<(String, String)>, ConfigError> {
    if uri_prefix_len(s) > 0 {
        parse_uri(s, allow_qadmin_keys)
    } else {
        parse_key_values(s, allow_qadmin_keys)
    }
}

/// C's `isspace` in the C locale.
fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

fn push_pair(
    out: &mut Vec<(String, String)>,
    key: &str,
    value: String,
    allow_qadmin_keys: bool,
) -> Result<(), ConfigError> {
    let (k, v) = canonical_pair(key, value, allow_qadmin_keys)
        .ok_or_else(|| ConfigError::InvalidOption(key.to_owned()))?;
    out.push((k.to_owned(), v));
    Ok(())
}

fn parse_key_values(
    s: &str,
    allow_qadmin_keys: bool,
) -> Result<Vec<(String, String)>, ConfigError> {
    let b = s.as_bytes();
    let n = b.len();
    let mut i = 0;
    let mut out = Vec::new();
    while i < n {
        if is_c_space(b[i]) {
            i += 1;
            continue;
        }
        let name_start = i;
        while i < n && b[i] != b'=' && !is_c_space(b[i]) {
            i += 1;
        }
        let name = &s[name_start..i];
        while i < n && is_c_space(b[i]) {
            i += 1;
        }
        if i >= n || b[i] != b'=' {
            return Err(ConfigError::MissingEquals(name.to_owned()));
        }
        i += 1;
        while i < n && is_c_space(b[i]) {
            i += 1;
        }
        let mut value = Vec::new();
        if i < n && b[i] == b'\'' {
            i += 1;
            loop {
                if i >= n {
                    return Err(ConfigError::UnterminatedQuote);
                }
                match b[i] {
                    b'\\' => {
                        i += 1;
                        if i < n {
                            value.push(b[i]);
                            i += 1;
                        }
                    }
                    b'\'' => {
                        i += 1;
                        break;
                    }
                    c => {
                        value.push(c);
                        i += 1;
                    }
                }
            }
        } else {
            while i < n {
                let c = b[i];
                i += 1;
                if is_c_space(c) {
                    break;
                }
                if c == b'\\' {
                    if i < n {
                        value.push(b[i]);
                        i += 1;
                    }
                } else {
                    value.push(c);
                }
            }
        }
        let value = String::from_utf8_lossy(&value).into_owned();
        push_pair(&mut out, name, value, allow_qadmin_keys)?;
    }
    Ok(out)
}

/// libpq's `conninfo_uri_decode`: `%XX` escapes must be complete and not
/// `%00`; `+` stays `+`. Bytes that are not UTF-8 are replaced.
fn uri_decode(s: &str) -> Result<String, ConfigError> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = |j: usize| b.get(j).is_some_and(u8::is_ascii_hexdigit);
            if !(hex(i + 1) && hex(i + 2)) {
                return Err(ConfigError::InvalidUri(format!(
                    "invalid percent-encoded token: \"{s}\""
                )));
            }
            if b[i + 1] == b'0' && b[i + 2] == b'0' {
                return Err(ConfigError::InvalidUri(format!(
                    "forbidden value %00 in percent-encoded value: \"{s}\""
                )));
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    Ok(percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned())
}

fn parse_uri(uri: &str, allow_qadmin_keys: bool) -> Result<Vec<(String, String)>, ConfigError> {
    let b = uri.as_bytes();
    let n = b.len();
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    let mut out = Vec::new();
    let mut p = uri_prefix_len(uri);

    // user[:password]@ if an '@' comes before any '/'.
    let mut q = p;
    while q < n && b[q] != b'@' && b[q] != b'/' {
        q += 1;
    }
    if at(q) == b'@' {
        let mut r = p;
        while b[r] != b':' && b[r] != b'@' {
            r += 1;
        }
        let user = &uri[p..r];
        if !user.is_empty() {
            push_pair(&mut out, "user", uri_decode(user)?, allow_qadmin_keys)?;
        }
        if b[r] == b':' {
            let start = r + 1;
            r = q;
            let password = &uri[start..r];
            if !password.is_empty() {
                push_pair(
                    &mut out,
                    "password",
                    uri_decode(password)?,
                    allow_qadmin_keys,
                )?;
            }
        }
        p = r + 1;
    }

    // host[:port][,host[:port]...]
    let mut hosts = String::new();
    let mut ports = String::new();
    let mut prev;
    loop {
        let host;
        if at(p) == b'[' {
            p += 1;
            let start = p;
            while p < n && b[p] != b']' {
                p += 1;
            }
            if p >= n {
                return Err(ConfigError::InvalidUri(format!(
                    "end of string reached when looking for matching \"]\" in IPv6 host address in URI: \"{uri}\""
                )));
            }
            if p == start {
                return Err(ConfigError::InvalidUri(format!(
                    "IPv6 host address may not be empty in URI: \"{uri}\""
                )));
            }
            host = &uri[start..p];
            p += 1;
            if p < n && !matches!(b[p], b':' | b'/' | b'?' | b',') {
                let c = uri[p..].chars().next().unwrap_or('?');
                return Err(ConfigError::InvalidUri(format!(
                    "unexpected character \"{c}\" at position {} in URI (expected \":\" or \"/\"): \"{uri}\"",
                    p + 1
                )));
            }
        } else {
            let start = p;
            while p < n && !matches!(b[p], b':' | b'/' | b'?' | b',') {
                p += 1;
            }
            host = &uri[start..p];
        }
        prev = at(p);
        hosts.push_str(host);
        if prev == b':' {
            p += 1;
            let start = p;
            while p < n && !matches!(b[p], b'/' | b'?' | b',') {
                p += 1;
            }
            prev = at(p);
            ports.push_str(&uri[start..p]);
        }
        if prev != b',' {
            break;
        }
        p += 1;
        hosts.push(',');
        ports.push(',');
    }
    if !hosts.is_empty() {
        push_pair(&mut out, "host", uri_decode(&hosts)?, allow_qadmin_keys)?;
    }
    if !ports.is_empty() {
        push_pair(&mut out, "port", uri_decode(&ports)?, allow_qadmin_keys)?;
    }

    // /dbname
    if prev != 0 && prev != b'?' {
        p += 1;
        let start = p;
        while p < n && b[p] != b'?' {
            p += 1;
        }
        prev = at(p);
        let dbname = &uri[start..p];
        if !dbname.is_empty() {
            push_pair(&mut out, "dbname", uri_decode(dbname)?, allow_qadmin_keys)?;
        }
    }

    // ?key=value&...
    if prev != 0 {
        parse_uri_params(&uri[p + 1..], allow_qadmin_keys, &mut out)?;
    }
    Ok(out)
}

fn parse_uri_params(
    params: &str,
    allow_qadmin_keys: bool,
    out: &mut Vec<(String, String)>,
) -> Result<(), ConfigError> {
    let b = params.as_bytes();
    let n = b.len();
    let mut i = 0;
    while i < n {
        let start = i;
        let mut eq: Option<usize> = None;
        let end;
        loop {
            if i < n && b[i] == b'=' {
                if let Some(e) = eq {
                    return Err(ConfigError::InvalidUri(format!(
                        "extra key/value separator \"=\" in URI query parameter: \"{}\"",
                        &params[start..e]
                    )));
                }
                eq = Some(i);
                i += 1;
            } else if i >= n || b[i] == b'&' {
                end = i;
                if i < n {
                    i += 1;
                }
                break;
            } else {
                i += 1;
            }
        }
        let Some(e) = eq else {
            return Err(ConfigError::InvalidUri(format!(
                "missing key/value separator \"=\" in URI query parameter: \"{}\"",
                &params[start..end]
            )));
        };
        let mut key = uri_decode(&params[start..e])?;
        let mut value = uri_decode(&params[e + 1..end])?;
        if key == "ssl" && value == "true" {
            key = "sslmode".to_owned();
            value = "require".to_owned();
        }
        let (k, v) = canonical_pair(&key, value, allow_qadmin_keys)
            .ok_or(ConfigError::InvalidUriParam(key))?;
        out.push((k.to_owned(), v));
    }
    Ok(())
}

/// libpq's `conninfo_add_defaults`: service file, then environment, then
/// compiled defaults, each only for keys still unset.
fn add_defaults(opts: &mut Options, env: &Environment) -> Result<(), ConfigError> {
    let service = opts
        .get("service")
        .cloned()
        .or_else(|| env.var("PGSERVICE").map(str::to_owned));
    if let Some(service) = service {
        apply_service(opts, &service, env)?;
    }
    for k in KEYWORDS {
        if opts.contains_key(k.name) {
            continue;
        }
        if let Some(v) = k.env.and_then(|e| env.var(e)) {
            opts.insert(k.name.to_owned(), v.to_owned());
            continue;
        }
        if k.name == "sslmode" && env.var("PGREQUIRESSL").is_some_and(|v| v.starts_with('1')) {
            opts.insert(k.name.to_owned(), "require".to_owned());
            continue;
        }
        if let Some(d) = k.default {
            opts.insert(k.name.to_owned(), d.to_owned());
            continue;
        }
        if k.name == "user" && !env.os_user.is_empty() {
            opts.insert(k.name.to_owned(), env.os_user.clone());
        }
    }
    Ok(())
}

/// libpq's `parseServiceInfo`: `PGSERVICEFILE` (or else
/// `~/.pg_service.conf` if it exists) first; if the service is not defined
/// there, `$PGSYSCONFDIR/pg_service.conf` (if it exists).
fn apply_service(opts: &mut Options, service: &str, env: &Environment) -> Result<(), ConfigError> {
    let first = match env.var("PGSERVICEFILE") {
        Some(f) => Some(PathBuf::from(f)),
        None => env
            .home
            .as_ref()
            .map(|h| h.join(".pg_service.conf"))
            .filter(|p| std::fs::metadata(p).is_ok()),
    };
    if let Some(file) = first {
        if parse_service_file(&file, service, opts)? {
            return Ok(());
        }
    }
    let sysconfdir = env.var("PGSYSCONFDIR").unwrap_or(DEFAULT_SYSCONFDIR);
    let file = PathBuf::from(format!("{sysconfdir}/pg_service.conf"));
    if std::fs::metadata(&file).is_ok() && parse_service_file(&file, service, opts)? {
        return Ok(());
    }
    Err(ConfigError::ServiceNotFound(service.to_owned()))
}

/// Apply the `[service]` section of one file to the options still unset.
/// Returns whether the section was found.
fn parse_service_file(file: &Path, service: &str, opts: &mut Options) -> Result<bool, ConfigError> {
    let shown = file.display();
    let content = std::fs::read(file)
        .map_err(|_| ConfigError::ServiceFile(format!("service file \"{shown}\" not found")))?;
    let content = String::from_utf8_lossy(&content);
    let mut found = false;
    for (idx, raw) in content.split('\n').enumerate() {
        let line_no = idx + 1;
        let line = raw.trim_matches(|c: char| c.is_ascii() && is_c_space(c as u8));
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix('[') {
            if found {
                break;
            }
            found = rest
                .strip_prefix(service)
                .is_some_and(|r| r.starts_with(']'));
            continue;
        }
        if !found {
            continue;
        }
        if line.starts_with("ldap") {
            return Err(ConfigError::ServiceFile(format!(
                "LDAP service lookup is not supported in service file \"{shown}\", line {line_no}"
            )));
        }
        let syntax_error = || {
            ConfigError::ServiceFile(format!(
                "syntax error in service file \"{shown}\", line {line_no}"
            ))
        };
        let (key, value) = line.split_once('=').ok_or_else(syntax_error)?;
        if key == "service" {
            return Err(ConfigError::ServiceFile(format!(
                "nested service specifications not supported in service file \"{shown}\", line {line_no}"
            )));
        }
        if !is_libpq_keyword(key) {
            return Err(syntax_error());
        }
        opts.entry(key.to_owned())
            .or_insert_with(|| value.to_owned());
    }
    Ok(found)
}

/// libpq's `parse_int_param`: optional leading/trailing whitespace, an
/// optional sign, decimal digits, within a C int.
fn parse_int_param(value: &str, option: &'static str) -> Result<i32, ConfigError> {
    let err = || ConfigError::InvalidInteger {
        option,
        value: value.to_owned(),
    };
    let trimmed = value.trim_matches(|c: char| c.is_ascii() && is_c_space(c as u8));
    let digits = trimmed.strip_prefix(['+', '-']).unwrap_or(trimmed);
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return Err(err());
    }
    trimmed.parse::<i32>().map_err(|_| err())
}

fn non_empty(opts: &Options, key: &str) -> Option<String> {
    opts.get(key).filter(|v| !v.is_empty()).cloned()
}

/// libpq's `connectOptions2`: host slots, ports, user, dbname, password
/// file, and validation of the enumerated options.
fn derive(opts: Options, env: &Environment) -> Result<ConnParams, ConfigError> {
    let host_s = non_empty(&opts, "host");
    let addr_s = non_empty(&opts, "hostaddr");
    let count = |s: &str| s.split(',').count();
    let slots = match (&addr_s, &host_s) {
        (Some(a), _) => count(a),
        (None, Some(h)) => count(h),
        (None, None) => 1,
    };
    let hostaddrs: Vec<String> = match &addr_s {
        Some(a) => a.split(',').map(str::to_owned).collect(),
        None => Vec::new(),
    };
    let mut hosts: Vec<String> = match &host_s {
        Some(h) => {
            let list: Vec<String> = h.split(',').map(str::to_owned).collect();
            if list.len() != slots {
                return Err(ConfigError::HostCountMismatch {
                    hosts: list.len(),
                    hostaddrs: slots,
                });
            }
            list
        }
        None => vec![String::new(); slots],
    };
    for (i, host) in hosts.iter_mut().enumerate() {
        let has_addr = hostaddrs.get(i).is_some_and(|a| !a.is_empty());
        if !has_addr && host.is_empty() {
            *host = DEFAULT_SOCKET_DIR.to_owned();
        }
    }
    for a in hostaddrs.iter().filter(|a| !a.is_empty()) {
        if a.parse::<IpAddr>().is_err() {
            return Err(ConfigError::InvalidHostaddr(a.clone()));
        }
    }

    let port_strings: Vec<String> = match non_empty(&opts, "port") {
        Some(p) => {
            let list: Vec<String> = p.split(',').map(str::to_owned).collect();
            if list.len() == 1 {
                vec![list[0].clone(); slots]
            } else if list.len() == slots {
                list
            } else {
                return Err(ConfigError::PortCountMismatch {
                    ports: list.len(),
                    hosts: slots,
                });
            }
        }
        None => vec![String::new(); slots],
    };

    let user = match non_empty(&opts, "user") {
        Some(u) => u,
        None if !env.os_user.is_empty() => env.os_user.clone(),
        None => return Err(ConfigError::NoUserName),
    };
    let dbname = non_empty(&opts, "dbname").unwrap_or_else(|| user.clone());

    // Password: explicit, else the password file per host slot.
    let explicit_password = non_empty(&opts, "password");
    let mut warnings = Vec::new();
    let mut host_passwords = vec![explicit_password.clone(); slots];
    let mut password_file = None;
    if explicit_password.is_none() {
        let passfile = non_empty(&opts, "passfile")
            .map(PathBuf::from)
            .or_else(|| env.home.as_ref().map(|h| h.join(".pgpass")));
        if let Some(passfile) = passfile {
            if let Some(content) = read_passfile(&passfile, &mut warnings) {
                for (i, slot) in host_passwords.iter_mut().enumerate() {
                    let pwhost = if hosts[i].is_empty() {
                        hostaddrs.get(i).map(String::as_str).unwrap_or("")
                    } else {
                        hosts[i].as_str()
                    };
                    *slot = passfile_lookup(&content, pwhost, &port_strings[i], &dbname, &user);
                }
                if host_passwords.first().is_some_and(Option::is_some) {
                    password_file = Some(passfile);
                }
            }
        }
    }
    let password = host_passwords.first().cloned().flatten();

    let channel_binding = match opts.get("channel_binding").map(String::as_str) {
        None | Some("prefer") => ChannelBinding::Prefer,
        Some("disable") => ChannelBinding::Disable,
        Some("require") => ChannelBinding::Require,
        Some(other) => {
            return Err(ConfigError::InvalidValue {
                option: "channel_binding",
                value: other.to_owned(),
            })
        }
    };
    let requested_sslmode = SslMode::parse(opts.get("sslmode").map_or("prefer", String::as_str))?;
    if let Some(g) = opts.get("gssencmode") {
        if !matches!(g.as_str(), "disable" | "prefer" | "require") {
            return Err(ConfigError::InvalidValue {
                option: "gssencmode",
                value: g.clone(),
            });
        }
    }
    let target_session_attrs = TargetSessionAttrs::parse(
        opts.get("target_session_attrs")
            .map_or("any", String::as_str),
    )?;

    let mut ports = Vec::with_capacity(slots);
    for p in &port_strings {
        if p.is_empty() {
            ports.push(DEFAULT_PORT);
            continue;
        }
        let n = parse_int_param(p, "port")?;
        let port = u16::try_from(n)
            .ok()
            .filter(|p| *p >= 1)
            .ok_or_else(|| ConfigError::InvalidPort(p.clone()))?;
        ports.push(port);
    }

    let connect_timeout = match opts.get("connect_timeout") {
        Some(t) => match parse_int_param(t, "connect_timeout")? {
            n if n <= 0 => None,
            1 => Some(Duration::from_secs(2)),
            n => Some(Duration::from_secs(n.unsigned_abs().into())),
        },
        None => None,
    };
    let keepalives = match opts.get("keepalives") {
        Some(k) => Some(parse_int_param(k, "keepalives")? != 0),
        None => None,
    };

    // TLS files, as libpq's initialize_SSL looks for them.
    let pgdir = env.home.as_ref().map(|h| h.join(".postgresql"));
    let expected_sslrootcert = non_empty(&opts, "sslrootcert")
        .map(PathBuf::from)
        .or_else(|| pgdir.as_ref().map(|d| d.join("root.crt")));
    let sslrootcert = expected_sslrootcert
        .clone()
        .filter(|p| std::fs::metadata(p).is_ok());
    let sslmode = if requested_sslmode == SslMode::Require && sslrootcert.is_some() {
        SslMode::VerifyCa
    } else {
        requested_sslmode
    };
    let sslcert = non_empty(&opts, "sslcert")
        .map(PathBuf::from)
        .or_else(|| pgdir.as_ref().map(|d| d.join("postgresql.crt")));
    let sslkey = non_empty(&opts, "sslkey")
        .map(PathBuf::from)
        .or_else(|| pgdir.as_ref().map(|d| d.join("postgresql.key")));

    Ok(ConnParams {
        hosts,
        hostaddrs,
        ports,
        dbname,
        user,
        password,
        host_passwords,
        password_file,
        sslmode,
        requested_sslmode,
        sslrootcert,
        expected_sslrootcert,
        sslcert,
        sslkey,
        connect_timeout,
        application_name: non_empty(&opts, "application_name")
            .or_else(|| non_empty(&opts, "fallback_application_name")),
        options: non_empty(&opts, "options"),
        target_session_attrs,
        channel_binding,
        keepalives,
        service: opts
            .get("service")
            .cloned()
            .or_else(|| env.var("PGSERVICE").map(str::to_owned)),
        queue: opts.get("queue").cloned(),
        node: opts.get("node").cloned(),
        warnings,
    })
}

/// Read a password file, or `None` if it cannot be used: missing or
/// unreadable (silently), not a plain file, or (on unix) accessible by group
/// or others (with libpq's warning).
fn read_passfile(path: &Path, warnings: &mut Vec<String>) -> Option<Vec<u8>> {
    let meta = std::fs::metadata(path).ok()?;
    let shown = path.display();
    if !meta.is_file() {
        warnings.push(format!("password file \"{shown}\" is not a plain file"));
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o077 != 0 {
            warnings.push(format!(
                "password file \"{shown}\" has group or world access; permissions should be u=rw (0600) or less"
            ));
            return None;
        }
    }
    std::fs::read(path).ok()
}

/// The password of the first line matching host, port, dbname and user
/// (libpq's `passwordFromFile`). An empty host, or the default socket
/// directory, matches `localhost`; other socket directories match
/// literally. An empty password counts as none.
fn passfile_lookup(
    content: &[u8],
    host: &str,
    port: &str,
    dbname: &str,
    user: &str,
) -> Option<String> {
    if dbname.is_empty() || user.is_empty() {
        return None;
    }
    let host = if host.is_empty() || host == DEFAULT_SOCKET_DIR {
        "localhost"
    } else {
        host
    };
    let default_port = DEFAULT_PORT.to_string();
    let port = if port.is_empty() {
        default_port.as_str()
    } else {
        port
    };
    for line in content.split(|b| *b == b'\n') {
        if line.first() == Some(&b'#') {
            continue;
        }
        let mut end = line.len();
        while end > 0 && matches!(line[end - 1], b'\r' | b'\n') {
            end -= 1;
        }
        let line = &line[..end];
        if line.is_empty() {
            continue;
        }
        let rest = [host, port, dbname, user]
            .iter()
            .try_fold(line, |rest, token| passfile_field(rest, token.as_bytes()));
        if let Some(rest) = rest {
            let mut pw = Vec::new();
            let mut i = 0;
            while i < rest.len() && rest[i] != b':' {
                if rest[i] == b'\\' && i + 1 < rest.len() {
                    i += 1;
                }
                pw.push(rest[i]);
                i += 1;
            }
            return Some(String::from_utf8_lossy(&pw).into_owned()).filter(|p| !p.is_empty());
        }
    }
    None
}

/// Match one `:`-terminated field of a password-file line against `token`
/// (`*` matches anything; `\` escapes the next character). Returns the rest
/// of the line after the field's `:`.
fn passfile_field<'a>(line: &'a [u8], token: &[u8]) -> Option<&'a [u8]> {
    if line.starts_with(b"*:") {
        return Some(&line[2..]);
    }
    let mut i = 0;
    let mut t = 0;
    while i < line.len() {
        let mut c = line[i];
        let mut escaped = false;
        if c == b'\\' {
            i += 1;
            c = *line.get(i)?;
            escaped = true;
        }
        if c == b':' && !escaped && t == token.len() {
            return Some(&line[i + 1..]);
        }
        if token.get(t) != Some(&c) {
            return None;
        }
        i += 1;
        t += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn env(vars: &[(&str, &str)]) -> Environment {
        Environment {
            vars: vars
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            home: None,
            os_user: "osuser".to_owned(),
        }
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn resolve(ci: Option<&str>, e: &Environment) -> ConnParams {
        ConnParams::resolve(ci, &[], e).unwrap()
    }

    fn resolve_err(ci: Option<&str>, e: &Environment) -> ConfigError {
        ConnParams::resolve(ci, &[], e).unwrap_err()
    }

    fn write_file(dir: &Path, name: &str, content: &str, mode: u32) -> PathBuf {
        let path = dir.join(name);
        let mut f = std::fs::File::create(&path).unwrap();
        f.write_all(content.as_bytes()).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        #[cfg(not(unix))]
        let _ = mode;
        path
    }

    #[test]
    fn key_value_parsing() {
        let cases: &[(&str, &[(&str, &str)])] = &[
            ("", &[]),
            ("   \t\n", &[]),
            (
                "host=localhost port=5432",
                &[("host", "localhost"), ("port", "5432")],
            ),
            (
                "host = localhost   port= 5433 ",
                &[("host", "localhost"), ("port", "5433")],
            ),
            ("password='a b\\'c\\\\d'", &[("password", "a b'c\\d")]),
            ("dbname=''", &[("dbname", "")]),
            ("dbname= user=x", &[("dbname", "user=x")]),
            ("host=a\\ b", &[("host", "a b")]),
            (
                "application_name='x'user=u",
                &[("application_name", "x"), ("user", "u")],
            ),
            ("user=é dbname='ö ü'", &[("user", "é"), ("dbname", "ö ü")]),
            ("host=a host=b", &[("host", "a"), ("host", "b")]),
            ("requiressl=1", &[("sslmode", "require")]),
            ("requiressl=0", &[("sslmode", "prefer")]),
            (
                "sslcrl=x gssencmode=disable",
                &[("sslcrl", "x"), ("gssencmode", "disable")],
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(
                parse_conninfo(input, false).unwrap(),
                pairs(expected),
                "{input}"
            );
        }
    }

    #[test]
    fn key_value_errors() {
        let cases: &[(&str, ConfigError)] = &[
            ("abc", ConfigError::MissingEquals("abc".into())),
            ("host=x abc", ConfigError::MissingEquals("abc".into())),
            ("host x=y", ConfigError::MissingEquals("host".into())),
            ("password='abc", ConfigError::UnterminatedQuote),
            ("password='abc\\'", ConfigError::UnterminatedQuote),
            ("foo=bar", ConfigError::InvalidOption("foo".into())),
            ("=x", ConfigError::InvalidOption("".into())),
            ("queue=q", ConfigError::InvalidOption("queue".into())),
        ];
        for (input, expected) in cases {
            assert_eq!(
                &parse_conninfo(input, false).unwrap_err(),
                expected,
                "{input}"
            );
        }
    }

    #[test]
    fn qadmin_keys_only_when_allowed() {
        assert_eq!(
            parse_conninfo("dbname=d queue=q node=n", true).unwrap(),
            pairs(&[("dbname", "d"), ("queue", "q"), ("node", "n")])
        );
        assert_eq!(
            parse_conninfo("postgresql:///d?queue=q", true).unwrap(),
            pairs(&[("dbname", "d"), ("queue", "q")])
        );
        assert_eq!(
            parse_conninfo("postgresql:///d?queue=q", false).unwrap_err(),
            ConfigError::InvalidUriParam("queue".into())
        );
        let e = env(&[]);
        let p = ConnParams::resolve(Some("queue=q1 node=n1"), &[], &e).unwrap();
        assert_eq!(
            (p.queue.as_deref(), p.node.as_deref()),
            (Some("q1"), Some("n1"))
        );
        assert_eq!(
            ConnParams::resolve_with(Some("queue=q1"), &[], &e, false).unwrap_err(),
            ConfigError::InvalidOption("queue".into())
        );
        let p = ConnParams::resolve(None, &[("queue", "q2".into())], &e).unwrap();
        assert_eq!(p.queue.as_deref(), Some("q2"));
    }

    #[test]
    fn uri_parsing() {
        let cases: &[(&str, &[(&str, &str)])] = &[
            ("postgresql://", &[]),
            ("postgres://", &[]),
            ("postgresql://localhost", &[("host", "localhost")]),
            (
                "postgresql://localhost:5433",
                &[("host", "localhost"), ("port", "5433")],
            ),
            (
                "postgres://u:p%40ss@h:5433/db?sslmode=require&application_name=x",
                &[
                    ("user", "u"),
                    ("password", "p@ss"),
                    ("host", "h"),
                    ("port", "5433"),
                    ("dbname", "db"),
                    ("sslmode", "require"),
                    ("application_name", "x"),
                ],
            ),
            ("postgresql://u@h", &[("user", "u"), ("host", "h")]),
            ("postgresql://:pw@h", &[("password", "pw"), ("host", "h")]),
            ("postgresql://u:@h", &[("user", "u"), ("host", "h")]),
            ("postgresql://@h", &[("host", "h")]),
            (
                "postgresql://a:1,b:2/db",
                &[("host", "a,b"), ("port", "1,2"), ("dbname", "db")],
            ),
            (
                "postgresql://a:1,b/db",
                &[("host", "a,b"), ("port", "1,"), ("dbname", "db")],
            ),
            (
                "postgresql://[::1]:5433/db",
                &[("host", "::1"), ("port", "5433"), ("dbname", "db")],
            ),
            (
                "postgresql://[2001:db8::1],[::1]:5/d",
                &[("host", "2001:db8::1,::1"), ("port", ",5"), ("dbname", "d")],
            ),
            (
                "postgresql://[::1]?dbname=x",
                &[("host", "::1"), ("dbname", "x")],
            ),
            (
                "postgresql://%2Fvar%2Frun%2Fpostgresql/db",
                &[("host", "/var/run/postgresql"), ("dbname", "db")],
            ),
            (
                "postgresql:///db?host=/tmp",
                &[("dbname", "db"), ("host", "/tmp")],
            ),
            (
                "postgresql:///db?host=%2Ftmp",
                &[("dbname", "db"), ("host", "/tmp")],
            ),
            (
                "postgresql://h/?dbname=x",
                &[("host", "h"), ("dbname", "x")],
            ),
            (
                "postgresql://h/my%20db",
                &[("host", "h"), ("dbname", "my db")],
            ),
            ("postgresql://h/a+b", &[("host", "h"), ("dbname", "a+b")]),
            (
                "postgresql://h?ssl=true",
                &[("host", "h"), ("sslmode", "require")],
            ),
            (
                "postgresql://h?connect_timeout=5&",
                &[("host", "h"), ("connect_timeout", "5")],
            ),
            (
                "postgresql://h?requiressl=1",
                &[("host", "h"), ("sslmode", "require")],
            ),
            ("postgresql://us%65r@h", &[("user", "user"), ("host", "h")]),
            (
                "postgresql://h/d?options=-c%20a%3Db",
                &[("host", "h"), ("dbname", "d"), ("options", "-c a=b")],
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(
                parse_conninfo(input, false).unwrap(),
                pairs(expected),
                "{input}"
            );
        }
    }

    #[test]
    fn uri_errors() {
        let cases: &[(&str, &str)] = &[
            ("postgresql://h?foo=bar", "invalid URI query parameter: \"foo\""),
            ("postgresql://h?ssl=false", "invalid URI query parameter: \"ssl\""),
            (
                "postgresql://[::1",
                "end of string reached when looking for matching \"]\" in IPv6 host address in URI: \"postgresql://[::1\"",
            ),
            ("postgresql://[]", "IPv6 host address may not be empty in URI: \"postgresql://[]\""),
            (
                "postgresql://[::1]x",
                "unexpected character \"x\" at position 19 in URI (expected \":\" or \"/\"): \"postgresql://[::1]x\"",
            ),
            ("postgresql://h?a", "missing key/value separator \"=\" in URI query parameter: \"a\""),
            ("postgresql://h?host=x&&port=1", "missing key/value separator \"=\" in URI query parameter: \"\""),
            ("postgresql://h?a=b=c", "extra key/value separator \"=\" in URI query parameter: \"a\""),
            ("postgresql://h/%zz", "invalid percent-encoded token: \"%zz\""),
            ("postgresql://h/a%4", "invalid percent-encoded token: \"a%4\""),
            ("postgresql://h/a%00", "forbidden value %00 in percent-encoded value: \"a%00\""),
        ];
        for (input, expected) in cases {
            assert_eq!(
                parse_conninfo(input, false).unwrap_err().to_string(),
                *expected,
                "{input}"
            );
        }
    }

    #[test]
    fn conninfo_detection() {
        let cases = [
            ("mydb", false),
            ("my db", false),
            ("", false),
            ("dbname=x", true),
            ("a=b", true),
            ("postgresql://h", true),
            ("postgres://", true),
            ("postgresql:/h", false),
            ("POSTGRESQL://h", false),
        ];
        for (s, expected) in cases {
            assert_eq!(looks_like_conninfo(s), expected, "{s}");
        }
    }

    #[test]
    fn compiled_defaults() {
        let p = resolve(None, &env(&[]));
        assert_eq!(p.hosts, vec![DEFAULT_SOCKET_DIR.to_owned()]);
        assert!(p.hostaddrs.is_empty());
        assert_eq!(p.ports, vec![5432]);
        assert_eq!(p.user, "osuser");
        assert_eq!(p.dbname, "osuser");
        assert_eq!(p.password, None);
        assert_eq!(p.sslmode, SslMode::Prefer);
        assert_eq!(p.requested_sslmode, SslMode::Prefer);
        assert_eq!(p.connect_timeout, None);
        assert_eq!(p.application_name, None);
        assert_eq!(p.options, None);
        assert_eq!(p.target_session_attrs, TargetSessionAttrs::Any);
        assert_eq!(p.keepalives, None);
        assert_eq!(p.sslrootcert, None);
        assert!(p.warnings.is_empty());
        assert_eq!(
            p.describe_target(),
            "on socket \"/var/run/postgresql/.s.PGSQL.5432\""
        );
    }

    #[test]
    fn environment_fills_unset_keys() {
        let e = env(&[
            ("PGHOST", "envhost"),
            ("PGPORT", "6000"),
            ("PGUSER", "envuser"),
            ("PGDATABASE", "envdb"),
            ("PGPASSWORD", "envpw"),
            ("PGAPPNAME", "envapp"),
            ("PGOPTIONS", "-c work_mem=1MB"),
            ("PGCONNECT_TIMEOUT", "7"),
            ("PGSSLMODE", "disable"),
            ("PGTARGETSESSIONATTRS", "read-write"),
        ]);
        let p = resolve(None, &e);
        assert_eq!(p.hosts, vec!["envhost".to_owned()]);
        assert_eq!(p.ports, vec![6000]);
        assert_eq!(p.user, "envuser");
        assert_eq!(p.dbname, "envdb");
        assert_eq!(p.password.as_deref(), Some("envpw"));
        assert_eq!(p.application_name.as_deref(), Some("envapp"));
        assert_eq!(p.options.as_deref(), Some("-c work_mem=1MB"));
        assert_eq!(p.connect_timeout, Some(Duration::from_secs(7)));
        assert_eq!(p.sslmode, SslMode::Disable);
        assert_eq!(p.target_session_attrs, TargetSessionAttrs::ReadWrite);
        assert_eq!(p.describe_target(), "at \"envhost\", port 6000");

        // Conninfo beats the environment; overrides beat the conninfo.
        let p = ConnParams::resolve(
            Some("host=cihost user=ciuser"),
            &[("user", "cliuser".into()), ("port", "7000".into())],
            &e,
        )
        .unwrap();
        assert_eq!(p.hosts, vec!["cihost".to_owned()]);
        assert_eq!(p.user, "cliuser");
        assert_eq!(p.ports, vec![7000]);
        assert_eq!(p.dbname, "envdb");

        // Empty override values are ignored, as libpq ignores empty array entries.
        let p = ConnParams::resolve(Some("user=ciuser"), &[("user", String::new())], &e).unwrap();
        assert_eq!(p.user, "ciuser");
    }

    #[test]
    fn override_errors_and_dbname_expansion() {
        let e = env(&[("PGHOST", "envhost")]);
        assert_eq!(
            ConnParams::resolve(None, &[("bogus", "1".into())], &e).unwrap_err(),
            ConfigError::InvalidOption("bogus".into())
        );
        // psql -d "host=h2 dbname=d2" -U u
        let p = ConnParams::resolve(
            None,
            &[("user", "u".into()), ("dbname", "host=h2 dbname=d2".into())],
            &e,
        )
        .unwrap();
        assert_eq!(
            (p.hosts[0].as_str(), p.dbname.as_str(), p.user.as_str()),
            ("h2", "d2", "u")
        );
        let p = ConnParams::resolve(None, &[("dbname", "postgresql://h3/d3".into())], &e).unwrap();
        assert_eq!((p.hosts[0].as_str(), p.dbname.as_str()), ("h3", "d3"));
        let p = ConnParams::resolve(None, &[("dbname", "plain".into())], &e).unwrap();
        assert_eq!(p.dbname, "plain");
        assert_eq!(
            ConnParams::resolve(None, &[("dbname", "host=x junk".into())], &e).unwrap_err(),
            ConfigError::MissingEquals("junk".into())
        );
    }

    #[test]
    fn empty_values_and_user_defaults() {
        // Empty user falls back to the OS user, empty dbname to the user.
        let p = resolve(Some("user='' dbname=''"), &env(&[("PGUSER", "envuser")]));
        assert_eq!((p.user.as_str(), p.dbname.as_str()), ("osuser", "osuser"));
        // An empty PGHOST means the default socket directory.
        let p = resolve(None, &env(&[("PGHOST", "")]));
        assert_eq!(p.hosts, vec![DEFAULT_SOCKET_DIR.to_owned()]);
        // No user at all.
        let mut e = env(&[]);
        e.os_user.clear();
        assert_eq!(resolve_err(None, &e), ConfigError::NoUserName);
        assert_eq!(resolve(Some("user=x"), &e).dbname, "x");
        // application_name, else fallback_application_name.
        let p = resolve(Some("fallback_application_name=qadmin"), &env(&[]));
        assert_eq!(p.application_name.as_deref(), Some("qadmin"));
        let p = resolve(
            Some("fallback_application_name=qadmin"),
            &env(&[("PGAPPNAME", "mine")]),
        );
        assert_eq!(p.application_name.as_deref(), Some("mine"));
    }

    #[test]
    fn hosts_ports_and_hostaddrs() {
        let e = env(&[]);
        let p = resolve(Some("host=a,b port=1,2"), &e);
        assert_eq!(p.hosts, vec!["a".to_owned(), "b".to_owned()]);
        assert_eq!(p.ports, vec![1, 2]);
        let p = resolve(Some("host=a,b,c port=6543"), &e);
        assert_eq!(p.ports, vec![6543, 6543, 6543]);
        let p = resolve(Some("host=a,,/tmp"), &e);
        assert_eq!(
            p.hosts,
            vec![
                "a".to_owned(),
                DEFAULT_SOCKET_DIR.to_owned(),
                "/tmp".to_owned()
            ]
        );
        assert_eq!(p.ports, vec![5432, 5432, 5432]);
        assert_eq!(p.describe_host(2), "on socket \"/tmp/.s.PGSQL.5432\"");
        let p = resolve(Some("host=a,b port=,7"), &e);
        assert_eq!(p.ports, vec![5432, 7]);

        assert_eq!(
            resolve_err(Some("host=a,b port=1,2,3"), &e),
            ConfigError::PortCountMismatch { ports: 3, hosts: 2 }
        );
        assert_eq!(
            resolve_err(Some("host=a,b port=1,2,3"), &e).to_string(),
            "could not match 3 port numbers to 2 hosts"
        );

        let p = resolve(Some("hostaddr=127.0.0.1"), &e);
        assert_eq!(p.hosts, vec![String::new()]);
        assert_eq!(p.hostaddrs, vec!["127.0.0.1".to_owned()]);
        assert_eq!(p.describe_target(), "at \"127.0.0.1\", port 5432");
        let p = resolve(Some("host=db hostaddr=10.0.0.1"), &e);
        assert_eq!(p.describe_target(), "at \"db\" (10.0.0.1), port 5432");
        let p = resolve(Some("host=a,b hostaddr=10.0.0.1,"), &e);
        assert_eq!(p.hostaddrs, vec!["10.0.0.1".to_owned(), String::new()]);
        assert_eq!(p.hosts, vec!["a".to_owned(), "b".to_owned()]);
        let p = resolve(Some("hostaddr=10.0.0.1,"), &e);
        assert_eq!(p.hosts, vec![String::new(), DEFAULT_SOCKET_DIR.to_owned()]);
        assert_eq!(
            resolve_err(Some("host=a hostaddr=10.0.0.1,10.0.0.2"), &e).to_string(),
            "could not match 1 host names to 2 hostaddr values"
        );
        assert_eq!(
            resolve_err(Some("hostaddr=db.example.com"), &e),
            ConfigError::InvalidHostaddr("db.example.com".into())
        );
    }

    #[test]
    fn port_validation() {
        let e = env(&[]);
        let cases: &[(&str, Result<u16, ConfigError>)] = &[
            ("5433", Ok(5433)),
            ("' 5433 '", Ok(5433)),
            ("+5433", Ok(5433)),
            ("1", Ok(1)),
            ("65535", Ok(65535)),
            ("0", Err(ConfigError::InvalidPort("0".into()))),
            ("65536", Err(ConfigError::InvalidPort("65536".into()))),
            ("-1", Err(ConfigError::InvalidPort("-1".into()))),
            (
                "abc",
                Err(ConfigError::InvalidInteger {
                    option: "port",
                    value: "abc".into(),
                }),
            ),
            (
                "54x",
                Err(ConfigError::InvalidInteger {
                    option: "port",
                    value: "54x".into(),
                }),
            ),
            (
                "99999999999",
                Err(ConfigError::InvalidInteger {
                    option: "port",
                    value: "99999999999".into(),
                }),
            ),
        ];
        for (port, expected) in cases {
            let got =
                ConnParams::resolve(Some(&format!("port={port}")), &[], &e).map(|p| p.ports[0]);
            assert_eq!(&got, expected, "{port}");
        }
        assert_eq!(
            resolve_err(Some("port=x"), &e).to_string(),
            "invalid integer value \"x\" for connection option \"port\""
        );
        assert_eq!(
            resolve_err(Some("port=70000"), &e).to_string(),
            "invalid port number: \"70000\""
        );
        // An empty PGPORT means the default port.
        assert_eq!(resolve(None, &env(&[("PGPORT", "")])).ports, vec![5432]);
    }

    #[test]
    fn connect_timeout_rules() {
        let cases: &[(&str, Result<Option<u64>, ()>)] = &[
            ("0", Ok(None)),
            ("-5", Ok(None)),
            ("1", Ok(Some(2))),
            ("2", Ok(Some(2))),
            ("10", Ok(Some(10))),
            ("' 10 '", Ok(Some(10))),
            ("x", Err(())),
            ("''", Err(())),
            ("1.5", Err(())),
        ];
        let e = env(&[]);
        for (value, expected) in cases {
            let got = ConnParams::resolve(Some(&format!("connect_timeout={value}")), &[], &e)
                .map(|p| p.connect_timeout.map(|d| d.as_secs()))
                .map_err(|_| ());
            assert_eq!(&got, expected, "{value}");
        }
        assert_eq!(resolve(None, &e).connect_timeout, None);
        assert_eq!(
            resolve(None, &env(&[("PGCONNECT_TIMEOUT", "1")])).connect_timeout,
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            resolve_err(Some("connect_timeout=x"), &e).to_string(),
            "invalid integer value \"x\" for connection option \"connect_timeout\""
        );
    }

    #[test]
    fn sslmode_parsing() {
        let e = env(&[]);
        for mode in [
            SslMode::Disable,
            SslMode::Allow,
            SslMode::Prefer,
            SslMode::Require,
            SslMode::VerifyCa,
            SslMode::VerifyFull,
        ] {
            let p = resolve(Some(&format!("sslmode={}", mode.as_str())), &e);
            assert_eq!(p.sslmode, mode);
            assert_eq!(p.requested_sslmode, mode);
        }
        assert_eq!(
            resolve_err(Some("sslmode=bogus"), &e).to_string(),
            "invalid sslmode value: \"bogus\""
        );
        assert_eq!(
            resolve_err(None, &env(&[("PGSSLMODE", "")])),
            ConfigError::InvalidValue {
                option: "sslmode",
                value: String::new()
            }
        );
        assert_eq!(
            resolve(None, &env(&[("PGREQUIRESSL", "1")])).sslmode,
            SslMode::Require
        );
        assert_eq!(
            resolve(None, &env(&[("PGREQUIRESSL", "0")])).sslmode,
            SslMode::Prefer
        );
        assert_eq!(
            resolve(None, &env(&[("PGREQUIRESSL", "1"), ("PGSSLMODE", "allow")])).sslmode,
            SslMode::Allow
        );
        assert_eq!(
            resolve_err(Some("target_session_attrs=master"), &e).to_string(),
            "invalid target_session_attrs value: \"master\""
        );
        assert_eq!(
            resolve_err(Some("channel_binding=maybe"), &e).to_string(),
            "invalid channel_binding value: \"maybe\""
        );
        assert_eq!(
            resolve_err(Some("gssencmode=x"), &e).to_string(),
            "invalid gssencmode value: \"x\""
        );
    }

    #[test]
    fn root_certificate_upgrade() {
        let home = tempfile::tempdir().unwrap();
        let mut e = env(&[]);
        e.home = Some(home.path().to_path_buf());

        // No root.crt: require stays require; verify modes report the missing file.
        let p = resolve(Some("sslmode=require"), &e);
        assert_eq!((p.sslmode, p.sslrootcert.clone()), (SslMode::Require, None));
        assert_eq!(p.missing_root_cert_error(), None);
        let p = resolve(Some("sslmode=verify-full"), &e);
        let root = home.path().join(".postgresql/root.crt");
        assert_eq!(p.expected_sslrootcert.as_deref(), Some(root.as_path()));
        assert!(p.missing_root_cert_error().unwrap().starts_with(&format!(
            "root certificate file \"{}\" does not exist\n",
            root.display()
        )));

        std::fs::create_dir(home.path().join(".postgresql")).unwrap();
        write_file(&home.path().join(".postgresql"), "root.crt", "x", 0o644);
        let p = resolve(Some("sslmode=require"), &e);
        assert_eq!(p.sslmode, SslMode::VerifyCa);
        assert_eq!(p.requested_sslmode, SslMode::Require);
        assert_eq!(p.sslrootcert.as_deref(), Some(root.as_path()));
        assert_eq!(p.missing_root_cert_error(), None);
        assert_eq!(
            p.sslcert,
            Some(home.path().join(".postgresql/postgresql.crt"))
        );
        assert_eq!(
            p.sslkey,
            Some(home.path().join(".postgresql/postgresql.key"))
        );
        let p = resolve(Some("sslmode=prefer"), &e);
        assert_eq!(
            (p.sslmode, p.sslrootcert.is_some()),
            (SslMode::Prefer, true)
        );
        let p = resolve(Some("sslmode=verify-full"), &e);
        assert_eq!(p.sslmode, SslMode::VerifyFull);

        // An explicit sslrootcert that does not exist: no verification for require.
        let p = resolve(Some("sslmode=require sslrootcert=/nonexistent/ca.pem"), &e);
        assert_eq!((p.sslmode, p.sslrootcert.clone()), (SslMode::Require, None));
        // An explicit existing one.
        let ca = write_file(home.path(), "ca.pem", "x", 0o644);
        let p = resolve(
            Some(&format!("sslmode=require sslrootcert={}", ca.display())),
            &env(&[]),
        );
        assert_eq!(
            (p.sslmode, p.sslrootcert.clone()),
            (SslMode::VerifyCa, Some(ca))
        );
        // No home: no default files.
        let p = resolve(Some("sslmode=verify-ca"), &env(&[]));
        assert_eq!(
            (p.sslcert.clone(), p.expected_sslrootcert.clone()),
            (None, None)
        );
        assert!(p
            .missing_root_cert_error()
            .unwrap()
            .starts_with("could not get home directory"));
        let p = resolve(
            None,
            &env(&[("PGSSLCERT", "/c.crt"), ("PGSSLKEY", "/c.key")]),
        );
        assert_eq!(p.sslcert, Some(PathBuf::from("/c.crt")));
        assert_eq!(p.sslkey, Some(PathBuf::from("/c.key")));
    }

    #[test]
    fn service_file_precedence() {
        let dir = tempfile::tempdir().unwrap();
        let file = write_file(
            dir.path(),
            "services.conf",
            "# comment\nhost=ignored-outside-group\n[other]\nhost=otherhost\n\n[main]\n  host=svchost  \nport=6001\nuser=svcuser\nhost=second-wins-not\n[next]\ndbname=nextdb\n",
            0o644,
        );
        let f = file.to_str().unwrap();
        let sysconf = dir.path().join("none");
        let sc = sysconf.to_str().unwrap();

        // The service fills unset keys, before (and so over) the environment.
        let e = env(&[
            ("PGSERVICEFILE", f),
            ("PGSYSCONFDIR", sc),
            ("PGHOST", "envhost"),
            ("PGDATABASE", "envdb"),
        ]);
        let p = resolve(Some("service=main"), &e);
        assert_eq!(p.hosts, vec!["svchost".to_owned()]);
        assert_eq!(p.ports, vec![6001]);
        assert_eq!(p.user, "svcuser");
        assert_eq!(p.dbname, "envdb");
        assert_eq!(p.service.as_deref(), Some("main"));

        // The conninfo beats the service.
        let p = resolve(Some("service=main host=cihost"), &e);
        assert_eq!((p.hosts[0].as_str(), p.ports[0]), ("cihost", 6001));
        let p = ConnParams::resolve(Some("service=main"), &[("port", "6002".into())], &e).unwrap();
        assert_eq!(p.ports, vec![6002]);

        // PGSERVICE names the service when the conninfo does not.
        let mut e2 = e.clone();
        e2.vars.insert("PGSERVICE".into(), "other".into());
        let p = resolve(None, &e2);
        assert_eq!(p.hosts, vec!["otherhost".to_owned()]);
        assert_eq!(p.service.as_deref(), Some("other"));
        let p = resolve(Some("service=main"), &e2);
        assert_eq!(p.hosts, vec!["svchost".to_owned()]);

        // Unknown service.
        assert_eq!(
            resolve_err(Some("service=nope"), &e).to_string(),
            "definition of service \"nope\" not found"
        );
        // A prefix of a section name is not that section.
        assert_eq!(
            resolve_err(Some("service=mai"), &e),
            ConfigError::ServiceNotFound("mai".into())
        );
        // PGSERVICEFILE that does not exist.
        let missing = dir.path().join("missing.conf");
        let e3 = env(&[
            ("PGSERVICEFILE", missing.to_str().unwrap()),
            ("PGSYSCONFDIR", sc),
        ]);
        assert_eq!(
            resolve_err(Some("service=main"), &e3).to_string(),
            format!("service file \"{}\" not found", missing.display())
        );
    }

    #[test]
    fn service_file_lookup_order() {
        let home = tempfile::tempdir().unwrap();
        let sysconf = tempfile::tempdir().unwrap();
        let explicit = tempfile::tempdir().unwrap();
        write_file(
            home.path(),
            ".pg_service.conf",
            "[a]\nhost=homehost\n",
            0o644,
        );
        write_file(
            sysconf.path(),
            "pg_service.conf",
            "[a]\nhost=syshost\nport=7001\n[b]\nhost=sysb\n",
            0o644,
        );
        let explicit_file = write_file(explicit.path(), "svc", "[a]\nhost=explicithost\n", 0o644);
        let sc = sysconf.path().to_str().unwrap();

        let mut e = env(&[("PGSYSCONFDIR", sc)]);
        e.home = Some(home.path().to_path_buf());
        // ~/.pg_service.conf first; a group found there stops the search.
        let p = resolve(Some("service=a"), &e);
        assert_eq!((p.hosts[0].as_str(), p.ports[0]), ("homehost", 5432));
        // Not in the user file: the system file.
        let p = resolve(Some("service=b"), &e);
        assert_eq!(p.hosts, vec!["sysb".to_owned()]);
        // PGSERVICEFILE replaces ~/.pg_service.conf.
        e.vars.insert(
            "PGSERVICEFILE".into(),
            explicit_file.to_str().unwrap().into(),
        );
        let p = resolve(Some("service=a"), &e);
        assert_eq!(p.hosts, vec!["explicithost".to_owned()]);
        let p = resolve(Some("service=b"), &e);
        assert_eq!(p.hosts, vec!["sysb".to_owned()]);
        // No home file and no PGSERVICEFILE: the system file.
        let e = env(&[("PGSYSCONFDIR", sc)]);
        let p = resolve(Some("service=a"), &e);
        assert_eq!((p.hosts[0].as_str(), p.ports[0]), ("syshost", 7001));
    }

    #[test]
    fn service_file_errors() {
        let dir = tempfile::tempdir().unwrap();
        let cases: &[(&str, &str)] = &[
            ("[s]\nhost\n", "syntax error in service file \"F\", line 2"),
            (
                "[s]\nhost = x\n",
                "syntax error in service file \"F\", line 2",
            ),
            (
                "[s]\nbogus=x\n",
                "syntax error in service file \"F\", line 2",
            ),
            (
                "[s]\n\n# c\nservice=t\n",
                "nested service specifications not supported in service file \"F\", line 4",
            ),
            (
                "[s]\nqueue=q\n",
                "syntax error in service file \"F\", line 2",
            ),
        ];
        for (i, (content, expected)) in cases.iter().enumerate() {
            let file = write_file(dir.path(), &format!("svc{i}"), content, 0o644);
            let f = file.to_str().unwrap();
            let e = env(&[("PGSERVICEFILE", f), ("PGSYSCONFDIR", "/nonexistent")]);
            assert_eq!(
                resolve_err(Some("service=s"), &e).to_string(),
                expected.replace('F', f),
                "{content}"
            );
        }
        // Bad lines outside the wanted group are not looked at.
        let file = write_file(dir.path(), "ok", "[x]\nnonsense\n[s]\nhost=h\n", 0o644);
        let e = env(&[("PGSERVICEFILE", file.to_str().unwrap())]);
        assert_eq!(resolve(Some("service=s"), &e).hosts, vec!["h".to_owned()]);
    }

    fn pgpass_env(dir: &Path, content: &str, mode: u32) -> Environment {
        let file = write_file(dir, "pgpass", content, mode);
        env(&[("PGPASSFILE", file.to_str().unwrap())])
    }

    #[test]
    fn pgpass_matching() {
        let dir = tempfile::tempdir().unwrap();
        let content = "\
# comment:*:*:*:nope
localhost:5432:osuser:osuser:sockpw
/tmp:5432:*:*:tmppw
db\\:1:*:*:*:escapedhost
db1:5433:app:alice:first
db1:5433:app:alice:second
db1:*:*:alice:wild\\:pw\\\\x:extra
*:*:*:bob:bobpw
*:*:*:carol:
";
        let e = pgpass_env(dir.path(), content, 0o600);
        let cases: &[(&str, Option<&str>)] = &[
            // Default user and dbname are matched after defaults.
            ("", Some("sockpw")),
            ("host=/var/run/postgresql", Some("sockpw")),
            ("host=localhost", Some("sockpw")),
            ("host=localhost port=5433", None),
            ("host=/tmp", Some("tmppw")),
            ("host=/tmp dbname=x user=y", Some("tmppw")),
            ("host='db:1' user=z", Some("escapedhost")),
            ("host=db1 port=5433 dbname=app user=alice", Some("first")),
            (
                "host=db1 port=5434 dbname=app user=alice",
                Some("wild:pw\\x"),
            ),
            ("host=other user=bob", Some("bobpw")),
            ("host=other user=carol", None),
            ("host=other user=dave", None),
            ("hostaddr=127.0.0.1 user=bob", Some("bobpw")),
            // An explicit password wins.
            ("user=bob password=given", Some("given")),
        ];
        for (ci, expected) in cases {
            let p = resolve(Some(ci), &e);
            assert_eq!(p.password.as_deref(), *expected, "{ci}");
            assert!(p.warnings.is_empty());
            let from_file = expected.is_some() && !ci.contains("password=");
            assert_eq!(p.password_file.is_some(), from_file, "{ci}");
        }
    }

    #[test]
    fn pgpass_per_host_and_sources() {
        let dir = tempfile::tempdir().unwrap();
        let e = pgpass_env(dir.path(), "a:*:*:*:pwa\r\nb:6000:*:*:pwb\r\n", 0o600);
        let p = resolve(Some("host=a,b,c port=5432,6000,1"), &e);
        assert_eq!(
            p.host_passwords,
            vec![Some("pwa".to_owned()), Some("pwb".to_owned()), None]
        );
        assert_eq!(p.password.as_deref(), Some("pwa"));
        let t = &p.targets()[1];
        assert_eq!(t.password.as_deref(), Some("pwb"));
        assert_eq!(t.addr, Target::Tcp("b".into(), 6000));
        assert_eq!(p.targets().len(), 3);

        // passfile= in the conninfo; ~/.pgpass through the home directory.
        let file = write_file(dir.path(), "other", "*:*:*:*:frompassfile\n", 0o600);
        let p = resolve(Some(&format!("passfile={}", file.display())), &env(&[]));
        assert_eq!(p.password.as_deref(), Some("frompassfile"));
        let home = tempfile::tempdir().unwrap();
        write_file(home.path(), ".pgpass", "*:*:*:*:fromhome\n", 0o600);
        let mut e = env(&[]);
        e.home = Some(home.path().to_path_buf());
        assert_eq!(resolve(None, &e).password.as_deref(), Some("fromhome"));
        assert_eq!(
            resolve(None, &e).password_file,
            Some(home.path().join(".pgpass"))
        );
        // A missing file is silently ignored.
        let p = resolve(None, &env(&[("PGPASSFILE", "/nonexistent/pgpass")]));
        assert_eq!((p.password, p.warnings.len()), (None, 0));
    }

    #[cfg(unix)]
    #[test]
    fn pgpass_permissions_warning() {
        let dir = tempfile::tempdir().unwrap();
        for mode in [0o640, 0o604, 0o660] {
            let e = pgpass_env(dir.path(), "*:*:*:*:secret\n", mode);
            let p = resolve(Some("host=a,b"), &e);
            assert_eq!(p.password, None);
            let file = dir.path().join("pgpass");
            assert_eq!(
                p.warnings,
                vec![format!(
                    "password file \"{}\" has group or world access; permissions should be u=rw (0600) or less",
                    file.display()
                )]
            );
        }
        let e = pgpass_env(dir.path(), "*:*:*:*:secret\n", 0o400);
        assert_eq!(resolve(None, &e).password.as_deref(), Some("secret"));
        let e = env(&[("PGPASSFILE", dir.path().to_str().unwrap())]);
        let p = resolve(None, &e);
        assert_eq!(p.password, None);
        assert!(p.warnings[0].ends_with("is not a plain file"));
    }

    #[test]
    fn connection_targets() {
        let e = env(&[]);
        let p = resolve(
            Some("host=/tmp,db port=5433,5434 user=u dbname=d password=pw application_name=app options='-c x=y' connect_timeout=3 sslmode=verify-full keepalives=0 target_session_attrs=read-only channel_binding=require"),
            &e,
        );
        let t = p.targets();
        #[cfg(unix)]
        assert_eq!(t[0].addr, Target::Unix(PathBuf::from("/tmp/.s.PGSQL.5433")));
        assert_eq!(t[1].addr, Target::Tcp("db".into(), 5434));
        assert_eq!(t[1].tls_name, "db");
        assert_eq!(t[1].password.as_deref(), Some("pw"));
        assert_eq!((p.user.as_str(), p.dbname.as_str()), ("u", "d"));
        assert_eq!(p.application_name.as_deref(), Some("app"));
        assert_eq!(p.options.as_deref(), Some("-c x=y"));
        assert_eq!(p.connect_timeout, Some(Duration::from_secs(3)));
        assert_eq!(p.sslmode, SslMode::VerifyFull);
        assert_eq!(p.keepalives, Some(false));
        assert_eq!(p.target_session_attrs, TargetSessionAttrs::ReadOnly);
        assert_eq!(p.channel_binding, ChannelBinding::Require);

        let p = resolve(None, &e);
        assert_eq!(p.targets()[0].password, None);
        assert_eq!(p.sslmode, SslMode::Prefer);
        assert_eq!(p.connect_timeout, None);

        // A hostaddr is where the slot connects; the host name stays the
        // TLS name. A slot without one resolves its host.
        let t = resolve(Some("host=a,b hostaddr=10.0.0.1,"), &e).targets();
        assert_eq!(t[0].addr, Target::Tcp("10.0.0.1".into(), 5432));
        assert_eq!(t[0].tls_name, "a");
        assert_eq!(t[1].addr, Target::Tcp("b".into(), 5432));
        let t = resolve(Some("hostaddr=::1"), &e).targets();
        assert_eq!(t[0].addr, Target::Tcp("::1".into(), 5432));
        assert_eq!(t[0].tls_name, "::1");
    }

    #[test]
    fn debug_hides_passwords() {
        let p = resolve(Some("password=topsecret"), &env(&[]));
        let shown = format!("{p:?}");
        assert!(!shown.contains("topsecret"));
        assert!(shown.contains("********"));
    }

    #[test]
    fn error_messages() {
        let cases: &[(ConfigError, &str)] = &[
            (
                ConfigError::InvalidOption("foo".into()),
                "invalid connection option \"foo\"",
            ),
            (
                ConfigError::MissingEquals("abc".into()),
                "missing \"=\" after \"abc\" in connection info string",
            ),
            (
                ConfigError::UnterminatedQuote,
                "unterminated quoted string in connection info string",
            ),
            (
                ConfigError::InvalidUriParam("x".into()),
                "invalid URI query parameter: \"x\"",
            ),
            (
                ConfigError::ServiceNotFound("x".into()),
                "definition of service \"x\" not found",
            ),
            (
                ConfigError::InvalidPort("x".into()),
                "invalid port number: \"x\"",
            ),
            (
                ConfigError::HostCountMismatch {
                    hosts: 1,
                    hostaddrs: 2,
                },
                "could not match 1 host names to 2 hostaddr values",
            ),
        ];
        for (err, expected) in cases {
            assert_eq!(err.to_string(), *expected);
        }
        let boxed: Box<dyn std::error::Error> = Box::new(ConfigError::UnterminatedQuote);
        assert!(boxed.source().is_none());
    }

    #[test]
    fn environment_from_process() {
        let e = Environment::from_process();
        // Whatever the machine, the lookup must not panic and a user is usually known.
        let _ = e.var("PATH");
        let _ = e.home;
    }
}
