//! Shared pieces of the benches in `tests/benches/`: how big a run is, an agent started as
//! a user starts it, the bare Unix-socket ping-pong every agent figure is held against
//! ([`EchoServer`]), where client and server run ([`Placement`]), latency samples with
//! their percentiles and throughput, a plain-text table to print them in, and how busy
//! the rest of the machine was meanwhile ([`ForeignLoad`]).
//!
//! A bench records each operation with [`Samples::record_since`], merges the samples of
//! concurrent workers with [`Samples::merge`], and prints [`Samples::summary`] as one
//! [`Table`] row. Benches report figures; they never fail on them.

use std::fs::File;
use std::future::Future;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Barrier, OnceLock};
use std::time::{Duration, Instant};

use llm_agent_client::Client;
use llm_agent_protocol::envelope::{self, Envelope, Request};
use llm_agent_protocol::frame::{HEADER_LEN, read_frame};
use llm_agent_protocol::{DEFAULT_MAX_FRAME_LEN, Method};

use crate::START_TIMEOUT;
use crate::agent::{agent_command, answers_hello, connect, no_keyring_env, wait_until_serving};
use crate::keyring::KeyringSession;
use crate::local_socket;

/// How long a bench runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunSize {
    /// The counts the figures are quoted from.
    Full,
    /// A short smoke run: the same code paths, about a tenth of the work.
    Quick,
}

/// Untimed operations, then timed ones.
#[derive(Debug, Clone, Copy)]
pub struct Counts {
    pub warmup: usize,
    pub timed: usize,
}

impl Counts {
    /// "`what`: warm-up W, then T timed", for a bench's legend.
    pub fn describe(self, what: &str) -> String {
        format!("{what}: warm-up {}, then {} timed", self.warmup, self.timed)
    }
}

impl RunSize {
    /// `Quick` when the command line has `--quick` or `BENCH_QUICK=1` is set, and also
    /// when the binary was not started by `cargo bench` (which passes `--bench`): under
    /// `cargo test --all-targets` a bench is only smoke-tested.
    pub fn from_env() -> Self {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let asked = args.iter().any(|arg| arg == "--quick")
            || std::env::var("BENCH_QUICK").is_ok_and(|value| value == "1");
        let under_cargo_bench = args.iter().any(|arg| arg == "--bench");
        if asked || !under_cargo_bench {
            Self::Quick
        } else {
            Self::Full
        }
    }

    /// `full` or `quick`, whichever this run is.
    pub fn pick<T>(self, full: T, quick: T) -> T {
        match self {
            Self::Full => full,
            Self::Quick => quick,
        }
    }

    /// Untimed then timed operations of a case: `full` or `quick`, each `(warmup, timed)`.
    pub fn counts(self, full: (usize, usize), quick: (usize, usize)) -> Counts {
        let (warmup, timed) = self.pick(full, quick);
        Counts { warmup, timed }
    }

    pub fn name(self) -> &'static str {
        self.pick("full run", "quick run")
    }
}

/// `release` or `debug`: how the bench itself was compiled.
pub fn build_profile() -> &'static str {
    if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    }
}

/// The CPUs this process may run on.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// The first line a bench prints: which bench, how it was built, on how many cores, and
/// how long a run.
pub fn print_title(bench: &str, size: RunSize) {
    println!(
        "{bench} bench ({}, {} cores, {})",
        build_profile(),
        cores(),
        size.name()
    );
}

/// What a bench runs where, one label and its lines at a time, the label in a column of
/// its own.
pub fn print_legend<Line: AsRef<str>>(legend: &[(&str, &[Line])]) {
    for (label, lines) in legend {
        for (index, line) in lines.iter().enumerate() {
            let label = if index == 0 { label } else { "" };
            println!("  {label:<8}{}", line.as_ref());
        }
    }
}

/// The runtime a bench's clients run on: one thread for every connection. The agent
/// serves every connection on one `current_thread` runtime; one client thread makes two
/// busy threads, one per core of the 2-core machines this targets, and each side's tasks
/// wake one another without crossing threads. A multi-thread client runtime would add
/// cross-thread wake-ups inside the client and compete with the agent for cores: it would
/// measure the client's scheduler rather than the agent.
pub fn client_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("build the client runtime")
}

