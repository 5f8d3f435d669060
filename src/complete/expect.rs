//! What the grammar expects at the cursor: text before the cursor ->
//! [`Slot`]s, and the context a slot needs (the queue named in the
//! statement, the connection key before `=`, the tables in scope for a
//! column). Pure: no I/O, no catalog; the completer turns slots into
//! candidates.
//!
//! How (DESIGN "Completion"): cut the text at the start of the word being
//! typed, append [`SENTINEL`] (a character no rule accepts), parse with
//! `statement` and read pest's `positives`. pest folds the alternatives
//! of a rule that fails where it starts into the rule itself, so each
//! reported rule is expanded to the leaf rules that can start it: FIRST
//! sets computed at first use from the grammar text itself
//! (`grammar/*.pest`, read by pest_meta), so no keyword list exists here.
//! A leaf is a rule [`parse::slot`] maps (`kw_*`, punctuation, name
//! slots).
//!
//! Context comes from a second parse with a placeholder name where the
//! word being typed stands ([`context`]).
//!
//! Callers: [`crate::complete`] (candidates at the cursor), the highlighting
//! hook [`keyword_spans`], tests. Never panics on any input: errors give
//! an empty list.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::OnceLock;

use pest::error::{ErrorVariant, InputLocation};
use pest::iterators::Pair;
use pest::Parser;
use pest_meta::ast::Expr;

use crate::lex::lexeme::{self, Lexeme};
use crate::lex::{self, Scanner};
use crate::parse::grammar::QadminParser;
use crate::parse::{self, Rule, Slot};

/// Appended at the cursor: no rule accepts it (`sql_any` excludes it), so
/// the parse fails exactly there.
pub const SENTINEL: char = '\u{1}';

/// Stands for the word being typed in the context parse: a plain name any
/// name slot accepts.
const PLACEHOLDER: &str = "qadmin_cursor_";

/// Longest statement completion looks at (pest on megabytes of text would
/// stall the key).
const MAX_LEN: usize = 64 * 1024;

/// The slots the grammar allows at the end of `text` (the text before the
/// cursor, the word being typed included: it is cut off first). Deduplicated,
/// in grammar order; empty inside a string or comment and on any error.
pub fn slots(text: &str) -> Vec<Slot> {
    match word_start(text) {
        Some(start) => slots_at(&text[..start]),
        None => Vec::new(),
    }
}

/// The slots expected right after `cut` (which ends where a word starts).
fn slots_at(cut: &str) -> Vec<Slot> {
    let mut out: Vec<Slot> = Vec::new();
    let mut rules = expected_rules(cut);
    if rules
        .iter()
        .any(|r| matches!(r, Rule::name_part | Rule::func_part))
    {
        rules.extend(swallowed_slots(cut));
    }
    for r in rules {
        for leaf in first_leaves(r) {
            if let Some(s) = parse::slot(*leaf) {
                if !out.contains(&s) {
                    out.push(s);
                }
            }
        }
    }
    out
}

/// The rules pest expected at the end of `cut`; empty when the parse
/// fails earlier (a mistake before the cursor) or succeeds.
fn expected_rules(cut: &str) -> Vec<Rule> {
    if cut.len() > MAX_LEN || parse::nesting_depth(cut) > parse::MAX_DEPTH {
        return Vec::new();
    }
    let mut input = String::with_capacity(cut.len() + 1);
    input.push_str(cut);
    input.push(SENTINEL);
    let err = match QadminParser::parse(Rule::statement, &input) {
        Ok(_) => return Vec::new(),
        Err(e) => e,
    };
    let at = match err.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    // Only what is expected at the cursor itself (trailing whitespace and
    // comments before it are skipped by pest).
    if at < cut.len() && !cut[at..].trim().is_empty() {
        return Vec::new();
    }
    match err.variant {
        ErrorVariant::ParsingError { positives, .. } => positives,
        ErrorVariant::CustomError { .. } => Vec::new(),
    }
}

