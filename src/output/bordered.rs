//! psql's aligned table format in full (its `print_aligned_text`):
//! `\pset border 0 | 1 | 2`, the line styles `ascii`, `old-ascii` and
//! `unicode` (with `unicode_border_linestyle`, `unicode_column_linestyle`
//! and `unicode_header_linestyle`), a title centred over the table
//! (`\pset title`, the describe commands) and footers of the caller's
//! own (`Indexes:` ...), and the wrapped format (`\pset format
//! wrapped`: columns narrowed to the target width as psql narrows them,
//! long values cut into lines with the style's wrap marks).
//! [`super::aligned`] is the fast path for psql's default (border 1,
//! ascii, no title, not wrapped); this one takes everything else.
//!
//! ```text
//! +---+-----+         ┌───┬─────┐
//! | a |  b  |         │ a │  b  │
//! +---+-----+         ├───┼─────┤
//! | 1 | x  +|         │ 1 │ x  ↵│
//! |   | y   |         │   │ y   │
//! +---+-----+         └───┴─────┘
//! ```
//! Each batch measures its own widths, as psql does with FETCH_COUNT;
//! the header and title go with the first batch, the bottom rule and the
//! footers at the end.

use std::io::{self, Write};

use super::text::{self, fill};
use super::{cell_text, is_right_aligned, maybe_flush, Column, PrintOptions, Progress, Row};
use super::{LineStyle, UnicodeLine};

/// The strings one line style draws with (psql's `printTextFormat`).
struct Glyphs {
    /// Per rule (top, middle, bottom, data): horizontal, left, middle and
    /// right pieces.
    rules: [[&'static str; 4]; 4],
    midvrule_nl: &'static str,
    midvrule_wrap: &'static str,
    midvrule_blank: &'static str,
    header_nl_left: &'static str,
    header_nl_right: &'static str,
    nl_left: &'static str,
    nl_right: &'static str,
    wrap_left: &'static str,
    wrap_right: &'static str,
    wrap_right_border: bool,
}

const TOP: usize = 0;
const MIDDLE: usize = 1;
const BOTTOM: usize = 2;
const DATA: usize = 3;

fn glyphs(opts: &PrintOptions) -> Glyphs {
    match opts.line_style {
        LineStyle::Ascii => Glyphs {
            rules: [
                ["-", "+", "+", "+"],
                ["-", "+", "+", "+"],
                ["-", "+", "+", "+"],
                ["", "|", "|", "|"],
            ],
            midvrule_nl: "|",
            midvrule_wrap: "|",
            midvrule_blank: "|",
            header_nl_left: " ",
            header_nl_right: "+",
            nl_left: " ",
            nl_right: "+",
            wrap_left: ".",
            wrap_right: ".",
            wrap_right_border: true,
        },
        LineStyle::OldAscii => Glyphs {
            rules: [
                ["-", "+", "+", "+"],
                ["-", "+", "+", "+"],
                ["-", "+", "+", "+"],
                ["", "|", "|", "|"],
            ],
            midvrule_nl: ":",
            midvrule_wrap: ";",
            midvrule_blank: " ",
            header_nl_left: "+",
            header_nl_right: " ",
            nl_left: " ",
            nl_right: " ",
            wrap_left: " ",
            wrap_right: " ",
            wrap_right_border: false,
        },
        LineStyle::Unicode => unicode(opts),
    }
}

/// psql's `refresh_utf8format`.
fn unicode(opts: &PrintOptions) -> Glyphs {
    let double = |l: UnicodeLine| l == UnicodeLine::Double;
    let (b, c, h) = (
        double(opts.unicode_border),
        double(opts.unicode_column),
        double(opts.unicode_header),
    );
    let pick = |d: bool, single: &'static str, dbl: &'static str| if d { dbl } else { single };
    // Border pieces.
    let bh = pick(b, "─", "═");
    let bv = pick(b, "│", "║");
    // Column pieces, by column style then by the crossing line's style.
    let cv = pick(c, "│", "║");
    let col_cross = |other: bool| match (c, other) {
        (false, false) => "┼",
        (false, true) => "╪",
        (true, false) => "╫",
        (true, true) => "╬",
    };
    let col_up = |other: bool| match (c, other) {
        (false, false) => "┴",
        (false, true) => "╧",
        (true, false) => "╨",
        (true, true) => "╩",
    };
    let col_down = |other: bool| match (c, other) {
        (false, false) => "┬",
        (false, true) => "╤",
        (true, false) => "╥",
        (true, true) => "╦",
    };
    // Header rule pieces, by header style then by the border's style.
    let hh = pick(h, "─", "═");
    let h_right = match (h, b) {
        (false, false) => "├",
        (false, true) => "╟",
        (true, false) => "╞",
        (true, true) => "╠",
    };
    let h_left = match (h, b) {
        (false, false) => "┤",
        (false, true) => "╢",
        (true, false) => "╡",
        (true, true) => "╣",
    };
    Glyphs {
        rules: [
            [bh, pick(b, "┌", "╔"), col_down(b), pick(b, "┐", "╗")],
            [hh, h_right, col_cross(h), h_left],
            [bh, pick(b, "└", "╚"), col_up(b), pick(b, "┘", "╝")],
            ["", bv, cv, bv],
        ],
        midvrule_nl: cv,
        midvrule_wrap: cv,
        midvrule_blank: cv,
        header_nl_left: " ",
        header_nl_right: "↵",
        nl_left: " ",
        nl_right: "↵",
        wrap_left: "…",
        wrap_right: "…",
        wrap_right_border: true,
    }
}

/// State of the printer for one result.
pub(crate) struct Bordered {
    columns: Vec<Column>,
    right: Vec<bool>,
    glyphs: Glyphs,
    border: u8,
    /// The widths the columns are printed in (psql's `width_wrap`).
    widths: Vec<usize>,
    /// `\pset format wrapped`: columns shrink to fit `columns`.
    wrapped: bool,
    /// The target width for wrapping (0: none).
    target: usize,
}

/// How the line of a cell printed last goes on (psql's
/// `printTextLineWrap`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Wrap {
    None,
    /// Cut at the column width.
    Cut,
    Newline,
}

impl Bordered {
    pub(crate) fn new(columns: &[Column], opts: &PrintOptions) -> Self {
        Bordered {
            right: columns
                .iter()
                .map(|c| is_right_aligned(c.type_oid))
                .collect(),
            columns: columns.to_vec(),
            glyphs: glyphs(opts),
            border: opts.border.min(2) as u8,
            widths: vec![0; columns.len()],
            wrapped: opts.format == super::Format::Wrapped,
            target: opts.columns,
        }
    }

