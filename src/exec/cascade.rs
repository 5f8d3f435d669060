//! Cascade commands: AST -> `cascade` API -> a [`Reply`]. Steps of
//! multi-node operations are written to the output as they run (`[node1]
//! Location registered`); waits poll every 50 ms and stop on Ctrl-C or at
//! WAIT_TIMEOUT.

use std::io::Write;
use std::time::Duration;

use crate::cascade::ops::WaitFor;
use crate::cascade::status::CascadeStatus;
use crate::cascade::{self, identity, ops, status};
use crate::exec::cascade_view;
use crate::exec::progress::step_printer;
use crate::exec::reply::{cell, conn, flag, oid, queue_of, table, Fail, Handled, Reply};
use crate::output::Format;
use crate::parse::command::cascade as spec;
use crate::parse::CommandSpec;
use crate::parse::{self, CascadeCommand, Target};
use crate::session::Session;

/// The family's dispatch: each cascade command to its handler (an exhaustive
/// match, so a new command does not compile without its handler).
pub(super) fn handle(s: &mut Session, cmd: &CascadeCommand, out: &mut dyn Write) -> Handled {
    match cmd {
        CascadeCommand::ShowNode(c) => show_node(s, c),
        CascadeCommand::CreateNode(c) => create_node(s, c, out),
        CascadeCommand::ShowCascade => show_cascade(s),
        CascadeCommand::ShowMembers => show_members(s),
        CascadeCommand::ShowNodeStatus(c) => show_node_status(s, c),
        CascadeCommand::AlterNodeProvider(c) => alter_node_provider(s, c, out),
        CascadeCommand::AlterNodeRename(c) => alter_node_rename(s, c, out),
        CascadeCommand::AlterNodeLocation(c) => alter_node_location(s, c, out),
        CascadeCommand::AlterNodeStandby(c) => alter_node_standby(s, c, out),
        CascadeCommand::DropNode(c) => drop_node(s, c, out),
        CascadeCommand::TagNode(c) => tag_node(s, c, out),
        CascadeCommand::PauseNode(c) => pause_node(s, c, out),
        CascadeCommand::ResumeNode(c) => resume_node(s, c, out),
        CascadeCommand::PauseConsumer(c) => {
            pause_consumer(s, &c.consumer, c.node.as_ref(), true, out)
        }
        CascadeCommand::ResumeConsumer(c) => {
            pause_consumer(s, &c.consumer, c.node.as_ref(), false, out)
        }
        CascadeCommand::WaitRoot => wait(s, WaitFor::Root, out),
        CascadeCommand::WaitProvider => wait(s, WaitFor::Provider, out),
        CascadeCommand::Takeover(c) => takeover(s, c, out),
        CascadeCommand::Resurrect => resurrect(s, out),
    }
}

/// Deadline for reaching other nodes (`-v NODE_TIMEOUT=seconds`).
pub fn timeout(s: &Session) -> Duration {
    s.vars
        .get("NODE_TIMEOUT")
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|v| *v > 0.0)
        .map(Duration::from_secs_f64)
        .unwrap_or(cascade::DEFAULT_TIMEOUT)
}

fn interrupted() -> bool {
    crate::db::cancel::interrupted()
}

/// How long a wait for workers may take (`-v WAIT_TIMEOUT=seconds`,
/// default 300; 0: until Ctrl-C).
fn wait_limit(s: &Session) -> Option<Duration> {
    let secs = s
        .vars
        .get("WAIT_TIMEOUT")
        .and_then(|v| v.trim().parse::<f64>().ok())
        .unwrap_or(DEFAULT_WAIT_SECS);
    (secs > 0.0).then(|| Duration::from_secs_f64(secs))
}

/// The default of WAIT_TIMEOUT, in seconds.
const DEFAULT_WAIT_SECS: f64 = 300.0;

/// How waits for workers run: polled every 50 ms, until WAIT_TIMEOUT or
/// Ctrl-C.
fn wait_ctl(s: &Session) -> ops::Wait<'static> {
    ops::Wait {
        poll: Duration::from_millis(50),
        limit: wait_limit(s),
        interrupted: &interrupted,
    }
}

