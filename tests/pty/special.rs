//! psql's interactive special variables and `-n` (#12), each next to psql
//! itself in a pseudo-terminal where the two can be compared: the history
//! files that HISTCONTROL and HISTSIZE leave, HISTFILE set in the rc
//! file, IGNOREEOF's messages, the PROMPT3 prompt of COPY data, the case
//! COMP_KEYWORD_CASE gives completed keywords (never names), and `-n`
//! (no editing, no completion, no history file).

use std::path::Path;
use std::process::Command;

use rexpect::session::PtySession;

use super::{expect, first, send, spawn, support};

/// psql in a terminal on the test database, its history in `hist`,
/// without a pager. The terminal echoes first: rexpect starts it without,
/// and readline then shows nothing typed (qadmin's editor echoes either
/// way).
fn psql(db: &support::TestDb, hist: &Path, args: &[&str]) -> PtySession {
    let mut c = Command::new("sh");
    c.args(["-c", "stty echo; exec \"$0\" \"$@\""])
        .arg(db.cluster.bin.join("psql"));
    support::clean_env(&mut c);
    c.env("HOME", db.home.path())
        .env("PSQL_HISTORY", hist)
        .args(["-X", "-P", "pager=off"])
        .args(db.conn_args())
        .args(args);
    spawn(c)
}

/// qadmin in a terminal on the test database, its history in `hist`.
fn qadmin(db: &support::TestDb, hist: &Path, args: &[&str]) -> PtySession {
    let mut c = db.qadmin();
    c.env("QADMIN_HISTORY", hist)
        .args(["-P", "pager=off"])
        .args(args);
    spawn(c)
}

/// The first prompt; then a moment, as psql's readline may drop what is
/// typed before it has set the terminal up.
#[track_caller]
fn ready(p: &mut PtySession, prompt: &str) {
    expect(p, prompt, "first prompt");
    std::thread::sleep(std::time::Duration::from_millis(400));
}

/// psql's first prompt (the test user is a superuser).
fn psql_first(db: &support::TestDb) -> String {
    format!("{}=# ", db.name)
}

/// The entries of a history file: readline's (psql: one line each,
/// newlines as 0x01) or rustyline's (`#V2`, `\n` and `\\` escaped).
fn entries(path: &Path) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    let mut lines = text.lines().peekable();
    let v2 = lines.peek() == Some(&"#V2");
    if v2 {
        lines.next();
    }
    lines
        .filter(|l| !l.is_empty())
        .map(|l| {
            if !v2 {
                return l.replace('\u{1}', "\n");
            }
            let mut out = String::new();
            let mut chars = l.chars();
            while let Some(c) = chars.next() {
                match (c, c == '\\') {
                    (_, true) => match chars.next() {
                        Some('n') => out.push('\n'),
                        Some(o) => out.push(o),
                        None => {}
                    },
                    (c, false) => out.push(c),
                }
            }
            out
        })
        .collect()
}

/// Type `lines` one after the other, each after the prompt came back,
/// then `\q`; the program ends.
fn session(p: &mut PtySession, prompt: &str, lines: &[&str]) {
    ready(p, prompt);
    for l in lines {
        send(p, l);
        // `=# ` or a continuation prompt's `-# `.
        expect(p, "# ", "the prompt after a line");
    }
    send(p, "\\q");
    p.exp_eof().expect("\\q leaves");
}

/// The statements typed for the history tests: a leading space, repeats
/// in a row and apart, a statement over two lines.
const TYPED: &[&str] = &[
    "select 1 as one;",
    " select 2 as secret;",
    "select 1 as one;",
    "select 1 as one;",
    "select 3 as",
    "three;",
    "select 1 as one;",
];

