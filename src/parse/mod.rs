//! The parser: one statement (as the lexer cut it) -> a typed
//! [`Statement`]: a shell [`Command`], or SQL with its kind.
//!
//! The syntax lives in `grammar/qadmin.pest` (commands) and
//! `grammar/sql.pest` (SQL); pest derives [`grammar::QadminParser`] from
//! them. This module owns the entry points, the nesting bound checked
//! before pest runs, and the two exhaustive maps over [`Rule`] that the rest
//! of qadmin sees instead of pest: [`describe`] (words for syntax errors)
//! and [`slot`] (what completion offers at a place). [`command`] holds
//! the commands, one file per family (each command's AST, lowering and
//! [`CommandSpec`] together); `lower` turns the statement and its SQL into
//! the AST ([`ast`], the shared types) and the families' lowerings share
//! its helpers; [`ident`] unquotes and case-folds names once, [`error`]
//! shapes syntax errors, [`spec`] is the command table (the families'
//! specs merged) and [`help`] builds `show help`'s text from it.
//!
//! Callers: `shell` (scripts and `--check`), `exec::command` (help), and
//! `complete`. No pest type leaves this module except
//! [`Rule`] in [`describe`] / [`slot`].

// A syntax error carries its line's text and the expected items: large,
// but made once per failed parse, never in a loop; boxing it would only
// make its fields awkward to reach.
#![allow(clippy::result_large_err)]

pub mod ast;
#[macro_use]
pub mod spec;
pub mod command;
pub mod error;
pub mod grammar;
pub mod help;
pub mod ident;
mod lower;
#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::num::NonZeroUsize;
use std::sync::Once;

use pest::error::{ErrorVariant, InputLocation};
use pest::Parser;

pub use ast::*;
pub use command::{
    cascade::*, database::*, londiste::*, queue::*, session::*, CascadeCommand, Command,
    DatabaseCommand, LondisteCommand, QueueCommand, SessionCommand,
};
pub use error::{ErrorKind, SyntaxError};
use grammar::QadminParser;
pub use grammar::Rule;
pub use spec::CommandSpec;

// `keyword_rules!()` (the pattern of every `kw_*` rule),
// `keyword_word(rule)`, `command_rules!()` and `COMMAND_RULES`, generated
// by build.rs from grammar/*.pest, so the keyword and command arms of
// `describe` and `slot` need no hand list.
include!(concat!(env!("OUT_DIR"), "/keywords.rs"));

/// Statements nested deeper than this (parentheses or brackets) are not
/// parsed: SQL still goes to the server, a shell command is an error.
pub const MAX_DEPTH: u32 = 1000;

/// pest's budget of rule calls for one parse: far beyond any real
/// statement, it turns a pathological input into an error instead of a
/// hang.
const CALL_LIMIT: usize = 20_000_000;

fn init() {
    static INIT: Once = Once::new();
    INIT.call_once(|| pest::set_call_limit(NonZeroUsize::new(CALL_LIMIT)));
}

/// Parse one statement (with or without its terminating `;`): a shell
/// command, or SQL (which never fails unless it is unbalanced: the server
/// is the authority on SQL).
///
/// Errors: a command that does not match its rule; anything nested
/// deeper than [`MAX_DEPTH`] ([`ErrorKind::TooDeep`]) or too complex
/// ([`ErrorKind::TooComplex`]); SQL with unbalanced parentheses.
pub fn parse_statement(text: &str) -> Result<Statement, SyntaxError> {
    let depth = nesting_depth(text);
    if depth > MAX_DEPTH {
        return Err(SyntaxError::at(text, 0, ErrorKind::TooDeep { depth }));
    }
    init();
    match QadminParser::parse(Rule::statement, text) {
        Ok(mut pairs) => match pairs.next() {
            Some(p) => lower::lower_statement(p),
            None => unreachable!("statement without a pair in parse_statement"),
        },
        Err(e) => Err(convert_error(text, e)),
    }
}

