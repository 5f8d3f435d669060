//! psql's aligned table format (border 1, ASCII line style).
//!
//! ```text
//!  a | multi+
//!    | line
//! ---+-------
//!  1 | x    +
//!    | y
//! (1 row)
//!
//! ```
//! Each column is as wide as its widest header or cell line in the batch;
//! headers are centred (the odd space goes to the right), cells are
//! left-aligned, or right-aligned for numeric types. A line of a cell that
//! continues on the next line ends with `+` where the column separator's
//! space would be. The last column is only padded when a `+` follows it
//! (or when it is right-aligned); header lines are always padded.

use std::io::{self, Write};

use super::style::HeaderStyle;
use super::text::{self, fill, FormattedLine};
use super::{cell_text, is_right_aligned, maybe_flush, push_rows_footer, Column, PrintOptions};
use super::{Progress, Row};

/// State of the aligned printer for one result.
pub(crate) struct Aligned {
    /// Right-aligned columns.
    right: Vec<bool>,
    /// Header lines of each column, formatted.
    headers: Vec<Vec<FormattedLine>>,
    /// Widest header line of each column.
    header_widths: Vec<usize>,
    /// Number of header lines (the most of any column).
    header_lines: usize,
    /// Column widths of the current batch.
    widths: Vec<usize>,
    /// Rows of the current batch that need the general (multi-line or
    /// escaping) path.
    complex_rows: Vec<bool>,
    /// Per column: byte offset of the next line of the current row's cell.
    cursors: Vec<Option<usize>>,
    /// Formatting space for one cell line.
    scratch: Vec<u8>,
    /// Bold header, when colour is on.
    style: Option<HeaderStyle>,
}

impl Aligned {
    pub(crate) fn new(columns: &[Column], opts: &PrintOptions) -> Self {
        let headers: Vec<Vec<FormattedLine>> = columns
            .iter()
            .map(|c| text::format_lines(&c.name))
            .collect();
        let header_widths: Vec<usize> = headers
            .iter()
            .map(|lines| lines.iter().map(|l| l.width).max().unwrap_or(0))
            .collect();
        let header_lines = headers.iter().map(Vec::len).max().unwrap_or(0);
        Aligned {
            right: columns
                .iter()
                .map(|c| is_right_aligned(c.type_oid))
                .collect(),
            widths: header_widths.clone(),
            header_widths,
            headers,
            header_lines,
            complex_rows: Vec::new(),
            cursors: vec![None; columns.len()],
            scratch: Vec::new(),
            style: HeaderStyle::new(opts.color),
        }
    }

    /// Computes the column widths of a batch (headers included, as psql does
    /// even when it does not print them).
    fn measure<R: Row>(&mut self, rows: &[R], null: &str) {
        let ncols = self.widths.len();
        self.widths.copy_from_slice(&self.header_widths);
        self.complex_rows.clear();
        for row in rows {
            let mut complex = false;
            for (j, width) in self.widths.iter_mut().enumerate().take(ncols) {
                let s = cell_text(row, j, null);
                let w = if text::is_plain(s.as_bytes()) {
                    s.len()
                } else {
                    complex = true;
                    text::measure(s).0
                };
                if w > *width {
                    *width = w;
                }
            }
            self.complex_rows.push(complex);
        }
    }

    /// The width of the table this batch would print (psql's
    /// `width_total`, for `\x auto`).
    pub(crate) fn table_width<R: Row>(&mut self, rows: &[R], null: &str) -> usize {
        self.measure(rows, null);
        let n = self.widths.len();
        if n == 0 {
            return 0;
        }
        self.widths.iter().sum::<usize>() + 3 * n - 1
    }

