//! From pest pairs to the AST: the statement and its SQL kind here, each
//! command in its family's file ([`super::command`]), with the helpers
//! over children they share. Nothing here leaves `crate::parse`.

use pest::iterators::{Pair, Pairs};

use super::ast::*;
use super::error::{ErrorKind, SyntaxError};
use super::grammar::Rule;
use super::ident::{fold, unquote_string};

pub(super) type P<'i> = Pair<'i, Rule>;
pub(super) type R<T> = Result<T, SyntaxError>;

/// An error at a pair's start (for rules the grammar cannot state, such as
/// "given twice").
pub(super) fn invalid(pair: &P<'_>, msg: String) -> SyntaxError {
    SyntaxError::at(
        pair.get_input(),
        pair.as_span().start(),
        ErrorKind::Invalid(msg),
    )
}

/// `statement`: its command or SQL child.
pub(crate) fn lower_statement(pair: P<'_>) -> R<Statement> {
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::sql => return Ok(Statement::Sql(lower_sql(p))),
            Rule::semicolon | Rule::EOI => {}
            _ => return super::command::lower_command(p).map(Statement::Command),
        }
    }
    // An empty statement: only the fallback's empty match.
    Ok(Statement::Sql(Sql {
        kind: SqlKind::Other,
        structured: false,
    }))
}

/// `sql`: which structured rule took it, or the fallback.
pub(crate) fn lower_sql(pair: P<'_>) -> Sql {
    let first = pair.into_inner().next();
    match first {
        Some(p) if p.as_rule() != Rule::sql_any => Sql {
            kind: sql_kind(p),
            structured: true,
        },
        _ => Sql {
            kind: SqlKind::Other,
            structured: false,
        },
    }
}

/// The kind of SQL statement a structured rule stands for.
pub(crate) fn sql_kind(pair: P<'_>) -> SqlKind {
    match pair.as_rule() {
        Rule::sql_query => {
            let last = pair.into_inner().find(|p| p.as_rule() != Rule::sql_with);
            match last.map(|p| p.as_rule()) {
                Some(Rule::sql_insert) => SqlKind::Insert,
                Some(Rule::sql_update) => SqlKind::Update,
                Some(Rule::sql_delete) => SqlKind::Delete,
                _ => SqlKind::Select,
            }
        }
        Rule::sql_create_table => SqlKind::CreateTable,
        Rule::sql_create_index => SqlKind::CreateIndex,
        Rule::sql_create_sequence => SqlKind::CreateSequence,
        Rule::sql_create_view => SqlKind::CreateView,
        Rule::sql_create_schema => SqlKind::CreateSchema,
        Rule::sql_create_function => SqlKind::CreateFunction,
        Rule::sql_create_trigger => SqlKind::CreateTrigger,
        Rule::sql_create_extension => SqlKind::CreateExtension,
        Rule::sql_alter_table => SqlKind::AlterTable,
        Rule::sql_alter_index => SqlKind::AlterIndex,
        Rule::sql_alter_sequence => SqlKind::AlterSequence,
        Rule::sql_alter_view => SqlKind::AlterView,
        Rule::sql_alter_schema => SqlKind::AlterSchema,
        Rule::sql_alter_function => SqlKind::AlterFunction,
        Rule::sql_alter_trigger => SqlKind::AlterTrigger,
        Rule::sql_alter_extension => SqlKind::AlterExtension,
        Rule::sql_drop => SqlKind::Drop,
        Rule::sql_drop_function => SqlKind::DropFunction,
        Rule::sql_drop_trigger => SqlKind::DropTrigger,
        Rule::sql_truncate => SqlKind::Truncate,
        Rule::sql_transaction => SqlKind::Transaction,
        Rule::sql_grant => SqlKind::Grant,
        Rule::sql_revoke => SqlKind::Revoke,
        Rule::sql_copy => SqlKind::Copy,
        Rule::sql_set => SqlKind::Set,
        Rule::sql_reset => SqlKind::Reset,
        Rule::sql_show => SqlKind::Show,
        Rule::sql_vacuum => SqlKind::Vacuum,
        Rule::sql_analyze => SqlKind::Analyze,
        Rule::sql_explain => SqlKind::Explain,
        Rule::sql_do => SqlKind::Do,
        Rule::sql_comment => SqlKind::Comment,
        _ => SqlKind::Other,
    }
}

