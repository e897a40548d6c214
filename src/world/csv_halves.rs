//! A contract CSV read as two halves side by side where there are cores,
//! for files the fit holds whole anyway: the halves' readers, the cut
//! between them, and the verdict that joins them (or sends the file back to
//! one reader).

use super::csv_read::{CsvError, CsvLimits, CsvReader};
use super::dataset::Dataset;
use crate::parallel::{join, splits};

/// Files smaller than this are read by one reader: a second thread would
/// cost more than it saves.
pub const HALVES_BYTES: u64 = 1 << 20;

/// Where a file of `len` bytes is cut in two, between two lines: just after
/// the first line end in `around`, the bytes that start at its middle
/// (`len / 2`; as many as the caller read). `None` when the file is too
/// small to be worth two readers, or `around` holds no line end (then one
/// reader reads it all).
pub fn cut(len: u64, around: &[u8]) -> Option<u64> {
    if len < HALVES_BYTES || !splits(len as usize) {
        return None;
    }
    memchr::memchr(b'\n', around).map(|at| len / 2 + at as u64 + 1)
}

/// The readers of a file's two halves, cut by [`cut`]: the first reads the
/// header and the lines up to the cut, the second the lines after it (its
/// line numbers count from the cut, so it never names one: a problem sends
/// the file back to one reader).
pub fn readers(limits: CsvLimits) -> (CsvReader, CsvReader) {
    (CsvReader::new(limits), CsvReader::continuing(limits))
}

/// Joins the two halves' readers once each was fed its half: the file's
/// number of data rows when both read it without a problem, with `rest`
/// (the second half's users) moved after `data`'s. `None` when either found
/// a problem, or the halves hold more rows than `limits` allows together:
/// then `data` is emptied and the file must be read again from the start by
/// one reader, whose messages name the right lines. (A line never spans the
/// cut: the contract's fields hold no line end, and a quote is closed on
/// its own line or named as unterminated there.)
pub fn join_halves(
    first: CsvReader,
    mut second: CsvReader,
    data: &mut Dataset,
    rest: &mut Dataset,
    limits: CsvLimits,
) -> Option<u64> {
    second.flush(rest);
    let ((first_rows, header), (second_rows, _)) = (first.read_so_far(), second.read_so_far());
    let rows = first_rows + second_rows;
    let joined = first.clean()
        && first.ends_a_line()
        && second.clean()
        && header
        && first_rows > 0
        && rows <= limits.max_rows;
    if !joined {
        data.clear();
        return None;
    }
    data.append(rest);
    Some(rows)
}

/// Reads a whole contract CSV held in memory into `data` (empty), with the
/// same verdict and the same users as one [`CsvReader`] fed the same bytes:
/// in two halves side by side where there are cores ([`cut`],
/// [`join_halves`]), or, when a half finds a problem, again by one reader.
pub fn read_whole(bytes: &[u8], limits: CsvLimits, data: &mut Dataset) -> Result<u64, CsvError> {
    let len = bytes.len() as u64;
    if let Some(at) = cut(len, &bytes[bytes.len() / 2..]) {
        let (first, second) = bytes.split_at(at as usize);
        let (mut a, mut b) = readers(limits);
        let mut rest = Dataset::default();
        join(
            bytes.len(),
            || a.feed(first, data),
            || b.feed(second, &mut rest),
        );
        if let Some(rows) = join_halves(a, b, data, &mut rest, limits) {
            return Ok(rows);
        }
    }
    let mut reader = CsvReader::new(limits);
    reader.feed(bytes, data);
    reader.finish(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::contract::CSV_HEADER;
    use crate::world::csv_read::parse_csv;

    #[test]
    fn a_file_read_in_halves_reads_as_one_reader_reads_it() {
        // Over HALVES_BYTES: read as two halves side by side where there are
        // cores, and joined.
        let mut text = format!("{CSV_HEADER}\n");
        let mut rows = 0u64;
        while (text.len() as u64) < 2 * HALVES_BYTES {
            let i = rows;
            text.push_str(&format!(
                "{},{},{}.{:02},{},{},tier_{},{}\n",
                1 + i % 59,
                i % 7,
                i % 5,
                i % 100,
                i % 3,
                i % 4,
                1 + i % 3,
                i % 2
            ));
            rows += 1;
        }
        let whole = |bytes: &[u8], max_rows: u64| {
            let mut data = Dataset::default();
            read_whole(bytes, CsvLimits::rows(max_rows), &mut data).map(|n| (n, data))
        };
        let one = |bytes: &[u8], max_rows: u64| parse_csv(bytes, max_rows);
        let unterminated = text.trim_end().to_string();
        let crlf = text.replace('\n', "\r\n");
        for variant in [&text, &unterminated, &crlf] {
            let (n, data) = whole(variant.as_bytes(), u64::MAX).unwrap();
            assert_eq!(n, rows);
            assert_eq!(data, one(variant.as_bytes(), u64::MAX).unwrap());
        }
        // A problem in the second half is named on its own line, and one
        // too many rows across the halves is refused where one reader would.
        let at = text.len() * 3 / 4;
        let line_start = text[..at].rfind('\n').unwrap() + 1;
        let mut bad = text.clone();
        bad.replace_range(line_start..line_start + 1, "x");
        let got = whole(bad.as_bytes(), u64::MAX).err();
        assert!(got.as_ref().is_some_and(|e| e.problems[0].line > rows / 2));
        assert_eq!(got, one(bad.as_bytes(), u64::MAX).err());
        let got = whole(text.as_bytes(), rows - 1).err();
        assert_eq!(got, one(text.as_bytes(), rows - 1).err());
        assert_eq!(got.map(|e| e.problems[0].line), Some(rows + 1));
    }
}