    /// The column widths of a batch; in the wrapped format, narrowed as
    /// psql narrows them to fit the target width: one column at a time,
    /// the one with the highest ratio of width to average width (plus 1%
    /// of its full width), never below its header.
    fn measure<R: Row>(&mut self, rows: &[R], null: &str) {
        let n = self.columns.len();
        let mut header = vec![0; n];
        let mut sum = vec![0usize; n];
        for (j, c) in self.columns.iter().enumerate() {
            header[j] = text::measure(&c.name).0;
            self.widths[j] = header[j];
        }
        for row in rows {
            for (j, w) in self.widths.iter_mut().enumerate() {
                let cw = text::measure(cell_text(row, j, null)).0;
                *w = (*w).max(cw);
                sum[j] += cw;
            }
        }
        if !self.wrapped || self.target == 0 {
            return;
        }
        let average: Vec<usize> = sum.iter().map(|s| s / rows.len().max(1)).collect();
        let max = self.widths.clone();
        let frame = self.frame();
        let mut total = frame + max.iter().sum::<usize>();
        if self.target < frame + header.iter().sum::<usize>() {
            return;
        }
        while total > self.target {
            let mut worst = None;
            let mut max_ratio = 0.0f64;
            for j in 0..n {
                if average[j] > 0 && self.widths[j] > header[j] {
                    let ratio = self.widths[j] as f64 / average[j] as f64 + max[j] as f64 * 0.01;
                    if ratio > max_ratio {
                        max_ratio = ratio;
                        worst = Some(j);
                    }
                }
            }
            let Some(j) = worst else { break };
            self.widths[j] -= 1;
            total -= 1;
        }
    }

    /// psql's `\x auto` test: the table (narrowed, in the wrapped
    /// format) or its header line is wider than the target width.
    pub(crate) fn too_wide<R: Row>(&mut self, rows: &[R], null: &str) -> bool {
        self.measure(rows, null);
        let headers: usize = self.columns.iter().map(|c| text::measure(&c.name).0).sum();
        let frame = self.frame();
        self.target < frame + headers || self.target < self.total_width()
    }

