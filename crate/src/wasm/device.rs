//! The `Device` of the full `offsign` entry: identities in IndexedDB, signing, sync, health
//! and backups, over the primitives of the parent module. Types in `device.d.ts`.

use super::*;
use crate::browser::{browser_clock, browser_facts, get, to_promise, user_agent, with_sync_lock};
use crate::browser::{BrowserDevice, FetchTransport, IdleWatch};
use crate::idb::IdbStore;
use crate::{Device, DeviceConfig, EvidenceKind, IdentityRow, SignInput, StagedEvidence};

#[wasm_bindgen(typescript_custom_section)]
const DEVICE_TYPES: &str = include_str!("../device.d.ts");

/// A signing device: identities kept in IndexedDB, one unlocked at a time, records signed and
/// stored in one transaction. Open it with `Device.open()`.
#[wasm_bindgen(js_name = Device)]
pub struct JsDevice {
    inner: Rc<BrowserDevice>,
    idle: Rc<IdleWatch>,
}

#[wasm_bindgen]
extern "C" {
    /// `Promise<IdentityInfo[]>` in TypeScript.
    #[wasm_bindgen(typescript_type = "Promise<IdentityInfo[]>")]
    pub type PromiseIdentityInfos;
    /// `Promise<void>` in TypeScript.
    #[wasm_bindgen(typescript_type = "Promise<void>")]
    pub type PromiseVoid;
    /// `Promise<SignedRecord>` in TypeScript.
    #[wasm_bindgen(typescript_type = "Promise<SignedRecord>")]
    pub type PromiseSignedRecord;
    /// `Promise<SignedBatch>` in TypeScript.
    #[wasm_bindgen(typescript_type = "Promise<SignedBatch>")]
    pub type PromiseSignedBatch;
    /// `Promise<OutboxRecord[]>` in TypeScript.
    #[wasm_bindgen(typescript_type = "Promise<OutboxRecord[]>")]
    pub type PromiseOutboxRecords;
    /// `DeviceOptions | undefined` in TypeScript.
    #[wasm_bindgen(typescript_type = "DeviceOptions")]
    pub type JsDeviceOptions;
    /// `CreateIdentityOptions` in TypeScript.
    #[wasm_bindgen(typescript_type = "CreateIdentityOptions")]
    pub type JsCreateIdentityOptions;
    /// `DocumentOptions | undefined` in TypeScript.
    #[wasm_bindgen(typescript_type = "DocumentOptions")]
    pub type JsDocumentOptions;
    /// `DocumentInput[]` in TypeScript.
    #[wasm_bindgen(typescript_type = "DocumentInput[]")]
    pub type JsDocumentInputs;
    /// `{ discardUnsent?: boolean } | undefined` in TypeScript.
    #[wasm_bindgen(typescript_type = "{ discardUnsent?: boolean }")]
    pub type JsRemoveOptions;
    /// `{ lang?: string } | undefined` in TypeScript.
    #[wasm_bindgen(typescript_type = "{ lang?: string }")]
    pub type JsFormsOptions;
    /// `Promise<FormInfo[]>` in TypeScript.
    #[wasm_bindgen(typescript_type = "Promise<FormInfo[]>")]
    pub type PromiseForms;
    /// `Record<string, unknown>` in TypeScript.
    #[wasm_bindgen(typescript_type = "Record<string, unknown>")]
    pub type JsClaims;
    /// `Promise<FieldProblem[]>` in TypeScript.
    #[wasm_bindgen(typescript_type = "Promise<FieldProblem[]>")]
    pub type PromiseFieldProblems;
    /// `Promise<RemovedIdentity>` in TypeScript.
    #[wasm_bindgen(typescript_type = "Promise<RemovedIdentity>")]
    pub type PromiseRemovedIdentity;
    /// `RecordsOptions | undefined` in TypeScript.
    #[wasm_bindgen(typescript_type = "RecordsOptions")]
    pub type JsRecordsOptions;
    /// `ReportsOptions | undefined` in TypeScript.
    #[wasm_bindgen(typescript_type = "ReportsOptions")]
    pub type JsReportsOptions;
    /// `Promise<FailureReport[]>` in TypeScript.
    #[wasm_bindgen(typescript_type = "Promise<FailureReport[]>")]
    pub type PromiseReports;
    /// `Promise<FailureReport>` in TypeScript.
    #[wasm_bindgen(typescript_type = "Promise<FailureReport>")]
    pub type PromiseReport;
    /// `Promise<HealthCheck[]>` in TypeScript.
    #[wasm_bindgen(typescript_type = "Promise<HealthCheck[]>")]
    pub type PromiseChecks;
    /// `Promise<Uint8Array>` in TypeScript.
    #[wasm_bindgen(typescript_type = "Promise<Uint8Array>")]
    pub type PromiseBytes;
    /// `Promise<Blob>` in TypeScript.
    #[wasm_bindgen(typescript_type = "Promise<Blob>")]
    pub type PromiseBlob;
    /// `Promise<number>` in TypeScript.
    #[wasm_bindgen(typescript_type = "Promise<number>")]
    pub type PromiseNumber;
    /// `{ server?: string, replaces?: string } | undefined` in TypeScript.
    #[wasm_bindgen(typescript_type = "{ server?: string; replaces?: string }")]
    pub type JsEnrollOptions;
    /// `SyncOptions | undefined` in TypeScript.
    #[wasm_bindgen(typescript_type = "SyncOptions")]
    pub type JsSyncOptions;
    /// `Promise<SyncSummary>` in TypeScript.
    #[wasm_bindgen(typescript_type = "Promise<SyncSummary>")]
    pub type PromiseSyncSummary;
    /// `ImportOptions | undefined` in TypeScript.
    #[wasm_bindgen(typescript_type = "ImportOptions")]
    pub type JsImportOptions;
    /// `Promise<ImportSummary>` in TypeScript.
    #[wasm_bindgen(typescript_type = "Promise<ImportSummary>")]
    pub type PromiseImportSummary;
    /// `Uint8Array | ArrayBuffer | Blob` in TypeScript: a document, read with [`document_arg`].
    #[wasm_bindgen(typescript_type = "Uint8Array | ArrayBuffer | Blob")]
    pub type JsDocument;
    /// A `Blob` (a `File` is one), read a slice at a time.
    #[wasm_bindgen(js_name = Blob)]
    type JsBlob;
    #[wasm_bindgen(method, getter)]
    fn size(this: &JsBlob) -> f64;
    #[wasm_bindgen(method, getter, js_name = type)]
    fn media_type(this: &JsBlob) -> String;
    #[wasm_bindgen(method)]
    fn slice(this: &JsBlob, start: f64, end: f64) -> JsBlob;
    #[wasm_bindgen(method, catch, js_name = arrayBuffer)]
    fn array_buffer(this: &JsBlob) -> Result<js_sys::Promise, JsValue>;
    /// `(kid: string) => void` in TypeScript: `onidlelock`'s handler.
    #[wasm_bindgen(typescript_type = "((kid: string) => void)")]
    pub type JsIdleLockHandler;
    /// `Promise<CreatedIdentity>` in TypeScript.
    #[wasm_bindgen(typescript_type = "Promise<CreatedIdentity>")]
    pub type PromiseCreatedIdentity;
}

