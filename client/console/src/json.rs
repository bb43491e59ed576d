//! Conversions between JSON, which people type and read, and the MessagePack values the
//! agent speaks.

use llm_agent_client::protocol::value::{self, ValueError};
use serde_json::{Map, Number, Value as Json};

/// Parses JSON text into a MessagePack value with the same shape (maps stay maps).
pub fn parse(text: &str) -> Result<rmpv::Value, String> {
    let json: Json =
        serde_json::from_str(text).map_err(|err| format!("params are not valid JSON: {err}"))?;
    from_json(&json).map_err(|err| format!("params cannot be sent: {err}"))
}

pub fn from_json(json: &Json) -> Result<rmpv::Value, ValueError> {
    value::to_value(json)
}

/// Shows a MessagePack value as JSON. What JSON cannot hold is spelled out: binary as an
/// array of bytes, non-string map keys as their JSON text, non-finite floats as null.
pub fn to_json(value: &rmpv::Value) -> Json {
    match value {
        rmpv::Value::Nil => Json::Null,
        rmpv::Value::Boolean(b) => Json::Bool(*b),
        rmpv::Value::Integer(i) => match (i.as_u64(), i.as_i64()) {
            (Some(u), _) => Json::from(u),
            (None, Some(i)) => Json::from(i),
            (None, None) => Json::Null,
        },
        rmpv::Value::F32(f) => float(f64::from(*f)),
        rmpv::Value::F64(f) => float(*f),
        rmpv::Value::String(s) => Json::String(match s.as_str() {
            Some(text) => text.to_owned(),
            None => String::from_utf8_lossy(s.as_bytes()).into_owned(),
        }),
        rmpv::Value::Binary(bytes) => bytes_to_json(bytes),
        rmpv::Value::Array(items) => Json::Array(items.iter().map(to_json).collect()),
        rmpv::Value::Map(entries) => Json::Object(
            entries
                .iter()
                .map(|(key, value)| (map_key(key), to_json(value)))
                .collect::<Map<_, _>>(),
        ),
        rmpv::Value::Ext(tag, data) => {
            let mut object = Map::new();
            object.insert("ext".into(), Json::from(*tag));
            object.insert("data".into(), bytes_to_json(data));
            Json::Object(object)
        }
    }
}

fn float(f: f64) -> Json {
    Number::from_f64(f).map_or(Json::Null, Json::Number)
}

fn bytes_to_json(bytes: &[u8]) -> Json {
    Json::Array(bytes.iter().map(|b| Json::from(*b)).collect())
}

fn map_key(key: &rmpv::Value) -> String {
    match key.as_str() {
        Some(text) => text.to_owned(),
        None => to_json(key).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trips_through_messagepack() {
        let text =
            r#"{"limit":5,"method":"agent.status","nested":{"ok":true,"list":[1,-2,1.5,null]}}"#;
        let value = parse(text).unwrap();
        assert_eq!(value["limit"], rmpv::Value::from(5));
        let back = to_json(&value);
        assert_eq!(back, serde_json::from_str::<Json>(text).unwrap());
    }

    #[test]
    fn what_json_lacks_is_spelled_out() {
        let value = rmpv::Value::Map(vec![
            (rmpv::Value::from(1), rmpv::Value::Binary(vec![0, 255])),
            ("nan".into(), rmpv::Value::F64(f64::NAN)),
        ]);
        assert_eq!(
            to_json(&value),
            serde_json::json!({"1": [0, 255], "nan": null})
        );
    }

    #[test]
    fn bad_json_is_a_clear_error() {
        let err = parse("{limit: 5}").unwrap_err();
        assert!(err.starts_with("params are not valid JSON"), "{err}");
    }
}
