//! This node's registry of tables and sequences against the provider's.
//!
//! On a branch or leaf, Londiste keeps a registry of what the queue
//! replicates; before adding, the reference tool brings it in line with
//! the provider's: entries the provider has and this node lacks are
//! registered, entries the provider no longer has are removed. Tables and
//! sequences do it the same way through [`Registered`], so there is one
//! [`sync_registry`]. [`missing`] reads what this node does not replicate.

use crate::db::Client;

use super::{exec_ret, node_role, query, Message, Result};

/// A kind of entry in Londiste's registry: a table or a sequence.
pub(super) trait Registered: Sized {
    /// `"table"` or `"sequence"`, as messages name it.
    const KIND: &'static str;
    /// The SQL that unregisters one, `($1 queue, $2 name)`
    /// (`londiste.global_remove_table` / `global_remove_seq`).
    const UNREGISTER: &'static str;
    /// Its full name.
    fn name(&self) -> &str;
    /// This node's registry (`londiste.get_table_list` / `get_seq_list`).
    fn list(c: &mut Client, queue: &str) -> Result<Vec<Self>>;
    /// Register the provider's entry on this node
    /// (`londiste.global_add_table` / `global_update_seq`).
    fn register(&self, c: &mut Client, queue: &str) -> Result<Message>;
}

/// Make this node's registry match the provider's (`src`): entries the
/// provider knows and we do not are registered, entries the provider no
/// longer has are removed. One transaction.
pub(super) fn sync_registry<T: Registered>(
    c: &mut Client,
    queue: &str,
    src: &[T],
    msgs: &mut Vec<Message>,
) -> Result<()> {
    let mut tx = c.transaction()?;
    let dst = T::list(&mut tx, queue)?;
    for s in src
        .iter()
        .filter(|s| !dst.iter().any(|d| d.name() == s.name()))
    {
        s.register(&mut tx, queue)?;
        msgs.push(Message::new(
            200,
            format!("{} {} registered from the provider", T::KIND, s.name()),
        ));
    }
    for d in dst
        .iter()
        .filter(|d| !src.iter().any(|s| s.name() == d.name()))
    {
        let name = d.name();
        exec_ret(&mut tx, T::UNREGISTER, &[&queue, &name])?;
        msgs.push(Message::new(
            200,
            format!("{} {name} is gone on the provider: unregistered", T::KIND),
        ));
    }
    tx.commit()?;
    Ok(())
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

pub(super) fn show_missing(c: &mut Client, queue: &str, kind: char) -> Result<Vec<String>> {
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

const LOCAL_TABLE_NAMES: &str = "\
select distinct table_name from londiste.table_info where local order by 1";

const LOCAL_SEQ_NAMES: &str = "\
select distinct seq_name from londiste.seq_info where local order by 1";

/// Tables replicated on this node, for any queue, sorted (for completion).
pub fn local_table_names(c: &mut Client) -> Result<Vec<String>> {
    Ok(query(c, LOCAL_TABLE_NAMES, &[])?
        .iter()
        .map(|r| r.get(0))
        .collect())
}

/// Sequences replicated on this node, for any queue, sorted (for
/// completion).
pub fn local_seq_names(c: &mut Client) -> Result<Vec<String>> {
    Ok(query(c, LOCAL_SEQ_NAMES, &[])?
        .iter()
        .map(|r| r.get(0))
        .collect())
}
