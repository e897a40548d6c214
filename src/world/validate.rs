//! Checking a person's parameters: each against its bounds in the one
//! table ([`super::schema`]), then the one rule between them: the tier mix
//! adds up to 1.

use super::contract::CONTRACT_VERSION;
use super::params::{GeneratorParams, ParamError, ValidParams};
use super::schema::PARAMETERS;

impl GeneratorParams {
    /// Checks every parameter against its bounds in [`super::schema`];
    /// `max_rows` is the caller's row limit
    /// ([`super::contract::MAX_ROWS_IN_MEMORY`] or
    /// [`super::contract::MAX_ROWS_STREAMED`]). The first problem found is
    /// returned, naming the parameter.
    pub fn validate(&self, max_rows: u64) -> Result<ValidParams, ParamError> {
        if self.contract_version != CONTRACT_VERSION {
            return Err(ParamError::new(
                "contractVersion",
                format!(
                    "is {} but this build generates contract version {CONTRACT_VERSION}: the data would differ",
                    self.contract_version
                ),
            ));
        }
        for spec in PARAMETERS {
            spec.check(self, max_rows)?;
        }
        let mix = &self.tier_mix;
        let sum = mix.tier_1 + mix.tier_2 + mix.tier_3;
        if (sum - 1.0).abs() > 1e-6 {
            return Err(ParamError::new(
                "tierMix",
                format!(
                    "must add up to 1, but {} + {} + {} = {}",
                    crate::errors::number(mix.tier_1),
                    crate::errors::number(mix.tier_2),
                    crate::errors::number(mix.tier_3),
                    crate::errors::number((sum * 1e6).round() / 1e6)
                ),
            ));
        }
        Ok(ValidParams::checked(self.clone()))
    }
}
