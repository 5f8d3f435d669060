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

mod handlers;

use std::time::Duration;

use crate::db::sqlstate;
use crate::db::Param as ToSql;
use crate::db::{Client, Row};

use crate::catalog::{self, DdlOptions, RelName};

pub use handlers::{find_handler, handler_names, Handler, HandlerSpec, HANDLERS};

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
// Small helpers: names, url encoding, globbing.

/// Londiste's full name: `public.` added when there is no dot
/// (`londiste.make_fqname`).
pub fn fq_name(name: &str) -> String {
    if name.contains('.') {
        name.to_string()
    } else {
        format!("public.{name}")
    }
}

/// Url-encode pairs as skytools' `db_urlencode` does (its C version):
/// letters, digits and `_.-` stay, space becomes `+`, everything else
/// `%xx` in lower case.
pub fn urlencode(pairs: &[(String, String)]) -> String {
    fn enc(s: &str, out: &mut String) {
        for b in s.bytes() {
            match b {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'.' | b'-' => out.push(b as char),
                b' ' => out.push('+'),
                _ => out.push_str(&format!("%{b:02x}")),
            }
        }
    }
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        enc(k, &mut out);
        out.push('=');
        enc(v, &mut out);
    }
    out
}

/// Decode `k=v&k2&...` (a key without `=` has no value), as the table
/// attributes are stored.
pub fn urldecode(s: &str) -> Vec<(String, Option<String>)> {
    fn hex(b: u8) -> Option<u8> {
        (b as char).to_digit(16).map(|d| d as u8)
    }
    fn dec(s: &str) -> String {
        let b = s.as_bytes();
        let mut out = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push(h * 16 + l);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                },
                c => out.push(c),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    s.split('&')
        .filter(|e| !e.is_empty())
        .map(|e| match e.split_once('=') {
            Some((k, v)) => (dec(k), Some(dec(v))),
            None => (dec(e), None),
        })
        .collect()
}

fn is_pattern(s: &str) -> bool {
    s.contains(['*', '?'])
}

/// `*` any run of characters, `?` one character, everything else itself.
fn glob_match(pat: &str, s: &str) -> bool {
    let p: Vec<char> = pat.chars().collect();
    let t: Vec<char> = s.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || (p[pi] != '*' && p[pi] == t[ti])) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// The names an argument list means.
#[derive(Debug, Default, PartialEq, Eq)]
struct Expanded {
    /// To act on, in order, without duplicates.
    names: Vec<String>,
    /// Named but already done (added already / nothing to do).
    done: Vec<String>,
    /// Named, matching nothing.
    unknown: Vec<String>,
}

/// Expand `args` (names or patterns) against the `candidates` to act on
/// and the names already `done`; with `allow_unknown`, a plain name that
/// is in neither list is kept (a handler that needs no table).
fn expand<S: AsRef<str>>(
    args: &[S],
    candidates: &[String],
    done: &[String],
    allow_unknown: bool,
) -> Expanded {
    let mut out = Expanded::default();
    for arg in args {
        let arg = arg.as_ref();
        if is_pattern(arg) {
            let pat = fq_name(arg);
            let mut hit = false;
            for c in candidates.iter().filter(|c| glob_match(&pat, c)) {
                hit = true;
                if !out.names.contains(c) {
                    out.names.push(c.clone());
                }
            }
            for d in done.iter().filter(|d| glob_match(&pat, d)) {
                hit = true;
                if !out.done.contains(d) {
                    out.done.push(d.clone());
                }
            }
            if !hit {
                out.unknown.push(arg.to_string());
            }
        } else {
            let name = fq_name(arg);
            if candidates.contains(&name) || (allow_unknown && !done.contains(&name)) {
                if !out.names.contains(&name) {
                    out.names.push(name);
                }
            } else if done.contains(&name) {
                if !out.done.contains(&name) {
                    out.done.push(name);
                }
            } else {
                out.unknown.push(name);
            }
        }
    }
    out
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

// ---------------------------------------------------------------------------
// Reading.

/// One row of `londiste.get_table_list(q)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableInfo {
    /// Full name (`schema.name`).
    pub table_name: String,
    /// Replicated into this node (false: only known in the queue).
    pub local: bool,
    /// Copy state: `None` (copy not started), `in-copy`, `catching-up`,
    /// `wanna-sync:N`, `do-sync:N`, `ok` ...
    pub merge_state: Option<String>,
    /// Snapshot of the copy transaction.
    pub custom_snapshot: Option<String>,
    /// Url-encoded attributes (`handler=...&skip_truncate=1`).
    pub table_attrs: Option<String>,
    /// DDL dropped during a merged copy.
    pub dropped_ddl: Option<String>,
    /// Role in a merged copy.
    pub copy_role: Option<String>,
    /// Position in a parallel copy.
    pub copy_pos: i32,
    /// The real table when it differs from `table_name`.
    pub dest_table: Option<String>,
}

