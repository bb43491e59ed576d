//! The HTTP fixture itself: keep-alive, chunked streams, stalls, cut streams,
//! concurrency, the order of `respond` calls, and the canned provider dialects. Driven by
//! reqwest, as the agent drives providers, and by raw TCP for what reqwest never does
//! (pipelining, chunked request bodies) or hides (the exact bytes).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::future::join_all;
use llm_agent_tests::dialects::{anthropic, ollama, openai};
use llm_agent_tests::http_fixture::{HttpFixture, Script};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Long enough never to fire on a working fixture; a failure still ends fast.
const WAIT: Duration = Duration::from_secs(5);

fn http_client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().build().expect("reqwest client")
}

/// The events of an SSE body: each one's `event:` name, if any, and its `data:`.
fn sse_events(body: &str) -> Vec<(Option<String>, String)> {
    assert!(body.ends_with("\n\n"), "an SSE body ends with a blank line");
    body.split_terminator("\n\n")
        .map(|event| {
            let mut name = None;
            let mut data = String::new();
            for line in event.lines() {
                if let Some(value) = line.strip_prefix("event: ") {
                    name = Some(value.to_owned());
                } else if let Some(value) = line.strip_prefix("data: ") {
                    data.push_str(value);
                } else {
                    panic!("not an SSE line: {line:?}");
                }
            }
            (name, data)
        })
        .collect()
}

fn json_of(data: &str) -> Value {
    serde_json::from_str(data).unwrap_or_else(|e| panic!("{e}: {data}"))
}

/// Reads one response with a known-length body off a raw stream, leaving the rest.
async fn read_response(stream: &mut TcpStream, buf: &mut Vec<u8>) -> (u16, Vec<u8>) {
    loop {
        let mut headers = [httparse::EMPTY_HEADER; 32];
        let mut response = httparse::Response::new(&mut headers);
        if let httparse::Status::Complete(head_len) = response.parse(buf).expect("a response") {
            let status = response.code.expect("a status");
            let len: usize = response
                .headers
                .iter()
                .find(|h| h.name.eq_ignore_ascii_case("content-length"))
                .map(|h| std::str::from_utf8(h.value).unwrap().parse().unwrap())
                .expect("a content-length");
            while buf.len() < head_len + len {
                assert_ne!(stream.read_buf(buf).await.expect("read"), 0, "early EOF");
            }
            let body = buf[head_len..head_len + len].to_vec();
            buf.drain(..head_len + len);
            return (status, body);
        }
        assert_ne!(stream.read_buf(buf).await.expect("read"), 0, "early EOF");
    }
}

#[tokio::test]
async fn two_requests_share_one_kept_alive_connection() {
    let fixture = HttpFixture::start(|request| {
        Script::json(200, &json!({"path": request.path, "n": request.body.len()}))
    })
    .await;
    let client = http_client();
    for i in 0..2 {
        let reply = client
            .post(format!(
                "{}/v1/chat/completions?api-version=2024-10-21",
                fixture.url()
            ))
            .header("Authorization", "Bearer sk-test")
            .header("content-type", "application/json")
            .body(json!({"model": "gpt-4o-mini", "i": i}).to_string())
            .send()
            .await
            .expect("send");
        assert_eq!(reply.status(), 200);
        let body: Value = json_of(&reply.text().await.expect("body"));
        assert_eq!(body["path"], "/v1/chat/completions?api-version=2024-10-21");
    }
    let requests = fixture.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(fixture.connections(), 1);
    assert!(requests.iter().all(|r| r.connection == 0));
    assert_eq!(requests[1].method, "POST");
    assert_eq!(requests[1].header("AUTHORIZATION"), Some("Bearer sk-test"));
    assert_eq!(requests[1].json(), json!({"model": "gpt-4o-mini", "i": 1}));
    assert!(requests[0].arrived <= requests[1].arrived);
}

#[tokio::test]
async fn pipelined_requests_are_answered_in_turn_and_connection_close_is_honored() {
    let fixture = HttpFixture::start(|request| Script::new().body(request.path.clone())).await;
    let mut stream = TcpStream::connect(fixture.addr()).await.expect("connect");
    stream
        .write_all(
            b"GET /first HTTP/1.1\r\nHost: x\r\n\r\n\
              POST /second HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\
              Connection: close\r\n\r\n3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\nX-Trailer: 1\r\n\r\n",
        )
        .await
        .expect("write");
    let mut buf = Vec::new();
    assert_eq!(
        read_response(&mut stream, &mut buf).await,
        (200, b"/first".to_vec())
    );
    assert_eq!(
        read_response(&mut stream, &mut buf).await,
        (200, b"/second".to_vec())
    );
    let mut rest = Vec::new();
    stream.read_to_end(&mut rest).await.expect("read to EOF");
    assert!(
        buf.is_empty() && rest.is_empty(),
        "the server closed after the reply"
    );
    let requests = fixture.requests();
    assert_eq!(requests[1].body, b"abcde", "the chunked body, de-chunked");
    assert_eq!(fixture.connections(), 1);
}

