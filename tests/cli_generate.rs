//! The `conversion` CLI: generate and validate, as a person runs them.
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

/// The users of a generated CSV, column by column.
#[derive(Clone, Debug, PartialEq)]
struct Users {
    days_since_signup: Vec<u32>,
    sessions_7d: Vec<u32>,
    content_hours_7d: Vec<f64>,
    downloads_7d: Vec<u32>,
    paywall_views_7d: Vec<u32>,
    /// 0, 1, 2 for tier_1, tier_2, tier_3.
    country_tier: Vec<usize>,
    converted: Vec<bool>,
    /// An experiment CSV's arms (all false in a contract CSV).
    treated: Vec<bool>,
}

/// Users in each run of the every-flag test.
const FLAG_ROWS: usize = 20_000;

impl Users {
    /// `conversion generate --rows FLAG_ROWS` with `args` (seed 42).
    fn generate(args: &[&str]) -> Users {
        let rows = FLAG_ROWS.to_string();
        let mut all = vec!["generate", "--rows", rows.as_str()];
        all.extend(args);
        let out = conversion(&all);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        let text = String::from_utf8(out.stdout).unwrap();
        let mut users = Users {
            days_since_signup: Vec::new(),
            sessions_7d: Vec::new(),
            content_hours_7d: Vec::new(),
            downloads_7d: Vec::new(),
            paywall_views_7d: Vec::new(),
            country_tier: Vec::new(),
            converted: Vec::new(),
            treated: Vec::new(),
        };
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            users.days_since_signup.push(f[0].parse().unwrap());
            users.sessions_7d.push(f[1].parse().unwrap());
            users.content_hours_7d.push(f[2].parse().unwrap());
            users.downloads_7d.push(f[3].parse().unwrap());
            users.paywall_views_7d.push(f[4].parse().unwrap());
            let tier = ["tier_1", "tier_2", "tier_3"]
                .iter()
                .position(|t| *t == f[5]);
            users.country_tier.push(tier.unwrap());
            users.converted.push(f[6] == "1");
            users.treated.push(f.get(7) == Some(&"1"));
        }
        assert_eq!(users.converted.len(), FLAG_ROWS);
        users
    }

    /// Each feature column by name, as numbers.
    fn columns(&self) -> [(&'static str, Vec<f64>); 6] {
        let int = |v: &[u32]| v.iter().map(|&x| f64::from(x)).collect();
        [
            ("days_since_signup", int(&self.days_since_signup)),
            ("sessions_7d", int(&self.sessions_7d)),
            ("content_hours_7d", self.content_hours_7d.clone()),
            ("downloads_7d", int(&self.downloads_7d)),
            ("paywall_views_7d", int(&self.paywall_views_7d)),
            (
                "country_tier",
                self.country_tier.iter().map(|&t| t as f64).collect(),
            ),
        ]
    }

    fn rate(&self) -> f64 {
        self.converted.iter().filter(|&&c| c).count() as f64 / self.converted.len() as f64
    }
}

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let v: Vec<f64> = values.collect();
    v.iter().sum::<f64>() / v.len() as f64
}

/// Users whose label went 0 → 1 and 1 → 0 between `base` and `moved`.
fn flips(base: &Users, moved: &Users) -> (Vec<usize>, Vec<usize>) {
    let ups = (0..FLAG_ROWS)
        .filter(|&i| !base.converted[i] && moved.converted[i])
        .collect();
    let downs = (0..FLAG_ROWS)
        .filter(|&i| base.converted[i] && !moved.converted[i])
        .collect();
    (ups, downs)
}

/// Which way a score flag moves labels.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Direction {
    /// A higher score for some users: only 0 → 1.
    Up,
    /// A lower score for some users: only 1 → 0.
    Down,
    /// Each user's score moves their own way (σ scales their own noise).
    Both,
}

