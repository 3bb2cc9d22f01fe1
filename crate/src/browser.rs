//! What only a browser does for the device, behind the core's small traits: the clock
//! ([`crate::Clock`], a [`ServerClock`] over `Date.now()`), the server reached with `fetch`
//! ([`Transport`]), timers (the idle lock, the delay between retries), Web Locks (one sync at
//! a time per origin) and `navigator.storage` (persistence, the estimate). The bindings in
//! `wasm/` only convert arguments and results; what needs no key or store (`autoSync`'s
//! timers, Background Sync, asking for persistent storage) is the proxy's, in `js/device.js`.

use crate::device::Device;
use crate::idb::IdbStore;
use crate::sync::{HttpResponse, ServerClock, Transport};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The browser's clock: `Date.now()` corrected to the server's time.
pub(crate) type BrowserClock = ServerClock<fn() -> f64>;

/// The device of a page, a worker or a service worker.
pub(crate) type BrowserDevice = Device<IdbStore, BrowserClock>;

/// The browser's clock, not corrected yet ([`ServerClock::restore`] applies the kept correction).
pub(crate) fn browser_clock() -> BrowserClock {
    ServerClock::new(js_sys::Date::now)
}

/// The idle-lock timer of a `Device`: while an identity is unlocked, a timeout waits for the
/// moment it has been idle long enough, wipes the key, and tells the app.
#[derive(Default)]
pub(crate) struct IdleWatch {
    armed: std::cell::Cell<bool>,
    /// Told the key id of an identity the timer locked.
    pub(crate) on_idle_lock: std::cell::RefCell<Option<js_sys::Function>>,
}

impl IdleWatch {
    /// Starts the timer unless it is running.
    pub(crate) fn arm(self: &Rc<Self>, device: &Rc<BrowserDevice>) {
        if !self.armed.replace(true) {
            self.check_after(Rc::downgrade(device), 0);
        }
    }

    /// Checks the device for idleness after `delay_ms`, and again until nothing is unlocked.
    /// Holds the device weakly: a dropped device stops the timer.
    fn check_after(self: &Rc<Self>, device: std::rc::Weak<BrowserDevice>, delay_ms: i64) {
        let watch = self.clone();
        let check = Closure::once_into_js(move || {
            let Some(strong) = device.upgrade() else { return };
            match strong.lock_if_idle() {
                crate::device::Idle::Unlocked { left_ms } => watch.check_after(device, left_ms + 1),
                crate::device::Idle::LockedNow { kid } => {
                    watch.armed.set(false);
                    if let Some(handler) = watch.on_idle_lock.borrow().as_ref() {
                        let _ = handler.call1(&JsValue::UNDEFINED, &kid.into());
                    }
                }
                crate::device::Idle::Locked => watch.armed.set(false),
            }
        });
        if !set_timeout(&check, delay_ms as f64) {
            // No timers here: the identity still locks at its next use after the idle time.
            self.armed.set(false);
        }
    }
}

/// `navigator.userAgent` in a window or a worker, or "" where there is none.
pub(crate) fn user_agent() -> String {
    get(&get(&js_sys::global(), "navigator"), "userAgent").as_string().unwrap_or_default()
}