/// Where the word being typed at the end of `text` starts: a run of name
/// characters, dots (`s.t`, `o.col`) and quoted identifiers (`"My Ta`).
/// `None` inside a string, a dollar quote or a comment (nothing completes
/// there).
pub fn word_start(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let state = lex::state_at_end(b);
    if matches!(
        state,
        lex::ScanState::SingleQuote | lex::ScanState::DollarQuote | lex::ScanState::Comment
    ) {
        return None;
    }
    let lx = lexeme::lexemes(&Scanner::new(), b);
    if lx.last() == Some(&Lexeme::Comment) {
        // A `--` comment running to the end of the text.
        let mut i = lx.len();
        while i > 0 && lx[i - 1] == Lexeme::Comment {
            i -= 1;
        }
        if b[i..].starts_with(b"--") || !text.ends_with("*/") {
            return None;
        }
    }
    let mut i = b.len();
    while i > 0 {
        let c = b[i - 1];
        let ident = c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80;
        if ident || c == b'.' || lx.get(i - 1) == Some(&Lexeme::Identifier) {
            i -= 1;
        } else {
            break;
        }
    }
    // A `$` starts no word (parameters, dollar quotes).
    while i < b.len() && b[i] == b'$' {
        i += 1;
    }
    if text.is_char_boundary(i) {
        Some(i)
    } else {
        None
    }
}

// ==== FIRST sets from the grammar text ====

/// The grammar as completion sees it: each rule's leaf rules that can
/// start it.
struct Grammar {
    /// Rule name -> its expression (silent rules included).
    exprs: HashMap<String, Expr>,
    /// Rule name -> the derived `Rule` (non-silent rules only).
    rules: HashMap<String, Rule>,
    /// Atomic rules (tokens for [`Self::last_of`]).
    atomic: HashSet<String>,
    /// Memoized leaves per rule.
    first: HashMap<Rule, Vec<Rule>>,
    /// Token rule (a leaf, or an atomic rule such as `sql_operator`) ->
    /// the slot rules that can directly follow it somewhere.
    follow: HashMap<Rule, Vec<Rule>>,
    /// Compound name slots whose first part pest reports in their place
    /// (`${ name_part ~ ...}`).
    swallowing: HashSet<Rule>,
}

/// Read the grammar's FIRST/FOLLOW sets now (about 0.2 s) instead of on
/// the first Tab: the shell calls this on a background thread at start,
/// so the first Tab (and keyword highlighting) does not stall.
pub fn warm() {
    let _ = grammar();
}

/// Whether keyword `k` (`dbname`, without `kw_`) is followed by `=`
/// wherever the grammar uses it, so completion can offer `dbname=`.
pub fn takes_eq(k: &str) -> bool {
    let Some(g) = grammar() else { return false };
    let Some(r) = g.rules.get(&format!("kw_{k}")) else {
        return false;
    };
    matches!(g.follow.get(r), Some(f) if !f.is_empty() && f.iter().all(|x| *x == Rule::eq))
}

fn grammar() -> Option<&'static Grammar> {
    static G: OnceLock<Option<Grammar>> = OnceLock::new();
    G.get_or_init(build_grammar).as_ref()
}

fn build_grammar() -> Option<Grammar> {
    let text = concat!(
        include_str!("../../grammar/qadmin.pest"),
        "\n",
        include_str!("../../grammar/sql.pest")
    );
    let pairs = pest_meta::parser::parse(pest_meta::parser::Rule::grammar_rules, text).ok()?;
    let ast = pest_meta::parser::consume_rules(pairs).ok()?;
    let atomic: HashSet<String> = ast
        .iter()
        .filter(|r| r.ty == pest_meta::ast::RuleType::Atomic)
        .map(|r| r.name.clone())
        .collect();
    let compound: Vec<String> = ast
        .iter()
        .filter(|r| r.ty == pest_meta::ast::RuleType::CompoundAtomic)
        .map(|r| r.name.clone())
        .collect();
    let exprs: HashMap<String, Expr> = ast.into_iter().map(|r| (r.name, r.expr)).collect();
    let rules: HashMap<String, Rule> = Rule::all_rules()
        .iter()
        .map(|r| (format!("{r:?}"), *r))
        .collect();
    let mut g = Grammar {
        exprs,
        rules,
        first: HashMap::new(),
        follow: HashMap::new(),
        swallowing: HashSet::new(),
        atomic,
    };
    let all: Vec<Rule> = g.rules.values().copied().collect();
    for r in all {
        let name = format!("{r:?}");
        let mut stack = HashSet::new();
        let (mut leaves, _) = g.first_of_name(&name, &mut stack);
        dedup(&mut leaves);
        g.first.insert(r, leaves);
    }
    for name in &compound {
        let starts_with_part = match g.exprs.get(name) {
            Some(Expr::Seq(a, _)) => {
                matches!(&**a, Expr::Ident(n) if n == "name_part" || n == "func_part")
            }
            _ => false,
        };
        if let Some(r) = g.rules.get(name) {
            if starts_with_part && parse::slot(*r).is_some() {
                g.swallowing.insert(*r);
            }
        }
    }
    let mut follow: HashMap<Rule, Vec<Rule>> = HashMap::new();
    for (name, e) in &g.exprs {
        if !g.atomic.contains(name) {
            g.collect_follow(e, &mut follow);
        }
    }
    for v in follow.values_mut() {
        dedup(v);
    }
    g.follow = follow;
    Some(g)
}

