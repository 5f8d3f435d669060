//! Connection parameters resolved the way libpq (PostgreSQL 15) resolves
//! them, as pure logic over an injected [`Environment`], ending in a
//! [`ConnParams`] and its per-host [`HostTarget`]s.
//!
//! The `postgres` crate reads no environment, no service file and no
//! password file; this module does all of that, so that `qadmin` connects
//! wherever `psql` would with the same arguments and environment.
//!
//! One file per job: `keywords` (libpq's keyword table and compiled
//! defaults), `conninfo` (`key=value` strings), `uri`
//! (`postgresql://`), `service` (`pg_service.conf`), `pgpass` (the
//! password file), `ssl` (sslmode and certificate files), `params`
//! (precedence and libpq's `connectOptions2`, into [`ConnParams`]),
//! `target` (the host slots the wire client connects to), `reconnect`
//! (psql's `\c` rules and the node location string), `env` and
//! `error`.
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
//!   (gssencmode, krbsrvname, keepalives_idle, ...) are parsed and otherwise
//!   ignored.
//!
//! # TLS
//!
//! `db::tls` builds the OpenSSL connector from [`ConnParams::sslmode`],
//! [`ConnParams::sslrootcert`], [`ConnParams::sslcert`],
//! [`ConnParams::sslkey`], [`ConnParams::sslpassword`],
//! [`ConnParams::sslcrl`], [`ConnParams::sslcrldir`] and the protocol
//! bounds. `sslrootcert` is the *effective* root
//! certificate: the configured file if it exists, else
//! `~/.postgresql/root.crt` if it exists, else `None`. Like libpq, a
//! present root certificate makes `require` verify the chain, so `sslmode`
//! then reads [`SslMode::VerifyCa`] (the configured value is kept in
//! [`ConnParams::requested_sslmode`]). libpq also verifies the chain in
//! `allow`/`prefer` when a root certificate is present; that cannot be told
//! by the mode alone, so check `sslrootcert`.

mod conninfo;
mod env;
mod error;
mod keywords;
mod params;
mod pgpass;
mod reconnect;
mod service;
mod ssl;
mod target;
mod uri;

pub use conninfo::{looks_like_conninfo, parse_conninfo, quote_value};
pub use env::Environment;
pub use error::ConfigError;
pub use keywords::{DEFAULT_PORT, DEFAULT_SOCKET_DIR, DEFAULT_SYSCONFDIR, QADMIN_KEYS};
pub use params::{ChannelBinding, ConnParams, TargetSessionAttrs};
pub use reconnect::Reconnect;
pub use ssl::{SslMode, TlsVersion};
pub use target::{HostTarget, Target};

#[cfg(test)]
pub(crate) mod testing {
    //! Helpers shared by the submodules' tests.
    use super::*;
    use std::path::{Path, PathBuf};

    use std::io::Write;

    pub(crate) fn env(vars: &[(&str, &str)]) -> Environment {
        Environment {
            vars: vars
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            home: None,
            os_user: "osuser".to_owned(),
        }
    }

    pub(crate) fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    pub(crate) fn resolve(ci: Option<&str>, e: &Environment) -> ConnParams {
        ConnParams::resolve(ci, &[], e).unwrap()
    }

    pub(crate) fn resolve_err(ci: Option<&str>, e: &Environment) -> ConfigError {
        ConnParams::resolve(ci, &[], e).unwrap_err()
    }

    pub(crate) fn write_file(dir: &Path, name: &str, content: &str, mode: u32) -> PathBuf {
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
}
