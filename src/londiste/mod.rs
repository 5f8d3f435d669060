//! The table and sequence API over Londiste's SQL functions (`londiste.*`),
//! for one queue on the connected node.
//!
//! Every value a user typed reaches SQL as a bind parameter; the SQL lives
//! in `const` strings here. Each function names the Londiste functions it
//! calls, in the order the reference tool (python3-londiste 3.11) calls
//! them, and the shell command that uses it. Knows nothing of terminals or
//! output formats: rows come back as typed structs, and `exec` turns them
//! into results.
//!
//! Table and sequence names are Londiste's: `schema.name`, unquoted, the
//! first dot separating the schema, `public` when there is no dot (the
//! names `londiste.get_table_list` returns). Patterns with `*` and `?`
//! are expanded as the reference tool does.
//!
//! Functions that change state follow the `ret_code` convention: a code of
//! 400 or more is an [`Error::Refused`] and the transaction is rolled back,
//! so nothing changes; other codes come back as [`Message`]s (3xx are
//! warnings). All changes of one call run in one transaction on this node;
//! on a branch or leaf the table registry is first brought in line with the
//! provider's in a transaction of its own, as the reference does.

//!
//! The files, one job each: `names` (full names, url encoding of table
//! attributes, patterns), `registry` (this node's registry against the
//! provider's, for tables and sequences alike, and what is missing),
//! `tables` and `sequences` (reading, adding, removing), `handlers` (the
//! handlers python3-londiste ships); this file holds what they share:
//! errors, messages, the node's role and the `ret_code` convention.

mod handlers;
mod names;
mod registry;
mod sequences;
mod tables;

use std::time::Duration;

use crate::catalog;
use crate::db::sqlstate;
use crate::db::Param as ToSql;
use crate::db::{Client, Row};

pub use handlers::{find_handler, handler_names, Handler, HandlerSpec, HANDLERS};
pub use names::{fq_name, urldecode, urlencode};
pub use registry::{local_seq_names, local_table_names, missing, MissingObject};
pub use sequences::{add_seqs, remove_seqs, seqs, AddSeqOptions, SeqInfo};
pub use tables::{
    add_tables, check_tgflags, parse_handler, remove_tables, resync, sync_status, tables,
    AddTableOptions, SyncStatus, TableInfo,
};

