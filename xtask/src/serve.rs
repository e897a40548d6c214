//! A static file server for the page, with the MIME types browsers insist on
//! (`.wasm` as `application/wasm` for streaming compilation, `.js` as
//! `text/javascript` for ES modules).

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use tiny_http::{Header, Response, Server};

use crate::build;
use crate::config::Config;
use crate::root;

/// `cargo xtask serve`: build, then serve `www/` until interrupted.
pub fn run(port: u16) -> Result<(), String> {
    let config = Config::load()?;
    build::web(&config)?;
    let server = start(&root().join("www"), port)?;
    println!(
        "\nServing the playground at {}  (Ctrl-C to stop)",
        server.url
    );
    server.wait();
    Ok(())
}

/// A running server.
pub struct Running {
    /// Its address, e.g. `http://127.0.0.1:8080/`.
    pub url: String,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Running {
    /// Blocks until the server stops (it does not, short of the process ending).
    pub fn wait(self) {
        for t in self.threads {
            let _ = t.join();
        }
    }
}

/// Serves `dir` on 127.0.0.1:`port` (0: any free port). Sixteen threads, so
/// a browser's parallel connections (and any it leaves half-read) never
/// starve the rest.
pub fn start(dir: &Path, port: u16) -> Result<Running, String> {
    let server = Server::http(("127.0.0.1", port))
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    let port = server
        .server_addr()
        .to_ip()
        .map(|a| a.port())
        .unwrap_or(port);
    let server = Arc::new(server);
    let dir = Arc::new(dir.to_path_buf());
    let threads = (0..16)
        .map(|_| {
            let server = Arc::clone(&server);
            let dir = Arc::clone(&dir);
            std::thread::spawn(move || {
                while let Ok(request) = server.recv() {
                    let response = respond(&dir, request.url());
                    let _ = request.respond(response);
                }
            })
        })
        .collect();
    Ok(Running {
        url: format!("http://127.0.0.1:{port}/"),
        threads,
    })
}

/// The MIME type for a file name.
pub fn mime(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "csv" => "text/csv; charset=utf-8",
        "txt" | "ts" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Maps a URL path to a file under `dir`, refusing anything that climbs out.
fn resolve(dir: &Path, url: &str) -> Option<PathBuf> {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let mut file = dir.to_path_buf();
    for part in Path::new(path.trim_start_matches('/')).components() {
        match part {
            Component::Normal(p) => file.push(p),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if file.is_dir() {
        file.push("index.html");
    }
    Some(file)
}

fn respond(dir: &Path, url: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    let header =
        |k: &str, v: &str| Header::from_bytes(k.as_bytes(), v.as_bytes()).expect("valid header");
    match resolve(dir, url).and_then(|f| std::fs::read(&f).ok().map(|bytes| (f, bytes))) {
        Some((file, bytes)) => Response::from_data(bytes)
            .with_header(header("Content-Type", mime(&file)))
            .with_header(header("Cache-Control", "no-store")),
        None => Response::from_data(format!("not found: {url}\n").into_bytes())
            .with_status_code(404)
            .with_header(header("Content-Type", "text/plain; charset=utf-8")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mime_types_browsers_need() {
        assert_eq!(mime(Path::new("a/b.wasm")), "application/wasm");
        assert!(mime(Path::new("main.js")).starts_with("text/javascript"));
        assert!(mime(Path::new("index.html")).starts_with("text/html"));
    }

    #[test]
    fn paths_cannot_climb_out() {
        let dir = Path::new("/srv/www");
        assert_eq!(resolve(dir, "/../etc/passwd"), None);
        assert_eq!(
            resolve(dir, "/pkg/x.js?v=1"),
            Some(PathBuf::from("/srv/www/pkg/x.js"))
        );
    }
}
