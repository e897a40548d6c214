//! A τ step in two halves of the users, for two workers: the page's worker
//! takes the earlier half and a helper worker the later, on a second core.
//! Each half's sums go across as bytes ([`crate::uplift::wire`]) and are
//! joined exactly as [`Lab::update`] joins the halves it takes itself, so
//! every number is the same to the bit, whoever took which half.
//!
//! The page's worker: [`Lab::begin_step`], then [`Lab::step_first`] on its
//! half while the helper runs [`Lab::follow_step`] and [`Lab::follow_first`]
//! on the other. Each sends the other its keys' histograms, so both place
//! the true rankings' bins from the same counts at once: the helper runs
//! [`Lab::follow_truth`] while the lab joins the helper's sums
//! ([`Lab::step_join_first`]) and runs [`Lab::step_truth`], then
//! [`Lab::step_finish`] joins the helper's last bytes. Without the
//! helper's bytes, each join takes the later half itself.

use std::ops::Range;

use super::{
    assignment_key, model_key, Lab, LabSettings, LabView, ModelWeights, UpliftError, WorldStamp,
};
use crate::uplift::ranking::BINS;
use crate::uplift::tally::TruthHalf;
use crate::uplift::wire::{Reader, Writer};
use crate::world::session::World;

/// The users of half `half` (0 the earlier, 1 the later) of `n`.
pub fn half_users(half: usize, n: usize) -> Range<usize> {
    let middle = n / 2;
    if half == 0 {
        0..middle
    } else {
        middle..n
    }
}

/// The bytes of the two true rankings' histograms: each a count, then
/// its bins' counts.
const COUNTS_BYTES: usize = 2 * 4 * (BINS + 1);

/// What a helper needs to know of a τ step beside the lab's own settings:
/// whether the learned ranking rides along (the helper never holds one:
/// the lab then takes both halves).
/// And whether only the offer's effect changed: a step after a new world,
/// model or assignment is not worth a helper getting ready for (a drag of
/// the world's sliders would keep it drawing worlds).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepPlan {
    pub learned: bool,
    pub only_offer: bool,
}

fn mismatch(problem: &str) -> UpliftError {
    UpliftError::new("half", problem)
}

impl Lab {
    /// Brings the lab to `world`, `settings` and the model, and readies a
    /// τ step if the offer's effect changed: its plan, or `None` when
    /// [`Lab::update`] has nothing to compute but the view.
    pub fn begin_step(
        &mut self,
        world: &World,
        settings: &LabSettings,
        weights: Option<&ModelWeights>,
    ) -> Result<Option<StepPlan>, UpliftError> {
        let version = self.version;
        self.refresh_world(world)?;
        self.refresh_model(world, weights, settings.thresholds);
        if !self.begin_offer(world, settings) {
            return Ok(None);
        }
        Ok(Some(StepPlan {
            learned: self.fresh_learned().is_some(),
            // The effect's own bump, and nothing else.
            only_offer: self.version == version + 1,
        }))
    }

    /// The effects' pass over the earlier half, kept for the join; returns
    /// its keys' histograms, for the helper's [`Lab::follow_truth`].
    pub fn step_first(&mut self, world: &World) -> Vec<u8> {
        self.pending.riders = Some(self.first_half(world, 0));
        let mut w = Writer::default();
        w.reserve(COUNTS_BYTES);
        self.write_counts(&mut w);
        w.bytes()
    }

    /// Writes the two true rankings' histograms ([`COUNTS_BYTES`]).
    fn write_counts(&self, w: &mut Writer) {
        for bins in [&self.effects.oracle_bins, &self.effects.best_bins] {
            w.counts(bins.counts());
        }
    }

    /// Adds another half's histograms ([`Lab::write_counts`]) to these; a bad
    /// one changes nothing.
    fn add_counts(&mut self, [oracle, best]: [Vec<u32>; 2]) -> Result<(), UpliftError> {
        let (o, b) = (&mut self.effects.oracle_bins, &mut self.effects.best_bins);
        o.can_add(&oracle)?;
        b.can_add(&best)?;
        o.add(&oracle);
        b.add(&best);
        Ok(())
    }

    /// Joins the later half's effects' pass, from the helper's bytes
    /// ([`Lab::follow_first`]) or, without them, taken here, and places
    /// the true rankings' bins.
    pub fn step_join_first(
        &mut self,
        world: &World,
        later: Option<&[u8]>,
    ) -> Result<(), UpliftError> {
        let Some(earlier) = &self.pending.riders else {
            return Err(mismatch("came before the lab's own"));
        };
        let later = match later {
            Some(bytes) => {
                // Read whole before anything changes: a bad half leaves the
                // step to be finished without it.
                let mut r = Reader::new(bytes);
                let histograms = [r.counts(BINS)?, r.counts(BINS)?];
                let sums = earlier.read_like(&mut r)?;
                r.end()?;
                self.add_counts(histograms)?;
                self.missing = Some(half_users(1, world.data().len()));
                sums
            }
            None => self.first_half(world, 1),
        };
        let earlier = self.pending.riders.take().expect("checked above");
        self.join_first([earlier, later]);
        Ok(())
    }

