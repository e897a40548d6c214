//! The one table from the core's field names to this CLI's flags, so an
//! error about `weights.sessions_7d` reads `--weight-sessions-7d …`.

use conversion_playground::errors::FieldError;

/// Each field the core names in its errors, and the flag that sets it.
const FLAGS: &[(&str, &str)] = &[
    ("rows", "--rows"),
    ("seed", "--seed"),
    ("baseline", "--baseline"),
    ("noiseSigma", "--noise-sigma"),
    ("weights.days_since_signup", "--weight-days-since-signup"),
    ("weights.sessions_7d", "--weight-sessions-7d"),
    ("weights.content_hours_7d", "--weight-content-hours-7d"),
    ("weights.downloads_7d", "--weight-downloads-7d"),
    ("weights.paywall_views_7d", "--weight-paywall-views-7d"),
    ("tierEffects.tier_1", "--tier-1-effect"),
    ("tierEffects.tier_2", "--tier-2-effect"),
    ("tierEffects.tier_3", "--tier-3-effect"),
    ("tierMix.tier_1", "--tier-1-share"),
    ("tierMix.tier_2", "--tier-2-share"),
    ("tierMix.tier_3", "--tier-3-share"),
    (
        "tierMix",
        "--tier-1-share, --tier-2-share and --tier-3-share",
    ),
    ("distributions.days_since_signup.min", "--days-min"),
    ("distributions.days_since_signup.max", "--days-max"),
    ("distributions.sessions_7d.lambda", "--sessions-lambda"),
    (
        "distributions.content_hours_7d.shape",
        "--content-hours-shape",
    ),
    (
        "distributions.content_hours_7d.scale",
        "--content-hours-scale",
    ),
    ("distributions.downloads_7d.lambda", "--downloads-lambda"),
    (
        "distributions.paywall_views_7d.lambda",
        "--paywall-views-lambda",
    ),
    ("offer.effect", "--offer-effect"),
    ("offer.fatigue", "--offer-fatigue"),
    ("offer.tierEffects.tier_1", "--offer-tier-1-effect"),
    ("offer.tierEffects.tier_2", "--offer-tier-2-effect"),
    ("offer.tierEffects.tier_3", "--offer-tier-3-effect"),
    ("offer.treatedShare", "--treated-share"),
    ("offer.assignmentSeed", "--assignment-seed"),
    ("budget", "--budget"),
    ("discount", "--discount"),
    ("minimumEffect", "--minimum-effect"),
    ("testFraction", "--test-fraction"),
    ("splitSeed", "--split-seed"),
    ("l2", "--l2"),
    ("tolerance", "--tolerance"),
    ("maxIterations", "--max-iterations"),
    ("optimizer", "--optimizer"),
    ("learningRate", "--learning-rate"),
    ("leaveOut", "--leave-out"),
    ("threshold", "--threshold"),
    ("thresholds.high", "--high"),
    ("thresholds.medium", "--medium"),
    ("valuePerConversion", "--value-per-conversion"),
    ("costPerContact", "--cost-per-contact"),
];

/// The flag that sets `field`, if any.
pub fn flag(field: &str) -> Option<&'static str> {
    FLAGS
        .iter()
        .find(|(f, _)| *f == field)
        .map(|(_, flag)| *flag)
}

/// An error as the CLI says it: the flag instead of the field where there
/// is one.
pub fn message(e: &(impl FieldError + ?Sized)) -> String {
    match flag(e.field()) {
        Some(flag) => format!("{flag} {}", e.problem()),
        None => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use conversion_playground::world::schema::PARAMETERS;

    #[test]
    fn every_parameter_has_a_flag() {
        for spec in PARAMETERS {
            assert!(flag(spec.key).is_some(), "{} has no flag", spec.key);
        }
    }
}