impl TableInfo {
    /// The attributes decoded.
    pub fn attrs(&self) -> Vec<(String, Option<String>)> {
        self.table_attrs
            .as_deref()
            .map(urldecode)
            .unwrap_or_default()
    }

    /// Whether the table is replicated here and in sync.
    pub fn is_ok(&self) -> bool {
        self.local && self.merge_state.as_deref() == Some("ok")
    }
}

const TABLE_LIST: &str = "\
select table_name, local, merge_state, custom_snapshot, table_attrs,
       dropped_ddl, copy_role, copy_pos, dest_table
  from londiste.get_table_list($1)";

fn table_list(c: &mut Client, queue: &str) -> Result<Vec<TableInfo>> {
    Ok(query(c, TABLE_LIST, &[&queue])?
        .iter()
        .map(|r| TableInfo {
            table_name: r.get(0),
            local: r.get(1),
            merge_state: r.get(2),
            custom_snapshot: r.get(3),
            table_attrs: r.get(4),
            dropped_ddl: r.get(5),
            copy_role: r.get(6),
            copy_pos: r.get(7),
            dest_table: r.get(8),
        })
        .collect())
}

/// Every table the queue knows on this node (`londiste.get_table_list`),
/// in Londiste's order; `local` marks those replicated here. Used by
/// `show tables` (the local ones) and completion.
pub fn tables(c: &mut Client, queue: &str) -> Result<Vec<TableInfo>> {
    node_role(c, queue)?;
    table_list(c, queue)
}

/// One row of `londiste.get_seq_list(q)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeqInfo {
    /// Full name.
    pub seq_name: String,
    /// Replicated into this node.
    pub local: bool,
    /// Last value published by the root.
    pub last_value: i64,
}

const SEQ_LIST: &str = "select seq_name, local, last_value from londiste.get_seq_list($1)";

fn seq_list(c: &mut Client, queue: &str) -> Result<Vec<SeqInfo>> {
    Ok(query(c, SEQ_LIST, &[&queue])?
        .iter()
        .map(|r| SeqInfo {
            seq_name: r.get(0),
            local: r.get(1),
            last_value: r.get(2),
        })
        .collect())
}

/// Every sequence the queue knows on this node (`londiste.get_seq_list`).
/// Used by `show sequences`.
pub fn seqs(c: &mut Client, queue: &str) -> Result<Vec<SeqInfo>> {
    node_role(c, queue)?;
    seq_list(c, queue)
}

/// Something this node does not replicate (yet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingObject {
    /// `r` table, `S` sequence.
    pub kind: char,
    /// Full name.
    pub name: String,
    /// Added but still being copied: true, with the copy state in
    /// `merge_state` (`None` = copy not started yet).
    pub copying: bool,
    /// The copy state of a table being copied.
    pub merge_state: Option<String>,
}

const SHOW_MISSING: &str = "select obj_kind, obj_name from londiste.local_show_missing($1)";

const COPYING: &str = "\
select table_name, merge_state from londiste.get_table_list($1)
 where local and merge_state is distinct from 'ok'";

fn show_missing(c: &mut Client, queue: &str, kind: char) -> Result<Vec<String>> {
    Ok(query(c, SHOW_MISSING, &[&queue])?
        .iter()
        .filter(|r| r.get::<_, String>(0).starts_with(kind))
        .map(|r| r.get(1))
        .collect())
}

/// What this node lacks (`londiste.local_show_missing`: on the root, tables
/// and sequences of the database not added; elsewhere, the queue's tables
/// and sequences not added here), then the tables added but still being
/// copied, with their state. Used by `show missing`.
pub fn missing(c: &mut Client, queue: &str) -> Result<Vec<MissingObject>> {
    node_role(c, queue)?;
    let mut out: Vec<MissingObject> = query(c, SHOW_MISSING, &[&queue])?
        .iter()
        .map(|r| MissingObject {
            kind: r.get::<_, String>(0).chars().next().unwrap_or('?'),
            name: r.get(1),
            copying: false,
            merge_state: None,
        })
        .collect();
    out.extend(query(c, COPYING, &[&queue])?.iter().map(|r| MissingObject {
        kind: 'r',
        name: r.get(0),
        copying: true,
        merge_state: r.get(1),
    }));
    Ok(out)
}

