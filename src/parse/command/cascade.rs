//! The cascade family: nodes (`show node`, create, alter, drop, tag,
//! pause / resume), `takeover`, `resurrect`, cascaded consumers' pauses and
//! the waits. The family's enum, AST structs, command table (`specs!`), its
//! exhaustive `spec()` and its lowering, together; handled by
//! `exec/cascade.rs`.

use super::*;

/// A cascade command; one variant per command of the family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CascadeCommand {
    /// `show node [<n> | *] [on <q>]`
    ShowNode(ShowNode),
    /// `create root | branch | leaf node <n> ...`
    CreateNode(CreateNode),
    /// `show cascade` and its short form `status`
    ShowCascade,
    /// `show members`
    ShowMembers,
    /// `show node status [<n>]`
    ShowNodeStatus(ShowNodeStatus),
    /// `alter node <n> provider <p>`
    AlterNodeProvider(AlterNodeProvider),
    /// `alter node <n> rename <new>`
    AlterNodeRename(AlterNodeRename),
    /// `alter node <n> location '<connstr>'`
    AlterNodeLocation(AlterNodeLocation),
    /// `alter node <root> standby location '<connstr>' [, ...] | none`
    AlterNodeStandby(AlterNodeStandby),
    /// `takeover <old> [with all] [dead] [force]`
    Takeover(Takeover),
    /// `drop node <n>`
    DropNode(DropNode),
    /// `tag node <n> dead | alive`
    TagNode(TagNode),
    /// `pause node <n>`
    PauseNode(PauseNode),
    /// `resume node <n>`
    ResumeNode(ResumeNode),
    /// `pause consumer <c> [on <node>]`
    PauseConsumer(PauseConsumer),
    /// `resume consumer <c> [on <node>]`
    ResumeConsumer(ResumeConsumer),
    /// `wait root`
    WaitRoot,
    /// `wait provider`
    WaitProvider,
    /// `resurrect`
    Resurrect,
}

