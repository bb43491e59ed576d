//! Conversions between typed values and the opaque [`rmpv::Value`] payloads of envelopes.
//!
//! Both directions go through MessagePack bytes and `rmp_serde`: `rmpv::ext::to_value`
//! writes structs as positional arrays, which the wire forbids, and `rmpv`'s own
//! deserializer cannot read an enum sent as a string, which is how every enum travels.

use serde::Serialize;
use serde::de::DeserializeOwned;

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
    let mut deserializer = rmp_serde::Deserializer::new(&bytes[..]);
    deserializer.set_max_depth(crate::MAX_NESTING);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
        let path = safe_path(err.path());
        let message = describe(err.inner());
        let field = if path == "." {
            missing_field_name(&message).map(str::to_owned)
        } else {
            match missing_field_name(&message) {
                Some(name) => Some(format!("{path}.{name}")),
                None => Some(path),
            }
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

/// The path of the offending field. Map keys are the client's data (a key could even be
/// a secret pasted in the wrong place), so a segment longer than any schema field name is
/// not shown.
fn safe_path(path: &serde_path_to_error::Path) -> String {
    const LONGEST_FIELD: usize = 32;
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                if key.chars().count() <= LONGEST_FIELD {
                    out.push_str(key);
                } else {
                    out.push_str("(key not shown)");
                }
            }
            Segment::Unknown => out.push_str(".?"),
        }
    }
    if out.is_empty() { ".".to_owned() } else { out }
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
