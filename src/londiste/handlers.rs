//! The Londiste handlers python3-londiste 3.11 ships (its
//! `londiste/handlers/*.py` plus the default `londiste` handler), and what
//! adding a table with one of them asks of the trigger.
//!
//! A handler runs inside the Londiste worker; qadmin only records its name
//! (and arguments) in the table's attributes. Some handlers also change the
//! trigger arguments when a table is added; the worker never does that
//! later, so the shell must do it as the reference tool does:
//! `qtable` makes a BEFORE INSERT trigger that skips the row, `vtable`,
//! `fake_local` and `qsplitter` add no trigger (a virtual table),
//! `multimaster` never merges, and the `shard` family (which includes
//! `dispatch` and its variants) puts a hash of the key column into
//! `ev_extra3`.
//!
//! A worker knows only the handlers of the modules listed in its ini's
//! `handler_modules` (python3-londiste 3.11 loads none by default besides
//! `londiste`); [`Handler::module`] names the module to list.

use std::fmt;

/// What a handler changes when a table is added with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Nothing.
    Plain,
    /// Adds `no_merge`.
    NoMerge,
    /// Adds `tgflags=BI`, `SKIP`, `expect_sync`; needs no table.
    QueueTable,
    /// Adds `virtual_table`; needs no table.
    Virtual,
    /// Adds `ev_extra3='hash='||<hash expression>`; needs a key argument.
    Shard,
}

/// A handler name the Londiste worker can load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Handler {
    /// The name used in `handler='<name>'`.
    pub name: &'static str,
    /// The Python module that registers it (for `handler_modules`).
    pub module: &'static str,
    /// One line about what it does.
    pub description: &'static str,
    pub(crate) kind: Kind,
}

const fn h(
    name: &'static str,
    module: &'static str,
    kind: Kind,
    description: &'static str,
) -> Handler {
    Handler {
        name,
        module,
        description,
        kind,
    }
}

const DISPATCH: &str = "londiste.handlers.dispatch";

