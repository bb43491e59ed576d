//! Why a discovery request failed, and the one mapping of each failure to a wire error with a
//! message and a remediation a learner can act on.

use llm_agent_l10n::Text;
use llm_agent_protocol::methods::profiles::FieldError;
use llm_agent_protocol::{ErrorCode, WireError, value};

use crate::texts::{self, Explain, WireErrorTexts, messages};

/// Why a discovery request failed (a failed probe is a `ProbeError` in the sweep instead).
#[derive(Debug, Clone)]
pub enum DiscoveryError {
    Validation(Vec<FieldError>),
    Storage(String),
    Sweep(String),
    Unavailable,
}

impl Explain for DiscoveryError {
    fn message(&self) -> Text {
        match self {
            DiscoveryError::Validation(problems) => {
                messages::settings_need_attention(problems.len())
            }
            DiscoveryError::Storage(error) => messages::discovery_not_saved(error.as_str()),
            DiscoveryError::Sweep(error) => messages::discovery_sweep_failed(error.as_str()),
            DiscoveryError::Unavailable => messages::discovery_restarting(),
        }
    }
}

crate::explained_error!(DiscoveryError);

impl From<DiscoveryError> for WireError {
    fn from(err: DiscoveryError) -> Self {
        let message = err.message();
        match err {
            DiscoveryError::Validation(problems) => {
                let details = value::to_value(&problems).unwrap_or(rmpv::Value::Nil);
                texts::wire_error(ErrorCode::ValidationError, message)
                    .remediation(messages::fix_marked_settings())
                    .with_details(details)
            }
            DiscoveryError::Storage(_) => texts::wire_error(ErrorCode::StorageFailed, message)
                .remediation(messages::check_disk_space()),
            DiscoveryError::Sweep(_) => texts::wire_error(ErrorCode::Internal, message)
                .remediation(messages::retry_with_correlation_id()),
            DiscoveryError::Unavailable => texts::wire_error(ErrorCode::Busy, message)
                .remediation(messages::discovery_restarting_remedy()),
        }
    }
}
