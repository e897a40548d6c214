//! `conversion validate`: check a CSV against the contract.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use conversion_playground::world::csv_read::parse_csv;
use conversion_playground::world::summary::Summary;

use crate::text::{percent, thousands};

/// Most data rows `validate` reads (about 1.5 GB of memory at most).
const MAX_ROWS_VALIDATED: u64 = 50_000_000;

#[derive(Args, Debug)]
pub struct ValidateArgs {
    /// The CSV file to check.
    file: PathBuf,
}

pub fn run(args: ValidateArgs) -> Result<ExitCode, String> {
    let bytes = std::fs::read(&args.file)
        .map_err(|e| format!("cannot read {}: {e}", args.file.display()))?;
    match parse_csv(&bytes, MAX_ROWS_VALIDATED) {
        Ok(data) => {
            print!("{}", report(&Summary::of(&data)));
            Ok(ExitCode::SUCCESS)
        }
        Err(err) => {
            eprintln!("{}: {err}", args.file.display());
            Ok(ExitCode::FAILURE)
        }
    }
}

/// The summary a valid file gets.
fn report(s: &Summary) -> String {
    let mut out = format!(
        "valid: {} rows, {} converted ({})\n\n{:<18} {:>10} {:>10} {:>10}\n",
        thousands(s.rows as u64),
        thousands(s.conversions as u64),
        percent(s.conversion_rate),
        "column",
        "min",
        "mean",
        "max"
    );
    for c in &s.columns {
        out += &format!(
            "{:<18} {:>10} {:>10.2} {:>10}\n",
            c.name, c.min, c.mean, c.max
        );
    }
    out += "\ncountry_tier        users     share  converted\n";
    for t in &s.tiers {
        out += &format!(
            "{:<14} {:>10} {:>9} {:>10}\n",
            t.tier,
            thousands(t.users as u64),
            percent(t.share),
            percent(t.conversion_rate)
        );
    }
    out
}
