//! The model panel's numbers for one world, recomputed here by hand from
//! the fitted model's predictions (pair counting for the AUC, sums for the
//! log-loss, bands and profits), and pinned in tests/support/golden_model.rs
//! so the wasm build can be required to show the same bits
//! (tests/wasm_model.rs).
// Native only: the wasm build has its own tests (tests/wasm_*.rs).
#![cfg(not(target_arch = "wasm32"))]

#[path = "support/golden_model.rs"]
mod golden_model;

use conversion_playground::decide::bands::{Segment, Thresholds};
use conversion_playground::decide::economics::Economics;
use conversion_playground::model::{
    evaluate_model, feature_vector, fit, EvaluateOptions, FitParams, FittedModel,
};
use conversion_playground::scoring::{score, user_from_json};
use conversion_playground::world::base_rate::baseline_for_rate;
use conversion_playground::world::contract::MAX_ROWS_IN_MEMORY;
use conversion_playground::world::dataset::Dataset;
use conversion_playground::world::generator::generate;
use conversion_playground::world::params::{GeneratorParams, Seed};

fn world(rows: u64, seed: u64, baseline: f64) -> (GeneratorParams, Dataset) {
    let params = GeneratorParams {
        rows,
        seed: Seed(seed),
        baseline,
        ..Default::default()
    };
    let data = generate(&params.validate(MAX_ROWS_IN_MEMORY).unwrap());
    (params, data)
}

fn close(what: &str, got: f64, want: f64, relative: f64) {
    assert!(
        (got - want).abs() <= relative * want.abs().max(1e-300),
        "{what}: {got} vs {want} by hand"
    );
}

/// P(a random converter scores above a random non-converter), ties half:
/// every pair counted.
fn auc_by_pairs(y: &[bool], scores: &[f64]) -> f64 {
    let positives: Vec<f64> = (0..y.len()).filter(|&i| y[i]).map(|i| scores[i]).collect();
    let negatives: Vec<f64> = (0..y.len()).filter(|&i| !y[i]).map(|i| scores[i]).collect();
    let mut wins = 0.0;
    for &p in &positives {
        for &n in &negatives {
            wins += if p > n {
                1.0
            } else if p == n {
                0.5
            } else {
                0.0
            };
        }
    }
    wins / (positives.len() as f64 * negatives.len() as f64)
}

