//! `catalog.*` and `roles.*`: the provider and model catalog (a shipped list with the
//! learner's edits on top), and the named roles that pick a profile for a purpose.

use serde::{Deserialize, Serialize};

use super::Method;

/// Where a price came from, in order of preference: the provider's own figure, the
/// learner's edit, the shipped catalog, a server on this machine (free), or nothing known.
pub const PRICE_SOURCES: &[&str] = &["provider", "user", "catalog", "local", "unknown"];

/// The whole catalog, or one provider's part of it.
pub enum List {}

impl Method for List {
    const NAME: &'static str = "catalog.list";
    type Params = ListParams;
    type Result = Catalog;
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(optional_fields, rename = "CatalogListParams")
)]
pub struct ListParams {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct Catalog {
    /// The shipped catalog's date (`YYYY-MM-DD`).
    pub shipped_as_of: String,
    pub providers: Vec<CatalogProvider>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct CatalogProvider {
    /// The provider's wire name (`openai`, `ollama`, ...).
    pub kind: String,
    pub display_name: String,
    /// Where its server usually listens, or its public API.
    pub default_endpoint: String,
    pub requires_key: bool,
    /// Whether it runs on this machine (its models are priced `local`: free).
    pub local: bool,
    /// Requests that may go to one of its endpoints at once.
    pub parallelism: u32,
    /// Whether `parallelism` is the learner's setting (else the shipped default).
    pub parallelism_edited: bool,
    /// The model a new profile of this provider gets when it names none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_model: Option<String>,
    pub models: Vec<CatalogModel>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct CatalogModel {
    pub id: String,
    pub display_name: String,
    /// Tokens, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context_window: Option<u64>,
    /// USD per million tokens, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_per_mtok: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_per_mtok: Option<f64>,
    /// USD per million input tokens read from the provider's prompt cache.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_read_per_mtok: Option<f64>,
    /// USD per million input tokens written to the provider's prompt cache.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_write_per_mtok: Option<f64>,
    /// `catalog` (shipped), `user` (the learner's edit), `local` (free: this machine) or
    /// `unknown`.
    pub price_source: String,
    /// `active` or `deprecated`.
    pub status: String,
    /// When these figures were true (`YYYY-MM-DD`).
    pub as_of: String,
    /// Whether the learner added or edited this model.
    pub edited: bool,
}

/// Adds a model to a provider, or changes one (given fields replace, absent ones stay).
pub enum UpsertModel {}

impl Method for UpsertModel {
    const NAME: &'static str = "catalog.upsert_model";
    type Params = UpsertModelParams;
    type Result = CatalogModel;
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct UpsertModelParams {
    pub provider: String,
    /// 1 to 128 characters, no control characters.
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context_window: Option<u64>,
    /// USD per million tokens, 0 to 10,000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_per_mtok: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_per_mtok: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_read_per_mtok: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_write_per_mtok: Option<f64>,
}

/// Marks a model deprecated: still usable, but choosing it warns.
pub enum DeprecateModel {}

impl Method for DeprecateModel {
    const NAME: &'static str = "catalog.deprecate_model";
    type Params = ModelRef;
    type Result = CatalogModel;
}

/// Undoes a deprecation.
pub enum ReactivateModel {}

impl Method for ReactivateModel {
    const NAME: &'static str = "catalog.reactivate_model";
    type Params = ModelRef;
    type Result = CatalogModel;
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct ModelRef {
    pub provider: String,
    pub model: String,
}

/// Makes a model its provider's default (exactly one per provider).
pub enum SetDefaultModel {}

impl Method for SetDefaultModel {
    const NAME: &'static str = "catalog.set_default_model";
    type Params = ModelRef;
    type Result = CatalogProvider;
}

/// Changes a provider's settings.
pub enum SetProvider {}

impl Method for SetProvider {
    const NAME: &'static str = "catalog.set_provider";
    type Params = SetProviderParams;
    type Result = CatalogProvider;
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct SetProviderParams {
    pub provider: String,
    /// 1 to 32; nil returns to the shipped default.
    #[serde(default, skip_serializing_if = "crate::patch::Patch::is_keep")]
    pub parallelism: crate::patch::Patch<u32>,
}

/// A prompt test's cost, from its token usage and the model's prices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct EstimatedCost {
    /// USD; absent when the price is unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_usd: Option<f64>,
    /// One of [`PRICE_SOURCES`].
    pub source: String,
    /// When the price was true (`YYYY-MM-DD`), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
}

/// The profile each role uses.
pub enum GetRoles {}

impl Method for GetRoles {
    const NAME: &'static str = "roles.get";
    type Params = super::NoParams;
    type Result = Roles;
}

/// Every role this build knows.
pub const ROLES: &[&str] = &["tutor", "infrastructure"];

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct Roles {
    pub roles: Vec<RoleBinding>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct RoleBinding {
    /// `tutor` (the active profile) or `infrastructure` (background tasks).
    pub role: String,
    /// The profile the role uses now; absent when there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_id: Option<String>,
    /// `infrastructure` only: true while it follows the tutor (no profile of its own), so
    /// the model already loaded is reused.
    #[serde(default)]
    pub same_as_tutor: bool,
}

/// Points a role at a profile. `tutor` activates it; `infrastructure` with nil follows
/// the tutor again.
pub enum SetRole {}

impl Method for SetRole {
    const NAME: &'static str = "roles.set";
    type Params = SetRoleParams;
    type Result = Roles;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct SetRoleParams {
    pub role: String,
    /// Nil: `infrastructure` follows the tutor (not allowed for `tutor`).
    #[serde(default)]
    pub profile_id: Option<String>,
}
