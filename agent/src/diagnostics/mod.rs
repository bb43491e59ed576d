//! Diagnostics: every operation's event, numbered, kept in a bounded ring, appended to a
//! rotating journal on disk and fanned out to live subscribers.
//!
//! - [`actor`]: the diagnostics actor (ring, batching, fan-out);
//! - [`journal`]: the JSON-lines files, written by a thread of their own;
//! - [`query`]: searching the ring and the journal, across restarts;
//! - [`bundle`]: the support bundle, built from an allow-list.

pub mod actor;
pub mod bundle;
pub mod error;
pub mod journal;
pub mod query;

pub use actor::{DiagnosticsHandle, event};
pub use error::DiagnosticsError;
