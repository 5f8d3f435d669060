//! Unit tests of the printers (the psql comparisons are the cases in
//! `golden/`, read by `golden.rs`).

use super::*;

/// Shows a text with visible line ends, for failure messages.
fn visible(s: &str) -> String {
    let mut out = String::new();
    for line in s.split_inclusive('\n') {
        out.push_str("    |");
        out.push_str(&line.replace('\n', "$\n").replace('\x1b', "\\e"));
    }
    if !s.ends_with('\n') {
        out.push_str("<no newline at end>\n");
    }
    out
}

/// Fails with both texts in full when they differ.
#[track_caller]
pub(super) fn assert_same(expected: &str, got: &str) {
    if expected != got {
        let line = expected
            .split('\n')
            .zip(got.split('\n'))
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| expected.split('\n').count().min(got.split('\n').count()));
        panic!(
            "output differs (first difference on line {}):\n--- expected:\n{}--- got:\n{}",
            line + 1,
            visible(expected),
            visible(got)
        );
    }
}

fn columns(cols: &[(&str, u32)]) -> Vec<Column> {
    cols.iter().map(|&(n, o)| Column::new(n, o)).collect()
}

fn owned(rows: &[&[Option<&str>]]) -> Vec<Vec<Option<String>>> {
    rows.iter()
        .map(|r| r.iter().map(|c| c.map(str::to_string)).collect())
        .collect()
}

/// Prints `rows` in batches of `batch` rows (all in one batch when `None`),
/// the way psql fetches them with `FETCH_COUNT`.
fn render(
    cols: Vec<Column>,
    rows: &[Vec<Option<String>>],
    opts: &PrintOptions,
    batch: Option<usize>,
) -> String {
    let mut out = Vec::new();
    let mut p = TablePrinter::new(cols, opts);
    match batch {
        None => p.print_batch(&mut out, rows).expect("print"),
        Some(n) => {
            for chunk in rows.chunks(n) {
                p.print_batch(&mut out, chunk).expect("print");
            }
        }
    }
    p.finish(&mut out).expect("finish");
    String::from_utf8(out).expect("utf8")
}

/// Prints the case and compares with psql's output.
#[track_caller]
pub(super) fn check(
    cols: &[(&str, u32)],
    rows: &[&[Option<&str>]],
    opts: &PrintOptions,
    fetch: Option<usize>,
    expected: &str,
) {
    let rows = owned(rows);
    let got = render(columns(cols), &rows, opts, fetch);
    assert_same(expected, &got);
    if fetch.is_none() {
        let rs = ResultSet {
            columns: columns(cols),
            rows,
        };
        let mut out = Vec::new();
        print_result(&mut out, &rs, opts).expect("print_result");
        assert_same(expected, &String::from_utf8(out).expect("utf8"));
    }
}

fn json_opts() -> PrintOptions {
    PrintOptions {
        format: Format::Json,
        ..PrintOptions::default()
    }
}

#[test]
fn json_types() {
    let cols = columns(&[
        ("i", 23),
        ("f", 701),
        ("nan", 701),
        ("inf", 700),
        ("num", 1700),
        ("b", 16),
        ("j", 114),
        ("jb", 3802),
        ("t", 25),
        ("n", 20),
        ("m", 790),
        ("x8", 5069),
        ("u", 0),
    ]);
    let rows = owned(&[
        &[
            Some("1"),
            Some("1.5e+20"),
            Some("NaN"),
            Some("-Infinity"),
            Some("-0.000"),
            Some("t"),
            Some("{\"a\": [1, 2]}"),
            Some("[{\"b\": null}]"),
            Some("text"),
            None,
            Some("$1.00"),
            Some("18446744073709551615"),
            Some("42"),
        ],
        &[
            Some("-2147483648"),
            Some("Infinity"),
            Some("0"),
            Some("3"),
            Some("NaN"),
            Some("f"),
            Some("{\n  \"k\": \"v w\",\n\t\"l\": [1,\r\n 2]\n}"),
            Some("\"str\""),
            Some(""),
            Some("9"),
            None,
            None,
            None,
        ],
    ]);
    let got = render(cols, &rows, &json_opts(), None);
    let expected = concat!(
        "[\n",
        r#"{"i":1,"f":1.5e+20,"nan":"NaN","inf":"-Infinity","num":-0.000,"b":true,"j":{"a": [1, 2]},"jb":[{"b": null}],"t":"text","n":null,"m":"$1.00","x8":18446744073709551615,"u":"42"},"#,
        "\n",
        r#"{"i":-2147483648,"f":"Infinity","nan":0,"inf":3,"num":"NaN","b":false,"j":{"k":"v w","l":[1,2]},"jb":"str","t":"","n":9,"m":null,"x8":null,"u":null}"#,
        "\n]\n"
    );
    assert_same(expected, &got);
}

