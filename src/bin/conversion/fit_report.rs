//! What `conversion fit` prints: the model with its intervals, the truth
//! when the world is known, the held-out metrics beside their baselines and
//! ceilings, and the intent bands. Formatting only: every number comes from
//! the core.

use std::path::PathBuf;

use conversion_playground::decide::economics::money;
use conversion_playground::decide::metrics::Metrics;
use conversion_playground::decide::ranking::{JudgedBy, ProfitCurve};
use conversion_playground::decide::tally::Estimate;
use conversion_playground::model::{
    EvaluateOptions, Evaluation, FitParams, FittedModel, Optimizer, Pace, FEATURES,
};
use conversion_playground::world::params::GeneratorParams;
use conversion_playground::world::truth::{generating_weights, BestPossible, Unknown};

use crate::text::{decimal, percent, thousands};

/// What is known about the world that drew the file.
pub enum Truth {
    /// No --params.
    NoParams,
    /// --params given, but they do not draw this file.
    Unknown { path: PathBuf, why: Unknown },
    /// The parameters draw this very file.
    Known {
        params: Box<GeneratorParams>,
        best: Box<BestPossible>,
    },
}

fn optimizer_name(o: Optimizer) -> &'static str {
    match o {
        Optimizer::Whitened => "whitened Nesterov descent",
        Optimizer::Nesterov => "Nesterov momentum",
        Optimizer::Gd => "plain gradient descent",
    }
}

/// `low – high` at `digits` decimals.
fn range(low: f64, high: f64, digits: usize) -> String {
    format!("{} – {}", decimal(low, digits), decimal(high, digits))
}

/// The fit, its losses and its weights with their 95% intervals.
pub fn model_report(model: &FittedModel, params: &FitParams, users: usize) -> String {
    let mut out = format!(
        "fitted on {} of {} users ({}{}); {} iterations: {}\n",
        thousands(model.training_rows as u64),
        thousands(users as u64),
        optimizer_name(params.optimizer),
        if params.optimizer.uses_learning_rate() {
            format!(", learning rate {}", params.learning_rate)
        } else {
            String::new()
        },
        model.iterations,
        model.stop.describe()
    );
    if let Some(pace) = model.pace.filter(|p| *p != Pace::Steady) {
        out += &format!("  {}\n", pace.describe());
    }
    if let Some(separation) = model.separation {
        out += &format!("warning: {}\n", separation.describe());
    }
    if let Some(loss) = model.training_log_loss {
        out += &format!("  training log-loss    {}\n", decimal(loss, 6));
    }
    if params.l2 > 0.0 {
        out += &format!(
            "  penalised objective  {} (training log-loss + L2 term {} × ½‖standardized weights‖²: what the descent minimised)\n",
            decimal(model.objective, 6),
            params.l2
        );
    }
    out += &format!(
        "\n{:<18} {:>12} {:>21} {:>12} {:>19} {:>14}\n",
        "signal", "weight/unit", "95% interval", "odds × /unit", "95% interval", "weight/std dev"
    );
    for row in model.weight_rows() {
        if !row.used {
            out += &format!("{:<18} {:>12}\n", row.feature, "left out");
            continue;
        }
        let interval = match (row.low, row.high) {
            (Some(l), Some(h)) => range(l, h, 4),
            _ => "–".into(),
        };
        let odds = row.odds_ratio.map_or(String::new(), |o| decimal(o, 4));
        let odds_interval = match (row.odds_low, row.odds_high) {
            (Some(l), Some(h)) => range(l, h, 4),
            _ => String::new(),
        };
        out += &format!(
            "{:<18} {:>12} {:>21} {:>12} {:>19} {:>14}\n",
            row.feature,
            decimal(row.weight, 4),
            interval,
            odds,
            odds_interval,
            decimal(row.per_sd, 4)
        );
    }
    out += "  (tier_2 and tier_3 are contrasts against tier_1; odds × /unit is how the odds of converting multiply per unit)\n";
    match &model.intervals {
        Some(i) => {
            out += &format!(
                "  (95% intervals from the observed Fisher information at the optimum{})\n",
                if i.approximate {
                    "; approximate: with L2 the weights are pulled towards 0"
                } else {
                    ""
                }
            );
        }
        None => out += "  (no intervals: they need a converged fit)\n",
    }
    for w in &model.warnings {
        out += &format!("warning: {w}\n");
    }
    out
}

