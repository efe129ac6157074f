//! A tiny HTTP/1.1 server on 127.0.0.1 for end-to-end tests: serves fixed bodies by path (404
//! otherwise) — status list credentials (Bitstring Status List v1.0 §2.2) and DID documents
//! (did:web §3.2.2) — records the paths requested, and can be stopped, after which its port refuses
//! connections (an "unreachable" status list host).
//!
//! Test only: plain http on loopback, which the verifier accepts only under
//! `verifier::NetworkPolicy::local_testing()`.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use serde_json::Value;

/// The server; stopped on drop.
pub struct StatusServer {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// The port it listens on.
    pub port: u16,
    routes: Arc<Mutex<HashMap<String, Vec<u8>>>>,
    /// Paths requested, in order.
    pub hits: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    accept_loop: Option<JoinHandle<()>>,
}

fn respond(mut s: TcpStream, routes: &Mutex<HashMap<String, Vec<u8>>>, hits: &Mutex<Vec<String>>) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let text = String::from_utf8_lossy(&buf);
    let path = text.split_whitespace().nth(1).unwrap_or("/").to_string();
    hits.lock().unwrap().push(path.clone());
    let body = routes.lock().unwrap().get(&path).cloned();
    let response = match body {
        Some(b) => {
            let mut out = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                b.len()
            )
            .into_bytes();
            out.extend_from_slice(&b);
            out
        }
        None => {
            b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec()
        }
    };
    let _ = s.write_all(&response);
}

impl StatusServer {
    /// Listens on an ephemeral port of 127.0.0.1.
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let routes: Arc<Mutex<HashMap<String, Vec<u8>>>> = Arc::default();
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

    /// Serves `body` at `path`; returns its URL.
    pub fn put(&self, path: &str, body: impl Into<Vec<u8>>) -> String {
        self.routes
            .lock()
            .unwrap()
            .insert(path.to_string(), body.into());
        format!("{}{path}", self.base)
    }

    /// Serves `v` as JSON at `path`; returns its URL.
    pub fn put_json(&self, path: &str, v: &Value) -> String {
        self.put(path, serde_json::to_vec(v).unwrap())
    }

    /// How many requests were made for `path`.
    pub fn hits_of(&self, path: &str) -> usize {
        self.hits
            .lock()
            .unwrap()
            .iter()
            .filter(|p| *p == path)
            .count()
    }

    /// Stops listening and waits until the port is closed.
    pub fn stop(&mut self) {
        if let Some(handle) = self.accept_loop.take() {
            self.stop.store(true, Ordering::SeqCst);
            // Wake the blocking accept so the loop sees the flag.
            let _ = TcpStream::connect(("127.0.0.1", self.port));
            handle.join().unwrap();
        }
    }
}

impl Drop for StatusServer {
    fn drop(&mut self) {
        self.stop();
    }
}
