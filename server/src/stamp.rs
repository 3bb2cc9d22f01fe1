//! The stamped copy of a signed PDF, for the evidence bundle: the original file, byte for byte,
//! followed by an incremental update (ISO 32000-1 §7.5.6) that appends the summary page and
//! attaches the record (`record.jws`). A PDF reader shows the document with the page at its
//! end; the original's SHA-256 still holds for the copy's first bytes, so anyone can check
//! that the document inside is the one signed (`head -c SIZE stamped.pdf | sha256sum`).
//!
//! The document came from a device, so it is parsed as hostile input: in a child process of
//! this server (`offsign-server stamp-pdf`, with no environment), whose memory and CPU time
//! are bounded, and whose failure (a malformed, encrypted or hostile PDF, a parser that panics
//! or overflows its stack) only means that the bundle holds no stamped copy.

use lopdf::{dictionary, Dictionary, Document, IncrementalDocument, Object, Stream};
use std::io::{Read, Write};
use std::path::Path;

/// The hidden command the server runs itself with to make a stamped copy.
pub const STAMP_COMMAND: &str = "stamp-pdf";
/// CPU seconds the child may spend.
const CHILD_CPU_SECONDS: u64 = 20;
/// Held while a child stamps.
static STAMPING: std::sync::Mutex<()> = std::sync::Mutex::new(());
/// How long the child may take in all.
const CHILD_WALL_CLOCK: std::time::Duration = std::time::Duration::from_secs(60);
/// The child's address space: 1 GiB, plus 8 bytes for each byte it is given.
const CHILD_MEMORY_BASE: u64 = 1 << 30;

/// The stamped copy of `original`, made by `program` (this server's executable) in a child
/// process; `Err` with the reason when it cannot be made.
pub fn stamped_copy(program: &Path, original: &[u8], summary_pdf: &[u8], record_jws: &str) -> Result<Vec<u8>, String> {
    // One stamping at a time: each child may take a GiB and 20 s of CPU, and bundles are
    // downloaded rarely (a console session asks for them one by one).
    let _one_at_a_time = STAMPING.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let mut request = Vec::with_capacity(16 + original.len() + summary_pdf.len() + record_jws.len());
    for part in [original, summary_pdf] {
        request.extend_from_slice(&(part.len() as u64).to_le_bytes());
        request.extend_from_slice(part);
    }
    request.extend_from_slice(record_jws.as_bytes());
    let mut child = std::process::Command::new(program)
        .arg(STAMP_COMMAND)
        .env_clear()
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("{}: {e}", program.display()))?;
    let (mut stdin, stdout, stderr) = (child.stdin.take(), child.stdout.take(), child.stderr.take());
    let writer = std::thread::spawn(move || stdin.as_mut().map(|stdin| stdin.write_all(&request)));
    // Its error output on a thread of its own, so that neither pipe can fill and stall the other.
    let errors = std::thread::spawn(move || {
        let mut why = String::new();
        let _ = stderr.map(|err| err.take(4 << 10).read_to_string(&mut why));
        why
    });
    // A child that takes longer than CHILD_WALL_CLOCK in all (waiting uses no CPU time) is
    // ended; neither side holds the child for more than a moment.
    let child = std::sync::Arc::new(std::sync::Mutex::new(child));
    let (done, finished) = std::sync::mpsc::channel::<()>();
    let deadline = {
        let child = child.clone();
        std::thread::spawn(move || {
            if finished.recv_timeout(CHILD_WALL_CLOCK).is_err() {
                let _ = child.lock().map(|mut child| child.kill());
            }
        })
    };
    let limit = (original.len() + summary_pdf.len() + record_jws.len()) as u64 + (1 << 20);
    let mut stamped = Vec::new();
    let read = stdout.map(|out| out.take(limit + 1).read_to_end(&mut stamped));
    let _ = writer.join();
    let status = loop {
        match child.lock().map_err(|_| "the stamping process was lost".to_owned())?.try_wait() {
            Ok(Some(status)) => break Ok(status),
            Ok(None) => std::thread::sleep(std::time::Duration::from_millis(5)),
            Err(e) => break Err(e.to_string()),
        }
    };
    let _ = done.send(());
    let _ = deadline.join();
    let why = errors.join().unwrap_or_default();
    let status = status?;
    if !status.success() {
        return Err(format!("the stamping process failed ({status}): {}", why.trim()));
    }
    match read {
        Some(Ok(_)) if (stamped.len() as u64) <= limit && stamped.starts_with(original) => Ok(stamped),
        _ => Err("the stamping process gave no sound copy".into()),
    }
}

