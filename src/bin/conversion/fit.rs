//! `conversion fit`: fit the baseline model to a contract CSV and explain it.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use conversion_playground::artifact::ModelArtifact;
use conversion_playground::decide::bands::Thresholds;
use conversion_playground::decide::economics::Economics;
use conversion_playground::model::{
    evaluate_model, fit, EvaluateOptions, FitError, FitParams, Optimizer, Signal,
};
use conversion_playground::world::contract::MAX_ROWS_IN_MEMORY;
use conversion_playground::world::csv_read::CsvLimits;
use conversion_playground::world::dataset::Dataset;
use conversion_playground::world::params::GeneratorParams;
use conversion_playground::world::truth::{best_possible, latent_of_file};

use crate::files::{read_dataset, read_small, write_atomically};
use crate::fit_report::{bands_report, metrics_report, model_report, truth_report, Truth};
use crate::flags;
use crate::output::{self, Failure};

#[derive(Args, Debug)]
#[command(allow_negative_numbers = true)]
pub struct FitArgs {
    /// The contract CSV to fit (validated first, like `conversion validate`).
    file: PathBuf,
    /// Write the model artifact (JSON) to this file.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// The parameters that generated FILE (the page's "Download
    /// parameters", or `conversion generate --print-params`). The world is
    /// drawn again from them; if it is FILE, byte for byte, the report adds
    /// the generating and best-possible weights, the irreducible log-loss
    /// and the AUC ceilings.
    #[arg(long)]
    params: Option<PathBuf>,
    /// Share of users held out for the metrics [default 0.2]; 0 fits on every user.
    #[arg(long, default_value_t = 0.2, allow_hyphen_values = true)]
    test_fraction: f64,
    /// Seed of the train/test split [default 42].
    #[arg(long, default_value_t = 42)]
    split_seed: u64,
    /// How the descent moves: `whitened` (Nesterov momentum in whitened
    /// coordinates, its step from the data: about 24 iterations), `nesterov`
    /// or `gd` (momentum or plain gradient descent on standardized features,
    /// with --learning-rate) [default whitened].
    #[arg(long, default_value = "whitened", value_parser = ["whitened", "nesterov", "gd"])]
    optimizer: String,
    /// Step size of `gd` and `nesterov` on standardized features: too high
    /// diverges, too low crawls [default 1].
    #[arg(long, default_value_t = 1.0, allow_hyphen_values = true)]
    learning_rate: f64,
    /// Signals to leave out of the model, comma separated: any of
    /// days_since_signup, sessions_7d, content_hours_7d, downloads_7d,
    /// paywall_views_7d, country_tier [default none].
    #[arg(long, value_delimiter = ',')]
    leave_out: Vec<String>,
    /// L2 penalty on the standardized weights [default 0, off].
    #[arg(long, default_value_t = 0.0, allow_hyphen_values = true)]
    l2: f64,
    /// Stop when the gradient norm falls below this [default 1e-6].
    #[arg(long, default_value_t = 1e-6, allow_hyphen_values = true)]
    tolerance: f64,
    /// Stop after this many iterations at the latest [default 5000].
    #[arg(long, default_value_t = 5000)]
    max_iterations: usize,
    /// Classification threshold of accuracy, precision, recall and the
    /// confusion matrix [default 0.5].
    #[arg(long, default_value_t = 0.5, allow_hyphen_values = true)]
    threshold: f64,
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

/// Largest parameters file read (a parameters file is about 1 KB).
const MAX_PARAMS_BYTES: u64 = 1 << 20;

impl FitArgs {
    /// The fit options as the core reads them.
    fn fit_params(&self) -> Result<FitParams, String> {
        let leave_out = self
            .leave_out
            .iter()
            .map(|name| {
                Signal::parse(name.trim()).ok_or_else(|| {
                    let names = Signal::ALL.map(Signal::as_str).join(", ");
                    flags::message(&FitError::new(
                        "leaveOut",
                        format!("must name signals among {names} (got \"{name}\")"),
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(FitParams {
            test_fraction: self.test_fraction,
            split_seed: self.split_seed,
            l2: self.l2,
            tolerance: self.tolerance,
            max_iterations: self.max_iterations,
            optimizer: Optimizer::parse(&self.optimizer).unwrap_or_default(),
            learning_rate: self.learning_rate,
            leave_out,
        })
    }

    /// The generating parameters given with --params, read (bounded).
    fn generating_params(&self) -> Result<Option<(PathBuf, GeneratorParams)>, Failure> {
        let Some(path) = &self.params else {
            return Ok(None);
        };
        let text = read_small(path, MAX_PARAMS_BYTES, "the parameters file")?;
        let params = GeneratorParams::from_json(&text)
            .map_err(|e| format!("{} in {} {}", e.field, path.display(), e.problem))?;
        Ok(Some((path.clone(), params)))
    }
}

/// True when the file at `path` holds exactly `expected`, compared a chunk
/// at a time.
pub fn same_bytes(path: &Path, expected: &[u8]) -> Result<bool, Failure> {
    let cannot = |e: io::Error| Failure::Message(format!("cannot read {}: {e}", path.display()));
    let mut file = File::open(path).map_err(cannot)?;
    let mut buffer = vec![0u8; 1 << 18];
    let mut at = 0;
    loop {
        let n = match file.read(&mut buffer) {
            Ok(0) => return Ok(at == expected.len()),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(cannot(e)),
        };
        if expected.get(at..at + n) != Some(&buffer[..n]) {
            return Ok(false);
        }
        at += n;
    }
}

pub fn run(args: FitArgs) -> Result<ExitCode, Failure> {
    let mut data = Dataset::default();
    if let Err(err) = read_dataset(&args.file, CsvLimits::rows(MAX_ROWS_IN_MEMORY), &mut data)? {
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
        threshold: args.threshold,
        thresholds: Thresholds {
            high: args.high,
            medium: args.medium,
        },
        economics,
    }
    .validate()
    .map_err(|e| flags::message(&e))?;
    let params = args.fit_params()?;
    params.validate().map_err(|e| flags::message(&e))?;
    // The truth, when the parameters draw this very file.
    let truth = match args.generating_params()? {
        None => Truth::NoParams,
        Some((path, p)) => {
            let valid = p
                .validate(MAX_ROWS_IN_MEMORY)
                .map_err(|e| format!("{} in {} {}", e.field, path.display(), e.problem))?;
            let mut matches = Ok(false);
            let known = latent_of_file(&valid, data.len(), |csv| {
                matches = same_bytes(&args.file, csv);
                matches.as_ref().is_ok_and(|&same| same)
            });
            matches?;
            match known {
                Ok(latent) => {
                    data.latent = Some(latent);
                    let best = best_possible(&p, &data, &params.leave_out, None)
                        .map_err(|e| flags::message(&e))?;
                    Truth::Known {
                        params: Box::new(p),
                        best: Box::new(best),
                    }
                }
                Err(why) => Truth::Unknown { path, why },
            }
        }
    };
    let (model, split) = fit(&data, &params).map_err(|e| flags::message(&e))?;
    let known = match &truth {
        Truth::Known { params, .. } => Some(params.as_ref()),
        _ => None,
    };
    let evaluation = evaluate_model(&model.weights(), &data, &split, &options, known);
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
    let mut text = model_report(&model, &params, data.len());
    text += &truth_report(&truth, &model, data.len());
    text += &metrics_report(&evaluation.metrics, &params, data.len());
    text += &bands_report(&evaluation, &options);
    if let Some(path) = &args.output {
        text += &format!("\nmodel written to {}\n", path.display());
    }
    output::print(&text)?;
    Ok(ExitCode::SUCCESS)
}
