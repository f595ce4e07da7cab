//! Verifying the chain. The events are read in sequence order, a page at a time, and every hash
//! is recomputed from the stored fields and the previous recomputed hash; the first event that
//! does not fit is reported with what is wrong with it. A log that was edited and then rehashed
//! from scratch is consistent in itself: only an earlier head (`verify_against`, or the lines of
//! the checkpoint file) shows that it is no longer the log it was.

use super::{event_hash, Head};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use std::fmt;

/// Events read per query: large enough that a district's log takes few round trips, small
/// enough that no long read holds the whole log in memory.
const PAGE: i64 = 1000;

/// The first thing wrong with the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Break {
    /// An event numbered below 1: the log starts at event 1.
    Misnumbered { seq: i64 },
    /// Events `seq` up to `next - 1` are missing: the event after `seq - 1` is `next`
    /// (deleted rows, or a log that does not start at 1).
    Missing { seq: i64, next: i64 },
    /// The event's `prev_hash` is not the previous event's hash: something was reordered,
    /// inserted or deleted before it.
    Unlinked {
        seq: i64,
        stored_prev: String,
        expected_prev: String,
    },
    /// The event's stored hash is not the hash of its stored fields: it was edited.
    Altered {
        seq: i64,
        stored: String,
        recomputed: String,
    },
    /// The head row names events after the last one: the tail was deleted.
    TailMissing { head: Head, last: i64 },
    /// Events follow the event the head row names: the head was set back, or they were forged.
    PastHead { head: Head, last: i64 },
    /// The head row's hash is not the chain's hash at its event: the head was rewritten.
    HeadMismatch { head: Head, recomputed: String },
    /// The head row itself is gone.
    NoHead,
    /// An earlier head that today's log does not extend: the log was changed at or before its
    /// event and rehashed. `since` is the latest earlier head that still holds, if any.
    NotPrefix {
        anchor: Head,
        today: String,
        since: Option<Head>,
    },
    /// An earlier head past the end of today's log (which ends at `last`): its tail was
    /// deleted and the head row set back to match.
    AnchorPastEnd {
        anchor: Head,
        last: i64,
        since: Option<Head>,
    },
}

impl Break {
    /// The first event that is broken, missing or unexpected; `None` when the head row is gone.
    pub fn seq(&self) -> Option<i64> {
        match self {
            Break::Misnumbered { seq }
            | Break::Missing { seq, .. }
            | Break::Unlinked { seq, .. }
            | Break::Altered { seq, .. } => Some(*seq),
            Break::TailMissing { last, .. } => Some(last + 1),
            Break::PastHead { head, .. } => Some(head.seq + 1),
            Break::HeadMismatch { head, .. } => Some(head.seq),
            Break::NoHead => None,
            Break::NotPrefix { anchor, .. } | Break::AnchorPastEnd { anchor, .. } => {
                Some(anchor.seq)
            }
        }
    }
}

/// "events 4–6 are" or "event 4 is".
fn events_are(from: i64, to: i64) -> String {
    if from >= to {
        format!("event {from} is")
    } else {
        format!("events {from}–{to} are")
    }
}

fn since(since: &Option<Head>) -> String {
    match since {
        Some(held) => format!(
            " (and after event {}: the earlier head {held} holds)",
            held.seq
        ),
        None => String::new(),
    }
}

impl fmt::Display for Break {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Break::Misnumbered { seq } => {
                write!(
                    f,
                    "event {seq} is out of sequence: the log starts at event 1"
                )
            }
            Break::Missing { seq, next } if *seq == 1 => write!(
                f,
                "{} missing: the log starts at event {next}",
                events_are(1, next - 1)
            ),
            Break::Missing { seq, next } => write!(
                f,
                "{} missing: event {} is followed by event {next}",
                events_are(*seq, next - 1),
                seq - 1
            ),
            Break::Unlinked {
                seq,
                stored_prev,
                expected_prev,
            } if *seq == 1 => write!(
                f,
                "event 1 does not start the chain: its previous hash is {stored_prev}, not \
                 {expected_prev}"
            ),
            Break::Unlinked {
                seq,
                stored_prev,
                expected_prev,
            } => write!(
                f,
                "event {seq} does not follow event {} (reordered, inserted or deleted before \
                 it): its previous hash is {stored_prev}, event {}'s hash is {expected_prev}",
                seq - 1,
                seq - 1
            ),
            Break::Altered {
                seq,
                stored,
                recomputed,
            } => write!(
                f,
                "event {seq} was altered: stored hash {stored}, recomputed {recomputed}"
            ),
            Break::TailMissing { head, last } => write!(
                f,
                "{} missing: the head row is {head} but the log ends at event {last}",
                events_are(last + 1, head.seq)
            ),
            Break::PastHead { head, last } => write!(
                f,
                "{} past the head row {head}: the head was set back or the events forged",
                events_are(head.seq + 1, *last)
            ),
            Break::HeadMismatch { head, recomputed } => write!(
                f,
                "the head row {head} was rewritten: event {}'s chain hash is {recomputed}",
                head.seq
            ),
            Break::NoHead => write!(f, "the head row (audit_head) is missing"),
            Break::NotPrefix {
                anchor,
                today,
                since: held,
            } => write!(
                f,
                "event {} no longer matches the earlier head {anchor}: today's chain hash there \
                 is {today}, so the log was changed at or before event {} and rehashed{}",
                anchor.seq,
                anchor.seq,
                since(held)
            ),
            Break::AnchorPastEnd {
                anchor,
                last,
                since: held,
            } => write!(
                f,
                "{} missing: the earlier head {anchor} is past the end of the log at event \
                 {last}{}",
                events_are(last + 1, anchor.seq),
                since(held)
            ),
        }
    }
}

