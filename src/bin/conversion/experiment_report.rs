//! The words and tables of `conversion experiment`: the same figures, to the
//! same decimals, as the page's uplift lab shows.

use std::path::Path;

use conversion_playground::decide::tally::Estimate;
use conversion_playground::uplift::analysis::Analysis;
use conversion_playground::uplift::groups::{Group, GroupCounts};
use conversion_playground::uplift::learned::ObservedQini;
use conversion_playground::uplift::policy::{Policy, PolicyView};
use conversion_playground::uplift::{LabSettings, LabView};

use conversion_playground::decide::economics::money;

use crate::text::{decimal, percent, thousands};

/// What is known of the file's truth.
pub enum Truth {
    Known(Box<LabView>),
    /// Why not, in words.
    Unknown(String),
}

/// A lift in percentage points, signed: `+9.62 points`.
pub fn points(x: f64) -> String {
    let text = decimal(x, 2);
    if text.starts_with('-') || text == "0.00" {
        text
    } else {
        format!("+{text}")
    }
}

/// A p-value as people read it: `0.0326`, or `1.9e-42` below 1 in 10,000,
/// or `< 1e-300` where a double runs out.
pub fn p_value(p: f64) -> String {
    if p >= 1e-4 {
        format!("{p:.4}")
    } else if p > 1e-300 {
        format!("{p:.1e}")
    } else {
        "< 1e-300".into()
    }
}

/// A relative change as a signed percentage: `+18.7%`.
fn signed_percent(x: f64) -> String {
    let text = percent(x);
    if text.starts_with('-') {
        text
    } else {
        format!("+{text}")
    }
}

fn interval(e: &Estimate, show: impl Fn(f64) -> String, unit: &str) -> String {
    format!(
        "{}{unit} (95% interval {} to {})",
        show(e.value),
        show(e.low),
        show(e.high)
    )
}

/// The experiment as an analyst reads it.
pub fn analysis_report(a: &Analysis, minimum_effect: f64, needed: Option<u64>) -> String {
    let users = a.treated.users + a.control.users;
    let mut out = format!(
        "experiment: {} users, {} treated ({})\n\narm             users  converted      rate  95% interval\n",
        thousands(users),
        thousands(a.treated.users),
        percent(a.treated.users as f64 / users as f64)
    );
    for (name, arm) in [("treated", &a.treated), ("control", &a.control)] {
        out += &format!(
            "{name:<10} {:>10} {:>10} {:>9}  {} – {}\n",
            thousands(arm.users),
            thousands(arm.conversions),
            percent(arm.rate.value),
            percent(arm.rate.low),
            percent(arm.rate.high)
        );
    }
    out += &format!("\nlift: {}\n", interval(&a.lift_points, points, " points"));
    match &a.relative_lift {
        Some(r) => out += &format!("relative lift: {}\n", interval(r, signed_percent, "")),
        None => out += "relative lift: none (an arm converts no one)\n",
    }
    out += &format!(
        "z = {}, p-value {}: {}\n",
        decimal(a.z, 2),
        p_value(a.p_value),
        if a.significant {
            "significant at 5%"
        } else {
            "not significant at 5%"
        }
    );
    let smaller = a.treated.users.min(a.control.users);
    out += &format!(
        "\npower (80%, two-sided 5% test): to detect a lift of {} percentage points over the control rate {}, ",
        decimal(minimum_effect, 2),
        percent(a.control.rate.value)
    );
    out += &match needed {
        Some(n) => format!(
            "{} users per arm (this experiment's smaller arm has {})\n",
            thousands(n),
            thousands(smaller)
        ),
        None => "no sample size: the treated rate would leave 0 to 1\n".into(),
    };
    out
}

/// The learned uplift model, as an analyst measures it.
pub fn learned_report(q: &ObservedQini) -> String {
    format!(
        "\nlearned uplift model (two logistic fits, on 80% of the treated and 80% of the controls; each user scored by the difference):\n  Qini coefficient on the {} held-out users: {} (random targeting: 0)\n",
        thousands(q.users as u64),
        decimal(q.qini, 4)
    )
}

