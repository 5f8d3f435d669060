//! psql's expanded format (`-x`, border 1, ASCII line style).
//!
//! ```text
//! -[ RECORD 1 ]-+------
//! a             | 1
//! long_name     | x   +
//!               | yz
//! ```
//! The names are padded to the widest name; the record line is as wide as
//! the name column plus ` | ` plus the widest value line of the batch, with
//! a `+` above the `|` when the `-[ RECORD n ]` label leaves room for it.
//! Record numbers continue across batches. With `tuples_only` the record
//! lines have no label and the first one is left out. An empty result prints
//! `(0 rows)`; otherwise there is no footer.

use std::io::{self, Write};

use super::text::{self, fill, FormattedLine};
use super::{cell_text, maybe_flush, push_rows_footer, Column, PrintOptions, Progress, Row};

/// State of the expanded printer for one result.
pub(crate) struct Expanded {
    /// Name lines of each column, formatted.
    headers: Vec<Vec<FormattedLine>>,
    /// Widest name line.
    hwidth: usize,
    /// Formatting space for one value line.
    scratch: Vec<u8>,
}

impl Expanded {
    pub(crate) fn new(columns: &[Column]) -> Self {
        let headers: Vec<Vec<FormattedLine>> = columns
            .iter()
            .map(|c| text::format_lines(&c.name))
            .collect();
        let hwidth = headers
            .iter()
            .flat_map(|lines| lines.iter().map(|l| l.width))
            .max()
            .unwrap_or(0);
        Expanded {
            headers,
            hwidth,
            scratch: Vec::new(),
        }
    }

    /// The line above a record: `label` padded with `-` to the record width,
    /// with `+` above the column separator when the label leaves room.
    fn record_line(&self, buf: &mut Vec<u8>, label: &[u8], dwidth: usize) {
        let total = (self.hwidth + 3 + dwidth).max(label.len());
        buf.extend_from_slice(label);
        let plus_at = if label.len() <= self.hwidth + 1 {
            Some(self.hwidth + 1)
        } else {
            None
        };
        for i in label.len()..total {
            buf.push(if Some(i) == plus_at { b'+' } else { b'-' });
        }
        buf.push(b'\n');
    }

    /// The lines of one field: name and value side by side.
    fn field(&mut self, buf: &mut Vec<u8>, j: usize, value: &str, dwidth: usize) {
        let hwidth = self.hwidth;
        let names = &self.headers[j];
        let mut hline = 0usize;
        let mut hdone = false;
        let mut dpos = Some(0usize);
        while !hdone || dpos.is_some() {
            if hdone {
                fill(buf, b' ', hwidth + 1);
            } else {
                let name = &names[hline];
                buf.extend_from_slice(&name.text);
                fill(buf, b' ', hwidth - name.width);
                if hline + 1 < names.len() {
                    buf.push(b'+');
                    hline += 1;
                } else {
                    buf.push(b' ');
                    hdone = true;
                }
            }
            buf.push(b'|');
            if let Some(pos) = dpos {
                buf.push(b' ');
                let rest = &value[pos..];
                if pos == 0 && text::is_plain(rest.as_bytes()) {
                    buf.extend_from_slice(rest.as_bytes());
                    dpos = None;
                } else {
                    let (line, next) = text::next_line(rest);
                    self.scratch.clear();
                    let lw = text::format_line(line, Some(&mut self.scratch));
                    buf.extend_from_slice(&self.scratch);
                    match next {
                        Some(n) => {
                            fill(buf, b' ', dwidth - lw);
                            buf.push(b'+');
                            dpos = Some(pos + n);
                        }
                        None => dpos = None,
                    }
                }
            }
            buf.push(b'\n');
        }
    }

    pub(crate) fn batch<R: Row>(
        &mut self,
        buf: &mut Vec<u8>,
        w: &mut dyn Write,
        rows: &[R],
        first: bool,
        progress: Progress,
        opts: &PrintOptions,
    ) -> io::Result<()> {
        let ncols = self.headers.len();
        if ncols == 0 {
            // psql prints nothing for records without fields.
            return Ok(());
        }
        let null = opts.null_display.as_str();
        let mut dwidth = 0usize;
        for row in rows {
            for j in 0..ncols {
                let s = cell_text(row, j, null);
                let w = if text::is_plain(s.as_bytes()) {
                    s.len()
                } else {
                    text::measure(s).0
                };
                dwidth = dwidth.max(w);
            }
        }
        let mut label = Vec::with_capacity(32);
        for (i, row) in rows.iter().enumerate() {
            if !opts.tuples_only {
                label.clear();
                let record = progress.rows + i as u64 + 1;
                // Writing into a Vec cannot fail.
                let _ = write!(label, "-[ RECORD {record} ]");
                self.record_line(buf, &label, dwidth);
            } else if i > 0 || !first {
                self.record_line(buf, b"-", dwidth);
            }
            for j in 0..ncols {
                self.field(buf, j, cell_text(row, j, null), dwidth);
            }
            maybe_flush(buf, w)?;
        }
        Ok(())
    }

    pub(crate) fn finish(&mut self, buf: &mut Vec<u8>, progress: Progress, opts: &PrintOptions) {
        // psql prints the footer only when the whole result is one batch
        // without cells (no rows, or rows without columns).
        let no_cells = progress.rows == 0 || (self.headers.is_empty() && progress.batches <= 1);
        if no_cells && opts.footer && !opts.tuples_only {
            push_rows_footer(buf, progress.rows);
            buf.push(b'\n');
        }
        buf.push(b'\n');
    }
}
