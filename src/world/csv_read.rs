//! Reading the contract CSV back, in chunks and in bounded memory, with
//! every problem named by line, column and field.
//!
//! Hand-rolled rather than the `csv` crate: the contract's CSV never needs
//! quoting, and a general CSV reader's quoting lets one stray quote swallow
//! the rest of the file into a single field, while its lone-CR line ends
//! were all counted as line 1. Lines are split here, each line is read by
//! the fast path or, failing that, field by field ([`super::csv_fields`]).

use std::fmt;

use super::contract::{COLUMNS, CSV_HEADER, EXPERIMENT_COLUMNS, EXPERIMENT_HEADER};
use super::csv_fields::{parse_fast, parse_general, unquote, LineProblem};
use super::dataset::{Dataset, Features};
use crate::errors::{got, thousands};

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
    /// The column's contract name (or `treated`, an experiment CSV's
    /// eighth), or `line` for a problem with the whole line.
    pub fn field(&self) -> &'static str {
        match self.column {
            Some(c) => EXPERIMENT_COLUMNS
                .get(c - 1)
                .copied()
                .unwrap_or("extra column"),
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

#[derive(Debug)]
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

/// Longest line accepted, in bytes (without its line end). The longest
/// line the contract allows is under 100 bytes; a longer one is refused at
/// once and reading stops there, so a file with no line ends (or
/// `/dev/zero`) never fills memory.
pub const MAX_LINE_BYTES: usize = 1_024;

/// What a read may hold, checked while reading.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CsvLimits {
    /// Most data rows; one more stops the read with a problem.
    pub max_rows: u64,
    /// Longest line in bytes ([`MAX_LINE_BYTES`] unless a test says less).
    pub max_line_bytes: usize,
}

impl CsvLimits {
    /// At most `max_rows` data rows, lines of at most [`MAX_LINE_BYTES`].
    pub fn rows(max_rows: u64) -> CsvLimits {
        CsvLimits {
            max_rows,
            max_line_bytes: MAX_LINE_BYTES,
        }
    }
}

/// Which CSV a reader expects.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Layout {
    /// The contract's seven columns.
    #[default]
    Contract,
    /// The experiment CSV: the seven columns, then `treated` (0 or 1).
    Experiment,
}

impl Layout {
    fn header(self) -> &'static str {
        match self {
            Layout::Contract => CSV_HEADER,
            Layout::Experiment => EXPERIMENT_HEADER,
        }
    }

    fn columns(self) -> &'static [&'static str] {
        match self {
            Layout::Contract => &COLUMNS,
            Layout::Experiment => &EXPERIMENT_COLUMNS,
        }
    }
}

/// Where the users read from a CSV go: a [`Dataset`] (to fit), or a running
/// summary (to validate a file of any size in constant memory).
pub trait RowSink {
    /// One valid user, in file order.
    fn push_row(&mut self, x: &Features, converted: bool);

    /// The `treated` column of the user just pushed (experiment CSVs only;
    /// ignored unless the sink keeps it).
    fn push_treated(&mut self, _treated: bool) {}
}

impl RowSink for Dataset {
    fn push_row(&mut self, x: &Features, converted: bool) {
        self.push(x, converted);
    }
}

/// Reads a contract CSV given in chunks of any size (the core does no I/O:
/// the caller reads the file and feeds it), checking every limit as it goes.
///
/// Lines end with LF, CRLF or a lone CR (each counted as one line, so
/// problems name the right line); a UTF-8 BOM and blank lines are skipped.
/// Every valid row goes to the sink at once; the verdict comes from
/// [`CsvReader::finish`].
#[derive(Debug)]
pub struct CsvReader {
    limits: CsvLimits,
    layout: Layout,
    /// The start of a line whose end has not been fed yet.
    partial: Vec<u8>,
    /// Lines seen so far (the number of the last one).
    line: u64,
    header_seen: bool,
    rows: u64,
    /// The last chunk ended with a CR: an LF first in the next one is its pair.
    after_cr: bool,
    stopped: bool,
    found: Collector,
}

impl CsvReader {
    /// A reader of the contract CSV with these limits.
    pub fn new(limits: CsvLimits) -> CsvReader {
        CsvReader::with_layout(limits, Layout::Contract)
    }

