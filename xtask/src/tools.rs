//! Installing what the build and the tests need, only when it is missing.

use std::path::Path;

use crate::config::Config;
use crate::project::root;
use crate::run::{cmd, is_root, output_line, status};

/// The wasm target, wasm-pack and wasm-bindgen-cli at the pinned versions,
/// and the npm packages.
pub fn ensure_build_tools(config: &Config) -> Result<(), String> {
    ensure_wasm_target()?;
    ensure_cargo_tool(
        "wasm-bindgen-cli",
        "wasm-bindgen",
        &config.tools.wasm_bindgen_cli,
    )?;
    ensure_cargo_tool("wasm-pack", "wasm-pack", &config.tools.wasm_pack)?;
    ensure_npm_packages()?;
    Ok(())
}

fn ensure_wasm_target() -> Result<(), String> {
    let installed = cmd("rustup", &["target", "list", "--installed"])
        .output()
        .map_err(|e| format!("cannot run rustup (is Rust installed with rustup?): {e}"))?;
    if String::from_utf8_lossy(&installed.stdout)
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        return Ok(());
    }
    status(cmd("rustup", &["target", "add", "wasm32-unknown-unknown"]))
}

/// Installs `krate` with `cargo install` unless `binary --version` already
/// reports `version`.
fn ensure_cargo_tool(krate: &str, binary: &str, version: &str) -> Result<(), String> {
    if let Some(line) = output_line(binary, &["--version"]) {
        if line.split_whitespace().nth(1) == Some(version) {
            return Ok(());
        }
        println!("{binary}: found `{line}`, need {version}");
    }
    // No --locked: the registry copy here lacks some of their pinned
    // transitive versions; the tool's own version is still exact.
    status(cmd(
        "cargo",
        &["install", krate, "--version", version, "--force"],
    ))
}

fn ensure_npm_packages() -> Result<(), String> {
    let root = root();
    if output_line("npm", &["--version"]).is_none() {
        return Err("npm is not installed: install Node.js 18 or newer with npm (Debian: apt-get install nodejs npm)".into());
    }
    let installed = root.join("node_modules/.package-lock.json");
    let fresh = match (
        modified(&installed),
        modified(&root.join("package-lock.json")),
    ) {
        (Some(done), Some(wanted)) => done >= wanted,
        _ => false,
    };
    if fresh {
        return Ok(());
    }
    status(cmd("npm", &["ci", "--no-audit", "--no-fund"]))
}

fn modified(path: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Debian's Chromium and ChromeDriver, for the wasm and end-to-end tests.
pub fn ensure_chromium() -> Result<(), String> {
    ensure_apt("chromium", &["chromium", "chromium-driver"])?;
    if !Path::new("/usr/bin/chromedriver").exists()
        && output_line("chromedriver", &["--version"]).is_none()
    {
        ensure_apt("chromedriver", &["chromium-driver"])?;
    }
    Ok(())
}

/// Installs Debian packages when `binary` is missing and we are root;
/// otherwise says what to install.
fn ensure_apt(binary: &str, packages: &[&str]) -> Result<(), String> {
    if output_line("which", &[binary]).is_some() {
        return Ok(());
    }
    if !is_root() {
        return Err(format!(
            "`{binary}` is missing. Install Debian's {} (for example: sudo apt-get install {}) and run this again",
            packages.join(" and "),
            packages.join(" ")
        ));
    }
    status(cmd("apt-get", &["update"]))?;
    let mut install = cmd("apt-get", &["install", "-y", "--no-install-recommends"]);
    install
        .args(packages)
        .env("DEBIAN_FRONTEND", "noninteractive");
    status(install)
}
