//! Resolution: the options from conninfo, overrides, service file,
//! environment and defaults (libpq's `conninfo_array_parse` and
//! `conninfo_add_defaults`), then derived into [`ConnParams`] (libpq's
//! `connectOptions2`).

use std::collections::HashMap;
use std::fmt;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use super::conninfo::{is_c_space, looks_like_conninfo, parse_conninfo};
use super::keywords::{canonical_pair, DEFAULT_PORT, DEFAULT_SOCKET_DIR, KEYWORDS, QADMIN_KEYS};
use super::pgpass::{passfile_lookup, read_passfile};
use super::service::apply_service;
use super::ssl::SslFiles;
use super::{ConfigError, Environment, SslMode, TlsVersion};

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
    /// `sslpassword`: the passphrase of an encrypted client key.
    pub sslpassword: Option<String>,
    /// The certificate revocation list checked against the server's
    /// chain: the configured `sslcrl`, else `~/.postgresql/root.crl`, if
    /// the file exists.
    pub sslcrl: Option<PathBuf>,
    /// `sslcrldir`, if it exists: a directory of CRLs named by hash
    /// (`openssl rehash`).
    pub sslcrldir: Option<PathBuf>,
    /// `sslsni`: send the host name in the TLS handshake (not for an IP address).
    pub sslsni: bool,
    /// `ssl_min_protocol_version` (`None`: no bound).
    pub ssl_min_protocol_version: Option<TlsVersion>,
    /// `ssl_max_protocol_version` (`None`: no bound).
    pub ssl_max_protocol_version: Option<TlsVersion>,
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
    /// The option values these parameters were derived from, after the
    /// service file, environment and compiled defaults (what libpq's
    /// `PQconninfo` reports; no password-file entry), in libpq's keyword
    /// order: what a reconnect reuses ([`ConnParams::derive`]).
    pub(super) settings: Vec<(String, String)>,
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
            .field("sslpassword", &hide(&self.sslpassword))
            .field("sslcrl", &self.sslcrl)
            .field("sslcrldir", &self.sslcrldir)
            .field("sslsni", &self.sslsni)
            .field("ssl_min_protocol_version", &self.ssl_min_protocol_version)
            .field("ssl_max_protocol_version", &self.ssl_max_protocol_version)
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
            .field(
                "settings",
                &self
                    .settings
                    .iter()
                    .map(|(k, v)| {
                        (
                            k.as_str(),
                            if k == "password" || k == "sslpassword" {
                                "********"
                            } else {
                                v
                            },
                        )
                    })
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// Resolved key/values before derivation (libpq's option array).
pub(super) type Options = HashMap<String, String>;

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
        ConnParams::from_options(opts, env)
    }

    /// libpq's `conninfo_add_defaults` and `connectOptions2` over options
    /// already collected (no dbname expansion).
    pub(super) fn from_options(
        mut opts: Options,
        env: &Environment,
    ) -> Result<ConnParams, ConfigError> {
        add_defaults(&mut opts, env)?;
        connect_options(opts, env)
    }

    /// The option values (libpq's `PQconninfo`): each key libpq knows that
    /// has a value after the conninfo, the overrides, the service file, the
    /// environment and the compiled defaults, in libpq's keyword order,
    /// then qadmin's `queue` and `node`. Values derived later (the socket
    /// directory for no host, the user as dbname, password-file entries)
    /// are not here; see the fields for those.
    pub fn settings(&self) -> &[(String, String)] {
        &self.settings
    }
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

pub(super) fn non_empty(opts: &Options, key: &str) -> Option<String> {
    opts.get(key).filter(|v| !v.is_empty()).cloned()
}

/// libpq's `connectOptions2`: host slots, ports, user, dbname, password
/// file, and validation of the enumerated options.
fn connect_options(opts: Options, env: &Environment) -> Result<ConnParams, ConfigError> {
    let settings: Vec<(String, String)> = KEYWORDS
        .iter()
        .map(|k| k.name)
        .chain(QADMIN_KEYS.iter().copied())
        .filter_map(|k| opts.get(k).map(|v| (k.to_owned(), v.clone())))
        .collect();
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

    let tls = SslFiles::find(requested_sslmode, &opts, env)?;

    Ok(ConnParams {
        hosts,
        hostaddrs,
        ports,
        dbname,
        user,
        password,
        host_passwords,
        password_file,
        sslmode: tls.sslmode,
        requested_sslmode,
        sslrootcert: tls.sslrootcert,
        expected_sslrootcert: tls.expected_sslrootcert,
        sslcert: tls.sslcert,
        sslkey: tls.sslkey,
        sslpassword: tls.sslpassword,
        sslcrl: tls.sslcrl,
        sslcrldir: tls.sslcrldir,
        sslsni: tls.sslsni,
        ssl_min_protocol_version: tls.min_version,
        ssl_max_protocol_version: tls.max_version,
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
        settings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::config::testing::*;
    use crate::db::config::*;
    use std::time::Duration;

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
    fn debug_hides_passwords() {
        let p = resolve(Some("password=topsecret"), &env(&[]));
        let shown = format!("{p:?}");
        assert!(!shown.contains("topsecret"));
        assert!(shown.contains("********"));
    }
}