/// Runs `work` as a JS promise, turning a core error into a rejected `OffsignError`.
fn promise<T: JsCast>(work: impl std::future::Future<Output = Result<JsValue, Error>> + 'static) -> T {
    boxed_promise(Box::pin(work)).unchecked_into()
}

/// A promise of `work` with its core error turned into an `OffsignError`: every method's future
/// is boxed into the one type `to_promise` takes, which keeps the wasm smaller than one
/// `future_to_promise` per method.
fn boxed_promise(work: std::pin::Pin<Box<dyn std::future::Future<Output = Result<JsValue, Error>>>>) -> js_sys::Promise {
    to_promise(Box::pin(async move { work.await.map_err(js_error) }))
}

/// Option `key` of `options` (read by [`options_arg`]) as a function, `None` when absent.
fn callback_arg(what: &str, options: &JsValue, key: &str) -> Result<Option<js_sys::Function>, Error> {
    let value = if options.is_undefined() { JsValue::UNDEFINED } else { js_sys::Reflect::get(options, &key.into()).unwrap_or_default() };
    match value.dyn_into::<js_sys::Function>() {
        Ok(f) => Ok(Some(f)),
        Err(v) if v.is_undefined() || v.is_null() => Ok(None),
        Err(v) => Err(not_a(&format!("{what}.{key}"), "a function", &v)),
    }
}

/// An `IdentityInfo` for JS: everything but the sealed key.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct IdentityInfo<'a> {
    kid: &'a str,
    label: &'a str,
    public_jwk: JwkOut<'a>,
    enrolled: bool,
    chain: &'a Option<ChainHead>,
    lockout: &'a crate::Lockout,
    created_at: &'a str,
    replaced_by: &'a Option<String>,
}

fn identity_info(row: &IdentityRow) -> IdentityInfo<'_> {
    IdentityInfo {
        kid: &row.kid,
        label: &row.label,
        public_jwk: jwk_out(&row.public_jwk, &row.kid),
        enrolled: row.credentials.is_some(),
        chain: &row.chain,
        lockout: &row.lockout,
        created_at: &row.created_at,
        replaced_by: &row.replaced_by,
    }
}

/// The options of a document to sign.
const DOCUMENT_KEYS: &[&str] = &["name", "type", "claims", "signatureImage"];

#[derive(Default)]
struct DocumentOptionsArg {
    name: Option<String>,
    media_type: Option<String>,
    claims: serde_json::Map<String, Value>,
}

impl FromJson for DocumentOptionsArg {
    fn from_json(value: Value) -> Result<Self, String> {
        let mut m = Members::of(value, "document options")?;
        Ok(DocumentOptionsArg {
            name: m.optional("name")?,
            media_type: m.optional("type")?,
            claims: m.optional("claims")?.unwrap_or_default(),
        })
    }
}

/// A document to sign: its bytes, or a `Blob` (a `File`) to read.
enum DocumentArg {
    Bytes(Vec<u8>),
    Blob(JsBlob),
}

/// Argument `what` as a document: a `Blob` as it is, anything else as [`bytes_arg`] reads it.
fn document_arg(what: &str, value: &JsValue) -> Result<DocumentArg, Error> {
    match value.dyn_ref::<JsBlob>() {
        Some(_) => Ok(DocumentArg::Blob(value.clone().unchecked_into())),
        None => bytes_arg(what, value).map(DocumentArg::Bytes),
    }
}

/// Option `signatureImage` of `options` (the pad's PNG), when given: bytes as [`bytes_arg`]
/// reads them.
fn signature_image_arg(what: &str, options: &JsValue) -> Result<Option<Vec<u8>>, Error> {
    let value = if options.is_object() { get(options, "signatureImage") } else { JsValue::UNDEFINED };
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    bytes_arg(&format!("{what}.signatureImage"), &value).map(Some)
}

/// How much of a `Blob` is read at a time: the document is hashed and sealed as it is read,
/// so a 200 MB scan never sits whole in memory (neither in the worker's JS nor in the wasm).
const BLOB_SLICE: f64 = 1024.0 * 1024.0;