/// A multi-node change cannot be part of the user's transaction block:
/// each node's step commits on its own connection. Refused, with nothing
/// changed, instead of half-running.
fn outside_tx(s: &Session, what: &str) -> Result<(), Fail> {
    if s.tx == crate::session::TxState::Idle {
        return Ok(());
    }
    Err(Fail::msg(format!(
        "{what} cannot run inside a transaction block: it changes several nodes, each in a transaction of its own; end the block (COMMIT or ROLLBACK) first"
    )))
}

/// A pool of the current queue's members: each reached at its registered
/// location and checked to be that node, the local one with the
/// session's own parameters.
fn pool(s: &mut Session) -> Result<ops::Pool, Fail> {
    let q = queue_of(s, None)?;
    let t = timeout(s);
    let mut p = ops::Pool::load(conn(s)?, &q, t)?;
    p.reach_local_with(s.params.clone());
    Ok(p)
}

/// A pool for a multi-node change: the local database must be the node it
/// claims to be, not a copy ([`identity::check_local`]), and the pool holds
/// the cascade's operation lock on every member it reaches
/// ([`ops::Pool::lock`]): one change at a time per cascade, whichever
/// node it is run from.
fn change_pool(s: &mut Session) -> Result<ops::Pool, Fail> {
    let q = queue_of(s, None)?;
    let t = timeout(s);
    let p = pool(s)?;
    let own = p
        .local_name()
        .and_then(|me| p.member(me).ok())
        .and_then(|m| m.location.clone());
    identity::check_local(conn(s)?, &q, own.as_deref(), t)?;
    let mut p = p;
    p.lock()?;
    Ok(p)
}

/// The local node's name and a node pool for the current queue.
fn local_pool(s: &mut Session) -> Result<(String, ops::Pool), Fail> {
    let me = local_node(s)?;
    Ok((me, pool(s)?))
}

/// The local node's name for the current queue.
fn local_node(s: &mut Session) -> Result<String, Fail> {
    let q = queue_of(s, None)?;
    let info = cascade::node_info(conn(s)?, &q)?;
    info.node_name
        .ok_or_else(|| cascade::Error::NotInitialized { queue: q }.into())
}

/// `show cascade;` / `status;`
pub fn show_cascade(s: &mut Session) -> Handled {
    let q = queue_of(s, None)?;
    let t = timeout(s);
    let st = status::status(conn(s)?, &q, t, 64)?;
    s.lag_sample = Some(
        st.nodes
            .iter()
            .filter_map(|n| st.lag(n).map(|l| (n.name.clone(), l)))
            .collect(),
    );
    Ok(Reply::Text(if s.settings.print.format == Format::Json {
        format!("{}\n", status_json(&st))
    } else {
        cascade_view::render_status(&st)
    }))
}

fn status_json(st: &CascadeStatus) -> serde_json::Value {
    let nodes: Vec<serde_json::Value> = st
        .tree_order()
        .into_iter()
        .map(|(depth, n)| {
            let info = n.info.as_ref();
            serde_json::json!({
                "node": n.name,
                "depth": depth,
                "type": n.node_type(),
                "dead": n.dead,
                "error": n.error,
                "provider": info.and_then(|i| i.provider_node.clone()),
                "worker": info.and_then(|i| i.worker_name.clone()),
                "paused": info.and_then(|i| i.worker_paused),
                "uptodate": info.and_then(|i| i.worker_uptodate),
                "last_tick": info.and_then(|i| i.worker_last_tick),
                "lag_seconds": st.lag(n),
                "tables": n.tables.map(|(ok, half, ign)| serde_json::json!({"ok": ok, "copying": half, "ignored": ign})),
                "errors": n.consumer_errors.iter().map(|(c, e)| serde_json::json!({"consumer": c, "error": e})).collect::<Vec<_>>(),
                "subscribers": n.children,
            })
        })
        .collect();
    serde_json::json!({"queue": st.queue, "local_node": st.local_node, "nodes": nodes, "problems": st.problems()})
}

/// `show members;`
pub fn show_members(s: &mut Session) -> Handled {
    let q = queue_of(s, None)?;
    let rows = cascade::members(conn(s)?, &q)?
        .into_iter()
        .map(|m| vec![Some(m.name), flag(Some(m.dead)), m.location])
        .collect();
    Ok(table(
        &[
            ("node_name", oid::TEXT),
            ("dead", oid::BOOL),
            ("node_location", oid::TEXT),
        ],
        rows,
    ))
}

