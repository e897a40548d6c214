//! The uplift lab against the checks: an offer of nothing changes
//! nothing (the pinned hashes stand), the four groups equal a direct count
//! from p0, p1 and u, the experiment's lift interval covers the users' mean
//! effect as often as a 95% interval should across 1,000 assignments, the
//! sample size is the textbook formula's, and on the lab's lesson world the
//! oracle's Qini beats the learned model's, which beats random targeting.
// Native only: the wasm build has its own tests (tests/wasm_*.rs).
#![cfg(not(target_arch = "wasm32"))]

#[path = "support/golden.rs"]
mod golden;

use conversion_playground::math::sigmoid;
use conversion_playground::model::{fit, FitParams};
use conversion_playground::uplift::analysis::{users_per_arm, Z_POWER};
use conversion_playground::uplift::policy::{Policy, PolicyView};
use conversion_playground::uplift::{Lab, LabSettings, LabView};
use conversion_playground::world::contract::MAX_ROWS_IN_MEMORY;
use conversion_playground::world::csv_write::{to_csv, to_experiment_csv};
use conversion_playground::world::experiment::generate_experiment;
use conversion_playground::world::offer::OfferEffect;
use conversion_playground::world::params::GeneratorParams;
use conversion_playground::world::session::World;
use sha2::{Digest, Sha256};
use statrs::distribution::{ContinuousCDF, Normal};

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The lab's lesson world: the page's preset link.
fn lesson(rows: u64) -> (World, LabSettings) {
    let params = GeneratorParams {
        rows,
        baseline: -2.0,
        ..Default::default()
    };
    let world = World::new(params.validate(MAX_ROWS_IN_MEMORY).unwrap());
    let settings = LabSettings::from_value(&serde_json::json!({
        "offer": {"effect": 0.8, "fatigue": -0.25}
    }))
    .unwrap();
    (world, settings)
}

/// A user's group (sure thing, persuadable, sleeping dog, lost cause: the
/// page's order) from its draw and its probabilities without and with the
/// offer.
fn group_of(u: f64, p0: f64, p1: f64) -> usize {
    match (u < p0, u < p1) {
        (true, true) => 0,
        (false, true) => 1,
        (true, false) => 2,
        (false, false) => 3,
    }
}

fn policy(view: &LabView, which: Policy) -> &PolicyView {
    view.policies.iter().find(|p| p.policy == which).unwrap()
}

#[test]
fn the_lab_s_sums_are_pinned_to_the_bit() {
    // The same bits in wasm (tests/wasm_uplift.rs), whose vector loops do
    // the same operations in the same order.
    let (world, settings) = lesson(20_000);
    let view = Lab::default().update(&world, &settings, None).unwrap();
    let policies = [Policy::Oracle, Policy::BestPossible, Policy::Random];
    for (which, (incremental, with_noise, qini)) in
        policies.into_iter().zip(golden::LAB_ROWS_20K_LESSON)
    {
        let p = policy(&view, which);
        assert_eq!(
            p.incremental[37].to_bits(),
            incremental.to_bits(),
            "{which:?}"
        );
        assert_eq!(
            p.incremental_with_noise[100].to_bits(),
            with_noise.to_bits(),
            "{which:?}"
        );
        assert_eq!(p.qini.to_bits(), qini.to_bits(), "{which:?}");
    }
    assert_eq!(
        view.mean_effect_points.to_bits(),
        golden::LAB_ROWS_20K_LESSON_MEAN_EFFECT_POINTS.to_bits()
    );
}

