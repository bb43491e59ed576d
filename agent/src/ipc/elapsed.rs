//! The time a timed answer reports (`profiles.list`'s `elapsed_us`): from the start of
//! its params' decode to the end of its encode, the whole of the agent's work on it but
//! the transport. A figure inside the answer cannot be known until the answer has been
//! encoded, so the answer is encoded with a [`Placeholder`] of fixed width as its last
//! value, and [`stamp`] writes the figure over it.

use std::time::Instant;

use serde::Serialize;

/// What a timed answer writes as its last field's value: a `uint64` of all ones, which
/// takes the full 9 bytes, so the true figure fits in its place once it is known.
pub struct Placeholder;

/// The bytes [`Placeholder`] encodes to.
pub const PLACEHOLDER: [u8; 9] = [0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];

impl Serialize for Placeholder {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u64(u64::MAX)
    }
}

/// Writes the microseconds since `started` over the placeholder that ends `frame`: the
/// result is the response's last field, and the elapsed time the result's.
pub fn stamp(frame: &mut [u8], started: Instant) {
    let Some(at) = frame.len().checked_sub(PLACEHOLDER.len()) else {
        return;
    };
    if frame[at..] != PLACEHOLDER {
        tracing::error!("a timed answer does not end with its elapsed time; sent unstamped");
        return;
    }
    let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX - 1);
    frame[at + 1..].copy_from_slice(&micros.to_be_bytes());
}

#[cfg(test)]
mod tests {
    use llm_agent_protocol::envelope::Response;

    use super::*;

    #[test]
    fn a_timed_answer_is_stamped_with_the_time_through_its_encoding() {
        #[derive(Serialize)]
        struct Timed {
            items: Vec<u32>,
            elapsed_us: Placeholder,
        }
        let timed = Timed {
            items: vec![1, 2, 3],
            elapsed_us: Placeholder,
        };
        let mut frame = crate::ipc::dispatch::encode_result(4, "c", &timed, u32::MAX).unwrap();
        assert!(frame.ends_with(&PLACEHOLDER));
        let started = Instant::now() - std::time::Duration::from_millis(5);
        stamp(&mut frame, started);
        #[derive(serde::Deserialize)]
        struct Read {
            items: Vec<u32>,
            elapsed_us: u64,
        }
        let response: Response<Read> = rmp_serde::from_slice(&frame[4..]).unwrap();
        let read = response.result.unwrap();
        assert_eq!(read.items, [1, 2, 3]);
        assert!(
            (5_000..1_000_000).contains(&read.elapsed_us),
            "{}",
            read.elapsed_us
        );
    }
}
