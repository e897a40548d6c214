//! The contract CSV: writing it (exactly, fast, byte for byte the same on
//! every platform) and reading it back with every problem named.
//!
//! Writing is hand-rolled on purpose: every field is a number or a fixed tier
//! word, so no field ever needs quoting, and formatting integers with `itoa`
//! style digit loops keeps 1,000,000 rows well under 100 ms. Reading uses the
//! `csv` crate, which handles CRLF and quoting edge cases for us.

use std::fmt;

use crate::contract::{Tier, COLUMNS, CSV_HEADER};
use crate::dataset::Dataset;
use crate::generator::Features;

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
    for (x, &converted) in data.features_from(0).zip(&data.converted) {
        write_row(out, &x, converted);
    }
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

/// One thing wrong with a CSV file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsvProblem {
    /// 1-based line number (the header is line 1).
    pub line: u64,
    /// 1-based column number, when the problem is in one field.
    pub column: Option<usize>,
    /// What is wrong, in words.
    pub message: String,
}

impl fmt::Display for CsvProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.column {
            Some(c) => {
                let name = COLUMNS.get(c - 1).copied().unwrap_or("extra column");
                write!(
                    f,
                    "line {}, column {} ({}): {}",
                    self.line, c, name, self.message
                )
            }
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

/// How many problems a [`CsvError`] lists; the rest are only counted.
pub const MAX_LISTED_PROBLEMS: usize = 20;

/// Why a CSV file does not meet the contract: the first
/// [`MAX_LISTED_PROBLEMS`] problems, and how many there are in all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsvError {
    pub problems: Vec<CsvProblem>,
    pub total: usize,
}

impl CsvError {
    fn single(line: u64, column: Option<usize>, message: impl Into<String>) -> CsvError {
        CsvError {
            problems: vec![CsvProblem {
                line,
                column,
                message: message.into(),
            }],
            total: 1,
        }
    }
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let noun = if self.total == 1 {
            "problem"
        } else {
            "problems"
        };
        write!(
            f,
            "the file does not meet the data contract ({} {noun})",
            self.total
        )?;
        for p in &self.problems {
            write!(f, "\n  {p}")?;
        }
        if self.total > self.problems.len() {
            write!(f, "\n  … and {} more", self.total - self.problems.len())?;
        }
        Ok(())
    }
}

impl std::error::Error for CsvError {}

struct Collector {
    problems: Vec<CsvProblem>,
    total: usize,
}

impl Collector {
    fn add(&mut self, line: u64, column: usize, message: String) {
        self.total += 1;
        if self.problems.len() < MAX_LISTED_PROBLEMS {
            self.problems.push(CsvProblem {
                line,
                column: Some(column),
                message,
            });
        }
    }
}

fn shown(field: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(field))
}

/// A whole number ≥ `min` that fits in u32.
fn parse_count(field: &[u8], min: u32) -> Result<u32, String> {
    if field.is_empty() {
        return Err("is empty: expected a whole number".into());
    }
    if field[0] == b'-' && field.len() > 1 {
        return Err(format!("must not be negative (found {})", shown(field)));
    }
    if !field.iter().all(u8::is_ascii_digit) {
        return Err(format!("expected a whole number, found {}", shown(field)));
    }
    let text = std::str::from_utf8(field).map_err(|_| "is not text".to_string())?;
    let value: u32 = text
        .parse()
        .map_err(|_| format!("is too large (found {text}; the largest is 4294967295)"))?;
    if value < min {
        return Err(format!("must be at least {min} (found {value})"));
    }
    Ok(value)
}

/// A decimal number ≥ 0 with at most two decimal places.
fn parse_hours(field: &[u8]) -> Result<f64, String> {
    if field.is_empty() {
        return Err("is empty: expected a number of hours like 3.25".into());
    }
    if field[0] == b'-' && field.len() > 1 {
        return Err(format!("must not be negative (found {})", shown(field)));
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
            "expected a number of hours like 3.25, found {}",
            shown(field)
        ));
    }
    if decimals.len() > 2 {
        return Err(format!(
            "has more than 2 decimal places (found {})",
            shown(field)
        ));
    }
    if whole.len() > 12 {
        return Err(format!("is too large (found {})", shown(field)));
    }
    let text = std::str::from_utf8(field).map_err(|_| "is not text".to_string())?;
    text.parse::<f64>()
        .map_err(|_| format!("expected a number of hours, found {}", shown(field)))
}

