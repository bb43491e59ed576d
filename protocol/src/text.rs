//! Texts for people, in a form a client can render itself.
//!
//! Every human-facing text the agent sends (an error's message and remediation, a field
//! error, a warning, safe storage's reason, a discovery hint, an accessible summary) is
//! rendered in the connection's language, and carries beside it a stable **message id**
//! (`vault_name_conflict`, a name of `[a-z0-9_]` that is also the Fluent message id) and its **arguments** (the model
//! name, the endpoint, a limit), so that a UI with catalogs of its own can render the same
//! text in any language it ships. Every text field `X` has the sibling fields `X_id` and
//! `X_args` (`message`, `message_id`, `message_args`); a text new to the protocol is a
//! [`LocalizedText`] (`text`, `text_id`, `text_args`). `docs/messages.md` lists every id
//! with its arguments.
//!
//! An argument is a string or a number. Numbers are quantities (a limit, an amount, a
//! duration) that a renderer formats as its language writes them; identifiers that
//! happen to be digits (an HTTP status, a port) are strings. Days (`YYYY-MM-DD`) and
//! instants (RFC 3339) are strings, which the catalogs format as dates.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The arguments of a message, by name.
pub type MessageArgs = BTreeMap<String, MessageArg>;

/// One argument of a message: text, or a number.
#[derive(Debug, Clone)]
pub enum MessageArg {
    Text(String),
    Integer(i64),
    Decimal(f64),
}

impl MessageArg {
    /// The argument as text, the way a log or a fallback shows it (numbers unformatted).
    pub fn to_plain_string(&self) -> String {
        match self {
            MessageArg::Text(text) => text.clone(),
            MessageArg::Integer(n) => n.to_string(),
            MessageArg::Decimal(x) => x.to_string(),
        }
    }
}

/// Decimals compare by their bits, so that equality is an equivalence (a `NaN` equals
/// itself) and texts can be compared whole.
impl PartialEq for MessageArg {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (MessageArg::Text(a), MessageArg::Text(b)) => a == b,
            (MessageArg::Integer(a), MessageArg::Integer(b)) => a == b,
            (MessageArg::Decimal(a), MessageArg::Decimal(b)) => a.to_bits() == b.to_bits(),
            _ => false,
        }
    }
}

impl Eq for MessageArg {}

impl From<&str> for MessageArg {
    fn from(text: &str) -> Self {
        MessageArg::Text(text.to_owned())
    }
}

impl From<String> for MessageArg {
    fn from(text: String) -> Self {
        MessageArg::Text(text)
    }
}

impl From<&String> for MessageArg {
    fn from(text: &String) -> Self {
        MessageArg::Text(text.clone())
    }
}

macro_rules! integer_args {
    ($($int:ty),*) => {$(
        impl From<$int> for MessageArg {
            fn from(n: $int) -> Self {
                i64::try_from(n).map_or(MessageArg::Decimal(n as f64), MessageArg::Integer)
            }
        }
    )*};
}

integer_args!(u8, u16, u32, u64, usize, i32, i64);

impl From<f64> for MessageArg {
    fn from(x: f64) -> Self {
        MessageArg::Decimal(x)
    }
}

impl Serialize for MessageArg {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            MessageArg::Text(text) => serializer.serialize_str(text),
            MessageArg::Integer(n) => serializer.serialize_i64(*n),
            MessageArg::Decimal(x) => serializer.serialize_f64(*x),
        }
    }
}

/// A string or a number, whatever MessagePack type carries it (no `untagged` enum: the
/// visitor takes each kind of value directly).
impl<'de> Deserialize<'de> for MessageArg {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ArgVisitor;

        impl Visitor<'_> for ArgVisitor {
            type Value = MessageArg;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a number")
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<MessageArg, E> {
                Ok(MessageArg::Text(text.to_owned()))
            }

            fn visit_string<E: de::Error>(self, text: String) -> Result<MessageArg, E> {
                Ok(MessageArg::Text(text))
            }

            fn visit_i64<E: de::Error>(self, n: i64) -> Result<MessageArg, E> {
                Ok(MessageArg::Integer(n))
            }

            fn visit_u64<E: de::Error>(self, n: u64) -> Result<MessageArg, E> {
                Ok(MessageArg::from(n))
            }

            fn visit_f64<E: de::Error>(self, x: f64) -> Result<MessageArg, E> {
                Ok(MessageArg::Decimal(x))
            }
        }

        deserializer.deserialize_any(ArgVisitor)
    }
}

#[cfg(feature = "ts")]
impl ts_rs::TS for MessageArg {
    type WithoutGenerics = Self;
    type OptionInnerType = Self;

    fn docs() -> Option<String> {
        Some(ts_rs::format_docs(&[
            " One argument of a message: text, or a number (a quantity to format as the",
            " language writes it).",
        ]))
    }

    fn name(_: &ts_rs::Config) -> String {
        "MessageArg".to_owned()
    }

    fn decl(cfg: &ts_rs::Config) -> String {
        format!("type MessageArg = {};", Self::inline(cfg))
    }

    fn decl_concrete(cfg: &ts_rs::Config) -> String {
        Self::decl(cfg)
    }

    fn inline(_: &ts_rs::Config) -> String {
        "string | number".to_owned()
    }

    fn output_path() -> Option<std::path::PathBuf> {
        Some("MessageArg.ts".into())
    }
}

/// A text new to the protocol: rendered, with its message id and arguments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct LocalizedText {
    /// The text in the connection's language.
    pub text: String,
    /// The stable message id of `text`.
    pub text_id: String,
    /// The arguments of `text`, by name.
    #[serde(default, skip_serializing_if = "MessageArgs::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub text_args: MessageArgs,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_travel_as_strings_and_numbers() {
        let args: MessageArgs = [
            ("model".to_owned(), MessageArg::from("llama3.2")),
            ("max".to_owned(), MessageArg::from(80u32)),
            ("spent".to_owned(), MessageArg::from(0.25)),
        ]
        .into();
        let bytes = rmp_serde::to_vec_named(&args).unwrap();
        // fixmap of 3: "max" 80 (positive fixint), "model" "llama3.2", "spent" f64.
        assert_eq!(&bytes[..6], &[0x83, 0xa3, b'm', b'a', b'x', 80]);
        assert_eq!(rmp_serde::from_slice::<MessageArgs>(&bytes).unwrap(), args);
        let huge: MessageArg =
            rmp_serde::from_slice(&rmp_serde::to_vec(&u64::MAX).unwrap()).unwrap();
        assert_eq!(huge, MessageArg::Decimal(u64::MAX as f64));
        assert!(rmp_serde::from_slice::<MessageArg>(&rmp_serde::to_vec(&[1]).unwrap()).is_err());
    }
}