/// Reads `blob` a slice at a time into `staged` (which hashes and seals it); its SHA-256.
async fn read_blob(device: &BrowserDevice, blob: &JsBlob, staged: &mut StagedEvidence) -> Result<[u8; 32], Error> {
    let unreadable = |e: JsValue| {
        let why = e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).unwrap_or_default();
        Error::new(ErrorCode::MalformedInput, format!("doc: the file could not be read: {why:.200}"))
    };
    let size = blob.size();
    // The document in the clear, a slice at a time: wiped when done.
    let mut slice = Zeroizing::new(Vec::new());
    let mut at = 0.0;
    while at < size {
        let end = (at + BLOB_SLICE).min(size);
        let bytes = wasm_bindgen_futures::JsFuture::from(blob.slice(at, end).array_buffer().map_err(unreadable)?).await.map_err(unreadable)?;
        let bytes = js_sys::Uint8Array::new(&bytes);
        slice.resize(bytes.length() as usize, 0);
        bytes.copy_to(&mut slice);
        device.feed_evidence(staged, &slice).await?;
        at = end;
    }
    device.finish_evidence(staged).await
}

/// `bytes` sealed as evidence of `kind`; with its SHA-256.
async fn stage_bytes(device: &BrowserDevice, kind: EvidenceKind, media_type: &str, bytes: &[u8]) -> Result<(StagedEvidence, [u8; 32]), Error> {
    let mut staged = device.stage_evidence(kind, media_type, bytes.len() as u64)?;
    device.feed_evidence(&mut staged, bytes).await?;
    let sha256 = device.finish_evidence(&mut staged).await?;
    Ok((staged, sha256))
}

impl DocumentOptionsArg {
    /// The document to sign with these options, its bytes (and the signature image's, when
    /// given) sealed to keep with the record; a `File`'s name and type are the record's unless
    /// the options give others. The record signs the image's digest as
    /// `claims.signatureImage`.
    async fn into_input(mut self, device: &BrowserDevice, doc: DocumentArg, image: Option<Vec<u8>>) -> Result<SignInput, Error> {
        let (doc, document) = match doc {
            DocumentArg::Bytes(bytes) => {
                let bytes = Zeroizing::new(bytes);
                let (staged, sha256) = stage_bytes(device, EvidenceKind::Document, self.media_type.as_deref().unwrap_or(""), &bytes).await?;
                (DocumentDigest::of_sha256(&sha256, self.name, self.media_type, Some(bytes.len() as u64))?, staged)
            }
            DocumentArg::Blob(blob) => {
                let name = self.name.or_else(|| get(&blob, "name").as_string());
                let media_type = self.media_type.or_else(|| Some(blob.media_type()).filter(|t| !t.is_empty()));
                let size = blob.size() as u64;
                let mut staged = device.stage_evidence(EvidenceKind::Document, media_type.as_deref().unwrap_or(""), size)?;
                let sha256 = read_blob(device, &blob, &mut staged).await?;
                (DocumentDigest::of_sha256(&sha256, name, media_type, Some(size))?, staged)
            }
        };
        let mut evidence = vec![document];
        if let Some(image) = image.map(Zeroizing::new) {
            let (staged, sha256) = stage_bytes(device, EvidenceKind::SignatureImage, "image/png", &image).await?;
            self.claims.insert("signatureImage".into(), serde_json::json!({ "sha256": crate::encoding::b64url(&sha256), "type": "image/png" }));
            evidence.push(staged);
        }
        Ok(SignInput { doc, claims: self.claims, evidence })
    }
}

/// A plain object of the members `keys` of `source`, each read as `source[key]`; `None` when
/// `source` is not an object or a getter throws.
fn pick(source: &JsValue, keys: &[&str]) -> Option<JsValue> {
    if !source.is_object() {
        return None;
    }
    let picked = js_sys::Object::new();
    for key in keys {
        let key = JsValue::from_str(key);
        js_sys::Reflect::set(&picked, &key, &js_sys::Reflect::get(source, &key).ok()?).ok()?;
    }
    Some(picked.into())
}

/// The `{ after?, limit? }` options of the paged listings.
#[derive(Default)]
struct PageArg<A> {
    after: Option<A>,
    limit: Option<f64>,
}

impl<A: FromJson> FromJson for PageArg<A> {
    fn from_json(value: Value) -> Result<Self, String> {
        let mut m = Members::of(value, "page options")?;
        Ok(PageArg { after: m.optional("after")?, limit: m.optional("limit")? })
    }
}

impl<A: FromJson + Default> PageArg<A> {
    /// Reads the options of a listing; absent options are the first page.
    fn read(options: Option<JsValue>) -> Result<Self, Error> {
        let options = options_arg("options", options.unwrap_or_default(), &["after", "limit"])?;
        read_js::<Option<Self>>("options", options)
            .map(Option::unwrap_or_default)
    }

    /// The page size: 50 unless asked, at most 1,000.
    fn limit(&self) -> u32 {
        self.limit.unwrap_or(50.0).clamp(1.0, 1000.0) as u32
    }
}

