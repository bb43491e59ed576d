//! Typed values from MessagePack bytes ([`from_slice`], the one decoder of a payload that
//! names the offending field), and conversions to and from the opaque [`rmpv::Value`].
//!
//! Both directions go through MessagePack bytes and `rmp_serde`: `rmpv::ext::to_value`
//! writes structs as positional arrays, which the wire forbids, and `rmpv`'s own
//! deserializer cannot read an enum sent as a string, which is how every enum travels.
//!
//! [`from_slice`] refuses `bin` and `ext` values wherever they are, before decoding:
//! protocol v1 never uses them, and `rmp_serde` would otherwise read a `bin` as a
//! positional struct of its bytes, or as a string.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::msgpack::{self, Cursor};

/// Why a payload did not convert.
#[derive(Debug, thiserror::Error)]
pub enum ValueError {
    #[error("could not encode: {0}")]
    Encode(#[from] rmp_serde::encode::Error),
    #[error("could not decode: {0}")]
    Decode(#[from] rmp_serde::decode::Error),
    /// A typed decode failed; `field` is the path of the offending field when known
    /// (`topics[1]`, `client.name`).
    #[error("{message}")]
    Shape {
        field: Option<String>,
        message: String,
    },
}

/// Turns a typed value into an opaque one with named map fields.
pub fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<rmpv::Value, ValueError> {
    let bytes = rmp_serde::to_vec_named(value)?;
    Ok(rmp_serde::from_slice(&bytes)?)
}

/// Decodes a typed value from an opaque one, naming the offending field on failure.
pub fn from_value<T: DeserializeOwned>(value: &rmpv::Value) -> Result<T, ValueError> {
    let mut bytes = Vec::new();
    rmpv::encode::write_value(&mut bytes, value).map_err(rmp_serde::encode::Error::from)?;
    from_slice(&bytes)
}

/// Decodes a typed value from the bytes of one MessagePack value, naming the offending
/// field on failure. A `bin` or `ext` value anywhere is refused, with its path.
///
/// The decode runs once, straight into `T`; only when it fails does it run again with
/// the path tracked, so a payload that fits costs one pass.
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ValueError> {
    if let Some(field) = binary_value_path(bytes) {
        return Err(ValueError::Shape {
            field,
            message: "invalid type: got binary data; protocol v1 sends strings, never bin or ext"
                .to_owned(),
        });
    }
    let mut deserializer = rmp_serde::Deserializer::from_read_ref(bytes);
    deserializer.set_max_depth(crate::MAX_NESTING);
    if let Ok(value) = <T as serde::Deserialize>::deserialize(&mut deserializer) {
        return Ok(value);
    }
    let mut deserializer = rmp_serde::Deserializer::from_read_ref(bytes);
    deserializer.set_max_depth(crate::MAX_NESTING);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
        let path = safe_path(err.path());
        let message = describe(err.inner());
        let field = match (path, missing_field_name(&message)) {
            (None, missing) => missing.map(str::to_owned),
            (Some(path), Some(name)) => Some(format!("{path}.{name}")),
            (Some(path), None) => Some(path),
        };
        ValueError::Shape { field, message }
    })
}

/// A person's wording of a decode error: rmp_serde names MessagePack markers where a
/// reader wants the kind of value that was sent. The client's own values are never
/// quoted back: a key sent in the wrong field must not come back in an error, a log
/// line or a diagnostics event.
fn describe(err: &rmp_serde::decode::Error) -> String {
    use rmp::Marker;
    use rmp_serde::decode::Error;
    match err {
        Error::TypeMismatch(marker) => {
            let got = match marker {
                Marker::Null => "nil",
                Marker::True | Marker::False => "a boolean",
                Marker::FixPos(_)
                | Marker::FixNeg(_)
                | Marker::U8
                | Marker::U16
                | Marker::U32
                | Marker::U64
                | Marker::I8
                | Marker::I16
                | Marker::I32
                | Marker::I64 => "an integer",
                Marker::F32 | Marker::F64 => "a float",
                Marker::FixStr(_) | Marker::Str8 | Marker::Str16 | Marker::Str32 => "a string",
                Marker::Bin8 | Marker::Bin16 | Marker::Bin32 => "binary data",
                Marker::FixArray(_) | Marker::Array16 | Marker::Array32 => "an array",
                Marker::FixMap(_) | Marker::Map16 | Marker::Map32 => "a map",
                _ => "an extension value",
            };
            format!("invalid type: got {got}")
        }
        Error::OutOfRange => "number out of range".to_owned(),
        // Names a field of the schema, not a value of the client's.
        Error::Syntax(text) if text.starts_with("missing field") => text.clone(),
        other => without_values(&other.to_string()),
    }
}

