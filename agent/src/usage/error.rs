//! Why a usage request failed, or a call was refused for its spending, and the one
//! mapping of each reason to a wire error.

use llm_agent_protocol::methods::usage::{MAX_DAILY_CAP_USD, MAX_SUMMARY_DAYS};
use llm_agent_protocol::{ErrorCode, WireError};

#[derive(Debug, Clone, thiserror::Error)]
pub enum UsageError {
    #[error("{field} must be a day as YYYY-MM-DD")]
    BadDay { field: &'static str },
    #[error("`from` is after `to`")]
    RangeReversed,
    #[error("the range covers more than {MAX_SUMMARY_DAYS} days")]
    RangeTooLong,
    #[error("daily_cap_usd must be more than 0 and at most {MAX_DAILY_CAP_USD}")]
    CapOutOfRange,
    #[error(
        "the profile's daily spending cap of ${daily_cap_usd:.2} is reached: ${spent_usd:.4} spent today ({day}, UTC)"
    )]
    CapReached {
        profile_id: String,
        day: String,
        daily_cap_usd: f64,
        spent_usd: f64,
    },
    #[error("the spending totals could not be written: {reason}")]
    StorageFailed { reason: String },
}

impl From<UsageError> for WireError {
    fn from(err: UsageError) -> Self {
        let message = err.to_string();
        match err {
            UsageError::BadDay { field } => WireError::invalid_params(Some(field), message)
                .with_remediation("Send a UTC date such as 2026-01-31, or leave it out."),
            UsageError::RangeReversed => WireError::invalid_params(Some("from"), message)
                .with_remediation("Send the earlier day as `from`."),
            UsageError::RangeTooLong => WireError::invalid_params(Some("from"), message)
                .with_remediation("Ask for a year at most, in several requests if needed."),
            UsageError::CapOutOfRange => {
                WireError::invalid_params(Some("daily_cap_usd"), message)
                    .with_remediation("Send an amount in USD, or nil to remove the cap.")
            }
            UsageError::CapReached {
                profile_id,
                day,
                daily_cap_usd,
                spent_usd,
            } => WireError::new(ErrorCode::SpendingCapReached, message)
                .with_remediation(
                    "Calls to this profile work again tomorrow (UTC); raise or remove its cap with usage.set_cap to go on today.",
                )
                .with_details(rmpv::Value::Map(vec![
                    ("profile_id".into(), profile_id.into()),
                    ("daily_cap_usd".into(), daily_cap_usd.into()),
                    ("spent_usd".into(), spent_usd.into()),
                    ("day".into(), day.into()),
                ])),
            UsageError::StorageFailed { .. } => WireError::new(ErrorCode::StorageFailed, message)
                .with_remediation("Check the data directory's free space and permissions, then try again."),
        }
    }
}
