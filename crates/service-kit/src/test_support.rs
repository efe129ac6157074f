//! Test support (feature `test-support`, and the crate's own tests): a tiny HTTP/1.1 fixture
//! server on 127.0.0.1 and a one-shot HTTP/1.1 GET client, shared by the test suites of both
//! services and the cross-crate tests.
//!
//! [`FixtureServer`] serves fixed bodies by path (404 otherwise) — status list credentials
//! (Bitstring Status List v1.0 §2.2), DID documents (did:web §3.2.2), credentials behind share
//! links — records the paths requested, and can be stopped, after which its port refuses
//! connections (an "unreachable" host). Plain http on loopback only, which the verifier accepts
//! only under its local-testing network policy.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;

type Routes = Arc<Mutex<HashMap<String, (String, Vec<u8>)>>>;

/// A poisoned lock only means another test thread panicked: the data is still usable.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The fixture server; stopped on drop.
#[derive(Debug)]
pub struct FixtureServer {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// The port it listens on.
    pub port: u16,
    routes: Routes,
    /// Paths requested, in order.
    pub hits: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    accept_loop: Option<JoinHandle<()>>,
}

/// Reads a request head; `None` when the client went away first.
fn read_head(s: &mut TcpStream) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(chunk.get(..n).unwrap_or_default()),
        }
    }
    Some(buf)
}

fn respond(mut s: TcpStream, routes: &Routes, hits: &Mutex<Vec<String>>) {
    let Some(head) = read_head(&mut s) else {
        return;
    };
    let text = String::from_utf8_lossy(&head);
    let path = text.split_whitespace().nth(1).unwrap_or("/").to_owned();
    lock(hits).push(path.clone());
    let found = lock(routes).get(&path).cloned();
    let response = match found {
        Some((content_type, body)) => {
            let mut out = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            )
            .into_bytes();
            out.extend_from_slice(&body);
            out
        }
        None => {
            b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec()
        }
    };
    let _ = s.write_all(&response);
}

impl FixtureServer {
    /// Listens on an ephemeral port of 127.0.0.1.
    #[allow(clippy::expect_used)] // test support: a test cannot run without its fixture server
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let port = listener.local_addr().expect("local address").port();
        let routes: Routes = Arc::default();
        let hits: Arc<Mutex<Vec<String>>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let (r, h, st) = (routes.clone(), hits.clone(), stop.clone());
        let accept_loop = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if st.load(Ordering::SeqCst) {
                    break; // the listener is dropped: the port now refuses connections
                }
                let Ok(s) = stream else { continue };
                let (r, h) = (r.clone(), h.clone());
                std::thread::spawn(move || respond(s, &r, &h));
            }
        });
        Self {
            base: format!("http://127.0.0.1:{port}"),
            port,
            routes,
            hits,
            stop,
            accept_loop: Some(accept_loop),
        }
    }

    /// Serves `body` at `path` as `application/json`; returns its URL.
    pub fn put(&self, path: &str, body: impl Into<Vec<u8>>) -> String {
        self.put_typed(path, "application/json", body)
    }

    /// Serves `body` at `path` with `content_type`; returns its URL.
    pub fn put_typed(&self, path: &str, content_type: &str, body: impl Into<Vec<u8>>) -> String {
        lock(&self.routes).insert(path.to_owned(), (content_type.to_owned(), body.into()));
        format!("{}{path}", self.base)
    }

    /// Serves `v` as JSON at `path`; returns its URL.
    pub fn put_json(&self, path: &str, v: &serde_json::Value) -> String {
        self.put(path, v.to_string())
    }

    /// How many requests were made for `path`.
    pub fn hits_of(&self, path: &str) -> usize {
        lock(&self.hits).iter().filter(|p| *p == path).count()
    }

    /// Stops listening and waits until the port is closed.
    pub fn stop(&mut self) {
        if let Some(handle) = self.accept_loop.take() {
            self.stop.store(true, Ordering::SeqCst);
            // Wake the blocking accept so the loop sees the flag.
            let _ = TcpStream::connect(("127.0.0.1", self.port));
            let _ = handle.join();
        }
    }
}

impl Drop for FixtureServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// `GET path` on `addr` over a fresh connection (`Connection: close`): the whole response,
/// status line to body, as text (blocking; call it from a blocking thread in async tests).
pub fn get(addr: SocketAddr, path: &str) -> io::Result<String> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(std::time::Duration::from_secs(30)))?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )?;
    let mut out = Vec::new();
    s.read_to_end(&mut out)?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// The element `<tag id="id" ...>...</tag>` of `html` (first match, up to the first closing
/// tag, so not for nested elements of the same tag), or `None`: how the page tests of both
/// services pick out a heading such as the verifier's `<h1 id="verdict">`.
pub fn element_with_id<'a>(html: &'a str, tag: &str, id: &str) -> Option<&'a str> {
    let start = html.find(&format!("<{tag} id=\"{id}\""))?;
    let rest = html.get(start..)?;
    let close = format!("</{tag}>");
    let end = rest.find(&close)? + close.len();
    rest.get(..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serves_records_and_stops() {
        let mut server = FixtureServer::start();
        let url = server.put_json("/a.json", &serde_json::json!({"k": 1}));
        assert_eq!(url, format!("{}/a.json", server.base));
        let addr: SocketAddr = ([127, 0, 0, 1], server.port).into();
        let res = get(addr, "/a.json").unwrap();
        assert!(res.starts_with("HTTP/1.1 200 OK"), "{res}");
        assert!(res.ends_with("{\"k\":1}"), "{res}");
        assert!(get(addr, "/b").unwrap().starts_with("HTTP/1.1 404"));
        assert_eq!((server.hits_of("/a.json"), server.hits_of("/b")), (1, 1));
        server.stop();
        assert!(
            TcpStream::connect(addr).is_err(),
            "the port refuses after stop"
        );
    }
}
