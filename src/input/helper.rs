//! The rustyline helper of the interactive shell: a struct of parts,
//! delegated to with rustyline's derive macros (its `example.rs` shape).
//!
//! * [`Highlight`] colours what is being typed: strings, quoted
//!   identifiers, dollar quotes, comments and backslash commands as the
//!   statement lexer sees them ([`lexeme`]), keywords through the grammar
//!   hook [`keyword_spans`].
//! * [`Hint`] may show what comes next in grey; its hook [`next_hint`]
//!   offers nothing today (Tab completion, from the grammar, shows what
//!   may come next).
//! * No validator: each physical line is one `readline` call, and the
//!   editor decides with the lexer whether a statement is complete
//!   (rustyline's Validator mode cannot show psql's per-line prompts).
//! * [`crate::input::completer::ShellCompleter`] completes from the grammar and a
//!   catalog snapshot ([`ShellHelper::cache`]).
//!
//! Every part sees the whole pending statement, not only the line being
//! typed: the editor hands the text of the earlier lines over with
//! [`ShellHelper::set_pending`] before each line, so a string opened two
//! lines up is still coloured as a string.

use std::borrow::Cow;
use std::cell::RefCell;
use std::ops::Range;
use std::rc::Rc;
use std::sync::Arc;

use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::Hinter;
use rustyline::{Completer, Context, Helper, Highlighter, Hinter, Validator};

use crate::complete::cache::Cache;
use crate::input::style;
use crate::lex::lexeme::{self, Lexeme};
use crate::lex::Scanner;

/// The statement typed on earlier lines, and the lexer's state at its end.
#[derive(Debug, Clone, Default)]
pub struct Pending {
    /// The text of the earlier lines of the pending statement, newlines
    /// included (empty on a first line).
    pub text: Vec<u8>,
    /// The scanner that has scanned `text` (its last `next_piece` returned
    /// `None`).
    pub scanner: Scanner,
    /// How completed keywords are cased (COMP_KEYWORD_CASE).
    pub case: crate::complete::KeywordCase,
}

/// The helper the shell's line editor runs with.
#[derive(Helper, Completer, Highlighter, Hinter, Validator)]
pub struct ShellHelper {
    /// Tab completion (sees the whole pending statement).
    #[rustyline(Completer)]
    completer: crate::input::completer::ShellCompleter,
    /// The catalog snapshot the completer reads.
    cache: Arc<Cache>,
    /// Colours while typing.
    #[rustyline(Highlighter)]
    highlighter: Highlight,
    /// The grey hint after the cursor.
    #[rustyline(Hinter)]
    hinter: Hint,
    /// The pending statement, shared with the parts.
    pending: Rc<RefCell<Pending>>,
}

impl ShellHelper {
    /// A helper; `color` says whether to colour at all (stdout a
    /// terminal, `NO_COLOR` unset).
    /// `metas`: the meta-commands that complete after a backslash.
    pub fn new(color: bool, metas: Vec<&'static str>) -> Self {
        let pending = Rc::new(RefCell::new(Pending::default()));
        let cache = Cache::new();
        let _ = std::thread::Builder::new()
            .name("qadmin-grammar".into())
            .spawn(crate::complete::expect::warm);
        ShellHelper {
            completer: crate::input::completer::ShellCompleter::new(
                Rc::clone(&pending),
                Arc::clone(&cache),
                metas,
            ),
            cache,
            highlighter: Highlight {
                color,
                pending: Rc::clone(&pending),
            },
            hinter: Hint {
                pending: Rc::clone(&pending),
            },
            pending,
        }
    }

    /// The earlier lines of the statement being typed, before a new line
    /// is read.
    pub fn set_pending(&mut self, text: &[u8], scanner: &Scanner) {
        let mut p = self.pending.borrow_mut();
        p.text.clear();
        p.text.extend_from_slice(text);
        p.scanner = scanner.clone();
    }

    /// How Tab cases the keywords it completes (COMP_KEYWORD_CASE), set
    /// before each line.
    pub fn set_keyword_case(&mut self, case: crate::complete::KeywordCase) {
        self.pending.borrow_mut().case = case;
    }

