//! Password hashing with argon2id (the crate's defaults: 19 MiB, 2 passes). Hashing is slow on
//! purpose, so it runs on the blocking pool, never on the async workers.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use std::sync::OnceLock;

/// A PHC string (`$argon2id$v=19$...`) for a password.
pub fn hash(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
}

/// Whether a password matches a stored PHC string. A malformed stored hash never matches.
pub fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash that no password is known for, verified against when the user name does not exist,
/// so that a wrong name costs the same time as a wrong password and names cannot be probed.
pub fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash(&uuid::Uuid::new_v4().to_string()).expect("hashing the decoy"))
}

/// The rules a new password must meet.
pub fn check_strength(password: &str) -> Result<(), &'static str> {
    if password.chars().count() < 8 {
        Err("a password needs at least 8 characters")
    } else if password.len() > 256 {
        Err("a password may have at most 256 bytes")
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_salted_and_verify() {
        let a = hash("correct horse").unwrap();
        let b = hash("correct horse").unwrap();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b, "each hash has its own salt");
        assert!(verify("correct horse", &a));
        assert!(!verify("correct horsE", &a));
        assert!(!verify("correct horse", "not a phc string"));
        assert!(!verify("anything", decoy_hash()));
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(check_strength("1234567").is_err());
        assert!(check_strength("12345678").is_ok());
    }
}
