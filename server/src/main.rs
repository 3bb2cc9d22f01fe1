//! `offsign-server`: the reference server. It issues certificates (enrollment codes, then
//! `POST /v1/enroll`), publishes the revocation list, verifies and stores the records devices
//! sync, and serves the app (`www/`) and the built npm package (`pkg/`) on 127.0.0.1 with a
//! strict Content-Security-Policy.
//!
//! `offsign-server` alone serves; `offsign-server enroll` and `offsign-server revoke` are the
//! administrator's commands, run beside a serving server on the same database file.

use clap::{Parser, Subcommand};
use offsign_server::storage::{sqlite, AuditEntry, Database, Location, RevokeTarget, Role, Storage, StorageError};
use offsign_server::{admin, api, authority, blobs, console, metrics, stamp, web, webhooks};
use axum::http::HeaderValue;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Parser)]
#[command(name = "offsign-server", version, about = "The offsign reference server")]
struct Args {
    /// The database: a SQLite file (created on first start), or a PostgreSQL database's
    /// postgres://USER:PASSWORD@HOST[:PORT]/NAME URL, shared by every instance of the server.
    #[arg(long, env = "OFFSIGN_DB", default_value = "offsign.db", global = true, hide_env_values = true, value_parser = parse_location)]
    db: Location,
    /// Address to listen on.
    #[arg(long, env = "OFFSIGN_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// The app's folder.
    #[arg(long, env = "OFFSIGN_WWW", default_value = "www")]
    www: PathBuf,
    /// The built npm package's folder, served under /pkg/.
    #[arg(long, env = "OFFSIGN_PKG", default_value = "pkg")]
    pkg: PathBuf,
    /// API requests per second per client address (bursts of twice as many); 0 for no limit.
    #[arg(long, env = "OFFSIGN_RATE_LIMIT", default_value_t = 50)]
    rate_limit: u32,
    /// An origin whose pages may call the API (an app served elsewhere, e.g.
    /// https://app.example.com); repeat it or separate with commas. Default: none, only the
    /// app served here.
    #[arg(long = "allow-origin", env = "OFFSIGN_ALLOW_ORIGINS", value_delimiter = ',', value_parser = api::parse_origin)]
    allow_origins: Vec<HeaderValue>,
    /// A reverse proxy (address or CIDR, e.g. 10.0.0.0/8) whose X-Forwarded-For and
    /// X-Forwarded-Proto headers are believed: the per-client rate limit then counts the
    /// client's address, and HSTS is sent when the proxy says HTTPS. Repeat it or separate
    /// with commas. Default: none, the headers are ignored.
    #[arg(long = "trusted-proxy", env = "OFFSIGN_TRUSTED_PROXIES", value_delimiter = ',', value_parser = web::parse_network)]
    trusted_proxies: Vec<ipnet::IpNet>,
    /// Serve /metrics on this address only (e.g. 127.0.0.1:9090 for a local Prometheus), not
    /// beside the app.
    #[arg(long, env = "OFFSIGN_METRICS_ADDR")]
    metrics_addr: Option<SocketAddr>,
    /// After SIGTERM or Ctrl-C, seconds to go on serving while `/readyz` says draining (for a
    /// load balancer to notice) before the requests under way finish and the server exits.
    #[arg(long, env = "OFFSIGN_DRAIN_SECONDS", default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=600))]
    drain_seconds: u32,
    /// Log lines on stderr: `plain` text or `json` (one object per line). Which lines:
    /// RUST_LOG (default `info`: start-up, one line per request, batches, errors).
    #[arg(long, env = "OFFSIGN_LOG_FORMAT", value_enum, default_value_t = LogFormat::Plain)]
    log_format: LogFormat,
    /// The address workers' phones reach this server at, e.g. https://sign.example.com: the
    /// console's enrollment links and QR codes point there (by default, at the address the
    /// administrator's browser used).
    #[arg(long, env = "OFFSIGN_PUBLIC_URL", value_parser = parse_public_url)]
    public_url: Option<String>,
    /// Answer /metrics only with `Authorization: Bearer TOKEN` (at least 16 characters).
    #[arg(long, env = "OFFSIGN_METRICS_TOKEN", hide_env_values = true, value_parser = web::parse_token)]
    metrics_token: Option<String>,
    /// Where records' documents and signature images are kept (a folder, created readable by
    /// this user only). Default: beside the database, `<db>.evidence`.
    #[arg(long, env = "OFFSIGN_EVIDENCE_DIR")]
    evidence_dir: Option<PathBuf>,
    /// Keep checked evidence in S3-compatible object storage instead of the evidence folder:
    /// s3://BUCKET[/PREFIX], with credentials, region and endpoint from the AWS_* environment
    /// variables (the folder still holds uploads under way).
    #[arg(long, env = "OFFSIGN_EVIDENCE_STORE")]
    evidence_store: Option<String>,
    /// The largest document or photo taken as evidence, in MiB (at most 512, the largest an
    /// evidence bundle is read with); a larger one stays on the device that signed it.
    #[arg(long, env = "OFFSIGN_MAX_EVIDENCE_MB", default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..=512))]
    max_evidence_mb: u64,
    #[command(subcommand)]
    command: Option<Command>,
}

