//! The HTTP side of the server: the API routes beside the app's files, the security headers
//! on every answer, and the app's files served with content ETags, compressed once.

use crate::api;
use crate::storage::Storage;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use sha2::Digest;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tower_http::LatencyUnit;

/// No inline script or style, no third-party origin; wasm compilation allowed.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'; \
    object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// An address or a network for `--trusted-proxy`.
pub fn parse_network(text: &str) -> Result<ipnet::IpNet, String> {
    text.parse::<ipnet::IpNet>()
        .or_else(|_| text.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| format!("{text:?} is not an address or a network such as 10.0.0.0/8"))
}

/// A `--metrics-token`: long enough not to be guessed.
pub fn parse_token(text: &str) -> Result<String, String> {
    if text.chars().count() < 16 || text.chars().any(char::is_whitespace) {
        return Err("the metrics token needs at least 16 characters and no spaces".into());
    }
    Ok(text.to_owned())
}

/// The HTTP routes, apart from `main` so that tests call them without a socket. `/metrics`
/// is among them unless `metrics_apart` (served on its own address).
pub fn app<S: Storage>(state: Arc<api::AppState<S>>, www: PathBuf, pkg: PathBuf, metrics_apart: bool) -> Router {
    let files = Arc::new(StaticCache::default());
    Router::new()
        .merge(api::routes(state.clone(), !metrics_apart))
        .merge(crate::evidence::routes(state.clone()))
        .merge(crate::console::routes(state.clone()))
        .merge(
            Router::new()
                .nest_service("/pkg", ServeDir::new(pkg))
                .fallback_service(ServeDir::new(www))
                .layer(axum::middleware::from_fn_with_state(files, content_etag)),
        )
        .layer(axum::middleware::from_fn_with_state(state, security_headers::<S>))
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(BODY_READ_TIMEOUT))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, REQUEST_TIMEOUT))
        // gzip or Brotli for whoever accepts it, for the API's answers (the app's files are
        // compressed once, by `content_etag`; a response that has an encoding is left alone).
        .layer(tower_http::compression::CompressionLayer::new())
        // One log line per request, under a request id the answer carries (`X-Request-Id`,
        // for a worker or an administrator to quote). The id is always the server's own: a
        // client's is dropped first, so nothing a client wrote reaches the logs.
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_request(())
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO).latency_unit(LatencyUnit::Millis)),
        )
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(axum::middleware::map_request(|mut request: Request| async move {
            request.headers_mut().remove(X_REQUEST_ID);
            request
        }))
}

/// The log span of a request: its id, method and route (the API route matched, or the path of
/// a file; never the query string, headers or body).
fn request_span(request: &Request) -> tracing::Span {
    let id = request.headers().get(X_REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("");
    let route = match request.extensions().get::<axum::extract::MatchedPath>() {
        Some(matched) => matched.as_str(),
        None => request.uri().path(),
    };
    let route = route.get(..route.len().min(120)).unwrap_or("?");
    tracing::info_span!("request", id = %id, method = %request.method(), route = %route)
}

const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// How long a client may take to send a request's head (from connecting, or from its last
/// answer on a kept-alive connection): one that holds a connection without finishing its
/// request (a "slowloris") is cut off then.
pub const HEADER_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
/// The longest pause while a request's body arrives; see also [`REQUEST_TIMEOUT`].
pub const BODY_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);
/// The longest a request may take as a whole, body included (`408` then): a full batch
/// (8 MiB) arrives and is verified well within it on a slow link.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);
/// Open connections per client address (a trusted proxy has no limit).
pub const MAX_CONNECTIONS_PER_CLIENT: usize = 64;
/// Open connections in all: past it, new ones wait in the kernel's queue.
pub const MAX_CONNECTIONS: usize = 4_096;

/// Serves `app` on `listener` over HTTP/1.1 until `shutdown` resolves, then lets the
/// requests under way finish. Like `axum::serve`, but with hyper's timer installed so that a
/// connection whose request head does not arrive within [`HEADER_READ_TIMEOUT`] is closed
/// (`axum::serve` sets no timer, and without one hyper's header timeout never fires), at most
/// [`MAX_CONNECTIONS`] open connections and [`MAX_CONNECTIONS_PER_CLIENT`] per address not in
/// `trusted`, and each request carrying its peer's address (`ConnectInfo`) for the rate limit.
/// HTTP/2 is left to a reverse proxy in front, which also terminates TLS.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    trusted: crate::api::TrustedProxies,
    shutdown: impl std::future::Future<Output = ()>,
) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(HEADER_READ_TIMEOUT);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let all = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    let per_client: Arc<std::sync::Mutex<std::collections::HashMap<std::net::IpAddr, usize>>> = Arc::default();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = all.clone().acquire_owned() => permit.expect("the semaphore is never closed"),
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(connection) => connection,
                // Out of file descriptors or a reset before accept: wait a moment, go on.
                Err(_) => {
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let ip = peer.ip();
        let limited = !trusted.trust(ip);
        if limited {
            let mut open = per_client.lock().unwrap_or_else(|p| p.into_inner());
            let count = open.entry(ip).or_default();
            if *count >= MAX_CONNECTIONS_PER_CLIENT {
                continue; // dropped: the client has enough connections open
            }
            *count += 1;
        }
        let service = tower::ServiceExt::map_request(app.clone(), move |mut request: Request<hyper::body::Incoming>| {
            request.extensions_mut().insert(axum::extract::ConnectInfo(peer));
            request
        });
        let connection = builder.serve_connection(TokioIo::new(stream), hyper_util::service::TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        let per_client = per_client.clone();
        tokio::spawn(async move {
            let _ = connection.await;
            drop(permit);
            if limited {
                let mut open = per_client.lock().unwrap_or_else(|p| p.into_inner());
                if let Some(count) = open.get_mut(&ip) {
                    *count -= 1;
                    if *count == 0 {
                        open.remove(&ip);
                    }
                }
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// Headers on every answer: a strict CSP, no MIME sniffing, no referrer, a browsing context
/// of our own, and HSTS when a trusted proxy says the client came over HTTPS.
async fn security_headers<S: Storage>(State(state): State<Arc<api::AppState<S>>>, request: Request, next: Next) -> Response {
    let peer = request.extensions().get::<axum::extract::ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let https = peer.is_some_and(|peer| state.forwarded_https(peer, request.headers()));
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    if https {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
    response
}

/// The largest file the app's folders may hold (the wasm is about 1 MiB).
const MAX_FILE_BYTES: usize = 32 << 20;

/// Validators for the app's files from their content: a (weak) ETag that is a hash of the
/// bytes. A deployed file that changed is then fetched again even when its modification time
/// did not move forward (a copy that keeps old times, two deploys within a second), which
/// `Last-Modified` would answer with "not modified" and leave the app stale. So dates are never
/// used to answer 304: a client that only has a date (cached before ETags) gets the file once
/// more, with its ETag. HEAD is answered as GET without the body, with the same ETag.
async fn content_etag(State(files): State<Arc<StaticCache>>, request: Request, next: Next) -> Response {
    let head = request.method() == Method::HEAD;
    if request.method() != Method::GET && !head {
        return next.run(request).await;
    }
    let encoding = Encoding::accepted(request.headers());
    let (mut parts, body) = request.into_parts();
    let if_none_match = parts.headers.remove(header::IF_NONE_MATCH);
    parts.headers.remove(header::IF_MODIFIED_SINCE);
    parts.method = Method::GET;
    let response = next.run(Request::from_parts(parts, body)).await;
    if response.status() != StatusCode::OK {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_FILE_BYTES).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let digest = sha2::Sha256::digest(&bytes);
    let tag = crate::hex::hex(&digest[..16]);
    let etag = format!("W/\"{tag}\"");
    parts.headers.insert(header::ETAG, HeaderValue::from_str(&etag).expect("hex in quotes is a header value"));
    let unchanged = if_none_match.as_ref().and_then(|v| v.to_str().ok()).is_some_and(|list| {
        list.split(',').map(|t| t.trim().trim_start_matches("W/")).any(|t| t == "*" || t == &etag[2..])
    });
    parts.headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if unchanged {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_LENGTH);
        return Response::from_parts(parts, Body::empty());
    }
    let compressible = parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|t| {
        t.starts_with("text/") || t.starts_with("application/javascript") || t.starts_with("application/json")
            || t.starts_with("application/wasm") || t.starts_with("application/manifest+json") || t.starts_with("image/svg+xml")
    });
    let compressed = encoding.filter(|_| compressible && bytes.len() > 256).and_then(|e| Some((e, files.compressed(&digest[..16], e, &bytes)?)));
    let bytes = match compressed {
        Some((encoding, compressed)) => {
            parts.headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding.name()));
            compressed
        }
        None => bytes,
    };
    parts.headers.insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    Response::from_parts(parts, if head { Body::empty() } else { Body::from(bytes) })
}

/// A content coding of the app's files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Encoding {
    Brotli,
    Gzip,
}

impl Encoding {
    /// The client's preferred coding we have: Brotli, then gzip (a `q=0` refuses one).
    fn accepted(headers: &axum::http::HeaderMap) -> Option<Encoding> {
        let accepted: Vec<(String, bool)> = headers
            .get_all(header::ACCEPT_ENCODING)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|item| {
                let mut parts = item.split(';');
                let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
                let refused = parts.any(|p| matches!(p.trim().strip_prefix("q="), Some(q) if q.trim().parse::<f32>().is_ok_and(|q| q <= 0.0)));
                (name, !refused)
            })
            .collect();
        let takes = |name: &str| accepted.iter().any(|(n, ok)| n == name && *ok);
        if takes("br") {
            Some(Encoding::Brotli)
        } else if takes("gzip") {
            Some(Encoding::Gzip)
        } else {
            None
        }
    }

    fn name(self) -> &'static str {
        match self {
            Encoding::Brotli => "br",
            Encoding::Gzip => "gzip",
        }
    }
}

