//! `\pset` and its shorthands (`\a`, `\t`, `\f`, `\C`, `\H`, `\T`, `\x`),
//! with psql 15's option names, values, messages and listing (psql's
//! `do_pset` and `printPsetInfo`): `border`, `columns`, `csv_fieldsep`,
//! `expanded` (`x`), `fieldsep`, `fieldsep_zero`, `footer`, `format`,
//! `linestyle`, `null`, `numericlocale`, `pager`, `pager_min_lines`,
//! `recordsep`, `recordsep_zero`, `tableattr`, `title`, `tuples_only`
//! (`t`), `unicode_border_linestyle`, `unicode_column_linestyle`,
//! `unicode_header_linestyle`.
//!
//! `pager` sets [`crate::output::PrintOptions::pager`], which the pager
//! ([`crate::output::pager`]) reads; `pager_min_lines` is kept and listed
//! as psql does. Every psql format is printed (`aligned`, `asciidoc`,
//! `csv`, `html`, `latex`, `latex-longtable`, `troff-ms`, `unaligned`,
//! `wrapped`); `json` is qadmin's own.

use std::io::Write;

use crate::cli::parse_bool;
use crate::exec::Outcome;
use crate::output::{Format, LineStyle, UnicodeLine};
use crate::session::Session;

/// Every option, in the order `\pset` alone lists them.
const OPTIONS: &[&str] = &[
    "border",
    "columns",
    "csv_fieldsep",
    "expanded",
    "fieldsep",
    "fieldsep_zero",
    "footer",
    "format",
    "linestyle",
    "null",
    "numericlocale",
    "pager",
    "pager_min_lines",
    "recordsep",
    "recordsep_zero",
    "tableattr",
    "title",
    "tuples_only",
    "unicode_border_linestyle",
    "unicode_column_linestyle",
    "unicode_header_linestyle",
];

/// psql's format names, in its order (for abbreviations and the error).
const FORMATS: &[&str] = &[
    "aligned",
    "asciidoc",
    "csv",
    "html",
    "latex",
    "latex-longtable",
    "troff-ms",
    "unaligned",
    "wrapped",
];

/// The name `\pset format` shows.
pub fn format_name(f: Format) -> &'static str {
    match f {
        Format::Aligned => "aligned",
        Format::Wrapped => "wrapped",
        Format::Unaligned => "unaligned",
        Format::Csv => "csv",
        Format::Html => "html",
        Format::Asciidoc => "asciidoc",
        Format::Latex => "latex",
        Format::LatexLongtable => "latex-longtable",
        Format::TroffMs => "troff-ms",
        Format::Json => "json",
    }
}

/// `\pset [NAME [VALUE]]`.
pub fn pset(s: &mut Session, a: &[&str], out: &mut dyn Write) -> Outcome {
    let Some(&name) = a.first() else {
        for o in OPTIONS {
            let _ = writeln!(out, "{o:<24} {}", value_string(s, o));
        }
        return Outcome::Ok;
    };
    set(s, name, a.get(1).copied(), out)
}

/// psql's `do_pset(param, value)` and, unless quiet, `printPsetInfo`.
pub fn set(s: &mut Session, name: &str, value: Option<&str>, out: &mut dyn Write) -> Outcome {
    match apply(s, name, value) {
        Ok(()) => {
            // psql returns early for these switches when given a value:
            // `\pset footer off` says nothing, `\pset footer` does.
            let silent =
                value.is_some() && matches!(name, "t" | "tuples_only" | "footer" | "numericlocale");
            if !s.settings.quiet && !silent {
                let _ = writeln!(out, "{}", info(s, name));
            }
            Outcome::Ok
        }
        Err(m) => {
            s.client_error(&m);
            Outcome::Failed
        }
    }
}

/// Set an option without a word (`\g (NAME=VALUE ...)`); the error
/// message when the value is refused.
pub fn apply_quiet(s: &mut Session, name: &str, value: Option<&str>) -> Result<(), String> {
    apply(s, name, value)
}

/// C's `atoi`: the leading integer, 0 when there is none.
fn atoi(v: &str) -> i64 {
    let t = v.trim_start();
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let n: i64 = digits
        .bytes()
        .take_while(u8::is_ascii_digit)
        .take(18)
        .fold(0, |n, d| n * 10 + i64::from(d - b'0'));
    if neg {
        -n
    } else {
        n
    }
}

