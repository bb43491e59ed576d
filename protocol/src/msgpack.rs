//! MessagePack read in place: a [`Cursor`] that reads the few scalars routing needs (map
//! lengths, strings, ids), and skips or measures any other value without decoding it.
//!
//! Nothing here allocates. The client routes each frame by the fields it reads this way
//! before anyone decodes the frame; the agent measures each frame ([`Cursor::measure`]:
//! how many values it holds and how deeply they nest) before it decodes anything, so a
//! frame of millions of tiny containers is refused, or paid for, before a byte is
//! allocated for it.

/// What one value holds, counted without decoding it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extent {
    /// Every value, at every depth, the value itself included: a map of two entries holds
    /// five (itself, two keys, two values).
    pub values: u64,
    /// How deeply containers nest: 0 for a scalar, 1 for a flat map or array.
    pub depth: usize,
}

/// Why [`Cursor::measure`] stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Unmeasurable {
    #[error("the bytes are not one well-formed MessagePack value")]
    Malformed,
    #[error("maps and arrays nest deeper than {max} levels")]
    TooDeep { max: usize },
    #[error("the value holds more than {max} values")]
    TooManyValues { max: u64 },
}

/// A cursor over MessagePack bytes. `None` from a reading method means malformed, cut
/// short or of another kind; the cursor's position is then unspecified.
#[derive(Debug, Clone, Copy)]
pub struct Cursor<'a> {
    rest: &'a [u8],
}

/// What a marker byte announces: a scalar with `payload` bytes after the marker's own
/// length field, or a container of `elements` values.
enum Item {
    Scalar { payload: u64 },
    Container { elements: u64 },
}

