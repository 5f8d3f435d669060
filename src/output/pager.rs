//! Long output through a pager, as psql does it (`print.c` `PageOutput`):
//! only when standard input and standard output are both terminals, when
//! `\pset pager` is `on` (the default) and the text has more lines than
//! the terminal, or always with `\pset pager always`. The program is
//! `QADMIN_PAGER`, else `PSQL_PAGER`, else `PAGER`, else `more` (psql's
//! default); a variable set to an empty or blank value turns the pager
//! off. It runs through `sh -c`, as psql runs it.
//!
//! Callers hand over whole texts ([`page`]): [`crate::exec::reply::show`]
//! renders a command's table or text into a buffer first. A statement's
//! rows, which arrive in batches, go through a [`Lazy`] writer: it holds
//! the output until it is longer than the terminal, and only then starts
//! the pager and streams the rest into it (psql pages a result it holds
//! whole; the user sees the same).

use std::io::{self, IsTerminal, Write};
use std::process::{Command, Stdio};

use unicode_width::UnicodeWidthStr;

/// psql's `\pset pager`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PagerUse {
    /// Never.
    Off,
    /// When the output is longer than the terminal (the default).
    #[default]
    On,
    /// Whenever the output goes to a terminal.
    Always,
}

/// `\pset pager [on | off | always]`: the new setting's message as psql
/// words it, or the error. No value toggles on and off.
pub fn pset(p: &mut PagerUse, value: Option<&str>) -> Result<String, String> {
    *p = match value.map(str::to_ascii_lowercase).as_deref() {
        None => match p {
            PagerUse::Off => PagerUse::On,
            _ => PagerUse::Off,
        },
        Some("always") => PagerUse::Always,
        Some("on" | "true" | "yes" | "1" | "t" | "y") => PagerUse::On,
        Some("off" | "false" | "no" | "0" | "f" | "n") => PagerUse::Off,
        Some(_) => {
            return Err(format!(
                "unrecognized value \"{}\" for \"pager\"\nAvailable values are: on, off, always.",
                value.unwrap_or_default()
            ))
        }
    };
    Ok(describe(*p).to_string())
}

/// psql's message for a pager setting (`\pset pager`).
pub fn describe(p: PagerUse) -> &'static str {
    match p {
        PagerUse::Off => "Pager usage is off.",
        PagerUse::On => "Pager is used for long output.",
        PagerUse::Always => "Pager is always used.",
    }
}

/// The pager program from the environment: `QADMIN_PAGER`, `PSQL_PAGER`,
/// `PAGER`, else `more`; `None` when the first one set is blank.
pub fn program() -> Option<String> {
    program_from(|k| std::env::var(k).ok())
}

fn program_from(get: impl Fn(&str) -> Option<String>) -> Option<String> {
    let cmd = ["QADMIN_PAGER", "PSQL_PAGER", "PAGER"]
        .iter()
        .find_map(|k| get(k))
        .unwrap_or_else(|| "more".to_string());
    (!cmd.trim().is_empty()).then_some(cmd)
}

/// How many terminal lines `text` takes on a terminal `cols` wide (0:
/// unknown width, one line per line).
pub fn screen_lines(text: &str, cols: usize) -> usize {
    text.lines()
        .map(|l| {
            let w = UnicodeWidthStr::width(l);
            if cols == 0 || w <= cols {
                1
            } else {
                w.div_ceil(cols)
            }
        })
        .sum()
}

/// Whether `text` goes through the pager on a terminal of `rows` x `cols`.
pub fn is_needed(text: &str, setting: PagerUse, rows: usize, cols: usize) -> bool {
    match setting {
        PagerUse::Off => false,
        PagerUse::Always => true,
        // psql pages when the output would scroll its first line away
        // with the next prompt.
        PagerUse::On => rows > 0 && screen_lines(text, cols) >= rows,
    }
}

/// The size of the terminal on standard output (rows, columns), when
/// standard input and output are both terminals (psql's condition).
pub fn terminal_size() -> Option<(usize, usize)> {
    if !io::stdin().is_terminal() || !io::stdout().is_terminal() {
        return None;
    }
    stdout_size()
}

/// The size of standard output's terminal (rows, columns), whatever
/// standard input is; `None` when it is not a terminal.
pub fn stdout_size() -> Option<(usize, usize)> {
    // SAFETY: TIOCGWINSZ fills a winsize we own; on failure we return None.
    let mut ws: libc::winsize = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut ws) };
    (r == 0).then_some((usize::from(ws.ws_row), usize::from(ws.ws_col)))
}

/// Show `text` through the pager when it is needed; `false` when the
/// caller should print it itself (no terminal, short text, no pager or
/// one that could not start).
pub fn page(text: &str, setting: PagerUse) -> bool {
    if setting == PagerUse::Off {
        return false;
    }
    let Some((rows, cols)) = terminal_size() else {
        return false;
    };
    if !is_needed(text, setting, rows, cols) {
        return false;
    }
    let Some(cmd) = program() else {
        return false;
    };
    run_pager(&cmd, text.as_bytes()).is_ok()
}

fn run_pager(cmd: &str, text: &[u8]) -> io::Result<()> {
    let _ = io::stdout().flush();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stdin(Stdio::piped())
        .spawn()?;
    // A pager quit before the end (`q` in less) closes the pipe: that is
    // no error, and must not end qadmin by SIGPIPE (psql's
    // disable_sigpipe_trap around the pager).
    // SAFETY: setting a signal disposition to SIG_IGN and back.
    let old = unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) };
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(text);
    }
    let status = child.wait();
    unsafe { libc::signal(libc::SIGPIPE, old) };
    status.map(|_| ())
}

