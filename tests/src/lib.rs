//! Helpers for the end-to-end tests and benches, one module per need:
//!
//! - [`agent`]: the real `llm-agent` binary on a private temp socket and data dir, driven
//!   through the client library or raw frames.
//! - [`console`]: `llm-console` run against such an agent, and its exit-code and `--json`
//!   checks.
//! - [`servers`]: canned fake model servers (Ollama, LM Studio, ...) for discovery.
//! - [`profiles`]: params for `profiles.create` and `profiles.update`, and the calls.
//! - [`chat`]: params for `chat.run`, and what a chat request asked.
//! - [`dialects`]: canned provider replies in each provider's wire shape.
//! - [`http_fixture`]: the scripted HTTP/1.1 server those replies are played on.
//! - [`hostile`]: frames that make a decoder spend memory, and a process's memory.
//! - [`keyring`]: a private Secret Service (its own D-Bus session and gnome-keyring).
//! - [`live`]: state events as a subscriber follows them, and the audit ledger's file.
//! - [`local_socket`]: the kind of socket the agent listens on, for blocking connections.
//! - [`bench`]: what the benches in `tests/benches/` share.

pub mod agent;
pub mod bench;
pub mod chat;
pub mod console;
pub mod dialects;
pub mod hostile;
pub mod http_fixture;
pub mod keyring;
pub mod live;
pub mod local_socket;
pub mod profiles;
pub mod servers;

#[cfg(unix)]
pub use agent::RawConnection;
pub use agent::{
    START_TIMEOUT, TestAgent, agent_binary, answers_hello, hello, hello_in, no_params,
    wrapped_agent_command,
};
