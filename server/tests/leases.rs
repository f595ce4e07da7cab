//! Leases (`chafang_server::lease`): of several holders racing for one lease exactly one wins;
//! a holder that stops renewing (as a SIGKILLed process does) keeps it only until it expires,
//! and then another takes it over; a due lease lets one holder run a job once a period.

mod common;

use chafang_server::lease::{self, Lease};
use common::{engines, fresh_db};
use std::time::Duration;

const TTL: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_holders_racing_exactly_one_holds_and_an_expired_lease_changes_hands() {
    for engine in engines() {
        let (db, _dir, _) = fresh_db(engine).await;
        let holders: Vec<Lease> = (0..8)
            .map(|_| Lease::new(db.clone(), lease::new_holder()))
            .collect();
        let now = 1_000_000;
        // Eight holders race for a free lease, each from its own task: one wins.
        let tasks: Vec<_> = holders
            .iter()
            .cloned()
            .map(|h| tokio::spawn(async move { h.hold_at("job", TTL, now).await.unwrap() }))
            .collect();
        let mut won = Vec::new();
        for (i, t) in tasks.into_iter().enumerate() {
            if t.await.unwrap() {
                won.push(i);
            }
        }
        assert_eq!(won.len(), 1, "{engine:?}: winners {won:?}");
        let winner = &holders[won[0]];
        let held = lease::held(&db, "job").await.unwrap().unwrap();
        assert_eq!(held.holder, winner.holder(), "{engine:?}");
        assert_eq!(held.handovers, 0, "{engine:?}");

        // The holder renews; nobody else takes it while it is unexpired.
        assert!(winner.hold_at("job", TTL, now + 10_000).await.unwrap());
        for (i, h) in holders.iter().enumerate() {
            if i != won[0] {
                assert!(
                    !h.hold_at("job", TTL, now + 39_000).await.unwrap(),
                    "{engine:?}"
                );
            }
        }
        // The holder dies (stops renewing): once the lease expires, of the racing others
        // exactly one takes it over.
        let later = now + 10_000 + 30_000;
        let tasks: Vec<_> = holders
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != won[0])
            .map(|(i, h)| {
                let h = h.clone();
                tokio::spawn(async move { (i, h.hold_at("job", TTL, later).await.unwrap()) })
            })
            .collect();
        let mut next = Vec::new();
        for t in tasks {
            let (i, took) = t.await.unwrap();
            if took {
                next.push(i);
            }
        }
        assert_eq!(next.len(), 1, "{engine:?}: takers {next:?}");
        let held = lease::held(&db, "job").await.unwrap().unwrap();
        assert_eq!(held.holder, holders[next[0]].holder(), "{engine:?}");
        assert_eq!(held.handovers, 1, "{engine:?}: it changed hands once");
        assert_eq!(held.expires_at, later + 30_000, "{engine:?}");
        // The old holder, back, does not get it while the new one holds it.
        assert!(!winner.hold_at("job", TTL, later + 1).await.unwrap());

        // A clean stop releases: another holder takes it at once.
        holders[next[0]].release_all().await.unwrap();
        assert!(winner.hold_at("job", TTL, later + 2).await.unwrap());
        assert_eq!(
            lease::held(&db, "job").await.unwrap().unwrap().handovers,
            2,
            "{engine:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_due_lease_runs_a_job_once_a_period_whoever_looks() {
    for engine in engines() {
        let (db, _dir, _) = fresh_db(engine).await;
        let a = Lease::new(db.clone(), lease::new_holder());
        let b = Lease::new(db.clone(), lease::new_holder());
        let hour = Duration::from_secs(3600);
        let start = 5_000_000;
        let mut runs = 0;
        // Both look every minute for three hours: the job runs three times in all.
        for minute in 0..180 {
            let now = start + minute * 60_000;
            for h in [&a, &b] {
                if h.due_at("scan", hour, now).await.unwrap() {
                    runs += 1;
                }
            }
        }
        assert_eq!(runs, 3, "{engine:?}");
        // Even its holder does not run it again before the period ends.
        let held = lease::held(&db, "scan").await.unwrap().unwrap();
        let holder = if held.holder == a.holder() { &a } else { &b };
        assert!(!holder
            .due_at("scan", hour, held.expires_at - 1)
            .await
            .unwrap());
    }
}
