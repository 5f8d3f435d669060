//! The `qadmin` binary: parse the command line, build a session, run it.
//! Everything else lives in the library, where tests reach it.

use std::process::ExitCode;

fn main() -> ExitCode {
    // Writing to a closed pipe (`qadmin -f s.sql | head -1`) ends qadmin
    // as it ends psql, instead of running the rest of the script. Sockets
    // are written with MSG_NOSIGNAL by std, so a server that goes away is
    // still an error, not a signal.
    // SAFETY: setting a signal's disposition to its default at start-up,
    // before any thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let opts = match qadmin::cli::parse() {
        Ok(opts) => opts,
        Err(code) => return ExitCode::from(code),
    };
    ExitCode::from(qadmin::app::run(opts))
}