/// How log lines are written.
#[derive(Clone, Copy, clap::ValueEnum)]
enum LogFormat {
    /// `2026-12-02T08:00:00.000Z  INFO request{id=… method=POST route=/v1/records}: … status=200 latency=12 ms`
    Plain,
    /// One JSON object per line, for a log collector.
    Json,
}

/// Logs to stderr, filtered by RUST_LOG (default `info`). Nothing logged holds a secret: no
/// request bodies, query strings, headers, codes, keys or record contents are ever logged.
fn start_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(false);
    match format {
        LogFormat::Plain => logs.init(),
        LogFormat::Json => logs.json().init(),
    }
}

#[derive(Subcommand)]
enum Command {
    /// Prints a single-use enrollment code for a worker.
    Enroll {
        /// The worker's id, written into the certificate.
        #[arg(long)]
        worker: String,
        /// Validity of the certificate, in days.
        #[arg(long, default_value_t = 365, value_parser = clap::value_parser!(u32).range(1..=3650))]
        days: u32,
        /// The code expires after this many hours.
        #[arg(long, default_value_t = 72, value_parser = clap::value_parser!(u32).range(1..=8760))]
        expires_hours: u32,
    },
    /// Console accounts.
    Admin {
        #[command(subcommand)]
        action: AdminCommand,
    },
    /// The forms devices fill in (`form add --file F.json`, `form list`).
    Form {
        #[command(subcommand)]
        action: FormCommand,
    },
    /// Brings the database's schema up to this server's version and exits (run it before
    /// a rolling deploy; the server also does it at start).
    Migrate,
    /// Copies the database to a new file while the server runs (consistent as of one moment,
    /// checked before it is named FILE). The authority secret and the evidence files are not
    /// in it: the command says where they are, to be backed up beside it.
    Backup {
        /// The new file to write.
        #[arg(long)]
        to: PathBuf,
    },
    /// Makes the stamped copy of a signed PDF from standard input (the server runs itself with
    /// this, in a child process, to parse a device's PDF apart from its own memory).
    #[command(name = "stamp-pdf", hide = true)]
    StampPdf,
    /// Revokes a certificate, or all of a worker's, and publishes the new revocation list.
    Revoke {
        /// The certificate serial.
        #[arg(long, conflicts_with = "worker", required_unless_present = "worker")]
        serial: Option<String>,
        /// The worker id.
        #[arg(long)]
        worker: Option<String>,
        /// Why, by its RFC 5280 name: `superseded` (a new key replaces it: a forgotten PIN, a
        /// new phone; records signed before stay good), `keyCompromise` (a lost or stolen
        /// device: every record under it is refused, also those still waiting on the device),
        /// `cessationOfOperation` (the worker left), `affiliationChanged`, `privilegeWithdrawn`,
        /// or `unspecified` (taken as compromised).
        #[arg(long, value_parser = parse_reason)]
        reason: offsign::RevocationReason,
    },
}

/// A revocation reason by its RFC 5280 name.
fn parse_reason(name: &str) -> Result<offsign::RevocationReason, String> {
    offsign::RevocationReason::parse(name).ok_or_else(|| {
        let names: Vec<&str> = offsign::RevocationReason::ALL.iter().map(|r| r.as_str()).collect();
        format!("one of {}", names.join(", "))
    })
}

