//! Password hashing with argon2id (the crate's defaults: 19 MiB, 2 passes). Hashing is slow on
//! purpose and takes 19 MiB a run, so it is bounded twice:
//!
//! - a sign-in checks its password through [`check`], which runs at most [`slots`] checks at
//!   once (one per core) on the blocking pool, lets a few more wait briefly, and refuses the
//!   rest at once ([`Busy`]) instead of queueing them without end;
//! - every run, whoever asks for it, works in one of at most [`slots`] memory blocks that are
//!   allocated once and reused ([`Memory`]), never in a fresh 19 MiB allocation: the allocator
//!   (glibc's arenas, one per thread that ever hashed) kept such allocations, so a flood left
//!   the process gigabytes larger for good. What hashing holds is `slots × 19 MiB`, whatever
//!   comes.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Condvar, LazyLock, Mutex, OnceLock};
use std::time::Duration;

static VERIFICATIONS: AtomicU64 = AtomicU64::new(0);

/// How many real password checks (argon2 runs against a stored or decoy hash) this process
/// has made: what a flood of sign-ins costs, read by the tests.
pub fn verifications() -> u64 {
    VERIFICATIONS.load(Ordering::Relaxed)
}

/// How many password hashes run at once: one per core.
pub fn slots() -> usize {
    static SLOTS: OnceLock<usize> = OnceLock::new();
    *SLOTS.get_or_init(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
}

/// The largest memory a stored hash may ask for (64 MiB): a hash with more is not checked.
const MAX_BLOCKS: usize = 64 * 1024;

/// The memory blocks argon2 works in: at most `slots()` of them, made on first need and kept.
/// A run takes one (waiting while all are in use) and gives it back when done.
struct Memory {
    free: Mutex<(Vec<Vec<Block>>, usize)>,
    returned: Condvar,
}

static MEMORY: LazyLock<Memory> = LazyLock::new(|| Memory {
    free: Mutex::new((Vec::new(), 0)),
    returned: Condvar::new(),
});

impl Memory {
    fn with<T>(&self, blocks: usize, f: impl FnOnce(&mut [Block]) -> T) -> T {
        let mut memory = {
            let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
            loop {
                if let Some(m) = free.0.pop() {
                    break m;
                }
                if free.1 < slots() {
                    free.1 += 1;
                    break Vec::new();
                }
                free = self.returned.wait(free).unwrap_or_else(|e| e.into_inner());
            }
        };
        if memory.len() < blocks {
            memory.resize(blocks, Block::default());
        }
        let out = f(&mut memory[..blocks]);
        self.free
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .0
            .push(memory);
        self.returned.notify_one();
        out
    }
}

/// A PHC string (`$argon2id$v=19$...`) for a password.
pub fn hash(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    let params = Params::default();
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt
        .decode_b64(&mut salt_bytes)
        .map_err(|e| anyhow::anyhow!("a salt: {e}"))?;
    let mut out = vec![0u8; Params::DEFAULT_OUTPUT_LEN];
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    MEMORY
        .with(params.block_count(), |m| {
            argon.hash_password_into_with_memory(password.as_bytes(), salt_bytes, &mut out, m)
        })
        .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params)
            .map_err(|e| anyhow::anyhow!("hash parameters: {e}"))?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(|e| anyhow::anyhow!("hash output: {e}"))?),
    };
    Ok(phc.to_string())
}

/// Whether a password matches a stored PHC string. A malformed stored hash never matches.
pub fn verify(password: &str, phc: &str) -> bool {
    VERIFICATIONS.fetch_add(1, Ordering::Relaxed);
    PasswordHash::new(phc)
        .ok()
        .and_then(|h| matches(password.as_bytes(), &h))
        .unwrap_or(false)
}

/// What `argon2`'s own `verify_password` does, in memory from [`MEMORY`].
fn matches(password: &[u8], phc: &PasswordHash) -> Option<bool> {
    let (salt, expected) = (phc.salt?, phc.hash?);
    let params = Params::try_from(phc).ok()?;
    let algorithm = Algorithm::try_from(phc.algorithm).ok()?;
    let version = match phc.version {
        Some(v) => Version::try_from(v).ok()?,
        None => Version::default(),
    };
    let blocks = params.block_count();
    if blocks > MAX_BLOCKS {
        return None;
    }
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_bytes).ok()?;
    let mut out = vec![0u8; expected.len()];
    let argon = Argon2::new(algorithm, version, params);
    MEMORY
        .with(blocks, |m| {
            argon.hash_password_into_with_memory(password, salt_bytes, &mut out, m)
        })
        .ok()?;
    // `Output`'s equality is constant-time.
    Some(Output::new(&out).ok()? == expected)
}

/// Too many password checks are running or waiting: refused at once, not queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy;

/// How many checks may wait for a slot, beyond those running: a district's monitors and unit
/// heads signing in at once at a meeting (a few dozen) wait, they are not refused. A waiting
/// check holds only its request; what hashing holds stays `slots × 19 MiB`, and the wait is
/// bounded by [`WAIT`].
fn waiting_room() -> usize {
    16 * slots()
}

/// How long a check waits for a slot before it is refused as busy.
const WAIT: Duration = Duration::from_secs(3);

static GATE: LazyLock<tokio::sync::Semaphore> =
    LazyLock::new(|| tokio::sync::Semaphore::new(slots()));
static WAITING: AtomicUsize = AtomicUsize::new(0);

/// One waiting place, given back however the wait ends (a dropped request included).
struct Waiting;

impl Waiting {
    fn enter() -> Result<Waiting, Busy> {
        let before = WAITING.fetch_add(1, Ordering::AcqRel);
        if before >= waiting_room() {
            WAITING.fetch_sub(1, Ordering::AcqRel);
            return Err(Busy);
        }
        Ok(Waiting)
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        WAITING.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Checks a password against a stored hash on the blocking pool, at most `slots()` at once;
/// [`Busy`] when all slots are taken and the waiting room is full, or the wait is too long.
/// A request dropped meanwhile still holds its slot until its check ends.
pub async fn check(password: String, phc: String) -> Result<bool, Busy> {
    let permit = {
        let _waiting = Waiting::enter()?;
        tokio::time::timeout(WAIT, GATE.acquire())
            .await
            .map_err(|_| Busy)?
            .map_err(|_| Busy)?
    };
    let task = tokio::task::spawn_blocking(move || {
        let matched = verify(&password, &phc);
        drop(permit);
        matched
    });
    Ok(task.await.unwrap_or(false))
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
    use argon2::password_hash::{PasswordHasher, PasswordVerifier};

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
    fn hashes_agree_with_the_argon2_crate_both_ways() {
        // Ours verified by the crate.
        let ours = hash("correct horse").unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(Argon2::default()
            .verify_password(b"correct horse", &parsed)
            .is_ok());
        // The crate's (other parameters too) verified by ours.
        let salt = SaltString::generate(&mut OsRng);
        let theirs = Argon2::default()
            .hash_password(b"battery staple", &salt)
            .unwrap()
            .to_string();
        assert!(verify("battery staple", &theirs));
        let small = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(1024, 3, 2, None).unwrap(),
        )
        .hash_password(b"battery staple", &salt)
        .unwrap()
        .to_string();
        assert!(verify("battery staple", &small));
        assert!(!verify("battery stapler", &small));
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(check_strength("1234567").is_err());
        assert!(check_strength("12345678").is_ok());
    }
}
