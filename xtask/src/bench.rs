//! `cargo xtask bench`: native figures from the CLI, then the same work timed
//! in headless Chromium on the wasm build, printed side by side.

use crate::build;
use crate::config::Config;
use crate::root;
use crate::run::{cmd, output_line, status};
use crate::serve;
use crate::tools::ensure_chromium;

pub fn run() -> Result<(), String> {
    let config = Config::load()?;
    build::web(&config)?;
    ensure_chromium()?;
    status(cmd("cargo", &["build", "--release", "--bin", "conversion"]))?;
    let cli = root().join("target/release/conversion");
    let cli = cli.to_string_lossy();
    status(cmd(&cli, &["bench"]))?;
    let help = cmd(&cli, &["--help"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
    if help.is_ok_and(|h| h.contains("bench-fit")) {
        status(cmd(&cli, &["bench-fit"]))?;
    }
    if output_line("node", &["--version"]).is_none() {
        return Err("node is not installed: the in-browser benchmark needs Node.js".into());
    }
    // Serve the repository root so bench/index.html can load www/pkg.
    let server = serve::start(&root(), 0)?;
    let mut c = cmd("node", &["bench/browser.mjs"]);
    c.env("BASE_URL", &server.url)
        .env("CHROMIUM", "/usr/bin/chromium");
    status(c)
}
