//! The statement lexer: decides where a SQL or script statement ends, the way
//! psql 15 does, and in which state the text stops (for prompts).
//!
//! This module owns one thing: statement boundaries. It does not parse SQL,
//! does not interpret meta-command arguments and does not touch the server.
//! Its callers are script splitting (`-f`, `-c`, non-interactive stdin), the
//! interactive REPL (which feeds it one line at a time and picks the
//! continuation prompt from [`ScanState`]) and the parser's nesting bound
//! (each [`Piece`] carries the deepest parenthesis level it reached, so a
//! caller can refuse client-side parsing past a limit).
//!
//! # Rules
//!
//! A statement ends at a `;` that stands outside all of:
//!
//! * `'single-quoted strings'` (`''` escapes a quote; `B'..'`, `X'..'`,
//!   `N'..'` and `U&'..'` are the same for our purposes). An `E'..'` /
//!   `e'..'` string also lets a backslash escape the next byte, when the `E`
//!   is a word of its own (`namE'x'` is the identifier `namE` followed by an
//!   ordinary string). With [`Scanner::set_standard_conforming_strings`]
//!   off, every string is such an escape string, as on a server with
//!   `standard_conforming_strings = off`;
//! * `"double-quoted identifiers"` (`""` escapes);
//! * dollar quotes `$tag$ .. $tag$`, the tag being empty or
//!   `[A-Za-z_\x80-\xff][A-Za-z0-9_\x80-\xff]*`. A `$` that continues a word
//!   (`a$b$`) opens nothing, nor does a parameter such as `$1`;
//! * `-- line comments` and nested `/* /* block */ comments */`;
//! * parentheses: psql counts their depth and a `;` at depth > 0 does not
//!   end the statement; a `)` at depth 0 leaves the depth at 0;
//! * a `BEGIN .. END` body of `CREATE [OR REPLACE] FUNCTION|PROCEDURE`
//!   (SQL-standard bodies, `BEGIN ATOMIC`), tracked with psql 15's
//!   heuristic: when the statement's first words are `create function`,
//!   `create procedure` or `create or replace function|procedure`, the words
//!   `begin` (and `case` inside one) open a level and `end` closes one, at
//!   parenthesis depth 0.
//!
//! Words: a word starts with `[A-Za-z_\x80-\xff]` and goes on with
//! `[A-Za-z0-9_$\x80-\xff]`. Digits outside a word are not part of one (as
//! in psql's lexer, `1$$` is the number 1 followed by a dollar quote).
//!
//! Whitespace and `--` comments before a statement are not part of it; a
//! leading `/* */` comment is. A statement whose first byte is `\` is a
//! backslash meta-command ([`PieceKind::Meta`]) that ends at the end of its
//! line (the newline is not part of it), or at psql's `\\` separator
//! outside quotes, after which SQL goes on (not for the whole-line
//! commands `\!`, `\copy`, `\sf` ...). A statement that is only `;` is
//! [`PieceKind::Empty`].
//!
//! The scanner works on bytes: invalid UTF-8 and NUL bytes are ordinary
//! bytes. It never recurses, never panics, and keeps all its state in a few
//! counters, so a million nested parentheses or comments cost nothing
//! special. It jumps through strings, comments and dollar quotes with
//! `memchr`, and counts lines lazily over whole spans, so splitting runs at
//! hundreds of MB/s.
//!
//! # Feeding
//!
//! [`split`] and [`state_at_end`] handle a complete text. For input that
//! arrives in parts (the REPL, streamed stdin) keep one [`Scanner`] and one
//! growing buffer; see [`Scanner::next_piece`] for the protocol.

use std::ops::Range;

use memchr::{memchr, memchr2};

pub mod lexeme;
pub mod slash;
pub mod vars;

pub use vars::{Quote, Variables};

/// Where the scanner stands at the end of the text it has seen (psql's
/// prompt states). When several apply, the innermost wins: a quote inside
/// parentheses is [`ScanState::SingleQuote`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanState {
    /// Nothing pending: only whitespace and `--` comments since the last
    /// statement end.
    Ready,
    /// Inside a statement, with no open quote, comment or parenthesis
    /// (also inside an unfinished meta-command line, or a `BEGIN .. END`
    /// function body).
    Continue,
    /// Inside a `'..'` string (any flavour: `E'..'`, `B'..'`, ...).
    SingleQuote,
    /// Inside a `".."` identifier.
    DoubleQuote,
    /// Inside a `$tag$ .. $tag$` dollar quote.
    DollarQuote,
    /// Inside a `/* .. */` comment.
    Comment,
    /// Inside parentheses, at the given depth (at least 1).
    Paren(u32),
}

/// What kind of statement a [`Piece`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PieceKind {
    /// SQL (or a shell command) up to and including its terminating `;`.
    Sql,
    /// A backslash meta-command: from `\` to the end of its line, newline
    /// excluded.
    Meta,
    /// A statement that is only `;`; callers skip it.
    Empty,
    /// The SQL text of a statement that a backslash meta-command
    /// interrupts (`select 1 \gset`, or a meta-command line inside a
    /// statement): psql's query buffer so far. A [`PieceKind::Meta`]
    /// piece follows; the statement then goes on after the meta-command's
    /// line (the next piece is its continuation) unless the caller sends
    /// or drops it ([`Scanner::forget_statement`]).
    Partial,
}

/// One statement found in a buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    /// Whether this is SQL, a meta-command or an empty statement.
    pub kind: PieceKind,
    /// Byte range of the statement text in the buffer passed to the call
    /// that returned this piece. For a terminated [`PieceKind::Sql`] piece it
    /// runs from the first byte to the terminating `;` inclusive; for a
    /// leftover ([`Scanner::finish`]) trailing whitespace is left out.
    pub range: Range<usize>,
    /// 1-based line number of the first byte of the text.
    pub first_line: usize,
    /// 1-based line number of the terminating `;` (psql reports errors on
    /// it), or of the last byte of a meta-command or an unterminated leftover.
    pub last_line: usize,
    /// False only for the leftover at end of input ([`Scanner::finish`]).
    pub terminated: bool,
    /// The state at the end of the piece: [`ScanState::Ready`] for
    /// terminated pieces; for a leftover, the state the input ended in.
    pub end_state: ScanState,
    /// Deepest parenthesis nesting reached inside the statement
    /// (saturating).
    pub max_depth: u32,
    /// Deepest nesting of parentheses, brackets and block comments
    /// together: how deep a recursive parser of the statement goes
    /// (saturating). See [`nesting_depth`].
    pub max_nesting: u32,
}

impl Piece {
    /// The statement text, taken from the buffer this piece was found in
    /// (empty if `buf` is not that buffer and is too short).
    pub fn text<'a>(&self, buf: &'a [u8]) -> &'a [u8] {
        buf.get(self.range.clone()).unwrap_or(&[])
    }
}

/// What the scanner is in the middle of. The states that end in a byte
/// needing one byte of lookahead (`Dash`, `Slash`, `BlockStar`, ...) exist
/// so that a buffer may end anywhere and the next call goes on from there
/// without rescanning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Between tokens: in a statement if `started`, else skipping blanks.
    Normal,
    /// Inside a word that started at `word_start`.
    Word,
    /// The last byte was a `-` that may start a `--` comment.
    Dash,
    /// The last byte was a `/` that may start a `/*` comment.
    Slash,
    /// Inside a `--` comment.
    LineComment,
    /// Inside a block comment, `comment_depth` levels deep.
    Block,
    /// Inside a block comment, the last byte was `*`.
    BlockStar,
    /// Inside a block comment, the last byte was `/`.
    BlockSlash,
    /// Inside a `'..'` string; `esc`: backslash escapes the next byte.
    Single { esc: bool },
    /// Inside an escape string, the last byte was a backslash.
    SingleBackslash,
    /// Inside a string, the last byte was a `'`: closes it unless doubled.
    SingleQuoteSeen { esc: bool },
    /// Inside a `".."` identifier.
    Double,
    /// Inside an identifier, the last byte was a `"`.
    DoubleQuoteSeen,
    /// After a `$` that may open a dollar quote; `tag.start..pos` holds the
    /// tag bytes seen so far.
    DollarOpen,
    /// Inside a dollar quote whose tag is `tag`.
    Dollar,
    /// Inside a dollar quote, after a `$` and this many bytes of the tag.
    DollarClose(usize),
    /// Inside a meta-command line.
    Meta,
}

/// Byte classes of the statement loop.
const C_PLAIN: u8 = 0;
const C_WORD: u8 = 1;
const C_SQUOTE: u8 = 2;
const C_DQUOTE: u8 = 3;
const C_DOLLAR: u8 = 4;
const C_DASH: u8 = 5;
const C_SLASH: u8 = 6;
const C_LPAREN: u8 = 7;
const C_RPAREN: u8 = 8;
const C_SEMI: u8 = 9;
const C_LBRACK: u8 = 10;
const C_RBRACK: u8 = 11;
const C_COLON: u8 = 12;
const C_BACKSLASH: u8 = 13;

const fn is_word_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

const fn build_class() -> [u8; 256] {
    let mut t = [C_PLAIN; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = if is_word_start(b) {
            C_WORD
        } else {
            match b {
                b'\'' => C_SQUOTE,
                b'"' => C_DQUOTE,
                b'$' => C_DOLLAR,
                b'-' => C_DASH,
                b'/' => C_SLASH,
                b'(' => C_LPAREN,
                b')' => C_RPAREN,
                b';' => C_SEMI,
                b'[' => C_LBRACK,
                b']' => C_RBRACK,
                b':' => C_COLON,
                b'\\' => C_BACKSLASH,
                _ => C_PLAIN,
            }
        };
        i += 1;
    }
    t
}

/// Byte sets as 256-entry tables: `kind` 0 is word continuation, 1 a
/// dollar-quote tag's first byte, 2 its other bytes.
const fn build_set(kind: u8) -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = match kind {
            // word continuation
            0 => is_word_start(b) || b.is_ascii_digit() || b == b'$',
            // dollar tag start
            1 => is_word_start(b),
            // dollar tag continuation
            _ => is_word_start(b) || b.is_ascii_digit(),
        };
        i += 1;
    }
    t
}

static CLASS: [u8; 256] = build_class();
static WORD_CONT: [bool; 256] = build_set(0);
static TAG_START: [bool; 256] = build_set(1);
static TAG_CONT: [bool; 256] = build_set(2);

fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

fn count_newlines(s: &[u8]) -> usize {
    // Vectorises well; it runs once over every byte of the input.
    s.iter().filter(|&&b| b == b'\n').count()
}

/// What a mode handler did.
enum Step {
    /// The mode changed: dispatch again.
    Again,
    /// The buffer is exhausted.
    Pending,
    /// A statement ended.
    Done(Piece),
    /// The buffer must change first (an interpolated variable, `\;`).
    Splice(Splice),
}

/// A change of the caller's buffer that interpolation asks for: `range`
/// becomes `text`; scanning goes on at its start when `rescan` (a plain
/// `:name`, whose value is SQL to read), else after it.
#[derive(Debug)]
struct Splice {
    range: Range<usize>,
    text: Vec<u8>,
    rescan: bool,
    /// The variable whose value this is (for psql's recursion check).
    var: Option<Box<str>>,
}

