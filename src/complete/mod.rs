//! Tab completion: what the grammar expects at the cursor ([`expect`]),
//! names from a catalog snapshot ([`cache`]), and the candidates at a
//! cursor ([`candidates_in`]). Pure: it reads the grammar and a snapshot,
//! and depends on nothing above the API modules; the line editor's
//! adapter is `input::completer`.
//!
//! Keywords (SQL's and qadmin's command words) come in the case
//! COMP_KEYWORD_CASE asks for ([`KeywordCase`], psql's
//! `pg_strdup_keyword_case`), names as they are, quoted where they must
//! be (`"My Table"`); after `\` the meta-commands,
//! after `\i`, `\ir`, `\o` file names. Nothing inside strings or comments;
//! never a panic or an error: an empty list instead.

pub mod cache;
pub mod expect;

#[cfg(test)]
mod tests;

use crate::parse::{ident, Slot};
use cache::{Catalog, NameIndex, Sections};
use expect::Context;

/// The snapshot sections the slots at `cx` take names from (`None`: only
/// keywords and values that need no server). Before the first snapshot a
/// Tab reads just these ([`cache::Cache::quick`]).
pub fn sections_for(cx: &Context) -> Option<Sections> {
    let mut want = Sections::default();
    for slot in &cx.slots {
        match slot {
            Slot::QueueName | Slot::ConsumerName | Slot::TickId | Slot::BatchId => want.pgq = true,
            Slot::NodeName => want.nodes = true,
            Slot::TableName | Slot::SequenceName => {
                want.relations = true;
                want.schemas = true;
            }
            Slot::NewLondisteTable | Slot::NewLondisteSequence => {
                want.relations = true;
                want.schemas = true;
                want.londiste = true;
            }
            Slot::LondisteTable | Slot::LondisteSequence => want.londiste = true,
            Slot::SchemaName => want.schemas = true,
            Slot::FunctionName => want.functions = true,
            Slot::RoleName => want.roles = true,
            Slot::TypeName | Slot::IndexName | Slot::TriggerName | Slot::SettingName => {
                want.objects = true
            }
            Slot::ColumnRef | Slot::ColumnName => {
                let fq: Vec<String> = cx
                    .scope
                    .iter()
                    .filter_map(|s| scope_key(&s.relation))
                    .collect();
                if !fq.is_empty() {
                    want.columns = Some(fq);
                }
            }
            Slot::Value if cx.key == Some("dbname") => want.databases = true,
            Slot::Value if cx.key == Some("user") => want.roles = true,
            _ => {}
        }
    }
    (want != Sections::default()).then_some(want)
}

/// `schema.name` of a relation as written in a statement (bare names:
/// `public`, where a quick lookup looks).
fn scope_key(rel: &str) -> Option<String> {
    let folded: Vec<String> = rel.split('.').map(ident::fold).collect();
    match folded.as_slice() {
        [s, n] => Some(format!("{s}.{n}")),
        [n] => Some(format!("public.{n}")),
        _ => None,
    }
}

/// Candidates at byte `cursor` of `text` (the whole statement so far):
/// where the replaced word starts, and the candidates. Pure apart from
/// the snapshot it reads; the benchmark and tests call it directly.
pub fn candidates(text: &str, cursor: usize, cat: &Catalog) -> (usize, Vec<String>) {
    candidates_in(text, cursor, cat, None)
}

/// How completed keywords are cased: psql's COMP_KEYWORD_CASE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KeywordCase {
    /// Always lower case.
    Lower,
    /// Always upper case.
    Upper,
    /// As the typed word begins: upper after an upper-case letter, else
    /// lower.
    PreserveLower,
    /// As the typed word begins: lower after a lower-case letter, else
    /// upper (psql's default).
    #[default]
    PreserveUpper,
}