fn toggle(name: &str, now: bool, value: Option<&str>) -> Result<bool, String> {
    match value {
        None => Ok(!now),
        Some(v) => parse_bool(v)
            .ok_or_else(|| format!("unrecognized value \"{v}\" for \"{name}\": Boolean expected")),
    }
}

/// A unique case-insensitive prefix of one of `names` (psql's
/// `pg_strncasecmp(name, value, len)`), the first one listed winning.
fn prefix_of<'a>(value: &str, names: &[&'a str]) -> Option<&'a str> {
    let v = value.to_ascii_lowercase();
    names.iter().copied().find(|n| n.starts_with(&v))
}

fn unicode_line(value: &str, what: &str) -> Result<UnicodeLine, String> {
    match prefix_of(value, &["single", "double"]) {
        Some("single") => Ok(UnicodeLine::Single),
        Some(_) => Ok(UnicodeLine::Double),
        None => Err(format!(
            "\\pset: allowed Unicode {what} line styles are single, double"
        )),
    }
}

pub(crate) fn apply(s: &mut Session, name: &str, value: Option<&str>) -> Result<(), String> {
    // psql's values are C strings: a NUL byte (`'\0'`) ends them.
    let value = value.map(|v| v.split('\0').next().unwrap_or_default());
    let p = &mut s.settings.print;
    match name {
        "format" => {
            let Some(v) = value else { return Ok(()) };
            let lower = v.to_ascii_lowercase();
            // psql matches a prefix against its table of formats, which
            // lacks latex-longtable (so that "latex" is not ambiguous),
            // then against latex-longtable.
            let chosen: &str = if lower == "json" {
                "json"
            } else {
                let matches: Vec<&str> = FORMATS
                    .iter()
                    .copied()
                    .filter(|f| *f != "latex-longtable" && f.starts_with(&lower))
                    .collect();
                match matches.as_slice() {
                    [one] => one,
                    [a, b, ..] => {
                        return Err(format!(
                        "\\pset: ambiguous abbreviation \"{v}\" matches both \"{a}\" and \"{b}\""
                    ))
                    }
                    [] if "latex-longtable".starts_with(&lower) => "latex-longtable",
                    [] => {
                        return Err(format!(
                            "\\pset: allowed formats are {}",
                            FORMATS.join(", ")
                        ))
                    }
                }
            };
            p.format = match chosen {
                "aligned" => Format::Aligned,
                "wrapped" => Format::Wrapped,
                "unaligned" => Format::Unaligned,
                "csv" => Format::Csv,
                "json" => Format::Json,
                "html" => Format::Html,
                "asciidoc" => Format::Asciidoc,
                "latex" => Format::Latex,
                "latex-longtable" => Format::LatexLongtable,
                _ => Format::TroffMs,
            };
        }
        "border" => {
            if let Some(v) = value {
                // psql keeps it in an unsigned short.
                p.border = atoi(v) as u16;
            }
        }
        "columns" => {
            if let Some(v) = value {
                s.settings.columns = atoi(v) as i32;
                p.columns = usize::try_from(s.settings.columns).unwrap_or(0);
            }
        }
        "linestyle" => {
            if let Some(v) = value {
                p.line_style = match prefix_of(v, &["ascii", "old-ascii", "unicode"]) {
                    Some("ascii") => LineStyle::Ascii,
                    Some("old-ascii") => LineStyle::OldAscii,
                    Some(_) => LineStyle::Unicode,
                    None => {
                        return Err(
                            "\\pset: allowed line styles are ascii, old-ascii, unicode".into()
                        )
                    }
                };
            }
        }
        "unicode_border_linestyle" => {
            if let Some(v) = value {
                p.unicode_border = unicode_line(v, "border")?;
            }
        }
        "unicode_column_linestyle" => {
            if let Some(v) = value {
                p.unicode_column = unicode_line(v, "column")?;
            }
        }
        "unicode_header_linestyle" => {
            if let Some(v) = value {
                p.unicode_header = unicode_line(v, "header")?;
            }
        }
        "x" | "expanded" => {
            if value.is_some_and(|v| v.eq_ignore_ascii_case("auto")) {
                p.expanded = false;
                p.expanded_auto = true;
            } else {
                let b = match value {
                    None => !(p.expanded || p.expanded_auto),
                    Some(v) => parse_bool(v).ok_or_else(|| {
                        format!(
                            "unrecognized value \"{v}\" for \"{name}\"\nAvailable values are: on, off, auto."
                        )
                    })?,
                };
                p.expanded = b;
                p.expanded_auto = false;
            }
        }
        "csv_fieldsep" => {
            if let Some(v) = value {
                if v.len() != 1 {
                    return Err("\\pset: csv_fieldsep must be a single one-byte character".into());
                }
                if matches!(v, "\"" | "\n" | "\r") {
                    return Err("\\pset: csv_fieldsep cannot be a double quote, a newline, or a carriage return".into());
                }
                p.csv_sep = v.chars().next().unwrap_or(',');
            }
        }
        "fieldsep" => {
            if let Some(v) = value {
                p.field_sep = v.to_string();
                s.settings.field_sep_zero = false;
            }
        }
        "fieldsep_zero" => {
            p.field_sep = "\0".to_string();
            s.settings.field_sep_zero = true;
        }
        "recordsep" => {
            if let Some(v) = value {
                p.record_sep = v.to_string();
                s.settings.record_sep_zero = false;
            }
        }
        "recordsep_zero" => {
            p.record_sep = "\0".to_string();
            s.settings.record_sep_zero = true;
        }
        "t" | "tuples_only" => p.tuples_only = toggle(name, p.tuples_only, value)?,
        "footer" => p.footer = toggle(name, p.footer, value)?,
        "numericlocale" => p.numeric_locale = toggle(name, p.numeric_locale, value)?,
        "null" => {
            if let Some(v) = value {
                p.null_display = v.to_string();
            }
        }
        "title" => p.title = value.map(str::to_string),
        "tableattr" | "T" => p.table_attr = value.map(str::to_string),
        // The pager reads this (src/output/pager.rs).
        "pager" => {
            crate::output::pager::pset(&mut p.pager, value)?;
        }
        "pager_min_lines" => {
            if let Some(v) = value {
                s.settings.pager_min_lines = atoi(v) as i32;
            }
        }
        other => return Err(format!("\\pset: unknown option: {other}")),
    }
    Ok(())
}

