//! Opening one connection to one host slot, as libpq does: the socket
//! (unix or TCP, every address of a name in turn), TLS as sslmode asks
//! (SSLRequest, then the handshake), the start-up message, authentication
//! (cleartext, MD5, SCRAM-SHA-256 with or without channel binding), then
//! BackendKeyData, ParameterStatus and the first ReadyForQuery, and last
//! `target_session_attrs`.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

use bytes::BytesMut;
use fallible_iterator::FallibleIterator;
use postgres_protocol::authentication::sasl::{self, ChannelBinding as ScramBinding, ScramSha256};
use postgres_protocol::message::backend::Message;
use postgres_protocol::message::frontend;

use super::cancel::{CancelAddr, CancelToken};
use super::client::{Client, Stream};
use super::config::{ChannelBinding, ConnParams, HostTarget, SslMode, Target, TargetSessionAttrs};
use super::error::DbError;
use super::NoticeSink;

/// Why one host slot could not be used.
pub enum HostError {
    /// The server wants a password and none is known.
    PasswordMissing,
    /// Anything else: one line, psql's wording where there is one.
    Failed(String),
}

fn fail(m: impl Into<String>) -> HostError {
    HostError::Failed(m.into())
}

fn io_fail(e: std::io::Error) -> HostError {
    let timed_out = matches!(
        e.kind(),
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
    );
    if timed_out {
        return fail("timeout expired");
    }
    let mut m = crate::io_reason(&e);
    if matches!(
        e.kind(),
        std::io::ErrorKind::NotFound | std::io::ErrorKind::ConnectionRefused
    ) {
        m.push_str(" (is the server running and accepting connections there?)");
    }
    fail(m)
}

/// How long is left before `deadline` (at least a millisecond).
fn left(deadline: Option<Instant>) -> Option<Duration> {
    deadline.map(|d| {
        d.saturating_duration_since(Instant::now())
            .max(Duration::from_millis(1))
    })
}

/// Connect to one host slot and leave the connection ready for queries.
///
/// sslmode `prefer` tries TLS and, when the handshake fails, once more
/// without; `allow` tries without TLS and, when the server refuses the
/// connection, once more with it (libpq's retries).
pub fn connect_host(
    params: &ConnParams,
    target: &HostTarget,
    notices: NoticeSink,
    want_standby: Option<bool>,
) -> Result<Client, HostError> {
    let deadline = params.connect_timeout.map(|t| Instant::now() + t);
    let once = |tls: bool| attempt(params, target, notices.clone(), want_standby, deadline, tls);
    match params.sslmode {
        SslMode::Disable => once(false).map_err(Attempt::into_host),
        SslMode::Allow => match once(false) {
            Err(Attempt::Refused(_)) => once(true).map_err(Attempt::into_host),
            r => r.map_err(Attempt::into_host),
        },
        SslMode::Prefer => match once(true) {
            Err(Attempt::Handshake(_)) => once(false).map_err(Attempt::into_host),
            r => r.map_err(Attempt::into_host),
        },
        SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => {
            once(true).map_err(Attempt::into_host)
        }
    }
}

/// How one attempt failed, for the sslmode retries.
enum Attempt {
    /// The TLS handshake failed.
    Handshake(String),
    /// The server answered the start-up with an error.
    Refused(String),
    /// Anything else.
    Other(HostError),
}

impl Attempt {
    fn into_host(self) -> HostError {
        match self {
            Attempt::Handshake(m) | Attempt::Refused(m) => HostError::Failed(m),
            Attempt::Other(e) => e,
        }
    }
}

impl From<HostError> for Attempt {
    fn from(e: HostError) -> Attempt {
        Attempt::Other(e)
    }
}

/// One connection attempt, with TLS (`tls`, when the server offers it)
/// or without.
fn attempt(
    params: &ConnParams,
    target: &HostTarget,
    notices: NoticeSink,
    want_standby: Option<bool>,
    deadline: Option<Instant>,
    tls: bool,
) -> Result<Client, Attempt> {
    let (stream, cancel_addr) = open_socket(target, deadline)?;
    stream.set_timeouts(left(deadline)).map_err(io_fail)?;
    let stream = if tls {
        negotiate_tls(stream, params, target)?
    } else {
        stream
    };
    let mut c = Client::new(stream, notices);
    let key = match start(&mut c, params, target) {
        Ok(k) => k,
        Err(Started::Refused(m)) => return Err(Attempt::Refused(m)),
        Err(Started::Other(e)) => return Err(Attempt::Other(e)),
    };
    if let Some((process_id, secret_key)) = key {
        c.set_cancel(CancelToken {
            addr: cancel_addr,
            process_id,
            secret_key,
        });
    }
    check_session_attrs(&c, params.target_session_attrs, want_standby)?;
    c.stream().set_timeouts(None).map_err(io_fail)?;
    Ok(c)
}