/// What `admin` does.
#[derive(Subcommand)]
enum AdminCommand {
    /// Adds a console account (or, for one that exists, makes a new link) and prints a
    /// one-time link, valid 72 hours, that sets its password.
    Add {
        /// The login name.
        #[arg(long)]
        user: String,
        /// `admin` (sees and changes) or `auditor` (sees only); an existing account keeps its role.
        #[arg(long, default_value = "admin")]
        role: String,
        /// The server's address as the administrator's browser reaches it, for the link.
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        base_url: String,
    },
}

/// What `form` does.
#[derive(Subcommand)]
enum FormCommand {
    /// Adds a form, or a new version of one (the same `id`): checked, numbered after the
    /// newest version, and handed to devices at their next sync. Records keep the version they
    /// answered.
    Add {
        /// The form's JSON file (see server/forms/ for the three shipped with offsign).
        #[arg(long)]
        file: PathBuf,
    },
    /// Prints the newest version of every form.
    List,
}

/// `--public-url`: http(s)://host[:port] with no path, query or fragment.
fn parse_public_url(text: &str) -> Result<String, String> {
    let url = text.trim_end_matches('/');
    let (scheme, host) = url.split_once("://").ok_or("--public-url is http(s)://host[:port], e.g. https://sign.example.com")?;
    let plain_host = !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c));
    if !matches!(scheme, "http" | "https") || !plain_host {
        return Err("--public-url is http(s)://host[:port], e.g. https://sign.example.com".into());
    }
    Ok(url.to_owned())
}

fn parse_location(value: &str) -> Result<Location, String> {
    Ok(Location::parse(value))
}

fn open_storage(db: &Location) -> Result<Database, String> {
    Database::open(db).map_err(|e| format!("{db}: {e}"))
}

/// The evidence folder: `--evidence-dir`, else `<db>.evidence` beside a SQLite database (a
/// PostgreSQL database has no folder beside it: the instances are told theirs).
fn evidence_dir(args: &Args) -> Result<PathBuf, String> {
    match (&args.evidence_dir, &args.db) {
        (Some(dir), _) => Ok(dir.clone()),
        (None, Location::Sqlite(path)) => {
            let mut name = path.as_os_str().to_owned();
            name.push(".evidence");
            Ok(PathBuf::from(name))
        }
        (None, Location::Postgres(_)) => {
            Err("with a PostgreSQL database, name this instance's evidence folder with --evidence-dir (or OFFSIGN_EVIDENCE_DIR); with several instances, keep the evidence where all read it (--evidence-store)".into())
        }
    }
}

/// The secret the authority key is sealed under: from the environment, or for a SQLite
/// database the file beside it. Instances on one PostgreSQL database share it through the
/// environment.
fn authority_secret(db: &Location) -> Result<authority::Secret, String> {
    match db {
        Location::Sqlite(path) => authority::Secret::find(path),
        Location::Postgres(_) => authority::Secret::from_environment()?
            .ok_or_else(|| "with a PostgreSQL database, give every instance the same OFFSIGN_AUTHORITY_SECRET (at least 16 characters)".into()),
    }
}

