//! The interactive shell's input without line editing (`-n`,
//! `--no-readline`), psql's `gets_fromFile` on a terminal: the prompt is
//! printed, the terminal stays as it was found (the kernel's own line
//! editing: Backspace, Ctrl-U, Ctrl-W) and lines are read as they come.
//! No completion, no history.
//!
//! Nothing typed or pasted is lost: what one `read` brings past the line
//! asked for (a paste of several lines, lines typed ahead while a
//! statement ran) stays queued here for the next lines, COPY data
//! included ([`PlainReader::copy_line`]). Ctrl-D on an empty line is an
//! end of file each time it is pressed (so IGNOREEOF can count it), and
//! Ctrl-C while waiting drops the line being typed. A line is bytes,
//! UTF-8 or not. As with psql, the terminal's canonical mode limits one
//! line to its 4 kB buffer.

use std::io::Write;
use std::os::fd::AsFd;
use std::time::Duration;

use nix::errno::Errno;
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::unistd;
use rustyline::error::ReadlineError;

/// How often a wait for input looks for a Ctrl-C.
const TICK: Duration = Duration::from_millis(50);

/// A line reader on standard input; see the module's documentation.
#[derive(Debug, Default)]
pub struct PlainReader {
    /// Bytes read and not used yet: `queue[start..]`.
    queue: Vec<u8>,
    start: usize,
}

/// What one wait for input brought.
enum Got {
    Bytes,
    Eof,
    Interrupted,
}

impl PlainReader {
    /// A reader with nothing queued.
    pub fn new() -> Self {
        Self::default()
    }

    /// The next line after `prompt` (without its line end); `Eof` for an
    /// end of file with nothing typed, `Interrupted` for Ctrl-C.
    pub fn line(&mut self, prompt: &str) -> Result<Vec<u8>, ReadlineError> {
        let mut out = std::io::stdout().lock();
        out.write_all(prompt.as_bytes())?;
        out.flush()?;
        drop(out);
        // A Ctrl-C pressed before the prompt is not meant for this line.
        crate::db::cancel::take_interrupt();
        loop {
            if let Some(line) = self.take_line() {
                return Ok(line);
            }
            match self.fill(true)? {
                Got::Bytes => {}
                Got::Interrupted => {
                    // The terminal dropped the partial line; so do we.
                    self.queue.clear();
                    self.start = 0;
                    return Err(ReadlineError::Interrupted);
                }
                Got::Eof => {
                    let rest = self.pending().to_vec();
                    self.clear();
                    return if rest.is_empty() {
                        Err(ReadlineError::Eof)
                    } else {
                        Ok(rest)
                    };
                }
            }
        }
    }

    /// The next line of COPY FROM STDIN data, after `prompt`, with its
    /// newline, appended to `line`; `false` at an end of file with
    /// nothing read.
    pub fn copy_line(&mut self, prompt: &str, line: &mut Vec<u8>) -> std::io::Result<bool> {
        let mut out = std::io::stdout().lock();
        out.write_all(prompt.as_bytes())?;
        out.flush()?;
        drop(out);
        loop {
            if let Some(mut l) = self.take_line() {
                l.push(b'\n');
                line.extend_from_slice(&l);
                return Ok(true);
            }
            match self.fill(false)? {
                Got::Bytes | Got::Interrupted => {}
                Got::Eof => {
                    let rest = self.pending().to_vec();
                    self.clear();
                    line.extend_from_slice(&rest);
                    return Ok(!rest.is_empty());
                }
            }
        }
    }

    fn pending(&self) -> &[u8] {
        &self.queue[self.start..]
    }

    fn clear(&mut self) {
        self.queue.clear();
        self.start = 0;
    }

    /// The first queued line, when complete, without its `\n`.
    fn take_line(&mut self) -> Option<Vec<u8>> {
        let end = memchr::memchr(b'\n', self.pending())?;
        let line = self.pending()[..end].to_vec();
        self.start += end + 1;
        if self.start == self.queue.len() {
            self.clear();
        } else if self.start > 64 * 1024 {
            self.queue.drain(..self.start);
            self.start = 0;
        }
        Some(line)
    }

    /// Wait for input and queue it; with `interruptible`, a Ctrl-C ends
    /// the wait.
    fn fill(&mut self, interruptible: bool) -> std::io::Result<Got> {
        let stdin = std::io::stdin();
        let fd = stdin.as_fd();
        loop {
            if interruptible && crate::db::cancel::take_interrupt() {
                return Ok(Got::Interrupted);
            }
            let mut fds = [PollFd::new(fd, PollFlags::POLLIN)];
            match poll(
                &mut fds,
                PollTimeout::try_from(TICK).unwrap_or(PollTimeout::MAX),
            ) {
                Ok(0) | Err(Errno::EINTR) => continue,
                Ok(_) => {}
                Err(e) => return Err(e.into()),
            }
            let mut chunk = [0u8; 64 * 1024];
            match unistd::read(fd, &mut chunk) {
                Ok(0) => return Ok(Got::Eof),
                Ok(n) => {
                    self.queue.extend_from_slice(&chunk[..n]);
                    return Ok(Got::Bytes);
                }
                Err(Errno::EINTR | Errno::EAGAIN) => continue,
                Err(e) => return Err(e.into()),
            }
        }
    }
}
