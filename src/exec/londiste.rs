//! Londiste commands on the current queue and the connected node, and
//! `show table` / `show sequence` (runnable DDL from the catalog).

use std::io::Write;
use std::time::{Duration, Instant};

use crate::catalog::{self, RelName};
use crate::exec::queue::{cell, client, fail, flag, oid, print, queue_of, result, status};
use crate::exec::Outcome;
use crate::londiste::{self, AddSeqOptions, AddTableOptions, Message};
use crate::parse::ast::{self, QualifiedName, TableOption};
use crate::session::Session;

/// `schema.name` as Londiste names tables (public when no schema is given).
fn fq(n: &QualifiedName) -> String {
    format!("{}.{}", n.schema.as_deref().unwrap_or("public"), n.name)
}

fn rel(n: &QualifiedName) -> RelName {
    RelName::new(n.schema.as_deref().unwrap_or("public"), n.name.clone())
}

fn messages(s: &Session, msgs: &[Message]) {
    for m in msgs {
        if m.is_warning() {
            eprintln!("{}WARNING:  {}", s.prefix(), m.note);
        } else if !s.settings.quiet {
            eprintln!("{}INFO:  {}", s.prefix(), m.note);
        }
    }
}

fn options(opts: &[TableOption]) -> AddTableOptions {
    let mut o = AddTableOptions::default();
    for opt in opts {
        match opt {
            TableOption::SkipTruncate => o.skip_truncate = true,
            TableOption::ExpectSync => o.expect_sync = true,
            TableOption::NoTriggers => o.no_triggers = true,
            TableOption::Backup => o.backup = true,
            TableOption::Skip => o.skip = true,
            TableOption::Create => o.create = true,
            TableOption::Handler(h) => o.handler = Some(h.clone()),
            TableOption::TgFlags(f) => o.tgflags = Some(f.clone()),
            TableOption::When(w) => o.when = Some(w.clone()),
            TableOption::Pkey(p) => o.pkey = Some(p.clone()),
            TableOption::EvType(v) => o.ev_type = Some(v.clone()),
            TableOption::EvData(v) => o.ev_data = Some(v.clone()),
            TableOption::EvExtra(n, v) => match n {
                1 => o.ev_extra1 = Some(v.clone()),
                2 => o.ev_extra2 = Some(v.clone()),
                3 => o.ev_extra3 = Some(v.clone()),
                _ => o.ev_extra4 = Some(v.clone()),
            },
            TableOption::Ignore(i) => o.ignore = Some(i.clone()),
        }
    }
    o
}

/// `londiste add table ...`
pub fn add_table(s: &mut Session, cmd: &ast::LondisteAddTable, out: &mut dyn Write) -> Outcome {
    let q = match queue_of(s, None) {
        Ok(q) => q,
        Err(o) => return o,
    };
    let tables: Vec<String> = cmd.tables.iter().map(fq).collect();
    let o = options(&cmd.options);
    let c = client!(s);
    match londiste::add_tables(c, &q, &tables, &o) {
        Ok(m) => {
            messages(s, &m);
            status(s, out, "ADD_TABLE");
            Outcome::Ok
        }
        Err(e) => fail(s, e),
    }
}

/// `londiste add sequence ...`
pub fn add_sequence(
    s: &mut Session,
    cmd: &ast::LondisteAddSequence,
    out: &mut dyn Write,
) -> Outcome {
    let q = match queue_of(s, None) {
        Ok(q) => q,
        Err(o) => return o,
    };
    let seqs: Vec<String> = cmd.sequences.iter().map(fq).collect();
    let c = client!(s);
    match londiste::add_seqs(c, &q, &seqs, &AddSeqOptions::default()) {
        Ok(m) => {
            messages(s, &m);
            status(s, out, "ADD_SEQ");
            Outcome::Ok
        }
        Err(e) => fail(s, e),
    }
}

/// `londiste remove table | sequence ...`
pub fn remove(
    s: &mut Session,
    names: &[QualifiedName],
    tables: bool,
    out: &mut dyn Write,
) -> Outcome {
    let q = match queue_of(s, None) {
        Ok(q) => q,
        Err(o) => return o,
    };
    let list: Vec<String> = names.iter().map(fq).collect();
    let c = client!(s);
    let r = if tables {
        londiste::remove_tables(c, &q, &list)
    } else {
        londiste::remove_seqs(c, &q, &list)
    };
    match r {
        Ok(m) => {
            messages(s, &m);
            status(s, out, if tables { "REMOVE_TABLE" } else { "REMOVE_SEQ" });
            Outcome::Ok
        }
        Err(e) => fail(s, e),
    }
}

/// `londiste resync ...`
pub fn resync(s: &mut Session, cmd: &ast::LondisteResync, out: &mut dyn Write) -> Outcome {
    let q = match queue_of(s, None) {
        Ok(q) => q,
        Err(o) => return o,
    };
    let list: Vec<String> = cmd.tables.iter().map(fq).collect();
    let c = client!(s);
    match londiste::resync(c, &q, &list) {
        Ok(m) => {
            messages(s, &m);
            status(s, out, "RESYNC");
            Outcome::Ok
        }
        Err(e) => fail(s, e),
    }
}

