//! The generated world behind an opaque handle.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::{checked, to_js};
use crate::aggregates::{expected, first_rows, Aggregates, Expected, Histogram, RowView};
use crate::csv_format::to_csv;
use crate::dataset::{same_population, Dataset};
use crate::params::{GeneratorParams, ValidParams};
use crate::summary::Summary;

/// Rows the page's table shows.
const PREVIEW_ROWS: usize = 20;

/// A generated dataset and the parameters that made it.
#[wasm_bindgen]
pub struct World {
    params: ValidParams,
    data: Dataset,
    /// What the page shows that depends only on the users' features.
    aggregates: Aggregates,
}

/// Everything the page draws for one state of the world.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct View<'a> {
    /// True when only labels moved (same users, new score parameters).
    relabelled: bool,
    summary: Summary,
    histograms: Vec<Histogram>,
    expected: Vec<Expected>,
    first_rows: Vec<RowView>,
    params: &'a GeneratorParams,
}

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
impl World {
    /// Generates the users described by `params` (a `GeneratorParams`
    /// object). Fails, naming the parameter, when one is invalid.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "GeneratorParams")] params: JsValue,
    ) -> Result<World, JsError> {
        let params = checked(params)?;
        let data = Dataset::generate(&params);
        let aggregates = Aggregates::new(&data);
        Ok(World {
            params,
            data,
            aggregates,
        })
    }

    /// Moves the world to new parameters and returns the new `View`. When
    /// only score parameters changed (weights, tier effects, σ, b0) the same
    /// users keep their draws and only labels are recomputed; otherwise the
    /// users are generated again. On error nothing changes.
    #[wasm_bindgen(unchecked_return_type = "View")]
    pub fn update(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "GeneratorParams")] params: JsValue,
    ) -> Result<JsValue, JsError> {
        let params = checked(params)?;
        let relabelled =
            same_population(self.params.get(), params.get()) && self.data.relabel(&params);
        if !relabelled {
            self.data.regenerate(&params);
            self.aggregates = Aggregates::new(&self.data);
        }
        self.params = params;
        self.view_with(relabelled)
    }

    /// The current `View`: summary, histograms, expected statistics, first rows.
    #[wasm_bindgen(unchecked_return_type = "View")]
    pub fn view(&self) -> Result<JsValue, JsError> {
        self.view_with(false)
    }

    fn view_with(&self, relabelled: bool) -> Result<JsValue, JsError> {
        let (summary, histograms) = self.aggregates.with_labels(&self.data);
        to_js(&View {
            relabelled,
            summary,
            histograms,
            expected: expected(self.params.get()),
            first_rows: first_rows(&self.data, PREVIEW_ROWS),
            params: self.params.get(),
        })
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
