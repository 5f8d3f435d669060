//! The `qadmin` binary: parse the command line, build a session, run it.
//! Everything else lives in the library, where tests reach it.

use std::process::ExitCode;

fn main() -> ExitCode {
    let opts = match qadmin::cli::parse() {
        Ok(opts) => opts,
        Err(code) => return ExitCode::from(code),
    };
    ExitCode::from(qadmin::run::run(opts))
}
