//! Command-line options with psql's spellings, parsed by clap.
//!
//! `qadmin [OPTION]... [DBNAME | CONNSTR] [USERNAME]`. `-c` and `-f` may be
//! given several times and run in the order given, as in psql 15. clap keeps
//! each option's values in its own list, so the order is rebuilt from the
//! argument indices clap records.

use clap::{ArgAction, CommandFactory, FromArgMatches, Parser};

/// One action from the command line, in the order given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// `-c COMMAND`: run a command string.
    Command(String),
    /// `-f FILE`: run a script file (`-` is standard input).
    File(String),
}

/// Raw clap view of the command line; see [`Options`] for the resolved form.
#[derive(Parser, Debug)]
#[command(
    name = "qadmin",
    version,
    about = "qadmin is an admin shell for PgQ queues, cascades and Londiste replication.",
    disable_help_flag = true,
    disable_version_flag = true,
    args_override_self = true,
    after_help = "Connection options follow libpq: PGHOST, PGPORT, PGDATABASE, PGUSER, \
PGPASSWORD, PGSERVICE, PGSSLMODE, PGCONNECT_TIMEOUT ... and ~/.pgpass are honoured.\n\
Exit status: 0 ok, 1 fatal error (or a failing -c), 2 connection failed or lost, \
3 error in a script with ON_ERROR_STOP."
)]
struct Raw {
    /// Run only this command (SQL or qadmin command); may be repeated.
    #[arg(short = 'c', long = "command", value_name = "COMMAND", action = ArgAction::Append)]
    command: Vec<String>,
    /// Database name to connect to.
    #[arg(short = 'd', long = "dbname", value_name = "DBNAME")]
    dbname: Option<String>,
    /// Run commands from FILE, then exit ("-" is standard input); may be repeated.
    #[arg(short = 'f', long = "file", value_name = "FILE", action = ArgAction::Append)]
    file: Vec<String>,
    /// Default queue for queue, consumer and cascade commands.
    #[arg(short = 'Q', long = "queue", value_name = "QUEUE")]
    queue: Option<String>,
    /// Set variable NAME to VALUE (e.g. -v ON_ERROR_STOP=1).
    #[arg(short = 'v', long = "set", visible_alias = "variable", value_name = "NAME=VALUE", action = ArgAction::Append)]
    set: Vec<String>,
    /// Do not read the start-up file (~/.qadminrc).
    #[arg(short = 'X', long = "no-qadminrc", visible_alias = "no-psqlrc")]
    no_rc: bool,
    /// Disable enhanced command line editing (no line editing, Tab
    /// completion or history).
    #[arg(short = 'n', long = "no-readline")]
    no_readline: bool,
    /// Check the syntax of the -c / -f scripts (stdin without them) without
    /// connecting: errors in shell commands exit 3, unknown SQL is a note.
    #[arg(long = "check")]
    check: bool,
    /// Stop at the first error in a script and exit with status 3.
    #[arg(long = "on-error-stop")]
    on_error_stop: bool,
    /// Run quietly: print only results and errors (no command tags, notices or banners).
    #[arg(short = 'q', long = "quiet")]
    quiet: bool,
    /// Echo all input from scripts.
    #[arg(short = 'a', long = "echo-all")]
    echo_all: bool,
    /// Also write every statement and its results to FILE (appended).
    #[arg(short = 'L', long = "log-file", value_name = "FILE")]
    log_file: Option<String>,
    /// Single-step mode: confirm each statement before it is sent.
    #[arg(short = 's', long = "single-step")]
    single_step: bool,
    /// Single-line mode: the end of a line ends an SQL statement.
    #[arg(short = 'S', long = "single-line")]
    single_line: bool,
    /// Display the queries that backslash commands generate.
    #[arg(short = 'E', long = "echo-hidden")]
    echo_hidden: bool,
    /// Execute the -c / -f actions as a single transaction.
    #[arg(short = '1', long = "single-transaction")]
    single_transaction: bool,
    /// List the available databases, then exit.
    #[arg(short = 'l', long = "list")]
    list: bool,
    /// Send query results to FILE (or |pipe).
    #[arg(short = 'o', long = "output", value_name = "FILENAME")]
    output: Option<String>,
    /// Field separator for unaligned output (default: "|").
    #[arg(short = 'F', long = "field-separator", value_name = "STRING")]
    field_separator: Option<String>,
    /// Record separator for unaligned output (default: newline).
    #[arg(short = 'R', long = "record-separator", value_name = "STRING")]
    record_separator: Option<String>,
    /// Set the field separator for unaligned output to zero byte.
    #[arg(short = 'z', long = "field-separator-zero")]
    field_separator_zero: bool,
    /// Set the record separator for unaligned output to zero byte.
    #[arg(short = '0', long = "record-separator-zero")]
    record_separator_zero: bool,
    /// HTML table output mode.
    #[arg(short = 'H', long = "html")]
    html: bool,
    /// Set printing option VAR to ARG (see the \pset command).
    #[arg(short = 'P', long = "pset", value_name = "VAR[=ARG]", action = ArgAction::Append)]
    pset: Vec<String>,
    /// Set HTML table tag attributes (e.g., width, border).
    #[arg(short = 'T', long = "table-attr", value_name = "TEXT")]
    table_attr: Option<String>,
    /// Echo commands sent to the server.
    #[arg(short = 'e', long = "echo-queries")]
    echo_queries: bool,
    /// Echo failed commands.
    #[arg(short = 'b', long = "echo-errors")]
    echo_errors: bool,
    /// Unaligned table output mode.
    #[arg(short = 'A', long = "no-align")]
    no_align: bool,
    /// CSV (comma-separated values) table output mode.
    #[arg(long = "csv", conflicts_with = "json")]
    csv: bool,
    /// JSON output: one JSON document per result.
    #[arg(long = "json")]
    json: bool,
    /// Print rows only (no header, no footer).
    #[arg(short = 't', long = "tuples-only")]
    tuples_only: bool,
    /// Expanded table output.
    #[arg(short = 'x', long = "expanded")]
    expanded: bool,
    /// Database server host or socket directory.
    #[arg(short = 'h', long = "host", value_name = "HOSTNAME")]
    host: Option<String>,
    /// Database server port.
    #[arg(short = 'p', long = "port", value_name = "PORT")]
    port: Option<String>,
    /// Database user name.
    #[arg(short = 'U', long = "username", value_name = "USERNAME")]
    username: Option<String>,
    /// Never prompt for a password.
    #[arg(short = 'w', long = "no-password")]
    no_password: bool,
    /// Force a password prompt.
    #[arg(short = 'W', long = "password")]
    password: bool,
    /// Show this help, then exit.
    #[arg(short = '?', long = "help", action = ArgAction::Help)]
    help: Option<bool>,
    /// Output version information, then exit.
    #[arg(short = 'V', long = "version", action = ArgAction::Version)]
    version: Option<bool>,
    /// Database name or connection string (key=value ... or postgresql:// URI).
    #[arg(value_name = "DBNAME | CONNSTR")]
    target: Option<String>,
    /// Database user name (as psql's second positional argument).
    #[arg(value_name = "USERNAME")]
    user_pos: Option<String>,
}