/// The app's files compressed once per content (by digest) and coding, not per request.
#[derive(Default)]
struct StaticCache {
    entries: std::sync::Mutex<std::collections::HashMap<(Vec<u8>, Encoding), axum::body::Bytes>>,
    /// How many times a file was compressed (for the test).
    compressions: std::sync::atomic::AtomicUsize,
}

impl StaticCache {
    /// Files of past deploys are forgotten past this many entries.
    const MAX_ENTRIES: usize = 256;

    /// `bytes` (whose digest is `digest`) in `encoding`; `None` if it could not be compressed.
    fn compressed(&self, digest: &[u8], encoding: Encoding, bytes: &[u8]) -> Option<axum::body::Bytes> {
        let key = (digest.to_vec(), encoding);
        if let Some(hit) = self.entries.lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
            return Some(hit.clone());
        }
        self.compressions.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut out = Vec::new();
        let written = match encoding {
            Encoding::Brotli => {
                let params = brotli::enc::BrotliEncoderParams { quality: 9, lgwin: 22, ..Default::default() };
                brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).map(drop)
            }
            Encoding::Gzip => {
                let mut encoder = flate2::write::GzEncoder::new(&mut out, flate2::Compression::best());
                std::io::Write::write_all(&mut encoder, bytes).and_then(|()| encoder.finish().map(drop))
            }
        };
        written.ok()?;
        let compressed = axum::body::Bytes::from(out);
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= Self::MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(key, compressed.clone());
        Some(compressed)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::metrics;
    use crate::storage::{self, EnrollmentCode, RevokeTarget, Database};
    use axum::body::Body;
    use axum::http::{Method, Request, StatusCode};
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    /// A server's state in a fresh folder for `test` (some names change its settings), with its
    /// app and package folders.
    pub(crate) fn fixture(test: &str) -> (Arc<api::AppState<Database>>, PathBuf, PathBuf) {
        let root = std::env::temp_dir().join(format!("offsign-server-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let (www, pkg) = (root.join("www"), root.join("pkg"));
        std::fs::create_dir_all(&www).unwrap();
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(www.join("index.html"), "<!doctype html><title>app</title>").unwrap();
        std::fs::write(pkg.join("offsign_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
        let storage = crate::storage::tests::test_db(&format!("server-{test}"));
        let authority = offsign::Authority::new(offsign::Identity::generate().unwrap(), "test");
        let allowed_origins = if test == "cors" { vec![HeaderValue::from_static("https://app.example")] } else { vec![] };
        let state = api::AppState {
            storage,
            authority,
            metrics: metrics::Metrics::default(),
            rate_limit: metrics::RateLimit::new(if test == "proxy" { 1 } else { 0 }),
            allowed_origins,
            trusted_proxies: crate::api::TrustedProxies(vec!["10.0.0.0/8".parse().unwrap()]),
            metrics_token: (test == "token").then(|| zeroize::Zeroizing::new("a-token-of-16-chars".to_owned())),
            public_url: None,
            evidence: crate::blobs::EvidenceStore::local(&root.join("evidence"), 1 << 20).unwrap(),
            pdf_stamper: None,
            draining: Default::default(),
        };
        (Arc::new(state), www, pkg)
    }

    async fn get(app: Router, uri: &str) -> axum::response::Response {
        app.oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn serves_the_app_with_a_strict_csp_and_wasm_as_application_wasm() {
        let (state, www, pkg) = fixture("static");
        let page = get(app(state.clone(), www.clone(), pkg.clone(), false), "/").await;
        assert_eq!(page.status(), StatusCode::OK);
        let csp = page.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap().to_owned();
        assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval'") && !csp.contains("unsafe-inline"), "{csp}");
        assert!(page.into_body().collect().await.unwrap().to_bytes().starts_with(b"<!doctype html>"));

        let wasm = get(app(state.clone(), www.clone(), pkg.clone(), false), "/pkg/offsign_bg.wasm").await;
        assert_eq!(wasm.headers()[header::CONTENT_TYPE], "application/wasm");
        let request = Request::get("/index.html").header(header::ACCEPT_ENCODING, "br, gzip").body(Body::empty()).unwrap();
        let compressed = app(state.clone(), www.clone(), pkg.clone(), false).oneshot(request).await.unwrap();
        assert_eq!(compressed.headers()[header::CONTENT_ENCODING], "br", "compressed for browsers that accept it");
        assert_eq!(get(app(state.clone(), www.clone(), pkg.clone(), false), "/healthz").await.status(), StatusCode::OK);
        assert_eq!(get(app(state.clone(), www.clone(), pkg.clone(), false), "/missing.js").await.status(), StatusCode::NOT_FOUND);
        assert_eq!(get(app(state, www, pkg, false), "/pkg/../../etc/passwd").await.status(), StatusCode::NOT_FOUND);
    }

    /// A request as if from `peer` (the socket's address), with headers.
    fn from_peer(uri: &str, peer: &str, headers: &[(&str, &str)]) -> Request<Body> {
        let mut request = Request::get(uri);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let mut request = request.body(Body::empty()).unwrap();
        let addr: SocketAddr = format!("{peer}:40000").parse().unwrap();
        request.extensions_mut().insert(axum::extract::ConnectInfo(addr));
        request
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_console_login_warns_when_a_password_would_cross_the_network_unencrypted_and_takes_no_large_form() {
        let (state, www, pkg) = fixture("console-login");
        let app = || app(state.clone(), www.clone(), pkg.clone(), false);
        let warned = |peer: &'static str, headers: &'static [(&'static str, &'static str)]| {
            let app = app();
            async move {
                let page = app.oneshot(from_peer("/admin/login", peer, headers)).await.unwrap();
                assert_eq!(page.status(), StatusCode::OK);
                String::from_utf8(page.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap().contains("not encrypted")
            }
        };
        assert!(warned("192.0.2.1", &[]).await, "plain HTTP from another machine");
        assert!(!warned("127.0.0.1", &[]).await, "from this machine");
        assert!(!warned("10.1.2.3", &[("x-forwarded-proto", "https")]).await, "HTTPS at a trusted proxy");
        assert!(warned("192.0.2.1", &[("x-forwarded-proto", "https")]).await, "an untrusted peer's word is not taken");
        // Console forms are small: a 20 KiB one is refused before it is read as a form.
        let mut big = Request::post("/admin/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("name=ann&password={}", "x".repeat(20 << 10))))
            .unwrap();
        big.extensions_mut().insert(axum::extract::ConnectInfo("127.0.0.1:40000".parse::<SocketAddr>().unwrap()));
        assert_eq!(app().oneshot(big).await.unwrap().status(), StatusCode::PAYLOAD_TOO_LARGE);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_answer_has_the_security_headers_and_hsts_only_behind_a_trusted_https_proxy() {
        let (state, www, pkg) = fixture("headers");
        let app = || app(state.clone(), www.clone(), pkg.clone(), false);
        for uri in ["/", "/v1/authority", "/missing"] {
            let answer = app().oneshot(from_peer(uri, "192.0.2.1", &[])).await.unwrap();
            let headers = answer.headers();
            assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{uri}");
            assert_eq!(headers[header::REFERRER_POLICY], "no-referrer", "{uri}");
            assert_eq!(headers["cross-origin-opener-policy"], "same-origin", "{uri}");
            assert!(headers.contains_key(header::CONTENT_SECURITY_POLICY), "{uri}");
            assert!(!headers.contains_key(header::STRICT_TRANSPORT_SECURITY), "{uri}: plain HTTP, no HSTS");
        }
        let hsts = |peer: &'static str, headers: &'static [(&'static str, &'static str)]| {
            let app = app();
            async move { app.oneshot(from_peer("/", peer, headers)).await.unwrap().headers().contains_key(header::STRICT_TRANSPORT_SECURITY) }
        };
        assert!(hsts("10.1.2.3", &[("x-forwarded-proto", "https")]).await);
        assert!(!hsts("10.1.2.3", &[("forwarded", "for=192.0.2.9;proto=https")]).await, "Forwarded is not read");
        assert!(!hsts("192.0.2.1", &[("x-forwarded-proto", "https")]).await, "an untrusted peer's word is not taken");
        assert!(!hsts("10.1.2.3", &[("x-forwarded-proto", "http")]).await);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_answer_carries_a_request_id_of_the_servers_own() {
        let (state, www, pkg) = fixture("request-id");
        let id_of = |uri: &'static str, headers: &'static [(&'static str, &'static str)]| {
            let app = app(state.clone(), www.clone(), pkg.clone(), false);
            async move { app.oneshot(from_peer(uri, "192.0.2.1", headers)).await.unwrap().headers()["x-request-id"].to_str().unwrap().to_owned() }
        };
        let first = id_of("/v1/authority", &[]).await;
        let second = id_of("/missing", &[("x-request-id", "forged id=1 status=200")]).await;
        for id in [&first, &second] {
            assert_eq!(id.len(), 36, "a UUID: {id}");
            assert!(id.chars().all(|c| c.is_ascii_hexdigit() || c == '-'), "{id}");
        }
        assert_ne!(first, second, "one per request; a client's own id is replaced");
    }

    #[test]
    fn the_client_address_comes_from_trusted_proxies_only_read_from_the_right() {
        let (state, _, _) = fixture("address");
        let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
        let with = |name: &'static str, value: &str| {
            let mut headers = axum::http::HeaderMap::new();
            headers.insert(name, HeaderValue::from_str(value).unwrap());
            headers
        };
        let cases = [
            ("192.0.2.1", with("x-forwarded-for", "198.51.100.7"), "192.0.2.1"),
            ("10.0.0.1", with("x-forwarded-for", "198.51.100.7"), "198.51.100.7"),
            ("10.0.0.1", with("x-forwarded-for", "6.6.6.6, 198.51.100.7, 10.0.0.2"), "198.51.100.7"),
            ("10.0.0.1", with("x-forwarded-for", "[2001:db8::1]:4711, 10.0.0.2"), "2001:db8::1"),
            ("10.0.0.1", with("x-forwarded-for", "not an address"), "10.0.0.1"),
            // What a client writes on the left is never reached, garbage included.
            ("10.0.0.1", with("x-forwarded-for", "unknown, 6.6.6.6, 198.51.100.9"), "198.51.100.9"),
            // Forwarded is not read: a proxy that sets only X-Forwarded-For passes it on as the client wrote it.
            ("10.0.0.1", with("forwarded", "for=6.6.6.6"), "10.0.0.1"),
            ("10.0.0.1", axum::http::HeaderMap::new(), "10.0.0.1"),
        ];
        for (peer, headers, client) in cases {
            assert_eq!(state.client_address(ip(peer), &headers), ip(client), "{peer} {headers:?}");
        }
        assert!(parse_network("10.0.0.0/8").is_ok() && parse_network("::1").is_ok() && parse_network("10.0.0.0/33").is_err());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn behind_a_trusted_proxy_the_rate_limit_counts_each_client_not_the_proxy() {
        let (state, www, pkg) = fixture("proxy"); // 1 request a second, bursts of 2
        let app = || app(state.clone(), www.clone(), pkg.clone(), false);
        let status = |peer: &'static str, client: &'static str| {
            let app = app();
            async move { app.oneshot(from_peer("/v1/authority", peer, &[("x-forwarded-for", client)])).await.unwrap().status() }
        };
        for _ in 0..2 {
            assert_eq!(status("10.0.0.1", "198.51.100.1").await, StatusCode::OK);
        }
        assert_eq!(status("10.0.0.1", "198.51.100.1").await, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(status("10.0.0.1", "198.51.100.2").await, StatusCode::OK, "another client behind the same proxy");
        for _ in 0..2 {
            assert_eq!(status("192.0.2.1", "198.51.100.3").await, StatusCode::OK);
        }
        assert_eq!(status("192.0.2.1", "198.51.100.4").await, StatusCode::TOO_MANY_REQUESTS, "an untrusted peer cannot pose as many");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn metrics_can_need_a_token_or_live_on_their_own_address() {
        let (state, www, pkg) = fixture("token");
        let app = || app(state.clone(), www.clone(), pkg.clone(), false);
        let metrics = |auth: Option<&'static str>| {
            let app = app();
            async move {
                let headers: &[(&str, &str)] = match auth { Some(a) => &[("authorization", a)][..], None => &[] };
                app.oneshot(from_peer("/metrics", "127.0.0.1", &headers.iter().map(|(k, v)| (*k, *v)).collect::<Vec<_>>())).await.unwrap().status()
            }
        };
        assert_eq!(metrics(None).await, StatusCode::UNAUTHORIZED);
        assert_eq!(metrics(Some("Bearer wrong-token-of-16-chars")).await, StatusCode::UNAUTHORIZED);
        assert_eq!(metrics(Some("Bearer a-token-of-16-chars")).await, StatusCode::OK);
        assert!(parse_token("short").is_err());

        let (state, www, pkg) = fixture("apart");
        let main = super::app(state.clone(), www, pkg, true);
        assert_eq!(main.oneshot(from_peer("/metrics", "127.0.0.1", &[])).await.unwrap().status(), StatusCode::NOT_FOUND, "not beside the app");
        let own = api::metrics_routes(state).oneshot(from_peer("/metrics", "127.0.0.1", &[])).await.unwrap();
        assert_eq!(own.status(), StatusCode::OK);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_file_is_compressed_once_per_content_and_coding() {
        let (state, www, _pkg) = fixture("compress");
        let text = "offsign ".repeat(10_000);
        std::fs::write(www.join("app.js"), &text).unwrap();
        let files = Arc::new(StaticCache::default());
        let router = || {
            Router::new().fallback_service(ServeDir::new(&www)).layer(axum::middleware::from_fn_with_state(files.clone(), content_etag))
        };
        let fetch = |encoding: &'static str| {
            let router = router();
            async move {
                let answer = router.oneshot(Request::get("/app.js").header(header::ACCEPT_ENCODING, encoding).body(Body::empty()).unwrap()).await.unwrap();
                let coding = answer.headers().get(header::CONTENT_ENCODING).map(|v| v.to_str().unwrap().to_owned());
                (coding, answer.into_body().collect().await.unwrap().to_bytes())
            }
        };
        let (coding, br) = fetch("gzip, br").await;
        assert_eq!(coding.as_deref(), Some("br"));
        let mut plain = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut plain).unwrap();
        assert_eq!(plain, text.as_bytes());
        assert_eq!(fetch("br").await.1, br);
        let (coding, gz) = fetch("br;q=0, gzip").await;
        assert_eq!(coding.as_deref(), Some("gzip"));
        let mut plain = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gz[..]), &mut plain).unwrap();
        assert_eq!(plain, text);
        assert_eq!(fetch("identity").await, (None, axum::body::Bytes::from(text.clone())));
        for _ in 0..3 {
            fetch("br").await;
        }
        assert_eq!(files.compressions.load(std::sync::atomic::Ordering::Relaxed), 2, "once for Brotli, once for gzip");
        std::fs::write(www.join("app.js"), "changed ".repeat(10_000)).unwrap();
        fetch("br").await;
        assert_eq!(files.compressions.load(std::sync::atomic::Ordering::Relaxed), 3, "a new content is compressed anew");
        drop(state);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_redeployed_file_is_sent_again_even_when_its_modification_time_did_not_move() {
        let (state, www, pkg) = fixture("etag");
        let app = || app(state.clone(), www.clone(), pkg.clone(), false);
        let first = get(app(), "/index.html").await;
        let etag = first.headers()[header::ETAG].clone();
        let modified = first.headers()[header::LAST_MODIFIED].clone();
        let revalidate = |etag: Option<&HeaderValue>| {
            let request = Request::get("/index.html").header(header::IF_MODIFIED_SINCE, &modified);
            let request = match etag {
                Some(etag) => request.header(header::IF_NONE_MATCH, etag),
                None => request,
            };
            app().oneshot(request.body(Body::empty()).unwrap())
        };
        assert_eq!(revalidate(Some(&etag)).await.unwrap().status(), StatusCode::NOT_MODIFIED);

        // A deploy that keeps the old modification time (tar, cp -p, rsync -a, or within a second).
        let file = www.join("index.html");
        let time = std::fs::metadata(&file).unwrap().modified().unwrap();
        std::fs::write(&file, "<!doctype html><title>app v2</title>").unwrap();
        std::fs::File::options().write(true).open(&file).unwrap().set_modified(time).unwrap();
        let fresh = revalidate(Some(&etag)).await.unwrap();
        assert_eq!(fresh.status(), StatusCode::OK);
        let new_etag = fresh.headers()[header::ETAG].clone();
        assert_ne!(new_etag, etag);
        assert!(fresh.into_body().collect().await.unwrap().to_bytes().ends_with(b"app v2</title>"));
        // A phone that cached the file before ETags existed only has the date: it gets the file.
        let by_date = revalidate(None).await.unwrap();
        assert_eq!(by_date.status(), StatusCode::OK, "a date alone never makes a 304");
        assert_eq!(by_date.headers()[header::ETAG], new_etag);
        let head = app().oneshot(Request::head("/index.html").header(header::IF_NONE_MATCH, &etag).body(Body::empty()).unwrap());
        let head = head.await.unwrap();
        assert_eq!((head.status(), &head.headers()[header::ETAG]), (StatusCode::OK, &new_etag), "HEAD sees the same ETag");
        assert!(head.into_body().collect().await.unwrap().to_bytes().is_empty());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn pages_of_an_allowed_origin_may_call_the_api_and_no_other() {
        let preflight = |origin: &str| {
            Request::builder()
                .method(Method::OPTIONS)
                .uri("/v1/records")
                .header(header::ORIGIN, origin)
                .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
                .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type")
                .body(Body::empty())
                .unwrap()
        };
        let allowed = |response: &axum::response::Response| response.headers().get(header::ACCESS_CONTROL_ALLOW_ORIGIN).cloned();
        let (state, www, pkg) = fixture("cors");
        let app = || app(state.clone(), www.clone(), pkg.clone(), false);
        let ok = app().oneshot(preflight("https://app.example")).await.unwrap();
        assert_eq!(allowed(&ok).as_ref().map(|v| v.to_str().unwrap()), Some("https://app.example"));
        let other = app().oneshot(preflight("https://elsewhere.example")).await.unwrap();
        assert_eq!(allowed(&other), None);
        let request = Request::get("/v1/authority").header(header::ORIGIN, "https://app.example").body(Body::empty()).unwrap();
        let answer = app().oneshot(request).await.unwrap();
        assert_eq!(answer.status(), StatusCode::OK);
        assert!(allowed(&answer).is_some());
        assert!(answer.headers()[header::ACCESS_CONTROL_EXPOSE_HEADERS].to_str().unwrap().contains("retry-after"));

        // Without --allow-origin, no page elsewhere is let in.
        let (state, www, pkg) = fixture("no-cors");
        let closed = super::app(state, www, pkg, false).oneshot(preflight("https://app.example")).await.unwrap();
        assert_eq!(allowed(&closed), None);
        assert!(api::parse_origin("https://app.example.com:8443").is_ok());
        for bad in ["app.example.com", "https://app.example.com/", "ftp://x", "https://"] {
            assert!(api::parse_origin(bad).is_err(), "{bad}");
        }
    }

    /// POSTs `body` to `uri`: the status and the JSON answer (null when not JSON).
    pub(crate) async fn post(app: Router, uri: &str, content_type: &str, body: impl Into<Body>) -> (StatusCode, serde_json::Value) {
        let request = Request::post(uri).header(header::CONTENT_TYPE, content_type).body(body.into()).unwrap();
        let response = app.oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null))
    }

    /// A `POST /v1/enroll` body: `worker`'s key, `code`, and the proof of possession for a
    /// challenge issued now.
    fn enroll_body(worker: &offsign::Identity, code: &str) -> String {
        let proof = offsign::enrollment_proof(worker, code, &api::now().to_string(), None).unwrap();
        serde_json::json!({ "code": code, "jwk": worker.public_key().to_jwk(), "proof": proof }).to_string()
    }

    fn add_code(state: &api::AppState<Database>, code: &str, expires_in_ms: i64) {
        let entry = EnrollmentCode { worker: "w-1".into(), days: 30, expires_at: api::now().millis() + expires_in_ms, used_at: None };
        state.storage.add_enrollment_code(&offsign::enrollment_code_hash(code), &entry).unwrap();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn enrollment_issues_one_certificate_per_code_and_refuses_the_rest_with_codes() {
        let (state, www, pkg) = fixture("enroll");
        let app = || app(state.clone(), www.clone(), pkg.clone(), false);
        let worker = offsign::Identity::generate().unwrap();
        let body = |code: &str| enroll_body(&worker, code);
        add_code(&state, "ABCD-EFGH-JKMN", 3_600_000);
        add_code(&state, "PQRS-TVWX-YZ23", -1);

        let (status, enrolled) = post(app(), "/v1/enroll", "application/json", body("abcd efgh jkmn")).await;
        assert_eq!(status, StatusCode::OK, "{enrolled}");
        let cert = offsign::verify_certificate(enrolled["certificate"].as_str().unwrap(), state.authority.public_key()).unwrap();
        assert_eq!((cert.sub.as_str(), cert.jwk.x.as_str()), ("w-1", worker.public_key().to_jwk().x.as_str()));
        assert_eq!(cert.exp.millis() - cert.nbf.millis(), (30 * 86_400 + 300) * 1000, "30 days, backdated 5 minutes");
        offsign::verify_revocation_list(enrolled["revocationList"].as_str().unwrap(), state.authority.public_key()).unwrap();

        for (code, expected) in
            [("ABCD-EFGH-JKMN", "enrollment_code_used"), ("PQRS-TVWX-YZ23", "enrollment_code_expired"), ("NONE-NONE-NONE", "enrollment_code_unknown")]
        {
            let (status, refused) = post(app(), "/v1/enroll", "application/json", body(code)).await;
            assert_eq!((status, refused["code"].as_str()), (StatusCode::FORBIDDEN, Some(expected)));
        }
        let (status, refused) = post(app(), "/v1/enroll", "text/plain", body("ABCD-EFGH-JKMN")).await;
        assert_eq!((status, refused["code"].as_str()), (StatusCode::UNSUPPORTED_MEDIA_TYPE, Some("unsupported_media_type")));
        let (status, refused) = post(app(), "/v1/enroll", "application/json", "{\"code\": ").await;
        assert_eq!((status, refused["code"].as_str()), (StatusCode::BAD_REQUEST, Some("malformed_request")));
        let bad_key = r#"{"code": "PQRS-TVWX-YZ23", "jwk": {"kty": "OKP", "crv": "Ed25519", "x": "AAAA"}, "proof": "x.y.z"}"#;
        assert_eq!(post(app(), "/v1/enroll", "application/json", bad_key).await.0, StatusCode::BAD_REQUEST);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn enrollment_needs_a_fresh_proof_by_a_key_of_prime_order_and_a_refusal_keeps_the_code() {
        let (state, www, pkg) = fixture("possession");
        let app = || app(state.clone(), www.clone(), pkg.clone(), false);
        let worker = offsign::Identity::generate().unwrap();
        let stranger = offsign::Identity::generate().unwrap();
        add_code(&state, "ABCD-EFGH-JKMN", 3_600_000);
        let challenge = get(app(), "/v1/enroll").await;
        assert_eq!(challenge.status(), StatusCode::OK);
        let challenge: serde_json::Value = serde_json::from_slice(&challenge.into_body().collect().await.unwrap().to_bytes()).unwrap();
        let fresh = challenge["challenge"].as_str().unwrap().to_owned();
        let body = |jwk: serde_json::Value, proof: String| serde_json::json!({ "code": "ABCD-EFGH-JKMN", "jwk": jwk, "proof": proof }).to_string();
        let jwk = serde_json::to_value(worker.public_key().to_jwk()).unwrap();
        let hour_ago = api::now().plus_millis(-3_600_000).to_string();
        // Small-order points (the identity; a point of order 8) and a prime-order key plus a
        // point of order 2 (a torsion component): a proof cannot even be made for them.
        let torsioned = {
            use curve25519_dalek::edwards::CompressedEdwardsY;
            let a = CompressedEdwardsY(*worker.public_key().as_bytes()).decompress().unwrap();
            let order_2 = CompressedEdwardsY([0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]).decompress().unwrap();
            (a + order_2).compress().0
        };
        let weak = |bytes: &[u8]| serde_json::json!({ "kty": "OKP", "crv": "Ed25519", "x": offsign_b64(bytes) });
        let mut identity_point = [0u8; 32];
        identity_point[0] = 1;
        let order_8 = [0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0, 0xd5, 0xdf, 0xac, 0x05,
            0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05];
        let refusals = [
            (body(weak(&identity_point), offsign::enrollment_proof(&worker, "ABCD-EFGH-JKMN", &fresh, None).unwrap()), "weak_key"),
            (body(weak(&order_8), offsign::enrollment_proof(&worker, "ABCD-EFGH-JKMN", &fresh, None).unwrap()), "weak_key"),
            (body(weak(&torsioned), offsign::enrollment_proof(&worker, "ABCD-EFGH-JKMN", &fresh, None).unwrap()), "weak_key"),
            (body(jwk.clone(), offsign::enrollment_proof(&stranger, "ABCD-EFGH-JKMN", &fresh, None).unwrap()), "proof_invalid"),
            (body(jwk.clone(), offsign::enrollment_proof(&worker, "PQRS-TVWX-YZ23", &fresh, None).unwrap()), "proof_invalid"),
            (body(jwk.clone(), offsign::enrollment_proof(&worker, "ABCD-EFGH-JKMN", &hour_ago, None).unwrap()), "challenge_stale"),
            (body(jwk.clone(), offsign::enrollment_proof(&worker, "ABCD-EFGH-JKMN", "not a time", None).unwrap()), "proof_invalid"),
            (body(jwk.clone(), offsign::renewal_request(&worker, "s", api::now()).unwrap()), "proof_invalid"),
        ];
        for (request, code) in refusals {
            let (status, refused) = post(app(), "/v1/enroll", "application/json", request).await;
            assert_eq!((status, refused["code"].as_str()), (StatusCode::FORBIDDEN, Some(code)));
        }
        let (status, missing) = post(app(), "/v1/enroll", "application/json", serde_json::json!({ "code": "ABCD-EFGH-JKMN", "jwk": jwk }).to_string()).await;
        assert_eq!((status, missing["code"].as_str()), (StatusCode::BAD_REQUEST, Some("malformed_request")), "no proof, no certificate");
        let proof = offsign::enrollment_proof(&worker, "abcd-efgh-jkmn", &fresh, None).unwrap();
        let (status, enrolled) = post(app(), "/v1/enroll", "application/json", body(jwk, proof)).await;
        assert_eq!(status, StatusCode::OK, "the code was not used up by the refusals: {enrolled}");
    }

    fn offsign_b64(bytes: &[u8]) -> String {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn oversized_and_overfull_batches_are_refused_whole() {
        let (state, www, pkg) = fixture("batches");
        let app = || app(state.clone(), www.clone(), pkg.clone(), false);
        let huge = format!(r#"{{"records": ["{}"]}}"#, "a".repeat(api::MAX_BODY_BYTES));
        assert_eq!(post(app(), "/v1/records", "application/json", huge).await.0, StatusCode::PAYLOAD_TOO_LARGE);
        let overfull = serde_json::json!({ "records": vec!["x"; offsign::MAX_SYNC_BATCH + 1] }).to_string();
        let (status, refused) = post(app(), "/v1/records", "application/json", overfull).await;
        assert_eq!((status, refused["code"].as_str()), (StatusCode::BAD_REQUEST, Some("malformed_request")));
        let (status, answer) = post(app(), "/v1/records", "application/json", r#"{"records": ["junk"]}"#).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(answer["verdicts"][0]["code"], "malformed_record");
        assert_eq!(state.storage.record_count().unwrap(), 0);
        let metrics = get(app(), "/metrics").await;
        assert_eq!(metrics.headers()[header::CONTENT_TYPE], crate::metrics::CONTENT_TYPE);
        let text = String::from_utf8(metrics.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
        assert!(text.contains("offsign_records_total{verdict=\"rejected\",code=\"malformed_record\"} 1"), "{text}");
        assert!(text.contains("offsign_http_request_duration_seconds_count{route=\"/v1/records\",status=\"413\"} 1"), "{text}");
        assert!(text.contains("offsign_records_stored 0"));
    }

    /// Enrolls `worker` through the API; returns the certificate's serial.
    pub(crate) async fn enrolled(state: &Arc<api::AppState<Database>>, app: Router, worker: &offsign::Identity) -> String {
        add_code(state, "ZZZZ-ZZZZ-ZZZZ", 3_600_000);
        let (status, enrolled) = post(app, "/v1/enroll", "application/json", enroll_body(worker, "ZZZZ-ZZZZ-ZZZZ")).await;
        assert_eq!(status, StatusCode::OK);
        offsign::verify_certificate(enrolled["certificate"].as_str().unwrap(), state.authority.public_key()).unwrap().serial
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_forms_in_use_are_handed_out_signed_by_the_authority_newest_version_first() {
        let (state, www, pkg) = fixture("forms");
        let app = || app(state.clone(), www.clone(), pkg.clone(), false);
        let read = || async {
            let response = app().oneshot(Request::get("/v1/forms").body(Body::empty()).unwrap()).await.unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            let json: serde_json::Value = serde_json::from_slice(&response.into_body().collect().await.unwrap().to_bytes()).unwrap();
            offsign::verify_forms(json["forms"].as_str().unwrap(), state.authority.public_key()).unwrap()
        };
        let set = read().await;
        assert_eq!(set.forms.iter().map(|f| (f.id.as_str(), f.version)).collect::<Vec<_>>(), [("consent-form", 1), ("delivery-receipt", 1), ("inspection-checklist", 1)]);
        // A device that holds this set is told so, and not sent it again; a changed set is sent.
        let have = |tag: String| async move {
            let response = app().oneshot(Request::get(format!("/v1/forms?have={tag}")).body(Body::empty()).unwrap()).await.unwrap();
            let status = response.status();
            (status, serde_json::from_slice::<serde_json::Value>(&response.into_body().collect().await.unwrap().to_bytes()).unwrap())
        };
        assert_eq!(have(set.tag()).await, (StatusCode::OK, serde_json::json!({"unchanged": true})));
        assert!(have("old".into()).await.1["forms"].is_string());
        assert_eq!(have("x".repeat(65)).await.1["code"], "malformed_request");
        let mut changed = set.forms[1].clone();
        changed.title = offsign::Label::Plain("Proof of delivery".into());
        let added = crate::admin::add_form(&state.storage, "ann", serde_json::to_string(&changed).unwrap().as_bytes()).unwrap();
        assert_eq!((added.id.as_str(), added.version), ("delivery-receipt", 2), "numbered after the newest");
        assert_eq!(read().await.forms[1].title.text("en"), "Proof of delivery");
        assert!(have(set.tag()).await.1["forms"].is_string(), "a new version changes the tag");
        let refused = crate::admin::add_form(&state.storage, "ann", br#"{"v": 1, "id": "x", "version": 1, "title": "X", "fields": []}"#).unwrap_err();
        assert!(refused.to_string().starts_with("malformed_form: 1 to 64 fields"), "{refused}");
        let stranger = offsign::Authority::new(offsign::Identity::generate().unwrap(), "Other");
        let forged = stranger.issue_forms(set.forms, api::now()).unwrap();
        assert!(offsign::verify_forms(&forged, state.authority.public_key()).is_err(), "only the authority's set is taken");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn enrolling_again_in_place_of_a_key_supersedes_it_and_links_the_chains() {
        let (state, www, pkg) = fixture("continue");
        let app = || app(state.clone(), www.clone(), pkg.clone(), false);
        let (old, fresh) = (offsign::Identity::generate().unwrap(), offsign::Identity::generate().unwrap());
        let old_serial = enrolled(&state, app(), &old).await;
        let link = |kid: &str| offsign::Continuation { kid: kid.to_owned(), seq: 7, hash: Some("aGFzaA".into()) };
        let body = |who: &offsign::Identity, code: &str, continues: offsign::Continuation| {
            let proof = offsign::enrollment_proof(who, code, &api::now().to_string(), Some(continues)).unwrap();
            serde_json::json!({ "code": code, "jwk": who.public_key().to_jwk(), "proof": proof }).to_string()
        };
        // A key that is not the worker's, or the enrolling key itself: refused, the code kept.
        add_code(&state, "CCCC-CCCC-CCCC", 3_600_000);
        let stranger = offsign::Identity::generate().unwrap();
        for wrong in [link(stranger.kid()), link(fresh.kid())] {
            let (status, refused) = post(app(), "/v1/enroll", "application/json", body(&fresh, "CCCC-CCCC-CCCC", wrong)).await;
            assert_eq!((status, refused["code"].as_str()), (StatusCode::FORBIDDEN, Some("replaced_key_unknown")), "{refused}");
        }
        let (status, enrolled) = post(app(), "/v1/enroll", "application/json", body(&fresh, "CCCC-CCCC-CCCC", link(old.kid()))).await;
        assert_eq!(status, StatusCode::OK, "{enrolled}");
        let serial = offsign::verify_certificate(enrolled["certificate"].as_str().unwrap(), state.authority.public_key()).unwrap().serial;
        assert_eq!(state.storage.certificate(&serial).unwrap().unwrap().continues, Some(link(old.kid())));
        let superseded = state.storage.certificate(&old_serial).unwrap().unwrap();
        assert_eq!(superseded.revocation(), Some(offsign::RevocationReason::Superseded));
        // The revocation list the device got says so, and the audit log says who.
        let list = offsign::verify_revocation_list(enrolled["revocationList"].as_str().unwrap(), state.authority.public_key()).unwrap();
        assert_eq!(list.reason(&old_serial), Some(offsign::RevocationReason::Superseded));
        assert_eq!(state.storage.revoked_serials(0).unwrap(), [(old_serial.clone(), offsign::RevocationReason::Superseded)]);
        let audit = state.storage.audit_log(10).unwrap();
        assert!(audit.iter().any(|e| e.actor == crate::admin::ENROLLMENT && e.detail.contains(&old_serial) && e.detail.contains("superseded")), "{audit:?}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn renewal_needs_the_current_key_a_fresh_request_and_a_live_certificate() {
        let (state, www, pkg) = fixture("renew");
        let app = || app(state.clone(), www.clone(), pkg.clone(), false);
        let worker = offsign::Identity::generate().unwrap();
        let serial = enrolled(&state, app(), &worker).await;
        let renew = |who: &offsign::Identity, at: offsign::Timestamp| {
            serde_json::json!({ "request": offsign::renewal_request(who, &serial, at).unwrap() }).to_string()
        };
        let request = renew(&worker, api::now());
        let (status, renewed) = post(app(), "/v1/renew", "application/json", request.clone()).await;
        assert_eq!(status, StatusCode::OK, "{renewed}");
        let cert = offsign::verify_certificate(renewed["certificate"].as_str().unwrap(), state.authority.public_key()).unwrap();
        assert_ne!(cert.serial, serial);
        // A replayed request, and a new request from a device that never got the answer: the
        // same certificate, not another one.
        for again in [request, renew(&worker, api::now())] {
            let (status, replayed) = post(app(), "/v1/renew", "application/json", again).await;
            assert_eq!((status, &replayed["certificate"]), (StatusCode::OK, &renewed["certificate"]));
        }
        let old = state.storage.certificate(&serial).unwrap().unwrap();
        assert_eq!((old.revocation_reason.as_deref(), old.superseded_by.as_deref()), (Some(storage::RENEWED), Some(cert.serial.as_str())));
        assert_eq!((cert.sub.as_str(), cert.jwk.x.as_str()), ("w-1", worker.public_key().to_jwk().x.as_str()));
        assert_eq!(cert.exp.millis() - cert.nbf.millis(), (30 * 86_400 + 300) * 1000, "as long as the first");

        let stranger = offsign::Identity::generate().unwrap();
        let refusals = [
            (renew(&stranger, api::now()), "bad_signature"),
            (renew(&worker, api::now().plus_millis(-3_600_000)), "request_stale"),
        ];
        for (body, code) in refusals {
            let (status, refused) = post(app(), "/v1/renew", "application/json", body).await;
            assert_eq!((status, refused["code"].as_str()), (StatusCode::FORBIDDEN, Some(code)));
        }
        state.storage.revoke(&RevokeTarget::Serial(serial.clone()), offsign::RevocationReason::Superseded, api::now().millis()).unwrap();
        let (status, refused) = post(app(), "/v1/renew", "application/json", renew(&worker, api::now())).await;
        assert_eq!((status, refused["code"].as_str()), (StatusCode::FORBIDDEN, Some("cert_revoked")));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn failure_reports_are_stored_when_signed_by_a_certified_key() {
        let (state, www, pkg) = fixture("reports");
        let app = || app(state.clone(), www.clone(), pkg.clone(), false);
        let worker = offsign::Identity::generate().unwrap();
        let serial = enrolled(&state, app(), &worker).await;
        let report = offsign::ReportRow {
            id: "01930000-0000-7000-8000-000000000001".into(),
            fingerprint: "cert_expired|sign|k".into(),
            code: "cert_expired".into(),
            message: "the certificate expired".into(),
            remedy: "Renew it.".into(),
            operation: "sign".into(),
            kid: Some(worker.kid().into()),
            first_at: "2026-11-25T08:00:00.000Z".into(),
            last_at: "2026-11-25T08:05:00.000Z".into(),
            count: 3,
            app_version: "1.0".into(),
            user_agent: "test".into(),
            comment: Some("could not sign the delivery".into()),
            state: offsign::ReportState::Pending,
        };
        let stranger = offsign::Identity::generate().unwrap();
        let body = serde_json::json!({ "reports": [
            offsign::sign_report(&worker, &serial, &report).unwrap(),
            offsign::sign_report(&stranger, &serial, &report).unwrap(),
            "junk",
        ] })
        .to_string();
        let (status, answer) = post(app(), "/v1/reports", "application/json", body).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        let verdicts: Vec<(&str, Option<&str>)> = answer["verdicts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| (v["verdict"].as_str().unwrap(), v["code"].as_str()))
            .collect();
        assert_eq!(verdicts, [("stored", None), ("rejected", Some("bad_signature")), ("rejected", Some("malformed_report"))]);

        // Another worker's report with the same id is another report, not a replacement.
        let (state_other, other) = (state.clone(), offsign::Identity::generate().unwrap());
        add_code(&state_other, "YYYY-YYYY-YYYY", 3_600_000);
        let (_, enrolled) = post(app(), "/v1/enroll", "application/json", enroll_body(&other, "YYYY-YYYY-YYYY")).await;
        let other_serial = offsign::inspect_certificate(enrolled["certificate"].as_str().unwrap()).unwrap().serial;
        let impostor = offsign::ReportRow { comment: Some("replaced".into()), ..report.clone() };
        let body = serde_json::json!({ "reports": [offsign::sign_report(&other, &other_serial, &impostor).unwrap()] }).to_string();
        assert_eq!(post(app(), "/v1/reports", "application/json", body).await.1["verdicts"][0]["verdict"], "stored");
        assert_eq!(state.storage.reports_since(worker.kid(), 0).unwrap(), 1);
        assert_eq!(state.storage.reports_since(other.kid(), 0).unwrap(), 1);

        // A revoked key may still report, a little: past the day's allowance, rate_limited.
        state.storage.revoke(&RevokeTarget::Serial(serial.clone()), offsign::RevocationReason::KeyCompromise, api::now().millis()).unwrap();
        let many: Vec<String> = (0..api::REPORTS_PER_DAY_UNCERTIFIED + 5)
            .map(|i| offsign::sign_report(&worker, &serial, &offsign::ReportRow { id: format!("r-{i}"), ..report.clone() }).unwrap())
            .collect();
        let (status, answer) = post(app(), "/v1/reports", "application/json", serde_json::json!({ "reports": many }).to_string()).await;
        assert_eq!(status, StatusCode::OK);
        let limited = answer["verdicts"].as_array().unwrap().iter().filter(|v| v["code"] == "rate_limited").count() as u64;
        assert_eq!(limited, 6, "1 stored before, {} allowed a day", api::REPORTS_PER_DAY_UNCERTIFIED);
        assert_eq!(state.storage.reports_since(worker.kid(), 0).unwrap(), api::REPORTS_PER_DAY_UNCERTIFIED);
        let huge = offsign::ReportRow { id: "r-huge".into(), first_at: "x".repeat(10_000), ..report };
        let body = serde_json::json!({ "reports": [offsign::sign_report(&other, &other_serial, &huge).unwrap()] }).to_string();
        assert_eq!(post(app(), "/v1/reports", "application/json", body).await.1["verdicts"][0]["code"], "malformed_report", "every field is bounded");
    }

    /// The OpenAPI document is checked against the wire types it describes: each schema's
    /// members are those the type writes with every optional member set, its required ones
    /// those it writes with none; every code it lists is a code of the error table.
    #[test]
    fn openapi_schemas_are_the_wire_types_member_by_member() {
        use offsign::wire::*;
        use offsign::ErrorCode;
        let doc: serde_json::Value = serde_json::from_str(api::OPENAPI).unwrap();
        let schemas = &doc["components"]["schemas"];
        let table: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(schemas["ErrorCode"]["enum"], serde_json::json!(table), "the ErrorCode schema is the error table");
        fn codes_listed(value: &serde_json::Value, found: &mut Vec<String>) {
            match value {
                serde_json::Value::Object(map) => {
                    if let Some(listed) = map.get("code").and_then(|c| c["enum"].as_array()) {
                        found.extend(listed.iter().map(|c| c.as_str().unwrap().to_owned()));
                    }
                    map.values().for_each(|v| codes_listed(v, found));
                }
                serde_json::Value::Array(items) => items.iter().for_each(|v| codes_listed(v, found)),
                _ => {}
            }
        }
        let mut listed = Vec::new();
        codes_listed(&doc["components"], &mut listed);
        assert!(listed.len() > 10, "{listed:?}");
        for code in &listed {
            assert!(ErrorCode::parse(code).is_some(), "openapi.json lists {code}, which the error table does not have");
        }

        let s = || "x".to_owned();
        let jwk = offsign::Identity::generate().unwrap().public_key().to_jwk();
        let record = |code: Option<String>| RecordVerdict {
            index: 0, id: code.clone(), hash: s(), verdict: VerdictKind::Rejected, message: code.clone(), receipt: code.clone(), receipt_hash: code.clone(), code, chain_gap: false,
        };
        let report = |code: Option<String>| ReportVerdict { index: 0, id: code.clone(), verdict: ReportVerdictKind::Rejected, code };
        let pairs: Vec<(&str, serde_json::Value, serde_json::Value)> = vec![
            ("EnrollRequest", serde_json::to_value(EnrollRequest { code: s(), jwk: jwk.clone(), proof: s() }).unwrap(), serde_json::Value::Null),
            ("RenewRequest", serde_json::to_value(RenewRequest { request: s() }).unwrap(), serde_json::Value::Null),
            ("RecordsRequest", serde_json::from_str(&BatchRequest { items: vec![s()], nonce: Some(s()) }.to_json("records")).unwrap(),
                serde_json::from_str(&BatchRequest { items: vec![s()], nonce: None }.to_json("records")).unwrap()),
            ("ReportsRequest", serde_json::from_str(&BatchRequest { items: vec![s()], nonce: Some(s()) }.to_json("reports")).unwrap(),
                serde_json::from_str(&BatchRequest { items: vec![s()], nonce: None }.to_json("reports")).unwrap()),
            ("EnrollmentChallenge", serde_json::to_value(EnrollmentChallenge { challenge: s() }).unwrap(), serde_json::Value::Null),
            ("Enrolled", serde_json::to_value(Enrolled { worker: s(), authority: jwk.clone(), certificate: s(), revocation_list: s(), server_time: s() }).unwrap(), serde_json::Value::Null),
            ("RecordVerdict", serde_json::to_value(record(Some(s()))).unwrap(), serde_json::to_value(record(None)).unwrap()),
            ("RecordsAnswer", serde_json::to_value(RecordsAnswer { verdicts: vec![], answer: Some(s()), revocation_list: Some(s()), server_time: s() }).unwrap(),
                serde_json::to_value(RecordsAnswer { verdicts: vec![], answer: None, revocation_list: None, server_time: s() }).unwrap()),
            ("RevocationsAnswer", serde_json::to_value(RevocationsAnswer { revocation_list: s(), server_time: s(), answer: Some(s()) }).unwrap(),
                serde_json::to_value(RevocationsAnswer { revocation_list: s(), server_time: s(), answer: None }).unwrap()),
            ("ReportVerdict", serde_json::to_value(report(Some(s()))).unwrap(), serde_json::to_value(report(None)).unwrap()),
            ("ReportsAnswer", serde_json::to_value(ReportsAnswer { verdicts: vec![], server_time: s(), answer: Some(s()) }).unwrap(),
                serde_json::to_value(ReportsAnswer { verdicts: vec![], server_time: s(), answer: None }).unwrap()),
            ("Refusal", serde_json::to_value(Refusal::new(ErrorCode::MalformedRequest, "x")).unwrap(), serde_json::Value::Null),
        ];
        let members = |v: &serde_json::Value| -> Vec<String> {
            let mut keys: Vec<String> = v.as_object().unwrap().iter().filter(|(_, v)| !v.is_null()).map(|(k, _)| k.clone()).collect();
            keys.sort();
            keys
        };
        for (name, full, bare) in pairs {
            let schema = &schemas[name];
            let mut properties: Vec<String> = schema["properties"].as_object().unwrap_or_else(|| panic!("{name}")).keys().cloned().collect();
            properties.sort();
            let mut required: Vec<String> = schema["required"].as_array().unwrap().iter().map(|r| r.as_str().unwrap().to_owned()).collect();
            required.sort();
            assert_eq!(members(&full), properties, "{name}: the members the type writes");
            let bare = if bare.is_null() { &full } else { &bare };
            assert_eq!(members(bare), required, "{name}: the members it always writes");
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn openapi_describes_every_route_and_the_alert_rules_use_real_metrics() {
        let (state, www, pkg) = fixture("docs");
        let doc: serde_json::Value = serde_json::from_str(api::OPENAPI).unwrap();
        let described: Vec<&str> = doc["paths"].as_object().unwrap().keys().map(String::as_str).collect();
        let source = [include_str!("api.rs"), include_str!("evidence.rs")].concat();
        let routed: Vec<&str> = source.split(".route(\"").skip(1).map(|rest| rest.split('"').next().unwrap()).collect();
        let mut described_sorted = described.clone();
        described_sorted.sort();
        let mut routed_sorted = routed.clone();
        routed_sorted.sort();
        assert_eq!(described_sorted, routed_sorted, "openapi.json and the router list the same paths");
        assert_eq!(get(app(state.clone(), www.clone(), pkg.clone(), false), "/openapi.json").await.status(), StatusCode::OK);

        state.metrics.request("/v1/records", 200, std::time::Duration::from_millis(1));
        state.metrics.record("rejected", Some("bad_signature"));
        state.metrics.report("wrong_pin");
        state.metrics.evidence("digest_mismatch");
        let text = state.metrics.render(&state.storage.gauges(0).unwrap());
        let rules = include_str!("../prometheus/alerts.yml");
        for name in rules.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).filter(|w| w.starts_with("offsign_")) {
            assert!(text.contains(&format!("{name}{{")) || text.contains(&format!("{name} ")), "alerts.yml uses {name}, which /metrics does not export");
        }
    }
}