#[test]
fn histcontrol_keeps_and_drops_entries_as_psql() {
    let Some(db) = support::TestDb::new() else {
        return;
    };
    for mode in ["none", "ignorespace", "ignoredups", "ignoreboth"] {
        let var = format!("HISTCONTROL={mode}");
        let ph = db.home.path().join(format!("psql-{mode}"));
        let qh = db.home.path().join(format!("qadmin-{mode}"));
        let mut p = psql(&db, &ph, &["-v", &var]);
        session(&mut p, &psql_first(&db), TYPED);
        let mut q = qadmin(&db, &qh, &["-v", &var]);
        session(&mut q, &first(&db), TYPED);
        let (pe, qe) = (entries(&ph), entries(&qh));
        assert!(!pe.is_empty(), "psql wrote no history for {mode}");
        assert_eq!(qe, pe, "HISTCONTROL={mode}: qadmin's history vs psql's");
        let want: &[&str] = match mode {
            "none" => &[
                "select 1 as one;",
                " select 2 as secret;",
                "select 1 as one;",
                "select 1 as one;",
                "select 3 as\nthree;",
                "select 1 as one;",
                "\\q",
            ],
            "ignorespace" => &[
                "select 1 as one;",
                "select 1 as one;",
                "select 1 as one;",
                "select 3 as\nthree;",
                "select 1 as one;",
                "\\q",
            ],
            "ignoredups" => &[
                "select 1 as one;",
                " select 2 as secret;",
                "select 1 as one;",
                "select 3 as\nthree;",
                "select 1 as one;",
                "\\q",
            ],
            _ => &[
                "select 1 as one;",
                "select 3 as\nthree;",
                "select 1 as one;",
                "\\q",
            ],
        };
        assert_eq!(qe, want, "HISTCONTROL={mode}");
    }
}

#[test]
fn histsize_limits_the_history_file_as_psql() {
    let Some(db) = support::TestDb::new() else {
        return;
    };
    let ph = db.home.path().join("psql-hist");
    let qh = db.home.path().join("qadmin-hist");
    let runs: &[(&str, &[&str])] = &[
        (
            "HISTSIZE=3",
            &["select 'a';", "select 'b';", "select 'c';", "select 'd';"],
        ),
        ("HISTSIZE=3", &["select 'e';"]),
        ("HISTSIZE=-1", &["select 'f';", "select 'g';"]),
        ("HISTSIZE=2", &["select 'h';"]),
    ];
    // A session that adds nothing: the file is made all the same.
    for (mut p, prompt, path) in [
        (psql(&db, &ph, &[]), psql_first(&db), &ph),
        (qadmin(&db, &qh, &[]), first(&db), &qh),
    ] {
        ready(&mut p, &prompt);
        p.send_control('d').expect("ctrl-d");
        p.exp_eof().expect("Ctrl-D leaves");
        assert!(path.exists(), "no history file made: {}", path.display());
        assert!(entries(path).is_empty(), "{:?}", entries(path));
    }
    let mut after = Vec::new();
    for (var, lines) in runs {
        let mut p = psql(&db, &ph, &["-v", var]);
        session(&mut p, &psql_first(&db), lines);
        let mut q = qadmin(&db, &qh, &["-v", var]);
        session(&mut q, &first(&db), lines);
        assert_eq!(entries(&qh), entries(&ph), "{var}: qadmin's file vs psql's");
        after.push(entries(&qh));
    }
    assert_eq!(after[0], ["select 'c';", "select 'd';", "\\q"], "3 newest");
    assert_eq!(after[1], ["\\q", "select 'e';", "\\q"], "3 newest again");
    assert_eq!(after[2].len(), 6, "no limit: {:?}", after[2]);
    assert_eq!(after[3], ["select 'h';", "\\q"], "cut to 2 at the end");
}

