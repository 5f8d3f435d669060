//! Tab completion speed: how long a Tab takes (prefix -> candidates) with
//! a warm catalog snapshot, and how long the snapshot takes to build.
//!
//! `cargo bench --bench complete -- 'host=... dbname=...'` measures against
//! a real database (benches/complete.sh makes one with 10,000 tables of 10
//! columns, 1,000 queues and 5,000 consumers). Without an argument it
//! times a small hand-made snapshot once, so that `cargo test
//! --all-targets` stays quick.

use std::time::{Duration, Instant};

use qadmin::complete::cache::Catalog;
use qadmin::complete::candidates;

const PREFIXES: &[&str] = &[
    "show qu",
    "register consumer c on q",
    "show consumer * on q1",
    "select * from t",
    "select * from t1",
    "select t.c from t100 t",
    "select a, b from t12 join t1",
    "update t99 set c",
    "insert into t5",
    "londiste add table public.t",
    "alter queue q9 set ",
];

fn small_catalog() -> Catalog {
    let mut cat = Catalog::default();
    for i in 0..100 {
        cat.queues.push(format!("q{i}"));
        cat.relations.push(("public".into(), format!("t{i}"), 'r'));
        cat.columns.insert(
            format!("public.t{i}"),
            (0..10).map(|c| format!("c{c}")).collect(),
        );
    }
    cat.schemas.push("public".into());
    cat
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    let conn = std::env::args().skip(1).find(|a| !a.starts_with("--"));
    let (cat, rounds) = match &conn {
        Some(c) => {
            let params = qadmin::db::ConnParams::resolve(
                Some(c),
                &[],
                &qadmin::db::Environment::from_process(),
            );
            let connected = params.map_err(|e| e.to_string()).and_then(|p| {
                qadmin::db::connect(&p, std::sync::Arc::new(|_, _| {})).map_err(|e| e.to_string())
            });
            let mut client = match connected {
                Ok(cl) => cl,
                Err(e) => {
                    eprintln!("complete bench: {e}");
                    std::process::exit(1);
                }
            };
            let mut builds = Vec::new();
            let mut cat = Catalog::default();
            for _ in 0..3 {
                let t = Instant::now();
                cat = Catalog::load(&mut client);
                builds.push(t.elapsed());
            }
            builds.sort();
            println!(
                "  snapshot: {} relations, {} queues, {} consumers; build median {:.0} ms (of 3)",
                cat.relations.len(),
                cat.queues.len(),
                cat.consumers.values().map(Vec::len).sum::<usize>(),
                builds[1].as_secs_f64() * 1000.0
            );
            (cat, 200)
        }
        None => (small_catalog(), 1),
    };
    // The shell reads the grammar on a background thread at start; the
    // first Tab after that is an ordinary one.
    let t = Instant::now();
    qadmin::complete::expect::warm();
    let warm = t.elapsed();
    let t = Instant::now();
    std::hint::black_box(candidates("select * from t", 15, &cat));
    println!(
        "  grammar read at start (background thread): {:.0} ms; first tab after it: {:.2} ms",
        warm.as_secs_f64() * 1000.0,
        t.elapsed().as_secs_f64() * 1000.0
    );
    let mut times = Vec::new();
    let mut per: Vec<Vec<Duration>> = vec![Vec::new(); PREFIXES.len()];
    let mut found_n = vec![0; PREFIXES.len()];
    for _ in 0..rounds {
        for (i, p) in PREFIXES.iter().enumerate() {
            let t = Instant::now();
            let (_, found) = candidates(p, p.len(), &cat);
            let d = t.elapsed();
            times.push(d);
            per[i].push(d);
            found_n[i] = found.len();
            std::hint::black_box(found);
        }
    }
    if rounds > 1 {
        for (i, p) in PREFIXES.iter().enumerate() {
            per[i].sort();
            println!(
                "    {:<32} {:>6} candidates, median {:.2} ms, p99 {:.2} ms",
                format!("{p:?}"),
                found_n[i],
                percentile(&per[i], 0.5).as_secs_f64() * 1000.0,
                percentile(&per[i], 0.99).as_secs_f64() * 1000.0
            );
        }
    }
    times.sort();
    println!(
        "  tab: {} completions, median {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        times.len(),
        percentile(&times, 0.5).as_secs_f64() * 1000.0,
        percentile(&times, 0.99).as_secs_f64() * 1000.0,
        times[times.len() - 1].as_secs_f64() * 1000.0
    );
}
