//! The uplift lab kept beside a world while a person explores it: both
//! outcomes of every user, the groups, the experiment and the targeting
//! policies, recomputed only as far as a change reaches. A τ slider step
//! recomputes the users' effects, the two true rankings and the tallies; a
//! budget or money change only reads the tallies again.

use super::analysis::{analyse_arms, power, users_per_arm, Arm};
use super::effects::{Baseline, Effects};
use super::groups::GroupCounts;
use super::learned::{learn, LearnedUplift, ObservedQini};
use super::policy::{random_view, ranked_view, total, Policy, StepTally, Tallies};
use super::ranking::BinSteps;
use super::ranking::{budget_users, steps_by_key, STEPS};
use super::reruns::rerun;
use super::settings::LabSettings;
use super::tally::{
    truth_half, truth_tallies, BandBase, GroupCounted, RiderSums, Riders, ScoreBins, TruthHalf,
    MIXED,
};
use super::view::{Budget, ExperimentView, LabView, LearnedView, PowerView, Reruns};
use super::UpliftError;
use crate::decide::bands::Thresholds;
use crate::math::sigmoid;
use crate::model::feature_vector;
use crate::world::csv_write::to_experiment_csv;
use crate::world::experiment::assign;
use crate::world::offer::OfferEffect;
use crate::world::params::ValidParams;
use crate::world::params::{GeneratorParams, Seed};
use crate::world::session::World;

mod halves;

pub use halves::{half_users, StepPlan};

/// Model weights in raw units: the seven features, then the intercept.
pub type ModelWeights = [f64; 8];

/// Which users, drawn how: a lab's computations hold for one state of a
/// world.
#[derive(Clone, Debug, PartialEq)]
struct WorldStamp {
    generation: u64,
    params: GeneratorParams,
}

/// What an experiment's outcomes depend on: the world, the offer's effect
/// and the assignment.
#[derive(Clone, Debug, PartialEq)]
struct ExperimentStamp {
    world: WorldStamp,
    effect: OfferEffect,
    seed: Seed,
    share: u64,
}

/// The model's view of the users: each one's band and budget step.
#[derive(Clone, Debug)]
struct ModelRanking {
    key: (u64, [u64; 8], [u64; 2]),
    segment: Vec<u8>,
    steps: Vec<u8>,
    /// Each step's band, or [`MIXED`] where its users span two.
    step_band: [u8; STEPS],
    /// The users of the steps whose users span two bands, ascending.
    mixed: Vec<u32>,
    bands: BandBase,
}

/// The learned uplift model and its ranking.
#[derive(Clone, Debug)]
struct Learned {
    stamp: ExperimentStamp,
    model: LearnedUplift,
    steps: Vec<u8>,
    observed: ObservedQini,
}

/// The lab's state. Create it once; [`Lab::update`] follows the world.
#[derive(Clone, Debug, Default)]
pub struct Lab {
    world: Option<WorldStamp>,
    baseline: Option<Baseline>,
    bins: Option<ScoreBins>,
    model: Option<ModelRanking>,
    effect: Option<OfferEffect>,
    effects: Effects,
    /// The oracle's and the best possible ranking's tallies.
    truth: Option<[Box<Tallies>; 2]>,
    assignment: Option<((u64, u64, usize), Vec<bool>)>,
    learned: Option<Learned>,
    /// Bumped whenever what the riders' sums read changes.
    version: u64,
    riders: Option<(u64, RiderSums)>,
    /// The true rankings' steps of each histogram bin, for this effect.
    cuts: Option<[BinSteps; 2]>,
    /// The users whose effects another worker computed (the later half).
    missing: Option<std::ops::Range<usize>>,
    /// This worker's half of a τ step taken with another's ([`halves`]).
    pending: Pending,
    /// Each half's chart and arms counts, as the groups held for its users
    /// make them (none until a pass counts them, and once the groups, the
    /// score axis or the arms change otherwise): a τ step's pass then
    /// counts only the users whose group it changes.
    counted: [Option<GroupCounted>; 2],
}

/// The earlier half's sums of a τ step while the later half's are away.
#[derive(Clone, Debug, Default)]
struct Pending {
    riders: Option<RiderSums>,
    truth: Option<TruthHalf>,
}