    /// A reader of the CSV `layout` with these limits.
    pub fn with_layout(limits: CsvLimits, layout: Layout) -> CsvReader {
        CsvReader {
            limits,
            layout,
            partial: Vec::new(),
            line: 0,
            header_seen: false,
            rows: 0,
            after_cr: false,
            stopped: false,
            found: Collector {
                problems: Vec::new(),
                total: 0,
            },
        }
    }

    /// Reads the next bytes of the file. Returns false once reading can
    /// stop (a limit was passed): the rest of the file would change nothing.
    pub fn feed(&mut self, mut chunk: &[u8], sink: &mut impl RowSink) -> bool {
        if self.stopped {
            return false;
        }
        if self.after_cr && !chunk.is_empty() {
            self.after_cr = false;
            if chunk[0] == b'\n' {
                chunk = &chunk[1..];
            }
        }
        while !chunk.is_empty() && !self.stopped {
            let Some(end) = memchr::memchr2(b'\n', b'\r', chunk) else {
                if self.partial.len() + chunk.len() > self.limits.max_line_bytes {
                    self.too_long();
                } else {
                    self.partial.extend_from_slice(chunk);
                }
                break;
            };
            if self.partial.is_empty() {
                self.line(&chunk[..end], sink);
            } else {
                let mut line = std::mem::take(&mut self.partial);
                line.extend_from_slice(&chunk[..end]);
                self.line(&line, sink);
                line.clear();
                self.partial = line;
            }
            let mut next = end + 1;
            if chunk[end] == b'\r' {
                match chunk.get(next) {
                    Some(b'\n') => next += 1,
                    Some(_) => {}
                    None => self.after_cr = true,
                }
            }
            chunk = &chunk[next..];
        }
        !self.stopped
    }

    /// The end of the file: the verdict, and the number of data rows read.
    pub fn finish(mut self, sink: &mut impl RowSink) -> Result<u64, CsvError> {
        self.flush(sink);
        let mut found = self.found;
        if found.total > 0 {
            // Problems are found column by column within a line; keep them in
            // line order, then column order, for people reading the list.
            found.problems.sort_by_key(|p| (p.line, p.column));
            return Err(CsvError {
                problems: found.problems,
                total: found.total,
            });
        }
        if !self.header_seen {
            return Err(CsvError::single(
                1,
                None,
                format!(
                    "the file is empty: expected the header {}",
                    self.layout.header()
                ),
            ));
        }
        if self.rows == 0 {
            return Err(CsvError::single(
                2,
                None,
                "the file has a header but no data rows",
            ));
        }
        Ok(self.rows)
    }

    /// A reader of the contract CSV's lines after its header: the second
    /// half of a file cut in two ([`super::csv_halves`]). Its line numbers
    /// count from the cut.
    pub(super) fn continuing(limits: CsvLimits) -> CsvReader {
        CsvReader {
            header_seen: true,
            ..CsvReader::new(limits)
        }
    }

    /// Data rows read so far, and whether the header was among the lines.
    pub(super) fn read_so_far(&self) -> (u64, bool) {
        (self.rows, self.header_seen)
    }

    /// Reads the last line when the input did not end with a line end.
    pub(super) fn flush(&mut self, sink: &mut impl RowSink) {
        if !self.partial.is_empty() && !self.stopped {
            let last = std::mem::take(&mut self.partial);
            self.line(&last, sink);
        }
    }

    /// True when every line fed so far was read without a problem.
    pub(super) fn clean(&self) -> bool {
        self.found.total == 0 && !self.stopped
    }

    /// True when the bytes fed so far ended with a line end.
    pub(super) fn ends_a_line(&self) -> bool {
        self.partial.is_empty() && !self.after_cr
    }

    fn too_long(&mut self) {
        let line = self.line + 1;
        self.found.add(
            line,
            None,
            format!(
                "is longer than {} bytes, more than any line of the contract needs: reading stopped here",
                thousands(self.limits.max_line_bytes as u64)
            ),
        );
        self.stopped = true;
    }

