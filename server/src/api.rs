//! The HTTP API under `/v1`, JSON in and out. Every refusal is `{"code", "message"}` with a
//! fitting status; nothing is stored from a refused request.

use crate::ingest::{ingest, prepare, Known, Prepared};
use crate::ingest::CLOCK_TOLERANCE_MS;
use crate::storage::{CertificateRow, DeviceRow, Renewal, Storage, StoredReport};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use offsign::wire::{
    BatchRequest, EnrollRequest, Enrolled, EnrollmentChallenge, RecordVerdict, RecordsAnswer, Refusal, RenewRequest, ReportVerdict, ReportVerdictKind,
    ReportsAnswer, RevocationsAnswer, StatusRequest, VerdictKind,
};
use offsign::{Authority, ErrorCode, PublicJwk, PublicKey, Timestamp, DAY_MS, MAX_SYNC_BATCH};
use serde::Deserialize;
use serde_json::json;
use sha2::Digest as _;
use std::net::IpAddr;
use std::sync::Arc;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// Bytes per request body: 500 records of up to 16 KiB each.
pub const MAX_BODY_BYTES: usize = 8 << 20;
/// A revocation list is due for renewal this long after it was issued.
const REVOCATION_LIST_LIFETIME_MS: i64 = 7 * DAY_MS;
/// Certificates start this much before issue, for devices whose clock is a little behind.
const BACKDATE_MS: i64 = 5 * 60_000;

/// What the handlers share.
pub struct AppState<S> {
    /// Where everything is kept.
    pub storage: S,
    /// The authority key.
    pub authority: Authority,
    /// Counters for `/metrics`.
    pub metrics: crate::metrics::Metrics,
    /// Requests per second per client address.
    pub rate_limit: crate::metrics::RateLimit,
    /// Origins of apps served elsewhere that may call the API from their pages (CORS); empty:
    /// only the app this server serves.
    pub allowed_origins: Vec<HeaderValue>,
    /// Reverse proxies whose `X-Forwarded-For` / `X-Forwarded-Proto` headers are believed;
    /// from any other peer they are ignored.
    pub trusted_proxies: TrustedProxies,
    /// When set, `/metrics` answers only requests with `Authorization: Bearer <token>`.
    pub metrics_token: Option<zeroize::Zeroizing<String>>,
    /// The address workers' phones reach this server at (`--public-url`), for enrollment
    /// links; `None`: the address the administrator's browser used.
    pub public_url: Option<String>,
    /// Where records' documents and signature images are kept.
    pub evidence: crate::blobs::EvidenceStore,
    /// The program that makes the stamped copy of a PDF document in a child process (this
    /// server's executable, `offsign-server stamp-pdf`); `None`: bundles hold no stamped copy.
    pub pdf_stamper: Option<std::path::PathBuf>,
    /// Set when the server was told to stop (SIGTERM, Ctrl-C): `/readyz` answers 503 so that a
    /// load balancer sends new work elsewhere, while requests go on being served until the
    /// drain time is over, and those under way then finish.
    pub draining: std::sync::atomic::AtomicBool,
}

/// The reverse proxies (`--trusted-proxy`) whose forwarding headers are believed and whose
/// connections are not limited per address.
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(pub Vec<ipnet::IpNet>);

impl TrustedProxies {
    /// Whether `peer` is one of them.
    pub fn trust(&self, peer: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&peer))
    }
}

impl<S> AppState<S> {
    /// The client's address: the peer, or, when the peer is a trusted proxy, the nearest
    /// address in `X-Forwarded-For` that is not itself a trusted proxy, read from the right:
    /// the proxy appends the address it saw, and what a client wrote on the left is never
    /// reached. A value that is not an address stops the walk at the hop before it.
    /// (`Forwarded`, RFC 7239, is not read: proxies set `X-Forwarded-For` by default, and a
    /// header the proxy does not set is one the client chose.)
    pub fn client_address(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusted_proxies.trust(peer) {
            return peer;
        }
        let values: Vec<&str> = headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect();
        let mut client = peer;
        for hop in values.iter().flat_map(|v| v.split(',')).rev() {
            match parse_node(hop.trim()) {
                Some(ip) => client = ip,
                None => break,
            }
            if !self.trusted_proxies.trust(client) {
                break;
            }
        }
        client
    }

    /// Whether a trusted proxy says (`X-Forwarded-Proto`, its last value) that the client came
    /// over HTTPS.
    pub fn forwarded_https(&self, peer: IpAddr, headers: &HeaderMap) -> bool {
        if !self.trusted_proxies.trust(peer) {
            return false;
        }
        let all = headers.get_all("x-forwarded-proto").iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>().join(",");
        all.rsplit(',').next().is_some_and(|p| p.trim().eq_ignore_ascii_case("https"))
    }
}

/// An address from an `X-Forwarded-For` entry: `192.0.2.1`, `192.0.2.1:4711`,
/// `[2001:db8::1]:4711` or `2001:db8::1`.
fn parse_node(text: &str) -> Option<IpAddr> {
    if let Ok(ip) = text.parse() {
        return Some(ip);
    }
    if let Ok(socket) = text.parse::<std::net::SocketAddr>() {
        return Some(socket.ip());
    }
    text.strip_prefix('[')?.split(']').next()?.parse().ok()
}

