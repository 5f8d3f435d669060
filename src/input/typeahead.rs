//! The interactive shell's input: every byte that reaches the terminal,
//! typed, pasted (plain or bracketed) or typed ahead while a statement
//! runs, is read once and in order, whatever it holds.
//!
//! rustyline alone cannot do this: it reads the terminal up to 1024 bytes
//! at a time and forgets what it read past the line it returns (a plain
//! paste of several lines, or two lines typed ahead, lose all but the
//! first); it gives up with `InvalidData` on a byte that is not UTF-8,
//! which would end the shell; and it redraws the whole line for each
//! character of a paste (quadratic). So here rustyline never reads the
//! user's terminal:
//!
//! * [`Keyboard`] reads the terminal itself into a queue. A complete line
//!   (up to CR or LF) of plain text, as a paste or type-ahead brings, is
//!   taken from the queue as it is, echoed after its prompt as readline
//!   would show it, and handed to the statement loop byte for byte, UTF-8
//!   or not: linear, whatever the size.
//! * Anything that needs the line editor (a line still being typed, keys
//!   such as arrows, Tab, Backspace, Ctrl-R, Ctrl-C, Ctrl-D, a bracketed
//!   paste) goes to rustyline through a pseudo-terminal: during `readline`
//!   rustyline's standard input is the pty's slave, and a relay thread
//!   writes the keys to its master. It never writes past a byte that may
//!   end the line (Enter, the interrupt, quit and end-of-file keys) until
//!   rustyline has read everything up to it, so rustyline cannot read
//!   past the line it returns; whatever it did not read is taken back, in
//!   order. Bytes that are not UTF-8 travel as private-use characters
//!   (U+10FF80 + byte) and come back as the same bytes.
//! * Between lines the terminal is not in canonical mode either: the
//!   kernel's 4 kB line limit does not cut a long line typed or pasted
//!   while a statement runs, what is typed is echoed as it comes, and
//!   Ctrl-C still cancels the statement. Meta-commands (`\!`, `\e`, `\c`
//!   with its password prompt) run with the terminal as it was found.

use std::io::Write;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::fcntl::{fcntl, FcntlArg, FdFlag, OFlag};
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::termios::{
    self, ControlFlags, InputFlags, LocalFlags, SetArg, SpecialCharacterIndices as Cc, Termios,
};
use nix::unistd;
use rustyline::error::ReadlineError;
use rustyline::history::History;
use rustyline::{Editor, Helper};

/// Where bytes that are not UTF-8 go while rustyline holds them: byte `b`
/// (0x80..=0xFF) is the character U+10FF00 + `b`, the last 128 code points
/// of Supplementary Private Use Area-B.
const STRAY_BASE: u32 = 0x10_FF00;

/// How long the relay holds keys after one that may have ended the line
/// before it decides rustyline is still reading (a quoted Enter, Ctrl-D
/// inside a line).
const HOLD: Duration = Duration::from_millis(120);

/// How long a paste may pause between two pieces and still be one paste.
const SETTLE: Duration = Duration::from_millis(10);

/// How long a lone UTF-8 lead byte waits for the rest of its character.
const PARTIAL_CHAR: Duration = Duration::from_millis(50);

/// The most read from the terminal at once.
const READ_CHUNK: usize = 64 * 1024;

const BRACKETED_PASTE_ON: &[u8] = b"\x1b[?2004h";
const BRACKETED_PASTE_OFF: &[u8] = b"\x1b[?2004l";

nix::ioctl_read_bad!(
    /// FIONREAD: how many bytes wait to be read on a terminal.
    input_queue, nix::libc::FIONREAD, nix::libc::c_int);

/// The modes the user's terminal is put in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// As it was found: for meta-commands that run programs or ask for a
    /// password, and at the end.
    Original,
    /// Reading a line: no echo, no signals, bytes as they come.
    Raw,
    /// A statement runs: echo and signals (Ctrl-C cancels), but no
    /// canonical line editing and so no line length limit.
    Busy,
}