/// `counts.warmup` untimed calls of `op` on this thread, then `counts.timed` timed ones.
pub fn time_blocking(counts: Counts, mut op: impl FnMut()) -> Samples {
    for _ in 0..counts.warmup {
        op();
    }
    Samples::time(counts.timed, op)
}

/// An `llm-agent` on its own temp socket and data dir, started the way a user starts it:
/// at its default log level. ([`TestAgent`](crate::TestAgent) logs at debug level, which
/// writes a line to stderr per request: right for finding a test failure, wrong for
/// timing one.) Unless started [`with_keyring`](BenchAgent::with_keyring), it has no
/// credential store, so profile writes are refused. Killed on drop.
pub struct BenchAgent {
    socket: PathBuf,
    child: Child,
    dir: tempfile::TempDir,
}

/// The agent's data dir inside a [`BenchAgent`]'s temp dir.
const DATA_SUBDIR: &str = "data";

impl BenchAgent {
    /// Starts the agent and waits until it answers a handshake.
    pub fn start() -> Self {
        Self::start_with_env(&[])
    }

    /// Starts an agent without a credential store and with extra environment variables
    /// (such as `LLM_AGENT_DISCOVERY_PORTS`).
    pub fn start_with_env(extra: &[(&'static str, String)]) -> Self {
        // No credential store: a bench must never touch the user's own keyring.
        let mut env = vec![no_keyring_env()];
        env.extend(extra.iter().cloned());
        Self::start_in(&std::env::temp_dir(), &env)
    }

    /// Starts an agent that keeps its data key in `keyring`, with its socket and data dir
    /// in a new temp dir under `parent`: a bench chooses the filesystem that the agent's
    /// profile writes land on.
    pub fn with_keyring(keyring: &KeyringSession, parent: &Path) -> Self {
        Self::start_in(parent, &keyring.env())
    }

    /// Starts an agent without a credential store whose data dir `prepare` has filled
    /// first (with a journal to query, say).
    pub fn start_prepared(prepare: impl FnOnce(&Path)) -> Self {
        Self::start_prepared_in(&std::env::temp_dir(), &[no_keyring_env()], prepare)
    }

    /// [`BenchAgent::with_keyring`], with extra environment variables.
    pub fn with_keyring_and_env(
        keyring: &KeyringSession,
        parent: &Path,
        extra: &[(&'static str, String)],
    ) -> Self {
        let mut env = keyring.env();
        env.extend(extra.iter().cloned());
        Self::start_in(parent, &env)
    }

    fn start_in(parent: &Path, env: &[(&'static str, String)]) -> Self {
        Self::start_prepared_in(parent, env, |_| {})
    }

    fn start_prepared_in(
        parent: &Path,
        env: &[(&'static str, String)],
        prepare: impl FnOnce(&Path),
    ) -> Self {
        let dir = tempfile::Builder::new()
            .prefix("llm-agent-bench")
            .tempdir_in(parent)
            .expect("temp dir for the agent");
        let data_dir = dir.path().join(DATA_SUBDIR);
        std::fs::create_dir_all(&data_dir).expect("the agent's data dir");
        prepare(&data_dir);
        let socket = local_socket::socket_path(dir.path(), "run/agent.sock");
        let log = File::create(dir.path().join("agent.log")).expect("agent log file");
        let mut child = agent_command(&socket, &data_dir, env, log)
            .spawn()
            .expect("spawn llm-agent");
        wait_until_serving(
            &mut child,
            "llm-agent",
            START_TIMEOUT,
            || answers_hello(&socket),
            String::new,
        );
        Self { socket, child, dir }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn socket(&self) -> &Path {
        &self.socket
    }

    /// Where the agent keeps `profiles.json`.
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join(DATA_SUBDIR)
    }

    /// A new connection, past the handshake.
    pub async fn client(&self) -> Client {
        connect(&self.socket, "llm-agent-bench").await
    }

    /// `clients` clients, each on its own connection and its own task, call `op` for
    /// `counts.warmup` untimed rounds, wait for one another, then for `counts.timed`
    /// timed rounds. `op` gets a clone of the client, the client's index and the round's.
    pub async fn run_clients<Op, Fut>(&self, clients: usize, counts: Counts, op: Op) -> Samples
    where
        Op: Fn(Client, usize, usize) -> Fut + Clone + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.run_clients_returning(clients, counts, op).await.0
    }

    /// [`BenchAgent::run_clients`], with what `op` returned in each timed round.
    pub async fn run_clients_returning<Op, Fut, T>(
        &self,
        clients: usize,
        counts: Counts,
        op: Op,
    ) -> (Samples, Vec<T>)
    where
        Op: Fn(Client, usize, usize) -> Fut + Clone + Send + 'static,
        Fut: Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        let start_line = Arc::new(tokio::sync::Barrier::new(clients));
        let mut workers = Vec::with_capacity(clients);
        for index in 0..clients {
            let client = self.client().await;
            let start_line = Arc::clone(&start_line);
            let op = op.clone();
            workers.push(tokio::spawn(async move {
                for round in 0..counts.warmup {
                    op(client.clone(), index, round).await;
                }
                start_line.wait().await;
                let mut samples = Samples::with_capacity(counts.timed);
                let mut returned = Vec::with_capacity(counts.timed);
                for round in counts.warmup..counts.warmup + counts.timed {
                    let start = Instant::now();
                    let value = op(client.clone(), index, round).await;
                    samples.record_since(start);
                    returned.push(value);
                }
                (samples, returned)
            }));
        }
        let mut all = Samples::with_capacity(clients * counts.timed);
        let mut returned = Vec::with_capacity(clients * counts.timed);
        for worker in workers {
            let (samples, values) = worker.await.expect("a client task panicked");
            all.merge(samples);
            returned.extend(values);
        }
        (all, returned)
    }
}

impl Drop for BenchAgent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A blocking connection to an agent, past the handshake, that sends one pre-encoded
/// request frame at a time and reads each response frame without decoding it: the
/// agent's share of a request, without the client library's.
pub struct BareConnection {
    stream: local_socket::Stream,
}

impl BareConnection {
    pub fn open(agent: &BenchAgent) -> Self {
        Self::open_in(agent, &[])
    }

    /// A bare connection whose texts the agent renders in the best of `locales`.
    pub fn open_in(agent: &BenchAgent, locales: &[&str]) -> Self {
        let mut stream = local_socket::connect(agent.socket()).expect("connect to the agent");
        crate::hello_in(&mut stream, locales).expect("hello on a bare connection");
        Self { stream }
    }

    /// The complete frame of a request of method `M`. Its id is always 1: a bare
    /// connection has one request in flight at a time.
    pub fn request_frame<M: Method>(params: M::Params) -> Vec<u8> {
        envelope::encode_frame(
            &Envelope::Request(Request {
                id: 1,
                method: M::NAME.to_owned(),
                params,
                correlation_id: None,
            }),
            DEFAULT_MAX_FRAME_LEN,
        )
        .expect("encode a request frame")
    }

    /// Sends `frame` and reads the response frame; returns its length, prefix included.
    pub fn round_trip(&mut self, frame: &[u8]) -> usize {
        self.stream.write_all(frame).expect("write to the agent");
        let body = read_frame(&mut self.stream, DEFAULT_MAX_FRAME_LEN)
            .expect("read from the agent")
            .expect("the agent closed the connection");
        HEADER_LEN + body.len()
    }

    /// `counts.warmup` untimed round trips of `frame`, then `counts.timed` timed ones.
    pub fn time(&mut self, counts: Counts, frame: &[u8]) -> Samples {
        time_blocking(counts, || {
            self.round_trip(frame);
        })
    }
}

/// Set (to a socket path) when a bench binary is re-executed as the echo server.
const ECHO_SERVER_ENV: &str = "LLM_AGENT_BENCH_ECHO_SOCKET";
/// The raw ping-pong's message size.
pub const PING_LEN: usize = 100;

/// The bench binary re-executed as an echo server in its own process: a bare Unix-socket
/// ping-pong with it (a named pipe on Windows: see [`local_socket`]) is the floor that
/// agent figures are held against. Stopped on drop.
///
/// A bench that starts one calls [`EchoServer::serve_if_asked`] first thing in `main`,
/// which is where the re-executed binary turns into the server.
pub struct EchoServer {
    child: Child,
    socket: PathBuf,
    _dir: tempfile::TempDir,
}

impl EchoServer {
    /// In the re-executed binary, serves until the bench goes away and never returns;
    /// otherwise returns at once.
    pub fn serve_if_asked() {
        if let Some(socket) = std::env::var_os(ECHO_SERVER_ENV) {
            serve_echo(Path::new(&socket));
        }
    }

    /// Starts the server and waits until it listens.
    pub fn start() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("llm-agent-bench-echo")
            .tempdir()
            .expect("temp dir for the echo server");
        let socket = local_socket::socket_path(dir.path(), "echo.sock");
        let exe = std::env::current_exe().expect("path of the bench binary");
        let mut child = Command::new(exe)
            .env(ECHO_SERVER_ENV, &socket)
            // The server exits when this pipe closes, even if the bench is killed.
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("start the echo server");
        wait_until_serving(
            &mut child,
            "the echo server",
            Duration::from_secs(10),
            || local_socket::connect(&socket).is_ok(),
            String::new,
        );
        Self {
            child,
            socket,
            _dir: dir,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `clients` connections, each on its own blocking thread, make `counts.warmup` round
    /// trips of [`PING_LEN`] bytes each way, wait for one another, then make
    /// `counts.timed` timed ones.
    pub fn ping_pong(&self, clients: usize, counts: Counts) -> Samples {
        self.round_trips(clients, counts, PING_LEN, PING_LEN)
    }

    /// Like [`EchoServer::ping_pong`], with `out` bytes sent and `back` bytes answered in
    /// each round trip: the bare cost of moving what a request and its response move.
    pub fn round_trips(&self, clients: usize, counts: Counts, out: usize, back: usize) -> Samples {
        let start_line = Arc::new(Barrier::new(clients));
        let workers: Vec<_> = (0..clients)
            .map(|_| {
                let socket = self.socket.clone();
                let start_line = Arc::clone(&start_line);
                std::thread::spawn(move || {
                    let mut stream =
                        local_socket::connect(&socket).expect("connect to the echo server");
                    let sizes = [out, back]
                        .map(|len| u32::try_from(len).expect("a round trip's size fits a u32"));
                    stream
                        .write_all(&[sizes[0].to_be_bytes(), sizes[1].to_be_bytes()].concat())
                        .expect("tell the echo server the sizes");
                    let ping = vec![0x5a_u8; out];
                    let mut pong = vec![0_u8; back];
                    let mut round_trip = || {
                        stream.write_all(&ping).expect("write to the echo server");
                        stream
                            .read_exact(&mut pong)
                            .expect("read from the echo server");
                    };
                    for _ in 0..counts.warmup {
                        round_trip();
                    }
                    start_line.wait();
                    Samples::time(counts.timed, round_trip)
                })
            })
            .collect();
        let mut all = Samples::with_capacity(clients * counts.timed);
        for worker in workers {
            all.merge(worker.join().expect("a ping-pong thread panicked"));
        }
        all
    }
}

impl Drop for EchoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The echo server's whole life, one blocking thread per connection, until stdin (a pipe
/// from the bench) closes. A connection first says how many bytes each of its messages
/// has and how many the answer has (two u32, big-endian); then every message read is
/// answered.
fn serve_echo(socket: &Path) -> ! {
    let listener = local_socket::bind(socket).expect("bind the echo socket");
    exit_when_stdin_closes();
    for stream in local_socket::incoming(&listener) {
        let mut stream = stream.expect("accept on the echo socket");
        std::thread::spawn(move || {
            let mut sizes = [0_u8; 8];
            if stream.read_exact(&mut sizes).is_err() {
                return;
            }
            let len = |at: usize| {
                let bytes = [sizes[at], sizes[at + 1], sizes[at + 2], sizes[at + 3]];
                u32::from_be_bytes(bytes) as usize
            };
            let mut message = vec![0_u8; len(0)];
            let answer = vec![0xa5_u8; len(4)];
            // Ends when the client disconnects.
            while stream.read_exact(&mut message).is_ok() && stream.write_all(&answer).is_ok() {}
        });
    }
    unreachable!("a listener's incoming connections never end")
}

/// In a bench binary re-executed as a helper server (the echo server, a stand-in): ends
/// the process once stdin, a pipe from the bench, closes, so the helper goes with the
/// bench even when the bench is killed.
pub fn exit_when_stdin_closes() {
    std::thread::spawn(|| {
        let _ = std::io::copy(&mut std::io::stdin(), &mut std::io::sink());
        std::process::exit(0);
    });
}

/// The processes this one started that are still running: helpers such as a keyring's
/// bus and daemon, whose CPU time [`ForeignLoad`] should count as the bench's own.
pub fn child_pids() -> Vec<u32> {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return Vec::new();
    };
    let mut pids: Vec<u32> = tasks
        .flatten()
        .filter_map(|task| std::fs::read_to_string(task.path().join("children")).ok())
        .flat_map(|children| {
            children
                .split_whitespace()
                .filter_map(|pid| pid.parse().ok())
                .collect::<Vec<u32>>()
        })
        .collect();
    pids.sort_unstable();
    pids.dedup();
    pids
}

/// The CPUs this process was allowed to run on when it first asked, before any
/// [`Placement`] pinned it; empty where that cannot be known.
pub fn allowed_cpus() -> Vec<usize> {
    static ALLOWED: OnceLock<Vec<usize>> = OnceLock::new();
    ALLOWED
        .get_or_init(|| affinity::allowed().unwrap_or_default())
        .clone()
}

/// Which CPUs the two sides of a client/server bench run on.
///
/// Between two processes, a round trip costs about twice as much when each message must
/// wake a thread on another, idle core (on a VM, an idle vCPU has halted and must be
/// woken through the hypervisor) as when both sides share one core. Left to itself the
/// scheduler flips between the two from run to run, so a bench pins each side to say
/// which one it measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// The client on one CPU and the server on another: every message wakes the other
    /// core, as when an app and the agent are both otherwise idle.
    Split { client: usize, server: usize },
    /// Client and server on one CPU: a message costs a context switch and no wake-up of
    /// another core, so the figures are mostly CPU work.
    Shared { cpu: usize },
    /// Wherever the scheduler puts them.
    Free,
}

impl Placement {
    /// The placements that can be told apart on `cpus`: split needs two.
    pub fn available(cpus: &[usize]) -> Vec<Self> {
        let mut placements = Vec::new();
        if let [client, server, ..] = *cpus {
            placements.push(Self::Split { client, server });
        }
        if let [cpu, ..] = *cpus {
            placements.push(Self::Shared { cpu });
        }
        placements.push(Self::Free);
        placements
    }

    /// The placements to run: `--placement NAME` (or `BENCH_PLACEMENT=NAME`) picks one
    /// of [`Placement::available`] by name; otherwise `defaults` of them, in order.
    pub fn from_env(defaults: &[&str]) -> Result<Vec<Self>, String> {
        let available = Self::available(&allowed_cpus());
        let args: Vec<String> = std::env::args().collect();
        let asked = args
            .windows(2)
            .find(|pair| pair[0] == "--placement")
            .map(|pair| pair[1].clone())
            .or_else(|| std::env::var("BENCH_PLACEMENT").ok());
        let wanted: Vec<&str> = match &asked {
            Some(name) => vec![name.as_str()],
            None => defaults.to_vec(),
        };
        let chosen: Vec<Self> = available
            .iter()
            .copied()
            .filter(|placement| wanted.contains(&placement.name()))
            .collect();
        match (&asked, chosen.is_empty()) {
            (Some(name), true) => Err(format!(
                "unknown placement {name:?} here; this machine offers {}",
                available
                    .iter()
                    .map(|placement| placement.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            (None, true) => Ok(vec![Self::Free]),
            (_, false) => Ok(chosen),
        }
    }

    /// [`Placement::from_env`], or the end of `bench` with the reason (exit code 2) when
    /// the asked placement is not there.
    pub fn from_env_or_exit(bench: &str, defaults: &[&str]) -> Vec<Self> {
        Self::from_env(defaults).unwrap_or_else(|err| {
            eprintln!("{bench} bench: {err}");
            std::process::exit(2);
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Split { .. } => "split",
            Self::Shared { .. } => "shared",
            Self::Free => "free",
        }
    }

    /// The name and the CPUs, for a report.
    pub fn describe(self) -> String {
        match self {
            Self::Split { client, server } => {
                format!("split: client on CPU {client}, server on CPU {server}")
            }
            Self::Shared { cpu } => format!("shared: client and server both on CPU {cpu}"),
            Self::Free => "free: not pinned".to_owned(),
        }
    }

    fn client_cpus(self) -> Vec<usize> {
        match self {
            Self::Split { client: cpu, .. } | Self::Shared { cpu } => vec![cpu],
            Self::Free => allowed_cpus(),
        }
    }

    fn server_cpus(self) -> Vec<usize> {
        match self {
            Self::Split { server: cpu, .. } | Self::Shared { cpu } => vec![cpu],
            Self::Free => allowed_cpus(),
        }
    }

    /// Pins the calling thread to the client's CPU, and every current thread of each of
    /// the `servers` processes to the server's; threads they start afterwards inherit the
    /// pin.
    pub fn pin(self, servers: &[u32]) {
        self.pin_client_thread().expect("pin the bench thread");
        for &pid in servers {
            self.pin_server_process(pid)
                .unwrap_or_else(|err| panic!("pin process {pid} to the server's CPU: {err}"));
        }
    }

    /// Pins the calling thread to the client's CPU; threads it starts afterwards inherit
    /// the pin.
    pub fn pin_client_thread(self) -> std::io::Result<()> {
        affinity::pin_thread(None, &self.client_cpus())
    }

    /// Pins every current thread of process `pid` to the server's CPU; threads they
    /// start afterwards inherit the pin.
    pub fn pin_server_process(self, pid: u32) -> std::io::Result<()> {
        let cpus = self.server_cpus();
        for thread in affinity::threads_of(pid)? {
            affinity::pin_thread(Some(thread), &cpus)?;
        }
        Ok(())
    }
}

#[cfg(target_os = "linux")]
mod affinity {
    use std::io;

    use rustix::process::Pid;
    use rustix::thread::{CpuSet, sched_getaffinity, sched_setaffinity};

    pub fn allowed() -> io::Result<Vec<usize>> {
        let set = sched_getaffinity(None)?;
        Ok((0..CpuSet::MAX_CPU)
            .filter(|&cpu| set.is_set(cpu))
            .collect())
    }

    /// Pins thread `tid` (the calling thread when `None`) to `cpus`.
    pub fn pin_thread(tid: Option<i32>, cpus: &[usize]) -> io::Result<()> {
        let mut set = CpuSet::new();
        cpus.iter().for_each(|&cpu| set.set(cpu));
        let tid = tid.map(|raw| Pid::from_raw(raw).ok_or(io::ErrorKind::InvalidInput));
        Ok(sched_setaffinity(tid.transpose()?, &set)?)
    }

    /// The thread ids of process `pid`.
    pub fn threads_of(pid: u32) -> io::Result<Vec<i32>> {
        std::fs::read_dir(format!("/proc/{pid}/task"))?
            .map(|entry| {
                let name = entry?.file_name();
                name.to_str()
                    .and_then(|tid| tid.parse().ok())
                    .ok_or_else(|| io::Error::other(format!("odd task entry {name:?}")))
            })
            .collect()
    }
}

/// Elsewhere nothing is pinned: every placement runs where the scheduler puts it.
#[cfg(not(target_os = "linux"))]
mod affinity {
    use std::io;

    pub fn allowed() -> io::Result<Vec<usize>> {
        Ok(Vec::new())
    }

    pub fn pin_thread(_tid: Option<i32>, _cpus: &[usize]) -> io::Result<()> {
        Ok(())
    }

    pub fn threads_of(_pid: u32) -> io::Result<Vec<i32>> {
        Ok(Vec::new())
    }
}

/// CPU time that processes other than the bench's own took while it measured, and time
/// the hypervisor gave this machine's CPUs to someone else (steal). A bench prints it
/// next to its figures: a busy neighbour moves them by more than most changes do.
#[derive(Debug)]
pub struct ForeignLoad {
    pids: Vec<u32>,
    start: Option<CpuTicks>,
    started: Instant,
}

#[derive(Debug, Clone, Copy)]
struct CpuTicks {
    busy: u64,
    steal: u64,
    ours: u64,
}

impl ForeignLoad {
    /// Starts counting; `pids` are the bench's own processes (the bench itself and what it
    /// started), whose CPU time is not foreign.
    pub fn start(pids: &[u32]) -> Self {
        Self {
            pids: pids.to_vec(),
            start: proc_stat::ticks(pids),
            started: Instant::now(),
        }
    }

    /// "other processes 0.03 CPUs, steal 0.00 CPUs" since the start, averaged over the
    /// span; `None` where `/proc` cannot tell.
    pub fn describe(&self) -> Option<String> {
        let (start, end) = (self.start?, proc_stat::ticks(&self.pids)?);
        let seconds = self.started.elapsed().as_secs_f64();
        let cpus = |ticks: u64| ticks as f64 / proc_stat::TICKS_PER_SECOND / seconds;
        let ours = end.ours.saturating_sub(start.ours);
        let others = end.busy.saturating_sub(start.busy).saturating_sub(ours);
        let steal = end.steal.saturating_sub(start.steal);
        Some(format!(
            "other processes {:.2} CPUs, steal {:.2} CPUs",
            cpus(others),
            cpus(steal)
        ))
    }
}

mod proc_stat {
    use super::CpuTicks;

    /// `USER_HZ`, which is 100 on every Linux architecture a bench runs on.
    pub const TICKS_PER_SECOND: f64 = 100.0;

    /// Busy and steal ticks of the whole machine (`/proc/stat`), and the user and system
    /// ticks of `pids`, threads included (`/proc/PID/stat`).
    pub fn ticks(pids: &[u32]) -> Option<CpuTicks> {
        let stat = std::fs::read_to_string("/proc/stat").ok()?;
        let fields: Vec<u64> = stat
            .lines()
            .next()?
            .strip_prefix("cpu ")?
            .split_whitespace()
            .map(|field| field.parse().ok())
            .collect::<Option<_>>()?;
        // user nice system idle iowait irq softirq steal ...
        let [user, nice, system, _idle, _iowait, irq, softirq, steal, ..] = fields[..] else {
            return None;
        };
        let mut ours = 0;
        for pid in pids {
            ours += process_ticks(*pid)?;
        }
        Some(CpuTicks {
            busy: user + nice + system + irq + softirq,
            steal,
            ours,
        })
    }

    /// The user and system ticks of one process, every thread it ever ran included.
    pub fn process_ticks(pid: u32) -> Option<u64> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // Fields after the parenthesised command name, from field 3 (state) on.
        let rest: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
        let utime: u64 = rest.get(11)?.parse().ok()?;
        let stime: u64 = rest.get(12)?.parse().ok()?;
        Some(utime + stime)
    }
}

/// The CPU time process `pid` has used so far (user and system, all its threads), at
/// the kernel's tick resolution (10 ms); `None` where `/proc` cannot tell. The work of
/// a change is best compared in CPU time on a machine others use too.
pub fn cpu_time(pid: u32) -> Option<Duration> {
    let ticks = proc_stat::process_ticks(pid)?;
    Some(Duration::from_secs_f64(
        ticks as f64 / proc_stat::TICKS_PER_SECOND,
    ))
}

/// The latency of each operation, and the span of time the operations covered.
#[derive(Debug, Clone, Default)]
pub struct Samples {
    nanos: Vec<u64>,
    /// From the start of the first operation to the end of the last one.
    span: Option<(Instant, Instant)>,
}

impl Samples {
    pub fn with_capacity(operations: usize) -> Self {
        Self {
            nanos: Vec::with_capacity(operations),
            span: None,
        }
    }

    /// `op` run `operations` times in a row on this thread, each one timed.
    pub fn time(operations: usize, mut op: impl FnMut()) -> Self {
        let mut samples = Self::with_capacity(operations);
        for _ in 0..operations {
            let start = Instant::now();
            op();
            samples.record_since(start);
        }
        samples
    }

    /// Records one operation that began at `start` and has just ended.
    pub fn record_since(&mut self, start: Instant) {
        self.record_between(start, Instant::now());
    }

    /// Records one operation that ran from `start` to `end` (a stage of a longer one).
    pub fn record_between(&mut self, start: Instant, end: Instant) {
        let nanos = u64::try_from((end - start).as_nanos()).unwrap_or(u64::MAX);
        self.nanos.push(nanos);
        self.span = Some(match self.span {
            None => (start, end),
            Some((first, last)) => (first.min(start), last.max(end)),
        });
    }

    /// Adds the operations of another worker; the span grows to cover both.
    pub fn merge(&mut self, other: Samples) {
        self.nanos.extend(other.nanos);
        self.span = match (self.span, other.span) {
            (Some((a0, a1)), Some((b0, b1))) => Some((a0.min(b0), a1.max(b1))),
            (span, None) | (None, span) => span,
        };
    }

    pub fn len(&self) -> usize {
        self.nanos.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nanos.is_empty()
    }

    /// Percentiles of the latencies, and throughput over the covered span: for workers
    /// that run at the same time, that is their aggregate throughput.
    pub fn summary(&self) -> Summary {
        let mut sorted = self.nanos.clone();
        sorted.sort_unstable();
        let at = |q| Duration::from_nanos(percentile(&sorted, q));
        let elapsed = self
            .span
            .map_or(Duration::ZERO, |(first, last)| last - first);
        let per_sec = if elapsed.is_zero() {
            0.0
        } else {
            sorted.len() as f64 / elapsed.as_secs_f64()
        };
        Summary {
            operations: sorted.len(),
            p50: at(0.50),
            p99: at(0.99),
            max: at(1.0),
            per_sec,
        }
    }
}

/// The nearest-rank percentile `q` of `values` in ms, at nanosecond resolution. Values
/// below zero count as zero.
pub fn percentile_ms(values: &[f64], q: f64) -> f64 {
    let mut nanos: Vec<u64> = values
        .iter()
        .map(|ms| (ms * 1e6).round().max(0.0) as u64)
        .collect();
    nanos.sort_unstable();
    percentile(&nanos, q) as f64 / 1e6
}

/// This process and every process it started (agents, buses, keyring daemons): their CPU
/// time is not foreign load.
pub fn own_pids() -> Vec<u32> {
    let mut pids = child_pids();
    pids.push(std::process::id());
    pids
}

/// Prints the foreign load measured while a case ran, if any was seen.
pub fn print_load(load: &ForeignLoad) {
    if let Some(load) = load.describe() {
        println!("while measuring: {load}");
    }
}

/// The nearest-rank percentile `q` (0.0 to 1.0) of ascending `sorted`; 0 when empty.
pub fn percentile(sorted: &[u64], q: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (q.clamp(0.0, 1.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// What one bench case measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub operations: usize,
    pub p50: Duration,
    pub p99: Duration,
    pub max: Duration,
    /// Operations per second over the time they covered.
    pub per_sec: f64,
}

/// A plain-text table with one row per case, printed as the rows arrive so a long bench
/// shows progress.
#[derive(Debug)]
pub struct Table {
    case_width: usize,
}

impl Table {
    /// Prints the column headings; case names up to `case_width` characters line up.
    pub fn start(case_width: usize) -> Self {
        println!(
            "{:<case_width$} {:>8} {:>9} {:>9} {:>9} {:>10}",
            "case", "ops", "p50 µs", "p99 µs", "max µs", "ops/s"
        );
        Self { case_width }
    }

    pub fn row(&self, case: &str, summary: &Summary) {
        println!(
            "{:<width$} {:>8} {:>9.1} {:>9.1} {:>9.1} {:>10.0}",
            case,
            summary.operations,
            micros(summary.p50),
            micros(summary.p99),
            micros(summary.max),
            summary.per_sec,
            width = self.case_width,
        );
    }
}

/// The type of the filesystem `dir` is on (`ext4`, `tmpfs`), from `/proc/self/mounts`.
pub fn filesystem_of(dir: &Path) -> Option<String> {
    let dir = dir.canonicalize().ok()?;
    let mounts = std::fs::read_to_string("/proc/self/mounts").ok()?;
    mounts
        .lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace().skip(1);
            Some((PathBuf::from(fields.next()?), fields.next()?.to_owned()))
        })
        .filter(|(mount_point, _)| dir.starts_with(mount_point))
        // The deepest mount point wins; among equals, the last mounted (max_by_key's).
        .max_by_key(|(mount_point, _)| mount_point.components().count())
        .map(|(_, filesystem)| filesystem)
}

/// A duration in microseconds, for printing.
pub fn micros(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let sorted: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&sorted, 0.50), 50);
        assert_eq!(percentile(&sorted, 0.99), 99);
        assert_eq!(percentile(&sorted, 1.0), 100);
        assert_eq!(percentile(&sorted, 0.0), 1);
        assert_eq!(percentile(&[7], 0.99), 7);
        assert_eq!(percentile(&[], 0.5), 0);
    }

    #[test]
    fn merged_samples_cover_both_spans() {
        let origin = Instant::now();
        let mut a = Samples::default();
        a.record_since(origin);
        let mut b = Samples::default();
        b.record_since(Instant::now());
        let b_end = b.span.expect("recorded").1;
        a.merge(b);
        assert_eq!(a.len(), 2);
        let (first, last) = a.span.expect("recorded");
        assert_eq!(first, origin);
        assert!(last >= b_end);
    }
}