specs! {
    SHOW_NODE: show_node, Inspection, "show node", Nothing, None,
        "show node [<n> | *] [on <q>];",
        "Show cascade nodes of a queue (pgq_node.get_queue_locations).";
    CREATE_ROOT_NODE: create_root_node, Cascade, "create root node", Cascade, Some("CREATE"),
        "create root node <n> [on <q>] [location '<connstr>'] [provider <node> | provider '<connstr>'] [worker <name>] [merge <q>];",
        "Create the root node of a cascaded queue in this database.";
    CREATE_BRANCH_NODE: create_branch_node, Cascade, "create branch node", Cascade, Some("CREATE"),
        "create branch node <n> [on <q>] [location '<connstr>'] [provider <node> | provider '<connstr>'] [worker <name>] [merge <q>] [from copy [of <node>]];",
        "Create a branch node (it keeps the queue's events) subscribed to a provider; with from copy, run on a dump, base backup or PITR restore of a member, it starts from the copy's data (no initial copy).";
    CREATE_LEAF_NODE: create_leaf_node, Cascade, "create leaf node", Cascade, Some("CREATE"),
        "create leaf node <n> [on <q>] [location '<connstr>'] [provider <node> | provider '<connstr>'] [worker <name>] [merge <q>] [from copy [of <node>]];",
        "Create a leaf node (no events of its own) subscribed to a provider, optionally merging into a queue; with from copy, run on a dump, base backup or PITR restore of a member, it starts from the copy's data (no initial copy).";
    SHOW_CASCADE: show_cascade, Cascade, "show cascade", Nothing, None,
        "show cascade;",
        "Show the cascade: all nodes as a tree, with lag, last tick and errors.";
    STATUS: status, Cascade, "status", Nothing, None,
        "status;",
        "Short for show cascade.";
    SHOW_MEMBERS: show_members, Cascade, "show members", Nothing, None,
        "show members;",
        "Show the queue's member nodes and their locations.";
    SHOW_NODE_STATUS: show_node_status, Cascade, "show node status", Nothing, None,
        "show node status [<n>];",
        "Show one node's status (pgq_node.get_node_info). The current node by default.";
    ALTER_NODE_PROVIDER: alter_node_provider, Cascade, "alter node provider", Cascade, Some("ALTER"),
        "alter node <n> provider <p>;",
        "Subscribe a node to another provider (change provider).";
    ALTER_NODE_RENAME: alter_node_rename, Cascade, "alter node rename", Cascade, Some("ALTER"),
        "alter node <n> rename <new>;",
        "Rename a node on every member.";
    ALTER_NODE_LOCATION: alter_node_location, Cascade, "alter node location", Cascade, Some("ALTER"),
        "alter node <n> location '<connstr>';",
        "Change the connection string other nodes use for a node.";
    ALTER_NODE_STANDBY: alter_node_standby, Cascade, "alter node standby location", Cascade, Some("ALTER"),
        "alter node <root> standby location '<connstr>' [, '<connstr>' ...] | none;",
        "Record the root's physical standby location(s) on every member (none forgets them): a dead-root takeover run on a branch checks them first.";
    TAKEOVER: takeover, Cascade, "takeover", Cascade, Some("TAKEOVER"),
        "takeover <old> [with all] [dead] [force];",
        "Make the current node take over from <old>. Options in any order: with all (also its other subscribers), dead (<old> is unreachable), force (go on with missing or unsynced tables).";
    DROP_NODE: drop_node, Cascade, "drop node", Cascade, Some("DROP"),
        "drop node <n>;",
        "Remove a node from the cascade.";
    TAG_NODE: tag_node, Cascade, "tag node", Cascade, Some("TAG"),
        "tag node <n> dead | alive;",
        "Mark a node as dead (others stop waiting for it) or alive again.";
    PAUSE_NODE: pause_node, Cascade, "pause node", Nothing, Some("PAUSE"),
        "pause node <n>;",
        "Pause a node's worker.";
    RESUME_NODE: resume_node, Cascade, "resume node", Nothing, Some("RESUME"),
        "resume node <n>;",
        "Resume a node's worker.";
    PAUSE_CONSUMER: pause_consumer, Cascade, "pause consumer", Nothing, Some("PAUSE"),
        "pause consumer <c> [on <node>];",
        "Pause a cascaded consumer on a node (the current node by default).";
    RESUME_CONSUMER: resume_consumer, Cascade, "resume consumer", Nothing, Some("RESUME"),
        "resume consumer <c> [on <node>];",
        "Resume a cascaded consumer on a node (the current node by default).";
    WAIT_ROOT: wait_root, Cascade, "wait root", Nothing, Some("WAIT"),
        "wait root;",
        "Wait until the current node has caught up with the root.";
    WAIT_PROVIDER: wait_provider, Cascade, "wait provider", Nothing, Some("WAIT"),
        "wait provider;",
        "Wait until the current node has caught up with its provider.";
    RESURRECT: resurrect, Cascade, "resurrect", Cascade, Some("RESURRECT"),
        "resurrect;",
        "On an old root that came back after takeover ... dead: rejoin as a branch of the new root; its lost events are listed and dropped from its queue. On an old primary whose promoted standby took its place: its lost events counted and listed exactly, nothing changed.";
}

impl CascadeCommand {
    /// This command's [`CommandSpec`].
    pub fn spec(&self) -> &'static CommandSpec {
        match self {
            CascadeCommand::ShowNode(_) => &SHOW_NODE,
            CascadeCommand::CreateNode(c) => match c.kind {
                NodeKind::Root => &CREATE_ROOT_NODE,
                NodeKind::Branch => &CREATE_BRANCH_NODE,
                NodeKind::Leaf => &CREATE_LEAF_NODE,
            },
            // `status` is the short form: one command, the long form's spec.
            CascadeCommand::ShowCascade => &SHOW_CASCADE,
            CascadeCommand::ShowMembers => &SHOW_MEMBERS,
            CascadeCommand::ShowNodeStatus(_) => &SHOW_NODE_STATUS,
            CascadeCommand::AlterNodeProvider(_) => &ALTER_NODE_PROVIDER,
            CascadeCommand::AlterNodeRename(_) => &ALTER_NODE_RENAME,
            CascadeCommand::AlterNodeLocation(_) => &ALTER_NODE_LOCATION,
            CascadeCommand::AlterNodeStandby(_) => &ALTER_NODE_STANDBY,
            CascadeCommand::Takeover(_) => &TAKEOVER,
            CascadeCommand::DropNode(_) => &DROP_NODE,
            CascadeCommand::TagNode(_) => &TAG_NODE,
            CascadeCommand::PauseNode(_) => &PAUSE_NODE,
            CascadeCommand::ResumeNode(_) => &RESUME_NODE,
            CascadeCommand::PauseConsumer(_) => &PAUSE_CONSUMER,
            CascadeCommand::ResumeConsumer(_) => &RESUME_CONSUMER,
            CascadeCommand::WaitRoot => &WAIT_ROOT,
            CascadeCommand::WaitProvider => &WAIT_PROVIDER,
            CascadeCommand::Resurrect => &RESURRECT,
        }
    }
}