/// What [`Keyboard::next`] read.
#[derive(Debug)]
pub enum Next {
    /// A complete line of plain text, already echoed after its prompt
    /// (without its line end).
    Line(Vec<u8>),
    /// What rustyline's `readline` returned, as bytes.
    Edited(Result<Vec<u8>, ReadlineError>),
}

struct Fds {
    /// The user's terminal (a duplicate of the standard input found).
    real: OwnedFd,
    /// The pseudo-terminal rustyline reads through.
    master: OwnedFd,
    slave: OwnedFd,
}

/// The shell's reader of the terminal; see the module's documentation.
pub struct Keyboard {
    fds: Arc<Fds>,
    original: Termios,
    raw: Termios,
    busy: Termios,
    mode: Mode,
    /// Bytes read from the terminal and not used yet: `queue[start..]`.
    queue: Vec<u8>,
    start: usize,
    /// The bytes that may end rustyline's line besides CR and LF: the
    /// terminal's interrupt, quit and end-of-file characters.
    ends: Vec<u8>,
    /// The terminal is gone (end of file or an error).
    eof: bool,
    /// Bracketed paste was switched on while waiting for input.
    paste_on: bool,
}

impl Keyboard {
    /// A reader for the terminal on standard input; `None` when standard
    /// input is not a terminal or no pseudo-terminal can be had (the
    /// shell then reads through rustyline alone).
    pub fn new() -> Option<Keyboard> {
        let stdin = std::io::stdin();
        let original = termios::tcgetattr(stdin.as_fd()).ok()?;
        let real = unistd::dup(stdin.as_fd()).ok()?;
        let raw = raw_mode(&original);
        let mut busy = original.clone();
        busy.local_flags &= !(LocalFlags::ICANON | LocalFlags::IEXTEN);
        busy.control_chars[Cc::VMIN as usize] = 1;
        busy.control_chars[Cc::VTIME as usize] = 0;
        // The slave stays raw whatever rustyline does to it: bytes that
        // arrive before rustyline switches it are not cooked.
        let pty = nix::pty::openpty(None, Some(&raw)).ok()?;
        for fd in [&real, &pty.master, &pty.slave] {
            fcntl(fd, FcntlArg::F_SETFD(FdFlag::FD_CLOEXEC)).ok()?;
        }
        fcntl(&pty.master, FcntlArg::F_SETFL(OFlag::O_NONBLOCK)).ok()?;
        let ends = [Cc::VINTR, Cc::VQUIT, Cc::VEOF]
            .iter()
            .map(|&c| original.control_chars[c as usize])
            .filter(|&b| b != 0)
            .collect();
        Some(Keyboard {
            fds: Arc::new(Fds {
                real,
                master: pty.master,
                slave: pty.slave,
            }),
            original,
            raw,
            busy,
            mode: Mode::Original,
            queue: Vec::new(),
            start: 0,
            ends,
            eof: false,
            paste_on: false,
        })
    }

    /// Put the terminal in `mode`.
    pub fn set_mode(&mut self, mode: Mode) {
        if self.mode == mode {
            return;
        }
        let t = match mode {
            Mode::Original => &self.original,
            Mode::Raw => &self.raw,
            Mode::Busy => &self.busy,
        };
        if termios::tcsetattr(&self.fds.real, SetArg::TCSANOW, t).is_ok() {
            self.mode = mode;
        }
    }

    fn pending(&self) -> &[u8] {
        &self.queue[self.start..]
    }

    fn take(&mut self, n: usize) {
        self.start += n;
        if self.start == self.queue.len() {
            self.queue.clear();
            self.start = 0;
        } else if self.start > 64 * 1024 && self.start > self.queue.len() / 2 {
            self.queue.drain(..self.start);
            self.start = 0;
        }
    }

