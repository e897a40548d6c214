//! Writing the contract CSV: exactly, fast, byte for byte the same on every
//! platform.
//!
//! Hand-rolled on purpose: every field is a number or a fixed tier word, so
//! no field ever needs quoting, and formatting integers with `itoa` style
//! digit loops keeps 1,000,000 rows well under 100 ms.

use super::contract::{CSV_HEADER, EXPERIMENT_HEADER};
use super::dataset::{Dataset, Features};

/// Appends the header line.
pub fn write_header(out: &mut Vec<u8>) {
    out.extend_from_slice(CSV_HEADER.as_bytes());
    out.push(b'\n');
}

/// Appends the decimal digits of `value`. 32-bit arithmetic on purpose: in
/// wasm a 64-bit division by 10 becomes a 128-bit multiply call, a 32-bit
/// one a single 64-bit multiply.
#[inline]
fn write_u32(out: &mut Vec<u8>, value: u32) {
    // Nearly every field is below 100: write those without a digit loop or
    // a slice copy (both cost a call in wasm).
    if value < 10 {
        out.push(b'0' + value as u8);
    } else if value < 100 {
        out.extend_from_slice(&[b'0' + (value / 10) as u8, b'0' + (value % 10) as u8]);
    } else {
        write_u32_digits(out, value);
    }
}

fn write_u32_digits(out: &mut Vec<u8>, mut value: u32) {
    let mut digits = [0u8; 10];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

fn write_u64(out: &mut Vec<u8>, value: u64) {
    match u32::try_from(value) {
        Ok(small) => write_u32(out, small),
        Err(_) => {
            write_u64(out, value / 1_000_000_000);
            let mut digits = [b'0'; 9];
            let mut rest = (value % 1_000_000_000) as u32;
            for d in digits.iter_mut().rev() {
                *d = b'0' + (rest % 10) as u8;
                rest /= 10;
            }
            out.extend_from_slice(&digits);
        }
    }
}

/// Writes hours with exactly two decimals (`3.10`, `0.05`), from whole cents.
fn write_hours(out: &mut Vec<u8>, hours: f64) {
    // Hours are whole cents (generated or parsed with ≤ 2 decimals), so
    // hours × 100 is within rounding error of an integer and adding ½ then
    // truncating rounds it exactly, with no call into libm (slow in wasm).
    let cents = (hours * 100.0 + 0.5) as u64;
    let frac = match u32::try_from(cents) {
        Ok(small) => {
            write_u32(out, small / 100);
            (small % 100) as u8
        }
        Err(_) => {
            write_u64(out, cents / 100);
            (cents % 100) as u8
        }
    };
    out.extend_from_slice(&[b'.', b'0' + frac / 10, b'0' + frac % 10]);
}

/// Appends one user as a CSV line.
pub fn write_row(out: &mut Vec<u8>, x: &Features, converted: bool) {
    write_u32(out, x.days_since_signup);
    out.push(b',');
    write_u32(out, x.sessions_7d);
    out.push(b',');
    write_hours(out, x.content_hours_7d);
    out.push(b',');
    write_u32(out, x.downloads_7d);
    out.push(b',');
    write_u32(out, x.paywall_views_7d);
    out.push(b',');
    out.extend_from_slice(x.country_tier.as_str().as_bytes());
    out.extend_from_slice(if converted { b",1\n" } else { b",0\n" });
}

/// Appends every user of `data` as CSV lines (no header).
pub fn write_rows(out: &mut Vec<u8>, data: &Dataset) {
    for (x, &converted) in data.all_features().zip(&data.converted) {
        write_row(out, &x, converted);
    }
}

/// Appends the experiment CSV's header line.
pub fn write_experiment_header(out: &mut Vec<u8>) {
    out.extend_from_slice(EXPERIMENT_HEADER.as_bytes());
    out.push(b'\n');
}

/// Appends every user of `data` as experiment CSV lines (no header): the
/// contract's features, `converted` (the outcome under the assignment: it
/// need not be `data`'s own) and `treated`.
pub fn write_experiment_rows(
    out: &mut Vec<u8>,
    data: &Dataset,
    converted: &[bool],
    treated: &[bool],
) {
    for ((x, &converted), &treated) in data.all_features().zip(converted).zip(treated) {
        write_row(out, &x, converted);
        out.pop();
        out.extend_from_slice(if treated { b",1\n" } else { b",0\n" });
    }
}

/// The whole experiment as CSV bytes: `data`'s features with the outcomes
/// `converted` and the arms `treated`.
pub fn to_experiment_csv(data: &Dataset, converted: &[bool], treated: &[bool]) -> Vec<u8> {
    let mut out = Vec::with_capacity(128 + data.len() * 28);
    write_experiment_header(&mut out);
    write_experiment_rows(&mut out, data, converted, treated);
    out
}

/// The whole dataset as contract CSV bytes.
pub fn to_csv(data: &Dataset) -> Vec<u8> {
    // A default row is about 23 bytes; 26 covers most worlds without a
    // realloc and without reserving (and, in wasm, growing) far more.
    let mut out = Vec::with_capacity(128 + data.len() * 26);
    write_header(&mut out);
    write_rows(&mut out, data);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_always_have_two_decimals() {
        let mut out = Vec::new();
        for h in [0.0, 0.05, 3.1, 12.34, 100.0, 98_765_432_109.87] {
            write_hours(&mut out, h);
            out.push(b' ');
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "0.00 0.05 3.10 12.34 100.00 98765432109.87 "
        );
    }
}
