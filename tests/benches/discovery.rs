//! The discovery bench: what one `discovery.run` sweep costs through the real agent when
//! nothing listens, how far past its budget a sweep answers when one host stalls, and
//! what a sweep costs when it finds a server.
//!
//! The agent's probe table (`LLM_AGENT_DISCOVERY_PORTS`) puts each of the ten kinds on a
//! port of its own that nothing listens on: ports the kernel handed out on `127.0.0.1:0`
//! and that were closed again. So a sweep probes twenty addresses (each port on
//! `127.0.0.1` and `[::1]`), every one refused, and nothing else on the machine is probed.
//! A second agent has the same table except that `ollama` points at an Ollama fake. The
//! fakes are [`HttpFixture`]s in this process, on the client's thread (the Ollama one is
//! [`servers::ollama`]). Neither agent writes a profile, so neither has a keyring;
//! scheduled sweeps are switched off so that only the bench's sweeps run.
//!
//! Cases, one after the other:
//! - nothing listening: sweeps with the default budget; wall time per sweep at the
//!   client, and the sweep's own `elapsed_ms`.
//! - one host stalls: the same sweep plus an extra endpoint that accepts the connection,
//!   reads the request and never answers, at two budgets; how far past the budget the
//!   answer comes. The stalled host must be reported `not_responding`, or the bench stops.
//! - one Ollama: the second agent, whose sweep must find the fake and nothing else.
//!
//! Nothing is asserted about the figures.
//!
//! ```text
//! cargo build --release -p llm-agent
//! cargo bench -p llm-agent-tests --bench discovery                 # full run
//! cargo bench -p llm-agent-tests --bench discovery -- --quick      # smoke run
//! ```
//! `BENCH_QUICK=1` does the same as `--quick`.

use std::net::{Ipv4Addr, TcpListener};
use std::time::{Duration, Instant};

use llm_agent_client::{CallOptions, Client};
use llm_agent_protocol::methods::discovery::{
    Configure, DEFAULT_SWEEP_TIMEOUT_MS, Run, RunParams, Settings, Sweep,
};
use llm_agent_tests::agent_binary;
use llm_agent_tests::bench::{self, BenchAgent, Counts, ForeignLoad, RunSize, Samples, Table};
use llm_agent_tests::http_fixture::{HttpFixture, Script};
use llm_agent_tests::servers::{self, OLLAMA_MODEL, OLLAMA_VERSION};

/// The kinds of the agent's probe table, each of which gets a port of its own.
const KINDS: [&str; 10] = [
    "ollama",
    "lm_studio",
    "llama_cpp",
    "vllm",
    "localai",
    "koboldcpp",
    "text_generation_webui",
    "jan",
    "gpt4all",
    "docker_model_runner",
];
/// Where `KINDS` has Ollama: the kind the live case's fake answers as.
const OLLAMA: usize = 0;
/// The addresses each port is probed on: `127.0.0.1` and `[::1]`.
const LOOPBACK_ADDRESSES: usize = 2;
/// The environment variable the agent reads its probe table from.
const DISCOVERY_PORTS_ENV: &str = "LLM_AGENT_DISCOVERY_PORTS";
/// The budgets of the stalled sweeps, in ms.
const STALL_BUDGETS_MS: [u64; 2] = [300, DEFAULT_SWEEP_TIMEOUT_MS];
/// How the agent reports a host that accepted the connection and sent nothing.
const NOT_RESPONDING: &str = "not_responding";
/// How long the client waits for any answer; far above every budget.
const CALL_TIMEOUT: Duration = Duration::from_secs(20);
/// Width of the case column.
const CASE_WIDTH: usize = 36;

/// How many sweeps each case makes.
struct Plan {
    quiet: Counts,
    /// At each of [`STALL_BUDGETS_MS`].
    stalled: Counts,
    live: Counts,
}

impl Plan {
    fn new(size: RunSize) -> Self {
        Self {
            quiet: size.counts((5, 100), (2, 10)),
            stalled: size.counts((1, 20), (1, 3)),
            live: size.counts((5, 100), (2, 10)),
        }
    }
}