/// Refuses a client over its rate (429 with Retry-After) and measures each request's latency
/// by route for `/metrics`.
pub(crate) async fn limit_and_measure<S: Storage>(
    State(state): State<Arc<AppState<S>>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let route = request.extensions().get::<axum::extract::MatchedPath>().map_or("other", |p| p.as_str()).to_owned();
    let peer = request.extensions().get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
    let client = peer.map(|peer| state.client_address(peer, request.headers()));
    if let Some(Err(wait)) = client.map(|ip| state.rate_limit.take(ip)) {
        state.metrics.rate_limited();
        let mut refused = ApiError::new(StatusCode::TOO_MANY_REQUESTS, ErrorCode::RateLimited, "too many requests; slow down").into_response();
        refused.headers_mut().insert(header::RETRY_AFTER, wait.into());
        return refused;
    }
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    state.metrics.request(&route, response.status().as_u16(), started.elapsed());
    response
}

/// A refusal: status, stable code, message.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: ErrorCode,
    message: String,
}

impl ApiError {
    /// A refusal with `status`, `code` and `message`.
    pub(crate) fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError { status, code, message: message.into() }
    }

    /// A fault of the server's own: what went wrong goes to the log, never to the client (it
    /// may name files, the object store's address or its answers).
    pub(crate) fn internal(message: impl Into<String>) -> Self {
        tracing::error!("{}", message.into());
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::InternalError, "the server failed to do this; try again later")
    }

    /// The HTTP status it answers with.
    pub(crate) fn status(&self) -> StatusCode {
        self.status
    }

    /// Its code.
    pub(crate) fn code(&self) -> ErrorCode {
        self.code
    }

    /// A request the server cannot read (400).
    pub(crate) fn malformed(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::MalformedRequest, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(Refusal::new(self.code, self.message))).into_response()
    }
}

impl From<crate::storage::StorageError> for ApiError {
    fn from(e: crate::storage::StorageError) -> Self {
        tracing::error!("{e}");
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, ErrorCode::StorageUnavailable, "the server could not read or write its database")
    }
}

/// A handler's result: its answer, or a refusal.
pub(crate) type ApiResult<T> = Result<T, ApiError>;

pub use crate::clock::now;

/// Refuses a body that is not declared as JSON (415).
fn require_json(headers: &HeaderMap) -> ApiResult<()> {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if content_type.split(';').next().map(str::trim) != Some("application/json") {
        return Err(ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, ErrorCode::UnsupportedMediaType, "send application/json"));
    }
    Ok(())
}

/// Parses a JSON body, refusing other content types (415) and malformed JSON (400).
fn json_body<T: for<'de> Deserialize<'de>>(headers: &HeaderMap, body: &Bytes) -> ApiResult<T> {
    require_json(headers)?;
    serde_json::from_slice(body).map_err(|e| ApiError::malformed(format!("the body is not the expected JSON: {e}")))
}

/// Parses a batch body whose items are in `member` (`records` or `reports`): JSON (415,
/// 400), 1 to [`MAX_SYNC_BATCH`] items, a well-formed nonce.
fn batch_body(headers: &HeaderMap, body: &Bytes, member: &str) -> ApiResult<BatchRequest> {
    require_json(headers)?;
    let request = BatchRequest::from_json(body, member).map_err(|e| ApiError::malformed(format!("the body is not the expected JSON: {e}")))?;
    batch_size(request.items.len(), member)?;
    check_nonce(request.nonce.as_deref())?;
    Ok(request)
}

/// Refuses an empty batch or one of more than [`offsign::MAX_SYNC_BATCH`] items.
fn batch_size(items: usize, what: &str) -> ApiResult<()> {
    if items == 0 || items > MAX_SYNC_BATCH {
        return Err(ApiError::malformed(format!("send 1 to {MAX_SYNC_BATCH} {what} per request")));
    }
    Ok(())
}

/// Runs blocking storage work off the async threads, inside the request's log span.
pub(crate) async fn blocking<S: Storage, T: Send + 'static>(
    state: &Arc<AppState<S>>,
    work: impl FnOnce(&AppState<S>) -> ApiResult<T> + Send + 'static,
) -> ApiResult<T> {
    let state = state.clone();
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || span.in_scope(|| work(&state)))
        .await
        .unwrap_or_else(|_| Err(ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::InternalError, "the request failed")))
}

/// The current revocation list, signed now: the revoked certificates that have not expired
/// (a week's grace for devices whose clock is behind). `revocation_list_unavailable` (503)
/// when it cannot be signed, e.g. more serials than a device accepts.
pub(crate) fn revocation_list<S: Storage>(state: &AppState<S>, now: Timestamp) -> ApiResult<String> {
    let revoked = state.storage.revoked_serials(now.millis() - REVOCATION_LIST_LIFETIME_MS)?;
    state.authority.issue_revocation_list(revoked, now, now.plus_millis(REVOCATION_LIST_LIFETIME_MS)).map_err(|e| {
        tracing::error!("the revocation list cannot be signed: {e}");
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, ErrorCode::RevocationListUnavailable, "the revocation list cannot be signed now")
    })
}

