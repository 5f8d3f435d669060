//! The shared cascade API over pgq_node's SQL functions: members, node
//! info, connections to other nodes under a deadline, the parallel status
//! of a whole cascade, and node creation.
//!
//! It speaks pgq_node the way the Python reference (python3-pgq's cascade
//! admin, used by `londiste`) does — the same functions in the same order
//! (see `shared/reference/PGQ-API.md`) — so that qadmin, Londiste workers
//! and `londiste status` can share a cascade. Every value reaches SQL as a
//! bind parameter. Multi-node operations report each step through a
//! callback as it runs; nothing here prints.

pub mod identity;
pub mod ops;
pub mod rename;
pub mod status;

use std::time::Duration;

use crate::db::Param as ToSql;
use crate::db::{Client, Row};

use crate::db::{self, ConnParams, Environment};

/// The deadline for reaching another node when none is configured.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// What went wrong in a cascade operation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An extension this needs is missing on a node.
    #[error("extension \"{extension}\" is not installed on {node}")]
    ExtensionMissing {
        /// The node (or location) lacking it.
        node: String,
        /// The extension.
        extension: &'static str,
    },
    /// The queue has no node on this database.
    #[error("this database is not a node of queue \"{queue}\"")]
    NotInitialized {
        /// The queue.
        queue: String,
    },
    /// The node is already part of the cascade.
    #[error("this database is already node \"{node}\" ({node_type}) of the queue")]
    AlreadyInitialized {
        /// Its node name.
        node: String,
        /// Its type.
        node_type: String,
    },
    /// A node name that is not a member.
    #[error("node \"{0}\" is not a member of the cascade")]
    NodeNotFound(String),
    /// pgq_node refused (ret_code >= 400).
    #[error("[{node}] {note} (code {code})")]
    Refused {
        /// Where it ran.
        node: String,
        /// pgq_node's code.
        code: i32,
        /// pgq_node's reason.
        note: String,
    },
    /// A node could not be reached in time.
    #[error("node \"{node}\" unreachable: {why}")]
    Unreachable {
        /// The node.
        node: String,
        /// Why.
        why: String,
    },
    /// A bad argument, with the reason.
    #[error("{0}")]
    Invalid(String),
    /// The coordinating database is a copy of a node, not the node.
    #[error("this database is {what}; qadmin does not change the cascade from a copy: {instead}")]
    Copy {
        /// What the database is.
        what: String,
        /// What to run instead.
        instead: String,
    },
    /// The database at a member's location is not that member.
    #[error("the database at node \"{node}\"'s location is {found}, not node \"{node}\" itself; fix the location (alter node {node} location '...') or tag it dead")]
    WrongNode {
        /// The member.
        node: String,
        /// What answers there.
        found: String,
    },
    /// Another multi-node operation on the queue holds a member.
    #[error("another cascade operation on queue \"{queue}\" is running (it holds node \"{node}\"); run this again when it has finished")]
    Busy {
        /// The queue.
        queue: String,
        /// The member found held.
        node: String,
    },

    /// The server's error.
    #[error("{}", crate::db::error_message(.0))]
    Db(#[from] crate::db::Error),
}

/// Result of this module's functions.
pub type Result<T> = std::result::Result<T, Error>;

/// A node type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeType {
    /// Where events are produced.
    Root,
    /// Copies the queue and passes it on.
    Branch,
    /// Consumes only.
    Leaf,
}

impl NodeType {
    /// pgq_node's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeType::Root => "root",
            NodeType::Branch => "branch",
            NodeType::Leaf => "leaf",
        }
    }
}

/// One member of a cascade (`pgq_node.get_queue_locations`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// Node name.
    pub name: String,
    /// Its public connect string.
    pub location: Option<String>,
    /// Tagged dead.
    pub dead: bool,
}