#[test]
fn an_offer_of_nothing_changes_nothing() {
    let params = GeneratorParams {
        rows: 5_000,
        offer: Some(Default::default()),
        ..Default::default()
    };
    let valid = params.validate(MAX_ROWS_IN_MEMORY).unwrap();
    let experiment = generate_experiment(&valid, &valid.offer().unwrap());
    // The observed outcomes are the contract's: the pinned hash stands.
    assert_eq!(
        sha256_hex(&to_csv(&experiment.data)),
        golden::CSV_ROWS_5000_SEED_42_SHA256
    );
    let world = World::new(valid);
    let settings = LabSettings::from_value(&serde_json::Value::Null).unwrap();
    let mut lab = Lab::default();
    let view = lab.update(&world, &settings, None).unwrap();
    // And so it does after a drag far each way and back (the noise-average
    // table grown): q1 is q0 to the bit.
    for effect in [5.0, -5.0] {
        let far = serde_json::json!({"offer": {"effect": effect}});
        lab.update(&world, &LabSettings::from_value(&far).unwrap(), None)
            .unwrap();
    }
    let back = lab.update(&world, &settings, None).unwrap();
    for view in [view, back] {
        assert_eq!(
            (view.groups.persuadables, view.groups.sleeping_dogs),
            (0.0, 0.0)
        );
        assert_eq!(view.mean_effect_with_noise_points, 0.0);
        assert_eq!(view.mean_effect_points, 0.0);
        for p in &view.policies {
            assert!(
                p.incremental_with_noise.iter().all(|&x| x == 0.0)
                    && p.incremental.iter().all(|&x| x == 0.0),
                "{:?}",
                p.policy
            );
        }
    }
}

#[test]
fn the_four_groups_equal_a_direct_count() {
    let (world, settings) = lesson(30_000);
    let view = Lab::default().update(&world, &settings, None).unwrap();
    let data = world.data();
    let latent = data.latent.as_ref().unwrap();
    let tau = OfferEffect::new(settings.offer.get());
    let mut counts = [0.0f64; 4];
    for i in 0..data.len() {
        let score = latent.probability.scores()[i];
        let (p0, p1) = (sigmoid(score), sigmoid(score + tau.at(&data.features(i))));
        counts[group_of(latent.label_draw[i], p0, p1)] += 1.0;
    }
    let g = view.groups;
    assert_eq!(
        [
            g.sure_things,
            g.persuadables,
            g.sleeping_dogs,
            g.lost_causes
        ],
        counts
    );
    assert!(counts[1] > 1_000.0 && counts[2] > 0.0, "{counts:?}");
    // The realized effect is persuadables less sleeping dogs.
    assert!(
        (view.realized_effect_points - 100.0 * (counts[1] - counts[2]) / 30_000.0).abs() < 1e-12
    );
}

#[test]
fn the_lift_interval_covers_the_users_mean_effect_95_percent_of_the_time() {
    let (world, settings) = lesson(10_000);
    let mut lab = Lab::default();
    let reruns = lab.rerun(&world, &settings, 1_000).unwrap();
    assert_eq!(reruns.runs.len(), 1_000);
    let coverage = reruns.covered as f64 / 1_000.0;
    println!("coverage over 1,000 assignment seeds: {coverage}");
    assert!((0.935..=0.975).contains(&coverage), "coverage {coverage}");
    // The interval aims at the mean of Y1 − Y0 over these users.
    let view = lab.update(&world, &settings, None).unwrap();
    assert_eq!(reruns.realized_effect_points, view.realized_effect_points);
}

#[test]
fn the_sample_size_is_the_textbook_formula() {
    let normal = Normal::new(0.0, 1.0).unwrap();
    let (za, zb) = (normal.inverse_cdf(0.975), normal.inverse_cdf(0.8));
    assert!((zb - Z_POWER).abs() < 1e-12);
    for (p1, points) in [
        (0.05, 5.0),
        (0.1, 1.0),
        (0.3, 2.5),
        (0.5, -4.0),
        (0.86, 3.0),
    ] {
        let p2: f64 = p1 + points / 100.0;
        let pbar = (p1 + p2) / 2.0;
        let n = (za * (2.0 * pbar * (1.0 - pbar)).sqrt()
            + zb * (p1 * (1.0 - p1) + p2 * (1.0 - p2)).sqrt())
        .powi(2)
            / (p2 - p1).powi(2);
        assert_eq!(
            users_per_arm(p1, points),
            Some(n.ceil() as u64),
            "{p1} {points}"
        );
    }
    // The classic example: 5% against 10%, 80% power, 5% two-sided: 435 per arm.
    assert_eq!(users_per_arm(0.05, 5.0), Some(435));
}

