//! `conversion fit`: fit the baseline model to a contract CSV and explain it.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use conversion_playground::artifact::ModelArtifact;
use conversion_playground::contract::MAX_ROWS_IN_MEMORY;
use conversion_playground::csv_format::parse_csv;
use conversion_playground::dataset::Dataset;
use conversion_playground::decisions::{bands, Thresholds};
use conversion_playground::metrics::{evaluate, Metrics};
use conversion_playground::model::{fit, FitParams, FittedModel, FEATURES};

use crate::text::{percent, thousands};

#[derive(Args, Debug)]
pub struct FitArgs {
    /// The contract CSV to fit (validated first, like `conversion validate`).
    file: PathBuf,
    /// Write the model artifact (JSON) to this file.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Share of users held out for the metrics [default 0.2]; 0 fits on every user.
    #[arg(long, default_value_t = 0.2)]
    test_fraction: f64,
    /// Seed of the train/test split [default 42].
    #[arg(long, default_value_t = 42)]
    split_seed: u64,
    /// L2 penalty on the standardized weights [default 0, off].
    #[arg(long, default_value_t = 0.0)]
    l2: f64,
    /// Stop when the gradient norm falls below this [default 1e-6].
    #[arg(long, default_value_t = 1e-6)]
    tolerance: f64,
    /// Stop after this many iterations at the latest [default 5000].
    #[arg(long, default_value_t = 5000)]
    max_iterations: usize,
    /// High-intent threshold [default 0.7].
    #[arg(long, default_value_t = 0.7)]
    high: f64,
    /// Medium-intent threshold [default 0.4].
    #[arg(long, default_value_t = 0.4)]
    medium: f64,
}

/// Evaluates a model on `rows` of `data`.
fn metrics_on(
    data: &Dataset,
    model: &FittedModel,
    rows: &[usize],
    in_sample: bool,
) -> (Metrics, Vec<bool>, Vec<f64>) {
    let p_all = model.predict(data);
    let y: Vec<bool> = rows.iter().map(|&i| data.converted[i]).collect();
    let p: Vec<f64> = rows.iter().map(|&i| p_all[i]).collect();
    let truth: Option<Vec<f64>> = data
        .latent
        .as_ref()
        .map(|l| rows.iter().map(|&i| l.probability[i]).collect());
    (evaluate(&y, &p, truth.as_deref(), 0.5, in_sample), y, p)
}

pub fn run(args: FitArgs) -> Result<ExitCode, String> {
    let bytes = std::fs::read(&args.file)
        .map_err(|e| format!("cannot read {}: {e}", args.file.display()))?;
    let data = match parse_csv(&bytes, MAX_ROWS_IN_MEMORY) {
        Ok(data) => data,
        Err(err) => {
            eprintln!("{}: {err}", args.file.display());
            return Ok(ExitCode::FAILURE);
        }
    };
    let thresholds = Thresholds {
        high: args.high,
        medium: args.medium,
    }
    .validate()?;
    let params = FitParams {
        test_fraction: args.test_fraction,
        split_seed: args.split_seed,
        l2: args.l2,
        tolerance: args.tolerance,
        max_iterations: args.max_iterations,
    };
    let (model, split) = fit(&data, &params).map_err(|e| e.to_string())?;
    let in_sample = split.test.is_empty();
    let rows = if in_sample { &split.train } else { &split.test };
    let (metrics, y, p) = metrics_on(&data, &model, rows, in_sample);
    print!("{}", report(&model, &metrics, &params, data.len()));
    println!(
        "\nintent bands ({}):",
        if in_sample {
            "in-sample"
        } else {
            "held-out users"
        }
    );
    println!(
        "  {:<14} {:>9} {:>7} {:>10} {:>10} {:>6} {:>12}",
        "band", "users", "share", "converted", "predicted", "lift", "conversions"
    );
    for b in bands(&y, &p, thresholds, None) {
        let opt = |x: Option<f64>| x.map_or("–".into(), percent);
        println!(
            "  {:<14} {:>9} {:>7} {:>10} {:>10} {:>6} {:>12}",
            b.segment.as_str(),
            thousands(b.users as u64),
            percent(b.share),
            opt(b.conversion_rate),
            opt(b.mean_predicted),
            b.lift.map_or("–".into(), |l| format!("{l:.2}")),
            percent(b.share_of_conversions)
        );
    }
    if let Some(path) = &args.output {
        let artifact = ModelArtifact::new(&model, &params, thresholds, None, Some(&metrics));
        std::fs::write(path, artifact.to_json())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        println!("\nmodel written to {}", path.display());
    }
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
            "{:<18} {:>12.4} {:>14.4} {:>14.4}\n",
            name,
            model.coefficients[j],
            model.coefficients[j].exp(),
            model.standardized[j]
        );
    }
    out += &format!(
        "{:<18} {:>12.4} {:>14} {:>14.4}\n",
        "intercept", model.intercept, "", model.standardized_intercept
    );
    out += "  (tier_2 and tier_3 are contrasts against tier_1; odds × /unit is how the odds of converting multiply per unit)\n";
    for w in &model.warnings {
        out += &format!("warning: {w}\n");
    }
    let scope = if m.in_sample {
        "in-sample (--test-fraction 0: measured on the training users)".to_string()
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
    if let Some(top) = m.gains.first() {
        out += &format!(
            "  top 10% by score    {} of conversions, lift {:.2}\n",
            percent(top.share_of_conversions),
            top.lift
        );
    }
    out
}
