//! Incremental framing of a streamed reply: newline-delimited JSON (Ollama) and
//! server-sent events (OpenAI, Azure, Anthropic). Bytes arrive in arbitrary pieces; a
//! line may span pieces and a piece may hold many lines.
//!
//! Lines are bounded ([`MAX_LINE_BYTES`]): a server that never sends a newline cannot make
//! the agent buffer without end.

use std::fmt;

/// The longest line a stream may send. A reply to a 32-token prompt test has lines of a
/// few hundred bytes.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// Why a stream could not be split into lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FramingError {
    LineTooLong,
    NotUtf8,
}

impl fmt::Display for FramingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FramingError::LineTooLong => {
                write!(f, "a line of the stream exceeds {MAX_LINE_BYTES} bytes")
            }
            FramingError::NotUtf8 => f.write_str("the stream is not UTF-8 text"),
        }
    }
}

/// Splits bytes into lines (`\n`, with an optional `\r` before it).
#[derive(Debug, Default)]
pub struct Lines {
    partial: Vec<u8>,
}

impl Lines {
    /// Feeds `bytes`, calling `line` for each complete line, without its terminator.
    pub fn push<E: From<FramingError>>(
        &mut self,
        mut bytes: &[u8],
        mut line: impl FnMut(&str) -> Result<(), E>,
    ) -> Result<(), E> {
        while let Some(end) = bytes.iter().position(|&b| b == b'\n') {
            let (head, rest) = bytes.split_at(end);
            bytes = &rest[1..];
            if self.partial.is_empty() {
                line(as_line(head)?)?;
            } else {
                self.extend(head)?;
                let whole = std::mem::take(&mut self.partial);
                line(as_line(&whole)?)?;
            }
        }
        Ok(self.extend(bytes)?)
    }

    /// The last line when the stream ended without a newline after it.
    pub fn finish<E: From<FramingError>>(
        &mut self,
        line: impl FnOnce(&str) -> Result<(), E>,
    ) -> Result<(), E> {
        if self.partial.is_empty() {
            return Ok(());
        }
        let whole = std::mem::take(&mut self.partial);
        line(as_line(&whole)?)
    }

    fn extend(&mut self, bytes: &[u8]) -> Result<(), FramingError> {
        if self.partial.len() + bytes.len() > MAX_LINE_BYTES {
            return Err(FramingError::LineTooLong);
        }
        self.partial.extend_from_slice(bytes);
        Ok(())
    }
}

fn as_line(bytes: &[u8]) -> Result<&str, FramingError> {
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|_| FramingError::NotUtf8)
}

/// Assembles server-sent events from lines, as the HTML standard describes: `event:` and
/// `data:` fields (several `data:` lines join with `\n`), comments (`:`) skipped, an event
/// dispatched at a blank line. Other fields (`id:`, `retry:`) are ignored.
#[derive(Debug, Default)]
pub struct SseDecoder {
    lines: Lines,
    event: Option<String>,
    data: Option<String>,
}

impl SseDecoder {
    /// Feeds `bytes`, calling `on_event(event_name, data)` for each complete event.
    pub fn push<E: From<FramingError>>(
        &mut self,
        bytes: &[u8],
        mut on_event: impl FnMut(Option<&str>, &str) -> Result<(), E>,
    ) -> Result<(), E> {
        let Self { lines, event, data } = self;
        lines.push(bytes, |line| field(event, data, line, &mut on_event))
    }

    /// Dispatches an event the stream left without its closing blank line.
    pub fn finish<E: From<FramingError>>(
        &mut self,
        mut on_event: impl FnMut(Option<&str>, &str) -> Result<(), E>,
    ) -> Result<(), E> {
        let Self { lines, event, data } = self;
        lines.finish(|line| field(event, data, line, &mut on_event))?;
        dispatch(event, data, &mut on_event)
    }
}

