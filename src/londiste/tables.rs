//! Tables: what this node replicates (`londiste.get_table_list`), adding
//! them (`londiste.local_add_table`, with the options, handler and trigger
//! arguments the reference tool gives), removing them, copying them again,
//! and how many are still being copied.

use crate::catalog::{self, DdlOptions, RelName};
use crate::db::Client;

use super::names::expand;
use super::names::{fq_name, urldecode, urlencode};
use super::registry::{self, show_missing, Registered};
use super::{
    exec_ret, handlers, node_role, provider, query, unknown, with_schema, Error, HandlerSpec,
    Message, Result, LOCK_TIMEOUT, TGFLAGS,
};

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

const GLOBAL_ADD_TABLE: &str = "select ret_code, ret_note from londiste.global_add_table($1, $2)";
const GLOBAL_REMOVE_TABLE: &str =
    "select ret_code, ret_note from londiste.global_remove_table($1, $2)";

impl Registered for TableInfo {
    const KIND: &'static str = "table";
    const UNREGISTER: &'static str = GLOBAL_REMOVE_TABLE;
    fn name(&self) -> &str {
        &self.table_name
    }
    fn list(c: &mut Client, queue: &str) -> Result<Vec<Self>> {
        table_list(c, queue)
    }
    fn register(&self, c: &mut Client, queue: &str) -> Result<Message> {
        exec_ret(c, GLOBAL_ADD_TABLE, &[&queue, &self.table_name])
    }
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
        registry::sync_registry(c, queue, &src_tables, &mut msgs)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
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
