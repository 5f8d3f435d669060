//! The database family: `connect` and `install`. The family's enum, AST
//! structs, command table (`specs!`), its exhaustive `spec()` and its
//! lowering, together; handled by `exec/database.rs`.

use super::*;

/// A database command; one variant per command of the family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseCommand {
    /// `connect <key>=<value> ...`
    Connect(Connect),
    /// `install pgq | londiste`
    Install(Install),
}

specs! {
    CONNECT: connect, Connection, "connect", Everything, Some("CONNECT"),
        "connect <key>=<value> ...;",
        "Connect to another database, or pick the current queue and node. Keys: dbname, host, port, user, password, service, sslmode (libpq's), queue=<q> and node=<n>; connect queue=<q> [node=<n>] stays on the same database.";
    INSTALL: install, Connection, "install", Everything, Some("INSTALL"),
        "install pgq | londiste;",
        "Install pgq (with pgq_node), or londiste, in this database.";
}

impl DatabaseCommand {
    /// This command's [`CommandSpec`].
    pub fn spec(&self) -> &'static CommandSpec {
        match self {
            DatabaseCommand::Connect(_) => &CONNECT,
            DatabaseCommand::Install(_) => &INSTALL,
        }
    }
}

/// A command rule of this family; `None` for the other families' rules.
pub(super) fn lower(pair: P<'_>) -> R<Option<DatabaseCommand>> {
    Ok(Some(match pair.as_rule() {
        Rule::connect => DatabaseCommand::Connect(lower_connect(pair)?),
        Rule::install => DatabaseCommand::Install(lower_install(pair)),
        _ => return Ok(None),
    }))
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
