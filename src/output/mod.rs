//! Printing query results the way psql 15 does.
//!
//! Results are printed in a streaming fashion, following psql's
//! `FETCH_COUNT` model: a [`TablePrinter`] is created for one result, receives
//! the rows in batches through [`TablePrinter::print_batch`] and ends with
//! [`TablePrinter::finish`]. Memory use depends on the batch size, never on
//! the number of rows of the result.
//!
//! A result printed as one batch looks byte for byte like psql's output; a
//! result printed in several batches looks like psql's output with
//! `FETCH_COUNT` set: the header is printed with the first batch only, each
//! batch computes its own column widths (aligned and expanded formats) and the
//! `(N rows)` footer counts all rows at the end.
//!
//! Formats ([`Format`]):
//! - aligned (psql's default) and, with [`PrintOptions::expanded`], psql's
//!   `-x` records; `\x auto` decides on the first batch, as psql;
//! - wrapped: aligned, long values wrapped to [`PrintOptions::columns`];
//! - unaligned (`-A`), with `-x` as well;
//! - CSV (`--csv`), with `-x` as well;
//! - psql's document formats html, asciidoc, latex, latex-longtable and
//!   troff-ms, with `-x` as well (`markup.rs`);
//! - JSON, which psql does not have: one JSON document per result, an array of
//!   objects (see [`Format::Json`]).
//!
//! Empty batches are ignored: the output only depends on the rows and on how
//! they are split into non-empty batches.
//!
//! The printers write into an internal buffer that is handed to the given
//! writer with `write_all` every 64 KiB and at the end of each call; they never
//! call `flush` (wrap stdout in a `BufWriter` and flush it when appropriate).

mod aligned;
mod bordered;
mod csv;
mod expanded;
mod json;
mod markup;
pub mod pager;
pub mod readable;
pub mod style;
mod text;
mod unaligned;

#[cfg(test)]
mod golden;
#[cfg(test)]
mod tests;

use std::io::{self, Write};

/// One result column: its name and the server's type OID (0 when unknown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The column name as the server sent it.
    pub name: String,
    /// The type OID of the column (0 when unknown): it decides the alignment
    /// in the aligned formats and the JSON value types.
    pub type_oid: u32,
}

impl Column {
    /// A column with the given name and type OID.
    pub fn new(name: impl Into<String>, type_oid: u32) -> Self {
        Column {
            name: name.into(),
            type_oid,
        }
    }
}

/// A row as the printers see it: text values as the server sent them
/// (`None` = SQL NULL).
///
/// A cell index beyond [`Row::len`] is printed as NULL.
pub trait Row {
    /// Number of cells in the row.
    fn len(&self) -> usize;
    /// True when the row has no cells.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The text of cell `i`, `None` for SQL NULL.
    fn cell(&self, i: usize) -> Option<&str>;
}

impl Row for Vec<Option<String>> {
    fn len(&self) -> usize {
        self.as_slice().len()
    }
    fn cell(&self, i: usize) -> Option<&str> {
        self.get(i).and_then(|c| c.as_deref())
    }
}

impl Row for Vec<Option<&str>> {
    fn len(&self) -> usize {
        self.as_slice().len()
    }
    fn cell(&self, i: usize) -> Option<&str> {
        self.get(i).copied().flatten()
    }
}

/// A whole small result (used by shell commands that build their rows in
/// memory).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResultSet {
    /// The result columns.
    pub columns: Vec<Column>,
    /// The rows, each with one cell per column (`None` = SQL NULL).
    pub rows: Vec<Vec<Option<String>>>,
}

/// Output format, as psql's `\pset format` (plus JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// psql's default table format (`\pset format aligned`).
    Aligned,
    /// psql's `\pset format wrapped`: aligned, long values wrapped to fit
    /// [`PrintOptions::columns`] (`\pset columns`, else the terminal's
    /// width; no wrapping when it is 0).
    Wrapped,
    /// psql's `-A`: fields joined with [`PrintOptions::field_sep`].
    Unaligned,
    /// psql's `--csv`, with [`PrintOptions::csv_sep`].
    Csv,
    /// psql's `\pset format html`: a `<table>` (see `markup.rs`).
    Html,
    /// psql's `\pset format asciidoc`.
    Asciidoc,
    /// psql's `\pset format latex`: a `tabular` environment.
    Latex,
    /// psql's `\pset format latex-longtable`.
    LatexLongtable,
    /// psql's `\pset format troff-ms`: a `tbl` table.
    TroffMs,
    /// One JSON document per result: an array of objects, one object per row
    /// on its own line, `[]` for an empty result. Keys are the column names;
    /// duplicate column names are all kept in order (JSON allows it, but
    /// many readers keep only the last one). Values: numbers for the numeric
    /// types when the text is a JSON number (`NaN`, `Infinity` become
    /// strings), `true`/`false` for `bool`, the value itself for `json` and
    /// `jsonb`, `null` for NULL, strings otherwise. `expanded`,
    /// `tuples_only`, `footer`, `null_display` and `color` do not apply.
    Json,
}