    /// The width of the rules and spaces around and between columns.
    fn frame(&self) -> usize {
        let n = self.widths.len();
        match self.border {
            0 => n,
            1 => (n * 3).saturating_sub(1),
            _ => n * 3 + 1,
        }
    }

    fn total_width(&self) -> usize {
        self.frame() + self.widths.iter().sum::<usize>()
    }

    fn rule(&self, buf: &mut Vec<u8>, pos: usize) {
        let [h, l, m, r] = self.glyphs.rules[pos];
        let n = self.widths.len();
        match self.border {
            1 => buf.extend_from_slice(h.as_bytes()),
            2 => {
                buf.extend_from_slice(l.as_bytes());
                buf.extend_from_slice(h.as_bytes());
            }
            _ => {}
        }
        for (i, &w) in self.widths.iter().enumerate() {
            for _ in 0..w {
                buf.extend_from_slice(h.as_bytes());
            }
            if i + 1 < n {
                if self.border == 0 {
                    buf.push(b' ');
                } else {
                    for p in [h, m, h] {
                        buf.extend_from_slice(p.as_bytes());
                    }
                }
            }
        }
        match self.border {
            1 => buf.extend_from_slice(h.as_bytes()),
            2 => {
                buf.extend_from_slice(h.as_bytes());
                buf.extend_from_slice(r.as_bytes());
            }
            _ => {}
        }
        buf.push(b'\n');
    }

    fn header(&self, buf: &mut Vec<u8>, opts: &PrintOptions) {
        if let Some(title) = opts.title.as_deref() {
            let (tw, _) = text::measure(title);
            let total = self.total_width();
            if tw < total {
                fill(buf, b' ', (total - tw) / 2);
            }
            buf.extend_from_slice(title.as_bytes());
            buf.push(b'\n');
        }
        let g = &self.glyphs;
        let data = g.rules[DATA];
        let n = self.widths.len();
        if self.border == 2 {
            self.rule(buf, TOP);
        }
        let headers: Vec<Vec<text::FormattedLine>> = self
            .columns
            .iter()
            .map(|c| text::format_lines(&c.name))
            .collect();
        let lines = headers.iter().map(Vec::len).max().unwrap_or(0);
        for k in 0..lines {
            if self.border == 2 {
                buf.extend_from_slice(data[1].as_bytes());
            }
            for (i, h) in headers.iter().enumerate() {
                if self.border != 0 || (!g.wrap_right_border && i > 0) {
                    let left = if k > 0 { g.header_nl_left } else { " " };
                    buf.extend_from_slice(left.as_bytes());
                }
                let done_before = k >= h.len();
                match h.get(k) {
                    Some(line) => {
                        let spare = self.widths[i] - line.width;
                        fill(buf, b' ', spare / 2);
                        buf.extend_from_slice(&line.text);
                        fill(buf, b' ', spare.div_ceil(2));
                    }
                    None => fill(buf, b' ', self.widths[i]),
                }
                let done = done_before || k + 1 == h.len();
                if self.border != 0 || g.wrap_right_border {
                    let right = if done { " " } else { g.header_nl_right };
                    buf.extend_from_slice(right.as_bytes());
                }
                if self.border != 0 && i + 1 < n {
                    buf.extend_from_slice(data[2].as_bytes());
                }
            }
            if self.border == 2 {
                buf.extend_from_slice(data[3].as_bytes());
            }
            buf.push(b'\n');
        }
        self.rule(buf, MIDDLE);
    }

