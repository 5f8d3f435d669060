//! The wire client: one blocking connection that speaks PostgreSQL's
//! protocol (messages from `postgres-protocol`), as libpq does for psql.
//!
//! Why our own and not the `postgres` crate: a shell needs what that crate
//! keeps to itself: results in the server's text format with their column
//! types, read as they arrive from one round trip; several statements in
//! one simple-protocol string; COPY in the middle of a script; the command
//! tag; the transaction status of every ReadyForQuery; ParameterStatus
//! (`standard_conforming_strings`, `in_hot_standby`). Every request here is
//! one flight of messages answered by one ReadyForQuery:
//!
//! - [`Client::send_simple`] + [`Client::next_reply`]: a simple Query,
//!   replies pulled one by one (rows, tags, COPY, errors), so the caller
//!   prints rows as they come and memory stays flat;
//! - [`Client::query`] and friends: Parse/Bind/Describe/Execute/Sync with
//!   text parameters whose types the server infers (no prepare round trip).
//!
//! NOTICEs go to the connection's [`NoticeSink`] as they arrive.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use fallible_iterator::FallibleIterator;
use postgres_protocol::message::backend::{DataRowBody, Message};
use postgres_protocol::message::frontend;
use postgres_protocol::IsNull;

use super::cancel::CancelToken;
use super::error::{DbError, Error};
use super::value::{Column, Param, Row};
use super::NoticeSink;

/// The byte stream under a connection.
pub enum Stream {
    /// A unix-domain socket.
    Unix(std::os::unix::net::UnixStream),
    /// Plain TCP.
    Tcp(std::net::TcpStream),
    /// TCP with TLS.
    Tls(Box<openssl::ssl::SslStream<std::net::TcpStream>>),
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Unix(s) => s.read(buf),
            Stream::Tcp(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Unix(s) => s.write(buf),
            Stream::Tcp(s) => s.write(buf),
            Stream::Tls(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Unix(s) => s.flush(),
            Stream::Tcp(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
        }
    }
}

impl Stream {
    /// Bound each read and write (`None`: wait for ever).
    pub fn set_timeouts(&self, t: Option<std::time::Duration>) -> io::Result<()> {
        match self {
            Stream::Unix(s) => {
                s.set_read_timeout(t)?;
                s.set_write_timeout(t)
            }
            Stream::Tcp(s) => {
                s.set_read_timeout(t)?;
                s.set_write_timeout(t)
            }
            Stream::Tls(s) => {
                s.get_ref().set_read_timeout(t)?;
                s.get_ref().set_write_timeout(t)
            }
        }
    }
}

/// The transaction status a ReadyForQuery reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxStatus {
    /// Not in a transaction block.
    Idle,
    /// In a transaction block.
    InTx,
    /// In a failed transaction block.
    Failed,
}

/// One reply of a simple query, in the order the server sends them.
#[derive(Debug)]
pub enum Reply {
    /// A result with rows starts: its columns.
    Columns(Arc<[Column]>),
    /// A row of the current result.
    Row(Row),
    /// A statement finished: its command tag (`SELECT 3`, `INSERT 0 1`).
    Complete(String),
    /// An empty statement.
    Empty,
    /// The server waits for COPY data ([`Client::copy_data`], then
    /// [`Client::copy_done`] or [`Client::copy_fail`]).
    CopyIn,
    /// COPY data follows ([`Reply::CopyData`] ... [`Reply::CopyDone`]).
    CopyOut,
    /// A chunk of COPY TO STDOUT data.
    CopyData(Bytes),
    /// The end of COPY TO STDOUT data.
    CopyDone,
    /// A statement failed; the rest of the string is not run.
    Error(Box<DbError>),
    /// The request is over.
    Ready(TxStatus),
}

/// An asynchronous notification (`NOTIFY`).
#[derive(Debug, Clone)]
pub struct Notification {
    /// The sending backend's process id.
    pub process_id: i32,
    /// The channel.
    pub channel: String,
    /// The payload.
    pub payload: String,
}