/// Resumable statement scanner: keeps its state between calls, so a caller
/// can feed a growing buffer line by line (the REPL, streamed stdin) or a
/// whole file at once.
///
/// All positions it keeps are offsets into the caller's buffer; the caller
/// only ever appends to that buffer, and may drop a consumed prefix as
/// described in [`Scanner::next_piece`].
#[derive(Debug, Clone)]
pub struct Scanner {
    mode: Mode,
    /// Next byte to scan.
    pos: usize,
    /// Line number (1-based) at `line_pos`; newlines are counted lazily.
    line: usize,
    line_pos: usize,
    /// Whether a statement is pending (its first byte has been seen).
    started: bool,
    /// First byte of the pending statement.
    start: usize,
    first_line: usize,
    /// Position of a `-` seen while no statement was pending (mode `Dash`).
    dash_at: usize,
    depth: u32,
    /// The parenthesis depth where the statement's current stretch began
    /// (its start, or the end of the meta-command that interrupted it).
    stretch_depth: u32,
    max_depth: u32,
    comment_depth: usize,
    /// Open `[` of the statement (for [`Piece::max_nesting`]).
    brackets: u32,
    /// Deepest parentheses + brackets + comments so far.
    nest_max: u32,
    word_start: usize,
    /// The dollar-quote tag, without its `$`s.
    tag: Range<usize>,
    /// First letters of the statement's first words, when they are among
    /// `create`, `or`, `replace`, `function`, `procedure` (else 0).
    lead_words: [u8; 4],
    word_count: u8,
    /// The statement is `CREATE [OR REPLACE] FUNCTION|PROCEDURE`.
    routine: bool,
    begin_depth: u32,
    standard_strings: bool,
    /// The meta-command being scanned interrupted a statement, which goes
    /// on after it.
    meta_resume: bool,
    /// Variables whose values are being read (plain `:name`), with where
    /// each value ends in the buffer; innermost last.
    expansions: Vec<(Box<str>, usize)>,
    /// Newlines that interpolated values put into the buffer and that
    /// line numbers must not count.
    line_debt: usize,
}

impl Default for Scanner {
    fn default() -> Self {
        Self::new()
    }
}

impl Scanner {
    /// A scanner at the start of input (line 1, nothing pending), with
    /// `standard_conforming_strings` on.
    pub fn new() -> Self {
        Scanner {
            mode: Mode::Normal,
            pos: 0,
            line: 1,
            line_pos: 0,
            started: false,
            start: 0,
            first_line: 1,
            dash_at: 0,
            depth: 0,
            stretch_depth: 0,
            max_depth: 0,
            comment_depth: 0,
            brackets: 0,
            nest_max: 0,
            word_start: 0,
            tag: 0..0,
            lead_words: [0; 4],
            word_count: 0,
            routine: false,
            begin_depth: 0,
            standard_strings: true,
            meta_resume: false,
            expansions: Vec::new(),
            line_debt: 0,
        }
    }

    /// Follow the server's `standard_conforming_strings`: when `on` is false,
    /// a backslash escapes the next byte in every `'..'` string, not only in
    /// `E'..'` strings (psql does the same). Takes effect for strings that
    /// open after the call.
    pub fn set_standard_conforming_strings(&mut self, on: bool) {
        self.standard_strings = on;
    }

    /// Scan `buf` and return the next complete statement, if one ends inside
    /// it; call repeatedly until `None` to get all of them.
    ///
    /// `buf` is the whole pending buffer: bytes before the scanner's
    /// position were scanned by earlier calls and are not looked at again
    /// (except the pending statement's own bytes, e.g. a dollar-quote tag).
    /// Between calls the caller may only append to `buf`, or drop a prefix
    /// of it as follows:
    ///
    /// * whole-text mode: keep the buffer as it is; piece ranges index it
    ///   directly. This is what [`split`] does.
    /// * streaming mode (REPL, stdin): after taking the text of the pieces
    ///   returned so far, let `n = scanner.consumed()`, then
    ///   `buf.drain(..n)` and `scanner.rebase(n)`. Ranges of later pieces
    ///   index the shortened buffer. Line numbers stay absolute.
    ///
    /// Once this returns `None`, all of `buf` has been scanned and
    /// [`Scanner::state`] describes its end. At end of input, call
    /// [`Scanner::finish`] for the unterminated rest.
    pub fn next_piece(&mut self, buf: &[u8]) -> Option<Piece> {
        // Without variables nothing splices: `Err` is not reached.
        self.scan(buf, None).unwrap_or_default()
    }

    /// As [`Scanner::next_piece`], with psql's variable interpolation:
    /// `:name` outside quotes, dollar quotes and comments is replaced in
    /// `buf` by the variable's value, which is then read as SQL (a `;` in
    /// it ends the statement, as in psql); `:'name'` by the value as a
    /// string literal, `:"name"` as an identifier, `:{?name}` by `TRUE` or
    /// `FALSE`. Unknown variables stay as typed, `::` is a cast, and a
    /// variable is not expanded inside its own value. `\;` and `\:` put a
    /// plain `;` or `:` into the statement without ending it or naming a
    /// variable.
    ///
    /// The buffer protocol is that of [`Scanner::next_piece`]; the
    /// replacements are made in the pending part of `buf` (what the
    /// caller has not taken yet), and line numbers stay those of the
    /// source.
    pub fn next_piece_with(
        &mut self,
        buf: &mut Vec<u8>,
        vars: &mut dyn Variables,
    ) -> Option<Piece> {
        loop {
            match self.scan(buf, Some(&mut *vars)) {
                Ok(piece) => return piece,
                Err(splice) => self.apply(buf, splice),
            }
        }
    }

    /// Scan on; a [`Splice`] comes back when the buffer must change
    /// before scanning can go on.
    fn scan<'v>(
        &mut self,
        buf: &[u8],
        mut vars: Option<&mut (dyn Variables + 'v)>,
    ) -> Result<Option<Piece>, Splice> {
        if self.pos > buf.len() {
            // The caller broke the protocol (the buffer shrank): nothing
            // sensible to scan.
            return Ok(None);
        }
        let piece = loop {
            let step = match self.mode {
                Mode::Normal if self.started => self.scan_statement(buf, vars.as_deref_mut()),
                Mode::Normal => self.scan_blanks(buf),
                Mode::Word => self.resume_word(buf),
                Mode::Dash => self.resume_dash(buf),
                Mode::Slash => self.resume_slash(buf),
                Mode::LineComment => self.scan_line_comment(buf),
                Mode::Block => self.scan_block_comment(buf),
                Mode::BlockStar => self.resume_block_star(buf),
                Mode::BlockSlash => self.resume_block_slash(buf),
                Mode::Single { esc } => self.scan_single(buf, esc),
                Mode::SingleBackslash => self.resume_single_backslash(buf),
                Mode::SingleQuoteSeen { esc } => self.resume_single_quote(buf, esc),
                Mode::Double => self.scan_double(buf),
                Mode::DoubleQuoteSeen => self.resume_double_quote(buf),
                Mode::DollarOpen => self.scan_dollar_open(buf),
                Mode::Dollar => self.scan_dollar_body(buf),
                Mode::DollarClose(matched) => self.resume_dollar_close(buf, matched),
                Mode::Meta => self.scan_meta(buf),
            };
            match step {
                Step::Again => continue,
                Step::Pending => break None,
                Step::Done(piece) => break Some(piece),
                Step::Splice(s) => return Err(s),
            }
        };
        // Keep the line counter at the scan position, so `rebase` never has
        // to count bytes the caller has dropped.
        self.line_at(buf, self.pos);
        Ok(piece)
    }

    /// Make the change a [`Splice`] asks for and go on from it.
    fn apply(&mut self, buf: &mut Vec<u8>, sp: Splice) {
        let Some(old) = buf.get(sp.range.clone()) else {
            self.pos = buf.len();
            return;
        };
        // Line numbers are the source's: the lazy counter will count the
        // new text's newlines instead of the old one's.
        let (gone, added) = (count_newlines(old), count_newlines(&sp.text));
        self.line += gone;
        self.line_debt += added;
        let (start, old_len, new_len) = (sp.range.start, sp.range.len(), sp.text.len());
        buf.splice(sp.range, sp.text);
        for (_, end) in &mut self.expansions {
            if *end >= start + old_len {
                *end = *end + new_len - old_len;
            }
        }
        if let Some(name) = sp.var {
            self.expansions.push((name, start + new_len));
        }
        self.pos = if sp.rescan { start } else { start + new_len };
        self.mode = Mode::Normal;
    }

    /// Put `text` into `buf` at the scan position, to be read next as if
    /// it were input there (psql's rescan of a query buffer that came back
    /// from the editor); its newlines do not count as lines of the source.
    pub fn insert(&mut self, buf: &mut Vec<u8>, text: &[u8]) {
        let at = self.pos.min(buf.len());
        self.apply(
            buf,
            Splice {
                range: at..at,
                text: text.to_vec(),
                rescan: true,
                var: None,
            },
        );
    }

    /// The statement is sent or dropped by the caller after a
    /// meta-command interrupted it (psql's `psql_scan_reset` after `\g`
    /// or `\r`): what comes next starts a new statement.
    pub fn forget_statement(&mut self) {
        self.reset_statement();
    }

    /// The [`PieceKind::Partial`] piece just cut was dropped (an inactive
    /// `\if` branch): its parentheses no longer count (psql's
    /// `discard_query_text` restores the depth).
    /// `fresh`: nothing of the statement is kept, so after the
    /// meta-command that follows a new one starts (leading blanks and
    /// comments are not part of it, as psql drops them).
    pub fn discard_partial(&mut self, fresh: bool) {
        self.depth = self.stretch_depth;
        if fresh {
            self.meta_resume = false;
        }
    }

    /// psql's single-line mode (SINGLELINE, `-S`): at the end of a line
    /// the pending statement is complete, as if a `;` ended it, unless a
    /// quote, comment or parenthesis is open (psql's `PSCAN_EOL`). `held`:
    /// part of the statement is held by the caller (SQL before a
    /// meta-command on the line), so it ends even with nothing pending
    /// here; the piece is then empty, at the end of `buf`. Call when
    /// [`Scanner::next_piece`] returned `None` at the end of a line.
    pub fn end_line(&mut self, buf: &[u8], held: bool) -> Option<Piece> {
        match self.state() {
            ScanState::Continue => {}
            ScanState::Ready if held => {}
            _ => return None,
        }
        if let Some(piece) = self.finish(buf) {
            return Some(piece);
        }
        held.then_some(Piece {
            kind: PieceKind::Sql,
            range: buf.len()..buf.len(),
            first_line: self.line,
            last_line: self.line,
            terminated: false,
            end_state: ScanState::Ready,
            max_depth: 0,
            max_nesting: 0,
        })
    }

