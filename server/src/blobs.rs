//! Where the server keeps evidence: the blob store of checked bytes (a trait; a local folder
//! by default, or S3-compatible object storage), the folder of uploads under way, and which
//! uploads are being appended to.
//! The HTTP side is `evidence`.

use crate::storage::EvidenceRow;
use base64::Engine as _;
use object_store::ObjectStore as _;
use std::collections::HashSet;
use std::io::Read;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// Where checked evidence is kept, by the lower-case hex SHA-256 of its bytes. Content
/// addressed: the same bytes under two records are kept once.
pub trait BlobStore: Send + Sync + 'static {
    /// Keeps the file at `path` (checked bytes) as blob `digest`, consuming the file; keeping
    /// a blob already held is a no-op.
    fn keep(&self, digest: &str, path: &Path) -> std::io::Result<()>;
    /// The bytes of blob `digest`, if held.
    fn open(&self, digest: &str) -> std::io::Result<Option<Box<dyn Read + Send>>>;
}

/// A blob store in a local directory: `<dir>/sha256/<first two hex digits>/<hex digest>`.
pub struct LocalBlobs {
    root: PathBuf,
}

impl LocalBlobs {
    fn path(&self, digest: &str) -> PathBuf {
        self.root.join("sha256").join(&digest[..2]).join(digest)
    }
}

impl BlobStore for LocalBlobs {
    fn keep(&self, digest: &str, path: &Path) -> std::io::Result<()> {
        let target = self.path(digest);
        if target.exists() {
            return std::fs::remove_file(path);
        }
        private_dir(target.parent().expect("a blob's path has a folder"))?;
        // Same file system (the staging folder is beside it): the rename is atomic, so a blob
        // is whole or absent.
        std::fs::rename(path, &target)?;
        std::fs::File::open(target.parent().expect("a blob's path has a folder"))?.sync_all()
    }

