//! libpq 15's connection keywords (`PQconninfoOptions`): each with its
//! environment variable and compiled default, qadmin's own keys, and the
//! key a value is stored under.

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
pub(super) struct Keyword {
    pub(super) name: &'static str,
    pub(super) env: Option<&'static str>,
    pub(super) default: Option<&'static str>,
}

const fn kw(
    name: &'static str,
    env: Option<&'static str>,
    default: Option<&'static str>,
) -> Keyword {
    Keyword { name, env, default }
}

/// libpq 15's connection keywords, in libpq's order.
pub(super) const KEYWORDS: &[Keyword] = &[
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

pub(super) fn is_libpq_keyword(key: &str) -> bool {
    KEYWORDS.iter().any(|k| k.name == key)
}

/// The key a value is stored under (libpq's `conninfo_storeval`):
/// `requiressl` becomes sslmode; unknown keys give `None`.
pub(super) fn canonical_pair(
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