    /// The leftover at end of input: the unterminated statement, if any
    /// non-blank text is pending (whitespace and `--` comments alone give
    /// `None`). Its `terminated` is false and its `end_state` is the state
    /// the input ended in; a meta-command without a final newline comes out
    /// here too, as [`PieceKind::Meta`].
    ///
    /// If `buf` still holds complete statements that [`Scanner::next_piece`]
    /// has not returned, they come first, one per call; so
    /// `while let Some(p) = scanner.finish(&buf)` collects everything. After
    /// the leftover the scanner is ready for new input at the end of `buf`.
    pub fn finish(&mut self, buf: &[u8]) -> Option<Piece> {
        if let Some(piece) = self.next_piece(buf) {
            return Some(piece);
        }
        let len = buf.len();
        if self.pos > len {
            self.reset_statement();
            return None;
        }
        let start = if self.started {
            self.start
        } else if self.mode == Mode::Dash {
            self.dash_at
        } else {
            self.reset_statement();
            return None;
        };
        let end_state = self.state();
        let kind = if self.mode == Mode::Meta {
            PieceKind::Meta
        } else {
            PieceKind::Sql
        };
        let text = buf.get(start..).unwrap_or(&[]);
        let trailing = text.iter().rev().take_while(|&&b| is_blank(b)).count();
        let end = len - trailing;
        let piece = if end > start {
            let first_line = if self.started {
                self.first_line
            } else {
                self.line_at(buf, start)
            };
            Some(Piece {
                kind,
                range: start..end,
                first_line,
                last_line: self.line_at(buf, end - 1),
                terminated: false,
                end_state,
                max_depth: self.max_depth,
                max_nesting: self.nest_max,
            })
        } else {
            None
        };
        self.reset_statement();
        self.pos = len;
        self.line_at(buf, len);
        piece
    }

    /// State at the end of everything scanned so far: after
    /// [`Scanner::next_piece`] returned `None`, the state at the end of the
    /// buffer (after it returned a piece, [`ScanState::Ready`]).
    ///
    /// A byte whose meaning depends on the next one (a final `-`, `/`, `$`
    /// or closing quote) is taken as if the input ended there: `select 1 -`
    /// is `Continue`, `'it'` is `Continue` although `'it''` would reopen.
    pub fn state(&self) -> ScanState {
        let top = if self.depth > 0 {
            ScanState::Paren(self.depth)
        } else {
            ScanState::Continue
        };
        match self.mode {
            Mode::Normal | Mode::LineComment if !self.started => ScanState::Ready,
            Mode::Normal
            | Mode::LineComment
            | Mode::Word
            | Mode::Dash
            | Mode::Slash
            | Mode::SingleQuoteSeen { .. }
            | Mode::DoubleQuoteSeen
            | Mode::DollarOpen => top,
            Mode::Block | Mode::BlockStar | Mode::BlockSlash => ScanState::Comment,
            Mode::Single { .. } | Mode::SingleBackslash => ScanState::SingleQuote,
            Mode::Double => ScanState::DoubleQuote,
            Mode::Dollar | Mode::DollarClose(_) => ScanState::DollarQuote,
            Mode::Meta => ScanState::Continue,
        }
    }

    /// How many leading bytes of the buffer the scanner no longer needs: the
    /// start of the pending statement, or the scan position when none is
    /// pending. Always at least the end of the last piece returned.
    pub fn consumed(&self) -> usize {
        if self.started {
            self.start
        } else if self.mode == Mode::Dash {
            self.dash_at
        } else {
            self.pos
        }
    }

    /// Tell the scanner that the caller dropped the first `n` bytes of its
    /// buffer (`buf.drain(..n)`), `n` being at most [`Scanner::consumed`].
    /// Positions kept inside the scanner shift down by `n`; line numbers
    /// are unaffected.
    pub fn rebase(&mut self, n: usize) {
        self.pos = self.pos.saturating_sub(n);
        self.line_pos = self.line_pos.saturating_sub(n);
        self.start = self.start.saturating_sub(n);
        self.dash_at = self.dash_at.saturating_sub(n);
        self.word_start = self.word_start.saturating_sub(n);
        self.tag = self.tag.start.saturating_sub(n)..self.tag.end.saturating_sub(n);
        for (_, end) in &mut self.expansions {
            *end = end.saturating_sub(n);
        }
    }

    /// Forget the pending statement, if any (the REPL's query buffer was
    /// cleared, e.g. by Ctrl-C). The caller continues with an empty buffer;
    /// line numbering continues where it was.
    pub fn reset(&mut self) {
        self.reset_statement();
        self.expansions.clear();
        self.line_debt = 0;
        self.pos = 0;
        self.line_pos = 0;
    }

    /// Count `n` lines that the caller took out of the buffer unscanned
    /// (COPY data after a statement), so that line numbers stay those of
    /// the source.
    pub fn skip_lines(&mut self, n: usize) {
        self.line += n;
    }

    /// 1-based line number at the end of what has been scanned: the line the
    /// next byte appended would be on.
    pub fn line(&self) -> usize {
        self.line
    }

    /// Line number of byte `p`, moving the lazy counter forward when `p` is
    /// past it.
    fn line_at(&mut self, buf: &[u8], p: usize) -> usize {
        if p >= self.line_pos {
            let span = buf.get(self.line_pos..p).unwrap_or(&[]);
            let n = count_newlines(span);
            let paid = n.min(self.line_debt);
            self.line_debt -= paid;
            self.line += n - paid;
            self.line_pos = p;
            self.line
        } else {
            let span = buf.get(p..self.line_pos).unwrap_or(&[]);
            self.line.saturating_sub(count_newlines(span)).max(1)
        }
    }

    /// A statement starts at byte `at`.
    fn begin(&mut self, buf: &[u8], at: usize) {
        self.started = true;
        self.start = at;
        self.first_line = self.line_at(buf, at);
    }

    /// Parentheses, brackets and open comments together, for
    /// [`Piece::max_nesting`].
    fn note_nesting(&mut self) {
        let comments = u32::try_from(self.comment_depth).unwrap_or(u32::MAX);
        let now = self
            .depth
            .saturating_add(self.brackets)
            .saturating_add(comments);
        self.nest_max = self.nest_max.max(now);
    }

    /// Back to "nothing pending" after a statement.
    fn reset_statement(&mut self) {
        self.mode = Mode::Normal;
        self.started = false;
        self.depth = 0;
        self.stretch_depth = 0;
        self.max_depth = 0;
        self.brackets = 0;
        self.nest_max = 0;
        self.comment_depth = 0;
        self.lead_words = [0; 4];
        self.word_count = 0;
        self.routine = false;
        self.begin_depth = 0;
        self.meta_resume = false;
    }

    /// The statement ends at the `;` at `semi`.
    fn end_statement(&mut self, buf: &[u8], semi: usize) -> Piece {
        let kind = if semi == self.start {
            PieceKind::Empty
        } else {
            PieceKind::Sql
        };
        let piece = Piece {
            kind,
            range: self.start..semi + 1,
            first_line: self.first_line,
            last_line: self.line_at(buf, semi),
            terminated: true,
            end_state: ScanState::Ready,
            max_depth: self.max_depth,
            max_nesting: self.nest_max,
        };
        self.reset_statement();
        self.pos = semi + 1;
        piece
    }

    /// No statement pending: skip blanks and `--` comments up to the first
    /// byte of the next statement.
    fn scan_blanks(&mut self, buf: &[u8]) -> Step {
        let len = buf.len();
        let mut i = self.pos;
        while i < len {
            match buf[i] {
                b if is_blank(b) => i += 1,
                b'-' => {
                    if i + 1 >= len {
                        self.dash_at = i;
                        self.pos = len;
                        self.mode = Mode::Dash;
                        return Step::Pending;
                    }
                    if buf[i + 1] == b'-' {
                        self.pos = i + 2;
                        self.mode = Mode::LineComment;
                        return Step::Again;
                    }
                    self.begin(buf, i);
                    self.pos = i;
                    return Step::Again;
                }
                // What a backslash starts depends on the next byte.
                b'\\' if i + 1 == len => {
                    self.pos = i;
                    return Step::Pending;
                }
                b'\\' if !matches!(buf.get(i + 1), Some(b';' | b':')) => {
                    self.begin(buf, i);
                    self.pos = i + 1;
                    self.mode = Mode::Meta;
                    return Step::Again;
                }
                _ => {
                    self.begin(buf, i);
                    self.pos = i;
                    return Step::Again;
                }
            }
        }
        self.pos = len;
        Step::Pending
    }

    /// Inside a statement, between tokens: the hot loop.
    fn scan_statement<'v>(
        &mut self,
        buf: &[u8],
        mut vars: Option<&mut (dyn Variables + 'v)>,
    ) -> Step {
        let len = buf.len();
        let mut i = self.pos;
        loop {
            while i < len && CLASS[buf[i] as usize] == C_PLAIN {
                i += 1;
            }
            if i >= len {
                self.pos = len;
                return Step::Pending;
            }
            match CLASS[buf[i] as usize] {
                C_WORD => {
                    let word_start = i;
                    i += 1;
                    while i < len && WORD_CONT[buf[i] as usize] {
                        i += 1;
                    }
                    if i >= len {
                        self.word_start = word_start;
                        self.pos = len;
                        self.mode = Mode::Word;
                        return Step::Pending;
                    }
                    if self.end_word(buf, word_start, i) {
                        self.pos = i + 1;
                        self.mode = Mode::Single { esc: true };
                        return Step::Again;
                    }
                }
                C_SQUOTE => {
                    self.pos = i + 1;
                    // A `U&'..'` string never takes backslash escapes
                    // (psql's xus state), whatever
                    // standard_conforming_strings says.
                    let unicode = i >= 2
                        && buf[i - 1] == b'&'
                        && buf[i - 2].eq_ignore_ascii_case(&b'u')
                        && (i < 3 || !(buf[i - 3].is_ascii_alphanumeric() || buf[i - 3] == b'_'));
                    self.mode = Mode::Single {
                        esc: !self.standard_strings && !unicode,
                    };
                    return Step::Again;
                }
                C_DQUOTE => {
                    self.pos = i + 1;
                    self.mode = Mode::Double;
                    return Step::Again;
                }
                C_DOLLAR => {
                    self.pos = i + 1;
                    self.tag = i + 1..i + 1;
                    self.mode = Mode::DollarOpen;
                    return Step::Again;
                }
                C_DASH => {
                    if i + 1 >= len {
                        self.pos = len;
                        self.mode = Mode::Dash;
                        return Step::Pending;
                    }
                    if buf[i + 1] == b'-' {
                        self.pos = i + 2;
                        self.mode = Mode::LineComment;
                        return Step::Again;
                    }
                    i += 1;
                }
                C_SLASH => {
                    if i + 1 >= len {
                        self.pos = len;
                        self.mode = Mode::Slash;
                        return Step::Pending;
                    }
                    if buf[i + 1] == b'*' {
                        self.pos = i + 2;
                        self.comment_depth = 1;
                        self.note_nesting();
                        self.mode = Mode::Block;
                        return Step::Again;
                    }
                    i += 1;
                }
                C_LPAREN => {
                    self.depth = self.depth.saturating_add(1);
                    self.max_depth = self.max_depth.max(self.depth);
                    self.note_nesting();
                    i += 1;
                }
                C_LBRACK => {
                    self.brackets = self.brackets.saturating_add(1);
                    self.note_nesting();
                    i += 1;
                }
                C_RBRACK => {
                    self.brackets = self.brackets.saturating_sub(1);
                    i += 1;
                }
                C_RPAREN => {
                    self.depth = self.depth.saturating_sub(1);
                    i += 1;
                }
                C_SEMI => {
                    if self.depth == 0 && self.begin_depth == 0 {
                        return Step::Done(self.end_statement(buf, i));
                    }
                    i += 1;
                }
                C_COLON => match vars.as_deref_mut() {
                    Some(v) => match self.colon(buf, i, v) {
                        Ok(next) => i = next,
                        Err(splice) => return Step::Splice(splice),
                    },
                    None => i += if buf.get(i + 1) == Some(&b':') { 2 } else { 1 },
                },
                C_BACKSLASH if i + 1 == len => {
                    // What it starts depends on the next byte.
                    self.pos = i;
                    return Step::Pending;
                }
                C_BACKSLASH => match buf.get(i + 1) {
                    // psql's `\;` and `\:`: the character, with no other
                    // meaning.
                    Some(&c @ (b';' | b':')) => {
                        if vars.is_some() {
                            return Step::Splice(Splice {
                                range: i..i + 2,
                                text: vec![c],
                                rescan: false,
                                var: None,
                            });
                        }
                        i += 2;
                    }
                    _ => return self.interrupt(buf, i),
                },
                _ => i += 1,
            }
        }
    }