#[tokio::test]
async fn a_chunked_stream_arrives_in_parts() {
    let fixture = HttpFixture::start(|_| {
        Script::new()
            .header("content-type", "text/plain")
            .chunk("one")
            .sleep(Duration::from_millis(300))
            .chunk("two")
    })
    .await;
    let client = http_client();
    let mut reply = client.get(fixture.url()).send().await.expect("send");
    assert_eq!(reply.status(), 200);
    assert_eq!(reply.headers()["transfer-encoding"], "chunked");
    let first = reply.chunk().await.expect("chunk").expect("first");
    assert_eq!(&first[..], b"one");
    let early = tokio::time::timeout(Duration::from_millis(20), reply.chunk()).await;
    assert!(
        early.is_err(),
        "the second part is not there yet: {early:?}"
    );
    let second = reply.chunk().await.expect("chunk").expect("second");
    assert_eq!(&second[..], b"two");
    let arrived = fixture.requests()[0].arrived;
    assert!(
        arrived.elapsed() >= Duration::from_millis(300),
        "it came after the sleep"
    );
    // The script had no `end()`: the fixture ended the body anyway, and keeps the
    // connection.
    assert!(reply.chunk().await.expect("the end").is_none());
    client.get(fixture.url()).send().await.expect("send again");
    assert_eq!(fixture.connections(), 1);
}

#[tokio::test]
async fn a_stall_holds_the_client_until_it_drops_the_request_and_counts_the_hangup() {
    let fixture = HttpFixture::start(|_| Script::new().stall()).await;
    let client = http_client();
    tokio::select! {
        reply = client.get(fixture.url()).send() => panic!("no reply ever comes: {reply:?}"),
        _ = fixture.wait_for_requests(1, WAIT) => {}
    }
    // The `send` future is gone: reqwest closed its connection.
    fixture.wait_for_hangups(1, WAIT).await;
    assert_eq!(fixture.client_hangups(), 1);
    assert_eq!(fixture.in_progress(), 0);
    assert_eq!(fixture.requests().len(), 1);
}

#[tokio::test]
async fn a_stall_as_the_first_step_sends_nothing_until_the_client_hangs_up() {
    let fixture = HttpFixture::start(|_| Script::new().stall().body("never")).await;
    let mut stream = TcpStream::connect(fixture.addr()).await.expect("connect");
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("write");
    fixture.wait_for_requests(1, WAIT).await;
    let mut byte = [0u8; 1];
    let read = tokio::time::timeout(Duration::from_millis(100), stream.read(&mut byte)).await;
    assert!(read.is_err(), "nothing is written: {read:?}");
    assert_eq!(fixture.in_progress(), 1);

    drop(stream);
    fixture.wait_for_hangups(1, WAIT).await;
    assert_eq!(fixture.in_progress(), 0);
}

#[tokio::test]
async fn a_client_leaving_mid_stream_counts_as_a_hangup_during_the_sleep() {
    let fixture = HttpFixture::start(|_| {
        Script::new()
            .header("content-type", "text/event-stream")
            .chunk("data: 1\n\n")
            .sleep(Duration::from_secs(30))
            .chunk("data: 2\n\n")
    })
    .await;
    let client = http_client();
    let mut reply = client.get(fixture.url()).send().await.expect("send");
    assert_eq!(
        reply.chunk().await.expect("chunk").as_deref(),
        Some(&b"data: 1\n\n"[..])
    );
    drop(reply);
    fixture.wait_for_hangups(1, WAIT).await;
    assert_eq!(fixture.in_progress(), 0);
}

