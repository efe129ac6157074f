//! Keyed pseudo-random permutation of the status list index space `0..131072` (2^17).
//!
//! Bitstring Status List v1.0 §6.5 "Group Privacy" / §6.1 asks that indices not reveal issuance
//! order. Each list has a secret 32-byte key; the n-th credential issued on the list (a counter
//! advanced in the issuing transaction) gets index `permute(key, n)`. A permutation is a bijection,
//! so distinct counters can never collide and no index is ever reused.
//!
//! Construction: a balanced Feistel network over 18 bits (two 9-bit halves, 8 rounds, round
//! function = first bytes of SHA-256(key ‖ round ‖ half)) with *cycle walking*: values that land in
//! `131072..262144` are permuted again until they fall back into the domain. Cycle walking over a
//! permutation of a superset yields a permutation of the subset (Black & Rogaway 2002).

use sha2::{Digest, Sha256};

/// Number of indices of one list (Bitstring Status List v1.0 §4.1: at least 131,072 entries).
pub const LIST_SIZE: u32 = 131_072;

const HALF_BITS: u32 = 9;
const HALF_MASK: u32 = (1 << HALF_BITS) - 1;
const ROUNDS: u8 = 8;

fn round(key: &[u8; 32], r: u8, half: u32) -> u32 {
    let mut h = Sha256::new();
    h.update(key);
    h.update([r]);
    h.update(half.to_be_bytes());
    let d = h.finalize();
    let head: [u8; 2] = d
        .get(..2)
        .and_then(|h| h.try_into().ok())
        .unwrap_or_default();
    u32::from(u16::from_be_bytes(head)) & HALF_MASK
}

fn feistel(key: &[u8; 32], x: u32) -> u32 {
    let mut l = (x >> HALF_BITS) & HALF_MASK;
    let mut r = x & HALF_MASK;
    for i in 0..ROUNDS {
        let nl = r;
        let nr = l ^ round(key, i, r);
        l = nl;
        r = nr;
    }
    (l << HALF_BITS) | r
}

/// The index of the `counter`-th entry of a list keyed by `key`; `None` when the list is full
/// (`counter >= LIST_SIZE`).
pub fn permute(key: &[u8; 32], counter: u32) -> Option<u32> {
    if counter >= LIST_SIZE {
        return None;
    }
    let mut x = feistel(key, counter);
    while x >= LIST_SIZE {
        x = feistel(key, x);
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_a_permutation_of_the_whole_list() {
        let key = [7u8; 32];
        let mut seen = vec![false; LIST_SIZE as usize];
        for c in 0..LIST_SIZE {
            let i = permute(&key, c).unwrap() as usize;
            assert!(!seen[i], "index {i} produced twice");
            seen[i] = true;
        }
        assert!(permute(&key, LIST_SIZE).is_none());
    }

    #[test]
    fn not_in_issuance_order_and_key_dependent() {
        let a: Vec<u32> = (0..20).map(|c| permute(&[1; 32], c).unwrap()).collect();
        let b: Vec<u32> = (0..20).map(|c| permute(&[2; 32], c).unwrap()).collect();
        assert_ne!(a, b);
        assert!(a.windows(2).any(|w| w[0] > w[1]));
        assert_ne!(a, (0..20).collect::<Vec<_>>());
    }
}
