//! Localised texts for llm-agent and its console.
//!
//! Every text for a person is a [`Text`]: a stable message id and its named arguments.
//! A crate declares its messages once, with [`messages!`], which writes a constructor per
//! message (so a message cannot be built with the wrong arguments) and the list
//! [`Declared`] that the catalog check holds every shipped catalog to. A [`Catalog`] is
//! a crate's Project Fluent files (`.ftl`, compiled in) for each [`Locale`]; it renders
//! a text in a locale, falling back to English per message, with numbers and dates
//! written as that language writes them (ICU4X's CLDR data, compiled in).
//!
//! The agent renders in the language a client asks for in `hello`; the console in the
//! one its environment names (`LC_ALL`, `LC_MESSAGES`, `LANG`) or `--lang`. The
//! pseudo-locale `en-XA` (accented English about 40% longer, in brackets) shows where a
//! layout assumes English lengths or ASCII.

mod catalog;
mod check;
mod format;
mod locale;
mod pseudo;
mod text;

pub use catalog::{Catalog, CatalogError};
pub use check::{CatalogProblem, check_catalog, message_sources};
pub use llm_agent_protocol::text::{MessageArg, MessageArgs};
pub use locale::Locale;
pub use pseudo::pseudo_localize;
pub use text::{Declared, Text};