/// `/metrics` alone, for a listener of its own (`--metrics-addr`), behind the token when
/// one is set.
pub fn metrics_routes<S: Storage>(state: Arc<AppState<S>>) -> Router {
    Router::new()
        .route("/metrics", get(metrics::<S>))
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), limit_and_measure::<S>))
        .with_state(state)
}

/// The `/v1` routes, `/healthz`, `/openapi.json`, and `/metrics` unless `with_metrics` is
/// false (served on its own address).
pub fn routes<S: Storage>(state: Arc<AppState<S>>, with_metrics: bool) -> Router {
    let origins = state.allowed_origins.clone();
    let metrics = if with_metrics { metrics_routes(state.clone()) } else { Router::new() };
    let routes = Router::new()
        .route("/healthz", get(healthz::<S>))
        .route("/readyz", get(readyz::<S>))
        .route("/v1/authority", get(authority::<S>))
        .route("/v1/enroll", get(enrollment_challenge).post(enroll::<S>))
        .route("/v1/revocations", get(revocations::<S>))
        .route("/v1/records", post(records::<S>))
        .route("/v1/renew", post(renew::<S>))
        .route("/v1/reports", post(reports::<S>))
        .route("/v1/status", post(status::<S>))
        .route("/v1/evidence-key", get(evidence_key::<S>))
        .route("/v1/forms", get(forms::<S>))
        .route("/v1/certificates/{serial}", get(certificate_status::<S>))
        .route("/openapi.json", get(openapi));
    with_cors(with_api_layers(routes, state).merge(metrics), &origins)
}

/// The layers of every API route: the per-client rate limit and latency (`/metrics`), and the
/// body limit.
pub(crate) fn with_api_layers<S: Storage>(routes: Router<Arc<AppState<S>>>, state: Arc<AppState<S>>) -> Router {
    routes
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), limit_and_measure::<S>))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

/// CORS for the allowed `origins` (none: only the app this server serves calls the API).
pub(crate) fn with_cors(routes: Router, origins: &[HeaderValue]) -> Router {
    if origins.is_empty() {
        return routes;
    }
    // Preflights are answered here, before the rate limit; Retry-After stays readable for
    // the client's backoff.
    routes.layer(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins.iter().cloned()))
            .allow_methods([Method::GET, Method::HEAD, Method::POST, Method::PATCH])
            .allow_headers([
                header::CONTENT_TYPE,
                HeaderName::from_static("upload-offset"),
                HeaderName::from_static("upload-length"),
                HeaderName::from_static("tus-resumable"),
                HeaderName::from_static(offsign::wire::UPLOAD_TOKEN_HEADER),
            ])
            .expose_headers([header::RETRY_AFTER, HeaderName::from_static("upload-offset"), HeaderName::from_static("upload-length")])
            .max_age(std::time::Duration::from_secs(86_400)),
    )
}

/// An origin for [`AppState::allowed_origins`]: `https://host[:port]` (or `http://`), nothing
/// after the authority.
pub fn parse_origin(text: &str) -> Result<HeaderValue, String> {
    let rest = text.strip_prefix("https://").or_else(|| text.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !host.contains(['/', '?', '#', ' ', ',']) => {
            HeaderValue::from_str(text).map_err(|e| format!("origin {text:?}: {e}"))
        }
        _ => Err(format!("origin {text:?} is not scheme://host[:port], e.g. https://app.example.com")),
    }
}

/// `ok` and the number of stored records when the database answers; 503 when not.
async fn healthz<S: Storage>(State(state): State<Arc<AppState<S>>>) -> ApiResult<Json<serde_json::Value>> {
    blocking(&state, |state| Ok(Json(json!({ "status": "ok", "records": state.storage.record_count()? })))).await
}

/// For load balancers: 200 `{"status":"ready"}` while this instance takes work and its
/// database answers; 503 `{"status":"draining"}` once it was told to stop, and
/// `storage_unavailable` while the database does not answer.
async fn readyz<S: Storage>(State(state): State<Arc<AppState<S>>>) -> ApiResult<Response> {
    if state.draining.load(std::sync::atomic::Ordering::Relaxed) {
        return Ok((StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "status": "draining" }))).into_response());
    }
    blocking(&state, |state| {
        state.storage.ping()?;
        Ok(Json(json!({ "status": "ready" })).into_response())
    })
    .await
}

/// The OpenAPI 3 description of every endpoint.
pub const OPENAPI: &str = include_str!("../api/openapi.json");

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

/// The Prometheus text format; with a token set, only for `Authorization: Bearer <token>`.
async fn metrics<S: Storage>(State(state): State<Arc<AppState<S>>>, headers: HeaderMap) -> ApiResult<Response> {
    if let Some(token) = &state.metrics_token {
        let given = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer ")).unwrap_or("");
        // Compared as digests, so the time taken says nothing about the token.
        if sha2::Sha256::digest(given.as_bytes()) != sha2::Sha256::digest(token.as_bytes()) {
            let mut refused = ApiError::new(StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized, "/metrics needs its bearer token").into_response();
            refused.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            return Ok(refused);
        }
    }
    blocking(&state, |state| {
        let gauges = state.storage.gauges(now().millis())?;
        let text = state.metrics.render(&gauges);
        Ok(([(header::CONTENT_TYPE, crate::metrics::CONTENT_TYPE)], text).into_response())
    })
    .await
}

