//! The typed AST's shared parts: owned data, no pest types. A
//! [`Statement`] is a shell [`Command`] or SQL; the commands themselves
//! (the family enums, one variant per command rule of
//! `grammar/qadmin.pest` named like the rule: `register_consumer` ->
//! `QueueCommand::RegisterConsumer`, and their structs) live in their
//! family's file of [`super::command`]. Here: the names every family uses,
//! as newtypes whose text is already unquoted and case-folded by
//! [`crate::parse::ident`], typed literals, the SQL kinds, and
//! [`Changes`].

use std::fmt;

use super::command::Command;

macro_rules! name_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// A name from its final text (already unquoted and folded).
            pub fn new(name: impl Into<String>) -> Self {
                $name(name.into())
            }
            /// The name as PostgreSQL stores it.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

name_type!(
    /// A PgQ queue name.
    QueueName
);
name_type!(
    /// A PgQ consumer (or subconsumer, or cascade worker) name.
    ConsumerName
);
name_type!(
    /// A cascade (pgq_node) node name.
    NodeName
);

/// A table or sequence name, optionally schema-qualified. Both parts are
/// unquoted and case-folded.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QualifiedName {
    /// The schema, when given.
    pub schema: Option<String>,
    /// The object's name.
    pub name: String,
}

impl QualifiedName {
    /// A name without a schema.
    pub fn bare(name: impl Into<String>) -> Self {
        QualifiedName {
            schema: None,
            name: name.into(),
        }
    }
    /// A schema-qualified name.
    pub fn qualified(schema: impl Into<String>, name: impl Into<String>) -> Self {
        QualifiedName {
            schema: Some(schema.into()),
            name: name.into(),
        }
    }
}

impl fmt::Display for QualifiedName {
    /// `schema.name`, each part quoted when PostgreSQL would need it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(s) = &self.schema {
            write!(f, "{}.", crate::parse::ident::quote(s))?;
        }
        f.write_str(&crate::parse::ident::quote(&self.name))
    }
}

/// A name or `*` (all of them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target<T> {
    /// `*`.
    All,
    /// One named object.
    Named(T),
}

/// A typed literal value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Literal {
    /// A whole number.
    Integer(i64),
    /// A string, unquoted (`''` and E'' escapes resolved).
    String(String),
    /// true / false / on / off.
    Boolean(bool),
}

impl fmt::Display for Literal {
    /// The value as text, as `pgq.set_queue_config` takes it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Integer(n) => write!(f, "{n}"),
            Literal::String(s) => f.write_str(s),
            Literal::Boolean(b) => f.write_str(if *b { "true" } else { "false" }),
        }
    }
}

/// A parsed statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Statement {
    /// A shell command.
    Command(Command),
    /// SQL, which goes to the server verbatim.
    Sql(Sql),
}

/// What the grammar knows about a SQL statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sql {
    /// The statement's kind, from the structured rule that took it.
    pub kind: SqlKind,
    /// False when only the balanced-token fallback accepted it.
    pub structured: bool,
}

/// Kinds of SQL statement the structured rules know.
#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqlKind {
    Select,
    Insert,
    Update,
    Delete,
    CreateTable,
    CreateIndex,
    CreateSequence,
    CreateView,
    CreateSchema,
    CreateFunction,
    CreateTrigger,
    CreateExtension,
    AlterTable,
    AlterIndex,
    AlterSequence,
    AlterView,
    AlterSchema,
    AlterFunction,
    AlterTrigger,
    AlterExtension,
    Drop,
    DropFunction,
    DropTrigger,
    Truncate,
    Transaction,
    Grant,
    Revoke,
    Copy,
    Set,
    Reset,
    Show,
    Vacuum,
    Analyze,
    Explain,
    Do,
    Comment,
    /// Only the fallback accepted it (or it is empty).
    Other,
}

/// What a statement can change of what completion shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Changes {
    /// Nothing (queries, DML, `show ...`, pauses and waits).
    #[default]
    Nothing,
    /// SQL DDL: schemas, relations, columns, functions, roles, databases.
    Schema,
    /// Queues and consumers.
    Pgq,
    /// Cascade nodes (and the queues and Londiste tables they carry).
    Cascade,
    /// Londiste tables and sequences (and the relations `create` makes).
    Londiste,
    /// Everything (a new connection, new extensions).
    Everything,
}

impl Changes {
    /// What a SQL statement changed, from the command tag the server sent
    /// for it: DDL changes the schema, anything else nothing.
    pub fn of_sql_tag(tag: &str) -> Changes {
        let first = tag.split(' ').next().unwrap_or("");
        match first {
            "CREATE" | "ALTER" | "DROP" | "COMMENT" | "GRANT" | "REVOKE" | "IMPORT"
            | "SECURITY" | "REASSIGN" => Changes::Schema,
            // A rolled-back block may have made anything.
            "ROLLBACK" => Changes::Everything,
            _ => Changes::Nothing,
        }
    }

    /// Both together (the wider).
    pub fn and(self, other: Changes) -> Changes {
        use Changes::*;
        match (self, other) {
            (Everything, _) | (_, Everything) => Everything,
            (Nothing, x) | (x, Nothing) => x,
            (a, b) if a == b => a,
            _ => Everything,
        }
    }
}
