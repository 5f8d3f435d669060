//! psql's document formats: `\pset format html | asciidoc | latex |
//! latex-longtable | troff-ms`, each also expanded (`\x`), with psql 15's
//! exact markup (its `print_html_text`, `print_html_vertical`,
//! `print_asciidoc_*`, `print_latex_*`, `print_latex_longtable_text` and
//! `print_troff_ms_*`).
//!
//! What the options do, as in psql:
//! - `border`: HTML writes it into `<table border="N">`; AsciiDoc 0 / 1 / 2
//!   choose `frame`/`grid`; LaTeX 0 to 3 (3: a rule under every row),
//!   troff 0 to 2 (2: a box); more counts as the highest;
//! - `tuples_only`: no header row, title or footers;
//! - `title`: a caption (`<caption>`, `.TITLE`, a centred block, the
//!   longtable's `\caption`);
//! - `tableattr`: attributes of HTML's `<table>`; for latex-longtable the
//!   widths of the left-aligned columns (`0.2 0.3` → `p{0.2\textwidth}`);
//! - `footer` and the caller's footers: the `(N rows)` line (the expanded
//!   variants print only a caller's footers, as psql does);
//! - `null`: the text of NULL.
//!
//! Cells and headers are escaped per format (HTML entities and a leading
//! space as `&nbsp;`, `\|` in AsciiDoc, LaTeX's specials, `\(rs` in troff).
//! Right-aligned columns are those psql right-aligns (numbers).
//!
//! Printed in several batches (FETCH_COUNT), the table is opened with the
//! first batch and closed by [`Markup::finish`]; AsciiDoc's `|====`
//! closes every batch, as in psql (which prints one more when the row
//! count is a multiple of FETCH_COUNT: its last fetch is empty).

use std::io::{self, Write};

use super::{cell_text, is_right_aligned, maybe_flush, Column, PrintOptions, Progress, Row};

/// Which document format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Html,
    Asciidoc,
    Latex,
    LatexLongtable,
    TroffMs,
}

/// The printer of one result in one of the document formats.
pub(crate) struct Markup {
    kind: Kind,
    vertical: bool,
    columns: Vec<Column>,
    right: Vec<bool>,
    /// Troff's expanded layout in effect: 0 none, 1 record header, 2 body.
    troff_layout: u8,
}

/// Whitespace-only (spaces and tabs) or empty: psql's `strspn(" \t")`.
fn blank(s: &str) -> bool {
    s.bytes().all(|b| b == b' ' || b == b'\t')
}

fn push(buf: &mut Vec<u8>, s: &str) {
    buf.extend_from_slice(s.as_bytes());
}

/// psql's `html_escaped_print`.
pub(crate) fn html_escape(buf: &mut Vec<u8>, s: &str) {
    let mut leading_space = true;
    for b in s.bytes() {
        match b {
            b'&' => push(buf, "&amp;"),
            b'<' => push(buf, "&lt;"),
            b'>' => push(buf, "&gt;"),
            b'\n' => push(buf, "<br />\n"),
            b'"' => push(buf, "&quot;"),
            b' ' if leading_space => push(buf, "&nbsp;"),
            b => buf.push(b),
        }
        if b != b' ' {
            leading_space = false;
        }
    }
}

fn asciidoc_escape(buf: &mut Vec<u8>, s: &str) {
    for b in s.bytes() {
        if b == b'|' {
            push(buf, "\\|");
        } else {
            buf.push(b);
        }
    }
}

/// psql's `latex_escaped_print`.
fn latex_escape(buf: &mut Vec<u8>, s: &str) {
    for b in s.bytes() {
        match b {
            b'#' => push(buf, "\\#"),
            b'$' => push(buf, "\\$"),
            b'%' => push(buf, "\\%"),
            b'&' => push(buf, "\\&"),
            b'<' => push(buf, "\\textless{}"),
            b'>' => push(buf, "\\textgreater{}"),
            b'\\' => push(buf, "\\textbackslash{}"),
            b'^' => push(buf, "\\^{}"),
            b'_' => push(buf, "\\_"),
            b'{' => push(buf, "\\{"),
            b'|' => push(buf, "\\textbar{}"),
            b'}' => push(buf, "\\}"),
            b'~' => push(buf, "\\~{}"),
            b'\n' => push(buf, "\\\\"),
            b => buf.push(b),
        }
    }
}

