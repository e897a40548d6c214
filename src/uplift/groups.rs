//! The four kinds of user an offer meets, known here because both outcomes
//! of every user are: no experiment could tell them apart (it sees one
//! outcome per user), and the split itself is a modelling choice (each user
//! responds one way only; sleeping dogs exist only where τ(x) < 0).

use serde::Serialize;

/// What the offer does to one user's conversion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum Group {
    /// Converts with the offer and without it: an offer here is a discount
    /// given away.
    SureThing = 0,
    /// Converts only with the offer: the users an offer is for.
    Persuadable = 1,
    /// Converts only without it: the offer puts them off.
    SleepingDog = 2,
    /// Converts neither way.
    LostCause = 3,
}

impl Group {
    /// Every group, in the order the page and the CLI list them.
    pub const ALL: [Group; 4] = [
        Group::SureThing,
        Group::Persuadable,
        Group::SleepingDog,
        Group::LostCause,
    ];

    /// The group of a user who converts (`without`) without the offer and
    /// (`with`) with it.
    #[inline(always)]
    pub fn of(without: bool, with: bool) -> Group {
        match (without, with) {
            (true, true) => Group::SureThing,
            (false, true) => Group::Persuadable,
            (true, false) => Group::SleepingDog,
            (false, false) => Group::LostCause,
        }
    }

    /// [`Group::of`] as its number, without branches (a loop over many
    /// users becomes vector instructions).
    #[inline(always)]
    pub fn code(without: bool, with: bool) -> u8 {
        3 - 2 * u8::from(with) - u8::from(without)
    }

    /// Whether a user of group number `code` ([`Group::code`]) converts
    /// with the offer.
    #[inline(always)]
    pub fn converts_with_offer(code: u8) -> bool {
        code <= Group::Persuadable as u8
    }

    /// The name people read.
    pub fn name(self) -> &'static str {
        match self {
            Group::SureThing => "sure things",
            Group::Persuadable => "persuadables",
            Group::SleepingDog => "sleeping dogs",
            Group::LostCause => "lost causes",
        }
    }
}

/// How many users of each group (whole counts, or expected ones for a
/// random choice of users).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupCounts {
    pub sure_things: f64,
    pub persuadables: f64,
    pub sleeping_dogs: f64,
    pub lost_causes: f64,
}

impl GroupCounts {
    /// Counts from users per group, in [`Group::ALL`] order.
    pub fn from_array(counts: [u64; 4]) -> GroupCounts {
        let [sure_things, persuadables, sleeping_dogs, lost_causes] = counts.map(|c| c as f64);
        GroupCounts {
            sure_things,
            persuadables,
            sleeping_dogs,
            lost_causes,
        }
    }

    /// The count of one group.
    pub fn get(&self, group: Group) -> f64 {
        match group {
            Group::SureThing => self.sure_things,
            Group::Persuadable => self.persuadables,
            Group::SleepingDog => self.sleeping_dogs,
            Group::LostCause => self.lost_causes,
        }
    }

    /// Every user counted.
    pub fn total(&self) -> f64 {
        self.sure_things + self.persuadables + self.sleeping_dogs + self.lost_causes
    }

    /// Conversions the offer adds: persuadables won, less sleeping dogs lost.
    pub fn net_conversions(&self) -> f64 {
        self.persuadables - self.sleeping_dogs
    }

    /// Offers that change nothing or do harm: to sure things, lost causes
    /// and sleeping dogs.
    pub fn wasted(&self) -> f64 {
        self.sure_things + self.lost_causes + self.sleeping_dogs
    }

    /// These counts scaled by `share` (what a random `share` of the users
    /// holds on average).
    pub fn scaled(&self, share: f64) -> GroupCounts {
        GroupCounts {
            sure_things: self.sure_things * share,
            persuadables: self.persuadables * share,
            sleeping_dogs: self.sleeping_dogs * share,
            lost_causes: self.lost_causes * share,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_pair_of_outcomes_is_one_group() {
        let y0 = [true, true, false, false, true];
        let y1 = [true, false, true, false, true];
        let mut counts = [0u64; 4];
        for (&a, &b) in y0.iter().zip(&y1) {
            counts[Group::of(a, b) as usize] += 1;
        }
        let g = GroupCounts::from_array(counts);
        assert_eq!(
            (
                g.sure_things,
                g.persuadables,
                g.sleeping_dogs,
                g.lost_causes
            ),
            (2.0, 1.0, 1.0, 1.0)
        );
        assert_eq!(g.total(), 5.0);
        for (a, b) in [(true, true), (false, true), (true, false), (false, false)] {
            assert_eq!(Group::code(a, b), Group::of(a, b) as u8);
            assert_eq!(Group::converts_with_offer(Group::code(a, b)), b);
        }
        assert_eq!(g.net_conversions(), 0.0);
        assert_eq!(g.wasted(), 4.0);
    }
}
