//! psql's CSV format (`--csv`), also expanded (`--csv -x`).
//!
//! A header line (unless `tuples_only`), then one line per row, each ending
//! with `\n`; no footer. A field is quoted when it contains the separator, a
//! double quote, CR or LF, when it is exactly `\.`, or always when the
//! separator is `\` or `.`; double quotes inside are doubled. NULL prints as
//! the null display text, quoted by the same rules (psql does the same, so
//! with the default empty null display a NULL is an empty, unquoted field).
//! The expanded variant prints one `name,value` line per field and neither
//! header nor record separators.

use std::io::{self, Write};

use super::{cell_text, maybe_flush, Column, PrintOptions, Progress, Row};

/// Appends one field, quoted when psql would quote it.
fn push_field(buf: &mut Vec<u8>, field: &str, sep: &[u8]) {
    let b = field.as_bytes();
    let quote = sep == b"\\"
        || sep == b"."
        || field == "\\."
        || b.iter().any(|&c| c == b'"' || c == b'\n' || c == b'\r')
        || contains(b, sep);
    if !quote {
        buf.extend_from_slice(b);
        return;
    }
    buf.push(b'"');
    let mut start = 0;
    for (i, &c) in b.iter().enumerate() {
        if c == b'"' {
            buf.extend_from_slice(&b[start..=i]);
            buf.push(b'"');
            start = i + 1;
        }
    }
    buf.extend_from_slice(&b[start..]);
    buf.push(b'"');
}

/// True when `needle` (one character, 1 to 4 bytes) occurs in `hay`.
#[inline]
fn contains(hay: &[u8], needle: &[u8]) -> bool {
    match needle {
        [c] => hay.contains(c),
        _ => hay.windows(needle.len()).any(|w| w == needle),
    }
}

/// The separator character as UTF-8 bytes.
fn sep_bytes(c: char, storage: &mut [u8; 4]) -> &[u8] {
    c.encode_utf8(storage).as_bytes()
}

/// State of the CSV printer for one result.
pub(crate) struct Csv {
    columns: Vec<Column>,
}

impl Csv {
    pub(crate) fn new(columns: Vec<Column>) -> Self {
        Csv { columns }
    }

    fn header(&self, buf: &mut Vec<u8>, opts: &PrintOptions) {
        if opts.tuples_only {
            return;
        }
        let mut storage = [0u8; 4];
        let sep = sep_bytes(opts.csv_sep, &mut storage);
        for (j, c) in self.columns.iter().enumerate() {
            if j > 0 {
                buf.extend_from_slice(sep);
            }
            push_field(buf, &c.name, sep);
        }
        buf.push(b'\n');
    }

    pub(crate) fn batch<R: Row>(
        &mut self,
        buf: &mut Vec<u8>,
        w: &mut dyn Write,
        rows: &[R],
        first: bool,
        opts: &PrintOptions,
    ) -> io::Result<()> {
        if first {
            self.header(buf, opts);
        }
        let ncols = self.columns.len();
        if ncols == 0 {
            return Ok(());
        }
        let null = opts.null_display.as_str();
        let mut storage = [0u8; 4];
        let sep = sep_bytes(opts.csv_sep, &mut storage);
        for row in rows {
            for j in 0..ncols {
                if j > 0 {
                    buf.extend_from_slice(sep);
                }
                push_field(buf, cell_text(row, j, null), sep);
            }
            buf.push(b'\n');
            maybe_flush(buf, w)?;
        }
        Ok(())
    }

    pub(crate) fn finish(&mut self, buf: &mut Vec<u8>, progress: Progress, opts: &PrintOptions) {
        if progress.batches == 0 {
            self.header(buf, opts);
        }
    }
}

/// State of the expanded CSV printer for one result.
pub(crate) struct Vertical {
    columns: Vec<Column>,
}

impl Vertical {
    pub(crate) fn new(columns: Vec<Column>) -> Self {
        Vertical { columns }
    }

    pub(crate) fn batch<R: Row>(
        &mut self,
        buf: &mut Vec<u8>,
        w: &mut dyn Write,
        rows: &[R],
        opts: &PrintOptions,
    ) -> io::Result<()> {
        let null = opts.null_display.as_str();
        let mut storage = [0u8; 4];
        let sep = sep_bytes(opts.csv_sep, &mut storage);
        for row in rows {
            for (j, c) in self.columns.iter().enumerate() {
                push_field(buf, &c.name, sep);
                buf.extend_from_slice(sep);
                push_field(buf, cell_text(row, j, null), sep);
                buf.push(b'\n');
            }
            maybe_flush(buf, w)?;
        }
        Ok(())
    }
}
