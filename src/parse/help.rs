//! `show help`: every command grouped as in the grammar, each form on a
//! line of its own with its leading words spelled out, and one command's
//! syntax and description for `show help <words>`. The table follows
//! `grammar/qadmin.pest`'s sections; a test checks that every command rule
//! is here and in `docs/commands.md`.

/// One command form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HelpEntry {
    /// The grammar rule (`register_consumer`).
    pub rule: &'static str,
    /// The section of the grammar (and of `docs/commands.md`).
    pub section: &'static str,
    /// The leading words (`register consumer`).
    pub words: &'static str,
    /// The syntax, `;` included.
    pub syntax: &'static str,
    /// One line: what it does.
    pub summary: &'static str,
}

macro_rules! entries {
    ($($rule:literal, $section:literal, $words:literal, $syntax:literal, $summary:literal;)*) => {
        &[$(HelpEntry { rule: $rule, section: $section, words: $words, syntax: $syntax, summary: $summary }),*]
    };
}

/// Every command form, in the grammar's order.
pub const ENTRIES: &[HelpEntry] = entries![
    "connect", "Connection", "connect",
        "connect <key>=<value> ...;",
        "Connect to another database, or pick the current queue and node. Keys: dbname, host, port, user, password, service, sslmode (libpq's), queue=<q> and node=<n>; connect queue=<q> [node=<n>] stays on the same database.";
    "install", "Connection", "install",
        "install pgq | londiste;",
        "Install pgq (with pgq_node), or londiste, in this database.";
    "show_queue", "Queues", "show queue",
        "show queue[+] [<q> | *];",
        "Show queues as an operator reads them: consumers, pending events, ticker lag, last tick age, events per second, paused (pgq.get_queue_info). show queue+ shows every column.";
    "create_queue", "Queues", "create queue",
        "create queue <q>;",
        "Create a queue (pgq.create_queue).";
    "alter_queue", "Queues", "alter queue",
        "alter queue <q> | * set <param> = <value> [, ...];",
        "Change queue settings (pgq.set_queue_config). Settings: idle_period, max_count, max_lag, paused (or their full names ticker_idle_period, ticker_max_count, ticker_max_lag, ticker_paused), rotation_period, external_ticker.";
    "drop_queue", "Queues", "drop queue",
        "drop queue <q> [force];",
        "Drop a queue (pgq.drop_queue); force drops it with consumers still registered.";
    "show_consumer", "Consumers", "show consumer",
        "show consumer[+] [<c> | *] [on <q> | on *];",
        "Show consumers: queue, lag, last seen, pending events, current batch, error (pgq.get_consumer_info). show consumer+ shows every column.";
    "register_consumer", "Consumers", "register consumer",
        "register consumer <c> [on <q>] [at <tick> | copy <c2>];",
        "Register a consumer on a queue (pgq.register_consumer). at <tick> or copy <c2> (another consumer's position) sets where it starts.";
    "unregister_consumer", "Consumers", "unregister consumer",
        "unregister consumer <c> | * [from <q>];",
        "Unregister a consumer, or all consumers, from a queue (pgq.unregister_consumer).";
    "register_subconsumer", "Consumers", "register subconsumer",
        "register subconsumer <s> for <c> [on <q>];",
        "Register a cooperative subconsumer (pgq_coop.register_subconsumer).";
    "unregister_subconsumer", "Consumers", "unregister subconsumer",
        "unregister subconsumer <s> | * for <c> [from <q>] [close [batch]];",
        "Unregister a subconsumer (pgq_coop.unregister_subconsumer). close [batch] closes its open batch instead of failing.";
    "show_batch", "Inspection", "show batch",
        "show batch <id> | <consumer>;",
        "Show a batch's events, by batch id or a consumer's current batch.";
    "show_table", "Inspection", "show table",
        "show table <t>;",
        "Show a table's columns, keys and triggers.";
    "show_sequence", "Inspection", "show sequence",
        "show sequence <s>;",
        "Show a sequence's settings and current value.";
    "show_version", "Inspection", "show version",
        "show version;",
        "Show the versions of qadmin, PostgreSQL and the installed PgQ extensions.";
    "show_help", "Inspection", "show help",
        "show help [<command words>];",
        "List the commands, or show one command's syntax.";
    "show_node", "Inspection", "show node",
        "show node [<n> | *] [on <q>];",
        "Show cascade nodes of a queue (pgq_node.get_queue_locations).";
    "tick", "Maintenance", "tick",
        "tick [<q>] [force];",
        "Tick a queue as pgqd does (pgq.ticker: a tick when its ticker settings say one is due); force makes one now. Without <q>: the current queue, else every queue.";
    "maint", "Maintenance", "maint",
        "maint;",
        "Run the maintenance operations (pgq.maint_operations).";
    "create_root_node", "Cascade", "create root node",
        "create root node <n> [on <q>] [location '<connstr>'] [provider <node> | provider '<connstr>'] [worker <name>] [merge <q>];",
        "Create the root node of a cascaded queue in this database.";
    "create_branch_node", "Cascade", "create branch node",
        "create branch node <n> [on <q>] [location '<connstr>'] [provider <node> | provider '<connstr>'] [worker <name>] [merge <q>];",
        "Create a branch node (it keeps the queue's events) subscribed to a provider.";
    "create_leaf_node", "Cascade", "create leaf node",
        "create leaf node <n> [on <q>] [location '<connstr>'] [provider <node> | provider '<connstr>'] [worker <name>] [merge <q>];",
        "Create a leaf node (no events of its own) subscribed to a provider, optionally merging into a queue.";
    "show_cascade", "Cascade", "show cascade",
        "show cascade;",
        "Show the cascade: all nodes as a tree, with lag, last tick and errors.";
    "status", "Cascade", "status",
        "status;",
        "Short for show cascade.";
    "show_members", "Cascade", "show members",
        "show members;",
        "Show the queue's member nodes and their locations.";
    "show_node_status", "Cascade", "show node status",
        "show node status [<n>];",
        "Show one node's status (pgq_node.get_node_info). The current node by default.";
    "alter_node_provider", "Cascade", "alter node provider",
        "alter node <n> provider <p>;",
        "Subscribe a node to another provider (change provider).";
    "alter_node_rename", "Cascade", "alter node rename",
        "alter node <n> rename <new>;",
        "Rename a node on every member.";
    "alter_node_location", "Cascade", "alter node location",
        "alter node <n> location '<connstr>';",
        "Change the connection string other nodes use for a node.";
    "takeover", "Cascade", "takeover",
        "takeover <old> [with all] [dead] [force];",
        "Make the current node take over from <old>. Options in any order: with all (also its other subscribers), dead (<old> is unreachable), force (go on with missing or unsynced tables).";
    "drop_node", "Cascade", "drop node",
        "drop node <n>;",
        "Remove a node from the cascade.";
    "tag_node", "Cascade", "tag node",
        "tag node <n> dead | alive;",
        "Mark a node as dead (others stop waiting for it) or alive again.";
    "pause_node", "Cascade", "pause node",
        "pause node <n>;",
        "Pause a node's worker.";
    "resume_node", "Cascade", "resume node",
        "resume node <n>;",
        "Resume a node's worker.";
    "pause_consumer", "Cascade", "pause consumer",
        "pause consumer <c> [on <node>];",
        "Pause a cascaded consumer on a node (the current node by default).";
    "resume_consumer", "Cascade", "resume consumer",
        "resume consumer <c> [on <node>];",
        "Resume a cascaded consumer on a node (the current node by default).";
    "wait_root", "Cascade", "wait root",
        "wait root;",
        "Wait until the current node has caught up with the root.";
    "wait_provider", "Cascade", "wait provider",
        "wait provider;",
        "Wait until the current node has caught up with its provider.";
    "resurrect", "Cascade", "resurrect",
        "resurrect;",
        "On an old root that came back after takeover ... dead: rejoin as a branch of the new root; its lost events are listed and dropped from its queue.";
    "londiste_add_table", "Londiste", "londiste add table",
        "londiste add table <t> [, ...] [with <opt> [, ...]];",
        "Replicate tables. Options: skip_truncate, expect_sync, no_triggers, backup, skip, create, handler='<h>', tgflags='<flags>', when='<expr>', pkey='<cols>', ev_type|ev_data|ev_extra1..4='<expr>', ignore='<cols>'.";
    "londiste_add_sequence", "Londiste", "londiste add sequence",
        "londiste add sequence <s> [, ...];",
        "Replicate sequences.";
    "londiste_remove_table", "Londiste", "londiste remove table",
        "londiste remove table <t> [, ...];",
        "Stop replicating tables.";
    "londiste_remove_sequence", "Londiste", "londiste remove sequence",
        "londiste remove sequence <s> [, ...];",
        "Stop replicating sequences.";
    "londiste_tables", "Londiste", "londiste tables",
        "londiste tables;",
        "Show replicated tables and their state.";
    "londiste_seqs", "Londiste", "londiste seqs",
        "londiste seqs;",
        "Show replicated sequences.";
    "londiste_missing", "Londiste", "londiste missing",
        "londiste missing;",
        "Show tables and sequences the provider has that this node does not.";
    "londiste_resync", "Londiste", "londiste resync",
        "londiste resync <t> [, ...];",
        "Copy tables again from the provider.";
    "londiste_wait_sync", "Londiste", "londiste wait sync",
        "londiste wait sync;",
        "Wait until all tables are in sync.";
    "londiste_show_handlers", "Londiste", "londiste show handlers",
        "londiste show handlers;",
        "List the available table handlers.";
    "exit", "Session", "exit",
        "exit;",
        "Leave qadmin (also: exit alone on a line).";
    "quit", "Session", "quit",
        "quit;",
        "Leave qadmin (also: quit alone on a line, or \\q).";
];

