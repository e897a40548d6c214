//! `conversion fit` and `conversion score`, as a person runs them.
// Native only: the wasm build has its own tests (tests/wasm_*.rs).
#![cfg(not(target_arch = "wasm32"))]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn conversion(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_conversion"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the conversion binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("conversion-model-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A fresh CSV of `rows` users of seed 3 (each call its own file: the
/// tests run in parallel).
fn users_csv(rows: &str) -> PathBuf {
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let file = temp(&format!("users-{rows}-{call}.csv"));
    let out = conversion(
        &[
            "generate",
            "--rows",
            rows,
            "--seed",
            "3",
            "-o",
            file.to_str().unwrap(),
        ],
        "",
    );
    assert!(out.status.success());
    file
}

#[test]
fn fit_explains_the_model_and_writes_an_artifact_that_scores() {
    let csv = users_csv("20000");
    let model = temp("model.json");
    let out = conversion(
        &[
            "fit",
            csv.to_str().unwrap(),
            "--output",
            model.to_str().unwrap(),
        ],
        "",
    );
    let report = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    for needle in [
        "fitted on 16,000 of 20,000 users",
        "converged",
        "odds × /unit",
        "weight/std dev",
        "downloads_7d",
        "tier_3",
        "intercept",
        "held-out users",
        "ROC AUC",
        "confusion at 0.5",
        "gains (users ranked",
        "calibration (predicted against observed",
        "high_intent",
    ] {
        assert!(report.contains(needle), "{needle} missing from:\n{report}");
    }
    let artifact: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&model).unwrap()).unwrap();
    assert_eq!(artifact["features"][5], "tier_2");
    assert_eq!(artifact["coefficients"].as_array().unwrap().len(), 7);

    let users = concat!(
        r#"{"days_since_signup": 10, "sessions_7d": 3, "content_hours_7d": 2.5, "downloads_7d": 1, "paywall_views_7d": 2, "country_tier": "tier_2"}"#,
        "\n",
        r#"{"days_since_signup": 10, "sessions_7d": -3, "content_hours_7d": 2.5, "downloads_7d": 1, "paywall_views_7d": 2, "country_tier": "tier_2"}"#,
        "\n",
        r#"{"days_since_signup": 10, "sessions_7d": 3, "content_hours_7d": 2.5, "downloads_7d": 1, "country_tier": "tier_2"}"#,
        "\n",
        r#"{"days_since_signup": 10, "sessions_7d": 3, "content_hours_7d": 2.5, "downloads_7d": 1, "paywall_views_7d": 2, "country_tier": "gold"}"#,
        "\n",
        r#"{"days_since_signup": 10, "sessions_7d": 3, "content_hours_7d": 2.5, "downloads_7d": 1, "paywall_views_7d": 2, "country_tier": "Tier_1", "plan": "x"}"#,
        "\n",
        r#"{"days_since_signup": 59, "sessions_7d": 0, "content_hours_7d": 0, "downloads_7d": 0, "paywall_views_7d": 0, "country_tier": "tier_3"}"#,
        "\n",
    );
    let out = conversion(&["score", "--model", model.to_str().unwrap()], users);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a bad line makes the exit code 1"
    );
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 6);
    let first = &lines[0];
    let p = first["probability"].as_f64().unwrap();
    assert!(p > 0.5 && p < 1.0);
    assert_eq!(first["segment"], "high_intent");
    let pushes: f64 = first["contributions"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_f64().unwrap())
        .sum();
    assert!(
        (pushes + first["intercept"].as_f64().unwrap() - first["score"].as_f64().unwrap()).abs()
            < 1e-9
    );
    assert_eq!(
        lines[1]["error"],
        "line 2: sessions_7d must not be negative (got -3)"
    );
    assert_eq!(lines[2]["error"], "line 3: paywall_views_7d is missing");
    assert!(lines[3]["error"]
        .as_str()
        .unwrap()
        .starts_with("line 4: country_tier must be tier_1"));
    assert!(lines[4]["error"]
        .as_str()
        .unwrap()
        .starts_with("line 5: plan is not a signal"));
    assert_eq!(
        lines[5]["segment"], "low_intent",
        "an old, inactive tier_3 user: {}",
        lines[5]
    );
}