    /// A word spans `word_start..end` and `buf[end]` is not part of it.
    /// Returns true when the word is an `E` prefix opening an escape string
    /// at `end`.
    fn end_word(&mut self, buf: &[u8], word_start: usize, end: usize) -> bool {
        let word = buf.get(word_start..end).unwrap_or(&[]);
        if let [letter] = word {
            if buf.get(end) == Some(&b'\'') {
                // A string prefix (E, B, X, N), not an identifier.
                return letter | 0x20 == b'e';
            }
        }
        self.note_word(word);
        false
    }

    /// psql 15's heuristic for SQL-standard routine bodies: in
    /// `CREATE [OR REPLACE] FUNCTION|PROCEDURE`, `BEGIN .. END` (with `CASE
    /// .. END` inside) at parenthesis depth 0 keeps `;` from ending the
    /// statement.
    fn note_word(&mut self, word: &[u8]) {
        let n = usize::from(self.word_count);
        if n < self.lead_words.len() {
            self.lead_words[n] = lead_word_code(word);
            self.word_count += 1;
            let w = self.lead_words;
            self.routine = w[0] == b'c'
                && (w[1] == b'f'
                    || w[1] == b'p'
                    || (w[1] == b'o' && w[2] == b'r' && (w[3] == b'f' || w[3] == b'p')));
        }
        if self.routine && self.depth == 0 {
            if word.eq_ignore_ascii_case(b"begin") {
                self.begin_depth = self.begin_depth.saturating_add(1);
            } else if word.eq_ignore_ascii_case(b"case") {
                if self.begin_depth > 0 {
                    self.begin_depth = self.begin_depth.saturating_add(1);
                }
            } else if word.eq_ignore_ascii_case(b"end") {
                self.begin_depth = self.begin_depth.saturating_sub(1);
            }
        }
    }

    /// A word reached the end of the previous buffer: go on with it.
    fn resume_word(&mut self, buf: &[u8]) -> Step {
        let len = buf.len();
        let mut i = self.pos;
        while i < len && WORD_CONT[buf[i] as usize] {
            i += 1;
        }
        if i >= len {
            self.pos = len;
            return Step::Pending;
        }
        self.mode = Mode::Normal;
        if self.end_word(buf, self.word_start, i) {
            self.pos = i + 1;
            self.mode = Mode::Single { esc: true };
        } else {
            self.pos = i;
        }
        Step::Again
    }

    /// The previous buffer ended in `-`.
    fn resume_dash(&mut self, buf: &[u8]) -> Step {
        let Some(&b) = buf.get(self.pos) else {
            return Step::Pending;
        };
        if b == b'-' {
            self.pos += 1;
            self.mode = Mode::LineComment;
        } else {
            if !self.started {
                self.begin(buf, self.dash_at);
            }
            self.mode = Mode::Normal;
        }
        Step::Again
    }

    /// The previous buffer ended in `/` (inside a statement).
    fn resume_slash(&mut self, buf: &[u8]) -> Step {
        let Some(&b) = buf.get(self.pos) else {
            return Step::Pending;
        };
        if b == b'*' {
            self.pos += 1;
            self.comment_depth = 1;
            self.note_nesting();
            self.mode = Mode::Block;
        } else {
            self.mode = Mode::Normal;
        }
        Step::Again
    }

    /// Inside `--`: up to the newline, which is left to the caller's mode.
    fn scan_line_comment(&mut self, buf: &[u8]) -> Step {
        let rest = buf.get(self.pos..).unwrap_or(&[]);
        match memchr(b'\n', rest) {
            Some(k) => {
                self.pos += k;
                self.mode = Mode::Normal;
                Step::Again
            }
            None => {
                self.pos = buf.len();
                Step::Pending
            }
        }
    }

    /// Inside `/* */`, `comment_depth` levels deep.
    fn scan_block_comment(&mut self, buf: &[u8]) -> Step {
        let len = buf.len();
        let mut i = self.pos;
        while let Some(k) = memchr2(b'*', b'/', &buf[i..]) {
            let p = i + k;
            let star = buf[p] == b'*';
            let Some(&next) = buf.get(p + 1) else {
                self.pos = len;
                self.mode = if star {
                    Mode::BlockStar
                } else {
                    Mode::BlockSlash
                };
                return Step::Pending;
            };
            if star && next == b'/' {
                self.comment_depth = self.comment_depth.saturating_sub(1);
                i = p + 2;
                if self.comment_depth == 0 {
                    self.pos = i;
                    self.mode = Mode::Normal;
                    return Step::Again;
                }
            } else if !star && next == b'*' {
                self.comment_depth = self.comment_depth.saturating_add(1);
                self.note_nesting();
                i = p + 2;
            } else {
                i = p + 1;
            }
        }
        self.pos = len;
        Step::Pending
    }

    /// In a block comment, the previous buffer ended in `*`.
    fn resume_block_star(&mut self, buf: &[u8]) -> Step {
        let Some(&b) = buf.get(self.pos) else {
            return Step::Pending;
        };
        self.mode = Mode::Block;
        if b == b'/' {
            self.pos += 1;
            self.comment_depth = self.comment_depth.saturating_sub(1);
            if self.comment_depth == 0 {
                self.mode = Mode::Normal;
            }
        }
        Step::Again
    }

    /// In a block comment, the previous buffer ended in `/`.
    fn resume_block_slash(&mut self, buf: &[u8]) -> Step {
        let Some(&b) = buf.get(self.pos) else {
            return Step::Pending;
        };
        self.mode = Mode::Block;
        if b == b'*' {
            self.pos += 1;
            self.comment_depth = self.comment_depth.saturating_add(1);
            self.note_nesting();
        }
        Step::Again
    }

    /// Inside `'..'`; with `esc`, a backslash escapes the next byte.
    fn scan_single(&mut self, buf: &[u8], esc: bool) -> Step {
        let len = buf.len();
        let mut i = self.pos;
        loop {
            let rest = &buf[i..];
            let found = if esc {
                memchr2(b'\'', b'\\', rest)
            } else {
                memchr(b'\'', rest)
            };
            let Some(k) = found else {
                self.pos = len;
                self.mode = Mode::Single { esc };
                return Step::Pending;
            };
            let q = i + k;
            let Some(&next) = buf.get(q + 1) else {
                self.pos = len;
                self.mode = if buf[q] == b'\\' {
                    Mode::SingleBackslash
                } else {
                    Mode::SingleQuoteSeen { esc }
                };
                return Step::Pending;
            };
            if buf[q] == b'\\' || next == b'\'' {
                // An escaped byte, or a doubled quote.
                i = q + 2;
                continue;
            }
            self.pos = q + 1;
            self.mode = Mode::Normal;
            return Step::Again;
        }
    }

    /// In an escape string, the previous buffer ended in a backslash.
    fn resume_single_backslash(&mut self, buf: &[u8]) -> Step {
        if self.pos >= buf.len() {
            return Step::Pending;
        }
        self.pos += 1;
        self.mode = Mode::Single { esc: true };
        Step::Again
    }

    /// In a string, the previous buffer ended in a quote.
    fn resume_single_quote(&mut self, buf: &[u8], esc: bool) -> Step {
        let Some(&b) = buf.get(self.pos) else {
            return Step::Pending;
        };
        if b == b'\'' {
            self.pos += 1;
            self.mode = Mode::Single { esc };
        } else {
            self.mode = Mode::Normal;
        }
        Step::Again
    }

    /// Inside `".."`.
    fn scan_double(&mut self, buf: &[u8]) -> Step {
        let len = buf.len();
        let mut i = self.pos;
        while let Some(k) = memchr(b'"', &buf[i..]) {
            let q = i + k;
            let Some(&next) = buf.get(q + 1) else {
                self.pos = len;
                self.mode = Mode::DoubleQuoteSeen;
                return Step::Pending;
            };
            if next == b'"' {
                i = q + 2;
                continue;
            }
            self.pos = q + 1;
            self.mode = Mode::Normal;
            return Step::Again;
        }
        self.pos = len;
        Step::Pending
    }

    /// In an identifier, the previous buffer ended in `"`.
    fn resume_double_quote(&mut self, buf: &[u8]) -> Step {
        let Some(&b) = buf.get(self.pos) else {
            return Step::Pending;
        };
        if b == b'"' {
            self.pos += 1;
            self.mode = Mode::Double;
        } else {
            self.mode = Mode::Normal;
        }
        Step::Again
    }

    /// After a `$` outside a word: a dollar quote opens if a tag and a
    /// second `$` follow.
    fn scan_dollar_open(&mut self, buf: &[u8]) -> Step {
        let len = buf.len();
        let tag_start = self.tag.start;
        let mut i = self.pos;
        if i >= len {
            return Step::Pending;
        }
        if i == tag_start {
            let b = buf[i];
            if b == b'$' {
                self.tag = tag_start..tag_start;
                self.pos = i + 1;
                self.mode = Mode::Dollar;
                return Step::Again;
            }
            if !TAG_START[b as usize] {
                // A lone `$`, or a parameter such as `$1`.
                self.mode = Mode::Normal;
                return Step::Again;
            }
            i += 1;
        }
        while i < len && TAG_CONT[buf[i] as usize] {
            i += 1;
        }
        if i >= len {
            self.pos = len;
            return Step::Pending;
        }
        if buf[i] == b'$' {
            self.tag = tag_start..i;
            self.pos = i + 1;
            self.mode = Mode::Dollar;
        } else {
            // No quote after all: the `$` is an ordinary byte and the
            // would-be tag is scanned again, as a word.
            self.pos = tag_start;
            self.mode = Mode::Normal;
        }
        Step::Again
    }