#[test]
fn json_escaping_and_duplicate_names() {
    let cols = columns(&[("a\"b\\c", 25), ("dup", 25), ("dup", 23), ("漢\n", 25)]);
    let rows = owned(&[&[
        Some("quote \" back \\ nl \n tab \t cr \r bell \u{7} del \u{7f} ü 漢 😀"),
        Some("</script>"),
        Some("7"),
        Some("\u{2028}"),
    ]]);
    let got = render(cols, &rows, &json_opts(), None);
    // serde_json leaves DEL and U+2028 unescaped (both are valid in JSON strings).
    let expected = concat!(
        "[\n",
        r#"{"a\"b\\c":"quote \" back \\ nl \n tab \t cr \r bell \u0007 del "#,
        "\u{7f}",
        r#" ü 漢 😀","dup":"</script>","dup":7,"漢\n":""#,
        "\u{2028}",
        "\"}\n]\n"
    );
    assert_same(expected, &got);
    // Every line but the brackets is a JSON document of its own once the
    // trailing comma is removed, and the whole output is one document.
    let v: serde_json::Value = serde_json::from_str(&got).expect("valid JSON");
    assert_eq!(
        v[0]["dup"],
        serde_json::json!(7),
        "last duplicate wins in serde_json"
    );
}

#[test]
fn json_empty_and_batches() {
    let cols = columns(&[("g", 23), ("s", 25)]);
    assert_same("[]\n", &render(cols.clone(), &[], &json_opts(), None));
    assert_same("[]\n", &render(cols.clone(), &[], &json_opts(), Some(2)));
    let rows: Vec<Vec<Option<String>>> = (1..=5)
        .map(|g| vec![Some(g.to_string()), Some("x".repeat(g))])
        .collect();
    let whole = render(cols.clone(), &rows, &json_opts(), None);
    assert_same(
        concat!(
            "[\n",
            "{\"g\":1,\"s\":\"x\"},\n",
            "{\"g\":2,\"s\":\"xx\"},\n",
            "{\"g\":3,\"s\":\"xxx\"},\n",
            "{\"g\":4,\"s\":\"xxxx\"},\n",
            "{\"g\":5,\"s\":\"xxxxx\"}\n",
            "]\n"
        ),
        &whole,
    );
    for n in 1..=5 {
        assert_same(&whole, &render(cols.clone(), &rows, &json_opts(), Some(n)));
    }
    // Zero columns.
    let none: Vec<Vec<Option<String>>> = vec![vec![], vec![]];
    assert_same(
        "[\n{},\n{}\n]\n",
        &render(vec![], &none, &json_opts(), None),
    );
}

#[test]
fn json_streams_before_finish() {
    let mut out = Vec::new();
    let mut p = TablePrinter::new(columns(&[("a", 23)]), &json_opts());
    p.print_batch(&mut out, &[vec![Some("1".to_string())]])
        .expect("print");
    assert_eq!(out, b"[\n{\"a\":1}");
    p.print_batch(&mut out, &[vec![Some("2".to_string())]])
        .expect("print");
    assert_eq!(out, b"[\n{\"a\":1},\n{\"a\":2}");
    p.finish(&mut out).expect("finish");
    assert_eq!(out, b"[\n{\"a\":1},\n{\"a\":2}\n]\n");
}

