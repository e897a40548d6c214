//! Writing to the terminal and to files without panicking.
//!
//! A reader that closed the pipe (`conversion fit … | head -1`) ends the
//! program quietly with exit code 0, as ripgrep does; any other failure to
//! write (a full disk) is an error on standard error with exit code 1.

use std::io::{self, Write};
use std::process::ExitCode;

/// Why a command stopped early.
#[derive(Debug)]
pub enum Failure {
    /// Something the person must read; exit code 1.
    Message(String),
    /// Standard output's reader went away: nothing more to say.
    Closed,
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure::Message(message)
    }
}

/// What a failed write to `name` means.
pub fn write_failure(e: &io::Error, name: &str) -> Failure {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Failure::Closed
    } else {
        Failure::Message(format!("cannot write to {name}: {e}"))
    }
}

/// Writes `text` to standard output, flushed.
pub fn print(text: &str) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| write_failure(&e, "standard output"))
}

/// `println!` that reports a failed write instead of panicking.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::output::print(&format!("{}\n", format_args!($($arg)*)))
    };
}
pub(crate) use outln;

/// A line on standard error. If even that fails there is no one to tell.
pub fn warn(text: &str) {
    let _ = writeln!(io::stderr().lock(), "{text}");
}

/// The exit code of a command's result, with its message written.
pub fn exit(result: Result<ExitCode, Failure>) -> ExitCode {
    match result {
        Ok(code) => code,
        Err(Failure::Closed) => ExitCode::SUCCESS,
        Err(Failure::Message(message)) => {
            warn(&format!("error: {message}"));
            ExitCode::FAILURE
        }
    }
}

/// What clap has to say (help, the version, or a usage error), written
/// where it belongs; a failed write of the help is an error too.
pub fn clap_exit(e: &clap::Error) -> ExitCode {
    let printed = e.print().and_then(|()| io::stdout().flush());
    let code = ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(1));
    match printed {
        Ok(()) => code,
        Err(io) => exit(Err(write_failure(
            &io,
            if e.use_stderr() {
                "standard error"
            } else {
                "standard output"
            },
        ))),
    }
}