/// Whether the statement starts with a shell command's leading words
/// (`show queue`, `register`, `londiste` ...): then it is parsed by the
/// command rules only, never sent to the server as SQL.
pub fn is_command(text: &str) -> bool {
    init();
    if let Some(word) = crate::lex::first_word(text) {
        if word_never_starts_command(&word) {
            return false;
        }
    }
    QadminParser::parse(Rule::command_start, text).is_ok()
}

/// Whether no command can start with this word, decided by the grammar
/// itself: `command_start` fails at the very first byte. Remembered per
/// word, so a script of 50,000 INSERTs pays pest once, not 50,000 times.
fn word_never_starts_command(word: &str) -> bool {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static SEEN: OnceLock<Mutex<HashMap<String, bool>>> = OnceLock::new();
    let seen = SEEN.get_or_init(|| Mutex::new(HashMap::new()));
    if let Ok(map) = seen.lock() {
        if let Some(&never) = map.get(word) {
            return never;
        }
    }
    let probe = format!("{word} ");
    let never = match QadminParser::parse(Rule::command_start, &probe) {
        Ok(_) => false,
        Err(e) => matches!(e.location, pest::error::InputLocation::Pos(0)),
    };
    if let Ok(mut map) = seen.lock() {
        if map.len() < 4096 {
            map.insert(word.to_string(), never);
        }
    }
    never
}

/// Parse SQL with the structured rules only (no fallback): `Ok` with the
/// statement's kind, or where and why the structured rules stop.
pub fn parse_sql(text: &str) -> Result<SqlKind, SyntaxError> {
    let depth = nesting_depth(text);
    if depth > MAX_DEPTH {
        return Err(SyntaxError::at(text, 0, ErrorKind::TooDeep { depth }));
    }
    init();
    match QadminParser::parse(Rule::sql_only, text) {
        Ok(pairs) => Ok(pairs
            .flatten()
            .find(|p| !matches!(p.as_rule(), Rule::sql_only | Rule::EOI | Rule::semicolon))
            .map_or(SqlKind::Other, lower::sql_kind)),
        Err(e) => Err(convert_error(text, e)),
    }
}

/// Whether `word` is reserved in PostgreSQL (so it must be quoted to be a
/// name).
pub fn is_reserved_word(word: &str) -> bool {
    init();
    QadminParser::parse(Rule::reserved_word, word).is_ok()
}

pub use crate::lex::nesting_depth;

fn convert_error(text: &str, e: pest::error::Error<Rule>) -> SyntaxError {
    let offset = match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    match e.variant {
        ErrorVariant::ParsingError { mut positives, .. } => {
            // Names and values first, then keywords, punctuation, the end.
            let rank = |r: &Rule| match (r, slot(*r)) {
                (Rule::EOI | Rule::semicolon, _) => 3,
                (_, Some(Slot::Punct(_))) => 2,
                (_, Some(Slot::Keyword(_))) => 1,
                _ => 0,
            };
            positives.sort_by_key(rank);
            let wants_name = positives.iter().any(|r| {
                !matches!(
                    slot(*r),
                    None | Some(
                        Slot::Keyword(_)
                            | Slot::Punct(_)
                            | Slot::Value
                            | Slot::TickId
                            | Slot::BatchId
                    )
                )
            });
            let mut expected: Vec<String> = Vec::new();
            for r in positives {
                let d = describe(if r == Rule::semicolon { Rule::EOI } else { r }).into_owned();
                if !expected.contains(&d) {
                    expected.push(d);
                }
            }
            let mut e = SyntaxError::at(text, offset, ErrorKind::Unexpected { expected });
            if let Some(word) = e.found.as_deref() {
                if wants_name && is_reserved_word(word) {
                    e.hint = Some(format!(
                        "\"{w}\" is a reserved word; to use it as a name, write it in double quotes: \"{w}\"",
                        w = word.to_ascii_lowercase()
                    ));
                }
            }
            e
        }
        ErrorVariant::CustomError { message } => {
            let kind = if message.contains("limit reached") {
                ErrorKind::TooComplex
            } else {
                ErrorKind::Invalid(message)
            };
            SyntaxError::at(text, offset, kind)
        }
    }
}