fn open_socket(
    target: &HostTarget,
    deadline: Option<Instant>,
) -> Result<(Stream, CancelAddr), HostError> {
    match &target.addr {
        Target::Unix(path) => {
            let s = UnixStream::connect(path).map_err(io_fail)?;
            Ok((Stream::Unix(s), CancelAddr::Unix(path.clone())))
        }
        Target::Tcp(host, port) => {
            let addrs: Vec<_> = (host.as_str(), *port)
                .to_socket_addrs()
                .map_err(|e| {
                    fail(format!(
                        "could not translate host name \"{host}\" to address: {}",
                        crate::io_reason(&e)
                    ))
                })?
                .collect();
            let mut last = fail(format!(
                "could not translate host name \"{host}\" to address"
            ));
            for a in addrs {
                let r = match left(deadline) {
                    Some(t) => TcpStream::connect_timeout(&a, t),
                    None => TcpStream::connect(a),
                };
                match r {
                    Ok(s) => {
                        let _ = s.set_nodelay(true);
                        return Ok((Stream::Tcp(s), CancelAddr::Tcp(a)));
                    }
                    Err(e) => last = io_fail(e),
                }
            }
            Err(last)
        }
    }
}

/// SSLRequest and the handshake. The server may say no: fine for
/// `prefer` and `allow`, an error for the modes that require TLS.
fn negotiate_tls(
    stream: Stream,
    params: &ConnParams,
    target: &HostTarget,
) -> Result<Stream, Attempt> {
    let Stream::Tcp(mut tcp) = stream else {
        // libpq never uses SSL over unix sockets.
        return Ok(stream);
    };
    let required = !matches!(params.sslmode, SslMode::Prefer | SslMode::Allow);
    if let Some(m) = params.missing_root_cert_error() {
        return Err(fail(m).into());
    }
    let mut buf = BytesMut::new();
    frontend::ssl_request(&mut buf);
    tcp.write_all(&buf).map_err(io_fail)?;
    let mut answer = [0u8; 1];
    tcp.read_exact(&mut answer).map_err(io_fail)?;
    match answer[0] {
        b'S' => {
            let tls =
                super::tls::handshake(params, &target.tls_name, tcp).map_err(Attempt::Handshake)?;
            Ok(Stream::Tls(Box::new(tls)))
        }
        b'N' if required => Err(fail("server does not support SSL, but SSL was required").into()),
        b'N' => Ok(Stream::Tcp(tcp)),
        _ => Err(fail("received invalid response to SSL negotiation").into()),
    }
}

/// How start-up failed: the server's own refusal (an ErrorResponse) or
/// anything else.
enum Started {
    Refused(String),
    Other(HostError),
}

impl From<HostError> for Started {
    fn from(e: HostError) -> Started {
        Started::Other(e)
    }
}

