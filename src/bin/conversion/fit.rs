//! `conversion fit`: fit the baseline model to a contract CSV and explain it.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use conversion_playground::artifact::ModelArtifact;
use conversion_playground::decide::bands::Thresholds;
use conversion_playground::decide::economics::Economics;
use conversion_playground::decide::metrics::Metrics;
use conversion_playground::model::{
    evaluate_model, fit, EvaluateOptions, Evaluation, FitParams, FittedModel, FEATURES,
};
use conversion_playground::world::contract::MAX_ROWS_IN_MEMORY;
use conversion_playground::world::csv_read::CsvLimits;
use conversion_playground::world::dataset::Dataset;

use crate::files::{read_csv, write_atomically};
use crate::flags;
use crate::output::{self, Failure};
use crate::text::{decimal, money, percent, thousands};

#[derive(Args, Debug)]
#[command(allow_negative_numbers = true)]
pub struct FitArgs {
    /// The contract CSV to fit (validated first, like `conversion validate`).
    file: PathBuf,
    /// Write the model artifact (JSON) to this file.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Share of users held out for the metrics [default 0.2]; 0 fits on every user.
    #[arg(long, default_value_t = 0.2, allow_hyphen_values = true)]
    test_fraction: f64,
    /// Seed of the train/test split [default 42].
    #[arg(long, default_value_t = 42)]
    split_seed: u64,
    /// L2 penalty on the standardized weights [default 0, off].
    #[arg(long, default_value_t = 0.0, allow_hyphen_values = true)]
    l2: f64,
    /// Stop when the gradient norm falls below this [default 1e-6].
    #[arg(long, default_value_t = 1e-6, allow_hyphen_values = true)]
    tolerance: f64,
    /// Stop after this many iterations at the latest [default 5000].
    #[arg(long, default_value_t = 5000)]
    max_iterations: usize,
    /// High-intent threshold [default 0.7].
    #[arg(long, default_value_t = 0.7, allow_hyphen_values = true)]
    high: f64,
    /// Medium-intent threshold [default 0.4].
    #[arg(long, default_value_t = 0.4, allow_hyphen_values = true)]
    medium: f64,
    /// What one conversion is worth; with --cost-per-contact, prints each
    /// band's expected profit and the most profitable threshold.
    #[arg(long, requires = "cost_per_contact", allow_hyphen_values = true)]
    value_per_conversion: Option<f64>,
    /// What contacting one user costs (with --value-per-conversion).
    #[arg(long, requires = "value_per_conversion", allow_hyphen_values = true)]
    cost_per_contact: Option<f64>,
}

/// Bytes of the shortest contract row: room is reserved for the most rows a
/// file of its size can hold, so the columns never grow by copying.
const SHORTEST_ROW: u64 = 21;

pub fn run(args: FitArgs) -> Result<ExitCode, Failure> {
    let size = std::fs::metadata(&args.file).map_or(0, |m| m.len());
    let mut data = Dataset::with_capacity((size / SHORTEST_ROW).min(MAX_ROWS_IN_MEMORY) as usize);
    if let Err(err) = read_csv(&args.file, CsvLimits::rows(MAX_ROWS_IN_MEMORY), &mut data)? {
        output::warn(&format!("{}: {err}", args.file.display()));
        return Ok(ExitCode::FAILURE);
    }
    let economics = match (args.value_per_conversion, args.cost_per_contact) {
        (Some(value_per_conversion), Some(cost_per_contact)) => Some(Economics {
            value_per_conversion,
            cost_per_contact,
        }),
        _ => None,
    };
    let options = EvaluateOptions {
        thresholds: Thresholds {
            high: args.high,
            medium: args.medium,
        },
        economics,
        ..Default::default()
    }
    .validate()
    .map_err(|e| flags::message(&e))?;
    let params = FitParams {
        test_fraction: args.test_fraction,
        split_seed: args.split_seed,
        l2: args.l2,
        tolerance: args.tolerance,
        max_iterations: args.max_iterations,
    };
    let (model, split) = fit(&data, &params).map_err(|e| flags::message(&e))?;
    let evaluation = evaluate_model(&model, &data, &split, &options);
    // The model file first, whole or not at all: a report cut short (a
    // closed pipe, a full disk) never costs the model.
    if let Some(path) = &args.output {
        let artifact = ModelArtifact::new(
            &model,
            &params,
            options.thresholds,
            None,
            Some(&evaluation.metrics),
        );
        write_atomically(path, artifact.to_json().as_bytes())?;
    }
    let mut text = report(&model, &evaluation.metrics, &params, data.len());
    text += &bands_report(&evaluation, &options);
    if let Some(path) = &args.output {
        text += &format!("\nmodel written to {}\n", path.display());
    }
    output::print(&text)?;
    Ok(ExitCode::SUCCESS)
}

