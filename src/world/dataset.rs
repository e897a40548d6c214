//! Users held in memory, column by column: what the generator fills, the
//! CSV reader reads into, and the model and the page read from. Plain
//! storage: generating and relabelling live in [`super::generator`].

use super::contract::Tier;

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

/// What only a generated dataset knows: each user's latent draws and true
/// probability. Imported data has none of this.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Latent {
    /// Standard normal draw z per user (noise ε = σ·z).
    pub noise_z: Vec<f64>,
    /// Uniform label draw u per user (converted = u < p).
    pub label_draw: Vec<f64>,
    /// True conversion probability p per user (with the user's own noise).
    pub probability: Vec<f64>,
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
