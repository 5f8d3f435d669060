//! New parameters from the current ones: psql's `\c` rules (`do_connect`
//! in psql's `command.c`), shared by `\c` and qadmin's `connect k=v`, and
//! the connect string other nodes use to reach this one.

use super::conninfo::{looks_like_conninfo, parse_conninfo, quote_value};
use super::keywords::{canonical_pair, QADMIN_KEYS};
use super::params::Options;
use super::{ConfigError, ConnParams, Environment};

/// What a reconnect changes: psql's `\c` arguments or qadmin's
/// `connect key=value ...`. Build it with [`Reconnect::from_args`] or
/// [`Reconnect::from_settings`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reconnect {
    /// `-reuse-previous=on|off`; `None` is psql's default: reuse the
    /// current parameters unless a connection string is given.
    pub reuse_previous: Option<bool>,
    /// A connection string or URI (psql: a first argument that
    /// [`looks_like_conninfo`]). Its keys replace the current ones; with
    /// `reuse_previous` off (its default) nothing else is kept.
    pub connstr: Option<String>,
    /// Key/values (qadmin's `connect host=h dbname=d`): like the keys of a
    /// connection string, but the rest is reused unless `reuse_previous`
    /// is `Some(false)`.
    pub settings: Vec<(String, String)>,
    /// The positional database name; `None` keeps the current one.
    pub dbname: Option<String>,
    /// The positional user; `None` keeps the current one.
    pub user: Option<String>,
    /// The positional host; `None` keeps the current one. A new host
    /// drops the current `hostaddr`.
    pub host: Option<String>,
    /// The positional port; `None` keeps the current one.
    pub port: Option<String>,
}

impl Reconnect {
    /// psql's `\c [DBNAME [USER [HOST [PORT]]]] | CONNSTR` after its
    /// `-reuse-previous=` option: a missing argument or `-` keeps the
    /// current value; a first argument that looks like a connection string
    /// (or URI) is one, and then no other argument may follow.
    pub fn from_args(
        args: &[&str],
        reuse_previous: Option<bool>,
    ) -> Result<Reconnect, ConfigError> {
        let arg = |i: usize| args.get(i).filter(|a| **a != "-").map(|a| (*a).to_owned());
        let mut r = Reconnect {
            reuse_previous,
            ..Reconnect::default()
        };
        match args.first().filter(|a| looks_like_conninfo(a)) {
            Some(ci) => {
                if args.len() > 1 && (1..args.len()).any(|i| arg(i).is_some()) {
                    return Err(ConfigError::ConnStringWithPositional);
                }
                r.connstr = Some((*ci).to_owned());
            }
            None => {
                r.dbname = arg(0);
                r.user = arg(1);
                r.host = arg(2);
                r.port = arg(3);
            }
        }
        Ok(r)
    }

    /// qadmin's `connect key=value ...`: the keys given replace the
    /// current ones, everything else is kept (as psql's `\c` keeps it).
    pub fn from_settings(settings: &[(&str, &str)]) -> Reconnect {
        Reconnect {
            settings: settings
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            ..Reconnect::default()
        }
    }
}

/// Set `key` in an ordered option list (replacing its value in place).
fn set(opts: &mut Vec<(String, String)>, key: &str, value: String) {
    match opts.iter_mut().find(|(k, _)| k == key) {
        Some(slot) => slot.1 = value,
        None => opts.push((key.to_owned(), value)),
    }
}

fn get<'a>(opts: &'a [(String, String)], key: &str) -> Option<&'a str> {
    opts.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

