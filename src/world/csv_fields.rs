//! One line of a contract CSV into a user, two ways.
//!
//! - [`parse_fast`]: a line in the contract's own shape (what `generate`
//!   writes, plus the spellings the contract tolerates), read in one pass
//!   with no allocation, or `None` for anything else.
//! - [`parse_general`]: any line, field by field, naming every problem. It
//!   decides every line the fast path does not, so the two always agree: the
//!   fast path only ever accepts a line the general one accepts, with the same
//!   values (a property test holds them to it).

use super::contract::{Tier, COLUMNS};
use super::dataset::Features;
use crate::errors::got;

/// Most digits before the point of `content_hours_7d`: hours stay below
/// [`super::contract::MAX_CONTENT_HOURS`], 10^12.
const MAX_HOURS_DIGITS: usize = 12;

/// A problem in one line: the 1-based column when it is in one field.
pub(super) type LineProblem = (Option<usize>, String);

/// `(got "field")`, the field cut to about 60 characters.
fn shown(field: &[u8]) -> String {
    got(String::from_utf8_lossy(field))
}

/// Reads a line exactly as the contract writes it (counts, hours with at
/// most two decimals, `tier_N` or `Tier_N`, `0` or `1`), or gives up.
#[inline]
pub(super) fn parse_fast(line: &[u8]) -> Option<(Features, bool)> {
    let mut at = Cursor { bytes: line, at: 0 };
    let days_since_signup = at.count()?;
    at.comma()?;
    let sessions_7d = at.count()?;
    at.comma()?;
    let content_hours_7d = at.hours()?;
    at.comma()?;
    let downloads_7d = at.count()?;
    at.comma()?;
    let paywall_views_7d = at.count()?;
    at.comma()?;
    let country_tier = at.tier()?;
    at.comma()?;
    let converted = match at.bytes.get(at.at..)? {
        b"0" => false,
        b"1" => true,
        _ => return None,
    };
    if days_since_signup == 0 {
        return None;
    }
    Some((
        Features {
            days_since_signup,
            sessions_7d,
            content_hours_7d,
            downloads_7d,
            paywall_views_7d,
            country_tier,
        },
        converted,
    ))
}

struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    /// Up to `max` digits (at least one) as a number.
    #[inline(always)]
    fn digits(&mut self, max: usize) -> Option<(u64, usize)> {
        let start = self.at;
        let mut value = 0u64;
        while let Some(&b) = self.bytes.get(self.at) {
            let digit = b.wrapping_sub(b'0');
            if digit > 9 {
                break;
            }
            value = value * 10 + u64::from(digit);
            self.at += 1;
            if self.at - start > max {
                return None;
            }
        }
        let n = self.at - start;
        (n > 0).then_some((value, n))
    }

    #[inline(always)]
    fn count(&mut self) -> Option<u32> {
        let (value, _) = self.digits(10)?;
        u32::try_from(value).ok()
    }

    /// Hours as whole cents over 100: the same double as parsing the
    /// decimal text (the quotient of two exact integers, rounded once).
    #[inline(always)]
    fn hours(&mut self) -> Option<f64> {
        let (whole, _) = self.digits(MAX_HOURS_DIGITS)?;
        let cents = if self.bytes.get(self.at) == Some(&b'.') {
            self.at += 1;
            match self.digits(2)? {
                (frac, 1) => whole * 100 + frac * 10,
                (frac, _) => whole * 100 + frac,
            }
        } else {
            whole * 100
        };
        Some(cents as f64 / 100.0)
    }

    #[inline(always)]
    fn tier(&mut self) -> Option<Tier> {
        let word = self.bytes.get(self.at..self.at + 6)?;
        self.at += 6;
        match word {
            b"tier_1" | b"Tier_1" => Some(Tier::Tier1),
            b"tier_2" | b"Tier_2" => Some(Tier::Tier2),
            b"tier_3" | b"Tier_3" => Some(Tier::Tier3),
            _ => None,
        }
    }

    #[inline(always)]
    fn comma(&mut self) -> Option<()> {
        (self.bytes.get(self.at) == Some(&b',')).then(|| self.at += 1)
    }
}