fn field<E>(
    event: &mut Option<String>,
    data: &mut Option<String>,
    line: &str,
    on_event: &mut impl FnMut(Option<&str>, &str) -> Result<(), E>,
) -> Result<(), E> {
    if line.is_empty() {
        return dispatch(event, data, on_event);
    }
    if line.starts_with(':') {
        return Ok(());
    }
    let (name, value) = match line.split_once(':') {
        Some((name, value)) => (name, value.strip_prefix(' ').unwrap_or(value)),
        None => (line, ""),
    };
    match name {
        "event" => *event = Some(value.to_owned()),
        "data" => match data {
            Some(data) => {
                data.push('\n');
                data.push_str(value);
            }
            None => *data = Some(value.to_owned()),
        },
        _ => {}
    }
    Ok(())
}

fn dispatch<E>(
    event: &mut Option<String>,
    data: &mut Option<String>,
    on_event: &mut impl FnMut(Option<&str>, &str) -> Result<(), E>,
) -> Result<(), E> {
    let name = event.take();
    // An event with no data, or empty data, is not dispatched (the HTML standard).
    match data.take().filter(|data| !data.is_empty()) {
        Some(data) => on_event(name.as_deref(), &data),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(pieces: &[&[u8]]) -> Result<Vec<String>, FramingError> {
        let mut lines = Lines::default();
        let mut out = Vec::new();
        for piece in pieces {
            lines.push(piece, |line| {
                out.push(line.to_owned());
                Ok::<_, FramingError>(())
            })?;
        }
        lines.finish(|line| {
            out.push(line.to_owned());
            Ok::<_, FramingError>(())
        })?;
        Ok(out)
    }

    #[test]
    fn lines_span_pieces_and_pieces_hold_many_lines() {
        assert_eq!(
            lines_of(&[b"{\"a\"", b":1}\r\n{\"b\":2}\n{\"c\"", b":3}"]).unwrap(),
            ["{\"a\":1}", "{\"b\":2}", "{\"c\":3}"]
        );
        assert_eq!(lines_of(&[b"x\n\ny\n"]).unwrap(), ["x", "", "y"]);
    }

    #[test]
    fn a_line_without_end_is_bounded() {
        let big = vec![b'x'; MAX_LINE_BYTES / 2 + 1];
        assert_eq!(
            lines_of(&[&big, &big]).unwrap_err(),
            FramingError::LineTooLong
        );
        assert_eq!(
            lines_of(&[b"\xff\xfe\n"]).unwrap_err(),
            FramingError::NotUtf8
        );
    }

    fn events_of(pieces: &[&str]) -> Vec<(Option<String>, String)> {
        let mut sse = SseDecoder::default();
        let mut out = Vec::new();
        for piece in pieces {
            sse.push(piece.as_bytes(), |event, data| {
                out.push((event.map(str::to_owned), data.to_owned()));
                Ok::<_, FramingError>(())
            })
            .unwrap();
        }
        sse.finish(|event, data| {
            out.push((event.map(str::to_owned), data.to_owned()));
            Ok::<_, FramingError>(())
        })
        .unwrap();
        out
    }

    #[test]
    fn sse_events_with_names_comments_and_multi_line_data() {
        let events = events_of(&[
            ": keep-alive\n\nevent: message_start\ndata: {\"a\":",
            "1}\n\ndata: one\r\ndata: two\r\nid: 7\r\n\r\ndata:[DONE]\n\n",
        ]);
        assert_eq!(
            events,
            [
                (Some("message_start".into()), "{\"a\":1}".into()),
                (None, "one\ntwo".into()),
                (None, "[DONE]".into()),
            ]
        );
    }

    #[test]
    fn an_event_left_open_at_the_end_is_still_read() {
        assert_eq!(
            events_of(&["data: {\"x\":1}"]),
            [(None, "{\"x\":1}".into())]
        );
        assert!(events_of(&["event: ping\n\n"]).is_empty());
        assert!(events_of(&["data:\n\n", "data: \n\n"]).is_empty());
    }
}