    /// Inside a dollar quote: look for `$tag$`.
    fn scan_dollar_body(&mut self, buf: &[u8]) -> Step {
        let len = buf.len();
        let tag = buf.get(self.tag.clone()).unwrap_or(&[]);
        let mut i = self.pos;
        while let Some(k) = memchr(b'$', &buf[i..]) {
            let d = i + k;
            let rest = &buf[d + 1..];
            if let Some((&last, head)) = rest.get(..=tag.len()).and_then(|r| r.split_last()) {
                if head == tag && last == b'$' {
                    self.pos = d + tag.len() + 2;
                    self.mode = Mode::Normal;
                    return Step::Again;
                }
            } else if tag.starts_with(rest) {
                // The buffer ends inside what may be the closing delimiter.
                self.pos = len;
                self.mode = Mode::DollarClose(rest.len());
                return Step::Pending;
            }
            i = d + 1;
        }
        self.pos = len;
        self.mode = Mode::Dollar;
        Step::Pending
    }

    /// Inside a dollar quote, the previous buffer ended in `$` and the
    /// first `matched` bytes of the tag.
    fn resume_dollar_close(&mut self, buf: &[u8], mut matched: usize) -> Step {
        let len = buf.len();
        let tag = buf.get(self.tag.clone()).unwrap_or(&[]);
        let mut i = self.pos;
        while i < len {
            let b = buf[i];
            match tag.get(matched) {
                Some(&t) if t == b => {
                    matched += 1;
                    i += 1;
                }
                None if b == b'$' => {
                    self.pos = i + 1;
                    self.mode = Mode::Normal;
                    return Step::Again;
                }
                _ => {
                    // Not the delimiter; `b` may itself be a `$` starting
                    // the next candidate, so the body scan looks at it.
                    self.pos = i;
                    self.mode = Mode::Dollar;
                    return Step::Again;
                }
            }
        }
        self.pos = len;
        self.mode = Mode::DollarClose(matched);
        Step::Pending
    }

    /// Inside a meta-command: it ends before the newline.
    fn scan_meta(&mut self, buf: &[u8]) -> Step {
        let rest = buf.get(self.pos..).unwrap_or(&[]);
        let Some(k) = memchr(b'\n', rest) else {
            self.pos = buf.len();
            return Step::Pending;
        };
        let nl = self.pos + k;
        // `\\` outside quotes ends the meta-commands of a line; what
        // follows is SQL again (psql's lexer goes back to SQL there).
        let (end, resume) = match meta_terminator(buf, self.start, nl) {
            Some(at) => (at, at + 2),
            None => (nl, nl),
        };
        let piece = Piece {
            kind: PieceKind::Meta,
            range: self.start..end,
            first_line: self.first_line,
            // Not past `end`: a variable after a `\\` may still be
            // spliced into the line, which moves the bytes after it.
            last_line: self.line_at(buf, end),
            terminated: true,
            end_state: ScanState::Ready,
            max_depth: 0,
            max_nesting: 0,
        };
        if self.meta_resume {
            // The interrupted statement goes on from the end of the line
            // (or after the `\\`).
            self.meta_resume = false;
            self.mode = Mode::Normal;
            self.stretch_depth = self.depth;
            self.start = resume;
            self.first_line = self.line_at(buf, resume);
        } else {
            self.reset_statement();
        }
        self.pos = resume;
        Step::Done(piece)
    }

    /// A backslash at `at` inside a statement starts a meta-command (psql
    /// reads one anywhere outside quotes and comments). The statement so
    /// far comes out as a [`PieceKind::Partial`] piece, without the newline
    /// right before the backslash when the meta-command has its own line
    /// (psql drops that one); then the meta-command.
    fn interrupt(&mut self, buf: &[u8], at: usize) -> Step {
        let end = if at > self.start && buf[at - 1] == b'\n' {
            at - 1
        } else {
            at
        };
        let state = self.state();
        let partial = (end > self.start).then(|| Piece {
            kind: PieceKind::Partial,
            range: self.start..end,
            first_line: self.first_line,
            last_line: self.line_at(buf, end - 1),
            terminated: false,
            end_state: state,
            max_depth: self.max_depth,
            max_nesting: self.nest_max,
        });
        self.meta_resume = true;
        self.mode = Mode::Meta;
        self.start = at;
        self.first_line = self.line_at(buf, at);
        self.pos = at + 1;
        match partial {
            Some(p) => Step::Done(p),
            None => Step::Again,
        }
    }

    /// A `:` at `at` with variables at hand: a reference to interpolate
    /// (a [`Splice`]), or the position to scan on from (psql's rules in
    /// `psqlscan.l`: an unknown variable's reference is passed over whole;
    /// an incomplete `:'name` or `:"name` only by its colon, so the quote
    /// opens a string as usual).
    fn colon(&mut self, buf: &[u8], at: usize, vars: &mut dyn Variables) -> Result<usize, Splice> {
        let name_from = |from: usize| {
            let mut e = from;
            while e < buf.len() && vars::is_var_byte(buf[e]) {
                e += 1;
            }
            e
        };
        let text = |r: Range<usize>| std::str::from_utf8(&buf[r]).ok();
        match buf.get(at + 1) {
            Some(b':') => Ok(at + 2),
            Some(&q @ (b'\'' | b'"')) => {
                let end = name_from(at + 2);
                if end == at + 2 || buf.get(end) != Some(&q) {
                    return Ok(at + 1);
                }
                let quote = if q == b'\'' {
                    Quote::Literal
                } else {
                    Quote::Ident
                };
                match text(at + 2..end).and_then(|n| vars.get(n, quote)) {
                    Some(v) => Err(Splice {
                        range: at..end + 1,
                        text: v.into_bytes(),
                        rescan: false,
                        var: None,
                    }),
                    None => Ok(end + 1),
                }
            }
            Some(b'{') if buf.get(at + 2) == Some(&b'?') => {
                let end = name_from(at + 3);
                if end == at + 3 || buf.get(end) != Some(&b'}') {
                    return Ok(at + 1);
                }
                let set = text(at + 3..end).and_then(|n| vars.get(n, Quote::Plain));
                Err(Splice {
                    range: at..end + 1,
                    text: if set.is_some() {
                        b"TRUE".to_vec()
                    } else {
                        b"FALSE".to_vec()
                    },
                    rescan: false,
                    var: None,
                })
            }
            Some(&b) if vars::is_var_byte(b) => {
                let end = name_from(at + 1);
                let Some(name) = text(at + 1..end) else {
                    return Ok(end);
                };
                while self.expansions.last().is_some_and(|(_, e)| *e <= at) {
                    self.expansions.pop();
                }
                if self.expansions.iter().any(|(n, _)| &**n == name) {
                    vars.recursive(name);
                    return Ok(end);
                }
                match vars.get(name, Quote::Plain) {
                    Some(v) => Err(Splice {
                        range: at..end,
                        text: v.into_bytes(),
                        rescan: true,
                        var: Some(name.into()),
                    }),
                    None => Ok(end),
                }
            }
            _ => Ok(at + 1),
        }
    }
}

/// First letter of `word` if it is one of the words that make up
/// `CREATE [OR REPLACE] FUNCTION|PROCEDURE`, else 0.
fn lead_word_code(word: &[u8]) -> u8 {
    let known: [&[u8]; 5] = [b"create", b"or", b"replace", b"function", b"procedure"];
    if known.iter().any(|k| word.eq_ignore_ascii_case(k)) {
        word.first().map_or(0, |b| b.to_ascii_lowercase())
    } else {
        0
    }
}

/// All pieces of a complete text: the terminated ones in order, then the
/// unterminated leftover if any (see [`Scanner::finish`]). Ranges index
/// `text`.
pub fn split(text: &[u8]) -> Vec<Piece> {
    let mut scanner = Scanner::new();
    let mut pieces = Vec::new();
    while let Some(piece) = scanner.finish(text) {
        pieces.push(piece);
    }
    pieces
}

/// How deep a recursive parser goes on `text`: the deepest nesting of
/// parentheses, brackets and block comments of its statements (quotes,
/// dollar quotes and `--` comments hide what they hold). The parser
/// refuses to run past a bound on it.
pub fn nesting_depth(text: &str) -> u32 {
    split(text.as_bytes())
        .iter()
        .map(|p| p.max_nesting)
        .max()
        .unwrap_or(0)
}

/// The statement's first word, lower-cased, after whitespace; `None`
/// when it does not start with a plain word (comments first, a quote, a
/// symbol): the parser then asks the grammar itself.
pub fn first_word(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let start = b.iter().position(|&c| !is_blank(c)).unwrap_or(b.len());
    let mut i = start;
    while i < b.len() && (b[i].is_ascii_alphabetic() || b[i] == b'_') {
        i += 1;
    }
    let end_ok = i == b.len() || !WORD_CONT[b[i] as usize];
    (i > start && end_ok).then(|| text[start..i].to_ascii_lowercase())
}

/// The state at the end of `text`, e.g. to choose a prompt or to tell
/// whether a statement is complete ([`ScanState::Ready`] after a final
/// `;`).
pub fn state_at_end(text: &[u8]) -> ScanState {
    let mut scanner = Scanner::new();
    while scanner.next_piece(text).is_some() {}
    scanner.state()
}