/// `offsign-server stamp-pdf`: reads the request of [`stamped_copy`] from standard input and
/// writes the stamped copy to standard output, within its limits.
pub fn run_child() -> Result<(), String> {
    // A crash leaves no core file: it would hold the document in the clear, outside the
    // evidence store.
    rlimit::setrlimit(rlimit::Resource::CORE, 0, 0).map_err(|e| format!("cannot turn off core files: {e}"))?;
    let mut request = Vec::new();
    std::io::stdin().lock().read_to_end(&mut request).map_err(|e| e.to_string())?;
    let limit = CHILD_MEMORY_BASE.saturating_add((request.len() as u64).saturating_mul(8));
    rlimit::setrlimit(rlimit::Resource::AS, limit, limit).map_err(|e| format!("cannot bound memory: {e}"))?;
    rlimit::setrlimit(rlimit::Resource::CPU, CHILD_CPU_SECONDS, CHILD_CPU_SECONDS).map_err(|e| format!("cannot bound time: {e}"))?;
    let mut rest = request.as_slice();
    let mut part = || -> Result<&[u8], String> {
        let (length, tail) = rest.split_first_chunk::<8>().ok_or("the request is cut short")?;
        let length = usize::try_from(u64::from_le_bytes(*length)).map_err(|_| "a part is too long")?;
        let (part, tail) = tail.split_at_checked(length).ok_or("the request is cut short")?;
        rest = tail;
        Ok(part)
    };
    let (original, summary_pdf) = (part()?, part()?);
    let record_jws = std::str::from_utf8(rest).map_err(|_| "the record is not text")?;
    let stamped = stamp(original, summary_pdf, record_jws)?;
    std::io::stdout().lock().write_all(&stamped).map_err(|e| e.to_string())
}

/// The stamped copy, made here (only ever in the child, see [`run_child`]).
fn stamp(original: &[u8], summary_pdf: &[u8], record_jws: &str) -> Result<Vec<u8>, String> {
    let pdf_error = |e: lopdf::Error| e.to_string();
    let mut copy: IncrementalDocument = original.try_into().map_err(pdf_error)?;
    let previous = copy.get_prev_documents();
    if previous.is_encrypted() || previous.trailer.has(b"Encrypt") {
        return Err("the PDF is encrypted".into());
    }
    let catalog_id = previous.trailer.get(b"Root").and_then(Object::as_reference).map_err(pdf_error)?;
    let catalog = previous.get_dictionary(catalog_id).map_err(pdf_error)?.clone();
    let pages_id = catalog.get(b"Pages").and_then(Object::as_reference).map_err(pdf_error)?;
    let pages = previous.get_dictionary(pages_id).map_err(pdf_error)?.clone();

    // The summary page, numbered after every object of the original.
    let mut summary = Document::load_mem(summary_pdf).map_err(pdf_error)?;
    summary.renumber_objects_with(copy.new_document.max_id + 1);
    let page_id = *summary.get_pages().values().next().ok_or("the summary has no page")?;
    let summary_catalog = summary.trailer.get(b"Root").and_then(Object::as_reference).map_err(pdf_error)?;
    let summary_pages = summary.get_dictionary(summary_catalog).and_then(|c| c.get(b"Pages")).and_then(Object::as_reference).map_err(pdf_error)?;
    let target = &mut copy.new_document;
    target.max_id = summary.max_id;
    for (id, object) in summary.objects {
        if id != summary_catalog && id != summary_pages {
            target.objects.insert(id, object);
        }
    }

    // The record, attached to the page (a paperclip a reader lists) and, when the document has
    // no name tree of its own, in the document's list of attached files.
    let file = target.add_object(Stream::new(
        dictionary! { "Type" => "EmbeddedFile", "Params" => dictionary! { "Size" => record_jws.len() as i64 } },
        record_jws.as_bytes().to_vec(),
    ));
    let file_spec = target.add_object(dictionary! {
        "Type" => "Filespec",
        "F" => Object::string_literal("record.jws"),
        "UF" => Object::string_literal("record.jws"),
        "Desc" => Object::string_literal("The signed record (a JWS): the evidence this page summarises"),
        "EF" => dictionary! { "F" => file },
    });
    let annotation = target.add_object(dictionary! {
        "Type" => "Annot", "Subtype" => "FileAttachment", "FS" => file_spec, "Name" => "Paperclip", "P" => page_id,
        "Rect" => vec![560.into(), 800.into(), 576.into(), 820.into()],
        "Contents" => Object::string_literal("The signed record (record.jws)"),
    });
    let page = target.get_dictionary_mut(page_id).map_err(pdf_error)?;
    page.set("Parent", pages_id);
    // Nothing inherited from the signer's page tree crops or turns the summary page.
    let media_box = page.get(b"MediaBox").map_err(pdf_error)?.clone();
    page.set("CropBox", media_box);
    page.set("Rotate", 0);
    page.set("Annots", vec![annotation.into()]);
    let mut pages = pages;
    let mut kids = pages.get(b"Kids").and_then(Object::as_array).map_err(pdf_error)?.clone();
    kids.push(page_id.into());
    let count = pages.get(b"Count").and_then(Object::as_i64).map_err(pdf_error)?;
    pages.set("Kids", kids);
    pages.set("Count", count + 1);
    target.objects.insert(pages_id, Object::Dictionary(pages));
    if !catalog.has(b"Names") {
        let mut catalog: Dictionary = catalog;
        let names = dictionary! { "Names" => vec![Object::string_literal("record.jws"), file_spec.into()] };
        catalog.set("Names", dictionary! { "EmbeddedFiles" => names });
        target.objects.insert(catalog_id, Object::Dictionary(catalog));
    }
    let mut out = Vec::with_capacity(original.len() + summary_pdf.len() + record_jws.len() + 4096);
    copy.save_to(&mut out).map_err(|e| e.to_string())?;
    Ok(out)
}
