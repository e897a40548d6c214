//! Running commands, loudly: each is echoed before it runs, and a failure
//! names the command.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::project::root;

/// The folder `cargo install` puts binaries in; put first on every child's PATH.
pub fn cargo_bin() -> std::path::PathBuf {
    match std::env::var_os("CARGO_HOME") {
        Some(home) => std::path::PathBuf::from(home).join("bin"),
        None => std::path::PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
            .join(".cargo/bin"),
    }
}

/// A command rooted at the repository, with cargo's bin folder on PATH.
pub fn cmd(program: &str, args: &[&str]) -> Command {
    let mut c = Command::new(program);
    c.args(args).current_dir(root());
    let mut paths = vec![cargo_bin()];
    if let Some(path) = std::env::var_os("PATH") {
        paths.extend(std::env::split_paths(&path));
    }
    if let Ok(joined) = std::env::join_paths(paths) {
        c.env("PATH", joined);
    }
    c
}

fn describe(c: &Command) -> String {
    let mut text = c.get_program().to_string_lossy().into_owned();
    for a in c.get_args() {
        text.push(' ');
        text.push_str(&a.to_string_lossy());
    }
    text
}

/// Runs a command to completion, inheriting the terminal.
pub fn status(mut c: Command) -> Result<(), String> {
    let text = describe(&c);
    println!("\n$ {text}");
    let status = c
        .status()
        .map_err(|e| format!("cannot run `{text}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{text}` failed ({status})"))
    }
}

/// Runs a command, passing its output through line by line, and returns the
/// output too (stderr is merged into what is returned only as it is echoed).
pub fn tee(mut c: Command) -> Result<(bool, String), String> {
    let text = describe(&c);
    println!("\n$ {text}");
    c.stdout(Stdio::piped());
    let mut child = c.spawn().map_err(|e| format!("cannot run `{text}`: {e}"))?;
    let mut captured = String::new();
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines() {
            let line = line.unwrap_or_default();
            println!("{line}");
            captured.push_str(&line);
            captured.push('\n');
        }
    }
    let status = child.wait().map_err(|e| format!("`{text}`: {e}"))?;
    Ok((status.success(), captured))
}

/// The first line a command prints, or None when it cannot be run.
pub fn output_line(program: &str, args: &[&str]) -> Option<String> {
    let out = cmd(program, args).stderr(Stdio::null()).output().ok()?;
    if !out.status.success() {
        return None;
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .next()
        .map(str::to_owned)
}

/// True when running as root (so apt-get may be used).
pub fn is_root() -> bool {
    output_line("id", &["-u"]).is_some_and(|uid| uid.trim() == "0")
}