fn troff_escape(buf: &mut Vec<u8>, s: &str) {
    for b in s.bytes() {
        if b == b'\\' {
            push(buf, "\\(rs");
        } else {
            buf.push(b);
        }
    }
}

/// The footers psql's non-expanded printers show (`footers_with_default`):
/// the caller's, else `(N rows)` unless `\pset footer off`.
fn footers(rows: u64, opts: &PrintOptions) -> Option<Vec<String>> {
    match &opts.footers {
        Some(f) => Some(f.clone()),
        None if opts.footer => {
            let mut b = Vec::new();
            super::push_rows_footer(&mut b, rows);
            Some(vec![String::from_utf8_lossy(&b).into_owned()])
        }
        None => None,
    }
}

impl Markup {
    pub(crate) fn new(kind: Kind, vertical: bool, columns: &[Column]) -> Self {
        Markup {
            kind,
            vertical,
            right: columns
                .iter()
                .map(|c| is_right_aligned(c.type_oid))
                .collect(),
            columns: columns.to_vec(),
            troff_layout: 0,
        }
    }

    fn align(&self, j: usize) -> char {
        if self.right.get(j).copied().unwrap_or(false) {
            'r'
        } else {
            'l'
        }
    }

    /// psql's border, capped as each format caps it.
    fn border(&self, opts: &PrintOptions) -> u16 {
        let max = match (self.kind, self.vertical) {
            (Kind::Latex | Kind::LatexLongtable, false) => 3,
            (Kind::Latex | Kind::LatexLongtable, true) | (Kind::TroffMs, _) => 2,
            _ => u16::MAX,
        };
        opts.border.min(max)
    }

    /// The start of the table (`start_table`).
    fn start(&mut self, buf: &mut Vec<u8>, opts: &PrintOptions) {
        let border = self.border(opts);
        let t = opts.tuples_only;
        let title = opts.title.as_deref().filter(|_| !t);
        let n = self.columns.len();
        match (self.kind, self.vertical) {
            (Kind::Html, v) => {
                push(buf, &format!("<table border=\"{border}\""));
                if let Some(a) = &opts.table_attr {
                    push(buf, &format!(" {a}"));
                }
                push(buf, ">\n");
                if let Some(title) = title {
                    push(buf, "  <caption>");
                    html_escape(buf, title);
                    push(buf, "</caption>\n");
                }
                if !v && !t {
                    push(buf, "  <tr>\n");
                    for c in &self.columns {
                        push(buf, "    <th align=\"center\">");
                        html_escape(buf, &c.name);
                        push(buf, "</th>\n");
                    }
                    push(buf, "  </tr>\n");
                }
            }
            (Kind::Asciidoc, v) => {
                push(buf, "\n");
                if let Some(title) = title {
                    push(buf, ".");
                    push(buf, title);
                    push(buf, "\n");
                }
                if v {
                    push(buf, "[cols=\"h,l\"");
                } else {
                    push(
                        buf,
                        if t {
                            "[cols=\""
                        } else {
                            "[options=\"header\",cols=\""
                        },
                    );
                    for j in 0..n {
                        if j > 0 {
                            push(buf, ",");
                        }
                        push(buf, if self.align(j) == 'r' { ">l" } else { "<l" });
                    }
                    push(buf, "\"");
                }
                match border {
                    0 => push(buf, ",frame=\"none\",grid=\"none\""),
                    1 => push(buf, ",frame=\"none\""),
                    2 => push(buf, ",frame=\"all\",grid=\"all\""),
                    _ => {}
                }
                push(buf, "]\n|====\n");
                if !v && !t {
                    for (j, c) in self.columns.iter().enumerate() {
                        if j > 0 {
                            push(buf, " ");
                        }
                        push(buf, "^l|");
                        asciidoc_escape(buf, &c.name);
                    }
                    push(buf, "\n");
                }
            }
            (Kind::Latex, false) => {
                if let Some(title) = title {
                    push(buf, "\\begin{center}\n");
                    latex_escape(buf, title);
                    push(buf, "\n\\end{center}\n\n");
                }
                push(buf, "\\begin{tabular}{");
                if border >= 2 {
                    push(buf, "| ");
                }
                for j in 0..n {
                    buf.push(self.align(j) as u8);
                    if border != 0 && j + 1 < n {
                        push(buf, " | ");
                    }
                }
                if border >= 2 {
                    push(buf, " |");
                }
                push(buf, "}\n");
                if !t && border >= 2 {
                    push(buf, "\\hline\n");
                }
                if !t {
                    for (j, c) in self.columns.iter().enumerate() {
                        if j > 0 {
                            push(buf, " & ");
                        }
                        push(buf, "\\textit{");
                        latex_escape(buf, &c.name);
                        push(buf, "}");
                    }
                    push(buf, " \\\\\n\\hline\n");
                }
            }
            (Kind::LatexLongtable, false) => self.longtable_start(buf, opts, border),
            (Kind::Latex | Kind::LatexLongtable, true) => {
                if let Some(title) = title {
                    push(buf, "\\begin{center}\n");
                    latex_escape(buf, title);
                    push(buf, "\n\\end{center}\n\n");
                }
                push(buf, "\\begin{tabular}{");
                push(
                    buf,
                    match border {
                        0 => "cl",
                        1 => "c|l",
                        _ => "|c|l|",
                    },
                );
                push(buf, "}\n");
            }
            (Kind::TroffMs, v) => {
                if let Some(title) = title {
                    push(buf, ".LP\n.DS C\n");
                    troff_escape(buf, title);
                    push(buf, "\n.DE\n");
                }
                push(buf, ".LP\n.TS\n");
                push(
                    buf,
                    if border == 2 {
                        "center box;\n"
                    } else {
                        "center;\n"
                    },
                );
                if v {
                    if t {
                        push(buf, "c l;\n");
                    }
                } else {
                    for j in 0..n {
                        buf.push(self.align(j) as u8);
                        if border > 0 && j + 1 < n {
                            push(buf, " | ");
                        }
                    }
                    push(buf, ".\n");
                    if !t {
                        for (j, c) in self.columns.iter().enumerate() {
                            if j > 0 {
                                buf.push(b'\t');
                            }
                            push(buf, "\\fI");
                            troff_escape(buf, &c.name);
                            push(buf, "\\fP");
                        }
                        push(buf, "\n_\n");
                    }
                }
            }
        }
    }

