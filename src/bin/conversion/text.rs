//! Numbers formatted for people.

use conversion_playground::errors::number;
pub use conversion_playground::errors::thousands;

/// `0.8612` → `86.1%`.
pub fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

/// `x` with `places` decimals, or in scientific notation from a million
/// on: an odds ratio of e^22.7 reads `7.574e9`, one of e^140 `6.327e60`,
/// never 61 digits. Never `-0.0000`.
pub fn decimal(x: f64, places: usize) -> String {
    if !x.is_finite() {
        return number(x);
    }
    if x.abs() >= 1e6 {
        return format!("{x:.3e}");
    }
    let text = format!("{x:.places$}");
    match text.strip_prefix('-') {
        Some(rest) if rest.bytes().all(|b| b == b'0' || b == b'.') => rest.to_string(),
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_for_people() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(percent(0.8612), "86.1%");
        assert_eq!(decimal(0.25, 4), "0.2500");
        assert_eq!(decimal(-0.00001, 4), "0.0000");
        assert_eq!(decimal(140f64.exp(), 4), "6.327e60");
        assert_eq!(decimal(999_999.0, 1), "999999.0");
        assert_eq!(decimal(-7_573_648_216.1, 4), "-7.574e9");
        assert_eq!(decimal(f64::INFINITY, 4), "infinity");
    }
}
