//! psql's unaligned format (`-A`), also expanded (`-A -x`).
//!
//! Values are printed as they are (no escaping), joined with the field
//! separator, one row per line, then the `(N rows)` footer. The expanded
//! variant prints the title, `name<sep>value` lines, records separated by
//! an empty line, and only the footers a describe command gives (no row
//! count).

use std::io::{self, Write};

use super::{cell_text, maybe_flush, Column, PrintOptions, Progress, Row};

/// State of the unaligned printer for one result.
pub(crate) struct Unaligned {
    columns: Vec<Column>,
    /// A record separator (newline) is due before the next output.
    need_recordsep: bool,
}

impl Unaligned {
    pub(crate) fn new(columns: Vec<Column>) -> Self {
        Unaligned {
            columns,
            need_recordsep: false,
        }
    }

    fn header(&mut self, buf: &mut Vec<u8>, opts: &PrintOptions) {
        if opts.tuples_only {
            return;
        }
        if let Some(t) = &opts.title {
            buf.extend_from_slice(t.as_bytes());
            buf.extend_from_slice(opts.record_sep.as_bytes());
        }
        for (j, c) in self.columns.iter().enumerate() {
            if j > 0 {
                buf.extend_from_slice(opts.field_sep.as_bytes());
            }
            buf.extend_from_slice(c.name.as_bytes());
        }
        self.need_recordsep = true;
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
        } else {
            self.need_recordsep = true;
        }
        let ncols = self.columns.len();
        if ncols == 0 {
            return Ok(());
        }
        let null = opts.null_display.as_bytes();
        let sep = opts.field_sep.as_bytes();
        for row in rows {
            if self.need_recordsep {
                buf.extend_from_slice(opts.record_sep.as_bytes());
            }
            for j in 0..ncols {
                if j > 0 {
                    buf.extend_from_slice(sep);
                }
                buf.extend_from_slice(row.cell(j).map_or(null, str::as_bytes));
            }
            self.need_recordsep = true;
            maybe_flush(buf, w)?;
        }
        Ok(())
    }

    pub(crate) fn finish(&mut self, buf: &mut Vec<u8>, progress: Progress, opts: &PrintOptions) {
        if progress.batches == 0 {
            self.header(buf, opts);
        }
        if !opts.tuples_only {
            let mut footers = Vec::new();
            super::push_footers(&mut footers, progress.rows, opts);
            for f in footers.split_inclusive(|&b| b == b'\n') {
                if self.need_recordsep {
                    buf.extend_from_slice(opts.record_sep.as_bytes());
                }
                buf.extend_from_slice(f.strip_suffix(b"\n").unwrap_or(f));
                self.need_recordsep = true;
            }
        }
        // The last record ends with a newline whatever the separator, or
        // with a zero byte when that is the separator (psql's rule).
        if self.need_recordsep {
            buf.push(if opts.record_sep == "\0" { 0 } else { b'\n' });
        }
    }
}

/// State of the expanded unaligned printer for one result.
pub(crate) struct Vertical {
    columns: Vec<Column>,
    /// A record separator is due before the next record.
    need_recordsep: bool,
    /// The title (if any) is printed.
    titled: bool,
}

impl Vertical {
    pub(crate) fn new(columns: Vec<Column>) -> Self {
        Vertical {
            columns,
            need_recordsep: false,
            titled: false,
        }
    }

    /// psql prints the title (not with tuples only) before the records.
    fn title(&mut self, buf: &mut Vec<u8>, opts: &PrintOptions) {
        if std::mem::replace(&mut self.titled, true) || opts.tuples_only {
            return;
        }
        if let Some(t) = &opts.title {
            buf.extend_from_slice(t.as_bytes());
            self.need_recordsep = true;
        }
    }

    pub(crate) fn batch<R: Row>(
        &mut self,
        buf: &mut Vec<u8>,
        w: &mut dyn Write,
        rows: &[R],
        first: bool,
        opts: &PrintOptions,
    ) -> io::Result<()> {
        self.title(buf, opts);
        if !first {
            self.need_recordsep = true;
        }
        if self.columns.is_empty() {
            return Ok(());
        }
        let null = opts.null_display.as_str();
        let sep = opts.field_sep.as_bytes();
        let rsep = opts.record_sep.as_bytes();
        for row in rows {
            if self.need_recordsep {
                // Records are separated by two record separators.
                buf.extend_from_slice(rsep);
                buf.extend_from_slice(rsep);
            }
            for (j, c) in self.columns.iter().enumerate() {
                if j > 0 {
                    buf.extend_from_slice(rsep);
                }
                buf.extend_from_slice(c.name.as_bytes());
                buf.extend_from_slice(sep);
                buf.extend_from_slice(cell_text(row, j, null).as_bytes());
            }
            self.need_recordsep = true;
            maybe_flush(buf, w)?;
        }
        Ok(())
    }

    /// The title when no batch printed it, the caller's footers (a
    /// describe command's; never `(N rows)`, as psql), then the last
    /// newline (a zero byte when that is the record separator).
    pub(crate) fn finish(&mut self, buf: &mut Vec<u8>, opts: &PrintOptions) {
        self.title(buf, opts);
        let rsep = opts.record_sep.as_bytes();
        if let (Some(lines), false) = (&opts.footers, opts.tuples_only) {
            if !lines.is_empty() {
                buf.extend_from_slice(rsep);
                for l in lines {
                    buf.extend_from_slice(rsep);
                    buf.extend_from_slice(l.as_bytes());
                }
            }
        }
        if self.need_recordsep {
            buf.push(if opts.record_sep == "\0" { 0 } else { b'\n' });
        }
    }
}