#[test]
fn status_lines() {
    let mut out = Vec::new();
    print_status(&mut out, "INSERT 0 1", &PrintOptions::default()).expect("status");
    print_status(&mut out, "UPDATE \"x\"", &json_opts()).expect("status");
    let csv = PrintOptions {
        format: Format::Csv,
        ..PrintOptions::default()
    };
    print_status(&mut out, "DELETE 3", &csv).expect("status");
    assert_same(
        "INSERT 0 1\n{\"command\":\"UPDATE \\\"x\\\"\"}\nDELETE 3\n",
        &String::from_utf8(out).expect("utf8"),
    );
}

/// Removes the escape sequences of the style module.
fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn color_bolds_only_the_header() {
    let cols = columns(&[("multi\nhead", 25), ("n", 23)]);
    let rows = owned(&[&[Some("a\nb"), Some("1")], &[Some("漢字"), None]]);
    let plain = render(cols.clone(), &rows, &PrintOptions::default(), None);
    let color = PrintOptions {
        color: true,
        ..PrintOptions::default()
    };
    let colored = render(cols.clone(), &rows, &color, None);
    assert!(!plain.contains('\x1b'));
    assert_same(&plain, &strip_ansi(&colored));
    assert_same(
        concat!(
            "\x1b[1m multi+| n \x1b[0m\n",
            "\x1b[1m head  |   \x1b[0m\n",
            "-------+---\n",
            " a    +| 1\n",
            " b     | \n",
            " 漢字  |  \n",
            "(2 rows)\n",
            "\n"
        ),
        &colored,
    );
    // Also with batches and for an empty result.
    assert_same(
        &render(cols.clone(), &rows, &PrintOptions::default(), Some(1)),
        &strip_ansi(&render(cols.clone(), &rows, &color, Some(1))),
    );
    assert_same(
        &render(cols.clone(), &[], &PrintOptions::default(), None),
        &strip_ansi(&render(cols.clone(), &[], &color, None)),
    );
    // Other formats carry no colour.
    for format in [Format::Unaligned, Format::Csv, Format::Json] {
        for expanded in [false, true] {
            let o = PrintOptions {
                format,
                expanded,
                color: true,
                ..PrintOptions::default()
            };
            assert!(!render(cols.clone(), &rows, &o, None).contains('\x1b'));
        }
    }
    let x = PrintOptions {
        expanded: true,
        color: true,
        ..PrintOptions::default()
    };
    assert!(!render(cols, &rows, &x, None).contains('\x1b'));
}

#[test]
fn empty_batches_print_nothing() {
    let cols = columns(&[("a", 23), ("b", 25)]);
    let rows = owned(&[&[Some("1"), Some("x")], &[Some("22"), Some("yy")]]);
    for format in [
        Format::Aligned,
        Format::Unaligned,
        Format::Csv,
        Format::Json,
    ] {
        for expanded in [false, true] {
            let opts = PrintOptions {
                format,
                expanded,
                ..PrintOptions::default()
            };
            let expected = render(cols.clone(), &rows, &opts, None);
            let mut out = Vec::new();
            let mut p = TablePrinter::new(cols.clone(), &opts);
            let empty: &[Vec<Option<String>>] = &[];
            p.print_batch(&mut out, empty).expect("print");
            assert!(out.is_empty(), "{format:?}");
            p.print_batch(&mut out, &rows).expect("print");
            p.print_batch(&mut out, empty).expect("print");
            p.finish(&mut out).expect("finish");
            assert_same(&expected, &String::from_utf8(out).expect("utf8"));
        }
    }
}

#[test]
fn misuse_is_an_error() {
    let mut out = Vec::new();
    let mut p = TablePrinter::new(columns(&[("a", 23)]), &PrintOptions::default());
    p.finish(&mut out).expect("finish");
    assert!(p.finish(&mut out).is_err());
    assert!(p
        .print_batch(&mut out, &[vec![Some("1".to_string())]])
        .is_err());
}