/// A connection.
pub struct Client {
    stream: Stream,
    rbuf: BytesMut,
    wbuf: BytesMut,
    notices: NoticeSink,
    parameters: HashMap<String, String>,
    tx: TxStatus,
    cancel: Option<CancelToken>,
    closed: bool,
    notifications: Vec<Notification>,
    savepoints: u32,
    current_columns: Arc<[Column]>,
    extensions: HashMap<String, bool>,
    /// The text of the last simple query (notices point into it).
    last_query: String,
    /// Whether the last request was a simple query.
    last_simple: bool,
    /// How the last simple query ended: its last command tag, or its
    /// error (psql's ROW_COUNT, SQLSTATE, LAST_ERROR_* come from it).
    last_outcome: Option<Result<String, (String, String)>>,
}

/// How much to read from the socket at a time.
const READ_CHUNK: usize = 64 * 1024;

impl Client {
    /// A client over a stream on which start-up has not begun yet.
    pub(crate) fn new(stream: Stream, notices: NoticeSink) -> Client {
        Client {
            stream,
            rbuf: BytesMut::with_capacity(READ_CHUNK),
            wbuf: BytesMut::with_capacity(1024),
            notices,
            parameters: HashMap::new(),
            tx: TxStatus::Idle,
            cancel: None,
            closed: false,
            notifications: Vec::new(),
            savepoints: 0,
            current_columns: Arc::from(Vec::new()),
            extensions: HashMap::new(),
            last_query: String::new(),
            last_simple: false,
            last_outcome: None,
        }
    }

    pub(crate) fn stream(&self) -> &Stream {
        &self.stream
    }

    pub(crate) fn set_cancel(&mut self, token: CancelToken) {
        self.cancel = Some(token);
    }

    /// What Ctrl-C needs to cancel a statement of this connection.
    pub fn cancel_token(&self) -> Option<CancelToken> {
        self.cancel.clone()
    }

    /// Whether the connection is gone.
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// How the last simple query ended: the tag of its last statement,
    /// or its error's SQLSTATE and message (`None` before any, or when
    /// it ended with neither, e.g. an empty query).
    pub fn last_outcome(&self) -> Option<&Result<String, (String, String)>> {
        self.last_outcome.as_ref()
    }

    /// Forget how the last statement ended, as if the server had said
    /// nothing: psql sets no result variables after a COPY that failed
    /// once its data had started (its ExecQueryAndProcessResults).
    pub fn forget_outcome(&mut self) {
        self.last_outcome = None;
    }

    /// Take the last statement's tag away (a success without one): psql
    /// has no result left after a COPY TO STDOUT into the query output,
    /// so its ROW_COUNT is 0.
    pub fn drop_outcome_tag(&mut self) {
        if let Some(Ok(tag)) = self.last_outcome.as_mut() {
            tag.clear();
        }
    }

    /// The transaction status the server last reported.
    pub fn tx_status(&self) -> TxStatus {
        self.tx
    }

    /// A run-time parameter the server reported (ParameterStatus):
    /// `server_version`, `standard_conforming_strings`, `in_hot_standby` ...
    pub fn parameter(&self, name: &str) -> Option<&str> {
        self.parameters.get(name).map(String::as_str)
    }

    /// Whether an extension is installed, if this connection knows it
    /// already (see [`Client::remember_extension`]).
    pub fn known_extension(&self, name: &str) -> Option<bool> {
        self.extensions.get(name).copied()
    }

    /// Remember whether an extension is installed. Forgotten when a
    /// statement that can change it completes (CREATE / ALTER / DROP
    /// EXTENSION, DROP SCHEMA / OWNED, a ROLLBACK) or any statement fails.
    pub fn remember_extension(&mut self, name: &str, present: bool) {
        self.extensions.insert(name.to_string(), present);
    }

    /// Take the notifications received so far.
    pub fn take_notifications(&mut self) -> Vec<Notification> {
        std::mem::take(&mut self.notifications)
    }

    fn lost(&mut self, e: io::Error) -> Error {
        self.closed = true;
        Error::io(e)
    }

