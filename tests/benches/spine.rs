//! The spine bench: what one small request costs through the real client library and the
//! real `llm-agent` binary, next to a bare Unix-socket ping-pong between two processes.
//!
//! Cases, all in one run:
//! - raw ping-pong: 100 bytes out and 100 bytes back on a plain `UnixStream`, against an
//!   echo server in a separate process (this binary, re-executed), from 1 connection and
//!   from 32 at once;
//! - `agent.status`, bare frames: a blocking socket sends a pre-encoded request frame and
//!   reads the response frame without decoding it, so the agent's share of the cost shows
//!   without the client library's;
//! - `agent.status` through `llm_agent_client::Client`, from 1 client and from 32
//!   concurrent clients, each on its own connection.
//!
//! `agent.status` is the request: the smallest one that takes the whole request path
//! (envelope decode, dispatch, typed params, handler, encode, diagnostics record) without
//! waiting on an actor. The agent runs as a user runs it, at its default log level.
//!
//! Each case runs under each CPU placement (see [`Placement`]): client and server on
//! different CPUs, then on the same one. Left alone, the scheduler flips between the two
//! from run to run, and a raw round trip differs by 2x or more between them.
//!
//! It prints p50, p99, max and throughput per case, the ratio agent/raw at p50 (the
//! spine's goal is 3 or less for one client), and how much CPU other processes took
//! meanwhile: figures taken next to a busy neighbour are not worth comparing. Nothing is
//! asserted.
//!
//! ```text
//! cargo build --release -p llm-agent
//! cargo bench -p llm-agent-tests --bench spine                          # full run
//! cargo bench -p llm-agent-tests --bench spine -- --quick               # smoke run
//! cargo bench -p llm-agent-tests --bench spine -- --placement free      # one placement
//! ```
//! `BENCH_QUICK=1` and `BENCH_PLACEMENT=NAME` do the same as the flags.

use llm_agent_protocol::methods::agent::Status;
use llm_agent_tests::bench::{
    self, BareConnection, BenchAgent, Counts, EchoServer, ForeignLoad, PING_LEN, Placement,
    RunSize, Samples, Summary, Table,
};
use llm_agent_tests::{agent_binary, no_params};

/// Connections in the concurrent cases.
const CONCURRENT: usize = 32;
/// Width of the case column.
const CASE_WIDTH: usize = 30;

/// How many round trips each case makes.
struct Plan {
    /// The single connection's.
    one: Counts,
    /// Each concurrent connection's.
    each: Counts,
}

impl Plan {
    fn new(size: RunSize) -> Self {
        Self {
            one: size.counts((2_000, 20_000), (200, 2_000)),
            each: size.counts((100, 2_000), (10, 200)),
        }
    }
}

fn main() {
    EchoServer::serve_if_asked();
    let size = RunSize::from_env();
    let plan = Plan::new(size);
    let placements = Placement::from_env_or_exit("spine", &["split", "shared"]);

    print_header(size, &plan);

    let echo = EchoServer::start();
    let agent = BenchAgent::start();
    for placement in placements {
        println!();
        println!("placement {}", placement.describe());
        placement.pin(&[echo.pid(), agent.pid()]);
        let load = ForeignLoad::start(&[std::process::id(), echo.pid(), agent.pid()]);
        run_cases(&plan, &echo, &agent);
        bench::print_load(&load);
    }
}

/// What runs where, and how many times.
fn print_header(size: RunSize, plan: &Plan) {
    bench::print_title("spine", size);
    let raw =
        format!("{PING_LEN} B ping-pong on a UnixStream with an echo server in another process;");
    let agent = format!("{} at its default log level;", agent_binary().display());
    let counts_one = format!("{};", plan.one.describe("1 connection"));
    let counts_many = format!(
        "{} each",
        plan.each.describe(&format!("{CONCURRENT} connections"))
    );
    bench::print_legend(&[
        (
            "raw",
            &[
                raw.as_str(),
                "blocking std I/O, one thread per connection on each side",
            ],
        ),
        (
            "agent",
            &[
                agent.as_str(),
                "tokio current_thread, plus its diagnostics journal thread",
            ],
        ),
        (
            "bare",
            &[
                "agent.status as a pre-encoded frame on a blocking UnixStream;",
                "the response frame is read, not decoded",
            ],
        ),
        (
            "client",
            &[
                "agent.status via llm-agent-client;",
                "tokio current_thread, one thread for all its connections",
            ],
        ),
        ("counts", &[counts_one.as_str(), counts_many.as_str()]),
    ]);
}

/// Every case once, on the calling thread's current placement.
fn run_cases(plan: &Plan, echo: &EchoServer, agent: &BenchAgent) {
    let table = Table::start(CASE_WIDTH);
    let raw_one = echo.ping_pong(1, plan.one).summary();
    table.row("raw ping-pong (1)", &raw_one);
    let raw_many = echo.ping_pong(CONCURRENT, plan.each).summary();
    table.row(&format!("raw ping-pong ({CONCURRENT})"), &raw_many);
    let bare = bare_status(agent, plan.one).summary();
    table.row("agent.status, bare frames (1)", &bare);

    // One client thread for all connections in both client cases: see `client_runtime`.
    let runtime = bench::client_runtime();
    let client_one = runtime
        .block_on(client_status(agent, 1, plan.one))
        .summary();
    table.row("agent.status (1 client)", &client_one);
    let client_many = runtime
        .block_on(client_status(agent, CONCURRENT, plan.each))
        .summary();
    table.row(
        &format!("agent.status ({CONCURRENT} clients)"),
        &client_many,
    );

    print_ratio(
        "agent.status/raw at p50, 1 client",
        &client_one,
        &raw_one,
        "  (goal <= 3)",
    );
    print_ratio(
        &format!("agent.status/raw at p50, {CONCURRENT} clients"),
        &client_many,
        &raw_many,
        "",
    );
    print_ratio(
        "bare frames/raw at p50, 1 client",
        &bare,
        &raw_one,
        "  (the agent without the client library)",
    );
}

fn print_ratio(what: &str, numerator: &Summary, denominator: &Summary, note: &str) {
    let ratio = numerator.p50.as_secs_f64() / denominator.p50.as_secs_f64();
    println!("ratio {what:<40} {ratio:>4.1}x{note}");
}

/// One blocking connection sends the same encoded `agent.status` frame over and over and
/// reads each response frame without decoding it. Reusing the id is fine: each request
/// has been answered before the next one is sent.
fn bare_status(agent: &BenchAgent, counts: Counts) -> Samples {
    let request = BareConnection::request_frame::<Status>(no_params());
    BareConnection::open(agent).time(counts, &request)
}

/// `clients` clients, each on its own connection and its own task, make `counts.warmup`
/// `agent.status` calls, wait for one another, then make `counts.timed` timed calls.
async fn client_status(agent: &BenchAgent, clients: usize, counts: Counts) -> Samples {
    agent
        .run_clients(clients, counts, |client, _, _| async move {
            client
                .call::<Status>(no_params())
                .await
                .expect("agent.status failed");
        })
        .await
}
