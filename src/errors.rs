//! One message style for every error the core reports.
//!
//! An error names its **field** (a parameter's path such as
//! `weights.sessions_7d`, a fit option such as `testFraction`, a signal such
//! as `sessions_7d`) and states the **problem** as words that read after the
//! field's name: `must be at least 1 (got "0")`. Each shell renders the field
//! its own way (the CLI as a flag, the page as the control's label) and
//! never parses the text. An offending value is quoted and cut to about 60
//! characters; huge numbers are written in scientific notation.

use std::fmt::Display;

/// Longest quoted value, in characters; longer ones are cut with an ellipsis.
pub const MAX_QUOTED: usize = 60;

/// `value` in double quotes, cut to [`MAX_QUOTED`] characters.
pub fn quoted(value: impl Display) -> String {
    let text = value.to_string();
    if text.chars().count() <= MAX_QUOTED {
        return format!("\"{text}\"");
    }
    let cut: String = text.chars().take(MAX_QUOTED - 1).collect();
    format!("\"{cut}…\"")
}

/// A number as a person reads it: `0.8`, `-3`, `1e308` (never 309 digits),
/// `2.5e-9`, `NaN`, `infinity`.
pub fn number(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "infinity" } else { "-infinity" }.into();
    }
    let magnitude = x.abs();
    if magnitude != 0.0 && !(1e-6..1e15).contains(&magnitude) {
        format!("{x:e}")
    } else {
        // Rust prints the shortest text that reads back to the same f64.
        let text = format!("{x}");
        if text == "-0" {
            "0".into()
        } else {
            text
        }
    }
}

/// A whole number with thousands separators, as limits are written for
/// people: `1,000,000`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// `(got "value")`: the usual tail of a problem.
pub fn got(value: impl Display) -> String {
    format!("(got {})", quoted(value))
}

/// `(got "x")` for a number, written as [`number`] writes it.
pub fn got_number(x: f64) -> String {
    got(number(x))
}

/// What every error of the core offers its shells: the field it is about
/// and the problem, in words that follow the field's name.
pub trait FieldError: std::error::Error {
    /// Path or name of the offending input.
    fn field(&self) -> &str;
    /// What is wrong with it.
    fn problem(&self) -> &str;
}

/// Declares an error type that holds a field and a problem.
macro_rules! field_error {
    ($(#[$doc:meta])* $name:ident) => {
        $crate::errors::field_error!(@struct $(#[$doc])* $name);

        impl From<$crate::input::InputError> for $name {
            fn from(e: $crate::input::InputError) -> Self {
                $name::new(e.field, e.problem)
            }
        }
    };
    (@struct $(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
        #[error("{field} {problem}")]
        pub struct $name {
            /// Path or name of the offending input.
            pub field: String,
            /// What is wrong, in words that follow the field's name.
            pub problem: String,
        }

        impl $name {
            /// An error about `field`.
            pub fn new(field: impl Into<String>, problem: impl Into<String>) -> Self {
                $name {
                    field: field.into(),
                    problem: problem.into(),
                }
            }
        }

        impl $crate::errors::FieldError for $name {
            fn field(&self) -> &str {
                &self.field
            }
            fn problem(&self) -> &str {
                &self.problem
            }
        }
    };
}
pub(crate) use field_error;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_quoted_and_cut() {
        assert_eq!(quoted("abc"), "\"abc\"");
        let long = "x".repeat(5_000);
        let q = quoted(&long);
        assert_eq!(q.chars().count(), MAX_QUOTED + 2);
        assert!(q.ends_with("…\""));
        assert_eq!(got(7), "(got \"7\")");
    }

    #[test]
    fn numbers_read_like_numbers() {
        assert_eq!(number(0.8), "0.8");
        assert_eq!(number(-3.0), "-3");
        assert_eq!(number(1e308), "1e308");
        assert_eq!(number(-2.5e-9), "-2.5e-9");
        assert_eq!(number(-0.0), "0");
        assert_eq!(number(f64::NAN), "NaN");
        assert_eq!(number(f64::NEG_INFINITY), "-infinity");
        assert_eq!(number(123_456_789.25), "123456789.25");
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(u64::MAX), "18,446,744,073,709,551,615");
    }
}
