//! Golden tests: qadmin's printers against psql's own output.
//!
//! Each file in `src/output/golden/` is one case: psql's options, the
//! columns (name and type), the rows (the server's text), then a line
//! `--- expected` and, to the end of the file, what psql printed for the
//! case's SELECT. `src/output/golden/generate.py` builds that SELECT, runs
//! psql (15.18 for the cases here) and writes its output; adding a case is
//! writing its lines above `--- expected` and running the script. This
//! loader prints the same rows with the options psql had (in batches of
//! FETCH_COUNT when the case sets it) and compares; a mismatch shows the
//! case, expected and actual in full.

use std::path::{Path, PathBuf};

use super::tests::check;
use super::{Format, LineStyle, PrintOptions, UnicodeLine};

/// One case file.
struct Case {
    name: String,
    opts: PrintOptions,
    fetch: Option<usize>,
    columns: Vec<(String, u32)>,
    rows: Vec<Vec<Option<String>>>,
    expected: String,
}

/// The type OID of a type name a case uses.
fn oid(name: &str) -> u32 {
    match name {
        "int8" => 20,
        "int2" => 21,
        "int4" => 23,
        "text" => 25,
        "oid" => 26,
        "xid" => 28,
        "cid" => 29,
        "float4" => 700,
        "float8" => 701,
        "money" => 790,
        "numeric" => 1700,
        "xid8" => 5069,
        other => panic!("golden case: type {other} unknown here: add its OID to golden::oid"),
    }
}

/// The printer options and batch size psql's options stand for.
fn options(name: &str, flags: &[String]) -> (PrintOptions, Option<usize>) {
    let mut o = PrintOptions::default();
    let mut fetch = None;
    let mut it = flags.iter();
    while let Some(f) = it.next() {
        let mut value = || {
            it.next()
                .unwrap_or_else(|| panic!("{name}: {f} without a value"))
                .clone()
        };
        match f.as_str() {
            "-x" => o.expanded = true,
            "-A" => o.format = Format::Unaligned,
            "--csv" => o.format = Format::Csv,
            "-t" => o.tuples_only = true,
            "-H" => o.format = Format::Html,
            "-T" => o.table_attr = Some(value()),
            "-F" => o.field_sep = value(),
            "-P" => {
                let v = value();
                match v.split_once('=') {
                    Some(("footer", "off")) => o.footer = false,
                    Some(("null", n)) => o.null_display = n.to_string(),
                    Some(("csv_fieldsep", s)) if s.chars().count() == 1 => {
                        o.csv_sep = s.chars().next().unwrap_or(',')
                    }
                    Some(("format", f)) => o.format = format(name, f),
                    Some(("expanded", "auto")) => o.expanded_auto = true,
                    Some(("border", b)) => o.border = b.parse().unwrap_or(1),
                    Some(("title", t)) => o.title = Some(t.to_string()),
                    Some(("tableattr", t)) => o.table_attr = Some(t.to_string()),
                    Some(("columns", c)) => o.columns = c.parse().unwrap_or(0),
                    Some(("recordsep", r)) => o.record_sep = r.to_string(),
                    Some(("linestyle", "unicode")) => o.line_style = LineStyle::Unicode,
                    Some(("linestyle", "old-ascii")) => o.line_style = LineStyle::OldAscii,
                    Some(("unicode_border_linestyle", "double")) => {
                        o.unicode_border = UnicodeLine::Double
                    }
                    Some(("unicode_column_linestyle", "double")) => {
                        o.unicode_column = UnicodeLine::Double
                    }
                    Some(("unicode_header_linestyle", "double")) => {
                        o.unicode_header = UnicodeLine::Double
                    }
                    _ => panic!("{name}: -P {v} is not known to the golden loader"),
                }
            }
            "-v" => {
                let v = value();
                match v.strip_prefix("FETCH_COUNT=").map(str::parse) {
                    Some(Ok(n)) => fetch = Some(n),
                    _ => panic!("{name}: -v {v} is not known to the golden loader"),
                }
            }
            other => panic!("{name}: psql option {other} is not known to the golden loader"),
        }
    }
    (o, fetch)
}