/// Tables not in sync yet, for `wait sync`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncStatus {
    /// Tables replicated into this node.
    pub total: usize,
    /// Those not `ok` yet, with their state.
    pub pending: Vec<(String, Option<String>)>,
}

impl SyncStatus {
    /// Whether every table is in sync.
    pub fn is_done(&self) -> bool {
        self.pending.is_empty()
    }
}

const SYNC_STATUS: &str = "\
select table_name, merge_state from londiste.get_table_list($1) where local";

/// How many local tables are not `ok` yet
/// (`londiste.get_table_list(q) where local`). `wait sync` calls it once a
/// second until [`SyncStatus::is_done`].
pub fn sync_status(c: &mut Client, queue: &str) -> Result<SyncStatus> {
    node_role(c, queue)?;
    let rows = query(c, SYNC_STATUS, &[&queue])?;
    Ok(SyncStatus {
        total: rows.len(),
        pending: rows
            .iter()
            .filter(|r| r.get::<_, Option<String>>(1).as_deref() != Some("ok"))
            .map(|r| (r.get(0), r.get(1)))
            .collect(),
    })
}

// ---------------------------------------------------------------------------
// Registry reconciliation with the provider (branch and leaf nodes).

const GLOBAL_ADD_TABLE: &str = "select ret_code, ret_note from londiste.global_add_table($1, $2)";
const GLOBAL_REMOVE_TABLE: &str =
    "select ret_code, ret_note from londiste.global_remove_table($1, $2)";
const GLOBAL_UPDATE_SEQ: &str =
    "select ret_code, ret_note from londiste.global_update_seq($1, $2, $3)";
const GLOBAL_REMOVE_SEQ: &str = "select ret_code, ret_note from londiste.global_remove_seq($1, $2)";

/// Make this node's table registry match the provider's: tables the
/// provider knows and we do not are added (`londiste.global_add_table`),
/// tables the provider no longer has are removed
/// (`londiste.global_remove_table`). One transaction.
fn sync_table_registry(
    c: &mut Client,
    queue: &str,
    src: &[TableInfo],
    msgs: &mut Vec<Message>,
) -> Result<()> {
    let mut tx = c.transaction()?;
    let dst = table_list(&mut tx, queue)?;
    for t in src
        .iter()
        .filter(|s| !dst.iter().any(|d| d.table_name == s.table_name))
    {
        exec_ret(&mut tx, GLOBAL_ADD_TABLE, &[&queue, &t.table_name])?;
        msgs.push(Message::new(
            200,
            format!("table {} registered from the provider", t.table_name),
        ));
    }
    for t in dst
        .iter()
        .filter(|d| !src.iter().any(|s| s.table_name == d.table_name))
    {
        exec_ret(&mut tx, GLOBAL_REMOVE_TABLE, &[&queue, &t.table_name])?;
        msgs.push(Message::new(
            200,
            format!(
                "table {} is gone on the provider: unregistered",
                t.table_name
            ),
        ));
    }
    tx.commit()?;
    Ok(())
}

/// The same for sequences (`londiste.global_update_seq`,
/// `londiste.global_remove_seq`).
fn sync_seq_registry(
    c: &mut Client,
    queue: &str,
    src: &[SeqInfo],
    msgs: &mut Vec<Message>,
) -> Result<()> {
    let mut tx = c.transaction()?;
    let dst = seq_list(&mut tx, queue)?;
    for s in src
        .iter()
        .filter(|s| !dst.iter().any(|d| d.seq_name == s.seq_name))
    {
        exec_ret(
            &mut tx,
            GLOBAL_UPDATE_SEQ,
            &[&queue, &s.seq_name, &s.last_value],
        )?;
        msgs.push(Message::new(
            200,
            format!("sequence {} registered from the provider", s.seq_name),
        ));
    }
    for s in dst
        .iter()
        .filter(|d| !src.iter().any(|s| s.seq_name == d.seq_name))
    {
        exec_ret(&mut tx, GLOBAL_REMOVE_SEQ, &[&queue, &s.seq_name])?;
        msgs.push(Message::new(
            200,
            format!(
                "sequence {} is gone on the provider: unregistered",
                s.seq_name
            ),
        ));
    }
    tx.commit()?;
    Ok(())
}

// ---------------------------------------------------------------------------
// Adding and removing tables.

