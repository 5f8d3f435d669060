//! Throughput of the statement lexer (`lex::split`) in MB/s.
//!
//! `cargo bench --bench lexer -- FILE` measures FILE (benches/compare.sh
//! passes a generated 50 MB script); without a file it measures a small
//! generated script once, so that `cargo test --all-targets` stays quick.

use std::time::Instant;

use qadmin::lex::split;

fn small_script() -> Vec<u8> {
    let mut s = Vec::new();
    for i in 0..2000 {
        s.extend_from_slice(
            format!(
                "insert into t values ({i}, 'a;b', $q$x;y$q$); -- c;\n/* c; */ select ({i});\n"
            )
            .as_bytes(),
        );
    }
    s
}

fn main() {
    let file = std::env::args().skip(1).find(|a| !a.starts_with("--"));
    let (data, runs) = match &file {
        Some(f) => match std::fs::read(f) {
            Ok(d) => (d, 9),
            Err(e) => {
                eprintln!("lexer bench: {f}: {e}");
                std::process::exit(1);
            }
        },
        None => (small_script(), 1),
    };
    let mut rates = Vec::new();
    let mut pieces = 0;
    for _ in 0..runs {
        let t = Instant::now();
        pieces = split(&data).len();
        let secs = t.elapsed().as_secs_f64();
        rates.push(data.len() as f64 / secs / 1e6);
    }
    rates.sort_by(|a, b| a.total_cmp(b));
    let median = rates[rates.len() / 2];
    println!(
        "  lexer: {:.1} MB, {} statements, median {:.0} MB/s over {} runs",
        data.len() as f64 / 1e6,
        pieces,
        median,
        runs
    );
}
