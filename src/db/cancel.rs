//! Ctrl-C: cancel the running query, not the shell.
//!
//! One SIGINT handler (the `ctrlc` crate runs it on its own thread) for the
//! whole process. Each new connection registers its cancel token once
//! ([`set_target`]); while a statement runs the session arms the handler
//! (a flag, cheap enough for every statement of a 50,000-line script), and
//! Ctrl-C then sends a cancel request, as psql does. With nothing running, the handler only records the interrupt
//! so a script can stop between statements (psql exits a non-interactive
//! run on Ctrl-C).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

/// Where a cancel request goes: the address the connection was made to.
#[derive(Debug, Clone)]
pub enum CancelAddr {
    /// A unix-domain socket file.
    Unix(PathBuf),
    /// A TCP address.
    Tcp(std::net::SocketAddr),
}

/// What cancels the statement running on one connection: its server
/// address and the backend's key (BackendKeyData).
#[derive(Debug, Clone)]
pub struct CancelToken {
    /// The server's address.
    pub addr: CancelAddr,
    /// The backend's process id.
    pub process_id: i32,
    /// The backend's secret key.
    pub secret_key: i32,
}

impl CancelToken {
    /// Send the cancel request on a new connection, as libpq's PQcancel
    /// does (without TLS; the request carries no secret of the session
    /// beyond the key).
    pub fn cancel_query(&self) -> std::io::Result<()> {
        let mut buf = bytes::BytesMut::new();
        postgres_protocol::message::frontend::cancel_request(
            self.process_id,
            self.secret_key,
            &mut buf,
        );
        let limit = Duration::from_secs(5);
        match &self.addr {
            CancelAddr::Unix(p) => {
                let mut s = std::os::unix::net::UnixStream::connect(p)?;
                s.set_write_timeout(Some(limit))?;
                s.write_all(&buf)?;
                // The server closes the socket when it has read the request.
                s.set_read_timeout(Some(limit))?;
                let _ = std::io::Read::read(&mut s, &mut [0u8; 1]);
            }
            CancelAddr::Tcp(a) => {
                let mut s = std::net::TcpStream::connect_timeout(a, limit)?;
                s.set_write_timeout(Some(limit))?;
                s.write_all(&buf)?;
                s.set_read_timeout(Some(limit))?;
                let _ = std::io::Read::read(&mut s, &mut [0u8; 1]);
            }
        }
        Ok(())
    }
}

static TARGET: Mutex<Option<CancelToken>> = Mutex::new(None);
static ARMED: AtomicBool = AtomicBool::new(false);
static INTERRUPTED: AtomicBool = AtomicBool::new(false);
static INSTALLED: AtomicBool = AtomicBool::new(false);
static ON_SEND: OnceLock<fn()> = OnceLock::new();

/// Install the SIGINT handler once. Failing to install it is not fatal
/// (Ctrl-C then ends the process, the default).
pub fn install() {
    if INSTALLED.swap(true, Ordering::SeqCst) {
        return;
    }
    let _ = ctrlc::set_handler(|| {
        let armed = if ARMED.load(Ordering::SeqCst) {
            TARGET.lock().ok().and_then(|g| g.clone())
        } else {
            None
        };
        match armed {
            Some(token) => {
                INTERRUPTED.store(true, Ordering::SeqCst);
                // Announced before it is sent, so that the announcement
                // comes before the server's "canceling statement" error,
                // which another thread prints.
                if let Some(f) = ON_SEND.get() {
                    f();
                }
                // Best effort, like psql's "Cancel request sent".
                let _ = token.cancel_query();
            }
            None => INTERRUPTED.store(true, Ordering::SeqCst),
        }
    });
}

/// Call `f` each time Ctrl-C sends a cancel request (the interactive shell
/// prints psql's `Cancel request sent`). Set once; later calls are ignored.
pub fn on_send(f: fn()) {
    let _ = ON_SEND.set(f);
}

/// The connection that Ctrl-C cancels statements on (set at connect).
pub fn set_target(token: Option<CancelToken>) {
    if let Ok(mut g) = TARGET.lock() {
        *g = token;
    }
}

/// A statement is about to run: Ctrl-C cancels it.
pub fn arm() {
    ARMED.store(true, Ordering::SeqCst);
}

/// The statement finished: Ctrl-C no longer cancels anything.
pub fn disarm() {
    ARMED.store(false, Ordering::SeqCst);
}

/// Whether Ctrl-C was pressed (while a statement ran, or between
/// statements), without clearing it: the printing of a result stops.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Whether Ctrl-C was pressed since the last call; clears it. A script
/// stops there, as psql's does.
pub fn take_interrupt() -> bool {
    INTERRUPTED.swap(false, Ordering::SeqCst)
}
