//! Sequences: what this node replicates (`londiste.get_seq_list`), adding
//! them (`londiste.local_add_seq`) and removing them.

use crate::catalog::{self, RelName};
use crate::db::Client;

use super::names::expand;
use super::registry::{self, show_missing, Registered};
use super::{exec_ret, node_role, provider, query, unknown, with_schema, Error, Message, Result};

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

const GLOBAL_UPDATE_SEQ: &str =
    "select ret_code, ret_note from londiste.global_update_seq($1, $2, $3)";
const GLOBAL_REMOVE_SEQ: &str = "select ret_code, ret_note from londiste.global_remove_seq($1, $2)";

impl Registered for SeqInfo {
    const KIND: &'static str = "sequence";
    const UNREGISTER: &'static str = GLOBAL_REMOVE_SEQ;
    fn name(&self) -> &str {
        &self.seq_name
    }
    fn list(c: &mut Client, queue: &str) -> Result<Vec<Self>> {
        seq_list(c, queue)
    }
    fn register(&self, c: &mut Client, queue: &str) -> Result<Message> {
        exec_ret(
            c,
            GLOBAL_UPDATE_SEQ,
            &[&queue, &self.seq_name, &self.last_value],
        )
    }
}

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
        registry::sync_registry(c, queue, &src, &mut msgs)?;
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