fn on_off(b: bool) -> &'static str {
    if b {
        "on"
    } else {
        "off"
    }
}

/// psql's `pset_quoted_string`: in single quotes, `'` and `\` escaped
/// with a backslash, a newline as `\n`.
fn quoted(v: &str) -> String {
    let mut out = String::with_capacity(v.len() + 2);
    out.push('\'');
    for c in v.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

fn line_name(l: UnicodeLine) -> &'static str {
    match l {
        UnicodeLine::Single => "single",
        UnicodeLine::Double => "double",
    }
}

fn style_name(l: LineStyle) -> &'static str {
    match l {
        LineStyle::Ascii => "ascii",
        LineStyle::OldAscii => "old-ascii",
        LineStyle::Unicode => "unicode",
    }
}

/// psql's `pset_value_string`: an option's value as `\pset` alone lists it.
fn value_string(s: &Session, name: &str) -> String {
    let p = &s.settings.print;
    let zero_or = |zero: bool, v: &str| if zero { "''".to_string() } else { quoted(v) };
    match name {
        "border" => p.border.to_string(),
        "columns" => s.settings.columns.to_string(),
        "csv_fieldsep" => quoted(&p.csv_sep.to_string()),
        "expanded" if p.expanded_auto => "auto".into(),
        "expanded" => on_off(p.expanded).into(),
        "fieldsep" => zero_or(s.settings.field_sep_zero, &p.field_sep),
        "fieldsep_zero" => on_off(s.settings.field_sep_zero).into(),
        "footer" => on_off(p.footer).into(),
        "format" => format_name(p.format).into(),
        "linestyle" => style_name(p.line_style).into(),
        "null" => quoted(&p.null_display),
        "numericlocale" => on_off(p.numeric_locale).into(),
        "pager" => match p.pager {
            crate::output::pager::PagerUse::Off => "0",
            crate::output::pager::PagerUse::On => "1",
            crate::output::pager::PagerUse::Always => "2",
        }
        .into(),
        "pager_min_lines" => s.settings.pager_min_lines.to_string(),
        "recordsep" => zero_or(s.settings.record_sep_zero, &p.record_sep),
        "recordsep_zero" => on_off(s.settings.record_sep_zero).into(),
        "tableattr" => p.table_attr.as_deref().map(quoted).unwrap_or_default(),
        "title" => p.title.as_deref().map(quoted).unwrap_or_default(),
        "tuples_only" => on_off(p.tuples_only).into(),
        "unicode_border_linestyle" => line_name(p.unicode_border).into(),
        "unicode_column_linestyle" => line_name(p.unicode_column).into(),
        "unicode_header_linestyle" => line_name(p.unicode_header).into(),
        _ => String::new(),
    }
}

