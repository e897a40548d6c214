//! The fitter's unit tests.

use super::*;
use crate::model::{fit, Signal};
use crate::world::contract::MAX_ROWS_IN_MEMORY;
use crate::world::generator::generate;
use crate::world::params::GeneratorParams;

fn world(rows: u64) -> Dataset {
    generate(
        &GeneratorParams {
            rows,
            ..Default::default()
        }
        .validate(MAX_ROWS_IN_MEMORY)
        .unwrap(),
    )
}

#[test]
fn split_is_deterministic_and_complete() {
    let a = Split::new(1000, 0.2, 7);
    assert_eq!(a, Split::new(1000, 0.2, 7));
    assert_ne!(a, Split::new(1000, 0.2, 8));
    assert_eq!(a.test.len(), 200);
    let mut all: Vec<usize> = a.train.iter().chain(&a.test).copied().collect();
    all.sort_unstable();
    assert_eq!(all, (0..1000).collect::<Vec<_>>());
    assert_eq!(Split::new(1, 0.5, 1).train, vec![0]);
}

#[test]
fn converges_and_the_gradient_is_zero_at_the_answer() {
    let data = world(5_000);
    let (model, _) = fit(&data, &FitParams::default()).unwrap();
    assert_eq!(model.stop, StopReason::Converged, "{model:?}");
    assert!(model.gradient_norm < 1e-6);
    assert!(model.iterations < 1000, "{} iterations", model.iterations);
    assert!(
        model.coefficients[3] > 0.2,
        "downloads push up: {:?}",
        model.coefficients
    );
}

#[test]
fn stepwise_fit_equals_the_one_shot_fit() {
    let data = world(3_000);
    let params = FitParams::default().validate().unwrap();
    let mut stepwise = Fitter::new(&data, &params).unwrap();
    let mut last = 0;
    while !stepwise.progress().done {
        let p = stepwise.step(7);
        assert!(p.iterations >= last);
        last = p.iterations;
    }
    let (once, _) = fit(&data, params.get()).unwrap();
    assert_eq!(stepwise.model(), once);
    assert!(once.intervals.is_some() && once.training_log_loss.is_some());
    assert_eq!(stepwise.progress().loss_history.len(), once.iterations);
}

#[test]
fn any_thread_count_gives_the_same_bits() {
    let data = world(70_000);
    let params = FitParams::default().validate().unwrap();
    let models: Vec<FittedModel> = [1, 2, 3, 4]
        .iter()
        .map(|&threads| {
            let mut fitter = Fitter::new(&data, &params).unwrap().with_threads(threads);
            assert_eq!(fitter.threads(), threads);
            fitter.run();
            fitter.model()
        })
        .collect();
    assert_eq!(models[0].stop, StopReason::Converged);
    for model in &models[1..] {
        assert_eq!(model, &models[0]);
    }
}

#[test]
fn one_class_constant_column_and_tiny_data_fit_with_warnings() {
    let mut data = world(300);
    data.converted.iter_mut().for_each(|c| *c = true);
    let (model, _) = fit(&data, &FitParams::default()).unwrap();
    assert_eq!(model.stop, StopReason::OneClass);
    assert!(model.coefficients.iter().all(|&w| w == 0.0));
    assert!(model
        .warnings
        .iter()
        .any(|w| w.contains("every training user converted")));

    let mut data = world(2_000);
    data.downloads_7d.iter_mut().for_each(|d| *d = 2);
    let (model, _) = fit(&data, &FitParams::default()).unwrap();
    assert_eq!(model.coefficients[3], 0.0);
    assert!(model
        .warnings
        .iter()
        .any(|w| w.contains("downloads_7d is constant")));
    assert_eq!(model.stop, StopReason::Converged);

    let data = world(12);
    let (model, _) = fit(&data, &FitParams::default()).unwrap();
    assert!(model.warnings.iter().any(|w| w.contains("tiny dataset")));
    assert!(model.coefficients.iter().all(|w| w.is_finite()));
    assert!(
        model.separation.is_some(),
        "12 users in 7 dimensions separate"
    );
}

#[test]
fn separable_data_say_so_whatever_stopped_the_fit() {
    let mut data = world(400);
    for i in 0..data.len() {
        data.converted[i] = data.sessions_7d[i] >= 3;
    }
    for max_iterations in [300, 5_000] {
        let params = FitParams {
            max_iterations,
            ..Default::default()
        };
        let (model, _) = fit(&data, &params).unwrap();
        assert_eq!(model.separation, Some(Separation::Separable), "{model:?}");
        assert!(model.coefficients.iter().all(|w| w.is_finite()));
        assert!(model.objective.is_finite());
        if model.stop == StopReason::Converged {
            assert!(model.coefficients[1] > 5.0, "a huge weight, flagged");
        }
    }
}

