//! Node identity: which database answers for a node.
//!
//! A node is its pgq_node local node (the name), in one database of one
//! cluster: the server's system identifier, the database's oid and the
//! WAL timeline it runs on make its fingerprint. qadmin records the
//! fingerprint in the node's own `pgq_node.node_info.node_attrs`
//! (one urlencoded key, `qadmin_id=<system id>.<database oid>.<timeline>`,
//! beside whatever the workers keep there; `londiste status` shows it as
//! an `Attr:` line), where every member that connects to the node can read
//! it, the first time a multi-node operation meets the node.
//!
//! A copy carries the original's record but not its fingerprint:
//! - a restored dump (or a copy into another database): another system
//!   identifier or database oid;
//! - a promoted physical standby or a point-in-time restore: the same
//!   system identifier and oid on a later timeline;
//! - a standby still in recovery: read-only.
//!
//! [`check_local`] refuses to coordinate multi-node changes from a copy;
//! [`check_member`] checks that the database answering at a member's
//! location is that member; [`superseded_by`] tells an old primary that
//! its promoted standby took its place (what `resurrect` counts there).

use crate::db::Client;

use super::{Error, Result};

/// What identifies the database behind a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fingerprint {
    /// `pg_control_system().system_identifier`.
    pub system_id: i64,
    /// The database's oid.
    pub db_oid: i64,
    /// The WAL timeline the server writes on.
    pub timeline: i64,
}

/// What one connection found out about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observed {
    /// The pgq_node local node of the queue, if any.
    pub node: Option<String>,
    /// This database's fingerprint (`None` when the server does not let
    /// this user read it, or on a standby in recovery).
    pub actual: Option<Fingerprint>,
    /// The fingerprint recorded in the node's attributes.
    pub recorded: Option<Fingerprint>,
    /// A standby in recovery.
    pub in_recovery: bool,
    /// When the server started (two servers cloned from one backup share
    /// a fingerprint, not this).
    pub started: Option<String>,
    /// The node's attributes as they are (kept when recording).
    attrs: Option<String>,
}

/// What a database is, for the node it claims to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The node itself (or no record to compare with yet).
    Original,
    /// A copy from a dump or another database: another cluster or database.
    Restored,
    /// A promoted standby or point-in-time restore: a later timeline.
    Promoted {
        /// The timeline recorded for the node.
        recorded: i64,
        /// The timeline of this database.
        actual: i64,
    },
    /// A physical standby still in recovery.
    Standby,
}

// One round trip; the fingerprint needs pg_control_system(), which the
// server keeps to superusers and roles granted it (else left unknown).
const OBSERVE: &str = "\
select n.node_name, n.node_attrs, pg_catalog.pg_is_in_recovery(),
       pg_catalog.pg_postmaster_start_time()::text,
       s.system_identifier, d.oid::int8,
       case when pg_catalog.pg_is_in_recovery() then null
            else ('x' || substr(pg_catalog.pg_walfile_name(pg_catalog.pg_current_wal_lsn()), 1, 8))::bit(32)::int8
       end
  from pg_catalog.pg_database d
  cross join pg_catalog.pg_control_system() s
  left join lateral (select node_name, node_attrs from pgq_node.get_node_info($1)) n on true
 where d.datname = pg_catalog.current_database()";

const OBSERVE_NAME_ONLY: &str = "\
select n.node_name, n.node_attrs, pg_catalog.pg_is_in_recovery(),
       pg_catalog.pg_postmaster_start_time()::text
  from (select 1) x
  left join lateral (select node_name, node_attrs from pgq_node.get_node_info($1)) n on true";

/// Read a database's node name, fingerprint and recorded fingerprint.
pub fn observe(c: &mut Client, queue: &str) -> Result<Observed> {
    let (row, full) = match c.query_one(OBSERVE, &[&queue]) {
        Ok(r) => (r, true),
        Err(e) if e.code() == Some(crate::db::sqlstate::INSUFFICIENT_PRIVILEGE) => {
            (c.query_one(OBSERVE_NAME_ONLY, &[&queue])?, false)
        }
        Err(e) => return Err(e.into()),
    };
    let attrs: Option<String> = row.get(1);
    let actual = if full {
        let tli: Option<i64> = row.get(6);
        tli.map(|timeline| Fingerprint {
            system_id: row.get(4),
            db_oid: row.get(5),
            timeline,
        })
    } else {
        None
    };
    Ok(Observed {
        node: row.get(0),
        recorded: attrs.as_deref().and_then(recorded_in),
        in_recovery: row.get(2),
        started: row.get(3),
        actual,
        attrs,
    })
}

impl Observed {
    /// What this database is for the node it claims to be.
    pub fn verdict(&self) -> Verdict {
        if self.in_recovery {
            return Verdict::Standby;
        }
        match (self.actual, self.recorded) {
            (Some(a), Some(r)) if a.system_id != r.system_id || a.db_oid != r.db_oid => {
                Verdict::Restored
            }
            (Some(a), Some(r)) if a.timeline != r.timeline => Verdict::Promoted {
                recorded: r.timeline,
                actual: a.timeline,
            },
            _ => Verdict::Original,
        }
    }