/// A node's own view (`pgq_node.get_node_info`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NodeInfo {
    /// root, branch or leaf; `None` when this database is no node of the queue.
    pub node_type: Option<String>,
    /// Node name.
    pub node_name: Option<String>,
    /// Lowest tick every node has.
    pub global_watermark: Option<i64>,
    /// Lowest tick of this node's subscribers.
    pub local_watermark: Option<i64>,
    /// Provider node (the root names itself).
    pub provider_node: Option<String>,
    /// Provider's connect string.
    pub provider_location: Option<String>,
    /// Leaf merging into this queue.
    pub combined_queue: Option<String>,
    /// Type of the combined queue's node.
    pub combined_type: Option<String>,
    /// The worker (consumer) name.
    pub worker_name: Option<String>,
    /// Worker paused.
    pub worker_paused: Option<bool>,
    /// Worker has seen its latest pause state.
    pub worker_uptodate: Option<bool>,
    /// Last tick the worker finished.
    pub worker_last_tick: Option<i64>,
    /// Node attributes (urlencoded).
    pub node_attrs: Option<String>,
}

const NODE_INFO: &str = "\
select node_type, node_name, global_watermark, local_watermark, provider_node,
       provider_location, combined_queue, combined_type, worker_name, worker_paused,
       worker_uptodate, worker_last_tick, node_attrs
  from pgq_node.get_node_info($1)";

fn require_pgq_node(c: &mut Client, node: &str) -> Result<()> {
    if db::has_extension(c, "pgq_node")? {
        Ok(())
    } else {
        Err(Error::ExtensionMissing {
            node: node.to_string(),
            extension: "pgq_node",
        })
    }
}

/// The node's own info (`pgq_node.get_node_info(q)`). Used by every
/// cascade command.
pub fn node_info(c: &mut Client, queue: &str) -> Result<NodeInfo> {
    require_pgq_node(c, "this database")?;
    let r = c.query_one(NODE_INFO, &[&queue])?;
    Ok(NodeInfo::from_row(&r))
}

impl NodeInfo {
    /// From the first 13 columns of a row laid out as [`NODE_INFO`]
    /// selects them (the status query starts the same way).
    pub(crate) fn from_row(r: &Row) -> NodeInfo {
        NodeInfo {
            node_type: r.get(0),
            node_name: r.get(1),
            global_watermark: r.get(2),
            local_watermark: r.get(3),
            provider_node: r.get(4),
            provider_location: r.get(5),
            combined_queue: r.get(6),
            combined_type: r.get(7),
            worker_name: r.get(8),
            worker_paused: r.get(9),
            worker_uptodate: r.get(10),
            worker_last_tick: r.get(11),
            node_attrs: r.get(12),
        }
    }
}

const ALL_LOCATIONS: &str =
    "select queue_name, node_name from pgq_node.node_location order by 2, 1";

/// Every node this database knows, of every queue, as `(queue, node)`
/// sorted by node (`pgq_node.node_location`). For node-name completion.
pub fn all_locations(c: &mut Client) -> Result<Vec<(String, String)>> {
    Ok(c.query(ALL_LOCATIONS, &[])?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect())
}

/// Members as this node knows them (`pgq_node.get_queue_locations(q)`).
/// Used by `show members`, `status`, node-name completion.
pub fn members(c: &mut Client, queue: &str) -> Result<Vec<Member>> {
    require_pgq_node(c, "this database")?;
    Ok(c.query(
        "select node_name, node_location, dead from pgq_node.get_queue_locations($1) order by 1",
        &[&queue],
    )?
    .iter()
    .map(|r| Member {
        name: r.get(0),
        location: r.get(1),
        dead: r.get(2),
    })
    .collect())
}

/// A subscriber of a node (`pgq_node.get_subscriber_info(q)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscriber {
    /// Node name.
    pub node: String,
    /// Its worker.
    pub worker: Option<String>,
    /// Its watermark.
    pub watermark: Option<i64>,
}

/// Subscribers of this node. Used by `show node status`, `drop node`.
pub fn subscribers(c: &mut Client, queue: &str) -> Result<Vec<Subscriber>> {
    Ok(c
        .query(
            "select node_name, worker_name, node_watermark from pgq_node.get_subscriber_info($1) order by 1",
            &[&queue],
        )?
        .iter()
        .map(|r| Subscriber {
            node: r.get(0),
            worker: r.get(1),
            watermark: r.get(2),
        })
        .collect())
}

