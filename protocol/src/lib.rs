//! The wire contract of llm-agent: framing, envelopes, typed methods, events and error
//! codes. This crate does no I/O of its own; the agent and every client share it, and its
//! golden fixtures (`tests/fixtures`) pin the bytes for clients in other languages.

pub mod envelope;
pub mod error;
pub mod events;
pub mod frame;
pub mod health;
pub mod location;
pub mod methods;
pub mod msgpack;
pub mod patch;
pub mod safe_storage;
pub mod secret;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod text;
#[cfg(feature = "ts")]
pub mod typescript;
pub mod value;

pub use envelope::{Cancel, Delta, Envelope, Event, Request, Response};
pub use error::{ErrorCode, WireError};
pub use frame::{FrameCodec, FrameError};
pub use methods::Method;
pub use text::{LocalizedText, MessageArg, MessageArgs};

/// The protocol version this build speaks.
pub const PROTOCOL_VERSION: u32 = 1;

/// The oldest protocol version this build still accepts in `hello`.
pub const MIN_PROTOCOL_VERSION: u32 = 1;

/// The default and maximum size of one frame's body (the MessagePack value), in bytes.
pub const DEFAULT_MAX_FRAME_LEN: u32 = 4 * 1024 * 1024;

/// The deepest nesting of maps and arrays a message may have. The protocol's own messages
/// nest about six levels; the bound keeps a hostile frame from exhausting a decoder's
/// stack (serde recurses once per level).
pub const MAX_NESTING: usize = 32;

/// The longest correlation ID the agent keeps as given; longer ones are refused.
pub const MAX_CORRELATION_ID_LEN: usize = 128;