impl<'a> Cursor<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Self { rest: bytes }
    }

    /// The bytes not read yet.
    pub fn rest(&self) -> &'a [u8] {
        self.rest
    }

    /// The next marker byte, not consumed.
    pub fn peek(&self) -> Option<u8> {
        self.rest.first().copied()
    }

    fn byte(&mut self) -> Option<u8> {
        let (&first, rest) = self.rest.split_first()?;
        self.rest = rest;
        Some(first)
    }

    fn take(&mut self, len: u64) -> Option<&'a [u8]> {
        let len = usize::try_from(len).ok()?;
        if len > self.rest.len() {
            return None;
        }
        let (taken, rest) = self.rest.split_at(len);
        self.rest = rest;
        Some(taken)
    }

    /// A big-endian unsigned integer of `len` bytes (at most 8).
    fn be(&mut self, len: u64) -> Option<u64> {
        let bytes = self.take(len)?;
        Some(
            bytes
                .iter()
                .fold(0, |value, &byte| (value << 8) | u64::from(byte)),
        )
    }

    /// The number of entries of a map.
    pub fn map_len(&mut self) -> Option<u64> {
        match self.byte()? {
            marker @ 0x80..=0x8f => Some(u64::from(marker & 0x0f)),
            0xde => self.be(2),
            0xdf => self.be(4),
            _ => None,
        }
    }

    /// The number of elements of an array.
    pub fn array_len(&mut self) -> Option<u64> {
        match self.byte()? {
            marker @ 0x90..=0x9f => Some(u64::from(marker & 0x0f)),
            0xdc => self.be(2),
            0xdd => self.be(4),
            _ => None,
        }
    }

    /// The bytes of a string (not checked to be UTF-8).
    pub fn str(&mut self) -> Option<&'a [u8]> {
        let len = match self.byte()? {
            marker @ 0xa0..=0xbf => u64::from(marker & 0x1f),
            0xd9 => self.be(1)?,
            0xda => self.be(2)?,
            0xdb => self.be(4)?,
            _ => return None,
        };
        self.take(len)
    }

    /// An integer that fits a `u64`, or `Some(None)` for nil. Signed encodings of
    /// non-negative values count too, as they do for `rmp_serde`.
    pub fn optional_u64(&mut self) -> Option<Option<u64>> {
        let value = match self.byte()? {
            0xc0 => return Some(None),
            marker @ 0x00..=0x7f => u64::from(marker),
            0xcc => self.be(1)?,
            0xcd => self.be(2)?,
            0xce => self.be(4)?,
            0xcf => self.be(8)?,
            marker @ 0xd0..=0xd3 => {
                let len = 1 << (marker - 0xd0);
                let bytes = self.take(len)?;
                // Non-negative: the sign bit of the first byte is clear.
                if bytes[0] & 0x80 != 0 {
                    return None;
                }
                bytes
                    .iter()
                    .fold(0, |value, &byte| (value << 8) | u64::from(byte))
            }
            _ => return None,
        };
        Some(Some(value))
    }

    /// Reads one marker and its length field: what the value is and how much follows.
    fn item(&mut self) -> Option<Item> {
        let scalar = |payload| Some(Item::Scalar { payload });
        let container = |elements| Some(Item::Container { elements });
        match self.byte()? {
            0x00..=0x7f | 0xc0 | 0xc2 | 0xc3 | 0xe0..=0xff => scalar(0),
            marker @ 0x80..=0x8f => container(2 * u64::from(marker & 0x0f)),
            marker @ 0x90..=0x9f => container(u64::from(marker & 0x0f)),
            marker @ 0xa0..=0xbf => scalar(u64::from(marker & 0x1f)),
            // bin 8/16/32 and str 8/16/32: a length, then that many bytes.
            0xc4 | 0xd9 => scalar(self.be(1)?),
            0xc5 | 0xda => scalar(self.be(2)?),
            0xc6 | 0xdb => scalar(self.be(4)?),
            // ext 8/16/32: a length, a type byte, then the data.
            0xc7 => scalar(self.be(1)? + 1),
            0xc8 => scalar(self.be(2)? + 1),
            0xc9 => scalar(self.be(4)? + 1),
            0xcc | 0xd0 => scalar(1),
            0xcd | 0xd1 => scalar(2),
            0xca | 0xce | 0xd2 => scalar(4),
            0xcb | 0xcf | 0xd3 => scalar(8),
            // fixext 1/2/4/8/16: a type byte, then the data.
            0xd4 => scalar(2),
            0xd5 => scalar(3),
            0xd6 => scalar(5),
            0xd7 => scalar(9),
            0xd8 => scalar(17),
            0xdc => container(self.be(2)?),
            0xdd => container(self.be(4)?),
            0xde => container(2 * self.be(2)?),
            0xdf => container(2 * self.be(4)?),
            // 0xc1 is never used.
            0xc1 => None,
        }
    }

    /// Skips one value, however deeply nested, without recursion: `left` counts the
    /// values still to skip, and a container adds its elements to it.
    pub fn skip_value(&mut self) -> Option<()> {
        let mut left: u64 = 1;
        while left > 0 {
            left -= 1;
            match self.item()? {
                Item::Scalar { payload } => {
                    self.take(payload)?;
                }
                Item::Container { elements } => left += elements,
            }
            // Every value takes at least a byte, so a count past the bytes left is a lie;
            // stopping here also keeps `left` far from overflowing.
            if left > self.rest.len() as u64 {
                return None;
            }
        }
        Some(())
    }

    /// Skips one value and returns its bytes.
    pub fn value_bytes(&mut self) -> Option<&'a [u8]> {
        let start = self.rest;
        self.skip_value()?;
        Some(&start[..start.len() - self.rest.len()])
    }

    /// Skips one value, counting what it holds, and stops as soon as it nests deeper than
    /// `max_depth` or holds more than `max_values` values. Without recursion: `open` holds
    /// the values still to read in each container that is open.
    pub fn measure(&mut self, max_depth: usize, max_values: u64) -> Result<Extent, Unmeasurable> {
        const INLINE_DEPTH: usize = 64;
        let mut open = [0u64; INLINE_DEPTH];
        let max_depth = max_depth.min(INLINE_DEPTH);
        let mut depth = 0;
        let mut deepest = 0;
        let mut values = 0u64;
        loop {
            values += 1;
            if values > max_values {
                return Err(Unmeasurable::TooManyValues { max: max_values });
            }
            match self.item().ok_or(Unmeasurable::Malformed)? {
                Item::Scalar { payload } => {
                    self.take(payload).ok_or(Unmeasurable::Malformed)?;
                }
                Item::Container { elements } => {
                    // Every value takes at least a byte: a count past the bytes left is a lie.
                    if elements > self.rest.len() as u64 {
                        return Err(Unmeasurable::Malformed);
                    }
                    if depth == max_depth {
                        return Err(Unmeasurable::TooDeep { max: max_depth });
                    }
                    if elements > 0 {
                        open[depth] = elements;
                        depth += 1;
                        deepest = deepest.max(depth);
                        continue;
                    }
                    deepest = deepest.max(depth + 1);
                }
            }
            // One value of the innermost open container is done; close those it ends.
            loop {
                if depth == 0 {
                    return Ok(Extent {
                        values,
                        depth: deepest,
                    });
                }
                open[depth - 1] -= 1;
                if open[depth - 1] > 0 {
                    break;
                }
                depth -= 1;
            }
        }
    }
}

/// Whether a marker byte starts a `bin` or `ext` value: kinds protocol v1 never uses.
pub fn is_binary_or_ext(marker: u8) -> bool {
    matches!(marker, 0xc4..=0xc9 | 0xd4..=0xd8)
}

/// Whether a marker byte starts a map.
pub fn is_map(marker: u8) -> bool {
    matches!(marker, 0x80..=0x8f | 0xde | 0xdf)
}