/// Options of `add table`, each as the grammar spells it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddTableOptions {
    /// `skip_truncate`: keep the rows already in the table when the copy
    /// starts (table attribute `skip_truncate=1`; ignored with
    /// `expect_sync`).
    pub skip_truncate: bool,
    /// `expect_sync`: the table is in sync already, no copy.
    pub expect_sync: bool,
    /// `no_triggers`: create no trigger.
    pub no_triggers: bool,
    /// `backup`: the trigger puts the old row into `ev_extra2`.
    pub backup: bool,
    /// `skip`: a BEFORE trigger that skips the change (same as flag S).
    pub skip: bool,
    /// `create`: create a missing table from the provider's structure
    /// first (branch and leaf nodes).
    pub create: bool,
    /// `handler='<name>'` or `handler='<name>(key=value, ...)'`.
    pub handler: Option<String>,
    /// `tgflags='<flags>'`: letters of [`TGFLAGS`].
    pub tgflags: Option<String>,
    /// `when='<expr>'`: events only for rows where it is true.
    pub when: Option<String>,
    /// `pkey='<cols>'`: key columns, instead of the primary key.
    pub pkey: Option<String>,
    /// `ignore='<cols>'`: columns left out of the events.
    pub ignore: Option<String>,
    /// `ev_type='<expr>'`.
    pub ev_type: Option<String>,
    /// `ev_data='<expr>'`.
    pub ev_data: Option<String>,
    /// `ev_extra1='<expr>'`.
    pub ev_extra1: Option<String>,
    /// `ev_extra2='<expr>'`.
    pub ev_extra2: Option<String>,
    /// `ev_extra3='<expr>'`.
    pub ev_extra3: Option<String>,
    /// `ev_extra4='<expr>'`.
    pub ev_extra4: Option<String>,
    /// `merge_all`: merge the table from all source queues (leaf).
    pub merge_all: bool,
    /// `no_merge`: do not merge the table from several source queues.
    pub no_merge: bool,
    /// `dest_table='<name>'`: replicate into a table of another name (one
    /// table only).
    pub dest_table: Option<String>,
}

/// Check `tgflags=`: every letter one of [`TGFLAGS`] (either case, as
/// `londiste.create_trigger` upper-cases them), at least one.
pub fn check_tgflags(flags: &str) -> Result<()> {
    let bad: String = flags
        .chars()
        .filter(|ch| !TGFLAGS.contains(ch.to_ascii_uppercase()))
        .collect();
    if flags.is_empty() || !bad.is_empty() {
        return Err(Error::BadTgflags {
            flags: flags.to_string(),
            bad,
        });
    }
    Ok(())
}

/// Parse and check `handler=`.
pub fn parse_handler(text: &str) -> Result<HandlerSpec> {
    HandlerSpec::parse(text).map_err(|e| match e {
        handlers::SpecError::Unknown(handler) => Error::UnknownHandler { handler },
        handlers::SpecError::Malformed(m) => Error::BadOption(m),
    })
}

/// The trigger arguments for `londiste.local_add_table`, in the reference
/// tool's order: the trigger's own arguments, `tgflags=`, the magic words,
/// then what the handler adds. `quoted_key`: the handler's key column
/// quoted (shard family).
fn trigger_args(
    o: &AddTableOptions,
    handler: Option<&HandlerSpec>,
    quoted_key: Option<&str>,
) -> Vec<String> {
    let mut args = Vec::new();
    if o.backup {
        args.push("backup".to_string());
    }
    if o.skip {
        args.push("skip".to_string());
    }
    let exprs = [
        ("when", &o.when),
        ("pkey", &o.pkey),
        ("ignore", &o.ignore),
        ("ev_type", &o.ev_type),
        ("ev_data", &o.ev_data),
        ("ev_extra1", &o.ev_extra1),
        ("ev_extra2", &o.ev_extra2),
        ("ev_extra3", &o.ev_extra3),
        ("ev_extra4", &o.ev_extra4),
    ];
    for (key, value) in exprs {
        if let Some(v) = value {
            args.push(format!("{key}={v}"));
        }
    }
    if let Some(f) = &o.tgflags {
        args.push(format!("tgflags={f}"));
    }
    for (on, word) in [
        (o.no_triggers, "no_triggers"),
        (o.merge_all, "merge_all"),
        (o.no_merge, "no_merge"),
        (o.expect_sync, "expect_sync"),
    ] {
        if on {
            args.push(word.to_string());
        }
    }
    if let Some(h) = handler {
        args.extend(h.trigger_args(quoted_key));
    }
    args
}

