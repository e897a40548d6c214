//! A static file server for the page: tower-http's `ServeDir` on axum. Its
//! MIME types (from `mime_guess`) are the ones browsers insist on: `.wasm` as
//! `application/wasm` for streaming compilation, `.js` as `text/javascript`
//! for ES modules.
//!
//! Only for this machine, and it behaves so: it answers only requests whose
//! Host is a loopback name (a page elsewhere cannot reach it through DNS
//! rebinding, as webpack-dev-server's `allowedHosts` refuses), serves
//! nothing whose path has a part starting with a dot (`.gitignore`, `..`)
//! and nothing outside its folder, not even through a symlink, and sends a
//! Content-Security-Policy the page works under, `nosniff` and a
//! Referrer-Policy.

use std::net::TcpListener;
use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{
    HeaderName, HeaderValue, CACHE_CONTROL, CONTENT_SECURITY_POLICY, HOST, REFERRER_POLICY,
    X_CONTENT_TYPE_OPTIONS,
};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// The page's Content-Security-Policy: everything from this origin only;
/// `'wasm-unsafe-eval'` lets it compile its WebAssembly module (and nothing
/// else: no `eval`). `www/index.html` carries the same policy in a meta tag
/// for static hosts, less `frame-ancestors`, which a meta tag cannot set.
pub const CONTENT_SECURITY_POLICY_VALUE: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

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
    let root = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let header = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value))
    };
    Router::new()
        .fallback_service(ServeDir::new(&root))
        .layer(middleware::from_fn_with_state(root, guard))
        .layer(header(CACHE_CONTROL, "no-store"))
        .layer(header(
            CONTENT_SECURITY_POLICY,
            CONTENT_SECURITY_POLICY_VALUE,
        ))
        .layer(header(X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header(REFERRER_POLICY, "no-referrer"))
}

/// Refuses a foreign Host (403) and any path that is hidden or leads out of
/// `root` (404, as if it were not there).
async fn guard(State(root): State<PathBuf>, request: Request, next: Next) -> Response {
    let host = request.headers().get(HOST).and_then(|h| h.to_str().ok());
    if !host.is_some_and(is_loopback_host) {
        return (
            StatusCode::FORBIDDEN,
            "This server answers only to localhost.\n",
        )
            .into_response();
    }
    if !inside(&root, request.uri().path()) {
        return (StatusCode::NOT_FOUND, Body::empty()).into_response();
    }
    next.run(request).await
}

/// True for `localhost`, `*.localhost`, a 127.x.x.x address or `[::1]`,
/// with or without a port.
fn is_loopback_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next() == Some("::1");
    } else {
        host.rsplit_once(':').map_or(host, |(name, _)| name)
    };
    let name = name.to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// True when the URL path names something `root` may serve: no part starts
/// with a dot (after percent-decoding), and what it names (following any
/// symlink) is inside `root`. A path that names nothing passes, for the
/// file server to answer 404.
fn inside(root: &Path, path: &str) -> bool {
    let Some(decoded) = percent_decode(path) else {
        return false;
    };
    let parts: Vec<&str> = decoded
        .split(['/', '\\'])
        .filter(|p| !p.is_empty())
        .collect();
    if parts.iter().any(|p| p.starts_with('.')) {
        return false;
    }
    let target = parts.iter().fold(root.to_path_buf(), |at, p| at.join(p));
    let index = target.join("index.html");
    [target, index].iter().all(|p| match p.canonicalize() {
        Ok(real) => real.starts_with(root),
        Err(_) => true,
    })
}

/// `%2E` → `.`; `None` for a malformed escape or text that is not UTF-8.
fn percent_decode(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
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
        get_as(url, path, address)
    }

    /// A GET with this Host header.
    fn get_as(url: &str, path: &str, host: &str) -> String {
        let address = url.trim_start_matches("http://").trim_end_matches('/');
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
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
    fn only_loopback_hosts_no_hidden_files_nothing_outside_and_security_headers() {
        let base = std::env::temp_dir().join(format!("xtask-guard-{}", std::process::id()));
        let dir = base.join("www");
        std::fs::create_dir_all(dir.join("pkg")).unwrap();
        std::fs::write(dir.join("index.html"), "<!doctype html>").unwrap();
        std::fs::write(dir.join("pkg/.gitignore"), "*").unwrap();
        std::fs::write(dir.join("pkg/a.js"), "export {};").unwrap();
        std::fs::write(base.join("secret.txt"), "outside").unwrap();
        #[cfg(unix)]
        {
            let _ = std::fs::remove_file(dir.join("link.txt"));
            std::os::unix::fs::symlink(base.join("secret.txt"), dir.join("link.txt")).unwrap();
            let _ = std::fs::remove_file(dir.join("out"));
            std::os::unix::fs::symlink(&base, dir.join("out")).unwrap();
        }
        let server = start(&dir, 0).unwrap();
        let index = get(&server.url, "/");
        assert!(index.starts_with("http/1.1 200"), "{index}");
        let csp = format!(
            "content-security-policy: {}",
            CONTENT_SECURITY_POLICY_VALUE.to_lowercase()
        );
        assert!(index.contains(&csp), "{index}");
        assert!(index.contains("x-content-type-options: nosniff"), "{index}");
        assert!(index.contains("referrer-policy: no-referrer"), "{index}");
        for host in ["localhost", "127.0.0.1", "[::1]:8080", "app.localhost:1"] {
            assert!(
                get_as(&server.url, "/pkg/a.js", host).starts_with("http/1.1 200"),
                "{host}"
            );
        }
        for host in [
            "evil.example",
            "evil.example:8080",
            "localhost.evil.example",
            "10.0.0.1",
        ] {
            let answer = get_as(&server.url, "/", host);
            assert!(answer.starts_with("http/1.1 403"), "{host}: {answer}");
        }
        for path in [
            "/pkg/.gitignore",
            "/pkg/%2Egitignore",
            "/pkg/%2egitignore",
            "/../secret.txt",
            "/pkg/..%2F..%2Fsecret.txt",
            "/link.txt",
            "/out/secret.txt",
            "/out/",
        ] {
            let answer = get(&server.url, path);
            assert!(answer.starts_with("http/1.1 404"), "{path}: {answer}");
        }
        let _ = std::fs::remove_dir_all(&base);
    }

    #[test]
    fn the_page_carries_the_same_policy_in_a_meta_tag() {
        let index = Path::new(env!("CARGO_MANIFEST_DIR")).join("../www/index.html");
        let page = std::fs::read_to_string(index).unwrap();
        let meta = CONTENT_SECURITY_POLICY_VALUE.replace("; frame-ancestors 'none'", "");
        assert!(
            page.contains(&format!(
                "<meta http-equiv=\"Content-Security-Policy\" content=\"{meta}\">"
            )),
            "www/index.html must carry: {meta}"
        );
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
