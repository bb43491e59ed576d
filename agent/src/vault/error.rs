//! Why a vault operation failed, and the one mapping of each failure to a wire error
//! with a message and a remediation a learner can act on.

use std::sync::Arc;

use llm_agent_protocol::methods::profiles::FieldError;
use llm_agent_protocol::{ErrorCode, WireError, value};
use uuid::Uuid;

use super::safe_storage::SafeStorageError;
use crate::audit::AuditError;

/// Why a vault operation failed. Each maps to one wire error code (below).
#[derive(Debug, Clone, thiserror::Error)]
pub enum VaultError {
    #[error("no profile has the id {}", shown_id(id))]
    NotFound { id: String },
    #[error("{} field(s) need attention", .0.len())]
    Validation(Vec<FieldError>),
    #[error("another profile is already named {existing:?}")]
    NameConflict {
        existing: String,
        conflicting_id: Uuid,
    },
    #[error("profile {id} is the active one: name the profile to activate instead (successor_id)")]
    SuccessorRequired { id: Uuid },
    #[error(
        "the successor {} is not another existing profile",
        shown_id(successor_id)
    )]
    SuccessorNotFound { successor_id: String },
    #[error(
        "{endpoint} is not on this computer, and the learner has not agreed to send prompts there"
    )]
    ConsentRequired { endpoint: String },
    #[error(
        "{endpoint} is not on this computer, and the learner withdrew the agreement to send prompts there ({withdrawn_at})"
    )]
    ConsentWithdrawn {
        endpoint: String,
        withdrawn_at: String,
    },
    #[error(transparent)]
    SafeStorage(#[from] SafeStorageError),
    #[error("profiles cannot be changed: {problem}")]
    ReadOnly { problem: String },
    #[error("the profile file could not be written ({0}); nothing was changed")]
    Storage(#[source] Arc<std::io::Error>),
    /// The change's audit entries could not be recorded, so it was not made.
    #[error(transparent)]
    Audit(#[from] AuditError),
    #[error("the vault is restarting; try again in a moment")]
    Unavailable,
    #[error(
        "the change took too long to confirm; its outcome is unknown: list the profiles to see whether it was applied"
    )]
    TimedOut,
    #[error("a vault holds at most {max} profiles; delete one first")]
    TooManyProfiles { max: usize },
}

/// An id as an error may show it: only a well-formed UUID is repeated, since the text
/// could be anything the client sent, a key pasted in the wrong field included.
fn shown_id(text: &str) -> String {
    match Uuid::parse_str(text) {
        Ok(id) => id.to_string(),
        Err(_) => "given (it is not a profile id)".to_owned(),
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
                    .with_remediation("Correct the fields marked, then save again.")
                    .with_details(details)
            }
            VaultError::NameConflict { conflicting_id, .. } => {
                let details = rmpv::Value::Map(vec![
                    ("field".into(), "name".into()),
                    ("conflicting_id".into(), conflicting_id.to_string().into()),
                ]);
                WireError::new(ErrorCode::NameConflict, message)
                    .with_remediation("Choose another name; names differing only in upper and lower case count as the same.")
                    .with_details(details)
            }
            VaultError::SuccessorRequired { .. } => WireError::new(ErrorCode::SuccessorRequired, message)
                .with_remediation("Choose which profile to use instead, then delete this one."),
            VaultError::SuccessorNotFound { .. } => WireError::new(ErrorCode::SuccessorNotFound, message)
                .with_remediation("Choose another existing profile to use instead."),
            VaultError::ConsentRequired { .. } => WireError::new(ErrorCode::ConsentRequired, message)
                .with_remediation("Prompts sent to this server leave this computer. Agree to that to use it, or choose a server on this computer."),
            VaultError::ConsentWithdrawn { .. } => WireError::new(ErrorCode::ConsentRequired, message)
                .with_remediation("The profile is kept, but nothing is sent to its server while consent is withdrawn. Agree again to use it (profiles.update with consent_granted_at), or choose a server on this computer."),
            VaultError::SafeStorage(err) => {
                let remediation = err.remediation();
                let code = match err {
                    SafeStorageError::Unavailable { .. } => ErrorCode::SafeStorageUnavailable,
                    SafeStorageError::KeyMissing { .. } => ErrorCode::SafeStorageKeyMissing,
                };
                WireError::new(code, message).with_remediation(remediation)
            }
            VaultError::ReadOnly { .. } => WireError::new(ErrorCode::StoreReadOnly, message)
                .with_remediation("Profiles can still be used but not changed. Restore profiles.json from a backup, or move it away to start afresh; the agent's status says what is wrong with it."),
            VaultError::Storage(_) => WireError::new(ErrorCode::StorageFailed, message)
                .with_remediation("Check that the disk has free space and the data folder can be written, then try again."),
            VaultError::Audit(err) => err.into(),
            // Not retryable as such: the change may have been applied.
            VaultError::TimedOut => WireError {
                retryable: false,
                ..WireError::new(ErrorCode::Timeout, message)
                    .with_remediation("List the profiles to see whether the change was applied before trying it again.")
            },
            VaultError::TooManyProfiles { max } => WireError::new(ErrorCode::LimitReached, message)
                .with_remediation("Delete a profile you no longer use, then try again.")
                .with_details(rmpv::Value::Map(vec![
                    ("limit".into(), "profiles".into()),
                    ("max".into(), (max as u64).into()),
                ])),
            VaultError::Unavailable => WireError::new(ErrorCode::Busy, message)
                .with_remediation("Retry in a moment; the agent restarts its vault by itself."),
        }
    }
}
