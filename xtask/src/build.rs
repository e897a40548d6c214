//! Building the web package with wasm-pack, as wasm-pack.toml says.

use crate::config::Config;
use crate::project::root;
use crate::run::{cmd, status};
use crate::tools::ensure_build_tools;

/// Installs what is missing, builds the wasm package into the out-dir, and
/// copies the page's npm packages (uPlot) into `www/vendor`.
pub fn web(config: &Config) -> Result<(), String> {
    ensure_build_tools(config)?;
    let out_dir = config.out_dir();
    let out = out_dir.to_string_lossy().into_owned();
    let profile = format!("--{}", config.build.profile);
    // no-install: use the wasm-bindgen we installed at the pinned version;
    // --no-opt: wasm-pack must not download wasm-opt (we run npm's binaryen below).
    status(cmd(
        "wasm-pack",
        &[
            "build",
            "--mode",
            "no-install",
            "--no-opt",
            "--no-pack",
            "--target",
            &config.build.target,
            "--out-dir",
            &out,
            &profile,
        ],
    ))?;
    if config.build.wasm_opt {
        crate::wasm_opt::optimise(&out_dir.join("conversion_playground_bg.wasm"))?;
    }
    vendor()
}

/// Files the page loads from npm packages: (package file, served path).
/// uPlot's declarations go beside its module so that tsc (tsconfig.json)
/// resolves the page's `./vendor/uplot/uPlot.esm.js` import to them.
const VENDORED: [(&str, &str); 3] = [
    (
        "node_modules/uplot/dist/uPlot.esm.js",
        "www/vendor/uplot/uPlot.esm.js",
    ),
    (
        "node_modules/uplot/dist/uPlot.min.css",
        "www/vendor/uplot/uPlot.min.css",
    ),
    (
        "node_modules/uplot/dist/uPlot.d.ts",
        "www/vendor/uplot/uPlot.esm.d.ts",
    ),
];

fn vendor() -> Result<(), String> {
    let root = root();
    for (from, to) in VENDORED {
        let (from, to) = (root.join(from), root.join(to));
        if let Some(dir) = to.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        std::fs::copy(&from, &to)
            .map_err(|e| format!("cannot copy {} to {}: {e}", from.display(), to.display()))?;
    }
    Ok(())
}