fn main() {
    let size = RunSize::from_env();
    let plan = Plan::new(size);
    print_header(size, &plan);

    // One thread for the client and both fakes, as in the other benches. It must also
    // stay the only thread until both agents are started: see `start_agent`.
    let runtime = bench::client_runtime();
    let ollama = runtime.block_on(servers::ollama());
    let stalling = runtime.block_on(HttpFixture::start(|_| Script::new().stall()));
    let unused = unused_ports();
    let mut with_ollama = unused;
    with_ollama[OLLAMA] = ollama.addr().port();
    let quiet_agent = start_agent(&unused);
    let ollama_agent = start_agent(&with_ollama);

    let quiet = runtime.block_on(client_without_schedule(&quiet_agent));
    let live = runtime.block_on(client_without_schedule(&ollama_agent));

    println!();
    println!("nothing listening: {} addresses", probed_addresses());
    let load = ForeignLoad::start(&bench::own_pids());
    runtime.block_on(measure_quiet(&quiet, plan.quiet));
    bench::print_load(&load);

    println!();
    println!("one host stalls: how far past the budget the answer comes");
    let load = ForeignLoad::start(&bench::own_pids());
    runtime.block_on(measure_stalled(&quiet, &stalling.url(), plan.stalled));
    bench::print_load(&load);

    println!();
    println!("one Ollama among them, on {}", ollama.url());
    let load = ForeignLoad::start(&bench::own_pids());
    runtime.block_on(measure_live(&live, plan.live));
    bench::print_load(&load);
}

/// What runs where, and how many times.
fn print_header(size: RunSize, plan: &Plan) {
    bench::print_title("discovery", size);
    let budgets: Vec<String> = STALL_BUDGETS_MS.iter().map(u64::to_string).collect();
    bench::print_legend(&[
        (
            "agent",
            &[
                format!("{} at its default log level;", agent_binary().display()),
                "no keyring; scheduled sweeps off".into(),
            ],
        ),
        (
            "table",
            &[format!(
                "the {} kinds on ports nothing listens on (live case: ollama on the fake)",
                KINDS.len()
            )],
        ),
        (
            "fakes",
            &[
                "HttpFixture in this process, on the client's thread: Ollama".into(),
                format!("{OLLAMA_VERSION} with one model; a host that reads and never answers"),
            ],
        ),
        (
            "sweep",
            &[
                "discovery.run via llm-agent-client, wall time per call; default".into(),
                format!(
                    "budget {DEFAULT_SWEEP_TIMEOUT_MS} ms, stalled at {} ms",
                    budgets.join(" and ")
                ),
            ],
        ),
        (
            "counts",
            &[
                plan.quiet.describe("nothing listening"),
                plan.stalled.describe("one host stalls, each budget"),
                plan.live.describe("one Ollama"),
            ],
        ),
    ]);
}

