//! Why a diagnostics request failed, and the one mapping of each failure to a wire error with a
//! message and a remediation a learner can act on.

use llm_agent_protocol::{ErrorCode, WireError};

/// Why the diagnostics service could not answer.
#[derive(Debug, thiserror::Error)]
pub enum DiagnosticsError {
    #[error("the diagnostics service is restarting; try again in a moment")]
    Unavailable,
}

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