pub(super) fn lower_number(pair: &P<'_>) -> R<i64> {
    pair.as_str()
        .parse::<i64>()
        .map_err(|_| invalid(pair, format!("number out of range: {}", pair.as_str())))
}

// ---- helpers over children ----

pub(super) fn has(inner: Pairs<'_, Rule>, rule: Rule) -> bool {
    inner.into_iter().any(|p| p.as_rule() == rule)
}

pub(super) fn names(inner: Pairs<'_, Rule>, rule: Rule) -> Vec<String> {
    inner
        .filter(|p| p.as_rule() == rule)
        .map(|p| fold(p.as_str()))
        .collect()
}

pub(super) fn opt_name(inner: Pairs<'_, Rule>, rule: Rule) -> Option<String> {
    names(inner, rule).into_iter().next()
}

/// The first name of this slot; the grammar guarantees it is there.
pub(super) fn name_of(inner: Pairs<'_, Rule>, rule: Rule) -> String {
    opt_name(inner, rule).unwrap_or_default()
}

pub(super) fn opt_target<T>(
    inner: Pairs<'_, Rule>,
    rule: Rule,
    make: fn(String) -> T,
) -> Option<Target<T>> {
    for p in inner {
        if p.as_rule() == Rule::star {
            return Some(Target::All);
        }
        if p.as_rule() == rule {
            return Some(Target::Named(make(fold(p.as_str()))));
        }
    }
    None
}

pub(super) fn target<T>(inner: Pairs<'_, Rule>, rule: Rule, make: fn(String) -> T) -> Target<T> {
    opt_target(inner, rule, make).unwrap_or(Target::All)
}

pub(super) fn first_inner<'i>(pair: P<'i>, what: &str) -> R<P<'i>> {
    let span = pair.clone();
    pair.into_inner()
        .find(|p| !p.as_rule().is_keyword())
        .ok_or_else(|| invalid(&span, format!("incomplete {what}")))
}

pub(super) fn first_of<'i>(pair: P<'i>, rule: Rule, what: &str) -> R<P<'i>> {
    let span = pair.clone();
    pair.into_inner()
        .find(|p| p.as_rule() == rule)
        .ok_or_else(|| invalid(&span, format!("incomplete {what}")))
}

/// The value of a `string_literal` or `connstr`.
pub(super) fn string_of(pair: P<'_>) -> String {
    unquote_string(pair.as_str())
}

/// A `table_name` / `sequence_name`: `name` or `schema.name`, split at the
/// dot outside double quotes.
pub(super) fn qualified(pair: P<'_>) -> QualifiedName {
    let raw = pair.as_str();
    let mut in_quotes = false;
    let mut dot = None;
    for (i, ch) in raw.char_indices() {
        match ch {
            '"' => in_quotes = !in_quotes,
            '.' if !in_quotes => {
                dot = Some(i);
                break;
            }
            _ => {}
        }
    }
    match dot {
        Some(i) => QualifiedName::qualified(fold(&raw[..i]), fold(&raw[i + 1..])),
        None => QualifiedName::bare(fold(raw)),
    }
}

pub(super) fn qualified_list(inner: Pairs<'_, Rule>, rule: Rule) -> Vec<QualifiedName> {
    inner
        .filter(|p| p.as_rule() == rule)
        .map(qualified)
        .collect()
}

impl Rule {
    /// Whether this is a keyword rule (`kw_*`).
    pub(crate) fn is_keyword(self) -> bool {
        matches!(super::slot(self), Some(super::Slot::Keyword(_)))
    }
}