fn report(model: &FittedModel, m: &Metrics, params: &FitParams, users: usize) -> String {
    let mut out = format!(
        "fitted on {} of {} users; {} iterations, final training log-loss {:.6}: {}\n\n",
        thousands(model.training_rows as u64),
        thousands(users as u64),
        model.iterations,
        model.final_loss,
        model.stop.describe()
    );
    out += &format!(
        "{:<18} {:>12} {:>14} {:>14}\n",
        "signal", "weight/unit", "odds × /unit", "weight/std dev"
    );
    for (j, name) in FEATURES.iter().enumerate() {
        out += &format!(
            "{:<18} {:>12} {:>14} {:>14}\n",
            name,
            decimal(model.coefficients[j], 4),
            decimal(model.coefficients[j].exp(), 4),
            decimal(model.standardized_coefficients[j], 4)
        );
    }
    out += &format!(
        "{:<18} {:>12} {:>14} {:>14}\n",
        "intercept",
        decimal(model.intercept, 4),
        "",
        decimal(model.standardized_intercept, 4)
    );
    out += "  (tier_2 and tier_3 are contrasts against tier_1; odds × /unit is how the odds of converting multiply per unit)\n";
    for w in &model.warnings {
        out += &format!("warning: {w}\n");
    }
    let scope = if m.in_sample && params.test_fraction == 0.0 {
        "in-sample (--test-fraction 0: measured on the training users)".to_string()
    } else if m.in_sample {
        format!(
            "in-sample (only {} users: a {}% test split holds none out, so measured on the training users)",
            thousands(users as u64),
            params.test_fraction * 100.0
        )
    } else {
        format!(
            "on {} held-out users ({}% test split, seed {})",
            thousands(m.users as u64),
            params.test_fraction * 100.0,
            params.split_seed
        )
    };
    out += &format!("\nmetrics {scope}:\n");
    out += &format!("  log-loss            {:.4}\n", m.log_loss);
    out += &format!("  accuracy at 0.5     {}\n", percent(m.accuracy));
    out += &format!(
        "  precision / recall  {} / {}\n",
        percent(m.precision),
        percent(m.recall)
    );
    let auc = |a: Option<f64>| a.map_or("– (one class only)".into(), |a| format!("{a:.4}"));
    out += &format!("  ROC AUC             {}\n", auc(m.auc));
    if m.ceiling_auc.is_some() {
        out += &format!(
            "  ceiling AUC         {} (a model knowing each user's true probability)\n",
            auc(m.ceiling_auc)
        );
    }
    let c = &m.confusion;
    out += &format!(
        "  confusion at 0.5    predicted convert: {} right, {} wrong; predicted not: {} right, {} wrong\n",
        thousands(c.true_positives as u64),
        thousands(c.false_positives as u64),
        thousands(c.true_negatives as u64),
        thousands(c.false_negatives as u64)
    );
    out += "\ngains (users ranked by predicted probability, highest first):\n";
    out += &format!(
        "  {:<12} {:>12} {:>6}\n",
        "contact top", "conversions", "lift"
    );
    for g in m.gains.iter().filter(|g| {
        [0.1, 0.2, 0.3, 0.5]
            .iter()
            .any(|s| (g.share_contacted - s).abs() < 1e-9)
    }) {
        out += &format!(
            "  {:<12} {:>12} {:>6.2}\n",
            format!("{:.0}%", g.share_contacted * 100.0),
            percent(g.share_of_conversions),
            g.lift
        );
    }
    out += "\ncalibration (predicted against observed conversion, by predicted probability):\n";
    let truth = m
        .calibration
        .iter()
        .any(|b| b.mean_true_probability.is_some());
    out += &format!(
        "  {:<11} {:>9} {:>10} {:>9}{}\n",
        "predicted",
        "users",
        "predicted",
        "observed",
        if truth { "  true p" } else { "" }
    );
    for b in m.calibration.iter().filter(|b| b.users > 0) {
        let opt = |x: Option<f64>| x.map_or("–".into(), percent);
        out += &format!(
            "  {:<11} {:>9} {:>10} {:>9}{}\n",
            format!("{:.0}–{:.0}%", b.lower * 100.0, b.upper * 100.0),
            thousands(b.users as u64),
            opt(b.mean_predicted),
            opt(b.observed_rate),
            if truth {
                format!("  {:>6}", opt(b.mean_true_probability))
            } else {
                String::new()
            }
        );
    }
    out
}

/// The intent bands, with each band's expected profit and the best
/// threshold when the economics are given.
fn bands_report(evaluation: &Evaluation, options: &EvaluateOptions) -> String {
    let thresholds = options.thresholds;
    let mut out = format!(
        "\nintent bands (high ≥ {}, medium ≥ {}; {}):\n",
        thresholds.high,
        thresholds.medium,
        if evaluation.metrics.in_sample {
            "in-sample"
        } else {
            "held-out users"
        }
    );
    out += &format!(
        "  {:<14} {:>9} {:>7} {:>10} {:>10} {:>6} {:>12}{}\n",
        "band",
        "users",
        "share",
        "converted",
        "predicted",
        "lift",
        "conversions",
        if options.economics.is_some() {
            format!(" {:>16}", "expected profit")
        } else {
            String::new()
        }
    );
    for b in &evaluation.bands {
        let opt = |x: Option<f64>| x.map_or("–".into(), percent);
        out += &format!(
            "  {:<14} {:>9} {:>7} {:>10} {:>10} {:>6} {:>12}{}\n",
            b.segment.as_str(),
            thousands(b.users as u64),
            percent(b.share),
            opt(b.conversion_rate),
            opt(b.mean_predicted),
            b.lift.map_or("–".into(), |l| format!("{l:.2}")),
            percent(b.share_of_conversions),
            b.expected_profit
                .map_or(String::new(), |v| format!(" {:>16}", money(v)))
        );
    }
    if let Some(best) = evaluation.best_threshold {
        out += &format!(
            "  most profitable: contact users with p ≥ {:.2} ({} users), expected profit {}\n",
            best.threshold,
            thousands(best.contacted as u64),
            money(best.expected_profit)
        );
    }
    out
}
