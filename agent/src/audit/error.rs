//! Why a ledger request failed, and the one mapping of each failure to a wire error with
//! a message and a remediation a learner can act on.

use std::sync::Arc;

use llm_agent_l10n::Text;
use llm_agent_protocol::methods::audit::MAX_AUDIT_LIMIT;
use llm_agent_protocol::{ErrorCode, WireError};

use crate::texts::{self, Explain, WireErrorTexts, messages};

#[derive(Debug, Clone)]
pub enum AuditError {
    Storage(Arc<std::io::Error>),
    Unavailable,
    LimitOutOfRange,
}

impl Explain for AuditError {
    fn message(&self) -> Text {
        match self {
            AuditError::Storage(err) => messages::audit_not_written(err.to_string()),
            AuditError::Unavailable => messages::audit_not_running(),
            AuditError::LimitOutOfRange => messages::limit_out_of_range(MAX_AUDIT_LIMIT),
        }
    }
}

crate::explained_error!(AuditError);

impl From<AuditError> for WireError {
    fn from(err: AuditError) -> Self {
        let message = err.message();
        match err {
            AuditError::Storage(_) => texts::wire_error(ErrorCode::StorageFailed, message)
                .remediation(messages::check_disk_space()),
            AuditError::Unavailable => texts::wire_error(ErrorCode::Busy, message)
                .remediation(messages::audit_not_running_remedy()),
            AuditError::LimitOutOfRange => texts::invalid_params(Some("limit"), message),
        }
    }
}
