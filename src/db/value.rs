//! Values on the wire, in PostgreSQL's text format both ways: a parameter
//! is sent as text with its type left to the server (as psql's `\bind`
//! does, so no round trip is spent asking for parameter types), and a
//! result cell is read from the text the server printed (what psql shows).

use std::borrow::Cow;
use std::ops::Range;
use std::sync::Arc;

use bytes::Bytes;

use super::error::Error;

/// A value that can be a statement parameter.
pub trait Param {
    /// The value's text, or `None` for NULL.
    fn to_text(&self) -> Option<Cow<'_, str>>;
}

impl<T: Param + ?Sized> Param for &T {
    fn to_text(&self) -> Option<Cow<'_, str>> {
        (**self).to_text()
    }
}

impl Param for str {
    fn to_text(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Borrowed(self))
    }
}

impl Param for String {
    fn to_text(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Borrowed(self))
    }
}

impl Param for bool {
    fn to_text(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Borrowed(if *self { "t" } else { "f" }))
    }
}

macro_rules! display_param {
    ($($t:ty),*) => {$(
        impl Param for $t {
            fn to_text(&self) -> Option<Cow<'_, str>> {
                Some(Cow::Owned(self.to_string()))
            }
        }
    )*};
}
display_param!(i16, i32, i64, u32, f64);

impl<T: Param> Param for Option<T> {
    fn to_text(&self) -> Option<Cow<'_, str>> {
        self.as_ref().and_then(Param::to_text)
    }
}

/// A text array literal: `{"a","b"}`, every element quoted and escaped.
fn array_literal<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let mut s = String::from("{");
    for (i, it) in items.enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push('"');
        for ch in it.chars() {
            if ch == '"' || ch == '\\' {
                s.push('\\');
            }
            s.push(ch);
        }
        s.push('"');
    }
    s.push('}');
    s
}

impl Param for [String] {
    fn to_text(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Owned(array_literal(self.iter().map(String::as_str))))
    }
}

impl Param for Vec<String> {
    fn to_text(&self) -> Option<Cow<'_, str>> {
        self.as_slice().to_text()
    }
}

impl Param for [&str] {
    fn to_text(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Owned(array_literal(self.iter().copied())))
    }
}

impl Param for Vec<&str> {
    fn to_text(&self) -> Option<Cow<'_, str>> {
        self.as_slice().to_text()
    }
}

/// A type a result cell can be read as.
pub trait FromText: Sized {
    /// Read the cell (`None`: NULL).
    fn from_text(v: Option<&str>) -> Result<Self, String>;
}

impl FromText for String {
    fn from_text(v: Option<&str>) -> Result<Self, String> {
        v.map(str::to_string)
            .ok_or_else(|| "unexpected NULL".to_string())
    }
}

impl FromText for bool {
    fn from_text(v: Option<&str>) -> Result<Self, String> {
        match v {
            Some("t") => Ok(true),
            Some("f") => Ok(false),
            Some(o) => Err(format!("not a boolean: {o:?}")),
            None => Err("unexpected NULL".into()),
        }
    }
}

macro_rules! parse_text {
    ($($t:ty),*) => {$(
        impl FromText for $t {
            fn from_text(v: Option<&str>) -> Result<Self, String> {
                let v = v.ok_or_else(|| "unexpected NULL".to_string())?;
                v.parse::<$t>()
                    .map_err(|e| format!("cannot read {v:?} as {}: {e}", stringify!($t)))
            }
        }
    )*};
}
parse_text!(i16, i32, i64, u32, f64);

impl<T: FromText> FromText for Option<T> {
    fn from_text(v: Option<&str>) -> Result<Self, String> {
        match v {
            None => Ok(None),
            some => T::from_text(some).map(Some),
        }
    }
}

/// A result column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Its name.
    pub name: String,
    /// The OID of its type.
    pub type_oid: u32,
}

/// Something that names a column of a row: its index or its name.
pub trait ColumnIndex: std::fmt::Debug {
    /// The index, if the row has such a column.
    fn index(&self, columns: &[Column]) -> Option<usize>;
}

impl ColumnIndex for usize {
    fn index(&self, columns: &[Column]) -> Option<usize> {
        (*self < columns.len()).then_some(*self)
    }
}

impl ColumnIndex for &str {
    fn index(&self, columns: &[Column]) -> Option<usize> {
        columns.iter().position(|c| c.name == *self)
    }
}

/// One result row: the DataRow's bytes and where each cell lies in them.
#[derive(Debug, Clone)]
pub struct Row {
    columns: Arc<[Column]>,
    buf: Bytes,
    cells: Vec<Option<Range<usize>>>,
}

impl Row {
    pub(crate) fn new(columns: Arc<[Column]>, buf: Bytes, cells: Vec<Option<Range<usize>>>) -> Row {
        Row {
            columns,
            buf,
            cells,
        }
    }

    /// The row's columns.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    /// Whether the row has no cells.
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// A cell's text as the server printed it (`None`: NULL).
    pub fn cell(&self, i: usize) -> Option<&str> {
        let r = self.cells.get(i)?.clone()?;
        let bytes = &self.buf[r];
        Some(match std::str::from_utf8(bytes) {
            Ok(s) => s,
            // client_encoding is UTF8; a session that changed it gets
            // what is valid of each cell.
            Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default(),
        })
    }

    /// A cell read as `T`; an error when the column does not exist or the
    /// value does not read as `T`.
    pub fn try_get<I: ColumnIndex, T: FromText>(&self, idx: I) -> Result<T, Error> {
        let i = idx
            .index(&self.columns)
            .ok_or_else(|| Error::Conversion(format!("no column {idx:?} in the result")))?;
        T::from_text(self.cell(i))
            .map_err(|m| Error::Conversion(format!("column {:?}: {m}", self.columns[i].name)))
    }

    /// A cell read as `T`. Panics where [`Row::try_get`] fails: asking for
    /// a column the query does not have is a mistake in qadmin's own SQL.
    #[track_caller]
    pub fn get<I: ColumnIndex, T: FromText>(&self, idx: I) -> T {
        match self.try_get(idx) {
            Ok(v) => v,
            Err(e) => panic!("{e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_params_are_quoted_and_escaped() {
        let v = vec![
            "a".to_string(),
            "b\"c".to_string(),
            "d\\e".to_string(),
            String::new(),
        ];
        assert_eq!(v.to_text().unwrap(), r#"{"a","b\"c","d\\e",""}"#);
    }

    #[test]
    fn cells_read_as_types() {
        let cols: Arc<[Column]> = vec![
            Column {
                name: "n".into(),
                type_oid: 20,
            },
            Column {
                name: "b".into(),
                type_oid: 16,
            },
            Column {
                name: "z".into(),
                type_oid: 25,
            },
        ]
        .into();
        let buf = Bytes::from_static(b"42t");
        let row = Row::new(cols, buf, vec![Some(0..2), Some(2..3), None]);
        assert_eq!(row.get::<_, i64>(0), 42);
        assert!(row.get::<_, bool>("b"));
        assert_eq!(row.get::<_, Option<String>>("z"), None);
        assert!(row.try_get::<_, String>("z").is_err());
        assert!(row.try_get::<_, i32>("nope").is_err());
        assert!(row.try_get::<_, bool>(0).is_err());
    }
}
