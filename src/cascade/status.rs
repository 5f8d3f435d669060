//! Status of a whole cascade: every member queried in parallel, each on a
//! fresh connection under one deadline, so the time grows with the slowest
//! node and not with their number; a node that is down or never answers
//! becomes an error value in the result, never a hang.
//!
//! Per node it runs what `londiste status` runs (PGQ-API.md, "status"):
//! pgq_node.get_node_info, pgq.get_consumer_info, pgq.get_queue_info,
//! pgq_node.get_consumer_info and londiste.get_table_list (when londiste is
//! installed), here in one round trip each.

use std::collections::HashMap;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::db::Client;

use super::{connect, members, node_info, NodeInfo, Result};

/// Lag of one consumer on a node's queue (`pgq.get_consumer_info`).
#[derive(Debug, Clone, PartialEq)]
pub struct ConsumerTick {
    /// Consumer name.
    pub consumer: String,
    /// Time of the tick it last finished, seconds since the epoch.
    pub tick_time: Option<f64>,
    /// Its last tick.
    pub last_tick: Option<i64>,
}

/// What one node said, or why it said nothing.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeStatus {
    /// Member name.
    pub name: String,
    /// Its location.
    pub location: Option<String>,
    /// Tagged dead (not contacted).
    pub dead: bool,
    /// Its node info, when reached.
    pub info: Option<NodeInfo>,
    /// Why it could not be read.
    pub error: Option<String>,
    /// Consumers of its queue.
    pub consumers: Vec<ConsumerTick>,
    /// Its clock, seconds since the epoch.
    pub now: Option<f64>,
    /// Time of its queue's last tick.
    pub queue_tick_time: Option<f64>,
    /// Errors its cascaded consumers report (consumer, first line).
    pub consumer_errors: Vec<(String, String)>,
    /// Londiste tables: in sync, being copied, not replicated here.
    pub tables: Option<(u32, u32, u32)>,
    /// Subscribers of this node, by name (from their provider field).
    pub children: Vec<String>,
    /// The last tick of its own queue.
    pub queue_last_tick: Option<i64>,
    /// Tagged dead, yet a database answered at its location as this node.
    pub dead_but_answers: bool,
}

impl NodeStatus {
    fn unread(name: &str, location: Option<String>, dead: bool, error: Option<String>) -> Self {
        NodeStatus {
            name: name.to_string(),
            location,
            dead,
            info: None,
            error,
            consumers: Vec::new(),
            now: None,
            queue_tick_time: None,
            consumer_errors: Vec::new(),
            tables: None,
            children: Vec::new(),
            queue_last_tick: None,
            dead_but_answers: false,
        }
    }

    /// The node's type, when known.
    pub fn node_type(&self) -> Option<&str> {
        self.info.as_ref().and_then(|i| i.node_type.as_deref())
    }
}

/// The whole cascade as seen in one status run.
#[derive(Debug, Clone, PartialEq)]
pub struct CascadeStatus {
    /// The queue.
    pub queue: String,
    /// The node the run started from.
    pub local_node: String,
    /// Every member, in member-list order.
    pub nodes: Vec<NodeStatus>,
    /// How long the run took.
    pub elapsed: Duration,
}

impl CascadeStatus {
    /// Look a node up by name.
    pub fn node(&self, name: &str) -> Option<&NodeStatus> {
        self.nodes.iter().find(|n| n.name == name)
    }

    /// The root (the node whose type is root), if it was reached.
    pub fn root(&self) -> Option<&NodeStatus> {
        self.nodes.iter().find(|n| n.node_type() == Some("root"))
    }

    /// Nodes in tree order with their depth: root first, then each node's
    /// subscribers below it; nodes the tree does not reach (unreachable,
    /// dead, or cut off) follow at depth 0.
    pub fn tree_order(&self) -> Vec<(usize, &NodeStatus)> {
        let mut out = Vec::new();
        let mut seen = std::collections::HashSet::new();
        if let Some(root) = self.root() {
            let mut stack = vec![(0usize, root)];
            while let Some((depth, n)) = stack.pop() {
                if !seen.insert(n.name.clone()) {
                    continue;
                }
                out.push((depth, n));
                let mut kids: Vec<&NodeStatus> =
                    n.children.iter().filter_map(|c| self.node(c)).collect();
                kids.sort_by(|a, b| b.name.cmp(&a.name));
                for k in kids {
                    stack.push((depth + 1, k));
                }
            }
        }
        for n in &self.nodes {
            if !seen.contains(&n.name) {
                out.push((0, n));
            }
        }
        out
    }

