//! The `Device` of the full `offsign` entry: identities in IndexedDB, signing, sync, health
//! and backups, over the primitives of the parent module. Types in `device.d.ts`.

use super::*;
use crate::browser::{browser_clock, browser_facts, get, to_promise, user_agent, with_sync_lock};
use crate::browser::{BrowserDevice, FetchTransport, IdleWatch};
use crate::idb::IdbStore;
use crate::{Device, DeviceConfig, IdentityRow, SignInput};

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
    /// `Promise<number>` in TypeScript.
    #[wasm_bindgen(typescript_type = "Promise<number>")]
    pub type PromiseNumber;
    /// `{ server?: string } | undefined` in TypeScript.
    #[wasm_bindgen(typescript_type = "{ server?: string }")]
    pub type JsServerOptions;
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

/// An `IdentityInfo` for JS: everything but the sealed key.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct IdentityInfo<'a> {
    kid: &'a str,
    label: &'a str,
    public_jwk: &'a PublicJwk,
    enrolled: bool,
    chain: &'a Option<ChainHead>,
    lockout: &'a crate::Lockout,
    created_at: &'a str,
}

fn identity_info(row: &IdentityRow) -> IdentityInfo<'_> {
    IdentityInfo {
        kid: &row.kid,
        label: &row.label,
        public_jwk: &row.public_jwk,
        enrolled: row.credentials.is_some(),
        chain: &row.chain,
        lockout: &row.lockout,
        created_at: &row.created_at,
    }
}

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

impl DocumentOptionsArg {
    fn into_input(self, doc: &[u8]) -> Result<SignInput, Error> {
        Ok(SignInput { doc: DocumentDigest::of_bytes(doc, self.name, self.media_type)?, claims: self.claims })
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
    /// Reads the options of listing `what`; absent options are the first page.
    fn read(what: &str, options: Option<JsValue>) -> Result<Self, Error> {
        from_js::<Option<Self>>("", options.unwrap_or(JsValue::UNDEFINED))
            .map(Option::unwrap_or_default)
            .map_err(|_| Error::new(ErrorCode::MalformedInput, format!("{what} options are {{ after?, limit? }}")))
    }

    /// The page size: 50 unless asked, at most 1,000.
    fn limit(&self) -> u32 {
        self.limit.unwrap_or(50.0).clamp(1.0, 1000.0) as u32
    }
}

#[wasm_bindgen(js_class = Device)]
impl JsDevice {
    /// Opens (or creates) the device's database.
    pub async fn open(options: Option<JsDeviceOptions>) -> JsResult<JsDevice> {
        let options: JsValue = options.map(JsValue::from).unwrap_or(JsValue::UNDEFINED);
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
        let options: DeviceOptionsArg = from_js::<Option<DeviceOptionsArg>>("device options", options)?.unwrap_or_default();
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
        let options: JsValue = options.into();
        let pin = get(&options, "pin").as_string().map(Zeroizing::new);
        let rest = pick(&options, &["label", "kdf"]).ok_or(JsValue::NULL).and_then(|rest| from_js::<CreateArg>("", rest));
        promise(async move {
            let (Some(pin), Ok(options)) = (pin, rest) else {
                return Err(Error::new(ErrorCode::MalformedInput, "createIdentity takes { label, pin, kdf? }"));
            };
            let row = device.create_identity(&options.label, &pin, options.kdf.unwrap_or(KdfParams::DEFAULT)).await?;
            idle.arm(&device);
            Ok(to_js(&identity_info(&row)))
        })
    }

    /// Every identity on this device, oldest first.
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
    pub fn unlock(&self, kid: String, pin: String) -> PromiseVoid {
        let device = self.inner.clone();
        let idle = self.idle.clone();
        let pin = Zeroizing::new(pin);
        promise(async move {
            device.unlock(&kid, &pin).await?;
            idle.arm(&device);
            Ok(JsValue::UNDEFINED)
        })
    }

    /// How long identity `kid` must still wait before the next PIN try (ms; 0 when free). The
    /// wait runs down only by time this device sees pass (a clock set forward does not shorten
    /// it): call this every few seconds while you show the wait, and it counts down in real time.
    #[wasm_bindgen(js_name = lockoutRemaining)]
    pub fn lockout_remaining(&self, kid: String) -> PromiseNumber {
        let device = self.inner.clone();
        promise(async move { Ok(JsValue::from_f64(device.lockout_remaining(&kid).await? as f64)) })
    }

    /// Called with the key id when the unlocked identity locks itself after the idle time, so
    /// that the app can show its PIN screen. `null` to stop.
    #[wasm_bindgen(setter)]
    pub fn set_onidlelock(&self, handler: Option<js_sys::Function>) {
        *self.idle.on_idle_lock.borrow_mut() = handler;
    }