/// The generating and best-possible weights beside the learned ones, when
/// the parameters draw this file; otherwise why the truth is unknown.
pub fn truth_report(truth: &Truth, model: &FittedModel, users: usize) -> String {
    match truth {
        Truth::NoParams => "\nthe truth is unknown for this file: the noise draws are in no CSV (give --params FILE, the parameters that generated it, to compare with the generating and best-possible weights)\n".into(),
        Truth::Unknown { path, why } => format!(
            "\nthe truth is unknown for this file: {} does not describe it ({}), and the noise draws are in no CSV\n",
            path.display(),
            unknown_reason(*why)
        ),
        Truth::Known { params, best } => {
            let truth = generating_weights(params);
            let learned = model.weights();
            let mut out = format!(
                "\nthe truth (the parameters draw this very file, byte for byte):\n  {:<18} {:>11} {:>14} {:>9}\n",
                "signal", "generating", "best possible", "learned"
            );
            for (k, name) in FEATURES.iter().chain(["intercept"].iter()).enumerate() {
                let used = k == FEATURES.len() || best.used[k];
                let shown = |x: f64| if used { decimal(x, 4) } else { "left out".into() };
                out += &format!(
                    "  {:<18} {:>11} {:>14} {:>9}\n",
                    name,
                    decimal(truth[k], 4),
                    shown(best.weights[k]),
                    shown(learned[k]),
                );
            }
            out += &format!(
                "  best possible: the logistic fit to q(x), each user's chance of converting averaged over the noise (σ = {}) no signal records, over all {} users. With unlimited data the learned weights converge there, not to the generating weights: the noise inside the logistic flattens q, and no logistic curve equals it.\n",
                params.noise_sigma,
                thousands(users as u64)
            );
            out
        }
    }
}

fn estimate(e: &Estimate, digits: usize) -> String {
    format!(
        "{} ({})",
        decimal(e.value, digits),
        range(e.low, e.high, digits)
    )
}

fn share(e: &Estimate) -> String {
    format!(
        "{} ({} – {})",
        percent(e.value),
        percent(e.low),
        percent(e.high)
    )
}

/// The held-out metrics with their intervals, baselines and ceilings; gains
/// and the calibration table.
pub fn metrics_report(m: &Metrics, params: &FitParams, users: usize) -> String {
    let scope = if m.in_sample && params.test_fraction == 0.0 {
        "in-sample (--test-fraction 0: measured on the training users)".to_string()
    } else if m.in_sample {
        format!(
            "in-sample (only {} users: a {}% test split holds none out, so measured on the training users)",
            thousands(users as u64),
            params.test_fraction * 100.0
        )
    } else {
        format!(
            "on {} held-out users ({}% test split, seed {})",
            thousands(m.users as u64),
            params.test_fraction * 100.0,
            params.split_seed
        )
    };
    let mut out = format!("\nmetrics {scope}, each with its 95% interval:\n");
    out += &format!("  log-loss            {}\n", estimate(&m.log_loss, 4));
    out += &format!(
        "    know-nothing      {} (predict the base rate, {}, for everyone)\n",
        decimal(m.baseline_log_loss, 4),
        percent(m.base_rate)
    );
    if let (Some(irreducible), Some(excess)) = (m.irreducible_log_loss, &m.excess_log_loss) {
        out += &format!(
            "    irreducible       {} (the mean entropy of q(x): no model of these signals does better; the model's excess over it: {})\n",
            decimal(irreducible, 4),
            estimate(excess, 4)
        );
    }
    out += &format!(
        "  accuracy at {}     {} (always predicting the majority class: {})\n",
        m.threshold,
        share(&m.accuracy),
        percent(m.majority_accuracy)
    );
    out += &format!(
        "  precision / recall  {} / {}\n",
        share(&m.precision),
        share(&m.recall)
    );
    let auc = |a: &Option<Estimate>| {
        a.as_ref()
            .map_or("– (one class only)".into(), |a| estimate(a, 4))
    };
    out += &format!("  ROC AUC             {}\n", auc(&m.auc));
    if m.best_auc.is_some() {
        out += &format!(
            "    best achievable   {} (AUC of q(x): ranking users by what their signals say)\n",
            auc(&m.best_auc)
        );
        out += &format!(
            "    oracle            {} (AUC of each user's own p, noise included: unreachable by any model of the signals)\n",
            auc(&m.oracle_auc)
        );
    }
    if let Some(ap) = m.average_precision {
        out += &format!(
            "  average precision   {} (a model that knows nothing: {}, the base rate)\n",
            decimal(ap, 4),
            decimal(m.base_rate, 4)
        );
    }
    let c = &m.confusion;
    out += &format!(
        "  confusion at {}     predicted convert: {} right, {} wrong; predicted not: {} right, {} wrong\n",
        m.threshold,
        thousands(c.true_positives as u64),
        thousands(c.false_positives as u64),
        thousands(c.true_negatives as u64),
        thousands(c.false_negatives as u64)
    );
    out += "\ngains (users ranked by predicted probability, highest first):\n";
    out += &format!(
        "  {:<12} {:>12} {:>6}\n",
        "contact top", "conversions", "lift"
    );
    for g in m.gains.iter().filter(|g| {
        [0.1, 0.2, 0.3, 0.5]
            .iter()
            .any(|s| (g.share_contacted - s).abs() < 1e-9)
    }) {
        out += &format!(
            "  {:<12} {:>12} {:>6.2}\n",
            format!("{:.0}%", g.share_contacted * 100.0),
            percent(g.share_of_conversions),
            g.lift
        );
    }
    out += "\ncalibration (predicted against observed conversion, by predicted probability):\n";
    let known = m.calibration.iter().any(|b| b.mean_best.is_some());
    out += &format!(
        "  {:<11} {:>9} {:>10} {:>9}{}\n",
        "predicted",
        "users",
        "predicted",
        "observed",
        if known { "     q(x)" } else { "" }
    );
    for b in m.calibration.iter().filter(|b| b.users > 0) {
        let opt = |x: Option<f64>| x.map_or("–".into(), percent);
        out += &format!(
            "  {:<11} {:>9} {:>10} {:>9}{}\n",
            format!("{:.0}–{:.0}%", b.lower * 100.0, b.upper * 100.0),
            thousands(b.users as u64),
            opt(b.mean_predicted),
            opt(b.observed_rate),
            if known {
                format!("  {:>7}", opt(b.mean_best))
            } else {
                String::new()
            }
        );
    }
    out
}