/// One reported step of a multi-node operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The node it ran on.
    pub node: String,
    /// What happened (pgq_node's note, or ours).
    pub message: String,
    /// A warning (ret_code 3xx) rather than progress.
    pub warning: bool,
}

/// Receives the steps as they run.
pub type Reporter<'a> = &'a mut dyn FnMut(&Step);

/// Run a pgq_node function that follows the ret_code convention: >= 400
/// is an error, 3xx a warning, anything else progress.
fn exec_cmd(
    c: &mut Client,
    node: &str,
    sql: &str,
    params: &[&dyn ToSql],
    report: Reporter<'_>,
) -> Result<Vec<Row>> {
    let rows = c.query(sql, params)?;
    for r in &rows {
        let code: i32 = r.try_get("ret_code")?;
        let note: String = r
            .try_get::<_, Option<String>>("ret_note")?
            .unwrap_or_default();
        if code >= 400 {
            return Err(Error::Refused {
                node: node.to_string(),
                code,
                note,
            });
        }
        report(&Step {
            node: node.to_string(),
            message: note,
            warning: (300..400).contains(&code),
        });
    }
    Ok(rows)
}

/// Open a connection to a node's location (a libpq connect string) that
/// must succeed within `timeout`, whatever the server does.
pub fn connect(node: &str, location: &str, timeout: Duration) -> Result<Client> {
    let env = Environment::from_process();
    let params =
        ConnParams::resolve(Some(location), &[], &env).map_err(|e| Error::Unreachable {
            node: node.to_string(),
            why: e.to_string(),
        })?;
    connect_with(node, &params, timeout)
}

/// Connect to a node with resolved parameters, within `timeout`.
pub fn connect_with(node: &str, params: &ConnParams, timeout: Duration) -> Result<Client> {
    let mut params = params.clone();
    if params.connect_timeout.is_none_or(|t| t > timeout) {
        params.connect_timeout = Some(timeout);
    }
    let quiet: db::NoticeSink = std::sync::Arc::new(|_, _| {});
    db::connect(&params, quiet).map_err(|e| Error::Unreachable {
        node: node.to_string(),
        why: e.to_string(),
    })
}

/// Where a new node gets its events from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Provider {
    /// A member, by name (its location is looked up on this node).
    Node(String),
    /// A connect string.
    Location(String),
}

/// What `create root | branch | leaf node` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateNode {
    /// The queue.
    pub queue: String,
    /// Root, branch or leaf.
    pub node_type: NodeType,
    /// The new node's name.
    pub name: String,
    /// Its public connect string.
    pub location: String,
    /// Its provider (branch and leaf).
    pub provider: Option<Provider>,
    /// Its worker (consumer) name.
    pub worker: String,
    /// For a leaf: the queue it merges into.
    pub merge: Option<String>,
}

/// The worker name used when `create ... node` names none: `londiste_<node>`,
/// the name a Londiste worker's `job_name` must have on that node (the
/// convention of Londiste's own examples).
pub fn default_worker_name(node: &str) -> String {
    format!("londiste_{node}")
}

/// The key of the database behind a connection: system identifier and
/// database name. Two connections with the same key reach the same
/// database.
pub fn database_key(c: &mut Client) -> Result<(i64, String)> {
    let r = c.query_one(
        "select system_identifier, current_database()::text from pg_catalog.pg_control_system()",
        &[],
    )?;
    Ok((r.get(0), r.get(1)))
}

/// Check that `location` reaches the same database as `local`.
pub fn check_location(local: &mut Client, location: &str, timeout: Duration) -> Result<()> {
    let mut other = connect("the new node's location", location, timeout)?;
    if database_key(local)? != database_key(&mut other)? {
        return Err(Error::Invalid(format!(
            "location '{location}' reaches a different database than the current connection"
        )));
    }
    Ok(())
}