    /// The true rankings' pass over the earlier half, kept for the join.
    pub fn step_truth(&mut self, world: &World) {
        self.pending.truth = Some(self.truth_half(world, 0));
    }

    /// Joins the later half's true rankings' pass, from the helper's bytes
    /// ([`Lab::follow_truth`]) or, without them, taken here, and returns
    /// the view.
    pub fn step_finish(
        &mut self,
        world: &World,
        settings: &LabSettings,
        later: Option<&[u8]>,
    ) -> Result<LabView, UpliftError> {
        if self.pending.truth.is_none() {
            return Err(mismatch("came before the lab's own"));
        }
        let later = match later {
            Some(bytes) => {
                let mut r = Reader::new(bytes);
                let half = TruthHalf::read(&mut r)?;
                r.end()?;
                if !half.fits(self.cuts.as_ref().expect("placed").each_ref()) {
                    return Err(mismatch("has straddlers out of place"));
                }
                half
            }
            None => {
                self.complete(world);
                self.truth_half(world, 1)
            }
        };
        let earlier = self.pending.truth.take().expect("checked above");
        self.join_truth([earlier, later]);
        Ok(self.view(world, settings))
    }

    /// Whether [`Lab::follow_step`] with these is quick: the same world,
    /// model and assignment as the last step followed.
    pub fn follows(
        &self,
        world: &World,
        settings: &LabSettings,
        weights: Option<&ModelWeights>,
    ) -> bool {
        let same_world = WorldStamp::of(world).ok() == self.world;
        let model = weights.map(|w| model_key(world, w, settings.thresholds));
        same_world
            && self.model.as_ref().map(|m| m.key) == model
            && self.assignment.as_ref().map(|a| a.0) == Some(assignment_key(world, settings))
    }

    /// The helper's side: readies the τ step of a lab whose plan is `plan`
    /// (with the same world, settings and model), whatever this lab
    /// computed before.
    pub fn follow_step(
        &mut self,
        world: &World,
        settings: &LabSettings,
        weights: Option<&ModelWeights>,
        plan: StepPlan,
    ) -> Result<(), UpliftError> {
        if plan.learned {
            return Err(mismatch(
                "rides a learned ranking, which a helper never holds",
            ));
        }
        self.refresh_world(world)?;
        self.refresh_model(world, weights, settings.thresholds);
        self.effect = None;
        self.begin_offer(world, settings);
        Ok(())
    }

    /// The helper's effects' pass over the later half: its keys'
    /// histograms and its riders' sums, as bytes.
    pub fn follow_first(&mut self, world: &World) -> Vec<u8> {
        let sums = self.first_half(world, 1);
        let mut w = Writer::default();
        // The two histograms, then the sums (tens of kilobytes).
        w.reserve(COUNTS_BYTES + (1 << 16));
        self.write_counts(&mut w);
        sums.write(&mut w);
        // Kept as the sign that the half is taken (a truth pass may follow).
        self.pending.riders = Some(sums);
        w.bytes()
    }

