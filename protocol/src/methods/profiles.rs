//! `profiles.*`: the learner's LLM profiles. Every profile in a response is redacted:
//! it never carries the API key, only whether there is one and its last characters.
//!
//! Inputs that need validation (provider, endpoint, times) travel as strings so that a
//! create or update can report every failing field at once (`VALIDATION_ERROR` with
//! `details: [{field, code, message}]`) instead of failing on the first bad one.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Method;
use crate::health::{HealthOutcome, HealthSummary};
use crate::patch::Patch;
use crate::safe_storage::{SafeStorageStatus, StoreStatus};
use crate::secret::SecretText;
use crate::text::{LocalizedText, MessageArgs};

/// The most profiles one vault holds (so that `profiles.list` always fits in a frame).
pub const MAX_PROFILES: usize = 100;

/// Every provider this build knows, as its wire string.
pub const PROVIDERS: &[&str] = &[
    "ollama",
    "llama_cpp",
    "lm_studio",
    "vllm",
    "localai",
    "koboldcpp",
    "text_generation_webui",
    "jan",
    "gpt4all",
    "docker_model_runner",
    "openai_compatible",
    "openai",
    "azure_openai",
    "anthropic",
];

/// Providers that refuse requests without an API key.
pub const PROVIDERS_REQUIRING_KEY: &[&str] = &["openai", "azure_openai", "anthropic"];

/// Optional, bounded extra data of a profile.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct ProfileMetadata {
    /// At most 16 labels of 1 to 32 characters.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub labels: Vec<String>,
    /// At most 1,000 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Provider options, such as Azure's `deployment` and `api_version`. At most 16
    /// entries; keys of 1 to 64 characters, values of at most 256.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub options: BTreeMap<String, String>,
}

/// A profile as every response shows it: without its API key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct RedactedProfile {
    /// UUID, text form.
    pub id: String,
    pub name: String,
    /// One of [`PROVIDERS`] (or a newer one).
    pub provider: String,
    pub endpoint: String,
    pub model: String,
    pub has_api_key: bool,
    /// The key's last 4 characters at most, as `...a1b2`; absent without a key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key_hint: Option<String>,
    /// RFC 3339; present when the learner agreed to remote calls for this endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent_granted_at: Option<String>,
    /// RFC 3339; present when the learner withdrew consent for this endpoint: every call
    /// and test is refused with `CONSENT_REQUIRED` until consent is given again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent_withdrawn_at: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
    /// Whether this is the active profile.
    pub active: bool,
    #[serde(default)]
    pub metadata: ProfileMetadata,
}

/// Lists profiles. Works during a safe-storage outage.
pub enum List {}

impl Method for List {
    const NAME: &'static str = "profiles.list";
    type Params = ListParams;
    type Result = ListResult;
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(optional_fields, rename = "ProfileListParams")
)]
pub struct ListParams {
    /// Only profiles of this provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// Also an accessible summary of each listed profile (`accessible_summaries`). Off
    /// by default: the summaries double the answer's size, which every list would pay.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub accessible_summaries: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(optional_fields, rename = "ProfileListResult")
)]
pub struct ListResult {
    /// In creation order.
    pub profiles: Vec<RedactedProfile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_id: Option<String>,
    pub safe_storage: SafeStorageStatus,
    pub store: StoreStatus,
    /// The revision of the state shown: subscribe with it as `since_revision` to learn
    /// every change after this list. Zero from an agent older than state events.
    #[serde(default)]
    pub revision: u64,
    /// The health of each listed profile that has recorded outcomes, by profile id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub health: BTreeMap<String, HealthSummary>,
    /// A short sentence per listed profile, for screen readers and status banners, by
    /// profile id: what it is, where it runs, its model, whether a key is stored, how its
    /// last test or call went. In the connection's language, with its message id. Only
    /// when the params ask for them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub accessible_summaries: BTreeMap<String, LocalizedText>,
    /// Time the agent spent on the answer, in microseconds, from decoding the params to
    /// the last byte of the encoded response (last, so it can be written once known).
    pub elapsed_us: u64,
}

