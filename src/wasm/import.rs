//! A contract CSV read into the page's world: fed in chunks as the page
//! reads the file (so a million rows import with progress), checked by the
//! same rules as `conversion validate`, and put on screen whole or not at
//! all.

use wasm_bindgen::prelude::*;

use super::{field_error, World};
use crate::input::InputError;
use crate::world::contract::MAX_ROWS_IN_MEMORY;
use crate::world::csv_read::{CsvError, CsvLimits, CsvReader};
use crate::world::dataset::Dataset;
use crate::world::session;

/// A CSV being read: its users so far.
#[wasm_bindgen]
pub struct CsvImport {
    reader: CsvReader,
    data: Dataset,
}

impl Default for CsvImport {
    fn default() -> Self {
        CsvImport {
            reader: CsvReader::new(CsvLimits::rows(MAX_ROWS_IN_MEMORY)),
            data: Dataset::default(),
        }
    }
}

#[wasm_bindgen]
impl CsvImport {
    /// A read of at most `maxRows()` users.
    #[wasm_bindgen(constructor)]
    pub fn new() -> CsvImport {
        CsvImport::default()
    }

    /// Reads the next bytes of the file. False once reading can stop (a
    /// limit was passed): the rest of the file would change nothing.
    pub fn feed(&mut self, chunk: &[u8]) -> bool {
        self.reader.feed(chunk, &mut self.data)
    }

    /// Valid users read so far.
    #[wasm_bindgen(getter)]
    pub fn rows(&self) -> usize {
        self.data.len()
    }
}

/// Why a file was refused: the first problems (`line L, column C (name):
/// …`) and how many there are, on the error as `problems` and `total`.
fn refused(e: &CsvError) -> JsValue {
    let noun = if e.total == 1 { "problem" } else { "problems" };
    let error = field_error(&InputError::new(
        "file",
        format!("does not meet the data contract ({} {noun})", e.total),
    ));
    let problems = js_sys::Array::new();
    for p in &e.problems {
        problems.push(&p.to_string().into());
    }
    let _ = js_sys::Reflect::set(&error, &"problems".into(), &problems);
    let _ = js_sys::Reflect::set(&error, &"total".into(), &(e.total as f64).into());
    error
}

#[wasm_bindgen]
impl World {
    /// The users of a CSV read to its end become this world, and its `View`
    /// is returned; their truth is unknown. A file that does not meet the
    /// contract is refused with an error whose `problems` lists the first
    /// 20 (`line L, column C (name): …`) and `total` counts them all, and
    /// the world is untouched.
    #[wasm_bindgen(js_name = importCsv, unchecked_return_type = "View")]
    pub fn import_csv(&mut self, import: CsvImport) -> Result<JsValue, JsValue> {
        let CsvImport { reader, mut data } = import;
        reader.finish(&mut data).map_err(|e| refused(&e))?;
        let world = session::World::imported(data).map_err(|e| field_error(&e))?;
        self.replace(world);
        super::world::view_js(self.inner().view(None))
    }

    /// True when the users were read from a file.
    #[wasm_bindgen(getter)]
    pub fn imported(&self) -> bool {
        self.inner().is_imported()
    }
}