/// `Reflect.get`, `undefined` when it throws.
pub(crate) fn get(target: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(target, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

/// Calls `callback` after `ms` (`setTimeout`); `false` where there are no timers.
fn set_timeout(callback: &JsValue, ms: f64) -> bool {
    match get(&js_sys::global(), "setTimeout").dyn_into::<js_sys::Function>() {
        Ok(set_timeout) => set_timeout.call2(&JsValue::UNDEFINED, callback, &ms.into()).is_ok(),
        Err(_) => false,
    }
}

/// A promise that resolves after `ms`.
fn delay(ms: f64) -> js_sys::Promise {
    js_sys::Promise::new(&mut |resolve, _| {
        set_timeout(&resolve, ms);
    })
}

/// The server reached with `fetch` (in a window, a worker or a service worker).
pub(crate) struct FetchTransport {
    /// The server's origin, e.g. `https://sync.example.com`; empty for this page's origin.
    pub(crate) base: String,
}

impl FetchTransport {
    /// One `fetch` of `method` with `headers` (name, value) and `body`.
    async fn fetch(&self, path: &str, method: &str, headers: &[(&str, String)], body: JsValue) -> Result<HttpResponse, String> {
        let describe = |e: JsValue| e.as_string().or_else(|| get(&e, "message").as_string()).unwrap_or_else(|| "fetch failed".into());
        let global = js_sys::global();
        let fetch: js_sys::Function = get(&global, "fetch").dyn_into().map_err(|_| "fetch is not available here".to_owned())?;
        let init = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&init, &"cache".into(), &"no-store".into());
        let _ = js_sys::Reflect::set(&init, &"method".into(), &method.into());
        let header_object = js_sys::Object::new();
        for (name, value) in headers {
            let _ = js_sys::Reflect::set(&header_object, &(*name).into(), &value.as_str().into());
        }
        let _ = js_sys::Reflect::set(&init, &"headers".into(), &header_object);
        if !body.is_undefined() {
            let _ = js_sys::Reflect::set(&init, &"body".into(), &body);
        }
        let url = format!("{}{path}", self.base);
        let started: js_sys::Promise = fetch.call2(&global, &url.into(), &init).map_err(describe)?.unchecked_into();
        let response = wasm_bindgen_futures::JsFuture::from(started).await.map_err(describe)?;
        let status = get(&response, "status").as_f64().unwrap_or(0.0) as u16;
        let headers = get(&response, "headers");
        let retry_after = get(&headers, "get")
            .dyn_into::<js_sys::Function>()
            .ok()
            .and_then(|f| f.call1(&headers, &"retry-after".into()).ok())
            .and_then(|v| v.as_string());
        let text: js_sys::Promise = get(&response, "text")
            .dyn_into::<js_sys::Function>()
            .map_err(|_| "no response body".to_owned())?
            .call0(&response)
            .map_err(describe)?
            .unchecked_into();
        let body = wasm_bindgen_futures::JsFuture::from(text).await.map_err(describe)?.as_string().unwrap_or_default();
        Ok(HttpResponse { status, retry_after, body })
    }
}

impl Transport for FetchTransport {
    async fn post(&self, path: &str, body: String) -> Result<HttpResponse, String> {
        self.fetch(path, "POST", &[("content-type", "application/json".into())], body.into()).await
    }

    async fn get(&self, path: &str) -> Result<HttpResponse, String> {
        self.fetch(path, "GET", &[], JsValue::UNDEFINED).await
    }

    async fn patch(&self, path: &str, offset: u64, length: u64, token: Option<&str>, bytes: Vec<u8>) -> Result<HttpResponse, String> {
        let mut headers = vec![
            ("content-type", "application/offset+octet-stream".to_owned()),
            ("tus-resumable", "1.0.0".to_owned()),
            ("upload-offset", offset.to_string()),
            ("upload-length", length.to_string()),
        ];
        if let Some(token) = token {
            headers.push((crate::sync::UPLOAD_TOKEN_HEADER, token.to_owned()));
        }
        self.fetch(path, "PATCH", &headers, js_sys::Uint8Array::from(bytes.as_slice()).into()).await
    }

    async fn sleep(&self, ms: u64) {
        let _ = wasm_bindgen_futures::JsFuture::from(delay(ms as f64)).await;
    }
}

/// A JS promise of `work`. The one instantiation of `future_to_promise` (one per future type
/// would each add their own copy to the wasm).
pub(crate) fn to_promise(work: LocalWork) -> js_sys::Promise {
    wasm_bindgen_futures::future_to_promise(work)
}

/// Work for a promise: a boxed future of a JS value or a JS error.
pub(crate) type LocalWork = std::pin::Pin<Box<dyn std::future::Future<Output = Result<JsValue, JsValue>>>>;

/// A promise of `work` run holding the Web Lock `offsign-sync`, so that one sync runs at a
/// time across this origin's tabs and service worker; without Web Locks, of `work` alone.
pub(crate) fn with_sync_lock(work: LocalWork) -> js_sys::Promise {
    let locks = get(&get(&js_sys::global(), "navigator"), "locks");
    let Ok(request) = get(&locks, "request").dyn_into::<js_sys::Function>() else {
        return to_promise(work);
    };
    let held = Closure::once_into_js(move |_lock: JsValue| to_promise(work));
    match request.call2(&locks, &"offsign-sync".into(), &held) {
        Ok(granted) => granted.unchecked_into(),
        Err(e) => js_sys::Promise::reject(&e),
    }
}

/// Calls `navigator.storage[method]()` and awaits it, giving up after `timeout_ms`. `None`
/// where the API is missing or gave no answer.
pub(crate) async fn storage_manager(method: &str, timeout_ms: i32) -> Option<JsValue> {
    let global = js_sys::global();
    let navigator = js_sys::Reflect::get(&global, &"navigator".into()).ok()?;
    let storage = js_sys::Reflect::get(&navigator, &"storage".into()).ok().filter(|s| s.is_object())?;
    let call: js_sys::Function = js_sys::Reflect::get(&storage, &method.into()).ok()?.dyn_into().ok()?;
    let answer: js_sys::Promise = call.call0(&storage).ok()?.dyn_into().ok()?;
    let first = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::race(&js_sys::Array::of2(&answer, &delay(timeout_ms.into()))))
        .await
        .ok()?;
    (!first.is_undefined()).then_some(first)
}

/// What only the browser knows, for `diagnose()`.
pub(crate) async fn browser_facts() -> crate::BrowserFacts {
    let persisted = storage_manager("persisted", 3000).await.and_then(|v| v.as_bool());
    let usage = storage_manager("estimate", 3000).await.and_then(|estimate| {
        let number = |key: &str| js_sys::Reflect::get(&estimate, &key.into()).ok().and_then(|v| v.as_f64());
        Some((number("usage")?, number("quota")?))
    });
    let mut probe = [0u8; 1];
    crate::BrowserFacts { randomness: crate::random::fill(&mut probe), persisted, usage }
}
