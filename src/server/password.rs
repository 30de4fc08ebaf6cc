//! Secrets: argon2id hashing and verification, and random passwords.
//!
//! Parameters are OWASP's first argon2id recommendation (RFC 9106 §4 leaves
//! the choice to the deployment): 19 MiB of memory, 2 passes, 1 lane. One
//! verification costs about 20 ms on one core of an optimised build, which
//! is why `server::auth` caches verified credentials. Hashes are PHC strings,
//! so stored hashes keep verifying if the parameters change later.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// Memory cost in KiB (19 MiB).
pub const MEMORY_KIB: u32 = 19 * 1024;
/// Passes over the memory.
pub const ITERATIONS: u32 = 2;
/// Lanes.
pub const PARALLELISM: u32 = 1;

fn argon2() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The argon2id PHC string of `password` with a fresh random salt.
pub fn hash(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashing with valid parameters cannot fail")
        .to_string()
}

/// Whether `password` matches the PHC string `phc`. A hash that does not
/// parse matches nothing. Slow on purpose: call it off the async threads.
pub fn verify(phc: &str, password: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => argon2().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// Letters and digits without look-alikes (0/O, 1/l/I), so a password read
/// off a screen and typed into a phone comes out right.
const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A random password of `len` characters (about 5.8 bits each).
pub fn generate(len: usize) -> String {
    let mut out = String::with_capacity(len);
    while out.len() < len {
        let mut byte = [0u8; 1];
        OsRng.fill_bytes(&mut byte);
        // Rejection sampling keeps every character equally likely.
        let limit = 256 - 256 % ALPHABET.len();
        if usize::from(byte[0]) < limit {
            out.push(char::from(ALPHABET[usize::from(byte[0]) % ALPHABET.len()]));
        }
    }
    out
}

/// A random hex id of `bytes` bytes (app password ids).
pub fn random_id(bytes: usize) -> String {
    let mut raw = vec![0u8; bytes];
    OsRng.fill_bytes(&mut raw);
    raw.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argon2id_hash_verifies_only_its_password() {
        let phc = hash("correct horse");
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify(&phc, "correct horse"));
        assert!(!verify(&phc, "correct hors"));
        assert!(!verify("not a phc string", "correct horse"));
    }

    #[test]
    fn generated_passwords_use_the_alphabet_and_differ() {
        let a = generate(24);
        assert_eq!(a.len(), 24);
        assert!(a.bytes().all(|b| ALPHABET.contains(&b)));
        assert_ne!(a, generate(24));
        assert_eq!(random_id(8).len(), 16);
    }
}
