//! `conversion score`: score users with a model file, read as JSON lines
//! (one JSON line out per user) or as a contract CSV (the scored users CSV
//! out).

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use conversion_playground::artifact::{ModelArtifact, MAX_MODEL_BYTES};
use conversion_playground::decide::bands::Thresholds;
use conversion_playground::decide::scored_csv::scored_csv;
use conversion_playground::errors::thousands;
use conversion_playground::input;
use conversion_playground::model::{FitParams, Split};
use conversion_playground::scoring::{score, user_from_json, MAX_USER_BYTES};
use conversion_playground::world::contract::MAX_ROWS_IN_MEMORY;
use conversion_playground::world::csv_read::{CsvLimits, Layout};
use conversion_playground::world::dataset::Dataset;
use serde_json::{json, Value};

use crate::files::{read_csv_from, read_small};
use crate::flags;
use crate::output::{self, write_failure, Failure};

/// Scores users with a model file. `--format json` (the default) reads JSON
/// lines (the six signal fields) and writes one JSON line per user; a bad
/// line (bad JSON, not UTF-8, too long, a bad field) gets an error line
/// naming the line and the field, the other lines are still scored, and the
/// exit code is 1 if any line failed. `--format csv` reads a contract CSV
/// (checked like `conversion validate`; a bad one is refused whole) and
/// writes the scored users: its columns, then `probability`, `segment` and
/// `held_out`.
#[derive(Args, Debug)]
#[command(allow_negative_numbers = true)]
pub struct ScoreArgs {
    /// The model artifact written by `conversion fit --output` (or the page).
    #[arg(long)]
    model: PathBuf,
    /// The users to score [default: standard input].
    file: Option<PathBuf>,
    /// `json`: JSON lines in, JSON lines out. `csv`: a contract CSV in, the
    /// scored users CSV out [default json].
    #[arg(long, default_value = "json", value_parser = ["json", "csv"])]
    format: String,
    /// High-intent threshold [default: the model file's].
    #[arg(long, allow_hyphen_values = true)]
    high: Option<f64>,
    /// Medium-intent threshold [default: the model file's].
    #[arg(long, allow_hyphen_values = true)]
    medium: Option<f64>,
    /// With --format csv: the share of users `held_out` marks [default: the
    /// model file's, so it marks the users the model was not trained on].
    #[arg(long, allow_hyphen_values = true)]
    test_fraction: Option<f64>,
    /// With --format csv: the seed of that split [default: the model file's].
    #[arg(long)]
    split_seed: Option<u64>,
}

/// Where the users come from: FILE or standard input.
fn users(args: &ScoreArgs) -> Result<(Box<dyn BufRead>, String), Failure> {
    Ok(match &args.file {
        Some(path) => {
            let file =
                File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            (Box::new(BufReader::new(file)), path.display().to_string())
        }
        None => (Box::new(io::stdin().lock()), "standard input".into()),
    })
}

pub fn run(args: ScoreArgs) -> Result<ExitCode, Failure> {
    let text = read_small(&args.model, MAX_MODEL_BYTES, "the model file")?;
    let mut artifact =
        ModelArtifact::from_json(&text).map_err(|e| format!("{}: {e}", args.model.display()))?;
    artifact.thresholds = Thresholds {
        high: args.high.unwrap_or(artifact.thresholds.high),
        medium: args.medium.unwrap_or(artifact.thresholds.medium),
    }
    .validate()
    .map_err(|e| flags::message(&e))?;
    if args.format == "csv" {
        return score_csv(&args, &artifact);
    }
    if args.test_fraction.is_some() || args.split_seed.is_some() {
        return Err("--test-fraction and --split-seed mark held-out users in the CSV: they need --format csv".to_string().into());
    }
    let coefficients = artifact.coefficient_array();
    let mut out = BufWriter::new(io::stdout().lock());
    let (mut input, name) = users(&args)?;
    let mut line = Vec::new();
    let mut failed = 0usize;
    let mut number = 0usize;
    while let Some(fits) = next_line(&mut input, &mut line, MAX_USER_BYTES)
        .map_err(|e| format!("cannot read {name}: {e}"))?
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

/// `--format csv`: the contract CSV scored, with the model's split marking
/// the held-out users (or the one the flags give).
fn score_csv(args: &ScoreArgs, artifact: &ModelArtifact) -> Result<ExitCode, Failure> {
    let fit = &artifact.training.fit;
    let split = FitParams {
        test_fraction: args.test_fraction.unwrap_or(fit.test_fraction),
        split_seed: args.split_seed.unwrap_or(fit.split_seed),
        ..fit.clone()
    };
    split.validate().map_err(|e| flags::message(&e))?;
    let (input, name) = users(args)?;
    let mut data = Dataset::default();
    if let Err(err) = read_csv_from(
        input,
        &name,
        CsvLimits::rows(MAX_ROWS_IN_MEMORY),
        Layout::Contract,
        &mut data,
    )? {
        output::warn(&format!("{name}: {err}"));
        return Ok(ExitCode::FAILURE);
    }
    let split = Split::new(data.len(), split.test_fraction, split.split_seed);
    let bytes = scored_csv(&data, &artifact.weights(), &artifact.thresholds, &split);
    let mut out = io::stdout().lock();
    out.write_all(&bytes)
        .and_then(|()| out.flush())
        .map_err(|e| write_failure(&e, "standard output"))?;
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
