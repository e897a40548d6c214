//! `conversion bench-fit`: how long the gradient-descent fit takes, natively.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;
use conversion_playground::artifact::ModelArtifact;
use conversion_playground::model::{evaluate_model, EvaluateOptions, FitParams, Fitter};
use conversion_playground::world::contract::MAX_ROWS_IN_MEMORY;
use conversion_playground::world::csv_read::CsvLimits;
use conversion_playground::world::dataset::Dataset;
use conversion_playground::world::generator::generate;
use conversion_playground::world::params::{GeneratorParams, Seed};

use crate::files::{read_dataset, write_atomically};
use crate::output::{outln, Failure};
use crate::text::thousands;

#[derive(Args, Debug)]
pub struct BenchFitArgs {
    /// Row counts to time [default: 100000 and 1000000].
    #[arg(long, value_delimiter = ',', default_values_t = vec![100_000u64, 1_000_000])]
    rows: Vec<u64>,
    /// Runs per size; the median is reported [default 5].
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Instead, time each stage of `conversion fit FILE --test-fraction 0
    /// --output …`: where the time of the whole command goes.
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
}

pub fn run(args: BenchFitArgs) -> Result<ExitCode, Failure> {
    if args.runs == 0 {
        return Err(Failure::Message("--runs must be at least 1".into()));
    }
    if let Some(csv) = &args.csv {
        return stages(csv, args.runs);
    }
    outln!(
        "native fit to the default tolerance (gradient norm < 1e-6), all rows (test fraction 0), median of {} runs:",
        args.runs
    )?;
    outln!(
        "  {:>9}  {:>7}  {:>9}  {:>10}  {:>10}  {:>14}",
        "rows",
        "threads",
        "total",
        "(setup)",
        "iterations",
        "final log-loss"
    )?;
    for rows in args.rows {
        let params = GeneratorParams {
            rows,
            seed: Seed(42),
            ..Default::default()
        }
        .validate(MAX_ROWS_IN_MEMORY)
        .map_err(|e| crate::flags::message(&e))?;
        let data = generate(&params);
        let fit = FitParams {
            test_fraction: 0.0,
            ..Default::default()
        }
        .validate()
        .map_err(|e| crate::flags::message(&e))?;
        let default_threads = Fitter::new(&data, &fit)
            .map_err(|e| crate::flags::message(&e))?
            .threads();
        let mut counts = vec![1];
        if default_threads > 1 {
            counts.push(default_threads);
        }
        for threads in counts {
            let mut times = Vec::new();
            let mut setups = Vec::new();
            let mut last = None;
            for _ in 0..args.runs {
                let start = Instant::now();
                let mut fitter = Fitter::new(&data, &fit)
                    .map_err(|e| crate::flags::message(&e))?
                    .with_threads(threads);
                setups.push(start.elapsed().as_secs_f64());
                fitter.run();
                times.push(start.elapsed().as_secs_f64());
                last = Some(fitter.model());
            }
            let model = last.expect("at least one run");
            outln!(
                "  {:>9}  {:>7}  {:>6.1} ms  {:>10}  {:>10}  {:>14.9}  {}",
                thousands(rows),
                threads,
                median(times) * 1e3,
                format!("({:.1} ms)", median(setups) * 1e3),
                model.iterations,
                model.objective,
                model.stop.describe()
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The stages of `conversion fit CSV --test-fraction 0 --output FILE`, each
/// timed (median of `runs`), as the command runs them.
fn stages(csv: &Path, runs: usize) -> Result<ExitCode, Failure> {
    const STAGES: [&str; 6] = [
        "read and check the CSV",
        "prepare (split, standardize, whiten)",
        "descent",
        "evaluate (metrics, bands)",
        "write the model (JSON, atomically)",
        "whole, in this process",
    ];
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); STAGES.len()];
    let params = FitParams {
        test_fraction: 0.0,
        ..Default::default()
    };
    let valid = params.validate().map_err(|e| crate::flags::message(&e))?;
    let out = std::env::temp_dir().join(format!("conversion-bench-{}.json", std::process::id()));
    let mut rows = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let mut lap = start;
        let mut mark = |stage: usize| {
            let now = Instant::now();
            times[stage].push((now - lap).as_secs_f64());
            lap = now;
        };
        let mut data = Dataset::default();
        if let Err(err) = read_dataset(csv, CsvLimits::rows(MAX_ROWS_IN_MEMORY), &mut data)? {
            return Err(Failure::Message(format!("{}: {err}", csv.display())));
        }
        rows = data.len();
        mark(0);
        let mut fitter = Fitter::new(&data, &valid).map_err(|e| crate::flags::message(&e))?;
        mark(1);
        fitter.run();
        let model = fitter.model();
        mark(2);
        let options = EvaluateOptions::default();
        let evaluation = evaluate_model(&model.weights(), &data, fitter.split(), &options, None);
        mark(3);
        let artifact = ModelArtifact::new(
            &model,
            &params,
            options.thresholds,
            None,
            Some(&evaluation.metrics),
        );
        write_atomically(&out, artifact.to_json().as_bytes())?;
        mark(4);
        times[5].push(start.elapsed().as_secs_f64());
    }
    let _ = std::fs::remove_file(&out);
    outln!(
        "where `conversion fit` spends its time on {} ({} rows, --test-fraction 0), median of {runs} runs:",
        csv.display(),
        thousands(rows as u64)
    )?;
    for (name, t) in STAGES.iter().zip(times) {
        outln!("  {name:<38} {:>8.1} ms", median(t) * 1e3)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}