/// Connecting to the provider must succeed within this time.
pub const PROVIDER_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Registration waits at most this long for a lock on a table (the
/// trigger needs one), like the reference tool's `lock_timeout`.
pub const LOCK_TIMEOUT: &str = "10s";

/// The trigger flags `londiste.create_trigger` understands: B(efore),
/// A(fter), Q (pgq.sqltriga), L (pgq.logutriga), J (pgq.jsontriga),
/// I(nsert), U(pdate), D(elete), S(kip).
pub const TGFLAGS: &str = "BAQLJIUDS";

/// What went wrong in a Londiste operation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An extension (`pgq`, `pgq_node` or `londiste`) is not installed.
    #[error("extension \"{0}\" is not installed in this database (run: install {0};)")]
    ExtensionMissing(&'static str),
    /// No such queue on this node.
    #[error("queue \"{0}\" not found")]
    QueueNotFound(String),
    /// The queue exists but this database is not a node of it.
    #[error("this database is not a node of queue \"{0}\"")]
    NodeNotInitialized(String),
    /// No such table in this database.
    #[error("table \"{0}\" not found")]
    TableNotFound(String),
    /// No such sequence in this database.
    #[error("sequence \"{0}\" not found")]
    SequenceNotFound(String),
    /// The queue has no such table or sequence (on this node).
    #[error("{kind} \"{name}\" is not in queue \"{queue}\"")]
    NotInQueue {
        /// The queue.
        queue: String,
        /// "table" or "sequence".
        kind: &'static str,
        /// The name.
        name: String,
    },
    /// The provider does not have the object (or does not replicate it).
    #[error("{kind} \"{name}\" is not replicated on the provider (add it there first, or use another provider)")]
    NotOnProvider {
        /// "table" or "sequence".
        kind: &'static str,
        /// The name.
        name: String,
    },
    /// `handler=` names no handler python3-londiste ships.
    #[error("unknown handler \"{handler}\"; known handlers: {}", handler_names().join(", "))]
    UnknownHandler {
        /// The name given.
        handler: String,
    },
    /// `tgflags=` has letters the trigger does not know.
    #[error("bad tgflags \"{flags}\": unknown flag(s) \"{bad}\"; allowed flags: {}", TGFLAGS.chars().map(String::from).collect::<Vec<_>>().join(" "))]
    BadTgflags {
        /// The flags given.
        flags: String,
        /// The letters not allowed.
        bad: String,
    },
    /// A malformed or contradictory option.
    #[error("{0}")]
    BadOption(String),
    /// The operation makes no sense on the root node.
    #[error("{0} is not possible on the root node")]
    OnRoot(&'static str),
    /// The provider could not be reached.
    #[error("cannot connect to the provider ({location}): {why}")]
    ProviderUnreachable {
        /// Its location.
        location: String,
        /// Why.
        why: String,
    },
    /// A refusal by Londiste: `ret_code` >= 400 and its `ret_note`.
    #[error("{1} (code {0})")]
    Refused(i32, String),
    /// Reading the catalog (DDL for `create`) failed.
    #[error("{0}")]
    Catalog(#[source] catalog::Error),
    /// The server's error.
    #[error("{}", crate::db::error_message(.0))]
    Db(#[from] crate::db::Error),
}

impl From<catalog::Error> for Error {
    fn from(e: catalog::Error) -> Self {
        match e {
            catalog::Error::Db(e) => Error::Db(e),
            other => Error::Catalog(other),
        }
    }
}

/// Result of this module's functions.
pub type Result<T> = std::result::Result<T, Error>;

/// What a step said: a Londiste `ret_code` below 400 with its `ret_note`,
/// or a note of qadmin's own (code 200).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// 2xx: done; 3xx: done, with a warning.
    pub code: i32,
    /// The text.
    pub note: String,
}

impl Message {
    fn new(code: i32, note: impl Into<String>) -> Message {
        Message {
            code,
            note: note.into(),
        }
    }

    /// A 3xx code: the caller should show it as a warning.
    pub fn is_warning(&self) -> bool {
        (300..400).contains(&self.code)
    }
}

// ---------------------------------------------------------------------------
// Node and extension checks.

/// This node's place in the queue (`pgq_node.get_node_info`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeRole {
    /// `root`, `branch` or `leaf`.
    pub node_type: String,
    /// This node's name.
    pub node_name: String,
    /// The provider's connect string (the root's own for the root).
    pub provider_location: Option<String>,
}

impl NodeRole {
    /// Whether this node is the root.
    pub fn is_root(&self) -> bool {
        self.node_type == "root"
    }
}

const NODE_INFO: &str = "\
select ret_code, ret_note, node_type, node_name, provider_location
  from pgq_node.get_node_info($1)";

const QUEUE_EXISTS: &str =
    "select exists (select 1 from pgq.get_queue_info() where queue_name = $1)";

const EXTENSIONS: &str = "\
select e from unnest(array['pgq', 'pgq_node', 'londiste']) with ordinality x(e, n)
 where not exists (select 1 from pg_catalog.pg_extension where extname = e)
 order by n limit 1";

/// Turn an error into [`Error::ExtensionMissing`] when a PgQ schema or
/// function is missing because its extension is.
fn db_error(c: &mut Client, e: crate::db::Error) -> Error {
    let missing_object = matches!(
        e.code(),
        Some(sqlstate::UNDEFINED_FUNCTION)
            | Some(sqlstate::INVALID_SCHEMA_NAME)
            | Some(sqlstate::UNDEFINED_TABLE)
    );
    if missing_object {
        if let Ok(Some(row)) = c.query_opt(EXTENSIONS, &[]) {
            let ext: String = row.get(0);
            return Error::ExtensionMissing(match ext.as_str() {
                "pgq" => "pgq",
                "pgq_node" => "pgq_node",
                _ => "londiste",
            });
        }
    }
    Error::Db(e)
}

/// Run a query, naming a missing extension instead of failing obscurely.
fn query(c: &mut Client, sql: &str, params: &[&dyn ToSql]) -> Result<Vec<Row>> {
    match c.query(sql, params) {
        Ok(rows) => Ok(rows),
        Err(e) => Err(db_error(c, e)),
    }
}

/// This node's role in the queue; [`Error::QueueNotFound`] or
/// [`Error::NodeNotInitialized`] when it has none.
pub fn node_role(c: &mut Client, queue: &str) -> Result<NodeRole> {
    let rows = query(c, NODE_INFO, &[&queue])?;
    let row = rows.first();
    let code: i32 = row.map(|r| r.get(0)).unwrap_or(404);
    let node_type: Option<String> = row.and_then(|r| r.get(2));
    match (code, node_type, row) {
        (code, Some(node_type), Some(r)) if code < 400 => Ok(NodeRole {
            node_type,
            node_name: r.get::<_, Option<String>>(3).unwrap_or_default(),
            provider_location: r.get(4),
        }),
        _ => {
            let exists: bool = c.query_one(QUEUE_EXISTS, &[&queue])?.get(0);
            if exists {
                Err(Error::NodeNotInitialized(queue.to_string()))
            } else {
                Err(Error::QueueNotFound(queue.to_string()))
            }
        }
    }
}

/// Open a connection to the provider's location within
/// [`PROVIDER_CONNECT_TIMEOUT`] (through the cascade API's connect).
fn connect_provider(location: &str) -> Result<Client> {
    crate::cascade::connect("provider", location, PROVIDER_CONNECT_TIMEOUT).map_err(|e| {
        Error::ProviderUnreachable {
            location: location.to_string(),
            why: e.to_string(),
        }
    })
}

fn provider(role: &NodeRole) -> Result<Client> {
    let loc = role.provider_location.as_deref().ok_or_else(|| {
        Error::BadOption(format!(
            "node \"{}\" has no provider location",
            role.node_name
        ))
    })?;
    connect_provider(loc)
}

/// A `ret_code, ret_note` row: >= 400 is an error, the rest a message.
fn ret(row: &Row) -> Result<Message> {
    let code: i32 = row.get(0);
    let note: Option<String> = row.get(1);
    let note = note.unwrap_or_default();
    if code >= 400 {
        Err(Error::Refused(code, note))
    } else {
        Ok(Message::new(code, note))
    }
}

fn exec_ret(c: &mut Client, sql: &str, params: &[&dyn ToSql]) -> Result<Message> {
    let row = c.query_one(sql, params)?;
    ret(&row)
}

/// A name given to `add table` / `add sequence` that is not there: on the
/// root no such object, elsewhere not in the queue's registry.
fn unknown(role: &NodeRole, queue: &str, kind: &'static str, name: String) -> Error {
    match (role.is_root(), kind) {
        (true, "table") => Error::TableNotFound(name),
        (true, _) => Error::SequenceNotFound(name),
        (false, _) => Error::NotInQueue {
            queue: queue.to_string(),
            kind,
            name,
        },
    }
}

/// `ddl` preceded by the creation of `schema` when this node lacks it.
fn with_schema(c: &mut Client, schema: &str, ddl: String) -> Result<String> {
    if catalog::schema_exists(c, schema)? {
        return Ok(ddl);
    }
    Ok(catalog::create_schema_ddl(c, schema)? + &ddl)
}