/// `conversion fit CSV --value-per-conversion V --cost-per-contact C`.
fn fit_priced(csv: &std::path::Path, value: &str, cost: &str) -> Output {
    conversion(
        &[
            "fit",
            csv.to_str().unwrap(),
            "--value-per-conversion",
            value,
            "--cost-per-contact",
            cost,
        ],
        "",
    )
}

#[test]
fn economics_price_the_bands_and_find_the_best_threshold() {
    let csv = users_csv("4000");
    let out = fit_priced(&csv, "30", "28");
    let report = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(report.contains("expected profit"), "{report}");
    assert!(
        report.contains("profits judged by who converted (the truth is unknown"),
        "without --params the labels judge: {report}"
    );
    // Contacting pays only when 30·p > 28, so the best threshold is above 0.9.
    let best = report
        .lines()
        .find_map(|l| l.split("contact users with p ≥ ").nth(1))
        .expect("a best threshold line");
    let threshold: f64 = best.split_whitespace().next().unwrap().parse().unwrap();
    assert!(threshold > 0.9 && threshold <= 0.95, "{best}");

    let out = fit_priced(&csv, "30", "-1");
    assert!(!out.status.success());
    assert!(
        text(&out.stderr)
            .contains("--cost-per-contact must be an amount from 0 to 10,000,000 (got \"-1\")"),
        "{}",
        text(&out.stderr)
    );
    let out = conversion(
        &["fit", csv.to_str().unwrap(), "--value-per-conversion", "30"],
        "",
    );
    assert!(!out.status.success(), "the value alone is not enough");
}

#[test]
fn in_sample_fits_say_so() {
    let csv = users_csv("3000");
    let out = conversion(&["fit", csv.to_str().unwrap(), "--test-fraction", "0"], "");
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("in-sample"));
}