/// Every handler name python3-londiste 3.11 ships, in the order its
/// modules register them.
pub const HANDLERS: &[Handler] = &[
    h(
        "londiste",
        "londiste.handler",
        Kind::Plain,
        "default: applies events to the table with plain SQL",
    ),
    h(
        "applyfn",
        "londiste.handlers.applyfn",
        Kind::Plain,
        "calls a database function for each event",
    ),
    h(
        "bulk",
        "londiste.handlers.bulk",
        Kind::Plain,
        "bulk loading into an OLAP database",
    ),
    h(
        "dispatch",
        DISPATCH,
        Kind::Shard,
        "partitioned loader: splits events into partitions",
    ),
    h(
        "hourly_event",
        DISPATCH,
        Kind::Shard,
        "dispatch: hourly partitions by event time",
    ),
    h(
        "hourly_batch",
        DISPATCH,
        Kind::Shard,
        "dispatch: hourly partitions by batch time",
    ),
    h(
        "hourly_field",
        DISPATCH,
        Kind::Shard,
        "dispatch: hourly partitions by a date field",
    ),
    h(
        "hourly_time",
        DISPATCH,
        Kind::Shard,
        "dispatch: hourly partitions by current time",
    ),
    h(
        "daily_event",
        DISPATCH,
        Kind::Shard,
        "dispatch: daily partitions by event time",
    ),
    h(
        "daily_batch",
        DISPATCH,
        Kind::Shard,
        "dispatch: daily partitions by batch time",
    ),
    h(
        "daily_field",
        DISPATCH,
        Kind::Shard,
        "dispatch: daily partitions by a date field",
    ),
    h(
        "daily_time",
        DISPATCH,
        Kind::Shard,
        "dispatch: daily partitions by current time",
    ),
    h(
        "monthly_event",
        DISPATCH,
        Kind::Shard,
        "dispatch: monthly partitions by event time",
    ),
    h(
        "monthly_batch",
        DISPATCH,
        Kind::Shard,
        "dispatch: monthly partitions by batch time",
    ),
    h(
        "monthly_field",
        DISPATCH,
        Kind::Shard,
        "dispatch: monthly partitions by a date field",
    ),
    h(
        "monthly_time",
        DISPATCH,
        Kind::Shard,
        "dispatch: monthly partitions by current time",
    ),
    h(
        "yearly_event",
        DISPATCH,
        Kind::Shard,
        "dispatch: yearly partitions by event time",
    ),
    h(
        "yearly_batch",
        DISPATCH,
        Kind::Shard,
        "dispatch: yearly partitions by batch time",
    ),
    h(
        "yearly_field",
        DISPATCH,
        Kind::Shard,
        "dispatch: yearly partitions by a date field",
    ),
    h(
        "yearly_time",
        DISPATCH,
        Kind::Shard,
        "dispatch: yearly partitions by current time",
    ),
    h(
        "bulk_hourly_event",
        DISPATCH,
        Kind::Shard,
        "dispatch, bulk load: hourly partitions by event time",
    ),
    h(
        "bulk_hourly_batch",
        DISPATCH,
        Kind::Shard,
        "dispatch, bulk load: hourly partitions by batch time",
    ),
    h(
        "bulk_hourly_field",
        DISPATCH,
        Kind::Shard,
        "dispatch, bulk load: hourly partitions by a date field",
    ),
    h(
        "bulk_hourly_time",
        DISPATCH,
        Kind::Shard,
        "dispatch, bulk load: hourly partitions by current time",
    ),
    h(
        "bulk_daily_event",
        DISPATCH,
        Kind::Shard,
        "dispatch, bulk load: daily partitions by event time",
    ),
    h(
        "bulk_daily_batch",
        DISPATCH,
        Kind::Shard,
        "dispatch, bulk load: daily partitions by batch time",
    ),
    h(
        "bulk_daily_field",
        DISPATCH,
        Kind::Shard,
        "dispatch, bulk load: daily partitions by a date field",
    ),
    h(
        "bulk_daily_time",
        DISPATCH,
        Kind::Shard,
        "dispatch, bulk load: daily partitions by current time",
    ),
    h(
        "bulk_monthly_event",
        DISPATCH,
        Kind::Shard,
        "dispatch, bulk load: monthly partitions by event time",
    ),
    h(
        "bulk_monthly_batch",
        DISPATCH,
        Kind::Shard,
        "dispatch, bulk load: monthly partitions by batch time",
    ),
    h(
        "bulk_monthly_field",
        DISPATCH,
        Kind::Shard,
        "dispatch, bulk load: monthly partitions by a date field",
    ),
    h(
        "bulk_monthly_time",
        DISPATCH,
        Kind::Shard,
        "dispatch, bulk load: monthly partitions by current time",
    ),
    h(
        "bulk_yearly_event",
        DISPATCH,
        Kind::Shard,
        "dispatch, bulk load: yearly partitions by event time",
    ),
    h(
        "bulk_yearly_batch",
        DISPATCH,
        Kind::Shard,
        "dispatch, bulk load: yearly partitions by batch time",
    ),
    h(
        "bulk_yearly_field",
        DISPATCH,
        Kind::Shard,
        "dispatch, bulk load: yearly partitions by a date field",
    ),
    h(
        "bulk_yearly_time",
        DISPATCH,
        Kind::Shard,
        "dispatch, bulk load: yearly partitions by current time",
    ),
    h(
        "bulk_direct",
        DISPATCH,
        Kind::Shard,
        "dispatch, bulk load into one unpartitioned table",
    ),
    h(
        "direct",
        DISPATCH,
        Kind::Shard,
        "dispatch into one unpartitioned table",
    ),
    h(
        "multimaster",
        "londiste.handlers.multimaster",
        Kind::NoMerge,
        "replica with several master nodes (applies through functions)",
    ),
    h(
        "obfuscate",
        "londiste.handlers.obfuscate",
        Kind::Plain,
        "obfuscates column values on the way (needs obfuscator_map)",
    ),
    h(
        "qtable",
        "londiste.handlers.qtable",
        Kind::QueueTable,
        "queue table: events pass, rows are not stored",
    ),
    h(
        "qsplitter",
        "londiste.handlers.qtable",
        Kind::Virtual,
        "sends the table's events to another queue",
    ),
    h(
        "shard",
        "londiste.handlers.shard",
        Kind::Shard,
        "filters events by a hash of a key column, for sharded databases",
    ),
    h(
        "part",
        "londiste.handlers.shard",
        Kind::Shard,
        "old name of shard",
    ),
    h(
        "vtable",
        "londiste.handlers.vtable",
        Kind::Virtual,
        "virtual table: events pass, no table on this node",
    ),
    h(
        "fake_local",
        "londiste.handlers.vtable",
        Kind::Virtual,
        "old name of vtable",
    ),
];

