//! The command table: one [`CommandSpec`] per command form of
//! `grammar/qadmin.pest`, in the grammar's order and sections.
//!
//! A spec holds everything about a command that is not its syntax tree:
//! its rule, leading words, help section, syntax line and summary, what it
//! changes of what completion shows, and the status word it prints when
//! it succeeds. [`Command::spec`] reaches it through an exhaustive match,
//! so a new `Command` variant does not compile without one; help
//! ([`super::help`]), [`Command::words`], [`Command::changes`], the reply
//! of `exec::command` and the docs tests all read it here, so nothing
//! about a command is typed twice. (ripgrep's `flags/defs.rs` shape; see
//! `docs/CONTRIBUTING.md` for adding a command.)

use super::ast::{Changes, Command, NodeKind};
use super::Rule;

/// Everything qadmin knows about one command form besides its syntax tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandSpec {
    /// The grammar rule (`register_consumer`).
    pub rule: &'static str,
    /// The section of the grammar (and of `docs/commands.md` and `show
    /// help`).
    pub section: &'static str,
    /// The leading words (`register consumer`), as `show help` lists them.
    pub words: &'static str,
    /// The syntax, `;` included.
    pub syntax: &'static str,
    /// What it does: the first sentence is the overview's line.
    pub summary: &'static str,
    /// What it can change of what completion shows (the sections of the
    /// catalog snapshot to refresh after it ran).
    pub changes: Changes,
    /// The status word printed when it succeeds (`REGISTER`); `None` for
    /// commands that answer with a table or text.
    pub status: Option<&'static str>,
}

macro_rules! specs {
    ($($name:ident: $rule:ident, $section:ident, $words:literal, $changes:ident, $status:expr,
        $syntax:literal, $summary:literal;)*) => {
        $(
            #[doc = concat!("`", $words, "`")]
            pub static $name: CommandSpec = CommandSpec {
                rule: stringify!($rule),
                section: stringify!($section),
                words: $words,
                syntax: $syntax,
                summary: $summary,
                changes: Changes::$changes,
                status: $status,
            };
        )*
        /// Every command form, in the grammar's order.
        pub static ALL: &[&CommandSpec] = &[$(&$name),*];
        /// The grammar's command rules, as one pattern (for the exhaustive
        /// matches of `parse::describe` and `parse::slot`).
        macro_rules! command_rules {
            () => { $(Rule::$rule)|* };
        }
        /// The spec of a command rule.
        pub(super) fn of_rule(rule: Rule) -> Option<&'static CommandSpec> {
            match rule {
                $(Rule::$rule => Some(&$name),)*
                _ => None,
            }
        }
    };
}

