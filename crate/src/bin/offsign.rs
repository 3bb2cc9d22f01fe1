//! `offsign`: the signing core on the command line, for back offices, auditors and scripts.
//! JSON in and out; failures print `{"code","message","remedy"}` and exit 1. `verify-bundle`
//! prints its report and exits 0 when every check passed, 1 when one failed, 2 when none
//! failed but the bundle lacks a part.

use clap::{Parser, Subcommand};
use offsign::{
    inspect_record, sign_record, verify_record, DocumentDigest, Error, ErrorCode, Identity, PublicKey, RecordRequest,
    Result, Timestamp,
};
use serde_json::{json, Value};
use std::io::Read;
use std::path::Path;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "offsign", version, about = "Offline Ed25519 signed records (JWS): keys, signing, verification")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate a key pair; prints {"private": JWK, "public": JWK}. Keep the private JWK secret.
    Keygen,
    /// Sign a document as a record; prints the record JWS.
    Sign {
        /// The private key (OKP JWK file from `offsign keygen`).
        #[arg(long)]
        key: String,
        /// The document to sign.
        #[arg(long)]
        doc: String,
        /// Claims as a JSON object, e.g. '{"recipient":"A. Jones"}'.
        #[arg(long)]
        claims: Option<String>,
        /// The previous record (file with its JWS), to chain this one to it.
        #[arg(long)]
        prev: Option<String>,
        /// The document's media type, e.g. application/pdf.
        #[arg(long = "type")]
        media_type: Option<String>,
    },
    /// Verify a record (strict Ed25519); prints its payload, exit 1 when invalid.
    Verify {
        /// The signer's public key (OKP JWK file).
        #[arg(long)]
        jwk: String,
        /// The previous record (file), to check the chain link too.
        #[arg(long)]
        prev: Option<String>,
        /// The record (file with its JWS, or - for standard input).
        record: String,
    },
    /// Decode a record WITHOUT verifying it.
    Inspect {
        /// The record (file with its JWS, or - for standard input).
        record: String,
    },
    /// Check an evidence bundle (.zip from the console) offline: the record's
    /// signature, its certificate, revocation, the server's receipt, the document, the
    /// signature image and the chain; prints a report of each check.
    VerifyBundle {
        /// The authority's public key (OKP JWK file), obtained from the organisation. Without
        /// it the key named in the bundle is used, and the report says it was not pinned.
        #[arg(long)]
        authority: Option<String>,
        /// The bundle file.
        bundle: String,
    },
    /// Seal a file as a record's evidence, as a device does, for an upload with any tus 1.0
    /// client (`PATCH /v1/evidence/{id}/{kind}`): for records signed without
    /// `claims.evidenceSealing` (by `offsign sign` or another client); the server takes the
    /// evidence of a record that commits to a content key only under that key.
    SealEvidence {
        /// The server's evidence key statement (file with the JWS, `evidenceKey` of
        /// `GET /v1/evidence-key`).
        #[arg(long)]
        server_key: String,
        /// The authority's public key (OKP JWK file) the statement must be signed by.
        #[arg(long)]
        authority: String,
        /// The record's id.
        #[arg(long)]
        record_id: String,
        /// `document` or `signature-image`.
        #[arg(long)]
        kind: String,
        /// The signer's private key (OKP JWK file), so that its evidence key can open the copy
        /// too; without it the copy is sealed to the server only.
        #[arg(long)]
        key: Option<String>,
        /// Where to write the sealed bytes.
        #[arg(long)]
        out: String,
        /// The file to seal.
        file: String,
    },
    /// Verify a plain Ed25519 signature (strict), for conformance checks.
    VerifyRaw {
        /// The 32-byte public key, hex.
        #[arg(long)]
        public: String,
        /// The message, hex.
        #[arg(long)]
        message: String,
        /// The 64-byte signature, hex.
        #[arg(long)]
        signature: String,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse().command) {
        Ok((out, exit)) => {
            println!("{out}");
            exit
        }
        Err(e) => {
            println!("{}", json!({"code": e.code().as_str(), "message": e.message(), "remedy": e.remedy()}));
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> Result<(String, ExitCode)> {
    let out = match command {
        Command::VerifyBundle { authority, bundle } => return verify_bundle_file(&bundle, authority.as_deref()),
        Command::SealEvidence { server_key, authority, record_id, kind, key, out, file } => {
            let authority = PublicKey::from_jwk_json(&read_text(&authority)?)?;
            let server = offsign::verify_evidence_key(&read_text(&server_key)?, &authority)?;
            let worker = match key {
                Some(path) => Identity::from_private_jwk_json(&read_text(&path)?)?.evidence_secret().public_key().clone(),
                None => server.clone(),
            };
            let kind = offsign::EvidenceKind::parse(&kind)
                .ok_or_else(|| Error::new(ErrorCode::MalformedInput, "--kind is document or signature-image"))?;
            let plain = std::fs::read(&file).map_err(|e| unreadable(&file, e))?;
            let sealed = offsign::seal_evidence(&plain, &server, &worker, &record_id, kind)?;
            std::fs::write(&out, &sealed).map_err(|e| Error::new(ErrorCode::MalformedInput, format!("cannot write {out}: {e}")))?;
            Ok(json!({ "out": out, "plainBytes": plain.len(), "sealedBytes": sealed.len() }).to_string())
        }
        Command::Keygen => {
            let id = Identity::generate()?;
            Ok(json!({"private": id.dangerous_private_jwk(), "public": id.public_key().to_jwk()}).to_string())
        }
        Command::Sign { key, doc, claims, prev, media_type } => {
            let identity = Identity::from_private_jwk_json(&read_text(&key)?)?;
            let bytes = std::fs::read(&doc).map_err(|e| unreadable(&doc, e))?;
            let name = Path::new(&doc).file_name().map(|n| n.to_string_lossy().into_owned());
            let claims = match claims {
                None => serde_json::Map::new(),
                Some(text) => match serde_json::from_str(&text) {
                    Ok(Value::Object(map)) => map,
                    _ => return Err(Error::new(ErrorCode::MalformedInput, "--claims must be a JSON object")),
                },
            };
            let chain = match prev {
                None => None,
                Some(path) => {
                    let prev_jws = read_text(&path)?;
                    let (_, before) = inspect_record(&prev_jws)?;
                    Some(offsign::ChainHead { seq: before.seq, hash: offsign::record_hash(&prev_jws), signed_at: before.signed_at })
                }
            };
            let record = sign_record(
                &identity,
                RecordRequest {
                    doc: DocumentDigest::of_bytes(&bytes, name, media_type)?,
                    claims,
                    chain: chain.as_ref(),
                    cert_serial: None,
                    now: system_now()?,
                },
            )?;
            Ok(record.jws)
        }
        Command::Verify { jwk, prev, record } => {
            let key = PublicKey::from_jwk_json(&read_text(&jwk)?)?;
            let prev = prev.map(|p| read_text(&p)).transpose()?;
            let payload = verify_record(&read_text(&record)?, &key, prev.as_deref())?;
            Ok(serde_json::to_string(&payload).expect("a payload serializes"))
        }
        Command::Inspect { record } => {
            let (header, payload) = inspect_record(&read_text(&record)?)?;
            Ok(json!({"verified": false, "note": "decoded only: the signature was NOT checked", "header": header, "payload": payload})
                .to_string())
        }
        Command::VerifyRaw { public, message, signature } => {
            let key = PublicKey::from_bytes(&hex_arg("--public", &public)?)?;
            let signature: [u8; 64] = hex_arg("--signature", &signature)?
                .try_into()
                .map_err(|_| Error::new(ErrorCode::MalformedInput, "--signature must be 64 bytes"))?;
            key.verify(&hex_arg("--message", &message)?, &signature)?;
            Ok(json!({"valid": true}).to_string())
        }
    }?;
    Ok((out, ExitCode::SUCCESS))
}

/// The report on a bundle file, and the exit code its checks call for.
fn verify_bundle_file(path: &str, authority: Option<&str>) -> Result<(String, ExitCode)> {
    let file = std::fs::File::open(path).map_err(|e| unreadable(path, e))?;
    let pinned = authority.map(|file| read_text(file).and_then(|text| PublicKey::from_jwk_json(&text))).transpose()?;
    let report = offsign::check_bundle_file(std::io::BufReader::new(file), pinned.as_ref())?;
    let exit = match report.verdict {
        offsign::Verdict::Valid => ExitCode::SUCCESS,
        offsign::Verdict::Invalid => ExitCode::FAILURE,
        offsign::Verdict::Incomplete => ExitCode::from(2),
    };
    Ok((serde_json::to_string_pretty(&report).expect("a report serializes"), exit))
}

/// Reads a whole text file, or standard input for `-`; trims surrounding white space.
fn read_text(path: &str) -> Result<String> {
    let mut text = String::new();
    let read = if path == "-" {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        std::fs::read_to_string(path).map(|t| text = t)
    };
    read.map_err(|e| unreadable(path, e))?;
    Ok(text.trim().to_owned())
}

fn unreadable(path: &str, e: std::io::Error) -> Error {
    Error::new(ErrorCode::MalformedInput, format!("cannot read {path}: {e}"))
}

/// Decodes an even number of hex digits.
fn hex_arg(flag: &str, text: &str) -> Result<Vec<u8>> {
    let bad = || Error::new(ErrorCode::MalformedInput, format!("{flag} is not hex"));
    if text.len() % 2 != 0 {
        return Err(bad());
    }
    (0..text.len()).step_by(2).map(|i| text.get(i..i + 2).and_then(|b| u8::from_str_radix(b, 16).ok()).ok_or_else(bad)).collect()
}

fn system_now() -> Result<Timestamp> {
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|_| Error::new(ErrorCode::ClockSkew, "the system clock is before 1970"))?;
    Timestamp::from_millis(since_epoch.as_millis() as i64)
}