impl KeywordCase {
    /// The variable's value (checked when set, any case); psql's default
    /// for anything else.
    pub fn from_var(v: Option<&str>) -> Self {
        match v.map(str::to_ascii_lowercase).as_deref() {
            Some("lower") => KeywordCase::Lower,
            Some("upper") => KeywordCase::Upper,
            Some("preserve-lower") => KeywordCase::PreserveLower,
            _ => KeywordCase::PreserveUpper,
        }
    }

    /// `keyword` cased for the word typed so far (`typed`), as psql's
    /// `pg_strdup_keyword_case`: only its first character counts.
    pub fn apply(self, keyword: &str, typed: &str) -> String {
        let first = typed.bytes().next().unwrap_or(0);
        let lower = match self {
            KeywordCase::Lower => true,
            KeywordCase::Upper => false,
            KeywordCase::PreserveUpper => first.is_ascii_lowercase(),
            KeywordCase::PreserveLower => {
                first.is_ascii_lowercase() || !first.is_ascii_alphabetic()
            }
        };
        if lower {
            keyword.to_ascii_lowercase()
        } else {
            keyword.to_ascii_uppercase()
        }
    }
}

/// [`candidates`] in a session whose current queue is `queue`: where the
/// statement names no queue, node names and tick ids are those of it.
/// Keywords as with COMP_KEYWORD_CASE `preserve-lower`.
pub fn candidates_in(
    text: &str,
    cursor: usize,
    cat: &Catalog,
    queue: Option<&str>,
) -> (usize, Vec<String>) {
    candidates_cased(text, cursor, cat, queue, KeywordCase::PreserveLower)
}

/// [`candidates_in`] with keywords cased as `case` says.
pub fn candidates_cased(
    text: &str,
    cursor: usize,
    cat: &Catalog,
    queue: Option<&str>,
    case: KeywordCase,
) -> (usize, Vec<String>) {
    let Some(cx) = expect::context(text, cursor) else {
        return (cursor, Vec::new());
    };
    let word = &text[cx.word_start..cursor.min(text.len())];
    let mut out: Vec<String> = Vec::new();
    // The columns of the tables in scope first (what `where i<Tab>` is
    // most likely after), then the grammar's order.
    let mut slots = cx.slots.clone();
    slots.sort_by_key(|s| !matches!(s, Slot::ColumnRef | Slot::ColumnName));
    let in_args = is_in_function_args(&text[..cx.word_start]);
    for slot in &slots {
        // Inside a function's parentheses the grammar also allows the
        // aggregate and trim words (`distinct`, `all`, `both` ...); they
        // are never what an operator is after there. See: #15
        if in_args && matches!(slot, Slot::Keyword(k) if ARG_KEYWORDS.contains(k)) {
            continue;
        }
        if *slot == Slot::HelpTopic {
            help_words(&cx, text, word, case, &mut out);
            continue;
        }
        offer(*slot, &cx, word, cat, queue, case, &mut out);
    }
    (cx.word_start, dedup(out))
}

/// Keywords the grammar allows right after a function's `(` that are
/// left out of the candidates.
const ARG_KEYWORDS: &[&str] = &[
    "distinct", "all", "both", "leading", "trailing", "variadic", "from", "order",
];

/// Whether the text before the word ends with `name(`: the first
/// argument of a function call.
fn is_in_function_args(before: &str) -> bool {
    let t = before.trim_end();
    let Some(t) = t.strip_suffix('(') else {
        return false;
    };
    t.trim_end()
        .chars()
        .next_back()
        .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '"')
}

/// `show help <words>`: the next word of the commands whose words begin
/// with the words typed after `help`.
fn help_words(cx: &Context, text: &str, word: &str, case: KeywordCase, out: &mut Vec<String>) {
    let before = text[..cx.word_start].to_lowercase();
    let Some(i) = before.rfind("help") else {
        return;
    };
    let typed: Vec<&str> = before[i + 4..].split_whitespace().collect();
    for e in crate::parse::help::ENTRIES {
        let words: Vec<&str> = e.words.split(' ').collect();
        if words.len() > typed.len() && words[..typed.len()] == typed[..] {
            let next = words[typed.len()];
            if next.starts_with(&word.to_lowercase()) {
                out.push(case.apply(next, word));
            }
        }
    }
}

