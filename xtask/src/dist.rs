//! `cargo xtask dist`: a static build anyone can host (a school server,
//! GitHub Pages): the page, the optimised wasm and the vendored uPlot in
//! `dist/`, nothing else. Every URL in the page is relative, so it works
//! under any sub-path; the Content-Security-Policy travels in the page's
//! meta tag, so a plain static server needs no configuration.

use std::path::{Path, PathBuf};

use crate::build;
use crate::config::Config;
use crate::project::root;
use crate::wasm_opt::{kilobytes, optimise, size_of};

/// The folder the static build goes to.
pub fn dir() -> PathBuf {
    root().join("dist")
}

/// Builds the page and writes `dist/`; returns its total size in bytes.
pub fn run() -> Result<u64, String> {
    let config = Config::load()?;
    build::web(&config)?;
    let dist = dir();
    if dist.exists() {
        std::fs::remove_dir_all(&dist)
            .map_err(|e| format!("cannot clear {}: {e}", dist.display()))?;
    }
    copy_served(&root().join("www"), &dist)?;
    if !config.build.wasm_opt {
        // (Else the page's build is optimised already.)
        optimise(&dist.join("pkg/conversion_playground_bg.wasm"))?;
    }
    let files = listing(&dist)?;
    let total: u64 = files.iter().map(|(_, size)| size).sum();
    println!("\ndist/ ({} files, {}):", files.len(), kilobytes(total));
    for (path, size) in &files {
        println!("  {:>9}  {path}", kilobytes(*size));
    }
    println!(
        "Host it with any static file server, e.g. python3 -m http.server --directory {}",
        dist.display()
    );
    Ok(total)
}

/// True for what the page loads: not dotfiles (wasm-pack's `.gitignore`),
/// not type declarations (they serve the type check, not the browser).
fn served(name: &str) -> bool {
    !name.starts_with('.') && !name.ends_with(".d.ts")
}

/// Copies every served file of `from` into `to`, keeping the layout.
pub fn copy_served(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
    let entries =
        std::fs::read_dir(from).map_err(|e| format!("cannot read {}: {e}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read {}: {e}", from.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !served(&name) {
            continue;
        }
        let (source, target) = (entry.path(), to.join(&name));
        if source.is_dir() {
            copy_served(&source, &target)?;
        } else {
            std::fs::copy(&source, &target).map_err(|e| {
                format!(
                    "cannot copy {} to {}: {e}",
                    source.display(),
                    target.display()
                )
            })?;
        }
    }
    Ok(())
}

/// Every file under `dir` (relative path, size), sorted.
fn listing(dir: &Path) -> Result<Vec<(String, u64)>, String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        let entries = std::fs::read_dir(&folder)
            .map_err(|e| format!("cannot read {}: {e}", folder.display()))?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path
                    .strip_prefix(dir)
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .into_owned();
                out.push((relative, size_of(&path)?));
            }
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_the_page_loads_is_copied() {
        let base = std::env::temp_dir().join(format!("xtask-dist-{}", std::process::id()));
        let (www, dist) = (base.join("www"), base.join("dist"));
        std::fs::create_dir_all(www.join("pkg")).unwrap();
        for (file, text) in [
            ("index.html", "<!doctype html>"),
            ("main.js", "export {};"),
            ("pkg/.gitignore", "*"),
            ("pkg/a.js", "export {};"),
            ("pkg/a.d.ts", "export {};"),
            ("pkg/a_bg.wasm", "\0asm"),
        ] {
            std::fs::write(www.join(file), text).unwrap();
        }
        copy_served(&www, &dist).unwrap();
        let names: Vec<String> = listing(&dist)
            .unwrap()
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(
            names,
            ["index.html", "main.js", "pkg/a.js", "pkg/a_bg.wasm"]
        );
        let _ = std::fs::remove_dir_all(&base);
    }
}