/// What a grammar rule stands for, for completion: a keyword to offer,
/// punctuation, or a kind of name or value typed by the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Slot {
    /// A keyword (the rule name without `kw_`).
    Keyword(&'static str),
    /// Punctuation (`,`, `=`, `*` ...).
    Punct(&'static str),
    /// A queue name.
    QueueName,
    /// A consumer name.
    ConsumerName,
    /// A cascade node name.
    NodeName,
    /// A table (or, in SQL, any relation) name.
    TableName,
    /// A sequence name.
    SequenceName,
    /// A table Londiste does not replicate here yet.
    NewLondisteTable,
    /// A table Londiste replicates here.
    LondisteTable,
    /// A sequence Londiste does not replicate here yet.
    NewLondisteSequence,
    /// A sequence Londiste replicates here.
    LondisteSequence,
    /// A column reference in an expression (`col`, `t.col`).
    ColumnRef,
    /// A column name being defined or assigned.
    ColumnName,
    /// A function name.
    FunctionName,
    /// A type name.
    TypeName,
    /// A schema name.
    SchemaName,
    /// An index name.
    IndexName,
    /// A trigger name.
    TriggerName,
    /// A role name.
    RoleName,
    /// A configuration setting name.
    SettingName,
    /// An alias the user makes up (nothing to offer).
    AliasName,
    /// Some other object name (constraint, extension, window ...).
    ObjectName,
    /// A word of `show help`'s topic (a command's leading words).
    HelpTopic,
    /// A tick id (`register consumer c at <tick>`).
    TickId,
    /// A batch id (`show batch <id>`).
    BatchId,
    /// A literal value the user types (number, string, connection string).
    Value,
}

/// The keyword a `kw_*` rule matches (`Rule::kw_queue` -> `"queue"`).
fn keyword_text(rule: Rule) -> &'static str {
    keyword_word(rule).unwrap_or("")
}