    /// What is wrong with the cascade as seen: more than one root, a node
    /// ahead of its provider (it has ticks its provider never made), a
    /// member tagged dead that answers, a location that answers as
    /// another node. Empty when nothing is.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let roots: Vec<&str> = self
            .nodes
            .iter()
            .filter(|n| n.node_type() == Some("root"))
            .map(|n| n.name.as_str())
            .collect();
        if roots.len() > 1 {
            out.push(format!(
                "{} nodes are of type root: {}",
                roots.len(),
                roots.join(", ")
            ));
        }
        for n in &self.nodes {
            if n.dead_but_answers {
                out.push(format!(
                    "{} is tagged dead but answers at its location",
                    n.name
                ));
            }
            if let Some(e) = n
                .error
                .as_deref()
                .filter(|e| e.starts_with("its location answers"))
            {
                out.push(format!("{}: {e}", n.name));
            }
            let Some(info) = n.info.as_ref() else {
                continue;
            };
            if info.node_type.as_deref() == Some("root") {
                continue;
            }
            let (Some(p), Some(mine)) = (info.provider_node.as_deref(), info.worker_last_tick)
            else {
                continue;
            };
            if let Some(theirs) = self.node(p).and_then(|pn| pn.queue_last_tick) {
                if mine > theirs {
                    out.push(format!(
                        "{} is ahead of its provider {p}: it finished tick {mine}, {p}'s queue ends at tick {theirs}",
                        n.name
                    ));
                }
            }
        }
        out
    }

    /// Lag of a node: the root's clock minus the time of the tick the node's
    /// worker last finished, as its provider records it. For the root: the
    /// time since its last tick.
    pub fn lag(&self, n: &NodeStatus) -> Option<f64> {
        let info = n.info.as_ref()?;
        if info.node_type.as_deref() == Some("root") {
            return Some((n.now? - n.queue_tick_time?).max(0.0));
        }
        let provider = self.node(info.provider_node.as_deref()?)?;
        let worker = info.worker_name.as_deref()?;
        let tick_time = provider
            .consumers
            .iter()
            .find(|c| c.consumer == worker)?
            .tick_time?;
        let now = self.root().and_then(|r| r.now).or(provider.now)?;
        Some((now - tick_time).max(0.0))
    }
}

/// How long a member tagged dead is given to answer.
const DEAD_PROBE: Duration = Duration::from_secs(1);

/// Everything in one statement, so a node costs one round trip after
/// connecting; sent with `query_typed` (no separate prepare round trip).
/// The Londiste table counts are read only where londiste is installed:
/// the query naming `londiste.get_table_list` is text until then
/// (`query_to_xml`), so a node without londiste does not fail to parse it;
/// the queue name goes in through `format('%L')`.
const NODE_STATUS: &str = "\
select n.node_type, n.node_name, n.global_watermark, n.local_watermark, n.provider_node,
       n.provider_location, n.combined_queue, n.combined_type, n.worker_name, n.worker_paused,
       n.worker_uptodate, n.worker_last_tick, n.node_attrs,
       (select coalesce(json_agg(json_build_array(consumer_name,
                        extract(epoch from current_timestamp - lag)::float8, last_tick)), '[]')::text
          from pgq.get_consumer_info($1)),
       (select extract(epoch from current_timestamp - ticker_lag)::float8
          from pgq.get_queue_info($1) limit 1),
       extract(epoch from current_timestamp)::float8,
       (select coalesce(json_agg(json_build_array(consumer_name, split_part(cur_error, E'\\n', 1))), '[]')::text
          from pgq_node.get_consumer_info($1) where cur_error is not null),
       case when exists (select 1 from pg_catalog.pg_extension where extname = 'londiste') then
         (xpath('/row/t/text()', query_to_xml(format(
           $q$select concat_ws('/', count(*) filter (where local and merge_state = 'ok'),
                                    count(*) filter (where local and merge_state is distinct from 'ok'),
                                    count(*) filter (where not local)) as t
                from londiste.get_table_list(%L)$q$, $1), false, true, '')))[1]::text
       end,
       (select last_tick_id from pgq.get_queue_info($1) limit 1)
  from pgq_node.get_node_info($1::text) n";

fn read_node(c: &mut Client, queue: &str, st: &mut NodeStatus) -> Result<()> {
    let r = c.query_one(NODE_STATUS, &[&queue])?;
    let info = NodeInfo::from_row(&r);
    // Whoever answers at the location must be this member.
    if info.node_name.as_deref() != Some(st.name.as_str()) {
        st.error = Some(match &info.node_name {
            Some(other) => format!("its location answers as node \"{other}\""),
            None => "its location answers with no node of this queue".into(),
        });
        return Ok(());
    }
    st.info = Some(info);
    st.queue_last_tick = r.get(18);
    let consumers: String = r.get(13);
    let parsed: Vec<(String, Option<f64>, Option<i64>)> =
        serde_json::from_str(&consumers).unwrap_or_default();
    st.consumers = parsed
        .into_iter()
        .map(|(consumer, tick_time, last_tick)| ConsumerTick {
            consumer,
            tick_time,
            last_tick,
        })
        .collect();
    st.queue_tick_time = r.get(14);
    st.now = r.get(15);
    let errors: String = r.get(16);
    st.consumer_errors = serde_json::from_str(&errors).unwrap_or_default();
    let tables: Option<String> = r.get(17);
    st.tables = tables.and_then(|t| {
        let n: Vec<u32> = t.split('/').filter_map(|x| x.parse().ok()).collect();
        (n.len() == 3).then(|| (n[0], n[1], n[2]))
    });
    Ok(())
}

