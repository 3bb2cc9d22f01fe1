//! Any bytes as the body of a request to the server: the first byte picks the endpoint
//! (enroll, records, renew, reports), the rest is the body, sent as JSON to the whole router
//! in memory (a real SQLite file in a temporary folder). The server must answer every one
//! with a status below 500: a refusal with a code, never a failure.
#![no_main]
use axum::body::Body;
use axum::http::{header, Request};
use offsign::{Authority, Identity, Timestamp};
use offsign_server::storage::{CertificateRow, EnrollmentCode, Database, Storage};
use offsign_server::{api, metrics, web};
use std::sync::{Arc, OnceLock};
use tower::ServiceExt;

/// The server, once per fuzzing process: the trusted key of the crate's fuzz targets (32 bytes
/// of 7) holds certificate `s-1`, so that seeds signed with it reach the checks behind the
/// signature; an enrollment code waits to be redeemed.
fn server() -> &'static (tokio::runtime::Runtime, axum::Router) {
    static SERVER: OnceLock<(tokio::runtime::Runtime, axum::Router)> = OnceLock::new();
    SERVER.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("offsign-fuzz-server-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        let storage = Database::sqlite(&dir.join("offsign.db")).expect("a database");
        let authority = Authority::new(Identity::from_seed(&[9; 32]), "fuzz");
        let worker = Identity::from_seed(&[7; 32]);
        let (nbf, exp) = (Timestamp::from_seconds(1_700_000_000).unwrap(), Timestamp::from_seconds(2_000_000_000).unwrap());
        let row = CertificateRow::issue(&authority, "s-1", "w", &worker.public_key().to_jwk(), nbf, exp).expect("a certificate");
        let _ = storage.add_certificate(&row);
        let code = EnrollmentCode { worker: "w-2".into(), days: 30, expires_at: exp.millis(), used_at: None };
        let _ = storage.add_enrollment_code(&offsign::enrollment_code_hash("ABCD-EFGH-JKMN"), &code);
        let state = api::AppState {
            storage,
            authority,
            metrics: metrics::Metrics::default(),
            rate_limit: metrics::RateLimit::new(0),
            allowed_origins: vec![],
            trusted_proxies: Default::default(),
            metrics_token: None,
            public_url: None,
            evidence: offsign_server::blobs::EvidenceStore::local(&dir.join("evidence"), 1 << 20).expect("an evidence folder"),
            pdf_stamper: None,
            draining: Default::default(),
        };
        let app = web::app(Arc::new(state), dir.join("www"), dir.join("pkg"), false);
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
        (runtime, app)
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&which, body)) = data.split_first() else { return };
    let path = ["/v1/enroll", "/v1/records", "/v1/renew", "/v1/reports"][usize::from(which) % 4];
    let (runtime, app) = server();
    let request = Request::post(path).header(header::CONTENT_TYPE, "application/json").body(Body::from(body.to_vec())).unwrap();
    let response = runtime.block_on(app.clone().oneshot(request)).unwrap();
    assert!(response.status().as_u16() < 500, "{path} answered {} to {:?}", response.status(), String::from_utf8_lossy(body));
});