/// The users of a world that the lab can work on: generated ones only.
/// The parameters that drew the world's users: the lab needs a world
/// generated here (both outcomes of every user come from its own draws).
fn generated(world: &World) -> Result<&ValidParams, UpliftError> {
    match world.params() {
        Some(params) if world.data().latent.is_some() && !world.data().is_empty() => Ok(params),
        _ => Err(UpliftError::new(
            "world",
            "must be generated here: both outcomes of every user come from its own draws, which no file holds",
        )),
    }
}

impl WorldStamp {
    /// The stamp of `world`, a world the lab can work on.
    fn of(world: &World) -> Result<WorldStamp, UpliftError> {
        Ok(WorldStamp {
            generation: world.generation(),
            params: generated(world)?.get().clone(),
        })
    }
}

fn bits<const N: usize>(x: [f64; N]) -> [u64; N] {
    x.map(f64::to_bits)
}

/// What a model's ranking of a world's users depends on.
fn model_key(
    world: &World,
    weights: &ModelWeights,
    thresholds: Thresholds,
) -> (u64, [u64; 8], [u64; 2]) {
    (
        world.generation(),
        bits(*weights),
        bits([thresholds.high, thresholds.medium]),
    )
}

/// What an experiment's assignment depends on.
fn assignment_key(world: &World, settings: &LabSettings) -> (u64, u64, usize) {
    let offer = settings.offer.get();
    (
        offer.assignment_seed.0,
        offer.treated_share.to_bits(),
        world.data().len(),
    )
}

impl Lab {
    /// Brings the lab to `world`, `settings` and the model with `weights`
    /// (`None`: no model yet), and returns what it shows.
    pub fn update(
        &mut self,
        world: &World,
        settings: &LabSettings,
        weights: Option<&ModelWeights>,
    ) -> Result<LabView, UpliftError> {
        self.refresh(world, settings, weights)?;
        Ok(self.view(world, settings))
    }

    /// Recomputes what changed.
    fn refresh(
        &mut self,
        world: &World,
        settings: &LabSettings,
        weights: Option<&ModelWeights>,
    ) -> Result<(), UpliftError> {
        self.refresh_world(world)?;
        self.refresh_model(world, weights, settings.thresholds);
        self.refresh_offer(world, settings);
        Ok(())
    }

    /// Recomputes what the world, the offer and the assignment changed.
    fn refresh_experiment(
        &mut self,
        world: &World,
        settings: &LabSettings,
    ) -> Result<(), UpliftError> {
        self.refresh_world(world)?;
        self.refresh_offer(world, settings);
        Ok(())
    }

    /// Follows the world's users.
    fn refresh_world(&mut self, world: &World) -> Result<(), UpliftError> {
        let stamp = WorldStamp::of(world)?;
        let data = world.data();
        if self.world.as_ref() != Some(&stamp) {
            let latent = data.latent.as_ref().expect("checked above");
            self.baseline = Some(Baseline::new(&stamp.params, data, &latent.noise_z));
            self.bins = Some(ScoreBins::new(latent.probability.scores()));
            self.world = Some(stamp);
            self.model = None;
            self.effect = None;
            self.counted = [None, None];
            self.version += 1;
        }
        Ok(())
    }

    /// Follows the assignment and the offer's effect: a new effect is one
    /// pass over the users (their effects, with the riders' sums along)
    /// and one more for the true rankings, each in two halves of the users
    /// whose sums are joined, as the page's two workers take them
    /// ([`halves`]): the same bits, whichever computes them.
    fn refresh_offer(&mut self, world: &World, settings: &LabSettings) {
        if self.begin_offer(world, settings) {
            let riders = [0, 1].map(|half| self.first_half(world, half));
            self.join_first(riders);
            let truth = [0, 1].map(|half| self.truth_half(world, half));
            self.join_truth(truth);
        }
    }

    /// Follows the assignment; readies the pass of a new offer's effect and
    /// returns true, or false when the effect is the one computed.
    fn begin_offer(&mut self, world: &World, settings: &LabSettings) -> bool {
        let data = world.data();
        let offer = settings.offer.get();
        let key = assignment_key(world, settings);
        if self.assignment.as_ref().map(|a| a.0) != Some(key) {
            self.assignment = Some((key, assign(offer, data.len())));
            self.counted = [None, None];
            self.version += 1;
        }
        let effect = OfferEffect::new(offer);
        // (A step begun and never finished, its halves never joined, is
        // taken again.)
        if self.effect == Some(effect) && self.truth.is_some() {
            return false;
        }
        self.effect = Some(effect);
        self.version += 1;
        self.truth = None;
        self.missing = None;
        self.pending = Pending::default();
        let baseline = self.baseline.as_mut().expect("refreshed");
        self.effects.begin(baseline, data, &effect);
        true
    }

