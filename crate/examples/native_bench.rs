//! Native sign/verify rates of the same core, for the benchmark table (`pkg-scripts/bench`).
//! Prints one JSON object.

use offsign::Identity;
use std::time::{Duration, Instant};

/// Operations per second of `op`, run for about one and a half seconds.
fn rate(mut op: impl FnMut()) -> f64 {
    for _ in 0..100 {
        op();
    }
    let (start, mut n) = (Instant::now(), 0u64);
    while start.elapsed() < Duration::from_millis(1500) {
        for _ in 0..100 {
            op();
        }
        n += 100;
    }
    n as f64 / start.elapsed().as_secs_f64()
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
    println!("{}", serde_json::Value::Object(out));
}