    /// One complete line, without its line end.
    fn line(&mut self, line: &[u8], sink: &mut impl RowSink) {
        if line.len() > self.limits.max_line_bytes {
            return self.too_long();
        }
        self.line += 1;
        let number = self.line;
        if !self.header_seen {
            let line = if number == 1 {
                line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line)
            } else {
                line
            };
            if !line.is_empty() {
                self.header_seen = true;
                self.header(line);
            }
            return;
        }
        if line.is_empty() {
            return;
        }
        self.rows += 1;
        if self.rows > self.limits.max_rows {
            self.found.add(
                number,
                None,
                format!(
                    "the file has more than {} data rows, the most that can be read here",
                    thousands(self.limits.max_rows)
                ),
            );
            self.stopped = true;
            return;
        }
        let (line, treated) = match self.layout {
            Layout::Contract => (line, None),
            Layout::Experiment => match split_treated(line) {
                Ok((rest, treated)) => (rest, Some(treated)),
                Err((column, problem)) => return self.found.add(number, column, problem),
            },
        };
        let row = parse_fast(line).map_or_else(|| parse_general(line), Ok);
        match (row, treated) {
            (Ok((x, converted)), Some(Ok(treated))) => {
                sink.push_row(&x, converted);
                sink.push_treated(treated);
            }
            (Ok((x, converted)), None) => sink.push_row(&x, converted),
            (row, treated) => {
                for (column, problem) in row.err().into_iter().flatten() {
                    self.found.add(number, column, problem);
                }
                if let Some(Err(problem)) = treated {
                    self.found
                        .add(number, Some(EXPERIMENT_COLUMNS.len()), problem);
                }
            }
        }
    }

    fn header(&mut self, line: &[u8]) {
        let fields: Vec<&[u8]> = line
            .split(|&b| b == b',')
            .map(|f| unquote(f).unwrap_or(f))
            .collect();
        let is = |columns: &[&str]| {
            fields.len() == columns.len()
                && fields.iter().zip(columns).all(|(f, c)| *f == c.as_bytes())
        };
        if !is(self.layout.columns()) {
            let hint = match self.layout {
                Layout::Contract if is(&EXPERIMENT_COLUMNS) => {
                    ": this is an experiment CSV (it has a treated column), read it as one"
                }
                _ => "",
            };
            self.found.add(
                self.line,
                None,
                format!(
                    "the header must be exactly {} {}{hint}",
                    self.layout.header(),
                    got(String::from_utf8_lossy(line))
                ),
            );
            // Nothing after a wrong header can be read by column.
            self.stopped = true;
        }
    }
}

/// An experiment line's `treated` field split from the contract's seven:
/// the seven fields and the flag (or what is wrong with the flag), or the
/// line's problem when it does not have eight fields.
fn split_treated(line: &[u8]) -> Result<(&[u8], Result<bool, String>), LineProblem> {
    let fields = 1 + memchr::memchr_iter(b',', line).count();
    let wanted = EXPERIMENT_COLUMNS.len();
    let last = match memchr::memrchr(b',', line) {
        Some(at) if fields == wanted => at,
        _ => {
            return Err((
                None,
                format!("must have {wanted} fields, separated by commas (got {fields})"),
            ))
        }
    };
    let field = &line[last + 1..];
    let treated = match unquote(field) {
        Ok(b"0") => Ok(false),
        Ok(b"1") => Ok(true),
        Ok(_) => Err(format!(
            "must be 0 or 1 {}",
            got(String::from_utf8_lossy(field))
        )),
        Err(problem) => Err(problem),
    };
    Ok((&line[..last], treated))
}