/// The table attributes: `handler=...`, `skip_truncate=1`, url-encoded.
fn table_attrs(o: &AddTableOptions, handler: Option<&HandlerSpec>) -> Option<String> {
    let mut attrs = Vec::new();
    if let Some(h) = handler {
        attrs.push(("handler".to_string(), h.attr_value()));
    }
    if o.skip_truncate && !o.expect_sync {
        attrs.push(("skip_truncate".to_string(), "1".to_string()));
    }
    (!attrs.is_empty()).then(|| urlencode(&attrs))
}

const LOCAL_ADD_TABLE: &str = "\
select ret_code, ret_note from londiste.local_add_table($1, $2, $3::text[], $4, $5)";
const LOCAL_REMOVE_TABLE: &str =
    "select ret_code, ret_note from londiste.local_remove_table($1, $2)";
const LOCAL_SET_TABLE_STATE: &str = "\
select ret_code, ret_note from londiste.local_set_table_state($1, $2, null, null)";
const SET_LOCK_TIMEOUT: &str = "select set_config('lock_timeout', $1, true)";
const QUOTE_IDENT: &str = "select quote_ident($1)";

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

/// Add tables to this node (`add table`), as the reference does:
/// `pgq_node.get_node_info` (the provider's location); on a branch or leaf
/// the provider's `londiste.get_table_list`, this node's registry brought in
/// line (`global_add_table` / `global_remove_table`); names and patterns
/// expanded against `londiste.local_show_missing`; with `create`, a missing
/// table created from the provider's structure (catalog DDL without
/// foreign keys, triggers and policies, plus its schema); then
/// `londiste.local_add_table(q, table, trigger_args, table_attrs,
/// dest_table)` for each table. The creations and registrations run in one
/// transaction: a refusal changes nothing. Everything is checked before
/// anything is written: options, handler, flags, names, tables.
///
/// Tables added already are reported (code 201) and left alone.
pub fn add_tables<S: AsRef<str>>(
    c: &mut Client,
    queue: &str,
    tables: &[S],
    opts: &AddTableOptions,
) -> Result<Vec<Message>> {
    let handler = opts.handler.as_deref().map(parse_handler).transpose()?;
    if let Some(f) = &opts.tgflags {
        check_tgflags(f)?;
    }
    if opts.merge_all && opts.no_merge {
        return Err(Error::BadOption(
            "merge_all and no_merge exclude each other".into(),
        ));
    }
    if opts.dest_table.is_some() && tables.len() != 1 {
        return Err(Error::BadOption(
            "dest_table works with one table only".into(),
        ));
    }
    if opts.create && opts.dest_table.is_some() {
        return Err(Error::BadOption(
            "create does not work with dest_table".into(),
        ));
    }
    let needs_table = handler.as_ref().is_none_or(HandlerSpec::needs_table);

    let role = node_role(c, queue)?;
    let mut msgs = Vec::new();
    let mut src_client = None;
    let mut src_tables = Vec::new();
    if !role.is_root() {
        let mut p = provider(&role)?;
        src_tables = table_list(&mut p, queue)?;
        sync_table_registry(c, queue, &src_tables, &mut msgs)?;
        src_client = Some(p);
    }

    let registered = table_list(c, queue)?;
    let done: Vec<String> = registered
        .iter()
        .filter(|t| t.local)
        .map(|t| t.table_name.clone())
        .collect();
    let candidates = show_missing(c, queue, 'r')?;
    let ex = expand(tables, &candidates, &done, !needs_table);
    if let Some(name) = ex.unknown.into_iter().next() {
        return Err(unknown(&role, queue, "table", name));
    }
    for t in &ex.done {
        msgs.push(Message::new(201, format!("table {t} is added already")));
    }

    if !role.is_root() && !opts.expect_sync {
        for t in &ex.names {
            if src_tables.iter().any(|s| &s.table_name == t && !s.local) {
                return Err(Error::NotOnProvider {
                    kind: "table",
                    name: t.clone(),
                });
            }
        }
    }

    // Where each table goes, and the DDL to create the missing ones.
    let dest = opts.dest_table.as_deref().map(fq_name);
    let mut plan: Vec<(String, Option<String>, Option<String>)> = Vec::new();
    for t in &ex.names {
        let target = dest.clone().unwrap_or_else(|| t.clone());
        let mut ddl = None;
        if needs_table && !catalog::table_exists(c, &RelName::parse_fq(&target))? {
            match (opts.create, src_client.as_mut()) {
                (true, Some(p)) => {
                    let src_name = src_tables
                        .iter()
                        .find(|s| &s.table_name == t)
                        .and_then(|s| s.dest_table.clone())
                        .unwrap_or_else(|| t.clone());
                    let src_rel = RelName::parse_fq(&src_name);
                    if !catalog::table_exists(p, &src_rel)? {
                        return Err(Error::NotOnProvider {
                            kind: "table",
                            name: t.clone(),
                        });
                    }
                    let no_links = DdlOptions {
                        foreign_keys: false,
                        triggers: false,
                        policies: false,
                        comments: true,
                    };
                    let table = catalog::table_ddl_with(p, &src_rel, &no_links)?;
                    let schema = RelName::parse_fq(&target).schema;
                    ddl = Some(with_schema(c, &schema, table)?);
                }
                _ => return Err(Error::TableNotFound(target)),
            }
        }
        let dest_arg = (target != *t).then_some(target);
        plan.push((t.clone(), ddl, dest_arg));
    }

    let quoted_key = match handler.as_ref().and_then(HandlerSpec::hash_key) {
        Some(k) => Some(c.query_one(QUOTE_IDENT, &[&k])?.get::<_, String>(0)),
        None => None,
    };
    let tgargs = trigger_args(opts, handler.as_ref(), quoted_key.as_deref());
    let attrs = table_attrs(opts, handler.as_ref());

    let mut tx = c.transaction()?;
    tx.query_one(SET_LOCK_TIMEOUT, &[&LOCK_TIMEOUT])?;
    for (table, ddl, dest_arg) in &plan {
        if let Some(sql) = ddl {
            tx.batch_execute(sql)?;
            msgs.push(Message::new(
                200,
                format!("table {table} created from the provider's structure"),
            ));
        }
        msgs.push(exec_ret(
            &mut tx,
            LOCAL_ADD_TABLE,
            &[&queue, table, &tgargs, &attrs, dest_arg],
        )?);
    }
    tx.commit()?;
    Ok(msgs)
}

