//! The typed AST of qadmin's shell commands: owned data, no pest types.
//! One `Command` variant per command rule of `grammar/qadmin.pest`, named
//! like the rule (`register_consumer` -> `Command::RegisterConsumer`).
//! Names are newtypes whose text is already unquoted and case-folded by
//! [`crate::parse::ident`]; values are typed literals.

use std::fmt;

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

/// A shell command; one variant per command rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `connect <key>=<value> ...`
    Connect(Connect),
    /// `install pgq | londiste`
    Install(Install),
    /// `show queue [<q> | *]`
    ShowQueue(ShowQueue),
    /// `create queue <q>`
    CreateQueue(CreateQueue),
    /// `alter queue <q> | * set <param> = <value> [, ...]`
    AlterQueue(AlterQueue),
    /// `drop queue <q> [force]`
    DropQueue(DropQueue),
    /// `show consumer [<c> | *] [on <q> | on *]`
    ShowConsumer(ShowConsumer),
    /// `register consumer <c> [on <q>] [at <tick> | copy <c2>]`
    RegisterConsumer(RegisterConsumer),
    /// `unregister consumer <c> | * [from <q>]`
    UnregisterConsumer(UnregisterConsumer),
    /// `register subconsumer <s> for <c> [on <q>]`
    RegisterSubconsumer(RegisterSubconsumer),
    /// `unregister subconsumer <s> | * for <c> [from <q>] [close [batch]]`
    UnregisterSubconsumer(UnregisterSubconsumer),
    /// `show batch <id> | <consumer>`
    ShowBatch(ShowBatch),
    /// `show table <t>`
    ShowTable(ShowTable),
    /// `show sequence <s>`
    ShowSequence(ShowSequence),
    /// `show version`
    ShowVersion,
    /// `show help [<command words>]`
    ShowHelp(ShowHelp),
    /// `show node [<n> | *] [on <q>]`
    ShowNode(ShowNode),
    /// `tick [<q>]`
    Tick(Tick),
    /// `maint`
    Maint,
    /// `create root | branch | leaf node <n> ...`
    CreateNode(CreateNode),
    /// `show cascade` and its short form `status`
    ShowCascade,
    /// `show members`
    ShowMembers,
    /// `show node status [<n>]`
    ShowNodeStatus(ShowNodeStatus),
    /// `alter node <n> provider <p>`
    AlterNodeProvider(AlterNodeProvider),
    /// `alter node <n> rename <new>`
    AlterNodeRename(AlterNodeRename),
    /// `alter node <n> location '<connstr>'`
    AlterNodeLocation(AlterNodeLocation),
    /// `takeover <old> [with all] [dead] [force]`
    Takeover(Takeover),
    /// `drop node <n>`
    DropNode(DropNode),
    /// `tag node <n> dead | alive`
    TagNode(TagNode),
    /// `pause node <n>`
    PauseNode(PauseNode),
    /// `resume node <n>`
    ResumeNode(ResumeNode),
    /// `pause consumer <c> [on <node>]`
    PauseConsumer(PauseConsumer),
    /// `resume consumer <c> [on <node>]`
    ResumeConsumer(ResumeConsumer),
    /// `wait root`
    WaitRoot,
    /// `wait provider`
    WaitProvider,
    /// `resurrect`
    Resurrect,
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
    /// `exit` and `quit`
    Quit,
}

/// `connect`: connection settings, and the queue / node to work on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connect {
    /// libpq settings in the order given (a key may repeat; the last wins).
    pub settings: Vec<ConnSetting>,
    /// `queue=<q>`: the current queue after connecting.
    pub queue: Option<QueueName>,
    /// `node=<n>`: the current node after connecting.
    pub node: Option<NodeName>,
}

/// One `key=value` of `connect`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnSetting {
    /// The libpq keyword.
    pub key: ConnKey,
    /// The value, unquoted.
    pub value: String,
}

/// The libpq keywords `connect` takes.
#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnKey {
    Dbname,
    Host,
    Port,
    User,
    Password,
    Service,
    Sslmode,
}

