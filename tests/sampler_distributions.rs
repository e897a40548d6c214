//! Each sampler against its distribution: Pearson chi-square tests at a
//! million draws, with reference probabilities from statrs (its own Poisson
//! pmf, Gamma and normal CDFs), not from the code under test.
//!
//! A test passes when p > [`PASS`]. Seeds are fixed, so the outcome is
//! deterministic; the p-values measured here are written beside each test.
//! Each test also runs the same draws against a slightly wrong distribution
//! (a parameter 2% off, an off-by-one range) and requires p < [`REJECT`]:
//! the test can tell, so a pass means something.
// Native only: the wasm build has its own tests (tests/wasm_*.rs).
#![cfg(not(target_arch = "wasm32"))]

#[path = "support/chi_square.rs"]
mod chi_square;

use std::sync::OnceLock;

use chi_square::{from_cdf, goodness_of_fit, histogram, p_value, GoodnessOfFit};
use conversion_playground::world::contract::{Tier, MAX_ROWS_IN_MEMORY};
use conversion_playground::world::dataset::Dataset;
use conversion_playground::world::generator::generate;
use conversion_playground::world::params::{GeneratorParams, Seed};
use conversion_playground::world::sampling::{stream, streams, Count};
use statrs::distribution::{ContinuousCDF, Discrete, Gamma, Normal, Poisson};

/// A correct sampler passes: the chance of a smaller p-value is 1 in 10,000.
const PASS: f64 = 1e-4;
/// A wrong distribution must be rejected far below that.
const REJECT: f64 = 1e-9;
const DRAWS: usize = 1_000_000;

/// A million users at the contract's defaults, generated once for the file.
fn million() -> &'static Dataset {
    static DATA: OnceLock<Dataset> = OnceLock::new();
    DATA.get_or_init(|| {
        generate(
            &GeneratorParams {
                rows: DRAWS as u64,
                seed: Seed(2024),
                ..Default::default()
            }
            .validate(MAX_ROWS_IN_MEMORY)
            .unwrap(),
        )
    })
}

/// Asserts the draws fit (`right`) and do not fit a wrong distribution.
fn fits(what: &str, right: GoodnessOfFit, wrong: GoodnessOfFit) {
    println!(
        "{what}: p = {:.4} (χ² {:.1}, df {}); wrong distribution p = {:.3e} (χ² {:.1})",
        right.p_value, right.statistic, right.df, wrong.p_value, wrong.statistic
    );
    assert!(
        right.p_value > PASS,
        "{what} does not follow its distribution: χ² = {:.1} on {} df, p = {:.3e}",
        right.statistic,
        right.df,
        right.p_value
    );
    assert!(
        wrong.p_value < REJECT,
        "{what}: the test cannot tell a wrong distribution (p = {:.3e})",
        wrong.p_value
    );
}

/// The category of `value` among those split at `upper_edges` (increasing):
/// category i holds (edge i−1, edge i], the last one everything above.
fn category(upper_edges: &[f64], value: f64) -> usize {
    upper_edges.partition_point(|&edge| edge < value)
}

/// P(X = 0), … P(X = last), P(X > last) for Poisson(λ).
fn poisson_probabilities(lambda: f64, last: usize) -> Vec<f64> {
    let poisson = Poisson::new(lambda).unwrap();
    let mut p: Vec<f64> = (0..=last as u64).map(|k| poisson.pmf(k)).collect();
    let tail = 1.0 - p.iter().sum::<f64>();
    p.push(tail.max(0.0));
    p
}

/// Poisson counts against Poisson(λ) and Poisson(λ × `off`).
fn poisson_fits(what: &str, counts: &[u32], lambda: f64, off: f64) {
    let last = *counts.iter().max().unwrap() as usize;
    let mut observed = histogram(counts.iter().map(|&c| c as usize), last);
    observed.push(0); // nothing above the largest draw
    fits(
        what,
        goodness_of_fit(&observed, &poisson_probabilities(lambda, last)),
        goodness_of_fit(&observed, &poisson_probabilities(lambda * off, last)),
    );
}

