//! An evidence bundle as one ZIP file that anyone can open: the record and everything that
//! vouches for it, one entry each, beside a manifest and a note on how to check it.
//!
//! ```text
//! offsign-bundle.json     {format, v: 1, record, authority (JWK), documentName?, madeAt}
//! README.txt              how to verify
//! record.jws  certificate.jws  certificate-status.jws  revocation-list.jws  receipt.jws
//! previous-record.jws     (when the record is not its key's first)
//! document/<name>         the signed document's bytes
//! signature-image.png     the handwritten signature
//! summary.pdf             the record and its checks on one page, for people
//! stamped.pdf             a PDF document with that page appended and the record attached
//! ```
//!
//! Reading treats the file as hostile: at most [`MAX_BUNDLE_ENTRIES`] entries, each read up to
//! its own limit, stored (uncompressed) entries only, unknown names refused.

use crate::bundle::Bundle;
#[cfg(feature = "bundle-file")]
use crate::bundle::{BundleCheck, Outcome};
#[cfg(feature = "bundle-file")]
use crate::keys::PublicKey;
#[cfg(feature = "bundle-file")]
use serde::Serialize;
use crate::error::{Error, ErrorCode, Result};
#[cfg(feature = "bundle-file")]
use crate::jws::MAX_JWS_LEN;
use crate::keys::PublicJwk;
use crate::time::Timestamp;
#[cfg(feature = "bundle-file")]
use std::io::{Read, Seek};
use std::io::Write;

/// The `format` of a bundle's manifest.
pub const BUNDLE_FORMAT: &str = "offsign-evidence-bundle";
/// Entries a bundle may hold.
#[cfg(feature = "bundle-file")]
pub const MAX_BUNDLE_ENTRIES: usize = 16;
/// The largest document a bundle is read with: 512 MiB.
#[cfg(feature = "bundle-file")]
pub const MAX_BUNDLE_DOCUMENT: u64 = 512 << 20;
/// The largest signature image a bundle is read with: 16 MiB.
#[cfg(feature = "bundle-file")]
const MAX_BUNDLE_IMAGE: u64 = 16 << 20;
/// The largest file read as a bundle: its largest document, signature image, summary and
/// stamped copy, the README, a manifest and six JWS files at their limits, and 1 MiB for the
/// ZIP's own records.
#[cfg(feature = "bundle-file")]
pub const MAX_BUNDLE_FILE: u64 = 2 * MAX_BUNDLE_DOCUMENT + 4 * MAX_BUNDLE_IMAGE + (64 << 10) + 7 * MAX_JWS_LEN as u64 + (1 << 20);
const MANIFEST: &str = "offsign-bundle.json";
const DOCUMENT_FOLDER: &str = "document/";
const IMAGE: &str = "signature-image.png";
const SUMMARY: &str = "summary.pdf";
const STAMPED: &str = "stamped.pdf";

/// A bundle as read from its file, with what its manifest says.
#[cfg(feature = "bundle-file")]
#[derive(Clone, Debug)]
pub struct BundleFile {
    /// The parts to check.
    pub bundle: Bundle,
    /// The authority key the bundle names (not to be trusted unless the verifier compares it
    /// with one they know).
    pub authority: PublicJwk,
    /// The document's file name.
    pub document_name: Option<String>,
    /// When the bundle was made (RFC 3339).
    pub made_at: String,
}

/// `malformed_bundle` for a file of `size` bytes, past [`MAX_BUNDLE_FILE`].
#[cfg(feature = "bundle-file")]
pub(crate) fn too_large_for_a_bundle(size: u64) -> Error {
    malformed(format!("the file is {size} bytes; an evidence bundle is at most {MAX_BUNDLE_FILE}"))
}

#[cfg(feature = "bundle-file")]
fn malformed(why: impl Into<String>) -> Error {
    Error::new(ErrorCode::MalformedBundle, why.into())
}

