//! `wasm-pack.toml`: the web build's settings, read once and checked.

use std::path::PathBuf;

use serde::Deserialize;

use crate::project::root;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Build {
    /// wasm-pack's `--target`.
    pub target: String,
    /// wasm-pack's `--out-dir`, relative to the repository root.
    #[serde(rename = "out-dir")]
    pub out_dir: String,
    /// `release`, `dev` or `profiling`.
    pub profile: String,
    /// Whether to run `wasm-opt -O3` (npm's binaryen) after the build.
    #[serde(rename = "wasm-opt")]
    pub wasm_opt: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tools {
    #[serde(rename = "wasm-pack")]
    pub wasm_pack: String,
    #[serde(rename = "wasm-bindgen-cli")]
    pub wasm_bindgen_cli: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub build: Build,
    pub tools: Tools,
}

#[derive(Deserialize)]
struct Lock {
    package: Vec<LockedPackage>,
}

#[derive(Deserialize)]
struct LockedPackage {
    name: String,
    version: String,
}

impl Config {
    /// Reads `wasm-pack.toml` and checks it against `Cargo.lock`.
    pub fn load() -> Result<Config, String> {
        let path = root().join("wasm-pack.toml");
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let config: Config =
            toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        if !["release", "dev", "profiling"].contains(&config.build.profile.as_str()) {
            return Err(format!(
                "wasm-pack.toml: build.profile must be release, dev or profiling (got {:?})",
                config.build.profile
            ));
        }
        let locked = locked_version("wasm-bindgen")?;
        if locked != config.tools.wasm_bindgen_cli {
            return Err(format!(
                "wasm-pack.toml pins wasm-bindgen-cli {} but Cargo.lock has wasm-bindgen {locked}: they must match; set tools.wasm-bindgen-cli = \"{locked}\"",
                config.tools.wasm_bindgen_cli
            ));
        }
        Ok(config)
    }

    /// The output folder, absolute.
    pub fn out_dir(&self) -> PathBuf {
        root().join(&self.build.out_dir)
    }
}

/// The version of a package in Cargo.lock.
fn locked_version(name: &str) -> Result<String, String> {
    let path = root().join("Cargo.lock");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let lock: Lock = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    lock.package
        .into_iter()
        .find(|p| p.name == name)
        .map(|p| p.version)
        .ok_or_else(|| format!("Cargo.lock has no {name} package"))
}