    /// What places each user without regard to the offer, now.
    fn riders<'a>(&'a self, world: &'a World) -> Riders<'a> {
        Riders {
            model: self
                .model
                .as_ref()
                .map(|m| (m.steps.as_slice(), m.segment.as_slice(), m.mixed.as_slice())),
            learned: self.fresh_learned().map(|l| l.steps.as_slice()),
            bins: self.bins.as_ref().expect("refreshed"),
            treated: self.treated(),
            converted: &world.data().converted,
        }
    }

    /// The effects' pass over one half of the users (after
    /// [`Lab::begin_offer`]): their effects, their keys counted, and the
    /// riders' sums of the half (the chart and the arms from the half's
    /// counts before, when there are some).
    fn first_half(&mut self, world: &World, half: usize) -> RiderSums {
        let data = world.data();
        let mut effects = std::mem::take(&mut self.effects);
        let riders = self.riders(world);
        let mut sums = match &self.counted[half] {
            Some(counted) => RiderSums::from_counts(&riders, counted),
            None => RiderSums::new(&riders),
        };
        let baseline = self.baseline.as_ref().expect("refreshed");
        let users = half_users(half, data.len());
        effects.compute_users(baseline, data, users, true, |b| sums.add(&riders, b));
        self.effects = effects;
        self.counted[half] = Some(sums.counted());
        sums
    }

    /// Joins the halves' riders' sums (the earlier half first) and places
    /// the true rankings' bins, every user's key being counted.
    fn join_first(&mut self, halves: [RiderSums; 2]) {
        self.riders = Some((self.version, RiderSums::joined(halves)));
        self.place_cuts();
    }

    /// Places the true rankings' bins, every user's key being counted.
    fn place_cuts(&mut self) {
        let n = self.effects.p1.len();
        let (oracle, best) = (&self.effects.oracle_bins, &self.effects.best_bins);
        self.cuts = Some([oracle.steps(n), best.steps(n)]);
    }

    /// The true rankings' pass over one half of the users.
    fn truth_half(&self, world: &World, half: usize) -> TruthHalf {
        let data = world.data();
        let p0 = &data.latent.as_ref().expect("generated").probability;
        let q0 = &self.baseline.as_ref().expect("refreshed").q0;
        let cuts = self.cuts.as_ref().expect("placed").each_ref();
        let users = half_users(half, data.len());
        truth_half(&self.effects, p0, q0, cuts, users)
    }

    /// Joins the halves' true rankings' sums (the earlier half first).
    fn join_truth(&mut self, halves: [TruthHalf; 2]) {
        let [oracle, best] = self.cuts.as_ref().expect("placed");
        self.truth = Some(truth_tallies(halves, oracle, best));
    }

    /// Computes the effects of the users another worker took, when they
    /// are read here.
    fn complete(&mut self, world: &World) {
        if let Some(users) = self.missing.take() {
            // Their groups change uncounted.
            let n = world.data().len();
            for (half, counted) in self.counted.iter_mut().enumerate() {
                let theirs = half_users(half, n);
                if theirs.start < users.end && users.start < theirs.end {
                    *counted = None;
                }
            }
            let baseline = self.baseline.as_ref().expect("refreshed");
            self.effects
                .compute_users(baseline, world.data(), users, false, |_| {});
        }
    }