/// Printing options, named after psql's `\pset` settings.
#[derive(Debug, Clone)]
pub struct PrintOptions {
    /// Output format.
    pub format: Format,
    /// Expanded output (psql's `-x`): one record per row.
    pub expanded: bool,
    /// Text shown for NULL (psql's `\pset null`).
    pub null_display: String,
    /// psql's `-t`: no header and no footer.
    pub tuples_only: bool,
    /// psql's `\pset footer`: the `(N rows)` footer.
    pub footer: bool,
    /// Field separator of the unaligned format (psql's `-F`, default `|`).
    pub field_sep: String,
    /// Field separator of the CSV format (psql's `csv_fieldsep`, default `,`).
    pub csv_sep: char,
    /// Bold header row in the aligned format (never changes widths).
    pub color: bool,
    /// psql's `\x auto`: an aligned result wider than [`PrintOptions::columns`]
    /// is printed expanded instead (decided on its first batch).
    pub expanded_auto: bool,
    /// The terminal's width for `expanded_auto`; 0 when unknown (then
    /// nothing is expanded automatically).
    pub columns: usize,
    /// psql's `\pset pager` (see [`pager`]).
    pub pager: pager::PagerUse,
    /// psql's `\pset border`: 0, 1 (default) or 2 (more counts as 2).
    pub border: u16,
    /// psql's `\pset linestyle`.
    pub line_style: LineStyle,
    /// psql's `\pset unicode_border_linestyle`.
    pub unicode_border: UnicodeLine,
    /// psql's `\pset unicode_column_linestyle`.
    pub unicode_column: UnicodeLine,
    /// psql's `\pset unicode_header_linestyle`.
    pub unicode_header: UnicodeLine,
    /// A title over the table (psql's `\pset title`, `\C`, and the
    /// describe commands' `List of relations`).
    pub title: Option<String>,
    /// Footer lines of the caller's own, printed instead of `(N rows)`
    /// (the describe commands' `Indexes:` ...).
    pub footers: Option<Vec<String>>,
    /// Record separator of the unaligned format (psql's `-R`, default a
    /// newline).
    pub record_sep: String,
    /// psql's `\pset tableattr`: attributes of HTML's `<table>`, the
    /// column widths of latex-longtable.
    pub table_attr: Option<String>,
    /// psql's `\pset numericlocale`: digits grouped by thousands in
    /// right-aligned columns (`1,234,567.5`, as psql in the C locale).
    pub numeric_locale: bool,
}

/// psql's `\pset linestyle`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LineStyle {
    /// `-`, `|` and `+` (the default).
    #[default]
    Ascii,
    /// psql 8.4's: `:` and `;` marks for wrapped lines.
    OldAscii,
    /// Box-drawing characters.
    Unicode,
}

/// psql's unicode line styles (`single`, `double`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UnicodeLine {
    /// Light lines (the default).
    #[default]
    Single,
    /// Double lines.
    Double,
}

impl PrintOptions {
    /// The aligned format needs the full printer (psql's
    /// `print_aligned_text` in everything it can do) rather than the fast
    /// path for psql's default look.
    fn bordered(&self) -> bool {
        self.border != 1
            || self.line_style != LineStyle::Ascii
            || self.title.is_some()
            || self.footers.is_some()
    }
}

/// The footers after a table: the caller's, or `(N rows)`; none with
/// `tuples_only`. Each ends with a newline.
pub(crate) fn push_footers(buf: &mut Vec<u8>, rows: u64, opts: &PrintOptions) {
    if opts.tuples_only {
        return;
    }
    match &opts.footers {
        Some(lines) => {
            for l in lines {
                buf.extend_from_slice(l.as_bytes());
                buf.push(b'\n');
            }
        }
        None if opts.footer => {
            push_rows_footer(buf, rows);
            buf.push(b'\n');
        }
        None => {}
    }
}

