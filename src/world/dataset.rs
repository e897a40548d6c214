//! Users held in memory, column by column: what the generator fills, the
//! CSV reader reads into, and the model and the page read from. Plain
//! storage: generating and relabelling live in [`super::generator`].

use std::ops::Deref;
use std::sync::OnceLock;

use super::contract::Tier;
use crate::math::probabilities_of;

/// One user's behavioural signals: the six feature columns of the contract.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Features {
    /// Days since signup (≥ 1): lifecycle stage.
    pub days_since_signup: u32,
    /// App opens in the last 7 days.
    pub sessions_7d: u32,
    /// Hours watched in the last 7 days, a multiple of 0.01.
    pub content_hours_7d: f64,
    /// Offline downloads in the last 7 days.
    pub downloads_7d: u32,
    /// Paywall views in the last 7 days.
    pub paywall_views_7d: u32,
    /// Market tier.
    pub country_tier: Tier,
}

/// What only a generated dataset knows: each user's latent draws, score and
/// true probability. Imported data has none of this.
#[derive(Clone, Debug, Default)]
pub struct Latent {
    /// Standard normal draw z per user (noise ε = σ·z).
    pub noise_z: Vec<f64>,
    /// Uniform label draw u per user (converted = u < p).
    pub label_draw: Vec<f64>,
    /// Each user's score and true conversion probability p (with the user's
    /// own noise); reads as the list of probabilities.
    pub probability: TrueProbability,
    /// logit(u) of each user's label draw, for relabelling by comparing
    /// scores (empty until [`Latent::prepare_relabel`]); single precision,
    /// half the memory to read per relabel, well within [`LABEL_GUARD`].
    label_logit: Vec<f32>,
}

/// Below this distance from logit(u) a score's label is decided by the exact
/// probability; beyond it the comparison of the score with logit(u) gives
/// the same label as u < sigmoid(score), with a wide margin: sigmoid and
/// logit are each computed to about 1e-14 (so only scores within about
/// 1e-13, or 1e-13 / (1 − u) near u = 1, of logit(u) could be labelled
/// differently), and logit(u) is kept to single precision, within 2.2e-6 of
/// itself for the |logit(u)| ≤ 37 of every draw.
pub const LABEL_GUARD: f64 = 1e-5;

/// Draws above this have their logit marked unusable (NaN), so their label
/// is always decided exactly: there 1 / (1 − u) would let the error of
/// the comparison outgrow [`LABEL_GUARD`].
const LAST_TRUSTED_DRAW: f64 = 1.0 - 1e-6;

impl PartialEq for Latent {
    /// The same draws, scores and probabilities (the logits follow from the draws).
    fn eq(&self, other: &Self) -> bool {
        self.noise_z == other.noise_z
            && self.label_draw == other.label_draw
            && self.probability == other.probability
    }
}

impl Latent {
    /// Room for `n` more users' draws.
    pub fn reserve_exact(&mut self, n: usize) {
        self.noise_z.reserve_exact(n);
        self.label_draw.reserve_exact(n);
        self.probability.reserve_exact(n);
    }

    /// Removes every user's draws, keeping the allocated room.
    pub fn clear(&mut self) {
        self.noise_z.clear();
        self.label_draw.clear();
        self.probability.clear();
        self.label_logit.clear();
    }

    /// What a relabel reads and writes: the noise draws, the label draws,
    /// their logits ([`Latent::prepare_relabel`]) and the scores to overwrite
    /// (the probabilities are then computed again when next read).
    pub fn relabel_parts(&mut self) -> (&[f64], &[f64], &[f32], &mut [f64]) {
        self.prepare_relabel();
        (
            &self.noise_z,
            &self.label_draw,
            &self.label_logit,
            self.probability.rescore(),
        )
    }

    /// Computes, once per set of users, ln(u / (1 − u)) of each user's label
    /// draw: converted = u < sigmoid(score) exactly when score > logit(u),
    /// up to rounding ([`LABEL_GUARD`]). NaN (never trusted) for u = 0 and
    /// for draws above [`LAST_TRUSTED_DRAW`].
    pub fn prepare_relabel(&mut self) {
        if self.label_logit.len() != self.label_draw.len() {
            self.label_logit.clear();
            self.label_logit.reserve_exact(self.label_draw.len());
            self.label_logit.extend(self.label_draw.iter().map(|&u| {
                if u > 0.0 && u <= LAST_TRUSTED_DRAW {
                    libm::log(u / (1.0 - u)) as f32
                } else {
                    f32::NAN
                }
            }));
        }
    }
}

/// Each user's score with noise, s(x) + σ·z, and their true conversion
/// probability sigmoid(score), which it reads as (a slice of probabilities).
/// A relabel sets the scores and decides the labels without the
/// probabilities (the costly part); they are computed from the scores, the
/// same bits as the generator's, the first time they are read after it.
#[derive(Clone, Debug, Default)]
pub struct TrueProbability {
    score: Vec<f64>,
    /// sigmoid of each score, once computed since the scores last changed.
    probability: OnceLock<Vec<f64>>,
}

impl TrueProbability {
    /// Each user's score with noise, s(x) + σ·z (a log-odds).
    pub fn scores(&self) -> &[f64] {
        &self.score
    }

    /// The scores to overwrite, for a relabel: the probabilities are dropped
    /// and computed again when next read.
    pub fn rescore(&mut self) -> &mut [f64] {
        self.probability.take();
        &mut self.score
    }

    /// Appends users whose scores and probabilities were computed together.
    pub fn extend(&mut self, scores: &[f64], probabilities: &[f64]) {
        let held = self.known();
        held.extend_from_slice(probabilities);
        self.score.extend_from_slice(scores);
    }