/// Status of every member of `queue`, as the local node knows them, read
/// in parallel (at most `parallel` connections at once) under `timeout`
/// per node. Used by `show cascade` / `status`.
pub fn status(
    local: &mut Client,
    queue: &str,
    timeout: Duration,
    parallel: usize,
) -> Result<CascadeStatus> {
    let start = Instant::now();
    let me = node_info(local, queue)?;
    let local_node = match me.node_name.clone() {
        Some(n) => n,
        None => {
            return Err(super::Error::NotInitialized {
                queue: queue.to_string(),
            })
        }
    };
    let list = members(local, queue)?;
    let parallel = parallel.max(1);
    let mut results: HashMap<String, NodeStatus> = HashMap::new();
    for chunk in list.chunks(parallel) {
        let (tx, rx) = mpsc::channel();
        let mut waiting = 0;
        for m in chunk {
            if m.dead && m.location.is_none() {
                results.insert(
                    m.name.clone(),
                    NodeStatus::unread(&m.name, None, true, None),
                );
                continue;
            }
            let Some(loc) = m.location.clone() else {
                results.insert(
                    m.name.clone(),
                    NodeStatus::unread(&m.name, None, false, Some("no location registered".into())),
                );
                continue;
            };
            let tx = tx.clone();
            let name = m.name.clone();
            let q = queue.to_string();
            let dead = m.dead;
            waiting += 1;
            let spawned = std::thread::Builder::new()
                .name(format!("status {name}"))
                .spawn(move || {
                    if dead {
                        // A member tagged dead is only asked, briefly,
                        // whether it still answers as itself.
                        let mut st = NodeStatus::unread(&name, Some(loc.clone()), true, None);
                        let brief = timeout.min(DEAD_PROBE);
                        if let Ok(mut c) = connect(&name, &loc, brief) {
                            let mut probe = NodeStatus::unread(&name, None, true, None);
                            st.dead_but_answers =
                                read_node(&mut c, &q, &mut probe).is_ok() && probe.info.is_some();
                        }
                        let _ = tx.send(st);
                        return;
                    }
                    let mut st = NodeStatus::unread(&name, Some(loc.clone()), false, None);
                    match connect(&name, &loc, timeout) {
                        Ok(mut c) => {
                            if let Err(e) = read_node(&mut c, &q, &mut st) {
                                st.error = Some(e.to_string());
                            }
                        }
                        Err(e) => st.error = Some(e.to_string()),
                    }
                    let _ = tx.send(st);
                });
            if let Err(e) = spawned {
                waiting -= 1;
                results.insert(
                    m.name.clone(),
                    NodeStatus::unread(&m.name, m.location.clone(), false, Some(e.to_string())),
                );
            }
        }
        drop(tx);
        // One deadline for the whole chunk: connect timeout plus a second
        // for the queries; what has not answered by then is reported.
        let deadline = Instant::now() + timeout + Duration::from_secs(1);
        while waiting > 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(st) => {
                    waiting -= 1;
                    results.insert(st.name.clone(), st);
                }
                Err(_) => break,
            }
        }
        for m in chunk {
            results.entry(m.name.clone()).or_insert_with(|| {
                if m.dead {
                    return NodeStatus::unread(&m.name, m.location.clone(), true, None);
                }
                NodeStatus::unread(
                    &m.name,
                    m.location.clone(),
                    false,
                    Some(format!("no answer within {} s", timeout.as_secs_f64())),
                )
            });
        }
    }
    let mut nodes: Vec<NodeStatus> = list
        .iter()
        .filter_map(|m| results.remove(&m.name))
        .collect();
    // Children from each node's provider field.
    let links: Vec<(String, String)> = nodes
        .iter()
        .filter_map(|n| {
            let info = n.info.as_ref()?;
            let p = info.provider_node.clone()?;
            (info.node_type.as_deref() != Some("root")).then(|| (p, n.name.clone()))
        })
        .collect();
    for (p, child) in links {
        if let Some(pn) = nodes.iter_mut().find(|n| n.name == p) {
            pn.children.push(child);
        }
    }
    Ok(CascadeStatus {
        queue: queue.to_string(),
        local_node,
        nodes,
        elapsed: start.elapsed(),
    })
}
