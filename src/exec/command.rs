//! Shell commands: a parsed [`Command`] -> API calls -> output.
//!
//! One dispatch per command family: queues, consumers and maintenance in
//! [`super::queue`], cascade commands in [`super::cascade`], Londiste and
//! `show table` / `show sequence` in [`super::londiste`].

use std::io::Write;

use crate::cascade::ops::WaitFor;
use crate::exec::{cascade, londiste, queue, Outcome};
use crate::parse::help::help_text;
use crate::parse::Command;
use crate::session::Session;

/// Run one shell command; errors go to stderr through the session.
pub fn run_command(s: &mut Session, cmd: &Command, out: &mut dyn Write) -> Outcome {
    s.changes = s.changes.and(cmd.changes());
    match cmd {
        Command::Quit => Outcome::Quit,
        Command::ShowHelp(h) => match help_text(&h.topic) {
            Ok(text) => {
                let _ = out.write_all(text.as_bytes());
                let _ = out.flush();
                Outcome::Ok
            }
            Err(m) => {
                s.client_error(&m);
                Outcome::Failed
            }
        },
        Command::Connect(c) => queue::connect(s, c, out),
        Command::Install(c) => queue::install(s, c, out),
        Command::ShowQueue(c) => queue::show_queue(s, c, out),
        Command::CreateQueue(c) => queue::create_queue(s, c, out),
        Command::AlterQueue(c) => queue::alter_queue(s, c, out),
        Command::DropQueue(c) => queue::drop_queue(s, c, out),
        Command::ShowConsumer(c) => queue::show_consumer(s, c, out),
        Command::RegisterConsumer(c) => queue::register_consumer(s, c, out),
        Command::UnregisterConsumer(c) => queue::unregister_consumer(s, c, out),
        Command::RegisterSubconsumer(c) => queue::subconsumer(s, Some(c), None, out),
        Command::UnregisterSubconsumer(c) => queue::subconsumer(s, None, Some(c), out),
        Command::ShowBatch(c) => queue::show_batch(s, c, out),
        Command::ShowVersion => queue::show_version(s, out),
        Command::Tick(c) => queue::tick(s, c, out),
        Command::Maint => queue::maint(s, out),
        Command::ShowNode(c) => cascade::show_node(s, c, out),
        Command::CreateNode(c) => cascade::create_node(s, c, out),
        Command::ShowCascade => cascade::show_cascade(s, out),
        Command::ShowMembers => cascade::show_members(s, out),
        Command::ShowNodeStatus(c) => cascade::show_node_status(s, c, out),
        Command::AlterNodeProvider(_)
        | Command::AlterNodeRename(_)
        | Command::AlterNodeLocation(_)
        | Command::DropNode(_)
        | Command::TagNode(_)
        | Command::PauseNode(_)
        | Command::ResumeNode(_) => cascade::operation(s, cmd, out),
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
        Command::ShowTable(c) => londiste::show_ddl(s, &c.table, true, out),
        Command::ShowSequence(c) => londiste::show_ddl(s, &c.sequence, false, out),
        Command::LondisteAddTable(c) => londiste::add_table(s, c, out),
        Command::LondisteAddSequence(c) => londiste::add_sequence(s, c, out),
        Command::LondisteRemoveTable(c) => londiste::remove(s, &c.tables, true, out),
        Command::LondisteRemoveSequence(c) => londiste::remove(s, &c.sequences, false, out),
        Command::LondisteTables => londiste::tables(s, out),
        Command::LondisteSeqs => londiste::seqs(s, out),
        Command::LondisteMissing => londiste::missing(s, out),
        Command::LondisteResync(c) => londiste::resync(s, c, out),
        Command::LondisteWaitSync => londiste::wait_sync(s, out),
        Command::LondisteShowHandlers => londiste::show_handlers(s, out),
    }
}
