//! The generated world behind an opaque handle.

use wasm_bindgen::prelude::*;

use super::{params_from_js, to_js};
use crate::contract::MAX_ROWS_IN_MEMORY;
use crate::csv_format::to_csv;
use crate::dataset::Dataset;
use crate::params::ValidParams;
use crate::summary::Summary;

/// A generated dataset and the parameters that made it.
#[wasm_bindgen]
pub struct World {
    params: ValidParams,
    data: Dataset,
}

// Read by the model handle (src/wasm/model.rs) once it lands.
#[allow(dead_code)]
impl World {
    /// The users, for other handles (the model) to read.
    pub(crate) fn data(&self) -> &Dataset {
        &self.data
    }

    /// The checked parameters that made the users.
    pub(crate) fn valid_params(&self) -> &ValidParams {
        &self.params
    }
}

#[wasm_bindgen]
// Read by the model handle (src/wasm/model.rs) once it lands.
#[allow(dead_code)]
impl World {
    /// Generates the users described by `params` (a `GeneratorParams`
    /// object). Fails, naming the parameter, when one is invalid.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "GeneratorParams")] params: JsValue,
    ) -> Result<World, JsError> {
        let params = params_from_js(params)?
            .validate(MAX_ROWS_IN_MEMORY)
            .map_err(|e| JsError::new(&e.to_string()))?;
        let data = Dataset::generate(&params);
        Ok(World { params, data })
    }

    /// Number of users.
    #[wasm_bindgen(getter)]
    pub fn rows(&self) -> usize {
        self.data.len()
    }

    /// Share of users who converted, 0..1.
    #[wasm_bindgen(js_name = conversionRate)]
    pub fn conversion_rate(&self) -> f64 {
        self.data.conversion_rate()
    }

    /// Rows, conversion rate, per-column and per-tier statistics.
    #[wasm_bindgen(unchecked_return_type = "Summary")]
    pub fn summary(&self) -> Result<JsValue, JsError> {
        to_js(&Summary::of(&self.data))
    }

    /// The parameters in force, as `conversion generate --params` reads them.
    #[wasm_bindgen(unchecked_return_type = "GeneratorParams")]
    pub fn params(&self) -> Result<JsValue, JsError> {
        to_js(self.params.get())
    }

    /// The contract CSV, byte for byte what `conversion generate` writes.
    pub fn csv(&self) -> Vec<u8> {
        to_csv(&self.data)
    }
}