/// The health history of one profile: its most recent outcomes, without any text.
pub enum Health {}

impl Method for Health {
    const NAME: &'static str = "profiles.health";
    type Params = IdParams;
    type Result = HealthResult;
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct HealthResult {
    pub profile_id: String,
    /// At most [`MAX_HEALTH_OUTCOMES`](crate::health::MAX_HEALTH_OUTCOMES), oldest first.
    pub outcomes: Vec<HealthOutcome>,
    /// Absent while no outcome is recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<HealthSummary>,
}

/// One profile by id.
pub enum Get {}

impl Method for Get {
    const NAME: &'static str = "profiles.get";
    type Params = IdParams;
    type Result = RedactedProfile;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct IdParams {
    pub id: String,
}

/// Creates a profile. The first one becomes active.
pub enum Create {}

impl Method for Create {
    const NAME: &'static str = "profiles.create";
    type Params = CreateParams;
    type Result = ProfileResult;
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct CreateParams {
    /// 1 to 80 characters after trimming; unique regardless of case.
    pub name: String,
    pub provider: String,
    /// Base URL, http or https, at most 512 characters.
    pub endpoint: String,
    /// Empty or absent: the provider's default model from the catalog.
    #[serde(default)]
    // Optional for the sender: `optional = nullable` on a non-Option field means `model?: string`.
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub model: String,
    /// Required by providers in [`PROVIDERS_REQUIRING_KEY`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key: Option<SecretText>,
    /// RFC 3339. Required when the endpoint is not on this machine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent_granted_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<ProfileMetadata>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct ProfileResult {
    pub profile: RedactedProfile,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_id: Option<String>,
    /// Things the learner should know that did not stop the change.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub warnings: Vec<Warning>,
}

/// Something a successful change wants the learner to know.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct Warning {
    /// Machine-readable: `credentials_dropped`.
    pub code: String,
    /// For a person, in the connection's language.
    pub message: String,
    /// The stable message id of `message`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    #[serde(default, skip_serializing_if = "MessageArgs::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub message_args: MessageArgs,
}

/// Changes some fields of a profile. An endpoint whose origin (scheme, host, port)
/// changes drops the stored key and consent unless the same patch supplies them again.
pub enum Update {}

impl Method for Update {
    const NAME: &'static str = "profiles.update";
    type Params = UpdateParams;
    type Result = ProfileResult;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct UpdateParams {
    pub id: String,
    pub patch: ProfilePatch,
}

/// Absent fields are kept. `api_key`: nil removes, a string replaces.
/// `consent_granted_at`: a string gives consent for the endpoint's origin; nil withdraws
/// it (the profile and its key stay, and calls to a remote endpoint are refused until
/// consent is given again). `metadata` replaces the whole metadata.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct ProfilePatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(default, skip_serializing_if = "Patch::is_keep")]
    pub api_key: Patch<SecretText>,
    #[serde(default, skip_serializing_if = "Patch::is_keep")]
    pub consent_granted_at: Patch<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<ProfileMetadata>,
}

/// Deletes a profile. Deleting the active one while others exist needs `successor_id`,
/// which becomes active in the same step.
pub enum Delete {}

impl Method for Delete {
    const NAME: &'static str = "profiles.delete";
    type Params = DeleteParams;
    type Result = DeleteResult;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct DeleteParams {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub successor_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct DeleteResult {
    pub deleted_id: String,
    /// The active profile afterwards; absent when none is left.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_id: Option<String>,
}

/// Makes a profile the active one. Strictly serialized with every other change.
pub enum Activate {}

impl Method for Activate {
    const NAME: &'static str = "profiles.activate";
    type Params = IdParams;
    type Result = ActivateResult;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct ActivateResult {
    pub active_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_active_id: Option<String>,
    /// False when the profile was already active: nothing changed.
    pub changed: bool,
}

/// Drops every stored API key that can no longer be decrypted (after the key in the OS
/// credential store was lost), keeping everything else, so profiles can be given new
/// keys. Unless safe storage reports `key_missing`, nothing is unreadable and nothing is
/// dropped (`cleared_ids` is empty).
pub enum ResetSecrets {}

impl Method for ResetSecrets {
    const NAME: &'static str = "profiles.reset_secrets";
    type Params = super::NoParams;
    type Result = ResetSecretsResult;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct ResetSecretsResult {
    /// Profiles whose key was dropped.
    pub cleared_ids: Vec<String>,
    pub safe_storage: SafeStorageStatus,
}

/// One failing field of a create or update (`VALIDATION_ERROR` details are a list).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct FieldError {
    /// The field's path in the params (`endpoint`, `patch.name`, `metadata.labels[2]`).
    pub field: String,
    /// Machine-readable: `required`, `too_long`, `invalid`, `unsupported`,
    /// `not_allowed`, `consent_required`.
    pub code: String,
    /// What to do, for a learner, in the connection's language.
    pub message: String,
    /// The stable message id of `message`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    #[serde(default, skip_serializing_if = "MessageArgs::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub message_args: MessageArgs,
}

/// The timeout of a `profiles.test` when the caller gives none, and the most it may ask.
pub const DEFAULT_TEST_TIMEOUT_MS: u64 = 30_000;
/// The longest `timeout_ms` a `profiles.test` accepts.
pub const MAX_TEST_TIMEOUT_MS: u64 = 30_000;
/// The longest prompt a `profiles.test` accepts, in characters.
pub const MAX_TEST_PROMPT_CHARS: usize = 4_000;
/// The longest reply snippet an outcome carries, in characters.
pub const MAX_SNIPPET_CHARS: usize = 200;
/// The prompt a `profiles.test` sends when the caller gives none.
pub const DEFAULT_TEST_PROMPT: &str =
    "Reply with one short sentence to confirm you can help a learner today.";

/// Sends a short prompt to the profile's model and reports how it went. A failure of the
/// provider is not an error response: the outcome says `success: false` and carries the
/// error (code, message, remediation) with the timings it reached. Error responses are
/// kept for requests that could not start (unknown profile, bad params, no consent, an
/// unreadable key) and for a cancelled test (`CANCELLED`).
pub enum Test {}

impl Method for Test {
    const NAME: &'static str = "profiles.test";
    type Params = TestParams;
    type Result = TestOutcome;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct TestParams {
    pub id: String,
    /// 1 to [`MAX_TEST_PROMPT_CHARS`] characters; [`DEFAULT_TEST_PROMPT`] when absent. It
    /// is sent to the provider and nowhere else: never logged, never stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt: Option<SecretText>,
    /// 1 to [`MAX_TEST_TIMEOUT_MS`]; [`DEFAULT_TEST_TIMEOUT_MS`] when absent. Covers
    /// everything: waiting for the provider's turn, every attempt and every backoff.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u64>,
}

/// How a prompt test went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct TestOutcome {
    pub profile_id: String,
    pub success: bool,
    pub provider: String,
    /// The model the profile names.
    pub requested_model: String,
    /// The model that answered, as the provider reported it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The HTTP status of the last attempt, when one arrived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// Requests sent to the provider (more than one after a `429`). Zero when the test
    /// failed before sending anything.
    pub attempts: u32,
    /// Whether the reply came as a stream (else as one JSON body).
    pub streamed: bool,
    /// How far the last attempt got.
    pub stage: TestStage,
    pub timings: TestTimings,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<TokenUsage>,
    /// The start of the reply: control characters removed, whitespace collapsed, at most
    /// [`MAX_SNIPPET_CHARS`] characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
    /// Why the model stopped (`stop`, `length`, `end_turn`, ...), as the provider said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finish_reason: Option<String>,
    /// What the test cost, from its token usage and the model's prices (absent without
    /// usage).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimated_cost: Option<super::catalog::EstimatedCost>,
    /// With `RATE_LIMITED`: how long the provider asked to wait.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_ms: Option<u64>,
    /// Present exactly when `success` is false. Codes: `TIMEOUT`, `AUTH_FAILED`,
    /// `RATE_LIMITED`, `MODEL_NOT_FOUND`, `PROVIDER_ERROR`, `UNREACHABLE`, `TLS_ERROR`,
    /// `INVALID_RESPONSE`, `CANCELLED` (the agent is shutting down).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<crate::WireError>,
}

/// How far a prompt test's last attempt got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "snake_case")]
pub enum TestStage {
    /// Waiting for the provider's turn (its concurrency limit), or nothing was sent.
    Queued,
    /// Connecting (TCP and TLS).
    Connecting,
    /// Connected; the request is sent and the response headers have not arrived.
    AwaitingHeaders,
    /// Headers arrived; no reply text yet.
    AwaitingFirstToken,
    /// Reply text is arriving.
    Streaming,
    /// The reply is complete.
    Complete,
    /// A stage this build does not know (sent by a newer agent).
    #[serde(other)]
    #[cfg_attr(feature = "ts", ts(untagged, type = "(string & {})"))]
    Unknown,
}

impl TestStage {
    pub fn as_str(self) -> &'static str {
        match self {
            TestStage::Queued => "queued",
            TestStage::Connecting => "connecting",
            TestStage::AwaitingHeaders => "awaiting_headers",
            TestStage::AwaitingFirstToken => "awaiting_first_token",
            TestStage::Streaming => "streaming",
            TestStage::Complete => "complete",
            TestStage::Unknown => "unknown",
        }
    }
}

/// Stage timings in milliseconds (with microsecond precision). `connected_ms`,
/// `headers_ms`, `first_token_ms` and `completed_ms` count from the start of the last
/// attempt, so they measure the provider alone; a stage not reached is absent.
/// `queued_ms` is the wait for the provider's turn, `total_ms` everything from the
/// request's arrival to the answer (queue, every attempt, every backoff).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct TestTimings {
    pub queued_ms: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connected_ms: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers_ms: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_token_ms: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_ms: Option<f64>,
    pub total_ms: f64,
}

/// Token counts, as the provider reported them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct TokenUsage {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_tokens: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_tokens: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_tokens: Option<u64>,
}

/// The models a profile's server offers, asked with the profile's own key, with the
/// context window where the server tells it. Answers are cached for
/// [`MODELS_CACHE_SECS`]; `refresh` asks again. A server that cannot be asked is an
/// error response with the prompt test's codes (`UNREACHABLE`, `AUTH_FAILED`, ...).
pub enum Models {}

impl Method for Models {
    const NAME: &'static str = "profiles.models";
    type Params = ModelsParams;
    type Result = ModelsResult;
}

/// How long a `profiles.models` answer is reused.
pub const MODELS_CACHE_SECS: u64 = 30;
/// The most models one answer lists.
pub const MAX_LISTED_MODELS: usize = 500;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct ModelsParams {
    pub id: String,
    /// Ask the server even when a cached answer is fresh.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub refresh: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct ModelsResult {
    pub profile_id: String,
    pub provider: String,
    /// As the server lists them, at most [`MAX_LISTED_MODELS`].
    pub models: Vec<ServerModel>,
    /// Whether the profile's own model is among them.
    pub offers_profile_model: bool,
    /// RFC 3339: when the server was asked.
    pub fetched_at: String,
    /// Whether this answer came from the cache.
    pub cached: bool,
}

/// One model a server offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct ServerModel {
    pub id: String,
    /// The model's context window, in tokens, as the server reports it (Ollama's
    /// `context_length`, vLLM's `max_model_len`, LM Studio's `max_context_length`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context_window: Option<u64>,
    /// The context a request gets now, where the server says: llama.cpp's `n_ctx`,
    /// LM Studio's loaded context, Ollama's `num_ctx` (its default of 4096 when the
    /// model sets none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_context: Option<u64>,
    /// Whether the model is loaded now, where the server says (LM Studio).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loaded: Option<bool>,
}