/// `londiste tables`
pub fn tables(s: &mut Session, out: &mut dyn Write) -> Outcome {
    let q = match queue_of(s, None) {
        Ok(q) => q,
        Err(o) => return o,
    };
    let c = client!(s);
    match londiste::tables(c, &q) {
        Ok(list) => {
            let rows = list
                .into_iter()
                .filter(|t| t.local)
                .map(|t| {
                    vec![
                        Some(t.table_name),
                        t.merge_state,
                        t.copy_role,
                        t.table_attrs,
                        t.dest_table,
                    ]
                })
                .collect();
            print(
                s,
                out,
                &result(
                    &[
                        ("table_name", oid::TEXT),
                        ("merge_state", oid::TEXT),
                        ("copy_role", oid::TEXT),
                        ("table_attrs", oid::TEXT),
                        ("dest_table", oid::TEXT),
                    ],
                    rows,
                ),
            );
            Outcome::Ok
        }
        Err(e) => fail(s, e),
    }
}

/// `londiste seqs`
pub fn seqs(s: &mut Session, out: &mut dyn Write) -> Outcome {
    let q = match queue_of(s, None) {
        Ok(q) => q,
        Err(o) => return o,
    };
    let c = client!(s);
    match londiste::seqs(c, &q) {
        Ok(list) => {
            let rows = list
                .into_iter()
                .map(|x| {
                    vec![
                        Some(x.seq_name),
                        flag(Some(x.local)),
                        cell(Some(x.last_value)),
                    ]
                })
                .collect();
            print(
                s,
                out,
                &result(
                    &[
                        ("seq_name", oid::TEXT),
                        ("local", oid::BOOL),
                        ("last_value", oid::INT8),
                    ],
                    rows,
                ),
            );
            Outcome::Ok
        }
        Err(e) => fail(s, e),
    }
}

/// `londiste missing`
pub fn missing(s: &mut Session, out: &mut dyn Write) -> Outcome {
    let q = match queue_of(s, None) {
        Ok(q) => q,
        Err(o) => return o,
    };
    let c = client!(s);
    match londiste::missing(c, &q) {
        Ok(list) => {
            let rows = list
                .into_iter()
                .map(|m| {
                    let state = if m.copying {
                        Some(
                            m.merge_state
                                .clone()
                                .unwrap_or_else(|| "copy not started".into()),
                        )
                    } else {
                        Some("missing".into())
                    };
                    vec![Some(m.kind.to_string()), Some(m.name), state]
                })
                .collect();
            print(
                s,
                out,
                &result(
                    &[
                        ("obj_kind", oid::TEXT),
                        ("obj_name", oid::TEXT),
                        ("state", oid::TEXT),
                    ],
                    rows,
                ),
            );
            Outcome::Ok
        }
        Err(e) => fail(s, e),
    }
}

/// `londiste wait sync`: tables left, once a second, until all are in
/// sync; Ctrl-C stops waiting and changes nothing.
pub fn wait_sync(s: &mut Session, out: &mut dyn Write) -> Outcome {
    let q = match queue_of(s, None) {
        Ok(q) => q,
        Err(o) => return o,
    };
    let mut last = Instant::now() - Duration::from_secs(2);
    loop {
        let c = client!(s);
        let st = match londiste::sync_status(c, &q) {
            Ok(st) => st,
            Err(e) => return fail(s, e),
        };
        if st.is_done() {
            status(s, out, "SYNC");
            return Outcome::Ok;
        }
        if last.elapsed() >= Duration::from_secs(1) {
            last = Instant::now();
            if !s.settings.quiet {
                let names: Vec<String> = st
                    .pending
                    .iter()
                    .map(|(t, m)| format!("{t} ({})", m.as_deref().unwrap_or("copy not started")))
                    .collect();
                let _ = writeln!(
                    out,
                    "{} of {} tables left: {}",
                    st.pending.len(),
                    st.total,
                    names.join(", ")
                );
                let _ = out.flush();
            }
        }
        if crate::db::cancel::take_interrupt() {
            s.client_error("stopped waiting; nothing was changed");
            return Outcome::Failed;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// `londiste show handlers`
pub fn show_handlers(s: &mut Session, out: &mut dyn Write) -> Outcome {
    let rows = londiste::HANDLERS
        .iter()
        .map(|h| {
            vec![
                Some(h.name.to_string()),
                Some(h.module.to_string()),
                Some(h.description.to_string()),
            ]
        })
        .collect();
    print(
        s,
        out,
        &result(
            &[
                ("handler", oid::TEXT),
                ("module", oid::TEXT),
                ("description", oid::TEXT),
            ],
            rows,
        ),
    );
    Outcome::Ok
}

/// `show table <t>` / `show sequence <s>`: plain DDL, no frame.
pub fn show_ddl(
    s: &mut Session,
    name: &QualifiedName,
    table: bool,
    out: &mut dyn Write,
) -> Outcome {
    let r = rel(name);
    let c = client!(s);
    let ddl = if table {
        catalog::table_ddl(c, &r)
    } else {
        catalog::sequence_ddl(c, &r)
    };
    match ddl {
        Ok(text) => {
            let _ = out.write_all(text.as_bytes());
            if !text.ends_with('\n') {
                let _ = out.write_all(b"\n");
            }
            Outcome::Ok
        }
        Err(e) => fail(s, e),
    }
}
