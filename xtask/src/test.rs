//! `cargo xtask test`: every check CI runs, in order, with one tally at the end.

use std::path::Path;

use crate::build;
use crate::config::Config;
use crate::dist;
use crate::project::{root, target_dir};
use crate::run::{cargo_bin, cmd, status, tee};
use crate::serve;
use crate::tools::ensure_chromium;

/// The cargo profile of every test build: `[profile.test-fast]` in
/// Cargo.toml, release's optimisation at a fraction of its compile time.
/// Benchmarks and the page's wasm-pack build keep the release profile.
const TEST_PROFILE: &str = "test-fast";

/// Tests passed and failed, summed over every runner.
#[derive(Default)]
struct Tally {
    passed: u64,
    failed: u64,
}

impl Tally {
    /// Adds the counts from cargo test / wasm-bindgen-test-runner lines
    /// (`test result: ok. 18 passed; 0 failed; …`) and node's TAP summary
    /// (`# pass 5`, `# fail 0`).
    fn add(&mut self, output: &str) {
        for line in output.lines() {
            let line = line.trim();
            if let Some(rest) = line.strip_prefix("test result:") {
                self.passed += count_before(rest, "passed");
                self.failed += count_before(rest, "failed");
            } else if let Some(n) = line.strip_prefix("# pass ") {
                self.passed += n.trim().parse::<u64>().unwrap_or(0);
            } else if let Some(n) = line.strip_prefix("# fail ") {
                self.failed += n.trim().parse::<u64>().unwrap_or(0);
            }
        }
    }
}

/// The number just before `word` in `text` ("… 18 passed; …" → 18).
fn count_before(text: &str, word: &str) -> u64 {
    let words: Vec<&str> = text.split_whitespace().collect();
    words
        .windows(2)
        .find(|w| w[1].trim_end_matches([';', ',']) == word)
        .and_then(|w| w[0].parse().ok())
        .unwrap_or(0)
}