#[tokio::test]
async fn close_cuts_a_chunked_body() {
    let fixture = HttpFixture::start(|request| {
        if request.path == "/before-head" {
            Script::new().close()
        } else {
            Script::new().chunk("data: partial\n\n").close()
        }
    })
    .await;
    let client = http_client();
    let reply = client
        .get(fixture.url())
        .send()
        .await
        .expect("the head arrives");
    assert_eq!(reply.status(), 200);
    let error = reply.bytes().await.expect_err("the body is cut");
    assert!(error.is_body() || error.is_decode(), "{error:?}");

    let error = client
        .get(format!("{}/before-head", fixture.url()))
        .send()
        .await
        .expect_err("no reply at all");
    assert!(error.is_request(), "{error:?}");
    assert_eq!(
        fixture.client_hangups(),
        0,
        "the server cut, not the client"
    );
}

#[tokio::test]
async fn concurrent_requests_are_answered_at_the_same_time() {
    // Long enough that all four are still sleeping when checked, however slow the box.
    let fixture =
        HttpFixture::start(|_| Script::new().sleep(Duration::from_secs(30)).body("done")).await;
    let client = http_client();
    let replies = join_all((0..4).map(|_| client.get(fixture.url()).send()));
    tokio::select! {
        replies = replies => panic!("the replies take 30 s: {replies:?}"),
        _ = fixture.wait_for_requests(4, WAIT) => {}
    }
    assert_eq!(fixture.in_progress(), 4);
    assert_eq!(fixture.max_in_progress(), 4);
    assert_eq!(fixture.connections(), 4);
    // The requests were dropped above: every sleep sees its client leave.
    fixture.wait_for_hangups(4, WAIT).await;
    assert_eq!(fixture.in_progress(), 0);
    assert_eq!(fixture.max_in_progress(), 4);
}

#[tokio::test]
async fn respond_is_called_once_per_request_in_order() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let fixture = HttpFixture::start(move |_| {
        if counter.fetch_add(1, Ordering::SeqCst) == 0 {
            openai::error(
                429,
                "Rate limit reached for gpt-4o-mini",
                "requests",
                Some("rate_limit_exceeded"),
            )
            .header("retry-after", "1")
        } else {
            openai::completion("gpt-4o-mini", "Hello", Some((5, 1)))
        }
    })
    .await;
    let client = http_client();
    let first = client.get(fixture.url()).send().await.expect("send");
    assert_eq!(first.status(), 429);
    assert_eq!(first.headers()["retry-after"], "1");
    let error = json_of(&first.text().await.expect("body"));
    assert_eq!(error["error"]["code"], "rate_limit_exceeded");
    assert_eq!(error["error"]["param"], Value::Null);
    let second = client.get(fixture.url()).send().await.expect("send");
    assert_eq!(second.status(), 200);
    let completion = json_of(&second.text().await.expect("body"));
    assert_eq!(completion["choices"][0]["message"]["content"], "Hello");
    assert_eq!(completion["usage"]["total_tokens"], 6);
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_panicking_respond_is_a_500_that_says_why() {
    let fixture = HttpFixture::start(|_| panic!("scripted failure")).await;
    let reply = http_client().get(fixture.url()).send().await.expect("send");
    assert_eq!(reply.status(), 500);
    assert!(
        reply
            .text()
            .await
            .expect("body")
            .contains("scripted failure")
    );
}

#[tokio::test]
async fn an_empty_script_is_an_empty_reply() {
    let fixture = HttpFixture::start(|request| match request.path.as_str() {
        "/no-content" => Script::new().status(204),
        _ => Script::new(),
    })
    .await;
    let client = http_client();
    for path in ["/no-content", "/ok"] {
        let reply = client
            .get(format!("{}{path}", fixture.url()))
            .send()
            .await
            .expect("send");
        assert!(reply.status().is_success());
        assert!(reply.bytes().await.expect("body").is_empty());
    }
    assert_eq!(fixture.connections(), 1);
}

#[tokio::test]
async fn raw_bytes_and_a_lying_length_are_sent_as_scripted() {
    let fixture = HttpFixture::start(|request| match request.path.as_str() {
        "/raw" => Script::new().raw("HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello"),
        _ => Script::new()
            .header("content-length", "100")
            .body("short")
            .close(),
    })
    .await;
    let mut stream = TcpStream::connect(fixture.addr()).await.expect("connect");
    stream
        .write_all(b"GET /raw HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("write");
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).await.expect("read to EOF");
    assert_eq!(
        reply, b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello",
        "the bytes as they are, then the connection closed"
    );

    let reply = http_client()
        .get(format!("{}/short", fixture.url()))
        .send()
        .await
        .expect("send");
    assert_eq!(reply.content_length(), Some(100));
    reply.bytes().await.expect_err("95 bytes never come");
}

