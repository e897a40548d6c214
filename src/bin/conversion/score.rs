//! `conversion score`: score users read as JSON lines with a model file.

use std::io::{self, BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use conversion_playground::artifact::ModelArtifact;
use conversion_playground::input;
use conversion_playground::scoring::{score, user_from_json};
use serde_json::json;

/// Reads users as JSON lines on stdin (the six signal fields) and writes one
/// JSON line per user. A bad line gets an error line naming the line and the
/// field; the other lines are still scored, and the exit code is 1 if any
/// line failed.
#[derive(Args, Debug)]
pub struct ScoreArgs {
    /// The model artifact written by `conversion fit --output`.
    #[arg(long)]
    model: PathBuf,
}

pub fn run(args: ScoreArgs) -> Result<ExitCode, String> {
    let text = std::fs::read_to_string(&args.model)
        .map_err(|e| format!("cannot read {}: {e}", args.model.display()))?;
    let artifact =
        ModelArtifact::from_json(&text).map_err(|e| format!("{}: {e}", args.model.display()))?;
    let coefficients = artifact.coefficient_array();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut failed = 0usize;
    for (index, line) in io::stdin().lock().lines().enumerate() {
        let number = index + 1;
        let line = line.map_err(|e| format!("cannot read standard input: {e}"))?;
        if line.trim().is_empty() {
            continue;
        }
        let result = input::parse(&line, "user")
            .map_err(|e| e.to_string())
            .and_then(|v| user_from_json(&v).map_err(|e| e.to_string()));
        let record = match result {
            Ok(user) => {
                let s = score(
                    &coefficients,
                    artifact.intercept,
                    &artifact.thresholds,
                    &user,
                );
                let contributions: serde_json::Map<String, serde_json::Value> = s
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
        writeln!(out, "{record}").map_err(|e| format!("cannot write: {e}"))?;
    }
    out.flush().map_err(|e| format!("cannot write: {e}"))?;
    if failed > 0 {
        eprintln!("{failed} line(s) could not be scored");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
