//! Canned provider replies in each provider's wire shape, as [`Script`]s for the
//! [`HttpFixture`](crate::http_fixture::HttpFixture): streamed and whole completions and
//! error bodies for OpenAI chat completions (and every server that speaks them), Ollama's
//! native chat, and Anthropic Messages.
//!
//! Ids and timestamps are fixed, real-looking values. The `*_events`/`*_lines` functions
//! give the stream's pieces alone, so a test can cut or stall between them. JSON keys
//! come out in alphabetical order (serde_json's default), which no JSON reader minds.

use std::time::Duration;

use serde_json::{Value, json};

use crate::http_fixture::{NDJSON, RecordedRequest, Script};

/// The prompt of a chat request in any of these dialects: its first message's content.
pub fn prompt_of(request: &RecordedRequest) -> String {
    request.json()["messages"][0]["content"]
        .as_str()
        .expect("the first message's content is text")
        .to_owned()
}

/// One server-sent event with only a `data:` field.
pub fn sse_data(data: &str) -> String {
    format!("data: {data}\n\n")
}

/// One server-sent event with an `event:` name and a JSON `data:` field.
pub fn sse_named(event: &str, data: &Value) -> String {
    format!("event: {event}\ndata: {data}\n\n")
}

/// OpenAI chat completions (`POST /v1/chat/completions`); also Azure OpenAI and every
/// OpenAI-compatible server.
pub mod openai {
    use super::*;

    /// The `id` of every completion and chunk.
    pub const COMPLETION_ID: &str = "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG";
    /// The `created` of every completion and chunk (2025-01-01T12:00:00Z).
    pub const CREATED: u64 = 1_735_732_800;
    /// The `system_fingerprint` of every completion and chunk.
    pub const SYSTEM_FINGERPRINT: &str = "fp_06737a9306";
    /// The event that ends every stream.
    pub const DONE: &str = "data: [DONE]\n\n";

    /// SSE: one `chat.completion.chunk` per text part (the first with `delta.role`
    /// "assistant"; with no parts, one with empty content), a chunk with
    /// `finish_reason` "stop" and an empty delta, then, if `usage` (prompt, completion
    /// tokens) is given, a chunk with `choices: []` and the usage, then `data: [DONE]`.
    pub fn stream(model: &str, parts: &[&str], usage: Option<(u64, u64)>) -> Script {
        Script::sse(&stream_events(model, parts, usage))
    }

    /// The events of [`stream`], each ending in `"\n\n"`.
    pub fn stream_events(model: &str, parts: &[&str], usage: Option<(u64, u64)>) -> Vec<String> {
        // As with `stream_options.include_usage`: every chunk has `usage`, null but
        // the last.
        let chunk = |choices: Value, usage_value: Value| {
            let mut chunk = json!({
                "id": COMPLETION_ID,
                "object": "chat.completion.chunk",
                "created": CREATED,
                "model": model,
                "system_fingerprint": SYSTEM_FINGERPRINT,
                "choices": choices,
            });
            if usage.is_some() {
                chunk["usage"] = usage_value;
            }
            sse_data(&chunk.to_string())
        };
        let choice = |delta: Value, finish_reason: Value| {
            json!([{
                "index": 0,
                "delta": delta,
                "logprobs": null,
                "finish_reason": finish_reason,
            }])
        };
        let parts = if parts.is_empty() { &[""][..] } else { parts };
        let mut events: Vec<String> = parts
            .iter()
            .enumerate()
            .map(|(i, part)| {
                let delta = if i == 0 {
                    json!({"role": "assistant", "content": part, "refusal": null})
                } else {
                    json!({"content": part})
                };
                chunk(choice(delta, Value::Null), Value::Null)
            })
            .collect();
        events.push(chunk(choice(json!({}), json!("stop")), Value::Null));
        if let Some(usage) = usage {
            events.push(chunk(json!([]), usage_json(usage)));
        }
        events.push(DONE.to_owned());
        events
    }

