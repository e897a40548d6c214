//! `conversion bench`: print how long generating and writing take, natively.

use std::hint::black_box;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Args;
use conversion_playground::world::contract::MAX_ROWS_IN_MEMORY;
use conversion_playground::world::csv_write::to_csv;
use conversion_playground::world::generator::{generate, generate_observed, regenerate};
use conversion_playground::world::params::GeneratorParams;

use crate::output::{outln, Failure};
use crate::text::thousands;

#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Rows per run [default 1000000].
    #[arg(long, default_value_t = 1_000_000)]
    rows: u64,
    /// Runs of each step; the median is reported [default 7].
    #[arg(long, default_value_t = 7)]
    runs: usize,
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

pub fn run(args: BenchArgs) -> Result<ExitCode, Failure> {
    if args.runs == 0 {
        return Err(Failure::Message("--runs must be at least 1".into()));
    }
    let params = GeneratorParams {
        rows: args.rows,
        ..Default::default()
    }
    .validate(MAX_ROWS_IN_MEMORY)
    .map_err(|e| crate::flags::message(&e))?;
    let mut observed = Vec::new();
    let mut generated = Vec::new();
    let mut regenerated = Vec::new();
    let mut write = Vec::new();
    let mut bytes = 0;
    for _ in 0..args.runs {
        let start = Instant::now();
        black_box(generate_observed(&params));
        observed.push(start.elapsed());
        let start = Instant::now();
        let mut data = black_box(generate(&params));
        generated.push(start.elapsed());
        let start = Instant::now();
        regenerate(&mut data, &params);
        black_box(&data);
        regenerated.push(start.elapsed());
        let start = Instant::now();
        let csv = black_box(to_csv(&data));
        write.push(start.elapsed());
        bytes = csv.len();
    }
    let (o, g, r, w) = (
        median(observed),
        median(generated),
        median(regenerated),
        median(write),
    );
    outln!(
        "native, {} rows, median of {} runs (single thread):",
        thousands(args.rows),
        args.runs
    )?;
    outln!(
        "  generate in memory  {:>9.1} ms  (the CSV's seven columns, in new memory)",
        o.as_secs_f64() * 1e3
    )?;
    outln!(
        "    with each user's latent draws, as the page keeps them: {:.1} ms in new memory, {:.1} ms again into the same memory",
        g.as_secs_f64() * 1e3,
        r.as_secs_f64() * 1e3
    )?;
    outln!(
        "  write CSV           {:>9.1} ms  ({} bytes, {:.0} MB/s)",
        w.as_secs_f64() * 1e3,
        thousands(bytes as u64),
        bytes as f64 / w.as_secs_f64() / 1e6
    )?;
    Ok(ExitCode::SUCCESS)
}