    /// Send what is buffered.
    pub(crate) fn flush(&mut self) -> Result<(), Error> {
        if self.closed {
            return Err(Error::Closed(String::new()));
        }
        let r = self
            .stream
            .write_all(&self.wbuf)
            .and_then(|_| self.stream.flush());
        self.wbuf.clear();
        r.map_err(|e| self.lost(e))
    }

    pub(crate) fn wbuf(&mut self) -> &mut BytesMut {
        &mut self.wbuf
    }

    /// The next message, with NOTICEs, ParameterStatus and notifications
    /// dealt with on the way.
    pub(crate) fn read_message(&mut self) -> Result<Message, Error> {
        loop {
            match Message::parse(&mut self.rbuf) {
                Ok(Some(Message::NoticeResponse(body))) => {
                    if let Ok(n) = DbError::parse(&mut body.fields()) {
                        let q = self.last_simple.then_some(self.last_query.as_str());
                        (self.notices)(&n, q);
                    }
                }
                Ok(Some(Message::ParameterStatus(body))) => {
                    if let (Ok(k), Ok(v)) = (body.name(), body.value()) {
                        self.parameters.insert(k.to_string(), v.to_string());
                    }
                }
                Ok(Some(Message::NotificationResponse(body))) => {
                    self.notifications.push(Notification {
                        process_id: body.process_id(),
                        channel: body.channel().unwrap_or_default().to_string(),
                        payload: body.message().unwrap_or_default().to_string(),
                    });
                }
                Ok(Some(m)) => return Ok(m),
                Ok(None) => self.fill()?,
                Err(e) => {
                    self.closed = true;
                    return Err(Error::Protocol(e.to_string()));
                }
            }
        }
    }

    fn fill(&mut self) -> Result<(), Error> {
        if self.closed {
            return Err(Error::Closed(String::new()));
        }
        let start = self.rbuf.len();
        self.rbuf.resize(start + READ_CHUNK, 0);
        loop {
            match self.stream.read(&mut self.rbuf[start..]) {
                Ok(0) => {
                    self.rbuf.truncate(start);
                    self.closed = true;
                    return Err(Error::Closed("server closed the connection".into()));
                }
                Ok(n) => {
                    self.rbuf.truncate(start + n);
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.rbuf.truncate(start);
                    return Err(self.lost(e));
                }
            }
        }
    }

    /// Read an ErrorResponse's fields into an [`Error`], reading on to
    /// the ReadyForQuery; a FATAL error closes the connection.
    fn db_error(&mut self, e: DbError) -> Error {
        let fatal = matches!(e.severity(), "FATAL" | "PANIC");
        if fatal {
            self.closed = true;
        }
        Error::Db(Box::new(e), fatal)
    }

    /// Send a simple Query: `sql` may hold several statements. Pull the
    /// replies with [`Client::next_reply`] up to [`Reply::Ready`].
    pub fn send_simple(&mut self, sql: &str) -> Result<(), Error> {
        self.last_query.clear();
        self.last_query.push_str(sql);
        self.last_simple = true;
        self.last_outcome = None;
        frontend::query(sql, &mut self.wbuf).map_err(|e| Error::Protocol(e.to_string()))?;
        self.flush()
    }

    /// Send one statement with text parameters in one flight
    /// (Parse/Bind/Describe/Execute/Sync); pull the replies with
    /// [`Client::next_reply`] up to [`Reply::Ready`].
    pub fn send_extended(&mut self, sql: &str, params: &[&dyn Param]) -> Result<(), Error> {
        self.last_simple = false;
        let proto = |e: io::Error| Error::Protocol(e.to_string());
        frontend::parse("", sql, std::iter::empty(), &mut self.wbuf).map_err(proto)?;
        let texts: Vec<_> = params.iter().map(|p| p.to_text()).collect();
        let bound = frontend::bind(
            "",
            "",
            std::iter::once(0i16),
            texts.iter(),
            |v, buf| match v {
                Some(t) => {
                    buf.extend_from_slice(t.as_bytes());
                    Ok(IsNull::No)
                }
                None => Ok(IsNull::Yes),
            },
            std::iter::once(0i16),
            &mut self.wbuf,
        );
        if bound.is_err() {
            self.wbuf.clear();
            return Err(Error::Protocol("could not encode the parameters".into()));
        }
        frontend::describe(b'P', "", &mut self.wbuf).map_err(proto)?;
        frontend::execute("", 0, &mut self.wbuf).map_err(proto)?;
        frontend::sync(&mut self.wbuf);
        self.flush()
    }

