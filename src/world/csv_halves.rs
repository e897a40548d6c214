//! A whole contract CSV in memory, read in two halves side by side where
//! there are cores: the reader for files the fit holds whole anyway.

use super::csv_read::{CsvError, CsvLimits, CsvReader};
use super::dataset::Dataset;
use crate::parallel::join;

/// Files smaller than this are read by one reader: a second thread would
/// cost more than it saves.
const HALVES_BYTES: usize = 1 << 20;

/// Reads a whole contract CSV held in memory into `data` (empty), with the
/// same verdict and the same users as [`CsvReader`] fed the same bytes, on
/// two threads where there are cores: the file is cut at the line end
/// nearest its middle and the two halves are read side by side, the second
/// as the continuation of the first, then joined. Any problem in either
/// half, and the file is read again from the start by one reader, whose
/// messages name the right lines. (Lines never span a line end: the
/// contract's fields hold none, and a quote is closed on its own line or
/// named as unterminated there.)
pub fn read_whole(bytes: &[u8], limits: CsvLimits, data: &mut Dataset) -> Result<u64, CsvError> {
    let cut = match bytes.len() {
        len if len >= HALVES_BYTES && !cfg!(target_arch = "wasm32") => {
            memchr::memchr(b'\n', &bytes[len / 2..]).map(|at| len / 2 + at + 1)
        }
        _ => None,
    };
    if let Some(cut) = cut {
        let (first, second) = bytes.split_at(cut);
        let mut rest = Dataset::default();
        let (read_first, read_second) = join(
            bytes.len(),
            || {
                let mut reader = CsvReader::new(limits);
                reader.feed(first, data);
                reader.clean().then_some(reader)
            },
            || {
                rest.reserve_exact(memchr::memchr_iter(b'\n', second).count() + 1);
                let mut reader = CsvReader::continuing(limits);
                reader.feed(second, &mut rest);
                reader.flush(&mut rest);
                reader.clean().then_some(reader)
            },
        );
        if let (Some(a), Some(b)) = (read_first, read_second) {
            let ((first_rows, header), (second_rows, _)) = (a.read_so_far(), b.read_so_far());
            let rows = first_rows + second_rows;
            if header && first_rows > 0 && rows <= limits.max_rows {
                data.append(&mut rest);
                return Ok(rows);
            }
        }
        data.clear();
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
        while text.len() < 2 * HALVES_BYTES {
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
