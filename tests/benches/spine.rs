//! The spine bench: what one small request costs through the real client library and the
//! real `llm-agent` binary, next to a bare Unix-socket ping-pong between two processes.
//!
//! Cases, all in one run:
//! - raw ping-pong: 100 bytes out and 100 bytes back on a plain `UnixStream`, against an
//!   echo server in a separate process (this binary, re-executed), from 1 connection and
//!   from 32 at once;
//! - `agent.status` through `llm_agent_client::Client` to the release agent, from 1 client
//!   and from 32 concurrent clients, each on its own connection.
//!
//! It prints p50, p99, max and throughput per case, and the ratio agent/raw at p50; the
//! spine's goal is a ratio of 3 or less for one client. Nothing is asserted.
//!
//! ```text
//! cargo build --release -p llm-agent
//! cargo bench -p llm-agent-tests --bench spine              # full run
//! cargo bench -p llm-agent-tests --bench spine -- --quick   # smoke run (or BENCH_QUICK=1)
//! ```

use std::io::{Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use llm_agent_client::Client;
use llm_agent_protocol::methods::agent::Status;
use llm_agent_tests::bench::{self, RunSize, Samples, Table};
use llm_agent_tests::{TestAgent, agent_binary, no_params};

/// Set (to a socket path) when this binary is re-executed as the echo server.
const ECHO_SERVER_ENV: &str = "LLM_AGENT_SPINE_BENCH_ECHO_SOCKET";
/// The raw ping-pong's message size.
const PING_LEN: usize = 100;
/// Connections in the concurrent cases.
const CONCURRENT: usize = 32;
/// Width of the case column.
const CASE_WIDTH: usize = 28;

/// How many round trips each case makes.
struct Plan {
    /// Unmeasured round trips of the single connection before it is timed.
    warmup: usize,
    /// Timed round trips of the single connection.
    calls: usize,
    /// Unmeasured round trips of each concurrent connection.
    warmup_each: usize,
    /// Timed round trips of each concurrent connection.
    calls_each: usize,
}

impl Plan {
    fn new(size: RunSize) -> Self {
        Self {
            warmup: size.pick(2_000, 200),
            calls: size.pick(20_000, 2_000),
            warmup_each: size.pick(100, 10),
            calls_each: size.pick(2_000, 200),
        }
    }
}

fn main() {
    if let Some(socket) = std::env::var_os(ECHO_SERVER_ENV) {
        serve_echo(Path::new(&socket));
    }
    let size = RunSize::from_env();
    let plan = Plan::new(size);
    let agent_bin = agent_binary();

    println!(
        "spine bench ({}, {} cores, {})",
        bench::build_profile(),
        bench::cores(),
        size.name()
    );
    println!(
        "  raw:    {PING_LEN} B ping-pong on a UnixStream to an echo server in another process;"
    );
    println!("          blocking std I/O on both sides, one thread per connection on each side");
    println!(
        "  agent:  agent.status via llm-agent-client -> {}",
        agent_bin.display()
    );
    println!("          agent: tokio current_thread (plus its diagnostics journal thread)");
    println!("          client: tokio current_thread, one thread for all its connections");
    println!(
        "  counts: warm-up {} then {} timed (1 connection); warm-up {} then {} timed per \
         connection ({CONCURRENT} connections)",
        plan.warmup, plan.calls, plan.warmup_each, plan.calls_each
    );
    println!();

    let table = Table::start(CASE_WIDTH);
    let echo = EchoServer::start();
    let raw_one = raw_ping_pong(&echo.socket, 1, plan.warmup, plan.calls).summary();
    table.row("raw ping-pong (1)", &raw_one);
    let raw_many =
        raw_ping_pong(&echo.socket, CONCURRENT, plan.warmup_each, plan.calls_each).summary();
    table.row(&format!("raw ping-pong ({CONCURRENT})"), &raw_many);
    drop(echo);

    let agent = TestAgent::start();
    // The client's layout for both agent cases. The agent serves every connection on one
    // current_thread runtime; one client thread for all connections makes two busy
    // threads, which fills this 2-core machine without the two sides taking CPU from each
    // other. A multi-thread client runtime would add cross-thread wake-ups inside the
    // client and compete with the agent for cores, so it would measure the client's
    // scheduler rather than the spine.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("build the client runtime");
    let agent_one = runtime
        .block_on(agent_status(&agent, 1, plan.warmup, plan.calls))
        .summary();
    table.row("agent.status (1 client)", &agent_one);
    let agent_many = runtime
        .block_on(agent_status(
            &agent,
            CONCURRENT,
            plan.warmup_each,
            plan.calls_each,
        ))
        .summary();
    table.row(&format!("agent.status ({CONCURRENT} clients)"), &agent_many);

    println!();
    println!(
        "ratio agent/raw at p50, 1 client:    {:.1}x  (goal <= 3)",
        ratio(agent_one.p50, raw_one.p50)
    );
    println!(
        "ratio agent/raw at p50, {CONCURRENT} clients:  {:.1}x",
        ratio(agent_many.p50, raw_many.p50)
    );
}

fn ratio(numerator: Duration, denominator: Duration) -> f64 {
    numerator.as_secs_f64() / denominator.as_secs_f64()
}

/// `clients` connections to the echo server, each on its own blocking thread, make
/// `warmup` round trips, wait for one another, then make `calls` timed round trips.
fn raw_ping_pong(socket: &Path, clients: usize, warmup: usize, calls: usize) -> Samples {
    let start_line = Arc::new(Barrier::new(clients));
    let workers: Vec<_> = (0..clients)
        .map(|_| {
            let socket = socket.to_owned();
            let start_line = Arc::clone(&start_line);
            std::thread::spawn(move || {
                let mut stream = UnixStream::connect(&socket).expect("connect to the echo server");
                let ping = [0x5a_u8; PING_LEN];
                let mut pong = [0_u8; PING_LEN];
                let mut round_trip = || {
                    stream.write_all(&ping).expect("write to the echo server");
                    stream
                        .read_exact(&mut pong)
                        .expect("read from the echo server");
                };
                for _ in 0..warmup {
                    round_trip();
                }
                start_line.wait();
                let mut samples = Samples::with_capacity(calls);
                for _ in 0..calls {
                    let start = Instant::now();
                    round_trip();
                    samples.record_since(start);
                }
                samples
            })
        })
        .collect();
    let mut all = Samples::with_capacity(clients * calls);
    for worker in workers {
        all.merge(worker.join().expect("a ping-pong thread panicked"));
    }
    all
}

/// `clients` clients, each on its own connection and its own task, make `warmup`
/// `agent.status` calls, wait for one another, then make `calls` timed calls.
async fn agent_status(agent: &TestAgent, clients: usize, warmup: usize, calls: usize) -> Samples {
    let start_line = Arc::new(tokio::sync::Barrier::new(clients));
    let mut workers = Vec::with_capacity(clients);
    for _ in 0..clients {
        let client = agent.client().await;
        let start_line = Arc::clone(&start_line);
        workers.push(tokio::spawn(async move {
            for _ in 0..warmup {
                status(&client).await;
            }
            start_line.wait().await;
            let mut samples = Samples::with_capacity(calls);
            for _ in 0..calls {
                let start = Instant::now();
                status(&client).await;
                samples.record_since(start);
            }
            samples
        }));
    }
    let mut all = Samples::with_capacity(clients * calls);
    for worker in workers {
        all.merge(worker.await.expect("an agent.status task panicked"));
    }
    all
}

async fn status(client: &Client) {
    client
        .call::<Status>(no_params())
        .await
        .expect("agent.status failed");
}

/// This binary re-executed as the raw ping-pong's echo server; stopped on drop.
struct EchoServer {
    child: Child,
    socket: PathBuf,
    _dir: tempfile::TempDir,
}

impl EchoServer {
    fn start() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("llm-agent-spine-bench")
            .tempdir()
            .expect("temp dir for the echo server");
        let socket = dir.path().join("echo.sock");
        let exe = std::env::current_exe().expect("path of the bench binary");
        let mut child = Command::new(exe)
            .env(ECHO_SERVER_ENV, &socket)
            // The server exits when this pipe closes, even if the bench is killed.
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("start the echo server");
        let deadline = Instant::now() + Duration::from_secs(10);
        while UnixStream::connect(&socket).is_err() {
            if let Ok(Some(status)) = child.try_wait() {
                panic!("the echo server exited during start-up ({status})");
            }
            assert!(
                Instant::now() < deadline,
                "the echo server did not listen within 10 s"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        Self {
            child,
            socket,
            _dir: dir,
        }
    }
}

impl Drop for EchoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The echo server's whole life: echo every `PING_LEN` bytes back, one blocking thread
/// per connection, until stdin (a pipe from the bench) closes.
fn serve_echo(socket: &Path) -> ! {
    let listener = UnixListener::bind(socket).expect("bind the echo socket");
    std::thread::spawn(|| {
        let _ = std::io::copy(&mut std::io::stdin(), &mut std::io::sink());
        std::process::exit(0);
    });
    for stream in listener.incoming() {
        let mut stream = stream.expect("accept on the echo socket");
        std::thread::spawn(move || {
            let mut buf = [0_u8; PING_LEN];
            // Ends when the client disconnects.
            while stream.read_exact(&mut buf).is_ok() && stream.write_all(&buf).is_ok() {}
        });
    }
    unreachable!("UnixListener::incoming never ends")
}
