//! The meta-commands that work in scripts too (`\o`, `\i`, `\ir`,
//! `\timing`, `\c`, `\pset`), run through `-c` and `-f`: no terminal
//! needed, so plain processes, whole outputs compared.

use super::support::{self, run};
use crate::assert_text_eq;

#[test]
fn o_sends_results_to_a_file_and_back() {
    let Some(db) = support::TestDb::new() else {
        return;
    };
    let file = db.home.path().join("out.txt");
    let r = run(db.qadmin().args([
        "-c",
        &format!("\\o {}", file.display()),
        "-c",
        "select 'to the file' as f;",
        "-c",
        "\\o",
        "-c",
        "select 'to stdout' as s;",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_text_eq!(
        "     s     \n-----------\n to stdout\n(1 row)\n\n",
        r.stdout,
        "stdout"
    );
    let written = std::fs::read_to_string(&file).expect("the \\o file");
    assert_text_eq!(
        "      f      \n-------------\n to the file\n(1 row)\n\n",
        written,
        "the file"
    );
}

#[test]
fn o_pipes_results_to_a_command() {
    let Some(db) = support::TestDb::new() else {
        return;
    };
    let r = run(db.qadmin().args([
        "-A",
        "-t",
        "-c",
        "\\o | tr a-z A-Z",
        "-c",
        "select 'shout' as s;",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_text_eq!("SHOUT\n", r.stdout, "through tr");
}

#[test]
fn ir_is_relative_to_the_script_and_i_nesting_is_bounded() {
    let Some(db) = support::TestDb::new() else {
        return;
    };
    let dir = db.home.path().join("sub");
    std::fs::create_dir(&dir).expect("mkdir");
    std::fs::write(dir.join("main.sql"), "\\ir part.sql\n").expect("main.sql");
    std::fs::write(dir.join("part.sql"), "select 'part' as p;\n").expect("part.sql");
    let r = run(db
        .qadmin()
        .current_dir(db.home.path())
        .args(["-A", "-t", "-f", "sub/main.sql"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_text_eq!("part\n", r.stdout, "\\ir found part.sql beside main.sql");

    let me = db.script("self.sql", "");
    std::fs::write(&me, format!("\\i {}\n", me.display())).expect("self.sql");
    let r = run(db.qadmin().args(["-f", &me.display().to_string()]));
    assert!(
        r.stderr.contains("too many nested includes"),
        "{}",
        r.stderr
    );
}

#[test]
fn timing_and_pset_in_a_script() {
    let Some(db) = support::TestDb::new() else {
        return;
    };
    let r = run(db.qadmin().args([
        "-c",
        "\\timing on",
        "-c",
        "\\pset null (nil)",
        "-c",
        "select null as n;",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines[0], "Timing is on.", "{}", r.stdout);
    assert_eq!(lines[1], "Null display is \"(nil)\".", "{}", r.stdout);
    assert!(r.stdout.contains(" (nil)\n(1 row)\n"), "{}", r.stdout);
    let time = lines.last().copied().unwrap_or_default();
    assert!(
        time.starts_with("Time: ") && time.ends_with(" ms"),
        "{}",
        r.stdout
    );
}

/// A failed `\c` off the terminal closes the connection, as psql's: the
/// next `-c` cannot reuse its parameters, SQL says it is not connected,
/// and the run goes on; compared with psql.
#[test]
fn a_failed_c_in_command_strings_behaves_as_psql() {
    let Some(db) = support::TestDb::new() else {
        return;
    };
    let args = [
        "-c",
        "\\c no_such_db",
        "-c",
        "\\c postgres",
        "-c",
        "select current_database() as d;",
    ];
    let want = run(db.psql().args(args));
    let got = run(db.qadmin().args(args));
    assert_text_eq!(want.stdout, got.stdout, "stdout");
    assert_text_eq!(want.stderr, got.stderr, "stderr");
    assert_eq!(want.code, got.code, "exit code");
    assert!(
        got.stderr
            .contains("database \"no_such_db\" does not exist"),
        "{}",
        got.stderr
    );
}

/// `\watch` off the terminal runs as psql runs it; with nothing to run,
/// psql's message (no head after `-c`) and status 1.
#[test]
fn watch_without_a_query_fails_as_psql() {
    let Some(db) = support::TestDb::new() else {
        return;
    };
    let r = run(db.qadmin().args(["-c", "\\watch 1"]));
    assert_eq!(r.code, 1);
    assert_text_eq!(
        "\\watch cannot be used with an empty query\n",
        r.stderr,
        "stderr"
    );
}