/// Stop replicating tables into this node (`remove table`):
/// `londiste.local_remove_table(q, t)` for each, in one transaction. On
/// the root this also removes them from the queue for every node.
pub fn remove_tables<S: AsRef<str>>(
    c: &mut Client,
    queue: &str,
    tables: &[S],
) -> Result<Vec<Message>> {
    node_role(c, queue)?;
    let local: Vec<String> = table_list(c, queue)?
        .into_iter()
        .filter(|t| t.local)
        .map(|t| t.table_name)
        .collect();
    let ex = expand(tables, &local, &[], false);
    if let Some(name) = ex.unknown.into_iter().next() {
        return Err(Error::NotInQueue {
            queue: queue.to_string(),
            kind: "table",
            name,
        });
    }
    let mut tx = c.transaction()?;
    tx.query_one(SET_LOCK_TIMEOUT, &[&LOCK_TIMEOUT])?;
    let mut msgs = Vec::new();
    for t in &ex.names {
        msgs.push(exec_ret(&mut tx, LOCAL_REMOVE_TABLE, &[&queue, t])?);
    }
    tx.commit()?;
    Ok(msgs)
}

/// Copy tables again from the provider (`resync`): the tables must be
/// replicated here and on the provider (its `londiste.get_table_list`);
/// then `londiste.local_set_table_state(q, t, null, null)` for each, in one
/// transaction, and the worker starts a new copy. Not on the root.
pub fn resync<S: AsRef<str>>(c: &mut Client, queue: &str, tables: &[S]) -> Result<Vec<Message>> {
    let role = node_role(c, queue)?;
    if role.is_root() {
        return Err(Error::OnRoot("resync"));
    }
    let local: Vec<String> = table_list(c, queue)?
        .into_iter()
        .filter(|t| t.local)
        .map(|t| t.table_name)
        .collect();
    let ex = expand(tables, &local, &[], false);
    if let Some(name) = ex.unknown.into_iter().next() {
        return Err(Error::NotInQueue {
            queue: queue.to_string(),
            kind: "table",
            name,
        });
    }
    let src = table_list(&mut provider(&role)?, queue)?;
    for t in &ex.names {
        if !src.iter().any(|s| &s.table_name == t && s.local) {
            return Err(Error::NotOnProvider {
                kind: "table",
                name: t.clone(),
            });
        }
    }
    let mut tx = c.transaction()?;
    let mut msgs = Vec::new();
    for t in &ex.names {
        msgs.push(exec_ret(&mut tx, LOCAL_SET_TABLE_STATE, &[&queue, t])?);
    }
    tx.commit()?;
    Ok(msgs)
}

