//! This year's quota as the phone shows it, offline: the visits pulled from the server plus
//! the outbox entries not yet among them (deduplicated by visit id, superseded revisions and
//! refused entries left out), counted by `chafang_domain::quota`. So a visit submitted
//! offline counts at once.

use crate::state::outbox::{EntryState, OutboxEntry};
use crate::state::store::{self, keys, StoreError};
use chafang_domain::api::{CampaignView, MonitorOverview, MyVisit};
use chafang_domain::quota::{day_cst, pace, progress, MonitorTeam, Pace, QuotaProgress, QuotaRule};
use chafang_domain::VisitId;
use std::collections::HashSet;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LocalQuota {
    pub progress: QuotaProgress,
    pub pace: Option<Pace>,
}

/// Reads what the phone holds and counts it.
pub async fn load() -> Result<LocalQuota, StoreError> {
    let campaign: Option<CampaignView> = store::pulled(keys::CAMPAIGN).await?;
    let overview: Option<MonitorOverview> = store::pulled(keys::OVERVIEW).await?;
    let mine: Vec<MyVisit> = store::pulled(keys::MY_VISITS).await?.unwrap_or_default();
    // Only the signed-in monitor's own submissions count for them.
    let me = crate::state::session::remembered().map(|m| m.id);
    let entries: Vec<OutboxEntry> = store::entries()
        .await?
        .into_iter()
        .filter(|e| Some(e.owner) == me)
        .collect();
    Ok(count(
        campaign.as_ref(),
        overview.as_ref(),
        &mine,
        &entries,
        crate::state::draft::now_ms(),
    ))
}

pub fn count(
    campaign: Option<&CampaignView>,
    overview: Option<&MonitorOverview>,
    mine: &[MyVisit],
    entries: &[OutboxEntry],
    now_ms: i64,
) -> LocalQuota {
    let today = day_cst(now_ms);
    let year = campaign.map_or(today.year(), |c| c.year);
    let rule = campaign.map_or(QuotaRule::default_for(MonitorTeam::District), |c| {
        c.district_quota
    });
    let live = |e: &&OutboxEntry| !matches!(e.state, EntryState::Rejected { .. });
    let superseded: HashSet<VisitId> = mine
        .iter()
        .filter_map(|v| v.supersedes)
        .chain(
            entries
                .iter()
                .filter(live)
                .filter_map(|e| e.upload.supersedes),
        )
        .collect();
    let mut seen = HashSet::new();
    let mut visits = Vec::new();
    for v in mine {
        if v.superseded_by.is_none() && !superseded.contains(&v.id) && seen.insert(v.id) {
            visits.push((v.mode, day_cst(v.started_at_device_ms)));
        }
    }
    for e in entries.iter().filter(live) {
        let u = &e.upload;
        if !superseded.contains(&u.id) && seen.insert(u.id) {
            visits.push((u.mode, day_cst(u.started_at_device_ms)));
        }
    }
    let mut p = progress(visits, year, rule);
    if let Some(o) = overview {
        // The server knows which team the monitor is on.
        p.required = o.quota.required;
    }
    LocalQuota {
        progress: p,
        pace: campaign.map(|c| pace(p, &c.stages, today)),
    }
}