    /// Parse `sql` as the unnamed statement and describe it, without
    /// running it (psql's `\gdesc`): its result columns (name, type OID,
    /// type modifier), `None` when it returns no rows. A server error
    /// comes back as [`Error::Db`] and is the last outcome.
    #[allow(clippy::type_complexity)]
    pub fn describe_statement(
        &mut self,
        sql: &str,
    ) -> Result<Option<Vec<(String, u32, i32)>>, Error> {
        self.last_query.clear();
        self.last_query.push_str(sql);
        self.last_simple = true;
        self.last_outcome = None;
        let proto = |e: io::Error| Error::Protocol(e.to_string());
        frontend::parse("", sql, std::iter::empty(), &mut self.wbuf).map_err(proto)?;
        frontend::describe(b'S', "", &mut self.wbuf).map_err(proto)?;
        frontend::sync(&mut self.wbuf);
        self.flush()?;
        let mut cols = None;
        let mut failed = None;
        loop {
            match self.read_message()? {
                Message::RowDescription(body) => {
                    let mut v = Vec::new();
                    let mut fields = body.fields();
                    while let Some(f) = fields.next().map_err(|e| Error::Protocol(e.to_string()))? {
                        v.push((f.name().to_string(), f.type_oid(), f.type_modifier()));
                    }
                    cols = Some(v);
                }
                Message::ErrorResponse(body) => {
                    let e = DbError::parse(&mut body.fields())
                        .map_err(|e| Error::Protocol(e.to_string()))?;
                    if matches!(e.severity(), "FATAL" | "PANIC") {
                        self.closed = true;
                    }
                    self.last_outcome = Some(Err((e.code().to_string(), e.message().to_string())));
                    failed = Some(Error::Db(Box::new(e), false));
                }
                Message::ReadyForQuery(body) => {
                    self.tx = match body.status() {
                        b'T' => TxStatus::InTx,
                        b'E' => TxStatus::Failed,
                        _ => TxStatus::Idle,
                    };
                    break;
                }
                Message::ParseComplete | Message::NoData | Message::ParameterDescription(_) => {}
                _ => {
                    self.closed = true;
                    return Err(Error::Protocol("unexpected message from the server".into()));
                }
            }
        }
        match failed {
            Some(e) => Err(e),
            None => Ok(cols),
        }
    }

    /// The next reply of the running request.
    pub fn next_reply(&mut self) -> Result<Reply, Error> {
        loop {
            let m = self.read_message()?;
            return Ok(match m {
                Message::RowDescription(body) => {
                    let mut cols = Vec::new();
                    let mut fields = body.fields();
                    while let Some(f) = fields.next().map_err(|e| Error::Protocol(e.to_string()))? {
                        cols.push(Column {
                            name: f.name().to_string(),
                            type_oid: f.type_oid(),
                        });
                    }
                    let cols: Arc<[Column]> = cols.into();
                    self.current_columns = Arc::clone(&cols);
                    Reply::Columns(cols)
                }
                Message::DataRow(body) => Reply::Row(self.row(body)?),
                Message::CommandComplete(body) => {
                    let tag = body
                        .tag()
                        .map_err(|e| Error::Protocol(e.to_string()))?
                        .to_string();
                    let may_change_extensions = [
                        "CREATE EXTENSION",
                        "ALTER EXTENSION",
                        "DROP EXTENSION",
                        "DROP SCHEMA",
                        "DROP OWNED",
                        "ROLLBACK",
                    ]
                    .iter()
                    .any(|t| tag.starts_with(t));
                    if may_change_extensions {
                        self.extensions.clear();
                    }
                    self.last_outcome = Some(Ok(tag.clone()));
                    Reply::Complete(tag)
                }
                Message::EmptyQueryResponse => Reply::Empty,
                Message::CopyInResponse(_) => Reply::CopyIn,
                Message::CopyOutResponse(_) => Reply::CopyOut,
                Message::CopyData(body) => Reply::CopyData(body.into_bytes()),
                Message::CopyDone => Reply::CopyDone,
                Message::ErrorResponse(body) => {
                    let e = DbError::parse(&mut body.fields())
                        .map_err(|e| Error::Protocol(e.to_string()))?;
                    if matches!(e.severity(), "FATAL" | "PANIC") {
                        self.closed = true;
                    }
                    self.extensions.clear();
                    self.last_outcome = Some(Err((e.code().to_string(), e.message().to_string())));
                    Reply::Error(Box::new(e))
                }
                Message::ReadyForQuery(body) => {
                    self.tx = match body.status() {
                        b'T' => TxStatus::InTx,
                        b'E' => TxStatus::Failed,
                        _ => TxStatus::Idle,
                    };
                    Reply::Ready(self.tx)
                }
                Message::ParseComplete
                | Message::BindComplete
                | Message::NoData
                | Message::CloseComplete
                | Message::ParameterDescription(_)
                | Message::PortalSuspended => continue,
                _ => {
                    self.closed = true;
                    return Err(Error::Protocol("unexpected message from the server".into()));
                }
            });
        }
    }

