//! Any bytes as a backup file (the outer format, its cost parameters checked before any
//! work) and as the decrypted contents a file could hold (every record's signature and
//! chain, the chain heads, the sealed keys' parameters): the first byte picks which.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Some((&which, rest)) = data.split_first() {
        offsign::fuzzing::read_backup(which, rest);
    }
});
