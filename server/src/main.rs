//! `offsign-server`: the reference server. For now it serves the app (`www/`) and the built
//! npm package (`pkg/`) on 127.0.0.1 with a strict Content-Security-Policy.

use axum::http::{header, HeaderValue};
use axum::routing::get;
use axum::Router;
use clap::Parser;
use std::net::SocketAddr;
use std::path::PathBuf;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// No inline script or style, no third-party origin; wasm compilation allowed.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'; \
    object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

#[derive(Parser)]
#[command(name = "offsign-server", version, about = "The offsign reference server")]
struct Args {
    /// Address to listen on.
    #[arg(long, env = "OFFSIGN_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// The app's folder.
    #[arg(long, env = "OFFSIGN_WWW", default_value = "www")]
    www: PathBuf,
    /// The built npm package's folder, served under /pkg/.
    #[arg(long, env = "OFFSIGN_PKG", default_value = "pkg")]
    pkg: PathBuf,
}

/// The HTTP routes, apart from `main` so that tests call them without a socket.
fn app(www: PathBuf, pkg: PathBuf) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .nest_service("/pkg", ServeDir::new(pkg))
        .fallback_service(ServeDir::new(www))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let listener = tokio::net::TcpListener::bind(args.addr).await?;
    println!("offsign-server listening on http://{}/", listener.local_addr()?);
    axum::serve(listener, app(args.www, args.pkg))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    fn fixture() -> (PathBuf, PathBuf) {
        let root = std::env::temp_dir().join(format!("offsign-server-test-{}", std::process::id()));
        let (www, pkg) = (root.join("www"), root.join("pkg"));
        std::fs::create_dir_all(&www).unwrap();
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(www.join("index.html"), "<!doctype html><title>app</title>").unwrap();
        std::fs::write(pkg.join("offsign_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
        (www, pkg)
    }

    async fn get(app: Router, uri: &str) -> axum::response::Response {
        app.oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap()
    }

    #[tokio::test]
    async fn serves_the_app_with_a_strict_csp_and_wasm_as_application_wasm() {
        let (www, pkg) = fixture();
        let page = get(app(www.clone(), pkg.clone()), "/").await;
        assert_eq!(page.status(), StatusCode::OK);
        let csp = page.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap().to_owned();
        assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval'") && !csp.contains("unsafe-inline"), "{csp}");
        assert!(page.into_body().collect().await.unwrap().to_bytes().starts_with(b"<!doctype html>"));

        let wasm = get(app(www.clone(), pkg.clone()), "/pkg/offsign_bg.wasm").await;
        assert_eq!(wasm.headers()[header::CONTENT_TYPE], "application/wasm");
        assert_eq!(get(app(www.clone(), pkg.clone()), "/healthz").await.status(), StatusCode::OK);
        assert_eq!(get(app(www.clone(), pkg.clone()), "/missing.js").await.status(), StatusCode::NOT_FOUND);
        assert_eq!(get(app(www, pkg), "/pkg/../../etc/passwd").await.status(), StatusCode::NOT_FOUND);
    }
}