/// Connect to a new node's provider, named (its location from the
/// members `local` knows; `here` says what `local` is in the message) or
/// given by location: the connection, its node info and its node name.
pub(crate) fn reach_provider(
    local: &mut Client,
    q: &str,
    given: &Provider,
    here: &str,
    timeout: Duration,
) -> Result<(Client, NodeInfo, String)> {
    let location = match given {
        Provider::Location(l) => l.clone(),
        Provider::Node(n) => members(local, q)?
            .into_iter()
            .find(|m| &m.name == n)
            .and_then(|m| m.location)
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "provider node \"{n}\" is not known on {here}; give its connect string: provider '<connstr>'"
                ))
            })?,
    };
    let mut provider = connect("provider", &location, timeout)?;
    let info = node_info(&mut provider, q)?;
    let name = info.node_name.clone().ok_or_else(|| {
        Error::Invalid(format!(
            "no node of queue \"{q}\" at the provider's location"
        ))
    })?;
    Ok((provider, info, name))
}

/// Make this database a node of the cascade, in the order the reference
/// tool uses: a root registers its own location and creates the node (and
/// with it the queue); a branch or leaf registers itself on the root and on
/// its provider, subscribes to the provider (which gives the global
/// watermark), copies the member list from the root, then creates the
/// node. Londiste's table and sequence registry is copied from the provider.
/// Used by `create root | branch | leaf node`.
pub fn create_node(
    local: &mut Client,
    spec: &CreateNode,
    timeout: Duration,
    report: Reporter<'_>,
) -> Result<()> {
    let q = spec.queue.as_str();
    let me = spec.name.as_str();
    let info = node_info(local, q)?;
    if let Some(t) = info.node_type {
        return Err(Error::AlreadyInitialized {
            node: info.node_name.unwrap_or_default(),
            node_type: t,
        });
    }
    if spec.merge.is_some() && spec.node_type != NodeType::Leaf {
        return Err(Error::Invalid("merge is only for leaf nodes".into()));
    }
    let none_i64: Option<i64> = None;
    let none_text: Option<String> = None;
    if spec.node_type == NodeType::Root {
        exec_cmd(
            local,
            me,
            "select * from pgq_node.register_location($1, $2, $3, false)",
            &[&q, &me, &spec.location],
            report,
        )?;
        exec_cmd(
            local,
            me,
            "select * from pgq_node.create_node($1, $2, $3, $4, $5, $6, $7)",
            &[
                &q,
                &"root",
                &me,
                &spec.worker,
                &none_text,
                &none_i64,
                &none_text,
            ],
            report,
        )?;
        return record_identity(local, q);
    }

    let Some(given) = &spec.provider else {
        return Err(Error::Invalid(format!(
            "a {} node needs a provider",
            spec.node_type.as_str()
        )));
    };
    let (mut provider, pinfo, provider_name) =
        reach_provider(local, q, given, "this database", timeout)?;
    // Walk up to the root for the member list.
    let (mut root, root_name) = find_root(&mut provider, &provider_name, &pinfo, q, timeout)?;
    let root_members = members(&mut root, q)?;
    if root_members.iter().any(|m| m.name == me) {
        return Err(Error::Invalid(format!(
            "node \"{me}\" already exists in the cascade"
        )));
    }
    if !root_members.iter().any(|m| m.name == provider_name) {
        return Err(Error::NodeNotFound(provider_name));
    }
    exec_cmd(
        &mut root,
        &root_name,
        "select * from pgq_node.register_location($1, $2, $3, false)",
        &[&q, &me, &spec.location],
        report,
    )?;
    if root_name != provider_name {
        exec_cmd(
            &mut provider,
            &provider_name,
            "select * from pgq_node.register_location($1, $2, $3, false)",
            &[&q, &me, &spec.location],
            report,
        )?;
    }
    // Other members learn of the new node from the root's location event
    // once their worker gets to it; tell the reachable ones now, so that a
    // takeover right after (the root gone before that event arrived) still
    // finds every node. A member that cannot be reached is skipped.
    for m in &root_members {
        if m.dead || m.name == root_name || m.name == provider_name {
            continue;
        }
        let Some(loc) = &m.location else { continue };
        if let Ok(mut other) = connect(&m.name, loc, timeout) {
            let _ = exec_cmd(
                &mut other,
                &m.name,
                "select * from pgq_node.register_location($1, $2, $3, false)",
                &[&q, &me, &spec.location],
                &mut |_| {},
            );
        }
    }
    let rows = exec_cmd(
        &mut provider,
        &provider_name,
        "select * from pgq_node.register_subscriber($1, $2, $3, null)",
        &[&q, &me, &spec.worker],
        report,
    )?;
    let global_watermark: Option<i64> = rows
        .first()
        .map(|r| r.try_get("global_watermark"))
        .transpose()?
        .flatten();
    exec_cmd(
        local,
        me,
        "select * from pgq_node.register_location($1, $2, $3, false)",
        &[&q, &me, &spec.location],
        report,
    )?;
    for m in &root_members {
        exec_cmd(
            local,
            me,
            "select * from pgq_node.register_location($1, $2, $3, $4)",
            &[&q, &m.name, &m.location, &m.dead],
            report,
        )?;
    }
    exec_cmd(
        local,
        me,
        "select * from pgq_node.create_node($1, $2, $3, $4, $5, $6, $7)",
        &[
            &q,
            &spec.node_type.as_str(),
            &me,
            &spec.worker,
            &provider_name,
            &global_watermark,
            &spec.merge,
        ],
        report,
    )?;
    copy_londiste_registry(&mut provider, local, q, me, report)?;
    record_identity(local, q)
}

