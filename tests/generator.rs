//! The generator against the contract: pinned output, common random numbers,
//! and the statistics of a million rows.
// Native only: the wasm build has its own tests (tests/wasm_*.rs).
#![cfg(not(target_arch = "wasm32"))]

#[path = "support/golden.rs"]
mod golden;

use conversion_playground::world::contract::{
    Tier, CONTRACT_VERSION, CSV_HEADER, MAX_ROWS_IN_MEMORY,
};
use conversion_playground::world::csv_write::{to_csv, write_header, write_rows};
use conversion_playground::world::dataset::{Dataset, Latent};
use conversion_playground::world::generator::{generate, Generator};
use conversion_playground::world::params::{GeneratorParams, Seed, ValidParams};
use sha2::{Digest, Sha256};

fn params(rows: u64, seed: u64) -> GeneratorParams {
    GeneratorParams {
        rows,
        seed: Seed(seed),
        ..Default::default()
    }
}

fn valid(p: &GeneratorParams) -> ValidParams {
    p.validate(MAX_ROWS_IN_MEMORY).unwrap()
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn value_stability_rows_5000_seed_42() {
    assert_eq!(
        CONTRACT_VERSION, 1,
        "a new contract version needs new pinned hashes"
    );
    let csv = to_csv(&generate(&valid(&params(5000, 42))));
    assert!(csv.starts_with(format!("{CSV_HEADER}\n{}", golden::FIRST_ROWS_SEED_42).as_bytes()));
    assert_eq!(sha256_hex(&csv), golden::CSV_ROWS_5000_SEED_42_SHA256);
    let top = to_csv(&generate(&valid(&params(5000, u64::MAX))));
    assert_eq!(sha256_hex(&top), golden::CSV_ROWS_5000_SEED_MAX_SHA256);
    let million = to_csv(&generate(&valid(&params(1_000_000, 42))));
    assert_eq!(sha256_hex(&million), golden::CSV_ROWS_1M_SEED_42_SHA256);
}

#[test]
fn chunked_and_in_memory_generation_agree() {
    // Chunks of 7 users, a scratch dataset cleared between them, as the CLI
    // streams: the same bytes as one generation in memory.
    let p = valid(&params(3000, 7));
    let mut streamed = Vec::new();
    write_header(&mut streamed);
    let mut generator = Generator::new(&p);
    let (mut chunk, mut latent) = (Dataset::default(), Latent::default());
    while generator.remaining() > 0 {
        chunk.clear();
        latent.clear();
        generator.fill(7, &mut chunk, &mut latent);
        write_rows(&mut streamed, &chunk);
    }
    assert_eq!(streamed, to_csv(&generate(&p)));
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let a = to_csv(&generate(&valid(&params(2000, 9))));
    let b = to_csv(&generate(&valid(&params(2000, 9))));
    let c = to_csv(&generate(&valid(&params(2000, 10))));
    assert_eq!(a, b);
    assert_ne!(a, c);
    // A prefix of users does not depend on how many follow.
    let short = to_csv(&generate(&valid(&params(500, 9))));
    assert!(a.starts_with(&short));
}

fn features_equal(a: &Dataset, b: &Dataset) -> bool {
    a.days_since_signup == b.days_since_signup
        && a.sessions_7d == b.sessions_7d
        && a.content_hours_7d == b.content_hours_7d
        && a.downloads_7d == b.downloads_7d
        && a.paywall_views_7d == b.paywall_views_7d
        && a.country_tier == b.country_tier
}

#[test]
fn moving_a_weight_flips_only_labels_whose_probability_crossed_the_draw() {
    let base = params(20_000, 3);
    let mut raised = base.clone();
    raised.weights.downloads_7d = 0.8;
    let (a, b) = (generate(&valid(&base)), generate(&valid(&raised)));
    assert!(
        features_equal(&a, &b),
        "the users themselves must stay the same people"
    );
    let (la, lb) = (a.latent.as_ref().unwrap(), b.latent.as_ref().unwrap());
    assert_eq!(la.noise_z, lb.noise_z);
    assert_eq!(la.label_draw, lb.label_draw);
    let mut flipped = 0;
    for i in 0..a.len() {
        let u = la.label_draw[i];
        let crossed = (u < la.probability[i]) != (u < lb.probability[i]);
        assert_eq!(a.converted[i] != b.converted[i], crossed, "user {i}");
        if a.converted[i] != b.converted[i] {
            flipped += 1;
            // A larger positive weight can only push users with downloads up.
            assert!(
                b.converted[i] && !a.converted[i] && a.downloads_7d[i] > 0,
                "user {i}"
            );
        }
    }
    assert!(
        flipped > 100,
        "raising a weight should convert some users (flipped {flipped})"
    );
}

#[test]
fn changing_one_distribution_changes_that_column_and_labels_only() {
    let base = params(20_000, 5);
    let mut changed = base.clone();
    changed.distributions.sessions_7d.lambda = 6.0;
    let (a, b) = (generate(&valid(&base)), generate(&valid(&changed)));
    assert_ne!(a.sessions_7d, b.sessions_7d);
    assert_eq!(a.days_since_signup, b.days_since_signup);
    assert_eq!(a.content_hours_7d, b.content_hours_7d);
    assert_eq!(a.downloads_7d, b.downloads_7d);
    assert_eq!(a.paywall_views_7d, b.paywall_views_7d);
    assert_eq!(a.country_tier, b.country_tier);
    let (la, lb) = (a.latent.as_ref().unwrap(), b.latent.as_ref().unwrap());
    assert_eq!(la.noise_z, lb.noise_z);
    assert_eq!(la.label_draw, lb.label_draw);
    assert_ne!(a.converted, b.converted);

    let mut remixed = base.clone();
    remixed.tier_mix.tier_1 = 0.20;
    remixed.tier_mix.tier_3 = 0.40;
    let c = generate(&valid(&remixed));
    assert_ne!(a.country_tier, c.country_tier);
    assert_eq!(a.sessions_7d, c.sessions_7d);
    assert_eq!(a.content_hours_7d, c.content_hours_7d);
    assert_eq!(a.days_since_signup, c.days_since_signup);
}

fn mean_var(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let v: Vec<f64> = values.collect();
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
    (mean, var)
}

fn near(what: &str, got: f64, want: f64, tol: f64) {
    assert!(
        (got - want).abs() <= tol,
        "{what}: got {got}, expected {want} ± {tol}"
    );
}

/// Tolerances are about 4 standard errors at n = 1,000,000.
#[test]
fn a_million_rows_honour_the_contract_distributions() {
    let data = generate(&valid(&params(1_000_000, 2024)));
    let ints = |v: &[u32]| v.iter().map(|&x| f64::from(x)).collect::<Vec<_>>();

    let (m, v) = mean_var(ints(&data.days_since_signup).into_iter());
    near("days mean", m, 30.0, 0.07);
    near("days variance", v, (59.0f64 * 59.0 - 1.0) / 12.0, 1.0);
    assert_eq!(*data.days_since_signup.iter().min().unwrap(), 1);
    assert_eq!(*data.days_since_signup.iter().max().unwrap(), 59);

    let (m, v) = mean_var(ints(&data.sessions_7d).into_iter());
    near("sessions mean", m, 3.0, 0.007);
    near("sessions variance", v, 3.0, 0.03);
    let zeros = data.sessions_7d.iter().filter(|&&x| x == 0).count() as f64 / 1e6;
    near("P(sessions = 0)", zeros, (-3.0f64).exp(), 0.001);

    let (m, v) = mean_var(data.content_hours_7d.iter().copied());
    near("content hours mean", m, 3.0, 0.009);
    near("content hours variance", v, 2.0 * 1.5 * 1.5, 0.06);

    let (m, v) = mean_var(ints(&data.downloads_7d).into_iter());
    near("downloads mean", m, 1.0, 0.004);
    near("downloads variance", v, 1.0, 0.01);

    let (m, v) = mean_var(ints(&data.paywall_views_7d).into_iter());
    near("paywall views mean", m, 1.2, 0.005);
    near("paywall views variance", v, 1.2, 0.012);

    for (tier, share) in [
        (Tier::Tier1, 0.35),
        (Tier::Tier2, 0.40),
        (Tier::Tier3, 0.25),
    ] {
        let got = data.country_tier.iter().filter(|&&t| t == tier).count() as f64 / 1e6;
        near(&format!("{tier} share"), got, share, 0.002);
    }

    let latent = data.latent.as_ref().unwrap();
    let (z_mean, z_var) = mean_var(latent.noise_z.iter().copied());
    near("noise z mean", z_mean, 0.0, 0.004);
    near("noise z variance", z_var, 1.0, 0.006);
    let (u_mean, _) = mean_var(latent.label_draw.iter().copied());
    near("label draw mean", u_mean, 0.5, 0.0012);

    let rate = data.conversion_rate();
    let expected: f64 = latent.probability.iter().sum::<f64>() / 1e6;
    // Bernoulli draws: the observed rate sits within 4 SE of the mean true p.
    near(
        "rate vs mean true probability",
        rate,
        expected,
        4.0 * (0.14f64 * 0.86 / 1e6).sqrt(),
    );
    near("overall conversion rate", rate, 0.86, 0.005);
}

#[test]
fn large_and_zero_lambdas_keep_their_mean() {
    let mut p = params(200_000, 11);
    p.distributions.sessions_7d.lambda = 50.0;
    p.distributions.downloads_7d.lambda = 20_000.0; // beyond the inversion table
    p.distributions.paywall_views_7d.lambda = 0.0;
    let data = generate(&valid(&p));
    let (m, v) = mean_var(data.sessions_7d.iter().map(|&x| f64::from(x)));
    near("λ=50 mean", m, 50.0, 0.07);
    near("λ=50 variance", v, 50.0, 1.0);
    let (m, _) = mean_var(data.downloads_7d.iter().map(|&x| f64::from(x)));
    near("λ=20000 mean", m, 20_000.0, 1.5);
    assert!(data.paywall_views_7d.iter().all(|&x| x == 0));
}