fn dedup(v: &mut Vec<Rule>) {
    let mut seen = HashSet::new();
    v.retain(|r| seen.insert(*r));
}

impl Grammar {
    /// The token rules that can end `e` (as [`Self::first_of`], from the
    /// right); atomic rules count as tokens.
    fn last_of(&self, e: &Expr, stack: &mut HashSet<String>) -> (Vec<Rule>, bool) {
        match e {
            Expr::Str(s) | Expr::Insens(s) => (Vec::new(), s.is_empty()),
            Expr::Range(..) | Expr::Skip(_) => (Vec::new(), false),
            Expr::Ident(name) => {
                if let Some(r) = self.rules.get(name) {
                    if parse::slot(*r).is_some() || self.atomic.contains(name) {
                        return (vec![*r], false);
                    }
                }
                match name.as_str() {
                    "SOI" | "EOI" | "WHITESPACE" | "COMMENT" => return (Vec::new(), true),
                    _ => {}
                }
                let Some(x) = self.exprs.get(name) else {
                    return (Vec::new(), false);
                };
                if !stack.insert(name.clone()) {
                    return (Vec::new(), false);
                }
                let out = self.last_of(x, stack);
                stack.remove(name);
                out
            }
            Expr::PeekSlice(..) | Expr::PosPred(_) | Expr::NegPred(_) => (Vec::new(), true),
            Expr::Seq(a, b) => {
                let (mut lb, nb) = self.last_of(b, stack);
                if !nb {
                    return (lb, false);
                }
                let (la, na) = self.last_of(a, stack);
                lb.extend(la);
                (lb, na)
            }
            Expr::Choice(a, b) => {
                let (mut la, na) = self.last_of(a, stack);
                let (lb, nb) = self.last_of(b, stack);
                la.extend(lb);
                (la, na || nb)
            }
            Expr::Opt(x) | Expr::Rep(x) | Expr::RepMax(x, _) => (self.last_of(x, stack).0, true),
            Expr::RepOnce(x) | Expr::Push(x) => self.last_of(x, stack),
            Expr::RepExact(x, n) | Expr::RepMin(x, n) | Expr::RepMinMax(x, n, _) => {
                let (l, nx) = self.last_of(x, stack);
                (l, nx || *n == 0)
            }
            #[allow(unreachable_patterns)]
            _ => (Vec::new(), true),
        }
    }

    /// For each `a ~ b` (and each repetition) in `e`: the tokens that can
    /// end `a` are followed by the leaves that can start `b`.
    fn collect_follow(&self, e: &Expr, out: &mut HashMap<Rule, Vec<Rule>>) {
        let link = |a: &Expr, b: &Expr, out: &mut HashMap<Rule, Vec<Rule>>| {
            let (last, _) = self.last_of(a, &mut HashSet::new());
            let (first, _) = self.first_of(b, &mut HashSet::new());
            for l in last {
                out.entry(l).or_default().extend(first.iter().copied());
            }
        };
        match e {
            Expr::Seq(a, b) => {
                link(a, b, out);
                self.collect_follow(a, out);
                self.collect_follow(b, out);
            }
            Expr::Rep(x)
            | Expr::RepOnce(x)
            | Expr::RepMin(x, _)
            | Expr::RepMax(x, _)
            | Expr::RepMinMax(x, _, _)
            | Expr::RepExact(x, _) => {
                link(x, x, out);
                self.collect_follow(x, out);
            }
            Expr::Choice(a, b) => {
                self.collect_follow(a, out);
                self.collect_follow(b, out);
            }
            Expr::Opt(x) | Expr::Push(x) | Expr::PosPred(x) | Expr::NegPred(x) => {
                self.collect_follow(x, out)
            }
            _ => {}
        }
    }