/// `show node [<n> | *] [on <q>];`: node locations.
pub fn show_node(s: &mut Session, cmd: &parse::ShowNode) -> Handled {
    let q = queue_of(s, cmd.queue.as_ref())?;
    let only = match &cmd.node {
        Some(Target::Named(n)) => Some(n.as_str().to_string()),
        _ => None,
    };
    let m = cascade::members(conn(s)?, &q)?;
    if let Some(n) = &only {
        if !m.iter().any(|x| &x.name == n) {
            return Err(cascade::Error::NodeNotFound(n.clone()).into());
        }
    }
    let rows = m
        .into_iter()
        .filter(|x| only.as_ref().is_none_or(|n| &x.name == n))
        .map(|m| {
            vec![
                Some(q.clone()),
                Some(m.name),
                m.location,
                flag(Some(m.dead)),
            ]
        })
        .collect();
    Ok(table(
        &[
            ("queue_name", oid::TEXT),
            ("node_name", oid::TEXT),
            ("node_location", oid::TEXT),
            ("dead", oid::BOOL),
        ],
        rows,
    ))
}

/// `show node status [<n>];`
pub fn show_node_status(s: &mut Session, cmd: &parse::ShowNodeStatus) -> Handled {
    let q = queue_of(s, None)?;
    let name = match &cmd.node {
        Some(n) => n.as_str().to_string(),
        None => local_node(s)?,
    };
    // The local node is read on the session's own connection, with what
    // this database is (the node, or a copy of it); others through a pool.
    let local = match &cmd.node {
        None => true,
        Some(n) => cascade::node_info(conn(s)?, &q)?.node_name.as_deref() == Some(n.as_str()),
    };
    let (info, subs, identity_row) = if local {
        let idle = s.tx == crate::session::TxState::Idle;
        let c = conn(s)?;
        let what = if idle {
            let seen = identity::observe(c, &q)?;
            Some(seen.describe().unwrap_or_else(|| match seen.actual {
                Some(_) => format!("node \"{name}\" itself"),
                None => format!("node \"{name}\" (its fingerprint cannot be read by this user)"),
            }))
        } else {
            None
        };
        (
            cascade::node_info(c, &q)?,
            cascade::subscribers(c, &q)?,
            what,
        )
    } else {
        let mut p = pool(s)?;
        let info = p.info(&name)?;
        let subs = p.node(&name).and_then(|c| cascade::subscribers(c, &q))?;
        (info, subs, None)
    };
    if s.settings.print.format == Format::Json {
        // One object, typed fields (docs/json.md), not field/value text.
        let v = serde_json::json!({
            "node": name,
            "type": info.node_type,
            "provider": info.provider_node,
            "worker": info.worker_name,
            "paused": info.worker_paused,
            "uptodate": info.worker_uptodate,
            "last_tick": info.worker_last_tick,
            "global_watermark": info.global_watermark,
            "local_watermark": info.local_watermark,
            "subscribers": subs.iter().map(|x| x.node.clone()).collect::<Vec<_>>(),
            "this_database": identity_row,
        });
        return Ok(Reply::Text(format!("{v}\n")));
    }
    let mut rows = vec![
        vec![Some("node".into()), Some(name.clone())],
        vec![Some("type".into()), info.node_type.clone()],
        vec![Some("provider".into()), info.provider_node.clone()],
        vec![Some("worker".into()), info.worker_name.clone()],
        vec![Some("paused".into()), flag(info.worker_paused)],
        vec![Some("uptodate".into()), flag(info.worker_uptodate)],
        vec![Some("last tick".into()), cell(info.worker_last_tick)],
        vec![Some("global watermark".into()), cell(info.global_watermark)],
        vec![Some("local watermark".into()), cell(info.local_watermark)],
        vec![
            Some("subscribers".into()),
            Some(
                subs.iter()
                    .map(|x| x.node.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        ],
    ];
    if let Some(what) = identity_row {
        rows.push(vec![Some("this database".into()), Some(what)]);
    }
    Ok(table(&[("field", oid::TEXT), ("value", oid::TEXT)], rows))
}

/// `create root | branch | leaf node <n> ...`
pub fn create_node(s: &mut Session, cmd: &parse::CreateNode, out: &mut dyn Write) -> Handled {
    outside_tx(s, "create node")?;
    let q = queue_of(s, cmd.queue.as_ref())?;
    let t = timeout(s);
    let location = match &cmd.location {
        Some(l) => l.clone(),
        None => {
            let l = s.params.location();
            if let Err(e) = cascade::check_location(conn(s)?, &l, t) {
                return Err(Fail::msg(format!(
                    "could not use {l} as this node's location ({e}); give one: location '<connstr>'"
                )));
            }
            l
        }
    };
    let spec = cascade::CreateNode {
        queue: q,
        node_type: match cmd.kind {
            parse::NodeKind::Root => cascade::NodeType::Root,
            parse::NodeKind::Branch => cascade::NodeType::Branch,
            parse::NodeKind::Leaf => cascade::NodeType::Leaf,
        },
        name: cmd.node.as_str().to_string(),
        location,
        provider: cmd.provider.as_ref().map(|p| match p {
            parse::Provider::Node(n) => cascade::Provider::Node(n.as_str().to_string()),
            parse::Provider::Location(l) => cascade::Provider::Location(l.clone()),
        }),
        worker: cmd
            .worker
            .as_ref()
            .map(|w| w.as_str().to_string())
            .unwrap_or_else(|| cascade::default_worker_name(cmd.node.as_str())),
        merge: cmd.merge.as_ref().map(|m| m.as_str().to_string()),
    };
    if let Some(copy) = &cmd.from_copy {
        if spec.merge.is_some() {
            return Err(Fail::msg(
                "merge cannot be combined with from copy (a node made from a copy merges into no queue)",
            ));
        }
        let spec = ops::FromCopy {
            queue: spec.queue,
            node_type: spec.node_type,
            name: spec.name,
            of: copy.of.as_ref().map(|n| n.as_str().to_string()),
            provider: spec.provider,
            location: spec.location,
            worker: spec.worker,
        };
        let mut report = step_printer(s, out);
        let done = ops::create_from_copy(conn(s)?, &spec, t, &mut report)?;
        return Ok(Reply::All(vec![
            Reply::Done,
            Reply::Info(format!(
                "worker name: {} (the job_name of this node's Londiste worker; start it: it continues from tick {} of {})",
                spec.worker, done.tick, done.provider
            )),
        ]));
    }
    let mut report = step_printer(s, out);
    cascade::create_node(conn(s)?, &spec, t, &mut report)?;
    Ok(Reply::All(vec![
        Reply::Done,
        Reply::Info(format!(
            "worker name: {} (the job_name of this node's Londiste worker)",
            spec.worker
        )),
    ]))
}

/// A multi-node change on the current queue's nodes: refused inside a
/// transaction block or from a copy of the node, run on a pool locked on
/// every member it reaches (one change at a time per cascade), its steps
/// printed as they run.
fn operation(
    s: &mut Session,
    spec: &CommandSpec,
    out: &mut dyn Write,
    op: impl FnOnce(&mut ops::Pool, &ops::Wait<'_>, cascade::Reporter<'_>) -> cascade::Result<()>,
) -> Handled {
    outside_tx(s, spec.words)?;
    let mut p = change_pool(s)?;
    let wait = wait_ctl(s);
    let mut report = step_printer(s, out);
    op(&mut p, &wait, &mut report)?;
    Ok(Reply::Done)
}

/// `alter node <n> provider <p>`
pub fn alter_node_provider(
    s: &mut Session,
    cmd: &parse::AlterNodeProvider,
    out: &mut dyn Write,
) -> Handled {
    operation(s, &spec::ALTER_NODE_PROVIDER, out, |p, wait, report| {
        ops::change_provider(p, cmd.node.as_str(), cmd.provider.as_str(), wait, report)
    })
}

/// `alter node <n> rename <new>`
pub fn alter_node_rename(
    s: &mut Session,
    cmd: &parse::AlterNodeRename,
    out: &mut dyn Write,
) -> Handled {
    operation(s, &spec::ALTER_NODE_RENAME, out, |p, _, report| {
        cascade::rename::rename_node(p, cmd.node.as_str(), cmd.new_name.as_str(), report)
    })
}

/// `alter node <n> location '<connstr>'`
pub fn alter_node_location(
    s: &mut Session,
    cmd: &parse::AlterNodeLocation,
    out: &mut dyn Write,
) -> Handled {
    operation(s, &spec::ALTER_NODE_LOCATION, out, |p, _, report| {
        ops::set_location(p, cmd.node.as_str(), &cmd.location, report)
    })
}

/// `alter node <root> standby location '<connstr>' [, ...] | none`
pub fn alter_node_standby(
    s: &mut Session,
    cmd: &parse::AlterNodeStandby,
    out: &mut dyn Write,
) -> Handled {
    operation(s, &spec::ALTER_NODE_STANDBY, out, |p, _, report| {
        ops::record_standbys(p, cmd.node.as_str(), &cmd.locations, report).map(|_| ())
    })
}

/// `drop node <n>`
pub fn drop_node(s: &mut Session, cmd: &parse::DropNode, out: &mut dyn Write) -> Handled {
    operation(s, &spec::DROP_NODE, out, |p, _, report| {
        ops::drop_node(p, cmd.node.as_str(), report)
    })
}

/// `tag node <n> dead | alive`
pub fn tag_node(s: &mut Session, cmd: &parse::TagNode, out: &mut dyn Write) -> Handled {
    operation(s, &spec::TAG_NODE, out, |p, _, report| {
        ops::tag_node(p, cmd.node.as_str(), cmd.dead, report)
    })
}

/// `pause node <n>`
pub fn pause_node(s: &mut Session, cmd: &parse::PauseNode, out: &mut dyn Write) -> Handled {
    operation(s, &spec::PAUSE_NODE, out, |p, wait, report| {
        ops::pause_node(p, cmd.node.as_str(), true, wait, report)
    })
}

/// `resume node <n>`
pub fn resume_node(s: &mut Session, cmd: &parse::ResumeNode, out: &mut dyn Write) -> Handled {
    operation(s, &spec::RESUME_NODE, out, |p, wait, report| {
        ops::pause_node(p, cmd.node.as_str(), false, wait, report)
    })
}

/// `pause consumer <c> [on <node>]` / `resume consumer ...`
pub fn pause_consumer(
    s: &mut Session,
    consumer: &parse::ConsumerName,
    node: Option<&parse::NodeName>,
    paused: bool,
    out: &mut dyn Write,
) -> Handled {
    let node = match node {
        Some(n) => n.as_str().to_string(),
        None => local_node(s)?,
    };
    let mut p = change_pool(s)?;
    let wait = wait_ctl(s);
    let mut report = step_printer(s, out);
    ops::set_paused(&mut p, &node, consumer.as_str(), paused, &wait, &mut report)?;
    Ok(Reply::Done)
}

/// `wait root;` / `wait provider;`
pub fn wait(s: &mut Session, target: ops::WaitFor, out: &mut dyn Write) -> Handled {
    let (me, mut p) = local_pool(s)?;
    let wait = wait_ctl(s);
    let mut report = step_printer(s, out);
    ops::wait_caught_up(&mut p, &me, target, &wait, &mut report)?;
    Ok(Reply::Done)
}

/// `resurrect;` on an old root that came back: it rejoins as a branch of
/// the new root; the events it had that never reached the cascade are
/// answered as a table (they stay in its tables).
pub fn resurrect(s: &mut Session, out: &mut dyn Write) -> Handled {
    outside_tx(s, "resurrect")?;
    let me = local_node(s)?;
    let mut p = change_pool(s)?;
    let mut report = step_printer(s, out);
    let done = ops::resurrect(&mut p, &me, &mut report)?;
    let rows = done
        .lost
        .into_iter()
        .map(|e| {
            vec![
                Some(e.id.to_string()),
                Some(e.time),
                e.kind,
                e.data,
                e.extra1,
            ]
        })
        .collect();
    Ok(Reply::All(vec![
        table(
            &[
                ("lost_event_id", oid::INT8),
                ("event_time", oid::TEXT),
                ("event_type", oid::TEXT),
                ("event_data", oid::TEXT),
                ("extra1", oid::TEXT),
            ],
            rows,
        ),
        Reply::Done,
    ]))
}

/// `takeover <old> [with all] [dead] [force];` on the current node.
pub fn takeover(s: &mut Session, cmd: &parse::Takeover, out: &mut dyn Write) -> Handled {
    outside_tx(s, spec::TAKEOVER.words)?;
    let me = local_node(s)?;
    if cmd.dead && me == cmd.old.as_str() {
        return takeover_standby(s, &me, out);
    }
    let standby: Option<String> = s
        .vars
        .get("STANDBY")
        .filter(|v| !v.trim().is_empty())
        .cloned();
    let mut p = change_pool(s)?;
    let old = cmd.old.as_str();
    let problems = if cmd.dead {
        ops::sync_problems(&mut p, &me)?
    } else {
        ops::takeover_check(&mut p, old, &me)?
    };
    let mut report = step_printer(s, out);
    for pr in &problems {
        report(&cascade::Step {
            node: me.clone(),
            message: format!("table {}: {}", pr.table, pr.state),
            warning: true,
        });
    }
    if !problems.is_empty() && !cmd.force {
        return Err(Fail::msg(format!(
            "{me} is not ready to take over {old}: {} table(s) missing or not in sync (add \"force\" to go on anyway)",
            problems.len()
        )));
    }
    let wait = wait_ctl(s);
    if cmd.dead {
        // No silent loss: a promoted standby of a dead root (STANDBY)
        // holding more than this node refuses the takeover here.
        ops::check_standby(&mut p, &me, old, standby.as_deref(), &mut report)?;
        ops::takeover_dead(&mut p, &me, old, cmd.force, &wait, &mut report)?;
    } else {
        ops::takeover(&mut p, &me, old, cmd.all, &wait, &mut report)?;
    }
    Ok(Reply::Done)
}

/// `takeover <root> dead` run on a promoted physical standby of the dead
/// root (this database's local node is the root's own name): the one
/// command such a copy is allowed to run; it makes it the root
/// ([`ops::takeover_standby`]). Its location is registered as the
/// session's own (`s.params.location()`).
fn takeover_standby(s: &mut Session, me: &str, out: &mut dyn Write) -> Handled {
    let q = queue_of(s, None)?;
    let seen = identity::observe(conn(s)?, &q)?;
    if seen.verdict() == identity::Verdict::Original {
        // The takeover's last step records this database as the root
        // itself: a rerun after it (qadmin killed before it said so)
        // finds the work done, and so does a run on the root itself.
        let is_root = cascade::node_info(conn(s)?, &q)?.node_type.as_deref() == Some("root");
        if is_root {
            return Ok(Reply::All(vec![
                Reply::Info(format!(
                    "this database is node \"{me}\" itself: nothing to take over (a WAL-standby takeover run here has finished; to replace {me}, run a dead takeover on another node)"
                )),
                Reply::Status("TAKEOVER"),
            ]));
        }
    }
    if !matches!(seen.verdict(), identity::Verdict::Promoted { .. }) {
        let what = seen
            .describe()
            .unwrap_or_else(|| format!("node \"{me}\" itself"));
        return Err(Fail::msg(format!(
            "this database is {what}: \"takeover {me} dead\" here is only for a promoted physical standby of {me} taking its place (run a dead takeover on another node to replace {me})"
        )));
    }
    let mut p = pool(s)?;
    p.accept_local_standby();
    p.lock()?;
    let location = s.params.location();
    let wait = wait_ctl(s);
    let mut report = step_printer(s, out);
    let done = ops::takeover_standby(&mut p, me, &location, &wait, &mut report)?;
    let case = match &done.case {
        ops::WalCase::Ahead { last_tick } => {
            format!("WAL ahead (the standby had tick {last_tick}): nothing rebuilt")
        }
        ops::WalCase::Behind {
            last_tick,
            from,
            branch_tick,
        } => format!(
            "WAL behind: ticks {}..{branch_tick} rebuilt from {from} (standby at {last_tick}): {} events, {} row changes, {} TRUNCATE, {} EXECUTE, {} sequence updates",
            last_tick + 1,
            done.events_copied,
            done.rows_applied,
            done.truncates,
            done.executes,
            done.sequences
        ),
    };
    Ok(Reply::All(vec![
        Reply::Info(case),
        // The loss was reported as the last step's warning: once.
        Reply::Status("TAKEOVER"),
    ]))
}
