//! offsign-server as a library: the reference server's parts, for its command line
//! (`main.rs`), its tests and its fuzz targets (`server/fuzz`).
//!
//! - [`admin`]: what an administrator changes (enrollment codes, revocations), audited.
//! - [`api`]: the `/v1` routes, `/healthz`, `/metrics`, `/openapi.json`.
//! - [`blobs`]: where evidence is kept (a blob store behind a trait) and uploads under way.
//! - [`evidence`]: documents and signature images uploaded in resumable chunks, checked
//!   against their records' digests, kept in a blob store.
//! - [`ingest`]: the verdict on each record of a batch.
//! - [`storage`]: what the server keeps, behind the `Storage` interface (SQLite).
//! - [`authority`]: the authority key, sealed in the database.
//! - [`console`]: the administrators' console under `/admin` (accounts, sessions, audit log).
//! - [`hex`]: bytes as lower-case hex.
//! - [`pdf`]: the evidence bundle's summary page.
//! - [`metrics`]: counters, histograms and the per-client rate limit.
//! - [`webhooks`]: events posted to administrators' URLs, signed (Standard Webhooks).
//! - [`web`]: the routes beside the app's files, security headers, compression.

pub mod admin;
pub mod api;
pub mod authority;
pub mod blobs;
pub mod console;
pub mod clock;
pub mod evidence;
pub mod hex;
pub mod ingest;
pub mod metrics;
pub mod pdf;
pub mod stamp;
pub mod storage;
pub mod web;
pub mod webhooks;
