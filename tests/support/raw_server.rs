//! A loopback HTTP/1.1 server on a plain tokio `TcpListener`, for misbehaviour that wiremock cannot
//! produce: endless chunked bodies, bodies larger than announced, servers that hang or stall, and
//! scripted raw bytes.
#![allow(dead_code)]

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A request as the server read it.
#[derive(Debug, Clone)]
pub struct RawRequest {
    pub method: String,
    pub path: String,
    pub body: String,
}

/// How the server answers one request.
pub enum Reply {
    /// A complete response with `Content-Length`.
    Full {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Reads the request and never answers.
    Hang,
    /// Sends the headers, then `Transfer-Encoding: chunked` data for as long as the client reads.
    EndlessChunked { status: u16 },
    /// Announces `length` bytes and sends zeros for as long as the client reads.
    AnnouncedLength { status: u16, length: u64 },
    /// Announces a body, sends part of it, then stalls forever.
    StallMidBody,
    /// Raw bytes written exactly as given, each piece after its pause: status line, headers and
    /// framing are the script's own, so it can lie about them.
    Script(Vec<(Duration, Vec<u8>)>),
}

impl Reply {
    /// A JSON response.
    pub fn json(status: u16, body: &serde_json::Value) -> Self {
        Reply::Full {
            status,
            headers: vec![("content-type".to_string(), "application/json".to_string())],
            body: body.to_string().into_bytes(),
        }
    }

    /// A response with a content type and raw bytes.
    pub fn bytes(status: u16, content_type: &str, body: Vec<u8>) -> Self {
        Reply::Full {
            status,
            headers: vec![("content-type".to_string(), content_type.to_string())],
            body,
        }
    }
}

type Handler = dyn Fn(RawRequest) -> Pin<Box<dyn Future<Output = Reply> + Send>> + Send + Sync;

/// A running server; it stops accepting when dropped.
pub struct RawServer {
    pub url: String,
    requests: Arc<Mutex<Vec<RawRequest>>>,
    accept_loop: tokio::task::JoinHandle<()>,
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.accept_loop.abort();
    }
}

impl RawServer {
    /// Starts a server on a free loopback port; `handler` decides each reply.
    pub async fn start<F, Fut>(handler: F) -> RawServer
    where
        F: Fn(RawRequest) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Reply> + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let url = format!("http://{}", listener.local_addr().expect("local address"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(move |request| Box::pin(handler(request)));
        let recorded = Arc::clone(&requests);
        let accept_loop = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let handler = Arc::clone(&handler);
                let recorded = Arc::clone(&recorded);
                tokio::spawn(serve_connection(stream, handler, recorded));
            }
        });
        RawServer {
            url,
            requests,
            accept_loop,
        }
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<RawRequest> {
        self.requests.lock().unwrap().clone()
    }

    /// How many requests were received for `path`.
    pub fn count(&self, path: &str) -> usize {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .filter(|request| request.path == path)
            .count()
    }
}

async fn serve_connection(
    mut stream: TcpStream,
    handler: Arc<Handler>,
    recorded: Arc<Mutex<Vec<RawRequest>>>,
) {
    while let Some(request) = read_request(&mut stream).await {
        recorded.lock().unwrap().push(request.clone());
        let reply = handler(request).await;
        if write_reply(&mut stream, reply).await.is_err() {
            return;
        }
    }
}

/// Reads one request (headers, then a `Content-Length` body); `None` when the client hung up.
async fn read_request(stream: &mut TcpStream) -> Option<RawRequest> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let header_end = loop {
        if let Some(at) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
            break at + 4;
        }
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&buffer[..header_end]).to_string();
    let mut lines = head.lines();
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_string();
    let path = request_line.next()?.split('?').next()?.to_string();
    let content_length = lines
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse::<usize>().ok())
        .unwrap_or(0);
    while buffer.len() < header_end + content_length {
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
    let body =
        String::from_utf8_lossy(&buffer[header_end..header_end + content_length]).to_string();
    Some(RawRequest { method, path, body })
}

async fn write_reply(stream: &mut TcpStream, reply: Reply) -> std::io::Result<()> {
    match reply {
        Reply::Full {
            status,
            headers,
            body,
        } => {
            let mut head = format!(
                "HTTP/1.1 {status} Status\r\ncontent-length: {}\r\n",
                body.len()
            );
            for (name, value) in headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str("\r\n");
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(&body).await?;
            stream.flush().await
        }
        Reply::Hang => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Ok(())
        }
        Reply::EndlessChunked { status } => {
            let head = format!("HTTP/1.1 {status} Status\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n");
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(b"1\r\n[\r\n").await?;
            let piece = vec![b' '; 64 * 1024];
            let framed = [
                format!("{:x}\r\n", piece.len()).into_bytes(),
                piece,
                b"\r\n".to_vec(),
            ]
            .concat();
            // Until the client stops reading and the write fails.
            loop {
                stream.write_all(&framed).await?;
            }
        }
        Reply::AnnouncedLength { status, length } => {
            let head = format!("HTTP/1.1 {status} Status\r\ncontent-type: application/json\r\ncontent-length: {length}\r\n\r\n");
            stream.write_all(head.as_bytes()).await?;
            let zeros = vec![b'0'; 64 * 1024];
            let mut sent = 0u64;
            while sent < length {
                let part = zeros
                    .len()
                    .min(usize::try_from(length - sent).unwrap_or(usize::MAX));
                stream.write_all(&zeros[..part]).await?;
                sent += part as u64;
            }
            stream.flush().await
        }
        Reply::StallMidBody => {
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"access_token\":";
            stream.write_all(head.as_bytes()).await?;
            stream.flush().await?;
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Ok(())
        }
        Reply::Script(pieces) => {
            for (pause, bytes) in pieces {
                tokio::time::sleep(pause).await;
                stream.write_all(&bytes).await?;
                stream.flush().await?;
            }
            Ok(())
        }
    }
}