#[test]
fn bad_inputs_are_named_never_a_panic() {
    let empty = temp("empty.csv");
    std::fs::write(&empty, "days_since_signup,sessions_7d,content_hours_7d,downloads_7d,paywall_views_7d,country_tier,converted\n").unwrap();
    let out = conversion(&["fit", empty.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no data rows"));

    let broken = temp("broken.csv");
    std::fs::write(&broken, "days_since_signup,sessions_7d,content_hours_7d,downloads_7d,paywall_views_7d,country_tier,converted\n1,-1,1.00,0,0,tier_1,1\n").unwrap();
    let out = conversion(&["fit", broken.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("line 2, column 2 (sessions_7d): must not be negative"));

    let csv = users_csv("500");
    let out = conversion(
        &["fit", csv.to_str().unwrap(), "--test-fraction", "1.5"],
        "",
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("--test-fraction must be"),
        "{}",
        text(&out.stderr)
    );

    let bad_model = temp("bad-model.json");
    std::fs::write(&bad_model, r#"{"schemaVersion": 9}"#).unwrap();
    let out = conversion(&["score", "--model", bad_model.to_str().unwrap()], "");
    assert!(!out.status.success());
    assert!(
        text(&out.stderr)
            .contains("schemaVersion is not supported: this build reads versions 1 to 2 (got 9)"),
        "{}",
        text(&out.stderr)
    );
    assert!(!text(&out.stderr).contains("panicked"));
}

#[test]
fn fit_prints_intervals_and_with_the_parameters_the_truth() {
    let csv = users_csv("20000");
    let params = temp("params-3.json");
    let out = conversion(
        &[
            "generate",
            "--rows",
            "20000",
            "--seed",
            "3",
            "--print-params",
        ],
        "",
    );
    std::fs::write(&params, &out.stdout).unwrap();
    let out = conversion(
        &[
            "fit",
            csv.to_str().unwrap(),
            "--params",
            params.to_str().unwrap(),
        ],
        "",
    );
    let report = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    for needle in [
        "95% interval",
        "(95% intervals from the observed Fisher information at the optimum)",
        "the truth (the parameters draw this very file, byte for byte)",
        "best possible",
        "irreducible       0.",
        "best achievable   0.",
        "oracle            0.",
        "unreachable",
        "know-nothing",
        "always predicting the majority class",
        "q(x)",
    ] {
        assert!(report.contains(needle), "{needle} missing from:\n{report}");
    }
    // The downloads row: generating 0.5, best possible about 0.46.
    let row = report
        .lines()
        .find(|l| l.trim_start().starts_with("downloads_7d") && l.contains("0.5000"))
        .expect("a truth row for downloads_7d");
    let best: f64 = row.split_whitespace().nth(2).unwrap().parse().unwrap();
    assert!((best - 0.461).abs() < 0.005, "{row}");

    // Another seed's parameters do not draw this file: the truth is unknown.
    let other = temp("params-4.json");
    let out = conversion(
        &[
            "generate",
            "--rows",
            "20000",
            "--seed",
            "4",
            "--print-params",
        ],
        "",
    );
    std::fs::write(&other, &out.stdout).unwrap();
    let out = conversion(
        &[
            "fit",
            csv.to_str().unwrap(),
            "--params",
            other.to_str().unwrap(),
        ],
        "",
    );
    let report = text(&out.stdout);
    assert!(
        report.contains("the truth is unknown for this file"),
        "{report}"
    );
    assert!(
        report.contains("is not this file, byte for byte"),
        "{report}"
    );
    assert!(!report.contains("best achievable"));
    let out = conversion(&["fit", csv.to_str().unwrap()], "");
    assert!(text(&out.stdout)
        .contains("the truth is unknown for this file: the noise draws are in no CSV"));
}

#[test]
fn optimizers_learning_rates_l2_and_left_out_signals() {
    let csv = users_csv("5000");
    let fit = |extra: &[&str]| {
        let mut args = vec!["fit", csv.to_str().unwrap()];
        args.extend_from_slice(extra);
        let out = conversion(&args, "");
        assert!(out.status.success(), "{extra:?}: {}", text(&out.stderr));
        text(&out.stdout)
    };
    let gd = fit(&["--optimizer", "gd", "--learning-rate", "2"]);
    assert!(
        gd.contains("plain gradient descent, learning rate 2"),
        "{gd}"
    );
    assert!(gd.contains("converged"));
    let slow = fit(&[
        "--optimizer",
        "gd",
        "--learning-rate",
        "0.001",
        "--max-iterations",
        "200",
    ]);
    assert!(
        slow.contains("crawling: at this pace the fit needs about"),
        "{slow}"
    );
    let wild = fit(&["--optimizer", "gd", "--learning-rate", "500"]);
    assert!(wild.contains("diverged: the loss rose"), "{wild}");
    assert!(!wild.contains("NaN"));
    let penalised = fit(&["--l2", "0.05"]);
    assert!(penalised.contains("penalised objective"), "{penalised}");
    assert!(penalised.contains("approximate: with L2"));
    let without = fit(&["--leave-out", "sessions_7d,country_tier"]);
    let left_out: Vec<&str> = without.lines().filter(|l| l.contains("left out")).collect();
    assert_eq!(left_out.len(), 3, "{without}");
    let out = conversion(
        &["fit", csv.to_str().unwrap(), "--leave-out", "sessions"],
        "",
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("--leave-out must name signals among"),
        "{}",
        text(&out.stderr)
    );
    let out = conversion(&["fit", csv.to_str().unwrap(), "--learning-rate", "0"], "");
    assert!(
        text(&out.stderr).contains("--learning-rate must be from"),
        "{}",
        text(&out.stderr)
    );
    let out = conversion(&["fit", csv.to_str().unwrap(), "--threshold", "2"], "");
    assert!(
        text(&out.stderr).contains("--threshold must be a probability"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn separable_data_are_named_even_when_the_fit_converges() {
    let file = temp("separable.csv");
    let mut csv = String::from("days_since_signup,sessions_7d,content_hours_7d,downloads_7d,paywall_views_7d,country_tier,converted\n");
    for i in 0..400 {
        let sessions = i % 7;
        csv += &format!(
            "{},{sessions},1.00,{},1,tier_1,{}\n",
            1 + i % 50,
            i % 3,
            u8::from(sessions >= 3)
        );
    }
    std::fs::write(&file, csv).unwrap();
    let out = conversion(&["fit", file.to_str().unwrap()], "");
    let report = text(&out.stdout);
    assert!(
        report.contains("warning: the data are perfectly separable"),
        "{report}"
    );
}

#[test]
fn score_format_csv_writes_the_scored_users_with_the_models_split() {
    let csv = users_csv("3000");
    let model = temp("csv-model.json");
    let out = conversion(
        &[
            "fit",
            csv.to_str().unwrap(),
            "--test-fraction",
            "0.3",
            "--split-seed",
            "9",
            "--output",
            model.to_str().unwrap(),
        ],
        "",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let model = model.to_str().unwrap();
    let contract = std::fs::read_to_string(&csv).unwrap();
    // From standard input and from FILE: the same bytes.
    let piped = conversion(&["score", "--model", model, "--format", "csv"], &contract);
    assert!(piped.status.success(), "{}", text(&piped.stderr));
    let named = conversion(
        &[
            "score",
            "--model",
            model,
            "--format",
            "csv",
            csv.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(piped.stdout, named.stdout);
    let scored = text(&piped.stdout);
    let lines: Vec<&str> = scored.lines().collect();
    assert_eq!(
        lines[0],
        "days_since_signup,sessions_7d,content_hours_7d,downloads_7d,paywall_views_7d,country_tier,converted,probability,segment,held_out"
    );
    assert_eq!(lines.len(), 3_001);
    // The contract's columns are the file's rows, byte for byte.
    for (scored, original) in lines.iter().zip(contract.lines()).skip(1) {
        assert!(scored.starts_with(&format!("{original},")), "{scored}");
    }
    // held_out marks the model's 30% (split seed 9).
    let held = lines[1..].iter().filter(|l| l.ends_with(",1")).count();
    assert_eq!(held, 900);
    // Each probability and segment is what the JSON scoring gives that user.
    let first: Vec<&str> = lines[1].split(',').collect();
    let user = format!(
        r#"{{"days_since_signup": {}, "sessions_7d": {}, "content_hours_7d": {}, "downloads_7d": {}, "paywall_views_7d": {}, "country_tier": "{}"}}"#,
        first[0], first[1], first[2], first[3], first[4], first[5]
    );
    let json = conversion(&["score", "--model", model], &user);
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(json["probability"].to_string(), first[7]);
    assert_eq!(json["segment"], first[8]);
    // The thresholds and the split can be given: then they are the flags'.
    let moved = conversion(
        &[
            "score",
            "--model",
            model,
            "--format",
            "csv",
            "--high",
            "0.95",
            "--medium",
            "0.9",
            "--test-fraction",
            "0",
            "--split-seed",
            "1",
        ],
        &contract,
    );
    let moved = text(&moved.stdout);
    assert!(moved.lines().skip(1).all(|l| l.ends_with(",0")));
    assert!(moved.contains(",low_intent,"), "p < 0.9 is low intent now");

    // A bad CSV is refused whole, its problems named by line and column.
    let bad = conversion(
        &["score", "--model", model, "--format", "csv"],
        &format!(
            "{}\n1,2,3.00,1,1,tier_9,1\n",
            contract.lines().next().unwrap()
        ),
    );
    assert_eq!(bad.status.code(), Some(1));
    assert!(bad.stdout.is_empty());
    assert!(
        text(&bad.stderr).contains("line 2, column 6 (country_tier): must be tier_1"),
        "{}",
        text(&bad.stderr)
    );
    let split_without_csv = conversion(&["score", "--model", model, "--test-fraction", "0.5"], "");
    assert_eq!(split_without_csv.status.code(), Some(1));
    assert!(text(&split_without_csv.stderr).contains("need --format csv"));
}