/// One port per kind that nothing listens on: each bound on `127.0.0.1:0`, all at once
/// so that they differ, then closed.
fn unused_ports() -> [u16; KINDS.len()] {
    let listeners =
        KINDS.map(|_| TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind an ephemeral port"));
    listeners.map(|listener| listener.local_addr().expect("a bound port").port())
}

/// `ollama=P1,lm_studio=P2,...`: each kind of [`KINDS`] on the port at its index.
fn probe_table(ports: &[u16; KINDS.len()]) -> String {
    KINDS
        .iter()
        .zip(ports)
        .map(|(kind, port)| format!("{kind}={port}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// The addresses every sweep probes.
fn probed_addresses() -> usize {
    KINDS.len() * LOOPBACK_ADDRESSES
}

/// Starts an agent whose probe table puts the kinds on `ports`.
fn start_agent(ports: &[u16; KINDS.len()]) -> BenchAgent {
    BenchAgent::start_with_env(&[(DISCOVERY_PORTS_ENV, probe_table(ports))])
}

/// A connection to `agent`, whose scheduled sweeps are switched off first, before the
/// first one is due, so that none overlaps a timed sweep.
async fn client_without_schedule(agent: &BenchAgent) -> Client {
    let client = agent.client().await;
    let settings = Settings {
        enabled: false,
        ..Settings::default()
    };
    client
        .call::<Configure>(settings)
        .await
        .expect("discovery.configure");
    client
}

/// The timed sweeps of one case.
struct Timed {
    /// Wall time per sweep at the client.
    samples: Samples,
    /// The same, in ms.
    wall_ms: Vec<f64>,
    /// Each sweep's own `elapsed_ms`.
    elapsed_ms: Vec<f64>,
}

/// `counts` sequential sweeps with `params`; `check` stops the bench on a sweep that did
/// not see what the case expects.
async fn sweeps(
    client: &Client,
    params: &RunParams,
    counts: Counts,
    check: impl Fn(&Sweep) -> bool,
    expected: &str,
) -> Timed {
    let mut timed = Timed {
        samples: Samples::with_capacity(counts.timed),
        wall_ms: Vec::with_capacity(counts.timed),
        elapsed_ms: Vec::with_capacity(counts.timed),
    };
    for round in 0..counts.warmup + counts.timed {
        let start = Instant::now();
        let sweep = client
            .call_with::<Run>(params.clone(), CallOptions::default().timeout(CALL_TIMEOUT))
            .await
            .expect("discovery.run failed")
            .result;
        let wall = start.elapsed();
        if sweep.probed.len() < probed_addresses() || !check(&sweep) {
            panic!(
                "a sweep must probe the table's {} addresses and {expected}: {sweep:#?}",
                probed_addresses()
            );
        }
        if round >= counts.warmup {
            timed.samples.record_since(start);
            timed.wall_ms.push(wall.as_secs_f64() * 1e3);
            timed.elapsed_ms.push(sweep.elapsed_ms as f64);
        }
    }
    timed
}

/// One table row of wall times, and the sweeps' own `elapsed_ms` under it.
fn print_sweeps(case: &str, timed: &Timed) {
    let table = Table::start(CASE_WIDTH);
    table.row(case, &timed.samples.summary());
    println!(
        "  the sweep's own elapsed_ms: p50 {:.0}, p99 {:.0}, max {:.0} (whole ms)",
        bench::percentile_ms(&timed.elapsed_ms, 0.50),
        bench::percentile_ms(&timed.elapsed_ms, 0.99),
        bench::percentile_ms(&timed.elapsed_ms, 1.0),
    );
}

/// Sweeps that find nothing and report nothing.
async fn measure_quiet(client: &Client, counts: Counts) {
    let timed = sweeps(
        client,
        &RunParams::default(),
        counts,
        |sweep| sweep.findings.is_empty() && sweep.errors.is_empty(),
        "find and report nothing",
    )
    .await;
    print_sweeps(
        &format!("discovery.run, budget {DEFAULT_SWEEP_TIMEOUT_MS} ms"),
        &timed,
    );
}

/// Sweeps with the stalling host at each of [`STALL_BUDGETS_MS`]: how far past its
/// budget each answered.
async fn measure_stalled(client: &Client, stalling: &str, counts: Counts) {
    println!(
        "{:<CASE_WIDTH$} {:>8} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "case (ms past the budget)", "ops", "p50 ms", "p99 ms", "max ms", "agent p50", "agent max"
    );
    for budget_ms in STALL_BUDGETS_MS {
        let params = RunParams {
            extra_endpoints: Some(vec![stalling.to_owned()]),
            timeout_ms: Some(budget_ms),
        };
        let reports_the_stall = |sweep: &Sweep| {
            sweep.findings.is_empty()
                && matches!(sweep.errors.as_slice(), [error]
                    if error.endpoint == stalling && error.remediation == NOT_RESPONDING)
        };
        let expected = format!("report {stalling} as {NOT_RESPONDING}, and nothing else");
        let timed = sweeps(client, &params, counts, reports_the_stall, &expected).await;
        let past = |values: &[f64], q| {
            let late: Vec<f64> = values.iter().map(|ms| ms - budget_ms as f64).collect();
            bench::percentile_ms(&late, q)
        };
        println!(
            "{:<CASE_WIDTH$} {:>8} {:>9.2} {:>9.2} {:>9.2} {:>9.0} {:>9.0}",
            format!("stalled host, budget {budget_ms} ms"),
            timed.wall_ms.len(),
            past(&timed.wall_ms, 0.50),
            past(&timed.wall_ms, 0.99),
            past(&timed.wall_ms, 1.0),
            past(&timed.elapsed_ms, 0.50),
            past(&timed.elapsed_ms, 1.0),
        );
    }
    println!("  p50/p99/max: wall time at the client less the budget; agent: the sweep's own");
    println!("  elapsed_ms less the budget (whole ms)");
}

/// Sweeps that find the Ollama fake and nothing else.
async fn measure_live(client: &Client, counts: Counts) {
    let finds_ollama = |sweep: &Sweep| {
        sweep.errors.is_empty()
            && matches!(sweep.findings.as_slice(), [finding]
                if finding.kind == KINDS[OLLAMA]
                    && finding.version.as_deref() == Some(OLLAMA_VERSION)
                    && finding.models.first().is_some_and(|model| model.id == OLLAMA_MODEL))
    };
    let timed = sweeps(
        client,
        &RunParams::default(),
        counts,
        finds_ollama,
        "find the Ollama fake, and nothing else",
    )
    .await;
    print_sweeps(
        &format!("discovery.run, budget {DEFAULT_SWEEP_TIMEOUT_MS} ms"),
        &timed,
    );
}