    fn longtable_start(&self, buf: &mut Vec<u8>, opts: &PrintOptions, border: u16) {
        let n = self.columns.len();
        let t = opts.tuples_only;
        push(buf, "\\begin{longtable}{");
        if border >= 2 {
            push(buf, "| ");
        }
        // The widths of `tableattr`, one per left-aligned column, the
        // last one repeated.
        let ws = |c: char| matches!(c, ' ' | '\t' | '\n');
        let mut widths = opts
            .table_attr
            .as_deref()
            .map(|a| a.split(ws).filter(|w| !w.is_empty()).collect::<Vec<_>>());
        let mut last: Option<&str> = None;
        for j in 0..n {
            match (&mut widths, self.align(j)) {
                (Some(ws), 'l') => {
                    let w = if ws.is_empty() {
                        last
                    } else {
                        let w = ws.remove(0);
                        last = Some(w);
                        Some(w)
                    };
                    match w {
                        Some(w) => push(buf, &format!("p{{{w}\\textwidth}}")),
                        None => push(buf, "l"),
                    }
                }
                (_, a) => buf.push(a as u8),
            }
            if border != 0 && j + 1 < n {
                push(buf, " | ");
            }
        }
        if border >= 2 {
            push(buf, " |");
        }
        push(buf, "}\n");
        if t {
            return;
        }
        let head = |buf: &mut Vec<u8>| {
            if border >= 2 {
                push(buf, "\\toprule\n");
            }
            for (j, c) in self.columns.iter().enumerate() {
                if j > 0 {
                    push(buf, " & ");
                }
                push(buf, "\\small\\textbf{\\textit{");
                latex_escape(buf, &c.name);
                push(buf, "}}");
            }
            push(buf, " \\\\\n");
        };
        head(buf);
        push(buf, "\\midrule\n\\endfirsthead\n");
        head(buf);
        if border != 3 {
            push(buf, "\\midrule\n");
        }
        push(buf, "\\endhead\n");
        if let Some(title) = &opts.title {
            if border == 2 {
                push(buf, "\\bottomrule\n");
            }
            push(buf, "\\caption[");
            latex_escape(buf, title);
            push(buf, " (Continued)]{");
            latex_escape(buf, title);
            push(buf, "}\n\\endfoot\n");
            if border == 2 {
                push(buf, "\\bottomrule\n");
            }
            push(buf, "\\caption[");
            latex_escape(buf, title);
            push(buf, "]{");
            latex_escape(buf, title);
            push(buf, "}\n\\endlastfoot\n");
        } else if border >= 2 {
            push(buf, "\\bottomrule\n\\endfoot\n");
            push(buf, "\\bottomrule\n\\endlastfoot\n");
        }
    }