async fn serve(args: Args) -> Result<(), String> {
    let secret = authority_secret(&args.db)?;
    let evidence_dir = evidence_dir(&args)?;
    let storage = open_storage(&args.db)?;
    let authority = authority::load_or_create(&storage, &secret)?;
    let evidence = match &args.evidence_store {
        None => blobs::EvidenceStore::local(&evidence_dir, args.max_evidence_mb << 20)?,
        Some(url) => blobs::EvidenceStore::new(Box::new(blobs::ObjectBlobs::connect(url).await?), &evidence_dir, args.max_evidence_mb << 20)?,
    };
    let state = Arc::new(api::AppState {
        storage,
        authority,
        metrics: metrics::Metrics::default(),
        rate_limit: metrics::RateLimit::new(args.rate_limit),
        allowed_origins: args.allow_origins,
        trusted_proxies: api::TrustedProxies(args.trusted_proxies),
        metrics_token: args.metrics_token.map(zeroize::Zeroizing::new),
        public_url: args.public_url.map(|url| url.trim_end_matches('/').to_owned()),
        evidence,
        pdf_stamper: std::env::current_exe().ok(),
        draining: Default::default(),
    });
    webhooks::spawn(state.clone())?;
    let listener = tokio::net::TcpListener::bind(args.addr).await.map_err(|e| format!("{}: {e}", args.addr))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    tracing::info!("database {}, authority key sealed under {}", args.db, secret.describe());
    if let Some(metrics_addr) = args.metrics_addr {
        let metrics_listener = tokio::net::TcpListener::bind(metrics_addr).await.map_err(|e| format!("{metrics_addr}: {e}"))?;
        let bound = metrics_listener.local_addr().map_err(|e| e.to_string())?;
        tokio::spawn(web::serve(metrics_listener, api::metrics_routes(state.clone()), state.trusted_proxies.clone(), std::future::pending()));
        println!("offsign-server metrics on http://{bound}/metrics");
    }
    println!("offsign-server listening on http://{address}/");
    let trusted = state.trusted_proxies.clone();
    let draining = state.clone();
    let app = web::app(state, args.www, args.pkg, args.metrics_addr.is_some());
    let drain = std::time::Duration::from_secs(args.drain_seconds.into());
    web::serve(listener, app, trusted, async move {
        stop_signal().await;
        draining.draining.store(true, std::sync::atomic::Ordering::Relaxed);
        tracing::info!("stopping: /readyz says draining for {} s (a second signal ends it), then requests under way finish", drain.as_secs());
        tokio::select! {
            () = tokio::time::sleep(drain) => {}
            () = stop_signal() => {}
        }
    })
    .await;
    Ok(())
}

/// Resolves at SIGTERM (systemd, a container runtime) or Ctrl-C.
async fn stop_signal() {
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        Some(()) = async { terminate.as_mut()?.recv().await } => {}
    }
}

