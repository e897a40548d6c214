//! The coordinates a descent moves in: standardized weights β, and θ = R β
//! with R the whitening factor (the Cholesky factor of the Gram matrix for
//! the default optimiser, the identity for the plain ones, the curvature's
//! factor for a warm start); raw weights for people.

// Small dense matrix maths (8×8) reads clearest with index loops.
#![allow(clippy::needless_range_loop)]

use super::*;

impl Fitter {
    pub(super) fn whiten(&self, beta: &[f64; Q]) -> [f64; Q] {
        let mut theta = [0.0; Q];
        for (i, t) in theta.iter_mut().enumerate() {
            *t = (i..Q).map(|k| self.geometry.r[i][k] * beta[k]).sum();
        }
        theta
    }

    pub(super) fn standardized(&self, theta: &[f64; Q]) -> [f64; Q] {
        let mut beta = solve_upper(&self.geometry.r, theta);
        for j in 0..P {
            if !self.design.active[j] {
                beta[j] = 0.0;
            }
        }
        beta
    }

    /// Raw weights (intercept last) on this design's standardized scale.
    pub(super) fn standardize_raw(&self, w: &[f64; Q]) -> [f64; Q] {
        let d = &self.design;
        let mut beta = [0.0; Q];
        beta[P] = w[P];
        for j in 0..P {
            if d.active[j] {
                beta[j] = w[j] * d.std_dev[j];
                beta[P] += w[j] * d.mean[j];
            }
        }
        beta
    }

    /// Standardized weights in raw units: the coefficients, then the intercept.
    pub(super) fn raw(&self, beta: &[f64; Q]) -> ([f64; P], f64) {
        let d = &self.design;
        let mut coefficients = [0.0; P];
        let mut intercept = beta[P];
        for j in 0..P {
            coefficients[j] = beta[j] / d.std_dev[j];
            intercept -= coefficients[j] * d.mean[j];
        }
        (coefficients, intercept)
    }
}

/// The whitening factor R (Gram = RᵀR) of a design and the step 1/L it
/// allows.
pub(super) fn whitening(design: &Design, l2: f64) -> Result<([[f64; Q]; Q], f64), FitError> {
    let mut g = design.gram();
    // Columns out of the model (left out, or constant) take no part.
    for j in 0..P {
        if !design.active[j] {
            g[j] = [0.0; Q];
            for row in g.iter_mut() {
                row[j] = 0.0;
            }
        }
    }
    // A tiny ridge keeps the whitening defined when columns are collinear
    // (e.g. every user in tier_2 or tier_3); it changes only the
    // coordinates the descent moves in, never the objective.
    let mut r = cholesky(&g, 1e-10)
        .ok_or_else(|| FitError::new("data", "have degenerate training features"))?;
    for (j, row) in r.iter_mut().enumerate().take(P) {
        if !design.active[j] {
            // Inactive columns are all zero: pin their coordinate.
            *row = [0.0; Q];
            row[j] = 1.0;
        }
    }
    // Lipschitz constant of the gradient in whitened coordinates: the
    // log-loss Hessian is at most ¼·WᵀW/n = ¼·I, plus the L2 term's
    // largest curvature, bounded by λ‖R⁻¹‖²_F.
    let mut inv_frobenius = 0.0;
    for k in 0..Q {
        let mut e = [0.0; Q];
        e[k] = 1.0;
        let col = solve_upper(&r, &e);
        inv_frobenius += col.iter().take(P).map(|x| x * x).sum::<f64>();
    }
    Ok((r, 1.0 / (0.25 + l2 * inv_frobenius)))
}