/// A score flag (b0, σ, a weight, a tier effect): the same users (every
/// feature column identical, common random numbers), and labels flip only
/// for users `who` the parameter touches, only in `direction`. Returns the
/// moved users.
fn labels_move(
    base: &Users,
    args: &[&str],
    who: impl Fn(&Users, usize) -> bool,
    direction: Direction,
) -> Users {
    let moved = Users::generate(args);
    for ((name, a), (_, b)) in base.columns().iter().zip(moved.columns().iter()) {
        assert!(a == b, "{args:?} must keep every user's {name}");
    }
    let (ups, downs) = flips(base, &moved);
    for &i in ups.iter().chain(&downs) {
        assert!(
            who(base, i),
            "{args:?} flipped user {i}, whom it does not touch"
        );
    }
    let (want_ups, want_downs) = match direction {
        Direction::Up => (true, false),
        Direction::Down => (false, true),
        Direction::Both => (true, true),
    };
    for (want, got, what) in [(want_ups, &ups, "0 → 1"), (want_downs, &downs, "1 → 0")] {
        if want {
            assert!(got.len() >= 20, "{args:?}: only {} flips {what}", got.len());
        } else {
            assert!(got.is_empty(), "{args:?}: {} flips {what}", got.len());
        }
    }
    moved
}

/// A distribution flag: only `column` changes (for some users), every other
/// feature stays, and a label changes only where that user's own value did
/// (their noise and label draws are theirs). Returns the moved users.
fn column_moves(base: &Users, args: &[&str], column: &str) -> Users {
    let moved = Users::generate(args);
    let (before, after) = (base.columns(), moved.columns());
    let mut changed = Vec::new();
    for ((name, a), (_, b)) in before.iter().zip(after.iter()) {
        if *name == column {
            changed = a.iter().zip(b).map(|(x, y)| x != y).collect();
        } else {
            assert!(a == b, "{args:?} must keep every user's {name}");
        }
    }
    let users = changed.iter().filter(|&&c| c).count();
    assert!(users > 100, "{args:?} changed {column} for {users} users");
    for (i, &own_value_moved) in changed.iter().enumerate() {
        if base.converted[i] != moved.converted[i] {
            assert!(
                own_value_moved,
                "{args:?} flipped user {i}, whose {column} stayed"
            );
        }
    }
    moved
}

/// `got` within `tolerance` of `want`.
fn near(what: &str, got: f64, want: f64, tolerance: f64) {
    assert!(
        (got - want).abs() <= tolerance,
        "{what}: {got}, expected {want} ± {tolerance}"
    );
}

