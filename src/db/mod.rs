//! Connections: libpq-style parameters ([`config`]), connecting under a
//! deadline of our own, TLS for sslmode, notices as they arrive, and query
//! cancellation from Ctrl-C ([`cancel`]).
//!
//! The `postgres` crate reads no libpq environment and its
//! `connect_timeout` covers only the socket connect, so a server that
//! accepts and never answers would hang it: [`connect`] runs the whole
//! connection attempt on a helper thread and gives up at the deadline.
//! Called by `session` (the shell's own connection); knows nothing of
//! terminals or output formats.

pub mod cancel;
pub mod config;

use std::fmt;
use std::sync::mpsc;
use std::sync::Arc;

use postgres::error::DbError;
use postgres::tls::{MakeTlsConnect, TlsConnect};
use postgres::Client;
use postgres::Socket;
use postgres_native_tls::MakeTlsConnector;

pub use config::{ConnParams, Environment, SslMode};

/// Receives every NOTICE / WARNING / INFO the server sends, as it arrives.
pub type NoticeSink = Arc<dyn Fn(&DbError) + Send + Sync>;

/// Why a connection could not be made.
#[derive(Debug)]
pub enum ConnectError {
    /// The connection parameters are invalid (bad conninfo, unknown service ...).
    Config(String),
    /// The server refused or failed the connection; one line, psql-style.
    Failed(String),
    /// The server asked for a password and none is known.
    PasswordMissing(String),
}

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConnectError::Config(m)
            | ConnectError::Failed(m)
            | ConnectError::PasswordMissing(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for ConnectError {}

/// The TLS set-up of a connection.
#[derive(Clone)]
pub enum Tls {
    /// No TLS: unix sockets, or sslmode=disable.
    Plain,
    /// TLS through OpenSSL, as sslmode asks.
    Native(LazyTls),
}

/// TLS for a connection whose server may not speak it: the OpenSSL
/// connector (about 45 ms to build: OpenSSL reads the system's certificate
/// bundle) is built only once a server has agreed to TLS, as libpq does.
/// With sslmode=prefer against a server without SSL (the usual cascade on
/// a private network) no connector is ever built.
#[derive(Clone)]
pub struct LazyTls {
    params: Arc<ConnParams>,
}

impl LazyTls {
    /// TLS as `params` ask (sslmode, certificates).
    pub fn new(params: &ConnParams) -> LazyTls {
        LazyTls {
            params: Arc::new(params.clone()),
        }
    }
}

impl MakeTlsConnect<Socket> for LazyTls {
    type Stream = postgres_native_tls::TlsStream<Socket>;
    type TlsConnect = LazyTlsConnect;
    type Error = std::convert::Infallible;

    fn make_tls_connect(&mut self, domain: &str) -> Result<LazyTlsConnect, Self::Error> {
        Ok(LazyTlsConnect {
            params: Arc::clone(&self.params),
            domain: domain.to_string(),
        })
    }
}

/// The TLS handshake of one connection (see [`LazyTls`]).
pub struct LazyTlsConnect {
    params: Arc<ConnParams>,
    domain: String,
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

impl TlsConnect<Socket> for LazyTlsConnect {
    type Stream = postgres_native_tls::TlsStream<Socket>;
    type Error = BoxError;
    type Future =
        std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self::Stream, BoxError>> + Send>>;

    fn connect(self, stream: Socket) -> Self::Future {
        Box::pin(async move {
            let mut make = shared_tls_connector(&self.params)?;
            let tls = MakeTlsConnect::<Socket>::make_tls_connect(&mut make, &self.domain)?;
            Ok(tls.connect(stream).await?)
        })
    }
}

/// The TLS connector for these parameters, built once per distinct set of
/// TLS settings and shared: OpenSSL reads the system's certificate bundle
/// whenever a connector is built (tens of milliseconds), which a status
/// run over many nodes must not pay per node.
pub fn shared_tls_connector(params: &ConnParams) -> Result<MakeTlsConnector, String> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    type Key = (
        String,
        Option<std::path::PathBuf>,
        Option<std::path::PathBuf>,
        Option<std::path::PathBuf>,
    );
    static CACHE: OnceLock<Mutex<HashMap<Key, MakeTlsConnector>>> = OnceLock::new();
    let key: Key = (
        params.sslmode.as_str().to_string(),
        params.sslrootcert.clone(),
        params.sslcert.clone(),
        params.sslkey.clone(),
    );
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    // Build while holding the lock: parallel connections (a status run)
    // wait for the one build instead of each making their own.
    let mut map = match cache.lock() {
        Ok(m) => m,
        Err(_) => return tls_connector(params),
    };
    if let Some(c) = map.get(&key) {
        return Ok(c.clone());
    }
    let made = tls_connector(params)?;
    map.insert(key, made.clone());
    Ok(made)
}

/// Build the TLS connector for an sslmode, as libpq checks certificates:
/// `require` (without a root certificate) and `prefer` encrypt without
/// verifying, `verify-ca` checks the chain, `verify-full` also the host name.
pub fn tls_connector(params: &ConnParams) -> Result<MakeTlsConnector, String> {
    let mut b = native_tls::TlsConnector::builder();
    // libpq trusts only sslrootcert (or ~/.postgresql/root.crt), never the
    // system's CA bundle.
    b.disable_built_in_roots(true);
    let verify_chain = matches!(params.sslmode, SslMode::VerifyCa | SslMode::VerifyFull)
        || (params.sslmode == SslMode::Require && params.sslrootcert.is_some());
    if !verify_chain {
        b.danger_accept_invalid_certs(true);
    }
    if params.sslmode != SslMode::VerifyFull {
        b.danger_accept_invalid_hostnames(true);
    }
    if verify_chain {
        if let Some(root) = &params.sslrootcert {
            let pem = std::fs::read(root).map_err(|e| {
                format!(
                    "could not read root certificate file \"{}\": {e}",
                    root.display()
                )
            })?;
            let cert = native_tls::Certificate::from_pem(&pem).map_err(|e| {
                format!(
                    "could not load root certificate file \"{}\": {e}",
                    root.display()
                )
            })?;
            b.add_root_certificate(cert);
        }
    }
    if let (Some(cert), Some(key)) = (&params.sslcert, &params.sslkey) {
        if cert.exists() && key.exists() {
            let c = std::fs::read(cert).map_err(|e| {
                format!(
                    "could not read certificate file \"{}\": {e}",
                    cert.display()
                )
            })?;
            let k = std::fs::read(key).map_err(|e| {
                format!("could not read private key file \"{}\": {e}", key.display())
            })?;
            let id = native_tls::Identity::from_pkcs8(&c, &k)
                .map_err(|e| format!("could not load client certificate: {e}"))?;
            b.identity(id);
        }
    }
    let connector = b
        .build()
        .map_err(|e| format!("could not set up TLS: {e}"))?;
    Ok(MakeTlsConnector::new(connector))
}

/// Open a connection with the resolved parameters. The whole attempt
/// (socket, TLS, authentication, start-up) must finish within
/// `connect_timeout` per host when one is set, as libpq promises.
/// Returns the client and the TLS set-up it used (cancel requests need it
/// too).
pub fn connect(params: &ConnParams, notices: NoticeSink) -> Result<(Client, Tls), ConnectError> {
    let mut config = params.to_postgres_config();
    // libpq never uses SSL over unix sockets: skip the SSLRequest round
    // trip, and the TLS set-up, which costs tens of milliseconds (OpenSSL
    // reads the system's certificate bundle whatever we ask).
    let only_sockets = params.hosts.iter().all(|h| h.starts_with('/'))
        && params.hostaddrs.iter().all(String::is_empty);
    let tls = if only_sockets || params.sslmode == SslMode::Disable {
        config.ssl_mode(postgres::config::SslMode::Disable);
        Tls::Plain
    } else {
        Tls::Native(LazyTls::new(params))
    };
    let tls_for_cancel = tls.clone();
    config.notice_callback(move |n| notices(&n));
    let target = params.describe_target();
    let deadline = params
        .connect_timeout
        .map(|t| t * (params.hosts.len().max(1) as u32));

    let (tx, rx) = mpsc::channel();
    let spawn = std::thread::Builder::new()
        .name("connect".into())
        .spawn(move || {
            let r = match tls {
                Tls::Plain => config.connect(postgres::NoTls),
                Tls::Native(t) => config.connect(t),
            };
            let _ = tx.send(r);
        });
    if let Err(e) = spawn {
        return Err(ConnectError::Failed(format!(
            "could not start connecting: {e}"
        )));
    }
    let result = match deadline {
        Some(d) => match rx.recv_timeout(d) {
            Ok(r) => r,
            Err(_) => {
                // The helper thread may stay blocked on a silent server; it
                // holds nothing of ours and dies with the process.
                return Err(ConnectError::Failed(format!(
                    "connection to server {target} failed: timeout expired"
                )));
            }
        },
        None => match rx.recv() {
            Ok(r) => r,
            Err(_) => {
                return Err(ConnectError::Failed(format!(
                    "connection to server {target} failed"
                )))
            }
        },
    };
    result.map(|c| (c, tls_for_cancel)).map_err(|e| {
        let msg = describe_connect_error(&e);
        if msg.contains("password missing") {
            ConnectError::PasswordMissing(format!(
                "connection to server {target} failed: fe_sendauth: no password supplied"
            ))
        } else {
            ConnectError::Failed(format!("connection to server {target} failed: {msg}"))
        }
    })
}

/// What a failed statement says, for the API modules' errors: the
/// server's message (without its severity), else the client's error.
pub fn error_message(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => db.message().to_string(),
        None => e.to_string(),
    }
}

/// Whether an extension is installed (`pg_extension`).
pub fn has_extension(c: &mut Client, name: &str) -> Result<bool, postgres::Error> {
    Ok(c.query_one(
        "select exists (select 1 from pg_catalog.pg_extension where extname = $1)",
        &[&name],
    )?
    .get(0))
}

/// One line for a failed connection: the server's `FATAL:  ...` or the
/// operating system's reason, with psql's hint for a missing socket.
fn describe_connect_error(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return format!("{}:  {}", db.severity(), db.message());
    }
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let text = s.to_string();
        if !msg.contains(&text) {
            msg = format!("{msg}: {text}");
        }
        source = s.source();
    }
    if msg.contains("No such file or directory") || msg.contains("Connection refused") {
        msg.push_str(" (is the server running and accepting connections there?)");
    }
    msg
}

/// Whether an error means the connection itself is gone (server closed it,
/// socket error), as opposed to an error in the statement.
pub fn is_connection_lost(client: &Client, e: &postgres::Error) -> bool {
    client.is_closed() || e.is_closed()
}