#[test]
fn the_oracle_beats_the_learned_model_which_beats_random_targeting() {
    let (world, settings) = lesson(20_000);
    let (model, _) = fit(world.data(), &FitParams::default()).unwrap();
    let view = Lab::default()
        .learn(&world, &settings, Some(&model.weights()))
        .unwrap();
    let (oracle, learned, random) = (
        policy(&view, Policy::Oracle),
        policy(&view, Policy::Learned),
        policy(&view, Policy::Random),
    );
    assert!(
        oracle.qini_with_noise >= learned.qini_with_noise,
        "{} vs {}",
        oracle.qini_with_noise,
        learned.qini_with_noise
    );
    assert!(learned.qini_with_noise >= random.qini_with_noise);
    assert!(learned.qini > 0.5 * policy(&view, Policy::BestPossible).qini);
    // The lesson: ranking by the probability of converting does worse than chance.
    let by_intent = policy(&view, Policy::ModelProbability);
    assert!(by_intent.qini < 0.0, "{}", by_intent.qini);
    let wasted = by_intent.at_budget.groups.wasted() / by_intent.at_budget.offers as f64;
    assert!(wasted > 0.9, "{wasted}");
    assert!(by_intent.at_budget.profit < learned.at_budget.profit);
    // What an analyst sees of the learned model (held-out users only) is positive too.
    assert!(view.learned.unwrap().observed.qini > 0.0);
}

#[test]
fn the_lab_writes_the_generator_s_experiment_csv() {
    let (world, settings) = lesson(4_000);
    let mut params = world.params().expect("a generated world").get().clone();
    params.offer = Some(settings.offer.get().clone());
    let valid = params.validate(MAX_ROWS_IN_MEMORY).unwrap();
    let experiment = generate_experiment(&valid, &valid.offer().unwrap());
    let bytes = to_experiment_csv(
        &experiment.data,
        &experiment.data.converted,
        &experiment.treated,
    );
    assert_eq!(
        Lab::default().experiment_csv(&world, &settings).unwrap(),
        bytes
    );
    assert_eq!(
        sha256_hex(&bytes),
        golden::EXPERIMENT_ROWS_4000_LESSON_SHA256
    );
}

