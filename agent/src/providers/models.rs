//! The models a server offers, asked the way its kind answers, with the context window
//! where the server tells it:
//!
//! | kind | asked | context |
//! | --- | --- | --- |
//! | OpenAI, compatible servers | `GET {endpoint}/models` | vLLM's `max_model_len` |
//! | Anthropic | `GET {endpoint}/v1/models` | none |
//! | Azure OpenAI | `GET {endpoint}/openai/models?api-version=..` | none |
//! | Ollama | `GET /api/tags`, then `POST /api/show` per model | `<arch>.context_length`; `num_ctx` (default 4096) |
//! | llama.cpp | `GET {endpoint}/models`, then `GET /props` | `n_ctx` of the loaded model |
//! | LM Studio | `GET /api/v0/models` | `max_context_length`, `loaded_context_length`, `state` |
//!
//! Every text a server sends back is sanitized, and nothing the agent sent (the key) is
//! repeated: failures are typed like a call's.

use std::time::Instant;

use llm_agent_protocol::methods::profiles::{MAX_LISTED_MODELS, ServerModel};
use reqwest::header::{HeaderName, HeaderValue};
use serde_json::{Value, json};
use url::Url;

use super::failure::{self, Failure};
use super::http::{self, ConnectClock, TransportError};
use super::{Dialect, ProviderMessage, Redactor, Target, anthropic, azure};
use crate::provider_kind::ProviderKind;

/// The most of a model list a request reads.
const MAX_LIST_BYTES: usize = 4 * 1024 * 1024;
/// Ollama models asked about their context, at most (one request each).
const MAX_OLLAMA_SHOWN: usize = 32;
/// The context Ollama gives a request when the model sets no `num_ctx`.
pub const OLLAMA_DEFAULT_NUM_CTX: u64 = 4096;

/// Asks `target`'s server which models it offers, before `deadline`.
pub async fn list(target: &Target, deadline: Instant) -> Result<Vec<ServerModel>, Failure> {
    let asking = async {
        let lister = Lister::new(target)?;
        match target.kind() {
            ProviderKind::Ollama => lister.ollama().await,
            ProviderKind::LmStudio => lister.lm_studio().await,
            ProviderKind::LlamaCpp => lister.llama_cpp().await,
            _ => match target.dialect {
                Dialect::Anthropic => lister.openai_shaped(anthropic_models_url(target)).await,
                Dialect::Azure => lister.openai_shaped(azure_models_url(target)).await,
                _ => lister.openai_shaped(target.url("models")).await,
            },
        }
    };
    let mut models = tokio::time::timeout_at(deadline.into(), asking)
        .await
        .map_err(|_| {
            failure::timed_out(
                target,
                llm_agent_protocol::methods::profiles::TestStage::AwaitingHeaders,
                deadline.saturating_duration_since(Instant::now()),
            )
        })??;
    models.truncate(MAX_LISTED_MODELS);
    Ok(models)
}

fn anthropic_models_url(target: &Target) -> Url {
    let mut url = anthropic::url(target);
    let path = url.path().trim_end_matches("/messages").to_owned();
    url.set_path(&format!("{path}/models"));
    url
}

fn azure_models_url(target: &Target) -> Url {
    let mut url = target.url("openai/models");
    let version = target
        .options
        .get("api_version")
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .unwrap_or(azure::DEFAULT_API_VERSION);
    url.query_pairs_mut().append_pair("api-version", version);
    url
}

/// The endpoint's origin with `path`: servers whose native API sits at the root
/// (LM Studio, llama.cpp's `/props`) whatever the profile's base path.
fn at_origin(target: &Target, path: &str) -> Url {
    let mut url = target.endpoint.clone();
    url.set_path(path);
    url.set_query(None);
    url
}

/// One listing's client and headers.
struct Lister<'a> {
    target: &'a Target,
    client: reqwest::Client,
    headers: Vec<(HeaderName, HeaderValue)>,
    redactor: Redactor,
}

