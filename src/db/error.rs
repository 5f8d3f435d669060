//! Errors of the wire client ([`super::client`]): the server's own
//! (an ErrorResponse, every field kept, as libpq keeps them), a connection
//! that is gone, and the rare protocol or conversion mistake.

use std::fmt;
use std::io;

use fallible_iterator::FallibleIterator;
use postgres_protocol::message::backend::ErrorFields;

/// SQLSTATE codes qadmin looks at.
pub mod sqlstate {
    /// `42883`: undefined_function.
    pub const UNDEFINED_FUNCTION: &str = "42883";
    /// `3F000`: invalid_schema_name.
    pub const INVALID_SCHEMA_NAME: &str = "3F000";
    /// `42P01`: undefined_table.
    pub const UNDEFINED_TABLE: &str = "42P01";
    /// `57014`: query_canceled.
    pub const QUERY_CANCELED: &str = "57014";
    /// insufficient_privilege
    pub const INSUFFICIENT_PRIVILEGE: &str = "42501";
}

/// Where in the text an error points (1-based characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorPosition {
    /// In the statement as sent.
    Original(u32),
    /// In a query the server ran internally (a PL/pgSQL statement, say).
    Internal {
        /// Position in `query`.
        position: u32,
        /// The internal query.
        query: String,
    },
}

/// An error or notice as the server sent it.
#[derive(Debug, Clone, Default)]
pub struct DbError {
    severity: String,
    code: String,
    message: String,
    detail: Option<String>,
    hint: Option<String>,
    position: Option<ErrorPosition>,
    where_: Option<String>,
    schema: Option<String>,
    table: Option<String>,
    column: Option<String>,
    datatype: Option<String>,
    constraint: Option<String>,
    file: Option<String>,
    line: Option<u32>,
    routine: Option<String>,
}

impl DbError {
    /// Read the fields of an ErrorResponse / NoticeResponse.
    pub fn parse(fields: &mut ErrorFields<'_>) -> io::Result<DbError> {
        let mut e = DbError::default();
        let mut severity_nonlocalized = None;
        let mut position = None;
        let mut internal_position = None;
        let mut internal_query = None;
        while let Some(f) = fields.next()? {
            let v = String::from_utf8_lossy(f.value_bytes()).into_owned();
            match f.type_() {
                b'S' => e.severity = v,
                b'V' => severity_nonlocalized = Some(v),
                b'C' => e.code = v,
                b'M' => e.message = v,
                b'D' => e.detail = Some(v),
                b'H' => e.hint = Some(v),
                b'P' => position = v.parse::<u32>().ok(),
                b'p' => internal_position = v.parse::<u32>().ok(),
                b'q' => internal_query = Some(v),
                b'W' => e.where_ = Some(v),
                b's' => e.schema = Some(v),
                b't' => e.table = Some(v),
                b'c' => e.column = Some(v),
                b'd' => e.datatype = Some(v),
                b'n' => e.constraint = Some(v),
                b'F' => e.file = Some(v),
                b'L' => e.line = v.parse().ok(),
                b'R' => e.routine = Some(v),
                _ => {}
            }
        }
        if e.severity.is_empty() {
            e.severity = severity_nonlocalized.unwrap_or_else(|| "ERROR".into());
        }
        e.position = match (position, internal_position, internal_query) {
            (Some(p), _, _) => Some(ErrorPosition::Original(p)),
            (None, Some(p), Some(q)) => Some(ErrorPosition::Internal {
                position: p,
                query: q,
            }),
            _ => None,
        };
        Ok(e)
    }

    /// A client-side error in the server's shape (`ERROR`, no SQLSTATE).
    pub fn client(message: impl Into<String>) -> DbError {
        DbError {
            severity: "ERROR".into(),
            message: message.into(),
            ..DbError::default()
        }
    }

    /// `ERROR`, `WARNING`, `NOTICE`, `FATAL` ...
    pub fn severity(&self) -> &str {
        &self.severity
    }
    /// The SQLSTATE (`42P01` ...).
    pub fn code(&self) -> &str {
        &self.code
    }
    /// The primary message.
    pub fn message(&self) -> &str {
        &self.message
    }
    /// DETAIL.
    pub fn detail(&self) -> Option<&str> {
        self.detail.as_deref()
    }
    /// HINT.
    pub fn hint(&self) -> Option<&str> {
        self.hint.as_deref()
    }
    /// Where the error points.
    pub fn position(&self) -> Option<&ErrorPosition> {
        self.position.as_ref()
    }
    /// CONTEXT.
    pub fn where_(&self) -> Option<&str> {
        self.where_.as_deref()
    }
    /// The schema the error is about.
    pub fn schema(&self) -> Option<&str> {
        self.schema.as_deref()
    }
    /// The table the error is about.
    pub fn table(&self) -> Option<&str> {
        self.table.as_deref()
    }
    /// The column the error is about.
    pub fn column(&self) -> Option<&str> {
        self.column.as_deref()
    }
    /// The data type the error is about.
    pub fn datatype(&self) -> Option<&str> {
        self.datatype.as_deref()
    }
    /// The constraint the error is about.
    pub fn constraint(&self) -> Option<&str> {
        self.constraint.as_deref()
    }
    /// The server's source file.
    pub fn file(&self) -> Option<&str> {
        self.file.as_deref()
    }
    /// The server's source line.
    pub fn line(&self) -> Option<u32> {
        self.line
    }
    /// The server's source function.
    pub fn routine(&self) -> Option<&str> {
        self.routine.as_deref()
    }
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.severity, self.message)?;
        if let Some(d) = &self.detail {
            write!(f, "\nDETAIL: {d}")?;
        }
        if let Some(h) = &self.hint {
            write!(f, "\nHINT: {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for DbError {}

/// Why a request failed.
#[derive(Debug)]
pub enum Error {
    /// The server said no (the connection is still usable unless it was
    /// FATAL, see [`Error::is_closed`]).
    Db(Box<DbError>, bool),
    /// The connection is gone (socket error, server closed it).
    Closed(String),
    /// The server sent something the protocol does not allow here.
    Protocol(String),
    /// A value could not be read as the type asked for, or the number of
    /// rows was not what the call promised.
    Conversion(String),
}

impl Error {
    /// The server's error, if it was one.
    pub fn as_db_error(&self) -> Option<&DbError> {
        match self {
            Error::Db(e, _) => Some(e),
            _ => None,
        }
    }

    /// Whether the connection is gone with this error.
    pub fn is_closed(&self) -> bool {
        matches!(self, Error::Closed(_) | Error::Db(_, true))
    }

    /// The server's SQLSTATE, if the server sent the error.
    pub fn code(&self) -> Option<&str> {
        self.as_db_error().map(DbError::code)
    }

    pub(crate) fn io(e: io::Error) -> Error {
        match e.kind() {
            // A read or write timeout (set while connecting).
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => {
                Error::Closed("timeout expired".into())
            }
            _ => Error::Closed(crate::io_reason(&e)),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Db(e, _) => write!(f, "db error: {e}"),
            Error::Closed(m) if m.is_empty() => f.write_str("connection closed"),
            Error::Closed(m) => write!(f, "connection closed: {m}"),
            Error::Protocol(m) => write!(f, "protocol error: {m}"),
            Error::Conversion(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Db(e, _) => Some(&**e),
            _ => None,
        }
    }
}