/// A file name safe to unpack anywhere: letters, digits, `.`, `-`, `_` and spaces, at most 100
/// characters, never hidden or empty.
fn safe_name(name: Option<&str>) -> String {
    let cleaned: String = name
        .unwrap_or("")
        .chars()
        .map(|c| if c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') { c } else { '_' })
        .take(100)
        .collect();
    let cleaned = cleaned.trim_start_matches(['.', ' ']).trim_end();
    if cleaned.is_empty() { "document".to_owned() } else { cleaned.to_owned() }
}

const README: &str = "This is the evidence bundle of one record signed with offsign.

It holds the signed record (record.jws), the signer's certificate and its status, the server's
receipt, the record before it in the signer's chain, the document that was signed (in document/)
and the image of the handwritten signature; from the organisation's server also summary.pdf, one
page to read, and for a PDF document stamped.pdf: the document with that page appended and the
record attached, whose first bytes are the original, unchanged. Anyone can check them, with no
network, on the organisation's verify page (/verify/ on its offsign server: once opened it works
offline, and the file is checked in the browser, never uploaded) or with the command line:

  offsign verify-bundle THIS-FILE.zip --authority AUTHORITY.jwk

(`offsign` is the command line of the offsign project; build it with `cargo build --release -p
offsign`). AUTHORITY.jwk is the organisation's authority key (the `jwk` member of its server's
/v1/authority), obtained from the organisation itself and kept on record. Without it the check
uses the key named in offsign-bundle.json and says it was not pinned: a bundle forged under a key
of its own would then pass, so compare the report's authority kid with the organisation's.
Keep this file as it came: a bundle unpacked and packed again with compression is refused.
";

/// Writes `bundle` as a ZIP file to `out`, naming `authority` and the document's `document_name`.
/// `summary_pdf`, when given, is the page a person reads (the server writes it).
pub fn write_bundle<W: Write>(
    out: W,
    bundle: &Bundle,
    authority: &PublicJwk,
    document_name: Option<&str>,
    summary_pdf: Option<&[u8]>,
    made_at: Timestamp,
) -> Result<W> {
    let manifest = serde_json::json!({
        "format": BUNDLE_FORMAT,
        "v": 1,
        "record": crate::record::inspect_record(&bundle.record)?.1.id,
        "authority": authority,
        "documentName": document_name,
        "madeAt": made_at.to_string(),
    });
    let mut zip = StoredZip { out, offset: 0, central: Vec::new(), entries: 0 };
    zip.entry(MANIFEST, &crate::json::to_vec(&manifest))?;
    zip.entry("README.txt", README.as_bytes())?;
    zip.entry("record.jws", bundle.record.as_bytes())?;
    let texts = [
        ("certificate.jws", &bundle.certificate),
        ("certificate-status.jws", &bundle.certificate_status),
        ("revocation-list.jws", &bundle.revocation_list),
        ("receipt.jws", &bundle.receipt),
        ("previous-record.jws", &bundle.previous_record),
    ];
    for (name, text) in texts {
        if let Some(text) = text {
            zip.entry(name, text.as_bytes())?;
        }
    }
    if let Some(document) = &bundle.document {
        zip.entry(&format!("{DOCUMENT_FOLDER}{}", safe_name(document_name)), document)?;
    }
    if let Some(image) = &bundle.signature_image {
        zip.entry(IMAGE, image)?;
    }
    if let Some(pdf) = summary_pdf {
        zip.entry(SUMMARY, pdf)?;
    }
    if let Some(stamped) = &bundle.stamped_document {
        zip.entry(STAMPED, stamped)?;
    }
    zip.finish()
}

/// A ZIP file of stored entries, written here rather than with the `zip` crate, which reads
/// bundles: its writer cost the Device's wasm 43 KB of its 389 KB gzipped (measured on
/// 3 Dec 2026), and a bundle needs none of what it adds. The format is PKWARE's APPNOTE 6.3
/// (§4.3): per entry a local header and the bytes as they are, then the central directory and
/// its end record; names in UTF-8 (flag bit 11), times 1980-01-01, no ZIP64 (every entry and
/// the whole file stay under 4 GiB, or the bundle is not written).
struct StoredZip<W> {
    out: W,
    offset: u64,
    central: Vec<u8>,
    entries: u16,
}

