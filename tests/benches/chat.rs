//! The chat bench: what `chat.run` adds on top of the HTTP exchange it makes, and how
//! many calls per second the agent carries for many callers at once.
//!
//! A scripted HTTP server ([`HttpFixture`], on a runtime of its own in this process)
//! stands in for a local Ollama that answers at once: the head, three NDJSON text lines
//! and the done line. The agent keeps its data key in a real gnome-keyring on a private
//! D-Bus session ([`KeyringSession`]); the profiles have no API key.
//!
//! Cases:
//! - latency, one caller: (a) `chat.run` with deltas through `llm_agent_client::Client`,
//!   to the first delta and to the final response; (b) the same `POST /api/chat` sent by
//!   this process with reqwest, a new client per request (as the agent does: no pooled
//!   connection), to the first body chunk and to the end of the body. The difference of
//!   the p50s is what the agent adds (goal: under 0.5 ms to the first delta and 1 ms to
//!   the response).
//! - throughput: 32 callers on 32 connections, a profile with `parallelism` 32,
//!   `chat.run` without deltas, in calls per second.
//!
//! Nothing is asserted about the figures.
//!
//! ```text
//! cargo build --release -p llm-agent
//! cargo bench -p llm-agent-tests --bench chat                  # full run
//! cargo bench -p llm-agent-tests --bench chat -- --quick       # smoke run
//! ```

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use llm_agent_client::{CallOptions, Client};
use llm_agent_protocol::methods::chat::{ChatParams, Run};
use llm_agent_tests::bench::{self, BenchAgent, RunSize, Samples, Table};
use llm_agent_tests::chat::{to_profile, user};
use llm_agent_tests::dialects::ollama;
use llm_agent_tests::http_fixture::HttpFixture;
use llm_agent_tests::keyring::KeyringSession;
use llm_agent_tests::profiles::{self, create, with_parallelism};
use serde_json::json;

const MODEL: &str = "llama3.2";
const PARTS: [&str; 3] = ["Nouns ", "name ", "things."];
const CALLERS: usize = 32;

fn main() {
    let size = RunSize::from_env();
    bench::print_title("chat", size);
    // reqwest is built without a default TLS provider, as the agent is.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let (fixture_runtime, fixture) = start_fixture();
    let runtime = bench::client_runtime();
    let keyring = KeyringSession::start();
    let agent = BenchAgent::with_keyring(&keyring, &std::env::temp_dir());
    runtime.block_on(async {
        let client = agent.client().await;
        let url = fixture.url();
        let one = create(&client, profiles::ollama("Bench", &url, MODEL)).await;
        let wide = create(
            &client,
            with_parallelism(profiles::ollama("Wide", &url, MODEL), CALLERS),
        )
        .await;
        let counts = size.counts((200, 2_000), (20, 200));

        let table = Table::start(40);
        let (agent_first, agent_done) =
            through_agent(&client, &one, counts.warmup, counts.timed).await;
        let (direct_first, direct_done) = direct(&url, counts.warmup, counts.timed).await;
        table.row("chat.run, to the first delta", &agent_first.summary());
        table.row("chat.run, to the response", &agent_done.summary());
        table.row("direct HTTP, to the first chunk", &direct_first.summary());
        table.row("direct HTTP, to the end", &direct_done.summary());
        let added = |agent: &Samples, direct: &Samples| {
            bench::micros(agent.summary().p50) - bench::micros(direct.summary().p50)
        };
        println!(
            "added by the agent at p50: {:.0} µs to the first delta, {:.0} µs to the response",
            added(&agent_first, &direct_first),
            added(&agent_done, &direct_done),
        );

        let rounds = size.counts((5, 100), (2, 10));
        let samples = agent
            .run_clients(CALLERS, rounds, move |client: Client, _, _| {
                let wide = wide.clone();
                async move {
                    let params = to_profile(&wide, user("bench"));
                    client.call::<Run>(params).await.expect("chat.run");
                }
            })
            .await;
        table.row(
            &format!("{CALLERS} callers, parallelism {CALLERS}"),
            &samples.summary(),
        );
    });
    drop(fixture);
    drop(fixture_runtime);
}

/// The stand-in Ollama, on a runtime of its own.
fn start_fixture() -> (tokio::runtime::Runtime, HttpFixture) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("the fixture's runtime");
    let fixture = runtime.block_on(HttpFixture::start(|_| {
        ollama::stream(MODEL, &PARTS, (9, 3))
    }));
    (runtime, fixture)
}

/// `chat.run` with deltas: the time to the first delta, and to the response.
async fn through_agent(
    client: &Client,
    id: &str,
    warmup: usize,
    timed: usize,
) -> (Samples, Samples) {
    let mut first = Samples::with_capacity(timed);
    let mut done = Samples::with_capacity(timed);
    for round in 0..warmup + timed {
        let params: ChatParams = to_profile(id, user("bench"));
        let start = Instant::now();
        let mut streamed = client
            .chat(params, CallOptions::default())
            .await
            .expect("chat");
        streamed.next().await.expect("a delta").expect("decodes");
        let first_at = Instant::now();
        while streamed.next().await.is_some() {}
        streamed.finish().await.expect("the result");
        if round >= warmup {
            first.record_between(start, first_at);
            done.record_since(start);
        }
    }
    (first, done)
}

/// The same request straight to the server: a new client each time, as the agent does.
async fn direct(url: &str, warmup: usize, timed: usize) -> (Samples, Samples) {
    let mut first = Samples::with_capacity(timed);
    let mut done = Samples::with_capacity(timed);
    let body = json!({
        "model": MODEL,
        "messages": [{"role": "user", "content": "bench"}],
        "stream": true,
    })
    .to_string();
    // Built once, as the agent builds its TLS configuration once: a client then costs
    // microseconds (the server speaks plain HTTP; no root is needed).
    let tls = rustls::ClientConfig::builder()
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth();
    for round in 0..warmup + timed {
        let start = Instant::now();
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(tls.clone())
            .pool_max_idle_per_host(0)
            .no_proxy()
            .tcp_nodelay(true)
            .timeout(Duration::from_secs(10))
            .build()
            .expect("a client");
        let mut response = client
            .post(format!("{url}/api/chat"))
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await
            .expect("the server answers");
        response.chunk().await.expect("a chunk").expect("a chunk");
        let first_at = Instant::now();
        while response.chunk().await.expect("the body").is_some() {}
        if round >= warmup {
            first.record_between(start, first_at);
            done.record_since(start);
        }
    }
    (first, done)
}