async fn authority<S: Storage>(State(state): State<Arc<AppState<S>>>) -> Json<serde_json::Value> {
    Json(json!({ "name": state.authority.name(), "jwk": state.authority.public_key().to_jwk() }))
}

/// `GET /v1/evidence-key`: the key devices seal evidence to, in a statement signed by the
/// authority (`offsign-evidence-key+jws`), which a device checks with the key it pinned.
async fn evidence_key<S: Storage>(State(state): State<Arc<AppState<S>>>) -> ApiResult<Json<serde_json::Value>> {
    let statement = state.authority.issue_evidence_key(now()).map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(Json(json!({ "evidenceKey": statement })))
}

/// `GET /v1/forms?have=TAG`.
#[derive(Deserialize)]
struct FormsQuery {
    /// The [`offsign::forms_tag`] of the set the device holds.
    have: Option<String>,
}

/// `GET /v1/forms`: the newest version of every form, signed by the authority
/// (`offsign-forms+jws`): what devices fill in, cached for offline use. A device that names
/// the tag of the set it holds (`?have=`) gets `{"unchanged": true}` when no form changed: a
/// sync on a metered connection does not fetch the same forms again.
async fn forms<S: Storage>(State(state): State<Arc<AppState<S>>>, axum::extract::Query(query): axum::extract::Query<FormsQuery>) -> ApiResult<Json<serde_json::Value>> {
    if query.have.as_ref().is_some_and(|tag| tag.len() > 64) {
        return Err(ApiError::malformed("have: the tag of a set of forms, at most 64 characters"));
    }
    blocking(&state, move |state| {
        let mut forms = Vec::new();
        for stored in state.storage.forms_in_use()? {
            // Checked when it was added; one that no longer reads is left out, and logged.
            match offsign::Form::parse(stored.definition.as_bytes()) {
                Ok(form) => forms.push(form),
                Err(e) => tracing::error!("stored form {} version {} does not read: {e}", stored.id, stored.version),
            }
        }
        if query.have.as_deref() == Some(offsign::forms_tag(&forms).as_str()) {
            return Ok(Json(json!({ "unchanged": true })));
        }
        let signed = state.authority.issue_forms(forms, now()).map_err(|e| ApiError::internal(e.to_string()))?;
        Ok(Json(json!({ "forms": signed })))
    })
    .await
}

/// `GET /v1/certificates/{serial}`: the certificate's state now, signed by the authority
/// (`offsign-cert-status+jws`): valid, not yet valid, expired, revoked (since when), or
/// superseded by a renewal (by which). 404 `cert_unknown` for a serial never issued.
async fn certificate_status<S: Storage>(
    State(state): State<Arc<AppState<S>>>,
    axum::extract::Path(serial): axum::extract::Path<String>,
) -> ApiResult<Json<serde_json::Value>> {
    blocking(&state, move |state| {
        let unknown = || ApiError::new(StatusCode::NOT_FOUND, ErrorCode::CertUnknown, "this authority issued no certificate with this serial");
        if serial.len() > 128 {
            return Err(unknown());
        }
        let row = state.storage.certificate(&serial)?.ok_or_else(unknown)?;
        let signed = certificate_status_now(state, &row)?;
        Ok(Json(json!({ "status": signed })))
    })
    .await
}

/// The status of the certificate in `row` now, signed by the authority.
pub(crate) fn certificate_status_now<S>(state: &AppState<S>, row: &CertificateRow) -> ApiResult<String> {
    let now = now();
    let time = |ms: i64| Timestamp::from_millis(ms).map(|t| t.to_string()).ok();
    // A revocation is told by its reason, not by `superseded_by`: revoking a worker also
    // revokes the certificates a renewal had replaced, which keep their successor's serial.
    let revocation = row.revocation();
    let status = match row.revoked_at {
        Some(_) if revocation.is_some() => "revoked",
        _ if now.millis() >= row.exp => "expired",
        Some(_) => "superseded",
        None if now.millis() < row.nbf => "not_yet_valid",
        None => "valid",
    };
    state
        .authority
        .issue_certificate_status(offsign::CertificateStatus {
            v: 1,
            iss: String::new(),
            serial: row.serial.clone(),
            sub: row.worker.clone(),
            status: status.to_owned(),
            revoked_at: row.revoked_at.and_then(time),
            reason: revocation,
            superseded_by: row.superseded_by.clone(),
            checked_at: now.to_string(),
            certificate: row.jws.clone(),
        })
        .map_err(|e| ApiError::internal(e.to_string()))
}

/// How old an enrollment challenge may be when its proof arrives (either way: the clocks
/// of several instances may differ a little).
const CHALLENGE_LIFETIME_MS: i64 = 10 * 60_000;