    /// One row, not expanded.
    fn row<R: Row>(&self, buf: &mut Vec<u8>, row: &R, opts: &PrintOptions) {
        let null = opts.null_display.as_str();
        let n = self.columns.len();
        let border = self.border(opts);
        match self.kind {
            Kind::Html => {
                push(buf, "  <tr valign=\"top\">\n");
                for j in 0..n {
                    let align = if self.align(j) == 'r' {
                        "right"
                    } else {
                        "left"
                    };
                    push(buf, &format!("    <td align=\"{align}\">"));
                    let v = cell_text(row, j, null);
                    if blank(v) {
                        push(buf, "&nbsp; ");
                    } else {
                        html_escape(buf, v);
                    }
                    push(buf, "</td>\n");
                }
                push(buf, "  </tr>\n");
            }
            Kind::Asciidoc => {
                for j in 0..n {
                    if j > 0 {
                        push(buf, " ");
                    }
                    push(buf, "|");
                    let v = cell_text(row, j, null);
                    if blank(v) {
                        if j + 1 < n {
                            push(buf, " ");
                        }
                    } else {
                        asciidoc_escape(buf, v);
                    }
                }
                push(buf, "\n");
            }
            Kind::Latex => {
                for j in 0..n {
                    latex_escape(buf, cell_text(row, j, null));
                    if j + 1 < n {
                        push(buf, " & ");
                    }
                }
                push(buf, " \\\\\n");
                if border == 3 {
                    push(buf, "\\hline\n");
                }
            }
            Kind::LatexLongtable => {
                for j in 0..n {
                    if j > 0 {
                        push(buf, "\n&\n");
                    }
                    push(buf, "\\raggedright{");
                    latex_escape(buf, cell_text(row, j, null));
                    push(buf, "}");
                }
                push(buf, " \\tabularnewline\n");
                if border == 3 {
                    push(buf, " \\hline\n");
                }
            }
            Kind::TroffMs => {
                for j in 0..n {
                    troff_escape(buf, cell_text(row, j, null));
                    buf.push(if j + 1 < n { b'\t' } else { b'\n' });
                }
            }
        }
    }

