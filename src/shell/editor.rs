//! The external editor of `\e`, `\ef` and `\ev`, psql's `do_edit`: which
//! editor runs (`PSQL_EDITOR`, `EDITOR`, `VISUAL`, else `vi`; a start line
//! as `PSQL_EDITOR_LINENUMBER_ARG`, else `+`), the temporary file, and
//! psql's rule for "edited": the file's size or modification time changed
//! (the temporary file is dated two seconds back, so a quick edit counts).
//!
//! Both loops use it, the interactive shell and scripts (psql starts the
//! editor in a script too): what comes back is the text the loop reads
//! next as if it were input, in place of the query buffer.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::session::Session;

/// `\e [FILE] [LINE]`: edit FILE, else the query buffer, else (when it is
/// empty) the last statement. The text to read next in place of the
/// buffer, or `None` after an error was reported.
///
/// psql's rules: an edited file's text comes back; an unchanged FILE or an
/// unchanged recalled statement gives an empty buffer; an unchanged buffer
/// comes back as it was.
pub fn edit_buffer(
    s: &mut Session,
    file: Option<&str>,
    line: Option<usize>,
    buffer: &[u8],
    previous: Option<&[u8]>,
) -> Option<Vec<u8>> {
    if let Some(f) = file {
        let path = PathBuf::from(f);
        return match edit_file(s, &path, line)? {
            true => read_back(s, &path),
            false => Some(Vec::new()),
        };
    }
    let recalled = buffer.is_empty();
    let start = if recalled {
        previous.unwrap_or_default()
    } else {
        buffer
    };
    match edit_text(s, start, line)? {
        Some(text) => Some(text),
        None if recalled => Some(Vec::new()),
        None => Some(with_newline(buffer)),
    }
}

/// `\ef` / `\ev`: edit a definition (or psql's template). The text to read
/// next when it was edited; `Some(None)` when not ("No changes" is
/// written to `out`, and the buffer is left empty, as psql leaves it);
/// `None` after an error was reported.
pub fn edit_definition(
    s: &mut Session,
    text: &str,
    line: Option<usize>,
    out: &mut dyn Write,
) -> Option<Option<Vec<u8>>> {
    let edited = edit_text(s, text.as_bytes(), line)?;
    if edited.is_none() {
        let _ = writeln!(out, "No changes");
        let _ = out.flush();
    }
    Some(edited)
}

/// Edit `text` in a temporary file: the new text when it was edited,
/// `Some(None)` when not, `None` after an error.
fn edit_text(s: &mut Session, text: &[u8], line: Option<usize>) -> Option<Option<Vec<u8>>> {
    let path = match write_temp(text) {
        Ok(p) => p,
        Err((p, e)) => {
            s.client_error(&format!(
                "could not open temporary file \"{}\": {}",
                p.display(),
                crate::io_reason(&e)
            ));
            return None;
        }
    };
    let edited = edit_file(s, &path, line);
    let back = match edited {
        Some(true) => read_back(s, &path).map(Some),
        Some(false) => Some(None),
        None => None,
    };
    if let Err(e) = std::fs::remove_file(&path) {
        s.client_error(&format!("{}: {}", path.display(), crate::io_reason(&e)));
        return None;
    }
    back
}

/// Run the editor on `path`: whether the file changed (size or
/// modification time), `None` after an error.
fn edit_file(s: &mut Session, path: &Path, line: Option<usize>) -> Option<bool> {
    let stamp = |s: &mut Session| match std::fs::metadata(path) {
        Ok(m) => Some((m.len(), m.modified().ok())),
        Err(e) => {
            s.client_error(&format!("{}: {}", path.display(), crate::io_reason(&e)));
            None
        }
    };
    let before = stamp(s)?;
    let editor = editor();
    let at = match line {
        Some(n) => {
            let arg = std::env::var("PSQL_EDITOR_LINENUMBER_ARG").unwrap_or_else(|_| "+".into());
            format!(" {arg}{n}")
        }
        None => String::new(),
    };
    // The editor string may carry arguments (`code -w`): the shell splits
    // it; the file name is passed apart, never re-read by the shell.
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("exec {editor}{at} \"$1\""))
        .arg("qadmin-editor")
        .arg(path)
        .status();
    // A Ctrl-C meant for the editor is not meant for what runs next.
    crate::db::cancel::take_interrupt();
    match status {
        // psql reports only an editor that could not start; one that
        // fails has said why itself.
        Ok(st) if st.success() => {}
        Ok(_) => return None,
        Err(_) => {
            s.client_error(&format!("could not start editor \"{editor}\""));
            return None;
        }
    }
    let after = stamp(s)?;
    Some(before != after)
}

/// The editor to run: psql's choice.
fn editor() -> String {
    ["PSQL_EDITOR", "EDITOR", "VISUAL"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|e| !e.is_empty()))
        .unwrap_or_else(|| "vi".to_string())
}

/// The edited file's text.
fn read_back(s: &mut Session, path: &Path) -> Option<Vec<u8>> {
    match std::fs::read(path) {
        Ok(t) => Some(t),
        Err(e) => {
            s.client_error(&format!("{}: {}", path.display(), crate::io_reason(&e)));
            None
        }
    }
}

/// `text` ending in a newline (psql sends the editor a newline-terminated
/// buffer).
fn with_newline(text: &[u8]) -> Vec<u8> {
    let mut t = text.to_vec();
    if !t.is_empty() && !t.ends_with(b"\n") {
        t.push(b'\n');
    }
    t
}

/// A new temporary file holding `text` (newline-terminated), readable by
/// its owner only, dated two seconds back; on failure its name and the
/// error.
fn write_temp(text: &[u8]) -> Result<PathBuf, (PathBuf, std::io::Error)> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let path = std::env::temp_dir().join(format!(
        "qadmin.edit.{}.{}.sql",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let write = || -> std::io::Result<()> {
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(&path)?;
        f.write_all(&with_newline(text))?;
        let past = SystemTime::now() - Duration::from_secs(2);
        // As psql: failing to date the file back is no error.
        let _ = f.set_times(
            std::fs::FileTimes::new()
                .set_modified(past)
                .set_accessed(past),
        );
        Ok(())
    };
    match write() {
        Ok(()) => Ok(path),
        Err(e) => {
            let _ = std::fs::remove_file(&path);
            Err((path, e))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_buffer_sent_to_the_editor_ends_in_a_newline() {
        assert_eq!(with_newline(b"select 1"), b"select 1\n");
        assert_eq!(with_newline(b"select 1\n"), b"select 1\n");
        assert_eq!(with_newline(b""), b"");
    }

    #[test]
    fn the_temporary_file_is_dated_back_and_private() {
        let p = write_temp(b"select 1").expect("temp file");
        let m = std::fs::metadata(&p).expect("stat");
        let age = SystemTime::now()
            .duration_since(m.modified().expect("mtime"))
            .unwrap_or_default();
        std::fs::remove_file(&p).expect("rm");
        assert!(age >= Duration::from_secs(1), "dated back: {age:?}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(m.permissions().mode() & 0o777, 0o600);
        }
    }
}
