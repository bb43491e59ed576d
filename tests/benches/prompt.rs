//! The prompt bench: what `profiles.test` costs on top of the HTTP exchange it makes, how
//! far past its deadline a stalled test answers, and how many tests per second the agent
//! runs for many clients at once.
//!
//! A scripted HTTP server ([`HttpFixture`]) stands in for a local Ollama: this binary,
//! re-executed, in a process of its own as Ollama is, so the agent's requests and this
//! process's direct ones both cross processes. It is pinned with the agent. The path a
//! request comes on picks its reply: the streamed answer Ollama gives (two parts, then
//! the done line), no answer at all, or one line and then nothing. The agent keeps its data key in a real gnome-keyring on a
//! private D-Bus session ([`KeyringSession`]): the vault refuses writes without one. The
//! profiles have no API key, so a test never reads the keyring.
//!
//! Cases, all in one run:
//! - overhead, under each CPU placement (see [`Placement`]): (a) `profiles.test` through
//!   `llm_agent_client::Client`, wall time per call; (b) the same `POST /api/chat` sent
//!   by this process with reqwest, the whole stream read, with a new client per request
//!   built as the agent builds one (the shared TLS configuration, no pooling), since the
//!   agent opens a fresh connection per test; (c) the same with one client reused, its
//!   connection kept alive. Besides the table it prints where a test's time goes, from
//!   the agent's own `timings` in the outcomes, and the p50 the agent adds to (b).
//! - deadlines, not pinned: `profiles.test` with `timeout_ms` 200 against a server that
//!   reads the request and never answers, and against one that stalls after the first
//!   NDJSON line; how far past 200 ms the answer arrives. Every outcome must be
//!   `TIMEOUT` at the expected stage, or the bench stops.
//! - many clients, not pinned: 32 clients on 32 connections testing a profile whose
//!   `parallelism` is 16, in tests per second; and 32 tasks sending the request
//!   directly, each with a new client, for reference.
//!
//! Nothing is asserted about the figures.
//!
//! ```text
//! cargo build --release -p llm-agent
//! cargo bench -p llm-agent-tests --bench prompt                          # full run
//! cargo bench -p llm-agent-tests --bench prompt -- --quick               # smoke run
//! cargo bench -p llm-agent-tests --bench prompt -- --placement free      # one placement
//! ```
//! `BENCH_QUICK=1` and `BENCH_PLACEMENT=NAME` do the same as the flags.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use llm_agent_client::{CallOptions, Client};
use llm_agent_protocol::ErrorCode;
use llm_agent_protocol::methods::profiles::{
    DEFAULT_TEST_PROMPT, Test, TestOutcome, TestParams, TestStage, TestTimings,
};
use llm_agent_tests::agent_binary;
use llm_agent_tests::bench::{
    self, BenchAgent, Counts, ForeignLoad, Placement, RunSize, Samples, Summary, Table,
};
use llm_agent_tests::dialects::ollama;
use llm_agent_tests::http_fixture::{HttpFixture, RecordedRequest, Script};
use llm_agent_tests::keyring::KeyringSession;
use llm_agent_tests::profiles::{self, with_parallelism};
use serde_json::json;

/// The model the profiles name and the stand-in answers as.
const MODEL: &str = "llama3.2";
/// The streamed reply's parts.
const REPLY: [&str; 2] = ["Hello", " there"];
/// Prompt and completion tokens in the reply's done line.
const USAGE: (u64, u64) = (5, 2);
/// Where Ollama takes a chat, under the profile's endpoint.
const CHAT_PATH: &str = "/api/chat";
/// An endpoint path whose requests are read and never answered.
const STALL_BEFORE_HEADERS: &str = "/stall-before-headers";
/// An endpoint path whose requests get the head and one NDJSON line, then nothing.
const STALL_MID_STREAM: &str = "/stall-mid-stream";
/// `num_predict` as the agent sends it (its `MAX_REPLY_TOKENS`).
const NUM_PREDICT: u32 = 32;
/// The `timeout_ms` of the stalled tests.
const STALL_TIMEOUT_MS: u64 = 200;
/// How long the client waits for any answer; far above every case's duration.
const CALL_TIMEOUT: Duration = Duration::from_secs(10);
/// Clients (and direct tasks) in the concurrent cases, each on its own connection.
const CONCURRENT: usize = 32;
/// The concurrent profile's `parallelism` option: the agent's maximum.
const PARALLELISM: usize = 16;
/// Width of the case column.
const CASE_WIDTH: usize = 36;

