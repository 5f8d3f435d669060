//! `\crosstabview [COLV [COLH [COLD [SORTCOLH]]]]`: psql 15's pivot of a
//! query result (its `PrintResultInCrosstab`), with psql's output and
//! messages.
//!
//! The distinct values of column COLV (default the first) become the rows,
//! in the order they first appear; the distinct values of COLH (default
//! the second) become the columns, in the order they first appear, or
//! ordered by the integer in SORTCOLH (the value of its first row for
//! that column; not an integer counts as 0; equal ranks keep the order of
//! the values' text); each cell holds the COLD value (default: the one
//! column left when the result has exactly three) of the row with those
//! two values, empty when there is none. A column is named by its number
//! (1-based) or its name (downcased unless double-quoted). The pivoted
//! table is printed with the current `\pset` options; its first column
//! is aligned as COLV's type, the others as COLD's; NULL as a header or
//! a value shows `\pset null`.

use std::io::Write;

use super::send::Rows;
use crate::exec::Outcome;
use crate::output::{Column, ResultSet, TablePrinter};
use crate::session::Session;

/// psql's `CROSSTABVIEW_MAX_COLUMNS`.
const MAX_COLUMNS: usize = 1600;

/// One distinct header value: its text (`None` for NULL), the position of
/// its first appearance, and its sort value (SORTCOLH of that row).
struct Field<'a> {
    name: Option<&'a str>,
    rank: usize,
    sort: Option<&'a str>,
}

/// psql's `dequote_downcase_identifier`: double quotes removed (`""` is
/// one quote), the rest downcased.
fn dequote_downcase(arg: &str) -> String {
    let mut out = String::with_capacity(arg.len());
    let mut quoted = false;
    let mut chars = arg.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                out.push('"');
            }
            '"' => quoted = !quoted,
            c if quoted => out.push(c),
            c => out.push(c.to_ascii_lowercase()),
        }
    }
    out
}

/// psql's `indexOfColumn`: a 1-based number or a column name.
fn column_index(arg: &str, cols: &[Column]) -> Result<usize, String> {
    if !arg.is_empty() && arg.bytes().all(|b| b.is_ascii_digit()) {
        let n: i64 = arg.parse().unwrap_or(i64::MAX);
        return match usize::try_from(n) {
            Ok(i) if (1..=cols.len()).contains(&i) => Ok(i - 1),
            _ => Err(format!(
                "\\crosstabview: column number {n} is out of range 1..{}",
                cols.len()
            )),
        };
    }
    let name = dequote_downcase(arg);
    let mut found = None;
    for (i, c) in cols.iter().enumerate() {
        if c.name == name {
            if found.is_some() {
                return Err(format!("\\crosstabview: ambiguous column name: \"{name}\""));
            }
            found = Some(i);
        }
    }
    found.ok_or_else(|| format!("\\crosstabview: column name not found: \"{name}\""))
}

/// Distinct values in their first-appearance order, and a lookup from
/// value to that position.
#[derive(Default)]
struct Distinct<'a> {
    fields: Vec<Field<'a>>,
    index: std::collections::HashMap<Option<&'a str>, usize>,
}

impl<'a> Distinct<'a> {
    fn add(&mut self, name: Option<&'a str>, sort: Option<&'a str>) {
        if !self.index.contains_key(&name) {
            let rank = self.fields.len();
            self.fields.push(Field { name, rank, sort });
            self.index.insert(name, rank);
        }
    }
}

/// psql's `atoi` of a rank: digits, optionally after one `-`; anything
/// else is rank 0.
fn rank_value(v: Option<&str>) -> i64 {
    let Some(v) = v else { return 0 };
    let digits = v.strip_prefix('-').unwrap_or(v);
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return 0;
    }
    let n = digits
        .bytes()
        .take(18)
        .fold(0i64, |n, d| n * 10 + i64::from(d - b'0'));
    if v.starts_with('-') {
        -n
    } else {
        n
    }
}

/// Pivot the rows and print them; an error is reported and nothing printed.
pub fn show(
    s: &mut Session,
    args: &[String],
    cols: &[Column],
    rows: &Rows,
    out: &mut dyn Write,
) -> Outcome {
    match pivot(s, args, cols, rows) {
        Ok(rs) => {
            let mut opts = s.settings.print.clone();
            // psql shows the values as the server sent them.
            opts.numeric_locale = false;
            let mut p = TablePrinter::new(rs.columns, &opts);
            let printed = p.print_batch(out, &rs.rows).and_then(|()| p.finish(out));
            match printed {
                Ok(()) => Outcome::Ok,
                Err(e) => {
                    s.client_error(&format!("could not print result table: {e}"));
                    Outcome::Failed
                }
            }
        }
        Err(m) => {
            s.client_error(&m);
            Outcome::Failed
        }
    }
}