    /// The probabilities, computed now if they are not known, to append to.
    fn known(&mut self) -> &mut Vec<f64> {
        let _ = self.probabilities();
        self.probability.get_mut().expect("computed just above")
    }

    fn probabilities(&self) -> &[f64] {
        self.probability.get_or_init(|| {
            let mut p = vec![0.0; self.score.len()];
            probabilities_of(&self.score, &mut p);
            p
        })
    }

    fn reserve_exact(&mut self, n: usize) {
        self.score.reserve_exact(n);
        self.known().reserve_exact(n);
    }

    fn clear(&mut self) {
        self.score.clear();
        // Keep the room the probabilities held, without computing them first.
        match self.probability.get_mut() {
            Some(p) => p.clear(),
            None => self.probability = OnceLock::from(Vec::new()),
        }
    }
}

impl Deref for TrueProbability {
    type Target = [f64];

    fn deref(&self) -> &[f64] {
        self.probabilities()
    }
}

impl PartialEq for TrueProbability {
    fn eq(&self, other: &Self) -> bool {
        self.score == other.score && self.probabilities() == other.probabilities()
    }
}

/// Users as columns. All columns have the same length.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dataset {
    pub days_since_signup: Vec<u32>,
    pub sessions_7d: Vec<u32>,
    pub content_hours_7d: Vec<f64>,
    pub downloads_7d: Vec<u32>,
    pub paywall_views_7d: Vec<u32>,
    pub country_tier: Vec<Tier>,
    pub converted: Vec<bool>,
    /// Present when the data were generated here.
    pub latent: Option<Latent>,
}

impl Dataset {
    /// An empty dataset with room for `n` users.
    pub fn with_capacity(n: usize) -> Dataset {
        let mut data = Dataset::default();
        data.reserve_exact(n);
        data
    }

    /// Room for `n` more users in every observed column.
    pub fn reserve_exact(&mut self, n: usize) {
        self.days_since_signup.reserve_exact(n);
        self.sessions_7d.reserve_exact(n);
        self.content_hours_7d.reserve_exact(n);
        self.downloads_7d.reserve_exact(n);
        self.paywall_views_7d.reserve_exact(n);
        self.country_tier.reserve_exact(n);
        self.converted.reserve_exact(n);
    }

    /// Removes every user, keeping the allocated room (for streaming in chunks).
    pub fn clear(&mut self) {
        self.days_since_signup.clear();
        self.sessions_7d.clear();
        self.content_hours_7d.clear();
        self.downloads_7d.clear();
        self.paywall_views_7d.clear();
        self.country_tier.clear();
        self.converted.clear();
        if let Some(latent) = self.latent.as_mut() {
            latent.clear();
        }
    }

    /// Appends one user.
    pub fn push(&mut self, x: &Features, converted: bool) {
        self.days_since_signup.push(x.days_since_signup);
        self.sessions_7d.push(x.sessions_7d);
        self.content_hours_7d.push(x.content_hours_7d);
        self.downloads_7d.push(x.downloads_7d);
        self.paywall_views_7d.push(x.paywall_views_7d);
        self.country_tier.push(x.country_tier);
        self.converted.push(converted);
    }

    /// Moves every user of `other` after this dataset's (observed columns
    /// only: a dataset read from a file has no latent draws).
    pub fn append(&mut self, other: &mut Dataset) {
        self.days_since_signup.append(&mut other.days_since_signup);
        self.sessions_7d.append(&mut other.sessions_7d);
        self.content_hours_7d.append(&mut other.content_hours_7d);
        self.downloads_7d.append(&mut other.downloads_7d);
        self.paywall_views_7d.append(&mut other.paywall_views_7d);
        self.country_tier.append(&mut other.country_tier);
        self.converted.append(&mut other.converted);
    }

    /// Number of users.
    pub fn len(&self) -> usize {
        self.converted.len()
    }

    /// True when there are no users.
    pub fn is_empty(&self) -> bool {
        self.converted.is_empty()
    }

    /// User `i`'s features.
    #[inline]
    pub fn features(&self, i: usize) -> Features {
        Features {
            days_since_signup: self.days_since_signup[i],
            sessions_7d: self.sessions_7d[i],
            content_hours_7d: self.content_hours_7d[i],
            downloads_7d: self.downloads_7d[i],
            paywall_views_7d: self.paywall_views_7d[i],
            country_tier: self.country_tier[i],
        }
    }

    /// Every user's features, in order: a bounds-check-free walk over the
    /// columns for loops over every user.
    pub fn all_features(&self) -> impl Iterator<Item = Features> + '_ {
        self.days_since_signup
            .iter()
            .zip(&self.sessions_7d)
            .zip(&self.content_hours_7d)
            .zip(&self.downloads_7d)
            .zip(&self.paywall_views_7d)
            .zip(&self.country_tier)
            .map(
                |(
                    (
                        (((&days_since_signup, &sessions_7d), &content_hours_7d), &downloads_7d),
                        &paywall_views_7d,
                    ),
                    &country_tier,
                )| {
                    Features {
                        days_since_signup,
                        sessions_7d,
                        content_hours_7d,
                        downloads_7d,
                        paywall_views_7d,
                        country_tier,
                    }
                },
            )
    }

    /// Number of users who converted.
    pub fn conversions(&self) -> usize {
        self.converted.iter().filter(|&&c| c).count()
    }

    /// Share of users who converted (0 for an empty dataset).
    pub fn conversion_rate(&self) -> f64 {
        if self.is_empty() {
            0.0
        } else {
            self.conversions() as f64 / self.len() as f64
        }
    }
}