specs! {
    CONNECT: connect, Connection, "connect", Everything, Some("CONNECT"),
        "connect <key>=<value> ...;",
        "Connect to another database, or pick the current queue and node. Keys: dbname, host, port, user, password, service, sslmode (libpq's), queue=<q> and node=<n>; connect queue=<q> [node=<n>] stays on the same database.";
    INSTALL: install, Connection, "install", Everything, Some("INSTALL"),
        "install pgq | londiste;",
        "Install pgq (with pgq_node), or londiste, in this database.";
    SHOW_QUEUE: show_queue, Queues, "show queue", Nothing, None,
        "show queue[+] [<q> | *];",
        "Show queues as an operator reads them: consumers, pending events, ticker lag, last tick age, events per second, paused (pgq.get_queue_info). show queue+ shows every column.";
    CREATE_QUEUE: create_queue, Queues, "create queue", Pgq, Some("CREATE"),
        "create queue <q>;",
        "Create a queue (pgq.create_queue).";
    ALTER_QUEUE: alter_queue, Queues, "alter queue", Pgq, Some("ALTER"),
        "alter queue <q> | * set <param> = <value> [, ...];",
        "Change queue settings (pgq.set_queue_config). Settings: idle_period, max_count, max_lag, paused (or their full names ticker_idle_period, ticker_max_count, ticker_max_lag, ticker_paused), rotation_period, external_ticker.";
    DROP_QUEUE: drop_queue, Queues, "drop queue", Pgq, Some("DROP"),
        "drop queue <q> [force];",
        "Drop a queue (pgq.drop_queue); force drops it with consumers still registered.";
    SHOW_CONSUMER: show_consumer, Consumers, "show consumer", Nothing, None,
        "show consumer[+] [<c> | *] [on <q> | on *];",
        "Show consumers: queue, lag, last seen, pending events, current batch, error (pgq.get_consumer_info). show consumer+ shows every column.";
    REGISTER_CONSUMER: register_consumer, Consumers, "register consumer", Pgq, Some("REGISTER"),
        "register consumer <c> [on <q>] [at <tick> | copy <c2>];",
        "Register a consumer on a queue (pgq.register_consumer). at <tick> or copy <c2> (another consumer's position) sets where it starts.";
    UNREGISTER_CONSUMER: unregister_consumer, Consumers, "unregister consumer", Pgq, Some("UNREGISTER"),
        "unregister consumer <c> | * [from <q>];",
        "Unregister a consumer, or all consumers, from a queue (pgq.unregister_consumer).";
    REGISTER_SUBCONSUMER: register_subconsumer, Consumers, "register subconsumer", Pgq, Some("REGISTER"),
        "register subconsumer <s> for <c> [on <q>];",
        "Register a cooperative subconsumer (pgq_coop.register_subconsumer).";
    UNREGISTER_SUBCONSUMER: unregister_subconsumer, Consumers, "unregister subconsumer", Pgq, Some("UNREGISTER"),
        "unregister subconsumer <s> | * for <c> [from <q>] [close [batch]];",
        "Unregister a subconsumer (pgq_coop.unregister_subconsumer). close [batch] closes its open batch instead of failing.";
    SHOW_BATCH: show_batch, Inspection, "show batch", Nothing, None,
        "show batch <id> | <consumer>;",
        "Show a batch's events, by batch id or a consumer's current batch.";
    SHOW_TABLE: show_table, Inspection, "show table", Nothing, None,
        "show table <t>;",
        "Show a table's columns, keys and triggers.";
    SHOW_SEQUENCE: show_sequence, Inspection, "show sequence", Nothing, None,
        "show sequence <s>;",
        "Show a sequence's settings and current value.";
    SHOW_VERSION: show_version, Inspection, "show version", Nothing, None,
        "show version;",
        "Show the versions of qadmin, PostgreSQL and the installed PgQ extensions.";
    SHOW_HELP: show_help, Inspection, "show help", Nothing, None,
        "show help [<command words>];",
        "List the commands, or show one command's syntax.";
    SHOW_NODE: show_node, Inspection, "show node", Nothing, None,
        "show node [<n> | *] [on <q>];",
        "Show cascade nodes of a queue (pgq_node.get_queue_locations).";
    TICK: tick, Maintenance, "tick", Pgq, None,
        "tick [<q>] [force];",
        "Tick a queue as pgqd does (pgq.ticker: a tick when its ticker settings say one is due); force makes one now. Without <q>: the current queue, else every queue.";
    MAINT: maint, Maintenance, "maint", Pgq, None,
        "maint;",
        "Run the maintenance operations (pgq.maint_operations).";
    CREATE_ROOT_NODE: create_root_node, Cascade, "create root node", Cascade, Some("CREATE"),
        "create root node <n> [on <q>] [location '<connstr>'] [provider <node> | provider '<connstr>'] [worker <name>] [merge <q>];",
        "Create the root node of a cascaded queue in this database.";
    CREATE_BRANCH_NODE: create_branch_node, Cascade, "create branch node", Cascade, Some("CREATE"),
        "create branch node <n> [on <q>] [location '<connstr>'] [provider <node> | provider '<connstr>'] [worker <name>] [merge <q>];",
        "Create a branch node (it keeps the queue's events) subscribed to a provider.";
    CREATE_LEAF_NODE: create_leaf_node, Cascade, "create leaf node", Cascade, Some("CREATE"),
        "create leaf node <n> [on <q>] [location '<connstr>'] [provider <node> | provider '<connstr>'] [worker <name>] [merge <q>];",
        "Create a leaf node (no events of its own) subscribed to a provider, optionally merging into a queue.";
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
        "On an old root that came back after takeover ... dead: rejoin as a branch of the new root; its lost events are listed and dropped from its queue.";
    LONDISTE_ADD_TABLE: londiste_add_table, Londiste, "londiste add table", Londiste, Some("ADD_TABLE"),
        "londiste add table <t> [, ...] [with <opt> [, ...]];",
        "Replicate tables. Options: skip_truncate, expect_sync, no_triggers, backup, skip, create, handler='<h>', tgflags='<flags>', when='<expr>', pkey='<cols>', ev_type|ev_data|ev_extra1..4='<expr>', ignore='<cols>'.";
    LONDISTE_ADD_SEQUENCE: londiste_add_sequence, Londiste, "londiste add sequence", Londiste, Some("ADD_SEQ"),
        "londiste add sequence <s> [, ...];",
        "Replicate sequences.";
    LONDISTE_REMOVE_TABLE: londiste_remove_table, Londiste, "londiste remove table", Londiste, Some("REMOVE_TABLE"),
        "londiste remove table <t> [, ...];",
        "Stop replicating tables.";
    LONDISTE_REMOVE_SEQUENCE: londiste_remove_sequence, Londiste, "londiste remove sequence", Londiste, Some("REMOVE_SEQ"),
        "londiste remove sequence <s> [, ...];",
        "Stop replicating sequences.";
    LONDISTE_TABLES: londiste_tables, Londiste, "londiste tables", Nothing, None,
        "londiste tables;",
        "Show replicated tables and their state.";
    LONDISTE_SEQS: londiste_seqs, Londiste, "londiste seqs", Nothing, None,
        "londiste seqs;",
        "Show replicated sequences.";
    LONDISTE_MISSING: londiste_missing, Londiste, "londiste missing", Nothing, None,
        "londiste missing;",
        "Show tables and sequences the provider has that this node does not.";
    LONDISTE_RESYNC: londiste_resync, Londiste, "londiste resync", Londiste, Some("RESYNC"),
        "londiste resync <t> [, ...];",
        "Copy tables again from the provider.";
    LONDISTE_WAIT_SYNC: londiste_wait_sync, Londiste, "londiste wait sync", Nothing, Some("SYNC"),
        "londiste wait sync;",
        "Wait until all tables are in sync.";
    LONDISTE_SHOW_HANDLERS: londiste_show_handlers, Londiste, "londiste show handlers", Nothing, None,
        "londiste show handlers;",
        "List the available table handlers.";
    EXIT: exit, Session, "exit", Nothing, None,
        "exit;",
        "Leave qadmin (also: exit alone on a line).";
    QUIT: quit, Session, "quit", Nothing, None,
        "quit;",
        "Leave qadmin (also: quit alone on a line, or \\q).";
}