fn cell(r: &[Option<String>], j: usize) -> Option<&str> {
    r.get(j).and_then(|c| c.as_deref())
}

/// The pivoted table, or psql's message.
fn pivot(s: &Session, args: &[String], cols: &[Column], rows: &Rows) -> Result<ResultSet, String> {
    if cols.len() < 3 {
        return Err("\\crosstabview: query must return at least three columns".into());
    }
    let arg = |i: usize| args.get(i).map(String::as_str);
    let col_v = arg(0).map_or(Ok(0), |a| column_index(a, cols))?;
    let col_h = arg(1).map_or(Ok(1), |a| column_index(a, cols))?;
    if col_v == col_h {
        return Err(
            "\\crosstabview: vertical and horizontal headers must be different columns".into(),
        );
    }
    let col_d = match arg(2) {
        Some(a) => column_index(a, cols)?,
        None if cols.len() != 3 => {
            return Err("\\crosstabview: data column must be specified when query returns more than three columns".into())
        }
        None => (0..3).find(|i| *i != col_v && *i != col_h).unwrap_or(2),
    };
    let col_sort = arg(3).map(|a| column_index(a, cols)).transpose()?;
    let mut horizontal = Distinct::default();
    let mut vertical = Distinct::default();
    for r in rows {
        horizontal.add(cell(r, col_h), col_sort.and_then(|j| cell(r, j)));
        if horizontal.fields.len() > MAX_COLUMNS {
            return Err(format!(
                "\\crosstabview: maximum number of columns ({MAX_COLUMNS}) exceeded"
            ));
        }
        vertical.add(cell(r, col_v), None);
    }
    // psql ranks the columns by sorting the values (NULL last) by their
    // sort value, stably.
    let mut order: Vec<usize> = (0..horizontal.fields.len()).collect();
    if col_sort.is_some() {
        order.sort_by(|&a, &b| {
            let (fa, fb) = (&horizontal.fields[a], &horizontal.fields[b]);
            match (fa.name, fb.name) {
                (Some(x), Some(y)) => x.as_bytes().cmp(y.as_bytes()),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            }
        });
        order.sort_by_key(|&i| rank_value(horizontal.fields[i].sort));
        for (rank, &i) in order.iter().enumerate() {
            horizontal.fields[i].rank = rank;
        }
    }
    let null = s.settings.print.null_display.as_str();
    let shown = |v: Option<&str>| v.unwrap_or(null).to_string();
    let ncols = horizontal.fields.len();
    let mut columns = vec![Column::new(cols[col_v].name.clone(), cols[col_v].type_oid)];
    let mut by_rank: Vec<&Field> = horizontal.fields.iter().collect();
    by_rank.sort_by_key(|f| f.rank);
    for f in by_rank {
        columns.push(Column::new(shown(f.name), cols[col_d].type_oid));
    }
    let mut table: Vec<Vec<Option<String>>> = vertical
        .fields
        .iter()
        .map(|f| {
            let mut row = vec![None; ncols + 1];
            row[0] = Some(shown(f.name));
            row
        })
        .collect();
    let named = |v: Option<&str>| match v {
        Some(v) => v.to_string(),
        None if null.is_empty() => "(null)".to_string(),
        None => null.to_string(),
    };
    for r in rows {
        let rv = cell(r, col_v);
        let rh = cell(r, col_h);
        let row = vertical.fields[vertical.index[&rv]].rank;
        let col = horizontal.fields[horizontal.index[&rh]].rank;
        let slot = &mut table[row][col + 1];
        if slot.is_some() {
            return Err(format!(
                "\\crosstabview: query result contains multiple data values for row \"{}\", column \"{}\"",
                named(rv),
                named(rh)
            ));
        }
        *slot = Some(shown(cell(r, col_d)));
    }
    for row in &mut table {
        for c in row.iter_mut() {
            if c.is_none() {
                *c = Some(String::new());
            }
        }
    }
    Ok(ResultSet {
        columns,
        rows: table,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_ranks_read_as_psql_reads_them() {
        assert_eq!(dequote_downcase("Foo"), "foo");
        assert_eq!(dequote_downcase("\"Foo\""), "Foo");
        assert_eq!(dequote_downcase("\"a\"\"b\"C"), "a\"bc");
        assert_eq!(rank_value(Some("-12")), -12);
        assert_eq!(rank_value(Some("007")), 7);
        assert_eq!(rank_value(Some("1.5")), 0);
        assert_eq!(rank_value(None), 0);
        let cols = vec![Column::new("a", 23), Column::new("b", 23)];
        assert_eq!(column_index("2", &cols), Ok(1));
        assert_eq!(
            column_index("3", &cols),
            Err("\\crosstabview: column number 3 is out of range 1..2".into())
        );
        assert_eq!(
            column_index("\"A\"", &cols),
            Err("\\crosstabview: column name not found: \"A\"".into())
        );
    }
}