impl Default for PrintOptions {
    fn default() -> Self {
        PrintOptions {
            format: Format::Aligned,
            expanded: false,
            null_display: String::new(),
            tuples_only: false,
            footer: true,
            field_sep: "|".to_string(),
            csv_sep: ',',
            color: false,
            expanded_auto: false,
            columns: 0,
            pager: pager::PagerUse::On,
            border: 1,
            line_style: LineStyle::Ascii,
            unicode_border: UnicodeLine::Single,
            unicode_column: UnicodeLine::Single,
            unicode_header: UnicodeLine::Single,
            title: None,
            footers: None,
            record_sep: "\n".to_string(),
            table_attr: None,
            numeric_locale: false,
        }
    }
}

/// Type OIDs psql right-aligns in the aligned formats.
pub(crate) fn is_right_aligned(oid: u32) -> bool {
    // int8, int2, int4, oid, xid, cid, float4, float8, money, numeric, xid8
    matches!(
        oid,
        20 | 21 | 23 | 26 | 28 | 29 | 700 | 701 | 790 | 1700 | 5069
    )
}

/// The buffer is handed to the writer when it grows beyond this.
const FLUSH_AT: usize = 64 * 1024;

/// Hands the buffer to the writer once it is large enough.
#[inline]
pub(crate) fn maybe_flush(buf: &mut Vec<u8>, w: &mut dyn Write) -> io::Result<()> {
    if buf.len() >= FLUSH_AT {
        w.write_all(buf)?;
        buf.clear();
    }
    Ok(())
}

/// The text psql prints for cell `j` of `row`.
#[inline]
pub(crate) fn cell_text<'a, R: Row>(row: &'a R, j: usize, null: &'a str) -> &'a str {
    row.cell(j).unwrap_or(null)
}

/// Appends psql's default footer, `(1 row)` or `(N rows)`, without newline.
pub(crate) fn push_rows_footer(buf: &mut Vec<u8>, rows: u64) {
    // Writing into a Vec cannot fail.
    let _ = if rows == 1 {
        write!(buf, "(1 row)")
    } else {
        write!(buf, "({rows} rows)")
    };
}

/// Counters shared by all formats.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Progress {
    /// Rows printed so far (psql's `prior_records` before a batch).
    pub(crate) rows: u64,
    /// Non-empty batches printed so far.
    pub(crate) batches: u64,
}

/// The printer of one format.
enum Inner {
    Aligned(aligned::Aligned),
    Bordered(Box<bordered::Bordered>),
    BorderedVertical(Box<bordered::Vertical>),
    Expanded(expanded::Expanded),
    Unaligned(unaligned::Unaligned),
    UnalignedVertical(unaligned::Vertical),
    Csv(csv::Csv),
    CsvVertical(csv::Vertical),
    Json(json::Json),
    Markup(Box<markup::Markup>),
    /// `\x auto`: aligned or expanded, chosen on the first batch.
    Auto(Vec<Column>),
    /// `\x auto` with the full aligned printer (borders, line styles,
    /// title, wrapped): chosen on the first batch.
    AutoBordered(Vec<Column>),
}

/// Streaming printer for one result.
///
/// Create it with the result's columns, call [`TablePrinter::print_batch`]
/// for each batch of rows as it arrives and [`TablePrinter::finish`] once at
/// the end.
pub struct TablePrinter {
    opts: PrintOptions,
    /// Right-aligned columns, when `numeric_locale` regroups their digits.
    regroup: Option<Vec<bool>>,
    inner: Inner,
    progress: Progress,
    finished: bool,
    buf: Vec<u8>,
}

