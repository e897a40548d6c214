//! The two functions every part of the core shares: the logistic function
//! and a fast `exp` for non-positive arguments.
//!
//! Both give the same bits on every platform (basic IEEE operations in a
//! fixed order, no fused multiply-add; libm, pure Rust, in the far tails),
//! and the exp has no branches, so loops over many users become vector
//! instructions, natively and in the browser.

/// Beyond this magnitude [`sigmoid`] defers to libm: there e^(−|x|) is no
/// longer a normal number, and [`exp_non_positive`] returns 0 for it.
pub const EXP_FAST_LIMIT: f64 = 708.0;

/// e^x for x ≤ 0, to a relative error below 1e-14 (far below anything a fit's
/// tolerance or a label draw can see), from basic IEEE operations only, so
/// every platform gets the same bits, and without branches, so a loop over
/// many users becomes vector instructions: x = k·ln2 + r with |r| ≤ ln2/2,
/// e^r by its Taylor series to degree 11 (truncation error about 6e-15), then
/// scaled by 2^k through the exponent bits. Below −[`EXP_FAST_LIMIT`] it
/// returns 0.
#[inline(always)]
pub fn exp_non_positive(x: f64) -> f64 {
    const LOG2_E: f64 = std::f64::consts::LOG2_E;
    // ln 2 split so that k·LN2_HI is exact (fdlibm's constants).
    const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
    const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
    const ROUND: f64 = 6_755_399_441_055_744.0; // 1.5 × 2^52: adding it rounds to an integer
                                                // A plain comparison rather than f64::max: one vector instruction on
                                                // every target (x is never NaN here).
    let clamped = if x < -EXP_FAST_LIMIT {
        -EXP_FAST_LIMIT
    } else {
        x
    };
    let shifted = clamped * LOG2_E + ROUND;
    let k = shifted - ROUND;
    let r = (clamped - k * LN2_HI) - k * LN2_LO;
    let mut poly = 1.0 / 39_916_800.0;
    for inv_factorial in [
        1.0 / 3_628_800.0,
        1.0 / 362_880.0,
        1.0 / 40_320.0,
        1.0 / 5_040.0,
        1.0 / 720.0,
        1.0 / 120.0,
        1.0 / 24.0,
        1.0 / 6.0,
        0.5,
        1.0,
        1.0,
    ] {
        poly = poly * r + inv_factorial;
    }
    // shifted = 1.5·2^52 + k exactly, so its low bits hold k (in [−1022, 0]
    // here): adding the exponent bias and shifting builds 2^k's bits with
    // integer operations only.
    let scale = f64::from_bits(shifted.to_bits().wrapping_add(1023) << 52);
    if x < -EXP_FAST_LIMIT {
        0.0
    } else {
        poly * scale
    }
}

/// sigmoid(η) from e = e^(−|η|): the form the vector loops use. Equal to
/// [`sigmoid`] for |η| ≤ [`EXP_FAST_LIMIT`] when `e` is
/// `exp_non_positive(−|η|)`.
#[inline(always)]
pub fn sigmoid_from_exp(eta: f64, e: f64) -> f64 {
    (if eta >= 0.0 { 1.0 } else { e }) / (1.0 + e)
}

/// The logistic function, 1 / (1 + e^(−score)), the same bits on every
/// platform, for any score: through [`exp_non_positive`], and in the far
/// tails (and for NaN) through the pure-Rust `libm`.
#[inline]
pub fn sigmoid(score: f64) -> f64 {
    if score.abs() <= EXP_FAST_LIMIT {
        sigmoid_from_exp(score, exp_non_positive(-score.abs()))
    } else if score >= 0.0 {
        1.0 / (1.0 + libm::exp(-score))
    } else {
        let e = libm::exp(score);
        e / (1.0 + e)
    }
}

