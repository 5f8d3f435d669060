//! The pool of connections to a cascade's members: one per member, opened
//! on first use under the deadline, and the cascade's operation lock.

use std::collections::HashMap;
use std::time::Duration;

use crate::db::{Client, ConnParams};

use super::warn;
use crate::cascade::{
    connect, connect_with, exec_cmd, identity, members, node_info, Error, Member, NodeInfo,
    Reporter, Result,
};

/// One connection per member, opened on first use.
pub struct Pool {
    /// The queue.
    pub queue: String,
    /// Deadline for each connection.
    pub timeout: Duration,
    members: Vec<Member>,
    conns: HashMap<String, Client>,
    /// The coordinating node, reached with the session's own parameters
    /// rather than its registered location (which may be the thing being
    /// fixed).
    local: Option<(String, ConnParams)>,
    /// The node the pool was loaded from.
    local_name: Option<String>,
    /// The local database is a promoted standby of the node it claims
    /// to be, accepted as that node (a WAL-standby takeover).
    local_copy: bool,
}

impl Pool {
    /// Members as the given node knows them.
    pub fn load(local: &mut Client, queue: &str, timeout: Duration) -> Result<Pool> {
        let info = node_info(local, queue)?;
        if info.node_type.is_none() {
            return Err(Error::NotInitialized {
                queue: queue.to_string(),
            });
        }
        Ok(Pool {
            queue: queue.to_string(),
            timeout,
            members: members(local, queue)?,
            conns: HashMap::new(),
            local: None,
            local_name: info.node_name,
            local_copy: false,
        })
    }

    /// The member list.
    pub fn members(&self) -> &[Member] {
        &self.members
    }

    /// Add the members that reachable members know and this list lacks
    /// (a node learns of new members only when its worker has processed
    /// the root's location events).
    pub fn learn_members(&mut self) {
        let q = self.queue.clone();
        for n in self.live() {
            let Ok(c) = self.node(&n) else { continue };
            let Ok(theirs) = members(c, &q) else { continue };
            for m in theirs {
                if !self.members.iter().any(|x| x.name == m.name) {
                    self.members.push(m);
                }
            }
        }
    }

    /// The members not tagged dead, by name.
    pub fn live(&self) -> Vec<String> {
        self.members
            .iter()
            .filter(|m| !m.dead)
            .map(|m| m.name.clone())
            .collect()
    }

    /// A member by name.
    pub fn member(&self, name: &str) -> Result<&Member> {
        self.members
            .iter()
            .find(|m| m.name == name)
            .ok_or_else(|| Error::NodeNotFound(name.to_string()))
    }

    /// The connection to a member (dead members are refused).
    pub fn node(&mut self, name: &str) -> Result<&mut Client> {
        if !self.conns.contains_key(name) {
            let m = self.member(name)?.clone();
            if m.dead {
                return Err(Error::Invalid(format!("node \"{name}\" is tagged dead")));
            }
            let mut c = match &self.local {
                Some((me, params)) if me == name => connect_with(name, params, self.timeout)?,
                _ => {
                    let loc = m.location.ok_or_else(|| Error::Unreachable {
                        node: name.to_string(),
                        why: "no location registered".into(),
                    })?;
                    connect(name, &loc, self.timeout)?
                }
            };
            // Whoever answers there must be that node, not a copy of it
            // or another node (the local promoted standby of a WAL-standby
            // takeover excepted).
            let local_copy = self.local_copy && self.local_name.as_deref() == Some(name);
            if !local_copy {
                identity::check_member(&mut c, &self.queue, name)?;
            }
            self.conns.insert(name.to_string(), c);
        }
        self.conns
            .get_mut(name)
            .ok_or_else(|| Error::NodeNotFound(name.to_string()))
    }

    /// The node the pool was loaded from.
    pub fn local_name(&self) -> Option<&str> {
        self.local_name.as_deref()
    }

    /// Reach the node the pool was loaded from with `params` (the
    /// session's own), not through its registered location.
    pub fn reach_local_with(&mut self, params: ConnParams) {
        if let Some(me) = self.local_name.clone() {
            self.conns.remove(&me);
            self.local = Some((me, params));
        }
    }

    /// Accept the local database, a promoted physical standby of the node
    /// it claims to be, as that node (only for a WAL-standby takeover,
    /// which makes it the node).
    pub fn accept_local_standby(&mut self) {
        self.local_copy = true;
    }

    /// Take the cascade's operation lock: a session advisory lock keyed by
    /// the queue on every live member this pool reaches (members that do
    /// not answer are skipped). Held until the pool's connections close,
    /// so two multi-node operations on one cascade, started from the same
    /// node or from different ones, never interleave: the second finds a
    /// member held and is refused with nothing changed.
    pub fn lock(&mut self) -> Result<()> {
        let q = self.queue.clone();
        for name in self.live() {
            let Ok(c) = self.node(&name) else { continue };
            lock_member(c, &q, &name)?;
        }
        Ok(())
    }

    /// Treat a member as dead from now on (after tagging it): no more
    /// connection attempts to it.
    pub fn mark_dead(&mut self, name: &str) {
        self.conns.remove(name);
        for m in self.members.iter_mut().filter(|m| m.name == name) {
            m.dead = true;
        }
    }

    /// A member's node info.
    pub fn info(&mut self, name: &str) -> Result<NodeInfo> {
        let q = self.queue.clone();
        node_info(self.node(name)?, &q)
    }

    pub(super) fn cmd(
        &mut self,
        node: &str,
        sql: &str,
        params: &[&dyn crate::db::Param],
        report: Reporter<'_>,
    ) -> Result<Vec<crate::db::Row>> {
        let c = self.node(node)?;
        exec_cmd(c, node, sql, params, report)
    }

    /// [`Pool::cmd`] for a step whose failure does not stop the
    /// operation: the error is reported as a warning.
    pub(super) fn cmd_or_warn(
        &mut self,
        node: &str,
        sql: &str,
        params: &[&dyn crate::db::Param],
        report: Reporter<'_>,
    ) {
        match self.cmd(node, sql, params, report) {
            Ok(_) => {}
            // The step line names the node already.
            Err(Error::Refused { code, note, .. }) => {
                warn(report, node, format!("{note} (code {code})"))
            }
            Err(e) => warn(report, node, format!("{e}")),
        }
    }
}

/// The cascade's operation lock on one member's connection (see
/// [`Pool::lock`]), for an operation that reaches members without a pool;
/// held until the connection closes. Refused with nothing changed when
/// another operation holds it.
pub fn lock_member(c: &mut Client, queue: &str, node: &str) -> Result<()> {
    const TRY: &str = "select pg_try_advisory_lock(hashtext('qadmin cascade ' || $1::text))";
    let got: bool = c.query_one(TRY, &[&queue])?.get(0);
    if got {
        Ok(())
    } else {
        Err(Error::Busy {
            queue: queue.to_string(),
            node: node.to_string(),
        })
    }
}