    /// The next line of COPY FROM STDIN data (a statement runs, the
    /// terminal is in [`Mode::Busy`]): a line already read (pasted or
    /// typed ahead with the COPY) first, echoed after `prompt`; else what
    /// is typed now, up to its line end (the terminal echoes it). `false`
    /// at the end of input (Ctrl-D on an empty line).
    pub fn copy_line(&mut self, prompt: &str, line: &mut Vec<u8>) -> std::io::Result<bool> {
        let mut out = std::io::stdout().lock();
        out.write_all(prompt.as_bytes())?;
        let queued = !self.pending().is_empty();
        loop {
            let pending = self.pending();
            if let Some(end) = memchr::memchr2(b'\n', b'\r', pending) {
                let mut used = end + 1;
                if pending[end] == b'\r' && pending.get(end + 1) == Some(&b'\n') {
                    used += 1;
                }
                line.extend_from_slice(&pending[..end]);
                line.push(b'\n');
                if queued {
                    out.write_all(&pending[..end])?;
                    out.write_all(b"\n")?;
                }
                out.flush()?;
                self.take(used);
                return Ok(true);
            }
            // Ctrl-D at the start of a line ends the data, as in psql.
            if let Some(i) = pending.iter().position(|&b| b == 0x04) {
                line.extend_from_slice(&pending[..i]);
                self.take(i + 1);
                out.write_all(b"\n")?;
                out.flush()?;
                return Ok(!line.is_empty());
            }
            if self.eof {
                let rest = pending.len();
                line.extend_from_slice(pending);
                self.take(rest);
                return Ok(!line.is_empty());
            }
            out.flush()?;
            self.set_mode(Mode::Busy);
            self.read_available(None);
        }
    }

    /// Read what the terminal has, waiting up to `wait` (`None`: for ever)
    /// for the first byte; whether anything came.
    fn read_available(&mut self, wait: Option<Duration>) -> bool {
        let mut got = false;
        let mut timeout = wait;
        while !self.eof && readable(self.fds.real.as_fd(), timeout) {
            timeout = Some(Duration::ZERO);
            let at = self.queue.len();
            self.queue.resize(at + READ_CHUNK, 0);
            match unistd::read(&self.fds.real, &mut self.queue[at..]) {
                Ok(0) => {
                    self.queue.truncate(at);
                    self.eof = true;
                }
                Ok(n) => {
                    self.queue.truncate(at + n);
                    got = true;
                }
                Err(Errno::EINTR | Errno::EAGAIN) => self.queue.truncate(at),
                Err(_) => {
                    self.queue.truncate(at);
                    self.eof = true;
                }
            }
        }
        got
    }

    fn paste_mode(&mut self, on: bool) {
        if self.paste_on != on {
            self.paste_on = on;
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(if on {
                BRACKETED_PASTE_ON
            } else {
                BRACKETED_PASTE_OFF
            });
            let _ = out.flush();
        }
    }

    /// The next line for the statement loop, with `prompt` before it.
    /// `prepare` runs just before rustyline is called (not for a line
    /// taken whole from the queue).
    pub fn next<H: Helper, I: History>(
        &mut self,
        ed: &mut Editor<H, I>,
        prompt: &str,
        prepare: impl FnOnce(&mut Editor<H, I>),
    ) -> Next {
        let mut shown = false;
        loop {
            self.set_mode(Mode::Raw);
            self.read_available(Some(Duration::ZERO));
            if let Some((len, used)) = plain_line(self.pending()) {
                let line = self.pending()[..len].to_vec();
                self.take(used);
                self.paste_mode(false);
                let mut out = std::io::stdout().lock();
                if !shown {
                    let _ = out.write_all(prompt.as_bytes());
                }
                let _ = out.write_all(&line);
                let _ = out.write_all(b"\n");
                let _ = out.flush();
                return Next::Line(line);
            }
            let pending = self.pending();
            if pending.is_empty() {
                if self.eof {
                    self.paste_mode(false);
                    return Next::Edited(Err(ReadlineError::Eof));
                }
                if !shown {
                    // Wait here, not in rustyline, so that a paste that
                    // comes now is read whole.
                    let mut out = std::io::stdout().lock();
                    let _ = out.write_all(prompt.as_bytes());
                    let _ = out.flush();
                    drop(out);
                    self.paste_mode(true);
                    shown = true;
                }
                self.read_available(None);
                continue;
            }
            // A paste may still be coming in pieces: wait for the end of
            // its first line. A key or two goes to the editor at once.
            if pending.len() > 8
                && !pending.iter().any(|&b| b == b'\r' || b == b'\n')
                && self.read_available(Some(SETTLE))
            {
                continue;
            }
            return Next::Edited(self.edit(ed, prompt, prepare));
        }
    }