/// serde's messages quote what was received before ", expected", and what the schema
/// wants after it: keep the second part, and replace every quoted value in the first.
pub fn without_values(message: &str) -> String {
    let (received, expected) = match message.find(", expected") {
        Some(at) => message.split_at(at),
        None => (message, ""),
    };
    let mut cleaned = String::with_capacity(received.len());
    let mut quote = None;
    for c in received.chars() {
        match quote {
            Some(open) if c == open => {
                quote = None;
                cleaned.push_str("(value not shown)");
            }
            Some(_) => {}
            None if c == '"' || c == '`' => quote = Some(c),
            None => cleaned.push(c),
        }
    }
    cleaned.push_str(expected);
    cleaned
}

/// The longest map key a path shows; longer ones are `(key not shown)`.
const LONGEST_FIELD: usize = 32;

/// The path of the offending field, `None` for the value as a whole. Map keys are the
/// client's data (a key could even be a secret pasted in the wrong place), so a segment
/// longer than any schema field name is not shown. Where the path goes on through
/// something that is not a field or an index (a map key that is not a string), it is cut
/// there: the path names the container that holds the fault, never a made-up segment.
fn safe_path(path: &serde_path_to_error::Path) -> Option<String> {
    use serde_path_to_error::Segment;
    let mut out = Path::default();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.index(*index as u64),
            Segment::Map { key } | Segment::Enum { variant: key } => out.key(key),
            Segment::Unknown => break,
        }
    }
    out.into_field()
}

/// A field path as errors show it: `metadata.options.region`, `topics[1]`.
#[derive(Default)]
struct Path(String);

impl Path {
    fn key(&mut self, key: &str) {
        if !self.0.is_empty() {
            self.0.push('.');
        }
        if key.chars().count() <= LONGEST_FIELD {
            self.0.push_str(key);
        } else {
            self.0.push_str("(key not shown)");
        }
    }

    fn index(&mut self, index: u64) {
        self.0.push_str(&format!("[{index}]"));
    }

    fn into_field(self) -> Option<String> {
        (!self.0.is_empty()).then_some(self.0)
    }
}

/// Where the first `bin` or `ext` value in `bytes` is: `Some(path)` when there is one
/// (`Some(None)` when it is the value itself), `None` when there is none or the bytes are
/// not a well-formed value (the decode then says why).
fn binary_value_path(bytes: &[u8]) -> Option<Option<String>> {
    // The common case costs one cheap pass: no such value anywhere.
    if !holds_binary(bytes) {
        return None;
    }
    let mut path = Path::default();
    find_binary(&mut Cursor::new(bytes), &mut path, 0)?;
    Some(path.into_field())
}

/// Whether a `bin` or `ext` value is anywhere in `bytes`, without recursion.
fn holds_binary(bytes: &[u8]) -> bool {
    let mut cursor = Cursor::new(bytes);
    let mut left: u64 = 1;
    while left > 0 {
        left -= 1;
        let Some(marker) = cursor.peek() else {
            return false;
        };
        let more = if msgpack::is_binary_or_ext(marker) {
            return true;
        } else if msgpack::is_map(marker) {
            cursor.map_len().map(|entries| 2 * entries)
        } else if msgpack::is_array(marker) {
            cursor.array_len()
        } else {
            cursor.skip_value().map(|()| 0)
        };
        match more {
            Some(more) => left += more,
            None => return false,
        }
        if left > cursor.rest().len() as u64 {
            return false;
        }
    }
    false
}