    /// Leaves and nullability of a rule by name.
    fn first_of_name(&self, name: &str, stack: &mut HashSet<String>) -> (Vec<Rule>, bool) {
        match name {
            "SOI" | "WHITESPACE" | "COMMENT" => return (Vec::new(), true),
            "EOI" => return (vec![Rule::EOI], false),
            _ => {}
        }
        let rule = self.rules.get(name).copied();
        if let Some(r) = rule {
            if let Some(s) = parse::slot(r) {
                // A value slot (`boolean`) also offers the keywords it
                // starts with (`true`, `off`).
                let mut v = vec![r];
                if matches!(s, Slot::Value) && !stack.contains(name) {
                    if let Some(e) = self.exprs.get(name) {
                        stack.insert(name.to_string());
                        let (inner, _) = self.first_of(e, stack);
                        stack.remove(name);
                        v.extend(
                            inner
                                .into_iter()
                                .filter(|l| matches!(parse::slot(*l), Some(Slot::Keyword(_)))),
                        );
                    }
                }
                return (v, false);
            }
        }
        let Some(expr) = self.exprs.get(name) else {
            // A built-in (ANY, ASCII_ALPHA ...): consumes, offers nothing.
            return (Vec::new(), false);
        };
        if !stack.insert(name.to_string()) {
            return (Vec::new(), false);
        }
        let out = self.first_of(expr, stack);
        stack.remove(name);
        out
    }

    fn first_of(&self, e: &Expr, stack: &mut HashSet<String>) -> (Vec<Rule>, bool) {
        match e {
            Expr::Str(s) | Expr::Insens(s) => (Vec::new(), s.is_empty()),
            Expr::Range(..) | Expr::Skip(_) => (Vec::new(), false),
            Expr::Ident(name) => self.first_of_name(name, stack),
            Expr::PeekSlice(..) | Expr::PosPred(_) | Expr::NegPred(_) => (Vec::new(), true),
            Expr::Seq(a, b) => {
                let (mut fa, na) = self.first_of(a, stack);
                if !na {
                    return (fa, false);
                }
                let (fb, nb) = self.first_of(b, stack);
                fa.extend(fb);
                (fa, nb)
            }
            Expr::Choice(a, b) => {
                let (mut fa, na) = self.first_of(a, stack);
                let (fb, nb) = self.first_of(b, stack);
                fa.extend(fb);
                (fa, na || nb)
            }
            Expr::Opt(x) | Expr::Rep(x) | Expr::RepMax(x, _) => (self.first_of(x, stack).0, true),
            Expr::RepOnce(x) | Expr::Push(x) => self.first_of(x, stack),
            Expr::RepExact(x, n) | Expr::RepMin(x, n) | Expr::RepMinMax(x, n, _) => {
                let (f, nx) = self.first_of(x, stack);
                (f, nx || *n == 0)
            }
            #[allow(unreachable_patterns)]
            _ => (Vec::new(), true),
        }
    }
}

/// pest reports the single part of a compound name slot that failed
/// (`name_part`) instead of the slot (`relation_name`, `column_ref` ...):
/// the slot is recovered from the grammar as the name slots that can
/// follow the last token before the cursor (`join` -> relation, `=` ->
/// column or function).
fn swallowed_slots(cut: &str) -> Vec<Rule> {
    let Some(g) = grammar() else {
        return Vec::new();
    };
    let t = cut.trim_end();
    let b = t.as_bytes();
    let is_word = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80;
    let mut i = b.len();
    if i > 0 && is_word(b[i - 1]) {
        while i > 0 && is_word(b[i - 1]) {
            i -= 1;
        }
    } else {
        while i > 0 && !is_word(b[i - 1]) && !b[i - 1].is_ascii_whitespace() {
            i -= 1;
        }
    }
    let Some(token) = t.get(i..).filter(|w| !w.is_empty()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (leaf, follow) in &g.follow {
        let whole = QadminParser::parse(*leaf, token)
            .ok()
            .and_then(|mut p| p.next())
            .is_some_and(|p| p.as_str().len() == token.len());
        if whole {
            out.extend(follow.iter().copied().filter(|r| g.swallowing.contains(r)));
        }
    }
    dedup(&mut out);
    out
}

/// The leaf rules that can start `rule` (itself when it is a leaf).
pub fn first_leaves(rule: Rule) -> &'static [Rule] {
    grammar()
        .and_then(|g| g.first.get(&rule))
        .map_or(&[], Vec::as_slice)
}

