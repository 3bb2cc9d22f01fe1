//! The stamped copy of a signed PDF, made by the real `offsign-server stamp-pdf` child process
//! and read by tools of their own: qpdf checks its structure, poppler counts its pages and
//! takes the record out of it, and the verifier's check finds the original, unchanged, at its
//! start. A document that cannot be stamped (not a PDF, encrypted, empty) gets no copy, with
//! the reason the child process gave.

use offsign_server::{pdf, stamp};
use std::path::{Path, PathBuf};
use std::process::Command;

const SERVER: &str = env!("CARGO_BIN_EXE_offsign-server");

/// A scratch folder of this test process.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("offsign-stamp-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A two-page PDF written by lopdf (classic cross-reference table).
fn two_pages() -> Vec<u8> {
    use lopdf::{dictionary, Document, Object, Stream};
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let font = doc.add_object(dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica" });
    let kids: Vec<Object> = (1..=2)
        .map(|n| {
            let content = doc.add_object(Stream::new(dictionary! {}, format!("BT /F1 24 Tf 72 700 Td (Delivery receipt, page {n}) Tj ET").into_bytes()));
            doc.add_object(dictionary! {
                "Type" => "Page", "Parent" => pages_id, "Contents" => content,
                "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
                "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            })
            .into()
        })
        .collect();
    doc.objects.insert(pages_id, Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => 2 }));
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// `tool args…` must succeed; its standard output.
fn run(tool: &str, args: &[&dyn AsRef<std::ffi::OsStr>]) -> String {
    let out = Command::new(tool).args(args).output().unwrap_or_else(|e| panic!("{tool} is installed (pkg-scripts/setup): {e}"));
    assert!(out.status.success(), "{tool}: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A signed record of `document` and its summary page.
fn record_and_summary(document: &[u8]) -> (String, Vec<u8>, offsign::RecordPayload) {
    let worker = offsign::Identity::generate().unwrap();
    let request = offsign::RecordRequest {
        doc: offsign::DocumentDigest::of_bytes(document, Some("receipt.pdf".into()), Some("application/pdf".into())).unwrap(),
        claims: serde_json::Map::new(),
        chain: None,
        cert_serial: Some("s-1"),
        now: offsign::Timestamp::from_millis(1_800_000_000_000).unwrap(),
    };
    let record = offsign::sign_record(&worker, request).unwrap();
    let summary = pdf::summary_pdf(&pdf::Summary {
        payload: &record.payload,
        worker: Some("ann"),
        received_at: None,
        checks: &[],
        signature_png: None,
        verify_url: Some("https://sign.example.com/verify/"),
    })
    .unwrap();
    (record.jws, summary, record.payload)
}

/// Stamps `original` and checks the copy with qpdf, poppler and the verifier's check.
fn stamp_and_check(dir: &Path, name: &str, original: &[u8]) {
    let (jws, summary, payload) = record_and_summary(original);
    let stamped = stamp::stamped_copy(Path::new(SERVER), original, &summary, &jws).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert!(stamped.starts_with(original), "{name}: the original, byte for byte, first");
    let path = dir.join(format!("{name}-stamped.pdf"));
    std::fs::write(&path, &stamped).unwrap();
    run("qpdf", &[&"--check", &path]);
    let info = run("pdfinfo", &[&path]);
    assert!(info.lines().any(|line| line.split_whitespace().eq(["Pages:", "3"])), "{name}: two pages and the summary\n{info}");
    assert!(run("pdftotext", &[&"-f", &"3", &"-l", &"3", &path, &"-"]).contains("Signed record: evidence summary"), "{name}: the last page");
    assert!(run("pdfdetach", &[&"-list", &path]).contains("record.jws"), "{name}: the record is attached");
    let saved = dir.join(format!("{name}-record.jws"));
    run("pdfdetach", &[&"-save", &"1", &"-o", &saved, &path]);
    assert_eq!(std::fs::read_to_string(&saved).unwrap(), jws, "{name}: the attached record is the signed one");
    let bundle = offsign::Bundle { record: jws, stamped_document: Some(stamped), ..Default::default() };
    let authority = offsign::Identity::generate().unwrap();
    let checks = offsign::verify_bundle(&bundle, authority.public_key());
    let stamped_check = checks.iter().find(|c| c.check == "stamped_copy").unwrap();
    assert_eq!(stamped_check.outcome, offsign::Outcome::Pass, "{name}: {stamped_check:?}");
    assert_eq!(payload.doc.size, Some(original.len() as u64));
}

#[test]
fn a_stamped_copy_is_the_original_then_the_summary_page_and_the_record_as_pdf_tools_read_it() {
    let dir = scratch("sound");
    let original = two_pages();
    stamp_and_check(&dir, "table", &original);
    // The same document with object streams and a cross-reference stream (PDF 1.5), as most
    // PDF writers make it today.
    std::fs::write(dir.join("plain.pdf"), &original).unwrap();
    run("qpdf", &[&"--object-streams=generate", &dir.join("plain.pdf"), &dir.join("streams.pdf")]);
    stamp_and_check(&dir, "streams", &std::fs::read(dir.join("streams.pdf")).unwrap());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_document_that_cannot_be_stamped_gets_no_copy_and_the_reason() {
    let dir = scratch("hostile");
    std::fs::write(dir.join("plain.pdf"), two_pages()).unwrap();
    run("qpdf", &[&"--encrypt", &"user", &"owner", &"256", &"--", &dir.join("plain.pdf"), &dir.join("encrypted.pdf")]);
    let cases: [(&str, Vec<u8>); 3] = [
        ("not a PDF", b"%PDF-1.7 and then nothing a reader could use".to_vec()),
        ("encrypted", std::fs::read(dir.join("encrypted.pdf")).unwrap()),
        ("empty", Vec::new()),
    ];
    for (case, document) in cases {
        let (jws, summary, _) = record_and_summary(&document);
        let refused = stamp::stamped_copy(Path::new(SERVER), &document, &summary, &jws);
        assert!(refused.as_ref().is_err_and(|why| why.contains("the stamping process failed")), "{case}: no copy: {refused:?}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}
