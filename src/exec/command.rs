//! Shell commands: a parsed [`Command`] -> its handler -> a reply, which
//! [`reply::show`] prints.
//!
//! Handlers live per command family: queues, consumers and maintenance in
//! [`super::queue`], the connection and extensions in [`super::database`],
//! cascade commands in [`super::cascade`], Londiste and `show table` /
//! `show sequence` in [`super::londiste`]. Only long steps (multi-node
//! operations, waits) get the output, for their progress lines.

use std::io::Write;

use crate::cascade::ops::WaitFor;
use crate::exec::reply::{self, Fail, Handled, Reply};
use crate::exec::{cascade, database, londiste, queue, Outcome};
use crate::parse::help::{help_text, wrap};
use crate::parse::Command;
use crate::session::Session;

/// Run one shell command and print its reply; errors go to stderr
/// through the session.
pub fn run_command(s: &mut Session, cmd: &Command, out: &mut dyn Write) -> Outcome {
    let spec = cmd.spec();
    s.changes = s.changes.and(spec.changes);
    let r = handle(s, cmd, out).map(|r| r.with_status(spec.status));
    reply::show(s, out, r)
}

/// The one dispatch from a command to its handler. A handler that
/// succeeds with the command's status word answers [`Reply::Done`]; the
/// word comes from the command's spec ([`crate::parse::CommandSpec`]).
fn handle(s: &mut Session, cmd: &Command, out: &mut dyn Write) -> Handled {
    match cmd {
        Command::Quit => Ok(Reply::Quit),
        // Wrapped to the terminal (the width the shell measured; scripts
        // and pipes get it as it is).
        Command::ShowHelp(h) => help_text(&h.topic)
            .map(|t| Reply::Text(wrap(&t, s.settings.print.columns)))
            .map_err(Fail::msg),
        Command::Connect(c) => database::connect(s, c),
        Command::Install(c) => database::install(s, c),
        Command::ShowQueue(c) => queue::show_queue(s, c),
        Command::CreateQueue(c) => queue::create_queue(s, c),
        Command::AlterQueue(c) => queue::alter_queue(s, c),
        Command::DropQueue(c) => queue::drop_queue(s, c),
        Command::ShowConsumer(c) => queue::show_consumer(s, c),
        Command::RegisterConsumer(c) => queue::register_consumer(s, c),
        Command::UnregisterConsumer(c) => queue::unregister_consumer(s, c),
        Command::RegisterSubconsumer(c) => queue::register_subconsumer(s, c),
        Command::UnregisterSubconsumer(c) => queue::unregister_subconsumer(s, c),
        Command::ShowBatch(c) => queue::show_batch(s, c),
        Command::ShowVersion => queue::show_version(s),
        Command::Tick(c) => queue::tick(s, c),
        Command::Maint => queue::maint(s),
        Command::ShowNode(c) => cascade::show_node(s, c),
        Command::CreateNode(c) => cascade::create_node(s, c, out),
        Command::ShowCascade => cascade::show_cascade(s),
        Command::ShowMembers => cascade::show_members(s),
        Command::ShowNodeStatus(c) => cascade::show_node_status(s, c),
        Command::AlterNodeProvider(c) => cascade::alter_node_provider(s, c, out),
        Command::AlterNodeRename(c) => cascade::alter_node_rename(s, c, out),
        Command::AlterNodeLocation(c) => cascade::alter_node_location(s, c, out),
        Command::DropNode(c) => cascade::drop_node(s, c, out),
        Command::TagNode(c) => cascade::tag_node(s, c, out),
        Command::PauseNode(c) => cascade::pause_node(s, c, out),
        Command::ResumeNode(c) => cascade::resume_node(s, c, out),
        Command::PauseConsumer(c) => {
            cascade::pause_consumer(s, &c.consumer, c.node.as_ref(), true, out)
        }
        Command::ResumeConsumer(c) => {
            cascade::pause_consumer(s, &c.consumer, c.node.as_ref(), false, out)
        }
        Command::WaitRoot => cascade::wait(s, WaitFor::Root, out),
        Command::WaitProvider => cascade::wait(s, WaitFor::Provider, out),
        Command::Takeover(c) => cascade::takeover(s, c, out),
        Command::Resurrect => cascade::resurrect(s, out),
        Command::ShowTable(c) => londiste::show_ddl(s, &c.table, true),
        Command::ShowSequence(c) => londiste::show_ddl(s, &c.sequence, false),
        Command::LondisteAddTable(c) => londiste::add_table(s, c),
        Command::LondisteAddSequence(c) => londiste::add_sequence(s, c),
        Command::LondisteRemoveTable(c) => londiste::remove(s, &c.tables, true),
        Command::LondisteRemoveSequence(c) => londiste::remove(s, &c.sequences, false),
        Command::LondisteTables => londiste::tables(s),
        Command::LondisteSeqs => londiste::seqs(s),
        Command::LondisteMissing => londiste::missing(s),
        Command::LondisteResync(c) => londiste::resync(s, c),
        Command::LondisteWaitSync => londiste::wait_sync(s, out),
        Command::LondisteShowHandlers => londiste::show_handlers(),
    }
}
