//! The `conversion` CLI: generate and validate, as a person runs them.

#[path = "support/golden.rs"]
mod golden;

use std::path::PathBuf;
use std::process::{Command, Output};

use sha2::{Digest, Sha256};

fn conversion(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_conversion"))
        .args(args)
        .output()
        .expect("the conversion binary runs")
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("conversion-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A refused command exits non-zero with a message naming `needle`, never a panic.
fn refused(args: &[&str], needle: &str) {
    let out = conversion(args);
    let err = stderr(&out);
    assert!(!out.status.success(), "{args:?} should fail");
    assert!(
        err.contains(needle),
        "{args:?}: expected {needle:?} in {err:?}"
    );
    assert!(!err.contains("panicked"), "{args:?} panicked: {err}");
}

#[test]
fn generate_pins_the_contract_bytes() {
    let out = conversion(&["generate", "--rows", "5000", "--seed", "42"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        sha256_hex(&out.stdout),
        golden::CSV_ROWS_5000_SEED_42_SHA256
    );
    let file = temp("seed42.csv");
    let out = conversion(&[
        "generate",
        "--rows",
        "5000",
        "--seed",
        "42",
        "--output",
        file.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    assert_eq!(
        sha256_hex(&std::fs::read(&file).unwrap()),
        golden::CSV_ROWS_5000_SEED_42_SHA256
    );
    let top = conversion(&[
        "generate",
        "--rows",
        "5000",
        "--seed",
        "18446744073709551615",
    ]);
    assert_eq!(
        sha256_hex(&top.stdout),
        golden::CSV_ROWS_5000_SEED_MAX_SHA256
    );
}

#[test]
fn params_file_round_trips_and_flags_override_it() {
    let printed = conversion(&[
        "generate",
        "--rows",
        "300",
        "--seed",
        "9",
        "--weight-downloads-7d",
        "0.9",
        "--print-params",
    ]);
    assert!(printed.status.success(), "{}", stderr(&printed));
    let file = temp("params.json");
    std::fs::write(&file, &printed.stdout).unwrap();
    let from_file = conversion(&["generate", "--params", file.to_str().unwrap()]);
    let from_flags = conversion(&[
        "generate",
        "--rows",
        "300",
        "--seed",
        "9",
        "--weight-downloads-7d",
        "0.9",
    ]);
    assert!(from_file.status.success(), "{}", stderr(&from_file));
    assert_eq!(from_file.stdout, from_flags.stdout);
    let defaults = conversion(&["generate", "--rows", "300", "--seed", "9"]);
    assert_ne!(
        from_file.stdout, defaults.stdout,
        "the weight in the file must matter"
    );
    // A flag beats the file.
    let overridden = conversion(&[
        "generate",
        "--params",
        file.to_str().unwrap(),
        "--weight-downloads-7d",
        "0.5",
    ]);
    assert_eq!(overridden.stdout, defaults.stdout);
}

#[test]
fn every_parameter_has_a_flag_that_changes_the_data() {
    let base = conversion(&["generate", "--rows", "2000"]).stdout;
    for (flag, value) in [
        ("--baseline", "-2"),
        ("--noise-sigma", "2"),
        ("--weight-days-since-signup", "-0.1"),
        ("--weight-sessions-7d", "0.1"),
        ("--weight-content-hours-7d", "0.5"),
        ("--weight-downloads-7d", "0.1"),
        ("--weight-paywall-views-7d", "0.1"),
        ("--tier-1-effect", "-1"),
        ("--tier-2-effect", "-1"),
        ("--tier-3-effect", "-2"),
        ("--days-min", "5"),
        ("--days-max", "30"),
        ("--sessions-lambda", "5"),
        ("--content-hours-shape", "3"),
        ("--content-hours-scale", "1"),
        ("--downloads-lambda", "2"),
        ("--paywall-views-lambda", "2"),
    ] {
        let out = conversion(&["generate", "--rows", "2000", flag, value]);
        assert!(out.status.success(), "{flag}: {}", stderr(&out));
        assert_ne!(out.stdout, base, "{flag} {value} should change the data");
    }
    let mix = conversion(&[
        "generate",
        "--rows",
        "2000",
        "--tier-1-share",
        "0.5",
        "--tier-2-share",
        "0.3",
        "--tier-3-share",
        "0.2",
    ]);
    assert!(mix.status.success(), "{}", stderr(&mix));
    assert_ne!(mix.stdout, base);
}

#[test]
fn bad_generate_input_is_named() {
    refused(&["generate", "--rows", "0"], "--rows must be at least 1");
    refused(
        &["generate", "--rows", "1000000000001"],
        "--rows must be at most 1,000,000,000,000 here (got \"1000000000001\")",
    );
    refused(&["generate", "--rows", "-5"], "--rows");
    refused(
        &["generate", "--sessions-lambda", "-1"],
        "--sessions-lambda must not be negative",
    );
    refused(
        &["generate", "--weight-sessions-7d", "nan"],
        "--weight-sessions-7d must be a finite number (got \"NaN\")",
    );
    refused(
        &["generate", "--weight-downloads-7d", "inf"],
        "--weight-downloads-7d must be a finite number (got \"infinity\")",
    );
    refused(
        &["generate", "--tier-1-share", "0.5"],
        "--tier-1-share, --tier-2-share and --tier-3-share must add up to 1",
    );
    refused(&["generate", "--seed", "-3"], "must not be negative");
    refused(
        &["generate", "--seed", "18446744073709551616"],
        "must be at most 18,446,744,073,709,551,615",
    );
    refused(&["generate", "--seed", "abc"], "whole number");
    refused(
        &["generate", "--params", "/nonexistent/params.json"],
        "cannot read the parameters file",
    );
    refused(&["generate", "--frobnicate"], "--frobnicate");
    let bad = temp("bad.json");
    std::fs::write(&bad, r#"{"weights": {"sessions_7d": "high"}}"#).unwrap();
    refused(
        &["generate", "--params", bad.to_str().unwrap()],
        &format!(
            "weights.sessions_7d in {} must be a number (got \"high\")",
            bad.display()
        ),
    );
    std::fs::write(
        &bad,
        r#"{"tierMix": {"tier_1": 0.9, "tier_2": 0.9, "tier_3": 0.9}}"#,
    )
    .unwrap();
    refused(
        &["generate", "--params", bad.to_str().unwrap()],
        &format!(
            "tierMix in {} must add up to 1, but 0.9 + 0.9 + 0.9 = 2.7",
            bad.display()
        ),
    );
    std::fs::write(&bad, r#"{"noise": 1}"#).unwrap();
    refused(
        &["generate", "--params", bad.to_str().unwrap()],
        &format!("noise in {} is not a parameter", bad.display()),
    );
}

#[test]
fn validate_summarises_a_good_file() {
    let file = temp("good.csv");
    let out = conversion(&[
        "generate",
        "--rows",
        "5000",
        "--seed",
        "42",
        "-o",
        file.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let out = conversion(&["validate", file.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(text.starts_with("valid: 5,000 rows"), "{text}");
    for column in [
        "days_since_signup",
        "sessions_7d",
        "content_hours_7d",
        "downloads_7d",
        "paywall_views_7d",
        "tier_3",
    ] {
        assert!(text.contains(column), "{column} missing from {text}");
    }
}

#[test]
fn validate_accepts_bom_crlf_and_python_tiers() {
    let file = temp("python.csv");
    let header = "days_since_signup,sessions_7d,content_hours_7d,downloads_7d,paywall_views_7d,country_tier,converted";
    std::fs::write(
        &file,
        format!("\u{feff}{header}\r\n12,3,2.5,1,0,Tier_1,1\r\n40,0,0.75,0,2,Tier_3,0\r\n"),
    )
    .unwrap();
    let out = conversion(&["validate", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("valid: 2 rows, 1 converted (50.0%)"));
}

#[test]
fn validate_lists_problems_by_line_and_column() {
    let file = temp("broken.csv");
    let header = "days_since_signup,sessions_7d,content_hours_7d,downloads_7d,paywall_views_7d,country_tier,converted";
    let mut text = format!("{header}\n1,2,3.00,1,1,tier_1,1\n1,-2,3.00,1,1,tier_9,1\n");
    for _ in 0..25 {
        text.push_str("1,2,3.00,1,1,tier_1,yes\n");
    }
    std::fs::write(&file, text).unwrap();
    let out = conversion(&["validate", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("(27 problems)"), "{err}");
    assert!(
        err.contains("line 3, column 2 (sessions_7d): must not be negative"),
        "{err}"
    );
    assert!(
        err.contains("line 3, column 6 (country_tier): must be tier_1"),
        "{err}"
    );
    assert!(
        err.contains("line 4, column 7 (converted): must be 0 or 1 (got \"yes\")"),
        "{err}"
    );
    assert!(err.contains("… and 7 more"), "{err}");
    refused(
        &["validate", "/nonexistent.csv"],
        "cannot read /nonexistent.csv",
    );
    let empty = temp("empty.csv");
    std::fs::write(&empty, "").unwrap();
    refused(&["validate", empty.to_str().unwrap()], "the file is empty");
}

#[test]
fn streamed_chunks_equal_the_in_memory_dataset() {
    use conversion_playground::world::csv_write::to_csv;
    use conversion_playground::world::generator::generate;
    use conversion_playground::world::params::{GeneratorParams, Seed};
    // 150,001 rows cross two chunk boundaries of the streaming writer.
    let params = GeneratorParams {
        rows: 150_001,
        seed: Seed(77),
        ..Default::default()
    };
    let expected = to_csv(&generate(&params.validate(1_000_000).unwrap()));
    let out = conversion(&["generate", "--rows", "150001", "--seed", "77"]);
    assert!(out.status.success());
    assert_eq!(sha256_hex(&out.stdout), sha256_hex(&expected));
}