/// A command rule of this family; `None` for the other families' rules.
pub(super) fn lower(pair: P<'_>) -> R<Option<CascadeCommand>> {
    Ok(Some(match pair.as_rule() {
        Rule::show_node => {
            let inner = pair.into_inner();
            CascadeCommand::ShowNode(ShowNode {
                node: opt_target(inner.clone(), Rule::node_name, NodeName::new),
                queue: opt_name(inner, Rule::queue_name).map(QueueName::new),
            })
        }
        Rule::create_root_node => {
            CascadeCommand::CreateNode(lower_create_node(pair, NodeKind::Root)?)
        }
        Rule::create_branch_node => {
            CascadeCommand::CreateNode(lower_create_node(pair, NodeKind::Branch)?)
        }
        Rule::create_leaf_node => {
            CascadeCommand::CreateNode(lower_create_node(pair, NodeKind::Leaf)?)
        }
        Rule::show_cascade | Rule::status => CascadeCommand::ShowCascade,
        Rule::show_members => CascadeCommand::ShowMembers,
        Rule::show_node_status => CascadeCommand::ShowNodeStatus(ShowNodeStatus {
            node: opt_name(pair.into_inner(), Rule::node_name).map(NodeName::new),
        }),
        Rule::alter_node_provider => {
            let n = names(pair.into_inner(), Rule::node_name);
            CascadeCommand::AlterNodeProvider(AlterNodeProvider {
                node: NodeName::new(n.first().cloned().unwrap_or_default()),
                provider: NodeName::new(n.get(1).cloned().unwrap_or_default()),
            })
        }
        Rule::alter_node_rename => {
            let n = names(pair.into_inner(), Rule::node_name);
            CascadeCommand::AlterNodeRename(AlterNodeRename {
                node: NodeName::new(n.first().cloned().unwrap_or_default()),
                new_name: NodeName::new(n.get(1).cloned().unwrap_or_default()),
            })
        }
        Rule::alter_node_location => {
            let inner = pair.clone().into_inner();
            CascadeCommand::AlterNodeLocation(AlterNodeLocation {
                node: NodeName::new(name_of(inner.clone(), Rule::node_name)),
                location: string_of(first_of(pair, Rule::connstr, "alter_node_location")?),
            })
        }
        Rule::alter_node_standby => {
            let inner = pair.clone().into_inner();
            CascadeCommand::AlterNodeStandby(AlterNodeStandby {
                node: NodeName::new(name_of(inner.clone(), Rule::node_name)),
                locations: inner
                    .filter(|p| p.as_rule() == Rule::connstr)
                    .map(string_of)
                    .collect(),
            })
        }
        Rule::takeover => CascadeCommand::Takeover(lower_takeover(pair)?),
        Rule::drop_node => CascadeCommand::DropNode(DropNode {
            node: NodeName::new(name_of(pair.into_inner(), Rule::node_name)),
        }),
        Rule::tag_node => {
            let inner = pair.into_inner();
            CascadeCommand::TagNode(TagNode {
                node: NodeName::new(name_of(inner.clone(), Rule::node_name)),
                dead: has(inner, Rule::kw_dead),
            })
        }
        Rule::pause_node => CascadeCommand::PauseNode(PauseNode {
            node: NodeName::new(name_of(pair.into_inner(), Rule::node_name)),
        }),
        Rule::resume_node => CascadeCommand::ResumeNode(ResumeNode {
            node: NodeName::new(name_of(pair.into_inner(), Rule::node_name)),
        }),
        Rule::pause_consumer => {
            let inner = pair.into_inner();
            CascadeCommand::PauseConsumer(PauseConsumer {
                consumer: ConsumerName::new(name_of(inner.clone(), Rule::consumer_name)),
                node: opt_name(inner, Rule::node_name).map(NodeName::new),
            })
        }
        Rule::resume_consumer => {
            let inner = pair.into_inner();
            CascadeCommand::ResumeConsumer(ResumeConsumer {
                consumer: ConsumerName::new(name_of(inner.clone(), Rule::consumer_name)),
                node: opt_name(inner, Rule::node_name).map(NodeName::new),
            })
        }
        Rule::wait_root => CascadeCommand::WaitRoot,
        Rule::wait_provider => CascadeCommand::WaitProvider,
        Rule::resurrect => CascadeCommand::Resurrect,
        _ => return Ok(None),
    }))
}

