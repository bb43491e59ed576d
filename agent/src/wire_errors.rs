//! The one mapping from the agent's domain errors to wire errors: each domain error
//! becomes exactly one `ErrorCode`, with a message and a remediation a learner can act on.

use llm_agent_protocol::{ErrorCode, WireError, value};

use crate::catalog::actor::CatalogError;
use crate::diagnostics::actor::DiagnosticsError;
use crate::discovery::actor::DiscoveryError;
use crate::prompt_test::actor::PromptTestError;

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

impl From<PromptTestError> for WireError {
    fn from(err: PromptTestError) -> Self {
        match err {
            PromptTestError::Unavailable => WireError::new(ErrorCode::Busy, err.to_string())
                .with_remediation(
                    "Test again in a moment; the agent restarts its tester by itself.",
                ),
        }
    }
}