impl<'a> Lister<'a> {
    fn new(target: &'a Target) -> Result<Self, Failure> {
        let client = http::client(target, &ConnectClock::default()).map_err(|err| {
            Failure::internal(&format!(
                "cannot build an HTTP client: {}",
                http::innermost(&err)
            ))
        })?;
        let key = target.api_key.as_ref().map(|k| k.expose());
        let mut headers = Vec::new();
        let mut secret = |name: HeaderName, value: String| -> Result<(), Failure> {
            let mut value = HeaderValue::from_str(&value).map_err(|_| Failure::unusable_key())?;
            value.set_sensitive(true);
            headers.push((name, value));
            Ok(())
        };
        if let Some(key) = key {
            match target.dialect {
                Dialect::Anthropic => secret(HeaderName::from_static("x-api-key"), key.to_owned())?,
                Dialect::Azure => secret(HeaderName::from_static("api-key"), key.to_owned())?,
                _ => secret(reqwest::header::AUTHORIZATION, format!("Bearer {key}"))?,
            }
        }
        if target.dialect == Dialect::Anthropic {
            headers.push((
                HeaderName::from_static("anthropic-version"),
                HeaderValue::from_static(anthropic::API_VERSION),
            ));
        }
        Ok(Lister {
            target,
            client,
            headers,
            redactor: Redactor::key_only(key),
        })
    }

    /// Sends one request and reads its JSON answer.
    async fn fetch(&self, url: Url, body: Option<&Value>) -> Result<Value, Failure> {
        let target = self.target;
        let mut request = match body {
            Some(body) => self
                .client
                .post(url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.to_string()),
            None => self.client.get(url),
        };
        for (name, value) in &self.headers {
            request = request.header(name, value.clone());
        }
        let mut response = request
            .send()
            .await
            .map_err(|err| failure::transport(target, &TransportError::of(&err)))?;
        let status = response.status();
        let mut bytes = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|err| failure::cut_short(target, &http::innermost(&err)))?
        {
            if bytes.len() + chunk.len() > MAX_LIST_BYTES {
                return Err(failure::invalid_shape(
                    target,
                    "its model list is over 4 MiB",
                    Some(status.as_u16()),
                ));
            }
            bytes.extend_from_slice(&chunk);
        }
        if !status.is_success() {
            let said = ProviderMessage::from_body(&bytes, &self.redactor);
            let retry_after = http::retry_after(response.headers());
            return Err(failure::for_status(status, &said, retry_after, target));
        }
        serde_json::from_slice(&bytes).map_err(|_| {
            failure::invalid_shape(target, "its model list is not JSON", Some(status.as_u16()))
        })
    }

    /// `{data: [{id, max_model_len?}]}`: OpenAI, Anthropic, Azure, vLLM and the rest.
    async fn openai_shaped(&self, url: Url) -> Result<Vec<ServerModel>, Failure> {
        let body = self.fetch(url, None).await?;
        let data = body
            .get("data")
            .and_then(Value::as_array)
            .ok_or_else(|| self.no_list("`data`"))?;
        Ok(data
            .iter()
            .filter_map(|entry| {
                Some(ServerModel {
                    id: self.text(entry.get("id")?)?,
                    context_window: entry.get("max_model_len").and_then(Value::as_u64),
                    effective_context: None,
                    loaded: None,
                })
            })
            .collect())
    }

    /// `/api/tags`, then `/api/show` for each model's context.
    async fn ollama(&self) -> Result<Vec<ServerModel>, Failure> {
        let tags = self.fetch(self.target.url("api/tags"), None).await?;
        let names: Vec<String> = tags
            .get("models")
            .and_then(Value::as_array)
            .ok_or_else(|| self.no_list("`models`"))?
            .iter()
            .filter_map(|m| {
                m.get("name")
                    .or_else(|| m.get("model"))
                    .and_then(|n| self.text(n))
            })
            .collect();
        let mut models = Vec::with_capacity(names.len());
        for (index, name) in names.into_iter().enumerate() {
            let (context_window, effective_context) = if index < MAX_OLLAMA_SHOWN {
                let shown = self
                    .fetch(self.target.url("api/show"), Some(&json!({"model": name})))
                    .await
                    .ok();
                shown.as_ref().map_or((None, None), ollama_context)
            } else {
                (None, None)
            };
            models.push(ServerModel {
                id: name,
                context_window,
                effective_context,
                loaded: None,
            });
        }
        Ok(models)
    }

    /// `/api/v0/models`: each model's state and context.
    async fn lm_studio(&self) -> Result<Vec<ServerModel>, Failure> {
        let body = self
            .fetch(at_origin(self.target, "/api/v0/models"), None)
            .await?;
        let data = body
            .get("data")
            .and_then(Value::as_array)
            .ok_or_else(|| self.no_list("`data`"))?;
        Ok(data
            .iter()
            .filter_map(|entry| {
                let loaded = entry
                    .get("state")
                    .and_then(Value::as_str)
                    .map(|s| s == "loaded");
                Some(ServerModel {
                    id: self.text(entry.get("id")?)?,
                    context_window: entry.get("max_context_length").and_then(Value::as_u64),
                    effective_context: entry
                        .get("loaded_context_length")
                        .and_then(Value::as_u64)
                        .filter(|_| loaded == Some(true)),
                    loaded,
                })
            })
            .collect())
    }

    /// `/v1/models`, then `/props` for the loaded model's `n_ctx`.
    async fn llama_cpp(&self) -> Result<Vec<ServerModel>, Failure> {
        let mut models = self.openai_shaped(self.target.url("models")).await?;
        let props = self
            .fetch(at_origin(self.target, "/props"), None)
            .await
            .ok();
        let n_ctx = props.as_ref().and_then(|props| {
            props
                .pointer("/default_generation_settings/n_ctx")
                .or_else(|| props.get("n_ctx"))
                .and_then(Value::as_u64)
        });
        for model in &mut models {
            model.effective_context = n_ctx;
        }
        Ok(models)
    }

    fn text(&self, value: &Value) -> Option<String> {
        let text = self.redactor.quote(value.as_str()?, 256);
        (!text.is_empty()).then_some(text)
    }

    fn no_list(&self, field: &str) -> Failure {
        failure::invalid_shape(
            self.target,
            &format!("its model list has no {field}"),
            Some(200),
        )
    }
}