    fn row(&self, body: DataRowBody) -> Result<Row, Error> {
        let mut cells = Vec::new();
        let mut ranges = body.ranges();
        while let Some(r) = ranges.next().map_err(|e| Error::Protocol(e.to_string()))? {
            cells.push(r);
        }
        Ok(Row::new(
            Arc::clone(&self.current_columns),
            body.buffer_bytes().clone(),
            cells,
        ))
    }

    /// Send a chunk of COPY FROM STDIN data.
    pub fn copy_data(&mut self, data: &[u8]) -> Result<(), Error> {
        let d = frontend::CopyData::new(data).map_err(|e| Error::Protocol(e.to_string()))?;
        d.write(&mut self.wbuf);
        if self.wbuf.len() >= READ_CHUNK {
            self.flush()?;
        }
        Ok(())
    }

    /// End COPY FROM STDIN data.
    pub fn copy_done(&mut self) -> Result<(), Error> {
        frontend::copy_done(&mut self.wbuf);
        self.flush()
    }

    /// Abandon COPY FROM STDIN with a reason (the server fails the COPY).
    pub fn copy_fail(&mut self, why: &str) -> Result<(), Error> {
        frontend::copy_fail(why, &mut self.wbuf).map_err(|e| Error::Protocol(e.to_string()))?;
        self.flush()
    }

    /// Read replies up to the ReadyForQuery, collecting rows and the last
    /// tag; the first error is returned after the request is over. COPY
    /// requests are refused (the caller meant a query).
    fn collect(&mut self) -> Result<(Vec<Row>, Option<String>), Error> {
        let mut rows = Vec::new();
        let mut tag = None;
        let mut failed: Option<Error> = None;
        loop {
            match self.next_reply()? {
                Reply::Columns(_) => {}
                Reply::Row(r) => rows.push(r),
                Reply::Complete(t) => tag = Some(t),
                Reply::Error(e) => {
                    if failed.is_none() {
                        failed = Some(self.db_error(*e));
                    }
                }
                Reply::CopyIn => {
                    self.copy_fail("COPY FROM STDIN is not expected here")?;
                }
                Reply::Ready(_) => break,
                Reply::Empty | Reply::CopyOut | Reply::CopyData(_) | Reply::CopyDone => {}
            }
        }
        match failed {
            Some(e) => Err(e),
            None => Ok((rows, tag)),
        }
    }

    /// Run a statement with parameters; its rows.
    pub fn query(&mut self, sql: &str, params: &[&dyn Param]) -> Result<Vec<Row>, Error> {
        self.send_extended(sql, params)?;
        self.collect().map(|(rows, _)| rows)
    }

    /// Run a statement that returns exactly one row.
    pub fn query_one(&mut self, sql: &str, params: &[&dyn Param]) -> Result<Row, Error> {
        let mut rows = self.query(sql, params)?;
        if rows.len() != 1 {
            return Err(Error::Conversion(
                "query returned an unexpected number of rows".into(),
            ));
        }
        Ok(rows.remove(0))
    }