fn run(args: Args) -> Result<(), String> {
    match args.command {
        None => {
            start_logging(args.log_format);
            tokio::runtime::Runtime::new().map_err(|e| e.to_string())?.block_on(serve(args))
        }
        Some(Command::Enroll { ref worker, days, expires_hours }) => {
            let storage = open_storage(&args.db)?;
            let (code, expires_at) = admin::issue_enrollment_code(&storage, admin::COMMAND_LINE, worker, days, expires_hours)?;
            let live = admin::live_certificates(&storage, worker)?;
            if !live.is_empty() {
                eprintln!("{}", admin::live_certificates_warning(worker, &live));
            }
            let live: Vec<_> = live.iter().map(|c| serde_json::json!({ "serial": c.serial, "kid": c.kid, "expiresAt": admin::time(c.exp) })).collect();
            println!("{}", serde_json::json!({ "code": code, "worker": worker, "expiresAt": expires_at.to_string(), "days": days, "live": live }));
            Ok(())
        }
        Some(Command::Admin { action: AdminCommand::Add { ref user, ref role, ref base_url } }) => {
            if user.trim() != user || user.is_empty() || user.chars().count() > 256 || user.chars().any(char::is_control) {
                return Err("--user must be 1 to 256 characters, with no control characters or spaces around it".into());
            }
            if user == admin::COMMAND_LINE {
                return Err(format!("{:?} names the command line in the audit log: choose another name", admin::COMMAND_LINE));
            }
            let role = Role::parse(role).ok_or("--role is admin or auditor")?;
            let storage = open_storage(&args.db)?;
            let token = console::new_token()?;
            let now = api::now();
            let account = storage
                .batch(|b| {
                    let account = b.add_account(user, role, &console::token_hash(&token), now.millis() + console::SETUP_MS, now.millis())?;
                    let detail = format!("{user} ({}), password set by a new link", account.role.as_str());
                    b.audit(&AuditEntry { at: now.millis(), actor: admin::COMMAND_LINE.into(), action: "account_added".into(), detail })?;
                    Ok(account)
                })
                .map_err(|e| e.to_string())?;
            let link = format!("{}/admin/setup?token={token}", base_url.trim_end_matches('/'));
            println!("{}", serde_json::json!({ "user": user, "role": account.role.as_str(), "setupLink": link, "expiresInHours": console::SETUP_MS / 3_600_000 }));
            Ok(())
        }
        Some(Command::StampPdf) => stamp::run_child(),
        Some(Command::Migrate) => {
            // A database named wrong is not made here: the server makes a new one at its first start.
            if matches!(&args.db, Location::Sqlite(path) if !path.is_file()) {
                return Err(format!("no database at {}: name it with --db or OFFSIGN_DB", args.db));
            }
            let before = Database::schema_version_of(&args.db).map_err(|e| format!("{}: {e}", args.db))?;
            let storage = open_storage(&args.db)?;
            let after = storage.schema_version().map_err(|e| e.to_string())?;
            println!("{}", serde_json::json!({ "schemaVersion": after, "upgradedFrom": before }));
            Ok(())
        }
        Some(Command::Backup { ref to }) => {
            let Location::Sqlite(db) = &args.db else {
                return Err("backup copies a SQLite database: back a PostgreSQL database up with pg_dump or WAL archiving (see the README)".into());
            };
            let copy = sqlite::backup(db, to).map_err(|e| e.to_string())?;
            println!("{}", serde_json::json!({ "backup": to, "bytes": copy.bytes, "records": copy.records, "schemaVersion": copy.schema_version }));
            let evidence = match &args.evidence_store {
                // The address may carry credentials: it is not printed.
                Some(_) => "the object store of --evidence-store".to_owned(),
                None => evidence_dir(&args)?.display().to_string(),
            };
            let secret = authority::Secret::whereabouts(db)
                .unwrap_or_else(|| "not found: neither OFFSIGN_AUTHORITY_SECRET is set here nor a file beside the database; find the server's".into());
            eprintln!("Not in the backup, back them up beside it: the secret the authority key is sealed under ({secret}), and the evidence files ({evidence}).");
            Ok(())
        }
        Some(Command::Form { action: FormCommand::Add { ref file } }) => {
            let storage = open_storage(&args.db)?;
            let mut json = Vec::new();
            let opened = std::fs::File::open(file).map_err(|e| format!("{}: {e}", file.display()))?;
            std::io::Read::read_to_end(&mut std::io::Read::take(opened, admin::MAX_FORM_FILE + 1), &mut json).map_err(|e| format!("{}: {e}", file.display()))?;
            if json.len() as u64 > admin::MAX_FORM_FILE {
                return Err(format!("malformed_form: {} is larger than a form can be ({} bytes)", file.display(), admin::MAX_FORM_FILE));
            }
            let form = admin::add_form(&storage, admin::COMMAND_LINE, &json).map_err(|e| e.to_string())?;
            println!("{}", serde_json::json!({ "id": form.id, "version": form.version, "fields": form.fields.len() }));
            Ok(())
        }
        Some(Command::Form { action: FormCommand::List }) => {
            let storage = open_storage(&args.db)?;
            let forms = storage.forms_in_use().map_err(|e| e.to_string())?;
            let listed: Vec<_> = forms.iter().map(|f| serde_json::json!({ "id": f.id, "version": f.version, "addedBy": f.added_by, "addedAt": admin::time(f.added_at) })).collect();
            println!("{}", serde_json::json!({ "forms": listed }));
            Ok(())
        }
        Some(Command::Revoke { ref serial, ref worker, reason }) => {
            let storage = open_storage(&args.db)?;
            let target = match (serial, worker) {
                (Some(serial), _) => RevokeTarget::Serial(serial.clone()),
                (None, Some(worker)) => RevokeTarget::Worker(worker.clone()),
                (None, None) => return Err("give --serial or --worker".into()),
            };
            let worker = match &target {
                RevokeTarget::Worker(worker) | RevokeTarget::Key { worker, .. } => worker.clone(),
                RevokeTarget::Serial(serial) => storage.certificate(serial).map_err(|e| e.to_string())?.map(|c| c.worker).unwrap_or_default(),
            };
            // A revocation that finds nothing to revoke is not a change: nothing is logged.
            let revoked = storage
                .batch(|b| {
                    let revoked = admin::revoke(b, admin::COMMAND_LINE, &target, reason, &worker)?;
                    if revoked.is_empty() {
                        return Err(StorageError("no certificate to revoke matches (unknown, or revoked already)".into()));
                    }
                    Ok(revoked)
                })
                .map_err(|e| e.0)?;
            println!("{}", serde_json::json!({ "revoked": revoked }));
            Ok(())
        }
    }
}

fn main() -> std::process::ExitCode {
    match run(Args::parse()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("offsign-server: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}

