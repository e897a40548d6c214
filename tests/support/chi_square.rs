#![allow(dead_code)] // each test crate uses some of these
//! Pearson's chi-square goodness-of-fit test: are counts what a distribution
//! predicts? The p-value comes from the chi-square distribution's upper tail,
//! the regularized upper incomplete gamma function Q(df/2, x/2) (statrs's
//! `gamma_ur`, checked against published tables in
//! `tests/sampler_distributions.rs`).

use statrs::function::gamma::gamma_ur;

/// Categories are pooled until each expects at least this many draws: below
/// it the statistic is no longer chi-square distributed (Cochran's rule).
pub const MIN_EXPECTED: f64 = 5.0;

/// The outcome of one test.
#[derive(Clone, Debug)]
pub struct GoodnessOfFit {
    /// Σ (observed − expected)² / expected over the pooled categories.
    pub statistic: f64,
    /// Pooled categories − 1 (no parameter is estimated from the data).
    pub df: usize,
    /// P(χ²_df ≥ statistic): small when the counts do not fit.
    pub p_value: f64,
}

/// P(χ²_df ≥ x): the chance of a statistic at least this large if the counts
/// really come from the distribution.
pub fn p_value(statistic: f64, df: usize) -> f64 {
    gamma_ur(df as f64 / 2.0, statistic / 2.0)
}

/// Tests `observed[i]` draws in category `i` against `probability[i]`.
/// The categories must cover every outcome (include the tails as categories
/// of their own, observed or not), so the probabilities add up to 1.
/// Neighbouring categories are pooled from the left until each expects at
/// least [`MIN_EXPECTED`]; what is left at the end joins the last pool.
pub fn goodness_of_fit(observed: &[u64], probability: &[f64]) -> GoodnessOfFit {
    assert_eq!(observed.len(), probability.len());
    let total: f64 = probability.iter().sum();
    assert!(
        (total - 1.0).abs() < 1e-9,
        "the categories must cover every outcome: probabilities add up to {total}"
    );
    assert!(
        probability.iter().all(|&p| p >= 0.0),
        "a negative probability"
    );
    let n = observed.iter().sum::<u64>() as f64;
    let mut pools: Vec<(f64, f64)> = Vec::new();
    let (mut o, mut e) = (0.0, 0.0);
    for (&count, &p) in observed.iter().zip(probability) {
        o += count as f64;
        e += n * p;
        if e >= MIN_EXPECTED {
            pools.push((o, e));
            (o, e) = (0.0, 0.0);
        }
    }
    match pools.last_mut() {
        Some(last) => {
            last.0 += o;
            last.1 += e;
        }
        None => pools.push((o, e)),
    }
    assert!(pools.len() >= 2, "too few draws for a chi-square test");
    let statistic = pools.iter().map(|&(o, e)| (o - e) * (o - e) / e).sum();
    let df = pools.len() - 1;
    GoodnessOfFit {
        statistic,
        df,
        p_value: p_value(statistic, df),
    }
}

/// How many of `values` fall on each of 0, 1, … `last` (values above `last`
/// are a test failure: the caller picks `last` from the data).
pub fn histogram(values: impl Iterator<Item = usize>, last: usize) -> Vec<u64> {
    let mut counts = vec![0u64; last + 1];
    for v in values {
        counts[v] += 1;
    }
    counts
}

/// The probabilities of categories whose cumulative distribution function at
/// their upper edges is `cdf_at_upper_edges` (increasing), with one more
/// category for everything above the last edge.
pub fn from_cdf(cdf_at_upper_edges: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut previous = 0.0;
    let mut probability: Vec<f64> = cdf_at_upper_edges
        .map(|c| {
            let p = c - previous;
            previous = c;
            p.max(0.0)
        })
        .collect();
    probability.push((1.0 - previous).max(0.0));
    probability
}
