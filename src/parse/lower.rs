//! From pest pairs to the AST: one `lower_<rule>` per rule with children,
//! matching on `as_rule()`. Nothing here leaves `crate::parse`.

use pest::iterators::{Pair, Pairs};

use super::ast::*;
use super::error::{ErrorKind, SyntaxError};
use super::grammar::Rule;
use super::ident::{fold, unquote_string};

type P<'i> = Pair<'i, Rule>;
type R<T> = Result<T, SyntaxError>;

/// An error at a pair's start (for rules the grammar cannot state, such as
/// "given twice").
fn invalid(pair: &P<'_>, msg: String) -> SyntaxError {
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
            _ => return lower_command(p).map(Statement::Command),
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

/// One command rule.
pub(crate) fn lower_command(pair: P<'_>) -> R<Command> {
    let rule = pair.as_rule();
    Ok(match rule {
        Rule::connect => Command::Connect(lower_connect(pair)?),
        Rule::install => Command::Install(lower_install(pair)),
        Rule::show_queue => Command::ShowQueue(ShowQueue {
            verbose: has(pair.clone().into_inner(), Rule::plus),
            queue: opt_target(pair.into_inner(), Rule::queue_name, QueueName::new),
        }),
        Rule::create_queue => Command::CreateQueue(CreateQueue {
            queue: QueueName::new(name_of(pair.into_inner(), Rule::queue_name)),
        }),
        Rule::alter_queue => Command::AlterQueue(lower_alter_queue(pair)?),
        Rule::drop_queue => {
            let inner = pair.into_inner();
            Command::DropQueue(DropQueue {
                queue: QueueName::new(name_of(inner.clone(), Rule::queue_name)),
                force: has(inner, Rule::kw_force),
            })
        }
        Rule::show_consumer => Command::ShowConsumer(lower_show_consumer(pair)),
        Rule::register_consumer => Command::RegisterConsumer(lower_register_consumer(pair)?),
        Rule::unregister_consumer => {
            let inner = pair.into_inner();
            Command::UnregisterConsumer(UnregisterConsumer {
                consumer: target(inner.clone(), Rule::consumer_name, ConsumerName::new),
                queue: opt_name(inner, Rule::queue_name).map(QueueName::new),
            })
        }
        Rule::register_subconsumer => {
            let names = names(pair.clone().into_inner(), Rule::consumer_name);
            Command::RegisterSubconsumer(RegisterSubconsumer {
                subconsumer: ConsumerName::new(names.first().cloned().unwrap_or_default()),
                consumer: ConsumerName::new(names.get(1).cloned().unwrap_or_default()),
                queue: opt_name(pair.into_inner(), Rule::queue_name).map(QueueName::new),
            })
        }
        Rule::unregister_subconsumer => {
            Command::UnregisterSubconsumer(lower_unregister_subconsumer(pair)?)
        }
        Rule::show_batch => {
            let p = first_inner(pair, "show_batch")?;
            Command::ShowBatch(ShowBatch {
                batch: match p.as_rule() {
                    Rule::batch_id => BatchRef::Id(lower_number(&p)?),
                    _ => BatchRef::Consumer(ConsumerName::new(fold(p.as_str()))),
                },
            })
        }
        Rule::show_table => Command::ShowTable(ShowTable {
            table: qualified(first_of(pair, Rule::table_name, "show_table")?),
        }),
        Rule::show_sequence => Command::ShowSequence(ShowSequence {
            sequence: qualified(first_of(pair, Rule::sequence_name, "show_sequence")?),
        }),
        Rule::show_version => Command::ShowVersion,
        Rule::show_help => Command::ShowHelp(ShowHelp {
            topic: pair
                .into_inner()
                .filter(|p| p.as_rule() == Rule::help_word)
                .map(|p| p.as_str().to_ascii_lowercase())
                .collect(),
        }),
        Rule::show_node => {
            let inner = pair.into_inner();
            Command::ShowNode(ShowNode {
                node: opt_target(inner.clone(), Rule::node_name, NodeName::new),
                queue: opt_name(inner, Rule::queue_name).map(QueueName::new),
            })
        }
        Rule::tick => Command::Tick(Tick {
            force: has(pair.clone().into_inner(), Rule::kw_force),
            queue: opt_name(pair.into_inner(), Rule::queue_name).map(QueueName::new),
        }),
        Rule::maint => Command::Maint,
        Rule::create_root_node => Command::CreateNode(lower_create_node(pair, NodeKind::Root)?),
        Rule::create_branch_node => Command::CreateNode(lower_create_node(pair, NodeKind::Branch)?),
        Rule::create_leaf_node => Command::CreateNode(lower_create_node(pair, NodeKind::Leaf)?),
        Rule::show_cascade | Rule::status => Command::ShowCascade,
        Rule::show_members => Command::ShowMembers,
        Rule::show_node_status => Command::ShowNodeStatus(ShowNodeStatus {
            node: opt_name(pair.into_inner(), Rule::node_name).map(NodeName::new),
        }),
        Rule::alter_node_provider => {
            let n = names(pair.into_inner(), Rule::node_name);
            Command::AlterNodeProvider(AlterNodeProvider {
                node: NodeName::new(n.first().cloned().unwrap_or_default()),
                provider: NodeName::new(n.get(1).cloned().unwrap_or_default()),
            })
        }
        Rule::alter_node_rename => {
            let n = names(pair.into_inner(), Rule::node_name);
            Command::AlterNodeRename(AlterNodeRename {
                node: NodeName::new(n.first().cloned().unwrap_or_default()),
                new_name: NodeName::new(n.get(1).cloned().unwrap_or_default()),
            })
        }
        Rule::alter_node_location => {
            let inner = pair.clone().into_inner();
            Command::AlterNodeLocation(AlterNodeLocation {
                node: NodeName::new(name_of(inner.clone(), Rule::node_name)),
                location: string_of(first_of(pair, Rule::connstr, "alter_node_location")?),
            })
        }
        Rule::takeover => Command::Takeover(lower_takeover(pair)?),
        Rule::drop_node => Command::DropNode(DropNode {
            node: NodeName::new(name_of(pair.into_inner(), Rule::node_name)),
        }),
        Rule::tag_node => {
            let inner = pair.into_inner();
            Command::TagNode(TagNode {
                node: NodeName::new(name_of(inner.clone(), Rule::node_name)),
                dead: has(inner, Rule::kw_dead),
            })
        }
        Rule::pause_node => Command::PauseNode(PauseNode {
            node: NodeName::new(name_of(pair.into_inner(), Rule::node_name)),
        }),
        Rule::resume_node => Command::ResumeNode(ResumeNode {
            node: NodeName::new(name_of(pair.into_inner(), Rule::node_name)),
        }),
        Rule::pause_consumer => {
            let inner = pair.into_inner();
            Command::PauseConsumer(PauseConsumer {
                consumer: ConsumerName::new(name_of(inner.clone(), Rule::consumer_name)),
                node: opt_name(inner, Rule::node_name).map(NodeName::new),
            })
        }
        Rule::resume_consumer => {
            let inner = pair.into_inner();
            Command::ResumeConsumer(ResumeConsumer {
                consumer: ConsumerName::new(name_of(inner.clone(), Rule::consumer_name)),
                node: opt_name(inner, Rule::node_name).map(NodeName::new),
            })
        }
        Rule::wait_root => Command::WaitRoot,
        Rule::wait_provider => Command::WaitProvider,
        Rule::resurrect => Command::Resurrect,
        Rule::londiste_add_table => Command::LondisteAddTable(lower_londiste_add_table(pair)?),
        Rule::londiste_add_sequence => Command::LondisteAddSequence(LondisteAddSequence {
            sequences: qualified_list(pair.into_inner(), Rule::new_sequence_name),
        }),
        Rule::londiste_remove_table => Command::LondisteRemoveTable(LondisteRemoveTable {
            tables: qualified_list(pair.into_inner(), Rule::replicated_table_name),
        }),
        Rule::londiste_remove_sequence => Command::LondisteRemoveSequence(LondisteRemoveSequence {
            sequences: qualified_list(pair.into_inner(), Rule::replicated_sequence_name),
        }),
        Rule::londiste_tables => Command::LondisteTables,
        Rule::londiste_seqs => Command::LondisteSeqs,
        Rule::londiste_missing => Command::LondisteMissing,
        Rule::londiste_resync => Command::LondisteResync(LondisteResync {
            tables: qualified_list(pair.into_inner(), Rule::replicated_table_name),
        }),
        Rule::londiste_wait_sync => Command::LondisteWaitSync,
        Rule::londiste_show_handlers => Command::LondisteShowHandlers,
        Rule::exit | Rule::quit => Command::Quit,
        other => unreachable!("{other:?} in lower_command"),
    })
}

fn lower_connect(pair: P<'_>) -> R<Connect> {
    let mut c = Connect {
        settings: Vec::new(),
        queue: None,
        node: None,
    };
    for setting in pair
        .into_inner()
        .filter(|p| p.as_rule() == Rule::connect_setting)
    {
        lower_connect_setting(setting, &mut c)?;
    }
    Ok(c)
}

fn lower_connect_setting(pair: P<'_>, c: &mut Connect) -> R<()> {
    let mut inner = pair.clone().into_inner();
    let key = inner.next().map(|p| p.as_rule());
    let value = inner.find(|p| p.as_rule() != Rule::eq);
    let value = match value {
        Some(v) => v,
        None => return Err(invalid(&pair, "missing value".into())),
    };
    let key = match key {
        Some(Rule::kw_queue) => {
            c.queue = Some(QueueName::new(fold(value.as_str())));
            return Ok(());
        }
        Some(Rule::kw_node) => {
            c.node = Some(NodeName::new(fold(value.as_str())));
            return Ok(());
        }
        Some(Rule::kw_dbname) => ConnKey::Dbname,
        Some(Rule::kw_host) => ConnKey::Host,
        Some(Rule::kw_port) => ConnKey::Port,
        Some(Rule::kw_user) => ConnKey::User,
        Some(Rule::kw_password) => ConnKey::Password,
        Some(Rule::kw_service) => ConnKey::Service,
        Some(Rule::kw_sslmode) => ConnKey::Sslmode,
        other => unreachable!("{other:?} in lower_connect_setting"),
    };
    c.settings.push(ConnSetting {
        key,
        value: lower_conn_value(value),
    });
    Ok(())
}

fn lower_conn_value(pair: P<'_>) -> String {
    let raw = pair.as_str();
    if raw.ends_with('\'') || raw.starts_with('$') {
        unquote_string(raw)
    } else {
        raw.to_string()
    }
}

fn lower_install(pair: P<'_>) -> Install {
    Install {
        extension: if has(pair.into_inner(), Rule::kw_londiste) {
            Extension::Londiste
        } else {
            Extension::Pgq
        },
    }
}

fn lower_alter_queue(pair: P<'_>) -> R<AlterQueue> {
    let inner = pair.into_inner();
    let queue = target(inner.clone(), Rule::queue_name, QueueName::new);
    let mut settings = Vec::new();
    for p in inner.filter(|p| p.as_rule() == Rule::queue_setting) {
        settings.push(lower_queue_setting(p)?);
    }
    Ok(AlterQueue { queue, settings })
}

fn lower_queue_setting(pair: P<'_>) -> R<QueueSetting> {
    let mut inner = pair.clone().into_inner();
    let param = match inner.next().map(|p| p.as_rule()) {
        Some(Rule::kw_idle_period | Rule::kw_ticker_idle_period) => QueueParam::TickerIdlePeriod,
        Some(Rule::kw_max_lag | Rule::kw_ticker_max_lag) => QueueParam::TickerMaxLag,
        Some(Rule::kw_rotation_period) => QueueParam::RotationPeriod,
        Some(Rule::kw_max_count | Rule::kw_ticker_max_count) => QueueParam::TickerMaxCount,
        Some(Rule::kw_paused | Rule::kw_ticker_paused) => QueueParam::TickerPaused,
        Some(Rule::kw_external_ticker) => QueueParam::ExternalTicker,
        other => unreachable!("{other:?} in lower_queue_setting"),
    };
    let value = match inner.find(|p| p.as_rule() != Rule::eq) {
        Some(v) => lower_value(v)?,
        None => return Err(invalid(&pair, "missing value".into())),
    };
    Ok(QueueSetting { param, value })
}

/// `interval_value`, `integer`, `boolean` or `string_literal`.
fn lower_value(pair: P<'_>) -> R<Literal> {
    match pair.as_rule() {
        Rule::interval_value => match pair.clone().into_inner().next() {
            Some(p) => lower_value(p),
            None => Err(invalid(&pair, "missing value".into())),
        },
        Rule::integer => Ok(Literal::Integer(lower_number(&pair)?)),
        Rule::string_literal => Ok(Literal::String(string_of(pair))),
        Rule::boolean => Ok(Literal::Boolean(matches!(
            pair.into_inner().next().map(|p| p.as_rule()),
            Some(Rule::kw_true | Rule::kw_on)
        ))),
        other => unreachable!("{other:?} in lower_value"),
    }
}

fn lower_number(pair: &P<'_>) -> R<i64> {
    pair.as_str()
        .parse::<i64>()
        .map_err(|_| invalid(pair, format!("number out of range: {}", pair.as_str())))
}

fn lower_show_consumer(pair: P<'_>) -> ShowConsumer {
    let mut consumer = None;
    let mut queue = None;
    let mut after_on = false;
    let mut verbose = false;
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::plus => verbose = true,
            Rule::kw_on => after_on = true,
            Rule::star if after_on => queue = Some(Target::All),
            Rule::star => consumer = Some(Target::All),
            Rule::consumer_name => {
                consumer = Some(Target::Named(ConsumerName::new(fold(p.as_str()))))
            }
            Rule::queue_name => queue = Some(Target::Named(QueueName::new(fold(p.as_str())))),
            _ => {}
        }
    }
    ShowConsumer {
        consumer,
        queue,
        verbose,
    }
}