/// A field wholly in double quotes (`"3"`) is read without them; any other
/// quote is a problem (the contract's CSV never needs quoting, and a quote
/// left open must not swallow the lines after it).
pub(super) fn unquote(field: &[u8]) -> Result<&[u8], String> {
    match field {
        [b'"', inner @ .., b'"'] if !inner.contains(&b'"') => Ok(inner),
        _ if field.contains(&b'"') => Err(format!(
            "has a quote that does not enclose the whole field (the contract's CSV needs no quotes) {}",
            shown(field)
        )),
        _ => Ok(field),
    }
}

/// Reads any line, naming every problem by column.
pub(super) fn parse_general(line: &[u8]) -> Result<(Features, bool), Vec<LineProblem>> {
    let fields: Vec<&[u8]> = line.split(|&b| b == b',').collect();
    if fields.len() != COLUMNS.len() {
        return Err(vec![(
            None,
            format!(
                "must have {} fields, separated by commas (got {})",
                COLUMNS.len(),
                fields.len()
            ),
        )]);
    }
    let mut problems = Vec::new();
    let p = &mut problems;
    let days_since_signup = check(p, 0, fields[0], |f| parse_count(f, 1));
    let sessions_7d = check(p, 1, fields[1], |f| parse_count(f, 0));
    let content_hours_7d = check(p, 2, fields[2], parse_hours);
    let downloads_7d = check(p, 3, fields[3], |f| parse_count(f, 0));
    let paywall_views_7d = check(p, 4, fields[4], |f| parse_count(f, 0));
    let country_tier = check(p, 5, fields[5], parse_tier);
    let converted = check(p, 6, fields[6], parse_label);
    match (
        days_since_signup,
        sessions_7d,
        content_hours_7d,
        downloads_7d,
        paywall_views_7d,
        country_tier,
        converted,
    ) {
        (
            Some(days_since_signup),
            Some(sessions_7d),
            Some(content_hours_7d),
            Some(downloads_7d),
            Some(paywall_views_7d),
            Some(country_tier),
            Some(converted),
        ) => Ok((
            Features {
                days_since_signup,
                sessions_7d,
                content_hours_7d,
                downloads_7d,
                paywall_views_7d,
                country_tier,
            },
            converted,
        )),
        _ => Err(problems),
    }
}

/// One field, unquoted and parsed; a problem is noted under its column.
fn check<T>(
    problems: &mut Vec<LineProblem>,
    column: usize,
    field: &[u8],
    parse: impl Fn(&[u8]) -> Result<T, String>,
) -> Option<T> {
    unquote(field)
        .and_then(parse)
        .map_err(|m| problems.push((Some(column + 1), m)))
        .ok()
}

/// A whole number ≥ `min` that fits in u32.
fn parse_count(field: &[u8], min: u32) -> Result<u32, String> {
    if field.is_empty() {
        return Err("is empty: it must be a whole number".into());
    }
    if field[0] == b'-' && field.len() > 1 {
        return Err(format!("must not be negative {}", shown(field)));
    }
    if !field.iter().all(u8::is_ascii_digit) {
        return Err(format!("must be a whole number {}", shown(field)));
    }
    let text = std::str::from_utf8(field).map_err(|_| "is not text".to_string())?;
    let value: u32 = text
        .parse()
        .map_err(|_| format!("is too large: the largest is 4294967295 {}", shown(field)))?;
    if value < min {
        return Err(format!("must be at least {min} {}", got(value)));
    }
    Ok(value)
}

/// A decimal number ≥ 0 with at most two decimal places.
fn parse_hours(field: &[u8]) -> Result<f64, String> {
    if field.is_empty() {
        return Err("is empty: it must be a number of hours like 3.25".into());
    }
    if field[0] == b'-' && field.len() > 1 {
        return Err(format!("must not be negative {}", shown(field)));
    }
    let (whole, decimals) = match field.iter().position(|&b| b == b'.') {
        Some(dot) => (&field[..dot], &field[dot + 1..]),
        None => (field, &field[field.len()..]),
    };
    let digits_only = |part: &[u8]| part.iter().all(u8::is_ascii_digit);
    if whole.is_empty()
        || !digits_only(whole)
        || !digits_only(decimals)
        || (field.contains(&b'.') && decimals.is_empty())
    {
        return Err(format!(
            "must be a number of hours like 3.25 {}",
            shown(field)
        ));
    }
    if decimals.len() > 2 {
        return Err(format!("has more than 2 decimal places {}", shown(field)));
    }
    if whole.len() > MAX_HOURS_DIGITS {
        return Err(format!(
            "is too large: at most {MAX_HOURS_DIGITS} digits before the point {}",
            shown(field)
        ));
    }
    let text = std::str::from_utf8(field).map_err(|_| "is not text".to_string())?;
    text.parse::<f64>()
        .map_err(|_| format!("must be a number of hours {}", shown(field)))
}

