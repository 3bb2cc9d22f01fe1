//! Writes the TypeScript `ErrorCode` union from the error table (`src/error_table.rs`), the
//! same rows `ErrorCode` is made of, so the two cannot differ; `src/wasm/mod.rs` puts it into
//! the package's `.d.ts`.

use std::fmt::Write;

/// Collects each row's code string, in the table's order.
macro_rules! error_codes {
    ($($group:ident { $( $(#[$doc:meta])* $variant:ident = $code:literal, $severity:ident, $summary:literal, $remedy:literal; )* })*) => {
        const CODES: &[&str] = &[$($($code,)*)*];
    };
}
include!("src/error_table.rs");

fn main() {
    println!("cargo::rerun-if-changed=src/error_table.rs");
    let mut union = String::from("/** A stable offsign error or warning code, generated from the core's error table. */\nexport type ErrorCode =");
    for code in CODES {
        write!(union, "\n  | \"{code}\"").unwrap();
    }
    union.push_str(";\n");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(format!("{out}/error_codes.d.ts"), union).expect("OUT_DIR is writable");
}
