//! binaryen's `wasm-opt` over the page's module: used by every web build
//! that `wasm-pack.toml` asks to optimise, `cargo xtask dist` included.

use std::path::{Path, PathBuf};

use crate::project::root;
use crate::run::{cmd, status};

/// binaryen's `wasm-opt`, from the pinned npm package (run by Node: nothing
/// is downloaded). Debian's binaryen (version 108 in bookworm) is too old:
/// it rewrites the externref table wasm-bindgen 0.2.130 emits, and the page
/// then fails to start ("WebAssembly.Table.set(): Argument 1 is invalid").
fn wasm_opt_path() -> PathBuf {
    root().join("node_modules/binaryen/bin/wasm-opt")
}

/// Runs `wasm-opt -O3` on the module, in place.
pub fn optimise(wasm: &Path) -> Result<(), String> {
    let tool = wasm_opt_path();
    if !tool.exists() {
        return Err(format!(
            "{} is missing: run npm ci (package.json pins binaryen)",
            tool.display()
        ));
    }
    let before = size_of(wasm)?;
    let (tool, path) = (tool.to_string_lossy(), wasm.to_string_lossy());
    // The features the module is built with (wasm32's defaults plus 128-bit
    // SIMD); -O3 does no fast-math, so every result stays bit for bit.
    status(cmd(
        "node",
        &[
            &tool,
            "-O3",
            "--enable-simd",
            "--enable-bulk-memory",
            "--enable-nontrapping-float-to-int",
            "--enable-sign-ext",
            "--enable-mutable-globals",
            "--enable-multivalue",
            "--enable-reference-types",
            &path,
            "-o",
            &path,
        ],
    ))?;
    println!(
        "wasm-opt: {} → {}",
        kilobytes(before),
        kilobytes(size_of(wasm)?)
    );
    Ok(())
}

pub fn size_of(path: &Path) -> Result<u64, String> {
    std::fs::metadata(path)
        .map(|m| m.len())
        .map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// A size for people: kilobytes, one decimal.
pub fn kilobytes(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1024.0)
}