fn groups_line(g: &GroupCounts) -> String {
    let all = g.total().max(1.0);
    Group::ALL
        .iter()
        .map(|&k| {
            format!(
                "{} {} ({})",
                k.name(),
                thousands(g.get(k) as u64),
                percent(g.get(k) / all)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A policy's name as the page writes it.
pub fn policy_name(p: Policy) -> &'static str {
    match p {
        Policy::ModelProbability => "the model's probability",
        Policy::Oracle => "oracle: true p1 − p0",
        Policy::BestPossible => "best possible: q1 − q0",
        Policy::Learned => "learned uplift model",
        Policy::Random => "random (on average)",
    }
}

fn policy_row(p: &PolicyView) -> String {
    let b = &p.at_budget;
    let g = &b.groups;
    let count = |x: f64| thousands(x.round() as u64);
    format!(
        "{:<26} {:>8} {:>8} {:>9} {:>9} {:>15} {:>15} {:>9} {:>9} {:>8} {:>9}\n",
        policy_name(p.policy),
        decimal(p.qini, 4),
        decimal(p.qini_with_noise, 4),
        decimal(b.incremental, 1),
        decimal(b.incremental_with_noise, 1),
        money(b.cost),
        money(b.profit),
        count(g.sure_things),
        count(g.persuadables),
        count(g.sleeping_dogs),
        count(g.lost_causes)
    )
}

/// The truth of the file, when its parameters draw it.
pub fn truth_report(truth: &Truth, settings: &LabSettings, file: &Path) -> String {
    let view = match truth {
        Truth::Unknown(why) => {
            return format!("\nthe truth is unknown for {}: {why}\n", file.display());
        }
        Truth::Known(view) => view,
    };
    let e = &settings.economics;
    let p = &view.experiment.power;
    let mut out = format!(
        "\nthe truth ({} is what the parameters generate, byte for byte):\n  {}\n",
        file.display(),
        groups_line(&view.groups)
    );
    out += &format!(
        "  mean effect per user: {} points with the noise averaged out (q1 − q0), {} with each user's noise (p1 − p0), {} as the draws decide (Y1 − Y0: what the experiment estimates; {})\n",
        points(view.mean_effect_points),
        points(view.mean_effect_with_noise_points),
        points(view.realized_effect_points),
        match view.experiment.covers_truth {
            Some(true) => "its interval covers it",
            Some(false) => "its interval misses it",
            None => "no interval",
        }
    );
    out += &format!(
        "  to detect the true effect ({} points over {}): {} per arm; this experiment's power: {}\n",
        points(p.true_effect_points),
        percent(p.true_baseline_rate),
        p.users_per_arm_for_true_effect.map_or("no sample size".into(), |n| format!("{} users", thousands(n))),
        percent(p.power_for_true_effect)
    );
    if let Some(bands) = &view.bands {
        out += "\nthe model's intent bands and who is in them:\nband                users      sure  persuade  sleeping      lost  wasted offers  effect (q1 − q0)\n";
        for b in bands {
            let g = &b.groups;
            out += &format!(
                "{:<14} {:>10} {:>9} {:>9} {:>9} {:>9} {:>14} {:>17}\n",
                b.segment.as_str(),
                thousands(b.users),
                thousands(g.sure_things as u64),
                thousands(g.persuadables as u64),
                thousands(g.sleeping_dogs as u64),
                thousands(g.lost_causes as u64),
                b.wasted_share.map_or("–".into(), percent),
                b.mean_effect_points
                    .map_or("–".into(), |x| format!("{} points", points(x)))
            );
        }
    }
    out += &format!(
        "\npolicies for a budget of {} ({} offers), judged by the true effect; a conversion is worth {}, an offer costs {}, a discount {}:\n",
        percent(view.budget.share),
        thousands(view.budget.users as u64),
        money(e.economics.value_per_conversion),
        money(e.economics.cost_per_contact),
        money(e.discount)
    );
    out += &format!(
        "{:<26} {:>8} {:>8} {:>9} {:>9} {:>15} {:>15} {:>9} {:>9} {:>8} {:>9}\n",
        "policy",
        "Qini",
        "(noise)",
        "added",
        "(noise)",
        "cost",
        "profit",
        "sure",
        "persuade",
        "sleeping",
        "lost"
    );
    for policy in &view.policies {
        out += &policy_row(policy);
    }
    out += "(Qini and added conversions: the noise averaged out, then with each user's own noise; cost and profit with the noise averaged out; the groups of the users offered, as their draws decide)\n";
    out
}
