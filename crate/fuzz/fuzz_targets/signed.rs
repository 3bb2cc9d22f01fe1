//! Any payload, signed with a key the reader trusts, so the fuzzer reaches the payload
//! parsers and the checks behind the signature: the first byte picks the kind of message.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Some((&kind, payload)) = data.split_first() {
        offsign::fuzzing::read_signed(kind, payload);
    }
});