impl TablePrinter {
    /// A printer for a result with these columns.
    pub fn new(columns: Vec<Column>, opts: &PrintOptions) -> Self {
        // The wrapped format is the full aligned printer with a target
        // width.
        let wrapped = opts.format == Format::Wrapped;
        let format = match opts.format {
            Format::Wrapped => Format::Aligned,
            f => f,
        };
        let regroup = opts.numeric_locale.then(|| {
            columns
                .iter()
                .map(|c| is_right_aligned(c.type_oid))
                .collect()
        });
        let inner = match (format, opts.expanded) {
            (Format::Aligned, true) if opts.bordered() || wrapped => {
                Inner::BorderedVertical(Box::new(bordered::Vertical::new(&columns, opts)))
            }
            (Format::Aligned, false)
                if (opts.bordered() || wrapped)
                    && opts.expanded_auto
                    && opts.columns > 0
                    && columns.len() > 1 =>
            {
                Inner::AutoBordered(columns)
            }
            (Format::Aligned, false) if opts.bordered() || wrapped => {
                Inner::Bordered(Box::new(bordered::Bordered::new(&columns, opts)))
            }
            // One column is never narrower expanded (psql's rule too).
            (Format::Aligned, false)
                if opts.expanded_auto && opts.columns > 0 && columns.len() > 1 =>
            {
                Inner::Auto(columns)
            }
            (Format::Aligned, false) => Inner::Aligned(aligned::Aligned::new(&columns, opts)),
            (Format::Aligned, true) => Inner::Expanded(expanded::Expanded::new(&columns)),
            (Format::Unaligned, false) => Inner::Unaligned(unaligned::Unaligned::new(columns)),
            (Format::Unaligned, true) => {
                Inner::UnalignedVertical(unaligned::Vertical::new(columns))
            }
            (Format::Csv, false) => Inner::Csv(csv::Csv::new(columns)),
            (Format::Csv, true) => Inner::CsvVertical(csv::Vertical::new(columns)),
            (Format::Json, _) => Inner::Json(json::Json::new(&columns)),
            (Format::Html, x) => Inner::Markup(Box::new(markup::Markup::new(
                markup::Kind::Html,
                x,
                &columns,
            ))),
            (Format::Asciidoc, x) => Inner::Markup(Box::new(markup::Markup::new(
                markup::Kind::Asciidoc,
                x,
                &columns,
            ))),
            (Format::Latex, x) => Inner::Markup(Box::new(markup::Markup::new(
                markup::Kind::Latex,
                x,
                &columns,
            ))),
            (Format::LatexLongtable, x) => Inner::Markup(Box::new(markup::Markup::new(
                markup::Kind::LatexLongtable,
                x,
                &columns,
            ))),
            (Format::TroffMs, x) => Inner::Markup(Box::new(markup::Markup::new(
                markup::Kind::TroffMs,
                x,
                &columns,
            ))),
            (Format::Wrapped, _) => unreachable!("Format::Wrapped in TablePrinter::new"),
        };
        TablePrinter {
            regroup,
            opts: opts.clone(),
            inner,
            progress: Progress::default(),
            finished: false,
            buf: Vec::with_capacity(FLUSH_AT + 4096),
        }
    }