    /// The node's attributes with this database's fingerprint recorded
    /// (other keys kept as they are); `None` when there is nothing new to
    /// record.
    fn attrs_to_record(&self) -> Option<String> {
        let a = self.actual?;
        if self.recorded == Some(a) {
            return None;
        }
        let mut kept: Vec<&str> = self
            .attrs
            .as_deref()
            .unwrap_or("")
            .split('&')
            .filter(|kv| !kv.is_empty() && kv.split('=').next() != Some(KEY))
            .collect();
        let ours = format!("{KEY}={}.{}.{}", a.system_id, a.db_oid, a.timeline);
        kept.push(&ours);
        Some(kept.join("&"))
    }

    /// A sentence saying what this database is, for messages.
    pub fn describe(&self) -> Option<String> {
        let node = self.node.as_deref()?;
        Some(match self.verdict() {
            Verdict::Original => return None,
            Verdict::Restored => format!(
                "a copy of node \"{node}\" (restored from a dump or copied into another database: its system identifier or database oid is not the one recorded for {node})"
            ),
            Verdict::Promoted { recorded, actual } => format!(
                "a promoted standby or point-in-time restore of node \"{node}\" (timeline {actual}, {node}'s is {recorded})"
            ),
            Verdict::Standby => {
                format!("a physical standby of node \"{node}\" (in recovery, read-only)")
            }
        })
    }
}

/// The attribute that holds the record.
const KEY: &str = "qadmin_id";

fn recorded_in(attrs: &str) -> Option<Fingerprint> {
    let value = attrs
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == KEY)?
        .1;
    let mut parts = value.split('.').map(|p| p.parse::<i64>().ok());
    let fp = Fingerprint {
        system_id: parts.next()??,
        db_oid: parts.next()??,
        timeline: parts.next()??,
    };
    parts.next().is_none().then_some(fp)
}

/// Record this database's fingerprint as the node's, when it is the
/// node (or nothing was recorded yet) and it differs from the record.
pub fn record(c: &mut Client, queue: &str, seen: &Observed) -> Result<()> {
    if seen.node.is_none() || seen.verdict() != Verdict::Original {
        return Ok(());
    }
    if let Some(attrs) = seen.attrs_to_record() {
        c.query_one(
            "select * from pgq_node.set_node_attrs($1, $2)",
            &[&queue, &attrs],
        )?;
    }
    Ok(())
}

/// Record this database's fingerprint as the node's although the record
/// says it is a copy: after a WAL-standby takeover the promoted standby
/// *is* the node (its timeline changed). Never for a restored dump or a
/// standby in recovery.
pub fn adopt(c: &mut Client, queue: &str) -> Result<()> {
    let seen = observe(c, queue)?;
    if seen.node.is_none()
        || !matches!(seen.verdict(), Verdict::Promoted { .. } | Verdict::Original)
    {
        return Ok(());
    }
    if let Some(attrs) = seen.attrs_to_record() {
        c.query_one(
            "select * from pgq_node.set_node_attrs($1, $2)",
            &[&queue, &attrs],
        )?;
    }
    Ok(())
}

/// Whether `theirs` (the database answering at node `me`'s location as
/// the other members know it) is a promoted physical standby of `mine`
/// (this database, also node `me`) that took its place: the same node
/// name, system identifier and database oid, on a later timeline. This
/// database is then the old primary, superseded by a WAL-standby
/// takeover. `false` when either fingerprint is unknown.
pub fn superseded_by(mine: &Observed, theirs: &Observed) -> bool {
    match (mine.actual, theirs.actual) {
        (Some(a), Some(b)) => {
            mine.node.is_some()
                && theirs.node == mine.node
                && !theirs.in_recovery
                && a.system_id == b.system_id
                && a.db_oid == b.db_oid
                && b.timeline > a.timeline
        }
        _ => false,
    }
}

