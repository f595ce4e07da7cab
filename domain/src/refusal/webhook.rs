//! Why a webhook was refused.

use crate::api::ErrorCode;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "reason", content = "detail", rename_all = "snake_case")]
pub enum WebhookRefusal {
    #[error("the URL is not a URL")]
    NotUrl,
    #[error("the URL must be http or https with a host")]
    NotHttp,
    /// The URL points inside the network (loopback, private or link-local addresses); the
    /// operator can allow a host with `--webhook-allow-hosts`.
    #[error("the URL points inside the network")]
    Inward,
    #[error("the URL's host name does not resolve")]
    Unresolvable,
    /// The secret has `min` to `max` characters.
    #[error("the secret must have {min} to {max} characters")]
    SecretLength { min: usize, max: usize },
}

impl WebhookRefusal {
    pub fn code(&self) -> ErrorCode {
        ErrorCode::Unprocessable
    }
}
