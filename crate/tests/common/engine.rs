//! Proof of which browser engine ran a wasm test binary. The test script builds each browser
//! tier with `OFFSIGN_TEST_ENGINE` set to the engine it means (`chromium`, `firefox` or
//! `webkit`); this test fails when the user agent belongs to another engine, so no runner
//! variable (`GECKODRIVER_REMOTE` and the like) can quietly move a tier to another browser.
//! Built without the variable, or with an unknown name, it fails too.

use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

/// The user agent of the page or worker running the tests.
fn user_agent() -> String {
    let navigator = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("navigator")).expect("navigator");
    let agent = js_sys::Reflect::get(&navigator, &JsValue::from_str("userAgent")).expect("navigator.userAgent");
    agent.as_string().expect("userAgent is a string")
}

/// The engine a user agent names: Chromium says `Chrome/`, Firefox `Firefox/`, and WebKit
/// (Safari, WebKitGTK) says `AppleWebKit/` without either (Chromium says `AppleWebKit/` too).
fn engine_of(agent: &str) -> &'static str {
    if agent.contains("Firefox/") {
        "firefox"
    } else if agent.contains("Chrome/") {
        "chromium"
    } else if agent.contains("AppleWebKit/") {
        "webkit"
    } else {
        "unknown"
    }
}

#[wasm_bindgen_test]
fn runs_in_the_engine_its_tier_names() {
    let expected = option_env!("OFFSIGN_TEST_ENGINE")
        .expect("build the browser tests with OFFSIGN_TEST_ENGINE=chromium|firefox|webkit (pkg-scripts/test-wasm does)");
    assert!(
        ["chromium", "firefox", "webkit"].contains(&expected),
        "OFFSIGN_TEST_ENGINE={expected} is not an engine this project tests in"
    );
    let agent = user_agent();
    wasm_bindgen_test::console_log!("engine: {} ({agent})", engine_of(&agent));
    assert_eq!(engine_of(&agent), expected, "user agent {agent:?}");
}