#[wasm_bindgen(js_class = Device)]
impl JsDevice {
    /// Opens (or creates) the device's database.
    ///
    /// @example
    /// ```js
    /// const device = await Device.open({ name: 'offsign', idleLockMinutes: 5, appVersion: '1.4.0' });
    /// ```
    pub async fn open(options: Option<JsDeviceOptions>) -> JsResult<JsDevice> {
        const KEYS: &[&str] = &["name", "idleLockMinutes", "retainAcceptedDays", "expiringWithinDays", "appVersion"];
        let options = options_arg("options", options.map(JsValue::from).unwrap_or_default(), KEYS).map_err(js_error)?;
        #[derive(Default)]
        struct DeviceOptionsArg {
            name: Option<String>,
            idle_lock_minutes: Option<f64>,
            retain_accepted_days: Option<f64>,
            expiring_within_days: Option<f64>,
            app_version: Option<String>,
        }
        impl FromJson for DeviceOptionsArg {
            fn from_json(value: Value) -> Result<Self, String> {
                let mut m = Members::of(value, "device options")?;
                Ok(DeviceOptionsArg {
                    name: m.optional("name")?,
                    idle_lock_minutes: m.optional("idleLockMinutes")?,
                    retain_accepted_days: m.optional("retainAcceptedDays")?,
                    expiring_within_days: m.optional("expiringWithinDays")?,
                    app_version: m.optional("appVersion")?,
                })
            }
        }
        let options: DeviceOptionsArg = from_js::<Option<DeviceOptionsArg>>("options", options)?.unwrap_or_default();
        let idle_minutes = options.idle_lock_minutes.unwrap_or(5.0);
        if !(idle_minutes.is_finite() && (0.0..=24.0 * 60.0).contains(&idle_minutes)) {
            return Err(bad_argument("idleLockMinutes", "must be a number of minutes from 0 to 1440"));
        }
        let retain_accepted_ms = days_ms("retainAcceptedDays", options.retain_accepted_days, 36_500)?;
        let policy = policy_options(options.expiring_within_days)?;
        let store = IdbStore::open(options.name.as_deref().unwrap_or("offsign")).await.map_err(js_error)?;
        let defaults = DeviceConfig::default();
        let config = DeviceConfig {
            idle_lock_ms: (idle_minutes * 60_000.0) as i64,
            app_version: options.app_version.map(|v| v.chars().take(100).collect()).unwrap_or(defaults.app_version),
            user_agent: user_agent(),
            retain_accepted_ms,
            expiring_within_ms: policy.expiring_within_ms,
            ..defaults
        };
        let clock = browser_clock();
        clock.restore(&store).await;
        Ok(JsDevice { inner: Rc::new(Device::new(store, clock, config)), idle: Rc::default() })
    }

    /// Creates an identity sealed under `pin`, stores it, and leaves it unlocked. (The proxy in
    /// `js/device.js` asks the page's browser to keep this app's storage and adds whether it
    /// agreed as `storagePersisted`: `navigator.storage.persist()` exists only in a page.)
    ///
    /// @example
    /// ```js
    /// const me = await device.createIdentity({ label: 'A. Jones', pin: '482913' });
    /// if (me.storagePersisted === false) showToWorker('Sync often: this browser may clear stored data.');
    /// ```
    #[wasm_bindgen(js_name = createIdentity)]
    pub fn create_identity(&self, options: JsCreateIdentityOptions) -> PromiseCreatedIdentity {
        struct CreateArg {
            label: String,
            kdf: Option<KdfParams>,
        }
        impl FromJson for CreateArg {
            fn from_json(value: Value) -> Result<Self, String> {
                let mut m = Members::of(value, "identity options")?;
                Ok(CreateArg { label: m.required("label")?, kdf: m.optional("kdf")? })
            }
        }
        let device = self.inner.clone();
        let idle = self.idle.clone();
        // The PIN is read on its own, straight into memory that is wiped, never into JSON.
        let read = || -> Result<(Zeroizing<String>, CreateArg), Error> {
            let options = options_arg("options", options.into(), &["label", "pin", "kdf"])?;
            let pin = Zeroizing::new(text_arg("options.pin", &get(&options, "pin"))?);
            let rest = pick(&options, &["label", "kdf"]).unwrap_or_default();
            let rest = read_js::<CreateArg>("options", rest)?;
            Ok((pin, rest))
        };
        let read = read();
        promise(async move {
            let (pin, options) = read?;
            let row = device.create_identity(&options.label, &pin, options.kdf.unwrap_or(KdfParams::DEFAULT)).await?;
            idle.arm(&device);
            Ok(to_js(&identity_info(&row)))
        })
    }

    /// Every identity on this device, oldest first.
    ///
    /// @example
    /// ```js
    /// const [me] = await device.identities();
    /// if (!me?.enrolled) showEnrollment();
    /// ```
    pub fn identities(&self) -> PromiseIdentityInfos {
        let device = self.inner.clone();
        promise(async move {
            let rows = device.identities().await?;
            Ok(to_js(&rows.iter().map(identity_info).collect::<Vec<_>>()))
        })
    }

    /// Unlocks identity `kid` with `pin` (locking any other). Rejects with `wrong_pin`, or
    /// `pin_locked_out` after five wrong PINs (the count survives reloads).
    /// After `idleLockMinutes` without use the key is wiped and `onidlelock` is called.
    ///
    /// @example
    /// ```js
    /// const [me] = await device.identities();
    /// await device.unlock(me.kid, pin);   // rejects with code 'wrong_pin' or 'pin_locked_out'
    /// ```
    pub fn unlock(&self, kid: JsText, pin: JsText) -> PromiseVoid {
        let device = self.inner.clone();
        let idle = self.idle.clone();
        let args = text_arg("kid", &kid).and_then(|kid| Ok((kid, Zeroizing::new(text_arg("pin", &pin)?))));
        promise(async move {
            let (kid, pin) = args?;
            device.unlock(&kid, &pin).await?;
            idle.arm(&device);
            Ok(JsValue::UNDEFINED)
        })
    }

    /// How long identity `kid` must still wait before the next PIN try (ms; 0 when free). The
    /// wait runs down only by time this device sees pass (a clock set forward does not shorten
    /// it): call this every few seconds while you show the wait, and it counts down in real time.
    ///
    /// @example
    /// ```js
    /// const waitMs = await device.lockoutRemaining(me.kid);   // 0 when a try is allowed
    /// ```
    #[wasm_bindgen(js_name = lockoutRemaining)]
    pub fn lockout_remaining(&self, kid: JsText) -> PromiseNumber {
        let device = self.inner.clone();
        let kid = text_arg("kid", &kid);
        promise(async move { Ok(JsValue::from_f64(device.lockout_remaining(&kid?).await? as f64)) })
    }

