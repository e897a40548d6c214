//! `cargo xtask`: the project's build tool.
//!
//! - `cargo xtask serve` installs what is missing, builds the web package and
//!   serves `www/` on http://127.0.0.1:8080 (port overridable).
//! - `cargo xtask test` installs what the tests need and runs every test:
//!   lints, native, wasm in headless Chromium, and end-to-end.
//! - `cargo xtask bench` prints native and in-browser timings side by side.
//! - `cargo xtask dist` writes a static build anyone can host into `dist/`.
//! - `cargo xtask fuzz --seconds N` runs the cargo-fuzz targets in `fuzz/`
//!   (where a nightly toolchain exists; it says plainly when not).

mod bench;
mod build;
mod config;
mod dist;
mod fuzz;
mod project;
mod run;
mod serve;
mod test;
mod tools;
mod wasm_opt;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "Build, serve and test conversion-playground"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Install what is missing, build the web package, serve www/ and print the address.
    Serve {
        /// Port to listen on [default: $PORT or 8080].
        #[arg(long, env = "PORT", default_value_t = 8080)]
        port: u16,
    },
    /// Install what is missing and build the web package into the configured out-dir.
    Build,
    /// Install what the tests need and run every test.
    Test {
        /// Skip the end-to-end browser tests.
        #[arg(long)]
        no_e2e: bool,
    },
    /// Print native and in-browser benchmark figures side by side.
    Bench,
    /// Write a static build anyone can host (page, optimised wasm, uPlot) into dist/.
    Dist,
    /// Run each cargo-fuzz target in fuzz/ (needs a nightly toolchain; not part of `test`).
    Fuzz {
        /// Seconds per target.
        #[arg(long, default_value_t = 60)]
        seconds: u64,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match project::locate() {
        Ok(root) => println!("xtask: project at {}", root.display()),
        Err(message) => {
            eprintln!("xtask: error: {message}");
            return ExitCode::FAILURE;
        }
    }
    let result = match cli.command {
        Command::Serve { port } => serve::run(port),
        Command::Build => config::Config::load().and_then(|c| build::web(&c)),
        Command::Test { no_e2e } => test::run(!no_e2e),
        Command::Bench => bench::run(),
        Command::Dist => dist::run().map(|_| ()),
        Command::Fuzz { seconds } => fuzz::run(seconds),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask: error: {message}");
            ExitCode::FAILURE
        }
    }
}