/// sigmoid of each score, the same bits as [`sigmoid`], in loops the
/// compiler turns into vector instructions.
pub fn probabilities_of(scores: &[f64], out: &mut [f64]) {
    let mut tails = false;
    for (p, &score) in out.iter_mut().zip(scores) {
        *p = sigmoid_from_exp(score, exp_non_positive(-score.abs()));
        tails |= score.is_nan() || score.abs() > EXP_FAST_LIMIT;
    }
    // Far in the tails (and for NaN) `sigmoid` defers to libm.
    if tails {
        for (p, &score) in out.iter_mut().zip(scores) {
            if score.is_nan() || score.abs() > EXP_FAST_LIMIT {
                *p = sigmoid(score);
            }
        }
    }
}

/// ⌊x⌋ of both lanes of `x`, each first capped to 0..=`last` (NaN to
/// `last`; `last` at most 2^31) by two selects, `x < last` then `x > 0`,
/// and found without a conversion to integers: each lane of the result is
/// the number ⌊x⌋ + 2^52, whose last 32 bits are ⌊x⌋'s. Adding 2^52 rounds
/// a lane to the nearest integer (its last bit is then worth 1), which
/// goes down by one where it went up; every step is exact, so this is
/// exactly the truncation of the capped lane. For loops over many numbers
/// on wasm's vector instructions: its conversion of a pair to integers is
/// a long sequence in the browser, and its scalar conversion is checked
/// one number at a time (it traps out of range).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
pub fn floor_within_pair(x: core::arch::wasm32::v128, last: f64) -> core::arch::wasm32::v128 {
    use core::arch::wasm32::*;
    const BIAS: f64 = (1u64 << 52) as f64;
    // pmin(a, b) is b < a ? b : a, and pmax(a, b) is a < b ? b : a.
    let capped = f64x2_pmax(f64x2_splat(0.0), f64x2_pmin(f64x2_splat(last), x));
    let (bias, one) = (f64x2_splat(BIAS), f64x2_splat(1.0));
    let nearest = f64x2_sub(f64x2_add(capped, bias), bias);
    let floor = f64x2_sub(nearest, v128_and(f64x2_gt(nearest, capped), one));
    f64x2_add(floor, bias)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigmoid_is_stable_and_symmetric() {
        assert_eq!(sigmoid(0.0), 0.5);
        assert_eq!(sigmoid(1000.0), 1.0);
        assert_eq!(sigmoid(-1000.0), 0.0);
        assert_eq!(sigmoid(f64::INFINITY), 1.0);
        assert_eq!(sigmoid(f64::NEG_INFINITY), 0.0);
        for s in [-5.0, -0.3, 0.7, 4.0] {
            assert!((sigmoid(s) + sigmoid(-s) - 1.0).abs() < 1e-15);
        }
        assert!((sigmoid(1.0) - 0.731_058_578_630_004_9).abs() < 1e-15);
    }

    #[test]
    fn exp_matches_libm_to_1e_14() {
        let mut worst = 0.0f64;
        let mut x = 0.0;
        while x >= -EXP_FAST_LIMIT {
            let (ours, reference) = (exp_non_positive(x), libm::exp(x));
            worst = worst.max(((ours - reference) / reference).abs());
            x -= 0.000_713_3;
        }
        assert!(worst < 1e-14, "worst relative error {worst}");
        assert_eq!(exp_non_positive(0.0), 1.0);
        assert_eq!(exp_non_positive(-709.0), 0.0);
        assert_eq!(exp_non_positive(-1e300), 0.0);
    }

    #[test]
    fn sigmoid_from_exp_equals_sigmoid() {
        for eta in [-30.0, -2.5, -1e-9, 0.0, 0.3, 7.0, 700.0] {
            let e = exp_non_positive(-f64::abs(eta));
            assert_eq!(sigmoid_from_exp(eta, e).to_bits(), sigmoid(eta).to_bits());
            let reference = 1.0 / (1.0 + libm::exp(-eta));
            assert!(
                (sigmoid(eta) - reference).abs() <= 1e-15 * reference,
                "{eta}"
            );
        }
        assert!(sigmoid(-745.0) > 0.0, "libm in the far tail");
        assert!(sigmoid(f64::NAN).is_nan());
    }
}