    fn open(&self, digest: &str) -> std::io::Result<Option<Box<dyn Read + Send>>> {
        match std::fs::File::open(self.path(digest)) {
            Ok(file) => Ok(Some(Box::new(file))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// A blob store in S3-compatible object storage (`--evidence-store s3://BUCKET[/PREFIX]`),
/// through the `object_store` crate: object `PREFIX/sha256/<hex digest>`. Credentials, region
/// and endpoint come from the usual `AWS_*` environment variables (`AWS_ACCESS_KEY_ID`,
/// `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, `AWS_ENDPOINT` for a store other than Amazon's,
/// `AWS_ALLOW_HTTP=true` for one without TLS). Uploads under way stay in the local folder; only
/// checked bytes go to the bucket.
pub struct ObjectBlobs {
    store: Box<dyn object_store::ObjectStore>,
    prefix: object_store::path::Path,
    /// The server's runtime: the trait is called from its blocking threads.
    runtime: tokio::runtime::Handle,
}

/// The size of the parts a blob is sent to object storage in (S3 takes parts of 5 MiB and up).
const PART_BYTES: usize = 8 << 20;

impl ObjectBlobs {
    /// The store at `url` (`s3://BUCKET[/PREFIX]`), checked by listing its prefix: a wrong
    /// bucket, credentials or endpoint stop the server at its start, not at the first upload.
    pub async fn connect(url: &str) -> Result<ObjectBlobs, String> {
        let parsed = url.strip_prefix("s3://").ok_or("--evidence-store is s3://BUCKET[/PREFIX]")?;
        let (bucket, prefix) = parsed.split_once('/').unwrap_or((parsed, ""));
        if bucket.is_empty() {
            return Err("--evidence-store names no bucket: s3://BUCKET[/PREFIX]".into());
        }
        let store = object_store::aws::AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .build()
            .map_err(|e| format!("--evidence-store {url}: {e}"))?;
        let prefix = object_store::path::Path::parse(prefix.trim_matches('/')).map_err(|e| format!("--evidence-store {url}: {e}"))?;
        let mut listing = store.list(Some(&prefix));
        if let Some(Err(e)) = futures_util::StreamExt::next(&mut listing).await {
            return Err(format!("--evidence-store {url}: the bucket cannot be read: {e}"));
        }
        drop(listing);
        Ok(ObjectBlobs { store: Box::new(store), prefix, runtime: tokio::runtime::Handle::current() })
    }

    fn path(&self, digest: &str) -> object_store::path::Path {
        self.prefix.child("sha256").child(digest)
    }
}

impl BlobStore for ObjectBlobs {
    fn keep(&self, digest: &str, path: &Path) -> std::io::Result<()> {
        let target = self.path(digest);
        match self.runtime.block_on(self.store.head(&target)) {
            Ok(_) => return std::fs::remove_file(path),
            Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => return Err(std::io::Error::other(e)),
        }
        // Content addressed: a put that races another of the same digest writes the same bytes.
        // Streamed from the file in parts, never whole in memory (a piece may be gigabytes).
        let mut file = std::fs::File::open(path)?;
        self.runtime.block_on(async {
            let upload = self.store.put_multipart(&target).await.map_err(std::io::Error::other)?;
            let mut writer = object_store::WriteMultipart::new_with_chunk_size(upload, PART_BYTES);
            let mut buf = vec![0u8; PART_BYTES];
            let sent: std::io::Result<()> = async {
                loop {
                    let read = file.read(&mut buf)?;
                    if read == 0 {
                        return Ok(());
                    }
                    writer.wait_for_capacity(2).await.map_err(std::io::Error::other)?;
                    writer.write(&buf[..read]);
                }
            }
            .await;
            match sent {
                Ok(()) => writer.finish().await.map(drop).map_err(std::io::Error::other),
                Err(e) => {
                    let _ = writer.abort().await;
                    Err(e)
                }
            }
        })?;
        std::fs::remove_file(path)
    }

    fn open(&self, digest: &str) -> std::io::Result<Option<Box<dyn Read + Send>>> {
        self.runtime.block_on(async {
            match self.store.get(&self.path(digest)).await {
                Ok(found) => Ok(Some(Box::new(std::io::Cursor::new(found.bytes().await.map_err(std::io::Error::other)?)) as Box<dyn Read + Send>)),
                Err(object_store::Error::NotFound { .. }) => Ok(None),
                Err(e) => Err(std::io::Error::other(e)),
            }
        })
    }
}

/// A folder only the server's user can read.
fn private_dir(path: &Path) -> std::io::Result<()> {
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(path)
}

/// The evidence side of the server: the blob store, the folder of uploads under way, the
/// limit on one piece, and the uploads being appended to right now.
pub struct EvidenceStore {
    pub(crate) blobs: Box<dyn BlobStore>,
    pub(crate) uploads: PathBuf,
    pub(crate) max_bytes: u64,
    busy: Mutex<HashSet<String>>,
    /// When abandoned uploads were last dropped (seconds since the epoch).
    swept_at: AtomicU64,
}

impl EvidenceStore {
    /// Evidence kept in `dir` (created, readable by the server's user only): blobs under
    /// `dir/blobs`, uploads under way in `dir/uploads`; pieces up to `max_bytes`.
    pub fn local(dir: &Path, max_bytes: u64) -> Result<EvidenceStore, String> {
        let blobs = dir.join("blobs");
        private_dir(&blobs).map_err(|e| format!("{}: {e}", blobs.display()))?;
        EvidenceStore::new(Box::new(LocalBlobs { root: blobs }), dir, max_bytes)
    }

    /// Evidence kept in `blobs`, with the uploads under way in `dir/uploads` (created, readable
    /// by the server's user only); pieces up to `max_bytes`.
    pub fn new(blobs: Box<dyn BlobStore>, dir: &Path, max_bytes: u64) -> Result<EvidenceStore, String> {
        let uploads = dir.join("uploads");
        private_dir(&uploads).map_err(|e| format!("{}: {e}", uploads.display()))?;
        sweep(&uploads, true).map_err(|e| format!("{}: {e}", uploads.display()))?;
        let store = EvidenceStore { blobs, uploads, max_bytes, busy: Mutex::default(), swept_at: AtomicU64::new(0) };
        store.swept_at.store(seconds_now(), Ordering::Relaxed);
        Ok(store)
    }

    /// Marks the upload `key` as being appended to; `None` while another request does. Once an
    /// hour, the first to come also drops the uploads abandoned meanwhile.
    pub(crate) fn begin(&self, key: &str) -> Option<Busy<'_>> {
        let (now, last) = (seconds_now(), self.swept_at.load(Ordering::Relaxed));
        if now >= last + 3_600 && self.swept_at.compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed).is_ok() {
            if let Err(e) = sweep(&self.uploads, false) {
                tracing::error!("{}: {e}", self.uploads.display());
            }
        }
        Busy::take(&self.busy, key)
    }

    /// The bytes of a piece of evidence held for a record, if its blob is there.
    pub fn open(&self, row: &EvidenceRow) -> std::io::Result<Option<Box<dyn Read + Send>>> {
        self.blobs.open(&hex_digest(&row.sha256).ok_or_else(|| std::io::Error::other("a stored digest is not base64url"))?)
    }
}

/// How long an upload may wait for its next chunk before it is dropped (at the next start, or
/// within the hour while the server runs).
const ABANDONED_AFTER: std::time::Duration = std::time::Duration::from_secs(14 * 86_400);

fn seconds_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Drops uploads untouched for [`ABANDONED_AFTER`] from the uploads folder, and `at_start`
/// also the plain bytes a crash left unchecked (while running, a check may be reading them).
fn sweep(uploads: &Path, at_start: bool) -> std::io::Result<()> {
    for entry in std::fs::read_dir(uploads)?.filter_map(|e| e.ok()) {
        let unchecked = at_start && entry.file_name().to_string_lossy().ends_with(".plain");
        let abandoned = entry.metadata()?.modified()?.elapsed().is_ok_and(|age| age > ABANDONED_AFTER);
        if unchecked || abandoned {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

/// Whether `name` in the uploads folder is an upload of `key` (`<id>.<kind>`): `<key>.<length>`.
pub(crate) fn is_upload_of(name: &str, key: &str) -> bool {
    name.strip_prefix(key).and_then(|rest| rest.strip_prefix('.')).is_some_and(|length| !length.is_empty() && length.bytes().all(|b| b.is_ascii_digit()))
}

/// An upload's place in the `busy` set, given back when dropped (also on an early return).
pub(crate) struct Busy<'a> {
    set: &'a Mutex<HashSet<String>>,
    key: String,
}

impl<'a> Busy<'a> {
    fn take(set: &'a Mutex<HashSet<String>>, key: &str) -> Option<Busy<'a>> {
        set.lock().unwrap_or_else(|p| p.into_inner()).insert(key.to_owned()).then(|| Busy { set, key: key.to_owned() })
    }
}

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        self.set.lock().unwrap_or_else(|p| p.into_inner()).remove(&self.key);
    }
}

/// A base64url SHA-256 as lower-case hex; `None` when it is not 32 bytes of base64url.
pub(crate) fn hex_digest(b64url: &str) -> Option<String> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(b64url).ok()?;
    (bytes.len() == 32).then(|| crate::hex::hex(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abandoned_uploads_and_unchecked_bytes_are_dropped_and_live_ones_kept() {
        let dir = std::env::temp_dir().join(format!("offsign-sweep-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let uploads = dir.join("uploads");
        private_dir(&uploads).unwrap();
        let old = std::time::SystemTime::now() - ABANDONED_AFTER - std::time::Duration::from_secs(60);
        for (name, modified) in [("a.document.300", Some(old)), ("b.document.300", None), ("c.document.plain", None)] {
            let file = std::fs::File::create(uploads.join(name)).unwrap();
            if let Some(at) = modified {
                file.set_modified(at).unwrap();
            }
        }
        sweep(&uploads, false).unwrap();
        let left = |dir: &Path| {
            let mut names: Vec<String> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
            names.sort();
            names
        };
        assert_eq!(left(&uploads), ["b.document.300", "c.document.plain"], "running: only the abandoned upload goes");
        EvidenceStore::local(&dir, 1 << 20).unwrap();
        assert_eq!(left(&uploads), ["b.document.300"], "at start, unchecked bytes go too");
    }
}
