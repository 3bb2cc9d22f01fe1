//! The evidence bundle's summary page (`summary.pdf`): one A4 page a person reads without any
//! tool — who signed, when, where if the record claims it, the document, the handwritten
//! signature, and each check of the bundle with its result in words. It is written from the
//! bundle's own parts and checks (`offsign::verify_bundle`), so it says what a verifier finds.
//!
//! Text is Helvetica, a PDF standard font every reader has, in WinAnsi encoding: characters
//! outside it are shown as `?` (the JWS in the bundle holds the exact text).

use lopdf::content::{Content, Operation};
use lopdf::{dictionary, Document, Object, Stream};
use offsign::{BundleCheck, Outcome, RecordPayload};
use std::io::Write as _;

/// What the summary page shows.
pub struct Summary<'a> {
    /// The record as signed.
    pub payload: &'a RecordPayload,
    /// The worker the certificate names, if the bundle holds it.
    pub worker: Option<&'a str>,
    /// When the server received the record (RFC 3339), from its receipt.
    pub received_at: Option<&'a str>,
    /// The checks of the bundle.
    pub checks: &'a [BundleCheck],
    /// The handwritten signature's PNG, if the bundle holds it.
    pub signature_png: Option<&'a [u8]>,
    /// The organisation's verify page (`{--public-url}/verify/`), drawn as a QR code; none when
    /// the server does not know the address it is reached at.
    pub verify_url: Option<&'a str>,
}

const PAGE_WIDTH: f32 = 595.0;
const PAGE_HEIGHT: f32 = 842.0;
const MARGIN: f32 = 50.0;
/// Characters per line of 9-point Helvetica across the page, on average.
const WRAP: usize = 100;
/// The largest signature image drawn: 2,000 × 2,000 pixels (a tablet's full-screen pad is
/// smaller); a larger one is left out, and the page says so.
const MAX_IMAGE_SIDE: u32 = 2_000;

/// `text` in WinAnsi (PDF's standard Latin encoding): Latin-1 as it is, the usual typographic
/// marks mapped, anything else `?`.
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            ' '..='~' | '\u{a0}'..='\u{ff}' => c as u8,
            '—' => 0x97,
            '–' => 0x96,
            '’' => 0x92,
            '‘' => 0x91,
            '“' => 0x93,
            '”' => 0x94,
            '…' => 0x85,
            '€' => 0x80,
            '•' => 0x95,
            _ => b'?',
        })
        .collect()
}

/// `text` cut into lines of at most `width` characters, at spaces where it can.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let mut word = word.to_owned();
        while word.chars().count() > width {
            let head: String = word.chars().take(width).collect();
            word = word.chars().skip(width).collect();
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            lines.push(head);
        }
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    lines.push(line);
    lines
}

/// A page's text, written top-down.
struct Writer {
    operations: Vec<Operation>,
    y: f32,
}

impl Writer {
    fn line(&mut self, font: &str, size: f32, text: &str) {
        self.operations.extend([
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec![font.into(), size.into()]),
            Operation::new("Td", vec![MARGIN.into(), self.y.into()]),
            Operation::new("Tj", vec![Object::string_literal(win_ansi(text))]),
            Operation::new("ET", vec![]),
        ]);
        self.y -= size * 1.35;
    }

    fn field(&mut self, name: &str, value: &str) {
        for (i, part) in wrap(&format!("{name}: {value}"), WRAP).iter().enumerate() {
            self.line(if i == 0 { "F2" } else { "F1" }, 9.0, part);
        }
    }

    fn gap(&mut self, points: f32) {
        self.y -= points;
    }
}