    /// rustyline reads one line through the pseudo-terminal: the plain
    /// text at the front of the queue is its initial text, the rest (and
    /// what is typed now) comes through the relay.
    fn edit<H: Helper, I: History>(
        &mut self,
        ed: &mut Editor<H, I>,
        prompt: &str,
        prepare: impl FnOnce(&mut Editor<H, I>),
    ) -> Result<Vec<u8>, ReadlineError> {
        let pending = self.pending();
        let n = plain_prefix(pending);
        // plain_prefix ends at a character boundary of valid UTF-8.
        let initial = String::from_utf8_lossy(&pending[..n]).into_owned();
        let rest = pending[n..].to_vec();
        let all = pending.len();
        self.take(all);
        prepare(ed);
        self.set_mode(Mode::Raw);
        let (stop_r, stop_w) = unistd::pipe().map_err(std::io::Error::from)?;
        unistd::dup2_stdin(&self.fds.slave).map_err(std::io::Error::from)?;
        let fds = Arc::clone(&self.fds);
        let ends = self.ends.clone();
        let relay: JoinHandle<Relayed> = match std::thread::Builder::new()
            .name("qadmin-keys".into())
            .spawn(move || relay(&fds, &stop_r, rest, &ends))
        {
            Ok(h) => h,
            Err(e) => {
                let _ = unistd::dup2_stdin(&self.fds.real);
                return Err(e.into());
            }
        };
        let r = if initial.is_empty() {
            ed.readline(prompt)
        } else {
            ed.readline_with_initial(prompt, (&initial, ""))
        };
        let _ = unistd::write(&stop_w, b"x");
        let relayed = relay.join().unwrap_or_default();
        // What rustyline did not read, then what the relay did not write:
        // both before anything still unread on the terminal.
        let mut back = Vec::new();
        while readable(self.fds.slave.as_fd(), Some(Duration::ZERO)) {
            let mut chunk = [0u8; 4096];
            match unistd::read(&self.fds.slave, &mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => back.extend_from_slice(&chunk[..n]),
            }
        }
        back.extend_from_slice(&relayed.unwritten);
        let mut queue = decode(&back);
        queue.extend_from_slice(&relayed.unread);
        queue.extend_from_slice(self.pending());
        self.queue = queue;
        self.start = 0;
        self.paste_on = false;
        let _ = unistd::dup2_stdin(&self.fds.real);
        r.map(|line| decode(line.as_bytes()))
    }
}

impl Drop for Keyboard {
    fn drop(&mut self) {
        self.paste_mode(false);
        self.set_mode(Mode::Original);
    }
}

/// rustyline's raw mode (its `enable_raw_mode`), for the terminal while a
/// line is read and for the pseudo-terminal's slave.
fn raw_mode(original: &Termios) -> Termios {
    let mut raw = original.clone();
    raw.input_flags &= !(InputFlags::BRKINT
        | InputFlags::ICRNL
        | InputFlags::INPCK
        | InputFlags::ISTRIP
        | InputFlags::IXON);
    raw.control_flags |= ControlFlags::CS8;
    raw.local_flags &=
        !(LocalFlags::ECHO | LocalFlags::ICANON | LocalFlags::IEXTEN | LocalFlags::ISIG);
    raw.control_chars[Cc::VMIN as usize] = 1;
    raw.control_chars[Cc::VTIME as usize] = 0;
    raw
}