impl ConnKey {
    /// The libpq keyword (`dbname`, `sslmode`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            ConnKey::Dbname => "dbname",
            ConnKey::Host => "host",
            ConnKey::Port => "port",
            ConnKey::User => "user",
            ConnKey::Password => "password",
            ConnKey::Service => "service",
            ConnKey::Sslmode => "sslmode",
        }
    }
}

/// `install pgq | londiste`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Install {
    /// What to install.
    pub extension: Extension,
}

/// Extensions `install` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extension {
    /// pgq (and pgq_node).
    Pgq,
    /// londiste (with pgq and pgq_node).
    Londiste,
}

/// `show queue [<q> | *]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShowQueue {
    /// `None` when no name was given.
    pub queue: Option<Target<QueueName>>,
    /// `show queue+`: every column.
    pub verbose: bool,
}

/// `create queue <q>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateQueue {
    /// The new queue.
    pub queue: QueueName,
}

/// `alter queue <q> | * set ...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlterQueue {
    /// The queue, or all queues.
    pub queue: Target<QueueName>,
    /// The settings, in the order given.
    pub settings: Vec<QueueSetting>,
}

/// One `<param> = <value>` of `alter queue`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueSetting {
    /// The parameter.
    pub param: QueueParam,
    /// Its value: an integer or string for periods, an integer for
    /// `max_count`, a boolean for `paused` / `external_ticker`.
    pub value: Literal,
}

/// The parameters `pgq.set_queue_config` accepts.
#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueParam {
    TickerIdlePeriod,
    TickerMaxCount,
    TickerMaxLag,
    TickerPaused,
    RotationPeriod,
    ExternalTicker,
}

impl QueueParam {
    /// The name `pgq.set_queue_config` takes (`ticker_max_lag`, ...).
    pub fn config_name(self) -> &'static str {
        match self {
            QueueParam::TickerIdlePeriod => "ticker_idle_period",
            QueueParam::TickerMaxCount => "ticker_max_count",
            QueueParam::TickerMaxLag => "ticker_max_lag",
            QueueParam::TickerPaused => "ticker_paused",
            QueueParam::RotationPeriod => "rotation_period",
            QueueParam::ExternalTicker => "external_ticker",
        }
    }
}

/// `drop queue <q> [force]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DropQueue {
    /// The queue.
    pub queue: QueueName,
    /// `force`: drop even with consumers registered.
    pub force: bool,
}

/// `show consumer [<c> | *] [on <q> | on *]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShowConsumer {
    /// The consumer, `*`, or `None` when not given.
    pub consumer: Option<Target<ConsumerName>>,
    /// `on <q>` / `on *`, or `None` when not given.
    pub queue: Option<Target<QueueName>>,
    /// `show consumer+`: every column.
    pub verbose: bool,
}

/// `register consumer <c> [on <q>] [at <tick> | copy <c2>]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterConsumer {
    /// The consumer.
    pub consumer: ConsumerName,
    /// `on <q>`; `None` means the current queue.
    pub queue: Option<QueueName>,
    /// Where the consumer starts, when given.
    pub start: Option<ConsumerStart>,
}

/// Where a new consumer starts reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsumerStart {
    /// `at <tick>`.
    AtTick(i64),
    /// `copy <c2>`: at the position of another consumer.
    CopyFrom(ConsumerName),
}

/// `unregister consumer <c> | * [from <q>]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnregisterConsumer {
    /// The consumer, or all of them.
    pub consumer: Target<ConsumerName>,
    /// `from <q>`; `None` means the current queue.
    pub queue: Option<QueueName>,
}

/// `register subconsumer <s> for <c> [on <q>]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterSubconsumer {
    /// The subconsumer.
    pub subconsumer: ConsumerName,
    /// Its cooperative consumer.
    pub consumer: ConsumerName,
    /// `on <q>`; `None` means the current queue.
    pub queue: Option<QueueName>,
}

