//! Which users train the model and which are held out: one split, made once.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Which users train the model and which are held out.
#[derive(Clone, Debug, PartialEq)]
pub struct Split {
    /// The training users, in user order.
    pub train: Vec<usize>,
    /// The held-out users, in user order (empty with a test fraction of 0).
    pub test: Vec<usize>,
}

impl Split {
    /// Users in all.
    pub fn users(&self) -> usize {
        self.train.len() + self.test.len()
    }

    /// The users metrics are measured on: the held-out ones, or the training
    /// ones (in-sample) when none are held out. The flag says which.
    pub fn evaluation_rows(&self) -> (&[usize], bool) {
        if self.test.is_empty() {
            (&self.train, true)
        } else {
            (&self.test, false)
        }
    }

    /// A deterministic split of `n` users: round(n × fraction) test users
    /// chosen by a seeded shuffle; at least one user always trains.
    pub fn new(n: usize, test_fraction: f64, seed: u64) -> Split {
        let tests = ((n as f64 * test_fraction).round() as usize).min(n.saturating_sub(1));
        if tests == 0 {
            return Split {
                train: (0..n).collect(),
                test: Vec::new(),
            };
        }
        // A partial Fisher–Yates shuffle picks the test users; a mask then
        // lists both sides in user order (no sort).
        let mut order: Vec<usize> = (0..n).collect();
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        for i in 0..tests {
            let j = rng.random_range(i..n);
            order.swap(i, j);
        }
        let mut in_test = vec![false; n];
        for &i in &order[..tests] {
            in_test[i] = true;
        }
        let (test, train) = (0..n).partition(|&i| in_test[i]);
        Split { train, test }
    }
}