/// Whether `fd` has something to read within `wait` (`None`: for ever).
fn readable(fd: BorrowedFd<'_>, wait: Option<Duration>) -> bool {
    let timeout = match wait {
        None => PollTimeout::NONE,
        Some(d) => PollTimeout::try_from(d).unwrap_or(PollTimeout::MAX),
    };
    let mut fds = [PollFd::new(fd, PollFlags::POLLIN)];
    loop {
        match poll(&mut fds, timeout) {
            Ok(n) => return n > 0,
            Err(Errno::EINTR) => {
                if wait.is_some() {
                    return false;
                }
            }
            Err(_) => return false,
        }
    }
}

/// The first line of `bytes` when it is complete (ends at CR, LF or
/// CR LF) and plain text (no control character but Tab; any byte from
/// 0x80 on, UTF-8 or not): its length and the bytes it uses with its line
/// end.
pub fn plain_line(bytes: &[u8]) -> Option<(usize, usize)> {
    let end = memchr::memchr2(b'\r', b'\n', bytes)?;
    if !bytes[..end].iter().all(|&b| is_plain(b) || b == b'\t') {
        return None;
    }
    let used = if bytes[end] == b'\r' && bytes.get(end + 1) == Some(&b'\n') {
        end + 2
    } else {
        end + 1
    };
    Some((end, used))
}

fn is_plain(b: u8) -> bool {
    b >= 0x20 && b != 0x7f
}

/// How many bytes at the front of `bytes` are printable UTF-8 text (no
/// control character, not even Tab, which completes): what may be
/// rustyline's initial text.
pub fn plain_prefix(bytes: &[u8]) -> usize {
    let n = bytes
        .iter()
        .position(|&b| !is_plain(b))
        .unwrap_or(bytes.len());
    match std::str::from_utf8(&bytes[..n]) {
        Ok(_) => n,
        Err(e) => e.valid_up_to(),
    }
}

/// The bytes as rustyline may hold them: valid UTF-8 as it is, any other
/// byte as its private-use character. An incomplete character at the end
/// is left out unless `last` (its bytes are then strays too). Returns the
/// text and how many bytes of `bytes` it holds.
pub fn encode(bytes: &[u8], last: bool) -> (Vec<u8>, usize) {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match std::str::from_utf8(&bytes[i..]) {
            Ok(s) => {
                out.extend_from_slice(s.as_bytes());
                i = bytes.len();
            }
            Err(e) => {
                let valid = e.valid_up_to();
                out.extend_from_slice(&bytes[i..i + valid]);
                i += valid;
                let bad = match e.error_len() {
                    Some(n) => n,
                    None if last => bytes.len() - i,
                    None => break,
                };
                for &b in &bytes[i..i + bad] {
                    let c = char::from_u32(STRAY_BASE + u32::from(b)).unwrap_or('\u{fffd}');
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                i += bad;
            }
        }
    }
    (out, i)
}

