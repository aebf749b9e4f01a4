//! A small SMTP server on 127.0.0.1 that keeps every message it is given:
//! enough of RFC 5321 for lettre (EHLO, AUTH PLAIN/LOGIN, MAIL, RCPT,
//! DATA, RSET, NOOP, QUIT), and optionally TLS with a self-signed
//! certificate made for the test (rcgen): STARTTLS offered after EHLO, or
//! TLS from the first byte (smtps). A test reads what arrived, as bytes.

use base64::Engine as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{ServerConfig, ServerConnection, StreamOwned};

/// How the server speaks TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    None,
    /// Plain first; `STARTTLS` offered in the EHLO reply.
    StartTls,
    /// TLS from the first byte (`smtps://`).
    Wrapper,
}

trait Stream: Read + Write + Send {}
impl<T: Read + Write + Send> Stream for T {}

/// One message as the server saw it.
#[derive(Debug, Clone, Default)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    /// The decoded `AUTH PLAIN` / `AUTH LOGIN` user and password, if any.
    pub login: Option<(String, String)>,
    /// The message (headers and body), dot-unstuffed, CRLF line ends.
    pub data: Vec<u8>,
    /// Whether the message came over TLS.
    pub tls: bool,
}

pub struct SmtpServer {
    pub port: u16,
    received: Arc<Mutex<Vec<Received>>>,
    /// The self-signed certificate (PEM) of a TLS server, for a client to
    /// trust (`SSL_CERT_FILE`).
    pub cert_pem: Option<String>,
    mode: SmtpTls,
}

impl SmtpServer {
    /// Accepts any login when `login` is None, else only that user/password
    /// (others get 535).
    pub fn start(login: Option<(&str, &str)>) -> SmtpServer {
        SmtpServer::start_tls(login, SmtpTls::None)
    }

    /// As [`SmtpServer::start`], speaking TLS as `mode` says with a fresh
    /// certificate for `localhost` and `127.0.0.1`.
    pub fn start_tls(login: Option<(&str, &str)>, mode: SmtpTls) -> SmtpServer {
        let (config, cert_pem) = match mode {
            SmtpTls::None => (None, None),
            _ => {
                let key = rcgen::generate_simple_self_signed(vec![
                    "localhost".to_string(),
                    "127.0.0.1".to_string(),
                ])
                .unwrap();
                let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
                let config = ServerConfig::builder_with_provider(provider)
                    .with_safe_default_protocol_versions()
                    .unwrap()
                    .with_no_client_auth()
                    .with_single_cert(
                        vec![CertificateDer::from(key.cert.der().to_vec())],
                        PrivateKeyDer::Pkcs8(key.signing_key.serialize_der().into()),
                    )
                    .unwrap();
                (Some(Arc::new(config)), Some(key.cert.pem()))
            }
        };
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let keep = received.clone();
        let login = login.map(|(u, p)| (u.to_string(), p.to_string()));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let keep = keep.clone();
                let login = login.clone();
                let config = config.clone();
                std::thread::spawn(move || {
                    let _ = match (mode, config) {
                        (SmtpTls::Wrapper, Some(c)) => ServerConnection::new(c)
                            .map_err(std::io::Error::other)
                            .and_then(|conn| {
                                session(
                                    Box::new(StreamOwned::new(conn, stream)),
                                    &keep,
                                    login.as_ref(),
                                    None,
                                    true,
                                )
                            }),
                        (_, config) => {
                            session(Box::new(stream), &keep, login.as_ref(), config, false)
                        }
                    };
                });
            }
        });
        SmtpServer {
            port,
            received,
            cert_pem,
            mode,
        }
    }

    pub fn url(&self) -> String {
        let scheme = if self.mode == SmtpTls::Wrapper {
            "smtps"
        } else {
            "smtp"
        };
        format!("{scheme}://127.0.0.1:{}", self.port)
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

/// One connection. `starttls` is the config to upgrade with when the
/// client asks; `secure` says the stream already is TLS. After STARTTLS the
/// session starts over on the TLS stream (RFC 3207: no greeting, state
/// forgotten).
fn session(
    stream: Box<dyn Stream>,
    keep: &Mutex<Vec<Received>>,
    login: Option<&(String, String)>,
    starttls: Option<Arc<ServerConfig>>,
    secure: bool,
) -> std::io::Result<()> {
    let mut lines = BufReader::new(stream);
    let mut msg = Received {
        tls: secure,
        ..Received::default()
    };
    // A session upgraded by STARTTLS was greeted before the upgrade.
    if !(secure && starttls.is_some()) {
        lines.get_mut().write_all(b"220 localhost ESMTP test\r\n")?;
        lines.get_mut().flush()?;
    }
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let cmd = line.trim_end().to_string();
        let upper = cmd.to_ascii_uppercase();
        let reply: String = if upper.starts_with("EHLO") {
            let tls = if starttls.is_some() && !secure {
                "250-STARTTLS\r\n"
            } else {
                ""
            };
            format!(
                "250-localhost\r\n{tls}250-AUTH PLAIN LOGIN\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
            )
        } else if upper == "STARTTLS"
            && !secure
            && let Some(config) = &starttls
        {
            lines
                .get_mut()
                .write_all(b"220 2.0.0 Ready to start TLS\r\n")?;
            lines.get_mut().flush()?;
            let conn = ServerConnection::new(config.clone()).map_err(std::io::Error::other)?;
            let plain = lines.into_inner();
            return session(
                Box::new(StreamOwned::new(conn, plain)),
                keep,
                login,
                Some(config.clone()),
                true,
            );
        } else if upper.starts_with("HELO") {
            "250 localhost\r\n".into()
        } else if upper.starts_with("AUTH") {
            let parts: Vec<&str> = cmd.split_whitespace().collect();
            let (user, pass) =
                if parts.get(1).map(|m| m.eq_ignore_ascii_case("PLAIN")) == Some(true) {
                    let creds = match parts.get(2) {
                        Some(c) => b64(c),
                        None => {
                            lines.get_mut().write_all(b"334 \r\n")?;
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
                    lines.get_mut().write_all(b"334 VXNlcm5hbWU6\r\n")?;
                    line.clear();
                    lines.read_line(&mut line)?;
                    let user = b64(&line);
                    lines.get_mut().write_all(b"334 UGFzc3dvcmQ6\r\n")?;
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
            lines
                .get_mut()
                .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")?;
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
            keep.lock().unwrap().push(std::mem::replace(
                &mut msg,
                Received {
                    tls: secure,
                    ..Received::default()
                },
            ));
            "250 OK queued\r\n".into()
        } else if upper == "RSET" {
            let login = msg.login.take();
            msg = Received {
                login,
                tls: secure,
                ..Received::default()
            };
            "250 OK\r\n".into()
        } else if upper == "NOOP" {
            "250 OK\r\n".into()
        } else if upper == "QUIT" {
            lines.get_mut().write_all(b"221 Bye\r\n")?;
            return Ok(());
        } else {
            "502 Command not implemented\r\n".into()
        };
        lines.get_mut().write_all(reply.as_bytes())?;
        lines.get_mut().flush()?;
    }
}