/// Internal consumers (pgq_node's `.global_watermark`, a cascade's
/// `.node.worker` names) come only when a `.` is typed.
fn push_consumers<'a>(
    out: &mut Vec<String>,
    word: &str,
    names: impl IntoIterator<Item = &'a String>,
) {
    let dotted = word.trim_start_matches('"').starts_with('.');
    push_names(
        out,
        word,
        "",
        names.into_iter().filter(|n| dotted || !n.starts_with('.')),
    );
}

/// `out` without repeats, first occurrence kept, order kept (no copies
/// of the strings: thousands of relation names go through here).
fn dedup(out: Vec<String>) -> Vec<String> {
    let mut order: Vec<usize> = (0..out.len()).collect();
    order.sort_by(|&a, &b| out[a].cmp(&out[b]).then(a.cmp(&b)));
    let mut keep = vec![true; out.len()];
    for w in order.windows(2) {
        if out[w[0]] == out[w[1]] {
            keep[w[1]] = false;
        }
    }
    out.into_iter()
        .zip(keep)
        .filter_map(|(c, k)| k.then_some(c))
        .collect()
}

/// Whether candidate `c` continues what is typed (`word`): names compare
/// as the server folds them, so `ord` matches `orders` and `"Or` matches
/// `"Orders"`.
fn matches_word(c: &str, word: &str) -> bool {
    if word.starts_with('"') {
        c.starts_with(word)
    } else {
        c.to_lowercase().starts_with(&word.to_lowercase())
    }
}

fn push_names<'a>(
    out: &mut Vec<String>,
    word: &str,
    prefix: &str,
    names: impl IntoIterator<Item = &'a String>,
) {
    for n in names {
        let c = format!("{prefix}{}", ident::quote(n));
        if matches_word(&c, word) {
            out.push(c);
        }
    }
}

