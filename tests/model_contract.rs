//! The fit against numbers nobody here computed: an independent Newton
//! (IRLS) solver on the same likelihood (tests/support/newton.rs), and the
//! contract's teaching claim about attenuated weights on a million rows.

#[path = "support/golden.rs"]
mod golden;
#[path = "support/newton.rs"]
mod newton;

use conversion_playground::model::{fit, FitParams, StopReason};
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
        // Every user trains (test fraction 0); tests/fit_reference.rs
        // judges the split, penalised and warm-started fits.
        let everyone: Vec<usize> = (0..data.len()).collect();
        let reference = newton::Problem::from_data(&data, &everyone, 0.0).solve();
        for (j, (&got, &want)) in model
            .coefficients
            .iter()
            .zip(&reference.coefficients)
            .enumerate()
        {
            assert!(
                (got - want).abs() < 1e-5,
                "coefficient {j}: gradient descent {got} vs Newton {want}"
            );
        }
        assert!(
            (model.intercept - reference.intercept).abs() < 1e-5,
            "{} vs {}",
            model.intercept,
            reference.intercept
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
