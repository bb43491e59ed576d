//! The one mapping from the agent's domain errors to wire errors: each domain error
//! becomes exactly one `ErrorCode`, with a message and a remediation a learner can act on.

use llm_agent_protocol::{ErrorCode, WireError, value};

use crate::catalog::actor::CatalogError;
use crate::diagnostics::actor::DiagnosticsError;
use crate::discovery::actor::DiscoveryError;
use crate::prompt_test::actor::TesterError;
use crate::vault::actor::VaultError;
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

impl From<CatalogError> for WireError {
    fn from(err: CatalogError) -> Self {
        let message = err.to_string();
        match err {
            CatalogError::UnknownProvider(_) => WireError::invalid_params(Some("provider"), message)
                .with_remediation("catalog.list shows every provider."),
            CatalogError::UnknownModel { .. } => WireError::invalid_params(Some("model"), message)
                .with_remediation("catalog.list shows the provider's models; catalog.upsert_model adds one."),
            CatalogError::Validation(problems) => {
                let details = value::to_value(&problems).unwrap_or(rmpv::Value::Nil);
                WireError::new(ErrorCode::ValidationError, message)
                    .with_remediation("Correct the fields marked, then save again.")
                    .with_details(details)
            }
            CatalogError::ReadOnly(_) => WireError::new(ErrorCode::StoreReadOnly, message)
                .with_remediation("Move catalog.json out of the data folder (the shipped catalog is used without it), or restore it from a backup."),
            CatalogError::Storage(_) => WireError::new(ErrorCode::StorageFailed, message)
                .with_remediation("Check that the disk has free space and the data folder can be written, then try again."),
            CatalogError::Unavailable => WireError::new(ErrorCode::Busy, message)
                .with_remediation("Retry in a moment; the agent restarts its catalog by itself."),
        }
    }
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

impl From<TesterError> for WireError {
    fn from(err: TesterError) -> Self {
        match err {
            TesterError::Unavailable => WireError::new(ErrorCode::Busy, err.to_string())
                .with_remediation(
                    "Test again in a moment; the agent restarts its tester by itself.",
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