/// How many operations each case makes.
struct Plan {
    /// Each overhead case: (a), (b) and (c).
    overhead: Counts,
    /// Each stalled case: 200 ms each.
    stalls: Counts,
    /// Each of the concurrent clients or tasks.
    each: Counts,
}

impl Plan {
    fn new(size: RunSize) -> Self {
        Self {
            overhead: size.counts((50, 500), (5, 50)),
            stalls: size.counts((2, 50), (1, 5)),
            each: size.counts((2, 20), (1, 3)),
        }
    }
}

fn main() {
    OllamaStandIn::serve_if_asked();
    let size = RunSize::from_env();
    let plan = Plan::new(size);
    let placements = Placement::from_env_or_exit("prompt", &["split", "shared"]);
    // reqwest is built without a crypto provider; the agent installs ring the same way.
    let _ = rustls::crypto::ring::default_provider().install_default();
    print_header(size, &plan);

    // One client thread for every connection and every direct request: see
    // `client_runtime`.
    let runtime = bench::client_runtime();
    let keyring = KeyringSession::start();
    let agent = BenchAgent::with_keyring(&keyring, &std::env::temp_dir());
    let stand_in = OllamaStandIn::start();
    let client = runtime.block_on(agent.client());
    let profiles = runtime.block_on(Profiles::create(&client, &stand_in.url));
    // The agent and the stand-in are the server side: on a split placement they share
    // the server's CPU, as a learner's agent and Ollama share a machine.
    let place = |placement: Placement| placement.pin(&[agent.pid(), stand_in.pid()]);

    for placement in placements {
        println!();
        println!("overhead, placement {}", placement.describe());
        place(placement);
        let load = ForeignLoad::start(&bench::own_pids());
        runtime.block_on(measure_overhead(
            &plan,
            &client,
            &profiles.stream,
            &stand_in.url,
        ));
        bench::print_load(&load);
    }

    place(Placement::Free);
    println!();
    println!(
        "deadlines, not pinned: how far past timeout_ms = {STALL_TIMEOUT_MS} the answer comes"
    );
    let load = ForeignLoad::start(&bench::own_pids());
    runtime.block_on(measure_deadlines(&plan, &client, &profiles));
    bench::print_load(&load);

    println!();
    println!("{CONCURRENT} at once, not pinned");
    let load = ForeignLoad::start(&bench::own_pids());
    runtime.block_on(measure_concurrency(
        &plan,
        &agent,
        &profiles.parallel,
        &stand_in.url,
    ));
    bench::print_load(&load);
}

/// What runs where, and how many times.
fn print_header(size: RunSize, plan: &Plan) {
    bench::print_title("prompt", size);
    let reply_len: usize = ollama::stream_lines(MODEL, &REPLY, USAGE)
        .iter()
        .map(|line| line.to_string().len() + 1)
        .sum();
    bench::print_legend(&[
        (
            "agent",
            &[
                format!("{} at its default log level;", agent_binary().display()),
                "data key in gnome-keyring; key-less ollama profiles (no keyring read)".into(),
            ],
        ),
        (
            "ollama",
            &[
                "HttpFixture in a process of its own, on a current_thread runtime,".into(),
                format!(
                    "pinned with the agent; the reply: {} NDJSON lines, {reply_len} B, chunk by chunk",
                    REPLY.len() + 1
                ),
            ],
        ),
        (
            "(a)",
            &["profiles.test via llm-agent-client, wall time per call".into()],
        ),
        (
            "(b)",
            &[
                format!("POST {CHAT_PATH} from this process with reqwest, the whole stream read;"),
                "a new client per request, built as the agent builds one".into(),
            ],
        ),
        (
            "(c)",
            &["the same with one reqwest client reused (connection kept alive)".into()],
        ),
        (
            "stall",
            &[
                format!(
                    "profiles.test, timeout_ms {STALL_TIMEOUT_MS}: a server that never answers,"
                ),
                "and one that sends one line and stops; each must end TIMEOUT".into(),
            ],
        ),
        (
            "counts",
            &[
                plan.overhead.describe("overhead, each case"),
                plan.stalls.describe("stalled, each case"),
                plan.each.describe(&format!("{CONCURRENT} at once, each")),
            ],
        ),
    ]);
}