#[test]
fn histfile_set_in_the_rc_file_names_the_history() {
    let Some(db) = support::TestDb::new() else {
        return;
    };
    std::fs::write(
        db.home.path().join(".qadminrc"),
        "\\set HISTFILE ~/.qadmin_history-:DBNAME\n",
    )
    .expect("write the rc file");
    // Not -X: the rc file is read.
    let mut p = spawn(db.qadmin_with_rc());
    session(&mut p, &first(&db), &["select 'kept' as k;"]);
    let named = db.home.path().join(format!(".qadmin_history-{}", db.name));
    assert_eq!(entries(&named), ["select 'kept' as k;", "\\q"], "HISTFILE");
    assert!(
        !db.home.path().join("history").exists(),
        "$QADMIN_HISTORY was written although HISTFILE is set"
    );
    // Read back when the next session starts: Up recalls it.
    let mut p = spawn(db.qadmin_with_rc());
    ready(&mut p, &first(&db));
    p.send("\x1b[A\x1b[A").expect("up arrow twice");
    p.flush().expect("flush");
    expect(&mut p, "select 'kept' as k;", "recalled from HISTFILE");
    p.send("\r").expect("enter");
    p.flush().expect("flush");
    expect(&mut p, "(1 row)", "the recalled statement ran");
    send(&mut p, "\\q");
    p.exp_eof().expect("\\q leaves");
}