    /// One row: one output line per line of its tallest cell, long lines
    /// cut at the column width (wrapped format), with psql's marks.
    fn row<R: Row>(&self, buf: &mut Vec<u8>, row: &R, null: &str) {
        let g = &self.glyphs;
        let data = g.rules[DATA];
        let n = self.widths.len();
        let cells: Vec<Vec<text::FormattedLine>> = (0..n)
            .map(|j| text::format_lines(cell_text(row, j, null)))
            .collect();
        // Per column: the line being printed, the bytes of it printed,
        // and how the last printed piece goes on.
        let mut line = vec![0usize; n];
        let mut done = vec![0usize; n];
        let mut wrap = vec![Wrap::None; n];
        loop {
            let mut more = false;
            if self.border == 2 {
                buf.extend_from_slice(data[1].as_bytes());
            }
            for j in 0..n {
                let width = self.widths[j];
                let finalspaces = self.border == 2 || j + 1 < n;
                if self.border != 0 {
                    let left = match wrap[j] {
                        Wrap::Cut => g.wrap_left,
                        Wrap::Newline => g.nl_left,
                        Wrap::None => " ",
                    };
                    buf.extend_from_slice(left.as_bytes());
                }
                let mut used = width;
                match cells[j].get(line[j]) {
                    None => {
                        if finalspaces {
                            fill(buf, b' ', width);
                        }
                    }
                    Some(l) => {
                        let rest = &l.text[done[j]..];
                        let (bytes, w) = text::take_width(rest, width);
                        used = w.min(width);
                        if self.right[j] {
                            fill(buf, b' ', width - used);
                        }
                        buf.extend_from_slice(&rest[..bytes]);
                        done[j] += bytes;
                        if done[j] < l.text.len() {
                            more = true;
                        } else {
                            line[j] += 1;
                            more |= line[j] < cells[j].len();
                            done[j] = 0;
                        }
                    }
                }
                wrap[j] = if line[j] >= cells[j].len() {
                    Wrap::None
                } else if done[j] != 0 {
                    Wrap::Cut
                } else if line[j] != 0 {
                    Wrap::Newline
                } else {
                    Wrap::None
                };
                if !self.right[j] && (finalspaces || wrap[j] != Wrap::None) {
                    fill(buf, b' ', width - used);
                }
                match wrap[j] {
                    Wrap::Cut => buf.extend_from_slice(g.wrap_right.as_bytes()),
                    Wrap::Newline => buf.extend_from_slice(g.nl_right.as_bytes()),
                    Wrap::None if finalspaces => buf.push(b' '),
                    Wrap::None => {}
                }
                if self.border != 0 && j + 1 < n {
                    let piece = match wrap[j + 1] {
                        Wrap::Cut => g.midvrule_wrap,
                        Wrap::Newline => g.midvrule_nl,
                        Wrap::None if line[j + 1] >= cells[j + 1].len() => g.midvrule_blank,
                        Wrap::None => data[2],
                    };
                    buf.extend_from_slice(piece.as_bytes());
                }
            }
            if self.border == 2 {
                buf.extend_from_slice(data[3].as_bytes());
            }
            buf.push(b'\n');
            if !more {
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
            self.header(buf, opts);
        }
        if self.widths.is_empty() {
            return Ok(());
        }
        for row in rows {
            self.row(buf, row, null);
            maybe_flush(buf, w)?;
        }
        Ok(())
    }

    pub(crate) fn finish(&mut self, buf: &mut Vec<u8>, progress: Progress, opts: &PrintOptions) {
        if progress.batches == 0 {
            let none: [Vec<Option<String>>; 0] = [];
            self.measure(&none, "");
            if !opts.tuples_only {
                self.header(buf, opts);
            }
        }
        if self.border == 2 {
            self.rule(buf, BOTTOM);
        }
        super::push_footers(buf, progress.rows, opts);
        buf.push(b'\n');
    }
}

/// psql's expanded format in full (its `print_aligned_vertical`):
/// borders 0 to 2, the line styles, a title above the first record, and
/// in the wrapped format values cut to fit the target width. [`super::expanded`] is the fast path for psql's default look.
pub(crate) struct Vertical {
    headers: Vec<Vec<text::FormattedLine>>,
    hwidth: usize,
    hmultiline: bool,
    glyphs: Glyphs,
    old_ascii: bool,
    border: u8,
    record: u64,
    /// The value width of the last batch (for the bottom rule).
    last_dwidth: usize,
}

impl Vertical {
    pub(crate) fn new(columns: &[Column], opts: &PrintOptions) -> Self {
        let headers: Vec<Vec<text::FormattedLine>> = columns
            .iter()
            .map(|c| text::format_lines(&c.name))
            .collect();
        Vertical {
            hwidth: headers
                .iter()
                .flat_map(|h| h.iter().map(|l| l.width))
                .max()
                .unwrap_or(0),
            hmultiline: headers.iter().any(|h| h.len() > 1),
            headers,
            glyphs: glyphs(opts),
            old_ascii: opts.line_style == LineStyle::OldAscii,
            border: opts.border.min(2) as u8,
            record: 0,
            last_dwidth: 0,
        }
    }