    fn refresh_model(
        &mut self,
        world: &World,
        weights: Option<&ModelWeights>,
        thresholds: Thresholds,
    ) {
        let Some(weights) = weights else {
            if self.model.take().is_some() {
                self.version += 1;
            }
            return;
        };
        let key = model_key(world, weights, thresholds);
        if self.model.as_ref().is_some_and(|m| m.key == key) {
            return;
        }
        let data = world.data();
        let probability: Vec<f64> = data
            .all_features()
            .map(|x| {
                let v = feature_vector(&x);
                let score =
                    weights[7] + weights[..7].iter().zip(&v).map(|(w, x)| w * x).sum::<f64>();
                sigmoid(score)
            })
            .collect();
        let segment: Vec<u8> = probability
            .iter()
            .map(|&p| thresholds.segment(p) as u8)
            .collect();
        let mut steps = Vec::new();
        steps_by_key(&probability, &mut steps);
        let q0 = &self.baseline.as_ref().expect("refreshed").q0;
        let mut bands_of_step = [0u8; STEPS];
        for (&step, &band) in steps.iter().zip(&segment) {
            bands_of_step[usize::from(step)] |= 1 << band.min(2);
        }
        let step_band = bands_of_step.map(|bands| match bands {
            0 | 1 => 0,
            2 => 1,
            4 => 2,
            _ => MIXED,
        });
        let mixed = (0..steps.len() as u32)
            .filter(|&i| step_band[usize::from(steps[i as usize])] == MIXED)
            .collect();
        self.model = Some(ModelRanking {
            key,
            bands: BandBase::new(&segment, &probability, q0),
            segment,
            steps,
            step_band,
            mixed,
        });
        self.version += 1;
    }

    /// The stamp of the experiment now (after a refresh).
    fn stamp(&self) -> ExperimentStamp {
        let ((seed, share, _), _) = self.assignment.as_ref().expect("refreshed");
        ExperimentStamp {
            world: self.world.clone().expect("refreshed"),
            effect: self.effect.expect("refreshed"),
            seed: Seed(*seed),
            share: *share,
        }
    }

    fn treated(&self) -> &[bool] {
        &self.assignment.as_ref().expect("refreshed").1
    }

    /// Each user's outcome under the assignment.
    fn observed(&self, world: &World) -> Vec<bool> {
        let y0 = &world.data().converted;
        let treated = self.treated();
        (0..y0.len())
            .map(|i| {
                if treated[i] {
                    self.effects.converts_with_offer(i)
                } else {
                    y0[i]
                }
            })
            .collect()
    }

    /// Learns the two-model uplift from the experiment as it is now (two
    /// cold fits: the same bits as `conversion experiment` on its CSV),
    /// and returns the view with it.
    pub fn learn(
        &mut self,
        world: &World,
        settings: &LabSettings,
        weights: Option<&ModelWeights>,
    ) -> Result<LabView, UpliftError> {
        self.refresh(world, settings, weights)?;
        self.complete(world);
        let stamp = self.stamp();
        if self.learned.as_ref().map(|l| &l.stamp) != Some(&stamp) {
            let converted = self.observed(world);
            let data = world.data();
            let model = learn(data, &converted, self.treated())?;
            let scores = model.scores(data);
            let mut steps = Vec::new();
            steps_by_key(&scores, &mut steps);
            let observed = model.observed_qini(&scores, &converted, self.treated());
            self.learned = Some(Learned {
                stamp,
                model,
                steps,
                observed,
            });
            self.version += 1;
        }
        Ok(self.view(world, settings))
    }

    /// The experiment CSV of the world now: what `conversion generate`
    /// writes for the same parameters and offer.
    pub fn experiment_csv(
        &mut self,
        world: &World,
        settings: &LabSettings,
    ) -> Result<Vec<u8>, UpliftError> {
        self.refresh_experiment(world, settings)?;
        self.complete(world);
        Ok(to_experiment_csv(
            world.data(),
            &self.observed(world),
            self.treated(),
        ))
    }

    /// The learned model, when it is learned for the experiment now.
    fn fresh_learned(&self) -> Option<&Learned> {
        let stamp = self.stamp();
        self.learned.as_ref().filter(|l| l.stamp == stamp)
    }

    /// The riders' sums, summed again when what they read changed without
    /// the offer's effect (a new model, assignment or learned ranking), in
    /// the same halves as the effects' pass.
    fn rider_sums(&mut self, world: &World) -> &RiderSums {
        if self.riders.as_ref().map(|r| r.0) != Some(self.version) {
            self.complete(world);
            let data = world.data();
            let riders = self.riders(world);
            let p0 = &data.latent.as_ref().expect("generated").probability;
            let q0 = &self.baseline.as_ref().expect("refreshed").q0;
            let halves = [0, 1].map(|half| {
                let mut sums = RiderSums::new(&riders);
                let users = half_users(half, data.len());
                self.effects.replay(p0, q0, users, |b| sums.add(&riders, b));
                sums
            });
            self.riders = Some((self.version, RiderSums::joined(halves)));
        }
        &self.riders.as_ref().expect("set above").1
    }