fn lower_register_consumer(pair: P<'_>) -> R<RegisterConsumer> {
    let mut consumer = None;
    let mut queue = None;
    let mut start = None;
    let mut copy = false;
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::kw_copy => copy = true,
            Rule::consumer_name if copy => {
                start = Some(ConsumerStart::CopyFrom(ConsumerName::new(fold(p.as_str()))))
            }
            Rule::consumer_name => consumer = Some(ConsumerName::new(fold(p.as_str()))),
            Rule::queue_name => queue = Some(QueueName::new(fold(p.as_str()))),
            Rule::tick_id => start = Some(ConsumerStart::AtTick(lower_number(&p)?)),
            _ => {}
        }
    }
    Ok(RegisterConsumer {
        consumer: consumer.unwrap_or_else(|| ConsumerName::new("")),
        queue,
        start,
    })
}

fn lower_unregister_subconsumer(pair: P<'_>) -> R<UnregisterSubconsumer> {
    let mut sub = None;
    let mut consumer = None;
    let mut queue = None;
    let mut close_batch = false;
    let mut after_for = false;
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::kw_for => after_for = true,
            Rule::star => sub = Some(Target::All),
            Rule::consumer_name if after_for => {
                consumer = Some(ConsumerName::new(fold(p.as_str())))
            }
            Rule::consumer_name => sub = Some(Target::Named(ConsumerName::new(fold(p.as_str())))),
            Rule::queue_name => queue = Some(QueueName::new(fold(p.as_str()))),
            Rule::kw_close => close_batch = true,
            _ => {}
        }
    }
    Ok(UnregisterSubconsumer {
        subconsumer: sub.unwrap_or(Target::All),
        consumer: consumer.unwrap_or_else(|| ConsumerName::new("")),
        queue,
        close_batch,
    })
}

