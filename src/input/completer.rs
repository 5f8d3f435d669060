//! The completer the line editor's helper plugs in: the pending
//! statement plus the line being typed go to [`crate::complete`]; after a
//! backslash the meta-commands of `\?`, after `\i`, `\ir`, `\o` file
//! names (rustyline's file-name completer).

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::Context as RlContext;

use crate::complete::cache::Cache;
use crate::complete::{candidates_cased, expect, sections_for};
use crate::input::helper::Pending;

/// The completer part of the shell's helper.
pub struct ShellCompleter {
    pending: Rc<RefCell<Pending>>,
    cache: Arc<Cache>,
    files: FilenameCompleter,
    metas: Vec<&'static str>,
}

impl ShellCompleter {
    /// A completer that sees the pending statement, reads `cache` and
    /// offers `metas` after a backslash (the shell's meta-commands,
    /// sorted).
    pub fn new(pending: Rc<RefCell<Pending>>, cache: Arc<Cache>, metas: Vec<&'static str>) -> Self {
        ShellCompleter {
            pending,
            cache,
            files: FilenameCompleter::new(),
            metas,
        }
    }
}

impl Completer for ShellCompleter {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &RlContext<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let (pending, case) = {
            let p = self.pending.borrow();
            (String::from_utf8_lossy(&p.text).into_owned(), p.case)
        };
        let line_start = line.len() - line.trim_start().len();
        if pending.trim().is_empty() && line[line_start..].starts_with('\\') {
            return Ok(self.complete_meta(line, pos));
        }
        let full = format!("{pending}{line}");
        let base = pending.len();
        let cat = if self.cache.is_ready() {
            self.cache.snapshot()
        } else {
            // No snapshot yet (the shell just started): one small query
            // for what this slot needs.
            match expect::context(&full, base + pos).and_then(|cx| sections_for(&cx)) {
                Some(want) => Arc::new(self.cache.quick(want)),
                None => self.cache.snapshot(),
            }
        };
        let queue = self.cache.queue();
        let (start, cands) = candidates_cased(&full, base + pos, &cat, queue.as_deref(), case);
        Ok((
            start.saturating_sub(base).min(pos),
            cands.into_iter().map(pair).collect(),
        ))
    }
}

/// A candidate shown and inserted as is.
fn pair(s: String) -> Pair {
    Pair {
        display: s.clone(),
        replacement: s,
    }
}

impl ShellCompleter {
    fn complete_meta(&self, line: &str, pos: usize) -> (usize, Vec<Pair>) {
        let before = &line[..pos.min(line.len())];
        let trimmed = before.trim_start();
        match trimmed.split_once(char::is_whitespace) {
            None => {
                let start = before.len() - trimmed.len();
                let mut v: Vec<Pair> = self
                    .metas
                    .iter()
                    .copied()
                    .filter(|m| m.starts_with(trimmed))
                    .map(|m| pair(m.to_string()))
                    .collect();
                v.dedup_by(|a, b| a.replacement == b.replacement);
                (start, v)
            }
            Some(("\\i" | "\\ir" | "\\o" | "\\include" | "\\out", _)) => self
                .files
                .complete_path(line, pos)
                .unwrap_or((pos, Vec::new())),
            Some(_) => (pos, Vec::new()),
        }
    }
}