/// How query echoing is set (`-e`, `-a`, or `-v ECHO=...`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Echo {
    /// Echo nothing.
    #[default]
    None,
    /// Echo each statement sent to the server.
    Queries,
    /// Echo every input line read from a script.
    All,
    /// Echo a statement that failed, after its error (`STATEMENT:  ...`).
    Errors,
}

/// The resolved command line.
#[derive(Debug, Clone)]
pub struct Options {
    /// `-c` and `-f` in the order given.
    pub actions: Vec<Action>,
    /// Positional DBNAME or connection string.
    pub target: Option<String>,
    /// `-d` (a connection string is allowed here too, as in psql).
    pub dbname: Option<String>,
    /// `-h`.
    pub host: Option<String>,
    /// `-p`.
    pub port: Option<String>,
    /// `-U` or the second positional argument.
    pub user: Option<String>,
    /// `-Q`.
    pub queue: Option<String>,
    /// `-v NAME=VALUE` in order.
    pub vars: Vec<(String, String)>,
    /// `-X`.
    pub no_rc: bool,
    /// `-n`: the interactive shell without line editing.
    pub no_readline: bool,
    /// `-q`.
    pub quiet: bool,
    /// `-e` / `-a`.
    pub echo: Echo,
    /// `-w`.
    pub no_password: bool,
    /// `-W`.
    pub force_password: bool,
    /// Output format chosen by `-A`, `--csv`, `--json`.
    pub format: crate::output::Format,
    /// `-t`.
    pub tuples_only: bool,
    /// `-x`.
    pub expanded: bool,
    /// `--check`: parse only, do not connect.
    pub check: bool,
    /// `-L FILE`: the log file.
    pub log_file: Option<String>,
    /// `\pset` options from `-A`'s companions (`-F`, `-R`, `-z`, `-0`,
    /// `-H`, `-T`) and `-P`, in the order given (name, value).
    pub psets: Vec<(String, Option<String>)>,
    /// `-o FILE`: query results there.
    pub output: Option<String>,
    /// `-l`: list the databases and exit.
    pub list: bool,
    /// `-1`: the -c / -f actions in one transaction.
    pub single_transaction: bool,
}