    /// Not streamed: a `chat.completion` with `choices[0].message.content` = `text`,
    /// `finish_reason` "stop", and the usage if given.
    pub fn completion(model: &str, text: &str, usage: Option<(u64, u64)>) -> Script {
        let mut body = json!({
            "id": COMPLETION_ID,
            "object": "chat.completion",
            "created": CREATED,
            "model": model,
            "system_fingerprint": SYSTEM_FINGERPRINT,
            "choices": [{
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": text,
                    "refusal": null,
                    "annotations": [],
                },
                "logprobs": null,
                "finish_reason": "stop",
            }],
        });
        if let Some(usage) = usage {
            body["usage"] = usage_json(usage);
        }
        Script::json(200, &body)
    }

    /// An error as OpenAI sends it: `{"error": {"message", "type", "param": null,
    /// "code"}}` with `status`. For example 401 `invalid_request_error`
    /// `invalid_api_key`, 404 `invalid_request_error` `model_not_found`, 429
    /// `insufficient_quota` `insufficient_quota`.
    pub fn error(status: u16, message: &str, kind: &str, code: Option<&str>) -> Script {
        Script::json(
            status,
            &json!({
                "error": {
                    "message": message,
                    "type": kind,
                    "param": null,
                    "code": code,
                }
            }),
        )
    }

    fn usage_json((prompt, completion): (u64, u64)) -> Value {
        json!({
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        })
    }
}

/// Ollama's native chat (`POST /api/chat`).
pub mod ollama {
    use super::*;

    /// The `created_at` of every line.
    pub const CREATED_AT: &str = "2025-01-01T12:00:00.123456789Z";

    /// NDJSON: one line per part (`"done": false`), then the final line with an empty
    /// message, `"done": true`, `done_reason` "stop", the durations and the token
    /// counts (`usage` is prompt, completion tokens).
    pub fn stream(model: &str, parts: &[&str], usage: (u64, u64)) -> Script {
        Script::ndjson(&stream_lines(model, parts, usage))
    }

    /// The lines of [`stream`].
    pub fn stream_lines(model: &str, parts: &[&str], usage: (u64, u64)) -> Vec<Value> {
        let mut lines: Vec<Value> = parts
            .iter()
            .map(|part| {
                json!({
                    "model": model,
                    "created_at": CREATED_AT,
                    "message": {"role": "assistant", "content": part},
                    "done": false,
                })
            })
            .collect();
        lines.push(last_line(model, "", usage));
        lines
    }

    /// The head and [`stream`]'s first line, then nothing more: a model that stalls
    /// mid-reply.
    pub fn stalled_stream(model: &str, parts: &[&str], usage: (u64, u64)) -> Script {
        let first = &stream_lines(model, parts, usage)[0];
        Script::new()
            .header("content-type", NDJSON)
            .chunk(format!("{first}\n"))
            .stall()
    }

    /// After `delay`, [`stream`]'s final line alone: a reply without text, slow to come.
    pub fn delayed_done(model: &str, delay: Duration, usage: (u64, u64)) -> Script {
        Script::new()
            .header("content-type", NDJSON)
            .sleep(delay)
            .chunk(format!("{}\n", last_line(model, "", usage)))
            .end()
    }

    /// Not streamed (`"stream": false`): the single final object, with the whole
    /// message.
    pub fn completion(model: &str, text: &str, usage: (u64, u64)) -> Script {
        Script::json(200, &last_line(model, text, usage))
    }

    /// `{"error": message}` with `status`.
    pub fn error(status: u16, message: &str) -> Script {
        Script::json(status, &json!({ "error": message }))
    }

    /// The 404 Ollama sends for a model it does not have.
    pub fn model_not_found(model: &str) -> Script {
        error(
            404,
            &format!("model \"{model}\" not found, try pulling it first"),
        )
    }

