//! Connections: libpq-style parameters ([`config`]), the wire client that
//! speaks PostgreSQL's protocol ([`client`], [`startup`], [`value`],
//! [`error`]), connecting under a deadline of our own, TLS for sslmode
//! through OpenSSL as libpq sets it up ([`tls`]),
//! notices as they arrive, and query cancellation from Ctrl-C ([`cancel`]).
//!
//! [`connect`] tries the host slots in order, as libpq does, and runs the
//! whole attempt on a helper thread so that a server that accepts and
//! never answers cannot hang the caller past `connect_timeout`. Called by
//! `session` (the shell's own connection), the cascade's node pool and the
//! completion cache; knows nothing of terminals or output formats.

pub mod cancel;
pub mod client;
pub mod config;
pub mod error;
pub mod startup;
pub mod tls;
pub mod value;

use std::fmt;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use client::{Client, Notification, Reply, Transaction, TxStatus};
pub use config::{ConnParams, Environment, SslMode};
pub use error::{sqlstate, DbError, Error, ErrorPosition};
pub use value::{Column, FromText, Param, Row};

/// Receives every NOTICE / WARNING / INFO the server sends, as it arrives.
/// The second argument is the statement text the user sent, when the
/// notice belongs to one (for its `LINE n:` excerpt).
pub type NoticeSink = Arc<dyn Fn(&DbError, Option<&str>) + Send + Sync>;

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

/// Open a connection with the resolved parameters, trying the host slots
/// in order. Each attempt (socket, TLS, authentication, start-up) must
/// finish within `connect_timeout` when one is set, as libpq promises.
pub fn connect(params: &ConnParams, notices: NoticeSink) -> Result<Client, ConnectError> {
    let targets = params.targets();
    let deadline = params
        .connect_timeout
        .map(|t| t * (targets.len().max(1) as u32));
    let first = params.describe_target();
    let p = params.clone();
    let (tx, rx) = mpsc::channel();
    let spawn = std::thread::Builder::new()
        .name("connect".into())
        .spawn(move || {
            let _ = tx.send(connect_hosts(&p, &notices));
        });
    if let Err(e) = spawn {
        return Err(ConnectError::Failed(format!(
            "could not start connecting: {e}"
        )));
    }
    // Waited for in short steps, so that Ctrl-C ends the wait (the helper
    // thread may stay blocked on a silent server; it holds nothing of
    // ours and dies with the process).
    let until = deadline.map(|d| Instant::now() + d);
    loop {
        let step = match until {
            Some(u) => u
                .saturating_duration_since(Instant::now())
                .min(Duration::from_millis(50)),
            None => Duration::from_millis(50),
        };
        match rx.recv_timeout(step) {
            Ok(r) => return r,
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(ConnectError::Failed(format!(
                    "connection to server {first} failed"
                )))
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        if cancel::interrupted() {
            return Err(ConnectError::Failed(format!(
                "connection to server {first} failed: canceled by the user (Ctrl-C)"
            )));
        }
        if until.is_some_and(|u| Instant::now() >= u) {
            return Err(ConnectError::Failed(format!(
                "connection to server {first} failed: timeout expired"
            )));
        }
    }
}

fn connect_hosts(params: &ConnParams, notices: &NoticeSink) -> Result<Client, ConnectError> {
    let targets = params.targets();
    // prefer-standby: a pass for standbys first, then one for any server.
    let passes: &[Option<bool>] =
        if params.target_session_attrs == config::TargetSessionAttrs::PreferStandby {
            &[Some(true), Some(false)]
        } else {
            &[None]
        };
    let mut failures = Vec::new();
    for pass in passes {
        for t in &targets {
            match startup::connect_host(params, t, Arc::clone(notices), *pass) {
                Ok(c) => return Ok(c),
                Err(startup::HostError::PasswordMissing) => {
                    return Err(ConnectError::PasswordMissing(format!(
                        "connection to server {} failed: fe_sendauth: no password supplied",
                        params.describe_host(t.index)
                    )))
                }
                Err(startup::HostError::Failed(m)) => failures.push(format!(
                    "connection to server {} failed: {m}",
                    params.describe_host(t.index)
                )),
            }
        }
    }
    if failures.is_empty() {
        failures.push(format!(
            "connection to server {} failed",
            params.describe_target()
        ));
    }
    Err(ConnectError::Failed(failures.join("\n")))
}

/// What a failed statement says, for the API modules' errors: the
/// server's message (without its severity), else the client's error.
pub fn error_message(e: &Error) -> String {
    match e.as_db_error() {
        Some(db) => db.message().to_string(),
        None => e.to_string(),
    }
}

/// Whether an extension is installed (`pg_extension`): asked once per
/// connection, until a statement that can change it runs.
pub fn has_extension(c: &mut Client, name: &str) -> Result<bool, Error> {
    if let Some(known) = c.known_extension(name) {
        return Ok(known);
    }
    let present = c
        .query_one(
            "select exists (select 1 from pg_catalog.pg_extension where extname = $1)",
            &[&name],
        )?
        .get(0);
    c.remember_extension(name, present);
    Ok(present)
}

/// Whether an error means the connection itself is gone (server closed it,
/// socket error), as opposed to an error in the statement.
pub fn is_connection_lost(client: &Client, e: &Error) -> bool {
    client.is_closed() || e.is_closed()
}
