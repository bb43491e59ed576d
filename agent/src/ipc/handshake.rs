//! `hello`: agreeing on the protocol version and telling the client what this agent
//! serves. The first request of every connection must be `hello` (the connection waits
//! for it, see `connection.rs`); it is served like any other method, through the
//! dispatcher, and a later `hello` gets the same answer.

use llm_agent_l10n::Locale;
use llm_agent_protocol::events::Topic;
use llm_agent_protocol::methods::handshake::{HelloParams, HelloResult, ProtocolRange};
use llm_agent_protocol::methods::{self};
use llm_agent_protocol::{MIN_PROTOCOL_VERSION, PROTOCOL_VERSION, WireError};

use super::call::Call;
use super::error::RequestError;
use crate::config::AgentConfig;

/// This build's version, which `hello` and `agent.status` report (unless a test has the
/// agent pretend to be another).
pub const AGENT_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The protocol versions this agent speaks.
pub const SUPPORTED: ProtocolRange = ProtocolRange {
    min: MIN_PROTOCOL_VERSION,
    max: PROTOCOL_VERSION,
};

pub async fn hello(call: &Call, params: HelloParams) -> Result<HelloResult, WireError> {
    tracing::debug!(
        client = %params.client.name.chars().take(64).collect::<String>(),
        version = %params.client.version.chars().take(32).collect::<String>(),
        protocol = params.protocol,
        "handshake"
    );
    let mut agreed = negotiate(&call.state.config, &params)?;
    let locale = Locale::negotiate(&params.locales);
    call.set_locale(locale);
    agreed.locale = Some(locale.tag().to_owned());
    Ok(agreed)
}

/// Agrees on the protocol version, or refuses with `UNSUPPORTED_PROTOCOL`.
pub fn negotiate(config: &AgentConfig, params: &HelloParams) -> Result<HelloResult, RequestError> {
    if !(SUPPORTED.min..=SUPPORTED.max).contains(&params.protocol) {
        return Err(RequestError::UnsupportedProtocol {
            asked: params.protocol,
            min: SUPPORTED.min,
            max: SUPPORTED.max,
        });
    }
    let capabilities = methods::ALL
        .iter()
        .map(|method| (*method).to_owned())
        .chain(
            Topic::ALL
                .iter()
                .map(|topic| format!("topic:{}", topic.as_str())),
        )
        .collect();
    Ok(HelloResult {
        agent_version: config.agent_version.clone(),
        protocol: params.protocol,
        supported_protocols: SUPPORTED,
        capabilities,
        max_frame_len: config.max_frame_len,
        max_in_flight: config.max_in_flight,
        locale: None,
    })
}

#[cfg(test)]
mod tests {
    use llm_agent_protocol::methods::handshake::ClientInfo;

    use super::*;

    fn hello(protocol: u32) -> HelloParams {
        HelloParams {
            protocol,
            client: ClientInfo {
                name: "test".into(),
                version: "1".into(),
            },
            locales: Vec::new(),
        }
    }

    #[test]
    fn the_supported_version_is_agreed_and_others_refused() {
        let config = AgentConfig::new("s".into(), "d".into());
        let agreed = negotiate(&config, &hello(PROTOCOL_VERSION)).unwrap();
        assert_eq!(agreed.protocol, PROTOCOL_VERSION);
        assert!(agreed.capabilities.iter().any(|c| c == "profiles.list"));
        assert!(agreed.capabilities.iter().any(|c| c == "topic:diagnostics"));
        assert_eq!(agreed.max_frame_len, config.max_frame_len);
        for unsupported in [0, PROTOCOL_VERSION + 1] {
            assert!(matches!(
                negotiate(&config, &hello(unsupported)),
                Err(RequestError::UnsupportedProtocol { .. })
            ));
        }
    }
}