/// The model's policy curve, its budget's groups and the intent bands,
/// against a direct computation: the users ranked by the model's
/// probability (a full sort, ties by index), both outcomes of every user
/// from its own draw, q from the integral itself. The lab sums by steps
/// and bands without sorting; this is what it must equal.
#[test]
fn the_model_s_policy_and_bands_equal_a_direct_computation() {
    use conversion_playground::decide::bands::{Segment, Thresholds};
    use conversion_playground::model::feature_vector;
    use conversion_playground::uplift::effects::Baseline;
    use conversion_playground::uplift::ranking::budget_users;
    use conversion_playground::world::noise_average::NoiseAverage;

    let (world, settings) = lesson(30_000);
    let (model, _) = fit(world.data(), &FitParams::default()).unwrap();
    let weights = model.weights();
    let view = Lab::default()
        .update(&world, &settings, Some(&weights))
        .unwrap();
    let data = world.data();
    let latent = data.latent.as_ref().unwrap();
    let params = world.params().unwrap().get();
    let baseline = Baseline::new(params, data, &latent.noise_z);
    let average = NoiseAverage::new(params.noise_sigma, -60.0, 60.0);
    let tau = OfferEffect::new(settings.offer.get());
    let n = data.len();
    // Per user: the model's probability, q1 − q0, p1 − p0 and the group.
    let users: Vec<(f64, f64, f64, usize)> = (0..n)
        .map(|i| {
            let x = data.features(i);
            let v = feature_vector(&x);
            let score = weights[7] + weights[..7].iter().zip(&v).map(|(w, x)| w * x).sum::<f64>();
            let t = tau.at(&x);
            let s = baseline.systematic[i];
            let uplift = average.integrate(s + t).0 - average.integrate(s).0;
            let z = latent.probability.scores()[i];
            let (p0, p1) = (sigmoid(z), sigmoid(z + t));
            let group = group_of(latent.label_draw[i], p0, p1);
            (sigmoid(score), uplift, p1 - p0, group)
        })
        .collect();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| users[b].0.total_cmp(&users[a].0));
    let by_model = policy(&view, Policy::ModelProbability);
    let (mut uplift, mut with_noise, mut groups) = (0.0, 0.0, [0.0f64; 4]);
    let mut ranked = order.iter();
    for step in 0..=100 {
        if step == view.budget.step {
            let g = &by_model.at_budget.groups;
            let got = [
                g.sure_things,
                g.persuadables,
                g.sleeping_dogs,
                g.lost_causes,
            ];
            assert_eq!(got, groups, "groups at the budget");
        }
        assert!(
            (by_model.incremental[step] - uplift).abs() < 1e-6,
            "step {step}: {} vs {uplift}",
            by_model.incremental[step]
        );
        assert!((by_model.incremental_with_noise[step] - with_noise).abs() < 1e-9);
        let next = if step < 100 {
            budget_users(step + 1, n)
        } else {
            n
        };
        for &i in ranked.by_ref().take(next - budget_users(step, n)) {
            uplift += users[i].1;
            with_noise += users[i].2;
            groups[users[i].3] += 1.0;
        }
    }
    let thresholds = Thresholds::default();
    let bands = view.bands.as_ref().unwrap();
    for band in bands {
        let members: Vec<&(f64, f64, f64, usize)> = users
            .iter()
            .filter(|u| thresholds.segment(u.0) == band.segment)
            .collect();
        assert_eq!(band.users as usize, members.len());
        let mut groups = [0.0f64; 4];
        members.iter().for_each(|u| groups[u.3] += 1.0);
        let g = &band.groups;
        assert_eq!(
            [
                g.sure_things,
                g.persuadables,
                g.sleeping_dogs,
                g.lost_causes
            ],
            groups,
            "{:?}",
            band.segment
        );
        if !members.is_empty() {
            let mean = 100.0 * members.iter().map(|u| u.1).sum::<f64>() / members.len() as f64;
            assert!((band.mean_effect_points.unwrap() - mean).abs() < 1e-9);
        }
    }
    // The lesson world's model puts users in all three bands, and some
    // budget steps hold users of two.
    assert!(bands.iter().all(|b| b.users > 0));
    assert!(bands.iter().any(|b| b.segment == Segment::HighIntent));
}

#[test]
fn a_view_is_the_same_whatever_effects_came_before() {
    // A drag to a large effect grows the noise-average table the lab reads
    // q from; back at the lesson's effect, every number is the bits a lab
    // opened there (a link, the CLI) computes.
    let (world, settings) = lesson(20_000);
    let fresh = Lab::default().update(&world, &settings, None).unwrap();
    let mut dragged = Lab::default();
    for effect in [0.8, 3.0, 6.5, -6.5, 0.8] {
        let settings = LabSettings::from_value(&serde_json::json!({
            "offer": {"effect": effect, "fatigue": -0.25}
        }))
        .unwrap();
        dragged.update(&world, &settings, None).unwrap();
    }
    let back = dragged.update(&world, &settings, None).unwrap();
    assert_eq!(
        serde_json::to_string(&back).unwrap(),
        serde_json::to_string(&fresh).unwrap()
    );
}