/// Set when this binary is re-executed as the Ollama stand-in.
const STAND_IN_ENV: &str = "LLM_AGENT_BENCH_OLLAMA_STAND_IN";

/// The Ollama stand-in: this binary re-executed as an [`HttpFixture`] on a current-thread
/// runtime. Stopped on drop.
///
/// `main` calls [`OllamaStandIn::serve_if_asked`] first thing, which is where the
/// re-executed binary turns into the server.
struct OllamaStandIn {
    child: Child,
    /// `http://127.0.0.1:PORT`, the Ollama endpoint that streams its reply.
    url: String,
}

impl OllamaStandIn {
    /// In the re-executed binary, serves until the bench goes away and never returns;
    /// otherwise returns at once.
    fn serve_if_asked() {
        if std::env::var_os(STAND_IN_ENV).is_none() {
            return;
        }
        bench::exit_when_stdin_closes();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("build the Ollama stand-in's runtime");
        runtime.block_on(async {
            let fixture = HttpFixture::start(reply_to).await;
            println!("{}", fixture.url());
            std::future::pending::<()>().await;
        });
        unreachable!("the Ollama stand-in serves until its stdin closes")
    }

    /// Starts the stand-in and waits until it listens.
    fn start() -> Self {
        let exe = std::env::current_exe().expect("path of the bench binary");
        let mut child = Command::new(exe)
            .env(STAND_IN_ENV, "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the Ollama stand-in");
        let mut url = String::new();
        BufReader::new(child.stdout.take().expect("the stand-in's stdout"))
            .read_line(&mut url)
            .expect("the stand-in's URL");
        assert!(
            url.starts_with("http://"),
            "the Ollama stand-in did not start (it said {url:?})"
        );
        Self {
            child,
            url: url.trim().to_owned(),
        }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for OllamaStandIn {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The stand-in's reply, picked by the endpoint path the request came under.
fn reply_to(request: &RecordedRequest) -> Script {
    match request.path.strip_suffix(CHAT_PATH) {
        Some("") => ollama::stream(MODEL, &REPLY, USAGE),
        Some(STALL_BEFORE_HEADERS) => Script::new().stall(),
        Some(STALL_MID_STREAM) => ollama::stalled_stream(MODEL, &REPLY, USAGE),
        _ => ollama::error(404, &format!("the bench serves no {}", request.path)),
    }
}

/// The profiles on one stand-in, by id.
struct Profiles {
    /// Streams its reply; the default parallelism.
    stream: String,
    stall_before_headers: String,
    stall_mid_stream: String,
    /// Streams its reply; `parallelism` [`PARALLELISM`].
    parallel: String,
}

impl Profiles {
    /// Creates them on the stand-in at `url`.
    async fn create(client: &Client, url: &str) -> Self {
        let create = |what: &str, path: &str, parallelism: Option<usize>| {
            let params = profiles::ollama(&format!("bench {what}"), &format!("{url}{path}"), MODEL);
            let params = match parallelism {
                Some(limit) => with_parallelism(params, limit),
                None => params,
            };
            profiles::create(client, params)
        };
        Self {
            stream: create("stream", "", None).await,
            stall_before_headers: create("stall", STALL_BEFORE_HEADERS, None).await,
            stall_mid_stream: create("stall mid-stream", STALL_MID_STREAM, None).await,
            parallel: create("parallel", "", Some(PARALLELISM)).await,
        }
    }
}

/// Cases (a), (b) and (c), then where a test's time goes.
async fn measure_overhead(plan: &Plan, client: &Client, id: &str, url: &str) {
    let table = Table::start(CASE_WIDTH);
    let (agent_samples, tests) = agent_tests(client, id, plan.overhead).await;
    let agent = agent_samples.summary();
    table.row("profiles.test via the agent (a)", &agent);
    let direct = DirectRequest::new(url);
    let fresh = direct
        .sequential(plan.overhead, Reuse::NewClientEach)
        .await
        .summary();
    table.row("direct, new client each (b)", &fresh);
    let reused = direct
        .sequential(plan.overhead, Reuse::OneClient)
        .await
        .summary();
    table.row("direct, one client reused (c)", &reused);
    print_breakdown(&agent, &fresh, &reused, &tests);
}

/// One successful test as the client saw it and as the agent reported it.
struct TimedTest {
    /// Wall time at the client, in ms.
    wall_ms: f64,
    timings: TestTimings,
}

/// `counts` sequential successful tests of profile `id`: the timed ones' wall times, and
/// each with the timings the agent reported.
async fn agent_tests(client: &Client, id: &str, counts: Counts) -> (Samples, Vec<TimedTest>) {
    for _ in 0..counts.warmup {
        expect_success(test(client, id, None).await);
    }
    let mut samples = Samples::with_capacity(counts.timed);
    let mut tests = Vec::with_capacity(counts.timed);
    for _ in 0..counts.timed {
        let start = Instant::now();
        let outcome = test(client, id, None).await;
        let wall = start.elapsed();
        samples.record_since(start);
        tests.push(TimedTest {
            wall_ms: wall.as_secs_f64() * 1e3,
            timings: expect_success(outcome),
        });
    }
    (samples, tests)
}

async fn test(client: &Client, id: &str, timeout_ms: Option<u64>) -> TestOutcome {
    let params = TestParams {
        id: id.to_owned(),
        prompt: None,
        timeout_ms,
    };
    client
        .call_with::<Test>(params, CallOptions::default().timeout(CALL_TIMEOUT))
        .await
        .expect("profiles.test failed")
        .result
}

fn expect_success(outcome: TestOutcome) -> TestTimings {
    if !(outcome.success && outcome.stage == TestStage::Complete) {
        panic!("a prompt test against the stand-in did not succeed: {outcome:#?}");
    }
    outcome.timings
}

/// A part of a test's time, in ms, when the test reached it.
type Part = fn(&TimedTest) -> Option<f64>;

/// Where one test's time goes: each part is the p50 of that part over the tests, so the
/// parts need not add up exactly.
fn print_breakdown(agent: &Summary, fresh: &Summary, reused: &Summary, tests: &[TimedTest]) {
    let median = |part: Part| {
        let values: Vec<f64> = tests.iter().filter_map(part).collect();
        (!values.is_empty()).then(|| 1e3 * bench::percentile_ms(&values, 0.50))
    };
    let line = |what: &str, micros: f64| println!("  {what:<60} {micros:>7.1} µs");
    let parts: [(&str, Part); 7] = [
        (
            "  outside the agent's total_ms: client, socket, framing",
            |test| Some(test.wall_ms - test.timings.total_ms),
        ),
        ("  the agent's total_ms: arrival to outcome", |test| {
            Some(test.timings.total_ms)
        }),
        (
            "    before the attempt: profile, governor, client build",
            |test| {
                test.timings
                    .completed_ms
                    .map(|completed| test.timings.total_ms - completed)
            },
        ),
        ("    the HTTP attempt (completed_ms)", |test| {
            test.timings.completed_ms
        }),
        ("      connected (connected_ms)", |test| {
            test.timings.connected_ms
        }),
        ("      response head (headers_ms)", |test| {
            test.timings.headers_ms
        }),
        ("      first token (first_token_ms)", |test| {
            test.timings.first_token_ms
        }),
    ];
    println!();
    println!("where a test's time goes (each line the p50 of that part over the tests)");
    line(
        "profiles.test, wall time at the client (a)",
        bench::micros(agent.p50),
    );
    for (what, part) in parts {
        if let Some(micros) = median(part) {
            line(what, micros);
        }
    }
    line("direct, new client each (b)", bench::micros(fresh.p50));
    line("direct, one client reused (c)", bench::micros(reused.p50));
    let added = |at: fn(&Summary) -> Duration| {
        let micros = bench::micros(at(agent)) - bench::micros(at(fresh));
        format!("{micros:.1} µs = {:.3} ms", micros / 1e3)
    };
    println!(
        "added by the agent, p50(a) - p50(b): {}; at p99: {}",
        added(|summary| summary.p50),
        added(|summary| summary.p99)
    );
}

/// Whether a direct request builds its own client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reuse {
    /// A new client per request, so a new connection: what the agent does per test.
    NewClientEach,
    /// One client for every request, its connection kept alive.
    OneClient,
}

/// The request a test of the stream profile sends, sent by this process instead.
struct DirectRequest {
    url: String,
    body: Vec<u8>,
    /// Built once, cloned into each client, as the agent does with its own.
    tls: rustls::ClientConfig,
}

impl DirectRequest {
    fn new(endpoint: &str) -> Self {
        let body = json!({
            "model": MODEL,
            "messages": [{"role": "user", "content": DEFAULT_TEST_PROMPT}],
            "stream": true,
            "options": {"num_predict": NUM_PREDICT},
        });
        // Plain http: no certificate is ever checked, so no roots are loaded. (A client
        // from `reqwest::Client::new()` would load the system's roots on every build.)
        let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth();
        Self {
            url: format!("{endpoint}{CHAT_PATH}"),
            body: serde_json::to_vec(&body).expect("encode the body"),
            tls,
        }
    }

    /// A client with the agent's settings; with [`Reuse::OneClient`], its connection is
    /// kept alive between requests.
    fn client(&self, reuse: Reuse) -> reqwest::Client {
        let builder = reqwest::Client::builder()
            .tls_backend_preconfigured(self.tls.clone())
            .redirect(reqwest::redirect::Policy::none())
            .tcp_nodelay(true)
            .no_proxy()
            .user_agent("llm-agent-bench");
        let builder = match reuse {
            Reuse::NewClientEach => builder.pool_max_idle_per_host(0),
            Reuse::OneClient => builder,
        };
        builder.build().expect("build a reqwest client")
    }

    /// Sends the request and reads the whole stream, chunk by chunk as the agent does.
    async fn send(&self, client: &reqwest::Client) {
        let mut response = client
            .post(&self.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(self.body.clone())
            .send()
            .await
            .expect("POST to the stand-in");
        assert_eq!(response.status(), 200, "the stand-in's status");
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.expect("read the stream") {
            body.extend_from_slice(&chunk);
        }
        assert!(
            body.windows(11).any(|window| window == b"\"done\":true"),
            "the stream ended without its done line: {}",
            String::from_utf8_lossy(&body)
        );
    }

    /// One request at a time.
    async fn sequential(&self, counts: Counts, reuse: Reuse) -> Samples {
        let shared = (reuse == Reuse::OneClient).then(|| self.client(reuse));
        let round = || async {
            match &shared {
                Some(client) => self.send(client).await,
                None => self.send(&self.client(reuse)).await,
            }
        };
        for _ in 0..counts.warmup {
            round().await;
        }
        let mut samples = Samples::with_capacity(counts.timed);
        for _ in 0..counts.timed {
            let start = Instant::now();
            round().await;
            samples.record_since(start);
        }
        samples
    }
}

/// Both stalled cases.
async fn measure_deadlines(plan: &Plan, client: &Client, profiles: &Profiles) {
    println!(
        "{:<CASE_WIDTH$} {:>8} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "case (ms past the deadline)",
        "ops",
        "p50 ms",
        "p99 ms",
        "max ms",
        "agent p50",
        "agent max",
        "reply p50"
    );
    for (case, id, stage) in [
        (
            "stalled before the response head",
            &profiles.stall_before_headers,
            TestStage::AwaitingHeaders,
        ),
        (
            "stalled after the first line",
            &profiles.stall_mid_stream,
            TestStage::Streaming,
        ),
    ] {
        let late = stalled_tests(client, id, stage, plan.stalls).await;
        let at = |part: fn(&Late) -> f64, q| {
            let values: Vec<f64> = late.iter().map(part).collect();
            bench::percentile_ms(&values, q)
        };
        println!(
            "{case:<CASE_WIDTH$} {:>8} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>9.2}",
            late.len(),
            at(|late| late.wall_ms, 0.50),
            at(|late| late.wall_ms, 0.99),
            at(|late| late.wall_ms, 1.0),
            at(|late| late.agent_ms, 0.50),
            at(|late| late.agent_ms, 1.0),
            at(|late| late.wall_ms - late.agent_ms, 0.50),
        );
    }
    println!(
        "  ms past {STALL_TIMEOUT_MS}: p50/p99/max of the wall time at the client; agent: of its"
    );
    println!("  own total_ms (timer and outcome); reply: wall less total_ms, test by test");
}

/// How far past its deadline a stalled test answered, in ms.
struct Late {
    /// By the wall time at the client.
    wall_ms: f64,
    /// By the agent's own `total_ms`.
    agent_ms: f64,
}

/// `counts` sequential tests of stalling profile `id` with [`STALL_TIMEOUT_MS`]; each
/// must end `TIMEOUT` at `stage`.
async fn stalled_tests(client: &Client, id: &str, stage: TestStage, counts: Counts) -> Vec<Late> {
    let deadline_ms = STALL_TIMEOUT_MS as f64;
    let mut late = Vec::with_capacity(counts.timed);
    for round in 0..counts.warmup + counts.timed {
        let start = Instant::now();
        let outcome = test(client, id, Some(STALL_TIMEOUT_MS)).await;
        let elapsed = start.elapsed();
        let code = outcome.error.as_ref().map(|error| error.code.clone());
        if code != Some(ErrorCode::Timeout) || outcome.stage != stage {
            panic!(
                "a stalled test must end TIMEOUT at stage {}, and got {code:?} at stage {}: \
                 {outcome:#?}",
                stage.as_str(),
                outcome.stage.as_str()
            );
        }
        if round >= counts.warmup {
            late.push(Late {
                wall_ms: elapsed.as_secs_f64() * 1e3 - deadline_ms,
                agent_ms: outcome.timings.total_ms - deadline_ms,
            });
        }
    }
    late
}

/// [`CONCURRENT`] clients testing profile `id` at once, and as many tasks sending the
/// request directly.
async fn measure_concurrency(plan: &Plan, agent: &BenchAgent, id: &str, url: &str) {
    let table = Table::start(CASE_WIDTH);
    let (tests, queued) = concurrent_tests(agent, id, plan.each).await;
    let tests = tests.summary();
    table.row(
        &format!("profiles.test, parallelism {PARALLELISM} ({CONCURRENT})"),
        &tests,
    );
    let direct = DirectRequest::new(url);
    let direct = concurrent_direct(Arc::new(direct), plan.each)
        .await
        .summary();
    table.row(&format!("direct, new client each ({CONCURRENT})"), &direct);
    println!(
        "{CONCURRENT} clients: {:.0} tests/s; {:.0} direct requests/s; the agent's queued_ms p50 \
         {:.2} ms, p99 {:.2} ms",
        tests.per_sec,
        direct.per_sec,
        bench::percentile_ms(&queued, 0.50),
        bench::percentile_ms(&queued, 0.99),
    );
}

/// [`CONCURRENT`] clients, each on its own connection and task, make `counts.warmup`
/// tests of profile `id`, wait for one another, then `counts.timed` timed ones: their
/// wall times and the agent's `queued_ms` for each.
async fn concurrent_tests(agent: &BenchAgent, id: &str, counts: Counts) -> (Samples, Vec<f64>) {
    let id: Arc<str> = id.into();
    agent
        .run_clients_returning(CONCURRENT, counts, move |client, _, _| {
            let id = Arc::clone(&id);
            async move { expect_success(test(&client, &id, None).await).queued_ms }
        })
        .await
}

/// [`CONCURRENT`] tasks send the request directly, each with a new client per request.
async fn concurrent_direct(direct: Arc<DirectRequest>, counts: Counts) -> Samples {
    let start_line = Arc::new(tokio::sync::Barrier::new(CONCURRENT));
    let workers: Vec<_> = (0..CONCURRENT)
        .map(|_| {
            let direct = Arc::clone(&direct);
            let start_line = Arc::clone(&start_line);
            tokio::spawn(async move {
                for _ in 0..counts.warmup {
                    direct.send(&direct.client(Reuse::NewClientEach)).await;
                }
                start_line.wait().await;
                let mut samples = Samples::with_capacity(counts.timed);
                for _ in 0..counts.timed {
                    let start = Instant::now();
                    direct.send(&direct.client(Reuse::NewClientEach)).await;
                    samples.record_since(start);
                }
                samples
            })
        })
        .collect();
    let mut all = Samples::with_capacity(CONCURRENT * counts.timed);
    for worker in workers {
        all.merge(worker.await.expect("a direct task panicked"));
    }
    all
}