#[tokio::test]
async fn openai_stream_is_sse_in_openai_shape() {
    let fixture =
        HttpFixture::start(|_| openai::stream("gpt-4o-mini", &["Hel", "lo"], Some((12, 2)))).await;
    let reply = http_client().get(fixture.url()).send().await.expect("send");
    assert_eq!(reply.headers()["content-type"], "text/event-stream");
    let events = sse_events(&reply.text().await.expect("body"));
    assert_eq!(events.len(), 5, "{events:?}");
    assert!(events.iter().all(|(name, _)| name.is_none()));
    let (last, chunks) = events.split_last().unwrap();
    assert_eq!(last.1, "[DONE]");
    let chunks: Vec<Value> = chunks.iter().map(|(_, data)| json_of(data)).collect();
    for chunk in &chunks {
        assert_eq!(chunk["object"], "chat.completion.chunk");
        assert_eq!(chunk["model"], "gpt-4o-mini");
        assert_eq!(chunk["id"], openai::COMPLETION_ID);
    }
    assert_eq!(chunks[0]["choices"][0]["delta"]["role"], "assistant");
    assert_eq!(chunks[1]["choices"][0]["delta"].get("role"), None);
    let text: String = chunks[..2]
        .iter()
        .map(|c| c["choices"][0]["delta"]["content"].as_str().unwrap())
        .collect();
    assert_eq!(text, "Hello");
    assert_eq!(chunks[2]["choices"][0]["finish_reason"], "stop");
    assert_eq!(chunks[2]["choices"][0]["delta"], json!({}));
    assert_eq!(chunks[2]["usage"], Value::Null);
    assert_eq!(chunks[3]["choices"], json!([]));
    assert_eq!(
        chunks[3]["usage"],
        json!({"prompt_tokens": 12, "completion_tokens": 2, "total_tokens": 14})
    );

    let without_usage = openai::stream_events("gpt-4o-mini", &["Hi"], None);
    assert_eq!(without_usage.len(), 3);
    assert!(without_usage.iter().all(|e| e.ends_with("\n\n")));
    assert!(!without_usage[1].contains("usage"));
}

#[tokio::test]
async fn anthropic_and_ollama_streams_are_in_their_shapes() {
    let fixture = HttpFixture::start(|request| match request.path.as_str() {
        "/v1/messages" => anthropic::stream("claude-sonnet-4-5", &["Hel", "lo"], (20, 3)),
        "/api/chat" => ollama::stream("llama3.2", &["Hel", "lo"], (20, 3)),
        _ => ollama::model_not_found("nope"),
    })
    .await;
    let client = http_client();

    let body = client
        .post(format!("{}/v1/messages", fixture.url()))
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("body");
    let events = sse_events(&body);
    let names: Vec<&str> = events.iter().map(|(n, _)| n.as_deref().unwrap()).collect();
    assert_eq!(
        names,
        [
            "message_start",
            "content_block_start",
            "ping",
            "content_block_delta",
            "content_block_delta",
            "content_block_stop",
            "message_delta",
            "message_stop"
        ]
    );
    for (name, data) in &events {
        assert_eq!(json_of(data)["type"], name.as_deref().unwrap());
    }
    let start = json_of(&events[0].1);
    assert_eq!(start["message"]["usage"]["input_tokens"], 20);
    assert_eq!(json_of(&events[4].1)["delta"]["text"], "lo");
    assert_eq!(json_of(&events[6].1)["usage"]["output_tokens"], 3);

    let reply = client
        .post(format!("{}/api/chat", fixture.url()))
        .send()
        .await
        .expect("send");
    assert_eq!(reply.headers()["content-type"], "application/x-ndjson");
    let body = reply.text().await.expect("body");
    let lines: Vec<Value> = body.lines().map(json_of).collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["message"]["content"], "Hel");
    assert_eq!(lines[0]["done"], false);
    assert_eq!(lines[2]["done"], true);
    assert_eq!(lines[2]["done_reason"], "stop");
    assert_eq!(lines[2]["prompt_eval_count"], 20);
    assert_eq!(lines[2]["eval_count"], 3);

    let reply = client
        .post(format!("{}/api/other", fixture.url()))
        .send()
        .await
        .expect("send");
    assert_eq!(reply.status(), 404);
    assert_eq!(
        json_of(&reply.text().await.expect("body")),
        json!({"error": "model \"nope\" not found, try pulling it first"})
    );
}