    /// Print one batch of rows (the first non-empty batch also prints the
    /// header). May be called with an empty batch, which prints nothing.
    pub fn print_batch<R: Row>(&mut self, w: &mut dyn Write, rows: &[R]) -> io::Result<()> {
        if self.finished {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "TablePrinter::print_batch called after finish",
            ));
        }
        if rows.is_empty() {
            return Ok(());
        }
        if let Some(right) = self.regroup.take() {
            let regrouped: Vec<Vec<Option<String>>> = rows
                .iter()
                .map(|r| {
                    (0..right.len().max(r.len()))
                        .map(|j| {
                            r.cell(j).map(|c| match right.get(j) {
                                Some(true) => numeric_locale(c),
                                _ => c.to_string(),
                            })
                        })
                        .collect()
                })
                .collect();
            let done = self.print_batch(w, &regrouped);
            self.regroup = Some(right);
            return done;
        }
        let first = self.progress.batches == 0;
        if let Inner::Auto(columns) = &self.inner {
            let mut a = aligned::Aligned::new(columns, &self.opts);
            self.inner = if a.table_width(rows, &self.opts.null_display) > self.opts.columns {
                Inner::Expanded(expanded::Expanded::new(columns))
            } else {
                Inner::Aligned(a)
            };
        }
        if let Inner::AutoBordered(columns) = &self.inner {
            let mut b = bordered::Bordered::new(columns, &self.opts);
            self.inner = if b.too_wide(rows, &self.opts.null_display) {
                Inner::BorderedVertical(Box::new(bordered::Vertical::new(columns, &self.opts)))
            } else {
                Inner::Bordered(Box::new(b))
            };
        }
        let opts = &self.opts;
        let buf = &mut self.buf;
        let p = self.progress;
        let printed = match &mut self.inner {
            Inner::Aligned(x) => x.batch(buf, w, rows, first, opts),
            Inner::Bordered(x) => x.batch(buf, w, rows, first, opts),
            Inner::BorderedVertical(x) => x.batch(buf, w, rows, first, opts),
            Inner::Expanded(x) => x.batch(buf, w, rows, first, p, opts),
            Inner::Unaligned(x) => x.batch(buf, w, rows, first, opts),
            Inner::UnalignedVertical(x) => x.batch(buf, w, rows, first, opts),
            Inner::Csv(x) => x.batch(buf, w, rows, first, opts),
            Inner::CsvVertical(x) => x.batch(buf, w, rows, opts),
            Inner::Json(x) => x.batch(buf, w, rows),
            Inner::Markup(x) => x.batch(buf, w, rows, first, p, opts),
            Inner::Auto(_) | Inner::AutoBordered(_) => {
                unreachable!("Inner::Auto is resolved above in print_batch")
            }
        };
        self.progress.rows += rows.len() as u64;
        self.progress.batches += 1;
        let written = printed.and_then(|()| w.write_all(&self.buf));
        // After an error nothing of this batch is kept for a later call.
        self.buf.clear();
        written
    }

    /// End of the result: the footer `(N rows)` and the like. Must be called
    /// exactly once, also for zero rows (then the header is printed if
    /// nothing was printed yet, like psql).
    pub fn finish(&mut self, w: &mut dyn Write) -> io::Result<()> {
        if self.finished {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "TablePrinter::finish called twice",
            ));
        }
        self.finished = true;
        if let Inner::Auto(columns) = &self.inner {
            // No rows: psql prints the empty table aligned.
            self.inner = Inner::Aligned(aligned::Aligned::new(columns, &self.opts));
        }
        if let Inner::AutoBordered(columns) = &self.inner {
            let mut b = bordered::Bordered::new(columns, &self.opts);
            let none: [Vec<Option<String>>; 0] = [];
            self.inner = if b.too_wide(&none, "") {
                Inner::BorderedVertical(Box::new(bordered::Vertical::new(columns, &self.opts)))
            } else {
                Inner::Bordered(Box::new(b))
            };
        }
        let opts = &self.opts;
        let buf = &mut self.buf;
        let p = self.progress;
        match &mut self.inner {
            Inner::Aligned(x) => x.finish(buf, p, opts),
            Inner::Bordered(x) => x.finish(buf, p, opts),
            Inner::BorderedVertical(x) => x.finish(buf, p, opts),
            Inner::Expanded(x) => x.finish(buf, p, opts),
            Inner::Unaligned(x) => x.finish(buf, p, opts),
            Inner::UnalignedVertical(x) => x.finish(buf, opts),
            Inner::Csv(x) => x.finish(buf, p, opts),
            Inner::CsvVertical(_) => {}
            Inner::Json(x) => x.finish(buf),
            Inner::Markup(x) => x.finish(buf, p, opts),
            Inner::Auto(_) | Inner::AutoBordered(_) => {}
        }
        let written = w.write_all(&self.buf);
        self.buf.clear();
        written
    }
}

/// psql's `format_numeric_locale` in the C locale: a value that looks
/// like a number (only `0-9+-.eE`) gets `,` between groups of three
/// digits of its integer part.
pub fn numeric_locale(s: &str) -> String {
    if !s.bytes().all(|b| b"0123456789+-.eE".contains(&b)) {
        return s.to_string();
    }
    let (sign, rest) = match s.as_bytes().first() {
        Some(b'-' | b'+') => s.split_at(1),
        _ => ("", s),
    };
    let int_len = rest.bytes().take_while(u8::is_ascii_digit).count();
    let mut out = String::with_capacity(s.len() + int_len / 3);
    out.push_str(sign);
    let mut leading = match int_len % 3 {
        0 => 3,
        n => n,
    };
    for (i, c) in rest[..int_len].chars().enumerate() {
        if i > 0 {
            leading -= 1;
            if leading == 0 {
                out.push(',');
                leading = 3;
            }
        }
        out.push(c);
    }
    out.push_str(&rest[int_len..]);
    out
}

/// Print a whole in-memory result (new + one batch + finish).
pub fn print_result(w: &mut dyn Write, rs: &ResultSet, opts: &PrintOptions) -> io::Result<()> {
    let mut printer = TablePrinter::new(rs.columns.clone(), opts);
    printer.print_batch(w, &rs.rows)?;
    printer.finish(w)
}

/// Print a command status line (e.g. `INSERT 0 1`). In JSON format print
/// `{"command":"INSERT 0 1"}` on its own line so that stdout stays a stream
/// of JSON documents.
pub fn print_status(w: &mut dyn Write, tag: &str, opts: &PrintOptions) -> io::Result<()> {
    let mut buf = Vec::with_capacity(tag.len() + 16);
    if opts.format == Format::Json {
        buf.extend_from_slice(b"{\"command\":");
        json::push_string(&mut buf, tag);
        buf.push(b'}');
    } else {
        buf.extend_from_slice(tag.as_bytes());
    }
    buf.push(b'\n');
    w.write_all(&buf)
}