    /// The helper's true rankings' pass over the later half, once the
    /// lab's histograms ([`Lab::step_first`]) are added to its own: the
    /// same bins' steps as the lab places. As bytes.
    pub fn follow_truth(&mut self, world: &World, counts: &[u8]) -> Result<Vec<u8>, UpliftError> {
        if self.pending.riders.take().is_none() {
            return Err(mismatch("came before the helper's own"));
        }
        let mut r = Reader::new(counts);
        let histograms = [r.counts(BINS)?, r.counts(BINS)?];
        r.end()?;
        self.add_counts(histograms)?;
        self.place_cuts();
        let half = self.truth_half(world, 1);
        let mut w = Writer::default();
        half.write(&mut w);
        Ok(w.bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{fit, FitParams};
    use crate::world::contract::MAX_ROWS_IN_MEMORY;
    use crate::world::params::GeneratorParams;
    use serde_json::json;

    /// A lab and a helper taking a step as the page's two workers do.
    fn in_two(
        lab: &mut Lab,
        helper: &mut Lab,
        worlds: [&World; 2],
        settings: &LabSettings,
        weights: Option<&ModelWeights>,
    ) -> (LabView, Option<StepPlan>) {
        let [world, theirs] = worlds;
        let Some(plan) = lab.begin_step(world, settings, weights).unwrap() else {
            return (lab.update(world, settings, weights).unwrap(), None);
        };
        if plan.learned {
            lab.step_first(world);
            assert!(helper.follow_step(theirs, settings, weights, plan).is_err());
            lab.step_join_first(world, None).unwrap();
            lab.step_truth(world);
            return (lab.step_finish(world, settings, None).unwrap(), Some(plan));
        }
        helper.follow_step(theirs, settings, weights, plan).unwrap();
        assert!(helper.follows(theirs, settings, weights));
        assert!(
            helper.follow_truth(theirs, &[]).is_err(),
            "before its own half"
        );
        let later = helper.follow_first(theirs);
        let counts = lab.step_first(world);
        let truth = helper.follow_truth(theirs, &counts).unwrap();
        lab.step_join_first(world, Some(&later)).unwrap();
        let later = truth;
        lab.step_truth(world);
        let view = lab.step_finish(world, settings, Some(&later)).unwrap();
        (view, Some(plan))
    }

    fn settings(value: serde_json::Value) -> LabSettings {
        LabSettings::from_value(&value).unwrap()
    }

    #[test]
    fn two_workers_show_what_one_lab_shows_to_the_bit() {
        let params = GeneratorParams {
            rows: 12_345,
            baseline: -2.0,
            ..Default::default()
        };
        let valid = || params.clone().validate(MAX_ROWS_IN_MEMORY).unwrap();
        // The page's worker relabels its world as sliders move; the helper
        // draws it afresh with the parameters now.
        let mut world = World::new(
            GeneratorParams {
                baseline: -1.0,
                ..params.clone()
            }
            .validate(MAX_ROWS_IN_MEMORY)
            .unwrap(),
        );
        world.update(valid());
        let theirs = World::new(valid());
        let weights = fit(world.data(), &FitParams::default())
            .unwrap()
            .0
            .weights();
        let other: ModelWeights = std::array::from_fn(|i| weights[i] * 0.9);
        let (mut lab, mut helper, mut one) = (Lab::default(), Lab::default(), Lab::default());
        let offer = |effect: f64, budget: f64| {
            settings(json!({"offer": {"effect": effect, "fatigue": -0.25}, "budget": budget}))
        };
        // Each step, and whether it is a pass after a change of the offer
        // alone (None: no pass, the tallies read again).
        let steps: Vec<(LabSettings, Option<&ModelWeights>, Option<bool>)> = vec![
            (offer(0.6, 0.2), Some(&weights), Some(false)),
            (offer(0.65, 0.2), Some(&weights), Some(true)),
            // Far enough to grow the noise-average table.
            (offer(9.0, 0.2), Some(&weights), Some(true)),
            (offer(-3.0, 0.2), Some(&weights), Some(true)),
            (offer(-3.0, 0.35), Some(&weights), None),
            // A new model: the riders' sums again, over every user's effects.
            (offer(-3.0, 0.35), Some(&other), None),
            (offer(1.2, 0.35), None, Some(false)),
            (
                settings(
                    json!({"offer": {"effect": 1.3, "treatedShare": 0.3, "tierEffects": {"tier_2": -0.4}}}),
                ),
                Some(&other),
                Some(false),
            ),
            (offer(1.35, 0.35), Some(&other), Some(false)),
        ];
        // What a lab shows after any steps is what a lab opened there shows,
        // to the bit: its groups counted from each half's counts before (a
        // τ step's pass counts only the users whose group it changes), its
        // sums read from a noise-average table grown with the effects it has
        // seen. With a learned model held, what it counts: the chart by
        // score, the experiment's arms, the groups.
        let counted = |view: &str| {
            let view: serde_json::Value = serde_json::from_str(view).unwrap();
            let arms = &view["experiment"]["analysis"];
            let arms =
                [&arms["treated"], &arms["control"]].map(|a| (&a["users"], &a["conversions"]));
            serde_json::to_string(&(&view["scores"], arms, &view["groups"])).unwrap()
        };
        let fresh = |s: &LabSettings, w: Option<&ModelWeights>| {
            let view = Lab::default().update(&world, s, w).unwrap();
            serde_json::to_string(&view).unwrap()
        };
        for (s, w, only_offer) in &steps {
            let (view, plan) = in_two(&mut lab, &mut helper, [&world, &theirs], s, *w);
            assert_eq!(plan.map(|p| p.only_offer), *only_offer);
            let alone = one.update(&world, s, *w).unwrap();
            let view = serde_json::to_string(&view).unwrap();
            assert_eq!(view, serde_json::to_string(&alone).unwrap());
            assert_eq!(view, fresh(s, *w));
        }
        // The lab alone after steps the helper took: the later half's
        // groups, left as an earlier step made them, change from there.
        for effect in [1.4, 1.45] {
            let s = offer(effect, 0.35);
            let view = serde_json::to_string(&lab.update(&world, &s, Some(&other)).unwrap());
            assert_eq!(view.unwrap(), fresh(&s, Some(&other)));
            in_two(&mut lab, &mut helper, [&world, &theirs], &s, Some(&other));
        }
        // The users the helper took are computed here when read: learning,
        // the experiment CSV, the re-runs.
        let s = offer(0.8, 0.3);
        in_two(&mut lab, &mut helper, [&world, &theirs], &s, Some(&weights));
        let alone = one.update(&world, &s, Some(&weights)).unwrap();
        assert_eq!(
            lab.experiment_csv(&world, &s).unwrap(),
            one.experiment_csv(&world, &s).unwrap()
        );
        let learned = lab.learn(&world, &s, Some(&weights)).unwrap();
        assert_eq!(
            serde_json::to_string(&learned).unwrap(),
            serde_json::to_string(&one.learn(&world, &s, Some(&weights)).unwrap()).unwrap()
        );
        assert_ne!(
            serde_json::to_string(&learned).unwrap(),
            serde_json::to_string(&alone).unwrap()
        );
        assert_eq!(
            serde_json::to_string(&lab.rerun(&world, &s, 3).unwrap()).unwrap(),
            serde_json::to_string(&one.rerun(&world, &s, 3).unwrap()).unwrap()
        );
        // Away and back to the learned effect: the learned ranking rides
        // along, so the lab takes both halves itself.
        for effect in [0.9, 0.8, 0.85] {
            let s = offer(effect, 0.3);
            let (view, plan) = in_two(&mut lab, &mut helper, [&world, &theirs], &s, Some(&weights));
            assert_eq!(plan.map(|p| p.learned), Some(effect == 0.8));
            let alone = one.update(&world, &s, Some(&weights)).unwrap();
            let view = serde_json::to_string(&view).unwrap();
            assert_eq!(view, serde_json::to_string(&alone).unwrap());
            if effect != 0.8 {
                assert_eq!(
                    counted(&view),
                    counted(&fresh(&s, Some(&weights))),
                    "effect {effect}"
                );
            }
        }
    }

    #[test]
    fn a_step_left_half_taken_is_taken_again() {
        let params = GeneratorParams {
            rows: 2_001,
            ..Default::default()
        };
        let world = World::new(params.validate(MAX_ROWS_IN_MEMORY).unwrap());
        let s = settings(json!({"offer": {"effect": 0.7}}));
        let alone = Lab::default().update(&world, &s, None).unwrap();
        for left_after in 0..3 {
            let mut lab = Lab::default();
            lab.begin_step(&world, &s, None).unwrap().unwrap();
            if left_after > 0 {
                lab.step_first(&world);
            }
            if left_after > 1 {
                lab.step_join_first(&world, None).unwrap();
                lab.step_truth(&world);
            }
            let view = lab.update(&world, &s, None).unwrap();
            assert_eq!(
                serde_json::to_string(&view).unwrap(),
                serde_json::to_string(&alone).unwrap(),
                "left after {left_after}"
            );
        }
    }

    #[test]
    fn a_bad_half_changes_nothing_and_the_step_finishes_without_it() {
        let params = GeneratorParams {
            rows: 3_001,
            ..Default::default()
        };
        let valid = || params.clone().validate(MAX_ROWS_IN_MEMORY).unwrap();
        let (world, theirs) = (World::new(valid()), World::new(valid()));
        let s = settings(json!({"offer": {"effect": 0.7}}));
        let (mut lab, mut helper) = (Lab::default(), Lab::default());
        let plan = lab.begin_step(&world, &s, None).unwrap().unwrap();
        assert!(!helper.follows(&theirs, &s, None));
        helper.follow_step(&theirs, &s, None, plan).unwrap();
        let later = helper.follow_first(&theirs);
        assert!(
            lab.step_join_first(&world, Some(&later)).is_err(),
            "before the lab's own half"
        );
        let counts = lab.step_first(&world);
        for bad in [
            &later[..later.len() - 1],
            &[later.as_slice(), &[0]].concat()[..],
            &later[4..],
        ] {
            let e = lab.step_join_first(&world, Some(bad)).unwrap_err();
            assert_eq!(e.field, "half");
        }
        assert!(helper.follow_truth(&theirs, &counts[1..]).is_err());
        lab.step_join_first(&world, None).unwrap();
        lab.step_truth(&world);
        let e = lab.step_finish(&world, &s, Some(&later[..10])).unwrap_err();
        assert_eq!(e.field, "half");
        let view = lab.step_finish(&world, &s, None).unwrap();
        let alone = Lab::default().update(&world, &s, None).unwrap();
        assert_eq!(
            serde_json::to_string(&view).unwrap(),
            serde_json::to_string(&alone).unwrap()
        );
    }
}
