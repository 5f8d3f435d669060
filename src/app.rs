//! Process set-up and exit codes: options to a [`Session`], the password
//! prompt, `~/.qadminrc`, then the `-c` / `-f` actions, a script on stdin
//! or the interactive shell, each run by [`crate::shell`]; the outcome
//! becomes psql's exit code (0 ok, 1 fatal or a failing -c, 2 connection
//! failed or lost, 3 script error with ON_ERROR_STOP or Ctrl-C).

use std::io::{BufReader, BufWriter, IsTerminal, Write};

use crate::cli::{Action, Options};
use crate::db::{ConnParams, Environment};
use crate::output::PrintOptions;
use crate::session::{Session, Settings};
use crate::shell::script::{run_script, ScriptEnd};

/// psql's exit codes.
pub mod exit {
    /// Everything ran.
    pub const OK: u8 = 0;
    /// A fatal error of our own (bad option, missing file) or a failing -c.
    pub const FATAL: u8 = 1;
    /// The connection failed or was lost in a non-interactive run.
    pub const BADCONN: u8 = 2;
    /// An error in a script with ON_ERROR_STOP.
    pub const SCRIPT: u8 = 3;
}

/// Run qadmin with parsed options; returns the exit code.
pub fn run(opts: Options) -> u8 {
    if opts.check {
        return crate::shell::check::check(&opts);
    }
    if opts.single_transaction && opts.actions.is_empty() && std::io::stdin().is_terminal() {
        eprintln!("qadmin: error: -1 can only be used in non-interactive mode");
        return exit::FATAL;
    }
    let env = Environment::from_process();
    let params = match resolve_params(&opts, &env) {
        Ok(p) => p,
        Err(m) => {
            eprintln!("qadmin: error: {m}");
            return exit::BADCONN;
        }
    };
    for w in &params.warnings {
        eprintln!("WARNING: {w}");
    }
    let mut settings = Settings {
        quiet: opts.quiet,
        echo: opts.echo,
        ..Settings::default()
    };
    settings.print = PrintOptions {
        format: opts.format,
        expanded: opts.expanded,
        tuples_only: opts.tuples_only,
        color: false,
        ..PrintOptions::default()
    };
    let mut s = Session::new(params, settings);
    // -F, -R, -z, -0, -H, -T and -P, as `\pset` would set them.
    for (name, value) in &opts.psets {
        if let Err(m) = crate::shell::pset::apply(&mut s, name, value.as_deref()) {
            eprintln!("qadmin: error: {m}");
            eprintln!("qadmin: error: could not set printing parameter \"{name}\"");
            return exit::FATAL;
        }
    }
    if let Some(path) = &opts.output {
        match crate::session::OutputTarget::open(path) {
            Ok(t) => s.output = Some(t),
            Err(e) => {
                eprintln!("qadmin: error: {path}: {}", crate::io_reason(&e));
                return exit::FATAL;
            }
        }
    }
    if let Some(path) = &opts.log_file {
        match std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(path)
        {
            Ok(f) => s.log_file = Some(f),
            Err(e) => {
                eprintln!(
                    "qadmin: error: could not open log file \"{path}\": {}",
                    crate::io_reason(&e)
                );
                return exit::FATAL;
            }
        }
    }
    if let Some(q) = &opts.queue {
        s.queue = Some(q.clone());
    }
    // psql's -a / -e / -b set the ECHO variable (before -v, which may
    // change it again).
    let echo_word = match opts.echo {
        crate::cli::Echo::All => Some("all"),
        crate::cli::Echo::Queries => Some("queries"),
        crate::cli::Echo::Errors => Some("errors"),
        crate::cli::Echo::None => None,
    };
    if let Some(w) = echo_word {
        let _ = s.set_var("ECHO", w);
    }
    for (name, value) in &opts.vars {
        if let Err(m) = s.set_var(name, value) {
            eprintln!("qadmin: error: {m}");
            return exit::FATAL;
        }
    }
    let stdin_tty = std::io::stdin().is_terminal();
    s.interactive = opts.actions.is_empty() && stdin_tty;
    if s.interactive {
        s.settings.print.color =
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    }
    s.settings.err_color =
        std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();

    if opts.force_password && stdin_tty && !opts.no_password {
        let prompt = format!("Password for user {}: ", s.params.user);
        match rpassword::prompt_password(prompt) {
            Ok(pw) => s.params.password = Some(pw),
            Err(e) => {
                eprintln!("qadmin: error: could not read password: {e}");
                return exit::FATAL;
            }
        }
    }
    if let Err(e) = s.connect_with_prompt(stdin_tty && !opts.no_password) {
        eprintln!("qadmin: error: {e}");
        return exit::BADCONN;
    }
    crate::db::cancel::install();

    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(64 * 1024, stdout.lock());

    if !opts.no_rc {
        if let Some(rc) = dirs::home_dir().map(|h| h.join(".qadminrc")) {
            if rc.is_file() {
                let name = rc.display().to_string();
                if let Ok(f) = std::fs::File::open(&rc) {
                    let mut r = BufReader::new(f);
                    match run_script(&mut s, &mut r, Some(&name), &mut out) {
                        ScriptEnd::Lost => return exit::BADCONN,
                        ScriptEnd::Quit => return exit::OK,
                        _ => {}
                    }
                }
            }
        }
    }

    if opts.list {
        // psql's -l: the `\l` listing, then exit.
        s.set_locus(None, 0);
        let end = crate::shell::script::run_command_string(&mut s, "\\l", &mut out);
        let _ = out.flush();
        return match end {
            ScriptEnd::Done(false) | ScriptEnd::Quit => exit::OK,
            ScriptEnd::Lost => exit::BADCONN,
            _ => exit::FATAL,
        };
    }

    if opts.actions.is_empty() {
        if stdin_tty {
            drop(out);
            return crate::shell::repl::repl(&mut s, opts.no_readline);
        }
        // psql reads standard input as if given `-f -`, so -1 applies.
        if !single_begin(&mut s, &opts) {
            return exit::SCRIPT;
        }
        let stdin = std::io::stdin();
        let mut r = stdin.lock();
        s.stdin_script = true;
        let end = run_script(&mut s, &mut r, None, &mut out);
        let code = script_exit(end);
        let _ = out.flush();
        return single_end(&mut s, &opts, code).unwrap_or(code);
    }

    let mut code = exit::OK;
    if !single_begin(&mut s, &opts) {
        return exit::SCRIPT;
    }
    for action in &opts.actions {
        code = match action {
            Action::Command(cmd) => {
                s.set_locus(None, 0);
                // psql: from the first -c on, messages without a script
                // name have no `error: ` head; -a echoes the string (a
                // meta-command without its backslash, as psql prints it).
                s.terse = true;
                if s.settings.echo == crate::cli::Echo::All {
                    let _ = writeln!(out, "{}", cmd.strip_prefix('\\').unwrap_or(cmd));
                    let _ = out.flush();
                }
                match crate::shell::script::run_command_string(&mut s, cmd, &mut out) {
                    ScriptEnd::Done(false) => exit::OK,
                    ScriptEnd::Done(true) | ScriptEnd::Stopped => exit::FATAL,
                    // psql: after a failed `\c` closed the connection, each
                    // -c fails on its own; a lost connection ends the run.
                    ScriptEnd::Lost if s.closed_by_connect => exit::FATAL,
                    ScriptEnd::Lost => return exit::BADCONN,
                    // psql: `\q` ends this -c; the next action runs.
                    ScriptEnd::Quit => exit::OK,
                }
            }
            Action::File(path) => {
                let end = if path == "-" {
                    let stdin = std::io::stdin();
                    let mut r = stdin.lock();
                    s.stdin_script = true;
                    let end = run_script(&mut s, &mut r, Some("<stdin>"), &mut out);
                    s.stdin_script = false;
                    end
                } else {
                    match std::fs::File::open(path) {
                        Ok(f) => {
                            let mut r = BufReader::with_capacity(256 * 1024, f);
                            run_script(&mut s, &mut r, Some(path), &mut out)
                        }
                        Err(e) => {
                            let _ = out.flush();
                            eprintln!("qadmin: error: {path}: {}", crate::io_reason(&e));
                            code = exit::FATAL;
                            if s.settings.on_error_stop {
                                break;
                            }
                            continue;
                        }
                    }
                };
                match end {
                    // psql: `\q` ends this file; the next action runs.
                    ScriptEnd::Quit => exit::OK,
                    ScriptEnd::Lost => return exit::BADCONN,
                    e => script_exit(e),
                }
            }
        };
        if code != exit::OK && s.settings.on_error_stop {
            break;
        }
    }
    let _ = out.flush();
    single_end(&mut s, &opts, code).unwrap_or(code)
}