/// How a rule reads in a syntax error ("a queue name", "`on`").
pub fn describe(rule: Rule) -> Cow<'static, str> {
    let text: &'static str = match rule {
        keyword_rules!() => {
            return Cow::Owned(format!("`{}`", keyword_text(rule)));
        }
        // A command reads as its leading words, from its spec.
        command_rules!() => {
            return Cow::Owned(format!("`{}`", spec::of_rule(rule).map_or("", |s| s.words)));
        }
        Rule::name_part => "a name",
        Rule::name_string => "a string",
        Rule::plain_string => "a string",
        Rule::escape_string => "a string",
        Rule::dollar_string => "a dollar-quoted string",
        Rule::string_literal => "a string in quotes ('...')",
        Rule::integer => "a whole number",
        Rule::semicolon => "`;`",
        Rule::comma => "`,`",
        Rule::eq => "`=`",
        Rule::star => "`*`",
        Rule::plus => "`+`",
        Rule::dot => "`.`",
        Rule::lparen => "`(`",
        Rule::rparen => "`)`",
        Rule::lbracket => "`[`",
        Rule::rbracket => "`]`",
        Rule::queue_name => "a queue name",
        Rule::consumer_name => "a consumer name",
        Rule::node_name => "a node name",
        Rule::table_name | Rule::new_table_name | Rule::replicated_table_name => "a table name",
        Rule::sequence_name | Rule::new_sequence_name | Rule::replicated_sequence_name => {
            "a sequence name"
        }
        Rule::batch_id => "a batch id",
        Rule::tick_id => "a tick id",
        Rule::connstr => "a connection string in quotes ('host=... dbname=...')",
        Rule::help_word => "a command word",
        Rule::conn_value => "a value",
        Rule::conn_word => "a value",
        Rule::boolean => "true, false, on or off",
        Rule::interval_value => "an interval ('1 minute') or a number of seconds",
        Rule::connect_setting => "a connection setting (dbname, host, port, user, password, service, sslmode, queue or node)",
        Rule::queue_setting => "a queue setting (idle_period, max_count, max_lag, paused, ticker_idle_period, ticker_max_count, ticker_max_lag, ticker_paused, rotation_period or external_ticker)",
        Rule::create_node_option => "an option (on, location, provider, worker, merge or from copy)",
        Rule::takeover_option => "an option (with all, dead or force)",
        Rule::table_option => "a table option (skip_truncate, expect_sync, no_triggers, backup, skip, create, handler, tgflags, when, pkey, ev_type, ev_data, ev_extra1..4 or ignore)",
        Rule::command_head => "a command",
        Rule::command_start => "a command",
        Rule::sql => "SQL",
        Rule::statement => "a statement",
        Rule::sql_only => "SQL",
        Rule::sql_any => "SQL",
        Rule::reserved_word => "a reserved word",
        Rule::relation_name => "a table, view or sequence name",
        Rule::column_ref => "a column",
        Rule::column_name => "a column name",
        Rule::function_name => "a function name",
        Rule::func_part => "a function name",
        Rule::type_name => "a type name",
        Rule::schema_name => "a schema name",
        Rule::index_name => "an index name",
        Rule::trigger_name => "a trigger name",
        Rule::role_name => "a role name",
        Rule::object_name => "a name",
        Rule::alias_name => "an alias",
        Rule::col_label => "a name",
        Rule::setting_name => "a setting name",
        Rule::column_list => "a column list in parentheses",
        Rule::sql_number => "a number",
        Rule::bit_string => "a bit string",
        Rule::unicode_string => "a string",
        Rule::national_string => "a string",
        Rule::sql_string => "a string",
        Rule::sql_param => "a parameter ($1)",
        Rule::signed_number => "a number",
        Rule::sql_operator => "an operator",
        Rule::cast_op => "`::`",
        Rule::sql_expr => "an expression",
        Rule::sql_in_list => "a list in parentheses",
        Rule::sql_expr_list => "a list of expressions",
        Rule::sql_special_value => "a special value (CURRENT_DATE ...)",
        Rule::sql_case => "CASE",
        Rule::sql_cast => "CAST",
        Rule::sql_exists => "EXISTS",
        Rule::sql_array => "ARRAY",
        Rule::sql_array_brackets => "an array",
        Rule::sql_row => "ROW",
        Rule::sql_paren => "an expression in parentheses",
        Rule::sql_quantified => "ANY / SOME / ALL",
        Rule::sql_func_call => "a function call",
        Rule::sql_func_args => "function arguments",
        Rule::sql_type => "a type",
        Rule::sql_query => "a query",
        Rule::sql_with => "WITH",
        Rule::sql_cte => "a WITH query",
        Rule::sql_select => "a SELECT",
        Rule::sql_set_op => "UNION / INTERSECT / EXCEPT",
        Rule::sql_select_core => "SELECT",
        Rule::sql_select_list => "a select list",
        Rule::sql_select_item => "an output column",
        Rule::sql_into => "INTO",
        Rule::sql_values => "VALUES",
        Rule::sql_from => "FROM",
        Rule::sql_from_item => "a FROM item",
        Rule::sql_alias => "an alias",
        Rule::sql_tablesample => "TABLESAMPLE",
        Rule::sql_join => "JOIN",
        Rule::sql_where => "WHERE",
        Rule::sql_group_by => "GROUP BY",
        Rule::sql_having => "HAVING",
        Rule::sql_window => "WINDOW",
        Rule::sql_window_paren => "a window definition",
        Rule::sql_frame => "a window frame",
        Rule::sql_order_by => "ORDER BY",
        Rule::sql_sort_item => "a sort item",
        Rule::sql_limit => "LIMIT",
        Rule::sql_locking => "FOR UPDATE / SHARE",
        Rule::sql_insert => "INSERT",
        Rule::sql_on_conflict => "ON CONFLICT",
        Rule::sql_returning => "RETURNING",
        Rule::sql_update => "UPDATE",
        Rule::sql_set_item => "an assignment",
        Rule::sql_delete => "DELETE",
        Rule::if_not_exists => "IF NOT EXISTS",
        Rule::if_exists => "IF EXISTS",
        Rule::sql_create_table => "CREATE TABLE",
        Rule::sql_partition_by => "PARTITION BY",
        Rule::sql_with_options => "WITH (options)",
        Rule::sql_options_paren => "options in parentheses",
        Rule::sql_option => "an option",
        Rule::sql_column_def => "a column definition",
        Rule::sql_column_constraint => "a column constraint",
        Rule::sql_table_constraint => "a table constraint",
        Rule::sql_ref_action => "a referential action",
        Rule::sql_alter_table => "ALTER TABLE",
        Rule::sql_alter_table_action => "an ALTER TABLE action",
        Rule::sql_alter_column => "an ALTER COLUMN action",
        Rule::sql_create_index => "CREATE INDEX",
        Rule::sql_index_elem => "an index column or expression",
        Rule::sql_alter_index => "ALTER INDEX",
        Rule::sql_create_sequence => "CREATE SEQUENCE",
        Rule::sql_seq_option => "a sequence option",
        Rule::sql_alter_sequence => "ALTER SEQUENCE",
        Rule::sql_create_view => "CREATE VIEW",
        Rule::sql_alter_view => "ALTER VIEW",
        Rule::sql_create_schema => "CREATE SCHEMA",
        Rule::sql_alter_schema => "ALTER SCHEMA",
        Rule::sql_role_spec => "a role",
        Rule::sql_create_function => "CREATE FUNCTION",
        Rule::sql_func_param => "a function parameter",
        Rule::sql_func_option => "a function option",
        Rule::sql_func_sig => "a function signature",
        Rule::sql_alter_function => "ALTER FUNCTION",
        Rule::sql_create_trigger => "CREATE TRIGGER",
        Rule::sql_trigger_event => "a trigger event",
        Rule::sql_alter_trigger => "ALTER TRIGGER",
        Rule::sql_create_extension => "CREATE EXTENSION",
        Rule::sql_alter_extension => "ALTER EXTENSION",
        Rule::sql_object_ref => "an object",
        Rule::sql_drop => "DROP",
        Rule::sql_drop_function => "DROP FUNCTION",
        Rule::sql_drop_trigger => "DROP TRIGGER",
        Rule::sql_truncate => "TRUNCATE",
        Rule::sql_transaction => "TRANSACTION",
        Rule::sql_grant => "GRANT",
        Rule::sql_revoke => "REVOKE",
        Rule::sql_privileges => "privileges",
        Rule::sql_grant_target => "an object to grant on",
        Rule::sql_grantee => "a role",
        Rule::sql_copy => "COPY",
        Rule::sql_copy_options => "options in parentheses",
        Rule::sql_copy_option => "an option",
        Rule::sql_set => "SET",
        Rule::sql_reset => "RESET",
        Rule::sql_show => "SHOW",
        Rule::sql_vacuum => "VACUUM",
        Rule::sql_vacuum_target => "a table",
        Rule::sql_analyze => "ANALYZE",
        Rule::sql_explain => "EXPLAIN",
        Rule::sql_do => "DO",
        Rule::sql_comment => "COMMENT",
        Rule::EOI => "the end of the statement",
        // Silent rules: never reported, never offered.
        Rule::WHITESPACE
        | Rule::COMMENT
        | Rule::line_comment
        | Rule::block_comment
        | Rule::ident_start
        | Rule::ident_char
        | Rule::bare_ident
        | Rule::quoted_ident
        | Rule::dollar_tag
        | Rule::reserved
        | Rule::strict_reserved
        | Rule::command
        | Rule::sql_any_token
        | Rule::sql_statement
        | Rule::name_list
        | Rule::sql_operand
        | Rule::sql_prefix
        | Rule::sql_infix
        | Rule::sql_postfix
        | Rule::query_start
        | Rule::sql_primary
        | Rule::sql_func_arg
        | Rule::sql_interval_fields
        | Rule::sql_base_type
        | Rule::sql_type_mods
        | Rule::sql_select_term
        | Rule::sql_row_values
        | Rule::sql_from_primary
        | Rule::sql_join_kind
        | Rule::sql_group_item
        | Rule::sql_window_spec
        | Rule::sql_frame_bound
        | Rule::sql_drop_behavior
        | Rule::sql_temp
        | Rule::sql_table_tail
        | Rule::sql_partition_bound
        | Rule::sql_option_value
        | Rule::sql_table_elem
        | Rule::sql_index_tail
        | Rule::sql_alter_common
        | Rule::sql_trigger_arg
        | Rule::sql_tx_mode
        | Rule::sql_privilege
        | Rule::sql_copy_legacy_option
        | Rule::sql_set_value => "SQL",
    };
    Cow::Borrowed(text)
}

