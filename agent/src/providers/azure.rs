//! Azure OpenAI: OpenAI's chat completions behind a deployment URL, an `api-version`
//! query parameter and an `api-key` header. Replies are read by `openai.rs`.

use serde_json::json;

use super::{Conversation, Request, Target, openai};
use crate::providers::failure::Failure;

/// The API version used when a profile does not name one (the vault requires one; this
/// covers files written before it did).
pub const DEFAULT_API_VERSION: &str = "2024-10-21";

/// The deployment a profile targets: its `deployment` option, else its model.
pub fn deployment(target: &Target) -> &str {
    target
        .options
        .get("deployment")
        .map(|d| d.trim())
        .filter(|d| !d.is_empty())
        .unwrap_or(&target.model)
}

/// `{endpoint}/openai/deployments/{deployment}/chat/completions?api-version=...`.
pub fn url(target: &Target) -> url::Url {
    let api_version = target
        .options
        .get("api_version")
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .unwrap_or(DEFAULT_API_VERSION);
    let mut url = target.url(&format!(
        "openai/deployments/{}/chat/completions",
        urlencode_segment(deployment(target))
    ));
    url.query_pairs_mut()
        .append_pair("api-version", api_version);
    url
}

pub fn request(target: &Target, conversation: &Conversation) -> Result<Request, Failure> {
    // Reasoning deployments (o1, o3, o4, gpt-5) refuse `max_tokens`; older API versions
    // do not know `max_completion_tokens`, so choose by the model's family.
    let family = target.model.to_ascii_lowercase();
    let reasoning = ["o1", "o3", "o4", "gpt-5"]
        .iter()
        .any(|prefix| family.starts_with(prefix));
    let tokens_field = if reasoning {
        "max_completion_tokens"
    } else {
        "max_tokens"
    };
    let mut body = json!({
        "messages": conversation.all_messages(),
        "stream": true,
    });
    openai::add_options(&mut body, conversation, tokens_field);
    let request = Request::json(url(target), &body);
    match &target.api_key {
        Some(key) => request.secret_header(
            reqwest::header::HeaderName::from_static("api-key"),
            key.expose(),
        ),
        None => Ok(request),
    }
}

/// Percent-encodes a path segment (a deployment name is free text).
fn urlencode_segment(segment: &str) -> String {
    url::form_urlencoded::byte_serialize(segment.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}
