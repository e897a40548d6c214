//! Are the 95% intervals honest? Over 1,000 worlds of 5,000 users (seeds
//! 1 … 1,000, the contract's defaults), the learned weights' intervals must
//! cover the population's best-possible weights (the logistic fit to q(x),
//! pinned below, computed once on 4,000,000 users) 94–96% of the time,
//! pooled over the eight weights, and each weight's mean standard error must
//! match the actual spread of its estimates within 10%.
//!
//! Both estimators are measured: the observed Fisher information (what the
//! page and the CLI show) and the sandwich, computed here independently from
//! the raw features at the learned weights. The world is logistic-normal,
//! so the logistic model is misspecified and only the sandwich is right in
//! theory; in practice q(x) is so close to a logistic curve that the two
//! agree, and the test prints both.
// Native only: the wasm build has its own tests (tests/wasm_*.rs).
#![cfg(not(target_arch = "wasm32"))]
// Textbook linear algebra: index loops read best.
#![allow(clippy::needless_range_loop)]

use conversion_playground::model::{feature_vector, FitParams, Fitter, StopReason};
use conversion_playground::world::generator::generate;
use conversion_playground::world::params::{GeneratorParams, Seed};
use conversion_playground::world::truth::best_possible;

/// The population's best-possible weights at the contract's defaults: raw
/// units, FEATURES order, then the intercept. From
/// `population_best_possible_weights` (ignored: a few seconds, 1 GB), on
/// 4,000,000 users of seed 2024; against 1,000,000 users of seed 42 they
/// differ by at most 1.4e-4 (the intercept), under 2% of any weight's
/// standard error at 5,000 users.
const POPULATION_BEST: [f64; 8] = [
    -0.018353475978932103,
    0.2760110921000287,
    0.230805698209566,
    0.46103470533770574,
    0.36841746695700334,
    -0.4613055739469246,
    -0.9175449657553798,
    0.692544776671424,
];

#[test]
#[ignore = "recomputes POPULATION_BEST on 4,000,000 users"]
fn population_best_possible_weights() {
    let params = GeneratorParams {
        rows: 4_000_000,
        seed: Seed(2024),
        ..Default::default()
    };
    let data = generate(&params.validate(4_000_000).unwrap());
    let best = best_possible(&params, &data, &[], None).unwrap();
    println!("const POPULATION_BEST: [f64; 8] = {:?};", best.weights);
    for (k, (&got, &pinned)) in best.weights.iter().zip(&POPULATION_BEST).enumerate() {
        assert!(
            (got - pinned).abs() < 1e-12,
            "weight {k}: {got} vs pinned {pinned}"
        );
    }
}

/// Worlds, users per world.
const WORLDS: u64 = 1_000;
const USERS: u64 = 5_000;

/// One world's learned weights, their Fisher standard errors (the crate's)
/// and sandwich standard errors (computed here), raw units, intercept last.
struct World {
    estimate: [f64; 8],
    fisher: [f64; 8],
    sandwich: [f64; 8],
}

