//! Feed servers on 127.0.0.1 for the faults wiremock cannot produce (reset
//! connections, stalled bodies, chunked bodies, concurrency counting, a
//! response held until the test lets it go), and the feeds they serve. No
//! traffic leaves loopback.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, mpsc};
use std::time::Duration;

/// A small RSS feed with `n` items whose titles carry `tag`, published on
/// 2 Nov 2026, each with a description.
pub fn rss(tag: &str, n: usize) -> String {
    rss_feed(tag, n, "Mon, 02 Nov 2026 10:00:00 GMT", true)
}

/// An RSS feed of `n` releases of `tag` (`<tag> 1.<i>.0 released`), all
/// published at `pub_date`, with or without a description per item.
fn rss_feed(tag: &str, n: usize, pub_date: &str, notes: bool) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel><title>t</title>\n",
    );
    for i in 0..n {
        s.push_str(&format!(
            "<item><title>{tag} 1.{i}.0 released</title><link>https://example.org/{tag}/{i}</link>\
             <guid>{tag}-{i}</guid><pubDate>{pub_date}</pubDate>"
        ));
        if notes {
            s.push_str(&format!("<description>Notes for {tag} {i}</description>"));
        }
        s.push_str("</item>\n");
    }
    s.push_str("</channel></rss>\n");
    s
}

/// One request as the raw server saw it.
#[derive(Debug, Clone)]
pub struct Req {
    pub path: String,
}

type Handler = dyn Fn(usize, &Req, &mut TcpStream, &Server) + Send + Sync;

/// A thread-per-connection HTTP/1.1 server; the handler writes the raw
/// response (or misbehaves) for the n-th request.
#[derive(Clone)]
pub struct Server {
    addr: SocketAddr,
    log: Arc<Mutex<Vec<Req>>>,
}

impl Server {
    pub fn start(
        handler: impl Fn(usize, &Req, &mut TcpStream, &Server) + Send + Sync + 'static,
    ) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let server = Server {
            addr: listener.local_addr().unwrap(),
            log: Arc::default(),
        };
        let handler: Arc<Handler> = Arc::new(handler);
        let s = server.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let (s, handler) = (s.clone(), handler.clone());
                std::thread::spawn(move || {
                    let Some(req) = read_head(&mut stream) else {
                        return;
                    };
                    let n = {
                        let mut log = s.log.lock().unwrap();
                        log.push(req.clone());
                        log.len() - 1
                    };
                    handler(n, &req, &mut stream, &s);
                });
            }
        });
        server
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn requests(&self) -> Vec<Req> {
        self.log.lock().unwrap().clone()
    }
}

fn read_head(stream: &mut TcpStream) -> Option<Req> {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).ok()? == 0 {
            return None;
        }
        buf.push(byte[0]);
    }
    let text = String::from_utf8_lossy(&buf);
    let path = text.split(' ').nth(1)?.to_string();
    Some(Req { path })
}

/// Writes a complete response with Content-Length and `Connection: close`.
pub fn respond(stream: &mut TcpStream, status: &str, headers: &[(&str, &str)], body: &[u8]) {
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
    let _ = stream.flush();
}

/// Makes the connection end with a TCP RST (when the handler returns and
/// the stream is dropped) instead of a response.
pub fn reset(stream: &TcpStream) {
    let _ = socket2::SockRef::from(stream).set_linger(Some(Duration::ZERO));
}

/// Serves `/<tag>` as a feed of three releases of `<tag>` (published on
/// Friday 20 Nov 2026). While `hold` is set, a request for `/slow` is
/// reported on `held` and answered only after [`HoldServer::release`], so a
/// test knows a fetch is in flight from an event, never from a sleep.
pub struct HoldServer {
    server: Server,
    pub hold: Arc<AtomicBool>,
    released: Arc<(Mutex<bool>, Condvar)>,
    pub held: mpsc::Receiver<()>,
}

impl HoldServer {
    pub fn start() -> HoldServer {
        let hold = Arc::new(AtomicBool::new(false));
        let released = Arc::new((Mutex::new(false), Condvar::new()));
        let (held_tx, held) = mpsc::channel();
        let (h, r) = (hold.clone(), released.clone());
        let server = Server::start(move |_, req, stream, _| {
            let tag = req.path.trim_start_matches('/');
            if tag == "slow" && h.load(Ordering::SeqCst) {
                let _ = held_tx.send(());
                let (lock, cv) = &*r;
                let mut go = lock.lock().unwrap();
                while !*go {
                    go = cv.wait(go).unwrap();
                }
            }
            let body = rss_feed(tag, 3, "Fri, 20 Nov 2026 10:00:00 GMT", false);
            respond(
                stream,
                "200 OK",
                &[("Content-Type", "application/rss+xml")],
                body.as_bytes(),
            );
        });
        HoldServer {
            server,
            hold,
            released,
            held,
        }
    }

    pub fn url(&self, path: &str) -> String {
        self.server.url(path)
    }

    /// How many requests have arrived.
    pub fn requests(&self) -> usize {
        self.server.requests().len()
    }

    pub fn release(&self) {
        let (lock, cv) = &*self.released;
        *lock.lock().unwrap() = true;
        cv.notify_all();
    }
}

impl Drop for HoldServer {
    fn drop(&mut self) {
        self.release();
    }
}
