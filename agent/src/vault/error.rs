//! Why a vault operation failed, and the one mapping of each failure to a wire error
//! with a message and a remediation a learner can act on.

use std::sync::Arc;

use llm_agent_protocol::methods::profiles::FieldError;
use llm_agent_protocol::{ErrorCode, WireError, value};
use uuid::Uuid;

use llm_agent_l10n::{MessageArg, Text};

use super::safe_storage::SafeStorageError;
use crate::audit::AuditError;
use crate::texts::{self, Explain, WireErrorTexts, messages};

/// Why a vault operation failed. Each maps to one wire error code (below).
#[derive(Debug, Clone)]
pub enum VaultError {
    NotFound {
        id: String,
    },
    Validation(Vec<FieldError>),
    NameConflict {
        existing: String,
        conflicting_id: Uuid,
    },
    SuccessorRequired {
        id: Uuid,
    },
    SuccessorNotFound {
        successor_id: String,
    },
    ConsentRequired {
        endpoint: String,
    },
    ConsentWithdrawn {
        endpoint: String,
        withdrawn_at: String,
    },
    SafeStorage(SafeStorageError),
    ReadOnly {
        problem: Text,
    },
    Storage(Arc<std::io::Error>),
    /// The change's audit entries could not be recorded, so it was not made.
    Audit(AuditError),
    Unavailable,
    TimedOut,
    TooManyProfiles {
        max: usize,
    },
}

impl Explain for VaultError {
    fn message(&self) -> Text {
        match self {
            VaultError::NotFound { id } => messages::vault_not_found(shown_id(id)),
            VaultError::Validation(problems) => messages::fields_need_attention(problems.len()),
            VaultError::NameConflict { existing, .. } => {
                messages::vault_name_conflict(existing.as_str())
            }
            VaultError::SuccessorRequired { id } => {
                messages::vault_successor_required(id.to_string())
            }
            VaultError::SuccessorNotFound { successor_id } => {
                messages::vault_successor_not_found(shown_id(successor_id))
            }
            VaultError::ConsentRequired { endpoint } => {
                messages::vault_consent_required(endpoint.as_str())
            }
            VaultError::ConsentWithdrawn {
                endpoint,
                withdrawn_at,
            } => messages::vault_consent_withdrawn(endpoint.as_str(), withdrawn_at.as_str()),
            VaultError::SafeStorage(err) => err.message(),
            // The problem says that profiles cannot be changed, and why.
            VaultError::ReadOnly { problem } => problem.clone(),
            VaultError::Storage(err) => messages::vault_not_written(err.to_string()),
            VaultError::Audit(err) => err.message(),
            VaultError::Unavailable => messages::vault_restarting(),
            VaultError::TimedOut => messages::vault_outcome_unknown(),
            VaultError::TooManyProfiles { max } => messages::vault_too_many_profiles(*max),
        }
    }
}

crate::explained_error!(VaultError {
    SafeStorage(SafeStorageError),
    Audit(AuditError),
});

/// An id as an error may show it: only a well-formed UUID is repeated, since the text
/// could be anything the client sent, a key pasted in the wrong field included.
fn shown_id(text: &str) -> MessageArg {
    match Uuid::parse_str(text) {
        Ok(id) => id.to_string().into(),
        Err(_) => "-".into(),
    }
}

impl From<VaultError> for WireError {
    fn from(err: VaultError) -> Self {
        let message = err.message();
        match err {
            VaultError::NotFound { .. } => texts::wire_error(ErrorCode::ProfileNotFound, message)
                .remediation(messages::vault_not_found_remedy()),
            VaultError::Validation(problems) => {
                let details = value::to_value(&problems).unwrap_or(rmpv::Value::Nil);
                texts::wire_error(ErrorCode::ValidationError, message)
                    .remediation(messages::fix_marked_fields())
                    .with_details(details)
            }
            VaultError::NameConflict { conflicting_id, .. } => {
                let details = rmpv::Value::Map(vec![
                    ("field".into(), "name".into()),
                    ("conflicting_id".into(), conflicting_id.to_string().into()),
                ]);
                texts::wire_error(ErrorCode::NameConflict, message)
                    .remediation(messages::vault_name_conflict_remedy())
                    .with_details(details)
            }
            VaultError::SuccessorRequired { .. } => {
                texts::wire_error(ErrorCode::SuccessorRequired, message)
                    .remediation(messages::vault_successor_required_remedy())
            }
            VaultError::SuccessorNotFound { .. } => {
                texts::wire_error(ErrorCode::SuccessorNotFound, message)
                    .remediation(messages::vault_successor_not_found_remedy())
            }
            VaultError::ConsentRequired { .. } => {
                texts::wire_error(ErrorCode::ConsentRequired, message)
                    .remediation(messages::vault_consent_required_remedy())
            }
            VaultError::ConsentWithdrawn { .. } => {
                texts::wire_error(ErrorCode::ConsentRequired, message)
                    .remediation(messages::vault_consent_withdrawn_remedy())
            }
            VaultError::SafeStorage(err) => {
                let code = match err {
                    SafeStorageError::Unavailable { .. } => ErrorCode::SafeStorageUnavailable,
                    SafeStorageError::KeyMissing { .. } => ErrorCode::SafeStorageKeyMissing,
                };
                texts::wire_error(code, message).remediation(err.remediation())
            }
            VaultError::ReadOnly { .. } => texts::wire_error(ErrorCode::StoreReadOnly, message)
                .remediation(messages::vault_read_only_remedy()),
            VaultError::Storage(_) => texts::wire_error(ErrorCode::StorageFailed, message)
                .remediation(messages::check_disk_space()),
            VaultError::Audit(err) => err.into(),
            // Not retryable as such: the change may have been applied.
            VaultError::TimedOut => WireError {
                retryable: false,
                ..texts::wire_error(ErrorCode::Timeout, message)
                    .remediation(messages::vault_outcome_unknown_remedy())
            },
            VaultError::TooManyProfiles { max } => {
                texts::wire_error(ErrorCode::LimitReached, message)
                    .remediation(messages::vault_too_many_profiles_remedy())
                    .with_details(rmpv::Value::Map(vec![
                        ("limit".into(), "profiles".into()),
                        ("max".into(), (max as u64).into()),
                    ]))
            }
            VaultError::Unavailable => texts::wire_error(ErrorCode::Busy, message)
                .remediation(messages::vault_restarting_remedy()),
        }
    }
}
