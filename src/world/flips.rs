//! Who a move of the score parameters flips. The users keep their signals
//! and their own draws (the noise z and the label draw u: common random
//! numbers), so moving a weight, a tier effect, σ or b0 changes a user's
//! label only when their probability crosses their own u. This module
//! labels the same users under two parameter sets, exactly as the
//! generator would, and says who flipped and what they have in common:
//! what the page's lessons check a learner's answer against.

use serde::Serialize;

use super::dataset::Dataset;
use super::params::GeneratorParams;
use super::score::{ScoreWeights, BLOCK};
use crate::math::probabilities_of;

/// Flipped users described one by one, at most.
pub const EXAMPLES: usize = 5;

/// The five behavioural signals of a user, or a bound on them over users
/// (the column names of the contract).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Signals {
    pub days_since_signup: f64,
    pub sessions_7d: f64,
    pub content_hours_7d: f64,
    pub downloads_7d: f64,
    pub paywall_views_7d: f64,
}

impl Signals {
    fn of(data: &Dataset, i: usize) -> Signals {
        Signals {
            days_since_signup: f64::from(data.days_since_signup[i]),
            sessions_7d: f64::from(data.sessions_7d[i]),
            content_hours_7d: data.content_hours_7d[i],
            downloads_7d: f64::from(data.downloads_7d[i]),
            paywall_views_7d: f64::from(data.paywall_views_7d[i]),
        }
    }

    /// Each signal's smaller (or larger, with `f64::max`) value of the two.
    fn zip(self, other: Signals, pick: fn(f64, f64) -> f64) -> Signals {
        Signals {
            days_since_signup: pick(self.days_since_signup, other.days_since_signup),
            sessions_7d: pick(self.sessions_7d, other.sessions_7d),
            content_hours_7d: pick(self.content_hours_7d, other.content_hours_7d),
            downloads_7d: pick(self.downloads_7d, other.downloads_7d),
            paywall_views_7d: pick(self.paywall_views_7d, other.paywall_views_7d),
        }
    }
}

/// One user whose label the move flipped, and why: their probability
/// crossed their own draw u.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FlippedUser {
    /// The user's place in the data, from 0 (the page numbers users from 1).
    pub user: usize,
    pub signals: Signals,
    pub country_tier: &'static str,
    /// Their true probability p before and after the move, noise included.
    pub probability_before: f64,
    pub probability_after: f64,
    /// Their fixed draw u: they convert when u < p.
    pub draw: f64,
    /// Converted after the move (and so not before).
    pub converted: bool,
}

/// What a move of the score parameters did to the same users.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Flips {
    pub users: usize,
    /// Users whose score moved at all.
    pub moved: usize,
    /// Users who convert after the move and did not before.
    pub started: usize,
    /// Users who converted before the move and do not after.
    pub stopped: usize,
    /// Users who flipped although their score did not move: none, since
    /// each user's draw is their own and fixed.
    pub flipped_unmoved: usize,
    /// Each signal's smallest and largest value among the flipped users
    /// (`None` when no one flipped).
    pub smallest: Option<Signals>,
    pub largest: Option<Signals>,
    /// The first flipped users, in user order (at most [`EXAMPLES`]).
    pub examples: Vec<FlippedUser>,
}

/// Each user's score and probability under one parameter set, a block at a
/// time, computed as the generator computes them (the same bits).
fn scored(
    weights: &ScoreWeights,
    data: &Dataset,
    noise_z: &[f64],
    start: usize,
    scores: &mut [f64],
    probabilities: &mut [f64],
) {
    let mut systematic = [0.0f64; BLOCK];
    let m = noise_z.len();
    weights.scores(data, start, noise_z, &mut systematic[..m], &mut scores[..m]);
    probabilities_of(&scores[..m], &mut probabilities[..m]);
}

