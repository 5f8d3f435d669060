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

use super::Tls;
use postgres::CancelToken;

struct Armed {
    token: CancelToken,
    tls: Tls,
}

static TARGET: Mutex<Option<Armed>> = Mutex::new(None);
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
            TARGET
                .lock()
                .ok()
                .and_then(|g| g.as_ref().map(|a| (a.token.clone(), a.tls.clone())))
        } else {
            None
        };
        match armed {
            Some((token, tls)) => {
                // Announced before it is sent, so that the announcement
                // comes before the server's "canceling statement" error,
                // which another thread prints.
                if let Some(f) = ON_SEND.get() {
                    f();
                }
                // Best effort, like psql's "Cancel request sent".
                let _ = match tls {
                    Tls::Plain => token.cancel_query(postgres::NoTls),
                    Tls::Native(t) => token.cancel_query(t),
                };
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
pub fn set_target(token: CancelToken, tls: Tls) {
    if let Ok(mut g) = TARGET.lock() {
        *g = Some(Armed { token, tls });
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

/// Whether Ctrl-C was pressed while no statement was running; clears it.
pub fn take_interrupt() -> bool {
    INTERRUPTED.swap(false, Ordering::SeqCst)
}