/// Whether a marker byte starts an array.
pub fn is_array(marker: u8) -> bool {
    matches!(marker, 0x90..=0x9f | 0xdc | 0xdd)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes_of(value: &rmpv::Value) -> Vec<u8> {
        let mut bytes = Vec::new();
        rmpv::encode::write_value(&mut bytes, value).unwrap();
        bytes
    }

    /// Values of `value`, counted by walking the decoded tree.
    fn count(value: &rmpv::Value) -> u64 {
        1 + match value {
            rmpv::Value::Array(items) => items.iter().map(count).sum(),
            rmpv::Value::Map(entries) => entries.iter().map(|(k, v)| count(k) + count(v)).sum(),
            _ => 0,
        }
    }

    #[test]
    fn skipping_and_measuring_consume_exactly_one_value() {
        let value = crate::testing::every_kind();
        let mut bytes = bytes_of(&value);
        bytes.push(0xc0);
        let mut cursor = Cursor::new(&bytes);
        cursor.skip_value().unwrap();
        assert_eq!(cursor.rest(), [0xc0]);
        let mut cursor = Cursor::new(&bytes);
        let extent = cursor.measure(32, u64::MAX).unwrap();
        assert_eq!(cursor.rest(), [0xc0]);
        assert_eq!(extent.values, count(&value));
        assert_eq!(
            extent.depth, 3,
            "the big map's empty arrays are the third level"
        );
        let mut cursor = Cursor::new(&bytes);
        assert_eq!(cursor.value_bytes().unwrap(), &bytes[..bytes.len() - 1]);
    }

    #[test]
    fn measuring_stops_at_the_depth_and_value_limits() {
        let mut nested = vec![0x91u8; 40];
        nested.push(0x90);
        assert_eq!(
            Cursor::new(&nested).measure(41, u64::MAX).unwrap(),
            Extent {
                values: 41,
                depth: 41
            }
        );
        assert_eq!(
            Cursor::new(&nested).measure(32, u64::MAX),
            Err(Unmeasurable::TooDeep { max: 32 })
        );
        let wide = bytes_of(&rmpv::Value::Array(vec![rmpv::Value::Nil; 1000]));
        assert_eq!(
            Cursor::new(&wide).measure(32, 1000),
            Err(Unmeasurable::TooManyValues { max: 1000 })
        );
        assert_eq!(Cursor::new(&wide).measure(32, 1001).unwrap().values, 1001);
        assert_eq!(
            Cursor::new(&[0xc0]).measure(32, 1).unwrap(),
            Extent {
                values: 1,
                depth: 0
            }
        );
        assert_eq!(Cursor::new(&[0x80]).measure(32, 1).unwrap().depth, 1);
    }

    #[test]
    fn malformed_values_are_neither_skipped_nor_measured() {
        let bytes = bytes_of(&crate::testing::every_kind());
        for cut in [&bytes[..bytes.len() / 2], &[0xc1][..], &[], &[0x92, 0x01]] {
            assert!(
                Cursor::new(cut).skip_value().is_none(),
                "{:?}",
                &cut[..cut.len().min(4)]
            );
            assert_eq!(
                Cursor::new(cut).measure(32, u64::MAX),
                Err(Unmeasurable::Malformed)
            );
        }
        // A map that claims more than it holds, nested or not.
        let lies = [
            &[0xdf, 0xff, 0xff, 0xff, 0xff, 0xc0][..],
            &[0x81, 0xa1, b'x', 0xdd, 0xff, 0xff, 0xff, 0xff],
        ];
        for lie in lies {
            assert!(Cursor::new(lie).skip_value().is_none());
            assert_eq!(
                Cursor::new(lie).measure(32, u64::MAX),
                Err(Unmeasurable::Malformed)
            );
        }
    }

    #[test]
    fn ids_in_signed_encodings_are_read_when_not_negative() {
        assert_eq!(
            Cursor::new(&[0xd1, 0x01, 0x2c]).optional_u64(),
            Some(Some(300))
        );
        assert_eq!(Cursor::new(&[0xd1, 0xff, 0xff]).optional_u64(), None);
        assert_eq!(Cursor::new(&[0xc0]).optional_u64(), Some(None));
        assert_eq!(Cursor::new(&[0xca, 0, 0, 0, 0]).optional_u64(), None);
    }

    #[test]
    fn markers_are_classified() {
        assert!(is_binary_or_ext(0xc4) && is_binary_or_ext(0xc9) && is_binary_or_ext(0xd8));
        assert!(!is_binary_or_ext(0xd9) && !is_binary_or_ext(0xc3));
        assert!(is_map(0x80) && is_map(0xdf) && !is_map(0x90));
        assert!(is_array(0x9f) && is_array(0xdc) && !is_array(0x8f));
    }
}
