//! Why a ledger request failed, and the one mapping of each failure to a wire error with
//! a message and a remediation a learner can act on.

use std::sync::Arc;

use llm_agent_protocol::methods::audit::MAX_AUDIT_LIMIT;
use llm_agent_protocol::{ErrorCode, WireError};

#[derive(Debug, Clone, thiserror::Error)]
pub enum AuditError {
    #[error("the audit ledger could not be written ({0}); nothing was changed")]
    Storage(#[source] Arc<std::io::Error>),
    #[error("the audit ledger is not running")]
    Unavailable,
    #[error("limit must be between 1 and {MAX_AUDIT_LIMIT}")]
    LimitOutOfRange,
}

impl From<AuditError> for WireError {
    fn from(err: AuditError) -> Self {
        let message = err.to_string();
        match err {
            AuditError::Storage(_) => WireError::new(ErrorCode::StorageFailed, message)
                .with_remediation(
                    "Check that the disk has free space and the data folder can be written, then try again.",
                ),
            AuditError::Unavailable => WireError::new(ErrorCode::Busy, message).with_remediation(
                "Restart the agent; if this persists, report it with the agent's log.",
            ),
            AuditError::LimitOutOfRange => WireError::invalid_params(Some("limit"), message),
        }
    }
}
