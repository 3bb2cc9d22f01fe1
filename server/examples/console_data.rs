//! Fills a database for the console's benchmark (`pkg-scripts/bench-console`): `DEVICES`
//! enrolled workers (one device key each) with `RECORDS` real signed and receipted records
//! spread over 60 days (a few chains with a gap), `REPORTS` failure reports and a status per
//! device. The server started on the database afterwards opens the same authority key.
//!
//! `cargo run --release -p offsign-server --example console_data -- DB DEVICES RECORDS REPORTS`

use offsign::{sign_record, ChainHead, DocumentDigest, Identity, RecordRequest, Timestamp, DAY_MS};
use offsign_server::authority::{self, Secret};
use offsign_server::storage::{CertificateRow, DeviceRow, Database, Storage, StoredRecord, StoredReport};
use rayon::prelude::*;
use std::path::PathBuf;

/// Failure codes the reports carry, as a fleet's would (most often the first).
const CODES: [&str; 8] = ["wrong_pin", "server_unreachable", "storage_full", "cert_expiring", "clock_skew", "record_rejected", "pin_locked_out", "randomness_unavailable"];

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [db, devices, records, reports] = args.as_slice() else { return Err("usage: console_data DB DEVICES RECORDS REPORTS".into()) };
    let number = |text: &str| text.parse::<usize>().map_err(|e| format!("{text}: {e}"));
    let (devices, records, reports) = (number(devices)?, number(records)?, number(reports)?);
    let db = PathBuf::from(db);
    let storage = Database::sqlite(&db).map_err(|e| e.to_string())?;
    let authority = authority::load_or_create(&storage, &Secret::find(&db)?)?;
    let now = Timestamp::from_millis(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_err(|e| e.to_string())?.as_millis() as i64)
        .map_err(|e| e.to_string())?;
    let start = now.plus_millis(-60 * DAY_MS);
    let per_device = records / devices.max(1);
    let span = 60 * DAY_MS - 60_000;
    let started = std::time::Instant::now();
    // Devices are signed in parallel, stored a few hundred at a time.
    for chunk in (0..devices).collect::<Vec<_>>().chunks(250) {
        let made: Vec<(CertificateRow, Vec<StoredRecord>)> = chunk
            .par_iter()
            .map(|&d| -> Result<_, String> {
                let me = Identity::generate().map_err(|e| e.to_string())?;
                let worker = format!("worker-{d:05}");
                let cert = CertificateRow::issue(&authority, &format!("serial-{d:05}"), &worker, &me.public_key().to_jwk(), start, now.plus_millis(365 * DAY_MS))
                    .map_err(|e| e.to_string())?;
                let mut head: Option<ChainHead> = None;
                let mut rows = Vec::with_capacity(per_device);
                for n in 1..=per_device {
                    let at = start.plus_millis(span * n as i64 / per_device as i64 + d as i64);
                    let doc = DocumentDigest::of_bytes(format!("delivery {d}-{n}").as_bytes(), Some(format!("receipt-{d}-{n}.pdf")), Some("application/pdf".into()))
                        .map_err(|e| e.to_string())?;
                    let claims = serde_json::json!({ "reference": format!("ORDER-{d}-{n}"), "recipient": "A. Customer" }).as_object().cloned().unwrap_or_default();
                    let signed = sign_record(&me, RecordRequest { doc, claims, chain: head.as_ref(), cert_serial: Some(&cert.serial), now: at }).map_err(|e| e.to_string())?;
                    head = Some(signed.chain_head());
                    // One device in fifty lost a record half-way: a gap the console lists.
                    if d % 50 == 7 && n == per_device / 2 {
                        continue;
                    }
                    let received = at.plus_millis(30_000);
                    let (doc_name, reference) = StoredRecord::searched_fields(&signed.payload);
                    rows.push(StoredRecord {
                        receipt: authority.issue_receipt(&signed.payload.id, &signed.hash, received).map_err(|e| e.to_string())?,
                        id: signed.payload.id.clone(),
                        kid: me.kid().to_owned(),
                        seq: signed.payload.seq,
                        hash: signed.hash.clone(),
                        cert_serial: cert.serial.clone(),
                        signed_at: at.to_string(),
                        received_at: received.millis(),
                        chain_gap: d % 50 == 7 && n == per_device / 2 + 1,
                        jws: signed.jws,
                        worker: worker.clone(),
                        doc_name,
                        reference,
                    });
                }
                Ok((cert, rows))
            })
            .collect::<Result<_, _>>()?;
        for (cert, _) in &made {
            storage.add_certificate(cert).map_err(|e| e.to_string())?;
        }
        storage
            .batch(|b| {
                for (cert, rows) in &made {
                    for row in rows {
                        b.insert_record(row)?;
                    }
                    b.seen(&cert.kid, &cert.worker, rows.last().map_or(now.millis(), |r| r.received_at))?;
                }
                Ok(())
            })
            .map_err(|e| e.to_string())?;
        eprintln!("{} devices, {:.0} s", chunk.last().map_or(0, |d| d + 1), started.elapsed().as_secs_f64());
    }
    // Reports and statuses: what devices send besides records.
    let kids: Vec<(String, String)> = storage
        .devices(&Default::default(), None, devices as u32)
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|d| (d.kid, d.worker))
        .collect();
    for chunk in (0..reports).collect::<Vec<_>>().chunks(5_000) {
        let batch: Vec<(StoredReport, u64)> = chunk
            .iter()
            .map(|&i| {
                let (kid, worker) = &kids[i % kids.len()];
                let code = CODES[(i * i) % 13 % CODES.len()];
                let at = start.plus_millis(span * i as i64 / reports as i64);
                let report = offsign::ReportRow {
                    id: format!("report-{i:07}"),
                    fingerprint: format!("{code}|sign|{kid}"),
                    code: code.into(),
                    message: format!("{code} while signing"),
                    remedy: String::new(),
                    operation: "sign".into(),
                    kid: Some(kid.clone()),
                    first_at: at.to_string(),
                    last_at: at.to_string(),
                    count: 1 + (i % 3) as u32,
                    app_version: "0.2.0".into(),
                    user_agent: "Mozilla/5.0 (Linux; Android 14) Chrome/131".into(),
                    comment: (i % 10 == 0).then(|| "it happened again at the depot".to_owned()),
                    state: offsign::ReportState::Pending,
                };
                (StoredReport { report, kid: kid.clone(), worker: worker.clone(), cert_serial: String::new(), received_at: at.millis() }, u64::MAX)
            })
            .collect();
        storage.store_reports(&batch, 0).map_err(|e| e.to_string())?;
    }
    for (i, (kid, worker)) in kids.iter().enumerate() {
        let status = serde_json::json!({ "v": 1, "cert": "", "sentAt": now.to_string(), "appVersion": "0.2.0", "userAgent": "Chrome", "checks": [], "pending": i % 4,
            "oldestPendingAt": null, "storageUsed": 1e6, "storageQuota": 1e9, "clockOffsetMs": 0 });
        let device = DeviceRow { kid: kid.clone(), worker: worker.clone(), last_seen: now.millis() - (i as i64 % 5) * DAY_MS, app_version: "0.2.0".into(), failing: (i % 40 == 0) as u32, ..Default::default() };
        storage.store_status(&device, &now.to_string(), &status.to_string()).map_err(|e| e.to_string())?;
    }
    eprintln!("{} records, {reports} reports, {} devices in {:.0} s", storage.record_count().map_err(|e| e.to_string())?, kids.len(), started.elapsed().as_secs_f64());
    Ok(())
}