/// The pad image as PDF image objects: its colour (RGB) and its transparency (a soft mask),
/// compressed; `None` when it cannot be read as a PNG within the bounds.
fn image_objects(doc: &mut Document, png: &[u8]) -> Option<(lopdf::ObjectId, u32, u32)> {
    let mut decoder = png::Decoder::new_with_limits(std::io::Cursor::new(png), png::Limits { bytes: 64 << 20 });
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().ok()?;
    let (width, height) = reader.info().size();
    if width == 0 || height == 0 || width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE {
        return None;
    }
    let mut pixels = vec![0u8; reader.output_buffer_size()?];
    let frame = reader.next_frame(&mut pixels).ok()?;
    let channels = frame.color_type.samples();
    let (mut rgb, mut alpha) = (Vec::with_capacity((width * height * 3) as usize), Vec::with_capacity((width * height) as usize));
    for pixel in pixels[..frame.buffer_size()].chunks_exact(channels) {
        match channels {
            1 => rgb.extend([pixel[0]; 3]),
            2 => {
                rgb.extend([pixel[0]; 3]);
                alpha.push(pixel[1]);
            }
            3 => rgb.extend_from_slice(pixel),
            _ => {
                rgb.extend_from_slice(&pixel[..3]);
                alpha.push(pixel[3]);
            }
        }
    }
    let deflate = |bytes: &[u8]| {
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(bytes).ok()?;
        encoder.finish().ok()
    };
    let image = |colour: &str, bytes: Vec<u8>| {
        Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Image", "Width" => width, "Height" => height,
                "ColorSpace" => colour, "BitsPerComponent" => 8, "Filter" => "FlateDecode",
            },
            bytes,
        )
    };
    let mut colour = image("DeviceRGB", deflate(&rgb)?);
    if !alpha.is_empty() {
        let mask = doc.add_object(image("DeviceGray", deflate(&alpha)?));
        colour.dict.set("SMask", mask);
    }
    Some((doc.add_object(colour), width, height))
}

/// The side of the verify page's QR code on the page, in points (about 3 cm).
const QR_SIDE: f32 = 84.0;

/// The QR code of `url` (error correction M, with its quiet zone of 4 modules) as black
/// squares filling `side` points, its lower left corner at `x`, `y`; `None` when `url` is too
/// long for a QR code.
fn qr_code(url: &str, x: f32, y: f32, side: f32) -> Option<Vec<Operation>> {
    let code = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M).ok()?;
    let width = code.width();
    let module = side / (width + 8) as f32;
    let mut operations = vec![Operation::new("q", vec![]), Operation::new("g", vec![0.into()])];
    for (index, colour) in code.to_colors().into_iter().enumerate() {
        if colour == qrcode::Color::Dark {
            let (column, row) = ((index % width) as f32, (index / width) as f32);
            let (left, bottom) = (x + (column + 4.0) * module, y + side - (row + 5.0) * module);
            operations.push(Operation::new("re", vec![left.into(), bottom.into(), module.into(), module.into()]));
        }
    }
    operations.extend([Operation::new("f", vec![]), Operation::new("Q", vec![])]);
    Some(operations)
}