fn lower_create_node(pair: P<'_>, kind: NodeKind) -> R<CreateNode> {
    let inner = pair.into_inner();
    let mut c = CreateNode {
        kind,
        node: NodeName::new(name_of(inner.clone(), Rule::node_name)),
        queue: None,
        location: None,
        provider: None,
        worker: None,
        merge: None,
        from_copy: None,
    };
    for opt in inner.filter(|p| p.as_rule() == Rule::create_node_option) {
        lower_create_node_option(opt, &mut c)?;
    }
    Ok(c)
}

fn lower_create_node_option(pair: P<'_>, c: &mut CreateNode) -> R<()> {
    let mut inner = pair.clone().into_inner();
    if inner.peek().map(|p| p.as_rule()) == Some(Rule::kw_from) {
        if c.from_copy.is_some() {
            return Err(invalid(&pair, "`from copy` given twice".into()));
        }
        if c.kind == NodeKind::Root {
            return Err(invalid(
                &pair,
                "a copy becomes a branch or a leaf node, not a root".into(),
            ));
        }
        let of = inner
            .find(|p| p.as_rule() == Rule::node_name)
            .map(|p| NodeName::new(fold(p.as_str())));
        c.from_copy = Some(FromCopy { of });
        return Ok(());
    }
    let (kw, value) = match (inner.next(), inner.next()) {
        (Some(k), Some(v)) => (k, v),
        _ => return Err(invalid(&pair, "incomplete option".into())),
    };
    let twice = |what: &str| invalid(&pair, format!("`{what}` given twice"));
    match kw.as_rule() {
        Rule::kw_on => {
            if c.queue.is_some() {
                return Err(twice("on"));
            }
            c.queue = Some(QueueName::new(fold(value.as_str())));
        }
        Rule::kw_location => {
            if c.location.is_some() {
                return Err(twice("location"));
            }
            c.location = Some(string_of(value));
        }
        Rule::kw_provider => {
            if c.provider.is_some() {
                return Err(twice("provider"));
            }
            c.provider = Some(match value.as_rule() {
                Rule::connstr => Provider::Location(string_of(value)),
                _ => Provider::Node(NodeName::new(fold(value.as_str()))),
            });
        }
        Rule::kw_worker => {
            if c.worker.is_some() {
                return Err(twice("worker"));
            }
            c.worker = Some(ConsumerName::new(fold(value.as_str())));
        }
        Rule::kw_merge => {
            if c.merge.is_some() {
                return Err(twice("merge"));
            }
            c.merge = Some(QueueName::new(fold(value.as_str())));
        }
        other => unreachable!("{other:?} in lower_create_node_option"),
    }
    Ok(())
}

