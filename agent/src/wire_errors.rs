//! The one mapping from the agent's domain errors to wire errors: each domain error
//! becomes exactly one `ErrorCode`, with a message and a remediation a learner can act on.

use llm_agent_protocol::{ErrorCode, WireError};

use crate::actors::diagnostics::DiagnosticsError;

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
