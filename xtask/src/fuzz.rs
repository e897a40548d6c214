//! `cargo xtask fuzz --seconds N`: runs each cargo-fuzz target in `fuzz/`
//! for N seconds. libFuzzer needs a nightly toolchain (cargo-fuzz builds
//! with `-Zsanitizer`); where there is none this says so plainly and stops.
//! Not part of `cargo xtask test`: the normal suite runs the same round
//! trips as property tests (tests/properties.rs).

use crate::project::root;
use crate::run::{cmd, output_line, status};

/// The targets in fuzz/fuzz_targets, as fuzz/Cargo.toml names them.
const TARGETS: [&str; 3] = ["csv_reader", "artifact_score", "params_generate_validate"];

pub fn run(seconds: u64) -> Result<(), String> {
    if seconds == 0 {
        return Err("--seconds must be at least 1".into());
    }
    if output_line("rustup", &["run", "nightly", "rustc", "--version"]).is_none() {
        return Err("fuzzing needs a nightly Rust toolchain (cargo-fuzz builds with -Zsanitizer), and none is installed here. \
             With one (`rustup toolchain install nightly`), run this again; nothing was fuzzed."
            .into());
    }
    if output_line("cargo", &["fuzz", "--version"]).is_none() {
        println!("cargo-fuzz is missing: installing it from crates.io");
        status(cmd("cargo", &["install", "cargo-fuzz", "--locked"]))?;
    }
    let fuzz = root().join("fuzz");
    let time = format!("-max_total_time={seconds}");
    for target in TARGETS {
        let mut c = cmd(
            "cargo",
            &[
                "+nightly",
                "fuzz",
                "run",
                target,
                "--",
                &time,
                "-max_len=4096",
            ],
        );
        c.current_dir(&fuzz);
        status(c)?;
    }
    println!(
        "\nxtask fuzz: {} targets ran {seconds} s each with no crash",
        TARGETS.len()
    );
    Ok(())
}
