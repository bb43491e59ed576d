//! Typed methods: one type per method with its wire `NAME`, `Params` and `Result`.
//!
//! A method with no params takes an empty map (or nil, or no `params` field at all).

use serde::Serialize;
use serde::de::DeserializeOwned;

pub mod agent;
pub mod audit;
pub mod catalog;
pub mod chat;
pub mod diagnostics;
pub mod discovery;
pub mod events;
pub mod handshake;
pub mod profiles;
pub mod usage;

/// A request/response pair on the wire.
pub trait Method {
    /// The `method` string of the request.
    const NAME: &'static str;
    type Params: Serialize + DeserializeOwned + Send + 'static;
    type Result: Serialize + DeserializeOwned + Send + 'static;
}

/// Params of a method that takes none. Unknown fields are ignored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct NoParams {}

/// Every method this build serves, as announced in the `hello` capabilities.
pub const ALL: &[&str] = &[
    handshake::Hello::NAME,
    agent::Status::NAME,
    agent::Shutdown::NAME,
    diagnostics::Query::NAME,
    events::Subscribe::NAME,
    events::Unsubscribe::NAME,
    profiles::List::NAME,
    profiles::Get::NAME,
    profiles::Create::NAME,
    profiles::Update::NAME,
    profiles::Delete::NAME,
    profiles::Activate::NAME,
    profiles::ResetSecrets::NAME,
    profiles::Test::NAME,
    discovery::Run::NAME,
    discovery::Status::NAME,
    discovery::Configure::NAME,
    discovery::Adopt::NAME,
    catalog::List::NAME,
    catalog::UpsertModel::NAME,
    catalog::DeprecateModel::NAME,
    catalog::ReactivateModel::NAME,
    catalog::SetDefaultModel::NAME,
    catalog::SetProvider::NAME,
    catalog::GetRoles::NAME,
    catalog::SetRole::NAME,
    profiles::Health::NAME,
    diagnostics::Export::NAME,
    audit::Query::NAME,
    audit::Verify::NAME,
    chat::Run::NAME,
    profiles::Models::NAME,
    usage::Summary::NAME,
    usage::SetCap::NAME,
];
