//! The command table: one [`CommandSpec`] per command form of
//! `grammar/qadmin.pest`. The entries are written in the family files of
//! [`super::command`] (with the `specs!` macro defined here), next to
//! each command's AST and lowering; [`ALL`] merges them in the grammar's
//! order and sections.
//!
//! A spec holds everything about a command that is not its syntax tree:
//! its rule, leading words, help section, syntax line and summary, what it
//! changes of what completion shows, and the status word it prints when
//! it succeeds. [`Command::spec`] reaches it through the family's
//! exhaustive match, so a new command variant does not compile without
//! one; help ([`super::help`]), [`Command::words`], [`Command::changes`],
//! the reply of `exec::command`, completion and the docs tests all read
//! it, so nothing about a command is typed twice. (ripgrep's
//! `flags/defs.rs` shape; see `docs/CONTRIBUTING.md` for adding a
//! command.)

use std::sync::LazyLock;

use super::ast::Changes;
use super::command::{Command, FAMILIES};
use super::{Rule, COMMAND_RULES};

/// Everything qadmin knows about one command form besides its syntax tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandSpec {
    /// The grammar rule (`register_consumer`).
    pub rule: &'static str,
    /// The section of the grammar (and of `docs/commands.md` and `show
    /// help`).
    pub section: &'static str,
    /// The leading words (`register consumer`), as `show help` lists them.
    pub words: &'static str,
    /// The syntax, `;` included.
    pub syntax: &'static str,
    /// What it does: the first sentence is the overview's line.
    pub summary: &'static str,
    /// What it can change of what completion shows (the sections of the
    /// catalog snapshot to refresh after it ran).
    pub changes: Changes,
    /// The status word printed when it succeeds (`REGISTER`); `None` for
    /// commands that answer with a table or text.
    pub status: Option<&'static str>,
}

/// One family's command table: a `pub static` [`CommandSpec`] per entry
/// (`NAME: rule, Section, "words", Changes, status, "syntax", "summary";`)
/// and `SPECS`, the family's entries in order. Used by the family files
/// of [`super::command`].
macro_rules! specs {
    ($($name:ident: $rule:ident, $section:ident, $words:literal, $changes:ident, $status:expr,
        $syntax:literal, $summary:literal;)*) => {
        $(
            #[doc = concat!("`", $words, "`")]
            pub static $name: $crate::parse::spec::CommandSpec = $crate::parse::spec::CommandSpec {
                rule: stringify!($rule),
                section: stringify!($section),
                words: $words,
                syntax: $syntax,
                summary: $summary,
                changes: $crate::parse::ast::Changes::$changes,
                status: $status,
            };
        )*
        /// This family's command forms.
        pub(super) static SPECS: &[&$crate::parse::spec::CommandSpec] = &[$(&$name),*];
    };
}

/// Every command form, in the grammar's order (the order in which
/// `grammar/qadmin.pest` defines the command rules, section by section,
/// as `show help` and `docs/commands.md` list them): the family tables of
/// [`super::command`] merged. Iterate it (`for e in ALL`) or use it as a
/// slice (`ALL.iter()`).
pub static ALL: AllSpecs = AllSpecs;

/// The type of [`ALL`]: a slice of every spec, built on first use.
#[derive(Debug, Clone, Copy)]
pub struct AllSpecs;

impl std::ops::Deref for AllSpecs {
    type Target = [&'static CommandSpec];
    fn deref(&self) -> &Self::Target {
        static SORTED: LazyLock<Vec<&'static CommandSpec>> = LazyLock::new(|| {
            let mut all: Vec<&'static CommandSpec> =
                FAMILIES.iter().flat_map(|f| f.iter().copied()).collect();
            all.sort_by_key(|s| COMMAND_RULES.iter().position(|r| *r == s.rule));
            all
        });
        &SORTED
    }
}

impl IntoIterator for AllSpecs {
    type Item = &'static &'static CommandSpec;
    type IntoIter = std::slice::Iter<'static, &'static CommandSpec>;
    fn into_iter(self) -> Self::IntoIter {
        let all: &'static [&'static CommandSpec] = &ALL;
        all.iter()
    }
}

/// The spec of a command rule.
pub(super) fn of_rule(rule: Rule) -> Option<&'static CommandSpec> {
    let name = format!("{rule:?}");
    ALL.iter().copied().find(|s| s.rule == name)
}

impl Command {
    /// The command's leading words, as `show help` lists them
    /// (`"register consumer"`, `"create root node"`).
    pub fn words(&self) -> &'static str {
        self.spec().words
    }

    /// What this command can change of what completion shows, declared
    /// in its spec so that the shell refreshes the right snapshot sections
    /// without reading the statement again.
    pub fn changes(&self) -> Changes {
        self.spec().changes
    }
}
