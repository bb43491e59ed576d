//! The handlers, one file per area, mirroring `protocol/src/methods/`. Each takes typed
//! params and returns a typed result; decoding, encoding, errors on the wire and
//! diagnostics are the dispatcher's and the connection's. A handler does a few lines of
//! wiring: the rules it applies live in the domain it calls.

pub mod agent;
pub mod audit;
pub mod catalog;
pub mod chat;
pub mod diagnostics;
pub mod discovery;
pub mod events;
pub mod profiles;
pub mod usage;