/// The handler names (`londiste show handlers`).
pub fn handler_names() -> Vec<&'static str> {
    HANDLERS.iter().map(|h| h.name).collect()
}

/// Look a handler up by its exact name.
pub fn find_handler(name: &str) -> Option<&'static Handler> {
    HANDLERS.iter().find(|h| h.name == name)
}

/// A handler with its arguments, as given in `handler='name(k=v, ...)'`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandlerSpec {
    /// The handler.
    pub handler: &'static Handler,
    /// Its arguments in the order given, values raw (not url-encoded).
    pub args: Vec<(String, String)>,
}

/// Why a handler spec is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SpecError {
    Unknown(String),
    Malformed(String),
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpecError::Unknown(n) => write!(f, "unknown handler \"{n}\""),
            SpecError::Malformed(m) => f.write_str(m),
        }
    }
}

impl HandlerSpec {
    /// Parse `name` or `name(key=value, key2=value2)` (`&` separates too).
    pub(crate) fn parse(text: &str) -> Result<HandlerSpec, SpecError> {
        let text = text.trim();
        let (name, inner) = match text.find('(') {
            Some(pos) => {
                let Some(inner) = text[pos + 1..].strip_suffix(')') else {
                    return Err(SpecError::Malformed(format!(
                        "handler \"{text}\": arguments must be written name(key=value, ...)"
                    )));
                };
                (text[..pos].trim(), Some(inner))
            }
            None => (text, None),
        };
        let handler = find_handler(name).ok_or_else(|| SpecError::Unknown(name.to_string()))?;
        let mut args: Vec<(String, String)> = Vec::new();
        for part in inner.unwrap_or("").split([',', '&']) {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            let (k, v) = (k.trim(), v.trim());
            if k.is_empty() {
                return Err(SpecError::Malformed(format!(
                    "handler \"{text}\": argument \"{part}\" has no name"
                )));
            }
            if args.iter().any(|(a, _)| a == k) {
                return Err(SpecError::Malformed(format!(
                    "handler \"{text}\": argument \"{k}\" given twice"
                )));
            }
            args.push((k.to_string(), v.to_string()));
        }
        if handler.kind == Kind::Shard && !args.iter().any(|(k, _)| k == "key" || k == "hash_key") {
            return Err(SpecError::Malformed(format!(
                "handler \"{}\" needs the key column to hash: {}(key=<column>)",
                handler.name, handler.name
            )));
        }
        Ok(HandlerSpec { handler, args })
    }

