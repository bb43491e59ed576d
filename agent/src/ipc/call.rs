//! One request being served ([`Call`]), its correlation ID, and the delta frames a
//! streamed reply sends before its response ([`DeltaSink`]).

use std::sync::{Arc, Mutex, PoisonError};

use llm_agent_l10n::Locale;
use llm_agent_protocol::MAX_CORRELATION_ID_LEN;
use llm_agent_protocol::envelope::{self, Delta, Envelope};
use serde::Serialize;
use tokio::sync::mpsc;

use super::locale::ConnectionLocale;
use super::subscriptions::Subscriptions;
use crate::state::SharedState;

/// Something to run once the response has been queued for the client.
type AfterReply = Box<dyn FnOnce() + Send>;

/// One request being served.
pub struct Call {
    pub id: u64,
    pub correlation_id: String,
    pub state: SharedState,
    /// The connection's subscriptions (for `events.*`).
    pub subscriptions: Arc<Subscriptions>,
    /// The connection's writer, for delta frames.
    outbound: mpsc::Sender<Vec<u8>>,
    /// The connection's language.
    locale: Arc<ConnectionLocale>,
    after_reply: Mutex<Vec<AfterReply>>,
    profile_id: Mutex<Option<String>>,
}

/// What a finished call hands back to the connection.
pub struct CallParts {
    pub correlation_id: String,
    pub after_reply: Vec<AfterReply>,
    /// The profile the call was about, for its diagnostics event.
    pub profile_id: Option<String>,
}

impl Call {
    pub fn new(
        id: u64,
        correlation_id: String,
        state: SharedState,
        subscriptions: Arc<Subscriptions>,
        outbound: mpsc::Sender<Vec<u8>>,
        locale: Arc<ConnectionLocale>,
    ) -> Self {
        Self {
            id,
            correlation_id,
            state,
            subscriptions,
            outbound,
            locale,
            after_reply: Mutex::default(),
            profile_id: Mutex::default(),
        }
    }

    /// The language this connection's texts are rendered in.
    pub fn locale(&self) -> Locale {
        self.locale.get()
    }

    /// Renders this connection's texts in `locale` from now on (`hello`).
    pub fn set_locale(&self, locale: Locale) {
        self.locale.set(locale);
    }

    /// The largest frame this connection sends.
    pub fn max_frame_len(&self) -> u32 {
        self.state.config.max_frame_len
    }

    /// Names the profile this call is about in its diagnostics event. Only a well-formed
    /// id is kept: the field must never carry a client's arbitrary text.
    pub fn note_profile(&self, id: &str) {
        if let Ok(id) = uuid::Uuid::parse_str(id) {
            *self
                .profile_id
                .lock()
                .unwrap_or_else(PoisonError::into_inner) = Some(id.to_string());
        }
    }

    /// Runs `hook` after a successful response is queued (never on failure).
    pub fn after_reply(&self, hook: impl FnOnce() + Send + 'static) {
        self.after_reply
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Box::new(hook));
    }

    /// Where this request's delta frames go, numbered from 1. They reach the client
    /// before the response, which is queued on the same writer after the handler returns.
    pub fn delta_sink(&self) -> DeltaSink {
        DeltaSink {
            id: self.id,
            seq: 0,
            max_frame_len: self.max_frame_len(),
            outbound: self.outbound.clone(),
        }
    }

    pub fn into_parts(self) -> CallParts {
        CallParts {
            correlation_id: self.correlation_id,
            after_reply: self
                .after_reply
                .into_inner()
                .unwrap_or_else(PoisonError::into_inner),
            profile_id: self
                .profile_id
                .into_inner()
                .unwrap_or_else(PoisonError::into_inner),
        }
    }
}

/// Sends one request's delta frames.
pub struct DeltaSink {
    id: u64,
    seq: u64,
    max_frame_len: u32,
    outbound: mpsc::Sender<Vec<u8>>,
}

impl DeltaSink {
    /// Sends a delta frame with `data`, waiting while the client's queue is full (a slow
    /// reader slows only its own request). A client that left gets nothing: its request
    /// is being cancelled.
    pub async fn send(&mut self, data: &impl Serialize) {
        self.seq += 1;
        let delta = Envelope::Delta(Delta {
            id: self.id,
            seq: self.seq,
            data,
        });
        match envelope::encode_frame(&delta, self.max_frame_len) {
            Ok(frame) => {
                let _ = self.outbound.send(frame).await;
            }
            Err(err) => tracing::error!(error = %err, "cannot encode a delta frame"),
        }
    }
}

pub fn new_correlation_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Whether a caller's correlation ID is kept as given.
pub fn is_usable_correlation_id(given: &str) -> bool {
    !given.is_empty()
        && given.len() <= MAX_CORRELATION_ID_LEN
        && given.bytes().all(|b| b.is_ascii_graphic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn correlation_ids_are_kept_only_when_printable_and_short() {
        assert!(is_usable_correlation_id("req-42"));
        for bad in [
            "",
            "has space",
            "tab\t",
            "é",
            &"x".repeat(MAX_CORRELATION_ID_LEN + 1),
        ] {
            assert!(!is_usable_correlation_id(bad), "{bad:?}");
        }
        assert!(is_usable_correlation_id(&new_correlation_id()));
    }
}