impl ConnParams {
    /// The parameters for a reconnect, by psql's `\c` rules:
    ///
    /// * With reuse (the default without a connection string, or
    ///   `-reuse-previous=on`) every current option is kept (host, hostaddr,
    ///   port, user, dbname, sslmode and the other TLS settings, options,
    ///   application_name, connect_timeout, service ...) unless overridden;
    ///   qadmin's `queue` and `node` are not reused.
    /// * A connection string (or URI) reuses nothing unless
    ///   `-reuse-previous=on`; then its keys replace the current ones.
    /// * A new positional host drops the current hostaddr (unless it is the
    ///   same host).
    /// * The current password (given or typed, never one from the password
    ///   file, which is looked up again) is kept while user, host, hostaddr
    ///   and port stay the same; a password in the connection string wins.
    pub fn derive(&self, change: &Reconnect, env: &Environment) -> Result<ConnParams, ConfigError> {
        let given: Option<Vec<(String, String)>> = match &change.connstr {
            Some(ci) => Some(parse_conninfo(ci, true)?),
            None if !change.settings.is_empty() => {
                let mut list = Vec::new();
                for (k, v) in &change.settings {
                    let (k, v) = canonical_pair(k, v.clone(), true)
                        .ok_or_else(|| ConfigError::InvalidOption(k.clone()))?;
                    list.push((k.to_owned(), v));
                }
                Some(list)
            }
            None => None,
        };
        let positional = change.dbname.is_some()
            || change.user.is_some()
            || change.host.is_some()
            || change.port.is_some();
        if given.is_some()
            && (change.user.is_some() || change.host.is_some() || change.port.is_some())
        {
            return Err(ConfigError::ConnStringWithPositional);
        }
        let reuse = change.reuse_previous.unwrap_or(change.connstr.is_none());
        let mut opts: Vec<(String, String)> = if reuse {
            self.settings
                .iter()
                .filter(|(k, _)| !QADMIN_KEYS.contains(&k.as_str()))
                .cloned()
                .collect()
        } else {
            Vec::new()
        };
        // The password the current connection was given (or typed), not
        // a password-file entry: libpq looks those up again.
        let old_password = self
            .password
            .clone()
            .filter(|_| self.password_file.is_none());
        if reuse {
            opts.retain(|(k, _)| k != "password");
            if let Some(pw) = &old_password {
                set(&mut opts, "password", pw.clone());
            }
        }
        let mut keep_password = true;
        match given {
            Some(given) => {
                let mut have_password = false;
                for (k, v) in given {
                    let changes_server =
                        matches!(k.as_str(), "user" | "host" | "hostaddr" | "port");
                    if changes_server && get(&opts, &k) != Some(v.as_str()) {
                        keep_password = false;
                    }
                    have_password |= k == "password";
                    set(&mut opts, &k, v);
                }
                if have_password {
                    keep_password = true;
                }
            }
            None if positional => {
                let differs = |key: &str, v: &Option<String>| {
                    v.as_deref().is_some_and(|v| get(&opts, key) != Some(v))
                };
                let same_host = change.host.is_some() && !differs("host", &change.host);
                if differs("user", &change.user)
                    || differs("host", &change.host)
                    || differs("port", &change.port)
                {
                    keep_password = false;
                }
                if change.host.is_some() && !same_host {
                    opts.retain(|(k, _)| k != "hostaddr");
                }
                for (key, v) in [
                    ("dbname", &change.dbname),
                    ("user", &change.user),
                    ("host", &change.host),
                    ("port", &change.port),
                ] {
                    if let Some(v) = v {
                        set(&mut opts, key, v.clone());
                    }
                }
            }
            None => {}
        }
        if !keep_password {
            opts.retain(|(k, _)| k != "password");
        }
        // PQconnectdbParams ignores empty values (libpq fills them again).
        let opts: Options = opts.into_iter().filter(|(_, v)| !v.is_empty()).collect();
        ConnParams::from_options(opts, env)
    }

    /// The connect string other nodes and workers use to reach this
    /// database (the cascade's node location): host slot 0's host (or its
    /// hostaddr), port, dbname and user, quoted as libpq's conninfo parser
    /// reads them; never the password.
    pub fn location(&self) -> String {
        self.location_of(0)
    }