fn parse_tier(field: &[u8]) -> Result<Tier, String> {
    std::str::from_utf8(field)
        .ok()
        .and_then(Tier::parse)
        .ok_or_else(|| {
            format!(
                "expected tier_1, tier_2 or tier_3 (or Tier_1, Tier_2, Tier_3), found {}",
                shown(field)
            )
        })
}

fn parse_label(field: &[u8]) -> Result<bool, String> {
    match field {
        b"0" => Ok(false),
        b"1" => Ok(true),
        _ => Err(format!("expected 0 or 1, found {}", shown(field))),
    }
}

/// Reads a contract CSV (a UTF-8 BOM and CRLF line ends are tolerated) into a
/// dataset, or lists what is wrong. At most `max_rows` data rows are read.
pub fn parse_csv(bytes: &[u8], max_rows: u64) -> Result<Dataset, CsvError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(CsvError::single(
            1,
            None,
            format!("the file is empty: expected the header {CSV_HEADER}"),
        ));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut record = csv::ByteRecord::new();
    let mut found = Collector {
        problems: Vec::new(),
        total: 0,
    };

    // Header.
    match reader.read_byte_record(&mut record) {
        Ok(true) => {}
        Ok(false) => {
            return Err(CsvError::single(
                1,
                None,
                format!("the file is empty: expected the header {CSV_HEADER}"),
            ));
        }
        Err(e) => {
            return Err(CsvError::single(
                1,
                None,
                format!("cannot be read as CSV: {e}"),
            ))
        }
    }
    let header_ok = record.len() == COLUMNS.len()
        && record
            .iter()
            .zip(COLUMNS)
            .all(|(got, want)| got == want.as_bytes());
    if !header_ok {
        let got: Vec<String> = record
            .iter()
            .map(|f| String::from_utf8_lossy(f).into_owned())
            .collect();
        return Err(CsvError::single(
            1,
            None,
            format!(
                "the header must be exactly {CSV_HEADER} (found {})",
                got.join(",")
            ),
        ));
    }

    let mut data = Dataset::with_capacity(0);
    let mut rows: u64 = 0;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                found.total += 1;
                if found.problems.len() < MAX_LISTED_PROBLEMS {
                    found.problems.push(CsvProblem {
                        line,
                        column: None,
                        message: format!("cannot be read as CSV: {e}"),
                    });
                }
                break;
            }
        }
        let line = record.position().map_or(0, |p| p.line());
        rows += 1;
        if rows > max_rows {
            found.total += 1;
            found.problems.push(CsvProblem {
                line,
                column: None,
                message: format!(
                    "the file has more than {max_rows} data rows, the most that can be loaded"
                ),
            });
            break;
        }
        if record.len() != COLUMNS.len() {
            found.total += 1;
            if found.problems.len() < MAX_LISTED_PROBLEMS {
                found.problems.push(CsvProblem {
                    line,
                    column: None,
                    message: format!("expected {} fields, found {}", COLUMNS.len(), record.len()),
                });
            }
            continue;
        }
        let before = found.total;
        let count =
            |col: usize, min: u32, found: &mut Collector| match parse_count(&record[col], min) {
                Ok(v) => v,
                Err(m) => {
                    found.add(line, col + 1, m);
                    0
                }
            };
        let days_since_signup = count(0, 1, &mut found);
        let sessions_7d = count(1, 0, &mut found);
        let downloads_7d = count(3, 0, &mut found);
        let paywall_views_7d = count(4, 0, &mut found);
        let content_hours_7d = parse_hours(&record[2]).unwrap_or_else(|m| {
            found.add(line, 3, m);
            0.0
        });
        let country_tier = parse_tier(&record[5]).unwrap_or_else(|m| {
            found.add(line, 6, m);
            Tier::Tier1
        });
        let converted = parse_label(&record[6]).unwrap_or_else(|m| {
            found.add(line, 7, m);
            false
        });
        if found.total == before {
            data.push(
                &Features {
                    days_since_signup,
                    sessions_7d,
                    content_hours_7d,
                    downloads_7d,
                    paywall_views_7d,
                    country_tier,
                },
                converted,
            );
        }
    }
    if found.total > 0 {
        // Problems are found column by column within a line; keep them in
        // line order, then column order, for people reading the list.
        found.problems.sort_by_key(|p| (p.line, p.column));
        return Err(CsvError {
            problems: found.problems,
            total: found.total,
        });
    }
    if data.is_empty() {
        return Err(CsvError::single(
            2,
            None,
            "the file has a header but no data rows",
        ));
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::GeneratorParams;

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

    #[test]
    fn written_csv_reads_back_identically() {
        let params = GeneratorParams {
            rows: 3_000,
            ..Default::default()
        }
        .validate(10_000)
        .unwrap();
        let mut data = Dataset::generate(&params);
        let bytes = to_csv(&data);
        let back = parse_csv(&bytes, 10_000).unwrap();
        data.latent = None;
        assert_eq!(back, data);
        assert_eq!(to_csv(&back), bytes);
    }

    #[test]
    fn bom_crlf_and_python_tiers_are_accepted() {
        let text =
            format!("\u{feff}{CSV_HEADER}\r\n3,2,1.5,0,1,Tier_2,1\r\n10,0,0,0,0,tier_3,0\r\n");
        let data = parse_csv(text.as_bytes(), 10).unwrap();
        assert_eq!(data.len(), 2);
        assert_eq!(data.country_tier, vec![Tier::Tier2, Tier::Tier3]);
        assert_eq!(data.content_hours_7d, vec![1.5, 0.0]);
    }

    #[test]
    fn every_problem_is_located_and_named() {
        let text = format!("{CSV_HEADER}\n0,-1,2.345,x,1,tier_9,2\n1,2,3\n");
        let err = parse_csv(text.as_bytes(), 10).unwrap_err();
        let lines: Vec<String> = err.problems.iter().map(ToString::to_string).collect();
        assert_eq!(err.total, 7, "{lines:#?}");
        assert_eq!(
            lines[0],
            "line 2, column 1 (days_since_signup): must be at least 1 (found 0)"
        );
        assert_eq!(
            lines[1],
            "line 2, column 2 (sessions_7d): must not be negative (found \"-1\")"
        );
        assert_eq!(
            lines[2],
            "line 2, column 3 (content_hours_7d): has more than 2 decimal places (found \"2.345\")"
        );
        assert_eq!(
            lines[3],
            "line 2, column 4 (downloads_7d): expected a whole number, found \"x\""
        );
        assert!(lines[4].starts_with("line 2, column 6 (country_tier): expected tier_1"));
        assert_eq!(
            lines[5],
            "line 2, column 7 (converted): expected 0 or 1, found \"2\""
        );
        assert_eq!(lines[6], "line 3: expected 7 fields, found 3");
    }

    #[test]
    fn only_the_first_twenty_problems_are_listed() {
        let mut text = format!("{CSV_HEADER}\n");
        for _ in 0..30 {
            text.push_str("1,1,1.00,1,1,tier_1,7\n");
        }
        let err = parse_csv(text.as_bytes(), 100).unwrap_err();
        assert_eq!(err.total, 30);
        assert_eq!(err.problems.len(), MAX_LISTED_PROBLEMS);
        assert!(err.to_string().ends_with("… and 10 more"));
    }

    #[test]
    fn header_empty_and_oversized_files_are_refused() {
        assert!(parse_csv(b"", 10)
            .unwrap_err()
            .to_string()
            .contains("empty"));
        let wrong = parse_csv(b"a,b\n1,2\n", 10).unwrap_err();
        assert!(wrong.problems[0].message.contains("header must be exactly"));
        let header_only = format!("{CSV_HEADER}\n");
        assert!(parse_csv(header_only.as_bytes(), 10)
            .unwrap_err()
            .to_string()
            .contains("no data rows"));
        let two = format!("{CSV_HEADER}\n1,1,1.00,1,1,tier_1,1\n1,1,1.00,1,1,tier_1,1\n");
        assert!(parse_csv(two.as_bytes(), 1)
            .unwrap_err()
            .to_string()
            .contains("more than 1 data rows"));
    }
}