/// A writer for the terminal that turns into the pager once what was
/// written is longer than the terminal (or at once with `always`);
/// [`Lazy::finish`] prints what is held, or waits for the pager.
pub struct Lazy<'a> {
    inner: &'a mut dyn Write,
    setting: PagerUse,
    rows: usize,
    cols: usize,
    held: Vec<u8>,
    /// Where the lines already counted end in `held`.
    counted: usize,
    lines: usize,
    pager: Option<Paging>,
}

struct Paging {
    child: std::process::Child,
    stdin: Option<std::process::ChildStdin>,
    old_sigpipe: libc::sighandler_t,
}

impl<'a> Lazy<'a> {
    /// Page `inner` (the terminal) with `setting`; `None` when no pager
    /// can apply (pager off, not on a terminal, no program).
    pub fn new(inner: &'a mut dyn Write, setting: PagerUse) -> Option<Lazy<'a>> {
        if setting == PagerUse::Off || program().is_none() {
            return None;
        }
        let (rows, cols) = terminal_size()?;
        Some(Lazy {
            inner,
            setting,
            rows,
            cols,
            held: Vec::new(),
            counted: 0,
            lines: 0,
            pager: None,
        })
    }

    fn start(&mut self) -> io::Result<()> {
        let cmd = program().ok_or_else(|| io::Error::other("no pager"))?;
        self.inner.flush()?;
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(cmd)
            .stdin(Stdio::piped())
            .spawn()?;
        // A pager quit early closes the pipe: no SIGPIPE for qadmin.
        // SAFETY: setting a signal disposition, restored in `finish`.
        let old_sigpipe = unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) };
        let mut stdin = child.stdin.take();
        if let Some(s) = stdin.as_mut() {
            if s.write_all(&self.held).is_err() {
                stdin = None;
            }
        }
        self.held.clear();
        self.pager = Some(Paging {
            child,
            stdin,
            old_sigpipe,
        });
        Ok(())
    }

    /// Print what is held (short output), or end the pager's input and
    /// wait for it.
    pub fn finish(mut self) -> io::Result<()> {
        match self.pager.take() {
            Some(mut p) => {
                drop(p.stdin.take());
                let r = p.child.wait().map(|_| ());
                // SAFETY: restoring the disposition saved in `start`.
                unsafe { libc::signal(libc::SIGPIPE, p.old_sigpipe) };
                r
            }
            None => {
                self.inner.write_all(&self.held)?;
                self.inner.flush()
            }
        }
    }
}

impl Write for Lazy<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Some(p) = self.pager.as_mut() {
            // After the pager quit, the rest is dropped, as psql does.
            if let Some(s) = p.stdin.as_mut() {
                if s.write_all(buf).is_err() {
                    p.stdin = None;
                }
            }
            return Ok(buf.len());
        }
        self.held.extend_from_slice(buf);
        if let Some(end) = self.held.iter().rposition(|b| *b == b'\n') {
            if end >= self.counted {
                let text = String::from_utf8_lossy(&self.held[self.counted..=end]);
                self.lines += screen_lines(&text, self.cols);
                self.counted = end + 1;
            }
        }
        let long = match self.setting {
            PagerUse::Always => true,
            // A terminal of unknown height (0 rows) is never paged.
            _ => self.rows > 0 && self.lines >= self.rows,
        };
        if long && self.start().is_err() {
            // No pager after all: print as it comes.
            self.setting = PagerUse::Off;
            self.rows = usize::MAX;
            let held = std::mem::take(&mut self.held);
            self.inner.write_all(&held)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        match self.pager.as_mut() {
            Some(p) => match p.stdin.as_mut() {
                Some(s) => s.flush().or(Ok(())),
                None => Ok(()),
            },
            // Held output waits for `finish` or the pager.
            None if self.setting == PagerUse::Off => self.inner.flush(),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pset_pager_takes_psql_values_and_toggles() {
        let mut p = PagerUse::default();
        assert_eq!(pset(&mut p, Some("off")), Ok("Pager usage is off.".into()));
        assert_eq!(
            pset(&mut p, None),
            Ok("Pager is used for long output.".into())
        );
        assert_eq!(
            pset(&mut p, Some("ALWAYS")),
            Ok("Pager is always used.".into())
        );
        assert_eq!(p, PagerUse::Always);
        assert_eq!(pset(&mut p, None), Ok("Pager usage is off.".into()));
        assert!(pset(&mut p, Some("sometimes")).is_err());
        assert_eq!(p, PagerUse::Off);
    }

    #[test]
    fn program_follows_qadmin_psql_then_pager() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(program_from(env(&[])), Some("more".into()));
        assert_eq!(
            program_from(env(&[("PAGER", "less"), ("PSQL_PAGER", "most")])),
            Some("most".into())
        );
        assert_eq!(
            program_from(env(&[("PSQL_PAGER", "most"), ("QADMIN_PAGER", "cat")])),
            Some("cat".into())
        );
        assert_eq!(
            program_from(env(&[("PSQL_PAGER", " "), ("PAGER", "less")])),
            None
        );
    }

    #[test]
    fn pager_is_needed_past_a_screenful() {
        let ten = "x\n".repeat(10);
        assert!(!is_needed(&ten, PagerUse::On, 24, 80));
        assert!(is_needed(&ten, PagerUse::On, 10, 80));
        assert!(is_needed(&ten, PagerUse::Always, 24, 80));
        assert!(!is_needed(&ten, PagerUse::Off, 5, 80));
        // Long lines take several screen lines.
        assert_eq!(screen_lines(&"y".repeat(250), 100), 3);
    }
}
