//! Params for `profiles.create` and `profiles.update` as the tests and benches send them,
//! and the two calls.
//!
//! A test spells out what it checks: these builders give the profile it does not care
//! about (a local Ollama, a keyed OpenAI), and a test changes the fields it does.

use llm_agent_client::{Client, ClientError};
use llm_agent_protocol::methods::profiles::{
    Create, CreateParams, ProfileMetadata, ProfilePatch, ProfileResult, Update, UpdateParams,
};
use llm_agent_protocol::patch::Patch;

/// Where a local Ollama listens by default.
pub const LOCAL_ENDPOINT: &str = "http://127.0.0.1:11434";

/// The model of the local profiles.
pub const LOCAL_MODEL: &str = "llama3.2";

/// When the learner agreed to send prompts to a remote provider, in every remote profile.
pub const CONSENT: &str = "2026-01-02T03:04:05Z";

/// An Ollama profile at `endpoint` serving `model`, without a key.
pub fn ollama(name: &str, endpoint: &str, model: &str) -> CreateParams {
    CreateParams {
        name: name.into(),
        provider: "ollama".into(),
        endpoint: endpoint.into(),
        model: model.into(),
        ..Default::default()
    }
}

/// An Ollama profile on this machine ([`LOCAL_ENDPOINT`], [`LOCAL_MODEL`]): no key and
/// no consent needed.
pub fn local(name: &str) -> CreateParams {
    ollama(name, LOCAL_ENDPOINT, LOCAL_MODEL)
}

/// An OpenAI profile with API key `key`, consent given at [`CONSENT`].
pub fn remote(name: &str, key: &str) -> CreateParams {
    CreateParams {
        name: name.into(),
        provider: "openai".into(),
        endpoint: "https://api.openai.com/v1".into(),
        model: "gpt-4o-mini".into(),
        api_key: Some(key.into()),
        consent_granted_at: Some(CONSENT.into()),
        ..Default::default()
    }
}

/// `params` with the provider option `parallelism`: at most `limit` of the profile's
/// prompt tests run at once.
pub fn with_parallelism(params: CreateParams, limit: usize) -> CreateParams {
    CreateParams {
        metadata: Some(ProfileMetadata {
            options: [("parallelism".to_owned(), limit.to_string())].into(),
            ..Default::default()
        }),
        ..params
    }
}

/// Creates a profile and returns its id.
pub async fn create(client: &Client, params: CreateParams) -> String {
    client
        .call::<Create>(params)
        .await
        .expect("create")
        .profile
        .id
}

/// `profiles.update` of profile `id` with `patch`.
pub async fn update(
    client: &Client,
    id: &str,
    patch: ProfilePatch,
) -> Result<ProfileResult, ClientError> {
    client
        .call::<Update>(UpdateParams {
            id: id.into(),
            patch,
        })
        .await
}

/// A patch that renames the profile and keeps everything else.
pub fn rename(name: &str) -> ProfilePatch {
    ProfilePatch {
        name: Some(name.into()),
        ..Default::default()
    }
}

/// A patch that moves the profile to `endpoint` and keeps everything else.
pub fn move_to(endpoint: &str) -> ProfilePatch {
    ProfilePatch {
        endpoint: Some(endpoint.into()),
        ..Default::default()
    }
}

/// A patch that replaces the API key and keeps everything else.
pub fn replace_key(key: &str) -> ProfilePatch {
    ProfilePatch {
        api_key: Patch::Set(key.into()),
        ..Default::default()
    }
}
