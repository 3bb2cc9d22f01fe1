use curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
use curve25519_dalek::edwards::{EdwardsPoint, VartimeEdwardsPrecomputation};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::VartimePrecomputedMultiscalarMul;
use std::time::Instant;
fn main() {
    let a = ED25519_BASEPOINT_POINT * Scalar::from(123456789u64);
    let k = Scalar::from_bytes_mod_order([7u8; 32]);
    let s = Scalar::from_bytes_mod_order([9u8; 32]);
    let n = 20000;
    let t = Instant::now();
    let mut acc = EdwardsPoint::default();
    for _ in 0..n { acc += EdwardsPoint::vartime_double_scalar_mul_basepoint(std::hint::black_box(&k), &a, &s); }
    println!("double_base {:.2} us", t.elapsed().as_secs_f64() * 1e6 / n as f64);
    let t = Instant::now();
    let pre = VartimeEdwardsPrecomputation::new([ED25519_BASEPOINT_POINT, a]);
    println!("build {:.2} us", t.elapsed().as_secs_f64() * 1e6);
    let t = Instant::now();
    let mut acc2 = EdwardsPoint::default();
    for _ in 0..n { acc2 += pre.vartime_multiscalar_mul([s, *std::hint::black_box(&k)]); }
    println!("precomputed {:.2} us", t.elapsed().as_secs_f64() * 1e6 / n as f64);
    assert_eq!(acc, acc2);
}