/// What a verification found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyReport {
    /// Events that verified: all of them when the chain is intact, else those before the break.
    pub events: u64,
    /// The recomputed head after those events (the head row's value when intact).
    pub head: Head,
    /// Earlier heads that proved to be prefixes of today's log.
    pub anchors: usize,
    /// The first thing wrong, if anything is.
    pub broken: Option<Break>,
}

impl VerifyReport {
    pub fn is_intact(&self) -> bool {
        self.broken.is_none()
    }
}

/// Recomputes the whole chain and checks the head row against it.
pub async fn verify(conn: &mut AnyConnection) -> Result<VerifyReport, sqlx::Error> {
    verify_with(conn, &[]).await
}

/// Verifies the chain as [`verify`] does and proves that an earlier head is a prefix of today's
/// log: its event exists and today's recomputed chain hash there equals the anchored hash.
pub async fn verify_against(
    conn: &mut AnyConnection,
    anchor: &Head,
) -> Result<VerifyReport, sqlx::Error> {
    verify_with(conn, std::slice::from_ref(anchor)).await
}

/// Verifies the chain and every earlier head in `anchors` in one pass over the events.
///
/// The log may grow while it is read: events are walked to the end first, the head row is read
/// after that, and the walk resumes up to the head when the head has moved on. An appender
/// writes its event and the head in one transaction, so an untouched log never shows a head
/// behind its last event, nor one that the events cannot reach.
pub async fn verify_with(
    conn: &mut AnyConnection,
    anchors: &[Head],
) -> Result<VerifyReport, sqlx::Error> {
    let mut anchors = anchors.to_vec();
    anchors.sort_by_key(|a| a.seq);
    let mut walk = Walk {
        anchors: &anchors,
        next_anchor: 0,
        held: None,
        held_count: 0,
        after: i64::MIN,
        events: 0,
        head: Head::genesis(),
    };
    let broken = match walk.check_anchors() {
        Some(b) => Some(b),
        None => walk.run(conn, i64::MAX).await?,
    };
    let broken = match broken {
        Some(b) => Some(b),
        None => walk.check_head(conn).await?,
    };
    let broken = broken.or_else(|| {
        anchors
            .get(walk.next_anchor)
            .map(|anchor| Break::AnchorPastEnd {
                anchor: anchor.clone(),
                last: walk.head.seq,
                since: walk.held.clone(),
            })
    });
    Ok(VerifyReport {
        events: walk.events,
        head: walk.head,
        anchors: walk.held_count,
        broken,
    })
}

/// A walk along the chain.
struct Walk<'a> {
    /// Earlier heads, by sequence number.
    anchors: &'a [Head],
    /// The first anchor not yet reached.
    next_anchor: usize,
    /// The latest anchor that held.
    held: Option<Head>,
    held_count: usize,
    /// The sequence number of the last row read.
    after: i64,
    events: u64,
    /// The recomputed head so far.
    head: Head,
}