/// The command-line options' help, as `--help` prints it (`\? options`).
pub fn usage() -> String {
    Raw::command().render_help().to_string()
}

/// Parse the process arguments. On `--help`, `--version` or a usage error
/// clap prints its text and the exit code to use is returned (0 or 1, as
/// psql exits 1 for a bad option).
pub fn parse() -> Result<Options, u8> {
    parse_from(std::env::args_os())
}

/// Parse an argument list (the first item is the program name).
pub fn parse_from<I, T>(args: I) -> Result<Options, u8>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let matches = match Raw::command().try_get_matches_from(args) {
        Ok(m) => m,
        Err(e) => {
            let code = if e.use_stderr() { 1 } else { 0 };
            if code == 1 {
                // psql style: "qadmin: error: ..." plus a hint.
                let msg = e.kind().to_string();
                let rendered = e.render().to_string();
                let first = rendered
                    .lines()
                    .next()
                    .unwrap_or(&msg)
                    .trim_start_matches("error: ");
                eprintln!("qadmin: error: {first}");
                eprintln!("Try \"qadmin --help\" for more information.");
            } else {
                let _ = e.print();
            }
            return Err(code);
        }
    };
    let raw = match Raw::from_arg_matches(&matches) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("qadmin: error: {e}");
            return Err(1);
        }
    };

    // Rebuild the order of -c and -f from clap's argument indices.
    let mut ordered: Vec<(usize, Action)> = Vec::new();
    if let Some(idx) = matches.indices_of("command") {
        for (i, c) in idx.zip(raw.command.iter()) {
            ordered.push((i, Action::Command(c.clone())));
        }
    }
    if let Some(idx) = matches.indices_of("file") {
        for (i, f) in idx.zip(raw.file.iter()) {
            ordered.push((i, Action::File(f.clone())));
        }
    }
    ordered.sort_by_key(|(i, _)| *i);

    let mut vars = Vec::new();
    for s in &raw.set {
        match s.split_once('=') {
            Some((name, value)) if !name.is_empty() => {
                vars.push((name.to_string(), value.to_string()))
            }
            // psql: `-v NAME` without '=' unsets; we accept it as an empty value.
            None if !s.is_empty() => vars.push((s.clone(), String::new())),
            _ => {
                eprintln!("qadmin: error: invalid variable assignment \"{s}\"");
                eprintln!("Try \"qadmin --help\" for more information.");
                return Err(1);
            }
        }
    }

    let format = if raw.csv {
        crate::output::Format::Csv
    } else if raw.json {
        crate::output::Format::Json
    } else if raw.no_align {
        crate::output::Format::Unaligned
    } else {
        crate::output::Format::Aligned
    };
    // -a, -e and -b each set ECHO: the last one given wins (psql).
    let echo = [
        ("echo_all", Echo::All),
        ("echo_queries", Echo::Queries),
        ("echo_errors", Echo::Errors),
    ]
    .into_iter()
    .filter(|(id, _)| matches.value_source(id) == Some(clap::parser::ValueSource::CommandLine))
    .filter_map(|(id, e)| {
        let last = matches.indices_of(id).and_then(|mut i| i.next_back())?;
        Some((last, e))
    })
    .max_by_key(|(i, _)| *i)
    .map_or(Echo::None, |(_, e)| e);
    if raw.on_error_stop {
        vars.push(("ON_ERROR_STOP".into(), "on".into()));
    }
    if raw.single_step {
        vars.push(("SINGLESTEP".into(), "on".into()));
    }
    if raw.single_line {
        vars.push(("SINGLELINE".into(), "on".into()));
    }
    if raw.echo_hidden {
        vars.push(("ECHO_HIDDEN".into(), "on".into()));
    }
    // The printing options, in the order given (a later one wins).
    let mut psets: Vec<(usize, String, Option<String>)> = Vec::new();
    let mut at = |id: &str, name: &str, value: Option<String>| {
        if let Some(i) = matches.indices_of(id).and_then(|mut i| i.next_back()) {
            psets.push((i, name.to_string(), value));
        }
    };
    at("field_separator", "fieldsep", raw.field_separator.clone());
    at(
        "record_separator",
        "recordsep",
        raw.record_separator.clone(),
    );
    at("table_attr", "tableattr", raw.table_attr.clone());
    if raw.field_separator_zero {
        at("field_separator_zero", "fieldsep_zero", None);
    }
    if raw.record_separator_zero {
        at("record_separator_zero", "recordsep_zero", None);
    }
    if raw.html {
        at("html", "format", Some("html".into()));
    }
    if let Some(idx) = matches.indices_of("pset") {
        for (i, p) in idx.zip(raw.pset.iter()) {
            let (name, value) = match p.split_once('=') {
                Some((n, v)) => (n.to_string(), Some(v.to_string())),
                None => (p.clone(), None),
            };
            psets.push((i, name, value));
        }
    }
    psets.sort_by_key(|(i, _, _)| *i);
    Ok(Options {
        actions: ordered.into_iter().map(|(_, a)| a).collect(),
        target: raw.target,
        dbname: raw.dbname,
        host: raw.host,
        port: raw.port,
        user: raw.username.or(raw.user_pos),
        queue: raw.queue,
        vars,
        no_rc: raw.no_rc,
        no_readline: raw.no_readline,
        quiet: raw.quiet,
        echo,
        no_password: raw.no_password,
        force_password: raw.password,
        format,
        tuples_only: raw.tuples_only,
        expanded: raw.expanded,
        check: raw.check,
        log_file: raw.log_file,
        psets: psets.into_iter().map(|(_, n, v)| (n, v)).collect(),
        output: raw.output,
        list: raw.list,
        single_transaction: raw.single_transaction,
    })
}

