//! `conversion score`: score users read as JSON lines with a model file.

use std::io::{self, BufRead, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use conversion_playground::artifact::{ModelArtifact, MAX_MODEL_BYTES};
use conversion_playground::errors::thousands;
use conversion_playground::input;
use conversion_playground::scoring::{score, user_from_json, MAX_USER_BYTES};
use serde_json::{json, Value};

use crate::files::read_small;
use crate::output::{self, write_failure, Failure};

/// Reads users as JSON lines on stdin (the six signal fields) and writes one
/// JSON line per user. A bad line (bad JSON, not UTF-8, too long, a bad
/// field) gets an error line naming the line and the field; the other lines
/// are still scored, and the exit code is 1 if any line failed.
#[derive(Args, Debug)]
pub struct ScoreArgs {
    /// The model artifact written by `conversion fit --output`.
    #[arg(long)]
    model: PathBuf,
}

pub fn run(args: ScoreArgs) -> Result<ExitCode, Failure> {
    let text = read_small(&args.model, MAX_MODEL_BYTES, "the model file")?;
    let artifact =
        ModelArtifact::from_json(&text).map_err(|e| format!("{}: {e}", args.model.display()))?;
    let coefficients = artifact.coefficient_array();
    let mut out = BufWriter::new(io::stdout().lock());
    let mut input = io::stdin().lock();
    let mut line = Vec::new();
    let mut failed = 0usize;
    let mut number = 0usize;
    while let Some(fits) = next_line(&mut input, &mut line, MAX_USER_BYTES)
        .map_err(|e| format!("cannot read standard input: {e}"))?
    {
        number += 1;
        let result = if fits {
            user_line(&line)
        } else {
            Err(format!(
                "user is longer than {} bytes, more than six signals need",
                thousands(MAX_USER_BYTES as u64)
            ))
        };
        let record = match result.and_then(|value| {
            value
                .map(|v| user_from_json(&v).map_err(|e| e.to_string()))
                .transpose()
        }) {
            Ok(None) => continue,
            Ok(Some(user)) => {
                let s = score(
                    &coefficients,
                    artifact.intercept,
                    &artifact.thresholds,
                    &user,
                );
                let contributions: serde_json::Map<String, Value> = s
                    .contributions
                    .iter()
                    .map(|c| (c.feature.to_string(), json!(c.contribution)))
                    .collect();
                json!({
                    "line": number,
                    "probability": s.probability,
                    "segment": s.segment,
                    "score": s.score,
                    "intercept": s.intercept,
                    "contributions": contributions,
                })
            }
            Err(message) => {
                failed += 1;
                json!({ "line": number, "error": format!("line {number}: {message}") })
            }
        };
        writeln!(out, "{record}").map_err(|e| write_failure(&e, "standard output"))?;
    }
    out.flush()
        .map_err(|e| write_failure(&e, "standard output"))?;
    if failed > 0 {
        output::warn(&format!("{failed} line(s) could not be scored"));
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// One line as JSON, or `None` for a blank line.
fn user_line(line: &[u8]) -> Result<Option<Value>, String> {
    let text = std::str::from_utf8(line).map_err(|e| {
        format!(
            "user is not UTF-8 text: byte {} of the line is not part of a UTF-8 character",
            e.valid_up_to() + 1
        )
    })?;
    if text.trim().is_empty() {
        return Ok(None);
    }
    input::parse(text, "user")
        .map(Some)
        .map_err(|e| e.to_string())
}

/// Reads the next line into `line` without its line end (LF or CRLF),
/// keeping at most `max` bytes: `Some(false)` when it was longer (the rest
/// is read past, never held), `None` at the end of the input.
fn next_line(input: &mut impl BufRead, line: &mut Vec<u8>, max: usize) -> io::Result<Option<bool>> {
    line.clear();
    let (mut fits, mut any) = (true, false);
    loop {
        let buffer = match input.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buffer.is_empty() {
            break;
        }
        any = true;
        let end = memchr::memchr(b'\n', buffer);
        let part = &buffer[..end.unwrap_or(buffer.len())];
        if fits && line.len() + part.len() <= max + 1 {
            line.extend_from_slice(part);
        } else {
            fits = false;
        }
        let used = end.map_or(buffer.len(), |i| i + 1);
        input.consume(used);
        if end.is_some() {
            break;
        }
    }
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    fits &= line.len() <= max;
    Ok(any.then_some(fits))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_read_bounded_and_without_their_ends() {
        let text = b"ab\r\ncdefgh\n\nxyz";
        let mut input = &text[..];
        let mut line = Vec::new();
        let mut seen = Vec::new();
        while let Some(fits) = next_line(&mut input, &mut line, 4).unwrap() {
            seen.push((String::from_utf8(line.clone()).unwrap(), fits));
        }
        let want = [("ab", true), ("", false), ("", true), ("xyz", true)];
        assert_eq!(seen, want.map(|(l, f)| (l.to_string(), f)));
    }
}
