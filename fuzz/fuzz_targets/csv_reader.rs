//! The CSV reader on any bytes, fed in chunks of any size: it never panics,
//! it agrees with itself read whole, and what it accepts writes back and
//! reads back to the same users.
#![no_main]

use conversion_playground::world::csv_read::{parse_csv, CsvLimits, CsvReader};
use conversion_playground::world::csv_write::to_csv;
use conversion_playground::world::dataset::Dataset;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let Some((&chunk, bytes)) = input.split_first() else {
        return;
    };
    let limits = CsvLimits {
        max_rows: 10_000,
        max_line_bytes: 256,
    };
    let mut data = Dataset::default();
    let mut reader = CsvReader::new(limits);
    for piece in bytes.chunks(usize::from(chunk).max(1)) {
        if !reader.feed(piece, &mut data) {
            break;
        }
    }
    let chunked = reader.finish(&mut data).map(|_| data);
    let mut whole_data = Dataset::default();
    let mut whole = CsvReader::new(limits);
    whole.feed(bytes, &mut whole_data);
    let whole = whole.finish(&mut whole_data).map(|_| whole_data);
    assert_eq!(chunked, whole, "chunking changed the verdict");
    if let Ok(data) = chunked {
        assert_eq!(parse_csv(&to_csv(&data), 10_000).unwrap(), data);
    }
});