/// The inverse of [`encode`]: private-use strays back to their bytes;
/// anything else as it is.
pub fn decode(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    for chunk in text.utf8_chunks() {
        let valid = chunk.valid();
        // Strays are 4-byte characters starting F4 8F BE / F4 8F BF.
        if memchr::memchr(0xf4, valid.as_bytes()).is_none() {
            out.extend_from_slice(valid.as_bytes());
        } else {
            for c in valid.chars() {
                let u = u32::from(c);
                if (STRAY_BASE + 0x80..=STRAY_BASE + 0xff).contains(&u) {
                    out.push((u - STRAY_BASE) as u8);
                } else {
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
            }
        }
        out.extend_from_slice(chunk.invalid());
    }
    out
}

/// Where the keys stand for the relay: inside a bracketed paste or not,
/// and the bytes before the current one (to see the paste's markers).
#[derive(Debug, Default, Clone)]
struct KeyScan {
    paste: bool,
    last: [u8; 5],
}

impl KeyScan {
    /// Take one byte; whether it may end rustyline's line.
    fn step(&mut self, b: u8, ends: &[u8]) -> bool {
        let may_end = !self.paste && (b == b'\r' || b == b'\n' || ends.contains(&b));
        if b == b'~' {
            if &self.last == b"\x1b[200" {
                self.paste = true;
            } else if &self.last == b"\x1b[201" {
                self.paste = false;
            }
        }
        self.last.rotate_left(1);
        self.last[4] = b;
        may_end
    }

    /// How many bytes of `bytes` form the next piece to write (up to and
    /// including the first that may end the line), and whether it ends so.
    fn piece(&self, bytes: &[u8], ends: &[u8]) -> (usize, bool) {
        let mut s = self.clone();
        for (i, &b) in bytes.iter().enumerate() {
            if s.step(b, ends) {
                return (i + 1, true);
            }
        }
        (bytes.len(), false)
    }
}

/// What the relay gives back: encoded text it did not manage to write,
/// and raw bytes it did not get to.
#[derive(Debug, Default)]
struct Relayed {
    unwritten: Vec<u8>,
    unread: Vec<u8>,
}

/// The relay thread: terminal -> queue -> pseudo-terminal, a piece at a
/// time, until `stop` is readable.
fn relay(fds: &Fds, stop: &OwnedFd, mut raw: Vec<u8>, ends: &[u8]) -> Relayed {
    let mut scan = KeyScan::default();
    // Encoded text of the current piece not yet written.
    let mut out: Vec<u8> = Vec::new();
    let mut held: Option<Instant> = None;
    let mut partial_since: Option<Instant> = None;
    let mut real_open = true;
    loop {
        // Write what may be written.
        if out.is_empty() && !raw.is_empty() {
            let may = match held {
                None => true,
                Some(t) => t.elapsed() >= HOLD && unread_by_editor(fds) == 0,
            };
            if may {
                let (n, ends_line) = scan.piece(&raw, ends);
                let stale = partial_since.is_some_and(|t| t.elapsed() >= PARTIAL_CHAR);
                let (text, used) = encode(&raw[..n], n < raw.len() || stale || !real_open);
                if used > 0 {
                    for &b in &raw[..used] {
                        scan.step(b, ends);
                    }
                    raw.drain(..used);
                    out = text;
                    held = (ends_line && used == n).then(Instant::now);
                    partial_since = None;
                } else if partial_since.is_none() {
                    partial_since = Some(Instant::now());
                }
            }
        }
        if !out.is_empty() {
            match unistd::write(&fds.master, &out) {
                Ok(n) => {
                    out.drain(..n);
                    continue;
                }
                Err(Errno::EINTR) => continue,
                Err(Errno::EAGAIN) => {}
                Err(_) => break,
            }
        }
        // Wait for the stop, for keys, or for room in the pseudo-terminal.
        let timeout = if !out.is_empty() {
            PollTimeout::NONE
        } else if !raw.is_empty() && held.is_some() {
            PollTimeout::from(10u8)
        } else if !raw.is_empty() {
            PollTimeout::from(PARTIAL_CHAR.as_millis().min(255) as u8)
        } else {
            PollTimeout::NONE
        };
        let mut polled = vec![PollFd::new(stop.as_fd(), PollFlags::POLLIN)];
        if !out.is_empty() {
            polled.push(PollFd::new(fds.master.as_fd(), PollFlags::POLLOUT));
        } else if real_open {
            polled.push(PollFd::new(fds.real.as_fd(), PollFlags::POLLIN));
        }
        match poll(&mut polled, timeout) {
            Ok(_) | Err(Errno::EINTR) => {}
            Err(_) => break,
        }
        if polled[0].any().unwrap_or(false) {
            break;
        }
        if out.is_empty() && real_open && polled.get(1).and_then(|p| p.any()).unwrap_or(false) {
            let at = raw.len();
            raw.resize(at + READ_CHUNK, 0);
            match unistd::read(&fds.real, &mut raw[at..]) {
                Ok(0) => {
                    raw.truncate(at);
                    real_open = false;
                }
                Ok(n) => raw.truncate(at + n),
                Err(Errno::EINTR | Errno::EAGAIN) => raw.truncate(at),
                Err(_) => {
                    raw.truncate(at);
                    real_open = false;
                }
            }
        }
    }
    Relayed {
        unwritten: out,
        unread: raw,
    }
}

/// Bytes written to the pseudo-terminal that rustyline has not read yet.
fn unread_by_editor(fds: &Fds) -> usize {
    let mut n: nix::libc::c_int = 0;
    // SAFETY: FIONREAD writes one c_int through the pointer given.
    match unsafe { input_queue(fds.slave.as_raw_fd(), &mut n) } {
        Ok(_) => usize::try_from(n).unwrap_or(0),
        Err(_) => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_lines_end_at_cr_lf_or_crlf() {
        assert_eq!(plain_line(b"select 1;\nselect 2;"), Some((9, 10)));
        assert_eq!(plain_line(b"select 1;\r\nx"), Some((9, 11)));
        assert_eq!(plain_line(b"a\rb"), Some((1, 2)));
        assert_eq!(plain_line(b"\n"), Some((0, 1)));
        assert_eq!(plain_line(b"no end yet"), None);
        // Keys that need the editor.
        assert_eq!(plain_line(b"selct\x7f\x7fect;\n"), None);
        assert_eq!(plain_line(b"\x1b[A\r"), None);
        assert_eq!(plain_line(b"\x03\n"), None);
        // Tab is pasted text in a complete line; bytes that are not UTF-8
        // are text too.
        assert_eq!(plain_line(b"a\tb\n"), Some((3, 4)));
        assert_eq!(plain_line(b"caf\xe9;\n"), Some((5, 6)));
    }

    #[test]
    fn the_initial_text_is_printable_utf8() {
        assert_eq!(plain_prefix(b"select * fr\t"), 11);
        assert_eq!(plain_prefix(b"ab\x1b[D"), 2);
        assert_eq!(plain_prefix("é\u{e9}x".as_bytes()), 5);
        assert_eq!(plain_prefix(b"ab\xe9c"), 2);
        assert_eq!(plain_prefix(b"ab\xc3"), 2);
    }

    #[test]
    fn strays_travel_as_private_use_characters_and_come_back() {
        let bytes = b"caf\xe9 \xff x\xc3\xa9 \xc3";
        let (text, used) = encode(bytes, false);
        assert_eq!(used, bytes.len() - 1, "the incomplete character waits");
        assert!(std::str::from_utf8(&text).is_ok());
        assert_eq!(decode(&text), &bytes[..used]);
        let (text, used) = encode(bytes, true);
        assert_eq!(used, bytes.len());
        assert_eq!(decode(&text), bytes);
        assert_eq!(decode("plain é".as_bytes()), "plain é".as_bytes());
    }

    #[test]
    fn pieces_end_after_keys_that_may_end_the_line() {
        let ends = [3u8, 28, 4];
        let s = KeyScan::default();
        assert_eq!(s.piece(b"abc\rdef\r", &ends), (4, true));
        assert_eq!(s.piece(b"abc", &ends), (3, false));
        assert_eq!(s.piece(b"a\x03b", &ends), (2, true));
        // Inside a bracketed paste nothing ends the line.
        assert_eq!(
            s.piece(b"\x1b[200~a\rb\x03\x1b[201~\rnext", &ends),
            (17, true)
        );
        // A marker split over two pieces is still seen.
        let mut s = KeyScan::default();
        for &b in b"\x1b[20" {
            s.step(b, &ends);
        }
        assert_eq!(s.piece(b"0~x\ry\x1b[201~\r", &ends), (12, true));
    }
}
