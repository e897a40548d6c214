//! `conversion experiment`: read an experiment CSV as an analyst would
//! (per-arm rates, the lift with its interval and p-value, the users per arm
//! for 80% power), learn the two-model uplift from it and measure its Qini
//! on held-out users; with the parameters that drew the file, the truth
//! beside it: the four groups and every policy judged by the true effect.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use conversion_playground::artifact::ModelArtifact;
use conversion_playground::errors::FieldError;
use conversion_playground::uplift::analysis::{analyse, users_per_arm};
use conversion_playground::uplift::learned::learn;
use conversion_playground::uplift::{Lab, LabSettings, UpliftError};
use conversion_playground::world::contract::MAX_ROWS_IN_MEMORY;
use conversion_playground::world::csv_read::{CsvLimits, Layout};
use conversion_playground::world::experiment::ExperimentData;
use conversion_playground::world::params::GeneratorParams;
use conversion_playground::world::session::World;

use crate::experiment_report::{analysis_report, learned_report, truth_report, Truth};
use crate::files::{read_csv_as, read_small};
use crate::fit::same_bytes;
use crate::flags;
use crate::output::{self, Failure};

#[derive(Args, Debug)]
#[command(allow_negative_numbers = true)]
pub struct ExperimentArgs {
    /// The experiment CSV (the contract's columns plus `treated`, as
    /// `conversion generate` writes with an offer).
    file: PathBuf,
    /// The parameters that drew FILE, offer included (the page's "Download
    /// parameters" of the uplift lab, or `generate --print-params` with the
    /// same flags). The world is drawn again; if it is FILE, byte for byte,
    /// the report adds the true groups and every policy judged by the truth.
    #[arg(long)]
    params: Option<PathBuf>,
    /// The smallest lift worth detecting, in percentage points [default 1].
    #[arg(long, allow_hyphen_values = true)]
    minimum_effect: Option<f64>,
    /// With --params: a model file (`conversion fit --output`, the page's
    /// "Download model"): adds the case study's policy (by the model's
    /// probability) and who is in its intent bands.
    #[arg(long, requires = "params")]
    model: Option<PathBuf>,
    /// With --params: the budget of offers, a share of users [default 0.2].
    #[arg(long, allow_hyphen_values = true)]
    budget: Option<f64>,
    /// With --params: what one conversion is worth [default 100].
    #[arg(long, allow_hyphen_values = true)]
    value_per_conversion: Option<f64>,
    /// With --params: what sending one offer costs [default 1].
    #[arg(long, allow_hyphen_values = true)]
    cost_per_contact: Option<f64>,
    /// With --params: given to every offered user who converts, sure things
    /// included [default 15].
    #[arg(long, allow_hyphen_values = true)]
    discount: Option<f64>,
}

/// Bytes of the shortest experiment row, to reserve room for the rows.
const SHORTEST_ROW: u64 = 23;

/// Largest parameters file read (a parameters file is about 1 KB).
const MAX_PARAMS_BYTES: u64 = 1 << 20;

impl ExperimentArgs {
    /// The lab's settings from the flags (the offer set later).
    fn settings(&self) -> Result<LabSettings, String> {
        let mut json = serde_json::Map::new();
        for (key, value) in [
            ("minimumEffect", self.minimum_effect),
            ("budget", self.budget),
            ("valuePerConversion", self.value_per_conversion),
            ("costPerContact", self.cost_per_contact),
            ("discount", self.discount),
        ] {
            if let Some(x) = value {
                json.insert(key.into(), serde_json::Value::from(x));
            }
        }
        LabSettings::from_value(&serde_json::Value::Object(json)).map_err(|e| flags::message(&e))
    }
}

pub fn run(args: ExperimentArgs) -> Result<ExitCode, Failure> {
    let size = std::fs::metadata(&args.file).map_or(0, |m| m.len());
    let rows = (size / SHORTEST_ROW).min(MAX_ROWS_IN_MEMORY) as usize;
    let mut experiment = ExperimentData {
        data: conversion_playground::world::dataset::Dataset::with_capacity(rows),
        treated: Vec::with_capacity(rows),
    };
    let limits = CsvLimits::rows(MAX_ROWS_IN_MEMORY);
    if let Err(err) = read_csv_as(&args.file, limits, Layout::Experiment, &mut experiment)? {
        output::warn(&format!("{}: {err}", args.file.display()));
        return Ok(ExitCode::FAILURE);
    }
    let mut settings = args.settings()?;
    let (data, treated) = (&experiment.data, &experiment.treated);
    let analysis = analyse(&data.converted, treated).map_err(|e| plain(&e))?;
    let needed = users_per_arm(analysis.control.rate.value, settings.minimum_effect);
    let mut text = analysis_report(&analysis, settings.minimum_effect, needed);
    let learned = learn(data, &data.converted, treated).map_err(|e| plain(&e))?;
    let scores = learned.scores(data);
    text += &learned_report(&learned.observed_qini(&scores, &data.converted, treated));
    if let Some(path) = &args.params {
        let truth = truth(&args, path, &mut settings, data.len())?;
        text += &truth_report(&truth, &settings, &args.file);
    }
    output::print(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// An error of the core said with its flag, or as the core says it when no
/// flag sets the field (an arm without users).
fn plain(e: &UpliftError) -> String {
    match e.field() {
        "offer.treatedShare" => format!("the experiment {}", e.problem()),
        _ => flags::message(e),
    }
}

/// The truth of FILE, when the parameters draw it byte for byte.
fn truth(
    args: &ExperimentArgs,
    path: &Path,
    settings: &mut LabSettings,
    rows: usize,
) -> Result<Truth, Failure> {
    let text = read_small(path, MAX_PARAMS_BYTES, "the parameters file")?;
    let in_file = |field: &str, problem: &str| format!("{field} in {} {problem}", path.display());
    let params = GeneratorParams::from_json(&text).map_err(|e| in_file(&e.field, &e.problem))?;
    let valid = params
        .validate(MAX_ROWS_IN_MEMORY)
        .map_err(|e| in_file(&e.field, &e.problem))?;
    let Some(offer) = valid.offer() else {
        return Err(Failure::Message(format!(
            "the parameters in {} have no offer: they describe the contract's world, not an experiment",
            path.display()
        )));
    };
    settings.offer = offer;
    if valid.get().rows != rows as u64 {
        return Ok(Truth::Unknown(format!(
            "they generate {} users and this file holds {rows}",
            valid.get().rows
        )));
    }
    let world = World::new(valid);
    let mut lab = Lab::default();
    let csv = lab
        .experiment_csv(&world, settings)
        .map_err(|e| plain(&e))?;
    if !same_bytes(&args.file, &csv)? {
        return Ok(Truth::Unknown(
            "the experiment they generate is not this file, byte for byte".into(),
        ));
    }
    let weights = match &args.model {
        Some(path) => {
            let text = read_small(path, MAX_PARAMS_BYTES, "the model file")?;
            let artifact = ModelArtifact::from_json(&text)
                .map_err(|e| format!("{} in {} {}", e.field, path.display(), e.problem))?;
            settings.thresholds = artifact.thresholds;
            Some(artifact.weights())
        }
        None => None,
    };
    let view = lab
        .learn(&world, settings, weights.as_ref())
        .map_err(|e| plain(&e))?;
    Ok(Truth::Known(Box::new(view)))
}
