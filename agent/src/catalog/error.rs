//! Why a catalog edit failed, and the one mapping of each failure to a wire error with a
//! message and a remediation a learner can act on.

use llm_agent_l10n::Text;
use llm_agent_protocol::methods::profiles::FieldError;
use llm_agent_protocol::{ErrorCode, WireError, value};

use crate::texts::{self, Explain, WireErrorTexts, messages};

/// Why a catalog edit failed. Each maps to one wire error code (below).
#[derive(Debug, Clone)]
pub enum CatalogError {
    UnknownProvider(String),
    UnknownModel {
        provider: String,
        model: String,
    },
    Validation(Vec<FieldError>),
    /// What is wrong with `catalog.json`.
    ReadOnly(Text),
    Storage(String),
    Unavailable,
}

impl Explain for CatalogError {
    fn message(&self) -> Text {
        match self {
            CatalogError::UnknownProvider(provider) => {
                messages::catalog_unknown_provider(provider.as_str())
            }
            CatalogError::UnknownModel { provider, model } => {
                messages::catalog_unknown_model(model.as_str(), provider.as_str())
            }
            CatalogError::Validation(problems) => messages::fields_need_attention(problems.len()),
            CatalogError::ReadOnly(problem) => problem.clone(),
            CatalogError::Storage(error) => messages::catalog_not_saved(error.as_str()),
            CatalogError::Unavailable => messages::catalog_restarting(),
        }
    }
}

crate::explained_error!(CatalogError);

impl From<CatalogError> for WireError {
    fn from(err: CatalogError) -> Self {
        let message = err.message();
        match err {
            CatalogError::UnknownProvider(_) => texts::invalid_params(Some("provider"), message)
                .remediation(messages::catalog_unknown_provider_remedy()),
            CatalogError::UnknownModel { .. } => texts::invalid_params(Some("model"), message)
                .remediation(messages::catalog_unknown_model_remedy()),
            CatalogError::Validation(problems) => {
                let details = value::to_value(&problems).unwrap_or(rmpv::Value::Nil);
                texts::wire_error(ErrorCode::ValidationError, message)
                    .remediation(messages::fix_marked_fields())
                    .with_details(details)
            }
            CatalogError::ReadOnly(_) => texts::wire_error(ErrorCode::StoreReadOnly, message)
                .remediation(messages::catalog_read_only_remedy()),
            CatalogError::Storage(_) => texts::wire_error(ErrorCode::StorageFailed, message)
                .remediation(messages::check_disk_space()),
            CatalogError::Unavailable => texts::wire_error(ErrorCode::Busy, message)
                .remediation(messages::catalog_restarting_remedy()),
        }
    }
}
