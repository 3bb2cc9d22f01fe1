//! Any bytes as an evidence bundle file, as a stranger hands one to `offsign verify-bundle` or
//! the verify page: the ZIP's records, the entries' names and limits, the manifest, and every
//! check of the record, its certificate, revocation list, receipt and chain.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    offsign::fuzzing::read_bundle_file(data);
});