    fn view(&mut self, world: &World, settings: &LabSettings) -> LabView {
        self.rider_sums(world);
        let t = &self.riders.as_ref().expect("summed").1;
        let [oracle, best] = self.truth.as_ref().expect("refreshed");
        let n = world.data().len();
        let step = settings.budget_step.min(STEPS);
        let e = settings.economics;
        let all = total(oracle);
        let mut policies = Vec::new();
        let mut ranked =
            |policy, tallies: &Tallies| policies.push(ranked_view(policy, tallies, n, step, e));
        if let Some(model) = &t.model {
            ranked(Policy::ModelProbability, model);
        }
        ranked(Policy::Oracle, oracle);
        ranked(Policy::BestPossible, best);
        if let Some(learned) = &t.learned {
            ranked(Policy::Learned, learned);
        }
        policies.push(random_view(&all, n, step, e));
        let groups = GroupCounts::from_array(all.groups);
        let points = |x: f64| 100.0 * x / n as f64;
        let realized = points(groups.net_conversions());
        let learned = self.fresh_learned().map(|l| LearnedView {
            treated_weights: l.model.treated.weights(),
            control_weights: l.model.control.weights(),
            observed: l.observed.clone(),
        });
        LabView {
            users: n,
            groups,
            mean_effect_points: points(all.uplift),
            mean_effect_with_noise_points: points(all.uplift_with_noise),
            realized_effect_points: realized,
            tau: self.effects.tau,
            scores: self.bins.as_ref().expect("refreshed").chart(
                &t.chart,
                self.effects.tau.mean,
                settings.thresholds,
            ),
            bands: self.model.as_ref().map(|m| m.bands.view(t, &m.step_band)),
            budget: Budget {
                step,
                share: step as f64 / STEPS as f64,
                users: budget_users(step, n),
            },
            policies,
            learned_stale: learned.is_none(),
            learned,
            experiment: self.experiment_view(t.arms, &all, settings, realized),
        }
    }

    fn experiment_view(
        &self,
        arms: [[u64; 2]; 2],
        all: &StepTally,
        settings: &LabSettings,
        realized: f64,
    ) -> ExperimentView {
        let offer = settings.offer.get();
        let n = self.treated().len() as f64;
        let [treated, control] = arms;
        let analysis = analyse_arms(
            Arm::new(treated[0], treated[1]),
            Arm::new(control[0], control[1]),
        );
        let true_p0 = (all.converters_with_noise - all.uplift_with_noise) / n;
        let true_points = 100.0 * all.uplift_with_noise / n;
        let (analysis, problem) = match analysis {
            Ok(a) => (Some(a), None),
            Err(e) => (None, Some(e.to_string())),
        };
        let baseline_rate = analysis.map(|a| a.control.rate.value);
        ExperimentView {
            covers_truth: analysis
                .map(|a| a.lift_points.low <= realized && realized <= a.lift_points.high),
            analysis,
            problem,
            assignment_seed: offer.assignment_seed,
            power: PowerView {
                minimum_effect_points: settings.minimum_effect,
                baseline_rate,
                users_per_arm: baseline_rate
                    .and_then(|r| users_per_arm(r, settings.minimum_effect)),
                true_baseline_rate: true_p0,
                true_effect_points: true_points,
                users_per_arm_for_true_effect: users_per_arm(true_p0, true_points.abs()),
                power_for_true_effect: power(true_p0, true_points, treated[0], control[0]),
            },
        }
    }

    /// `runs` more experiments on the same users: the assignment seeds
    /// after this one's (seed + 1, seed + 2, …), each analysed as the first.
    pub fn rerun(
        &mut self,
        world: &World,
        settings: &LabSettings,
        runs: u64,
    ) -> Result<Reruns, UpliftError> {
        self.refresh_experiment(world, settings)?;
        self.complete(world);
        let data = world.data();
        Ok(rerun(
            &data.converted,
            &data.latent.as_ref().expect("generated").probability,
            &self.effects,
            settings.offer.get(),
            runs,
        ))
    }
}
