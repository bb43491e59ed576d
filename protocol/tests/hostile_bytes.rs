//! Hostile bytes never panic a decoder. Deterministic mutations of the golden fixtures
//! (bit flips, truncations, splices, hostile lengths) go through every path the agent
//! and clients decode with: the envelope, then each method's typed params and result.
//! The test passes by finishing: any panic fails it.

use std::path::PathBuf;

use llm_agent_protocol::envelope::{self, Envelope};
use llm_agent_protocol::events::DiagnosticsEvent;
use llm_agent_protocol::methods::{
    Method, agent, chat, diagnostics, events, handshake, profiles, usage,
};
use llm_agent_protocol::value;

const ROUNDS: usize = 200_000;

fn fixtures() -> Vec<Vec<u8>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut all: Vec<Vec<u8>> = std::fs::read_dir(dir)
        .expect("fixtures")
        .map(|entry| std::fs::read(entry.expect("entry").path()).expect("fixture"))
        .collect();
    all.sort();
    all
}

/// A small deterministic generator: the same bytes every run, no extra crate.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutate(rng: &mut XorShift, seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut bytes = seeds[rng.below(seeds.len())].clone();
    for _ in 0..=rng.below(4) {
        match rng.below(6) {
            0 if !bytes.is_empty() => {
                let at = rng.below(bytes.len());
                bytes[at] ^= 1 << rng.below(8);
            }
            1 if !bytes.is_empty() => {
                let at = rng.below(bytes.len());
                bytes[at] = rng.next() as u8;
            }
            2 => bytes.truncate(rng.below(bytes.len() + 1)),
            3 => {
                let other = &seeds[rng.below(seeds.len())];
                let from = rng.below(other.len());
                let at = rng.below(bytes.len() + 1);
                bytes.splice(at..at, other[from..].iter().copied().take(16));
            }
            4 => {
                // A container or string header that claims far more than is there.
                let at = rng.below(bytes.len() + 1);
                let header: &[u8] = match rng.below(4) {
                    0 => &[0xdd, 0xff, 0xff, 0xff, 0xff],
                    1 => &[0xdf, 0x7f, 0xff, 0xff, 0xff],
                    2 => &[0xdb, 0xff, 0xff, 0xff, 0xf0],
                    _ => &[0xc6, 0xff, 0xff, 0xff, 0xff],
                };
                bytes.splice(at..at, header.iter().copied());
            }
            _ => {
                // Deep nesting.
                let at = rng.below(bytes.len() + 1);
                let depth = 1 + rng.below(2_000);
                bytes.splice(at..at, std::iter::repeat_n(0x91u8, depth));
            }
        }
    }
    bytes
}

fn typed<M: Method>(payload: &rmpv::Value) {
    let _ = value::from_value::<M::Params>(payload);
    let _ = value::from_value::<M::Result>(payload);
}

#[test]
fn mutated_frames_never_panic_a_decoder() {
    let seeds = fixtures();
    let mut rng = XorShift(0x853c_49e6_748f_ea9b);
    let mut envelopes = 0;
    for _ in 0..ROUNDS {
        let bytes = mutate(&mut rng, &seeds);
        let Ok(message) = envelope::decode::<Envelope>(&bytes) else {
            continue;
        };
        envelopes += 1;
        let payload = match &message {
            Envelope::Request(request) => request.params.clone(),
            Envelope::Response(response) => response.result.clone().unwrap_or(rmpv::Value::Nil),
            Envelope::Event(event) => event.data.clone(),
            Envelope::Delta(delta) => delta.data.clone(),
            Envelope::Cancel(_) => continue,
        };
        typed::<handshake::Hello>(&payload);
        typed::<agent::Status>(&payload);
        typed::<agent::Shutdown>(&payload);
        typed::<diagnostics::Query>(&payload);
        typed::<events::Subscribe>(&payload);
        typed::<events::Unsubscribe>(&payload);
        typed::<profiles::List>(&payload);
        typed::<profiles::Get>(&payload);
        typed::<profiles::Create>(&payload);
        typed::<profiles::Update>(&payload);
        typed::<profiles::Delete>(&payload);
        typed::<profiles::Activate>(&payload);
        typed::<profiles::ResetSecrets>(&payload);
        typed::<profiles::Models>(&payload);
        typed::<chat::Run>(&payload);
        typed::<usage::Summary>(&payload);
        typed::<usage::SetCap>(&payload);
        let _ = value::from_value::<DiagnosticsEvent>(&payload);
    }
    // The mutations must still reach the typed decoders often, or the test proves little.
    assert!(
        envelopes > ROUNDS / 20,
        "only {envelopes} mutated frames decoded as envelopes"
    );
}