    /// As [`ConnParams::location`], for host slot `i`.
    pub fn location_of(&self, i: usize) -> String {
        let host = self.hosts.get(i).map(String::as_str).unwrap_or("");
        let addr = self.hostaddrs.get(i).map(String::as_str).unwrap_or("");
        let mut parts = Vec::new();
        if !host.is_empty() {
            parts.push(format!("host={}", quote_value(host)));
        }
        if !addr.is_empty() {
            parts.push(format!("hostaddr={}", quote_value(addr)));
        }
        parts.push(format!("port={}", self.port_of(i)));
        parts.push(format!("dbname={}", quote_value(&self.dbname)));
        parts.push(format!("user={}", quote_value(&self.user)));
        parts.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::config::testing::*;
    use crate::db::config::{parse_conninfo, SslMode};

    fn args(a: &[&str]) -> Reconnect {
        Reconnect::from_args(a, None).unwrap()
    }

    fn old() -> ConnParams {
        resolve(
            Some("host=h1 hostaddr=10.0.0.1 port=6000 user=u dbname=d sslmode=require options='-c x=y' password=pw application_name=a connect_timeout=5 target_session_attrs=read-write queue=q"),
            &env(&[]),
        )
    }

    #[test]
    fn c_with_a_dbname_keeps_everything_else() {
        let p = old().derive(&args(&["db2"]), &env(&[])).unwrap();
        assert_eq!(p.dbname, "db2");
        assert_eq!(
            (p.hosts[0].as_str(), p.hostaddrs[0].as_str()),
            ("h1", "10.0.0.1")
        );
        assert_eq!((p.ports[0], p.user.as_str()), (6000, "u"));
        assert_eq!(p.requested_sslmode, SslMode::Require);
        assert_eq!(p.options.as_deref(), Some("-c x=y"));
        assert_eq!(p.application_name.as_deref(), Some("a"));
        assert_eq!(p.connect_timeout.map(|t| t.as_secs()), Some(5));
        assert_eq!(
            p.target_session_attrs,
            crate::db::config::TargetSessionAttrs::ReadWrite
        );
        // The password stays for the same user, host and port; qadmin's
        // queue= is not reused.
        assert_eq!(p.password.as_deref(), Some("pw"));
        assert_eq!(p.queue, None);
        // No argument at all, and "-" everywhere: the same parameters.
        for a in [&[][..], &["-", "-", "-", "-"][..]] {
            let p = old().derive(&args(a), &env(&[])).unwrap();
            assert_eq!(
                (p.dbname.as_str(), p.password.as_deref()),
                ("d", Some("pw"))
            );
        }
    }

    #[test]
    fn c_with_another_user_host_or_port_drops_the_password() {
        let e = env(&[]);
        let p = old().derive(&args(&["-", "u2"]), &e).unwrap();
        assert_eq!(
            (p.user.as_str(), p.dbname.as_str(), p.password.as_deref()),
            ("u2", "d", None)
        );
        let p = old().derive(&args(&["-", "-", "-", "6001"]), &e).unwrap();
        assert_eq!((p.ports[0], p.password.as_deref()), (6001, None));
        assert_eq!(p.hostaddrs, vec!["10.0.0.1".to_owned()]);
        // A new host drops the hostaddr; the same host keeps it.
        let p = old().derive(&args(&["-", "-", "h2"]), &e).unwrap();
        assert_eq!((p.hosts[0].as_str(), p.password.as_deref()), ("h2", None));
        assert!(p.hostaddrs.is_empty());
        let p = old().derive(&args(&["-", "-", "h1"]), &e).unwrap();
        assert_eq!(p.hostaddrs, vec!["10.0.0.1".to_owned()]);
        assert_eq!(p.password.as_deref(), Some("pw"));
        // The same user given again keeps it too.
        let p = old().derive(&args(&["x", "u", "h1", "6000"]), &e).unwrap();
        assert_eq!(
            (p.dbname.as_str(), p.password.as_deref()),
            ("x", Some("pw"))
        );
    }

    #[test]
    fn c_with_a_connection_string_reuses_nothing_by_default() {
        let e = env(&[("PGPORT", "7000")]);
        let p = old().derive(&args(&["host=h2 dbname=x"]), &e).unwrap();
        assert_eq!((p.hosts[0].as_str(), p.dbname.as_str()), ("h2", "x"));
        assert_eq!((p.ports[0], p.user.as_str()), (7000, "osuser"));
        assert_eq!(p.requested_sslmode, SslMode::Prefer);
        assert_eq!((p.password.as_deref(), p.options.as_deref()), (None, None));
        assert!(p.hostaddrs.is_empty());
        let p = old().derive(&args(&["postgresql://h3/y"]), &e).unwrap();
        assert_eq!((p.hosts[0].as_str(), p.dbname.as_str()), ("h3", "y"));
        // -reuse-previous=on: its keys replace the current ones; a new host
        // drops the password (a given one wins), the hostaddr stays as psql
        // keeps it.
        let on = |a: &[&str]| Reconnect::from_args(a, Some(true)).unwrap();
        let p = old().derive(&on(&["dbname=x"]), &e).unwrap();
        assert_eq!((p.dbname.as_str(), p.ports[0]), ("x", 6000));
        assert_eq!(
            (p.password.as_deref(), p.requested_sslmode),
            (Some("pw"), SslMode::Require)
        );
        let p = old().derive(&on(&["host=h2"]), &e).unwrap();
        assert_eq!((p.hosts[0].as_str(), p.password.as_deref()), ("h2", None));
        let p = old().derive(&on(&["host=h2 password=new"]), &e).unwrap();
        assert_eq!(p.password.as_deref(), Some("new"));
        // -reuse-previous=off without a connection string: defaults again.
        let p = old()
            .derive(&Reconnect::from_args(&["z"], Some(false)).unwrap(), &e)
            .unwrap();
        assert_eq!(
            (p.dbname.as_str(), p.user.as_str(), p.ports[0]),
            ("z", "osuser", 7000)
        );
        assert_eq!(p.password, None);
    }

    #[test]
    fn c_argument_errors() {
        assert_eq!(
            Reconnect::from_args(&["dbname=x", "u"], None).unwrap_err(),
            ConfigError::ConnStringWithPositional
        );
        assert!(Reconnect::from_args(&["dbname=x", "-"], None).is_ok());
        assert_eq!(
            old().derive(&args(&["bogus=1"]), &env(&[])).unwrap_err(),
            ConfigError::InvalidOption("bogus".into())
        );
        let both = Reconnect {
            connstr: Some("dbname=x".into()),
            user: Some("u".into()),
            ..Reconnect::default()
        };
        assert_eq!(
            old().derive(&both, &env(&[])).unwrap_err().to_string(),
            "Do not give user, host, or port separately when using a connection string"
        );
    }

    #[test]
    fn connect_settings_keep_sslmode_hostaddr_options_and_password() {
        let e = env(&[]);
        let p = old()
            .derive(&Reconnect::from_settings(&[("dbname", "x")]), &e)
            .unwrap();
        assert_eq!(
            (p.dbname.as_str(), p.hostaddrs[0].as_str()),
            ("x", "10.0.0.1")
        );
        assert_eq!(p.requested_sslmode, SslMode::Require);
        assert_eq!(p.options.as_deref(), Some("-c x=y"));
        assert_eq!(p.password.as_deref(), Some("pw"));
        let p = old()
            .derive(&Reconnect::from_settings(&[("user", "v")]), &e)
            .unwrap();
        assert_eq!((p.user.as_str(), p.password), ("v", None));
        assert_eq!(
            old()
                .derive(&Reconnect::from_settings(&[("nope", "1")]), &e)
                .unwrap_err(),
            ConfigError::InvalidOption("nope".into())
        );
    }

    #[test]
    fn password_file_entries_are_looked_up_again() {
        let dir = tempfile::tempdir().unwrap();
        let file = write_file(
            dir.path(),
            "pgpass",
            "h:5432:d:u:filepw\nh:5432:d2:u:other\n",
            0o600,
        );
        let e = env(&[("PGPASSFILE", file.to_str().unwrap())]);
        let p = ConnParams::resolve(Some("host=h dbname=d user=u"), &[], &e).unwrap();
        assert_eq!(p.password.as_deref(), Some("filepw"));
        let q = p.derive(&args(&["d2"]), &e).unwrap();
        assert_eq!(q.password.as_deref(), Some("other"));
        let q = p.derive(&args(&["d3"]), &e).unwrap();
        assert_eq!(q.password, None);
        // A typed password (set after a prompt) is kept like a given one.
        let mut typed = ConnParams::resolve(Some("host=h dbname=x user=u"), &[], &e).unwrap();
        typed.password = Some("typed".into());
        let q = typed.derive(&args(&["d3"]), &e).unwrap();
        assert_eq!(q.password.as_deref(), Some("typed"));
    }

    #[test]
    fn location_is_a_conninfo_without_password() {
        let e = env(&[]);
        assert_eq!(
            old().location(),
            "host=h1 hostaddr=10.0.0.1 port=6000 dbname=d user=u"
        );
        let p = resolve(Some(r"user='a b' dbname='x\'y\\z' host=/tmp port=5433"), &e);
        let loc = p.location();
        assert_eq!(loc, r"host=/tmp port=5433 dbname='x\'y\\z' user='a b'");
        // It reads back as the same values.
        let back = parse_conninfo(&loc, false).unwrap();
        assert!(back.contains(&("dbname".into(), r"x'y\z".into())));
        assert!(back.contains(&("user".into(), "a b".into())));
        assert_eq!(
            resolve(None, &e).location(),
            "host=/var/run/postgresql port=5432 dbname=osuser user=osuser"
        );
        assert_eq!(
            resolve(Some("hostaddr=::1 dbname=''"), &e).location(),
            "hostaddr=::1 port=5432 dbname=osuser user=osuser"
        );
        let p = resolve(Some("host=a,b port=1,2"), &e);
        assert_eq!(p.location_of(1), "host=b port=2 dbname=osuser user=osuser");
    }

    #[test]
    fn quoting_as_libpq_reads_it() {
        for v in [
            "plain",
            "",
            "a b",
            "tab\there",
            "q'uote",
            r"back\slash",
            "x=y",
            "é",
        ] {
            let ci = format!("dbname={}", quote_value(v));
            assert_eq!(
                parse_conninfo(&ci, false).unwrap(),
                vec![("dbname".to_owned(), v.to_owned())],
                "{ci}"
            );
        }
        assert_eq!(quote_value("plain"), "plain");
        assert_eq!(quote_value(""), "''");
    }
}
