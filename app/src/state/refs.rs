//! The reference data the phone keeps offline, as the pages read it.

use crate::state::draft::KeptCommitment;
use crate::state::store::{self, keys};
use chafang_domain::api::{CampaignView, UnitView};

/// The reference data a visit needs: the unit directory, the campaign and the commitments
/// in force.
#[derive(Clone, Default)]
pub struct Refs {
    pub units: Vec<UnitView>,
    pub campaign: Option<CampaignView>,
    pub commitments: Vec<KeptCommitment>,
}

pub async fn refs() -> Refs {
    Refs {
        units: store::pulled(keys::UNITS)
            .await
            .ok()
            .flatten()
            .unwrap_or_default(),
        campaign: store::pulled(keys::CAMPAIGN).await.ok().flatten(),
        commitments: store::pulled(keys::COMMITMENTS)
            .await
            .ok()
            .flatten()
            .unwrap_or_default(),
    }
}