impl<W: Write> StoredZip<W> {
    const VERSION: u16 = 20;
    const UTF8_NAMES: u16 = 1 << 11;
    /// 1980-01-01 in MS-DOS date format; the time is 00:00.
    const DATE: u16 = (1 << 5) | 1;

    fn entry(&mut self, name: &str, bytes: &[u8]) -> Result<()> {
        let too_large = || Error::new(ErrorCode::InternalError, format!("the bundle could not be written: {name} makes it larger than a ZIP file without ZIP64 holds"));
        let size = u32::try_from(bytes.len()).map_err(|_| too_large())?;
        let offset = u32::try_from(self.offset).map_err(|_| too_large())?;
        let name_len = u16::try_from(name.len()).map_err(|_| too_large())?;
        let crc = crc32(bytes);
        // Local header: signature, version needed, flags, method (stored), time, date, CRC-32,
        // sizes, name length, no extra field, the name.
        let mut local = Vec::with_capacity(30 + name.len());
        le32(&mut local, 0x0403_4b50);
        [Self::VERSION, Self::UTF8_NAMES, 0, 0, Self::DATE].into_iter().for_each(|v| le16(&mut local, v));
        [crc, size, size].into_iter().for_each(|v| le32(&mut local, v));
        [name_len, 0].into_iter().for_each(|v| le16(&mut local, v));
        local.extend_from_slice(name.as_bytes());
        // Central directory entry: the same, with the version made by, no comment, disk 0, no
        // attributes, and where the local header is.
        let central = &mut self.central;
        le32(central, 0x0201_4b50);
        [Self::VERSION, Self::VERSION, Self::UTF8_NAMES, 0, 0, Self::DATE].into_iter().for_each(|v| le16(central, v));
        [crc, size, size].into_iter().for_each(|v| le32(central, v));
        [name_len, 0, 0, 0, 0].into_iter().for_each(|v| le16(central, v));
        [0, offset].into_iter().for_each(|v| le32(central, v));
        central.extend_from_slice(name.as_bytes());
        self.out.write_all(&local).and_then(|()| self.out.write_all(bytes)).map_err(not_written)?;
        self.offset += (local.len() + bytes.len()) as u64;
        self.entries += 1;
        Ok(())
    }

    fn finish(mut self) -> Result<W> {
        let too_large = || Error::new(ErrorCode::InternalError, "the bundle could not be written: larger than a ZIP file without ZIP64 holds");
        let directory_offset = u32::try_from(self.offset).map_err(|_| too_large())?;
        let directory_len = u32::try_from(self.central.len()).map_err(|_| too_large())?;
        // End of central directory: this disk, the directory's disk, its entries on this disk and
        // in all, its length and offset, no comment.
        let mut end = Vec::with_capacity(22);
        le32(&mut end, 0x0605_4b50);
        [0, 0, self.entries, self.entries].into_iter().for_each(|v| le16(&mut end, v));
        [directory_len, directory_offset].into_iter().for_each(|v| le32(&mut end, v));
        le16(&mut end, 0);
        self.out.write_all(&self.central).and_then(|()| self.out.write_all(&end)).map_err(not_written)?;
        Ok(self.out)
    }
}

/// CRC-32 as ZIP uses it (IEEE 802.3, reflected), a byte at a time from a 1 KiB table built at
/// compile time. Written here: `crc32fast`'s slice-by-16 tables (16 KiB) were most of what
/// writing bundles added to the Device's wasm (measured 3 Dec 2026); a bundle is written
/// rarely, and its few megabytes take milliseconds either way.
fn crc32(bytes: &[u8]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut table = [0u32; 256];
        let mut i = 0;
        while i < 256 {
            let mut c = i as u32;
            let mut bit = 0;
            while bit < 8 {
                c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
                bit += 1;
            }
            table[i] = c;
            i += 1;
        }
        table
    };
    !bytes.iter().fold(!0u32, |c, &b| TABLE[((c ^ u32::from(b)) & 0xff) as usize] ^ (c >> 8))
}

