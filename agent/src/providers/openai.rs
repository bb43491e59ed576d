//! OpenAI chat completions: OpenAI itself and every OpenAI-compatible server (LM Studio,
//! vLLM, the llama.cpp server, LocalAI, Jan, GPT4All, ...). Azure OpenAI shares the reply
//! shapes (see `azure.rs` for its request).
//!
//! Streamed, each event's data is a `chat.completion.chunk`: text in
//! `choices[].delta.content`, `finish_reason` on the last choice chunk, `usage` in a final
//! chunk with no choices (OpenAI sends it when asked with `stream_options`), then
//! `[DONE]`. Azure opens with a chunk of content-filter results and no choices.

use serde_json::{Value, json};

use super::{Conversation, Dialect, Reply, ReplyError, Request, Target, count, has_error, shape};
use crate::providers::{Failure, ProviderMessage};

pub fn request(target: &Target, conversation: &Conversation) -> Result<Request, Failure> {
    let mut body = json!({
        "model": target.model,
        "messages": conversation.all_messages(),
        "stream": true,
    });
    // OpenAI's own API: `max_tokens` is refused by its reasoning models, and usage comes
    // in a stream only when asked for. Compatible servers know `max_tokens`; unknown
    // fields are refused by some.
    let tokens_field = if target.provider == "openai" {
        body["stream_options"] = json!({"include_usage": true});
        "max_completion_tokens"
    } else {
        "max_tokens"
    };
    add_options(&mut body, conversation, tokens_field);
    Request::json(Dialect::OpenAi.url(target), &body).bearer(target.api_key.as_ref())
}

/// The options of the chat completions shape (OpenAI, Azure, compatible servers), with
/// the token limit under `tokens_field`.
pub(crate) fn add_options(body: &mut Value, conversation: &Conversation, tokens_field: &str) {
    if let Some(max_tokens) = conversation.max_tokens {
        body[tokens_field] = json!(max_tokens);
    }
    if let Some(temperature) = conversation.temperature {
        body["temperature"] = json!(temperature);
    }
    if !conversation.stop.is_empty() {
        body["stop"] = json!(conversation.stop);
    }
}

/// One server-sent event of a streamed reply.
pub fn on_event(data: &str, reply: &mut Reply) -> Result<(), ReplyError> {
    if data.trim() == "[DONE]" {
        if !reply.started {
            return Err(shape("the stream ended before any reply"));
        }
        reply.end();
        return Ok(());
    }
    let chunk = super::parse_json(data)?;
    if has_error(&chunk) {
        return Err(ReplyError::Provider(ProviderMessage::from_json(
            &chunk,
            reply.redactor(),
        )));
    }
    let Some(choices) = chunk.get("choices").and_then(Value::as_array) else {
        if chunk.get("usage").is_some() {
            read_usage(&chunk, reply);
            return Ok(());
        }
        return Err(shape("a stream event has no `choices`"));
    };
    reply.started = true;
    reply.set_model(chunk.get("model"));
    for choice in choices {
        if let Some(text) = choice.pointer("/delta/content").and_then(Value::as_str) {
            reply.push_text(text);
        }
        if choice.get("finish_reason").is_some_and(|r| !r.is_null()) {
            reply.set_finish(choice.get("finish_reason"));
            // Some servers end without `[DONE]`: a finish reason ends the reply too.
            reply.done = true;
        }
    }
    read_usage(&chunk, reply);
    Ok(())
}

/// A reply that came whole: a `chat.completion`.
pub fn on_body(body: &Value, reply: &mut Reply) -> Result<(), ReplyError> {
    if has_error(body) {
        return Err(ReplyError::Provider(ProviderMessage::from_json(
            body,
            reply.redactor(),
        )));
    }
    let Some(choices) = body.get("choices").and_then(Value::as_array) else {
        return Err(shape("the reply has no `choices`"));
    };
    reply.set_model(body.get("model"));
    if let Some(choice) = choices.first() {
        match choice.pointer("/message/content") {
            Some(Value::String(text)) => reply.push_text(text),
            Some(Value::Null) | None if choice.get("message").is_some() => {}
            _ => return Err(shape("the reply's first choice has no `message.content`")),
        }
        reply.set_finish(choice.get("finish_reason"));
    }
    read_usage(body, reply);
    reply.end();
    Ok(())
}

fn read_usage(value: &Value, reply: &mut Reply) {
    let Some(usage) = value.get("usage").filter(|u| u.is_object()) else {
        return;
    };
    reply.usage.input_tokens = count(usage.get("prompt_tokens")).or(reply.usage.input_tokens);
    reply.usage.output_tokens = count(usage.get("completion_tokens")).or(reply.usage.output_tokens);
    reply.usage.total_tokens = count(usage.get("total_tokens")).or(reply.usage.total_tokens);
    reply.complete_usage();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::reply::testing::reply as new_reply;

    #[test]
    fn a_stream_with_usage_and_done() {
        let mut reply = new_reply();
        for data in [
            r#"{"id":"c","object":"chat.completion.chunk","model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"system_fingerprint":"x"}"#,
            r#"{"choices":[{"index":0,"delta":{"content":"Hello"},"finish_reason":null}]}"#,
            r#"{"choices":[{"index":0,"delta":{"content":" there"},"logprobs":null,"finish_reason":null}]}"#,
            r#"{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#,
            r#"{"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":2,"total_tokens":14}}"#,
            "[DONE]",
        ] {
            on_event(data, &mut reply).unwrap();
        }
        assert!(reply.done);
        assert_eq!(reply.model.as_deref(), Some("gpt-4o-mini-2024-07-18"));
        assert_eq!(reply.snippet().as_deref(), Some("Hello there"));
        assert_eq!(reply.finish_reason.as_deref(), Some("stop"));
        assert_eq!(reply.usage.input_tokens, Some(12));
        assert_eq!(reply.usage.total_tokens, Some(14));
    }

    #[test]
    fn azure_content_filter_chunks_and_errors_mid_stream() {
        let mut reply = new_reply();
        on_event(
            r#"{"choices":[],"prompt_filter_results":[{"prompt_index":0}]}"#,
            &mut reply,
        )
        .unwrap();
        assert!(!reply.done);
        let err = on_event(
            r#"{"error":{"message":"overloaded","type":"server_error"}}"#,
            &mut reply,
        )
        .unwrap_err();
        assert!(matches!(err, ReplyError::Provider(m) if m.has_kind("server_error")));
        assert!(matches!(
            on_event(r#"{"hello":1}"#, &mut reply),
            Err(ReplyError::Shape(_))
        ));
        assert!(matches!(
            on_event("not json", &mut reply),
            Err(ReplyError::Shape(_))
        ));
    }

    #[test]
    fn a_whole_completion() {
        let mut reply = new_reply();
        let body = json!({"id":"x","object":"chat.completion","model":"qwen2.5","choices":[{"index":0,"message":{"role":"assistant","content":"Hi!"},"finish_reason":"length"}],"usage":{"prompt_tokens":3,"completion_tokens":1}});
        on_body(&body, &mut reply).unwrap();
        assert!(reply.done);
        assert_eq!(reply.snippet().as_deref(), Some("Hi!"));
        assert_eq!(reply.usage.total_tokens, Some(4));
        assert!(matches!(
            on_body(&json!({}), &mut new_reply()),
            Err(ReplyError::Shape(_))
        ));
        assert!(matches!(
            on_body(&json!({"choices":[{"text":"x"}]}), &mut new_reply()),
            Err(ReplyError::Shape(_))
        ));
    }
}
