//! The append-only, hash-chained event log. Every change to a record is an event; each event's
//! hash covers its content and the previous hash, so editing, deleting, reordering or inserting
//! a row breaks the chain. Appending happens inside the caller's transaction, so a change and
//! its event commit together or not at all.

use crate::clock::now_ms;
use chafang_domain::UserId;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};

/// The hash before the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What happened, by whom, to what.
pub struct Event<'a> {
    /// The acting account, or `None` for the system (CLI, demo loader).
    pub actor: Option<String>,
    /// A dotted name such as `user.created`.
    pub kind: &'a str,
    /// The id of the record changed.
    pub subject: Option<String>,
    /// The change itself, as JSON.
    pub payload: serde_json::Value,
}

/// The hash of one event: SHA-256 over its fields, each length-prefixed so that no two
/// different events can serialise to the same bytes.
pub fn event_hash(
    seq: i64,
    at: i64,
    actor: Option<&str>,
    kind: &str,
    subject: Option<&str>,
    payload: &str,
    prev: &str,
) -> String {
    let mut h = Sha256::new();
    for field in [
        seq.to_string().as_str(),
        at.to_string().as_str(),
        actor.unwrap_or(""),
        kind,
        subject.unwrap_or(""),
        payload,
        prev,
    ] {
        h.update((field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Appends an event in the given transaction and returns its hash. Bumping the head row
/// first makes concurrent appenders wait for each other, so the chain never forks; the primary
/// key on `seq` would refuse a fork all the same.
pub async fn append(conn: &mut AnyConnection, event: Event<'_>) -> Result<String, sqlx::Error> {
    let head = sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
        .fetch_one(&mut *conn)
        .await?;
    let seq: i64 = head.try_get("seq")?;
    let prev: String = head.try_get("hash")?;
    let at = now_ms();
    let payload = event.payload.to_string();
    let hash = event_hash(
        seq,
        at,
        event.actor.as_deref(),
        event.kind,
        event.subject.as_deref(),
        &payload,
        &prev,
    );
    sqlx::query(
        "INSERT INTO audit_events (seq, at, actor, kind, subject, payload, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(seq)
    .bind(at)
    .bind(event.actor)
    .bind(event.kind)
    .bind(event.subject)
    .bind(payload)
    .bind(prev)
    .bind(&hash)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(&hash)
        .execute(&mut *conn)
        .await?;
    Ok(hash)
}

/// Appends the event of a change to one record: `kind` happened to `subject`, done by `actor`
/// (`None` for the system: the command line or the demo loader).
pub async fn record(
    conn: &mut AnyConnection,
    actor: Option<UserId>,
    kind: &str,
    subject: impl std::fmt::Display,
    payload: serde_json::Value,
) -> Result<String, sqlx::Error> {
    let event = Event {
        actor: actor.map(|a| a.to_string()),
        kind,
        subject: Some(subject.to_string()),
        payload,
    };
    append(conn, event).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_depends_on_every_field_and_on_field_boundaries() {
        let base = event_hash(1, 2, Some("a"), "k", Some("s"), "{}", GENESIS);
        assert_eq!(
            base,
            event_hash(1, 2, Some("a"), "k", Some("s"), "{}", GENESIS)
        );
        assert_ne!(
            base,
            event_hash(2, 2, Some("a"), "k", Some("s"), "{}", GENESIS)
        );
        assert_ne!(
            base,
            event_hash(1, 3, Some("a"), "k", Some("s"), "{}", GENESIS)
        );
        assert_ne!(base, event_hash(1, 2, None, "k", Some("s"), "{}", GENESIS));
        assert_ne!(
            base,
            event_hash(1, 2, Some("a"), "k", Some("s"), "{\"x\":1}", GENESIS)
        );
        assert_ne!(
            base,
            event_hash(1, 2, Some("a"), "k", Some("s"), "{}", &base)
        );
        // Moving a character from one field to the next must change the hash.
        assert_ne!(
            event_hash(1, 2, Some("ab"), "k", None, "{}", GENESIS),
            event_hash(1, 2, Some("a"), "bk", None, "{}", GENESIS)
        );
    }
}
