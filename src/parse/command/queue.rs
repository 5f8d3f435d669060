//! The queue family: queues, consumers and subconsumers, `show batch`,
//! `show version`, `tick` and `maint`. The family's enum, AST structs,
//! command table (`specs!`), its exhaustive `spec()` and its lowering,
//! together; handled by `exec/queue.rs`.

use super::*;

/// A queue command; one variant per command of the family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueueCommand {
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
    /// `show version`
    ShowVersion,
    /// `tick [<q>]`
    Tick(Tick),
    /// `maint`
    Maint,
}

specs! {
    SHOW_QUEUE: show_queue, Queues, "show queue", Nothing, None,
        "show queue[+] [<q> | *];",
        "Show queues as an operator reads them: consumers, pending events, ticker lag, last tick age, events per second, paused (pgq.get_queue_info). show queue+ shows every column.";
    CREATE_QUEUE: create_queue, Queues, "create queue", Pgq, Some("CREATE"),
        "create queue <q>;",
        "Create a queue (pgq.create_queue).";
    ALTER_QUEUE: alter_queue, Queues, "alter queue", Pgq, Some("ALTER"),
        "alter queue <q> | * set <param> = <value> [, ...];",
        "Change queue settings (pgq.set_queue_config). Settings: idle_period, max_count, max_lag, paused (or their full names ticker_idle_period, ticker_max_count, ticker_max_lag, ticker_paused), rotation_period, external_ticker.";
    DROP_QUEUE: drop_queue, Queues, "drop queue", Pgq, Some("DROP"),
        "drop queue <q> [force];",
        "Drop a queue (pgq.drop_queue); force drops it with consumers still registered.";
    SHOW_CONSUMER: show_consumer, Consumers, "show consumer", Nothing, None,
        "show consumer[+] [<c> | *] [on <q> | on *];",
        "Show consumers: queue, lag, last seen, pending events, current batch, error (pgq.get_consumer_info). show consumer+ shows every column.";
    REGISTER_CONSUMER: register_consumer, Consumers, "register consumer", Pgq, Some("REGISTER"),
        "register consumer <c> [on <q>] [at <tick> | copy <c2>];",
        "Register a consumer on a queue (pgq.register_consumer). at <tick> or copy <c2> (another consumer's position) sets where it starts.";
    UNREGISTER_CONSUMER: unregister_consumer, Consumers, "unregister consumer", Pgq, Some("UNREGISTER"),
        "unregister consumer <c> | * [from <q>];",
        "Unregister a consumer, or all consumers, from a queue (pgq.unregister_consumer).";
    REGISTER_SUBCONSUMER: register_subconsumer, Consumers, "register subconsumer", Pgq, Some("REGISTER"),
        "register subconsumer <s> for <c> [on <q>];",
        "Register a cooperative subconsumer (pgq_coop.register_subconsumer).";
    UNREGISTER_SUBCONSUMER: unregister_subconsumer, Consumers, "unregister subconsumer", Pgq, Some("UNREGISTER"),
        "unregister subconsumer <s> | * for <c> [from <q>] [close [batch]];",
        "Unregister a subconsumer (pgq_coop.unregister_subconsumer). close [batch] closes its open batch instead of failing.";
    SHOW_BATCH: show_batch, Inspection, "show batch", Nothing, None,
        "show batch <id> | <consumer>;",
        "Show a batch's events, by batch id or a consumer's current batch.";
    SHOW_VERSION: show_version, Inspection, "show version", Nothing, None,
        "show version;",
        "Show the versions of qadmin, PostgreSQL and the installed PgQ extensions.";
    TICK: tick, Maintenance, "tick", Pgq, None,
        "tick [<q>] [force];",
        "Tick a queue as pgqd does (pgq.ticker: a tick when its ticker settings say one is due); force makes one now. Without <q>: the current queue, else every queue.";
    MAINT: maint, Maintenance, "maint", Pgq, None,
        "maint;",
        "Run the maintenance operations (pgq.maint_operations).";
}