#[test]
fn a_tier_with_no_converters_is_nearly_separable() {
    // Quasi-complete separation: every tier_3 user has the same label,
    // so the tier_3 weight runs to minus infinity while the others stay
    // finite; the fit "converges" on the gradient and must still say so.
    let mut data = world(5_000);
    for i in 0..data.len() {
        if data.country_tier[i] == crate::world::contract::Tier::Tier3 {
            data.converted[i] = false;
        }
    }
    let (model, _) = fit(&data, &FitParams::default()).unwrap();
    assert_eq!(
        model.separation,
        Some(Separation::NearlySeparable),
        "{model:?}"
    );
    let (clean, _) = fit(&world(5_000), &FitParams::default()).unwrap();
    assert_eq!(clean.separation, None);
    assert!(clean.intervals.is_some());
}

#[test]
fn plain_descent_converges_crawls_or_diverges_with_its_learning_rate() {
    let data = world(5_000);
    let run = |optimizer, learning_rate, max_iterations| {
        let params = FitParams {
            optimizer,
            learning_rate,
            max_iterations,
            ..Default::default()
        }
        .validate()
        .unwrap();
        let mut fitter = Fitter::new(&data, &params).unwrap();
        let progress = fitter.run();
        (fitter.model(), progress)
    };
    let (whitened, _) = run(Optimizer::Whitened, 1.0, 5_000);
    for optimizer in [Optimizer::Gd, Optimizer::Nesterov] {
        let (model, progress) = run(optimizer, 2.0, 20_000);
        assert_eq!(model.stop, StopReason::Converged, "{optimizer:?}");
        assert!(progress.loss_history.iter().all(|l| l.is_finite()));
        for j in 0..P {
            assert!((model.coefficients[j] - whitened.coefficients[j]).abs() < 1e-4);
        }
    }
    let (slow, progress) = run(Optimizer::Gd, 0.001, 300);
    assert_eq!(slow.stop, StopReason::IterationCap);
    assert!(
        matches!(progress.pace, Some(Pace::Crawling { .. })),
        "{:?}",
        progress.pace
    );
    let (wild, progress) = run(Optimizer::Gd, 1000.0, 5_000);
    assert_eq!(wild.stop, StopReason::Diverged, "{:?}", progress.stop);
    assert_eq!(progress.pace, Some(Pace::Overshooting));
    assert!(wild.coefficients.iter().all(|w| w.is_finite()));
    assert!(wild.intervals.is_none());
}

#[test]
fn held_out_loss_is_tracked_and_warm_starts_are_short() {
    let data = world(5_000);
    let params = FitParams::default().validate().unwrap();
    let mut fitter = Fitter::new(&data, &params)
        .unwrap()
        .with_held_out_history(&data);
    let progress = fitter.run();
    assert_eq!(progress.held_out_history.len(), progress.loss_history.len());
    let cold = fitter.model();
    assert_eq!(cold.start, Start::Cold);
    let mut warm = Fitter::warm(&data, &params, &cold).unwrap();
    let again = warm.run();
    assert!(
        again.iterations <= 2,
        "{} iterations from the answer",
        again.iterations
    );
    assert_eq!(warm.model().start, Start::Warm);
    let since = fitter.progress_since(5);
    assert_eq!(since.history_from, 5);
    assert_eq!(since.loss_history, progress.loss_history[5..]);
}

#[test]
fn bad_fit_parameters_are_named() {
    for (params, name) in [
        (
            FitParams {
                test_fraction: 1.0,
                ..Default::default()
            },
            "testFraction",
        ),
        (
            FitParams {
                l2: -1.0,
                ..Default::default()
            },
            "l2",
        ),
        (
            FitParams {
                tolerance: 0.0,
                ..Default::default()
            },
            "tolerance",
        ),
        (
            FitParams {
                max_iterations: 0,
                ..Default::default()
            },
            "maxIterations",
        ),
        (
            FitParams {
                learning_rate: 0.0,
                ..Default::default()
            },
            "learningRate",
        ),
        (
            FitParams {
                leave_out: vec![Signal::Sessions7d, Signal::Sessions7d],
                ..Default::default()
            },
            "leaveOut",
        ),
    ] {
        assert_eq!(params.validate().unwrap_err().field, name);
    }
    assert_eq!(
        fit(&Dataset::default(), &FitParams::default())
            .unwrap_err()
            .to_string(),
        "data have no rows: there is nothing to fit"
    );
}