/// An `/api/show` answer's context: `model_info["<arch>.context_length"]`, and the
/// `num_ctx` its parameters set (Ollama's default when none).
fn ollama_context(shown: &Value) -> (Option<u64>, Option<u64>) {
    let context_window = shown
        .get("model_info")
        .and_then(Value::as_object)
        .and_then(|info| {
            info.iter()
                .find(|(key, _)| key.ends_with(".context_length"))
                .and_then(|(_, value)| value.as_u64())
        });
    let num_ctx = shown
        .get("parameters")
        .and_then(Value::as_str)
        .and_then(|parameters| {
            parameters.lines().find_map(|line| {
                let mut words = line.split_whitespace();
                (words.next() == Some("num_ctx"))
                    .then(|| words.next()?.parse::<u64>().ok())
                    .flatten()
            })
        })
        .unwrap_or(OLLAMA_DEFAULT_NUM_CTX);
    let effective = context_window.map_or(num_ctx, |window| num_ctx.min(window));
    (context_window, Some(effective))
}

/// Whether `models` holds `wanted`, as servers name models: exactly, or Ollama's
/// `name` for `name:latest`.
pub fn offers(models: &[ServerModel], wanted: &str) -> bool {
    let wanted = wanted.trim();
    models.iter().any(|m| {
        m.id == wanted
            || m.id.strip_suffix(":latest") == Some(wanted)
            || wanted.strip_suffix(":latest") == Some(&m.id)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ollama_context_reads_the_window_and_num_ctx() {
        let shown = json!({
            "parameters": "stop \"<|eot|>\"\nnum_ctx 8192",
            "model_info": {"llama.context_length": 131072, "general.architecture": "llama"},
        });
        assert_eq!(ollama_context(&shown), (Some(131_072), Some(8192)));
        let bare = json!({"model_info": {"qwen2.context_length": 2048}});
        assert_eq!(ollama_context(&bare), (Some(2048), Some(2048)));
        assert_eq!(
            ollama_context(&json!({})),
            (None, Some(OLLAMA_DEFAULT_NUM_CTX))
        );
    }

    #[test]
    fn a_model_is_offered_by_its_name_or_its_latest_tag() {
        let models = |ids: &[&str]| -> Vec<ServerModel> {
            ids.iter()
                .map(|id| ServerModel {
                    id: (*id).into(),
                    context_window: None,
                    effective_context: None,
                    loaded: None,
                })
                .collect()
        };
        assert!(offers(&models(&["llama3.2:latest"]), "llama3.2"));
        assert!(offers(&models(&["llama3.2"]), "llama3.2:latest"));
        assert!(!offers(&models(&["llama3.2:1b"]), "llama3.2"));
    }
}
