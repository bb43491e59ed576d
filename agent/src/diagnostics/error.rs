//! Why a diagnostics request failed, and the one mapping of each failure to a wire error with a
//! message and a remediation a learner can act on.

use llm_agent_l10n::Text;
use llm_agent_protocol::{ErrorCode, WireError};

use crate::texts::{self, Explain, WireErrorTexts, messages};

/// Why the diagnostics service could not answer.
#[derive(Debug)]
pub enum DiagnosticsError {
    Unavailable,
    BadTime {
        field: &'static str,
    },
    BadCursor,
    /// `reason` says what is wrong with the path, without quoting it.
    BadExportPath {
        reason: Text,
    },
    ExportFailed(std::io::Error),
}

impl Explain for DiagnosticsError {
    fn message(&self) -> Text {
        match self {
            DiagnosticsError::Unavailable => messages::diagnostics_restarting(),
            DiagnosticsError::BadTime { field } => messages::diagnostics_bad_time(*field),
            DiagnosticsError::BadCursor => messages::diagnostics_bad_cursor(),
            DiagnosticsError::BadExportPath { reason } => reason.clone(),
            DiagnosticsError::ExportFailed(err) => {
                messages::diagnostics_export_failed(err.to_string())
            }
        }
    }
}

crate::explained_error!(DiagnosticsError);

impl From<DiagnosticsError> for WireError {
    fn from(err: DiagnosticsError) -> Self {
        let message = err.message();
        match err {
            DiagnosticsError::Unavailable => texts::wire_error(ErrorCode::Busy, message)
                .remediation(messages::diagnostics_restarting_remedy()),
            DiagnosticsError::BadTime { field } => texts::invalid_params(Some(field), message),
            DiagnosticsError::BadCursor => texts::invalid_params(Some("cursor"), message)
                .remediation(messages::diagnostics_bad_cursor_remedy()),
            DiagnosticsError::BadExportPath { .. } => texts::invalid_params(Some("path"), message)
                .remediation(messages::diagnostics_bad_path_remedy()),
            DiagnosticsError::ExportFailed(_) => {
                texts::wire_error(ErrorCode::StorageFailed, message)
                    .remediation(messages::check_disk_space())
            }
        }
    }
}
