//! The CLI against what breaks programs: closed pipes, full disks, hostile
//! or malformed input. Nothing panics; every refusal names what is wrong.
// Native only: the wasm build has its own tests (tests/wasm_*.rs).
#![cfg(not(target_arch = "wasm32"))]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

const HEADER: &str = "days_since_signup,sessions_7d,content_hours_7d,downloads_7d,paywall_views_7d,country_tier,converted";

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_conversion"))
}

fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = bin()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the conversion binary runs");
    let mut input = child.stdin.take().unwrap();
    // A command that stops reading early closes its end: not a test failure.
    let _ = input.write_all(stdin);
    drop(input);
    child.wait_with_output().unwrap()
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("conversion-hardening-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn users_csv(rows: u32) -> PathBuf {
    let file = temp(&format!("users-{rows}.csv"));
    let out = run(
        &[
            "generate",
            "--rows",
            &rows.to_string(),
            "--seed",
            "5",
            "-o",
            file.to_str().unwrap(),
        ],
        b"",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    file
}

fn model_file() -> PathBuf {
    let model = temp("model.json");
    let csv = users_csv(3_000);
    let out = run(
        &["fit", csv.to_str().unwrap(), "-o", model.to_str().unwrap()],
        b"",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    model
}

/// Runs with standard output a pipe whose reader is already gone: every
/// write fails with a broken pipe, deterministically (no race with `head`).
fn into_closed_pipe(args: &[&str]) -> Output {
    let (reader, writer) = os_pipe::pipe().unwrap();
    drop(reader);
    bin()
        .args(args)
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

/// Runs with standard output on a full disk.
#[cfg(target_os = "linux")]
fn into_full_disk(args: &[&str]) -> Output {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    bin()
        .args(args)
        .stdin(Stdio::null())
        .stdout(full)
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

#[test]
fn a_closed_pipe_ends_every_command_quietly_and_the_model_is_kept() {
    let csv = users_csv(2_000);
    let csv = csv.to_str().unwrap();
    let model = temp("piped-model.json");
    let _ = std::fs::remove_file(&model);
    let model_arg = model.to_str().unwrap();
    for args in [
        vec!["validate", csv],
        vec!["fit", csv, "-o", model_arg],
        vec!["generate", "--rows", "200000"],
        vec!["generate", "--print-params"],
        vec!["--help"],
        vec!["fit", "--help"],
        vec!["--version"],
    ] {
        let out = into_closed_pipe(&args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert_eq!(text(&out.stderr), "", "{args:?} said something");
    }
    let artifact = std::fs::read_to_string(&model).expect("the model was written first");
    assert!(artifact.contains("\"coefficients\""));
}

#[test]
fn fit_reads_a_large_file_in_two_halves_as_one_reader_would() {
    // Over a megabyte: `fit` reads a regular file's two halves side by side;
    // a pipe is read by one reader. The same fit either way.
    let csv = users_csv(60_000);
    let bytes = std::fs::read(&csv).unwrap();
    assert!(bytes.len() > 1 << 20);
    let from_file = run(&["fit", csv.to_str().unwrap()], b"");
    let from_pipe = run(&["fit", "/dev/stdin"], &bytes);
    assert!(from_file.status.success(), "{}", text(&from_file.stderr));
    assert_eq!(text(&from_file.stdout), text(&from_pipe.stdout));
    // A bad line in the second half is named by its own number.
    let mut lines: Vec<String> = text(&bytes).lines().map(str::to_owned).collect();
    let bad = lines.len() * 3 / 4;
    lines[bad] = "1,1,1.00,1,1,tier_1,9".to_owned();
    let broken = temp("broken-second-half.csv");
    std::fs::write(&broken, lines.join("\n") + "\n").unwrap();
    let out = run(&["fit", broken.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(1));
    let want = format!(
        "line {}, column 7 (converted): must be 0 or 1 (got \"9\")",
        bad + 1
    );
    assert!(text(&out.stderr).contains(&want), "{}", text(&out.stderr));
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_an_error_with_a_message_and_the_model_is_kept() {
    let csv = users_csv(2_000);
    let csv = csv.to_str().unwrap();
    // A folder of its own: other tests write models (and their temporary
    // files) beside theirs while this one looks for leftovers.
    let model = temp("full-disk").join("model.json");
    std::fs::create_dir_all(model.parent().unwrap()).unwrap();
    let _ = std::fs::remove_file(&model);
    let model_arg = model.to_str().unwrap();
    for args in [
        vec!["validate", csv],
        vec!["fit", csv, "-o", model_arg],
        vec!["generate", "--rows", "1000"],
        vec!["generate", "--print-params"],
        vec!["--help"],
        vec!["score", "--help"],
    ] {
        let out = into_full_disk(&args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("error: cannot write to standard output: No space left on device"),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    let artifact = std::fs::read_to_string(&model).expect("the model was written first");
    assert!(artifact.ends_with('}'));
    let leftovers: Vec<_> = std::fs::read_dir(model.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[cfg(target_os = "linux")]
#[test]
fn a_model_that_cannot_be_written_leaves_the_old_one_whole() {
    let csv = users_csv(2_000);
    let model = temp("kept-model.json");
    std::fs::write(&model, "the old model").unwrap();
    let out = run(
        &[
            "fit",
            csv.to_str().unwrap(),
            "-o",
            "/nonexistent-folder/m.json",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).starts_with("error: cannot write /nonexistent-folder/m.json"));
    assert_eq!(
        text(&out.stdout),
        "",
        "nothing is reported before the model is safe"
    );
    assert_eq!(std::fs::read_to_string(&model).unwrap(), "the old model");
}

const USER: &str = r#"{"days_since_signup": 10, "sessions_7d": 0, "content_hours_7d": 2.5, "downloads_7d": 1, "paywall_views_7d": 2, "country_tier": "tier_1"}"#;

#[test]
fn a_line_that_is_not_utf8_is_named_and_the_others_are_scored() {
    let model = model_file();
    let mut input = Vec::new();
    input.extend_from_slice(USER.as_bytes());
    input.extend_from_slice(b"\n{\"days_since_signup\": \"\xff\xfe\"}\n");
    input.extend_from_slice(USER.as_bytes());
    input.extend_from_slice(b"\r\n");
    input.extend_from_slice(&vec![b' '; 10_000]);
    input.extend_from_slice(b"\n");
    input.extend_from_slice(USER.as_bytes());
    let out = run(&["score", "--model", model.to_str().unwrap()], &input);
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5, "{}", text(&out.stdout));
    assert_eq!(
        lines[1]["error"],
        "line 2: user is not UTF-8 text: byte 24 of the line is not part of a UTF-8 character"
    );
    assert_eq!(
        lines[3]["error"],
        "line 4: user is longer than 4,096 bytes, more than six signals need"
    );
    for i in [0, 2, 4] {
        assert!(lines[i]["probability"].as_f64().is_some(), "{}", lines[i]);
    }
    // No push is -0.0: 0 sessions times a positive weight, tier_1's zeros.
    assert!(
        !text(&out.stdout).contains("-0.0,"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn score_refuses_models_it_cannot_trust() {
    let model = model_file();
    let good: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&model).unwrap()).unwrap();
    let refused = |edit: &dyn Fn(&mut serde_json::Value), needle: &str| {
        let mut v = good.clone();
        edit(&mut v);
        let file = temp("edited-model.json");
        std::fs::write(&file, v.to_string()).unwrap();
        let out = run(
            &["score", "--model", file.to_str().unwrap()],
            USER.as_bytes(),
        );
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(text(&out.stdout), "", "no user is scored with it");
        assert!(text(&out.stderr).contains(needle), "{}", text(&out.stderr));
    };
    refused(
        &|v| v["contractVersion"] = 2.into(),
        "contractVersion must be 1, the data contract this build scores",
    );
    refused(
        &|v| v["coefficients"][2] = 1e300.into(),
        "coefficients[2] is too large: with content_hours_7d at its largest (1000000000000) a score would overflow (got \"1e300\")",
    );
    let huge = temp("huge-model.json");
    std::fs::write(&huge, vec![b' '; 2 << 20]).unwrap();
    let out = run(&["score", "--model", huge.to_str().unwrap()], b"");
    assert!(
        text(&out.stderr).contains("is larger than 1,048,576 bytes"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn money_beyond_its_bound_is_refused_and_never_wraps() {
    let csv = users_csv(2_000);
    let out = run(
        &[
            "fit",
            csv.to_str().unwrap(),
            "--value-per-conversion",
            "1e308",
            "--cost-per-contact",
            "0",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "error: --value-per-conversion must be an amount from 0 to 10,000,000 (got \"1e308\")\n"
    );
    let out = run(
        &[
            "fit",
            csv.to_str().unwrap(),
            "--value-per-conversion",
            "10000000",
            "--cost-per-contact",
            "0",
        ],
        b"",
    );
    assert!(out.status.success());
    let report = text(&out.stdout);
    let best = report
        .lines()
        .find(|l| l.contains("most profitable"))
        .expect("a best threshold");
    // 2,000 users × 20% held out × up to 10,000,000 each: below 4e9.
    let profit: f64 = best
        .rsplit(' ')
        .next()
        .unwrap()
        .replace(',', "")
        .parse()
        .unwrap();
    assert!(profit > 1e9 && profit < 4e9, "{best}");
}

#[test]
fn messages_say_plainly_what_is_wrong() {
    // A negative infinity is a value, not a flag.
    let out = run(&["generate", "--weight-sessions-7d", "-inf"], b"");
    assert_eq!(
        text(&out.stderr),
        "error: --weight-sessions-7d must be a finite number (got \"-infinity\")\n"
    );
    let out = run(&["generate", "--weight-sessions-7d", "1e308"], b"");
    assert!(
        text(&out.stderr).contains("(got \"1e308\")"),
        "{}",
        text(&out.stderr)
    );

    // One or two users: nothing can be held out, and the default is not 0.
    let tiny = temp("tiny.csv");
    std::fs::write(
        &tiny,
        format!("{HEADER}\n3,1,1.00,0,1,tier_1,1\n4,2,1.50,1,0,tier_2,0\n"),
    )
    .unwrap();
    let out = run(&["fit", tiny.to_str().unwrap()], b"");
    let report = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        report.contains("in-sample (only 2 users: a 20% test split holds none out"),
        "{report}"
    );
    assert!(!report.contains("--test-fraction 0"), "{report}");

    // Perfectly separable users: the weights grow, and odds print as
    // numbers a person can read, never 60 digits.
    let mut csv = format!("{HEADER}\n");
    for i in 0..400u32 {
        let paywall = i % 6;
        csv += &format!(
            "{},{},1.00,0,{paywall},tier_1,{}\n",
            1 + i % 50,
            i % 4,
            u8::from(paywall >= 3)
        );
    }
    let separable = temp("separable.csv");
    std::fs::write(&separable, csv).unwrap();
    let out = run(
        &["fit", separable.to_str().unwrap(), "--test-fraction", "0"],
        b"",
    );
    let report = text(&out.stdout);
    let longest_number = report
        .split(|c: char| !c.is_ascii_digit())
        .map(str::len)
        .max()
        .unwrap();
    assert!(
        longest_number <= 8,
        "a {longest_number}-digit number in:\n{report}"
    );
    assert!(report.contains("e9 "), "{report}");
}

#[test]
fn bad_csv_lines_are_named_on_their_own_line() {
    let row = "1,1,1.00,1,1,tier_1,1";
    // Lone CR line ends: the problem on the fourth line says line 4.
    let cr = temp("cr.csv");
    std::fs::write(
        &cr,
        format!("{HEADER}\r{row}\r{row}\r1,1,1.00,1,1,tier_1,9\r"),
    )
    .unwrap();
    let out = run(&["validate", cr.to_str().unwrap()], b"");
    assert!(
        text(&out.stderr).contains("line 4, column 7 (converted): must be 0 or 1 (got \"9\")"),
        "{}",
        text(&out.stderr)
    );
    // An unterminated quote is a problem of its line, not of the file.
    let quote = temp("quote.csv");
    std::fs::write(
        &quote,
        format!("{HEADER}\n\"1,1,1.00,1,1,tier_1,1\n{row}\n1,x,1.00,1,1,tier_1,1\n"),
    )
    .unwrap();
    let out = run(&["validate", quote.to_str().unwrap()], b"");
    let stderr = text(&out.stderr);
    assert!(stderr.contains("(2 problems)"), "{stderr}");
    assert!(
        stderr.contains("line 2, column 1 (days_since_signup): has a quote"),
        "{stderr}"
    );
    assert!(
        stderr.contains("line 4, column 2 (sessions_7d): must be a whole number (got \"x\")"),
        "{stderr}"
    );
    // Twenty 5 MB fields: one short message, not 100 MB on stderr.
    let field = "7".repeat(5 << 20);
    let huge = temp("huge-fields.csv");
    std::fs::write(&huge, format!("{HEADER}\n{}\n", vec![field; 20].join(","))).unwrap();
    let out = run(&["validate", huge.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        format!(
            "{}: the file does not meet the data contract (1 problem)\n  line 2: is longer than 1,024 bytes, more than any line of the contract needs: reading stopped here\n",
            huge.display()
        )
    );
}

#[cfg(target_os = "linux")]
#[test]
fn an_endless_line_is_refused_at_once() {
    let out = run(&["validate", "/dev/zero"], b"");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("line 1: is longer than 1,024 bytes"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn json_input_is_one_object_and_nothing_after_it() {
    let file = temp("params.json");
    let refused = |json: &str, needle: &str| {
        std::fs::write(&file, json).unwrap();
        let out = run(
            &[
                "generate",
                "--params",
                file.to_str().unwrap(),
                "--rows",
                "3",
            ],
            b"",
        );
        assert_eq!(out.status.code(), Some(1), "{json}");
        assert!(
            text(&out.stderr).contains(needle),
            "{json}: {}",
            text(&out.stderr)
        );
    };
    refused(
        r#"[1,3,"7"]"#,
        "must be an object with named fields (got a list)",
    );
    refused(
        r#"{"rows":2}{"rows":999999999}"#,
        "is not valid JSON: trailing characters",
    );
    refused(
        &("[".repeat(10_000) + &"]".repeat(10_000)),
        "is nested more than 16 levels deep",
    );
    std::fs::write(&file, "\u{feff}{\"rows\": 2}").unwrap();
    let out = run(&["generate", "--params", file.to_str().unwrap()], b"");
    assert!(out.status.success(), "a BOM is fine: {}", text(&out.stderr));
    assert_eq!(text(&out.stdout).lines().count(), 3);
}