/// `GET /v1/enroll`: the challenge an enrollment proof signs, the server's time.
async fn enrollment_challenge() -> Json<EnrollmentChallenge> {
    Json(EnrollmentChallenge { challenge: now().to_string() })
}

/// Refuses a key that must not be certified (`weak_key`) and a proof that is not by this
/// key, for this code, made in answer to a fresh challenge; the proof.
fn check_possession(request: &EnrollRequest, key: &PublicKey, now: Timestamp) -> ApiResult<offsign::EnrollmentProof> {
    let refused = |code, message: &str| ApiError::new(StatusCode::FORBIDDEN, code, message);
    if !key.is_prime_order() {
        return Err(refused(ErrorCode::WeakKey, "the key is of small order or has a torsion component"));
    }
    let proof = offsign::verify_enrollment_proof(&request.proof, key)
        .map_err(|_| refused(ErrorCode::ProofInvalid, "the proof is not an enrollment proof signed by this key"))?;
    if proof.code != offsign::enrollment_code_hash(&request.code) {
        return Err(refused(ErrorCode::ProofInvalid, "the proof is for another code"));
    }
    let issued = Timestamp::parse_rfc3339(&proof.challenge).map_err(|_| refused(ErrorCode::ProofInvalid, "the challenge is not one of ours"))?;
    if (now.millis() - issued.millis()).abs() > CHALLENGE_LIFETIME_MS {
        return Err(refused(ErrorCode::ChallengeStale, "the challenge is too old: fetch GET /v1/enroll again"));
    }
    Ok(proof)
}

async fn enroll<S: Storage>(State(state): State<Arc<AppState<S>>>, headers: HeaderMap, body: Bytes) -> ApiResult<Json<Enrolled>> {
    let request: EnrollRequest = json_body(&headers, &body)?;
    let key = PublicKey::from_jwk(&request.jwk).map_err(|e| ApiError::malformed(format!("jwk: {}", e.message())))?;
    let continues = check_possession(&request, &key, now())?.continues;
    blocking(&state, move |state| {
        let now = now();
        let serial = random_serial()?;
        // Everything that can fail before the code is spent: a device that gets no answer
        // must be able to enroll again with the same code.
        let list = revocation_list(state, now)?;
        let hash = offsign::enrollment_code_hash(&request.code);
        let redeemed = state.storage.redeem_code(&hash, now.millis(), |code, theirs| {
            if code.used_at.is_some() {
                return Err(ApiError::new(StatusCode::FORBIDDEN, ErrorCode::EnrollmentCodeUsed, "this code was used already; ask for a new one"));
            }
            if now.millis() >= code.expires_at {
                return Err(ApiError::new(StatusCode::FORBIDDEN, ErrorCode::EnrollmentCodeExpired, "this code has expired; ask for a new one"));
            }
            // The key replaced must be one of this worker's, and not the one being enrolled.
            if let Some(replaced) = &continues {
                if replaced.kid == key.kid() || !theirs.iter().any(|c| c.kid == replaced.kid) {
                    return Err(ApiError::new(StatusCode::FORBIDDEN, ErrorCode::ReplacedKeyUnknown, "the key this enrollment replaces is not one of this worker's"));
                }
            }
            let nbf = now.plus_millis(-BACKDATE_MS);
            let exp = now.plus_millis(i64::from(code.days) * DAY_MS);
            let cert = CertificateRow::issue(&state.authority, &serial, &code.worker, &request.jwk, nbf, exp)
                .map_err(|e| ApiError::malformed(e.message().to_owned()))?;
            Ok(CertificateRow { continues: continues.clone(), ..cert })
        }, |batch, cert| {
            // The replaced key can sign no more; what it signed before still counts.
            if let Some(replaced) = &cert.continues {
                let target = crate::storage::RevokeTarget::Key { worker: cert.worker.clone(), kid: replaced.kid.clone() };
                crate::admin::revoke(batch, crate::admin::ENROLLMENT, &target, offsign::RevocationReason::Superseded, &cert.worker)?;
            }
            Ok(())
        })?;
        let cert = match redeemed {
            None => return Err(ApiError::new(StatusCode::FORBIDDEN, ErrorCode::EnrollmentCodeUnknown, "no such enrollment code")),
            Some(result) => result?,
        };
        // A key this enrollment superseded is on the list from now on: the device learns it at
        // once (the list signed before the code was spent stands in if this one cannot be signed).
        let list = if cert.continues.is_some() { revocation_list(state, now).unwrap_or(list) } else { list };
        Ok(credentials(state, cert, list, now))
    })
    .await
}

/// What a device stores after enrollment or renewal: its certificate with the authority key,
/// the current revocation list and the server's time.
fn credentials<S: Storage>(state: &AppState<S>, cert: CertificateRow, revocation_list: String, now: Timestamp) -> Json<Enrolled> {
    Json(Enrolled {
        worker: cert.worker,
        authority: state.authority.public_key().to_jwk(),
        certificate: cert.jws,
        revocation_list,
        server_time: now.to_string(),
    })
}

