//! Commands about the database the shell works on: `connect` (a new
//! connection, a current queue, another node) and `install` (the PgQ and
//! Londiste extensions).

use std::io::Write;

use crate::exec::reply::{conn, queue_of, Fail, Handled, Reply};
use crate::parse::{self, DatabaseCommand};
use crate::pgq;
use crate::session::Session;

/// The family's dispatch: each database command to its handler (an exhaustive
/// match, so a new command does not compile without its handler).
pub(super) fn handle(s: &mut Session, cmd: &DatabaseCommand, _out: &mut dyn Write) -> Handled {
    match cmd {
        DatabaseCommand::Connect(c) => connect(s, c),
        DatabaseCommand::Install(c) => install(s, c),
    }
}

/// `install pgq | londiste`
pub fn install(s: &mut Session, cmd: &parse::Install) -> Handled {
    let wanted: &[(&str, &str)] = match cmd.extension {
        parse::Extension::Pgq => &[
            ("pgq", "postgresql-15-pgq3"),
            ("pgq_node", "postgresql-15-pgq-node"),
        ],
        parse::Extension::Londiste => &[
            ("pgq", "postgresql-15-pgq3"),
            ("pgq_node", "postgresql-15-pgq-node"),
            ("londiste", "postgresql-15-londiste-sql"),
        ],
    };
    pgq::install(conn(s)?, wanted)?;
    Ok(Reply::Done)
}

/// `connect key=value ... [queue=<q>] [node=<n>]`: a new connection (the
/// keys given replace those of the current one, as psql's `\c` does); the
/// old connection stays when the new one fails. `queue=` must name an
/// existing queue; `node=` connects to that node's registered location
/// (within NODE_TIMEOUT unless the location sets `connect_timeout`).
pub fn connect(s: &mut Session, cmd: &parse::Connect) -> Handled {
    if !cmd.settings.is_empty() {
        // The keys given replace the current ones; the rest is kept, as
        // psql's `\c` keeps it (sslmode, hostaddr, options, the password).
        let settings: Vec<(&str, &str)> = cmd
            .settings
            .iter()
            .map(|st| (st.key.as_str(), st.value.as_str()))
            .collect();
        let change = crate::db::config::Reconnect::from_settings(&settings);
        let env = crate::db::Environment::from_process();
        let new = s.params.derive(&change, &env)?;
        let old = std::mem::replace(&mut s.params, new);
        if let Err(e) = s.connect() {
            s.params = old;
            return Err(e.into());
        }
    }
    if let Some(q) = &cmd.queue {
        if !pgq::queue_exists(conn(s)?, q.as_str())? {
            return Err(pgq::Error::QueueNotFound(q.as_str().to_string()).into());
        }
        s.queue = Some(q.as_str().to_string());
    }
    if let Some(n) = &cmd.node {
        let q = queue_of(s, None)?;
        let loc = crate::cascade::members(conn(s)?, &q)?
            .into_iter()
            .find(|m| m.name == n.as_str())
            .and_then(|m| m.location)
            .ok_or_else(|| crate::cascade::Error::NodeNotFound(n.as_str().to_string()))?;
        let env = crate::db::Environment::from_process();
        let mut params = crate::db::ConnParams::resolve(Some(&loc), &[], &env)?;
        // A node that does not answer is given up at NODE_TIMEOUT, unless
        // its location sets connect_timeout itself; Ctrl-C ends the wait.
        if params.connect_timeout.is_none() {
            params.connect_timeout = Some(crate::exec::cascade::timeout(s));
        }
        let before = std::mem::replace(&mut s.params, params);
        if let Err(e) = s.connect() {
            s.params = before;
            // The error names the host and port; the location itself may
            // carry a password, so it is not shown.
            return Err(Fail::msg(format!("node \"{}\": {e}", n.as_str())));
        }
    }
    Ok(Reply::Done)
}
