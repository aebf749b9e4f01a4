//! A small SMTP server on 127.0.0.1 that keeps every message it is given:
//! enough of RFC 5321 for lettre (EHLO, AUTH PLAIN/LOGIN, MAIL, RCPT,
//! DATA, RSET, NOOP, QUIT), no TLS. A test reads what arrived, as bytes.

use base64::Engine as _;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// One message as the server saw it.
#[derive(Debug, Clone, Default)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    /// The decoded `AUTH PLAIN` / `AUTH LOGIN` user and password, if any.
    pub login: Option<(String, String)>,
    /// The message (headers and body), dot-unstuffed, CRLF line ends.
    pub data: Vec<u8>,
}

pub struct SmtpServer {
    pub port: u16,
    received: Arc<Mutex<Vec<Received>>>,
}

impl SmtpServer {
    /// Accepts any login when `login` is None, else only that user/password
    /// (others get 535).
    pub fn start(login: Option<(&str, &str)>) -> SmtpServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let keep = received.clone();
        let login = login.map(|(u, p)| (u.to_string(), p.to_string()));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let keep = keep.clone();
                let login = login.clone();
                std::thread::spawn(move || {
                    let _ = session(stream, &keep, login.as_ref());
                });
            }
        });
        SmtpServer { port, received }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

fn b64(s: &str) -> String {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(s.trim())
        .unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}

fn session(
    stream: TcpStream,
    keep: &Mutex<Vec<Received>>,
    login: Option<&(String, String)>,
) -> std::io::Result<()> {
    let mut out = stream.try_clone()?;
    let mut lines = BufReader::new(stream);
    let mut msg = Received::default();
    out.write_all(b"220 localhost ESMTP test\r\n")?;
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let cmd = line.trim_end().to_string();
        let upper = cmd.to_ascii_uppercase();
        let reply: String = if upper.starts_with("EHLO") {
            "250-localhost\r\n250-AUTH PLAIN LOGIN\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n".into()
        } else if upper.starts_with("HELO") {
            "250 localhost\r\n".into()
        } else if upper.starts_with("AUTH") {
            let parts: Vec<&str> = cmd.split_whitespace().collect();
            let (user, pass) =
                if parts.get(1).map(|m| m.eq_ignore_ascii_case("PLAIN")) == Some(true) {
                    let creds = match parts.get(2) {
                        Some(c) => b64(c),
                        None => {
                            out.write_all(b"334 \r\n")?;
                            line.clear();
                            lines.read_line(&mut line)?;
                            b64(&line)
                        }
                    };
                    let mut f = creds.split('\0').skip(1);
                    (
                        f.next().unwrap_or("").to_string(),
                        f.next().unwrap_or("").to_string(),
                    )
                } else {
                    out.write_all(b"334 VXNlcm5hbWU6\r\n")?;
                    line.clear();
                    lines.read_line(&mut line)?;
                    let user = b64(&line);
                    out.write_all(b"334 UGFzc3dvcmQ6\r\n")?;
                    line.clear();
                    lines.read_line(&mut line)?;
                    (user, b64(&line))
                };
            let ok = login.is_none_or(|(u, p)| *u == user && *p == pass);
            msg.login = Some((user, pass));
            if ok {
                "235 2.7.0 Authentication successful\r\n".into()
            } else {
                "535 5.7.8 Authentication credentials invalid\r\n".into()
            }
        } else if upper.starts_with("MAIL FROM:") {
            msg.from = cmd[10..].trim().to_string();
            "250 OK\r\n".into()
        } else if upper.starts_with("RCPT TO:") {
            msg.to.push(cmd[8..].trim().to_string());
            "250 OK\r\n".into()
        } else if upper == "DATA" {
            out.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")?;
            let mut data = Vec::new();
            loop {
                let mut l = Vec::new();
                if lines.read_until(b'\n', &mut l)? == 0 {
                    return Ok(());
                }
                if l == b".\r\n" || l == b".\n" {
                    break;
                }
                let l = if l.starts_with(b"..") {
                    &l[1..]
                } else {
                    &l[..]
                };
                data.extend_from_slice(l);
            }
            msg.data = data;
            keep.lock().unwrap().push(std::mem::take(&mut msg));
            "250 OK queued\r\n".into()
        } else if upper == "RSET" {
            let login = msg.login.take();
            msg = Received {
                login,
                ..Received::default()
            };
            "250 OK\r\n".into()
        } else if upper == "NOOP" {
            "250 OK\r\n".into()
        } else if upper == "QUIT" {
            out.write_all(b"221 Bye\r\n")?;
            return Ok(());
        } else {
            "502 Command not implemented\r\n".into()
        };
        out.write_all(reply.as_bytes())?;
    }
}