/// Issues a new certificate for the same worker and key, as long as the current one: asked
/// for by a renewal request signed with the current key while its certificate is valid.
async fn renew<S: Storage>(State(state): State<Arc<AppState<S>>>, headers: HeaderMap, body: Bytes) -> ApiResult<Json<Enrolled>> {
    let body: RenewRequest = json_body(&headers, &body)?;
    let request = offsign::inspect_renewal_request(&body.request).map_err(|e| ApiError::malformed(e.message().to_owned()))?;
    blocking(&state, move |state| {
        let now = now();
        let refused = |code, message: &str| ApiError::new(StatusCode::FORBIDDEN, code, message);
        let internal = |e: offsign::Error| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::InternalError, e.to_string());
        let Some(current) = state.storage.certificate(&request.serial)? else {
            return Err(refused(ErrorCode::CertUnknown, "no such certificate was issued here"));
        };
        let key = PublicKey::from_jwk_json(&current.jwk).map_err(internal)?;
        offsign::verify_renewal_request(&body.request, &key).map_err(|_| refused(ErrorCode::BadSignature, "the request is not signed by the certified key"))?;
        if current.revocation().is_some() {
            return Err(refused(ErrorCode::CertRevoked, "the certificate is revoked; enroll again"));
        }
        if now.millis() >= current.exp {
            return Err(refused(ErrorCode::CertExpired, "the certificate has expired; enroll again with a new code"));
        }
        let requested_at = Timestamp::parse_rfc3339(&request.requested_at).map_err(|_| ApiError::malformed("requestedAt"))?;
        if (requested_at.millis() - now.millis()).abs() > 2 * CLOCK_TOLERANCE_MS {
            return Err(refused(ErrorCode::RequestStale, "the request was made too long ago or the device clock is off; try again"));
        }
        // The new certificate supersedes the current one; a request for a certificate that was
        // superseded already (a replay, or a device that never got the answer) gets the
        // certificate issued then: one renewal, one new certificate.
        let serial = random_serial()?;
        // As at enrollment: what can fail comes before the old certificate is superseded.
        let list = revocation_list(state, now)?;
        let renewal = state.storage.renew(&current.serial, now.millis(), || {
            let nbf = now.plus_millis(-BACKDATE_MS);
            let exp = now.plus_millis(current.exp - current.nbf - BACKDATE_MS);
            let jwk: PublicJwk = serde_json::from_str(&current.jwk).map_err(|e| crate::storage::StorageError(e.to_string()))?;
            CertificateRow::issue(&state.authority, &serial, &current.worker, &jwk, nbf, exp)
                .map_err(|e| crate::storage::StorageError(e.to_string()))
        })?;
        let renewed = match renewal {
            Renewal::Issued(cert) => cert,
            Renewal::Existing(cert) if cert.revoked_at.is_some() => return Err(refused(ErrorCode::CertRevoked, "the certificate is revoked; enroll again")),
            Renewal::Existing(cert) => cert,
        };
        Ok(credentials(state, renewed, list, now))
    })
    .await
}

/// New reports a key may store per day while its certificate is live.
pub const REPORTS_PER_DAY: u64 = 1_000;
/// New reports a key may store per day once its certificate is revoked or expired: its
/// failures still matter, but such a key may be in a thief's hands.
pub const REPORTS_PER_DAY_UNCERTIFIED: u64 = 50;

/// Stores failure reports signed by a key the server certified (expired or revoked
/// certificates too, up to [`REPORTS_PER_DAY_UNCERTIFIED`] a day: those are the devices
/// whose failures matter most). A report is its signer's: the same id from another key is
/// another report.
async fn reports<S: Storage>(State(state): State<Arc<AppState<S>>>, headers: HeaderMap, body: Bytes) -> ApiResult<Json<ReportsAnswer>> {
    let body = batch_body(&headers, &body, "reports")?;
    blocking(&state, move |state| {
        let now = now();
        let mut judged = Vec::new();
        for jws in &body.items {
            let read = offsign::inspect_report(jws).ok();
            let id: Option<String> = read.as_ref().map(|r| r.report.id.chars().take(64).collect());
            let verdict = match read {
                Some(signed) => judge_report(state, jws, signed, now)?,
                None => Err(ErrorCode::MalformedReport),
            };
            judged.push((id, verdict));
        }
        // The allowance is counted and the reports stored in one transaction, so that requests
        // at the same time cannot each see the count before the others.
        let candidates: Vec<(StoredReport, u64)> = judged
            .iter()
            .filter_map(|(_, v)| v.as_ref().ok())
            .map(|(report, live)| (report.clone(), if *live { REPORTS_PER_DAY } else { REPORTS_PER_DAY_UNCERTIFIED }))
            .collect();
        let mut kept = state.storage.store_reports(&candidates, now.millis() - DAY_MS)?.into_iter();
        let mut verdicts = Vec::new();
        for (index, (id, verdict)) in judged.into_iter().enumerate() {
            let verdict = match verdict {
                Ok((report, _)) if kept.next().unwrap_or(false) => {
                    state.metrics.report(&report.report.code);
                    ReportVerdict { index, id, verdict: ReportVerdictKind::Stored, code: None }
                }
                Ok(_) => ReportVerdict { index, id, verdict: ReportVerdictKind::Rejected, code: Some(ErrorCode::RateLimited.as_str().into()) },
                Err(code) => ReportVerdict { index, id, verdict: ReportVerdictKind::Rejected, code: Some(code.as_str().into()) },
            };
            verdicts.push(verdict);
        }
        let answer = signed_answer(state, now, serde_json::to_value(&verdicts).expect("verdicts serialize"), body.nonce.as_deref());
        Ok(Json(ReportsAnswer { verdicts, server_time: now.to_string(), answer }))
    })
    .await
}