/// A `\pset format` name.
fn format(name: &str, f: &str) -> Format {
    match f {
        "aligned" => Format::Aligned,
        "wrapped" => Format::Wrapped,
        "unaligned" => Format::Unaligned,
        "csv" => Format::Csv,
        "html" => Format::Html,
        "asciidoc" => Format::Asciidoc,
        "latex" => Format::Latex,
        "latex-longtable" => Format::LatexLongtable,
        "troff-ms" => Format::TroffMs,
        other => panic!("{name}: format {other} is not known to the golden loader"),
    }
}

/// A JSON array of strings and nulls (`["a", null]`).
fn json(name: &str, line: &str, v: &str) -> Vec<Option<String>> {
    let bad = || -> ! { panic!("{name}: {line:?}: not an array of strings and nulls") };
    match serde_json::from_str(v) {
        Ok(serde_json::Value::Array(items)) => items
            .into_iter()
            .map(|i| match i {
                serde_json::Value::String(s) => Some(s),
                serde_json::Value::Null => None,
                _ => bad(),
            })
            .collect(),
        _ => bad(),
    }
}

/// The same, with no nulls.
fn strings(name: &str, line: &str, v: &str) -> Vec<String> {
    json(name, line, v)
        .into_iter()
        .map(|s| s.unwrap_or_else(|| panic!("{name}: {line:?}: null")))
        .collect()
}

impl Case {
    fn read(path: &Path) -> Case {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        let (head, expected) = text
            .split_once("--- expected\n")
            .unwrap_or_else(|| panic!("{name}: no `--- expected` line"));
        let mut flags: Vec<String> = Vec::new();
        let mut columns = Vec::new();
        let mut rows = Vec::new();
        // Split at '\n' only: values may hold other line separators.
        for line in head
            .split('\n')
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
        {
            match line.split_once(": ") {
                Some(("psql", v)) => flags = strings(&name, line, v),
                Some(("column", v)) => match strings(&name, line, v).as_slice() {
                    [n, t] => columns.push((n.clone(), oid(t))),
                    _ => panic!("{name}: {line:?}: not [name, type]"),
                },
                Some(("row", v)) => rows.push(json(&name, line, v)),
                _ => panic!("{name}: unknown line {line:?}"),
            }
        }
        let (opts, fetch) = options(&name, &flags);
        Case {
            name,
            opts,
            fetch,
            columns,
            rows,
            expected: expected.to_string(),
        }
    }
}

fn cases() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/output/golden");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    paths
}

#[test]
fn every_case_prints_as_psql_printed_it() {
    let paths = cases();
    assert!(paths.len() >= 90, "only {} golden cases", paths.len());
    let mut failed = Vec::new();
    for path in &paths {
        let case = Case::read(path);
        let cols: Vec<(&str, u32)> = case.columns.iter().map(|(n, o)| (n.as_str(), *o)).collect();
        let rows: Vec<Vec<Option<&str>>> = case
            .rows
            .iter()
            .map(|r| r.iter().map(Option::as_deref).collect())
            .collect();
        let rows: Vec<&[Option<&str>]> = rows.iter().map(Vec::as_slice).collect();
        // `check` panics with expected and actual in full; every case
        // runs, and the failed ones are named at the end.
        let run = std::panic::catch_unwind(|| {
            check(&cols, &rows, &case.opts, case.fetch, &case.expected);
        });
        if run.is_err() {
            eprintln!(
                "golden case {} ({}) failed: see above",
                case.name,
                path.display()
            );
            failed.push(case.name);
        }
    }
    assert!(
        failed.is_empty(),
        "golden cases that differ from psql: {failed:?}"
    );
}
