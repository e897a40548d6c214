//! `conversion generate` with an offer, `validate --experiment` and
//! `conversion experiment`, as a person runs them.
// Native only: the wasm build has its own tests (tests/wasm_*.rs).
#![cfg(not(target_arch = "wasm32"))]

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

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A fresh file path (each test its own: they run in parallel).
fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("conversion-uplift-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

const LESSON: [&str; 6] = [
    "--baseline",
    "-2",
    "--offer-effect",
    "0.8",
    "--offer-fatigue",
    "-0.25",
];

/// The lesson's experiment CSV and its parameters file, of `rows` users.
fn lesson(rows: &str, tag: &str) -> (PathBuf, PathBuf) {
    let (csv, params) = (temp(&format!("{tag}.csv")), temp(&format!("{tag}.json")));
    let mut args = vec!["generate", "--rows", rows];
    args.extend(LESSON);
    let out = conversion(&[&args[..], &["-o", csv.to_str().unwrap()]].concat());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = conversion(&[&args[..], &["--print-params"]].concat());
    std::fs::write(&params, &out.stdout).unwrap();
    (csv, params)
}

#[test]
fn without_an_offer_flag_the_contract_csv_and_with_one_the_experiment_csv() {
    let plain = conversion(&["generate", "--rows", "5000"]);
    assert_eq!(
        sha256_hex(&plain.stdout),
        golden::CSV_ROWS_5000_SEED_42_SHA256
    );
    // --treated-share alone: an A/A test. Its seven columns are the contract CSV.
    let aa = text(&conversion(&["generate", "--rows", "5000", "--treated-share", "0.3"]).stdout);
    assert!(aa.starts_with("days_since_signup,sessions_7d,content_hours_7d,downloads_7d,paywall_views_7d,country_tier,converted,treated\n"));
    let seven: String = aa
        .lines()
        .map(|l| format!("{}\n", &l[..l.rfind(',').unwrap()]))
        .collect();
    assert_eq!(
        sha256_hex(seven.as_bytes()),
        golden::CSV_ROWS_5000_SEED_42_SHA256
    );
    let treated = aa.lines().skip(1).filter(|l| l.ends_with(",1")).count();
    assert!((1_350..1_650).contains(&treated), "{treated}");
    let mut args = vec!["generate", "--rows", "4000"];
    args.extend(LESSON);
    assert_eq!(
        sha256_hex(&conversion(&args).stdout),
        golden::EXPERIMENT_ROWS_4000_LESSON_SHA256
    );
}

#[test]
fn offer_flags_are_checked_and_named() {
    for (flag, value, message) in [
        (
            "--treated-share",
            "1.5",
            "error: --treated-share must be a share from 0 to 1 (got \"1.5\")",
        ),
        (
            "--offer-effect",
            "2000",
            "error: --offer-effect must be from -1000 to 1000 (got \"2000\")",
        ),
        (
            "--offer-tier-3-effect",
            "nan",
            "error: --offer-tier-3-effect must be a finite number (got \"NaN\")",
        ),
    ] {
        let out = conversion(&["generate", "--rows", "3", flag, value]);
        assert!(!out.status.success());
        assert_eq!(text(&out.stderr).trim(), message);
    }
    let out = conversion(&["generate", "--rows", "3", "--assignment-seed", "-1"]);
    assert!(
        text(&out.stderr).contains("--assignment-seed"),
        "{}",
        text(&out.stderr)
    );
    let params = temp("bad-offer.json");
    std::fs::write(&params, r#"{"offer": {"treatedShare": -1}}"#).unwrap();
    let out = conversion(&["generate", "--params", params.to_str().unwrap()]);
    assert_eq!(
        text(&out.stderr).trim(),
        format!(
            "error: offer.treatedShare in {} must be a share from 0 to 1 (got \"-1\")",
            params.display()
        )
    );
}

#[test]
fn validate_reads_an_experiment_when_asked() {
    let (csv, _) = lesson("3000", "validate");
    let out = conversion(&["validate", "--experiment", csv.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(report.starts_with("valid: 3,000 rows"), "{report}");
    assert!(
        report.contains("\ntreated ") && report.contains("\ncontrol "),
        "{report}"
    );
    let out = conversion(&["validate", csv.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("this is an experiment CSV"),
        "{}",
        text(&out.stderr)
    );
    let broken = temp("broken.csv");
    let body = std::fs::read_to_string(&csv)
        .unwrap()
        .replacen(",1\n", ",yes\n", 1);
    std::fs::write(&broken, body).unwrap();
    let out = conversion(&["validate", "--experiment", broken.to_str().unwrap()]);
    assert!(
        text(&out.stderr).contains("column 8 (treated): must be 0 or 1 (got \"yes\")"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn experiment_reads_the_file_and_with_its_parameters_the_truth() {
    let (csv, params) = lesson("20000", "experiment");
    let out = conversion(&["experiment", csv.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    for line in [
        "experiment: 20,000 users, 9,991 treated (50.0%)",
        "lift: +8.88 points (95% interval +7.54 to +10.22)",
        "relative lift: +15.6% (95% interval +13.1% to +18.2%)",
        "z = 12.90, p-value 4.8e-38: significant at 5%",
        "38,380 users per arm",
        "Qini coefficient on the 4,000 held-out users: 0.0073",
    ] {
        assert!(report.contains(line), "{line}\n{report}");
    }
    assert!(!report.contains("the truth"));
    let out = conversion(&[
        "experiment",
        csv.to_str().unwrap(),
        "--params",
        params.to_str().unwrap(),
        "--budget",
        "0.1",
    ]);
    let report = text(&out.stdout);
    assert!(report.contains("sure things 11,292 (56.5%), persuadables 1,878 (9.4%), sleeping dogs 18 (0.1%), lost causes 6,812 (34.1%)"), "{report}");
    assert!(
        report.contains("policies for a budget of 10.0% (2,000 offers)"),
        "{report}"
    );
    assert!(
        report.contains("oracle: true p1 − p0") && report.contains("learned uplift model"),
        "{report}"
    );
    // Parameters that draw another file: the truth is unknown, and said so.
    let other = temp("other.json");
    std::fs::write(&other, r#"{"rows": 20000, "offer": {"effect": 0.7}}"#).unwrap();
    let out = conversion(&[
        "experiment",
        csv.to_str().unwrap(),
        "--params",
        other.to_str().unwrap(),
    ]);
    assert!(
        text(&out.stdout).contains("the truth is unknown"),
        "{}",
        text(&out.stdout)
    );
    let world = temp("world.json");
    std::fs::write(&world, r#"{"rows": 20000}"#).unwrap();
    let out = conversion(&[
        "experiment",
        csv.to_str().unwrap(),
        "--params",
        world.to_str().unwrap(),
    ]);
    assert!(
        text(&out.stderr).contains("have no offer"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn experiment_names_a_bad_setting_by_its_flag_and_an_empty_arm_in_words() {
    let (csv, _) = lesson("500", "settings");
    for (flag, value) in [
        ("--minimum-effect", "0"),
        ("--budget", "2"),
        ("--discount", "-5"),
    ] {
        let out = conversion(&["experiment", csv.to_str().unwrap(), flag, value]);
        assert!(!out.status.success());
        assert!(
            text(&out.stderr).starts_with(&format!("error: {flag} must be")),
            "{}",
            text(&out.stderr)
        );
    }
    let everyone = temp("everyone.csv");
    let out = conversion(&[
        "generate",
        "--rows",
        "50",
        "--treated-share",
        "1",
        "-o",
        everyone.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let out = conversion(&["experiment", everyone.to_str().unwrap()]);
    assert_eq!(
        text(&out.stderr).trim(),
        "error: the experiment leaves the control arm without users: there is no experiment to read"
    );
}