/// Record this database's fingerprint as its node's ([`identity`]).
fn record_identity(local: &mut Client, q: &str) -> Result<()> {
    let seen = identity::observe(local, q)?;
    identity::record(local, q, &seen)
}

/// From a node, follow provider locations up to the root.
fn find_root(
    start: &mut Client,
    start_name: &str,
    start_info: &NodeInfo,
    queue: &str,
    timeout: Duration,
) -> Result<(Client, String)> {
    let mut info = start_info.clone();
    let mut name = start_name.to_string();
    let mut hops = 0;
    // A connection to the starting node itself when it is the root.
    if info.node_type.as_deref() == Some("root") {
        let loc = members(start, queue)?
            .into_iter()
            .find(|m| m.name == name)
            .and_then(|m| m.location)
            .ok_or_else(|| Error::NodeNotFound(name.clone()))?;
        return Ok((connect(&name, &loc, timeout)?, name));
    }
    loop {
        hops += 1;
        if hops > 64 {
            return Err(Error::Invalid(
                "provider chain does not reach a root".into(),
            ));
        }
        let loc = info
            .provider_location
            .clone()
            .ok_or_else(|| Error::Invalid(format!("node \"{name}\" has no provider location")))?;
        let pname = info.provider_node.clone().unwrap_or_default();
        let mut c = connect(&pname, &loc, timeout)?;
        info = node_info(&mut c, queue)?;
        name = info.node_name.clone().unwrap_or(pname);
        if info.node_type.as_deref() == Some("root") {
            return Ok((c, name));
        }
    }
}

/// Londiste keeps a registry of replicated tables and sequences per queue:
/// a new node starts with its provider's (londiste.global_add_table,
/// londiste.global_update_seq), as `londiste create-*` does. Skipped when
/// londiste is not installed on both.
fn copy_londiste_registry(
    provider: &mut Client,
    local: &mut Client,
    queue: &str,
    me: &str,
    report: Reporter<'_>,
) -> Result<()> {
    if !db::has_extension(provider, "londiste")? || !db::has_extension(local, "londiste")? {
        return Ok(());
    }
    let tables: Vec<String> = provider
        .query(
            "select table_name from londiste.get_table_list($1)",
            &[&queue],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    for t in tables {
        exec_cmd(
            local,
            me,
            "select * from londiste.global_add_table($1, $2)",
            &[&queue, &t],
            report,
        )?;
    }
    let seqs: Vec<(String, i64)> = provider
        .query(
            "select seq_name, last_value from londiste.get_seq_list($1)",
            &[&queue],
        )?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    for (s, v) in seqs {
        exec_cmd(
            local,
            me,
            "select * from londiste.global_update_seq($1, $2, $3)",
            &[&queue, &s, &v],
            report,
        )?;
    }
    Ok(())
}