/// The summary page as a PDF file.
pub fn summary_pdf(summary: &Summary) -> Result<Vec<u8>, String> {
    let payload = summary.payload;
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let regular = doc.add_object(dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding" });
    let bold = doc.add_object(dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica-Bold", "Encoding" => "WinAnsiEncoding" });
    let mut w = Writer { operations: Vec::new(), y: PAGE_HEIGHT - MARGIN - 16.0 };
    w.line("F2", 16.0, "Signed record: evidence summary");
    w.line("F1", 9.0, &format!("Record {}", payload.id));
    w.gap(8.0);
    w.field("Signed by", &format!("{} (key {})", summary.worker.unwrap_or("the holder of the key below"), payload.kid));
    w.field("Signed at (the device's trusted time)", &payload.signed_at.to_string());
    w.field("Received by the server", summary.received_at.unwrap_or("(no receipt in the bundle)"));
    if let Some(place) = payload.claims.get("location") {
        let (lat, lon, accuracy) = (place.get("lat").and_then(|v| v.as_f64()), place.get("lon").and_then(|v| v.as_f64()), place.get("accuracyM"));
        let text = match (lat, lon) {
            (Some(lat), Some(lon)) => format!("{lat:.5}, {lon:.5}{}", accuracy.and_then(|a| a.as_u64()).map(|a| format!(" (within {a} m)")).unwrap_or_default()),
            _ => place.to_string(),
        };
        w.field("Place (as the device claimed it)", &text);
    }
    let doc_line = format!(
        "{} ({}, {} bytes), SHA-256 {}",
        payload.doc.name.as_deref().unwrap_or("unnamed"),
        payload.doc.media_type.as_deref().unwrap_or("type not given"),
        payload.doc.size.map_or("?".to_owned(), |s| s.to_string()),
        payload.doc.sha256
    );
    w.field("Document", &doc_line);
    for (name, value) in payload.claims.iter().filter(|(name, _)| !matches!(name.as_str(), "location" | "signatureImage" | "evidenceSealing")) {
        let value = value.as_str().map_or_else(|| value.to_string(), str::to_owned);
        w.field(name, &value.chars().take(300).collect::<String>());
    }
    w.gap(6.0);
    w.line("F2", 11.0, "Handwritten signature");
    let mut resources = dictionary! { "Font" => dictionary! { "F1" => regular, "F2" => bold } };
    match summary.signature_png.and_then(|png| image_objects(&mut doc, png)) {
        Some((image, width, height)) => {
            let scale = (240.0 / width as f32).min(100.0 / height as f32);
            let (shown_w, shown_h) = (width as f32 * scale, height as f32 * scale);
            w.y -= shown_h;
            w.operations.extend([
                Operation::new("q", vec![]),
                Operation::new("cm", vec![shown_w.into(), 0.into(), 0.into(), shown_h.into(), MARGIN.into(), w.y.into()]),
                Operation::new("Do", vec!["Im1".into()]),
                Operation::new("Q", vec![]),
            ]);
            w.gap(14.0);
            resources.set("XObject", dictionary! { "Im1" => image });
        }
        None if summary.signature_png.is_some() => w.line("F1", 9.0, "The bundle's signature image could not be drawn; it is in the bundle as signature-image.png."),
        None => w.line("F1", 9.0, "None in this bundle."),
    }
    w.gap(6.0);
    w.line("F2", 11.0, "Checks (offsign verify-bundle, against the authority key the bundle names)");
    // The stamped copy, which holds this page, is checked by the verifier, not described here.
    for check in summary.checks.iter().filter(|check| check.check != "stamped_copy") {
        let word = match check.outcome {
            Outcome::Pass => "PASS",
            Outcome::Fail => "FAIL",
            Outcome::Absent => "ABSENT",
        };
        w.field(&format!("{word}  {}", check.check), &check.detail);
    }
    w.gap(6.0);
    w.line("F2", 11.0, "Check it yourself");
    if let Some(url) = summary.verify_url {
        if let Some(square) = qr_code(url, MARGIN, w.y - QR_SIDE, QR_SIDE) {
            w.operations.extend(square);
            w.y -= QR_SIDE + 4.0;
            w.line("F1", 9.0, &format!("The verify page: {url}"));
            w.line("F1", 8.0, "Open it once and it works with no network; the bundle you give it is checked in the browser, never uploaded.");
        }
    }
    for line in wrap(
        "Or with the command line, offline: offsign verify-bundle BUNDLE.zip --authority AUTHORITY.jwk, with the organisation's authority key obtained from the organisation. This page is a reading aid; the signed files in the bundle are the evidence.",
        WRAP + 5,
    ) {
        w.line("F1", 8.0, &line);
    }
    let content = Content { operations: w.operations }.encode().map_err(|e| e.to_string())?;
    let content_id = doc.add_object(Stream::new(dictionary! {}, content));
    let resources_id = doc.add_object(resources);
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => content_id, "Resources" => resources_id,
        "MediaBox" => vec![0.into(), 0.into(), PAGE_WIDTH.into(), PAGE_HEIGHT.into()],
    });
    doc.objects.insert(pages_id, Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 }));
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).map_err(|e| e.to_string())?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_a_signer_chose_cannot_break_out_of_its_string_and_the_file_is_sound() {
        let worker = offsign::Identity::generate().unwrap();
        let mut claims = serde_json::Map::new();
        claims.insert("recipient".into(), ") Tj ET BT /F2 40 Tf (forged".into());
        claims.insert("note".into(), "((( \\ \r ) endstream endobj %%EOF".into());
        let request = offsign::RecordRequest {
            doc: offsign::DocumentDigest::of_bytes(b"x", Some("a)b(.pdf".into()), None).unwrap(),
            claims,
            chain: None,
            cert_serial: Some("s"),
            now: offsign::Timestamp::from_millis(1_800_000_000_000).unwrap(),
        };
        let record = offsign::sign_record(&worker, request).unwrap();
        let pdf = summary_pdf(&Summary {
            payload: &record.payload,
            worker: Some("ann (night shift)"),
            received_at: None,
            checks: &[],
            signature_png: Some(b"\x89PNG not really"),
            verify_url: None,
        })
        .unwrap();
        let path = std::env::temp_dir().join(format!("offsign-hostile-summary-{}.pdf", std::process::id()));
        std::fs::write(&path, &pdf).unwrap();
        let qpdf = std::process::Command::new("qpdf").arg("--check").arg(&path).output().expect("qpdf is installed (pkg-scripts/setup)");
        assert!(qpdf.status.success(), "{}", String::from_utf8_lossy(&qpdf.stdout));
        let content = lopdf::Document::load_mem(&pdf).unwrap();
        let page = *content.get_pages().values().next().unwrap();
        let text = content.extract_text(&[1]).unwrap_or_default();
        assert!(text.contains("forged"), "the claim is shown as text: {text}");
        let operations = lopdf::content::Content::decode(&content.get_page_content(page).unwrap()).unwrap().operations;
        let fonts: Vec<_> = operations.iter().filter(|o| o.operator == "Tf").map(|o| o.operands[1].as_float().unwrap()).collect();
        assert!(fonts.iter().all(|size| *size <= 16.0), "no operator the claim wrote: {fonts:?}");
        assert!(String::from_utf8_lossy(&pdf).contains("could not be drawn"), "a broken image is said, not drawn");
    }

    #[test]
    fn the_qr_code_on_the_page_reads_back_as_the_verify_page_when_a_pdf_reader_draws_it() {
        let worker = offsign::Identity::generate().unwrap();
        let request = offsign::RecordRequest {
            doc: offsign::DocumentDigest::of_bytes(b"x", Some("receipt.pdf".into()), None).unwrap(),
            claims: serde_json::Map::new(),
            chain: None,
            cert_serial: Some("s"),
            now: offsign::Timestamp::from_millis(1_800_000_000_000).unwrap(),
        };
        let record = offsign::sign_record(&worker, request).unwrap();
        let url = "https://sign.example.com/verify/";
        let summary = |verify_url| Summary { payload: &record.payload, worker: None, received_at: None, checks: &[], signature_png: None, verify_url };
        let dir = std::env::temp_dir().join(format!("offsign-summary-qr-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("summary.pdf"), summary_pdf(&summary(Some(url))).unwrap()).unwrap();
        // Poppler draws the page (150 dpi, grey); rqrr, a decoder of its own, finds the code.
        let drawn = std::process::Command::new("pdftoppm")
            .args(["-r", "150", "-gray", "-png", "-singlefile"])
            .arg(dir.join("summary.pdf"))
            .arg(dir.join("page"))
            .status()
            .expect("pdftoppm is installed (poppler-utils, pkg-scripts/setup)");
        assert!(drawn.success());
        let mut decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(dir.join("page.png")).unwrap()));
        decoder.set_transformations(png::Transformations::normalize_to_color8());
        let mut reader = decoder.read_info().unwrap();
        let mut pixels = vec![0u8; reader.output_buffer_size().unwrap()];
        let frame = reader.next_frame(&mut pixels).unwrap();
        let (width, channels) = (frame.width as usize, frame.color_type.samples());
        let mut image = rqrr::PreparedImage::prepare_from_greyscale(width, frame.height as usize, |x, y| pixels[(y * width + x) * channels]);
        let found: Vec<String> = image.detect_grids().iter().filter_map(|grid| grid.decode().ok()).map(|(_, text)| text).collect();
        assert_eq!(found, [url]);
        let text = String::from_utf8_lossy(&std::fs::read(dir.join("summary.pdf")).unwrap()).into_owned();
        assert!(text.contains(&format!("(The verify page: {url})")), "the address is written out too");
        // No address known: no code, and the command line is still named.
        let without = summary_pdf(&summary(None)).unwrap();
        assert!(!String::from_utf8_lossy(&without).contains("verify page"));
        assert!(String::from_utf8_lossy(&without).contains("offsign verify-bundle"));
        if std::env::var_os("OFFSIGN_KEEP_SUMMARY").is_none() {
            std::fs::remove_dir_all(dir).unwrap();
        }
    }

    #[test]
    fn lines_wrap_at_spaces_and_cut_what_has_none() {
        assert_eq!(wrap("a bb ccc", 4), ["a bb", "ccc"]);
        assert_eq!(wrap(&"x".repeat(10), 4), ["xxxx", "xxxx", "xx"]);
        assert_eq!(win_ansi("é — ش"), [0xe9, b' ', 0x97, b' ', b'?']);
    }
}
