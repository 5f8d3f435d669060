//! The Londiste family: replicated tables and sequences (`londiste ...`)
//! and `show table` / `show sequence`. The family's enum, AST structs,
//! command table (`specs!`), its exhaustive `spec()` and its lowering,
//! together; handled by `exec/londiste.rs`.

use super::*;

/// A londiste command; one variant per command of the family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LondisteCommand {
    /// `show table <t>`
    ShowTable(ShowTable),
    /// `show sequence <s>`
    ShowSequence(ShowSequence),
    /// `londiste add table <t> [, ...] [with <opt> [, ...]]`
    LondisteAddTable(LondisteAddTable),
    /// `londiste add sequence <s> [, ...]`
    LondisteAddSequence(LondisteAddSequence),
    /// `londiste remove table <t> [, ...]`
    LondisteRemoveTable(LondisteRemoveTable),
    /// `londiste remove sequence <s> [, ...]`
    LondisteRemoveSequence(LondisteRemoveSequence),
    /// `londiste tables`
    LondisteTables,
    /// `londiste seqs`
    LondisteSeqs,
    /// `londiste missing`
    LondisteMissing,
    /// `londiste resync <t> [, ...]`
    LondisteResync(LondisteResync),
    /// `londiste wait sync`
    LondisteWaitSync,
    /// `londiste show handlers`
    LondisteShowHandlers,
}

specs! {
    SHOW_TABLE: show_table, Inspection, "show table", Nothing, None,
        "show table <t>;",
        "Show a table's columns, keys and triggers.";
    SHOW_SEQUENCE: show_sequence, Inspection, "show sequence", Nothing, None,
        "show sequence <s>;",
        "Show a sequence's settings and current value.";
    LONDISTE_ADD_TABLE: londiste_add_table, Londiste, "londiste add table", Londiste, Some("ADD_TABLE"),
        "londiste add table <t> [, ...] [with <opt> [, ...]];",
        "Replicate tables. Options: skip_truncate, expect_sync, no_triggers, backup, skip, create, handler='<h>', tgflags='<flags>', when='<expr>', pkey='<cols>', ev_type|ev_data|ev_extra1..4='<expr>', ignore='<cols>'.";
    LONDISTE_ADD_SEQUENCE: londiste_add_sequence, Londiste, "londiste add sequence", Londiste, Some("ADD_SEQ"),
        "londiste add sequence <s> [, ...];",
        "Replicate sequences.";
    LONDISTE_REMOVE_TABLE: londiste_remove_table, Londiste, "londiste remove table", Londiste, Some("REMOVE_TABLE"),
        "londiste remove table <t> [, ...];",
        "Stop replicating tables.";
    LONDISTE_REMOVE_SEQUENCE: londiste_remove_sequence, Londiste, "londiste remove sequence", Londiste, Some("REMOVE_SEQ"),
        "londiste remove sequence <s> [, ...];",
        "Stop replicating sequences.";
    LONDISTE_TABLES: londiste_tables, Londiste, "londiste tables", Nothing, None,
        "londiste tables;",
        "Show replicated tables and their state.";
    LONDISTE_SEQS: londiste_seqs, Londiste, "londiste seqs", Nothing, None,
        "londiste seqs;",
        "Show replicated sequences.";
    LONDISTE_MISSING: londiste_missing, Londiste, "londiste missing", Nothing, None,
        "londiste missing;",
        "Show tables and sequences the provider has that this node does not.";
    LONDISTE_RESYNC: londiste_resync, Londiste, "londiste resync", Londiste, Some("RESYNC"),
        "londiste resync <t> [, ...];",
        "Copy tables again from the provider.";
    LONDISTE_WAIT_SYNC: londiste_wait_sync, Londiste, "londiste wait sync", Nothing, Some("SYNC"),
        "londiste wait sync;",
        "Wait until all tables are in sync.";
    LONDISTE_SHOW_HANDLERS: londiste_show_handlers, Londiste, "londiste show handlers", Nothing, None,
        "londiste show handlers;",
        "List the available table handlers.";
}

impl LondisteCommand {
    /// This command's [`CommandSpec`].
    pub fn spec(&self) -> &'static CommandSpec {
        match self {
            LondisteCommand::ShowTable(_) => &SHOW_TABLE,
            LondisteCommand::ShowSequence(_) => &SHOW_SEQUENCE,
            LondisteCommand::LondisteAddTable(_) => &LONDISTE_ADD_TABLE,
            LondisteCommand::LondisteAddSequence(_) => &LONDISTE_ADD_SEQUENCE,
            LondisteCommand::LondisteRemoveTable(_) => &LONDISTE_REMOVE_TABLE,
            LondisteCommand::LondisteRemoveSequence(_) => &LONDISTE_REMOVE_SEQUENCE,
            LondisteCommand::LondisteTables => &LONDISTE_TABLES,
            LondisteCommand::LondisteSeqs => &LONDISTE_SEQS,
            LondisteCommand::LondisteMissing => &LONDISTE_MISSING,
            LondisteCommand::LondisteResync(_) => &LONDISTE_RESYNC,
            LondisteCommand::LondisteWaitSync => &LONDISTE_WAIT_SYNC,
            LondisteCommand::LondisteShowHandlers => &LONDISTE_SHOW_HANDLERS,
        }
    }
}