/// `-1`: BEGIN before the actions; `false` when it failed and
/// ON_ERROR_STOP says to stop.
fn single_begin(s: &mut Session, opts: &Options) -> bool {
    !opts.single_transaction || crate::shell::send::hidden(s, "BEGIN") || !s.settings.on_error_stop
}

/// `-1`: COMMIT after the actions, or ROLLBACK when ON_ERROR_STOP stopped
/// them at a failure (psql's rule); the exit code when the end failed
/// and ON_ERROR_STOP is set.
fn single_end(s: &mut Session, opts: &Options, code: u8) -> Option<u8> {
    if !opts.single_transaction {
        return None;
    }
    let failed = code != exit::OK && s.settings.on_error_stop;
    let end = if failed { "ROLLBACK" } else { "COMMIT" };
    // After the files: its messages name no file (psql's).
    s.set_locus(None, 0);
    (!crate::shell::send::hidden(s, end) && s.settings.on_error_stop).then_some(exit::SCRIPT)
}

fn script_exit(end: ScriptEnd) -> u8 {
    match end {
        ScriptEnd::Done(_) | ScriptEnd::Quit => exit::OK,
        ScriptEnd::Stopped => exit::SCRIPT,
        ScriptEnd::Lost => exit::BADCONN,
    }
}

/// Connection parameters from the command line and the environment, as
/// psql combines them: a positional or `-d` value that looks like a
/// connection string is one; -h -p -U -d override it.
pub fn resolve_params(opts: &Options, env: &Environment) -> Result<ConnParams, String> {
    use crate::db::config::looks_like_conninfo;
    let mut conninfo: Option<&str> = None;
    let mut overrides: Vec<(&str, String)> = Vec::new();
    if opts.list && opts.target.is_none() && opts.dbname.is_none() {
        // psql -l without a database name connects to "postgres".
        overrides.push(("dbname", "postgres".to_string()));
    }
    for v in [&opts.target, &opts.dbname].into_iter().flatten() {
        if looks_like_conninfo(v) {
            conninfo = Some(v.as_str());
        } else {
            overrides.retain(|(k, _)| *k != "dbname");
            overrides.push(("dbname", v.clone()));
        }
    }
    if let Some(h) = &opts.host {
        overrides.push(("host", h.clone()));
    }
    if let Some(p) = &opts.port {
        overrides.push(("port", p.clone()));
    }
    if let Some(u) = &opts.user {
        overrides.push(("user", u.clone()));
    }
    ConnParams::resolve(conninfo, &overrides, env).map_err(|e| e.to_string())
}
