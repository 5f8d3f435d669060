//! From parameters to what the wire client connects to: one target per
//! host slot (unix socket or TCP address, TLS name, password), and how psql
//! names a host in its errors.

use std::fmt;
use std::path::PathBuf;

use super::{ConnParams, DEFAULT_PORT};

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

impl ConnParams {
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
}

/// libpq's `is_unixsock_path`: an absolute path, or `@` for Linux's
/// abstract namespace.
pub(super) fn is_unix_socket_path(host: &str) -> bool {
    host.starts_with('/') || host.starts_with('@')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::config::testing::*;
    use crate::db::config::*;
    use std::path::PathBuf;
    use std::time::Duration;

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
}
