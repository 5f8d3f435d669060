//! Parse time of a typical shell command, of a 250-character SQL prefix
//! (what completion parses on each Tab), of a whole SQL statement, and of
//! the command-head check every statement of a script goes through.
//!
//! `cargo bench --bench parse` measures many iterations and prints the
//! median; without `--bench` (as `cargo test --all-targets` runs it) it
//! runs each case a few times only, to stay quick.

use std::hint::black_box;
use std::time::Instant;

use qadmin::parse::{is_command, parse_sql, parse_statement};

const COMMAND: &str = "register consumer c1 on queue_one at 42;";

const SQL: &str = "select c.co_name, q.queue_name, s.sub_last_tick, count(*) over (partition by q.queue_id order by s.sub_id) as n, \
case when s.sub_active then 'active' else 'idle' end as state \
from pgq.subscription s join pgq.consumer c on c.co_id = s.sub_consumer join pgq.queue q on q.queue_id = s.sub_queue \
where q.queue_name in (select queue_name from pgq.get_queue_info() where ticker_lag > interval '1 minute') \
order by 1, 2 limit 100;";

/// Median and minimum in microseconds.
fn median_micros(runs: usize, mut f: impl FnMut()) -> (f64, f64) {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    times.sort_by(|a, b| a.total_cmp(b));
    (times[times.len() / 2], times[0])
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let runs = if full { 2000 } else { 5 };
    let prefix: String = SQL.chars().take(250).collect();
    assert!(parse_statement(COMMAND).is_ok());
    assert!(
        parse_sql(SQL).is_ok(),
        "the benchmark's SQL must be structured"
    );

    let cmd = median_micros(runs, || {
        black_box(parse_statement(black_box(COMMAND)).ok());
    });
    let pre = median_micros(runs, || {
        black_box(parse_statement(black_box(&prefix)).ok());
    });
    let pre_sql = median_micros(runs, || {
        black_box(parse_sql(black_box(&prefix)).ok());
    });
    // What every statement of a script pays to learn it is not a command.
    let head = median_micros(runs, || {
        black_box(is_command(black_box(SQL)));
    });
    let whole = median_micros(runs, || {
        black_box(parse_statement(black_box(SQL)).ok());
    });
    println!("  parse: {runs} runs                             median       min");
    let show = |what: &str, (median, min): (f64, f64)| {
        println!("    {what:<42}{median:8.1} µs {min:8.1} µs");
    };
    show(&format!("command ({} chars)", COMMAND.len()), cmd);
    show("SQL prefix, 250 chars (statement rule)", pre);
    show("SQL prefix, 250 chars (structured only)", pre_sql);
    show(&format!("SQL statement ({} chars)", SQL.len()), whole);
    show("is this SQL a command? (is_command)", head);
}
