//! The loops that run two numbers at a time on wasm's vector instructions
//! give, in headless Chromium, exactly what their one-at-a-time definitions
//! give (natively, those are the only path): a capped ⌊x⌋ without a
//! conversion, and a key's histogram bin. (The noise table's reader, the
//! other loop that finds ⌊x⌋ this way, is checked through the lab's sums:
//! tests/wasm_uplift.rs pins them to the native bits.)
#![cfg(all(target_arch = "wasm32", target_feature = "simd128"))]

use conversion_playground::math::floor_within_pair;
use conversion_playground::uplift::ranking::{KeyBins, BINS};
use core::arch::wasm32::{f64x2, u64x2_extract_lane};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Irregular numbers from 0 to `top`, ends, halves and neighbours of
/// integers included.
fn numbers(top: f64) -> Vec<f64> {
    let mut xs: Vec<f64> = (0..20_000)
        .map(|k| top * ((k as f64 * 0.618_033_988_749_894_9) % 1.0))
        .collect();
    for k in [0.0, 1.0, 2.0, 3.0, 65_534.0, 65_535.0, top.floor()] {
        for x in [k, k + 0.5, k + 0.25, k + 0.75] {
            xs.push(x);
        }
        xs.push(f64::from_bits(f64::to_bits(k).wrapping_sub(1)).max(0.0));
        xs.push(f64::from_bits(f64::to_bits(k) + 1));
    }
    xs.retain(|&x| (0.0..=top).contains(&x));
    xs
}

/// What the scalar loops do: cap to 0..=`last` (NaN to `last`), truncate.
fn capped_truncation(x: f64, last: f64) -> u64 {
    let x = if x < last { x } else { last };
    let x = if x > 0.0 { x } else { 0.0 };
    x as u64
}

#[wasm_bindgen_test]
fn floor_within_pair_is_the_capped_truncation() {
    for last in [65_535.0, 2_147_483_647.0, 7.0] {
        let mut xs = numbers(2_147_483_647.0);
        xs.extend([-0.5, -0.0, -3.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY]);
        xs.extend([last - 0.5, last, last + 0.5, last + 1e9]);
        for pair in xs.chunks_exact(2) {
            let at = floor_within_pair(f64x2(pair[0], pair[1]), last);
            let got = [u64x2_extract_lane::<0>(at), u64x2_extract_lane::<1>(at)];
            for (&x, g) in pair.iter().zip(got) {
                // The lane is ⌊x⌋ + 2^52: 2^52's bits, plus ⌊x⌋ in its last bits.
                let bias = ((1u64 << 52) as f64).to_bits();
                assert_eq!(g - bias, capped_truncation(x, last), "x {x}, last {last}");
            }
        }
    }
}

#[wasm_bindgen_test]
fn a_block_of_keys_is_binned_as_each_key_is() {
    let (low, high) = (-0.2, 0.6);
    let mut keys: Vec<f64> = numbers(1.0).iter().map(|&x| -0.3 + x).collect();
    // Beyond both ends, both infinities, NaN, both zeros, the ends, and an
    // odd count (the last key on its own).
    keys.extend([
        -5.0,
        5.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        0.0,
        -0.0,
        low,
        high,
    ]);
    if keys.len() % 2 == 0 {
        keys.push(0.1);
    }
    let mut counted = KeyBins::new(low, high);
    let mut bins = vec![0u16; keys.len()];
    counted.count_bins_of(&keys, &mut bins);
    let mut again = vec![0u16; keys.len()];
    counted.bins_of(&keys, &mut again);
    let mut one_by_one = KeyBins::new(low, high);
    for ((&k, &b), &a) in keys.iter().zip(&bins).zip(&again) {
        let expected = one_by_one.bin(k);
        assert_eq!(usize::from(b), expected, "key {k}");
        assert_eq!(usize::from(a), expected, "key {k}");
        one_by_one.count(k);
    }
    assert_eq!(counted.counts(), one_by_one.counts());
    assert_eq!(counted.counts().len(), BINS);
}