/// The intent bands, with each band's expected profit and every policy's
/// best threshold when the economics are given.
pub fn bands_report(evaluation: &Evaluation, options: &EvaluateOptions) -> String {
    let thresholds = options.thresholds;
    let mut out = format!(
        "\nintent bands (high ≥ {}, medium ≥ {}; {}):\n",
        thresholds.high,
        thresholds.medium,
        if evaluation.metrics.in_sample {
            "in-sample"
        } else {
            "held-out users"
        }
    );
    out += &format!(
        "  {:<14} {:>9} {:>7} {:>10} {:>10} {:>6} {:>12}{}\n",
        "band",
        "users",
        "share",
        "converted",
        "predicted",
        "lift",
        "conversions",
        if options.economics.is_some() {
            format!(" {:>16}", "expected profit")
        } else {
            String::new()
        }
    );
    for b in &evaluation.bands {
        let opt = |x: Option<f64>| x.map_or("–".into(), percent);
        out += &format!(
            "  {:<14} {:>9} {:>7} {:>10} {:>10} {:>6} {:>12}{}\n",
            b.segment.as_str(),
            thousands(b.users as u64),
            percent(b.share),
            opt(b.conversion_rate),
            opt(b.mean_predicted),
            b.lift.map_or("–".into(), |l| format!("{l:.2}")),
            percent(b.share_of_conversions),
            b.expected_profit
                .map_or(String::new(), |v| format!(" {:>16}", money(v)))
        );
    }
    let Some(policies) = &evaluation.policies else {
        return out;
    };
    let e = policies.economics;
    out += &match evaluation.judged_by {
        JudgedBy::Truth => format!(
            "  profits judged by q(x), each user's noise-averaged probability (never by the model's own predictions): a conversion worth {}, a contact costing {}, a conversion only through the contact\n",
            money(e.value_per_conversion),
            money(e.cost_per_contact)
        ),
        JudgedBy::Labels => format!(
            "  profits judged by who converted (the truth is unknown; never by the model's own predictions): a conversion worth {}, a contact costing {}, a conversion only through the contact\n",
            money(e.value_per_conversion),
            money(e.cost_per_contact)
        ),
    };
    let best = |what: &str, by: &str, curve: &ProfitCurve| {
        format!(
            "  {what}: contact users with {by} ≥ {:.2} ({} users), expected profit {}\n",
            curve.best.threshold,
            thousands(curve.best.contacted as u64),
            money(curve.best.expected_profit)
        )
    };
    out += &best("most profitable", "p", &policies.model);
    out += &format!(
        "  contact everyone ({} users): {}; contact no one: {}\n",
        thousands(evaluation.metrics.users as u64),
        money(policies.everyone),
        money(policies.nobody)
    );
    if let Some(curve) = &policies.best_possible {
        out += &best("best possible (ranking by q(x))", "q(x)", curve);
    }
    if let Some(curve) = &policies.oracle {
        out += &best(
            "oracle (ranking by each user's own p, judged by it: unreachable)",
            "their own p",
            curve,
        );
    }
    out
}

/// Why the truth is unknown, in words.
fn unknown_reason(why: Unknown) -> String {
    match why {
        Unknown::RowCount { file, generated } => {
            format!("they generate {generated} users and this file holds {file}")
        }
        Unknown::Bytes => "the world they generate is not this file, byte for byte".into(),
    }
}