/// Labels the users of `data` under `before` and under `after` (each as
/// [`super::generator::generate`] would label them) and describes who
/// flipped. The two parameter sets must draw the same users
/// ([`super::generator::same_population`]); only their score parameters
/// matter here. `None` for users that were not generated here (imported):
/// their draws are unknown.
pub fn flips(data: &Dataset, before: &GeneratorParams, after: &GeneratorParams) -> Option<Flips> {
    let latent = data.latent.as_ref()?;
    let (old, new) = (ScoreWeights::new(before), ScoreWeights::new(after));
    let mut flips = Flips {
        users: data.len(),
        moved: 0,
        started: 0,
        stopped: 0,
        flipped_unmoved: 0,
        smallest: None,
        largest: None,
        examples: Vec::new(),
    };
    let [mut s0, mut s1, mut p0, mut p1] = [[0.0f64; BLOCK]; 4];
    let blocks = latent
        .noise_z
        .chunks(BLOCK)
        .zip(latent.label_draw.chunks(BLOCK));
    for (offset, (noise_z, draws)) in blocks.enumerate() {
        let start = offset * BLOCK;
        scored(&old, data, noise_z, start, &mut s0, &mut p0);
        scored(&new, data, noise_z, start, &mut s1, &mut p1);
        for (k, &u) in draws.iter().enumerate() {
            let moved = s0[k] != s1[k];
            flips.moved += usize::from(moved);
            let (was, now) = (u < p0[k], u < p1[k]);
            if was == now {
                continue;
            }
            let i = start + k;
            flips.started += usize::from(now);
            flips.stopped += usize::from(was);
            flips.flipped_unmoved += usize::from(!moved);
            let signals = Signals::of(data, i);
            flips.smallest = Some(flips.smallest.map_or(signals, |s| s.zip(signals, f64::min)));
            flips.largest = Some(flips.largest.map_or(signals, |s| s.zip(signals, f64::max)));
            if flips.examples.len() < EXAMPLES {
                flips.examples.push(FlippedUser {
                    user: i,
                    signals,
                    country_tier: data.country_tier[i].as_str(),
                    probability_before: p0[k],
                    probability_after: p1[k],
                    draw: u,
                    converted: now,
                });
            }
        }
    }
    Some(flips)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::generator::generate;
    use crate::world::params::ValidParams;

    fn valid(p: &GeneratorParams) -> ValidParams {
        p.validate(100_000).unwrap()
    }

    fn with_downloads(weight: f64) -> GeneratorParams {
        let mut p = GeneratorParams {
            rows: 20_000,
            ..Default::default()
        };
        p.weights.downloads_7d = weight;
        p
    }

    #[test]
    fn the_flips_are_the_labels_two_fresh_generations_disagree_on() {
        let (before, after) = (with_downloads(0.5), with_downloads(1.1));
        let (a, b) = (generate(&valid(&before)), generate(&valid(&after)));
        let f = flips(&b, &before, &after).unwrap();
        let started = (0..a.len())
            .filter(|&i| !a.converted[i] && b.converted[i])
            .count();
        let stopped = (0..a.len())
            .filter(|&i| a.converted[i] && !b.converted[i])
            .count();
        assert_eq!((f.started, f.stopped), (started, stopped));
        assert!(
            started > 100,
            "a bigger downloads weight converts more users: {started}"
        );
        // Moving the downloads weight moves only the scores of users with a
        // download, and only they can flip; a rise only ever adds converters.
        let with_a_download = b.downloads_7d.iter().filter(|&&d| d > 0).count();
        assert_eq!(f.moved, with_a_download);
        assert_eq!((f.stopped, f.flipped_unmoved), (0, 0));
        assert!(f.smallest.unwrap().downloads_7d >= 1.0);
        let first = (0..a.len())
            .find(|&i| a.converted[i] != b.converted[i])
            .unwrap();
        let e = &f.examples[0];
        assert_eq!(e.user, first);
        assert!(
            e.probability_before <= e.draw && e.draw < e.probability_after,
            "{e:?}"
        );
        let latent = b.latent.as_ref().unwrap();
        assert_eq!(
            e.probability_after.to_bits(),
            latent.probability[first].to_bits()
        );
        assert_eq!(e.draw, latent.label_draw[first]);
        assert_eq!(f.examples.len(), EXAMPLES);
    }

    #[test]
    fn a_fall_stops_converters_and_no_move_flips_no_one() {
        let (before, after) = (with_downloads(0.5), with_downloads(-0.5));
        let data = generate(&valid(&after));
        let f = flips(&data, &before, &after).unwrap();
        assert!(f.stopped > 100 && f.started == 0, "{f:?}");
        let same = flips(&data, &before, &before).unwrap();
        assert_eq!((same.moved, same.started, same.stopped), (0, 0, 0));
        assert_eq!((same.smallest, same.examples.len()), (None, 0));
        // Moving b0 moves every score.
        let mut b0 = before.clone();
        b0.baseline = -1.0;
        assert_eq!(flips(&data, &before, &b0).unwrap().moved, data.len());
    }

    #[test]
    fn imported_users_have_no_draws_to_flip() {
        let mut data = generate(&valid(&with_downloads(0.5)));
        data.latent = None;
        assert_eq!(
            flips(&data, &with_downloads(0.5), &with_downloads(1.0)),
            None
        );
    }
}
