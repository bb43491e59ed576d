//! Anthropic Messages. Streamed, the reply is named server-sent events: `message_start`
//! (model, input tokens), `content_block_delta` with `text_delta`s, `message_delta`
//! (stop reason, output tokens) and `message_stop`; `ping` and unknown events are
//! skipped, an `error` event carries `{error: {type, message}}`. Unstreamed, the body is a
//! `message` with `content` blocks.

use serde_json::{Value, json};

use llm_agent_protocol::methods::chat::DEFAULT_ANTHROPIC_MAX_TOKENS;

use super::{Conversation, Reply, ReplyError, Request, Target, count, shape};
use crate::providers::{Failure, ProviderMessage};

/// The API version header every request carries.
pub const API_VERSION: &str = "2023-06-01";

pub fn request(target: &Target, conversation: &Conversation) -> Result<Request, Failure> {
    let mut body = json!({
        "model": target.model,
        // Anthropic requires a limit.
        "max_tokens": conversation.max_tokens.unwrap_or(DEFAULT_ANTHROPIC_MAX_TOKENS),
        "messages": conversation.turns(),
        "stream": true,
    });
    if let Some(system) = conversation.system_text() {
        body["system"] = json!(system);
    }
    if let Some(temperature) = conversation.temperature {
        body["temperature"] = json!(temperature);
    }
    if !conversation.stop.is_empty() {
        body["stop_sequences"] = json!(conversation.stop);
    }
    let mut request = Request::json(url(target), &body);
    request.headers.push((
        reqwest::header::HeaderName::from_static("anthropic-version"),
        reqwest::header::HeaderValue::from_static(API_VERSION),
    ));
    match &target.api_key {
        Some(key) => request.secret_header(
            reqwest::header::HeaderName::from_static("x-api-key"),
            key.expose(),
        ),
        None => Ok(request),
    }
}

/// `{endpoint}/v1/messages`; the base URL is `https://api.anthropic.com`, and one that
/// already ends in `/v1` is accepted.
pub fn url(target: &Target) -> url::Url {
    if target
        .endpoint
        .path()
        .trim_end_matches('/')
        .ends_with("/v1")
    {
        target.url("messages")
    } else {
        target.url("v1/messages")
    }
}

/// One server-sent event of a streamed reply.
pub fn on_event(event: Option<&str>, data: &str, reply: &mut Reply) -> Result<(), ReplyError> {
    let value = super::parse_json(data)?;
    let kind = value
        .get("type")
        .and_then(Value::as_str)
        .or(event)
        .ok_or_else(|| shape("a stream event has no `type`"))?;
    match kind {
        "message_start" => {
            reply.started = true;
            let message = value
                .get("message")
                .ok_or_else(|| shape("`message_start` has no `message`"))?;
            reply.set_model(message.get("model"));
            read_usage(message.get("usage"), reply);
        }
        "content_block_delta" => {
            if let Some(text) = value.pointer("/delta/text").and_then(Value::as_str) {
                reply.push_text(text);
            }
        }
        "message_delta" => {
            reply.set_finish(value.pointer("/delta/stop_reason"));
            read_usage(value.get("usage"), reply);
        }
        "message_stop" => {
            if !reply.started {
                return Err(shape("the stream ended before any reply"));
            }
            reply.end();
        }
        "error" => {
            return Err(ReplyError::Provider(ProviderMessage::from_json(
                &value,
                reply.redactor(),
            )));
        }
        _ => {}
    }
    Ok(())
}

/// A reply that came whole: a `message`.
pub fn on_body(body: &Value, reply: &mut Reply) -> Result<(), ReplyError> {
    match body.get("type").and_then(Value::as_str) {
        Some("message") => {}
        Some("error") => {
            return Err(ReplyError::Provider(ProviderMessage::from_json(
                body,
                reply.redactor(),
            )));
        }
        _ => return Err(shape("the reply is not a `message`")),
    }
    reply.set_model(body.get("model"));
    for block in body
        .get("content")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if block.get("type").and_then(Value::as_str) == Some("text")
            && let Some(text) = block.get("text").and_then(Value::as_str)
        {
            reply.push_text(text);
        }
    }
    reply.set_finish(body.get("stop_reason"));
    read_usage(body.get("usage"), reply);
    reply.end();
    Ok(())
}

fn read_usage(usage: Option<&Value>, reply: &mut Reply) {
    let Some(usage) = usage else { return };
    reply.usage.input_tokens = count(usage.get("input_tokens")).or(reply.usage.input_tokens);
    // `message_delta` carries the running total of output tokens.
    reply.usage.output_tokens = count(usage.get("output_tokens")).or(reply.usage.output_tokens);
    reply.usage.total_tokens = None;
    reply.complete_usage();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::reply::testing::reply as new_reply;

    #[test]
    fn a_stream_of_named_events() {
        let mut reply = new_reply();
        let events = [
            (
                "message_start",
                r#"{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[],"usage":{"input_tokens":25,"output_tokens":1}}}"#,
            ),
            (
                "content_block_start",
                r#"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#,
            ),
            ("ping", r#"{"type":"ping"}"#),
            (
                "content_block_delta",
                r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Ready"}}"#,
            ),
            (
                "content_block_delta",
                r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" to help."}}"#,
            ),
            (
                "content_block_stop",
                r#"{"type":"content_block_stop","index":0}"#,
            ),
            (
                "message_delta",
                r#"{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":4}}"#,
            ),
        ];
        for (name, data) in events {
            on_event(Some(name), data, &mut reply).unwrap();
        }
        assert!(!reply.done, "done only at message_stop");
        on_event(
            Some("message_stop"),
            r#"{"type":"message_stop"}"#,
            &mut reply,
        )
        .unwrap();
        assert!(reply.done);
        assert_eq!(reply.snippet().as_deref(), Some("Ready to help."));
        assert_eq!(reply.model.as_deref(), Some("claude-sonnet-4-5-20250929"));
        assert_eq!(
            (
                reply.usage.input_tokens,
                reply.usage.output_tokens,
                reply.usage.total_tokens
            ),
            (Some(25), Some(4), Some(29))
        );
        assert_eq!(reply.finish_reason.as_deref(), Some("end_turn"));
    }

    #[test]
    fn errors_whole_bodies_and_foreign_shapes() {
        let err = on_event(
            Some("error"),
            r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#,
            &mut new_reply(),
        )
        .unwrap_err();
        assert!(matches!(err, ReplyError::Provider(m) if m.has_kind("overloaded_error")));
        let mut reply = new_reply();
        on_body(&json!({"type":"message","model":"claude-haiku-4-5","content":[{"type":"text","text":"Hi"}],"stop_reason":"end_turn","usage":{"input_tokens":5,"output_tokens":2}}), &mut reply).unwrap();
        assert_eq!(reply.snippet().as_deref(), Some("Hi"));
        assert!(matches!(
            on_body(&json!({"choices":[]}), &mut new_reply()),
            Err(ReplyError::Shape(_))
        ));
        assert!(matches!(
            on_event(None, "{}", &mut new_reply()),
            Err(ReplyError::Shape(_))
        ));
    }
}