/// The `tests/wasm_*.rs` files, as `--test NAME` arguments.
fn wasm_test_targets() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("tests"))
        .map(|dir| {
            dir.filter_map(|e| e.ok())
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|n| n.starts_with("wasm_") && n.ends_with(".rs"))
                .map(|n| n.trim_end_matches(".rs").to_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

pub fn run(e2e: bool) -> Result<(), String> {
    let config = Config::load()?;
    build::web(&config)?;
    ensure_chromium()?;
    let mut tally = Tally::default();
    let mut failures: Vec<String> = Vec::new();
    let note = |ok: bool, what: &str, failures: &mut Vec<String>| {
        if !ok {
            failures.push(what.to_owned());
        }
    };

    // Lints: formatting, and clippy on every target, native and wasm.
    note(
        status(cmd("cargo", &["fmt", "--all", "--", "--check"])).is_ok(),
        "cargo fmt --check",
        &mut failures,
    );
    note(
        status(cmd(
            "cargo",
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
        ))
        .is_ok(),
        "cargo clippy",
        &mut failures,
    );
    // The wasm build checked, and clippy on the wasm-only code the native
    // run never compiles: the bindings (src/wasm/), the vector loops and
    // the wasm tests (every target: cargo check's and the tests).
    note(
        status(cmd(
            "cargo",
            &[
                "clippy",
                "--target",
                "wasm32-unknown-unknown",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
        ))
        .is_ok(),
        "cargo check and clippy --target wasm32-unknown-unknown",
        &mut failures,
    );

    // The page's JS, type-checked (tsconfig.json) against the declarations
    // the web build just wrote: the wasm package's and uPlot's.
    note(
        status(cmd(
            "node",
            &[
                "node_modules/typescript/bin/tsc",
                "-p",
                "tsconfig.json",
                "--pretty",
                "false",
            ],
        ))
        .is_ok(),
        "tsc --checkJs --strict (www/)",
        &mut failures,
    );

    // Native: unit, integration and doc tests (optimised: the statistical
    // tests generate and fit a million rows). They build the CLI too, for
    // tests/cli_*.rs, and the end-to-end tests below use that build.
    let native_tests = ["test", "--workspace", "--profile", TEST_PROFILE];
    let (ok, out) = tee(cmd("cargo", &native_tests))?;
    tally.add(&out);
    note(ok, "native tests", &mut failures);

    // wasm in headless Chromium, through wasm-bindgen-test-runner.
    let targets = wasm_test_targets();
    if !targets.is_empty() {
        let mut args = vec![
            "test",
            "--target",
            "wasm32-unknown-unknown",
            "--profile",
            TEST_PROFILE,
        ];
        for t in &targets {
            args.extend(["--test", t.as_str()]);
        }
        let mut c = cmd("cargo", &args);
        c.env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
            cargo_bin().join("wasm-bindgen-test-runner"),
        )
        .env("CHROMEDRIVER", chromedriver())
        .env("WASM_BINDGEN_TEST_TIMEOUT", "600");
        let (ok, out) = tee(c)?;
        tally.add(&out);
        note(ok, "wasm tests in headless Chromium", &mut failures);
    }

    // End to end: the real page, served, driven by Playwright in Chromium.
    let e2e_dir = root().join("tests/e2e");
    if e2e && e2e_dir.is_dir() {
        // The CLI the native tests built. `cargo build --bin conversion`
        // would compile it again: without the other workspace members and
        // the dev-dependencies its dependencies' features differ (clap's,
        // for one). The same `cargo test` with --no-run is already fresh.
        let mut build_cli = native_tests.to_vec();
        build_cli.push("--no-run");
        status(cmd("cargo", &build_cli))?;
        let server = serve::start(&root().join("www"), 0)?;
        let mut c = cmd("node", &["--test", "--test-concurrency=1", "tests/e2e/"]);
        c.env("BASE_URL", &server.url)
            .env(
                "CONVERSION_BIN",
                target_dir().join(TEST_PROFILE).join("conversion"),
            )
            .env("CHROMIUM", "/usr/bin/chromium");
        let (ok, out) = tee(c)?;
        tally.add(&out);
        note(ok, "end-to-end tests", &mut failures);

        // Once more against the static build, served by a plain static
        // server (Python's, not ours) under a sub-path, as a teacher would
        // host it.
        dist::run()?;
        let site = target_dir().join("dist-site");
        let _ = std::fs::remove_dir_all(&site);
        dist::copy_served(&dist::dir(), &site.join(DIST_SUB_PATH))?;
        let server = PlainServer::start(&site)?;
        let url = format!("{}{DIST_SUB_PATH}/", server.url);
        let mut c = cmd("node", &["--test", "--test-concurrency=1", "tests/e2e/"]);
        c.env("BASE_URL", &url)
            .env("STATIC_BUILD", "1")
            .env(
                "CONVERSION_BIN",
                target_dir().join(TEST_PROFILE).join("conversion"),
            )
            .env("CHROMIUM", "/usr/bin/chromium");
        let (ok, out) = tee(c)?;
        tally.add(&out);
        note(
            ok,
            "end-to-end tests on dist/ from a plain static server",
            &mut failures,
        );
    }

    println!();
    if failures.is_empty() {
        println!("xtask test: every step passed");
    } else {
        println!("xtask test: failed steps: {}", failures.join(", "));
    }
    println!("{} passed, {} failed", tally.passed, tally.failed);
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} step(s) failed: {}",
            failures.len(),
            failures.join(", ")
        ))
    }
}

/// Where the static build is served in the tests: a sub-path, as on
/// `https://host/some/path/`.
const DIST_SUB_PATH: &str = "some/path";

/// `python3 -m http.server` on a free loopback port, stopped when dropped.
struct PlainServer {
    child: std::process::Child,
    url: String,
}

impl PlainServer {
    fn start(dir: &Path) -> Result<PlainServer, String> {
        let port = std::net::TcpListener::bind(("127.0.0.1", 0))
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("cannot find a free port: {e}"))?
            .port();
        let dir_text = dir.to_string_lossy();
        let port_text = port.to_string();
        let child = cmd(
            "python3",
            &[
                "-m",
                "http.server",
                &port_text,
                "--bind",
                "127.0.0.1",
                "--directory",
                &dir_text,
            ],
        )
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| {
            format!("cannot start python3 -m http.server (is Python 3 installed?): {e}")
        })?;
        let server = PlainServer {
            child,
            url: format!("http://127.0.0.1:{port}/"),
        };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(server);
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        Err(format!(
            "python3 -m http.server did not listen on port {port}"
        ))
    }
}

impl Drop for PlainServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn chromedriver() -> String {
    let debian = Path::new("/usr/bin/chromedriver");
    if debian.exists() {
        debian.to_string_lossy().into_owned()
    } else {
        "chromedriver".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tallies_cargo_and_node_summaries() {
        let mut t = Tally::default();
        t.add("test result: ok. 18 passed; 0 failed; 0 ignored\n# pass 5\n# fail 1\ntest result: FAILED. 2 passed; 3 failed;");
        assert_eq!((t.passed, t.failed), (25, 4));
    }
}