#[test]
fn chi_square_p_values_match_published_tables() {
    // Critical values of the chi-square distribution (NIST/SEMATECH
    // e-Handbook, table 1.3.6.7.4; Abramowitz & Stegun table 26.8): the
    // statistic exceeded with probability 0.05, 0.01 or 0.001.
    for (statistic, df, upper_tail) in [
        (3.841, 1, 0.05),
        (6.635, 1, 0.01),
        (5.991, 2, 0.05),
        (18.307, 10, 0.05),
        (23.209, 10, 0.01),
        (29.588, 10, 0.001),
        (124.342, 100, 0.05),
        (135.807, 100, 0.01),
    ] {
        let p = p_value(statistic, df);
        assert!(
            ((p - upper_tail) / upper_tail).abs() < 1e-3,
            "χ²({df}) ≥ {statistic}: {p}, tables say {upper_tail}"
        );
    }
    // With 2 degrees of freedom the tail is exactly e^(−x/2).
    for x in [0.5, 4.0, 18.420_680_743_952_367, 60.0] {
        let p = p_value(x, 2);
        assert!(((p - (-x / 2.0f64).exp()) / p).abs() < 1e-12, "{x}: {p}");
    }
    // Pooling: a category expecting fewer than 5 joins its neighbour.
    let fit = goodness_of_fit(&[10, 1, 9, 0], &[0.5, 0.02, 0.47, 0.01]);
    assert_eq!(fit.df, 1, "{fit:?}");
}

// Measured (seed 2024): p = 0.99; uniform on 1..=60 instead: χ² = 16,984,
// p below f64's range.
#[test]
fn days_since_signup_is_uniform_on_its_range() {
    let days = &million().days_since_signup;
    let observed = histogram(days.iter().map(|&d| d as usize - 1), 58);
    let right = vec![1.0 / 59.0; 59];
    // The classic off-by-one: a range one day too wide.
    let mut observed_wide = observed.clone();
    observed_wide.push(0);
    fits(
        "days_since_signup ~ uniform 1..=59",
        goodness_of_fit(&observed, &right),
        goodness_of_fit(&observed_wide, &[1.0 / 60.0; 60]),
    );
}

// Measured (seed 2024): sessions p = 0.0068, downloads p = 0.30, paywall
// views p = 0.70; λ 2% too high: p = 3e-258, 6e-95, 5e-95. (The low-ish
// sessions p is this seed's luck: the table sampler at λ = 3, 1 and 1.2 with
// 20 seeds of 5,000,000 draws each gave p-values spread evenly from 0.005 to
// 0.98, as a correct sampler's must be.)
/// The generator's count columns, each drawn by `Count`'s guide table from
/// its own stream.
#[test]
fn poisson_columns_follow_the_poisson_pmf() {
    let data = million();
    poisson_fits("sessions_7d ~ Poisson(3)", &data.sessions_7d, 3.0, 1.02);
    poisson_fits("downloads_7d ~ Poisson(1)", &data.downloads_7d, 1.0, 1.02);
    poisson_fits(
        "paywall_views_7d ~ Poisson(1.2)",
        &data.paywall_views_7d,
        1.2,
        1.02,
    );
}

// Measured: λ = 0.05 p = 0.77, 50 p = 0.041, 10,000 (the largest table,
// searched by the loop) p = 0.26, 20,000 (rejection) p = 0.55; with λ off
// (10%, 2%, and 0.5% for the two largest: 50 and 100 counts, under one
// standard deviation) p = 4e-103, and below f64's range for the others.
#[test]
fn the_count_sampler_follows_the_pmf_at_every_lambda() {
    for (lambda, off, seed) in [
        (0.05, 1.1, 1), // a 2% shift of so small a mean is 4.5 SE: too close
        (50.0, 1.02, 2),
        (10_000.0, 1.005, 3),
        (20_000.0, 1.005, 4),
    ] {
        let sampler = Count::new(lambda);
        let mut rng = stream(seed, streams::SESSIONS_7D);
        let counts: Vec<u32> = (0..DRAWS).map(|_| sampler.sample(&mut rng)).collect();
        poisson_fits(&format!("Count::new({lambda})"), &counts, lambda, off);
    }
}

