//! Any bytes through the strict JSON reader and every format read from JSON (record payload,
//! certificate, revocation list, receipt, keys, sealed key, rows, backup contents).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    offsign::fuzzing::read_every_format(data);
});