#[test]
fn short_rows_and_borrowed_rows() {
    // A missing cell prints as NULL; Vec<Option<&str>> rows work as well.
    let opts = PrintOptions {
        null_display: "∅".to_string(),
        ..PrintOptions::default()
    };
    let mut out = Vec::new();
    let mut p = TablePrinter::new(columns(&[("a", 25), ("b", 23)]), &opts);
    let rows: Vec<Vec<Option<&str>>> = vec![vec![Some("x")], vec![None, Some("12")]];
    p.print_batch(&mut out, &rows).expect("print");
    p.finish(&mut out).expect("finish");
    assert_same(
        " a | b  \n---+----\n x |  ∅\n ∅ | 12\n(2 rows)\n\n",
        &String::from_utf8(out).expect("utf8"),
    );
    assert!(rows[0].len() == 1 && !Row::is_empty(&rows[0]));
}

/// A writer that records the size of each write.
struct Recorder(Vec<usize>, Vec<u8>);

impl io::Write for Recorder {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.0.push(b.len());
        self.1.extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn large_batches_are_written_in_chunks() {
    let cols = columns(&[("g", 23), ("md5", 25)]);
    let rows: Vec<Vec<Option<String>>> = (1..=20_000)
        .map(|g| vec![Some(g.to_string()), Some(format!("{:032x}", g * 7919))])
        .collect();
    for format in [
        Format::Aligned,
        Format::Unaligned,
        Format::Csv,
        Format::Json,
    ] {
        let opts = PrintOptions {
            format,
            ..PrintOptions::default()
        };
        let mut rec = Recorder(Vec::new(), Vec::new());
        let mut p = TablePrinter::new(cols.clone(), &opts);
        p.print_batch(&mut rec, &rows).expect("print");
        p.finish(&mut rec).expect("finish");
        assert!(rec.0.len() > 5, "{format:?}: {:?}", rec.0);
        assert!(
            rec.0.iter().all(|&n| n < 80 * 1024),
            "{format:?}: {:?}",
            rec.0
        );
        assert_same(
            &render(cols.clone(), &rows, &opts, None),
            &String::from_utf8(rec.1).expect("utf8"),
        );
    }
    // The aligned footer counts all rows of all batches.
    let got = render(cols, &rows, &PrintOptions::default(), Some(1000));
    assert!(got.ends_with("\n(20000 rows)\n\n"));
    assert_eq!(got.matches("-+-").count(), 1, "one header only");
}

#[test]
fn write_errors_are_returned() {
    struct Broken;
    impl io::Write for Broken {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed"))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let mut p = TablePrinter::new(columns(&[("a", 23)]), &PrintOptions::default());
    let err = p
        .print_batch(&mut Broken, &[vec![Some("1".to_string())]])
        .expect_err("broken pipe");
    assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
}

#[test]
fn expanded_auto_expands_only_what_is_wider_than_the_terminal() {
    let cols = columns(&[("a", 23), ("b", 25)]);
    let rows = owned(&[&[Some("1"), Some("hello")]]);
    // " a |   b   " is 11 columns wide.
    let narrow = PrintOptions {
        expanded_auto: true,
        columns: 10,
        ..PrintOptions::default()
    };
    assert_same(
        "-[ RECORD 1 ]\na | 1\nb | hello\n\n",
        &render(cols.clone(), &rows, &narrow, None),
    );
    let wide = PrintOptions {
        columns: 11,
        ..narrow.clone()
    };
    assert_same(
        " a |   b   \n---+-------\n 1 | hello\n(1 row)\n\n",
        &render(cols.clone(), &rows, &wide, None),
    );
    // Without rows the empty table is aligned.
    assert_same(
        " a | b \n---+---\n(0 rows)\n\n",
        &render(cols, &[], &narrow, None),
    );
}
