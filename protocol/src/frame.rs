//! The frame: a u32 big-endian body length, then the body (one MessagePack value).
//!
//! The length is checked against the limit before anything is allocated for the body, so a
//! hostile length prefix costs the reader nothing. Both a tokio codec and blocking
//! helpers are provided.

use std::io::{self, Read, Write};

use bytes::{Buf, BufMut, Bytes, BytesMut};
use tokio_util::codec::{Decoder, Encoder};

use crate::DEFAULT_MAX_FRAME_LEN;

/// Size of the length prefix.
pub const HEADER_LEN: usize = 4;

/// Why a frame could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    #[error("frame of {len} bytes exceeds the limit of {max} bytes")]
    TooLarge { len: u64, max: u32 },
    #[error("connection closed in the middle of a frame")]
    Truncated,
    /// The peer stopped sending in the middle of a frame (reported by readers that
    /// enforce a stall timeout).
    #[error("no byte of the current frame for {0:?}")]
    Stalled(std::time::Duration),
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// A tokio codec for frames. Decoding yields the body; encoding takes a body and prefixes it.
#[derive(Debug, Clone, Copy)]
pub struct FrameCodec {
    max_len: u32,
}

impl FrameCodec {
    pub fn new(max_len: u32) -> Self {
        Self { max_len }
    }

    pub fn max_len(&self) -> u32 {
        self.max_len
    }
}

impl Default for FrameCodec {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_FRAME_LEN)
    }
}

impl Decoder for FrameCodec {
    type Item = BytesMut;
    type Error = FrameError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<BytesMut>, FrameError> {
        if src.len() < HEADER_LEN {
            src.reserve(HEADER_LEN - src.len());
            return Ok(None);
        }
        let len = u32::from_be_bytes([src[0], src[1], src[2], src[3]]);
        if len > self.max_len {
            return Err(FrameError::TooLarge {
                len: len.into(),
                max: self.max_len,
            });
        }
        let total = HEADER_LEN + len as usize;
        if src.len() < total {
            src.reserve(total - src.len());
            return Ok(None);
        }
        src.advance(HEADER_LEN);
        Ok(Some(src.split_to(len as usize)))
    }

    fn decode_eof(&mut self, src: &mut BytesMut) -> Result<Option<BytesMut>, FrameError> {
        match self.decode(src)? {
            Some(frame) => Ok(Some(frame)),
            None if src.is_empty() => Ok(None),
            None => Err(FrameError::Truncated),
        }
    }
}

impl Encoder<Bytes> for FrameCodec {
    type Error = FrameError;

    fn encode(&mut self, body: Bytes, dst: &mut BytesMut) -> Result<(), FrameError> {
        self.encode(&body[..], dst)
    }
}

impl Encoder<&[u8]> for FrameCodec {
    type Error = FrameError;

    fn encode(&mut self, body: &[u8], dst: &mut BytesMut) -> Result<(), FrameError> {
        let len = checked_len(body, self.max_len)?;
        dst.reserve(HEADER_LEN + body.len());
        dst.put_u32(len);
        dst.put_slice(body);
        Ok(())
    }
}

fn checked_len(body: &[u8], max: u32) -> Result<u32, FrameError> {
    match u32::try_from(body.len()) {
        Ok(len) if len <= max => Ok(len),
        _ => Err(FrameError::TooLarge {
            len: body.len() as u64,
            max,
        }),
    }
}

/// Prefixes `body` with its length, ready to be written in one call.
pub fn encode_frame(body: &[u8], max_len: u32) -> Result<Vec<u8>, FrameError> {
    let len = checked_len(body, max_len)?;
    let mut out = Vec::with_capacity(HEADER_LEN + body.len());
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(body);
    Ok(out)
}

/// Writes one frame to a blocking writer.
pub fn write_frame(writer: &mut impl Write, body: &[u8], max_len: u32) -> Result<(), FrameError> {
    writer.write_all(&encode_frame(body, max_len)?)?;
    Ok(())
}

/// Reads one frame from a blocking reader. `Ok(None)` is a clean end of stream between frames.
pub fn read_frame(reader: &mut impl Read, max_len: u32) -> Result<Option<Vec<u8>>, FrameError> {
    let mut header = [0u8; HEADER_LEN];
    let mut filled = 0;
    while filled < HEADER_LEN {
        match reader.read(&mut header[filled..]) {
            Ok(0) if filled == 0 => return Ok(None),
            Ok(0) => return Err(FrameError::Truncated),
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
    let len = u32::from_be_bytes(header);
    if len > max_len {
        return Err(FrameError::TooLarge {
            len: len.into(),
            max: max_len,
        });
    }
    let mut body = vec![0u8; len as usize];
    reader.read_exact(&mut body).map_err(|e| match e.kind() {
        io::ErrorKind::UnexpectedEof => FrameError::Truncated,
        _ => FrameError::Io(e),
    })?;
    Ok(Some(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_a_frame_split_across_reads() {
        let mut codec = FrameCodec::new(16);
        let mut buf = BytesMut::from(&[0u8, 0, 0, 3, 0xa1][..]);
        assert!(codec.decode(&mut buf).unwrap().is_none());
        buf.extend_from_slice(b"ab");
        let frame = codec.decode(&mut buf).unwrap().unwrap();
        assert_eq!(&frame[..], &[0xa1, b'a', b'b']);
        assert!(buf.is_empty());
    }

    #[test]
    fn rejects_an_oversized_length_before_the_body_arrives() {
        let mut codec = FrameCodec::new(16);
        let mut buf = BytesMut::from(&[0xffu8, 0xff, 0xff, 0xff][..]);
        let err = codec.decode(&mut buf).unwrap_err();
        assert!(matches!(
            err,
            FrameError::TooLarge {
                len: 0xffff_ffff,
                max: 16
            }
        ));
        assert!(buf.capacity() < 1024, "no body buffer may be reserved");
    }

    #[test]
    fn eof_inside_a_frame_is_truncation() {
        let mut codec = FrameCodec::new(16);
        let mut buf = BytesMut::from(&[0u8, 0, 0, 9, 1][..]);
        assert!(matches!(
            codec.decode_eof(&mut buf),
            Err(FrameError::Truncated)
        ));
        assert!(codec.decode_eof(&mut BytesMut::new()).unwrap().is_none());
    }

    #[test]
    fn encoder_refuses_a_body_over_the_limit() {
        let mut codec = FrameCodec::new(2);
        let mut dst = BytesMut::new();
        assert!(codec.encode(&b"abc"[..], &mut dst).is_err());
        assert!(dst.is_empty());
    }

    #[test]
    fn blocking_helpers_round_trip() {
        let mut wire = Vec::new();
        write_frame(&mut wire, b"\x92\x01\x02", 16).unwrap();
        write_frame(&mut wire, b"", 16).unwrap();
        let mut reader = &wire[..];
        assert_eq!(
            read_frame(&mut reader, 16).unwrap().unwrap(),
            b"\x92\x01\x02"
        );
        assert_eq!(read_frame(&mut reader, 16).unwrap().unwrap(), b"");
        assert!(read_frame(&mut reader, 16).unwrap().is_none());
        let mut short = &[0u8, 0, 0, 5, 1][..];
        assert!(matches!(
            read_frame(&mut short, 16),
            Err(FrameError::Truncated)
        ));
        let mut big = &[0u8, 0, 1, 0][..];
        assert!(matches!(
            read_frame(&mut big, 16),
            Err(FrameError::TooLarge { .. })
        ));
    }
}
