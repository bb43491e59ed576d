//! Why a usage request failed, or a call was refused for its spending, and the one
//! mapping of each reason to a wire error.

use llm_agent_l10n::Text;
use llm_agent_protocol::methods::usage::{MAX_DAILY_CAP_USD, MAX_SUMMARY_DAYS};
use llm_agent_protocol::{ErrorCode, WireError};

use crate::texts::{self, Explain, WireErrorTexts, messages};

#[derive(Debug, Clone)]
pub enum UsageError {
    BadDay {
        field: &'static str,
    },
    RangeReversed,
    RangeTooLong,
    CapOutOfRange,
    CapReached {
        profile_id: String,
        day: String,
        daily_cap_usd: f64,
        spent_usd: f64,
    },
    StorageFailed {
        reason: String,
    },
}

impl Explain for UsageError {
    fn message(&self) -> Text {
        match self {
            UsageError::BadDay { field } => messages::usage_bad_day(*field),
            UsageError::RangeReversed => messages::usage_range_reversed(),
            UsageError::RangeTooLong => messages::usage_range_too_long(MAX_SUMMARY_DAYS),
            UsageError::CapOutOfRange => messages::usage_cap_out_of_range(MAX_DAILY_CAP_USD),
            UsageError::CapReached {
                day,
                daily_cap_usd,
                spent_usd,
                ..
            } => messages::usage_cap_reached(*daily_cap_usd, *spent_usd, day.as_str()),
            UsageError::StorageFailed { reason } => messages::usage_not_written(reason.as_str()),
        }
    }
}

crate::explained_error!(UsageError);

impl From<UsageError> for WireError {
    fn from(err: UsageError) -> Self {
        let message = err.message();
        match err {
            UsageError::BadDay { field } => texts::invalid_params(Some(field), message)
                .remediation(messages::usage_bad_day_remedy()),
            UsageError::RangeReversed => texts::invalid_params(Some("from"), message)
                .remediation(messages::usage_range_reversed_remedy()),
            UsageError::RangeTooLong => texts::invalid_params(Some("from"), message)
                .remediation(messages::usage_range_too_long_remedy()),
            UsageError::CapOutOfRange => texts::invalid_params(Some("daily_cap_usd"), message)
                .remediation(messages::usage_cap_out_of_range_remedy()),
            UsageError::CapReached {
                profile_id,
                day,
                daily_cap_usd,
                spent_usd,
            } => texts::wire_error(ErrorCode::SpendingCapReached, message)
                .remediation(messages::usage_cap_reached_remedy())
                .with_details(rmpv::Value::Map(vec![
                    ("profile_id".into(), profile_id.into()),
                    ("daily_cap_usd".into(), daily_cap_usd.into()),
                    ("spent_usd".into(), spent_usd.into()),
                    ("day".into(), day.into()),
                ])),
            UsageError::StorageFailed { .. } => {
                texts::wire_error(ErrorCode::StorageFailed, message)
                    .remediation(messages::check_disk_space())
            }
        }
    }
}