/// The lines a program printed, prompts and blank lines left out, and
/// `psql` named as `qadmin`.
fn said(screen: &str, prompt: &str) -> Vec<String> {
    screen
        .replace('\r', "")
        .replace(prompt, "\n")
        .replace("leave psql.", "leave qadmin.")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

/// Ctrl-D three times with IGNOREEOF=2 (and an ordinary line between,
/// which starts the count again); what was printed, start to end.
fn ctrl_d_run(mut p: PtySession, prompt: &str) -> Vec<String> {
    let pause = || std::thread::sleep(std::time::Duration::from_millis(500));
    ready(&mut p, prompt);
    let mut all = String::new();
    p.send_control('d').expect("ctrl-d");
    pause();
    send(&mut p, "select 'be' || 'tween' as x;");
    all += &expect(&mut p, "(1 row)", "a statement between");
    pause();
    p.send_control('d').expect("ctrl-d");
    pause();
    p.send_control('d').expect("ctrl-d");
    all += &p.exp_eof().expect("the second Ctrl-D in a row leaves");
    said(&all, prompt)
        .into_iter()
        .filter(|l| l.starts_with("Use") || l.contains("\\q"))
        .collect()
}

#[test]
fn ignoreeof_counts_ctrl_d_and_says_so_as_psql() {
    let Some(db) = support::TestDb::new() else {
        return;
    };
    let hist = db.home.path().join("h");
    let ps = ctrl_d_run(psql(&db, &hist, &["-v", "IGNOREEOF=2"]), &psql_first(&db));
    let qs = ctrl_d_run(qadmin(&db, &hist, &["-v", "IGNOREEOF=2"]), &first(&db));
    assert_eq!(qs, ps, "qadmin's screen vs psql's");
    assert_eq!(
        qs,
        [
            "Use \"\\q\" to leave qadmin.",
            "Use \"\\q\" to leave qadmin.",
            "\\q"
        ],
        "two Ctrl-D counted, the line between starts again"
    );
    // QUIET: no message, and an empty line instead of `\q`.
    let ps = ctrl_d_run(
        psql(&db, &hist, &["-q", "-v", "IGNOREEOF=2"]),
        &psql_first(&db),
    );
    let qs = ctrl_d_run(
        qadmin(&db, &hist, &["-q", "-v", "IGNOREEOF=2"]),
        &first(&db),
    );
    assert_eq!(qs, ps, "quiet: qadmin's screen vs psql's");
    assert!(
        !qs.iter().any(|l| l.contains("\\q") || l.contains("Use")),
        "{qs:?}"
    );
}

/// COPY FROM STDIN typed at the terminal with PROMPT3 set; the screen
/// up to the end of the data.
fn copy_run(mut p: PtySession, prompt: &str) -> String {
    ready(&mut p, prompt);
    send(&mut p, "\\set PROMPT3 'rows for %/%R> '");
    expect(&mut p, prompt, "prompt");
    send(&mut p, "copy p3 from stdin;");
    let before = expect(&mut p, "> ", "the PROMPT3 prompt");
    send(&mut p, "7");
    expect(&mut p, "> ", "the PROMPT3 prompt again");
    send(&mut p, "\\.");
    expect(&mut p, prompt, "back to the statement prompt");
    send(&mut p, "\\q");
    p.exp_eof().expect("\\q leaves");
    // From the statement's echo to the prompt.
    let before = before.replace('\r', "");
    match before.rfind("copy p3 from stdin;") {
        Some(i) => before[i..].to_string(),
        None => before,
    }
}

#[test]
fn prompt3_is_the_copy_data_prompt_as_in_psql() {
    let Some(db) = support::TestDb::new() else {
        return;
    };
    db.sql("create table p3 (a int)");
    let hist = db.home.path().join("h");
    for quiet in [false, true] {
        let args: &[&str] = if quiet { &["-q"] } else { &[] };
        let ps = copy_run(psql(&db, &hist, args), &psql_first(&db));
        let qs = copy_run(qadmin(&db, &hist, args), &first(&db));
        assert_eq!(qs, ps, "qadmin's screen vs psql's (quiet {quiet})");
        let want = format!("rows for {}", db.name);
        for (who, s) in [("psql", &ps), ("qadmin", &qs)] {
            assert!(s.ends_with(&want), "{who}: the prompt: {s:?}");
            assert_eq!(
                s.contains("Enter data to be copied"),
                !quiet,
                "{who}: the instructions (quiet {quiet}): {s:?}"
            );
        }
    }
    let n = db.sql("select count(*) from p3 where a = 7");
    assert_eq!(n, "4", "each COPY stored its row");
}

/// The line being edited as a terminal shows it: what was printed since
/// the last line end, with carriage returns and backspaces applied (the
/// escape sequences are stripped already).
fn shown(screen: &str) -> String {
    let mut line: Vec<char> = Vec::new();
    let mut at: usize = 0;
    for c in screen.chars() {
        match c {
            '\n' => {
                line.clear();
                at = 0;
            }
            '\r' => at = 0,
            '\u{8}' => at = at.saturating_sub(1),
            '\u{7}' | '\0' => {}
            c => {
                if at < line.len() {
                    line[at] = c;
                } else {
                    line.push(c);
                }
                at += 1;
            }
        }
    }
    line.into_iter().collect()
}

/// Type `text`, Tab, wait until the line shows `want`, clear the line.
#[track_caller]
fn tab(p: &mut PtySession, text: &str, want: &str, why: &str) {
    p.send(text).expect("type");
    p.send("\t").expect("tab");
    p.flush().expect("flush");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut screen = String::new();
    while !shown(&screen).contains(want) {
        match p.try_read() {
            Some(c) => screen.push(c),
            None if std::time::Instant::now() > deadline => {
                panic!("{why}: expected {want:?} in the line: {:?}", shown(&screen))
            }
            None => std::thread::sleep(std::time::Duration::from_millis(20)),
        }
    }
    p.send_control('u').expect("clear the line");
}

/// The COMP_KEYWORD_CASE checks, the same for psql and qadmin: each
/// setting with a word typed in lower, upper and mixed case, and a table
/// name that is never re-cased.
fn keyword_case_run(mut p: PtySession, prompt: &str, who: &str) {
    ready(&mut p, prompt);
    for (case, typed, want) in [
        ("lower", "SEL", "select"),
        ("upper", "sel", "SELECT"),
        ("preserve-lower", "sel", "select"),
        ("preserve-lower", "Sel", "SELECT"),
        ("preserve-upper", "sel", "select"),
        ("preserve-upper", "Sel", "SELECT"),
        ("preserve-upper", "SEL", "SELECT"),
    ] {
        send(&mut p, &format!("\\set COMP_KEYWORD_CASE {case}"));
        expect(&mut p, prompt, "prompt");
        tab(
            &mut p,
            typed,
            want,
            &format!("{who}: {case} after {typed:?}"),
        );
    }
    send(&mut p, "\\set COMP_KEYWORD_CASE upper");
    expect(&mut p, prompt, "prompt");
    tab(
        &mut p,
        "select * from case_widg",
        "case_widgets",
        &format!("{who}: a table name keeps its case"),
    );
    p.send_control('d').expect("ctrl-d");
    p.exp_eof().expect("the shell ends");
}

#[test]
fn comp_keyword_case_cases_keywords_not_names_as_psql() {
    let Some(db) = support::TestDb::new() else {
        return;
    };
    db.sql("create table case_widgets (a int)");
    let hist = db.home.path().join("h");
    keyword_case_run(psql(&db, &hist, &[]), &psql_first(&db), "psql");
    let q = qadmin(&db, &hist, &[]);
    // The catalog snapshot comes in the background.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    keyword_case_run(q, &first(&db), "qadmin");
    // qadmin's own command words are keywords too.
    let mut q = qadmin(&db, &hist, &["-v", "COMP_KEYWORD_CASE=upper"]);
    ready(&mut q, &first(&db));
    tab(&mut q, "show consu", "CONSUMER", "a shell command word");
    q.send_control('d').expect("ctrl-d");
    q.exp_eof().expect("the shell ends");
}

/// `cmd` started by a shell that turns the terminal's echo on first
/// (rexpect starts without it; a program that does not edit lines
/// itself relies on it).
fn echoing(cmd: &Command) -> Command {
    let mut c = Command::new("sh");
    c.args(["-c", "stty echo; exec \"$0\" \"$@\""])
        .arg(cmd.get_program())
        .args(cmd.get_args());
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => c.env(k, v),
            None => c.env_remove(k),
        };
    }
    c
}