/// Solves A x = b (Gaussian elimination, partial pivoting).
fn solve(mut a: [[f64; 8]; 8], mut b: [f64; 8]) -> [f64; 8] {
    for col in 0..8 {
        let pivot = (col..8)
            .max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))
            .unwrap();
        a.swap(col, pivot);
        b.swap(col, pivot);
        for row in col + 1..8 {
            let f = a[row][col] / a[col][col];
            for k in col..8 {
                a[row][k] -= f * a[col][k];
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = [0.0; 8];
    for i in (0..8).rev() {
        let s: f64 = (i + 1..8).map(|k| a[i][k] * x[k]).sum();
        x[i] = (b[i] - s) / a[i][i];
    }
    x
}

fn world(seed: u64) -> World {
    let params = GeneratorParams {
        rows: USERS,
        seed: Seed(seed),
        ..Default::default()
    };
    let data = generate(&params.validate(USERS).unwrap());
    let fit = FitParams {
        test_fraction: 0.0,
        ..Default::default()
    }
    .validate()
    .unwrap();
    let mut fitter = Fitter::new(&data, &fit).unwrap();
    fitter.run();
    let model = fitter.model();
    assert_eq!(model.stop, StopReason::Converged);
    let estimate = model.weights();
    let fisher = model.intervals.as_ref().unwrap().standard_errors;
    // The sandwich, from scratch in raw units: A = Σ p(1−p) x xᵀ,
    // B = Σ (y − p)² x xᵀ, covariance A⁻¹ B A⁻¹.
    let mut a = [[0.0; 8]; 8];
    let mut b = [[0.0; 8]; 8];
    for i in 0..data.len() {
        let mut x = [1.0; 8];
        x[..7].copy_from_slice(&feature_vector(&data.features(i)));
        let eta: f64 = (0..8).map(|k| estimate[k] * x[k]).sum();
        let p = 1.0 / (1.0 + (-eta).exp());
        let r = f64::from(u8::from(data.converted[i])) - p;
        for j in 0..8 {
            for k in 0..8 {
                a[j][k] += p * (1.0 - p) * x[j] * x[k];
                b[j][k] += r * r * x[j] * x[k];
            }
        }
    }
    let mut a_inverse = [[0.0; 8]; 8];
    for k in 0..8 {
        let mut e = [0.0; 8];
        e[k] = 1.0;
        let column = solve(a, e);
        for j in 0..8 {
            a_inverse[j][k] = column[j];
        }
    }
    let mut sandwich = [0.0; 8];
    for (k, s) in sandwich.iter_mut().enumerate() {
        let row: [f64; 8] =
            std::array::from_fn(|m| (0..8).map(|j| a_inverse[k][j] * b[j][m]).sum());
        *s = (0..8).map(|m| row[m] * a_inverse[m][k]).sum::<f64>().sqrt();
    }
    World {
        estimate,
        fisher,
        sandwich,
    }
}

/// Pooled coverage of the population's best weights, and per weight the
/// mean standard error over the standard deviation of the estimates.
fn measure(worlds: &[World], errors: impl Fn(&World) -> [f64; 8]) -> (f64, [f64; 8]) {
    let z = conversion_playground::model::Z_95;
    let mut covered = 0usize;
    let mut ratio = [0.0; 8];
    for k in 0..8 {
        let n = worlds.len() as f64;
        let mean = worlds.iter().map(|w| w.estimate[k]).sum::<f64>() / n;
        let spread = (worlds
            .iter()
            .map(|w| (w.estimate[k] - mean).powi(2))
            .sum::<f64>()
            / (n - 1.0))
            .sqrt();
        let mean_error = worlds.iter().map(|w| errors(w)[k]).sum::<f64>() / n;
        ratio[k] = mean_error / spread;
        covered += worlds
            .iter()
            .filter(|w| (w.estimate[k] - POPULATION_BEST[k]).abs() <= z * errors(w)[k])
            .count();
    }
    (covered as f64 / (8 * worlds.len()) as f64, ratio)
}

#[test]
fn intervals_cover_the_best_possible_weights_95_percent_of_the_time() {
    // Both cores, each its own half of the seeds: about 2 s in all.
    let worlds: Vec<World> = std::thread::scope(|scope| {
        let halves: Vec<_> = [(1, WORLDS / 2), (WORLDS / 2 + 1, WORLDS)]
            .into_iter()
            .map(|(from, to)| scope.spawn(move || (from..=to).map(world).collect::<Vec<_>>()))
            .collect();
        halves.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    let (fisher, fisher_ratio) = measure(&worlds, |w| w.fisher);
    let (sandwich, sandwich_ratio) = measure(&worlds, |w| w.sandwich);
    println!(
        "Fisher:   coverage {:.2}%, mean SE / spread {fisher_ratio:.3?}",
        fisher * 100.0
    );
    println!(
        "sandwich: coverage {:.2}%, mean SE / spread {sandwich_ratio:.3?}",
        sandwich * 100.0
    );
    assert!((0.94..=0.96).contains(&fisher), "Fisher coverage {fisher}");
    assert!(
        (0.94..=0.96).contains(&sandwich),
        "sandwich coverage {sandwich}"
    );
    for (k, r) in fisher_ratio.iter().enumerate() {
        assert!((0.9..=1.1).contains(r), "weight {k}: mean SE / spread {r}");
    }
}
