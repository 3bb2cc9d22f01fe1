//! `[s]B + [k]P` with half the doublings, for a key that verifies many signatures.
//!
//! curve25519-dalek's `vartime_double_scalar_mul_basepoint` doubles about 253 times. Writing
//! `s = s₀ + 2¹²⁸·s₁` and `k = k₀ + 2¹²⁸·k₁`, the same point is
//! `[s₀]B + [s₁]B′ + [k₀]P + [k₁]P′` with `B′ = [2¹²⁸]B` and `P′ = [2¹²⁸]P`: four scalars of
//! 128 bits, so 126 doublings. With the multiples `[1..32]` of the four points (B's made once,
//! P's once per key) and signed radix-64 digits, that is about a quarter less field
//! arithmetic in the 32-bit backend the wasm build uses (measured with it natively: 1.33× as
//! fast, compression included). It uses curve25519-dalek's public point operations only, and
//! gives the same point.

// Points (160 bytes) are added by reference, not copied.
#![allow(clippy::op_ref)]

use curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
use curve25519_dalek::edwards::EdwardsPoint;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::Identity;
use std::sync::OnceLock;

/// The multiples of a point `P` and of `[2¹²⁸]P` that [`double_scalar_mul_basepoint`] adds.
#[derive(Clone)]
pub(crate) struct SplitTable {
    low: Multiples,
    high: Multiples,
}

impl SplitTable {
    /// The table of `point` (about 150 point additions' worth of work).
    pub fn new(point: &EdwardsPoint) -> Self {
        // `mul_by_cofactor` doubles three times: 42 × 3 = 126 doublings, then two more.
        let q = (0..42).fold(*point, |q, _| q.mul_by_cofactor());
        let q2 = &q + &q;
        SplitTable { low: Multiples::of(point), high: Multiples::of(&(&q2 + &q2)) }
    }
}

/// `[1]P, [2]P, …, [32]P`.
#[derive(Clone)]
struct Multiples([EdwardsPoint; 32]);

impl Multiples {
    fn of(point: &EdwardsPoint) -> Self {
        let mut multiples = [*point; 32];
        for i in 1..32 {
            multiples[i] = &multiples[i - 1] + point;
        }
        Multiples(multiples)
    }

    /// `r + [digit]P` for a digit in `[-31, 32]`.
    fn add_to(&self, r: &EdwardsPoint, digit: i8) -> EdwardsPoint {
        match digit {
            0 => *r,
            1.. => r + &self.0[digit as usize - 1],
            _ => r - &self.0[usize::from(digit.unsigned_abs()) - 1],
        }
    }
}

/// The 22 signed radix-64 digits, least significant first, of a 128-bit number given as 16
/// little-endian bytes. Each is in `[-31, 32]`, and `Σ digitᵢ·64ⁱ` is the number.
fn digits(half: &[u8]) -> [i8; 22] {
    let mut x = u128::from_le_bytes(half.try_into().expect("16 bytes"));
    let mut out = [0i8; 22];
    let mut carry = 0;
    for digit in &mut out {
        let v = (x & 63) as i8 + carry;
        x >>= 6;
        carry = i8::from(v > 32);
        *digit = v - 64 * carry;
    }
    out
}

/// `[s]B + [k]P`, where `table` is `SplitTable::new(P)`; variable time (for verification).
pub(crate) fn double_scalar_mul_basepoint(k: &Scalar, table: &SplitTable, s: &Scalar) -> EdwardsPoint {
    static BASEPOINT: OnceLock<SplitTable> = OnceLock::new();
    let basepoint = BASEPOINT.get_or_init(|| SplitTable::new(&ED25519_BASEPOINT_POINT));
    let (s, k) = (s.as_bytes(), k.as_bytes());
    let terms = [
        (digits(&s[..16]), &basepoint.low),
        (digits(&s[16..]), &basepoint.high),
        (digits(&k[..16]), &table.low),
        (digits(&k[16..]), &table.high),
    ];
    let mut r = EdwardsPoint::identity();
    let mut started = false;
    for i in (0..22).rev() {
        if started {
            r = r.mul_by_cofactor().mul_by_cofactor();
        }
        for (digits, multiples) in &terms {
            if digits[i] != 0 {
                r = multiples.add_to(&r, digits[i]);
                started = true;
            }
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalar(bytes: [u8; 32]) -> Scalar {
        Scalar::from_bytes_mod_order(bytes)
    }

    #[test]
    fn digits_recompose_the_number() {
        for x in [0u128, 1, 31, 32, 33, 63, 64, u128::MAX, u128::MAX >> 1, 0x8000_0000_0000_0000_0000_0000_0000_0000, 0x1234_5678_9abc_def0_0fed_cba9_8765_4321] {
            let d = digits(&x.to_le_bytes());
            assert!(d.iter().all(|d| (-31..=32).contains(d)), "{x:#x}: {d:?}");
            // The top digit takes the last carry: nothing is left above 2¹²⁸, which the sum
            // below (modulo 2¹²⁸) could not see.
            assert!((0..=4).contains(&d[21]), "{x:#x}: {d:?}");
            let sum = d.iter().rev().fold(0i128, |acc, d| acc.wrapping_mul(64).wrapping_add(i128::from(*d)));
            assert_eq!(sum as u128, x, "{x:#x}");
        }
    }

    #[test]
    fn same_point_as_dalek() {
        let mut seeds = vec![[0u8; 32], [0xff; 32]];
        let l_minus_1 = (-Scalar::ONE).to_bytes();
        seeds.push(l_minus_1);
        let mut two_128 = [0u8; 32];
        two_128[16] = 1;
        seeds.push(two_128);
        let mut below = [0xffu8; 32];
        below[16..].fill(0);
        seeds.push(below);
        for i in 0..60u8 {
            let mut bytes = [0u8; 32];
            crate::random::fill(&mut bytes).unwrap();
            bytes[0] ^= i;
            seeds.push(bytes);
        }
        for (i, seed) in seeds.iter().enumerate() {
            // Keys with a small-order component too: the split is exact over the integers.
            let torsion_free = EdwardsPoint::mul_base(&scalar(*seeds.get(i + 1).unwrap_or(&[7; 32])));
            let point = &torsion_free + &curve25519_dalek::constants::EIGHT_TORSION[i % 8];
            let table = SplitTable::new(&point);
            for (s, k) in [(scalar(*seed), scalar(seeds[(i + 3) % seeds.len()])), (Scalar::ZERO, scalar(*seed)), (scalar(*seed), Scalar::ZERO)] {
                assert_eq!(
                    double_scalar_mul_basepoint(&k, &table, &s),
                    EdwardsPoint::vartime_double_scalar_mul_basepoint(&k, &point, &s),
                    "case {i}"
                );
            }
        }
    }
}