    /// Wipes the unlocked key from memory.
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
    #[wasm_bindgen(js_name = setCredentials)]
    pub fn set_credentials(&self, kid: String, credentials: JsCredentials) -> PromiseVoid {
        let device = self.inner.clone();
        let credentials = from_js::<crate::StoredCredentials>("credentials", credentials.into());
        promise(async move {
            let credentials = credentials.map_err(|_| {
                Error::new(ErrorCode::MalformedInput, "credentials are { authority, certificate, revocationList? }")
            })?;
            device.set_credentials(&kid, credentials).await?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Signs `doc` with the unlocked identity and stores the record: the policy check, the
    /// chain and the outbox change in one IndexedDB transaction. Resolves once committed.
    pub fn sign(&self, doc: JsBytes, options: Option<JsDocumentOptions>) -> PromiseSignedRecord {
        let options: JsValue = options.map(JsValue::from).unwrap_or(JsValue::UNDEFINED);
        let device = self.inner.clone();
        let input = bytes_arg("doc", &doc).and_then(|doc| {
            from_js::<Option<DocumentOptionsArg>>("document options", options)
                .map_err(|_| Error::new(ErrorCode::MalformedInput, "sign options are { name?, type?, claims? }"))
                .and_then(|o| o.unwrap_or_default().into_input(&doc))
        });
        promise(async move {
            let signed = device.sign(vec![input?]).await?;
            Ok(to_js(&signed_out(&signed.records[0], &signed.warnings)))
        })
    }

    /// Signs a batch of documents in one transaction: all of them are stored, or none.
    #[wasm_bindgen(js_name = signMany)]
    pub fn sign_many(&self, docs: JsDocumentInputs) -> PromiseSignedBatch {
        // Each document's bytes are read as bytes; its other members go through `from_js`.
        let malformed = || Error::new(ErrorCode::MalformedInput, "signMany takes [{ doc: Uint8Array, name?, type?, claims? }]");
        let input = |item: JsValue| -> Result<SignInput, Error> {
            let doc = js_sys::Reflect::get(&item, &"doc".into()).map_err(|_| malformed())?;
            let options = pick(&item, &["name", "type", "claims"]).ok_or_else(malformed)?;
            let options = from_js::<DocumentOptionsArg>("", options).map_err(|_| malformed())?;
            options.into_input(&bytes_arg("doc", &doc)?)
        };
        let device = self.inner.clone();
        let docs: JsValue = docs.into();
        let inputs = match docs.dyn_into::<js_sys::Array>() {
            Ok(array) => array.iter().map(input).collect::<Result<Vec<_>, Error>>(),
            Err(_) => Err(malformed()),
        };
        promise(async move {
            let signed = device.sign(inputs?).await?;
            #[derive(Serialize)]
            struct Out<'a> {
                records: Vec<SignedOut<'a>>,
                warnings: Vec<WarningOut<'a>>,
            }
            let records = signed.records.iter().map(|r| signed_out(r, &signed.warnings)).collect();
            Ok(to_js(&Out { records, warnings: warnings_out(&signed.warnings) }))
        })
    }

    /// Outbox records of identity `kid` in chain order, a page at a time.
    pub fn records(&self, kid: String, options: Option<JsRecordsOptions>) -> PromiseOutboxRecords {
        let device = self.inner.clone();
        let options = PageArg::<f64>::read("records", options.map(JsValue::from));
        promise(async move {
            let options = options?;
            let after = options.after.unwrap_or(0.0).clamp(0.0, 9_007_199_254_740_991.0) as u64;
            Ok(to_js(&device.records(&kid, after, options.limit()).await?))
        })
    }

    /// Failure reports on this device, oldest first, a page at a time.
    pub fn reports(&self, options: Option<JsReportsOptions>) -> PromiseReports {
        let device = self.inner.clone();
        let options = PageArg::<String>::read("reports", options.map(JsValue::from));
        promise(async move {
            let options = options?;
            Ok(to_js(&device.reports(options.after.as_deref().unwrap_or(""), options.limit()).await?))
        })
    }

    /// Attaches the worker's comment (feedback) to failure report `id`; it is sent with the
    /// next sync.
    #[wasm_bindgen(js_name = addFeedback)]
    pub fn add_feedback(&self, id: String, comment: String) -> PromiseReport {
        let device = self.inner.clone();
        promise(async move { Ok(to_js(&device.add_feedback(&id, &comment).await?)) })
    }

    /// Enrolls identity `kid` with the single-use `code` from the administrator
    /// (`offsign-server enroll`): the server at `options.server` (default: this origin) issues
    /// its certificate, which is checked and stored. Needs a connection. Rejects with
    /// `enrollment_refused` (unknown, used or expired code) or `server_unreachable`.
    pub fn enroll(&self, kid: String, code: String, options: Option<JsServerOptions>) -> PromiseVoid {
        let options: JsValue = options.map(JsValue::from).unwrap_or(JsValue::UNDEFINED);
        let server = get(&options, "server").as_string().unwrap_or_default();
        let device = self.inner.clone();
        promise(async move {
            let transport = FetchTransport { base: server.trim_end_matches('/').to_owned() };
            device.enroll(&transport, &kid, &code).await?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Sends every record the server has not answered for and applies the verdicts (see the
    /// README's sync section), then pending failure reports, then renews the unlocked
    /// identity's certificate when it expires within 30 days. One sync at a time per origin
    /// (Web Locks). Rejects with `server_unreachable` when the server cannot be reached after
    /// retries: nothing is lost, the records wait for the next sync.
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
        let on_progress = get(&options, "onProgress").dyn_into::<js_sys::Function>().ok();
        let parsed = from_js::<Option<SyncOptionsArg>>("sync options", options)
            .map_err(|_| Error::new(ErrorCode::MalformedInput, "sync options are { server?, maxTries?, onProgress? }"));
        let device = self.inner.clone();
        let work = async move {
            let options = parsed?.unwrap_or_default();
            let transport = FetchTransport { base: options.server.unwrap_or_default().trim_end_matches('/').to_owned() };
            let defaults = crate::SyncOptions::default();
            let sync_options = crate::SyncOptions { max_tries: options.max_tries.unwrap_or(defaults.max_tries).clamp(1, 20), ..defaults };
            let progress = |done: u32, total: u32| {
                if let Some(f) = &on_progress {
                    let _ = f.call2(&JsValue::UNDEFINED, &done.into(), &total.into());
                }
            };
            Ok(to_js(&device.sync(&transport, sync_options, &progress).await?))
        };
        with_sync_lock(Box::pin(async move { work.await.map_err(js_error) })).unchecked_into()
    }

    /// Inspects the whole signing system: randomness, storage (writable, persistent, room
    /// left), each identity's certificate, revocation list and clock, the outbox, the last
    /// sync and the version. Each check has a status, a value and, when not ok, a remedy.
    pub fn diagnose(&self) -> PromiseChecks {
        let device = self.inner.clone();
        promise(async move { Ok(to_js(&device.diagnose(browser_facts().await).await)) })
    }

    /// Everything on this device (identities with their sealed keys, credentials, records,
    /// failure reports) as one file sealed under `passphrase`. Keep it somewhere safe.
    #[wasm_bindgen(js_name = exportBackup)]
    pub fn export_backup(&self, passphrase: String, options: Option<JsSealOptions>) -> PromiseBytes {
        let options: JsValue = options.map(JsValue::from).unwrap_or(JsValue::UNDEFINED);
        let device = self.inner.clone();
        let passphrase = Zeroizing::new(passphrase);
        let options = from_js::<Option<KdfOptionsArg>>("backup options", options);
        promise(async move {
            let kdf = options.map_err(|_| Error::new(ErrorCode::MalformedInput, "backup options are { kdf? }"))?.unwrap_or_default().kdf;
            let bytes = device.export_backup(&passphrase, kdf.unwrap_or(KdfParams::DEFAULT)).await?;
            Ok(js_sys::Uint8Array::from(bytes.as_slice()).into())
        })
    }

    /// Restores a backup: checks the passphrase, the file and every record's signature and
    /// chain, then merges it without duplicates in one transaction. Rejects with
    /// `wrong_passphrase`, `malformed_backup` or `chain_broken`; a failure changes nothing.
    /// `options.onProgress(verified, total)` hears how many of the file's records are checked,
    /// every 500 and at the end.
    #[wasm_bindgen(js_name = importBackup)]
    pub fn import_backup(&self, bytes: JsBytes, passphrase: String, options: Option<JsImportOptions>) -> PromiseImportSummary {
        let device = self.inner.clone();
        let passphrase = Zeroizing::new(passphrase);
        let bytes = bytes_arg("the backup", &bytes);
        let options: JsValue = options.map(JsValue::from).unwrap_or(JsValue::UNDEFINED);
        let on_progress = get(&options, "onProgress").dyn_into::<js_sys::Function>().ok();
        promise(async move {
            let mut progress = |verified: usize, total: usize| {
                if let Some(f) = &on_progress {
                    let _ = f.call2(&JsValue::UNDEFINED, &(verified as u32).into(), &(total as u32).into());
                }
            };
            Ok(to_js(&device.import_backup_reporting(&bytes?, &passphrase, &mut progress).await?))
        })
    }
}