fn parse_tier(field: &[u8]) -> Result<Tier, String> {
    std::str::from_utf8(field)
        .ok()
        .and_then(Tier::parse)
        .ok_or_else(|| {
            format!(
                "must be tier_1, tier_2 or tier_3 (or Tier_1, Tier_2, Tier_3) {}",
                shown(field)
            )
        })
}

fn parse_label(field: &[u8]) -> Result<bool, String> {
    match field {
        b"0" => Ok(false),
        b"1" => Ok(true),
        _ => Err(format!("must be 0 or 1 {}", shown(field))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_path_reads_what_the_general_one_reads() {
        for line in [
            "33,1,1.79,2,1,tier_2,0",
            "1,0,0,0,0,Tier_3,1",
            "4294967295,7,3.1,0,12,tier_1,1",
            "59,3,999999999999.99,1,1,tier_2,0",
            "007,3,0.05,1,1,tier_2,0",
        ] {
            let fast = parse_fast(line.as_bytes()).expect(line);
            assert_eq!(Ok(fast), parse_general(line.as_bytes()), "{line}");
        }
        for line in [
            "0,1,1.79,2,1,tier_2,0",
            "4294967296,1,1,1,1,tier_1,0",
            "3,1,1.,2,1,tier_2,0",
            "3,1,1.234,2,1,tier_2,0",
            "3,1,.5,2,1,tier_2,0",
            "3,1,1000000000000,2,1,tier_2,0",
            "3,1,1,2,1,TIER_2,0",
            "3,1,1,2,1,tier_2,2",
            "3,1,1,2,1,tier_2,0,",
            "\"3\",1,1,2,1,tier_2,0",
            "3,1,1,2,1,tier_2",
        ] {
            assert_eq!(parse_fast(line.as_bytes()), None, "{line}");
        }
    }

    // (proptest is a native dev-dependency.)
    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 512, ..Default::default() })]

        /// Lines of contract-like pieces: the fast path either gives up or
        /// reads exactly what the general path reads.
        #[test]
        fn the_fast_path_never_disagrees_with_the_general_one(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "0", "1", "7", "59", "007", "4294967295", "4294967296", "99999999999",
                    "3.1", "3.25", "3.", ".5", "2.345", "999999999999.99", "1000000000000",
                    "tier_1", "Tier_2", "TIER_3", "tier_4", ",", ",", ",", "\"", "-1", " ", "x",
                ]),
                0..16,
            )
        ) {
            let line = pieces.concat();
            if let Some(fast) = parse_fast(line.as_bytes()) {
                proptest::prop_assert_eq!(Ok(fast), parse_general(line.as_bytes()), "{}", line);
            }
        }
    }

    #[test]
    fn the_digit_limit_is_the_contract_limit() {
        assert_eq!(
            10f64.powi(MAX_HOURS_DIGITS as i32),
            super::super::contract::MAX_CONTENT_HOURS
        );
    }

    #[test]
    fn quotes_enclose_a_whole_field_or_are_named() {
        let (x, converted) = parse_general(b"\"3\",1,\"2.5\",0,0,\"Tier_1\",\"1\"").unwrap();
        assert_eq!((x.days_since_signup, x.content_hours_7d), (3, 2.5));
        assert!(converted);
        let problems = parse_general(b"\"3,1,2.5,0,0,tier_1,1").unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].0, Some(1));
        assert!(
            problems[0]
                .1
                .starts_with("has a quote that does not enclose"),
            "{problems:?}"
        );
    }
}
