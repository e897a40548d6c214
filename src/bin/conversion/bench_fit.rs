//! `conversion bench-fit`: how long the gradient-descent fit takes, natively.

use std::process::ExitCode;
use std::time::Instant;

use clap::Args;
use conversion_playground::model::{FitParams, Fitter};
use conversion_playground::world::contract::MAX_ROWS_IN_MEMORY;
use conversion_playground::world::generator::generate;
use conversion_playground::world::params::{GeneratorParams, Seed};

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
}

pub fn run(args: BenchFitArgs) -> Result<ExitCode, Failure> {
    if args.runs == 0 {
        return Err(Failure::Message("--runs must be at least 1".into()));
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
                model.final_loss,
                model.stop.describe()
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}