    /// Run a statement that returns at most one row.
    pub fn query_opt(&mut self, sql: &str, params: &[&dyn Param]) -> Result<Option<Row>, Error> {
        let mut rows = self.query(sql, params)?;
        match rows.len() {
            0 => Ok(None),
            1 => Ok(Some(rows.remove(0))),
            _ => Err(Error::Conversion(
                "query returned an unexpected number of rows".into(),
            )),
        }
    }

    /// Run a statement with parameters; the number of rows it affected.
    pub fn execute(&mut self, sql: &str, params: &[&dyn Param]) -> Result<u64, Error> {
        self.send_extended(sql, params)?;
        let (_, tag) = self.collect()?;
        Ok(tag
            .and_then(|t| t.rsplit(' ').next().and_then(|n| n.parse().ok()))
            .unwrap_or(0))
    }

    /// Run statements (simple protocol, no parameters), discarding rows.
    pub fn batch_execute(&mut self, sql: &str) -> Result<(), Error> {
        self.send_simple(sql)?;
        self.collect().map(|_| ())
    }

    /// Run statements (simple protocol); the rows of all of them.
    pub fn simple_query(&mut self, sql: &str) -> Result<Vec<Row>, Error> {
        self.send_simple(sql)?;
        self.collect().map(|(rows, _)| rows)
    }

    /// Start a transaction: BEGIN, or a savepoint when the connection is
    /// already in the user's transaction block, so that the work is rolled
    /// back or kept with it and the user's transaction is never ended here.
    pub fn transaction(&mut self) -> Result<Transaction<'_>, Error> {
        let savepoint = if self.tx == TxStatus::Idle {
            self.batch_execute("BEGIN")?;
            None
        } else {
            self.savepoints += 1;
            let name = format!("qadmin_sp_{}", self.savepoints);
            self.batch_execute(&format!("SAVEPOINT {name}"))?;
            Some(name)
        };
        Ok(Transaction {
            client: self,
            savepoint,
            done: false,
        })
    }

    /// Whether the connection answers (an empty query).
    pub fn is_valid(&mut self) -> bool {
        self.batch_execute("").is_ok()
    }

    /// Say goodbye to the server.
    pub fn close(mut self) {
        frontend::terminate(&mut self.wbuf);
        let _ = self.flush();
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if !self.closed {
            frontend::terminate(&mut self.wbuf);
            let _ = self.stream.write_all(&self.wbuf);
        }
    }
}

/// Work that is kept or undone as one: see [`Client::transaction`].
/// Dropped without [`Transaction::commit`], it rolls back.
pub struct Transaction<'a> {
    client: &'a mut Client,
    savepoint: Option<String>,
    done: bool,
}

impl Transaction<'_> {
    /// Keep the work.
    pub fn commit(mut self) -> Result<(), Error> {
        self.done = true;
        match &self.savepoint {
            None => self.client.batch_execute("COMMIT"),
            Some(sp) => {
                let sql = format!("RELEASE SAVEPOINT {sp}");
                self.client.batch_execute(&sql)
            }
        }
    }

    /// Undo the work.
    pub fn rollback(mut self) -> Result<(), Error> {
        self.done = true;
        self.undo()
    }

    fn undo(&mut self) -> Result<(), Error> {
        if self.client.is_closed() {
            return Ok(());
        }
        match &self.savepoint {
            None => self.client.batch_execute("ROLLBACK"),
            Some(sp) => {
                let sql = format!("ROLLBACK TO SAVEPOINT {sp}; RELEASE SAVEPOINT {sp}");
                self.client.batch_execute(&sql)
            }
        }
    }
}

impl Drop for Transaction<'_> {
    fn drop(&mut self) {
        if !self.done {
            let _ = self.undo();
        }
    }
}

impl std::ops::Deref for Transaction<'_> {
    type Target = Client;
    fn deref(&self) -> &Client {
        self.client
    }
}

impl std::ops::DerefMut for Transaction<'_> {
    fn deref_mut(&mut self) -> &mut Client {
        self.client
    }
}