    /// psql's width of the values of a batch of `nrows` records whose
    /// widest value is `dwidth` wide, in the wrapped format: at least what
    /// the `[ RECORD N ]` lines need, at most what fits the target width
    /// (but not less than 3). Also whether a column for newline and wrap
    /// marks is kept.
    fn data_width(
        &self,
        nrows: usize,
        dwidth: usize,
        mut dmultiline: bool,
        opts: &PrintOptions,
    ) -> (usize, bool) {
        // psql 15 does this in the wrapped format only (16 also in the
        // aligned one).
        if opts.format != super::Format::Wrapped {
            return (dwidth, dmultiline);
        }
        let (border, old, hwidth) = (self.border, self.old_ascii, self.hwidth);
        let mut swidth = match border {
            0 => 1 + usize::from(self.hmultiline),
            1 => 3 + usize::from(self.hmultiline && old),
            _ => 7,
        };
        if dmultiline && border < 2 && !old {
            swidth += 1;
        }
        let mut rwidth = 0;
        if !opts.tuples_only {
            if nrows > 0 {
                rwidth = 1 + nrows.ilog10() as usize;
            }
            rwidth += match border {
                0 => 9,
                1 => 12,
                _ => 15,
            };
        }
        let target = opts.columns;
        loop {
            let width = (hwidth + swidth + dwidth).max(rwidth);
            let newd = if target > 0 {
                let min_width = (hwidth + swidth + 3).max(rwidth);
                if target >= width {
                    width - hwidth - swidth
                } else if target < min_width {
                    min_width - hwidth - swidth
                } else {
                    target - hwidth - swidth
                }
            } else {
                width - hwidth - swidth
            };
            if newd < dwidth && !dmultiline && border < 2 && !old {
                dmultiline = true;
                swidth += 1;
            } else {
                return (newd, dmultiline);
            }
        }
    }