/// What completion offers where this rule is expected; `None` for rules
/// that are structure, not a single thing to type.
pub fn slot(rule: Rule) -> Option<Slot> {
    Some(match rule {
        keyword_rules!() => Slot::Keyword(keyword_text(rule)),
        Rule::string_literal => Slot::Value,
        Rule::integer => Slot::Value,
        Rule::semicolon => Slot::Punct(";"),
        Rule::comma => Slot::Punct(","),
        Rule::eq => Slot::Punct("="),
        Rule::star => Slot::Punct("*"),
        Rule::plus => Slot::Punct("+"),
        Rule::dot => Slot::Punct("."),
        Rule::lparen => Slot::Punct("("),
        Rule::rparen => Slot::Punct(")"),
        Rule::lbracket => Slot::Punct("["),
        Rule::rbracket => Slot::Punct("]"),
        Rule::queue_name => Slot::QueueName,
        Rule::consumer_name => Slot::ConsumerName,
        Rule::node_name => Slot::NodeName,
        Rule::table_name => Slot::TableName,
        Rule::sequence_name => Slot::SequenceName,
        Rule::new_table_name => Slot::NewLondisteTable,
        Rule::replicated_table_name => Slot::LondisteTable,
        Rule::new_sequence_name => Slot::NewLondisteSequence,
        Rule::replicated_sequence_name => Slot::LondisteSequence,
        Rule::batch_id => Slot::BatchId,
        Rule::tick_id => Slot::TickId,
        Rule::connstr => Slot::Value,
        Rule::help_word => Slot::HelpTopic,
        Rule::conn_value => Slot::Value,
        Rule::boolean => Slot::Value,
        Rule::interval_value => Slot::Value,
        Rule::relation_name => Slot::TableName,
        Rule::column_ref => Slot::ColumnRef,
        Rule::column_name => Slot::ColumnName,
        Rule::function_name => Slot::FunctionName,
        Rule::type_name => Slot::TypeName,
        Rule::schema_name => Slot::SchemaName,
        Rule::index_name => Slot::IndexName,
        Rule::trigger_name => Slot::TriggerName,
        Rule::role_name => Slot::RoleName,
        Rule::object_name => Slot::ObjectName,
        Rule::alias_name => Slot::AliasName,
        Rule::col_label => Slot::ObjectName,
        Rule::setting_name => Slot::SettingName,
        Rule::cast_op => Slot::Punct("::"),
        Rule::name_part
        | Rule::name_string
        | Rule::plain_string
        | Rule::escape_string
        | Rule::dollar_string
        | Rule::conn_word
        | command_rules!()
        | Rule::connect_setting
        | Rule::queue_setting
        | Rule::create_node_option
        | Rule::takeover_option
        | Rule::table_option
        | Rule::command_head
        | Rule::command_start
        | Rule::sql
        | Rule::statement
        | Rule::sql_only
        | Rule::sql_any
        | Rule::reserved_word
        | Rule::func_part
        | Rule::column_list
        | Rule::sql_number
        | Rule::bit_string
        | Rule::unicode_string
        | Rule::national_string
        | Rule::sql_string
        | Rule::sql_param
        | Rule::signed_number
        | Rule::sql_operator
        | Rule::sql_expr
        | Rule::sql_in_list
        | Rule::sql_expr_list
        | Rule::sql_special_value
        | Rule::sql_case
        | Rule::sql_cast
        | Rule::sql_exists
        | Rule::sql_array
        | Rule::sql_array_brackets
        | Rule::sql_row
        | Rule::sql_paren
        | Rule::sql_quantified
        | Rule::sql_func_call
        | Rule::sql_func_args
        | Rule::sql_type
        | Rule::sql_query
        | Rule::sql_with
        | Rule::sql_cte
        | Rule::sql_select
        | Rule::sql_set_op
        | Rule::sql_select_core
        | Rule::sql_select_list
        | Rule::sql_select_item
        | Rule::sql_into
        | Rule::sql_values
        | Rule::sql_from
        | Rule::sql_from_item
        | Rule::sql_alias
        | Rule::sql_tablesample
        | Rule::sql_join
        | Rule::sql_where
        | Rule::sql_group_by
        | Rule::sql_having
        | Rule::sql_window
        | Rule::sql_window_paren
        | Rule::sql_frame
        | Rule::sql_order_by
        | Rule::sql_sort_item
        | Rule::sql_limit
        | Rule::sql_locking
        | Rule::sql_insert
        | Rule::sql_on_conflict
        | Rule::sql_returning
        | Rule::sql_update
        | Rule::sql_set_item
        | Rule::sql_delete
        | Rule::if_not_exists
        | Rule::if_exists
        | Rule::sql_create_table
        | Rule::sql_partition_by
        | Rule::sql_with_options
        | Rule::sql_options_paren
        | Rule::sql_option
        | Rule::sql_column_def
        | Rule::sql_column_constraint
        | Rule::sql_table_constraint
        | Rule::sql_ref_action
        | Rule::sql_alter_table
        | Rule::sql_alter_table_action
        | Rule::sql_alter_column
        | Rule::sql_create_index
        | Rule::sql_index_elem
        | Rule::sql_alter_index
        | Rule::sql_create_sequence
        | Rule::sql_seq_option
        | Rule::sql_alter_sequence
        | Rule::sql_create_view
        | Rule::sql_alter_view
        | Rule::sql_create_schema
        | Rule::sql_alter_schema
        | Rule::sql_role_spec
        | Rule::sql_create_function
        | Rule::sql_func_param
        | Rule::sql_func_option
        | Rule::sql_func_sig
        | Rule::sql_alter_function
        | Rule::sql_create_trigger
        | Rule::sql_trigger_event
        | Rule::sql_alter_trigger
        | Rule::sql_create_extension
        | Rule::sql_alter_extension
        | Rule::sql_object_ref
        | Rule::sql_drop
        | Rule::sql_drop_function
        | Rule::sql_drop_trigger
        | Rule::sql_truncate
        | Rule::sql_transaction
        | Rule::sql_grant
        | Rule::sql_revoke
        | Rule::sql_privileges
        | Rule::sql_grant_target
        | Rule::sql_grantee
        | Rule::sql_copy
        | Rule::sql_copy_options
        | Rule::sql_copy_option
        | Rule::sql_set
        | Rule::sql_reset
        | Rule::sql_show
        | Rule::sql_vacuum
        | Rule::sql_vacuum_target
        | Rule::sql_analyze
        | Rule::sql_explain
        | Rule::sql_do
        | Rule::sql_comment
        | Rule::EOI
        | Rule::WHITESPACE
        | Rule::COMMENT
        | Rule::line_comment
        | Rule::block_comment
        | Rule::ident_start
        | Rule::ident_char
        | Rule::bare_ident
        | Rule::quoted_ident
        | Rule::dollar_tag
        | Rule::reserved
        | Rule::strict_reserved
        | Rule::command
        | Rule::sql_any_token
        | Rule::sql_statement
        | Rule::name_list
        | Rule::sql_operand
        | Rule::sql_prefix
        | Rule::sql_infix
        | Rule::sql_postfix
        | Rule::query_start
        | Rule::sql_primary
        | Rule::sql_func_arg
        | Rule::sql_interval_fields
        | Rule::sql_base_type
        | Rule::sql_type_mods
        | Rule::sql_select_term
        | Rule::sql_row_values
        | Rule::sql_from_primary
        | Rule::sql_join_kind
        | Rule::sql_group_item
        | Rule::sql_window_spec
        | Rule::sql_frame_bound
        | Rule::sql_drop_behavior
        | Rule::sql_temp
        | Rule::sql_table_tail
        | Rule::sql_partition_bound
        | Rule::sql_option_value
        | Rule::sql_table_elem
        | Rule::sql_index_tail
        | Rule::sql_alter_common
        | Rule::sql_trigger_arg
        | Rule::sql_tx_mode
        | Rule::sql_privilege
        | Rule::sql_copy_legacy_option
        | Rule::sql_set_value => return None,
    })
}