    /// One record, expanded (`record` counts from 1).
    fn record<R: Row>(&mut self, buf: &mut Vec<u8>, row: &R, record: u64, opts: &PrintOptions) {
        let null = opts.null_display.as_str();
        let t = opts.tuples_only;
        let border = self.border(opts);
        match self.kind {
            Kind::Html => {
                if t {
                    push(buf, "\n  <tr><td colspan=\"2\">&nbsp;</td></tr>\n");
                } else {
                    push(
                        buf,
                        &format!(
                            "\n  <tr><td colspan=\"2\" align=\"center\">Record {record}</td></tr>\n"
                        ),
                    );
                }
                for (j, c) in self.columns.iter().enumerate() {
                    push(buf, "  <tr valign=\"top\">\n    <th>");
                    html_escape(buf, &c.name);
                    push(buf, "</th>\n");
                    let align = if self.align(j) == 'r' {
                        "right"
                    } else {
                        "left"
                    };
                    push(buf, &format!("    <td align=\"{align}\">"));
                    let v = cell_text(row, j, null);
                    if blank(v) {
                        push(buf, "&nbsp; ");
                    } else {
                        html_escape(buf, v);
                    }
                    push(buf, "</td>\n  </tr>\n");
                }
            }
            Kind::Asciidoc => {
                if t {
                    push(buf, "2+|\n");
                } else {
                    push(buf, &format!("2+^|Record {record}\n"));
                }
                for (j, c) in self.columns.iter().enumerate() {
                    push(buf, "<l|");
                    asciidoc_escape(buf, &c.name);
                    push(buf, if self.align(j) == 'r' { " >l|" } else { " <l|" });
                    let v = cell_text(row, j, null);
                    if blank(v) {
                        push(buf, " ");
                    } else {
                        asciidoc_escape(buf, v);
                    }
                    push(buf, "\n");
                }
            }
            Kind::Latex | Kind::LatexLongtable => {
                if !t {
                    if border == 2 {
                        push(buf, "\\hline\n");
                        push(
                            buf,
                            &format!(
                                "\\multicolumn{{2}}{{|c|}}{{\\textit{{Record {record}}}}} \\\\\n"
                            ),
                        );
                    } else {
                        push(
                            buf,
                            &format!(
                                "\\multicolumn{{2}}{{c}}{{\\textit{{Record {record}}}}} \\\\\n"
                            ),
                        );
                    }
                }
                if border >= 1 {
                    push(buf, "\\hline\n");
                }
                for (j, c) in self.columns.iter().enumerate() {
                    latex_escape(buf, &c.name);
                    push(buf, " & ");
                    latex_escape(buf, cell_text(row, j, null));
                    push(buf, " \\\\\n");
                }
            }
            Kind::TroffMs => {
                if !t {
                    if self.troff_layout != 1 {
                        if border == 2 && record > 1 {
                            push(buf, "_\n");
                        }
                        if self.troff_layout != 0 {
                            push(buf, ".T&\n");
                        }
                        push(buf, "c s.\n");
                        self.troff_layout = 1;
                    }
                    push(buf, &format!("\\fIRecord {record}\\fP\n"));
                }
                if border >= 1 {
                    push(buf, "_\n");
                }
                for (j, c) in self.columns.iter().enumerate() {
                    if !t && self.troff_layout != 2 {
                        if self.troff_layout != 0 {
                            push(buf, ".T&\n");
                        }
                        push(buf, if border != 1 { "c l.\n" } else { "c | l.\n" });
                        self.troff_layout = 2;
                    }
                    troff_escape(buf, &c.name);
                    buf.push(b'\t');
                    troff_escape(buf, cell_text(row, j, null));
                    buf.push(b'\n');
                }
            }
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
        if first {
            self.start(buf, opts);
        } else if self.kind == Kind::Asciidoc {
            // psql ends each batch's table; the last one ends in `finish`.
            push(buf, "|====\n");
        }
        let mut record = progress.rows;
        for row in rows {
            record += 1;
            if self.vertical {
                if self.columns.is_empty() {
                    continue;
                }
                self.record(buf, row, record, opts);
            } else {
                if self.columns.is_empty() {
                    continue;
                }
                self.row(buf, row, opts);
            }
            maybe_flush(buf, w)?;
        }
        Ok(())
    }

    /// The end of the table (`stop_table`).
    pub(crate) fn finish(&mut self, buf: &mut Vec<u8>, progress: Progress, opts: &PrintOptions) {
        if progress.batches == 0 {
            self.start(buf, opts);
        }
        let t = opts.tuples_only;
        let border = self.border(opts);
        let footers = if self.vertical {
            opts.footers.clone()
        } else {
            footers(progress.rows, opts)
        };
        let footers = footers.filter(|_| !t);
        match self.kind {
            Kind::Html => {
                push(buf, "</table>\n");
                if let Some(f) = footers {
                    push(buf, "<p>");
                    for l in f {
                        html_escape(buf, &l);
                        push(buf, "<br />\n");
                    }
                    push(buf, "</p>");
                }
                push(buf, "\n");
            }
            Kind::Asciidoc => {
                push(buf, "|====\n");
                if let Some(f) = footers {
                    push(buf, "\n....\n");
                    for l in f {
                        push(buf, &l);
                        push(buf, "\n");
                    }
                    push(buf, "....\n");
                }
            }
            Kind::LatexLongtable if !self.vertical => push(buf, "\\end{longtable}\n"),
            Kind::Latex | Kind::LatexLongtable => {
                if border == 2 {
                    push(buf, "\\hline\n");
                }
                push(buf, "\\end{tabular}\n\n\\noindent ");
                if let Some(f) = footers {
                    for l in f {
                        latex_escape(buf, &l);
                        push(buf, " \\\\\n");
                    }
                }
                push(buf, "\n");
            }
            Kind::TroffMs => {
                push(buf, ".TE\n.DS L\n");
                if let Some(f) = footers {
                    for l in f {
                        troff_escape(buf, &l);
                        push(buf, "\n");
                    }
                }
                push(buf, ".DE\n");
            }
        }
    }
}