impl Walk<'_> {
    /// Reads and checks events numbered up to `upto`, until the first break or the end.
    async fn run(
        &mut self,
        conn: &mut AnyConnection,
        upto: i64,
    ) -> Result<Option<Break>, sqlx::Error> {
        loop {
            let rows = sqlx::query(
                "SELECT seq, at, actor, kind, subject, payload, prev_hash, hash FROM audit_events \
                 WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3",
            )
            .bind(self.after)
            .bind(upto)
            .bind(PAGE)
            .fetch_all(&mut *conn)
            .await?;
            for row in &rows {
                if let Some(broken) = self.step(row)? {
                    return Ok(Some(broken));
                }
            }
            if (rows.len() as i64) < PAGE {
                return Ok(None);
            }
        }
    }

    /// Checks one event against the chain so far and moves past it.
    fn step(&mut self, row: &AnyRow) -> Result<Option<Break>, sqlx::Error> {
        let seq: i64 = row.try_get("seq")?;
        self.after = seq;
        let expected = self.head.seq + 1;
        if seq < expected {
            return Ok(Some(Break::Misnumbered { seq }));
        }
        if seq > expected {
            return Ok(Some(Break::Missing {
                seq: expected,
                next: seq,
            }));
        }
        let stored_prev: String = row.try_get("prev_hash")?;
        if stored_prev != self.head.hash {
            return Ok(Some(Break::Unlinked {
                seq,
                stored_prev,
                expected_prev: self.head.hash.clone(),
            }));
        }
        let actor: Option<String> = row.try_get("actor")?;
        let subject: Option<String> = row.try_get("subject")?;
        let kind: String = row.try_get("kind")?;
        let payload: String = row.try_get("payload")?;
        let recomputed = event_hash(
            seq,
            row.try_get("at")?,
            actor.as_deref(),
            &kind,
            subject.as_deref(),
            &payload,
            &self.head.hash,
        );
        let stored: String = row.try_get("hash")?;
        if stored != recomputed {
            return Ok(Some(Break::Altered {
                seq,
                stored,
                recomputed,
            }));
        }
        self.head = Head {
            seq,
            hash: recomputed,
        };
        self.events += 1;
        Ok(self.check_anchors())
    }

    /// Checks the anchors the walk has reached.
    fn check_anchors(&mut self) -> Option<Break> {
        while let Some(anchor) = self.anchors.get(self.next_anchor) {
            if anchor.seq > self.head.seq {
                return None;
            }
            // Anchors are checked as the walk reaches them, so one behind it can only be a
            // negative number that no event carries.
            if anchor.seq < self.head.seq {
                return Some(Break::AnchorPastEnd {
                    anchor: anchor.clone(),
                    last: self.head.seq,
                    since: self.held.clone(),
                });
            }
            if anchor.hash != self.head.hash {
                return Some(Break::NotPrefix {
                    anchor: anchor.clone(),
                    today: self.head.hash.clone(),
                    since: self.held.clone(),
                });
            }
            self.held = Some(anchor.clone());
            self.held_count += 1;
            self.next_anchor += 1;
        }
        None
    }

    /// Compares the head row with the end of the walk, walking on to the head if it moved.
    async fn check_head(&mut self, conn: &mut AnyConnection) -> Result<Option<Break>, sqlx::Error> {
        let Some(row) = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_optional(&mut *conn)
            .await?
        else {
            return Ok(Some(Break::NoHead));
        };
        let head = Head {
            seq: row.try_get("seq")?,
            hash: row.try_get("hash")?,
        };
        if head.seq < self.head.seq {
            return Ok(Some(Break::PastHead {
                head,
                last: self.head.seq,
            }));
        }
        if head.seq > self.head.seq {
            // Events appended since the walk ended are committed with this head: read them.
            if let Some(broken) = self.run(conn, head.seq).await? {
                return Ok(Some(broken));
            }
            if self.head.seq < head.seq {
                return Ok(Some(Break::TailMissing {
                    last: self.head.seq,
                    head,
                }));
            }
        }
        if head.hash != self.head.hash {
            return Ok(Some(Break::HeadMismatch {
                recomputed: self.head.hash.clone(),
                head,
            }));
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::GENESIS;

    #[test]
    fn breaks_name_their_event() {
        let head = Head {
            seq: 9,
            hash: GENESIS.to_owned(),
        };
        let missing = Break::Missing { seq: 4, next: 7 };
        assert_eq!(missing.seq(), Some(4));
        assert!(missing
            .to_string()
            .starts_with("events 4–6 are missing: event 3 is followed by event 7"));
        let tail = Break::TailMissing {
            head: head.clone(),
            last: 8,
        };
        assert_eq!(tail.seq(), Some(9));
        assert!(tail.to_string().starts_with("event 9 is missing"), "{tail}");
        let altered = Break::Altered {
            seq: 17,
            stored: "a".into(),
            recomputed: "b".into(),
        };
        assert_eq!(
            altered.to_string(),
            "event 17 was altered: stored hash a, recomputed b"
        );
        let rehashed = Break::NotPrefix {
            anchor: head,
            today: "c".into(),
            since: None,
        };
        assert_eq!(rehashed.seq(), Some(9));
    }
}
