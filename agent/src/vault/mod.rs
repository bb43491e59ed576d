//! The vault: profiles, their validation, their durable file and safe storage for their
//! API keys. The vault actor (`actors/vault.rs`) is the only writer.

pub mod actor;
pub mod profile;
pub mod safe_storage;
pub mod secret;
pub mod store;
