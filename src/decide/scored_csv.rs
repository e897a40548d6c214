//! The scored users: the contract CSV with three more columns, the model's
//! probability, the segment its thresholds give and whether the user was
//! held out of training. A documented extension of the contract's CSV
//! (`docs/contract.md`), with its own header, so it is never mistaken for a
//! contract file: `conversion score --format csv` writes it, and the page's
//! "Download scored users" gives the same bytes.

use super::bands::Thresholds;
use crate::model::{Split, Q};
use crate::world::contract::CSV_HEADER;
use crate::world::csv_write::write_row;
use crate::world::dataset::Dataset;

/// The extra columns, after the contract's seven.
const SCORED_COLUMNS: [&str; 3] = ["probability", "segment", "held_out"];

/// Appends the scored users' header: the contract's columns, then
/// [`SCORED_COLUMNS`].
fn write_header(out: &mut Vec<u8>) {
    out.extend_from_slice(CSV_HEADER.as_bytes());
    for column in SCORED_COLUMNS {
        out.push(b',');
        out.extend_from_slice(column.as_bytes());
    }
    out.push(b'\n');
}

/// Every user of `data`, in file order, scored by the model with raw
/// `weights` (intercept last): the probability as the shortest decimal that
/// reads back to the same number (as `conversion score` writes it in JSON),
/// the segment at `thresholds`, and `held_out` 1 for the users `split`
/// holds out (0 for all when none are).
pub fn scored_csv(
    data: &Dataset,
    weights: &[f64; Q],
    thresholds: &Thresholds,
    split: &Split,
) -> Vec<u8> {
    let everyone: Vec<usize> = (0..data.len()).collect();
    let probabilities = crate::model::predict(weights, data, &everyone);
    let mut held_out = vec![false; data.len()];
    for &i in &split.test {
        held_out[i] = true;
    }
    let mut out = Vec::with_capacity(256 + data.len() * 64);
    write_header(&mut out);
    for (i, x) in data.all_features().enumerate() {
        write_row(&mut out, &x, data.converted[i]);
        out.pop(); // the line end, written after the extra columns
        out.push(b',');
        let p = probabilities[i];
        serde_json::to_writer(&mut out, &p).expect("a probability is a finite number");
        out.push(b',');
        out.extend_from_slice(thresholds.segment(p).as_str().as_bytes());
        out.extend_from_slice(if held_out[i] { b",1\n" } else { b",0\n" });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decide::bands::Segment;
    use crate::world::csv_read::parse_csv;
    use crate::world::generator::generate;
    use crate::world::params::GeneratorParams;

    #[test]
    fn the_contract_columns_then_probability_segment_and_held_out() {
        let params = GeneratorParams {
            rows: 500,
            ..Default::default()
        }
        .validate(1_000)
        .unwrap();
        let data = generate(&params);
        let weights = [-0.02, 0.3, 0.25, 0.5, 0.4, -0.5, -1.0, 0.7];
        let split = Split::new(data.len(), 0.2, 42);
        let text =
            String::from_utf8(scored_csv(&data, &weights, &Thresholds::default(), &split)).unwrap();
        let mut lines = text.lines();
        assert_eq!(
            lines.next().unwrap(),
            format!("{CSV_HEADER},probability,segment,held_out")
        );
        let contract = crate::world::csv_write::to_csv(&data);
        let rows: Vec<&str> = lines.collect();
        assert_eq!(rows.len(), 500);
        let held: Vec<usize> = (0..500).filter(|&i| rows[i].ends_with(",1")).collect();
        assert_eq!(held, split.test);
        let p = crate::model::predict(&weights, &data, &[0, 1, 2]);
        for (i, line) in rows.iter().enumerate().take(3) {
            let fields: Vec<&str> = line.split(',').collect();
            // The first seven fields are the contract's row, byte for byte.
            let original = String::from_utf8_lossy(&contract)
                .lines()
                .nth(i + 1)
                .unwrap()
                .to_string();
            assert_eq!(fields[..7].join(","), original);
            let read: f64 = fields[7].parse().unwrap();
            assert_eq!(read.to_bits(), p[i].to_bits(), "{}", fields[7]);
            assert_eq!(fields[8], Thresholds::default().segment(p[i]).as_str());
        }
        assert!(text.contains(Segment::HighIntent.as_str()));
        // It is not a contract file: the contract reader refuses its header.
        assert!(parse_csv(text.as_bytes(), 1_000).is_err());
    }
}