fn lower_takeover(pair: P<'_>) -> R<Takeover> {
    let inner = pair.into_inner();
    let mut t = Takeover {
        old: NodeName::new(name_of(inner.clone(), Rule::node_name)),
        all: false,
        dead: false,
        force: false,
    };
    for opt in inner.filter(|p| p.as_rule() == Rule::takeover_option) {
        let (flag, name) = match opt.clone().into_inner().next().map(|p| p.as_rule()) {
            Some(Rule::kw_with) => (&mut t.all, "with all"),
            Some(Rule::kw_dead) => (&mut t.dead, "dead"),
            Some(Rule::kw_force) => (&mut t.force, "force"),
            other => unreachable!("{other:?} in lower_takeover"),
        };
        if *flag {
            return Err(invalid(&opt, format!("`{name}` given twice")));
        }
        *flag = true;
    }
    Ok(t)
}

/// `show node [<n> | *] [on <q>]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShowNode {
    /// The node, `*`, or `None` when not given.
    pub node: Option<Target<NodeName>>,
    /// `on <q>`; `None` means the current queue.
    pub queue: Option<QueueName>,
}

/// `create root | branch | leaf node <n> [options]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateNode {
    /// Root, branch or leaf.
    pub kind: NodeKind,
    /// The new node's name.
    pub node: NodeName,
    /// `on <q>`; `None` means the current queue.
    pub queue: Option<QueueName>,
    /// `location '<connstr>'`: how other nodes reach this one.
    pub location: Option<String>,
    /// `provider <node>` or `provider '<connstr>'`.
    pub provider: Option<Provider>,
    /// `worker <name>`: the node's worker (consumer) name.
    pub worker: Option<ConsumerName>,
    /// `merge <q>`: the queue a leaf merges into.
    pub merge: Option<QueueName>,
    /// `from copy [of <node>]`: this database is a copy of a member.
    pub from_copy: Option<FromCopy>,
}

/// `from copy [of <node>]` of `create branch | leaf node`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FromCopy {
    /// `of <node>`: the member the copy was made from (checked).
    pub of: Option<NodeName>,
}

/// Kinds of cascade node.
#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    Root,
    Branch,
    Leaf,
}

/// A provider given by node name or by connection string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Provider {
    /// `provider <node>`.
    Node(NodeName),
    /// `provider '<connstr>'`.
    Location(String),
}

/// `show node status [<n>]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShowNodeStatus {
    /// The node; `None` means the current node.
    pub node: Option<NodeName>,
}

/// `alter node <n> provider <p>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlterNodeProvider {
    /// The node whose provider changes.
    pub node: NodeName,
    /// Its new provider.
    pub provider: NodeName,
}

/// `alter node <n> rename <new>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlterNodeRename {
    /// The node.
    pub node: NodeName,
    /// Its new name.
    pub new_name: NodeName,
}

/// `alter node <n> location '<connstr>'`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlterNodeLocation {
    /// The node.
    pub node: NodeName,
    /// Its new connection string.
    pub location: String,
}

/// `alter node <root> standby location '<connstr>' [, ...] | none`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlterNodeStandby {
    /// The node (the root) whose standbys these are.
    pub node: NodeName,
    /// Its physical standbys' connection strings (empty: `none`).
    pub locations: Vec<String>,
}

/// `takeover <old> [with all] [dead] [force]` (run on the new node).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Takeover {
    /// The node taken over.
    pub old: NodeName,
    /// `with all`: also take over the old node's other subscribers.
    pub all: bool,
    /// `dead`: the old node is unreachable.
    pub dead: bool,
    /// `force`: go on although tables are missing or not in sync.
    pub force: bool,
}

/// `drop node <n>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DropNode {
    /// The node.
    pub node: NodeName,
}

/// `tag node <n> dead | alive`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagNode {
    /// The node.
    pub node: NodeName,
    /// `dead` (true) or `alive` (false).
    pub dead: bool,
}

/// `pause node <n>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PauseNode {
    /// The node.
    pub node: NodeName,
}

/// `resume node <n>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResumeNode {
    /// The node.
    pub node: NodeName,
}

/// `pause consumer <c> [on <node>]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PauseConsumer {
    /// The consumer.
    pub consumer: ConsumerName,
    /// `on <node>`; `None` means the current node.
    pub node: Option<NodeName>,
}

/// `resume consumer <c> [on <node>]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResumeConsumer {
    /// The consumer.
    pub consumer: ConsumerName,
    /// `on <node>`; `None` means the current node.
    pub node: Option<NodeName>,
}