// ==== Context: a parse with a placeholder at the cursor ====

/// A relation in scope for column completion: its name as written and its
/// alias, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InScope {
    /// The relation as written (`orders`, `s.orders`, `"My Table"`).
    pub relation: String,
    /// Its alias (`o` in `from orders o`).
    pub alias: Option<String>,
}

/// What the completer needs to know about the place being completed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    /// Byte offset in the text where the word being typed starts.
    pub word_start: usize,
    /// The slots expected there.
    pub slots: Vec<Slot>,
    /// The rules around the cursor, innermost last (`londiste_add_table`,
    /// `table_option` ...), as their names.
    pub within: Vec<&'static str>,
    /// The keyword right before a value (`dbname` in `dbname=`, `handler`
    /// in `handler=`).
    pub key: Option<&'static str>,
    /// The queue named in the statement (`on q`, `from q`), if any.
    pub queue: Option<String>,
    /// The consumer named in the statement before the cursor
    /// (`register subconsumer s for <c>`), if any.
    pub consumer: Option<String>,
    /// Relations in scope (SQL), for columns.
    pub scope: Vec<InScope>,
}

/// The context at `cursor` in `line` (the whole statement: text after the
/// cursor helps, as in `select o.<Tab> from orders o`). `None` inside a
/// string or comment.
pub fn context(line: &str, cursor: usize) -> Option<Context> {
    let cursor = cursor.min(line.len());
    if !line.is_char_boundary(cursor) {
        return None;
    }
    let before = &line[..cursor];
    let word_start = word_start(before)?;
    let slots = slots_at(&before[..word_start]);
    let mut cx = Context {
        word_start,
        slots,
        ..Context::default()
    };
    // The end of the word being typed, to replace it whole.
    let rest = &line[cursor..];
    let word_end = cursor
        + rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$' || c == '.'))
            .unwrap_or(rest.len());
    let head = &before[..word_start];
    let values = cx
        .slots
        .iter()
        .any(|s| matches!(s, Slot::Value | Slot::TickId | Slot::BatchId));
    let mut placeholders: Vec<String> = vec![PLACEHOLDER.to_string()];
    if values {
        placeholders.push(format!("'{PLACEHOLDER}'"));
        placeholders.push("1".to_string());
    }
    // The text after the cursor, else endings that make a prefix whole
    // (`update t set <c> = 1`, `insert into t (<c>) select 1`).
    let tails = [&line[word_end..], "", " = 1", ") select 1", ")"];
    for ph in &placeholders {
        for tail in tails {
            if head.len() + tail.len() > MAX_LEN {
                return Some(cx);
            }
            let text = format!("{head}{ph}{tail}");
            if parse::nesting_depth(&text) > parse::MAX_DEPTH {
                return Some(cx);
            }
            if let Ok(mut pairs) = QadminParser::parse(Rule::statement, &text) {
                if let Some(top) = pairs.next() {
                    let at = head.len();
                    if fill_context(&mut cx, top, at) {
                        return Some(cx);
                    }
                }
            }
        }
    }
    Some(cx)
}

