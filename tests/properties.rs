//! Property tests of the round trips the fuzz targets in `fuzz/` explore at
//! length: parameters → generate → CSV → read back, any chunking and any
//! tolerated spelling of the same users, arbitrary bytes never panicking the
//! reader, and model files. A few dozen cases of at most a thousand rows.
// Native only: the wasm build has its own tests (tests/wasm_*.rs).
#![cfg(not(target_arch = "wasm32"))]

use conversion_playground::artifact::ModelArtifact;
use conversion_playground::decide::bands::Thresholds;
use conversion_playground::model::{fit, FitParams};
use conversion_playground::scoring::{score, user_from_json};
use conversion_playground::world::contract::Tier;
use conversion_playground::world::csv_read::{parse_csv, CsvLimits, CsvReader};
use conversion_playground::world::csv_write::to_csv;
use conversion_playground::world::dataset::Dataset;
use conversion_playground::world::generator::generate;
use conversion_playground::world::params::{GeneratorParams, Seed};
use conversion_playground::world::summary::{Summary, SummaryBuilder};
use proptest::prelude::*;

/// Valid generator parameters of at most 1,000 users.
fn params() -> impl Strategy<Value = GeneratorParams> {
    (
        (1u64..=1_000, any::<u64>(), -6.0..6.0f64, 0.0..3.0f64),
        prop::array::uniform5(-2.0..2.0f64),
        (0.0..1.0f64, 0.0..1.0f64, 0.0..1.0f64),
        (1u32..200, 0u32..200),
        (0.0..30.0f64, 0.1..10.0f64, 0.1..10.0f64),
    )
        .prop_map(
            |((rows, seed, baseline, sigma), w, (a, b, c), (min, span), (lambda, shape, scale))| {
                let mut p = GeneratorParams {
                    rows,
                    seed: Seed(seed),
                    baseline,
                    noise_sigma: sigma,
                    ..Default::default()
                };
                p.weights.days_since_signup = w[0];
                p.weights.sessions_7d = w[1];
                p.weights.content_hours_7d = w[2];
                p.weights.downloads_7d = w[3];
                p.weights.paywall_views_7d = w[4];
                // A mix with exact zeros now and then (the shares' edge case).
                let total = a + b + c;
                let (a, b) = if total < 0.05 {
                    (1.0, 0.0)
                } else {
                    (a / total, b / total)
                };
                let zero = |x: f64| if x < 0.1 { 0.0 } else { x };
                let (a, b) = (zero(a), zero(b));
                p.tier_mix.tier_1 = a;
                p.tier_mix.tier_2 = b;
                p.tier_mix.tier_3 = (1.0 - a - b).max(0.0);
                p.distributions.days_since_signup.min = min;
                p.distributions.days_since_signup.max = min + span;
                p.distributions.sessions_7d.lambda = lambda;
                p.distributions.content_hours_7d.shape = shape;
                p.distributions.content_hours_7d.scale = scale;
                p
            },
        )
}