    fn last_line(model: &str, text: &str, (prompt, completion): (u64, u64)) -> Value {
        // Nanoseconds, in proportions a small local model shows.
        let load_duration = 12_480_375_u64;
        let prompt_eval_duration = 1_250_000 * prompt.max(1);
        let eval_duration = 18_500_000 * completion.max(1);
        json!({
            "model": model,
            "created_at": CREATED_AT,
            "message": {"role": "assistant", "content": text},
            "done": true,
            "done_reason": "stop",
            "total_duration": load_duration + prompt_eval_duration + eval_duration + 2_104_917,
            "load_duration": load_duration,
            "prompt_eval_count": prompt,
            "prompt_eval_duration": prompt_eval_duration,
            "eval_count": completion,
            "eval_duration": eval_duration,
        })
    }
}

/// Anthropic Messages (`POST /v1/messages`).
pub mod anthropic {
    use super::*;

    /// The `id` of every message.
    pub const MESSAGE_ID: &str = "msg_01XFDUDYJgAACzvnptvVoYEL";

    /// SSE with `event:` lines: `message_start`, `content_block_start` (index 0, empty
    /// text), `ping`, one `content_block_delta` per part, `content_block_stop`,
    /// `message_delta` (`end_turn` and the output tokens), `message_stop`. `usage` is
    /// input, output tokens.
    pub fn stream(model: &str, parts: &[&str], usage: (u64, u64)) -> Script {
        Script::sse(&stream_events(model, parts, usage))
    }

    /// The events of [`stream`], each ending in `"\n\n"`.
    pub fn stream_events(model: &str, parts: &[&str], (input, output): (u64, u64)) -> Vec<String> {
        let mut events = vec![
            sse_named(
                "message_start",
                &json!({
                    "type": "message_start",
                    "message": {
                        "id": MESSAGE_ID,
                        "type": "message",
                        "role": "assistant",
                        "model": model,
                        "content": [],
                        "stop_reason": null,
                        "stop_sequence": null,
                        "usage": {"input_tokens": input, "output_tokens": 1},
                    },
                }),
            ),
            sse_named(
                "content_block_start",
                &json!({
                    "type": "content_block_start",
                    "index": 0,
                    "content_block": {"type": "text", "text": ""},
                }),
            ),
            sse_named("ping", &json!({"type": "ping"})),
        ];
        events.extend(parts.iter().map(|part| {
            sse_named(
                "content_block_delta",
                &json!({
                    "type": "content_block_delta",
                    "index": 0,
                    "delta": {"type": "text_delta", "text": part},
                }),
            )
        }));
        events.extend([
            sse_named(
                "content_block_stop",
                &json!({"type": "content_block_stop", "index": 0}),
            ),
            sse_named(
                "message_delta",
                &json!({
                    "type": "message_delta",
                    "delta": {"stop_reason": "end_turn", "stop_sequence": null},
                    "usage": {"output_tokens": output},
                }),
            ),
            sse_named("message_stop", &json!({"type": "message_stop"})),
        ]);
        events
    }

    /// Not streamed: the whole `message`, one text block, `end_turn`.
    pub fn completion(model: &str, text: &str, (input, output): (u64, u64)) -> Script {
        Script::json(
            200,
            &json!({
                "id": MESSAGE_ID,
                "type": "message",
                "role": "assistant",
                "model": model,
                "content": [{"type": "text", "text": text}],
                "stop_reason": "end_turn",
                "stop_sequence": null,
                "usage": {"input_tokens": input, "output_tokens": output},
            }),
        )
    }

    /// `{"type": "error", "error": {"type": kind, "message": message}}` with `status`.
    /// Anthropic pairs 400 `invalid_request_error`, 401 `authentication_error`, 404
    /// `not_found_error`, 429 `rate_limit_error`, 500 `api_error` and 529
    /// `overloaded_error`.
    pub fn error(status: u16, kind: &str, message: &str) -> Script {
        Script::json(
            status,
            &json!({
                "type": "error",
                "error": {"type": kind, "message": message},
            }),
        )
    }
}
