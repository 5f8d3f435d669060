//! Multi-node operations as explicit ordered steps: pause / resume a
//! worker, change provider, tag dead / alive, drop a node, takeover.
//!
//! A [`Pool`] holds one connection per node, opened lazily under the
//! deadline. Each step is reported as it runs; each is safe to repeat
//! (pgq_node's functions answer "already" with a 2xx/3xx code), so an
//! interrupted operation is finished by running the same command again.
//! Waiting for a worker polls (the shell: every 50 ms) and stops when the
//! caller's `interrupted` says so, before the next change is made.
//!
//! One file per operation: `pool` (connections and the cascade lock),
//! `workers` (pause, resume, catch-up waits), `provider` (change
//! provider), `layout` (tag, drop, location), `takeover` (switchover and
//! dead-node takeover), `wal` (a promoted standby of the dead root
//! takes its place), `resurrect` (an old root rejoins), `from_copy` (a
//! new node made from a dump, base backup or PITR restore of a member).

mod from_copy;
mod layout;
mod pool;
mod provider;
mod resurrect;
mod takeover;
mod wal;
mod workers;

pub use from_copy::{create_from_copy, CopyKind, FromCopy, FromCopyDone};
pub use layout::{drop_node, set_location, tag_node};
pub use pool::Pool;
pub use provider::change_provider;
pub use resurrect::{resurrect, LostEvent, Resurrected};
pub use takeover::{
    gravestone, sync_problems, takeover, takeover_check, takeover_dead, TableProblem,
};
pub use wal::{
    check_standby, record_standbys, recorded_standbys, takeover_standby, Lost, StandbyTakeover,
    WalCase,
};
pub use workers::{pause_node, set_paused, wait_caught_up, WaitFor};

use std::time::{Duration, Instant};

use super::{Error, Reporter, Result, Step};

/// How waits behave: poll interval, an optional limit, and a check for
/// Ctrl-C (true = stop waiting).
pub struct Wait<'a> {
    /// Time between polls.
    pub poll: Duration,
    /// Give up after this long (None: until interrupted).
    pub limit: Option<Duration>,
    /// Whether the user asked to stop.
    pub interrupted: &'a dyn Fn() -> bool,
}

impl Wait<'_> {
    fn until<F>(&self, what: &str, mut done: F) -> Result<()>
    where
        F: FnMut() -> Result<bool>,
    {
        let start = Instant::now();
        loop {
            if done()? {
                return Ok(());
            }
            if (self.interrupted)() {
                return Err(Error::Invalid(format!("stopped waiting for {what}")));
            }
            if let Some(l) = self.limit {
                if start.elapsed() > l {
                    return Err(Error::Invalid(format!(
                        "gave up waiting for {what} after {} s",
                        l.as_secs()
                    )));
                }
            }
            std::thread::sleep(self.poll);
        }
    }
}

fn note(report: Reporter<'_>, node: &str, message: String) {
    report(&Step {
        node: node.to_string(),
        message,
        warning: false,
    });
}

fn warn(report: Reporter<'_>, node: &str, message: String) {
    report(&Step {
        node: node.to_string(),
        message,
        warning: true,
    });
}