// ---------------------------------------------------------------------------
// Sequences.

/// Options of `add sequence`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddSeqOptions {
    /// `create`: create a missing sequence from the provider's definition.
    pub create: bool,
}

const LOCAL_ADD_SEQ: &str = "select ret_code, ret_note from londiste.local_add_seq($1, $2)";
const LOCAL_REMOVE_SEQ: &str = "select ret_code, ret_note from londiste.local_remove_seq($1, $2)";

/// Add sequences to this node (`add sequence`), as the reference does: on
/// a branch or leaf the provider's `londiste.get_seq_list` and this node's
/// registry brought in line (`global_update_seq` / `global_remove_seq`);
/// names and patterns expanded against `londiste.local_show_missing`; with
/// `create`, a missing sequence created from the provider's definition;
/// then `londiste.local_add_seq(q, s)` for each, in one transaction.
pub fn add_seqs<S: AsRef<str>>(
    c: &mut Client,
    queue: &str,
    seqs: &[S],
    opts: &AddSeqOptions,
) -> Result<Vec<Message>> {
    let role = node_role(c, queue)?;
    let mut msgs = Vec::new();
    let mut src_client = None;
    if !role.is_root() {
        let mut p = provider(&role)?;
        let src = seq_list(&mut p, queue)?;
        sync_seq_registry(c, queue, &src, &mut msgs)?;
        src_client = Some(p);
    }
    let done: Vec<String> = seq_list(c, queue)?
        .into_iter()
        .filter(|s| s.local)
        .map(|s| s.seq_name)
        .collect();
    // On the root, local_show_missing lists added sequences too.
    let candidates: Vec<String> = show_missing(c, queue, 'S')?
        .into_iter()
        .filter(|s| !done.contains(s))
        .collect();
    let ex = expand(seqs, &candidates, &done, false);
    if let Some(name) = ex.unknown.into_iter().next() {
        return Err(unknown(&role, queue, "sequence", name));
    }
    for s in &ex.done {
        msgs.push(Message::new(201, format!("sequence {s} is added already")));
    }
    let mut plan = Vec::new();
    for s in &ex.names {
        let rel = RelName::parse_fq(s);
        let mut ddl = None;
        if !catalog::sequence_exists(c, &rel)? {
            match (opts.create, src_client.as_mut()) {
                (true, Some(p)) => {
                    if !catalog::sequence_exists(p, &rel)? {
                        return Err(Error::NotOnProvider {
                            kind: "sequence",
                            name: s.clone(),
                        });
                    }
                    let seq = catalog::sequence_ddl(p, &rel)?;
                    ddl = Some(with_schema(c, &rel.schema, seq)?);
                }
                _ => return Err(Error::SequenceNotFound(s.clone())),
            }
        }
        plan.push((s.clone(), ddl));
    }
    let mut tx = c.transaction()?;
    for (s, ddl) in &plan {
        if let Some(sql) = ddl {
            tx.batch_execute(sql)?;
            msgs.push(Message::new(
                200,
                format!("sequence {s} created from the provider's definition"),
            ));
        }
        msgs.push(exec_ret(&mut tx, LOCAL_ADD_SEQ, &[&queue, s])?);
    }
    tx.commit()?;
    Ok(msgs)
}

