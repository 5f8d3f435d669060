//! The operator's view in a terminal (#15): psql's Tab (common prefix
//! first, then the list in columns, then "Display all N
//! possibilities?"), and the pager.

use super::{expect, first, send, shell, spawn, support};

// See: #15
#[test]
fn r15_tab_completes_the_common_prefix_then_lists() {
    let Some(db) = support::TestDb::new() else {
        return;
    };
    db.sql("select pgq.create_queue('orders_a'), pgq.create_queue('orders_b'), pgq.create_queue('orders_c')");
    db.sql("do $$ begin for g in 1..120 loop execute format('create table wide_%s (a int)', g); end loop; end $$");
    let mut p = shell(&db);
    expect(&mut p, &first(&db), "first prompt");
    std::thread::sleep(std::time::Duration::from_millis(1500));
    p.send("show queue ord").expect("type");
    p.send("\t").expect("tab");
    p.flush().expect("flush");
    expect(&mut p, "orders_", "first Tab: the common prefix");
    p.send("\t").expect("tab");
    p.flush().expect("flush");
    expect(
        &mut p,
        "orders_a  orders_b  orders_c",
        "second Tab: the list",
    );
    p.send_control('e').expect("end");
    p.send_control('u').expect("clear");
    p.send("select * from wide_").expect("type");
    p.send("\t").expect("tab");
    p.send("\t").expect("tab");
    p.flush().expect("flush");
    expect(
        &mut p,
        "Display all 120 possibilities? (y or n)",
        "past a screenful: psql's question",
    );
    p.send("n").expect("no");
    p.send_control('u').expect("clear");
    send(&mut p, "\\q");
}

// See: #15
#[test]
fn r15_pager_as_psql_uses_it() {
    let Some(db) = support::TestDb::new() else {
        return;
    };
    let mut cmd = db.qadmin();
    cmd.env("QADMIN_PAGER", "echo PAGER-RAN; wc -l");
    cmd.env("PAGER", "false");
    let mut p = spawn(cmd);
    expect(&mut p, &first(&db), "first prompt");
    send(&mut p, "\\pset pager always");
    expect(&mut p, "Pager is always used.", "pset pager always");
    send(&mut p, "show help;");
    expect(&mut p, "PAGER-RAN", "help through QADMIN_PAGER");
    expect(&mut p, &first(&db), "back at the prompt");
    send(&mut p, "\\pset pager off");
    expect(&mut p, "Pager usage is off.", "pset pager off");
    send(&mut p, "show help tick;");
    expect(&mut p, "Command:     tick", "no pager when off");
    send(&mut p, "\\q");
}

#[test]
fn rows_longer_than_the_terminal_go_through_the_pager() {
    let Some(db) = support::TestDb::new() else {
        return;
    };
    let mut cmd = db.qadmin();
    cmd.env("QADMIN_PAGER", "echo PAGER-RAN; wc -l");
    let mut p = spawn(cmd);
    expect(&mut p, &first(&db), "first prompt");
    send(&mut p, "\\! stty rows 12 cols 80");
    expect(&mut p, &first(&db), "terminal of 12 rows");
    // Short: printed as it is.
    send(&mut p, "select g as short from generate_series(1, 3) g;");
    let before = expect(&mut p, "(3 rows)", "short result on the terminal");
    assert!(!before.contains("PAGER-RAN"), "{before}");
    expect(&mut p, &first(&db), "prompt");
    // Longer than the terminal: through the pager, whole (40 rows, header,
    // rule, footer and the blank line: 44 lines).
    send(&mut p, "select g as long from generate_series(1, 40) g;");
    expect(&mut p, "PAGER-RAN", "the pager started");
    expect(&mut p, "44", "the pager got every line");
    expect(&mut p, &first(&db), "back at the prompt");
    send(&mut p, "\\q");
}

#[test]
fn watch_of_show_consumer_is_a_live_view_with_the_lag_trend() {
    let Some(db) = support::TestDb::new() else {
        return;
    };
    db.sql("select pgq.create_queue('wq'), pgq.register_consumer('wq', 'wc'), pgq.insert_event('wq', 'e', 'x'), pgq.ticker('wq')");
    let mut p = spawn(db.qadmin());
    expect(&mut p, &first(&db), "first prompt");
    send(&mut p, "show consumer on wq");
    send(&mut p, "\\watch 1");
    expect(&mut p, "(every 1s)", "the first frame");
    expect(&mut p, "Lag since", "the trend from the second frame on");
    let line = expect(&mut p, "s/min (now", "the trend names the consumer");
    assert!(line.contains("wq/wc"), "{line}");
    p.send_control('c').expect("Ctrl-C");
    expect(&mut p, &first(&db), "Ctrl-C ends the watch");
    send(&mut p, "\\q");
}