/// Read the context from a successful parse; false when the placeholder
/// ended up in no pair (the fallback took it: no structure to read).
fn fill_context(cx: &mut Context, top: Pair<'_, Rule>, at: usize) -> bool {
    let mut path: Vec<Pair<'_, Rule>> = Vec::new();
    if !find_path(top.clone(), at, &mut path) {
        return false;
    }
    if path.iter().any(|p| p.as_rule() == Rule::sql_any) {
        return false;
    }
    cx.within = path.iter().map(|p| rule_name(p.as_rule())).collect();
    // The statement's queue and (before the cursor) its consumer.
    for p in top.clone().into_inner().flatten() {
        match p.as_rule() {
            Rule::queue_name if p.as_span().start() != at && cx.queue.is_none() => {
                cx.queue = Some(p.as_str().to_string());
            }
            Rule::consumer_name if p.as_span().end() <= at => {
                cx.consumer = Some(p.as_str().to_string());
            }
            _ => {}
        }
    }
    // The keyword before `=` of the innermost setting / option.
    if let Some(parent) = path.iter().rev().find(|p| {
        matches!(
            p.as_rule(),
            Rule::connect_setting | Rule::table_option | Rule::queue_setting
        )
    }) {
        cx.key = parent
            .clone()
            .into_inner()
            .find(|c| matches!(parse::slot(c.as_rule()), Some(Slot::Keyword(_))))
            .map(|c| keyword_of(c.as_rule()));
    }
    // Relations in scope: FROM items of every enclosing query level, and
    // the target of UPDATE / DELETE / INSERT.
    for p in path.iter().rev() {
        match p.as_rule() {
            Rule::sql_select_core | Rule::sql_update | Rule::sql_delete | Rule::sql_insert => {
                collect_scope(p.clone(), &mut cx.scope);
            }
            _ => {}
        }
    }
    true
}

/// The chain of pairs from `pair` down to the innermost one containing
/// byte `at`.
fn find_path<'i>(pair: Pair<'i, Rule>, at: usize, path: &mut Vec<Pair<'i, Rule>>) -> bool {
    let span = pair.as_span();
    if at < span.start() || at > span.end() || (at == span.end() && span.start() != at) {
        return false;
    }
    path.push(pair.clone());
    for child in pair.into_inner() {
        if find_path(child, at, path) {
            return true;
        }
    }
    true
}

/// Relations named directly by one query level (not inside nested
/// queries).
fn collect_scope(level: Pair<'_, Rule>, out: &mut Vec<InScope>) {
    fn walk(p: Pair<'_, Rule>, out: &mut Vec<InScope>, top: bool) {
        if !top && matches!(p.as_rule(), Rule::sql_query | Rule::sql_select_core) {
            return;
        }
        let mut inner = p.clone().into_inner().peekable();
        while let Some(c) = inner.next() {
            if c.as_rule() == Rule::relation_name {
                let mut alias = None;
                // `relation alias`, `relation as alias`, `relation star alias`.
                while let Some(n) = inner.peek() {
                    match n.as_rule() {
                        Rule::star | Rule::kw_as | Rule::kw_only => {
                            inner.next();
                        }
                        Rule::alias_name | Rule::col_label => {
                            alias = Some(n.as_str().to_string());
                            inner.next();
                            break;
                        }
                        Rule::sql_alias => {
                            alias = n
                                .clone()
                                .into_inner()
                                .find(|x| matches!(x.as_rule(), Rule::alias_name | Rule::col_label))
                                .map(|x| x.as_str().to_string());
                            inner.next();
                            break;
                        }
                        _ => break,
                    }
                }
                out.push(InScope {
                    relation: c.as_str().to_string(),
                    alias,
                });
            } else {
                walk(c, out, false);
            }
        }
    }
    walk(level, out, true);
}

fn rule_name(r: Rule) -> &'static str {
    static NAMES: OnceLock<HashMap<Rule, &'static str>> = OnceLock::new();
    NAMES
        .get_or_init(|| {
            Rule::all_rules()
                .iter()
                .map(|r| (*r, &*Box::leak(format!("{r:?}").into_boxed_str())))
                .collect()
        })
        .get(&r)
        .copied()
        .unwrap_or("")
}

fn keyword_of(r: Rule) -> &'static str {
    match parse::slot(r) {
        Some(Slot::Keyword(k)) => k,
        _ => "",
    }
}

// ==== Highlighting ====

/// The byte ranges of `statement` matched by keyword rules (`kw_*`), for
/// the REPL's highlighter; empty when the statement does not parse (or
/// parses only through the SQL fallback).
pub fn keyword_spans(statement: &str) -> Vec<Range<usize>> {
    if statement.len() > MAX_LEN || parse::nesting_depth(statement) > parse::MAX_DEPTH {
        return Vec::new();
    }
    // The longest prefix that parses is what is typed so far; try whole.
    let Ok(pairs) = QadminParser::parse(Rule::statement, statement) else {
        return Vec::new();
    };
    pairs
        .flatten()
        .filter(|p| matches!(parse::slot(p.as_rule()), Some(Slot::Keyword(_))))
        .map(|p| p.as_span().start()..p.as_span().end())
        .collect()
}