/// psql's boolean variable syntax: on/off, true/false, yes/no, 1/0 and any
/// unambiguous prefix of them, case-insensitive. `None` when not a boolean.
pub fn parse_bool(value: &str) -> Option<bool> {
    let v = value.trim().to_ascii_lowercase();
    if v.is_empty() {
        return None;
    }
    let is_prefix = |word: &str, min: usize| v.len() >= min && word.starts_with(v.as_str());
    if is_prefix("true", 1) || is_prefix("yes", 1) || is_prefix("on", 2) || v == "1" {
        Some(true)
    } else if is_prefix("false", 1) || is_prefix("no", 1) || is_prefix("off", 2) || v == "0" {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Options {
        let mut v = vec!["qadmin"];
        v.extend_from_slice(args);
        parse_from(v).expect("parses")
    }

    #[test]
    fn c_and_f_keep_their_order() {
        let o = p(&["-f", "a.sql", "-c", "select 1", "-f", "-", "-c", "x"]);
        assert_eq!(
            o.actions,
            vec![
                Action::File("a.sql".into()),
                Action::Command("select 1".into()),
                Action::File("-".into()),
                Action::Command("x".into()),
            ]
        );
    }

    #[test]
    fn psql_spellings() {
        let o = p(&[
            "-h",
            "/tmp",
            "-p",
            "5433",
            "-U",
            "bob",
            "-Q",
            "q1",
            "-v",
            "ON_ERROR_STOP=1",
            "-X",
            "-q",
            "--csv",
            "mydb",
        ]);
        assert_eq!(o.host.as_deref(), Some("/tmp"));
        assert_eq!(o.port.as_deref(), Some("5433"));
        assert_eq!(o.user.as_deref(), Some("bob"));
        assert_eq!(o.queue.as_deref(), Some("q1"));
        assert_eq!(o.vars, vec![("ON_ERROR_STOP".into(), "1".into())]);
        assert!(o.no_rc && o.quiet);
        assert_eq!(o.format, crate::output::Format::Csv);
        assert_eq!(o.target.as_deref(), Some("mydb"));
    }

    #[test]
    fn on_error_stop_flag_sets_the_variable() {
        let o = p(&["--on-error-stop"]);
        assert_eq!(o.vars, vec![("ON_ERROR_STOP".into(), "on".into())]);
    }

    #[test]
    fn bad_option_exits_1() {
        assert_eq!(parse_from(["qadmin", "--nope"]).err(), Some(1));
        assert_eq!(parse_from(["qadmin", "--csv", "--json"]).err(), Some(1));
    }

    #[test]
    fn booleans_like_psql() {
        for (s, want) in [
            ("on", Some(true)),
            ("1", Some(true)),
            ("t", Some(true)),
            ("YES", Some(true)),
            ("off", Some(false)),
            ("o", None),
            ("0", Some(false)),
            ("fa", Some(false)),
            ("maybe", None),
        ] {
            assert_eq!(parse_bool(s), want, "{s}");
        }
    }
}