impl Command {
    /// This command's [`CommandSpec`].
    pub fn spec(&self) -> &'static CommandSpec {
        match self {
            Command::Connect(_) => &CONNECT,
            Command::Install(_) => &INSTALL,
            Command::ShowQueue(_) => &SHOW_QUEUE,
            Command::CreateQueue(_) => &CREATE_QUEUE,
            Command::AlterQueue(_) => &ALTER_QUEUE,
            Command::DropQueue(_) => &DROP_QUEUE,
            Command::ShowConsumer(_) => &SHOW_CONSUMER,
            Command::RegisterConsumer(_) => &REGISTER_CONSUMER,
            Command::UnregisterConsumer(_) => &UNREGISTER_CONSUMER,
            Command::RegisterSubconsumer(_) => &REGISTER_SUBCONSUMER,
            Command::UnregisterSubconsumer(_) => &UNREGISTER_SUBCONSUMER,
            Command::ShowBatch(_) => &SHOW_BATCH,
            Command::ShowTable(_) => &SHOW_TABLE,
            Command::ShowSequence(_) => &SHOW_SEQUENCE,
            Command::ShowVersion => &SHOW_VERSION,
            Command::ShowHelp(_) => &SHOW_HELP,
            Command::ShowNode(_) => &SHOW_NODE,
            Command::Tick(_) => &TICK,
            Command::Maint => &MAINT,
            Command::CreateNode(c) => match c.kind {
                NodeKind::Root => &CREATE_ROOT_NODE,
                NodeKind::Branch => &CREATE_BRANCH_NODE,
                NodeKind::Leaf => &CREATE_LEAF_NODE,
            },
            // `status` is the short form: one command, the long form's spec.
            Command::ShowCascade => &SHOW_CASCADE,
            Command::ShowMembers => &SHOW_MEMBERS,
            Command::ShowNodeStatus(_) => &SHOW_NODE_STATUS,
            Command::AlterNodeProvider(_) => &ALTER_NODE_PROVIDER,
            Command::AlterNodeRename(_) => &ALTER_NODE_RENAME,
            Command::AlterNodeLocation(_) => &ALTER_NODE_LOCATION,
            Command::Takeover(_) => &TAKEOVER,
            Command::DropNode(_) => &DROP_NODE,
            Command::TagNode(_) => &TAG_NODE,
            Command::PauseNode(_) => &PAUSE_NODE,
            Command::ResumeNode(_) => &RESUME_NODE,
            Command::PauseConsumer(_) => &PAUSE_CONSUMER,
            Command::ResumeConsumer(_) => &RESUME_CONSUMER,
            Command::WaitRoot => &WAIT_ROOT,
            Command::WaitProvider => &WAIT_PROVIDER,
            Command::Resurrect => &RESURRECT,
            Command::LondisteAddTable(_) => &LONDISTE_ADD_TABLE,
            Command::LondisteAddSequence(_) => &LONDISTE_ADD_SEQUENCE,
            Command::LondisteRemoveTable(_) => &LONDISTE_REMOVE_TABLE,
            Command::LondisteRemoveSequence(_) => &LONDISTE_REMOVE_SEQUENCE,
            Command::LondisteTables => &LONDISTE_TABLES,
            Command::LondisteSeqs => &LONDISTE_SEQS,
            Command::LondisteMissing => &LONDISTE_MISSING,
            Command::LondisteResync(_) => &LONDISTE_RESYNC,
            Command::LondisteWaitSync => &LONDISTE_WAIT_SYNC,
            Command::LondisteShowHandlers => &LONDISTE_SHOW_HANDLERS,
            // `exit` is the other spelling.
            Command::Quit => &QUIT,
        }
    }

    /// The command's leading words, as `show help` lists them
    /// (`"register consumer"`, `"create root node"`).
    pub fn words(&self) -> &'static str {
        self.spec().words
    }

    /// What this command can change of what completion shows, declared
    /// in its spec so that the shell refreshes the right snapshot sections
    /// without reading the statement again.
    pub fn changes(&self) -> Changes {
        self.spec().changes
    }
}