    /// The completion cache: the shell sets its connection and
    /// invalidates it after commands that change the catalog.
    pub fn cache(&self) -> Arc<Cache> {
        Arc::clone(&self.cache)
    }

    /// The pending statement.
    pub fn pending(&self) -> Rc<RefCell<Pending>> {
        Rc::clone(&self.pending)
    }
}

/// Grammar hook: the byte ranges of `statement` that are keywords of a
/// shell command or of SQL.
///
/// No keyword list may exist outside `grammar/qadmin.pest` (DESIGN): this
/// parses `statement` and returns the spans of the `kw_*` rules it matched
/// ([`crate::complete::expect::keyword_spans`]). `statement` is the
/// pending text followed by the line being typed; ranges index it and are
/// coloured with [`style::keyword_style`] where the lexer sees plain code.
pub fn keyword_spans(statement: &str) -> Vec<Range<usize>> {
    crate::complete::expect::keyword_spans(statement)
}

/// Grammar hook: what may come next after `statement` (the pending text
/// and the line up to the cursor), e.g. `<queue_name>` after `show queue `,
/// shown in grey after the cursor. Always `None` today: Tab completion
/// shows what may come next, and psql shows no hints.
pub fn next_hint(statement: &str) -> Option<String> {
    let _ = statement;
    None
}

/// The highlighter part.
pub struct Highlight {
    color: bool,
    pending: Rc<RefCell<Pending>>,
}

impl Highlight {
    /// The lexemes of `line` after the pending text, with the keyword
    /// spans applied and backslash commands reduced to their name.
    fn classify(&self, line: &str) -> Vec<Kind> {
        let p = self.pending.borrow();
        let mut buf = Vec::with_capacity(p.text.len() + line.len());
        buf.extend_from_slice(&p.text);
        buf.extend_from_slice(line.as_bytes());
        let lx = lexeme::lexemes(&p.scanner, &buf);
        // The scanner stands at the end of the pending text, so `lx` covers
        // the line (and only the line).
        let base = buf.len() - line.len();
        let own = lx.get(lx.len().saturating_sub(line.len())..).unwrap_or(&[]);
        let mut kinds: Vec<Kind> = own.iter().map(|&l| Kind::Lexeme(l)).collect();
        kinds.resize(line.len(), Kind::Lexeme(Lexeme::Code));
        // A backslash command after a partial statement (`select 1 \g`):
        // the lexer sees it as code.
        if let Some(at) = lexeme::meta_start(&p.scanner, &p.text, line.as_bytes()) {
            for k in kinds.iter_mut().skip(at) {
                *k = Kind::Lexeme(Lexeme::Meta);
            }
        }
        // Only the name of a backslash command is coloured, not its
        // arguments.
        let bytes = &buf[base..];
        let mut in_name = false;
        for (i, k) in kinds.iter_mut().enumerate() {
            if *k == Kind::Lexeme(Lexeme::Meta) {
                let b = bytes[i];
                in_name = if b == b'\\' {
                    true
                } else {
                    in_name && !b.is_ascii_whitespace()
                };
                if !in_name {
                    *k = Kind::Lexeme(Lexeme::Code);
                }
            }
        }
        let text = String::from_utf8_lossy(&buf);
        for r in keyword_spans(&text) {
            for i in r {
                if let Some(k) = i.checked_sub(base).and_then(|j| kinds.get_mut(j)) {
                    if matches!(k, Kind::Lexeme(Lexeme::Word | Lexeme::Code)) {
                        *k = Kind::Keyword;
                    }
                }
            }
        }
        kinds
    }
}

/// What a byte is coloured as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Lexeme(Lexeme),
    Keyword,
}

impl Kind {
    fn style(self) -> Option<nu_ansi_term::Style> {
        match self {
            Kind::Lexeme(l) => style::lexeme_style(l),
            Kind::Keyword => Some(style::keyword_style()),
        }
    }
}

