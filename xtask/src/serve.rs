//! A static file server for the page: tower-http's `ServeDir` on axum. Its
//! MIME types (from `mime_guess`) are the ones browsers insist on: `.wasm` as
//! `application/wasm` for streaming compilation, `.js` as `text/javascript`
//! for ES modules; paths that climb out of the folder are refused.

use std::net::TcpListener;
use std::path::Path;

use axum::http::header::{HeaderValue, CACHE_CONTROL};
use axum::Router;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::build;
use crate::config::Config;
use crate::project::root;

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
    thread: std::thread::JoinHandle<()>,
}

impl Running {
    /// Blocks until the server stops (it does not, short of the process ending).
    pub fn wait(self) {
        let _ = self.thread.join();
    }
}

/// The router serving `dir`, never cached (a rebuilt page is seen at once).
fn router(dir: &Path) -> Router {
    Router::new()
        .fallback_service(ServeDir::new(dir))
        .layer(SetResponseHeaderLayer::overriding(
            CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}

/// Serves `dir` on 127.0.0.1:`port` (0: any free port) from a background
/// thread, and returns once the port is listening.
pub fn start(dir: &Path, port: u16) -> Result<Running, String> {
    let listener = TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(port);
    listener
        .set_nonblocking(true)
        .map_err(|e| format!("cannot set up 127.0.0.1:{port}: {e}"))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_io()
        .build()
        .map_err(|e| format!("cannot start the server's runtime: {e}"))?;
    let app = router(dir);
    let thread = std::thread::spawn(move || {
        runtime.block_on(async move {
            let listener = match tokio::net::TcpListener::from_std(listener) {
                Ok(l) => l,
                Err(e) => return eprintln!("cannot serve on 127.0.0.1:{port}: {e}"),
            };
            if let Err(e) = axum::serve(listener, app).await {
                eprintln!("the server on 127.0.0.1:{port} stopped: {e}");
            }
        });
    });
    Ok(Running {
        url: format!("http://127.0.0.1:{port}/"),
        thread,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    /// One HTTP/1.1 GET over a plain socket: the status line and headers.
    fn get(url: &str, path: &str) -> String {
        let address = url.trim_start_matches("http://").trim_end_matches('/');
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).unwrap();
        let text = String::from_utf8_lossy(&response).to_lowercase();
        text.split("\r\n\r\n").next().unwrap_or_default().to_owned()
    }

    #[test]
    fn serves_the_types_browsers_need_and_nothing_outside() {
        let dir = std::env::temp_dir().join(format!("xtask-serve-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("pkg")).unwrap();
        std::fs::write(dir.join("index.html"), "<!doctype html>").unwrap();
        std::fs::write(dir.join("main.js"), "export {};").unwrap();
        std::fs::write(dir.join("pkg/a.wasm"), b"\0asm\x01\0\0\0").unwrap();
        let server = start(&dir, 0).unwrap();
        let index = get(&server.url, "/");
        assert!(index.starts_with("http/1.1 200"), "{index}");
        assert!(index.contains("content-type: text/html"), "{index}");
        assert!(index.contains("cache-control: no-store"), "{index}");
        let js = get(&server.url, "/main.js?v=1");
        assert!(js.contains("content-type: text/javascript"), "{js}");
        let wasm = get(&server.url, "/pkg/a.wasm");
        assert!(wasm.contains("content-type: application/wasm"), "{wasm}");
        assert!(get(&server.url, "/missing.js").starts_with("http/1.1 404"));
        let climb = get(&server.url, "/../Cargo.toml");
        assert!(!climb.starts_with("http/1.1 200"), "{climb}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_burst_of_keep_alive_connections_is_answered_beside_idle_ones() {
        // A browser opens several connections at once, sends a request on
        // each, keeps them open, and leaves a few speculative ones idle: every
        // request must be answered promptly (the server before this one could
        // leave some unserved for a minute).
        let dir = std::env::temp_dir().join(format!("xtask-burst-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("index.html"), "ok").unwrap();
        let server = start(&dir, 0).unwrap();
        let address = server.url["http://".len()..].trim_end_matches('/');
        let _idle: Vec<_> = (0..6)
            .map(|_| std::net::TcpStream::connect(address).unwrap())
            .collect();
        let mut busy: Vec<_> = (0..12)
            .map(|_| std::net::TcpStream::connect(address).unwrap())
            .collect();
        for stream in &mut busy {
            stream
                .set_read_timeout(Some(std::time::Duration::from_secs(10)))
                .unwrap();
            write!(stream, "GET / HTTP/1.1\r\nHost: {address}\r\n\r\n").unwrap();
        }
        for stream in &mut busy {
            let mut head = [0u8; 12];
            stream.read_exact(&mut head).unwrap();
            assert_eq!(&head, b"HTTP/1.1 200");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
