//! Small dense linear algebra (8×8): Cholesky factor and triangular solves.

// Textbook index loops.
#![allow(clippy::needless_range_loop)]

use super::features::Q;

/// Cholesky factor R (upper triangular, G = RᵀR) of a symmetric positive
/// definite matrix, after adding `ridge` to the diagonal.
pub(super) fn cholesky(g: &[[f64; Q]; Q], ridge: f64) -> Option<[[f64; Q]; Q]> {
    let mut r = [[0.0; Q]; Q];
    for j in 0..Q {
        let mut d = g[j][j] + ridge;
        for k in 0..j {
            d -= r[k][j] * r[k][j];
        }
        if d <= 0.0 || !d.is_finite() {
            return None;
        }
        r[j][j] = d.sqrt();
        for i in j + 1..Q {
            let mut s = g[j][i];
            for k in 0..j {
                s -= r[k][j] * r[k][i];
            }
            r[j][i] = s / r[j][j];
        }
    }
    Some(r)
}

/// Solves R β = θ for upper-triangular R.
pub(super) fn solve_upper(r: &[[f64; Q]; Q], theta: &[f64; Q]) -> [f64; Q] {
    let mut beta = [0.0; Q];
    for i in (0..Q).rev() {
        let mut s = theta[i];
        for k in i + 1..Q {
            s -= r[i][k] * beta[k];
        }
        beta[i] = s / r[i][i];
    }
    beta
}

/// Solves Rᵀ g = h for upper-triangular R (lower-triangular system).
pub(super) fn solve_lower_transposed(r: &[[f64; Q]; Q], h: &[f64; Q]) -> [f64; Q] {
    let mut g = [0.0; Q];
    for i in 0..Q {
        let mut s = h[i];
        for k in 0..i {
            s -= r[k][i] * g[k];
        }
        g[i] = s / r[i][i];
    }
    g
}

pub(super) fn norm(v: &[f64; Q]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

/// The inverse of a symmetric positive definite matrix, through its
/// Cholesky factor (`None` when it is not positive definite).
pub(super) fn inverse_spd(g: &[[f64; Q]; Q]) -> Option<[[f64; Q]; Q]> {
    let r = cholesky(g, 0.0)?;
    let mut inverse = [[0.0; Q]; Q];
    for k in 0..Q {
        let mut e = [0.0; Q];
        e[k] = 1.0;
        // G⁻¹ e = R⁻¹ R⁻ᵀ e.
        let column = solve_upper(&r, &solve_lower_transposed(&r, &e));
        for i in 0..Q {
            inverse[i][k] = column[i];
        }
    }
    Some(inverse)
}

/// a · b for 8×8 matrices.
pub(super) fn multiply(a: &[[f64; Q]; Q], b: &[[f64; Q]; Q]) -> [[f64; Q]; Q] {
    let mut out = [[0.0; Q]; Q];
    for i in 0..Q {
        for k in 0..Q {
            for j in 0..Q {
                out[i][j] += a[i][k] * b[k][j];
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverse_times_matrix_is_the_identity() {
        let mut g = [[0.0; Q]; Q];
        for i in 0..Q {
            for j in 0..Q {
                g[i][j] = 1.0 / (1.0 + i as f64 + j as f64) + if i == j { 1.0 } else { 0.0 };
            }
        }
        let product = multiply(&inverse_spd(&g).unwrap(), &g);
        for i in 0..Q {
            for j in 0..Q {
                let expected = if i == j { 1.0 } else { 0.0 };
                assert!((product[i][j] - expected).abs() < 1e-12);
            }
        }
        let mut singular = g;
        singular[3] = [0.0; Q];
        assert!(inverse_spd(&singular).is_none());
    }
}
