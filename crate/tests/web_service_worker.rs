//! The device over real IndexedDB, inside a service worker.
#![cfg(target_arch = "wasm32")]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_service_worker);

#[path = "common/device.rs"]
mod device;

#[path = "common/engine.rs"]
mod engine;