/// Stores a device's status, signed by a key the server certified: 204. A revoked or expired
/// certificate's device is heard too (what such a device does matters most); an unknown
/// certificate or a bad signature is refused (403), a status out of bounds is malformed (400).
async fn status<S: Storage>(State(state): State<Arc<AppState<S>>>, headers: HeaderMap, body: Bytes) -> ApiResult<StatusCode> {
    let body: StatusRequest = json_body(&headers, &body)?;
    let claimed = offsign::inspect_status(&body.status).map_err(|e| ApiError::malformed(e.message().to_owned()))?;
    blocking(&state, move |state| {
        let refused = |code, message: &str| ApiError::new(StatusCode::FORBIDDEN, code, message);
        let Some(cert) = state.storage.certificate(&claimed.cert)? else {
            return Err(refused(ErrorCode::CertUnknown, "no such certificate was issued here"));
        };
        let key = PublicKey::from_jwk_json(&cert.jwk).map_err(|e| ApiError::internal(e.to_string()))?;
        let status = offsign::verify_status(&body.status, &key).map_err(|_| refused(ErrorCode::BadSignature, "the status is not signed by the certified key"))?;
        // Everything kept is bounded (bytes), as a device of this version sends it.
        let too_long = status.app_version.len() > 128
            || status.user_agent.len() > 512
            || status.sent_at.len() > 40
            || status.oldest_pending_at.as_ref().is_some_and(|t| t.len() > 40)
            || status.checks.len() > 64
            || status.checks.iter().any(|c| c.id.len() > 400 || c.value.len() > 800 || !matches!(c.status.as_str(), "ok" | "warn" | "fail"));
        let nul = crate::storage::holds_nul([status.app_version.as_str(), &status.user_agent, status.oldest_pending_at.as_deref().unwrap_or_default()]);
        if status.v != 1 || too_long || nul {
            return Err(ApiError::malformed("a device status of version 1 with its fields in bounds, and no NUL character"));
        }
        // A status is news only when fresh: one made long ago (a replay) or not after the last
        // one stored cannot make a lost device look alive.
        let sent_at = Timestamp::parse_rfc3339(&status.sent_at).map_err(|_| ApiError::malformed("sentAt is an RFC 3339 time"))?;
        if (sent_at.millis() - now().millis()).abs() > 2 * CLOCK_TOLERANCE_MS {
            return Err(refused(ErrorCode::RequestStale, "the status was made too long ago or the device clock is off"));
        }
        let count = |level: &str| status.checks.iter().filter(|c| c.status == level).count() as u32;
        let now = now().millis();
        let device = DeviceRow {
            kid: cert.kid,
            worker: cert.worker,
            first_seen: now,
            last_seen: now,
            app_version: status.app_version.clone(),
            user_agent: status.user_agent.clone(),
            failing: count("fail"),
            warnings: count("warn"),
            pending: status.pending,
            oldest_pending_at: status.oldest_pending_at.clone(),
            status_at: Some(now),
        };
        let json = serde_json::to_string(&status).map_err(|e| ApiError::internal(e.to_string()))?;
        if !state.storage.store_status(&device, &sent_at.to_string(), &json)? {
            return Err(refused(ErrorCode::RequestStale, "a status as new as this one is stored already"));
        }
        Ok(StatusCode::NO_CONTENT)
    })
    .await
}

/// A report read from `jws` (as `signed`) to store, and whether its signer's certificate is
/// live (not revoked, superseded or expired); or why not.
fn judge_report<S: Storage>(
    state: &AppState<S>,
    jws: &str,
    signed: offsign::SignedReport,
    now: Timestamp,
) -> ApiResult<Result<(StoredReport, bool), ErrorCode>> {
    let Some(cert) = state.storage.certificate(&signed.cert)? else { return Ok(Err(ErrorCode::CertUnknown)) };
    let Ok(key) = PublicKey::from_jwk_json(&cert.jwk) else { return Ok(Err(ErrorCode::CertUnknown)) };
    if offsign::verify_report(jws, &key).is_err() {
        return Ok(Err(ErrorCode::BadSignature));
    }
    let r = &signed.report;
    // Every field the server keeps is bounded (bytes).
    let too_long = r.code.len() > 64
        || r.operation.len() > 64
        || r.message.len() > 2_000
        || r.first_at.len() > 40
        || r.last_at.len() > 40
        || r.user_agent.len() > 512
        || r.app_version.len() > 128
        || r.comment.as_ref().is_some_and(|c| c.len() > 4 * offsign::MAX_COMMENT_CHARS);
    // Nor can a field hold a NUL character (`holds_nul`).
    let texts = [r.id.as_str(), &r.code, &r.operation, &r.message, &r.first_at, &r.last_at, &r.user_agent, &r.app_version, r.comment.as_deref().unwrap_or_default()];
    let nul = crate::storage::holds_nul(texts);
    if too_long || nul || r.id.is_empty() || r.id.len() > 64 {
        return Ok(Err(ErrorCode::MalformedReport));
    }
    let live = cert.revoked_at.is_none() && now.millis() < cert.exp;
    let stored = StoredReport { report: signed.report, kid: cert.kid, worker: cert.worker, cert_serial: cert.serial, received_at: now.millis() };
    Ok(Ok((stored, live)))
}