/// The coordinating (local) database of a multi-node change must be the
/// node it claims to be, not a copy: its fingerprint must match the
/// record, and the database answering at its own registered location
/// (when one answers) must be this very database (a clone started from a
/// base backup shares the fingerprint, not the server). A copy is refused,
/// saying what it is and what to run instead. Records the fingerprint when
/// none is recorded yet.
pub fn check_local(
    c: &mut Client,
    queue: &str,
    own_location: Option<&str>,
    timeout: std::time::Duration,
) -> Result<Observed> {
    let seen = observe(c, queue)?;
    let Some(node) = seen.node.clone() else {
        return Ok(seen);
    };
    let root = super::node_info(c, queue)?.node_type.as_deref() == Some("root");
    let copy = |what: String, verdict: &Verdict| {
        let instead = match verdict {
            // Only a root has a WAL-standby takeover; a copy of a branch or
            // a leaf becomes a member of its own.
            Verdict::Promoted { .. } if root => format!(
                "if {node} is dead and this database is to take its place, run \"takeover {node} dead;\" here (a WAL-standby takeover, see docs/cascade.md); otherwise connect to {node} itself (connect node={node};)"
            ),
            _ => format!(
                "run it on {node} itself (connect node={node};), or make this database a new member: \"create branch | leaf node <new name> from copy;\" (see docs/cascade.md)"
            ),
        };
        Error::Copy { what, instead }
    };
    if let Some(what) = seen.describe() {
        return Err(copy(what, &seen.verdict()));
    }
    if let Some(loc) = own_location {
        // Unreachable: nothing to compare with (the location may be the
        // thing being fixed).
        if let Ok(mut there) = super::connect(&node, loc, timeout) {
            let other = observe(&mut there, queue)?;
            let same = other.node == seen.node
                && other.actual == seen.actual
                && other.started == seen.started;
            if !same {
                return Err(copy(
                    format!(
                        "a copy of node \"{node}\" (node {node} answers at its registered location, and that is another server or database)"
                    ),
                    &Verdict::Restored,
                ));
            }
        }
    }
    record(c, queue, &seen)?;
    Ok(seen)
}

/// The database answering at member `name`'s location must be `name`: its
/// pgq_node local node is `name`, and it is not a copy of it. Records the
/// fingerprint when none is recorded yet.
pub fn check_member(c: &mut Client, queue: &str, name: &str) -> Result<()> {
    let seen = observe(c, queue)?;
    if seen.node.as_deref() != Some(name) {
        return Err(Error::WrongNode {
            node: name.to_string(),
            found: seen
                .node
                .map(|n| format!("node \"{n}\""))
                .unwrap_or_else(|| "no node of this queue".into()),
        });
    }
    if let Some(what) = seen.describe() {
        return Err(Error::WrongNode {
            node: name.to_string(),
            found: what,
        });
    }
    record(c, queue, &seen)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(attrs: Option<&str>, actual: Option<(i64, i64, i64)>, rec: bool) -> Observed {
        Observed {
            node: Some("n1".into()),
            actual: actual.map(|(s, d, t)| Fingerprint {
                system_id: s,
                db_oid: d,
                timeline: t,
            }),
            recorded: attrs.and_then(recorded_in),
            in_recovery: rec,
            started: None,
            attrs: attrs.map(str::to_string),
        }
    }

    #[test]
    fn a_record_is_read_among_other_attributes() {
        let s = seen(
            Some("sync_watermark=a,b&qadmin_id=7.5.1"),
            Some((7, 5, 1)),
            false,
        );
        assert_eq!(s.verdict(), Verdict::Original);
        assert_eq!(s.attrs_to_record(), None);
    }

    #[test]
    fn copies_are_told_apart() {
        let rec = Some("qadmin_id=7.5.1");
        assert_eq!(
            seen(rec, Some((8, 5, 1)), false).verdict(),
            Verdict::Restored
        );
        assert_eq!(
            seen(rec, Some((7, 6, 1)), false).verdict(),
            Verdict::Restored
        );
        assert_eq!(
            seen(rec, Some((7, 5, 2)), false).verdict(),
            Verdict::Promoted {
                recorded: 1,
                actual: 2
            }
        );
        assert_eq!(seen(rec, None, true).verdict(), Verdict::Standby);
        assert!(seen(rec, Some((8, 5, 1)), false)
            .describe()
            .is_some_and(|d| d.contains("a copy of node \"n1\"")));
    }

    #[test]
    fn an_old_primary_knows_its_promoted_standby() {
        let old = seen(Some("qadmin_id=7.5.1"), Some((7, 5, 1)), false);
        let new = seen(Some("qadmin_id=7.5.2"), Some((7, 5, 2)), false);
        assert!(superseded_by(&old, &new));
        assert!(!superseded_by(&new, &old));
        assert!(!superseded_by(&old, &old));
        assert!(!superseded_by(&old, &seen(None, Some((8, 5, 2)), false)));
        assert!(!superseded_by(&old, &seen(None, Some((7, 5, 2)), true)));
        assert!(!superseded_by(&old, &seen(None, None, false)));
    }

    #[test]
    fn recording_keeps_the_workers_attributes() {
        let s = seen(Some("sync_watermark=a%2Cb"), Some((7, 5, 1)), false);
        assert_eq!(s.verdict(), Verdict::Original, "nothing recorded yet");
        assert_eq!(
            s.attrs_to_record().as_deref(),
            Some("sync_watermark=a%2Cb&qadmin_id=7.5.1")
        );
        let none = seen(None, Some((7, 5, 1)), false);
        assert_eq!(none.attrs_to_record().as_deref(), Some("qadmin_id=7.5.1"));
    }
}