/// Reads a whole contract CSV held in memory into a dataset, or lists what
/// is wrong. At most `max_rows` data rows are read.
pub fn parse_csv(bytes: &[u8], max_rows: u64) -> Result<Dataset, CsvError> {
    let mut data = Dataset::with_capacity(0);
    let mut reader = CsvReader::new(CsvLimits::rows(max_rows));
    reader.feed(bytes, &mut data);
    reader.finish(&mut data)?;
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::contract::Tier;
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

    /// Feeds `bytes` in chunks of `size`, as a file is read.
    fn chunked(bytes: &[u8], size: usize, limits: CsvLimits) -> Result<Dataset, CsvError> {
        let mut data = Dataset::default();
        let mut reader = CsvReader::new(limits);
        for chunk in bytes.chunks(size) {
            if !reader.feed(chunk, &mut data) {
                break;
            }
        }
        reader.finish(&mut data).map(|_| data)
    }

    #[test]
    fn any_chunking_and_any_line_end_read_the_same_users() {
        let params = GeneratorParams {
            rows: 300,
            ..Default::default()
        }
        .validate(10_000)
        .unwrap();
        let mut data = generate(&params);
        data.latent = None;
        let lf = to_csv(&data);
        let text = String::from_utf8(lf.clone()).unwrap();
        let crlf = format!("\u{feff}{}", text.replace('\n', "\r\n"));
        let cr = text.replace('\n', "\r");
        for bytes in [lf, crlf.into_bytes(), cr.into_bytes()] {
            for size in [1, 2, 3, 7, 64, 4096, bytes.len()] {
                let back = chunked(&bytes, size, CsvLimits::rows(1_000)).unwrap();
                assert_eq!(back, data, "chunks of {size}");
            }
        }
    }

    #[test]
    fn lone_cr_line_ends_are_counted_as_lines() {
        let text = format!("{CSV_HEADER}\r1,1,1.00,1,1,tier_1,1\r1,1,1.00,1,1,tier_1,7\r");
        let err = parse_csv(text.as_bytes(), 10).unwrap_err();
        assert_eq!(
            err.problems[0].to_string(),
            "line 3, column 7 (converted): must be 0 or 1 (got \"7\")"
        );
    }

    #[test]
    fn an_unterminated_quote_is_named_on_its_line_and_the_rest_is_read() {
        let text = format!(
            "{CSV_HEADER}\n\"3,1,1.00,1,1,tier_1,1\n1,1,1.00,1,1,tier_1,1\n1,1,1.00,1,1,tier_1,5\n"
        );
        let err = parse_csv(text.as_bytes(), 10).unwrap_err();
        let lines: Vec<String> = err.problems.iter().map(ToString::to_string).collect();
        assert_eq!(err.total, 2, "{lines:#?}");
        assert!(lines[0].starts_with(
            "line 2, column 1 (days_since_signup): has a quote that does not enclose the whole field"
        ));
        assert_eq!(
            lines[1],
            "line 4, column 7 (converted): must be 0 or 1 (got \"5\")"
        );
    }

    #[test]
    fn a_line_longer_than_the_limit_stops_the_read_at_once() {
        let limits = CsvLimits {
            max_rows: 10,
            max_line_bytes: 120,
        };
        let mut endless = format!("{CSV_HEADER}\n1,1,1.00,1,1,tier_1,1\n").into_bytes();
        endless.extend(std::iter::repeat_n(b'0', 10_000));
        let mut data = Dataset::default();
        let mut reader = CsvReader::new(limits);
        let mut fed = 0;
        for chunk in endless.chunks(16) {
            fed += chunk.len();
            if !reader.feed(chunk, &mut data) {
                break;
            }
        }
        assert!(fed < 300, "the read went on for {fed} bytes");
        assert!(
            reader.partial.capacity() <= 256,
            "held {} bytes",
            reader.partial.capacity()
        );
        let err = reader.finish(&mut data).unwrap_err();
        assert_eq!(
            err.problems[0].to_string(),
            "line 3: is longer than 120 bytes, more than any line of the contract needs: reading stopped here"
        );
        let too_many = format!("{CSV_HEADER}\n{}", "1,1,1.00,1,1,tier_1,1\n".repeat(50));
        let limits = CsvLimits {
            max_rows: 3,
            max_line_bytes: 120,
        };
        let err = chunked(too_many.as_bytes(), 30, limits).unwrap_err();
        assert_eq!(
            err.problems[0].to_string(),
            "line 5: the file has more than 3 data rows, the most that can be read here"
        );
    }

    #[test]
    fn huge_fields_are_echoed_cut() {
        let field = "9".repeat(500);
        let text = format!("{CSV_HEADER}\n1,{field},1.00,1,1,tier_1,1\n");
        let message = parse_csv(text.as_bytes(), 10).unwrap_err().to_string();
        assert!(message.len() < 300, "{message}");
        assert!(message.contains("…"), "{message}");
    }
}