/// The authority's signature over an answer's `verdicts`, the server time and the request's
/// `nonce` (an `offsign-answer+jws`): devices act only on what it says, for their request. `None` (and a log line) in the
/// unlikely case it cannot be signed: the verdicts are answered all the same.
fn signed_answer<S: Storage>(state: &AppState<S>, now: Timestamp, verdicts: serde_json::Value, nonce: Option<&str>) -> Option<String> {
    state.authority.sign_answer(now, verdicts, nonce).map_err(|e| tracing::error!("an answer cannot be signed: {e}")).ok()
}

/// A new certificate serial: 128 random bits, hex.
fn random_serial() -> ApiResult<String> {
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes).map_err(|_| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, ErrorCode::RandomnessUnavailable, "no randomness"))?;
    Ok(crate::hex::hex(&bytes))
}

/// `GET /v1/revocations?nonce=…`.
#[derive(Deserialize)]
struct RevocationsQuery {
    nonce: Option<String>,
}

/// The revocation list, and (with a nonce) the server time in an answer signed for this request.
async fn revocations<S: Storage>(
    State(state): State<Arc<AppState<S>>>,
    axum::extract::Query(query): axum::extract::Query<RevocationsQuery>,
) -> ApiResult<Json<RevocationsAnswer>> {
    check_nonce(query.nonce.as_deref())?;
    blocking(&state, move |state| {
        let now = now();
        let answer = signed_answer(state, now, json!([]), query.nonce.as_deref());
        Ok(Json(RevocationsAnswer { revocation_list: revocation_list(state, now)?, server_time: now.to_string(), answer }))
    })
    .await
}

/// A device's nonce: up to 64 characters of base64url. The signed answer repeats it, so the
/// answer to one request cannot be replayed as the answer to another.
fn check_nonce(nonce: Option<&str>) -> ApiResult<()> {
    match nonce {
        Some(n) if n.is_empty() || n.len() > 64 || !n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') => {
            Err(ApiError::malformed("nonce: 1 to 64 characters of base64url"))
        }
        _ => Ok(()),
    }
}

async fn records<S: Storage>(State(state): State<Arc<AppState<S>>>, headers: HeaderMap, body: Bytes) -> ApiResult<Json<RecordsAnswer>> {
    let request = batch_body(&headers, &body, "records")?;
    blocking(&state, move |state| {
        let now = now();
        // The keys of the certificates named, then the CPU-heavy checks on every core, then
        // one short transaction.
        let read: Vec<Prepared> = request.items.into_iter().map(Prepared::read).collect();
        let mut known = Known::default();
        for serial in read.iter().filter_map(Prepared::certificate_serial) {
            if !known.certificates.contains_key(serial) {
                if let Some(cert) = state.storage.certificate(serial)? {
                    if let Ok(key) = PublicKey::from_jwk_json(&cert.jwk) {
                        known.certificates.insert(serial.to_owned(), (key, cert));
                    }
                }
            }
        }
        known.stored_ids = state.storage.stored_ids(&read.iter().filter_map(Prepared::id).collect::<Vec<_>>())?;
        let prepared = prepare(read, &known, &state.authority, now);
        // The keys whose records may be stored: what a stranger names locks nothing.
        let kids: Vec<String> = prepared.iter().filter_map(|p| p.certified_kid(&known).map(str::to_owned)).collect();
        let kids: Vec<&str> = kids.iter().map(String::as_str).collect();
        let verdicts = state.storage.records_batch(&kids, |batch| ingest(batch, prepared, &state.authority, now))?;
        let mut tally = [0usize; 3];
        for v in &verdicts {
            state.metrics.record(v.verdict.as_str(), v.code.as_deref());
            tally[match v.verdict {
                VerdictKind::Accepted => 0,
                VerdictKind::Duplicate => 1,
                VerdictKind::Rejected => 2,
            }] += 1;
        }
        tracing::info!(accepted = tally[0], duplicate = tally[1], rejected = tally[2], "records batch stored");
        let vouched: Vec<RecordVerdict> = verdicts.iter().map(RecordVerdict::for_answer).collect();
        let answer = signed_answer(state, now, serde_json::to_value(&vouched).expect("verdicts serialize"), request.nonce.as_deref());
        // The batch is committed: its verdicts are answered even when the list cannot be.
        let revocation_list = revocation_list(state, now).ok();
        Ok(Json(RecordsAnswer { verdicts, revocation_list, server_time: now.to_string(), answer }))
    })
    .await
}