/// A command rule of this family; `None` for the other families' rules.
pub(super) fn lower(pair: P<'_>) -> R<Option<LondisteCommand>> {
    Ok(Some(match pair.as_rule() {
        Rule::show_table => LondisteCommand::ShowTable(ShowTable {
            table: qualified(first_of(pair, Rule::table_name, "show_table")?),
        }),
        Rule::show_sequence => LondisteCommand::ShowSequence(ShowSequence {
            sequence: qualified(first_of(pair, Rule::sequence_name, "show_sequence")?),
        }),
        Rule::londiste_add_table => {
            LondisteCommand::LondisteAddTable(lower_londiste_add_table(pair)?)
        }
        Rule::londiste_add_sequence => LondisteCommand::LondisteAddSequence(LondisteAddSequence {
            sequences: qualified_list(pair.into_inner(), Rule::new_sequence_name),
        }),
        Rule::londiste_remove_table => LondisteCommand::LondisteRemoveTable(LondisteRemoveTable {
            tables: qualified_list(pair.into_inner(), Rule::replicated_table_name),
        }),
        Rule::londiste_remove_sequence => {
            LondisteCommand::LondisteRemoveSequence(LondisteRemoveSequence {
                sequences: qualified_list(pair.into_inner(), Rule::replicated_sequence_name),
            })
        }
        Rule::londiste_tables => LondisteCommand::LondisteTables,
        Rule::londiste_seqs => LondisteCommand::LondisteSeqs,
        Rule::londiste_missing => LondisteCommand::LondisteMissing,
        Rule::londiste_resync => LondisteCommand::LondisteResync(LondisteResync {
            tables: qualified_list(pair.into_inner(), Rule::replicated_table_name),
        }),
        Rule::londiste_wait_sync => LondisteCommand::LondisteWaitSync,
        Rule::londiste_show_handlers => LondisteCommand::LondisteShowHandlers,
        _ => return Ok(None),
    }))
}

fn lower_londiste_add_table(pair: P<'_>) -> R<LondisteAddTable> {
    let inner = pair.into_inner();
    let tables = qualified_list(inner.clone(), Rule::new_table_name);
    let mut options = Vec::new();
    for p in inner.filter(|p| p.as_rule() == Rule::table_option) {
        options.push(lower_table_option(p)?);
    }
    Ok(LondisteAddTable { tables, options })
}

fn lower_table_option(pair: P<'_>) -> R<TableOption> {
    let mut inner = pair.clone().into_inner();
    let kw = match inner.next() {
        Some(k) => k.as_rule(),
        None => return Err(invalid(&pair, "missing option".into())),
    };
    let value = inner
        .find(|p| p.as_rule() == Rule::string_literal)
        .map(string_of)
        .unwrap_or_default();
    Ok(match kw {
        Rule::kw_skip_truncate => TableOption::SkipTruncate,
        Rule::kw_expect_sync => TableOption::ExpectSync,
        Rule::kw_no_triggers => TableOption::NoTriggers,
        Rule::kw_backup => TableOption::Backup,
        Rule::kw_skip => TableOption::Skip,
        Rule::kw_create => TableOption::Create,
        Rule::kw_handler => TableOption::Handler(value),
        Rule::kw_tgflags => TableOption::TgFlags(value),
        Rule::kw_when => TableOption::When(value),
        Rule::kw_pkey => TableOption::Pkey(value),
        Rule::kw_ev_type => TableOption::EvType(value),
        Rule::kw_ev_data => TableOption::EvData(value),
        Rule::kw_ev_extra1 => TableOption::EvExtra(1, value),
        Rule::kw_ev_extra2 => TableOption::EvExtra(2, value),
        Rule::kw_ev_extra3 => TableOption::EvExtra(3, value),
        Rule::kw_ev_extra4 => TableOption::EvExtra(4, value),
        Rule::kw_ignore => TableOption::Ignore(value),
        other => unreachable!("{other:?} in lower_table_option"),
    })
}

/// `show table <t>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShowTable {
    /// The table.
    pub table: QualifiedName,
}

/// `show sequence <s>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShowSequence {
    /// The sequence.
    pub sequence: QualifiedName,
}

/// `londiste add table <t> [, ...] [with <opt> [, ...]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LondisteAddTable {
    /// The tables.
    pub tables: Vec<QualifiedName>,
    /// The options, in the order given.
    pub options: Vec<TableOption>,
}

/// Options of `londiste add table` (londiste's add-table flags and
/// trigger arguments).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TableOption {
    /// `skip_truncate`: do not truncate before the copy.
    SkipTruncate,
    /// `expect_sync`: no copy; the table is already in sync.
    ExpectSync,
    /// `no_triggers`: do not create the triggers.
    NoTriggers,
    /// `backup`: the trigger keeps old row data.
    Backup,
    /// `skip`: the trigger is a SKIP trigger.
    Skip,
    /// `create`: create the table on the subscriber if missing.
    Create,
    /// `handler='<h>'`.
    Handler(String),
    /// `tgflags='<flags>'`.
    TgFlags(String),
    /// `when='<expr>'`.
    When(String),
    /// `pkey='<cols>'`.
    Pkey(String),
    /// `ev_type='<expr>'`.
    EvType(String),
    /// `ev_data='<expr>'`.
    EvData(String),
    /// `ev_extra1` .. `ev_extra4` = `'<expr>'` (the number, 1 to 4).
    EvExtra(u8, String),
    /// `ignore='<cols>'`.
    Ignore(String),
}

/// `londiste add sequence <s> [, ...]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LondisteAddSequence {
    /// The sequences.
    pub sequences: Vec<QualifiedName>,
}

/// `londiste remove table <t> [, ...]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LondisteRemoveTable {
    /// The tables.
    pub tables: Vec<QualifiedName>,
}

/// `londiste remove sequence <s> [, ...]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LondisteRemoveSequence {
    /// The sequences.
    pub sequences: Vec<QualifiedName>,
}

/// `londiste resync <t> [, ...]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LondisteResync {
    /// The tables.
    pub tables: Vec<QualifiedName>,
}
