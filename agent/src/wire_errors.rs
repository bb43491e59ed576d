//! The one mapping from the agent's domain errors to wire errors: each domain error
//! becomes exactly one `ErrorCode`, with a message and a remediation a learner can act on.

use llm_agent_protocol::{ErrorCode, WireError, value};

use crate::actors::diagnostics::DiagnosticsError;
use crate::actors::vault::VaultError;
use crate::vault::safe_storage::SafeStorageError;

impl From<DiagnosticsError> for WireError {
    fn from(err: DiagnosticsError) -> Self {
        match err {
            DiagnosticsError::Unavailable => WireError::new(ErrorCode::Busy, err.to_string())
                .with_remediation(
                    "Retry in a moment; the agent restarts its diagnostics service by itself.",
                ),
        }
    }
}

impl From<VaultError> for WireError {
    fn from(err: VaultError) -> Self {
        let message = err.to_string();
        match err {
            VaultError::NotFound { .. } => WireError::new(ErrorCode::ProfileNotFound, message)
                .with_remediation("List the profiles to get current ids; it may have been deleted."),
            VaultError::Validation(problems) => {
                let details = value::to_value(&problems).unwrap_or(rmpv::Value::Nil);
                WireError::new(ErrorCode::ValidationError, message)
                    .with_remediation("Fix each field listed in details, then try again.")
                    .with_details(details)
            }
            VaultError::NameConflict { conflicting_id, .. } => {
                let details = rmpv::Value::Map(vec![
                    ("field".into(), "name".into()),
                    ("conflicting_id".into(), conflicting_id.to_string().into()),
                ]);
                WireError::new(ErrorCode::NameConflict, message)
                    .with_remediation("Choose another name; names are compared regardless of case.")
                    .with_details(details)
            }
            VaultError::SuccessorRequired { .. } => WireError::new(ErrorCode::SuccessorRequired, message)
                .with_remediation("Send successor_id: the profile that becomes active instead."),
            VaultError::SuccessorNotFound { .. } => WireError::new(ErrorCode::SuccessorNotFound, message)
                .with_remediation("Choose another existing profile as the successor."),
            VaultError::ConsentRequired { .. } => WireError::new(ErrorCode::ConsentRequired, message)
                .with_remediation("Ask the learner to agree to send prompts to this server, then send consent_granted_at with the time they agreed."),
            VaultError::SafeStorage(err) => {
                let remediation = err.remediation();
                let code = match err {
                    SafeStorageError::Unavailable { .. } => ErrorCode::SafeStorageUnavailable,
                    SafeStorageError::KeyMissing { .. } => ErrorCode::SafeStorageKeyMissing,
                };
                WireError::new(code, message).with_remediation(remediation)
            }
            VaultError::ReadOnly { .. } => WireError::new(ErrorCode::StoreReadOnly, message)
                .with_remediation("See agent.status for the file's problem; profiles can still be read."),
            VaultError::Storage(_) => WireError::new(ErrorCode::StorageFailed, message)
                .with_remediation("Check free disk space and the data directory's permissions, then retry."),
            VaultError::Unavailable => WireError::new(ErrorCode::Busy, message)
                .with_remediation("Retry in a moment; the agent restarts its vault by itself."),
        }
    }
}