/// q(x) of user `i`: sigmoid(s(x) + σz) averaged over z ~ Normal(0, 1) by
/// Simpson's rule on [−12, 12], with the standard library's exp.
fn q_by_simpson(params: &GeneratorParams, data: &Dataset, i: usize) -> f64 {
    let x = data.features(i);
    let w = &params.weights;
    let s = params.baseline
        + w.days_since_signup * f64::from(x.days_since_signup)
        + w.sessions_7d * f64::from(x.sessions_7d)
        + w.content_hours_7d * x.content_hours_7d
        + w.downloads_7d * f64::from(x.downloads_7d)
        + w.paywall_views_7d * f64::from(x.paywall_views_7d)
        + params.tier_effects.get(x.country_tier);
    let n = 2_000;
    let h = 24.0 / f64::from(n);
    let f = |z: f64| {
        let density = (-z * z / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt();
        density / (1.0 + (-(s + params.noise_sigma * z)).exp())
    };
    let mut sum = f(-12.0) + f(12.0);
    for k in 1..n {
        let z = -12.0 + f64::from(k) * h;
        sum += if k % 2 == 1 { 4.0 } else { 2.0 } * f(z);
    }
    sum * h / 3.0
}

/// The model's probability for user `i`, with the standard library's exp.
fn probability(model: &FittedModel, data: &Dataset, i: usize) -> f64 {
    let x = feature_vector(&data.features(i));
    let s: f64 = model.intercept
        + model
            .coefficients
            .iter()
            .zip(x)
            .map(|(w, v)| w * v)
            .sum::<f64>();
    1.0 / (1.0 + (-s).exp())
}

#[test]
fn the_model_panels_numbers_equal_a_hand_count_and_their_pins() {
    let (params, data) = world(golden_model::ROWS, golden_model::SEED, 0.0);
    let (model, split) = fit(&data, &FitParams::default()).unwrap();
    let mut fitted = model.coefficients.to_vec();
    fitted.push(model.intercept);
    assert_eq!(fitted, golden_model::FIT.to_vec());

    let economics = Economics {
        value_per_conversion: golden_model::VALUE_PER_CONVERSION,
        cost_per_contact: golden_model::COST_PER_CONTACT,
    };
    let options = EvaluateOptions {
        economics: Some(economics),
        ..Default::default()
    };
    let evaluation = evaluate_model(&model.weights(), &data, &split, &options, Some(&params));
    let m = &evaluation.metrics;

    // By hand, on the held-out users.
    let rows = &split.test;
    assert_eq!(rows.len(), golden_model::USERS);
    let y: Vec<bool> = rows.iter().map(|&i| data.converted[i]).collect();
    let p = model.predict(&data, rows);
    for (&i, &q) in rows.iter().zip(&p) {
        close("prediction", q, probability(&model, &data, i), 1e-13);
    }
    let log_loss = y
        .iter()
        .zip(&p)
        .map(|(&c, &q)| -if c { q.ln() } else { (1.0 - q).ln() })
        .sum::<f64>()
        / y.len() as f64;
    close("log-loss", m.log_loss.value, log_loss, 1e-12);
    let count = |predicted: bool, label: bool| {
        y.iter()
            .zip(&p)
            .filter(|&(&c, &q)| (q >= 0.5) == predicted && c == label)
            .count()
    };
    let confusion = [
        count(true, true),
        count(true, false),
        count(false, false),
        count(false, true),
    ];
    let c = &m.confusion;
    let got = [
        c.true_positives,
        c.false_positives,
        c.true_negatives,
        c.false_negatives,
    ];
    assert_eq!(got, confusion);
    let [tp, fp, tn, fneg] = confusion.map(|x| x as f64);
    close(
        "accuracy",
        m.accuracy.value,
        (tp + tn) / y.len() as f64,
        1e-15,
    );
    close("precision", m.precision.value, tp / (tp + fp), 1e-15);
    close("recall", m.recall.value, tp / (tp + fneg), 1e-15);
    close("AUC", m.auc.unwrap().value, auc_by_pairs(&y, &p), 1e-12);
    let truth: Vec<f64> = rows
        .iter()
        .map(|&i| data.latent.as_ref().unwrap().probability[i])
        .collect();
    close(
        "oracle AUC",
        m.oracle_auc.unwrap().value,
        auc_by_pairs(&y, &truth),
        1e-12,
    );
    assert!(m.auc.unwrap().value < m.oracle_auc.unwrap().value);

    // Profits are judged by q(x), never by the predictions that chose the
    // users: q by Simpson's rule on the noise, independent of the core's
    // quadrature.
    let q: Vec<f64> = rows
        .iter()
        .map(|&i| q_by_simpson(&params, &data, i))
        .collect();
    let worth = |k: usize| economics.value_per_conversion * q[k] - economics.cost_per_contact;
    let thresholds = Thresholds::default();
    for (band, segment) in evaluation.bands.iter().zip([
        Segment::HighIntent,
        Segment::MediumIntent,
        Segment::LowIntent,
    ]) {
        assert_eq!(band.segment, segment);
        let members: Vec<usize> = (0..p.len())
            .filter(|&k| thresholds.segment(p[k]) == segment)
            .collect();
        assert_eq!(band.users, members.len());
        assert_eq!(band.conversions, members.iter().filter(|&&k| y[k]).count());
        let profit: f64 = members.iter().map(|&k| worth(k)).sum();
        close("band profit", band.expected_profit.unwrap(), profit, 1e-9);
    }
    // Every threshold 0, 0.01, … 1 tried; the lowest of the best wins.
    let profit_at = |t: f64| -> (usize, f64) {
        let contacted: Vec<usize> = (0..p.len()).filter(|&k| p[k] >= t).collect();
        (contacted.len(), contacted.iter().map(|&k| worth(k)).sum())
    };
    let best = (0..=100)
        .map(|k| f64::from(k) / 100.0)
        .fold((0.0, profit_at(0.0)), |best, t| {
            let here = profit_at(t);
            if here.1 > best.1 .1 + 1e-9 {
                (t, here)
            } else {
                best
            }
        });
    let policies = evaluation.policies.as_ref().unwrap();
    let got = policies.model.best;
    assert_eq!(got.threshold, best.0);
    assert_eq!(got.contacted, best.1 .0);
    close("best profit", got.expected_profit, best.1 .1, 1e-9);
    close("everyone", policies.everyone, profit_at(0.0).1, 1e-9);
    // Ranking by q itself: contact exactly the users worth it, q ≥ 8/10.
    let by_q = policies.best_possible.as_ref().unwrap().best;
    let worth_it: Vec<usize> = (0..q.len()).filter(|&k| worth(k) >= 0.0).collect();
    assert!((by_q.threshold - 0.8).abs() < 0.011, "{by_q:?}");
    close(
        "best possible",
        by_q.expected_profit,
        worth_it.iter().map(|&k| worth(k)).sum(),
        1e-3,
    );
    assert!(by_q.expected_profit >= got.expected_profit);

    // And the pins the wasm build must show.
    assert_eq!(m.users, golden_model::USERS);
    for (what, got, pinned) in [
        ("log-loss", m.log_loss.value, golden_model::LOG_LOSS),
        ("accuracy", m.accuracy.value, golden_model::ACCURACY),
        ("precision", m.precision.value, golden_model::PRECISION),
        ("recall", m.recall.value, golden_model::RECALL),
        ("AUC", m.auc.unwrap().value, golden_model::AUC),
        (
            "oracle AUC",
            m.oracle_auc.unwrap().value,
            golden_model::ORACLE_AUC,
        ),
        (
            "best threshold",
            got.threshold,
            golden_model::BEST_THRESHOLD,
        ),
        (
            "best profit",
            got.expected_profit,
            golden_model::BEST_PROFIT,
        ),
    ] {
        assert_eq!(got.to_bits(), pinned.to_bits(), "{what}: {got} vs {pinned}");
    }
    assert_eq!(got.contacted, golden_model::BEST_CONTACTED);
    assert_eq!(
        [
            c.true_positives,
            c.false_positives,
            c.true_negatives,
            c.false_negatives
        ],
        golden_model::CONFUSION
    );
    let bands = &evaluation.bands;
    assert_eq!(
        bands.iter().map(|b| b.users).collect::<Vec<_>>(),
        golden_model::BAND_USERS
    );
    assert_eq!(
        bands.iter().map(|b| b.conversions).collect::<Vec<_>>(),
        golden_model::BAND_CONVERSIONS
    );
    assert_eq!(
        bands
            .iter()
            .map(|b| b.expected_profit.unwrap())
            .collect::<Vec<_>>(),
        golden_model::BAND_PROFIT
    );
}

#[test]
fn a_scored_user_equals_the_sum_of_their_pushes() {
    let (_, data) = world(golden_model::ROWS, golden_model::SEED, 0.0);
    let (model, _) = fit(&data, &FitParams::default()).unwrap();
    let user = user_from_json(&serde_json::from_str(golden_model::USER_JSON).unwrap()).unwrap();
    let scored = score(
        &model.coefficients,
        model.intercept,
        &Thresholds::default(),
        &user,
    );
    let x = feature_vector(&user);
    let by_hand: f64 = model.intercept
        + (0..x.len())
            .map(|j| model.coefficients[j] * x[j])
            .sum::<f64>();
    close("score", scored.score, by_hand, 1e-14);
    close(
        "probability",
        scored.probability,
        1.0 / (1.0 + (-by_hand).exp()),
        1e-14,
    );
    assert_eq!(scored.segment, Segment::HighIntent);
    assert_eq!(scored.score.to_bits(), golden_model::USER_SCORE.to_bits());
    assert_eq!(
        scored.probability.to_bits(),
        golden_model::USER_PROBABILITY.to_bits()
    );
}

#[test]
fn the_solved_baseline_gives_the_target_rate() {
    let (params, data) = world(golden_model::ROWS, 42, 0.0);
    let b0 = baseline_for_rate(&params, &data, 0.05).unwrap();
    assert_eq!(
        b0.to_bits(),
        golden_model::BASELINE_FOR_5_PERCENT.to_bits(),
        "{b0}"
    );
    // Generated again at that b0: the same users' mean true probability is
    // the target, and the observed rate within Bernoulli noise of it.
    let (_, moved) = world(golden_model::ROWS, 42, b0);
    let latent = moved.latent.as_ref().unwrap();
    let mean = latent.probability.iter().sum::<f64>() / moved.len() as f64;
    close("mean true probability", mean, 0.05, 1e-9);
    let se = (0.05f64 * 0.95 / moved.len() as f64).sqrt();
    assert!((moved.conversion_rate() - 0.05).abs() < 5.0 * se);
}