/// Width of the syntax column of the overview.
const SYNTAX_WIDTH: usize = 46;

/// The text of `show help` with these topic words (lower-case); an error
/// message when no command matches.
pub fn help_text(topic: &[String]) -> Result<String, String> {
    if topic.is_empty() {
        return Ok(overview());
    }
    let wanted = topic.join(" ");
    let exact: Vec<&HelpEntry> = ENTRIES.iter().filter(|e| e.words == wanted).collect();
    let found = if exact.is_empty() {
        ENTRIES
            .iter()
            .filter(|e| is_subsequence(topic, e.words))
            .collect()
    } else {
        exact
    };
    if found.is_empty() {
        return Err(format!(
            "no help for \"{wanted}\"; \"show help;\" lists the commands"
        ));
    }
    let blocks: Vec<String> = found.iter().map(|e| detail(e)).collect();
    Ok(blocks.join("\n"))
}

/// The topic's words appear in the command's words, in order.
fn is_subsequence(topic: &[String], words: &str) -> bool {
    let mut it = words.split(' ');
    topic.iter().all(|t| it.any(|w| w == t))
}

fn detail(e: &HelpEntry) -> String {
    format!(
        "Command:     {}\nDescription: {}\nSyntax:\n  {}\n",
        e.words, e.summary, e.syntax
    )
}

/// Every command, grouped by section, each form on its own line.
pub fn overview() -> String {
    let mut s = String::from(
        "qadmin commands (each ends with ;). Anything else is SQL for the server.\n\
         \"show help <command words>;\" shows one command, e.g. \"show help register consumer;\".\n",
    );
    let mut section = "";
    for e in ENTRIES {
        if e.section != section {
            section = e.section;
            s.push('\n');
            s.push_str(section);
            s.push('\n');
        }
        let first = e.summary.split(". ").next().unwrap_or(e.summary);
        let first = first.trim_end_matches('.');
        if e.syntax.chars().count() + 2 < SYNTAX_WIDTH {
            s.push_str(&format!(
                "  {:<w$}{}\n",
                e.syntax,
                first,
                w = SYNTAX_WIDTH - 2
            ));
        } else {
            s.push_str(&format!(
                "  {}\n  {:<w$}{}\n",
                e.syntax,
                "",
                first,
                w = SYNTAX_WIDTH - 2
            ));
        }
    }
    s
}