    /// psql's `print_aligned_vertical_line`.
    fn rule(&self, buf: &mut Vec<u8>, record: u64, dwidth: usize, pos: usize) {
        let [h, l, m, r] = self.glyphs.rules[pos];
        let border = self.border;
        match border {
            2 => {
                buf.extend_from_slice(l.as_bytes());
                buf.extend_from_slice(h.as_bytes());
            }
            1 => buf.extend_from_slice(h.as_bytes()),
            _ => {}
        }
        let mut reclen: i64 = 0;
        if record > 0 {
            let label = if border == 0 {
                format!("* Record {record}")
            } else {
                format!("[ RECORD {record} ]")
            };
            buf.extend_from_slice(label.as_bytes());
            reclen = label.len() as i64;
        }
        if border != 2 {
            reclen += 1;
        }
        let fillc = |buf: &mut Vec<u8>| {
            if border > 0 {
                buf.extend_from_slice(h.as_bytes());
            } else {
                buf.push(b' ');
            }
        };
        // psql's old-ascii style keeps a column for the header's newline
        // marks, which the rule spans too.
        let hwidth = self.hwidth + usize::from(self.old_ascii && self.hmultiline && border < 2);
        for _ in reclen.max(0)..hwidth as i64 {
            fillc(buf);
        }
        reclen -= hwidth as i64;
        if border > 0 {
            for piece in [h, m, h] {
                if reclen <= 0 {
                    buf.extend_from_slice(piece.as_bytes());
                }
                reclen -= 1;
            }
        } else {
            if reclen <= 0 {
                buf.push(b' ');
            }
            reclen -= 1;
        }
        for _ in reclen.max(0)..dwidth as i64 {
            fillc(buf);
        }
        if border == 2 {
            buf.extend_from_slice(h.as_bytes());
            buf.extend_from_slice(r.as_bytes());
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
        let null = opts.null_display.as_str();
        let n = self.headers.len();
        let (mut dwidth, mut dmultiline) = (0, false);
        for r in rows {
            for j in 0..n {
                let (w, lines) = text::measure(cell_text(r, j, null));
                dwidth = dwidth.max(w);
                dmultiline |= lines > 1;
            }
        }
        let (dwidth, dmultiline) = self.data_width(rows.len(), dwidth, dmultiline, opts);
        if first && !opts.tuples_only {
            if let Some(t) = &opts.title {
                buf.extend_from_slice(t.as_bytes());
                buf.push(b'\n');
            }
        }
        let g = &self.glyphs;
        let data = g.rules[DATA];
        let border = self.border;
        for (ri, row) in rows.iter().enumerate() {
            let pos = if first && ri == 0 { TOP } else { MIDDLE };
            self.record += 1;
            if !opts.tuples_only {
                self.rule(buf, self.record, dwidth, pos);
            } else if !(first && ri == 0) || border == 2 {
                self.rule(buf, 0, dwidth, pos);
            }
            for j in 0..n {
                let hl = &self.headers[j];
                let dl = text::format_lines(cell_text(row, j, null));
                let (mut hline, mut dline) = (0, 0);
                let (mut hdone, mut ddone) = (false, false);
                // Bytes of the data line printed, display width left.
                let mut offset = 0usize;
                let mut left = dl[0].width;
                while !hdone || !ddone {
                    if border == 2 {
                        buf.extend_from_slice(data[1].as_bytes());
                    }
                    if !hdone {
                        if border == 2 || (self.hmultiline && self.old_ascii) {
                            let left = if hline > 0 { g.header_nl_left } else { " " };
                            buf.extend_from_slice(left.as_bytes());
                        }
                        let line = &hl[hline];
                        buf.extend_from_slice(&line.text);
                        fill(buf, b' ', self.hwidth - line.width);
                        let marks = border > 0 || (self.hmultiline && !self.old_ascii);
                        if hline + 1 < hl.len() {
                            if marks {
                                buf.extend_from_slice(g.header_nl_right.as_bytes());
                            }
                            hline += 1;
                        } else {
                            if marks {
                                buf.push(b' ');
                            }
                            hdone = true;
                        }
                    } else {
                        let mut swidth = self.hwidth + border as usize;
                        if border < 2 && self.hmultiline && self.old_ascii {
                            swidth += 1;
                        }
                        if border == 0 && !self.old_ascii && self.hmultiline {
                            swidth += 1;
                        }
                        fill(buf, b' ', swidth);
                    }
                    if border > 0 {
                        let sep = if offset > 0 {
                            g.midvrule_wrap
                        } else if dline == 0 {
                            data[2]
                        } else {
                            g.midvrule_nl
                        };
                        buf.extend_from_slice(sep.as_bytes());
                    }
                    if !ddone {
                        let marks = border > 1 || (dmultiline && !self.old_ascii);
                        buf.extend_from_slice(if offset == 0 {
                            b" "
                        } else {
                            g.wrap_left.as_bytes()
                        });
                        let line = &dl[dline];
                        let rest = &line.text[offset..];
                        let (bytes, w) = text::take_width(rest, dwidth);
                        buf.extend_from_slice(&rest[..bytes]);
                        left -= w.min(left);
                        offset += bytes;
                        let spare = dwidth.saturating_sub(w);
                        if left > 0 {
                            if marks {
                                fill(buf, b' ', spare);
                                buf.extend_from_slice(g.wrap_right.as_bytes());
                            }
                        } else if dline + 1 < dl.len() {
                            if marks {
                                fill(buf, b' ', spare);
                                buf.extend_from_slice(g.nl_right.as_bytes());
                            }
                            dline += 1;
                            offset = 0;
                            left = dl[dline].width;
                        } else {
                            if border > 1 {
                                fill(buf, b' ', spare);
                                buf.push(b' ');
                            }
                            ddone = true;
                        }
                        if border == 2 {
                            buf.extend_from_slice(data[3].as_bytes());
                        }
                        buf.push(b'\n');
                    } else if border < 2 {
                        buf.push(b'\n');
                    } else {
                        fill(buf, b' ', dwidth + 2);
                        buf.extend_from_slice(data[3].as_bytes());
                        buf.push(b'\n');
                    }
                }
            }
            maybe_flush(buf, w)?;
        }
        self.last_dwidth = dwidth;
        Ok(())
    }

    pub(crate) fn finish(&mut self, buf: &mut Vec<u8>, progress: Progress, opts: &PrintOptions) {
        if progress.rows == 0 {
            // psql: no title and no frame, the footers only.
            super::push_footers(buf, 0, opts);
            buf.push(b'\n');
            return;
        }
        if self.border == 2 {
            self.rule(buf, 0, self.last_dwidth, BOTTOM);
        }
        if !opts.tuples_only {
            if let Some(lines) = &opts.footers {
                if self.border < 2 {
                    buf.push(b'\n');
                }
                for l in lines {
                    buf.extend_from_slice(l.as_bytes());
                    buf.push(b'\n');
                }
            }
        }
        buf.push(b'\n');
    }
}