    fn arg(&self, key: &str) -> Option<&str> {
        self.args
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The value stored in the table attributes: `name` or
    /// `name(urlencoded args)`, as the worker parses it.
    pub fn attr_value(&self) -> String {
        if self.args.is_empty() {
            self.handler.name.to_string()
        } else {
            format!("{}({})", self.handler.name, super::urlencode(&self.args))
        }
    }

    /// Whether the handler needs the table to exist on this node.
    pub fn needs_table(&self) -> bool {
        match self.handler.kind {
            Kind::QueueTable | Kind::Virtual => false,
            Kind::Shard => !matches!(self.arg("disable_replay"), Some("true" | "1")),
            _ => true,
        }
    }

    /// The key column of a shard-family handler (`hash_key`, else `key`),
    /// when the hash expression is not given outright.
    pub(crate) fn hash_key(&self) -> Option<&str> {
        if self.arg("hash_expr").is_some() {
            return None;
        }
        self.arg("hash_key").or_else(|| self.arg("key"))
    }

    /// Trigger arguments the handler adds; `quoted_key` is the key column
    /// quoted by the server (for the shard family's hash expression).
    pub(crate) fn trigger_args(&self, quoted_key: Option<&str>) -> Vec<String> {
        match self.handler.kind {
            Kind::Plain => vec![],
            Kind::NoMerge => vec!["no_merge".into()],
            Kind::QueueTable => vec!["tgflags=BI".into(), "SKIP".into(), "expect_sync".into()],
            Kind::Virtual => vec!["virtual_table".into()],
            Kind::Shard => {
                let expr = match self.arg("hash_expr") {
                    Some(e) => e.to_string(),
                    None => format!("partconf.get_hash_raw({})", quoted_key.unwrap_or("")),
                };
                vec![format!("ev_extra3='hash='||{expr}")]
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_complete() {
        let names = handler_names();
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), names.len());
        assert_eq!(names.len(), 46);
        for n in [
            "londiste",
            "bulk",
            "dispatch",
            "part",
            "qtable",
            "applyfn",
            "multimaster",
            "shard",
            "vtable",
        ] {
            assert!(find_handler(n).is_some(), "{n}");
        }
    }

    #[test]
    fn specs_parse_with_commas_or_ampersands() {
        let s = HandlerSpec::parse("dispatch( key=id, period=day&part_field = ts )").expect("spec");
        assert_eq!(s.handler.name, "dispatch");
        assert_eq!(
            s.args,
            vec![
                ("key".to_string(), "id".to_string()),
                ("period".into(), "day".into()),
                ("part_field".into(), "ts".into())
            ]
        );
        assert_eq!(s.attr_value(), "dispatch(key=id&period=day&part_field=ts)");
        assert_eq!(
            HandlerSpec::parse("bulk").expect("bulk").attr_value(),
            "bulk"
        );
        assert_eq!(
            HandlerSpec::parse("bulk()").expect("bulk()").attr_value(),
            "bulk"
        );
    }

    #[test]
    fn bad_specs_are_refused() {
        assert_eq!(
            HandlerSpec::parse("nope"),
            Err(SpecError::Unknown("nope".into()))
        );
        assert_eq!(
            HandlerSpec::parse("Bulk"),
            Err(SpecError::Unknown("Bulk".into()))
        );
        assert!(matches!(
            HandlerSpec::parse("bulk(a=1"),
            Err(SpecError::Malformed(_))
        ));
        assert!(matches!(
            HandlerSpec::parse("bulk(a=1,a=2)"),
            Err(SpecError::Malformed(_))
        ));
        assert!(matches!(
            HandlerSpec::parse("bulk(=1)"),
            Err(SpecError::Malformed(_))
        ));
        let e = HandlerSpec::parse("shard").expect_err("no key");
        assert!(e.to_string().contains("shard(key=<column>)"), "{e}");
    }

    #[test]
    fn handlers_add_trigger_args_as_the_reference_does() {
        let args =
            |s: &str, key: Option<&str>| HandlerSpec::parse(s).expect("spec").trigger_args(key);
        assert_eq!(
            args("qtable", None),
            vec!["tgflags=BI", "SKIP", "expect_sync"]
        );
        assert_eq!(args("vtable", None), vec!["virtual_table"]);
        assert_eq!(args("multimaster", None), vec!["no_merge"]);
        assert_eq!(args("bulk", None), Vec::<String>::new());
        assert_eq!(
            args("shard(key=User Id)", Some("\"User Id\"")),
            vec!["ev_extra3='hash='||partconf.get_hash_raw(\"User Id\")"]
        );
        assert_eq!(
            args("part(key=x,hash_expr=hashtext(x))", None),
            vec!["ev_extra3='hash='||hashtext(x)"]
        );
        let s = HandlerSpec::parse("shard(key=a,disable_replay=1)").expect("spec");
        assert!(!s.needs_table());
        assert!(!HandlerSpec::parse("vtable").expect("v").needs_table());
        assert!(HandlerSpec::parse("bulk").expect("b").needs_table());
    }
}
