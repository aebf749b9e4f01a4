//! A loopback HTTP server for bundled files, with ETag revalidation.
//!
//! Used by `radar demo` so the crawl goes over real HTTP, and by tests. It
//! binds 127.0.0.1 only and serves from memory; it never reads the disk.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Response, StatusCode, Uri, header};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// One served file.
#[derive(Debug, Clone)]
pub struct Served {
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

/// A running server; dropping it stops the server.
pub struct DemoServer {
    pub addr: SocketAddr,
    task: JoinHandle<()>,
}

impl DemoServer {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}/{}", self.addr, path.trim_start_matches('/'))
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Serves `files` (path without leading slash → content) on 127.0.0.1.
/// `port` 0 picks a free port.
pub async fn serve(files: BTreeMap<String, Served>, port: u16) -> std::io::Result<DemoServer> {
    let listener = TcpListener::bind(("127.0.0.1", port)).await?;
    let addr = listener.local_addr()?;
    let files = Arc::new(files);
    let app = axum::Router::new().fallback(move |uri: Uri, headers: HeaderMap| {
        let files = Arc::clone(&files);
        async move { respond(&files, &uri, &headers) }
    });
    let task = tokio::spawn(async move {
        // The server runs until the handle is dropped; an accept error ends it.
        let _ = axum::serve(listener, app).await;
    });
    Ok(DemoServer { addr, task })
}

fn respond(files: &BTreeMap<String, Served>, uri: &Uri, headers: &HeaderMap) -> Response<Body> {
    let path = uri.path().trim_start_matches('/');
    let Some(file) = files.get(path) else {
        return status(StatusCode::NOT_FOUND);
    };
    let etag = format!("\"{}\"", hex(&Sha256::digest(&file.body)[..8]));
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut resp = if matches {
        status(StatusCode::NOT_MODIFIED)
    } else {
        let mut r = Response::new(Body::from(file.body.clone()));
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(file.content_type),
        );
        r
    };
    if let Ok(v) = HeaderValue::from_str(&etag) {
        resp.headers_mut().insert(header::ETAG, v);
    }
    resp
}

fn status(code: StatusCode) -> Response<Body> {
    let mut r = Response::new(Body::empty());
    *r.status_mut() = code;
    r
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
