//! A contract CSV read as two halves side by side where there are cores,
//! for files the fit holds whole anyway: where to cut, the two readers, and
//! the verdict that joins them (or sends the file back to one reader). The
//! caller does the reading; the core reads no file.

use std::ops::Range;

use super::csv_read::{CsvLimits, CsvReader};
use super::dataset::Dataset;
use crate::parallel::{join, splits};

/// Files smaller than this are read by one reader: a second thread would
/// cost more than it saves.
const HALVES_BYTES: u64 = 1 << 20;

/// Bytes of the shortest contract row, with its line end.
const SHORTEST_ROW: u64 = 21;

/// Room for the users of `bytes` bytes of a contract CSV (the most rows so
/// many bytes hold, within `limits`), so the columns never grow by
/// copying; room never written costs no memory.
pub fn room(bytes: u64, limits: CsvLimits) -> usize {
    (bytes / SHORTEST_ROW).min(limits.max_rows) as usize
}

/// True when a file of `len` bytes is worth cutting in two: it is large
/// enough and there is a second thread to read the other half.
pub fn worth_cutting(len: u64) -> bool {
    len >= HALVES_BYTES && splits(len as usize)
}

/// Where a file of `len` bytes is cut in two, between two lines: just after
/// the first line end in `around`, the bytes that start at its middle
/// (`len / 2`; as many as the caller read). `None` when the file is not
/// [`worth_cutting`], or `around` holds no line end (then one reader reads
/// it all).
pub fn cut(len: u64, around: &[u8]) -> Option<u64> {
    if !worth_cutting(len) {
        return None;
    }
    memchr::memchr(b'\n', around).map(|at| len / 2 + at as u64 + 1)
}

/// Reads a file of `len` bytes, cut at `at` by [`cut`], into `data` (empty)
/// as two halves side by side: `feed(range, reader, sink)` feeds `reader`
/// the file's bytes `range` and its users to `sink` (the caller's I/O: the
/// core reads no file). The first half's reader reads the header; the
/// second's continues after the cut, its line numbers counting from there,
/// so it never names one.
///
/// `Ok(Some(rows))` when both halves read without a problem, the second's
/// users then moved after the first's. `Ok(None)` when either found a
/// problem or the two hold more rows than `limits` allows together: `data`
/// is emptied, and the file must be read again from the start by one
/// reader, whose messages name the right lines. A line never spans the
/// cut: the contract's fields hold no line end, and a quote is closed on
/// its own line or named as unterminated there. An error of `feed` is
/// passed on.
pub fn read_halves<E: Send>(
    len: u64,
    at: u64,
    limits: CsvLimits,
    data: &mut Dataset,
    feed: impl Fn(Range<u64>, &mut CsvReader, &mut Dataset) -> Result<(), E> + Sync,
) -> Result<Option<u64>, E> {
    let (mut first, mut second) = (CsvReader::new(limits), CsvReader::continuing(limits));
    let mut rest = Dataset::with_capacity(room(len - at, limits));
    let feed = &feed;
    let (a, b) = join(
        len as usize,
        || feed(0..at, &mut first, data),
        || feed(at..len, &mut second, &mut rest),
    );
    a.and(b)?;
    second.flush(&mut rest);
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
        return Ok(None);
    }
    data.append(&mut rest);
    Ok(Some(rows))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::contract::CSV_HEADER;
    use crate::world::csv_read::parse_csv;

    use crate::world::csv_read::CsvError;

    /// A whole file in memory, read as the CLI reads one from disk: in two
    /// halves where it is worth it, else (or on a problem) by one reader.
    fn read_whole(bytes: &[u8], limits: CsvLimits, data: &mut Dataset) -> Result<u64, CsvError> {
        let len = bytes.len() as u64;
        if let Some(at) = cut(len, &bytes[bytes.len() / 2..]) {
            let halves = read_halves(len, at, limits, data, |range, reader, sink| {
                reader.feed(&bytes[range.start as usize..range.end as usize], sink);
                Ok::<(), ()>(())
            });
            if let Ok(Some(rows)) = halves {
                return Ok(rows);
            }
        }
        let mut reader = CsvReader::new(limits);
        reader.feed(bytes, data);
        reader.finish(data)
    }

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