fn offer(
    slot: Slot,
    cx: &Context,
    word: &str,
    cat: &Catalog,
    queue: Option<&str>,
    case: KeywordCase,
    out: &mut Vec<String>,
) {
    let queue = cx.queue.as_deref().or(queue);
    match slot {
        Slot::Keyword(k) => {
            if !word.starts_with('"') && !word.contains('.') && k.starts_with(&word.to_lowercase())
            {
                // `dbname=`, `handler=`: a key the grammar always follows
                // with `=` comes with it, in lower case (libpq's keys are).
                out.push(if expect::takes_eq(k) {
                    format!("{k}=")
                } else {
                    case.apply(k, word)
                });
            }
        }
        Slot::Punct(_) | Slot::AliasName | Slot::HelpTopic | Slot::ObjectName => {}
        Slot::TickId => {
            let ticks: Vec<i64> = match queue.and_then(|q| cat.ticks.get(q)) {
                Some(t) => t.clone(),
                None => {
                    let mut all: Vec<i64> = cat.ticks.values().flatten().copied().collect();
                    all.sort_unstable_by(|a, b| b.cmp(a));
                    all.dedup();
                    all
                }
            };
            out.extend(
                ticks
                    .into_iter()
                    .map(|t| t.to_string())
                    .filter(|t| t.starts_with(word)),
            );
        }
        Slot::BatchId => out.extend(
            cat.batches
                .iter()
                .map(|b| b.to_string())
                .filter(|b| b.starts_with(word)),
        ),
        Slot::RoleName => push_names(out, word, "", &cat.roles),
        Slot::QueueName => push_index(out, word, &cat.index().queues),
        // The queue the statement names, else the current queue (`show
        // batch <c>` reads the current queue's consumers), else all.
        Slot::ConsumerName => match queue.and_then(|q| cat.consumers.get(q)) {
            Some(v) => push_consumers(out, word, v),
            None => {
                let dotted = word.trim_start_matches('"').starts_with('.');
                out.extend(
                    cat.index()
                        .consumers
                        .matching(word)
                        .filter(|e| dotted || !e.text.starts_with('.'))
                        .map(|e| e.text.clone()),
                );
            }
        },
        Slot::NodeName => match queue.and_then(|q| cat.nodes_by_queue.get(q)) {
            Some(v) => push_names(out, word, "", v),
            None => push_names(out, word, "", &cat.nodes),
        },
        // What Londiste replicates here: from its own registry.
        Slot::LondisteTable | Slot::LondisteSequence => {
            let names = if slot == Slot::LondisteTable {
                &cat.londiste_tables
            } else {
                &cat.londiste_seqs
            };
            for n in names {
                if matches_word(n, word) {
                    out.push(n.clone());
                }
            }
        }
        // A sequence slot holds sequences only, a table slot tables (a
        // sequence there fails "not found"); a new Londiste table or
        // sequence is one Londiste does not replicate here yet. See: #15
        Slot::TableName
        | Slot::SequenceName
        | Slot::NewLondisteTable
        | Slot::NewLondisteSequence => {
            let want_seq = matches!(slot, Slot::SequenceName | Slot::NewLondisteSequence);
            let new_only = matches!(slot, Slot::NewLondisteTable | Slot::NewLondisteSequence);
            let known = &cat.index().londiste;
            relations(word, cat, out, |kind, fq| {
                let kind_ok = if want_seq {
                    kind == 'S'
                } else {
                    slot == Slot::TableName || matches!(kind, 'r' | 'p')
                };
                kind_ok && !(new_only && known.contains(fq))
            });
        }
        Slot::SchemaName => push_names(out, word, "", &cat.schemas),
        // Functions of the search path bare, the others as `schema.name`
        // once `schema.` is typed (an unqualified `get_queue_info` fails
        // when pgq is not on the search path). See: #15
        Slot::FunctionName => {
            let dotted = word.contains('.');
            out.extend(
                cat.index()
                    .functions
                    .matching(word)
                    .filter(|e| e.text.contains('.') == dotted)
                    .map(|e| e.text.clone()),
            );
            if !dotted {
                for sc in &cat.schemas {
                    let c = format!("{}.", ident::quote(sc));
                    if matches_word(&c, word) {
                        out.push(c);
                    }
                }
            }
        }
        Slot::ColumnRef | Slot::ColumnName => columns(cx, word, cat, out),
        Slot::Value => values(cx, word, cat, out),
        Slot::TypeName => {
            if !word.contains('.') {
                push_names(out, word, "", &cat.types);
            }
        }
        Slot::IndexName => {
            for (s, n) in &cat.indexes {
                let c = if s == "public" {
                    ident::quote(n)
                } else {
                    format!("{}.{}", ident::quote(s), ident::quote(n))
                };
                if matches_word(&c, word) {
                    out.push(c);
                }
            }
        }
        Slot::TriggerName => push_names(out, word, "", &cat.triggers),
        Slot::SettingName => {
            for s in &cat.settings {
                if matches_word(s, word) {
                    out.push(s.clone());
                }
            }
        }
    }
}

fn push_index(out: &mut Vec<String>, word: &str, index: &NameIndex) {
    out.extend(index.matching(word).map(|e| e.text.clone()));
}

/// Relations: bare names of the search path's usual schema (`public`),
/// schema names (`s.`), and `s.` + its relations once a dot is typed.
fn relations(word: &str, cat: &Catalog, out: &mut Vec<String>, keep: impl Fn(char, &str) -> bool) {
    let index = cat.index();
    let names = if word.contains('.') {
        &index.qualified
    } else {
        &index.bare
    };
    out.extend(
        names
            .matching(word)
            .filter(|e| keep(e.kind, &e.fq))
            .map(|e| e.text.clone()),
    );
    if word.contains('.') {
        return;
    }
    for s in &cat.schemas {
        let c = format!("{}.", ident::quote(s));
        if matches_word(&c, word) {
            out.push(c);
        }
    }
}