/// `unregister subconsumer <s> | * for <c> [from <q>] [close [batch]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnregisterSubconsumer {
    /// The subconsumer, or all of them.
    pub subconsumer: Target<ConsumerName>,
    /// Its cooperative consumer.
    pub consumer: ConsumerName,
    /// `from <q>`; `None` means the current queue.
    pub queue: Option<QueueName>,
    /// `close [batch]`: close an open batch instead of failing.
    pub close_batch: bool,
}

/// `show batch <id> | <consumer>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShowBatch {
    /// Which batch.
    pub batch: BatchRef,
}

/// A batch by id, or a consumer's current batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchRef {
    /// A batch id.
    Id(i64),
    /// The current batch of this consumer (on the current queue).
    Consumer(ConsumerName),
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

/// `show help [<command words>]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShowHelp {
    /// The words after `help`, lower-cased; empty for the whole list.
    pub topic: Vec<String>,
}

/// `show node [<n> | *] [on <q>]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShowNode {
    /// The node, `*`, or `None` when not given.
    pub node: Option<Target<NodeName>>,
    /// `on <q>`; `None` means the current queue.
    pub queue: Option<QueueName>,
}

/// `tick [<q>]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tick {
    /// The queue; `None` is the current queue, else every queue.
    pub queue: Option<QueueName>,
    /// `force`: a tick now, whatever the queue's ticker settings say.
    pub force: bool,
}

/// `create root | branch | leaf node <n> [options]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateNode {
    /// Root, branch or leaf.
    pub kind: NodeKind,
    /// The new node's name.
    pub node: NodeName,
    /// `on <q>`; `None` means the current queue.
    pub queue: Option<QueueName>,
    /// `location '<connstr>'`: how other nodes reach this one.
    pub location: Option<String>,
    /// `provider <node>` or `provider '<connstr>'`.
    pub provider: Option<Provider>,
    /// `worker <name>`: the node's worker (consumer) name.
    pub worker: Option<ConsumerName>,
    /// `merge <q>`: the queue a leaf merges into.
    pub merge: Option<QueueName>,
}

/// Kinds of cascade node.
#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    Root,
    Branch,
    Leaf,
}

/// A provider given by node name or by connection string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Provider {
    /// `provider <node>`.
    Node(NodeName),
    /// `provider '<connstr>'`.
    Location(String),
}

/// `show node status [<n>]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShowNodeStatus {
    /// The node; `None` means the current node.
    pub node: Option<NodeName>,
}

/// `alter node <n> provider <p>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlterNodeProvider {
    /// The node whose provider changes.
    pub node: NodeName,
    /// Its new provider.
    pub provider: NodeName,
}

/// `alter node <n> rename <new>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlterNodeRename {
    /// The node.
    pub node: NodeName,
    /// Its new name.
    pub new_name: NodeName,
}

/// `alter node <n> location '<connstr>'`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlterNodeLocation {
    /// The node.
    pub node: NodeName,
    /// Its new connection string.
    pub location: String,
}

/// `takeover <old> [with all] [dead] [force]` (run on the new node).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Takeover {
    /// The node taken over.
    pub old: NodeName,
    /// `with all`: also take over the old node's other subscribers.
    pub all: bool,
    /// `dead`: the old node is unreachable.
    pub dead: bool,
    /// `force`: go on although tables are missing or not in sync.
    pub force: bool,
}

/// `drop node <n>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DropNode {
    /// The node.
    pub node: NodeName,
}

/// `tag node <n> dead | alive`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagNode {
    /// The node.
    pub node: NodeName,
    /// `dead` (true) or `alive` (false).
    pub dead: bool,
}

/// `pause node <n>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PauseNode {
    /// The node.
    pub node: NodeName,
}

/// `resume node <n>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResumeNode {
    /// The node.
    pub node: NodeName,
}

/// `pause consumer <c> [on <node>]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PauseConsumer {
    /// The consumer.
    pub consumer: ConsumerName,
    /// `on <node>`; `None` means the current node.
    pub node: Option<NodeName>,
}

/// `resume consumer <c> [on <node>]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResumeConsumer {
    /// The consumer.
    pub consumer: ConsumerName,
    /// `on <node>`; `None` means the current node.
    pub node: Option<NodeName>,
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
