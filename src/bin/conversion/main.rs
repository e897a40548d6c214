//! `conversion`: the native command line over the conversion-playground core.
//!
//! A thin shell: it parses flags, reads and writes files, and prints; every
//! computation is the library's. Native only: in the page's wasm build this
//! binary is empty (`no_main`), so the wasm build never compiles clap.
#![cfg_attr(target_arch = "wasm32", no_main)]

#[cfg(not(target_arch = "wasm32"))]
mod bench;
#[cfg(not(target_arch = "wasm32"))]
mod bench_fit;
#[cfg(not(target_arch = "wasm32"))]
mod experiment;
#[cfg(not(target_arch = "wasm32"))]
mod experiment_report;
#[cfg(not(target_arch = "wasm32"))]
mod files;
#[cfg(not(target_arch = "wasm32"))]
mod fit;
#[cfg(not(target_arch = "wasm32"))]
mod fit_report;
#[cfg(not(target_arch = "wasm32"))]
mod flags;
#[cfg(not(target_arch = "wasm32"))]
mod generate;
#[cfg(not(target_arch = "wasm32"))]
mod output;
#[cfg(not(target_arch = "wasm32"))]
mod score;
#[cfg(not(target_arch = "wasm32"))]
mod text;
#[cfg(not(target_arch = "wasm32"))]
mod validate;

#[cfg(not(target_arch = "wasm32"))]
use clap::{Parser, Subcommand};

#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Synthetic subscription-conversion data, by the data contract.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Parser, Debug)]
#[command(name = "conversion", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[cfg(not(target_arch = "wasm32"))]
#[derive(Subcommand, Debug)]
enum Command {
    /// Write the contract CSV for a seed and parameters (streams, constant memory).
    Generate(Box<generate::GenerateArgs>),
    /// Check a CSV against the contract and summarise it.
    Validate(validate::ValidateArgs),
    /// Fit the baseline logistic regression to a contract CSV.
    Fit(fit::FitArgs),
    /// Read an experiment CSV: per-arm rates, the lift and its p-value, the
    /// power, and the learned uplift model's Qini (with --params, the truth).
    Experiment(experiment::ExperimentArgs),
    /// Score users (JSON lines on stdin) with a model file.
    Score(score::ScoreArgs),
    /// Time generating and writing rows, natively.
    Bench(bench::BenchArgs),
    /// Time fitting the model to 100,000 and 1,000,000 rows, natively.
    BenchFit(bench_fit::BenchFitArgs),
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return output::clap_exit(&e),
    };
    let result = match cli.command {
        Command::Generate(args) => generate::run(*args),
        Command::Validate(args) => validate::run(args),
        Command::Fit(args) => fit::run(args),
        Command::Experiment(args) => experiment::run(args),
        Command::Score(args) => score::run(args),
        Command::Bench(args) => bench::run(args),
        Command::BenchFit(args) => bench_fit::run(args),
    };
    output::exit(result)
}
