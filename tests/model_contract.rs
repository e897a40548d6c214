//! The fit against numbers nobody here computed: an independent Newton
//! (IRLS) solver on the same likelihood, and the contract's teaching claim
//! about attenuated weights on a million rows.

// The reference solver is textbook linear algebra: index loops read best.
#![allow(clippy::needless_range_loop)]

#[path = "support/golden.rs"]
mod golden;

use conversion_playground::model::{feature_vector, fit, FitParams, StopReason};
use conversion_playground::world::contract::MAX_ROWS_IN_MEMORY;
use conversion_playground::world::dataset::Dataset;
use conversion_playground::world::generator;
use conversion_playground::world::params::{GeneratorParams, Seed};

fn generate(rows: u64, seed: u64) -> Dataset {
    generator::generate(
        &GeneratorParams {
            rows,
            seed: Seed(seed),
            ..Default::default()
        }
        .validate(MAX_ROWS_IN_MEMORY)
        .unwrap(),
    )
}

/// Solves A x = b by Gaussian elimination with partial pivoting.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Vec<f64> {
    let n = b.len();
    for col in 0..n {
        let pivot = (col..n)
            .max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))
            .unwrap();
        a.swap(col, pivot);
        b.swap(col, pivot);
        for row in col + 1..n {
            let f = a[row][col] / a[col][col];
            for k in col..n {
                a[row][k] -= f * a[col][k];
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        let s: f64 = (i + 1..n).map(|k| a[i][k] * x[k]).sum();
        x[i] = (b[i] - s) / a[i][i];
    }
    x
}

/// Newton's method (IRLS) on the unpenalized log-likelihood, raw features
/// plus an intercept (last), to machine precision.
fn newton(data: &Dataset) -> Vec<f64> {
    let rows: Vec<Vec<f64>> = (0..data.len())
        .map(|i| {
            let mut r = feature_vector(&data.features(i)).to_vec();
            r.push(1.0);
            r
        })
        .collect();
    let q = 8;
    let mut beta = vec![0.0; q];
    for _ in 0..50 {
        let mut hessian = vec![vec![0.0; q]; q];
        let mut gradient = vec![0.0; q];
        for (x, &y) in rows.iter().zip(&data.converted) {
            let eta: f64 = x.iter().zip(&beta).map(|(a, b)| a * b).sum();
            let p = 1.0 / (1.0 + (-eta).exp());
            let w = p * (1.0 - p);
            for a in 0..q {
                gradient[a] += (f64::from(u8::from(y)) - p) * x[a];
                for b in 0..q {
                    hessian[a][b] += w * x[a] * x[b];
                }
            }
        }
        let step = solve(hessian, gradient);
        for (b, s) in beta.iter_mut().zip(&step) {
            *b += s;
        }
        if step.iter().map(|s| s.abs()).fold(0.0, f64::max) < 1e-13 {
            break;
        }
    }
    beta
}

#[test]
fn gradient_descent_reaches_newtons_optimum() {
    for (rows, seed) in [(20_000, 1), (3_000, 99)] {
        let data = generate(rows, seed);
        // The default tolerance: a gradient norm below 1e-6.
        let params = FitParams {
            test_fraction: 0.0,
            ..Default::default()
        };
        let (model, _) = fit(&data, &params).unwrap();
        assert_eq!(model.stop, StopReason::Converged);
        let reference = newton(&data);
        for j in 0..7 {
            assert!(
                (model.coefficients[j] - reference[j]).abs() < 1e-5,
                "coefficient {j}: gradient descent {} vs Newton {}",
                model.coefficients[j],
                reference[j]
            );
        }
        assert!(
            (model.intercept - reference[7]).abs() < 1e-5,
            "{} vs {}",
            model.intercept,
            reference[7]
        );
    }
}

#[test]
fn fitted_weights_shrink_as_the_contract_teaches() {
    // On 1,000,000 users the fitted weights sit near generating weight ×
    // 1/√(1 + π·σ²/8), the tier effects appear as contrasts against tier_1
    // and the intercept absorbs b0 + 0.8.
    let data = generate(1_000_000, 2024);
    let params = FitParams {
        test_fraction: 0.0,
        ..Default::default()
    };
    let (model, _) = fit(&data, &params).unwrap();
    assert_eq!(model.stop, StopReason::Converged);
    let sigma: f64 = 0.8;
    let shrink = 1.0 / (1.0 + std::f64::consts::PI * sigma * sigma / 8.0).sqrt();
    assert!((shrink - 0.894).abs() < 0.001);
    let generating = [-0.02, 0.30, 0.25, 0.50, 0.40, 0.3 - 0.8, -0.2 - 0.8];
    for (j, &w) in generating.iter().enumerate() {
        let expected = w * shrink;
        let got = model.coefficients[j];
        assert!(
            ((got - expected) / expected).abs() < 0.05,
            "feature {j}: fitted {got:.4}, contract predicts {expected:.4}"
        );
    }
    let expected_intercept = (0.0 + 0.8) * shrink;
    assert!(
        ((model.intercept - expected_intercept) / expected_intercept).abs() < 0.05,
        "intercept {:.4} vs {expected_intercept:.4}",
        model.intercept
    );
}

#[test]
fn the_fit_is_pinned_bit_for_bit() {
    let data = generate(100_000, 42);
    let (model, _) = fit(
        &data,
        &FitParams {
            test_fraction: 0.0,
            ..Default::default()
        },
    )
    .unwrap();
    let mut got = model.coefficients.to_vec();
    got.push(model.intercept);
    assert_eq!(
        got.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
        golden::FIT_ROWS_100K_SEED_42.map(f64::to_bits).to_vec(),
        "{got:?}"
    );
}
