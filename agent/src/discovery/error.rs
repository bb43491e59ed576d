//! Why a discovery request failed, and the one mapping of each failure to a wire error with a
//! message and a remediation a learner can act on.

use llm_agent_protocol::methods::profiles::FieldError;
use llm_agent_protocol::{ErrorCode, WireError, value};

/// Why a discovery request failed (a failed probe is a `ProbeError` in the sweep instead).
#[derive(Debug, Clone, thiserror::Error)]
pub enum DiscoveryError {
    #[error("{} setting(s) need attention", .0.len())]
    Validation(Vec<FieldError>),
    #[error("the discovery settings could not be saved ({0}); nothing was changed")]
    Storage(String),
    #[error("the sweep could not run: {0}")]
    Sweep(String),
    #[error("discovery is restarting; try again in a moment")]
    Unavailable,
}

impl From<DiscoveryError> for WireError {
    fn from(err: DiscoveryError) -> Self {
        let message = err.to_string();
        match err {
            DiscoveryError::Validation(problems) => {
                let details = value::to_value(&problems).unwrap_or(rmpv::Value::Nil);
                WireError::new(ErrorCode::ValidationError, message)
                    .with_remediation("Correct the settings marked, then save again.")
                    .with_details(details)
            }
            DiscoveryError::Storage(_) => WireError::new(ErrorCode::StorageFailed, message)
                .with_remediation("Check that the disk has free space and the data folder can be written, then try again."),
            DiscoveryError::Sweep(_) => WireError::new(ErrorCode::Internal, message)
                .with_remediation("Retry; if it persists, report it with the correlation ID."),
            DiscoveryError::Unavailable => WireError::new(ErrorCode::Busy, message)
                .with_remediation("Retry in a moment; the agent restarts discovery by itself."),
        }
    }
}