/// `line` with escape sequences around each run of bytes of one style.
fn paint(line: &str, kinds: &[Kind]) -> String {
    let mut out = String::with_capacity(line.len() * 2);
    let mut start = 0;
    while start < line.len() {
        let style = kinds.get(start).and_then(|k| k.style());
        let mut end = start + 1;
        while end < line.len()
            && (!line.is_char_boundary(end) || kinds.get(end).and_then(|k| k.style()) == style)
        {
            end += 1;
        }
        let run = &line[start..end];
        match style {
            // Newlines stay outside the escape sequences, so a style never
            // spans the editor's own line handling.
            Some(st) => {
                for (i, part) in run.split('\n').enumerate() {
                    if i > 0 {
                        out.push('\n');
                    }
                    if !part.is_empty() {
                        out.push_str(&st.paint(part).to_string());
                    }
                }
            }
            None => out.push_str(run),
        }
        start = end;
    }
    out
}

impl Highlighter for Highlight {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if !self.color || line.is_empty() {
            return Cow::Borrowed(line);
        }
        let kinds = self.classify(line);
        if kinds.iter().all(|k| k.style().is_none()) {
            return Cow::Borrowed(line);
        }
        Cow::Owned(paint(line, &kinds))
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if !self.color {
            return Cow::Borrowed(hint);
        }
        Cow::Owned(style::hint_style().paint(hint).to_string())
    }

    fn highlight_char(&self, _line: &str, _pos: usize, kind: CmdKind) -> bool {
        // Any typed byte may change the colours of what follows (a quote
        // opens a string), so each change is redrawn; moving the cursor
        // changes nothing.
        self.color && kind != CmdKind::MoveCursor
    }
}

/// The hinter part.
pub struct Hint {
    pending: Rc<RefCell<Pending>>,
}

impl Hinter for Hint {
    type Hint = String;

    fn hint(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> Option<String> {
        if pos < line.len() {
            return None;
        }
        let p = self.pending.borrow();
        let statement = format!("{}{line}", String::from_utf8_lossy(&p.text));
        next_hint(&statement)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Paint `line` after `pending` and show each styled run as
    /// `[text]`, whatever its colour.
    fn runs(pending: &str, line: &str) -> String {
        let mut h = ShellHelper::new(true, Vec::new());
        let mut sc = Scanner::new();
        while sc.next_piece(pending.as_bytes()).is_some() {}
        h.set_pending(pending.as_bytes(), &sc);
        let painted = h.highlighter.highlight(line, line.len()).into_owned();
        // Replace each escape-sequence pair with brackets.
        let mut out = String::new();
        let mut rest = painted.as_str();
        while let Some(i) = rest.find('\u{1b}') {
            out.push_str(&rest[..i]);
            let after = &rest[i..];
            let m = after.find('m').map_or(after.len(), |m| m + 1);
            let code = &after[..m];
            out.push(if code == "\u{1b}[0m" { ']' } else { '[' });
            rest = &after[m..];
        }
        out.push_str(rest);
        out
    }

    #[test]
    fn strings_comments_dollar_quotes_and_keywords_are_coloured() {
        assert_eq!(
            runs("", "select 'a', \"B\", $$c$$ -- d"),
            "[select] ['a'], [\"B\"], [$$c$$] [-- d]"
        );
    }

    #[test]
    fn a_string_from_an_earlier_line_goes_on() {
        // The keyword `as` after the string is coloured too.
        assert_eq!(runs("select 'abc\n", "def' as x"), "[def'] [as] x");
    }

    #[test]
    fn only_the_name_of_a_backslash_command_is_coloured() {
        assert_eq!(runs("", "\\x on"), "[\\x] on");
        assert_eq!(runs("", "select 1 \\g"), "select 1 [\\g]");
    }

    #[test]
    fn no_colour_leaves_the_line_alone() {
        let h = ShellHelper::new(false, Vec::new());
        assert_eq!(h.highlighter.highlight("'a'", 3), "'a'");
    }

    #[test]
    fn newlines_stay_outside_escape_sequences() {
        assert_eq!(runs("", "'a\nb'"), "['a]\n[b']");
    }
}
