//! Native sign/verify rates of the same core, for the benchmark table (`pkg-scripts/bench`).
//! Prints one JSON object.

use offsign::Identity;
use std::time::{Duration, Instant};

/// Operations per second of `op`, run for about one and a half seconds in rounds of `round`.
fn rate_in_rounds(round: u64, mut op: impl FnMut()) -> f64 {
    for _ in 0..round {
        op();
    }
    let (start, mut n) = (Instant::now(), 0u64);
    while start.elapsed() < Duration::from_millis(1500) {
        for _ in 0..round {
            op();
        }
        n += round;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

/// Operations per second of a fast `op`.
fn rate(op: impl FnMut()) -> f64 {
    rate_in_rounds(100, op)
}

fn main() {
    let id = Identity::generate().expect("randomness");
    let mut out = serde_json::Map::new();
    for (label, size) in [("256 B", 256usize), ("64 KiB", 65536)] {
        let msg: Vec<u8> = (0..size).map(|i| i as u8).collect();
        let sig = id.sign(&msg);
        let sign = rate(|| {
            std::hint::black_box(id.sign(std::hint::black_box(&msg)));
        });
        let verify = rate(|| {
            id.public_key().verify(std::hint::black_box(&msg), &sig).expect("valid");
        });
        out.insert(label.into(), serde_json::json!({"sign": sign, "verify": verify}));
    }
    // What a server does with a 500-record batch: strict one-by-one verification (offsign)
    // next to ed25519-dalek's batch verification of the same signatures.
    let signers: Vec<Identity> = (0..8).map(|_| Identity::generate().expect("randomness")).collect();
    let messages: Vec<Vec<u8>> = (0..500u32).map(|i| format!("record {i} {}", "x".repeat(600)).into_bytes()).collect();
    let signed: Vec<(&Identity, &[u8], [u8; 64])> =
        messages.iter().enumerate().map(|(i, m)| (&signers[i % 8], m.as_slice(), signers[i % 8].sign(m))).collect();
    let single = 500.0
        * rate_in_rounds(1, || {
            for (who, message, sig) in &signed {
                who.public_key().verify(message, sig).expect("valid");
            }
        });
    let keys: Vec<ed25519_dalek::VerifyingKey> =
        signed.iter().map(|(who, _, _)| ed25519_dalek::VerifyingKey::from_bytes(who.public_key().as_bytes()).expect("key")).collect();
    let sigs: Vec<ed25519_dalek::Signature> = signed.iter().map(|(_, _, s)| ed25519_dalek::Signature::from_bytes(s)).collect();
    let msgs: Vec<&[u8]> = signed.iter().map(|(_, m, _)| *m).collect();
    let batch = 500.0
        * rate_in_rounds(1, || {
            ed25519_dalek::verify_batch(&msgs, &sigs, &keys).expect("valid");
        });
    out.insert("batch500".into(), serde_json::json!({"single": single, "batch": batch}));
    println!("{}", serde_json::Value::Object(out));
}