    /// Header lines and the separator line.
    fn print_header(&self, buf: &mut Vec<u8>) {
        let ncols = self.widths.len();
        for k in 0..self.header_lines {
            if let Some(s) = &self.style {
                buf.extend_from_slice(s.prefix.as_bytes());
            }
            for j in 0..ncols {
                let width = self.widths[j];
                buf.push(b' ');
                let lines = &self.headers[j];
                match lines.get(k) {
                    Some(line) => {
                        let spare = width - line.width;
                        fill(buf, b' ', spare / 2);
                        buf.extend_from_slice(&line.text);
                        fill(buf, b' ', spare - spare / 2);
                    }
                    None => fill(buf, b' ', width),
                }
                buf.push(if k + 1 < lines.len() { b'+' } else { b' ' });
                if j + 1 < ncols {
                    buf.push(b'|');
                }
            }
            if let Some(s) = &self.style {
                buf.extend_from_slice(s.suffix.as_bytes());
            }
            buf.push(b'\n');
        }
        buf.push(b'-');
        for (j, &width) in self.widths.iter().enumerate() {
            fill(buf, b'-', width);
            if j + 1 < ncols {
                buf.extend_from_slice(b"-+-");
            }
        }
        buf.extend_from_slice(b"-\n");
    }

    /// A row whose cells are all plain single-line ASCII.
    #[inline]
    fn print_plain_row<R: Row>(&self, buf: &mut Vec<u8>, row: &R, null: &str) {
        let ncols = self.widths.len();
        for j in 0..ncols {
            let s = cell_text(row, j, null).as_bytes();
            let pad = self.widths[j] - s.len();
            buf.push(b' ');
            if self.right[j] {
                fill(buf, b' ', pad);
                buf.extend_from_slice(s);
            } else {
                buf.extend_from_slice(s);
                if j + 1 < ncols {
                    fill(buf, b' ', pad);
                }
            }
            if j + 1 < ncols {
                buf.extend_from_slice(b" |");
            }
        }
        buf.push(b'\n');
    }

    /// A row with multi-line cells or characters that need escaping.
    fn print_complex_row<R: Row>(&mut self, buf: &mut Vec<u8>, row: &R, null: &str) {
        let ncols = self.widths.len();
        self.cursors.fill(Some(0));
        loop {
            for j in 0..ncols {
                let width = self.widths[j];
                let last = j + 1 == ncols;
                buf.push(b' ');
                let more = match self.cursors[j] {
                    None => {
                        if !last {
                            fill(buf, b' ', width);
                        }
                        false
                    }
                    Some(pos) => {
                        let s = cell_text(row, j, null);
                        let (line, next) = text::next_line(&s[pos..]);
                        self.scratch.clear();
                        let lw = text::format_line(line, Some(&mut self.scratch));
                        let more = next.is_some();
                        if self.right[j] {
                            fill(buf, b' ', width - lw);
                            buf.extend_from_slice(&self.scratch);
                        } else {
                            buf.extend_from_slice(&self.scratch);
                            if !last || more {
                                fill(buf, b' ', width - lw);
                            }
                        }
                        self.cursors[j] = next.map(|n| pos + n);
                        more
                    }
                };
                if more {
                    buf.push(b'+');
                } else if !last {
                    buf.push(b' ');
                }
                if !last {
                    buf.push(b'|');
                }
            }
            buf.push(b'\n');
            if self.cursors.iter().all(Option::is_none) {
                break;
            }
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
        let null = opts.null_display.as_str();
        self.measure(rows, null);
        if first && !opts.tuples_only {
            self.print_header(buf);
        }
        if self.widths.is_empty() {
            // psql prints no line at all for rows without columns.
            return Ok(());
        }
        for (i, row) in rows.iter().enumerate() {
            if self.complex_rows[i] {
                self.print_complex_row(buf, row, null);
            } else {
                self.print_plain_row(buf, row, null);
            }
            maybe_flush(buf, w)?;
        }
        Ok(())
    }

    pub(crate) fn finish(&mut self, buf: &mut Vec<u8>, progress: Progress, opts: &PrintOptions) {
        if progress.batches == 0 && !opts.tuples_only {
            self.widths.copy_from_slice(&self.header_widths);
            self.print_header(buf);
        }
        if opts.footer && !opts.tuples_only {
            push_rows_footer(buf, progress.rows);
            buf.push(b'\n');
        }
        buf.push(b'\n');
    }
}
