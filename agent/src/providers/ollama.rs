//! Ollama's native `/api/chat`. Streamed, the reply is newline-delimited JSON: text in
//! `message.content` of each line, and a last line with `done: true`, `done_reason` and
//! the token counts (`prompt_eval_count`, `eval_count`). Unstreamed, the body is that last
//! line with the whole message. An error is `{"error": "..."}`, also mid-stream.

use serde_json::{Value, json};

use super::{Conversation, Dialect, Reply, ReplyError, Request, Target, count, has_error, shape};
use crate::providers::{Failure, ProviderMessage};

pub fn request(target: &Target, conversation: &Conversation) -> Result<Request, Failure> {
    let mut options = serde_json::Map::new();
    if let Some(max_tokens) = conversation.max_tokens {
        options.insert("num_predict".into(), json!(max_tokens));
    }
    if let Some(temperature) = conversation.temperature {
        options.insert("temperature".into(), json!(temperature));
    }
    if !conversation.stop.is_empty() {
        options.insert("stop".into(), json!(conversation.stop));
    }
    let mut body = json!({
        "model": target.model,
        "messages": conversation.all_messages(),
        "stream": true,
    });
    if !options.is_empty() {
        body["options"] = Value::Object(options);
    }
    // Ollama itself has no keys; one behind an authenticating proxy takes a bearer token.
    Request::json(Dialect::Ollama.url(target), &body).bearer(target.api_key.as_ref())
}

/// One NDJSON line, or the whole unstreamed body.
pub fn on_line(line: &Value, reply: &mut Reply) -> Result<(), ReplyError> {
    if has_error(line) {
        return Err(ReplyError::Provider(ProviderMessage::from_json(
            line,
            reply.redactor(),
        )));
    }
    let message = line.get("message");
    let done = line.get("done").and_then(Value::as_bool);
    if message.is_none() && done.is_none() {
        return Err(shape("a line has neither `message` nor `done`"));
    }
    reply.started = true;
    reply.set_model(line.get("model"));
    if let Some(text) = message
        .and_then(|m| m.get("content"))
        .and_then(Value::as_str)
    {
        reply.push_text(text);
    }
    if done == Some(true) {
        reply.set_finish(line.get("done_reason"));
        reply.usage.input_tokens = count(line.get("prompt_eval_count"));
        reply.usage.output_tokens = count(line.get("eval_count"));
        reply.complete_usage();
        reply.end();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::reply::testing::reply as new_reply;

    #[test]
    fn a_stream_ends_with_done_and_counts() {
        let mut reply = new_reply();
        for line in [
            json!({"model":"llama3.2","created_at":"2025-01-01T00:00:00Z","message":{"role":"assistant","content":"Hi"},"done":false}),
            json!({"model":"llama3.2","message":{"role":"assistant","content":" you"},"done":false}),
            json!({"model":"llama3.2","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","total_duration":1,"prompt_eval_count":26,"eval_count":3}),
        ] {
            assert!(!reply.done);
            on_line(&line, &mut reply).unwrap();
        }
        assert!(reply.done);
        assert_eq!(reply.snippet().as_deref(), Some("Hi you"));
        assert_eq!(reply.usage.total_tokens, Some(29));
        assert_eq!(reply.finish_reason.as_deref(), Some("stop"));
    }

    #[test]
    fn errors_and_foreign_shapes() {
        let err = on_line(
            &json!({"error":"model \"x\" not found, try pulling it first"}),
            &mut new_reply(),
        )
        .unwrap_err();
        assert!(
            matches!(err, ReplyError::Provider(m) if m.message.as_deref().is_some_and(|m| m.contains("try pulling")))
        );
        assert!(matches!(
            on_line(&json!({"choices":[]}), &mut new_reply()),
            Err(ReplyError::Shape(_))
        ));
    }
}