    /// Called with the key id when the unlocked identity locks itself after the idle time, so
    /// that the app can show its PIN screen. `null` to stop.
    ///
    /// @example
    /// ```js
    /// device.onidlelock = (kid) => showPinScreen(kid);
    /// ```
    #[wasm_bindgen(setter)]
    pub fn set_onidlelock(&self, handler: Option<JsIdleLockHandler>) {
        *self.idle.on_idle_lock.borrow_mut() = handler.and_then(|h| h.dyn_into::<js_sys::Function>().ok());
    }

    /// Wipes the unlocked key from memory.
    ///
    /// @example
    /// ```js
    /// logoutButton.onclick = () => device.lock();
    /// ```
    pub fn lock(&self) {
        self.inner.lock();
    }

    /// The key id of the unlocked identity, or `undefined`.
    #[wasm_bindgen(getter)]
    pub fn unlocked(&self) -> Option<String> {
        self.inner.unlocked()
    }

    /// Stores the authority key, certificate and revocation list of identity `kid`, after
    /// checking that they belong together.
    ///
    /// @example
    /// ```js
    /// await device.setCredentials(me.kid, { authority: ca.publicJwk, certificate, revocationList });
    /// ```
    #[wasm_bindgen(js_name = setCredentials)]
    pub fn set_credentials(&self, kid: JsText, credentials: JsCredentials) -> PromiseVoid {
        let device = self.inner.clone();
        let kid = text_arg("kid", &kid);
        let credentials = read_js::<crate::StoredCredentials>("credentials", credentials.into());
        promise(async move {
            let credentials = credentials?;
            device.set_credentials(&kid?, credentials).await?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Signs `doc` with the unlocked identity and stores the record: the policy check, the
    /// chain and the outbox change in one IndexedDB transaction. Resolves once committed.
    /// A `Blob` or `File` is read and hashed a slice at a time; a `File` names the record.
    ///
    /// @example
    /// ```js
    /// const file = input.files[0];        // a File is read a slice at a time
    /// const { record, warnings } = await device.sign(file, { claims: { recipient: 'J. Smith' } });
    /// ```
    pub fn sign(&self, doc: JsDocument, options: Option<JsDocumentOptions>) -> PromiseSignedRecord {
        let device = self.inner.clone();
        let input = document_arg("doc", &doc).and_then(|doc| {
            let options = options_arg("options", options.map(JsValue::from).unwrap_or_default(), DOCUMENT_KEYS)?;
            let image = signature_image_arg("options", &options)?;
            let rest = pick(&options, &["name", "type", "claims"]).unwrap_or_default();
            Ok((doc, read_js::<Option<DocumentOptionsArg>>("options", rest)?.unwrap_or_default(), image))
        });
        promise(async move {
            let (doc, options, image) = input?;
            let signed = device.sign(vec![options.into_input(&device, doc, image).await?]).await?;
            Ok(to_js(&signed_out(&signed.records[0], &signed.warnings)))
        })
    }

    /// Signs a batch of documents in one transaction: all of them are stored, or none.
    ///
    /// @example
    /// ```js
    /// const { records } = await device.signMany([{ doc: a, name: 'a.pdf' }, { doc: b, name: 'b.pdf' }]);
    /// ```
    #[wasm_bindgen(js_name = signMany)]
    pub fn sign_many(&self, docs: JsDocumentInputs) -> PromiseSignedBatch {
        // Each document is read as `sign` reads it; its other members go through `from_js`.
        let input = |(i, item): (usize, JsValue)| -> Result<(DocumentArg, DocumentOptionsArg, Option<Vec<u8>>), Error> {
            let what = format!("docs[{i}]");
            let item = options_arg(&what, item, &["doc", "name", "type", "claims", "signatureImage"])?;
            let doc = document_arg(&format!("{what}.doc"), &get(&item, "doc"))?;
            let image = signature_image_arg(&what, &item)?;
            let options = pick(&item, &["name", "type", "claims"]).unwrap_or_default();
            Ok((doc, read_js::<DocumentOptionsArg>(&what, options)?, image))
        };
        let device = self.inner.clone();
        let docs: JsValue = docs.into();
        let inputs = match docs.dyn_ref::<js_sys::Array>() {
            Some(array) => array.iter().enumerate().map(input).collect::<Result<Vec<_>, Error>>(),
            None => Err(not_a("docs", "an array of { doc, name?, type?, claims?, signatureImage? }", &docs)),
        };
        promise(async move {
            let mut documents = Vec::new();
            for (doc, options, image) in inputs? {
                documents.push(options.into_input(&device, doc, image).await?);
            }
            let signed = device.sign(documents).await?;
            #[derive(Serialize)]
            struct Out<'a> {
                records: Vec<SignedOut<'a>>,
                warnings: Vec<WarningOut<'a>>,
            }
            let records = signed.records.iter().map(|r| signed_out(r, &signed.warnings)).collect();
            Ok(to_js(&Out { records, warnings: warnings_out(&signed.warnings) }))
        })
    }

    /// The document (`kind` `'document'`) or handwritten signature image
    /// (`'signature-image'`) of record `recordId`, as the worker signed it: opened from its
    /// sealed copy on this device with the unlocked identity's key. Rejects with
    /// `identity_locked` unless the worker who signed it is unlocked, `evidence_not_found` when
    /// the device keeps none.
    ///
    /// @example
    /// ```js
    /// const photo = await device.evidence(record.id, 'document');
    /// img.src = URL.createObjectURL(photo);
    /// ```
    pub fn evidence(&self, record_id: JsText, kind: JsText) -> PromiseBlob {
        let device = self.inner.clone();
        let args = text_arg("recordId", &record_id).and_then(|id| {
            let kind = text_arg("kind", &kind)?;
            let kind = EvidenceKind::parse(&kind).ok_or_else(|| Error::new(ErrorCode::MalformedInput, "kind must be 'document' or 'signature-image'"))?;
            Ok((id, kind))
        });
        promise(async move {
            let (id, kind) = args?;
            let parts = js_sys::Array::new();
            let row = device.open_evidence(&id, kind, &mut |plain| {
                parts.push(&js_sys::Uint8Array::from(plain.as_slice()));
            }).await?;
            let options = js_sys::Object::new();
            // Only types that cannot run in the app's origin when opened (an SVG or HTML document
            // would): anything else is bytes to save.
            const SAFE: &[&str] = &["image/png", "image/jpeg", "image/gif", "image/webp", "image/avif", "image/heic", "application/pdf", "text/plain", "application/json"];
            let media_type = if SAFE.contains(&row.media_type.as_str()) { row.media_type.as_str() } else { "application/octet-stream" };
            let _ = js_sys::Reflect::set(&options, &"type".into(), &media_type.into());
            let blob = get(&js_sys::global(), "Blob").dyn_into::<js_sys::Function>().map_err(|_| Error::new(ErrorCode::InternalError, "this browser has no Blob"))?;
            js_sys::Reflect::construct(&blob, &js_sys::Array::of2(&parts, &options))
                .map_err(|_| Error::new(ErrorCode::InternalError, "the Blob could not be made"))
        })
    }

    /// The evidence bundle of record `recordId` as a ZIP file, made on this device with no
    /// network for its unlocked worker: the record, its certificate, the revocation list, the
    /// server's receipt (once accepted), the record before it, the document and the pad image.
    /// Anyone checks it with `offsign verify-bundle FILE --authority AUTHORITY.jwk`. Rejects with
    /// `identity_locked` or `record_not_found`.
    ///
    /// @example
    /// ```js
    /// const zip = await device.bundle(record.id);
    /// link.href = URL.createObjectURL(new Blob([zip], { type: 'application/zip' }));
    /// ```
    pub fn bundle(&self, record_id: JsText) -> PromiseBytes {
        let device = self.inner.clone();
        let id = text_arg("recordId", &record_id);
        promise(async move { Ok(js_sys::Uint8Array::from(device.bundle(&id?).await?.as_slice()).into()) })
    }

    /// Outbox records of identity `kid` in chain order, a page at a time.
    ///
    /// @example
    /// ```js
    /// const page = await device.records(me.kid, { after: 0, limit: 50 });
    /// const pending = page.filter((r) => r.state === 'pending').length;
    /// ```
    pub fn records(&self, kid: JsText, options: Option<JsRecordsOptions>) -> PromiseOutboxRecords {
        let device = self.inner.clone();
        let kid = text_arg("kid", &kid);
        let options = PageArg::<f64>::read(options.map(JsValue::from));
        promise(async move {
            let (kid, options) = (kid?, options?);
            let after = options.after.unwrap_or(0.0).clamp(0.0, 9_007_199_254_740_991.0) as u64;
            Ok(to_js(&device.records(&kid, after, options.limit()).await?))
        })
    }

    /// Removes identity `kid` from this device (a worker who left the crew) with its records
    /// and their documents, in one transaction; says how many records went, how many of them
    /// were not sent and how many refused. While some are not sent yet it rejects with
    /// `unsent_records` and changes nothing, unless `options.discardUnsent` is `true`: ask the
    /// worker first, those records are lost (the server never had them).
    ///
    /// @example
    /// ```js
    /// const gone = await device.removeIdentity(kid).catch(async (e) => {
    ///   if (e.code !== 'unsent_records' || !confirm('Delete records not sent yet?')) throw e;
    ///   return device.removeIdentity(kid, { discardUnsent: true });
    /// });
    /// ```
    #[wasm_bindgen(js_name = removeIdentity)]
    pub fn remove_identity(&self, kid: JsText, options: Option<JsRemoveOptions>) -> PromiseRemovedIdentity {
        let args = (|| -> Result<_, Error> {
            let options = options_arg("options", options.map(JsValue::from).unwrap_or_default(), &["discardUnsent"])?;
            let discard = get(&options, "discardUnsent");
            let discard = match discard.is_undefined() || discard.is_null() {
                true => false,
                false => discard.as_bool().ok_or_else(|| not_a("options.discardUnsent", "a boolean", &discard))?,
            };
            Ok((text_arg("kid", &kid)?, discard))
        })();
        let device = self.inner.clone();
        promise(async move {
            let (kid, discard) = args?;
            Ok(to_js(&device.remove_identity(&kid, discard).await?))
        })
    }

    /// The forms from the office this device holds, for the worker to choose from and fill
    /// in: every label in language `options.lang` (a BCP 47 tag; the nearest the form has,
    /// else English). Fetched at enrollment and at each sync, checked against the authority
    /// the device pinned; empty before the first fetch (the app then offers its own form).
    ///
    /// @example
    /// ```js
    /// const [first] = await device.forms({ lang: navigator.language });
    /// for (const field of first?.fields ?? []) console.log(field.label, field.type, field.required);
    /// ```
    pub fn forms(&self, options: Option<JsFormsOptions>) -> PromiseForms {
        let lang = (|| -> Result<String, Error> {
            let options = options_arg("options", options.map(JsValue::from).unwrap_or_default(), &["lang"])?;
            let lang = get(&options, "lang");
            if lang.is_undefined() || lang.is_null() {
                return Ok("en".into());
            }
            text_arg("options.lang", &lang).map(|lang| lang.chars().take(35).collect())
        })();
        let device = self.inner.clone();
        promise(async move {
            let lang = lang?;
            let held = device.forms().await?;
            let forms: Vec<crate::Form> = held.iter().flat_map(|set| &set.forms).map(|form| form.in_language(&lang)).collect();
            Ok(to_js(&forms))
        })
    }

    /// What keeps `claims` (as they would be signed, naming their form in `claims.form`, a
    /// drawn signature as `signatureImage`) from answering their form: each field's problem,
    /// in the form's order; empty when `sign` would take them. Rejects with `form_unknown`
    /// when the device does not hold that form. `sign` checks the same before it signs.
    ///
    /// @example
    /// ```js
    /// const problems = await device.checkAnswers({ form: { id: 'delivery-receipt', version: 1 }, recipient: '' });
    /// // [{ field: 'recipient', problem: 'required' }, { field: 'signature', problem: 'required' }]
    /// ```
    #[wasm_bindgen(js_name = checkAnswers)]
    pub fn check_answers(&self, claims: JsClaims) -> PromiseFieldProblems {
        let claims = read_js::<serde_json::Map<String, Value>>("claims", claims.into());
        let device = self.inner.clone();
        promise(async move {
            let claims = claims?;
            let held = device.forms().await?;
            let form = crate::device::form_named(held.as_ref(), &claims)?;
            let form = form.ok_or_else(|| Error::new(ErrorCode::FormUnknown, "claims.form names no form"))?;
            Ok(to_js(&form.problems(&claims)))
        })
    }

    /// Failure reports on this device, oldest first, a page at a time.
    ///
    /// @example
    /// ```js
    /// const [latest] = (await device.reports({ limit: 50 })).slice(-1);
    /// ```
    pub fn reports(&self, options: Option<JsReportsOptions>) -> PromiseReports {
        let device = self.inner.clone();
        let options = PageArg::<String>::read(options.map(JsValue::from));
        promise(async move {
            let options = options?;
            Ok(to_js(&device.reports(options.after.as_deref().unwrap_or(""), options.limit()).await?))
        })
    }

    /// Attaches the worker's comment (feedback) to failure report `id`; it is sent with the
    /// next sync.
    ///
    /// @example
    /// ```js
    /// await device.addFeedback(report.id, 'The PIN pad froze after the third digit.');
    /// ```
    #[wasm_bindgen(js_name = addFeedback)]
    pub fn add_feedback(&self, id: JsText, comment: JsText) -> PromiseReport {
        let device = self.inner.clone();
        let args = text_arg("id", &id).and_then(|id| Ok((id, text_arg("comment", &comment)?)));
        promise(async move {
            let (id, comment) = args?;
            Ok(to_js(&device.add_feedback(&id, &comment).await?))
        })
    }

    /// Enrolls identity `kid` with the single-use `code` from the administrator
    /// (`offsign-server enroll`): the server at `options.server` (default: this origin) issues
    /// its certificate, which is checked and stored. Needs a connection. Rejects with
    /// `enrollment_refused` (unknown, used or expired code) or `server_unreachable`.
    ///
    /// `options.replaces` names an identity on this device that the new one takes over from
    /// (its PIN forgotten, its certificate expired or superseded): the server supersedes that
    /// key's certificate (records it signed before stay good) and links the two chains. The
    /// old identity stays, so that its records still waiting are sent; it needs no PIN for
    /// that. `replaced_key_unknown` when it is not a key of the code's worker.
    ///
    /// @example
    /// ```js
    /// await device.enroll(me.kid, 'K7QM-3XPA-9DHT', { server: 'https://sign.example.com' });
    /// // A new key for a worker who forgot the PIN of `old.kid`:
    /// const fresh = await device.createIdentity({ label: 'Ann', pin: '739214' });
    /// await device.enroll(fresh.kid, 'M4TR-8WQE-2HJK', { replaces: old.kid });
    /// ```
    pub fn enroll(&self, kid: JsText, code: JsText, options: Option<JsEnrollOptions>) -> PromiseVoid {
        let args = (|| -> Result<_, Error> {
            let options = options_arg("options", options.map(JsValue::from).unwrap_or_default(), &["server", "replaces"])?;
            let optional_text = |name: &str| {
                let value = get(&options, name);
                let what = format!("options.{name}");
                if value.is_undefined() || value.is_null() { Ok(None) } else { text_arg(&what, &value).map(Some) }
            };
            let server = optional_text("server")?.unwrap_or_default();
            let replaces = optional_text("replaces")?;
            Ok((text_arg("kid", &kid)?, text_arg("code", &code)?, server, replaces))
        })();
        let device = self.inner.clone();
        promise(async move {
            let (kid, code, server, replaces) = args?;
            let transport = FetchTransport { base: server.trim_end_matches('/').to_owned() };
            device.enroll(&transport, &kid, &code, replaces.as_deref()).await?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Sends every record the server has not answered for and applies its signed verdicts
    /// (`accepted` with a receipt, `duplicate`, or `rejected` with a code, which the record
    /// keeps in `error`), then pending failure reports, then renews the unlocked
    /// identity's certificate when it expires within 30 days. One sync at a time per origin
    /// (Web Locks). Rejects with `server_unreachable` when the server cannot be reached after
    /// retries: nothing is lost, the records wait for the next sync.
    ///
    /// @example
    /// ```js
    /// const { accepted, rejected } = await device.sync({ onProgress: (done, total) => { bar.value = done / total; } });
    /// ```
    pub fn sync(&self, options: Option<JsSyncOptions>) -> PromiseSyncSummary {
        let options: JsValue = options.map(JsValue::from).unwrap_or(JsValue::UNDEFINED);
        #[derive(Default)]
        struct SyncOptionsArg {
            server: Option<String>,
            max_tries: Option<u32>,
        }
        impl FromJson for SyncOptionsArg {
            fn from_json(value: Value) -> Result<Self, String> {
                let mut m = Members::of(value, "sync options")?;
                Ok(SyncOptionsArg { server: m.optional("server")?, max_tries: m.optional("maxTries")? })
            }
        }
        let parsed = options_arg("options", options, &["server", "maxTries", "onProgress"]).and_then(|options| {
            let on_progress = callback_arg("options", &options, "onProgress")?;
            let parsed = read_js::<Option<SyncOptionsArg>>("options", options)?;
            Ok((parsed.unwrap_or_default(), on_progress))
        });
        let device = self.inner.clone();
        let work = async move {
            let (options, on_progress) = parsed?;
            let transport = FetchTransport { base: options.server.unwrap_or_default().trim_end_matches('/').to_owned() };
            let defaults = crate::SyncOptions::default();
            let sync_options = crate::SyncOptions { max_tries: options.max_tries.unwrap_or(defaults.max_tries).clamp(1, 20), ..defaults };
            let progress = |done: u32, total: u32| {
                if let Some(f) = &on_progress {
                    let _ = f.call2(&JsValue::UNDEFINED, &done.into(), &total.into());
                }
            };
            device.note_browser(browser_facts().await);
            Ok(to_js(&device.sync(&transport, sync_options, &progress).await?))
        };
        with_sync_lock(Box::pin(async move { work.await.map_err(js_error) })).unchecked_into()
    }

    /// Inspects the whole signing system: randomness, storage (writable, persistent, room
    /// left), each identity's certificate, revocation list and clock, the outbox, the last
    /// sync and the version. Each check has a status, a value and, when not ok, a remedy.
    ///
    /// @example
    /// ```js
    /// const problems = (await device.diagnose()).filter((c) => c.status !== 'ok');
    /// for (const c of problems) console.log(c.id, c.value, c.remedy);
    /// ```
    pub fn diagnose(&self) -> PromiseChecks {
        let device = self.inner.clone();
        promise(async move { Ok(to_js(&device.diagnose(browser_facts().await).await)) })
    }

    /// Everything on this device (identities with their sealed keys, credentials, records,
    /// failure reports) as one file sealed under `passphrase`. Keep it somewhere safe.
    ///
    /// @example
    /// ```js
    /// const bytes = await device.exportBackup('correct horse battery staple');
    /// const url = URL.createObjectURL(new Blob([bytes]));
    /// ```
    #[wasm_bindgen(js_name = exportBackup)]
    pub fn export_backup(&self, passphrase: JsText, options: Option<JsSealOptions>) -> PromiseBytes {
        let device = self.inner.clone();
        let args = text_arg("passphrase", &passphrase).map(Zeroizing::new).and_then(|passphrase| {
            let options = options_arg("options", options.map(JsValue::from).unwrap_or_default(), &["kdf"])?;
            let options = read_js::<Option<KdfOptionsArg>>("options", options)?;
            Ok((passphrase, options.unwrap_or_default().kdf))
        });
        promise(async move {
            let (passphrase, kdf) = args?;
            let bytes = device.export_backup(&passphrase, kdf.unwrap_or(KdfParams::DEFAULT)).await?;
            Ok(js_sys::Uint8Array::from(bytes.as_slice()).into())
        })
    }

    /// Restores a backup: checks the passphrase, the file and every record's signature and
    /// chain, then merges it without duplicates in one transaction. Rejects with
    /// `wrong_passphrase`, `malformed_backup` or `chain_broken`; a failure changes nothing.
    /// `options.onProgress(verified, total)` hears how many of the file's records are checked,
    /// every 500 and at the end.
    ///
    /// @example
    /// ```js
    /// const summary = await device.importBackup(new Uint8Array(await file.arrayBuffer()), passphrase,
    ///   { onProgress: (verified, total) => { bar.value = verified / total; } });
    /// ```
    #[wasm_bindgen(js_name = importBackup)]
    pub fn import_backup(&self, bytes: JsBytes, passphrase: JsText, options: Option<JsImportOptions>) -> PromiseImportSummary {
        let device = self.inner.clone();
        let args = bytes_arg("bytes", &bytes).and_then(|bytes| {
            let passphrase = Zeroizing::new(text_arg("passphrase", &passphrase)?);
            let options = options_arg("options", options.map(JsValue::from).unwrap_or_default(), &["onProgress"])?;
            Ok((bytes, passphrase, callback_arg("options", &options, "onProgress")?))
        });
        promise(async move {
            let (bytes, passphrase, on_progress) = args?;
            let mut progress = |verified: usize, total: usize| {
                if let Some(f) = &on_progress {
                    let _ = f.call2(&JsValue::UNDEFINED, &(verified as u32).into(), &(total as u32).into());
                }
            };
            Ok(to_js(&device.import_backup_reporting(&bytes, &passphrase, &mut progress).await?))
        })
    }
}

/// Every phrase the Device words with specifics (remedies that name a date or a count, what
/// a health check found): its stable key and the names of its arguments. An error's
/// `remedyWords` and a check's `valueWords` and `remedyWords` are `{ key, args }` of one of
/// them, for an app that words them in its own language.
///
/// @example
/// ```js
/// for (const { key, args } of phrases()) assert(catalog.has(`dev-${key}`), args.join());
/// ```
#[wasm_bindgen]
pub fn phrases() -> JsPhrases {
    to_js(crate::PHRASES)
}