fn le16(out: &mut Vec<u8>, value: u16) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn le32(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn not_written(e: std::io::Error) -> Error {
    Error::new(ErrorCode::InternalError, format!("the bundle could not be written: {e}"))
}

#[cfg(feature = "bundle-file")]
/// Reads a bundle's ZIP file; `malformed_bundle` when it is not one (not a ZIP, no manifest or
/// record, an unknown or compressed entry, too many or too large entries).
pub fn read_bundle<R: Read + Seek>(mut file: R) -> Result<BundleFile> {
    let size = file.seek(std::io::SeekFrom::End(0)).and_then(|size| file.rewind().map(|()| size));
    match size {
        Err(e) => return Err(malformed(format!("the file cannot be read: {e}"))),
        Ok(size) if size > MAX_BUNDLE_FILE => return Err(too_large_for_a_bundle(size)),
        Ok(_) => {}
    }
    let mut zip = zip::ZipArchive::new(file).map_err(|e| malformed(format!("this is not a ZIP file: {e}")))?;
    if zip.len() > MAX_BUNDLE_ENTRIES {
        return Err(malformed(format!("a bundle holds at most {MAX_BUNDLE_ENTRIES} files; this one holds {}", zip.len())));
    }
    let mut bundle = Bundle::default();
    let mut manifest = None;
    let mut record = None;
    for index in 0..zip.len() {
        let mut entry = zip.by_index(index).map_err(|e| malformed(format!("entry {index} cannot be read: {e}")))?;
        if entry.compression() != zip::CompressionMethod::Stored {
            return Err(malformed(format!("{} is compressed; bundles store their files as they are", entry.name())));
        }
        let name = entry.name().to_owned();
        let limit = match name.as_str() {
            n if n.starts_with(DOCUMENT_FOLDER) => MAX_BUNDLE_DOCUMENT,
            STAMPED => MAX_BUNDLE_DOCUMENT + 2 * MAX_BUNDLE_IMAGE,
            IMAGE | SUMMARY => MAX_BUNDLE_IMAGE,
            "README.txt" => 64 << 10,
            _ => MAX_JWS_LEN as u64,
        };
        let mut bytes = Vec::new();
        (&mut entry).take(limit + 1).read_to_end(&mut bytes).map_err(|e| malformed(format!("{name} cannot be read: {e}")))?;
        if bytes.len() as u64 > limit {
            return Err(malformed(format!("{name} is larger than a bundle's {limit} bytes for it")));
        }
        let text = |bytes: Vec<u8>| String::from_utf8(bytes).map_err(|_| malformed(format!("{name} is not text")));
        match name.as_str() {
            MANIFEST => manifest = Some(bytes),
            "README.txt" | SUMMARY => {}
            "record.jws" => record = Some(text(bytes)?),
            "certificate.jws" => bundle.certificate = Some(text(bytes)?),
            "certificate-status.jws" => bundle.certificate_status = Some(text(bytes)?),
            "revocation-list.jws" => bundle.revocation_list = Some(text(bytes)?),
            "receipt.jws" => bundle.receipt = Some(text(bytes)?),
            "previous-record.jws" => bundle.previous_record = Some(text(bytes)?),
            IMAGE => bundle.signature_image = Some(bytes),
            STAMPED => bundle.stamped_document = Some(bytes),
            n if n.starts_with(DOCUMENT_FOLDER) && bundle.document.is_none() => bundle.document = Some(bytes),
            other => return Err(malformed(format!("{other} is not a file of an evidence bundle"))),
        }
    }
    let manifest: serde_json::Value = serde_json::from_slice(&manifest.ok_or_else(|| malformed(format!("{MANIFEST} is missing")))?)
        .map_err(|e| malformed(format!("{MANIFEST} is not JSON: {e}")))?;
    if manifest["format"] != BUNDLE_FORMAT || manifest["v"] != 1 {
        return Err(malformed(format!("{MANIFEST} is not that of a version 1 {BUNDLE_FORMAT}")));
    }
    let authority: PublicJwk = crate::json::parse(manifest["authority"].to_string().as_bytes())
        .map_err(|e| malformed(format!("the manifest's authority is not a public key: {e}")))?;
    bundle.record = record.ok_or_else(|| malformed("record.jws is missing"))?;
    Ok(BundleFile {
        bundle,
        authority,
        document_name: manifest["documentName"].as_str().map(str::to_owned),
        made_at: manifest["madeAt"].as_str().unwrap_or("").to_owned(),
    })
}

/// What a verifier learns from a bundle file: the verdict, each check, and which authority key
/// the checks used. The command line prints it (`offsign verify-bundle`); the verify page shows it.
#[cfg(feature = "bundle-file")]
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BundleReport {
    /// `valid` (every check passes), `invalid` (one fails) or `incomplete` (none fails, but the
    /// bundle lacks a part that one needs).
    pub verdict: Verdict,
    /// The record's id (empty when the record cannot be read).
    pub record: String,
    /// The authority key the checks used.
    pub authority: AuthorityUsed,
    /// When the bundle was made (RFC 3339), as its manifest says.
    pub made_at: String,
    /// The document's file name, as its manifest says.
    pub document_name: Option<String>,
    /// Each check, in the order of [`verify_bundle`](crate::verify_bundle).
    pub checks: Vec<BundleCheck>,
}

/// A bundle's verdict, from its checks.
#[cfg(feature = "bundle-file")]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Every check passes.
    Valid,
    /// At least one check fails.
    Invalid,
    /// None fails, but at least one finds its part absent.
    Incomplete,
}