/// The users' CSV, spelled as other tools may write it: line ends (LF,
/// CRLF, lone CR), `Tier_N`, hours with fewer decimals, quoted fields.
fn respelled(data: &Dataset, style: &[u8]) -> Vec<u8> {
    let text = String::from_utf8(to_csv(data)).unwrap();
    let mut out = String::from("\u{feff}");
    for (i, line) in text.lines().enumerate() {
        let s = style[i % style.len()];
        let mut fields: Vec<String> = line.split(',').map(str::to_string).collect();
        if i > 0 {
            if s & 1 != 0 {
                fields[5] = fields[5].replacen('t', "T", 1);
            }
            if s & 2 != 0 {
                let hours = fields[2]
                    .trim_end_matches('0')
                    .trim_end_matches('.')
                    .to_string();
                fields[2] = hours;
            }
            if s & 4 != 0 {
                fields[0] = format!("\"{}\"", fields[0]);
            }
        }
        out += &fields.join(",");
        out += match s >> 3 & 3 {
            0 => "\n",
            1 => "\r\n",
            2 => "\r",
            _ => "\n\n",
        };
    }
    out.into_bytes()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn generated_users_read_back_exactly_however_spelled_and_chunked(
        p in params(),
        style in prop::collection::vec(any::<u8>(), 1..8),
        chunk in 1usize..5_000,
    ) {
        let valid = p.validate(1_000).unwrap();
        let mut data = generate(&valid);
        data.latent = None;
        for (share, tier) in [(p.tier_mix.tier_1, Tier::Tier1), (p.tier_mix.tier_2, Tier::Tier2), (p.tier_mix.tier_3, Tier::Tier3)] {
            if share == 0.0 {
                prop_assert!(!data.country_tier.contains(&tier), "{tier} has share 0");
            }
        }
        let csv = to_csv(&data);
        prop_assert_eq!(&parse_csv(&csv, 1_000).unwrap(), &data);
        let bytes = respelled(&data, &style);
        let mut back = Dataset::default();
        let mut summary = SummaryBuilder::default();
        let mut reader = CsvReader::new(CsvLimits::rows(1_000));
        let mut again = CsvReader::new(CsvLimits::rows(1_000));
        for piece in bytes.chunks(chunk) {
            reader.feed(piece, &mut back);
            again.feed(piece, &mut summary);
        }
        prop_assert_eq!(reader.finish(&mut back).unwrap(), data.len() as u64);
        again.finish(&mut summary).unwrap();
        prop_assert_eq!(&back, &data);
        prop_assert_eq!(summary.finish(), Summary::of(&data));
    }

    #[test]
    fn any_bytes_are_read_or_refused_never_a_panic(
        bytes in prop::collection::vec(prop::sample::select(b"0123456789,.\"\r\n-tTier_x\xef\xbb\xbf".to_vec()), 0..600),
        chunk in 1usize..64,
    ) {
        let mut file = b"days_since_signup,sessions_7d,content_hours_7d,downloads_7d,paywall_views_7d,country_tier,converted\n".to_vec();
        file.extend_from_slice(&bytes);
        let limits = CsvLimits { max_rows: 50, max_line_bytes: 64 };
        let mut data = Dataset::default();
        let mut reader = CsvReader::new(limits);
        for piece in file.chunks(chunk) {
            if !reader.feed(piece, &mut data) {
                break;
            }
        }
        match reader.finish(&mut data) {
            Ok(rows) => {
                prop_assert_eq!(rows, data.len() as u64);
                prop_assert_eq!(parse_csv(&to_csv(&data), 50).unwrap(), data);
            }
            Err(e) => {
                prop_assert!(e.total >= e.problems.len() && !e.problems.is_empty());
                prop_assert!(e.to_string().len() < 20 * 400, "messages stay short");
            }
        }
    }

    #[test]
    fn model_files_round_trip_and_score_every_user_finitely(
        rows in 60u64..1_000,
        seed in any::<u64>(),
        user in (1u32..100_000, 0u32..1_000, 0.0..1e6f64, 0u32..1_000, 0u32..1_000, 0usize..3),
    ) {
        let valid = GeneratorParams { rows, seed: Seed(seed), ..Default::default() }.validate(1_000).unwrap();
        let data = generate(&valid);
        let (model, _) = fit(&data, &FitParams::default()).unwrap();
        let artifact = ModelArtifact::new(&model, &FitParams::default(), Thresholds::default(), Some(Seed(seed)), None);
        let back = ModelArtifact::from_json(&artifact.to_json()).unwrap();
        prop_assert_eq!(&back, &artifact);
        let tier = ["tier_1", "Tier_2", "tier_3"][user.5];
        let json = serde_json::json!({
            "days_since_signup": user.0, "sessions_7d": user.1, "content_hours_7d": user.2,
            "downloads_7d": user.3, "paywall_views_7d": user.4, "country_tier": tier,
        });
        let x = user_from_json(&json).unwrap();
        let s = score(&back.coefficient_array(), back.intercept, &back.thresholds, &x);
        prop_assert!(s.score.is_finite() && (0.0..=1.0).contains(&s.probability));
        let pushes: f64 = s.contributions.iter().map(|c| c.contribution).sum();
        prop_assert!((s.intercept + pushes - s.score).abs() <= 1e-9 * (1.0 + s.score.abs()));
    }
}
