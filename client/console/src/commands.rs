//! The commands that run once, from the shell or from the REPL: one module each.

pub mod call;
pub mod catalog;
pub mod diagnostics;
pub mod discover;
pub mod events;
pub mod profiles;
pub mod roles;
pub mod status;
