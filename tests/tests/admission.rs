//! A flood of connections: past the connection limit, refused connections hold at most a
//! bounded number of the agent's file descriptors; at the descriptor limit, the failed
//! accepts are logged once, not once each; and the agent serves again as soon as
//! descriptors free up.

// Unix only: the agent's descriptors are counted in /proc and limited with prlimit.
#![cfg(target_os = "linux")]

use std::io::Read;
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

use llm_agent_protocol::ErrorCode;
use llm_agent_tests::{TestAgent, no_params};

/// The agent's connection limit (its default).
const MAX_CONNECTIONS: usize = 256;
/// Refused connections that may linger at once (the agent's `REFUSED_LINGERERS`).
const REFUSED_LINGERERS: usize = 16;

fn open_descriptors(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .expect("the agent's descriptors")
        .count()
}

fn assert_alive(agent: &TestAgent) {
    let mut raw = agent.raw();
    raw.request(77, "agent.status", no_params());
    assert!(raw.response().into_outcome().is_ok(), "agent still serves");
}

/// Each refused connection used to linger 500 ms holding its descriptor, so 3,000
/// connects held 3,016 descriptors while 256 were served.
#[test]
fn refused_connections_hold_a_bounded_number_of_descriptors() {
    let agent = TestAgent::start();
    let before = open_descriptors(agent.pid());
    let held: Vec<_> = (0..MAX_CONNECTIONS).map(|_| agent.raw()).collect();
    let refused: Vec<UnixStream> = (0..300)
        .map(|_| {
            let mut raw = agent.raw_without_hello();
            let response = raw.response();
            assert_eq!(response.id, None);
            let error = response.into_outcome().unwrap_err();
            assert_eq!(error.code, ErrorCode::Busy);
            // Kept open, as a client that goes on writing would: the agent decides alone
            // how long it waits for it.
            raw.stream
        })
        .collect();
    let during = open_descriptors(agent.pid());
    assert!(
        during <= before + MAX_CONNECTIONS + REFUSED_LINGERERS + 4,
        "{during} descriptors open while serving {MAX_CONNECTIONS}, {before} before"
    );
    drop((held, refused));
    let deadline = Instant::now() + Duration::from_secs(10);
    while open_descriptors(agent.pid()) > before + 4 {
        assert!(Instant::now() < deadline, "descriptors never came back");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_alive(&agent);
}

/// At the descriptor limit every accept fails; it used to be logged once per failure (30
/// lines per burst). It is logged once, accepting pauses briefly, and the agent serves
/// again once descriptors are free.
#[test]
fn accept_failures_at_the_descriptor_limit_are_logged_once() {
    use rustix::process::{Pid, Resource, Rlimit, getrlimit, prlimit};
    let agent = TestAgent::start();
    let pid = Pid::from_raw(i32::try_from(agent.pid()).unwrap()).unwrap();
    let spare = 8;
    let limit = (open_descriptors(agent.pid()) + spare) as u64;
    // The agent inherited this process's limits.
    let maximum = getrlimit(Resource::Nofile).maximum;
    let lowered = Rlimit {
        current: Some(limit),
        maximum,
    };
    let old = prlimit(Some(pid), Resource::Nofile, lowered).expect("lower the agent's limit");
    // More connections than descriptors: the kernel queues them, the agent cannot take
    // them all.
    let flood: Vec<UnixStream> = (0..4 * spare)
        .map(|_| UnixStream::connect(&agent.socket).expect("connect"))
        .collect();
    std::thread::sleep(Duration::from_millis(1500));
    let failures = agent
        .log_text()
        .lines()
        .filter(|line| line.contains("accept") && line.contains("failed"))
        .count();
    assert_eq!(failures, 1, "{}", agent.log_text());
    drop(flood);
    prlimit(Some(pid), Resource::Nofile, old).expect("restore the agent's limit");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let mut stream = UnixStream::connect(&agent.socket).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_millis(500)))
            .unwrap();
        if llm_agent_tests::hello(&mut stream).is_ok() {
            break;
        }
        assert!(Instant::now() < deadline, "never served again");
        let _ = stream.read(&mut [0; 1]);
    }
    assert_alive(&agent);
}