impl QueueCommand {
    /// This command's [`CommandSpec`].
    pub fn spec(&self) -> &'static CommandSpec {
        match self {
            QueueCommand::ShowQueue(_) => &SHOW_QUEUE,
            QueueCommand::CreateQueue(_) => &CREATE_QUEUE,
            QueueCommand::AlterQueue(_) => &ALTER_QUEUE,
            QueueCommand::DropQueue(_) => &DROP_QUEUE,
            QueueCommand::ShowConsumer(_) => &SHOW_CONSUMER,
            QueueCommand::RegisterConsumer(_) => &REGISTER_CONSUMER,
            QueueCommand::UnregisterConsumer(_) => &UNREGISTER_CONSUMER,
            QueueCommand::RegisterSubconsumer(_) => &REGISTER_SUBCONSUMER,
            QueueCommand::UnregisterSubconsumer(_) => &UNREGISTER_SUBCONSUMER,
            QueueCommand::ShowBatch(_) => &SHOW_BATCH,
            QueueCommand::ShowVersion => &SHOW_VERSION,
            QueueCommand::Tick(_) => &TICK,
            QueueCommand::Maint => &MAINT,
        }
    }
}

/// A command rule of this family; `None` for the other families' rules.
pub(super) fn lower(pair: P<'_>) -> R<Option<QueueCommand>> {
    Ok(Some(match pair.as_rule() {
        Rule::show_queue => QueueCommand::ShowQueue(ShowQueue {
            verbose: has(pair.clone().into_inner(), Rule::plus),
            queue: opt_target(pair.into_inner(), Rule::queue_name, QueueName::new),
        }),
        Rule::create_queue => QueueCommand::CreateQueue(CreateQueue {
            queue: QueueName::new(name_of(pair.into_inner(), Rule::queue_name)),
        }),
        Rule::alter_queue => QueueCommand::AlterQueue(lower_alter_queue(pair)?),
        Rule::drop_queue => {
            let inner = pair.into_inner();
            QueueCommand::DropQueue(DropQueue {
                queue: QueueName::new(name_of(inner.clone(), Rule::queue_name)),
                force: has(inner, Rule::kw_force),
            })
        }
        Rule::show_consumer => QueueCommand::ShowConsumer(lower_show_consumer(pair)),
        Rule::register_consumer => QueueCommand::RegisterConsumer(lower_register_consumer(pair)?),
        Rule::unregister_consumer => {
            let inner = pair.into_inner();
            QueueCommand::UnregisterConsumer(UnregisterConsumer {
                consumer: target(inner.clone(), Rule::consumer_name, ConsumerName::new),
                queue: opt_name(inner, Rule::queue_name).map(QueueName::new),
            })
        }
        Rule::register_subconsumer => {
            let names = names(pair.clone().into_inner(), Rule::consumer_name);
            QueueCommand::RegisterSubconsumer(RegisterSubconsumer {
                subconsumer: ConsumerName::new(names.first().cloned().unwrap_or_default()),
                consumer: ConsumerName::new(names.get(1).cloned().unwrap_or_default()),
                queue: opt_name(pair.into_inner(), Rule::queue_name).map(QueueName::new),
            })
        }
        Rule::unregister_subconsumer => {
            QueueCommand::UnregisterSubconsumer(lower_unregister_subconsumer(pair)?)
        }
        Rule::show_batch => {
            let p = first_inner(pair, "show_batch")?;
            QueueCommand::ShowBatch(ShowBatch {
                batch: match p.as_rule() {
                    Rule::batch_id => BatchRef::Id(lower_number(&p)?),
                    _ => BatchRef::Consumer(ConsumerName::new(fold(p.as_str()))),
                },
            })
        }
        Rule::show_version => QueueCommand::ShowVersion,
        Rule::tick => QueueCommand::Tick(Tick {
            force: has(pair.clone().into_inner(), Rule::kw_force),
            queue: opt_name(pair.into_inner(), Rule::queue_name).map(QueueName::new),
        }),
        Rule::maint => QueueCommand::Maint,
        _ => return Ok(None),
    }))
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

/// `tick [<q>]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tick {
    /// The queue; `None` is the current queue, else every queue.
    pub queue: Option<QueueName>,
    /// `force`: a tick now, whatever the queue's ticker settings say.
    pub force: bool,
}