fn lower_create_node(pair: P<'_>, kind: NodeKind) -> R<CreateNode> {
    let inner = pair.into_inner();
    let mut c = CreateNode {
        kind,
        node: NodeName::new(name_of(inner.clone(), Rule::node_name)),
        queue: None,
        location: None,
        provider: None,
        worker: None,
        merge: None,
    };
    for opt in inner.filter(|p| p.as_rule() == Rule::create_node_option) {
        lower_create_node_option(opt, &mut c)?;
    }
    Ok(c)
}

fn lower_create_node_option(pair: P<'_>, c: &mut CreateNode) -> R<()> {
    let mut inner = pair.clone().into_inner();
    let (kw, value) = match (inner.next(), inner.next()) {
        (Some(k), Some(v)) => (k, v),
        _ => return Err(invalid(&pair, "incomplete option".into())),
    };
    let twice = |what: &str| invalid(&pair, format!("`{what}` given twice"));
    match kw.as_rule() {
        Rule::kw_on => {
            if c.queue.is_some() {
                return Err(twice("on"));
            }
            c.queue = Some(QueueName::new(fold(value.as_str())));
        }
        Rule::kw_location => {
            if c.location.is_some() {
                return Err(twice("location"));
            }
            c.location = Some(string_of(value));
        }
        Rule::kw_provider => {
            if c.provider.is_some() {
                return Err(twice("provider"));
            }
            c.provider = Some(match value.as_rule() {
                Rule::connstr => Provider::Location(string_of(value)),
                _ => Provider::Node(NodeName::new(fold(value.as_str()))),
            });
        }
        Rule::kw_worker => {
            if c.worker.is_some() {
                return Err(twice("worker"));
            }
            c.worker = Some(ConsumerName::new(fold(value.as_str())));
        }
        Rule::kw_merge => {
            if c.merge.is_some() {
                return Err(twice("merge"));
            }
            c.merge = Some(QueueName::new(fold(value.as_str())));
        }
        other => unreachable!("{other:?} in lower_create_node_option"),
    }
    Ok(())
}

