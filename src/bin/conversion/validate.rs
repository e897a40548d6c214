//! `conversion validate`: check a CSV against the contract.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use conversion_playground::world::contract::MAX_ROWS_STREAMED;
use conversion_playground::world::csv_read::CsvLimits;
use conversion_playground::world::summary::{Summary, SummaryBuilder};

use crate::files::read_csv;
use crate::output::{self, Failure};
use crate::text::{percent, thousands};

#[derive(Args, Debug)]
pub struct ValidateArgs {
    /// The CSV file to check.
    file: PathBuf,
}

/// Reads the file in chunks into a running summary: constant memory for
/// any number of rows (up to the streaming limit, as `generate` writes).
pub fn run(args: ValidateArgs) -> Result<ExitCode, Failure> {
    let mut summary = SummaryBuilder::default();
    match read_csv(&args.file, CsvLimits::rows(MAX_ROWS_STREAMED), &mut summary)? {
        Ok(_) => {
            output::print(&report(&summary.finish()))?;
            Ok(ExitCode::SUCCESS)
        }
        Err(err) => {
            output::warn(&format!("{}: {err}", args.file.display()));
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
