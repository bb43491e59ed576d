//! Why a catalog edit failed, and the one mapping of each failure to a wire error with a
//! message and a remediation a learner can act on.

use llm_agent_protocol::methods::profiles::FieldError;
use llm_agent_protocol::{ErrorCode, WireError, value};

/// Why a catalog edit failed. Each maps to one wire error code (below).
#[derive(Debug, Clone, thiserror::Error)]
pub enum CatalogError {
    #[error("the catalog has no provider {0:?}")]
    UnknownProvider(String),
    #[error("the catalog has no model {model:?} for {provider}")]
    UnknownModel { provider: String, model: String },
    #[error("{} field(s) need attention", .0.len())]
    Validation(Vec<FieldError>),
    #[error("{0}")]
    ReadOnly(String),
    #[error("the catalog edits could not be saved ({0}); nothing was changed")]
    Storage(String),
    #[error("the catalog is restarting; try again in a moment")]
    Unavailable,
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