/// A paste of statements and COPY data, a line with a Tab, `\s`, `\q`:
/// what was printed after the first prompt.
fn plain_run(mut p: PtySession, prompt: &str) -> Vec<String> {
    ready(&mut p, prompt);
    let mut all = String::new();
    // A paste of several lines with COPY data: all of it arrives.
    p.send("select 'pa' || 'sted' as x;\ncopy nr from stdin;\n1\n2\n\\.\nselect sum(a) * 10 as s from nr;\n")
        .expect("paste");
    p.flush().expect("flush");
    all += &expect(&mut p, "COPY 2", "the pasted COPY data");
    all += "COPY 2";
    all += &expect(&mut p, "30", "the line after the data ran");
    all += "30";
    all += &expect(&mut p, prompt, "prompt");
    // No completion: the Tab stays in the line, as typed.
    send(&mut p, "select 'x\ty' as tabbed;");
    all += &expect(&mut p, "(1 row)", "ran with its Tab");
    all += "(1 row)";
    // No history to show (psql: an empty line).
    send(&mut p, "\\s");
    std::thread::sleep(std::time::Duration::from_millis(300));
    send(&mut p, "\\q");
    all += &p.exp_eof().expect("\\q leaves");
    said(&all, prompt)
}

#[test]
fn no_readline_reads_plain_lines_and_keeps_no_history() {
    let Some(db) = support::TestDb::new() else {
        return;
    };
    db.sql("create table nr (a int)");
    let hist = db.home.path().join("history");
    let mut c = db.qadmin();
    c.env("QADMIN_HISTORY", &hist)
        .args(["-P", "pager=off", "-n"]);
    let qs = plain_run(spawn(echoing(&c)), &first(&db));
    db.sql("truncate nr");
    let ph = db.home.path().join("psql-history");
    let ps = plain_run(psql(&db, &ph, &["-n"]), &psql_first(&db));
    assert_eq!(qs, ps, "qadmin -n's screen vs psql -n's");
    for want in ["COPY 2", ">> >> >> ", "30", "x\ty"] {
        assert!(qs.iter().any(|l| l.contains(want)), "{want:?} in {qs:?}");
    }
    assert!(!hist.exists(), "-n wrote a history file");
    assert!(!ph.exists(), "psql -n wrote a history file");
}