/// Walks one value to its first `bin` or `ext`, extending `path` on the way; `None` when
/// it holds none. Under a map key that is not a string the path cannot go on, so it
/// names the map. Recursion is bounded by [`crate::MAX_NESTING`].
fn find_binary(cursor: &mut Cursor<'_>, path: &mut Path, depth: usize) -> Option<()> {
    let marker = cursor.peek()?;
    if msgpack::is_binary_or_ext(marker) {
        return Some(());
    }
    if depth >= crate::MAX_NESTING {
        return None;
    }
    let before = path.0.len();
    if msgpack::is_array(marker) {
        for index in 0..cursor.array_len()? {
            path.index(index);
            if find_binary(cursor, path, depth + 1).is_some() {
                return Some(());
            }
            path.0.truncate(before);
        }
    } else if msgpack::is_map(marker) {
        for _ in 0..cursor.map_len()? {
            let key = cursor
                .clone()
                .str()
                .and_then(|key| std::str::from_utf8(key).ok());
            match key {
                Some(name) => {
                    cursor.str()?;
                    path.key(name);
                }
                None => {
                    let mut unnamed = Path::default();
                    if find_binary(cursor, &mut unnamed, depth + 1).is_some() {
                        return Some(());
                    }
                }
            }
            if find_binary(cursor, path, depth + 1).is_some() {
                return Some(());
            }
            path.0.truncate(before);
        }
    } else {
        cursor.skip_value()?;
    }
    None
}