fn lower_takeover(pair: P<'_>) -> R<Takeover> {
    let inner = pair.into_inner();
    let mut t = Takeover {
        old: NodeName::new(name_of(inner.clone(), Rule::node_name)),
        all: false,
        dead: false,
        force: false,
    };
    for opt in inner.filter(|p| p.as_rule() == Rule::takeover_option) {
        let (flag, name) = match opt.clone().into_inner().next().map(|p| p.as_rule()) {
            Some(Rule::kw_with) => (&mut t.all, "with all"),
            Some(Rule::kw_dead) => (&mut t.dead, "dead"),
            Some(Rule::kw_force) => (&mut t.force, "force"),
            other => unreachable!("{other:?} in lower_takeover"),
        };
        if *flag {
            return Err(invalid(&opt, format!("`{name}` given twice")));
        }
        *flag = true;
    }
    Ok(t)
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

// ---- helpers over children ----

fn has(inner: Pairs<'_, Rule>, rule: Rule) -> bool {
    inner.into_iter().any(|p| p.as_rule() == rule)
}

fn names(inner: Pairs<'_, Rule>, rule: Rule) -> Vec<String> {
    inner
        .filter(|p| p.as_rule() == rule)
        .map(|p| fold(p.as_str()))
        .collect()
}

fn opt_name(inner: Pairs<'_, Rule>, rule: Rule) -> Option<String> {
    names(inner, rule).into_iter().next()
}

/// The first name of this slot; the grammar guarantees it is there.
fn name_of(inner: Pairs<'_, Rule>, rule: Rule) -> String {
    opt_name(inner, rule).unwrap_or_default()
}

fn opt_target<T>(inner: Pairs<'_, Rule>, rule: Rule, make: fn(String) -> T) -> Option<Target<T>> {
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

fn target<T>(inner: Pairs<'_, Rule>, rule: Rule, make: fn(String) -> T) -> Target<T> {
    opt_target(inner, rule, make).unwrap_or(Target::All)
}

fn first_inner<'i>(pair: P<'i>, what: &str) -> R<P<'i>> {
    let span = pair.clone();
    pair.into_inner()
        .find(|p| !p.as_rule().is_keyword())
        .ok_or_else(|| invalid(&span, format!("incomplete {what}")))
}

fn first_of<'i>(pair: P<'i>, rule: Rule, what: &str) -> R<P<'i>> {
    let span = pair.clone();
    pair.into_inner()
        .find(|p| p.as_rule() == rule)
        .ok_or_else(|| invalid(&span, format!("incomplete {what}")))
}

/// The value of a `string_literal` or `connstr`.
fn string_of(pair: P<'_>) -> String {
    unquote_string(pair.as_str())
}

/// A `table_name` / `sequence_name`: `name` or `schema.name`, split at the
/// dot outside double quotes.
fn qualified(pair: P<'_>) -> QualifiedName {
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

fn qualified_list(inner: Pairs<'_, Rule>, rule: Rule) -> Vec<QualifiedName> {
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
