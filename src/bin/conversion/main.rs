//! `conversion`: the native command line over the conversion-playground core.
//!
//! A thin shell: it parses flags, reads and writes files, and prints; every
//! computation is the library's.

mod bench;
mod bench_fit;
mod fit;
mod generate;
mod score;
mod text;
mod validate;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Synthetic subscription-conversion data, by the data contract.
#[derive(Parser, Debug)]
#[command(name = "conversion", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Write the contract CSV for a seed and parameters (streams, constant memory).
    Generate(Box<generate::GenerateArgs>),
    /// Check a CSV against the contract and summarise it.
    Validate(validate::ValidateArgs),
    /// Fit the baseline logistic regression to a contract CSV.
    Fit(fit::FitArgs),
    /// Score users (JSON lines on stdin) with a model file.
    Score(score::ScoreArgs),
    /// Time generating and writing rows, natively.
    Bench(bench::BenchArgs),
    /// Time fitting the model to 100,000 and 1,000,000 rows, natively.
    BenchFit(bench_fit::BenchFitArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Generate(args) => generate::run(*args),
        Command::Validate(args) => validate::run(args),
        Command::Fit(args) => fit::run(args),
        Command::Score(args) => score::run(args),
        Command::Bench(args) => bench::run(args),
        Command::BenchFit(args) => bench_fit::run(args),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