/// Where `\\` ends the meta-command line `buf[start..nl]` (psql's
/// slash-command lexer): outside single quotes (with their backslash
/// escapes), double quotes and backquotes; `None` when it does not, or
/// when the command takes the whole line (`\!`, `\copy`, `\sf`, `\sv`,
/// `\ef`, `\ev`, and a `|command` of `\o`, `\g`, `\gx`, `\w`).
fn meta_terminator(buf: &[u8], start: usize, nl: usize) -> Option<usize> {
    let line = &buf[start..nl];
    let name_end = line
        .iter()
        .skip(1)
        .position(|&b| b.is_ascii_whitespace() || b == b'\\')
        .map_or(line.len(), |i| i + 1);
    let name = &line[1..name_end];
    let first_arg = line[name_end..]
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .copied();
    let whole_line = name.starts_with(b"!")
        || matches!(
            name,
            b"copy" | b"sf" | b"sf+" | b"sv" | b"sv+" | b"ef" | b"ev"
        )
        || (matches!(name, b"o" | b"out" | b"g" | b"gx" | b"w" | b"write")
            && first_arg == Some(b'|'));
    if whole_line {
        return None;
    }
    let mut i = name_end;
    let mut quote: Option<u8> = None;
    while i < line.len() {
        let b = line[i];
        match quote {
            Some(b'\'') if b == b'\\' => i += 1,
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if matches!(b, b'\'' | b'"' | b'`') => quote = Some(b),
            None if b == b'\\' && line.get(i + 1) == Some(&b'\\') => return Some(start + i),
            None => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A piece reduced to what must not depend on how the input was fed.
    type Norm = (PieceKind, Vec<u8>, usize, usize, bool, ScanState, u32);

    fn norm(p: &Piece, buf: &[u8]) -> Norm {
        (
            p.kind,
            p.text(buf).to_vec(),
            p.first_line,
            p.last_line,
            p.terminated,
            p.end_state,
            p.max_depth,
        )
    }

    fn whole(input: &[u8]) -> Vec<Norm> {
        split(input).iter().map(|p| norm(p, input)).collect()
    }

    /// Feed `input` in chunks of the given sizes (cycled); with `drain`,
    /// drop the consumed prefix after each chunk. Also checks that the
    /// state after each chunk is the state at the end of that prefix.
    fn fed(
        input: &[u8],
        chunks: &mut dyn FnMut() -> usize,
        drain: bool,
        check_state: bool,
    ) -> Vec<Norm> {
        let mut sc = Scanner::new();
        let mut buf: Vec<u8> = Vec::new();
        let mut out = Vec::new();
        let mut at = 0;
        while at < input.len() {
            let n = chunks().max(1).min(input.len() - at);
            buf.extend_from_slice(&input[at..at + n]);
            at += n;
            while let Some(p) = sc.next_piece(&buf) {
                out.push(norm(&p, &buf));
            }
            if check_state {
                assert_eq!(
                    sc.state(),
                    state_at_end(&input[..at]),
                    "state after {at} bytes of {:?}",
                    String::from_utf8_lossy(input)
                );
            }
            if drain {
                let c = sc.consumed();
                assert!(c <= buf.len());
                buf.drain(..c);
                sc.rebase(c);
            }
        }
        while let Some(p) = sc.finish(&buf) {
            out.push(norm(&p, &buf));
        }
        out
    }

    fn lines_of(input: &[u8]) -> Vec<&[u8]> {
        input.split_inclusive(|&b| b == b'\n').collect()
    }

    /// Line by line, byte by byte, and in odd chunks, keeping or draining
    /// the buffer: always the same pieces as `split`.
    fn check_resumable(input: &[u8]) {
        let expect = whole(input);
        let small = input.len() <= 300;
        // line by line (the REPL), draining
        let mut sc = Scanner::new();
        let mut buf = Vec::new();
        let mut got = Vec::new();
        for line in lines_of(input) {
            buf.extend_from_slice(line);
            while let Some(p) = sc.next_piece(&buf) {
                got.push(norm(&p, &buf));
            }
            let c = sc.consumed();
            buf.drain(..c);
            sc.rebase(c);
        }
        while let Some(p) = sc.finish(&buf) {
            got.push(norm(&p, &buf));
        }
        assert_eq!(
            got,
            expect,
            "line by line: {:?}",
            String::from_utf8_lossy(input)
        );
        for drain in [false, true] {
            let got = fed(input, &mut || 1, drain, small);
            assert_eq!(
                got,
                expect,
                "byte by byte (drain {drain}): {:?}",
                String::from_utf8_lossy(input)
            );
            let mut k = 0usize;
            let mut odd = || {
                k += 1;
                [2, 3, 1, 5, 7][k % 5]
            };
            let got = fed(input, &mut odd, drain, small);
            assert_eq!(
                got,
                expect,
                "odd chunks (drain {drain}): {:?}",
                String::from_utf8_lossy(input)
            );
        }
    }

    fn sql(text: &str, first: usize, last: usize) -> Norm {
        (
            PieceKind::Sql,
            text.as_bytes().to_vec(),
            first,
            last,
            true,
            ScanState::Ready,
            0,
        )
    }

    fn sql_d(text: &str, first: usize, last: usize, depth: u32) -> Norm {
        (
            PieceKind::Sql,
            text.as_bytes().to_vec(),
            first,
            last,
            true,
            ScanState::Ready,
            depth,
        )
    }

    fn meta(text: &str, line: usize) -> Norm {
        (
            PieceKind::Meta,
            text.as_bytes().to_vec(),
            line,
            line,
            true,
            ScanState::Ready,
            0,
        )
    }

    fn empty(line: usize) -> Norm {
        (
            PieceKind::Empty,
            b";".to_vec(),
            line,
            line,
            true,
            ScanState::Ready,
            0,
        )
    }

    fn rest(text: &str, first: usize, last: usize, state: ScanState) -> Norm {
        let depth = match state {
            ScanState::Paren(d) => d,
            _ => 0,
        };
        (
            PieceKind::Sql,
            text.as_bytes().to_vec(),
            first,
            last,
            false,
            state,
            depth,
        )
    }

    /// Input and expected pieces, one case per line.
    #[rustfmt::skip]
    fn cases() -> Vec<(&'static [u8], Vec<Norm>)> {
        use ScanState::*;
        vec![
            (b"select 1;", vec![sql("select 1;", 1, 1)]),
            (b"select 1;select 2;", vec![sql("select 1;", 1, 1), sql("select 2;", 1, 1)]),
            // strings
            (b"select ';';", vec![sql("select ';';", 1, 1)]),
            (b"select 'a''b;';", vec![sql("select 'a''b;';", 1, 1)]),
            (b"select '\\';", vec![sql("select '\\';", 1, 1)]),
            (b"select E'\\';';", vec![sql("select E'\\';';", 1, 1)]),
            (b"select e'\\\\';select 2;", vec![sql("select e'\\\\';", 1, 1), sql("select 2;", 1, 1)]),
            (b"select E'a''b;';", vec![sql("select E'a''b;';", 1, 1)]),
            (b"select (E'\\'');", vec![sql_d("select (E'\\'');", 1, 1, 1)]),
            (b"E'\\';';", vec![sql("E'\\';';", 1, 1)]),
            // namE'..' is an identifier and a plain string
            (b"select namE'\\';select 2;", vec![sql("select namE'\\';", 1, 1), sql("select 2;", 1, 1)]),
            (b"select 1E'\\';';", vec![sql("select 1E'\\';';", 1, 1)]),
            (b"select U&'a;b', B'01', X'ff', N'x;y';", vec![sql("select U&'a;b', B'01', X'ff', N'x;y';", 1, 1)]),
            (b"select 'a'\n'b;c';", vec![sql("select 'a'\n'b;c';", 1, 2)]),
            // quoted identifiers
            (b"select \"a;b\";", vec![sql("select \"a;b\";", 1, 1)]),
            (b"select \"a\"\";b\";", vec![sql("select \"a\"\";b\";", 1, 1)]),
            (b"select \"it's\";", vec![sql("select \"it's\";", 1, 1)]),
            // dollar quotes
            (b"select $$;$$;", vec![sql("select $$;$$;", 1, 1)]),
            (b"select $fn$ $$ ; $$ $fn$;", vec![sql("select $fn$ $$ ; $$ $fn$;", 1, 1)]),
            (b"select $abc$ x $ab$ ; $abcd$ ; $abc$;", vec![sql("select $abc$ x $ab$ ; $abcd$ ; $abc$;", 1, 1)]),
            (b"select $_x1$;$_x1$;", vec![sql("select $_x1$;$_x1$;", 1, 1)]),
            (b"select $a$ $b$ ; $a$$a$;$a$;", vec![sql("select $a$ $b$ ; $a$$a$;$a$;", 1, 1)]),
            (b"select $a$ $$a$;", vec![sql("select $a$ $$a$;", 1, 1)]),
            ("select $\u{e4}$;$\u{e4}$;".as_bytes(), vec![sql("select $\u{e4}$;$\u{e4}$;", 1, 1)]),
            (b"select x$$;$$;", vec![sql("select x$$;", 1, 1), rest("$$;", 1, 1, DollarQuote)]),
            (b"select a$b$ ; c$;", vec![sql("select a$b$ ;", 1, 1), sql("c$;", 1, 1)]),
            (b"select $1; select $2;", vec![sql("select $1;", 1, 1), sql("select $2;", 1, 1)]),
            (b"select $1$$;$$;", vec![sql("select $1$$;$$;", 1, 1)]),
            (b"select 1$$;$$;", vec![sql("select 1$$;$$;", 1, 1)]),
            (b"select $ ;", vec![sql("select $ ;", 1, 1)]),
            (b"select $a b$;", vec![sql("select $a b$;", 1, 1)]),
            (b"select $E'\\';';", vec![sql("select $E'\\';';", 1, 1)]),
            (b"select $$a$;", vec![rest("select $$a$;", 1, 1, DollarQuote)]),
            (
                b"create function f() returns int as $body$\nbegin\n  return 1;\nend\n$body$ language plpgsql;\nselect 1;",
                vec![
                    sql_d("create function f() returns int as $body$\nbegin\n  return 1;\nend\n$body$ language plpgsql;", 1, 5, 1),
                    sql("select 1;", 6, 6),
                ],
            ),
            // comments
            (b"/* /* ; */ ; */ select 1;", vec![sql("/* /* ; */ ; */ select 1;", 1, 1)]),
            (b"/* c */ select 1;", vec![sql("/* c */ select 1;", 1, 1)]),
            (b"/*/ ; */ select 1;", vec![sql("/*/ ; */ select 1;", 1, 1)]),
            (b"/**/;", vec![sql("/**/;", 1, 1)]),
            (b"select 1 /* a /* b */ ; */ ;", vec![sql("select 1 /* a /* b */ ; */ ;", 1, 1)]),
            (b"select 1/*;*/;", vec![sql("select 1/*;*/;", 1, 1)]),
            (b"select */ 1;", vec![sql("select */ 1;", 1, 1)]),
            (b"select 1 -- c ; \n;", vec![sql("select 1 -- c ; \n;", 1, 2)]),
            (b"select 1--;\n;", vec![sql("select 1--;\n;", 1, 2)]),
            (b"select 1 - 2;", vec![sql("select 1 - 2;", 1, 1)]),
            (b"select 4/2;", vec![sql("select 4/2;", 1, 1)]),
            (b"-- c\nselect 1;", vec![sql("select 1;", 2, 2)]),
            (b"-- a\n  -- b\n\n  select 1;", vec![sql("select 1;", 4, 4)]),
            (b"select 1; -- trailing", vec![sql("select 1;", 1, 1)]),
            (b"select 1; -- trailing\n", vec![sql("select 1;", 1, 1)]),
            (b"  \n  -- only a comment\n", vec![]),
            (b"", vec![]),
            (b" \t\r\n\x0b\x0c", vec![]),
            (b"-\n1;", vec![sql("-\n1;", 1, 2)]),
            (b"-1;", vec![sql("-1;", 1, 1)]),
            (b"-", vec![rest("-", 1, 1, Continue)]),
            (b"\n\n-  \n", vec![rest("-", 3, 3, Continue)]),
            // parentheses
            (b"select (1;2);", vec![sql_d("select (1;2);", 1, 1, 1)]),
            (b"select ((1), (2));", vec![sql_d("select ((1), (2));", 1, 1, 2)]),
            (b"select 1);select 2;", vec![sql("select 1);", 1, 1), sql("select 2;", 1, 1)]),
            (b"select (';' || ')');", vec![sql_d("select (';' || ')');", 1, 1, 1)]),
            (b"select (\n1\n;\n2\n);x;", vec![sql_d("select (\n1\n;\n2\n);", 1, 5, 1), sql("x;", 5, 5)]),
            // meta-commands
            (b"\\echo hi\nselect 1;", vec![meta("\\echo hi", 1), sql("select 1;", 2, 2)]),
            (b"\\set x 'a;b'\nselect :'x';", vec![meta("\\set x 'a;b'", 1), sql("select :'x';", 2, 2)]),
            (b"select 1;\\x\nselect 2;", vec![sql("select 1;", 1, 1), meta("\\x", 1), sql("select 2;", 2, 2)]),
            (b"  -- c\n  \\x\n", vec![meta("\\x", 2)]),
            // a meta-command inside a statement interrupts it (psql)
            (b"select 1 \\echo x;", vec![
                (PieceKind::Partial, b"select 1 ".to_vec(), 1, 1, false, Continue, 0),
                (PieceKind::Meta, b"\\echo x;".to_vec(), 1, 1, false, Continue, 0),
            ]),
            (b"select\n\\echo x\n;", vec![
                (PieceKind::Partial, b"select".to_vec(), 1, 1, false, Continue, 0),
                meta("\\echo x", 2),
                sql("\n;", 2, 3),
            ]),
            (b"select (1 \\g\n);", vec![
                (PieceKind::Partial, b"select (1 ".to_vec(), 1, 1, false, Paren(1), 1),
                meta("\\g", 1),
                sql_d("\n);", 1, 2, 1),
            ]),
            (b"select 1 \\; select 2;", vec![sql("select 1 \\; select 2;", 1, 1)]),
            (b"\\;select 2;", vec![sql("\\;select 2;", 1, 1)]),
            (b"\\q", vec![(PieceKind::Meta, b"\\q".to_vec(), 1, 1, false, Continue, 0)]),
            (b"\\q\n", vec![meta("\\q", 1)]),
            (b"\\e 'a\nb';", vec![meta("\\e 'a", 1), rest("b';", 2, 2, SingleQuote)]),
            // empty statements
            (b";;", vec![empty(1), empty(1)]),
            (b"select 1 ; ;\n;", vec![sql("select 1 ;", 1, 1), empty(1), empty(2)]),
            // line numbers
            (b"select 1;\n\nselect\n2\n;", vec![sql("select 1;", 1, 1), sql("select\n2\n;", 3, 5)]),
            (b"select 1;\r\nselect 2;\r\n", vec![sql("select 1;", 1, 1), sql("select 2;", 2, 2)]),
            (b"select '\n\n';select \"\n\";", vec![sql("select '\n\n';", 1, 3), sql("select \"\n\";", 3, 4)]),
            (b"/*\n*/select 1;\n", vec![sql("/*\n*/select 1;", 1, 2)]),
            // unterminated leftovers
            (b"select 1", vec![rest("select 1", 1, 1, Continue)]),
            (b"select 1\n\n  ", vec![rest("select 1", 1, 1, Continue)]),
            (b"select 1;\nselect\n2\n", vec![sql("select 1;", 1, 1), rest("select\n2", 2, 3, Continue)]),
            (b"select 'abc", vec![rest("select 'abc", 1, 1, SingleQuote)]),
            (b"select 'a;\nb\n", vec![rest("select 'a;\nb", 1, 2, SingleQuote)]),
            (b"select E'\\", vec![rest("select E'\\", 1, 1, SingleQuote)]),
            (b"select namE'\\';", vec![sql("select namE'\\';", 1, 1)]),
            (b"select namE'\\'';", vec![rest("select namE'\\'';", 1, 1, SingleQuote)]),
            (b"select \"abc", vec![rest("select \"abc", 1, 1, DoubleQuote)]),
            (b"select $x$ abc", vec![rest("select $x$ abc", 1, 1, DollarQuote)]),
            (b"select $x$ abc $x", vec![rest("select $x$ abc $x", 1, 1, DollarQuote)]),
            (b"select /* abc", vec![rest("select /* abc", 1, 1, Comment)]),
            (b"/* /* */ ;", vec![rest("/* /* */ ;", 1, 1, Comment)]),
            (b"select ((1", vec![rest("select ((1", 1, 1, Paren(2))]),
            (b"select ((1)", vec![(PieceKind::Sql, b"select ((1)".to_vec(), 1, 1, false, Paren(1), 2)]),
            (b"select ('", vec![(PieceKind::Sql, b"select ('".to_vec(), 1, 1, false, SingleQuote, 1)]),
            (b"select 1 -- c", vec![rest("select 1 -- c", 1, 1, Continue)]),
            (b"select 'it'", vec![rest("select 'it'", 1, 1, Continue)]),
            (b"select $a", vec![rest("select $a", 1, 1, Continue)]),
            // bytes that are not UTF-8, and NULs
            (b"select '\xff\x00;';\xfe\x00;", vec![
                (PieceKind::Sql, b"select '\xff\x00;';".to_vec(), 1, 1, true, Ready, 0),
                (PieceKind::Sql, b"\xfe\x00;".to_vec(), 1, 1, true, Ready, 0),
            ]),
            (b"\x00;\x80$\x80$;$\x80$;", vec![
                (PieceKind::Sql, b"\x00;".to_vec(), 1, 1, true, Ready, 0),
                (PieceKind::Sql, b"\x80$\x80$;".to_vec(), 1, 1, true, Ready, 0),
                (PieceKind::Sql, b"$\x80$;".to_vec(), 1, 1, false, DollarQuote, 0),
            ]),
            (b"\xc3(\xff\n;", vec![(PieceKind::Sql, b"\xc3(\xff\n;".to_vec(), 1, 2, false, Paren(1), 1)]),
            // SQL-standard routine bodies (psql 15)
            (
                b"create function f() returns int language sql\nbegin atomic\n  select 1;\n  select 2;\nend;\nselect 3;",
                vec![
                    sql_d("create function f() returns int language sql\nbegin atomic\n  select 1;\n  select 2;\nend;", 1, 5, 1),
                    sql("select 3;", 6, 6),
                ],
            ),
            (
                b"CREATE OR REPLACE PROCEDURE p() BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; END;x;",
                vec![
                    sql_d("CREATE OR REPLACE PROCEDURE p() BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; END;", 1, 1, 1),
                    sql("x;", 1, 1),
                ],
            ),
            (b"create procedure p() begin atomic end;x;", vec![sql_d("create procedure p() begin atomic end;", 1, 1, 1), sql("x;", 1, 1)]),
            (b"create function f(begin int) as 'x';x;", vec![sql_d("create function f(begin int) as 'x';", 1, 1, 1), sql("x;", 1, 1)]),
            (b"create table begin (x int);select 1;", vec![sql_d("create table begin (x int);", 1, 1, 1), sql("select 1;", 1, 1)]),
            (b"begin; select 1; end;", vec![sql("begin;", 1, 1), sql("select 1;", 1, 1), sql("end;", 1, 1)]),
            (b"create or replace view v as select case when true then 1 end; x;", vec![
                sql("create or replace view v as select case when true then 1 end;", 1, 1),
                sql("x;", 1, 1),
            ]),
            (b"create function f() begin atomic select 1;", vec![(PieceKind::Sql, b"create function f() begin atomic select 1;".to_vec(), 1, 1, false, Continue, 1)]),
        ]
    }

    #[test]
    fn table_cases_split_as_expected() {
        let mut failed = Vec::new();
        for (input, expect) in cases() {
            let got = whole(input);
            if got != expect {
                failed.push(format!(
                    "{:?}\n  got  {got:?}\n  want {expect:?}",
                    String::from_utf8_lossy(input)
                ));
            }
        }
        assert!(failed.is_empty(), "{}", failed.join("\n"));
    }

    #[test]
    fn feeding_in_parts_gives_the_same_pieces() {
        for (input, _) in cases() {
            check_resumable(input);
        }
        check_resumable(&script(40));
    }

    /// Variables for the interpolation tests; `:'x'` needs no connection
    /// here.
    struct Vars(Vec<(&'static str, &'static str)>, Vec<String>);

    impl Variables for Vars {
        fn get(&mut self, name: &str, quote: Quote) -> Option<String> {
            let v = self.0.iter().find(|(n, _)| *n == name)?.1;
            Some(match quote {
                Quote::Plain => v.to_string(),
                Quote::Literal => vars::literal(v),
                Quote::Ident => vars::identifier(v),
                Quote::Shell => vars::shell_word(v)?,
            })
        }
        fn recursive(&mut self, name: &str) {
            self.1.push(name.to_string());
        }
    }

    fn test_vars() -> Vars {
        Vars(
            vec![
                ("n", "5"),
                ("s", "it's a\\b"),
                ("two", "1; select 2"),
                ("open", "'abc"),
                ("nest", ":n + :n"),
                ("self", "x :self"),
                ("t", "My \"T\""),
                ("e", ""),
            ],
            Vec::new(),
        )
    }

    /// The pieces of `text` with variables, each as its kind and text.
    fn interpolated(text: &str) -> (Vec<(PieceKind, String)>, Vec<String>) {
        let mut v = test_vars();
        let mut sc = Scanner::new();
        let mut buf = text.as_bytes().to_vec();
        let mut out = Vec::new();
        while let Some(p) = sc.next_piece_with(&mut buf, &mut v) {
            out.push((p.kind, String::from_utf8_lossy(p.text(&buf)).into_owned()));
        }
        if let Some(p) = sc.finish(&buf) {
            out.push((p.kind, String::from_utf8_lossy(p.text(&buf)).into_owned()));
        }
        (out, v.1)
    }

    fn one(text: &str) -> String {
        let (pieces, _) = interpolated(text);
        pieces
            .into_iter()
            .map(|(_, t)| t)
            .collect::<Vec<_>>()
            .join("|")
    }

    #[test]
    fn variables_are_interpolated_as_psql_does() {
        for (input, want) in [
            ("select :n;", "select 5;"),
            (
                "select :'n', :\"t\", :{?n}, :{?zz};",
                "select '5', \"My \"\"T\"\"\", TRUE, FALSE;",
            ),
            ("select :'s';", "select  E'it''s a\\\\b';"),
            (
                "select :zz, :'zz', :\"zz\", a::int, x:::n;",
                "select :zz, :'zz', :\"zz\", a::int, x::5;",
            ),
            (
                "select ':n', \":n\", $$:n$$, E':n' /* :n */ -- :n\n;",
                "select ':n', \":n\", $$:n$$, E':n' /* :n */ -- :n\n;",
            ),
            ("select a:n, arr[1:n];", "select a5, arr[15];"),
            ("select :nest;", "select 5 + 5;"),
            ("select :'zz;", "select :'zz;"),
            (":n;", "5;"),
            ("select \\:n \\; select 1;", "select :n ; select 1;"),
            ("select :e;", "select ;"),
        ] {
            assert_eq!(one(input), want, "{input:?}");
        }
    }

    #[test]
    fn a_plain_value_is_read_as_sql() {
        // A `;` in the value ends the statement, a quote opens a string.
        assert_eq!(one("select :two;"), "select 1;|select 2;");
        assert_eq!(one("select :open; x';"), "select 'abc; x';");
    }

    #[test]
    fn a_variable_is_not_expanded_inside_its_own_value() {
        let (pieces, warned) = interpolated("select :self, :self;");
        assert_eq!(pieces[0].1, "select x :self, x :self;");
        assert_eq!(warned, vec!["self".to_string(), "self".to_string()]);
    }

    #[test]
    fn interpolation_keeps_source_line_numbers() {
        let mut v = Vars(vec![("nl", "1\n+\n1")], Vec::new());
        let mut sc = Scanner::new();
        let mut buf = b"select :nl;\nselect 2;\n".to_vec();
        let a = sc.next_piece_with(&mut buf, &mut v).expect("first");
        let b = sc.next_piece_with(&mut buf, &mut v).expect("second");
        assert_eq!((a.first_line, b.first_line, b.last_line), (1, 2, 2));
    }

    #[test]
    fn meta_commands_inside_a_statement_keep_its_state() {
        let (pieces, _) = interpolated("select (:n \\echo x\n+ 1);\nselect 3 as g\n\\gset\n:n;\n");
        let kinds: Vec<_> = pieces.iter().map(|(k, t)| (*k, t.as_str())).collect();
        assert_eq!(
            kinds,
            vec![
                (PieceKind::Partial, "select (5 "),
                (PieceKind::Meta, "\\echo x"),
                (PieceKind::Sql, "\n+ 1);"),
                (PieceKind::Partial, "select 3 as g"),
                (PieceKind::Meta, "\\gset"),
                (PieceKind::Sql, "\n5;"),
            ]
        );
    }

    #[test]
    fn standard_conforming_strings_off_escapes_in_every_string() {
        let mut sc = Scanner::new();
        sc.set_standard_conforming_strings(false);
        let text = b"select '\\';';select 2;";
        let p = sc.next_piece(text).map(|p| p.text(text).to_vec());
        assert_eq!(p, Some(b"select '\\';';".to_vec()));
        assert_eq!(
            split(b"select '\\';';")[0].text(b"select '\\';';"),
            b"select '\\';"
        );
    }

    #[test]
    fn state_at_end_covers_every_state() {
        use ScanState::*;
        let table: &[(&[u8], ScanState)] = &[
            (b"", Ready),
            (b"  \n", Ready),
            (b"select 1;", Ready),
            (b"select 1; -- c", Ready),
            (b"select 1;\n-- c\n", Ready),
            (b"\\echo hi\n", Ready),
            (b";", Ready),
            (b"select", Continue),
            (b"select 1\n", Continue),
            (b"select 1 -", Continue),
            (b"-", Continue),
            (b"select 4 /", Continue),
            (b"select 'a'", Continue),
            (b"select \"a\"", Continue),
            (b"select $a", Continue),
            (b"select 1 -- c", Continue),
            (b"\\echo", Continue),
            (b"select (1);", Ready),
            (b"select (1)", Continue),
            (b"create function f() begin atomic select 1;", Continue),
            (b"select 'a", SingleQuote),
            (b"select 'a''", SingleQuote),
            (b"select E'\\'", SingleQuote),
            (b"select E'\\", SingleQuote),
            (b"select (';", SingleQuote),
            (b"select \"a", DoubleQuote),
            (b"select (\"a\"\"", DoubleQuote),
            (b"select $$ a", DollarQuote),
            (b"select $a$ $a", DollarQuote),
            (b"select $a$ $", DollarQuote),
            (b"select ($a$ )", DollarQuote),
            (b"/* a", Comment),
            (b"select /* /* */", Comment),
            (b"select /* *", Comment),
            (b"select ( /*", Comment),
            (b"select (", Paren(1)),
            (b"select ((", Paren(2)),
            (b"select ( ')'", Paren(1)),
            (b"select ( /* ) */", Paren(1)),
            (b"select (1;", Paren(1)),
        ];
        for (text, state) in table {
            assert_eq!(
                state_at_end(text),
                *state,
                "{:?}",
                String::from_utf8_lossy(text)
            );
        }
    }

    #[test]
    fn a_million_parentheses_are_fine() {
        let n = 1_000_000usize;
        let mut open = b"select ".to_vec();
        open.extend_from_slice(&b"(".repeat(n));
        assert_eq!(state_at_end(&open), ScanState::Paren(n as u32));
        let pieces = split(&open);
        assert_eq!(pieces.len(), 1);
        assert!(!pieces[0].terminated);
        assert_eq!(pieces[0].end_state, ScanState::Paren(n as u32));
        assert_eq!(pieces[0].max_depth, n as u32);

        let mut balanced = open.clone();
        balanced.extend_from_slice(&b")".repeat(n));
        balanced.extend_from_slice(b";select 1;");
        let pieces = split(&balanced);
        assert_eq!(pieces.len(), 2);
        assert_eq!(pieces[0].range, 0..balanced.len() - 9);
        assert_eq!(pieces[0].max_depth, n as u32);
        assert_eq!(pieces[1].max_depth, 0);

        let parens_only = vec![b'('; n];
        assert_eq!(state_at_end(&parens_only), ScanState::Paren(n as u32));
        let comments = b"/*".repeat(n);
        assert_eq!(state_at_end(&comments), ScanState::Comment);
        let mut closed = comments.clone();
        closed.extend_from_slice(&b"*/".repeat(n));
        closed.extend_from_slice(b";");
        assert_eq!(state_at_end(&closed), ScanState::Ready);
        // and byte by byte
        assert_eq!(fed(&balanced, &mut || 1, true, false), whole(&balanced));
    }

    #[test]
    fn long_tokens_split_across_many_feeds() {
        let tag = "t".repeat(5000);
        let word = "w".repeat(5000);
        let text = format!("select ${tag}$ $t $tt$ ; ${tag}$, {word}, '{word}''{word}';\n");
        let expect = vec![sql(text.trim_end(), 1, 1)];
        assert_eq!(whole(text.as_bytes()), expect);
        assert_eq!(fed(text.as_bytes(), &mut || 1, true, false), expect);
        assert_eq!(fed(text.as_bytes(), &mut || 7, false, false), expect);
    }

    #[test]
    fn resumed_scanner_reports_lines_and_state_per_line() {
        let mut sc = Scanner::new();
        let mut buf = Vec::new();
        let lines: &[(&[u8], ScanState)] = &[
            (b"select 'a\n", ScanState::SingleQuote),
            (b"b' , (\n", ScanState::Paren(1)),
            (b"$$ x\n", ScanState::DollarQuote),
            (b"$$ /* \n", ScanState::Comment),
            (b"*/ ) \n", ScanState::Continue),
        ];
        for (line, state) in lines {
            buf.extend_from_slice(line);
            assert_eq!(sc.next_piece(&buf), None);
            assert_eq!(sc.state(), *state);
        }
        buf.extend_from_slice(b";\n");
        let p = sc.next_piece(&buf).expect("a piece");
        assert_eq!((p.first_line, p.last_line, p.max_depth), (1, 6, 1));
        assert_eq!(sc.state(), ScanState::Ready);
        let c = sc.consumed();
        assert_eq!(c, p.range.end);
        buf.drain(..c);
        sc.rebase(c);
        assert_eq!(sc.next_piece(&buf), None);
        assert_eq!(sc.line(), 7);
        buf.extend_from_slice(b"select 2;\n");
        let p = sc.next_piece(&buf).expect("a piece");
        assert_eq!((p.range.clone(), p.first_line, p.last_line), (1..10, 7, 7));
        sc.reset();
        assert_eq!(sc.state(), ScanState::Ready);
    }

    #[test]
    fn pieces_are_ordered_and_well_formed_on_random_input() {
        let alphabet: &[&[u8]] = &[
            b"'",
            b"\"",
            b"$",
            b"$$",
            b"$a$",
            b"-",
            b"--",
            b"/",
            b"*",
            b"/*",
            b"*/",
            b"(",
            b")",
            b";",
            b"\n",
            b"\\",
            b"E",
            b"e'",
            b"a",
            b"1",
            b" ",
            b"x",
            b"\xff",
            b"\x00",
            b"\r\n",
            b"begin ",
            b" end",
            b"create function ",
            b"case ",
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..1500 {
            let n = (next() % 40) as usize;
            let mut input = Vec::new();
            for _ in 0..n {
                input.extend_from_slice(alphabet[(next() % alphabet.len() as u64) as usize]);
            }
            let pieces = split(&input);
            let mut last_end = 0;
            for p in &pieces {
                assert!(p.range.start >= last_end && p.range.end <= input.len());
                assert!(p.range.start < p.range.end);
                assert!(p.first_line <= p.last_line);
                let text = p.text(&input);
                match p.kind {
                    PieceKind::Empty => assert_eq!(text, b";"),
                    PieceKind::Meta => assert!(text[0] == b'\\' && !text.contains(&b'\n')),
                    PieceKind::Sql if p.terminated => assert_eq!(text.last(), Some(&b';')),
                    PieceKind::Sql | PieceKind::Partial => {}
                }
                // A statement that goes on after a meta-command starts at
                // the end of the meta-command's line.
                assert!(!is_blank(text[0]) || text[0] == b'\n');
                last_end = p.range.end;
            }
            check_resumable(&input);
        }
    }

    /// A script in the style of a dump: inserts, functions, comments.
    pub(crate) fn script(statements: usize) -> Vec<u8> {
        let mut s = Vec::new();
        for i in 0..statements {
            match i % 4 {
                0 => s.extend_from_slice(
                    format!("insert into t (id, name, note) values ({i}, 'name; {i}', 'it''s; fine');\n").as_bytes(),
                ),
                1 => s.extend_from_slice(b"-- a comment; with semicolon\nselect (1 + 2)\n  from t /* c; */ where x = E'\\';';\n"),
                2 => s.extend_from_slice(
                    b"create function f() returns int as $fn$\nbegin\n  return 1; -- $$\nend\n$fn$ language plpgsql;\n",
                ),
                _ => s.extend_from_slice(b"\\echo step\nupdate \"t;x\" set a = $$;$$;\n"),
            }
        }
        s
    }
}

#[cfg(test)]
mod meta_separator_tests {
    use super::*;

    fn pieces(text: &str) -> Vec<(PieceKind, String)> {
        split(text.as_bytes())
            .iter()
            .map(|p| {
                (
                    p.kind,
                    String::from_utf8_lossy(p.text(text.as_bytes())).into_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn a_double_backslash_ends_a_meta_command_and_sql_follows() {
        let p = pieces("\\set x 1 \\\\ select :x;\n");
        assert_eq!(p[0], (PieceKind::Meta, "\\set x 1 ".into()));
        assert_eq!(p[1].0, PieceKind::Sql);
        assert!(p[1].1.contains("select :x;"), "{p:?}");
    }

    #[test]
    fn quoted_or_whole_line_backslashes_do_not_end_it() {
        let p = pieces("\\set q '\\\\q'\n");
        assert_eq!(p, vec![(PieceKind::Meta, "\\set q '\\\\q'".into())]);
        let p = pieces("\\! echo a \\\\ b\n");
        assert_eq!(p, vec![(PieceKind::Meta, "\\! echo a \\\\ b".into())]);
    }

    #[test]
    fn a_statement_interrupted_goes_on_after_the_separator() {
        let p = pieces("select \\if true \\\\ 42 \\endif \\\\ as n;\n");
        let kinds: Vec<PieceKind> = p.iter().map(|x| x.0).collect();
        assert_eq!(
            kinds,
            vec![
                PieceKind::Partial,
                PieceKind::Meta,
                PieceKind::Partial,
                PieceKind::Meta,
                PieceKind::Sql
            ],
            "{p:?}"
        );
        assert_eq!(p[1].1, "\\if true ");
        assert_eq!(p[3].1, "\\endif ");
    }
}