/// Stop replicating sequences into this node (`remove sequence`):
/// `londiste.local_remove_seq(q, s)` for each, in one transaction.
pub fn remove_seqs<S: AsRef<str>>(c: &mut Client, queue: &str, seqs: &[S]) -> Result<Vec<Message>> {
    node_role(c, queue)?;
    let local: Vec<String> = seq_list(c, queue)?
        .into_iter()
        .filter(|s| s.local)
        .map(|s| s.seq_name)
        .collect();
    let ex = expand(seqs, &local, &[], false);
    if let Some(name) = ex.unknown.into_iter().next() {
        return Err(Error::NotInQueue {
            queue: queue.to_string(),
            kind: "sequence",
            name,
        });
    }
    let mut tx = c.transaction()?;
    let mut msgs = Vec::new();
    for s in &ex.names {
        msgs.push(exec_ret(&mut tx, LOCAL_REMOVE_SEQ, &[&queue, s])?);
    }
    tx.commit()?;
    Ok(msgs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn urlencode_matches_skytools_c_version() {
        let pairs = vec![
            ("handler".to_string(), "dispatch(a=1&b=x y)".to_string()),
            ("k~*".to_string(), "ä/.-_!'()".to_string()),
            ("e".to_string(), String::new()),
        ];
        assert_eq!(
            urlencode(&pairs),
            "handler=dispatch%28a%3d1%26b%3dx+y%29&k%7e%2a=%c3%a4%2f.-_%21%27%28%29&e="
        );
    }

    #[test]
    fn urldecode_reads_both_cases_and_bare_keys() {
        assert_eq!(
            urldecode("a=b+c%20d&x&h=q%28%3D%29&bad=%zz&end=%4"),
            vec![
                ("a".to_string(), Some("b c d".to_string())),
                ("x".to_string(), None),
                ("h".to_string(), Some("q(=)".to_string())),
                ("bad".to_string(), Some("%zz".to_string())),
                ("end".to_string(), Some("%4".to_string())),
            ]
        );
        let pairs = vec![("handler".to_string(), "x(k=v w)".to_string())];
        assert_eq!(
            urldecode(&urlencode(&pairs)),
            vec![("handler".to_string(), Some("x(k=v w)".to_string()))]
        );
    }

    #[test]
    fn globs_match_like_the_reference() {
        assert!(glob_match("public.*", "public.t1"));
        assert!(glob_match("public.t?", "public.t1"));
        assert!(!glob_match("public.t?", "public.t12"));
        assert!(glob_match("*.a*b", "x.aXXb"));
        assert!(!glob_match("public.t", "public.tt"));
        assert!(glob_match("*", ""));
    }

    #[test]
    fn expand_names_patterns_and_unknowns() {
        let cand = s(&["public.a1", "public.a2", "x.b"]);
        let done = s(&["public.done"]);
        let e = expand(
            &["a*", "x.b", "public.a1", "done", "nope"],
            &cand,
            &done,
            false,
        );
        assert_eq!(e.names, s(&["public.a1", "public.a2", "x.b"]));
        assert_eq!(e.done, s(&["public.done"]));
        assert_eq!(e.unknown, s(&["public.nope"]));
        let e = expand(&["virtual"], &cand, &done, true);
        assert_eq!(e.names, s(&["public.virtual"]));
        let e = expand(&["zz*"], &cand, &done, true);
        assert_eq!(e.unknown, s(&["zz*"]));
    }

    #[test]
    fn tgflags_are_checked() {
        assert!(check_tgflags("BIUD").is_ok());
        assert!(check_tgflags("bAqljs").is_ok());
        match check_tgflags("BXI7") {
            Err(Error::BadTgflags { bad, .. }) => assert_eq!(bad, "X7"),
            other => panic!("{other:?}"),
        }
        let e = check_tgflags("").expect_err("empty");
        assert_eq!(
            e.to_string(),
            "bad tgflags \"\": unknown flag(s) \"\"; allowed flags: B A Q L J I U D S"
        );
    }

    #[test]
    fn trigger_args_follow_the_reference_order() {
        let o = AddTableOptions {
            backup: true,
            skip: true,
            when: Some("x > 1".into()),
            pkey: Some("a,b".into()),
            ignore: Some("c".into()),
            ev_extra4: Some("'x'".into()),
            tgflags: Some("BI".into()),
            no_triggers: true,
            expect_sync: true,
            skip_truncate: true,
            ..Default::default()
        };
        let h = parse_handler("multimaster").expect("handler");
        assert_eq!(
            trigger_args(&o, Some(&h), None),
            s(&[
                "backup",
                "skip",
                "when=x > 1",
                "pkey=a,b",
                "ignore=c",
                "ev_extra4='x'",
                "tgflags=BI",
                "no_triggers",
                "expect_sync",
                "no_merge"
            ])
        );
        // skip_truncate is dropped with expect_sync, as the reference does.
        assert_eq!(
            table_attrs(&o, Some(&h)).as_deref(),
            Some("handler=multimaster")
        );
        let o = AddTableOptions {
            skip_truncate: true,
            ..Default::default()
        };
        assert_eq!(table_attrs(&o, None).as_deref(), Some("skip_truncate=1"));
        assert_eq!(table_attrs(&AddTableOptions::default(), None), None);
    }

    #[test]
    fn unknown_handler_names_the_known_ones() {
        let e = parse_handler("bulkk").expect_err("unknown");
        let text = e.to_string();
        assert!(
            text.starts_with("unknown handler \"bulkk\"; known handlers: londiste, applyfn, bulk,"),
            "{text}"
        );
        assert!(text.contains("vtable"), "{text}");
    }
}
