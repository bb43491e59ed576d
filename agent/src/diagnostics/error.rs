//! Why a diagnostics request failed, and the one mapping of each failure to a wire error with a
//! message and a remediation a learner can act on.

use llm_agent_protocol::{ErrorCode, WireError};

/// Why the diagnostics service could not answer.
#[derive(Debug, thiserror::Error)]
pub enum DiagnosticsError {
    #[error("the diagnostics service is restarting; try again in a moment")]
    Unavailable,
    #[error("{field} must be an RFC 3339 time, such as 2026-11-21T09:00:00Z")]
    BadTime { field: &'static str },
    #[error("cursor must be a next_cursor from an earlier result")]
    BadCursor,
    /// `reason` says what is wrong with the path, without quoting it.
    #[error("the support bundle cannot be written there: {reason}")]
    BadExportPath { reason: &'static str },
    #[error("the support bundle could not be written ({0})")]
    ExportFailed(#[source] std::io::Error),
}

impl From<DiagnosticsError> for WireError {
    fn from(err: DiagnosticsError) -> Self {
        let message = err.to_string();
        match err {
            DiagnosticsError::Unavailable => WireError::new(ErrorCode::Busy, message)
                .with_remediation(
                    "Retry in a moment; the agent restarts its diagnostics service by itself.",
                ),
            DiagnosticsError::BadTime { field } => WireError::invalid_params(Some(field), message),
            DiagnosticsError::BadCursor => WireError::invalid_params(Some("cursor"), message)
                .with_remediation("Leave it out for the most recent events."),
            DiagnosticsError::BadExportPath { .. } => {
                WireError::invalid_params(Some("path"), message).with_remediation(
                    "Give an absolute path in an existing folder; set overwrite to replace a file.",
                )
            }
            DiagnosticsError::ExportFailed(_) => WireError::new(ErrorCode::StorageFailed, message)
                .with_remediation(
                    "Check that the folder can be written and the disk has free space, then try again.",
                ),
        }
    }
}