/// The authority key a report's checks used, and whether the verifier chose it.
#[cfg(feature = "bundle-file")]
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthorityUsed {
    /// Its key id (RFC 7638 thumbprint), to compare with the organisation's.
    pub kid: String,
    /// Whether the verifier gave it; if not, it is the key the bundle names.
    pub pinned: bool,
    /// Whether it is the key the bundle names.
    pub named_in_bundle: bool,
    /// What that means, in words.
    pub note: &'static str,
}

/// Reads a bundle file and checks it against the `pinned` authority key, or when none is given
/// against the key the bundle names (and the report says so). `malformed_bundle` when the file
/// is not a bundle; a bundle that is one but does not hold up gets a report, not an error.
#[cfg(feature = "bundle-file")]
pub fn check_bundle_file<R: Read + Seek>(file: R, pinned: Option<&PublicKey>) -> Result<BundleReport> {
    let read = read_bundle(file)?;
    let named = PublicKey::from_jwk(&read.authority)?;
    let key = pinned.unwrap_or(&named);
    let checks = crate::bundle::verify_bundle(&read.bundle, key);
    let verdict = match () {
        _ if checks.iter().any(|c| c.outcome == Outcome::Fail) => Verdict::Invalid,
        _ if checks.iter().any(|c| c.outcome == Outcome::Absent) => Verdict::Incomplete,
        _ => Verdict::Valid,
    };
    Ok(BundleReport {
        verdict,
        record: crate::record::inspect_record(&read.bundle.record).map(|(_, payload)| payload.id).unwrap_or_default(),
        authority: AuthorityUsed {
            kid: key.kid().to_owned(),
            pinned: pinned.is_some(),
            named_in_bundle: key.kid() == named.kid(),
            note: if pinned.is_some() {
                "checked against the authority key the verifier gave"
            } else {
                "NOT pinned: checked against the key the bundle names; compare this kid with the organisation's"
            },
        },
        made_at: read.made_at,
        document_name: read.document_name,
        checks,
    })
}

#[cfg(all(test, feature = "bundle-file"))]
mod tests {
    use super::*;

