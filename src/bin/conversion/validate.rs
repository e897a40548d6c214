//! `conversion validate`: check a CSV against the contract (or, with
//! `--experiment`, an experiment CSV: the contract's columns plus `treated`).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use conversion_playground::world::contract::MAX_ROWS_STREAMED;
use conversion_playground::world::csv_read::{CsvLimits, Layout, RowSink};
use conversion_playground::world::dataset::Features;
use conversion_playground::world::summary::{Summary, SummaryBuilder};

use crate::files::read_csv_as;
use crate::output::{self, Failure};
use crate::text::{percent, thousands};

#[derive(Args, Debug)]
pub struct ValidateArgs {
    /// The CSV file to check.
    file: PathBuf,
    /// The file is an experiment CSV (as `generate` writes with an offer):
    /// the contract's seven columns, then `treated` (0 or 1).
    #[arg(long)]
    experiment: bool,
}

/// A running summary that also counts each arm of an experiment.
#[derive(Default)]
struct ArmsSummary {
    summary: SummaryBuilder,
    last_converted: bool,
    /// [control, treated] × [users, conversions].
    arms: [[u64; 2]; 2],
}

impl RowSink for ArmsSummary {
    fn push_row(&mut self, x: &Features, converted: bool) {
        self.summary.push_row(x, converted);
        self.last_converted = converted;
    }

    fn push_treated(&mut self, treated: bool) {
        let arm = &mut self.arms[usize::from(treated)];
        arm[0] += 1;
        arm[1] += u64::from(self.last_converted);
    }
}

/// Reads the file in chunks into a running summary: constant memory for
/// any number of rows (up to the streaming limit, as `generate` writes).
pub fn run(args: ValidateArgs) -> Result<ExitCode, Failure> {
    let mut sink = ArmsSummary::default();
    let layout = if args.experiment {
        Layout::Experiment
    } else {
        Layout::Contract
    };
    match read_csv_as(
        &args.file,
        CsvLimits::rows(MAX_ROWS_STREAMED),
        layout,
        &mut sink,
    )? {
        Ok(_) => {
            let mut text = report(&sink.summary.finish());
            if args.experiment {
                text += &arms_report(&sink.arms);
            }
            output::print(&text)?;
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

/// Each arm of an experiment: users and conversions.
fn arms_report(arms: &[[u64; 2]; 2]) -> String {
    let all = (arms[0][0] + arms[1][0]).max(1) as f64;
    let mut out = "\narm             users     share  converted\n".to_string();
    for (name, arm) in [("treated", arms[1]), ("control", arms[0])] {
        let rate = if arm[0] > 0 {
            percent(arm[1] as f64 / arm[0] as f64)
        } else {
            "–".into()
        };
        out += &format!(
            "{name:<10} {:>10} {:>9} {:>10}\n",
            thousands(arm[0]),
            percent(arm[0] as f64 / all),
            rate
        );
    }
    out
}
