//! Any text as a compact JWS: parsed, inspected and verified as every kind of message offsign
//! reads (record, certificate, revocation list, receipt, renewal request, report, enrollment
//! proof, JWK).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        offsign::fuzzing::read_every_jws(text);
    }
});
