//! Reading the contract CSV back, with every problem named by line, column
//! and field. The `csv` crate handles CRLF and quoting edge cases for us.

use std::fmt;

use super::contract::{Tier, COLUMNS, CSV_HEADER};
use super::dataset::{Dataset, Features};
use crate::errors::got;

/// One thing wrong with a CSV file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsvProblem {
    /// 1-based line number (the header is line 1).
    pub line: u64,
    /// 1-based column number, when the problem is in one field.
    pub column: Option<usize>,
    /// What is wrong, in words that follow the field's name.
    pub problem: String,
}

impl CsvProblem {
    /// The column's contract name, or `line` for a problem with the whole line.
    pub fn field(&self) -> &'static str {
        match self.column {
            Some(c) => COLUMNS.get(c - 1).copied().unwrap_or("extra column"),
            None => "line",
        }
    }
}

impl fmt::Display for CsvProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.column {
            Some(c) => write!(
                f,
                "line {}, column {c} ({}): {}",
                self.line,
                self.field(),
                self.problem
            ),
            None => write!(f, "line {}: {}", self.line, self.problem),
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
    fn single(line: u64, column: Option<usize>, problem: impl Into<String>) -> CsvError {
        CsvError {
            problems: vec![CsvProblem {
                line,
                column,
                problem: problem.into(),
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
    fn add(&mut self, line: u64, column: Option<usize>, problem: String) {
        self.total += 1;
        if self.problems.len() < MAX_LISTED_PROBLEMS {
            self.problems.push(CsvProblem {
                line,
                column,
                problem,
            });
        }
    }
}

/// `(got "field")`, the field cut to about 60 characters.
fn shown(field: &[u8]) -> String {
    got(String::from_utf8_lossy(field))
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
        .map_err(|_| format!("is too large: the largest is 4294967295 {}", got(text)))?;
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
    if whole.len() > 12 {
        return Err(format!("is too large {}", shown(field)));
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
                "the header must be exactly {CSV_HEADER} {}",
                crate::errors::got(got.join(","))
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
                found.add(line, None, format!("cannot be read as CSV: {e}"));
                break;
            }
        }
        let line = record.position().map_or(0, |p| p.line());
        rows += 1;
        if rows > max_rows {
            found.add(
                line,
                None,
                format!("the file has more than {max_rows} data rows, the most that can be loaded"),
            );
            break;
        }
        if record.len() != COLUMNS.len() {
            found.add(
                line,
                None,
                format!(
                    "must have {} fields, separated by commas (got {})",
                    COLUMNS.len(),
                    record.len()
                ),
            );
            continue;
        }
        let before = found.total;
        let count =
            |col: usize, min: u32, found: &mut Collector| match parse_count(&record[col], min) {
                Ok(v) => v,
                Err(m) => {
                    found.add(line, Some(col + 1), m);
                    0
                }
            };
        let days_since_signup = count(0, 1, &mut found);
        let sessions_7d = count(1, 0, &mut found);
        let downloads_7d = count(3, 0, &mut found);
        let paywall_views_7d = count(4, 0, &mut found);
        let content_hours_7d = parse_hours(&record[2]).unwrap_or_else(|m| {
            found.add(line, Some(3), m);
            0.0
        });
        let country_tier = parse_tier(&record[5]).unwrap_or_else(|m| {
            found.add(line, Some(6), m);
            Tier::Tier1
        });
        let converted = parse_label(&record[6]).unwrap_or_else(|m| {
            found.add(line, Some(7), m);
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
    use crate::world::csv_write::to_csv;
    use crate::world::generator::generate;
    use crate::world::params::GeneratorParams;

    #[test]
    fn written_csv_reads_back_identically() {
        let params = GeneratorParams {
            rows: 3_000,
            ..Default::default()
        }
        .validate(10_000)
        .unwrap();
        let mut data = generate(&params);
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
            "line 2, column 1 (days_since_signup): must be at least 1 (got \"0\")"
        );
        assert_eq!(
            lines[1],
            "line 2, column 2 (sessions_7d): must not be negative (got \"-1\")"
        );
        assert_eq!(
            lines[2],
            "line 2, column 3 (content_hours_7d): has more than 2 decimal places (got \"2.345\")"
        );
        assert_eq!(
            lines[3],
            "line 2, column 4 (downloads_7d): must be a whole number (got \"x\")"
        );
        assert!(lines[4].starts_with("line 2, column 6 (country_tier): must be tier_1"));
        assert_eq!(
            lines[5],
            "line 2, column 7 (converted): must be 0 or 1 (got \"2\")"
        );
        assert_eq!(
            lines[6],
            "line 3: must have 7 fields, separated by commas (got 3)"
        );
        assert_eq!(err.problems[3].field(), "downloads_7d");
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
        assert!(wrong.problems[0].problem.contains("header must be exactly"));
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