/// psql's `printPsetInfo`: what an option now is.
fn info(s: &Session, name: &str) -> String {
    let p = &s.settings.print;
    match name {
        "border" => format!("Border style is {}.", p.border),
        "columns" if s.settings.columns == 0 => "Target width is unset.".into(),
        "columns" => format!("Target width is {}.", s.settings.columns),
        "x" | "expanded" if p.expanded_auto => "Expanded display is used automatically.".into(),
        "x" | "expanded" => format!("Expanded display is {}.", on_off(p.expanded)),
        "csv_fieldsep" => format!("Field separator for CSV is \"{}\".", p.csv_sep),
        "fieldsep" | "fieldsep_zero" if s.settings.field_sep_zero => {
            "Field separator is zero byte.".into()
        }
        "fieldsep" | "fieldsep_zero" => format!("Field separator is \"{}\".", p.field_sep),
        "footer" => format!("Default footer is {}.", on_off(p.footer)),
        "format" => format!("Output format is {}.", format_name(p.format)),
        "linestyle" => format!("Line style is {}.", style_name(p.line_style)),
        "null" => format!("Null display is \"{}\".", p.null_display),
        "numericlocale" => format!(
            "Locale-adjusted numeric output is {}.",
            on_off(p.numeric_locale)
        ),
        "pager" => crate::output::pager::describe(p.pager).into(),
        "pager_min_lines" if s.settings.pager_min_lines == 1 => {
            "Pager won't be used for less than 1 line.".into()
        }
        "pager_min_lines" => format!(
            "Pager won't be used for less than {} lines.",
            s.settings.pager_min_lines
        ),
        "recordsep" | "recordsep_zero" if s.settings.record_sep_zero => {
            "Record separator is zero byte.".into()
        }
        "recordsep" | "recordsep_zero" if p.record_sep == "\n" => {
            "Record separator is <newline>.".into()
        }
        "recordsep" | "recordsep_zero" => format!("Record separator is \"{}\".", p.record_sep),
        "T" | "tableattr" => match &p.table_attr {
            Some(a) => format!("Table attributes are \"{a}\"."),
            None => "Table attributes unset.".into(),
        },
        "title" => match &p.title {
            Some(t) => format!("Title is \"{t}\"."),
            None => "Title is unset.".into(),
        },
        "t" | "tuples_only" => format!("Tuples only is {}.", on_off(p.tuples_only)),
        "unicode_border_linestyle" => format!(
            "Unicode border line style is \"{}\".",
            line_name(p.unicode_border)
        ),
        "unicode_column_linestyle" => format!(
            "Unicode column line style is \"{}\".",
            line_name(p.unicode_column)
        ),
        "unicode_header_linestyle" => format!(
            "Unicode header line style is \"{}\".",
            line_name(p.unicode_header)
        ),
        _ => String::new(),
    }
}

/// `\a`: aligned and unaligned in turn.
pub fn toggle_align(s: &mut Session, out: &mut dyn Write) -> Outcome {
    let to = if s.settings.print.format == Format::Aligned {
        "unaligned"
    } else {
        "aligned"
    };
    set(s, "format", Some(to), out)
}

/// `\H`: HTML and aligned in turn.
pub fn toggle_html(s: &mut Session, out: &mut dyn Write) -> Outcome {
    let to = if s.settings.print.format == Format::Html {
        "aligned"
    } else {
        "html"
    };
    set(s, "format", Some(to), out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_as_psql_reads_them() {
        assert_eq!(atoi("12x"), 12);
        assert_eq!(atoi("x"), 0);
        assert_eq!(atoi("-1") as u16, 65535);
        assert_eq!(quoted("a'b\nc\\"), "'a\\'b\\nc\\\\'");
        assert_eq!(
            prefix_of("OLD", &["ascii", "old-ascii", "unicode"]),
            Some("old-ascii")
        );
        assert_eq!(
            prefix_of("a", &["ascii", "old-ascii", "unicode"]),
            Some("ascii")
        );
    }
}