/// Start-up and authentication; the backend's cancel key.
fn start(
    c: &mut Client,
    params: &ConnParams,
    target: &HostTarget,
) -> Result<Option<(i32, i32)>, Started> {
    let mut kv: Vec<(&str, &str)> = vec![
        ("user", params.user.as_str()),
        ("database", params.dbname.as_str()),
        ("client_encoding", "UTF8"),
    ];
    // psql names itself when the user names nothing (its
    // fallback_application_name); so does qadmin, for pg_stat_activity.
    kv.push((
        "application_name",
        params.application_name.as_deref().unwrap_or("qadmin"),
    ));
    if let Some(o) = &params.options {
        kv.push(("options", o));
    }
    // libpq sends these environment variables as session settings.
    let env_settings: Vec<(&str, String)> = [
        ("datestyle", "PGDATESTYLE"),
        ("timezone", "PGTZ"),
        ("geqo", "PGGEQO"),
    ]
    .iter()
    .filter_map(|(guc, var)| std::env::var(var).ok().map(|v| (*guc, v)))
    .collect();
    for (guc, v) in &env_settings {
        kv.push((guc, v));
    }
    frontend::startup_message(kv.iter().copied(), c.wbuf()).map_err(|e| fail(e.to_string()))?;
    send(c)?;
    let mut scram: Option<ScramSha256> = None;
    let mut key = None;
    loop {
        let m = c.read_message().map_err(|e| match e {
            super::Error::Closed(m) if m.is_empty() => {
                fail("server closed the connection unexpectedly")
            }
            super::Error::Closed(m) => fail(m),
            other => fail(other.to_string()),
        })?;
        match m {
            Message::AuthenticationOk => {}
            Message::AuthenticationCleartextPassword => {
                no_binding_required(params)?;
                let pw = password(target)?;
                frontend::password_message(pw.as_bytes(), c.wbuf())
                    .map_err(|e| fail(e.to_string()))?;
                send(c)?;
            }
            Message::AuthenticationMd5Password(body) => {
                no_binding_required(params)?;
                let pw = password(target)?;
                let hash = postgres_protocol::authentication::md5_hash(
                    params.user.as_bytes(),
                    pw.as_bytes(),
                    body.salt(),
                );
                frontend::password_message(hash.as_bytes(), c.wbuf())
                    .map_err(|e| fail(e.to_string()))?;
                send(c)?;
            }
            Message::AuthenticationSasl(body) => {
                let mut plain = false;
                let mut plus = false;
                let mut mechs = body.mechanisms();
                while let Some(m) = mechs.next().map_err(|e| fail(e.to_string()))? {
                    match m {
                        sasl::SCRAM_SHA_256 => plain = true,
                        sasl::SCRAM_SHA_256_PLUS => plus = true,
                        _ => {}
                    }
                }
                let end_point = match c.stream() {
                    Stream::Tls(t) => super::tls::server_end_point(t),
                    _ => None,
                };
                let use_plus = plus
                    && end_point.is_some()
                    && params.channel_binding != ChannelBinding::Disable;
                if !use_plus && params.channel_binding == ChannelBinding::Require {
                    return Err(Started::Other(fail("channel binding is required, but server did not offer an authentication method that supports channel binding")));
                }
                if !use_plus && !plain {
                    return Err(Started::Other(fail(
                        "none of the server's SASL authentication mechanisms are supported",
                    )));
                }
                let pw = password(target)?;
                let (mech, binding) = match (use_plus, end_point) {
                    (true, Some(ep)) => (
                        sasl::SCRAM_SHA_256_PLUS,
                        ScramBinding::tls_server_end_point(ep),
                    ),
                    (_, Some(_)) if params.channel_binding != ChannelBinding::Disable => {
                        (sasl::SCRAM_SHA_256, ScramBinding::unrequested())
                    }
                    _ => (sasl::SCRAM_SHA_256, ScramBinding::unsupported()),
                };
                let s = ScramSha256::new(pw.as_bytes(), binding);
                frontend::sasl_initial_response(mech, s.message(), c.wbuf())
                    .map_err(|e| fail(e.to_string()))?;
                send(c)?;
                scram = Some(s);
            }
            Message::AuthenticationSaslContinue(body) => {
                let s = scram
                    .as_mut()
                    .ok_or_else(|| fail("unexpected SASL message from the server"))?;
                s.update(body.data())
                    .map_err(|e| fail(format!("SCRAM authentication failed: {e}")))?;
                frontend::sasl_response(s.message(), c.wbuf()).map_err(|e| fail(e.to_string()))?;
                send(c)?;
            }
            Message::AuthenticationSaslFinal(body) => {
                let s = scram
                    .as_mut()
                    .ok_or_else(|| fail("unexpected SASL message from the server"))?;
                s.finish(body.data())
                    .map_err(|e| fail(format!("SCRAM authentication failed: {e}")))?;
            }
            Message::BackendKeyData(body) => key = Some((body.process_id(), body.secret_key())),
            Message::ReadyForQuery(_) => return Ok(key),
            Message::ErrorResponse(body) => {
                let e = DbError::parse(&mut body.fields()).map_err(|e| fail(e.to_string()))?;
                return Err(Started::Refused(format!(
                    "{}:  {}",
                    e.severity(),
                    e.message()
                )));
            }
            Message::AuthenticationGss
            | Message::AuthenticationKerberosV5
            | Message::AuthenticationSspi
            | Message::AuthenticationScmCredential
            | Message::AuthenticationGssContinue(_) => {
                return Err(Started::Other(fail(
                    "authentication method requested by the server is not supported",
                )))
            }
            _ => {
                return Err(Started::Other(fail(
                    "unexpected message from the server during start-up",
                )))
            }
        }
    }
}

/// A password sent as such (cleartext, MD5) has no channel binding.
fn no_binding_required(params: &ConnParams) -> Result<(), HostError> {
    if params.channel_binding == ChannelBinding::Require {
        return Err(fail(
            "channel binding required, but server authenticated client without channel binding",
        ));
    }
    Ok(())
}

fn send(c: &mut Client) -> Result<(), HostError> {
    c.flush().map_err(|e| match e {
        super::Error::Closed(m) if !m.is_empty() => fail(m),
        other => fail(other.to_string()),
    })
}

fn password(target: &HostTarget) -> Result<String, HostError> {
    target.password.clone().ok_or(HostError::PasswordMissing)
}

/// `target_session_attrs` from what the server reported at start-up.
/// `want_standby` narrows `prefer-standby` to one pass (`Some(true)`:
/// standbys only, `Some(false)`: any).
fn check_session_attrs(
    c: &Client,
    attrs: TargetSessionAttrs,
    want_standby: Option<bool>,
) -> Result<(), HostError> {
    let on = |k: &str| c.parameter(k) == Some("on");
    let standby = on("in_hot_standby");
    let read_only = standby || on("default_transaction_read_only");
    let refuse = |m: &str| Err(fail(m.to_string()));
    match attrs {
        TargetSessionAttrs::Any => Ok(()),
        TargetSessionAttrs::ReadWrite if read_only => refuse("session is read-only"),
        TargetSessionAttrs::ReadOnly if !read_only => refuse("session is not read-only"),
        TargetSessionAttrs::Primary if standby => refuse("server is in hot standby mode"),
        TargetSessionAttrs::Standby if !standby => refuse("server is not in hot standby mode"),
        TargetSessionAttrs::PreferStandby if want_standby == Some(true) && !standby => {
            refuse("server is not in hot standby mode")
        }
        _ => Ok(()),
    }
}