#[test]
fn every_flag_moves_its_own_column_or_the_labels_the_expected_way() {
    // Seed 42 at the contract's defaults: b0 0, σ 0.8, weights days −0.02,
    // sessions 0.30, hours 0.25, downloads 0.50, paywall views 0.40, tier
    // effects 0.8 / 0.3 / −0.2. Statistical tolerances are about 5 standard
    // errors at 20,000 users.
    let base = Users::generate(&[]);
    let n = FLAG_ROWS as f64;
    let mut covered = vec!["--rows", "--seed"];
    let all = |_: &Users, _: usize| true;

    // The score. b0 down lowers every user's score.
    covered.push("--baseline");
    let moved = labels_move(&base, &["--baseline", "-2"], all, Direction::Down);
    assert!(moved.rate() < base.rate() - 0.2, "{}", moved.rate());
    // More noise pushes each user their own way, and the rate towards 50%.
    covered.push("--noise-sigma");
    let moved = labels_move(&base, &["--noise-sigma", "2"], all, Direction::Both);
    assert!((moved.rate() - 0.5).abs() < (base.rate() - 0.5).abs());
    // Every account is at least a day old: a more negative weight lowers
    // every score, the oldest accounts' most.
    covered.push("--weight-days-since-signup");
    let moved = labels_move(
        &base,
        &["--weight-days-since-signup", "-0.1"],
        all,
        Direction::Down,
    );
    let (_, downs) = flips(&base, &moved);
    let flipped_age = mean(downs.iter().map(|&i| f64::from(base.days_since_signup[i])));
    let age = mean(base.days_since_signup.iter().map(|&d| f64::from(d)));
    assert!(flipped_age > age + 5.0, "{flipped_age} vs {age}");
    // A signal's weight moves only users with that signal above 0.
    for (flag, value, direction, has_signal) in [
        (
            "--weight-sessions-7d",
            "0.1",
            Direction::Down,
            (|u: &Users, i: usize| u.sessions_7d[i] > 0) as fn(&Users, usize) -> bool,
        ),
        ("--weight-content-hours-7d", "0.5", Direction::Up, |u, i| {
            u.content_hours_7d[i] > 0.0
        }),
        ("--weight-downloads-7d", "0.1", Direction::Down, |u, i| {
            u.downloads_7d[i] > 0
        }),
        (
            "--weight-paywall-views-7d",
            "0.1",
            Direction::Down,
            |u, i| u.paywall_views_7d[i] > 0,
        ),
    ] {
        covered.push(flag);
        labels_move(&base, &[flag, value], has_signal, direction);
    }
    // A tier effect moves only that tier's users.
    for (flag, value, tier) in [
        ("--tier-1-effect", "-1", 0),
        ("--tier-2-effect", "-1", 1),
        ("--tier-3-effect", "-2", 2),
    ] {
        covered.push(flag);
        labels_move(
            &base,
            &[flag, value],
            |u, i| u.country_tier[i] == tier,
            Direction::Down,
        );
    }

    // The distributions: each moves its own column.
    covered.extend(["--days-min", "--days-max"]);
    let moved = column_moves(&base, &["--days-min", "5"], "days_since_signup");
    assert_eq!(moved.days_since_signup.iter().min(), Some(&5));
    assert_eq!(moved.days_since_signup.iter().max(), Some(&59));
    let moved = column_moves(&base, &["--days-max", "30"], "days_since_signup");
    assert_eq!(moved.days_since_signup.iter().min(), Some(&1));
    assert_eq!(moved.days_since_signup.iter().max(), Some(&30));
    // Counts are drawn by inverting the Poisson CDF at each user's own
    // uniform: a larger λ never lowers anyone's count.
    type Counts = fn(&Users) -> &Vec<u32>;
    for (flag, column, counts) in [
        (
            "--sessions-lambda",
            "sessions_7d",
            (|u: &Users| &u.sessions_7d) as Counts,
        ),
        ("--downloads-lambda", "downloads_7d", |u| &u.downloads_7d),
        ("--paywall-views-lambda", "paywall_views_7d", |u| {
            &u.paywall_views_7d
        }),
    ] {
        covered.push(flag);
        let moved = column_moves(&base, &[flag, "5"], column);
        let (before, after) = (counts(&base), counts(&moved));
        assert!((0..FLAG_ROWS).all(|i| after[i] >= before[i]), "{flag}");
        let m = mean(after.iter().map(|&c| f64::from(c)));
        near(&format!("{flag} 5: mean"), m, 5.0, 5.0 * (5.0 / n).sqrt());
    }
    covered.extend(["--content-hours-shape", "--content-hours-scale"]);
    let moved = column_moves(&base, &["--content-hours-shape", "3"], "content_hours_7d");
    // Gamma(3, 1.5): mean 4.5, standard deviation 1.5·√3.
    let m = mean(moved.content_hours_7d.iter().copied());
    near(
        "shape 3: mean hours",
        m,
        4.5,
        5.0 * 1.5 * 3f64.sqrt() / n.sqrt(),
    );
    // The scale multiplies each user's own draw: at scale 1 every user
    // watches 1/1.5 of their hours at 1.5, up to the rounding to hundredths.
    let moved = column_moves(&base, &["--content-hours-scale", "1"], "content_hours_7d");
    for i in 0..FLAG_ROWS {
        let (before, after) = (base.content_hours_7d[i], moved.content_hours_7d[i]);
        assert!(
            (after - before / 1.5).abs() <= 0.005 + 0.005 / 1.5 + 1e-9,
            "user {i}: {before} hours at scale 1.5, {after} at scale 1"
        );
    }
    // The tier is the user's own uniform against the cumulative mix: with
    // cuts at 0.5 and 0.8 instead of 0.35 and 0.75 no user moves to a
    // higher tier number.
    covered.extend(["--tier-1-share", "--tier-2-share", "--tier-3-share"]);
    let moved = column_moves(
        &base,
        &[
            "--tier-1-share",
            "0.5",
            "--tier-2-share",
            "0.3",
            "--tier-3-share",
            "0.2",
        ],
        "country_tier",
    );
    for (tier, share) in [0.5, 0.3, 0.2].into_iter().enumerate() {
        let got = moved.country_tier.iter().filter(|&&t| t == tier).count() as f64 / n;
        near(
            &format!("tier_{} share", tier + 1),
            got,
            share,
            5.0 * (share * (1.0 - share) / n).sqrt(),
        );
    }
    assert!((0..FLAG_ROWS).all(|i| moved.country_tier[i] <= base.country_tier[i]));

    // The offer: the experiment CSV, the same users, and only treated
    // users' labels move, the way τ(x) pushes them.
    let offer_moves = |args: &[&str], touched: &dyn Fn(usize) -> bool, direction: Direction| {
        let moved = Users::generate(args);
        for ((name, a), (_, b)) in base.columns().iter().zip(moved.columns().iter()) {
            assert!(a == b, "{args:?} must keep every user's {name}");
        }
        let treated = moved.treated.iter().filter(|&&t| t).count() as f64;
        near("treated share", treated / n, 0.5, 5.0 * (0.25 / n).sqrt());
        let (ups, downs) = flips(&base, &moved);
        for &i in ups.iter().chain(&downs) {
            assert!(moved.treated[i] && touched(i), "{args:?} flipped user {i}");
        }
        let (up, down) = (direction != Direction::Down, direction != Direction::Up);
        assert_eq!(
            (ups.len() >= 20, downs.len() >= 20),
            (up, down),
            "{args:?}: {} up, {} down",
            ups.len(),
            downs.len()
        );
        assert_eq!((ups.is_empty(), downs.is_empty()), (!up, !down), "{args:?}");
        moved
    };
    covered.extend([
        "--offer-effect",
        "--offer-fatigue",
        "--offer-tier-1-effect",
        "--offer-tier-2-effect",
        "--offer-tier-3-effect",
    ]);
    let anyone = |_: usize| true;
    let treated_by_42 = offer_moves(&["--offer-effect", "1"], &anyone, Direction::Up);
    offer_moves(
        &["--offer-fatigue", "-0.5"],
        &|i| base.paywall_views_7d[i] > 0,
        Direction::Down,
    );
    offer_moves(
        &["--offer-tier-1-effect", "-1"],
        &|i| base.country_tier[i] == 0,
        Direction::Down,
    );
    offer_moves(
        &["--offer-tier-2-effect", "1"],
        &|i| base.country_tier[i] == 1,
        Direction::Up,
    );
    offer_moves(
        &["--offer-tier-3-effect", "1"],
        &|i| base.country_tier[i] == 2,
        Direction::Up,
    );
    // The share alone: an A/A test, nobody's label moves; the seed treats others.
    covered.extend(["--treated-share", "--assignment-seed"]);
    let aa = Users::generate(&["--treated-share", "0.2"]);
    assert_eq!(aa.converted, base.converted);
    let share = aa.treated.iter().filter(|&&t| t).count() as f64 / n;
    near("A/A treated share", share, 0.2, 5.0 * (0.16 / n).sqrt());
    let reseeded = offer_moves(
        &["--offer-effect", "1", "--assignment-seed", "7"],
        &anyone,
        Direction::Up,
    );
    let same = (0..FLAG_ROWS)
        .filter(|&i| reseeded.treated[i] == treated_by_42.treated[i])
        .count() as f64
        / n;
    near(
        "users in the same arm under two seeds",
        same,
        0.5,
        5.0 * (0.25 / n).sqrt(),
    );

    // Every parameter flag `generate --help` lists is checked above.
    let help = String::from_utf8(conversion(&["generate", "--help"]).stdout).unwrap();
    for flag in help
        .split_whitespace()
        .filter(|w| w.starts_with("--"))
        .map(|w| w.trim_end_matches(','))
    {
        let not_a_parameter = [
            "--output",
            "--params",
            "--print-params",
            "--help",
            "--version",
        ];
        assert!(
            covered.contains(&flag) || not_a_parameter.contains(&flag),
            "{flag} has no check in this test"
        );
    }
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

#[test]
fn a_random_seed_is_said_and_reproduces_the_data() {
    let draw = || {
        let out = conversion(&["generate", "--rows", "200", "--seed", "random"]);
        assert!(out.status.success(), "{}", stderr(&out));
        let said = stderr(&out);
        let seed = said
            .strip_prefix("seed ")
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("no seed on standard error: {said:?}"))
            .to_string();
        (seed, out.stdout)
    };
    let (seed, data) = draw();
    let again = conversion(&["generate", "--rows", "200", "--seed", &seed]);
    assert_eq!(again.stdout, data, "the printed seed gives the same bytes");
    let (other, _) = draw();
    assert_ne!(seed, other, "two draws give two seeds");
    refused(
        &["generate", "--seed", "rand"],
        "must be random or a whole number from 0 to 18,446,744,073,709,551,615 (got \"rand\")",
    );
}
