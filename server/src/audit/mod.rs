//! The append-only, hash-chained event log. Every change to a record is an event; each event's
//! hash covers its content and the previous hash, so editing, deleting, reordering or inserting
//! a row breaks the chain. Appending happens inside the caller's transaction, so a change and
//! its event commit together or not at all.
//!
//! `verify.rs` recomputes the chain and names the first broken event; `checkpoint.rs` keeps
//! earlier heads in a text file beside the data, which is what catches a log that was edited
//! and then rehashed from scratch by someone with database access.

pub mod checkpoint;
pub mod content;
pub mod fanout;
pub mod verify;

pub use checkpoint::checkpoint;
pub use verify::{verify, verify_against, verify_with, Break, VerifyReport};

use crate::clock::now_ms;
use crate::db::WriteTx;
use crate::error::ApiError;
use chafang_domain::event::EventPayload;
use chafang_domain::UserId;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};
use std::fmt;
use std::str::FromStr;

/// The hash before the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// A point on the chain: the sequence number of an event and the chain hash up to and including
/// it; `0:` followed by the genesis hash before the first event. Written `<seq>:<64 hex digits>`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Head {
    pub seq: i64,
    /// Lowercase hex SHA-256.
    pub hash: String,
}

impl Head {
    /// The head of an empty log.
    pub fn genesis() -> Head {
        Head {
            seq: 0,
            hash: GENESIS.to_owned(),
        }
    }
}

impl fmt::Display for Head {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.seq, self.hash)
    }
}

/// Text that is not a head.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{input:?} is not a chain head (<seq>:<64 hex digits>): {reason}")]
pub struct HeadParseError {
    input: String,
    reason: &'static str,
}

impl FromStr for Head {
    type Err = HeadParseError;

    fn from_str(s: &str) -> Result<Head, HeadParseError> {
        let fail = |reason| HeadParseError {
            input: s.chars().take(100).collect(),
            reason,
        };
        let (seq, hash) = s
            .trim()
            .split_once(':')
            .ok_or_else(|| fail("there is no ':' between the sequence number and the hash"))?;
        if seq.is_empty() || !seq.bytes().all(|b| b.is_ascii_digit()) {
            return Err(fail("the sequence number is not a whole number"));
        }
        let seq = seq
            .parse()
            .map_err(|_| fail("the sequence number is too large"))?;
        if hash.len() != 64 {
            return Err(fail("the hash is not 64 characters long"));
        }
        if !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(fail("the hash has a character that is not a hex digit"));
        }
        Ok(Head {
            seq,
            hash: hash.to_ascii_lowercase(),
        })
    }
}

/// The chain's current head as the head row records it: what the office shows and what a
/// checkpoint anchors. `verify` checks it against the events.
pub async fn head(conn: &mut AnyConnection) -> Result<Head, sqlx::Error> {
    let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(&mut *conn)
        .await?;
    Ok(Head {
        seq: row.try_get("seq")?,
        hash: row.try_get("hash")?,
    })
}

/// What happened, by whom, to what.
pub struct Event {
    /// The acting account, or `None` for the system (CLI, demo loader).
    pub actor: Option<String>,
    /// The id of the record changed.
    pub subject: Option<String>,
    /// What happened and the change itself; the chain records the kind's name
    /// (`user.created`) and the payload as JSON.
    pub payload: EventPayload,
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

/// Appends an event in the given transaction, fans it out as `fanout::fanout` says (the inbox,
/// the webhook outbox), and returns its hash. Bumping the head row first makes concurrent
/// appenders wait for each other, so the chain never forks; the primary key on `seq` would
/// refuse a fork all the same.
pub async fn append(tx: &mut WriteTx, event: Event) -> Result<String, ApiError> {
    let conn: &mut AnyConnection = tx;
    let head = sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
        .fetch_one(&mut *conn)
        .await?;
    let seq: i64 = head.try_get("seq")?;
    let prev: String = head.try_get("hash")?;
    let at = now_ms();
    let kind = event.payload.kind();
    let out = fanout::fanout(kind);
    // The content the event leaves behind goes into it, and so into its hash.
    let mut payload = event.payload.to_json().map_err(crate::error::internal)?;
    if let (fanout::Chain::Content(record), Some(subject)) = (out.chain, event.subject.as_deref()) {
        let sha = content::sha256(conn, record, subject).await?;
        // Every payload is an object (a test in `domain::event` holds each kind to it).
        payload
            .as_object_mut()
            .ok_or_else(|| crate::error::internal(format!("{kind}'s payload is not an object")))?
            .insert("content_sha256".into(), sha.into());
    }
    let payload = payload.to_string();
    let hash = event_hash(
        seq,
        at,
        event.actor.as_deref(),
        kind.name(),
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
    .bind(kind.name())
    .bind(event.subject.as_deref())
    .bind(payload)
    .bind(prev)
    .bind(&hash)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(&hash)
        .execute(&mut *conn)
        .await?;
    // The one fan-out, in the same transaction.
    match out.inbox {
        fanout::Inbox::CaseStep(step) => {
            if let Some(case) = event.subject.as_deref().and_then(|s| s.parse().ok()) {
                crate::notifications::on_case_step(conn, case, step).await?;
            }
        }
        fanout::Inbox::Nobody | fanout::Inbox::ByCaller => {}
    }
    crate::notifications::webhooks::enqueue(
        conn,
        seq,
        at,
        kind,
        out.outward,
        event.subject.as_deref(),
    )
    .await?;
    Ok(hash)
}

/// Appends the event of a change to one record: what `payload` records (its kind with it)
/// happened to `subject`, done by `actor` (`None` for the system: the command line or the
/// demo loader).
pub async fn record(
    conn: &mut WriteTx,
    actor: Option<UserId>,
    subject: impl std::fmt::Display,
    payload: impl Into<EventPayload>,
) -> Result<String, ApiError> {
    let event = Event {
        actor: actor.map(|a| a.to_string()),
        subject: Some(subject.to_string()),
        payload: payload.into(),
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

    #[test]
    fn heads_round_trip_as_text_and_bad_text_says_why() {
        let head = Head {
            seq: 17,
            hash: "ab".repeat(32),
        };
        assert_eq!(head.to_string(), format!("17:{}", "ab".repeat(32)));
        assert_eq!(head.to_string().parse::<Head>(), Ok(head.clone()));
        assert_eq!(format!(" 17:{} ", "AB".repeat(32)).parse(), Ok(head));
        assert_eq!(
            Head::genesis().to_string().parse::<Head>(),
            Ok(Head::genesis())
        );
        for (bad, why) in [
            ("17", "no ':'"),
            ("-1:00", "whole number"),
            (":00", "whole number"),
            ("99999999999999999999:00", "too large"),
            ("17:abc", "64 characters"),
            (&format!("17:{}", "g".repeat(64)), "hex digit"),
        ] {
            let err = bad.parse::<Head>().unwrap_err().to_string();
            assert!(
                err.contains(why) && err.contains("<seq>:<64 hex digits>"),
                "{bad}: {err}"
            );
        }
    }
}