fn missing_field_name(message: &str) -> Option<&str> {
    let (_, rest) = message.split_once("missing field `")?;
    rest.split('`').next()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    struct Inner {
        name: String,
    }

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    struct Outer {
        limit: u32,
        inner: Inner,
    }

    #[test]
    fn structs_become_maps() {
        let value = to_value(&Inner { name: "x".into() }).unwrap();
        assert_eq!(value, rmpv::Value::Map(vec![("name".into(), "x".into())]));
    }

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    #[serde(rename_all = "snake_case")]
    enum Colour {
        DeepBlue,
    }

    #[test]
    fn messages_never_quote_what_the_client_sent() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Wants {
            inner: Inner,
        }
        let value = rmpv::Value::Map(vec![("inner".into(), "sk-live-SECRET".into())]);
        let err = from_value::<Wants>(&value).unwrap_err().to_string();
        assert!(!err.contains("SECRET"), "{err}");
        let value = rmpv::Value::Array(vec!["sk-live-SECRET".into()]);
        let err = from_value::<Vec<Colour>>(&value).unwrap_err().to_string();
        assert!(!err.contains("SECRET"), "{err}");
        assert!(
            err.contains("expected `deep_blue`"),
            "the schema is still named: {err}"
        );
    }

    #[test]
    fn long_map_keys_in_paths_are_not_shown() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Options {
            options: std::collections::BTreeMap<String, String>,
        }
        let value = rmpv::Value::Map(vec![(
            "options".into(),
            rmpv::Value::Map(vec![(
                "sk-live-0123456789-SECRET-KEY-VALUE".into(),
                5.into(),
            )]),
        )]);
        match from_value::<Options>(&value) {
            Err(ValueError::Shape { field, .. }) => {
                assert_eq!(field.as_deref(), Some("options.(key not shown)"))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn enums_sent_as_strings_decode() {
        let value = rmpv::Value::Array(vec!["deep_blue".into()]);
        assert_eq!(
            from_value::<Vec<Colour>>(&value).unwrap(),
            [Colour::DeepBlue]
        );
        let value = rmpv::Value::Array(vec!["green".into()]);
        match from_value::<Vec<Colour>>(&value) {
            Err(ValueError::Shape { field, message }) => {
                assert_eq!(field.as_deref(), Some("[0]"));
                assert!(message.contains("unknown variant"), "{message}");
                assert!(!message.contains("green"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    fn shape_of<T: DeserializeOwned + std::fmt::Debug>(bytes: &[u8]) -> (Option<String>, String) {
        match from_slice::<T>(bytes) {
            Err(ValueError::Shape { field, message }) => (field, message),
            other => panic!("{other:?}"),
        }
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Subscription {
        subscription: u64,
    }

    #[test]
    fn binary_values_are_refused_wherever_they_are() {
        // bin(05 07), which rmp_serde alone reads as the struct {subscription: 5}.
        let (field, message) = shape_of::<Subscription>(&[0xc4, 0x02, 0x05, 0x07]);
        assert_eq!(field, None);
        assert!(message.contains("binary"), "{message}");
        // A string sent as bin, which rmp_serde alone reads as the string.
        let nested = rmpv::Value::Map(vec![(
            "inner".into(),
            rmpv::Value::Map(vec![("name".into(), rmpv::Value::Binary(b"x".to_vec()))]),
        )]);
        let mut bytes = Vec::new();
        rmpv::encode::write_value(&mut bytes, &nested).unwrap();
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Wants {
            inner: Inner,
        }
        assert_eq!(shape_of::<Wants>(&bytes).0.as_deref(), Some("inner.name"));
        let listed = rmpv::Value::Array(vec![1.into(), rmpv::Value::Ext(1, vec![0])]);
        let mut bytes = Vec::new();
        rmpv::encode::write_value(&mut bytes, &listed).unwrap();
        assert_eq!(shape_of::<Vec<u8>>(&bytes).0.as_deref(), Some("[1]"));
        // Under a key that is not a string, the path names the map that holds it.
        let keyed = rmpv::Value::Map(vec![(
            "options".into(),
            rmpv::Value::Map(vec![(1.into(), rmpv::Value::Binary(vec![1]))]),
        )]);
        let mut bytes = Vec::new();
        rmpv::encode::write_value(&mut bytes, &keyed).unwrap();
        assert_eq!(
            shape_of::<std::collections::BTreeMap<String, rmpv::Value>>(&bytes)
                .0
                .as_deref(),
            Some("options")
        );
    }

    #[test]
    fn a_path_through_a_key_that_is_not_a_string_stops_before_it() {
        // {[]: {}}: the key is an empty array.
        let (field, _) = shape_of::<crate::methods::NoParams>(&[0x81, 0x90, 0x80]);
        assert_eq!(field, None, "no made-up path segment");
        let nested = rmpv::Value::Map(vec![(
            "inner".into(),
            rmpv::Value::Map(vec![(rmpv::Value::Array(vec![]), 1.into())]),
        )]);
        let mut bytes = Vec::new();
        rmpv::encode::write_value(&mut bytes, &nested).unwrap();
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Wants {
            inner: Inner,
        }
        assert_eq!(shape_of::<Wants>(&bytes).0.as_deref(), Some("inner"));
    }

    #[test]
    fn errors_name_the_field() {
        let wrong_type = rmpv::Value::Map(vec![
            ("limit".into(), "ten".into()),
            ("inner".into(), rmpv::Value::Map(vec![])),
        ]);
        match from_value::<Outer>(&wrong_type) {
            Err(ValueError::Shape { field, message }) => {
                assert_eq!(field.as_deref(), Some("limit"));
                assert_eq!(message, "invalid type: got a string");
            }
            other => panic!("{other:?}"),
        }
        let missing_nested = rmpv::Value::Map(vec![
            ("limit".into(), 1.into()),
            ("inner".into(), rmpv::Value::Map(vec![])),
        ]);
        match from_value::<Outer>(&missing_nested) {
            Err(ValueError::Shape { field, .. }) => {
                assert_eq!(field.as_deref(), Some("inner.name"))
            }
            other => panic!("{other:?}"),
        }
        match from_value::<Outer>(&rmpv::Value::Map(vec![])) {
            Err(ValueError::Shape { field, .. }) => assert_eq!(field.as_deref(), Some("limit")),
            other => panic!("{other:?}"),
        }
    }
}
