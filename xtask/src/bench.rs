//! `cargo xtask bench`: native figures from the CLI, then the same work timed
//! in headless Chromium on the wasm build, printed side by side.

use crate::build;
use crate::config::Config;
use crate::project::{root, target_dir};
use crate::run::{cmd, output_line, status};
use crate::serve;
use crate::tools::ensure_chromium;

pub fn run() -> Result<(), String> {
    let config = Config::load()?;
    build::web(&config)?;
    ensure_chromium()?;
    status(cmd("cargo", &["build", "--release", "--bin", "conversion"]))?;
    let cli = target_dir().join("release/conversion");
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
    let server = serve::start(root(), 0)?;
    let mut c = cmd("node", &["bench/browser.mjs"]);
    c.env("BASE_URL", &server.url)
        .env("CHROMIUM", "/usr/bin/chromium")
        .env("CONVERSION_BIN", &*cli);
    status(c)?;
    // The references the issues name, timed here, on the same machine.
    let python = reference_python()?;
    status(cmd(&python, &["bench/reference.py", "--conversion", &cli]))
}

/// A Python with numpy, pandas and scikit-learn at the versions in
/// bench/requirements.txt: a virtualenv in target/, made when missing.
fn reference_python() -> Result<String, String> {
    let venv = target_dir().join("bench-venv");
    let python = venv.join("bin/python");
    let python_text = python.to_string_lossy().into_owned();
    let check = ["-c", "import numpy, pandas, sklearn"];
    if python.exists()
        && cmd(&python_text, &check)
            .output()
            .is_ok_and(|o| o.status.success())
    {
        return Ok(python_text);
    }
    if output_line("python3", &["--version"]).is_none() {
        return Err("python3 is not installed: the reference benchmark needs it".into());
    }
    status(cmd("python3", &["-m", "venv", &venv.to_string_lossy()]))?;
    status(cmd(
        &python_text,
        &[
            "-m",
            "pip",
            "install",
            "--quiet",
            "-r",
            "bench/requirements.txt",
        ],
    ))?;
    Ok(python_text)
}
