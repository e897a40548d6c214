//! Where the project is: found from the folder the xtask runs in, never from
//! a path compiled into its binary, so a copied tree (a second checkout, a CI
//! cache with a copied `target/`) builds into itself and not into the tree
//! the binary was first compiled in.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The file that marks the project root (beside a `Cargo.toml`).
const MARKER: &str = "wasm-pack.toml";

static ROOT: OnceLock<PathBuf> = OnceLock::new();

/// The first folder, from `start` upwards, that holds both `wasm-pack.toml`
/// and `Cargo.toml`.
pub fn find_root(start: &Path) -> Result<PathBuf, String> {
    start
        .ancestors()
        .find(|dir| dir.join(MARKER).is_file() && dir.join("Cargo.toml").is_file())
        .map(Path::to_path_buf)
        .ok_or_else(|| {
            format!(
                "no conversion-playground project here: neither {} nor any folder above it holds {MARKER} beside a Cargo.toml; run cargo xtask inside the repository",
                start.display()
            )
        })
}

/// Finds the root from the current folder and remembers it for [`root`].
/// Called once, first thing in `main`.
pub fn locate() -> Result<&'static Path, String> {
    let here =
        std::env::current_dir().map_err(|e| format!("cannot read the current folder: {e}"))?;
    let found = find_root(&here)?;
    Ok(ROOT.get_or_init(|| found).as_path())
}

/// The repository root, as found by [`locate`].
pub fn root() -> &'static Path {
    ROOT.get()
        .expect("project::locate runs at the start of main, before any root() call")
}

/// Cargo's target folder: `$CARGO_TARGET_DIR` when set (relative to the
/// root, as cargo reads it when run there), else `target/` in the root.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => root().join(dir),
        _ => root().join("target"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh empty folder under the system's temporary folder.
    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn walks_up_to_the_nearest_folder_with_the_marker_and_a_manifest() {
        let top = scratch("walk");
        let outer = top.join("outer");
        let inner = outer.join("checkout");
        let deep = inner.join("xtask/src/deeper");
        std::fs::create_dir_all(&deep).unwrap();
        for dir in [&outer, &inner] {
            std::fs::write(dir.join(MARKER), "").unwrap();
            std::fs::write(dir.join("Cargo.toml"), "").unwrap();
        }
        // xtask/ has a Cargo.toml of its own but no marker: not the root.
        std::fs::write(inner.join("xtask/Cargo.toml"), "").unwrap();

        assert_eq!(find_root(&deep).unwrap(), inner);
        assert_eq!(find_root(&inner.join("xtask")).unwrap(), inner);
        assert_eq!(find_root(&inner).unwrap(), inner);
        // A copy nested inside another tree finds itself, not the outer one.
        assert_eq!(find_root(&outer).unwrap(), outer);
        let _ = std::fs::remove_dir_all(&top);
    }

    #[test]
    fn a_marker_alone_or_a_manifest_alone_is_not_a_root_and_none_is_a_clear_error() {
        // (The system's temporary folder is not inside a project.)
        let top = scratch("none");
        let sub = top.join("only-marker/sub");
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(top.join("only-marker").join(MARKER), "").unwrap();
        std::fs::write(sub.join("Cargo.toml"), "").unwrap();
        // A folder named like the marker is not the marker file.
        std::fs::create_dir_all(sub.join(MARKER)).unwrap();
        let message = find_root(&sub).unwrap_err();
        assert!(
            message.contains("no conversion-playground project"),
            "{message}"
        );
        assert!(message.contains(&sub.display().to_string()), "{message}");
        let _ = std::fs::remove_dir_all(&top);
    }
}
