//! Frames a hostile local client sends to make the agent spend memory, each a complete
//! frame of at most the 4 MiB limit, and what a process holds in memory
//! ([`Memory::of`]), to watch what they cost.
//!
//! Each frame is a request the agent must at least read: params made of millions of tiny
//! containers (which cost a decoder many times their size), or just under the agent's
//! limit on values with every value a long string.

use llm_agent_protocol::DEFAULT_MAX_FRAME_LEN;

/// The frame limit, as a length.
const FRAME_LIMIT: usize = DEFAULT_MAX_FRAME_LEN as usize;

/// A hostile frame, named for a report.
pub struct HostileFrame {
    pub name: &'static str,
    pub frame: Vec<u8>,
}

/// Every kind of hostile frame, each close to the frame limit.
pub fn all() -> Vec<HostileFrame> {
    vec![
        HostileFrame {
            name: "map of 2M nil entries",
            frame: request_frame("agent.status", |params| {
                let entries = (FRAME_LIMIT - 64) / 2;
                params.push(0xdf);
                params.extend_from_slice(&(entries as u32).to_be_bytes());
                for key in 0..entries {
                    params.extend_from_slice(&[(key % 128) as u8, 0xc0]);
                }
            }),
        },
        HostileFrame {
            name: "array of 4M empty arrays",
            frame: request_frame("profiles.list", |params| {
                let entries = FRAME_LIMIT - 64;
                params.push(0x81);
                params.push(0xa8);
                params.extend_from_slice(b"provider");
                params.push(0xdd);
                params.extend_from_slice(&(entries as u32).to_be_bytes());
                params.extend(std::iter::repeat_n(0x90, entries));
            }),
        },
        HostileFrame {
            name: "60,000 labels of 60 bytes",
            frame: request_frame("profiles.create", |params| {
                let labels = 60_000;
                params.push(0x81);
                params.push(0xa8);
                params.extend_from_slice(b"metadata");
                params.push(0x81);
                params.push(0xa6);
                params.extend_from_slice(b"labels");
                params.push(0xdd);
                params.extend_from_slice(&(labels as u32).to_be_bytes());
                for _ in 0..labels {
                    params.extend_from_slice(&[0xd9, 60]);
                    params.extend_from_slice(&[b'l'; 60]);
                }
            }),
        },
    ]
}

/// `{type: request, id: 1, method, params}` as a complete frame, its params written by
/// `params`.
fn request_frame(method: &str, params: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut body = vec![0x84, 0xa4];
    body.extend_from_slice(b"type");
    body.push(0xa7);
    body.extend_from_slice(b"request");
    body.push(0xa2);
    body.extend_from_slice(b"id");
    body.push(0x01);
    body.push(0xa6);
    body.extend_from_slice(b"method");
    body.push(0xa0 | u8::try_from(method.len()).expect("a short method name"));
    body.extend_from_slice(method.as_bytes());
    body.push(0xa6);
    body.extend_from_slice(b"params");
    params(&mut body);
    assert!(body.len() <= FRAME_LIMIT, "{method}: {} bytes", body.len());
    let mut frame = (body.len() as u32).to_be_bytes().to_vec();
    frame.extend(body);
    frame
}

/// What a process holds in memory, from `/proc/PID/status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Memory {
    /// Resident now, in KiB.
    pub rss_kib: u64,
    /// The most it was ever resident, in KiB.
    pub peak_kib: u64,
}

impl Memory {
    /// `None` where `/proc` cannot tell.
    pub fn of(pid: u32) -> Option<Memory> {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let field = |name: &str| {
            status
                .lines()
                .find_map(|line| line.strip_prefix(name))?
                .trim()
                .strip_suffix("kB")?
                .trim()
                .parse()
                .ok()
        };
        Some(Memory {
            rss_kib: field("VmRSS:")?,
            peak_kib: field("VmHWM:")?,
        })
    }
}