    #[test]
    fn the_crc_is_zips_crc_32() {
        // The check value of CRC-32/ISO-HDLC, and the empty input.
        assert_eq!((crc32(b"123456789"), crc32(b"")), (0xCBF4_3926, 0));
    }
    use crate::keys::Identity;
    use crate::record::{sign_record, DocumentDigest, RecordRequest};

    fn sample() -> (Bundle, PublicJwk) {
        let worker = Identity::generate().unwrap();
        let now = Timestamp::from_millis(1_800_000_000_000).unwrap();
        let doc = DocumentDigest::of_bytes(b"the pdf", None, None).unwrap();
        let record = sign_record(&worker, RecordRequest { doc, claims: Default::default(), chain: None, cert_serial: Some("s"), now }).unwrap();
        let bundle = Bundle { record: record.jws, document: Some(b"the pdf".to_vec()), receipt: Some("r.e.c".into()), ..Default::default() };
        (bundle, Identity::generate().unwrap().public_key().to_jwk())
    }

    #[test]
    fn a_written_bundle_reads_back_with_a_safe_document_name() {
        let (bundle, authority) = sample();
        let now = Timestamp::from_millis(1_800_000_000_000).unwrap();
        let bytes = write_bundle(std::io::Cursor::new(Vec::new()), &bundle, &authority, Some("../../etc/passwd"), Some(b"%PDF-1.7"), now).unwrap().into_inner();
        let names: Vec<String> = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap().file_names().map(str::to_owned).collect();
        assert!(names.contains(&"document/_.._etc_passwd".to_owned()), "{names:?}");
        let read = read_bundle(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!((read.bundle.record, read.bundle.document, read.bundle.receipt), (bundle.record, bundle.document, bundle.receipt));
        assert_eq!(read.authority, authority);
        assert_eq!(read.document_name.as_deref(), Some("../../etc/passwd"));
    }

    #[test]
    fn a_file_that_is_not_a_bundle_is_refused_with_malformed_bundle() {
        let (bundle, authority) = sample();
        let zip_of = |entries: &[(&str, &[u8])], method: zip::CompressionMethod| {
            let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
            for (name, bytes) in entries {
                zip.start_file(*name, zip::write::SimpleFileOptions::default().compression_method(method)).unwrap();
                zip.write_all(bytes).unwrap();
            }
            zip.finish().unwrap().into_inner()
        };
        let manifest = serde_json::json!({ "format": BUNDLE_FORMAT, "v": 1, "authority": authority }).to_string();
        let stored = zip::CompressionMethod::Stored;
        let many: Vec<(String, Vec<u8>)> = (0..20).map(|i| (format!("document/{i}"), vec![])).collect();
        let many: Vec<(&str, &[u8])> = many.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
        let cases: Vec<(&str, Vec<u8>)> = vec![
            ("not a ZIP", b"PK\x03\x04 but nothing else".to_vec()),
            ("no manifest", zip_of(&[("record.jws", bundle.record.as_bytes())], stored)),
            ("no record", zip_of(&[(MANIFEST, manifest.as_bytes())], stored)),
            ("an unknown file", zip_of(&[(MANIFEST, manifest.as_bytes()), ("record.jws", bundle.record.as_bytes()), ("run.sh", b"rm -rf /")], stored)),
            ("another format", zip_of(&[(MANIFEST, br#"{"format":"x","v":1}"#), ("record.jws", bundle.record.as_bytes())], stored)),
            ("too many files", zip_of(&many, stored)),
            ("a record past the JWS limit", zip_of(&[(MANIFEST, manifest.as_bytes()), ("record.jws", &vec![b'a'; MAX_JWS_LEN + 1])], stored)),
        ];
        for (case, bytes) in cases {
            let e = read_bundle(std::io::Cursor::new(bytes)).unwrap_err();
            assert_eq!(e.code(), ErrorCode::MalformedBundle, "{case}: {e}");
        }
    }
}