/// The relation a name in scope refers to, as `schema.name`.
fn resolve(rel: &str, cat: &Catalog) -> Option<String> {
    let folded: Vec<String> = rel.split('.').map(ident::fold).collect();
    match folded.as_slice() {
        [s, n] => Some(format!("{s}.{n}")),
        [n] => cat
            .relations
            .iter()
            .find(|(s, r, _)| r == n && s == "public")
            .or_else(|| cat.relations.iter().find(|(_, r, _)| r == n))
            .map(|(s, r, _)| format!("{s}.{r}")),
        _ => None,
    }
}

/// Columns of the relations in scope; `alias.` + column after a qualifier.
fn columns(cx: &Context, word: &str, cat: &Catalog, out: &mut Vec<String>) {
    if let Some((qual, _)) = word.rsplit_once('.') {
        let fq = ident::fold(qual);
        for s in &cx.scope {
            let alias_hit = s.alias.as_deref().map(ident::fold) == Some(fq.clone());
            let name_hit = s.alias.is_none()
                && (ident::fold(&s.relation) == fq
                    || s.relation.rsplit('.').next().map(ident::fold) == Some(fq.clone()));
            if alias_hit || name_hit {
                if let Some(cols) = resolve(&s.relation, cat).and_then(|k| cat.columns.get(&k)) {
                    push_names(out, word, &format!("{qual}."), cols);
                }
            }
        }
        return;
    }
    for s in &cx.scope {
        if let Some(cols) = resolve(&s.relation, cat).and_then(|k| cat.columns.get(&k)) {
            push_names(out, word, "", cols);
        }
        if let Some(a) = &s.alias {
            let c = format!("{a}.");
            if matches_word(&c, word) {
                out.push(c);
            }
        }
    }
}

/// A connection setting's value as typed: quoted when it holds what
/// ends a bare word (space, `;`, `'`, `=`).
fn conn_word(v: &str) -> String {
    if v.is_empty() || v.contains(|c: char| c.is_whitespace() || matches!(c, ';' | '\'' | '=')) {
        format!("'{}'", v.replace('\'', "''"))
    } else {
        v.to_string()
    }
}

/// Values by the key before `=`: handler names (quoted), ports, hosts
/// from /etc/hosts, sslmodes.
fn values(cx: &Context, word: &str, cat: &Catalog, out: &mut Vec<String>) {
    let mut push = |c: String| {
        if matches_word(&c, word) {
            out.push(c);
        }
    };
    match cx.key {
        Some("handler") => {
            for h in crate::londiste::handler_names() {
                push(format!("'{h}'"));
            }
        }
        Some("port") => push("5432".into()),
        Some("dbname") => {
            for d in &cat.databases {
                push(conn_word(d));
            }
        }
        Some("user") => {
            for r in &cat.roles {
                push(conn_word(r));
            }
        }
        Some("sslmode") => {
            for m in [
                "disable",
                "allow",
                "prefer",
                "require",
                "verify-ca",
                "verify-full",
            ] {
                push(m.into());
            }
        }
        Some("host") => {
            let hosts = std::fs::read_to_string("/etc/hosts").unwrap_or_default();
            let mut seen = Vec::new();
            for l in hosts.lines() {
                let l = l.split('#').next().unwrap_or("");
                for h in l.split_whitespace().skip(1) {
                    if !seen.iter().any(|s: &String| s == h) {
                        seen.push(h.to_string());
                    }
                }
            }
            for h in seen {
                push(h);
            }
        }
        _ => {}
    }
}