// Measured (seed 2024): p = 0.63; scale 2% too large: p = 2e-29. Binned
// finer than the rounding (0.005 wide), the right Gamma fails: half the bins
// are empty. At a million draws the test cannot tell rounding from
// truncation to hundredths (a shift of 0.005 hours: p = 0.30 when the
// rounded hours are binned as truncated ones); the stream pins in
// tests/streams.rs fix the exact values.
#[test]
fn content_hours_follow_the_gamma_rounded_to_hundredths() {
    let hours = &million().content_hours_7d;
    let gamma = |shape: f64, scale: f64| Gamma::new(shape, 1.0 / scale).unwrap();
    // A value k/100 is every raw draw in [k·0.01 − 0.005, k·0.01 + 0.005).
    let cents = |h: f64| (h * 100.0).round() as usize;
    let last = hours.iter().map(|&h| cents(h)).max().unwrap();
    let mut observed = histogram(hours.iter().map(|&h| cents(h)), last);
    observed.push(0); // nothing above the largest draw
    let on_the_grid = |g: Gamma| from_cdf((0..=last).map(|k| g.cdf(k as f64 / 100.0 + 0.005)));
    fits(
        "content_hours_7d ~ Gamma(2, 1.5) rounded to 0.01",
        goodness_of_fit(&observed, &on_the_grid(gamma(2.0, 1.5))),
        goodness_of_fit(&observed, &on_the_grid(gamma(2.0, 1.5 * 1.02))),
    );

    // Bins half as wide, edges between the hundredths: as if the hours were
    // continuous.
    let edges: Vec<f64> = (0..=2 * last).map(|k| k as f64 / 200.0 + 0.0025).collect();
    let mut observed = vec![0u64; edges.len() + 1];
    for &h in hours {
        observed[category(&edges, h)] += 1;
    }
    let g = gamma(2.0, 1.5);
    let continuous = goodness_of_fit(&observed, &from_cdf(edges.iter().map(|&e| g.cdf(e))));
    println!(
        "binned finer than the rounding: p = {:.3e}",
        continuous.p_value
    );
    assert!(continuous.p_value < REJECT, "{continuous:?}");
}

// Measured (seed 2024): p = 0.36; tier_1 2% more likely: p = 3e-56.
#[test]
fn country_tier_follows_the_tier_mix() {
    let observed = histogram(
        million().country_tier.iter().map(|t| t.index()),
        Tier::ALL.len() - 1,
    );
    fits(
        "country_tier ~ 35% / 40% / 25%",
        goodness_of_fit(&observed, &[0.35, 0.40, 0.25]),
        goodness_of_fit(&observed, &[0.357, 0.393, 0.25]),
    );
}

// Measured (seed 2024): z p = 0.42, σ 2% too large: p = 2e-109; u p = 0.88,
// the CDF u^1.02 instead: p = 1e-18.
#[test]
fn noise_is_standard_normal_and_label_draws_uniform() {
    let latent = million().latent.as_ref().unwrap();
    // Bins 0.05 wide from −6 to 6, and the two tails.
    let edges: Vec<f64> = (0..=240).map(|k| -6.0 + k as f64 * 0.05).collect();
    let mut observed = vec![0u64; edges.len() + 1];
    for &z in &latent.noise_z {
        observed[category(&edges, z)] += 1;
    }
    let normal = |sd: f64| {
        let n = Normal::new(0.0, sd).unwrap();
        from_cdf(edges.iter().map(|&e| n.cdf(e)))
    };
    fits(
        "noise z ~ Normal(0, 1)",
        goodness_of_fit(&observed, &normal(1.0)),
        goodness_of_fit(&observed, &normal(1.02)),
    );

    let edges: Vec<f64> = (1..1000).map(|k| k as f64 / 1000.0).collect();
    let mut observed = vec![0u64; edges.len() + 1];
    for &u in &latent.label_draw {
        assert!((0.0..1.0).contains(&u), "{u}");
        observed[category(&edges, u)] += 1;
    }
    fits(
        "label draw u ~ Uniform[0, 1)",
        goodness_of_fit(&observed, &from_cdf(edges.iter().copied())),
        goodness_of_fit(&observed, &from_cdf(edges.iter().map(|&e| e.powf(1.02)))),
    );
}
