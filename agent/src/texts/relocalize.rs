//! Re-rendering the texts of an encoded value in a connection's language.
//!
//! The wire rule (docs/protocol.md, "Texts"): a text field `X` has the sibling `X_id`,
//! the message id, and `X_args`, its arguments. So any map holding a string `X` beside
//! an `X_id` that names a message of the agent's catalogs is a text, wherever it sits
//! (a result, an error's details, an event), and is rendered again from its id and
//! arguments. A value without texts comes back unchanged; English frames are never
//! walked (the agent writes English to begin with).

use llm_agent_l10n::{Locale, MessageArg, MessageArgs};
use llm_agent_protocol::frame::HEADER_LEN;
use rmpv::Value;

use super::CATALOG;

/// The suffixes of a text's sibling fields.
const ID_SUFFIX: &str = "_id";
const ARGS_SUFFIX: &str = "_args";

/// `frame` (a length header and one MessagePack value) with its texts in `locale`. A
/// frame that does not decode, or would outgrow `max_frame_len` in `locale`, is sent as
/// it is, in English.
pub fn relocalize_frame(frame: Vec<u8>, locale: Locale, max_frame_len: u32) -> Vec<u8> {
    if locale == Locale::English || frame.len() < HEADER_LEN {
        return frame;
    }
    let Some(body) = relocalize_value(&frame[HEADER_LEN..], locale) else {
        return frame;
    };
    match u32::try_from(body.len()) {
        Ok(len) if len <= max_frame_len => {
            let mut out = Vec::with_capacity(HEADER_LEN + body.len());
            out.extend_from_slice(&len.to_be_bytes());
            out.extend_from_slice(&body);
            out
        }
        _ => frame,
    }
}

/// The encoded value `bytes` with its texts in `locale`; `None` when it does not decode
/// as one value, or holds no text to render.
pub fn relocalize_value(bytes: &[u8], locale: Locale) -> Option<Vec<u8>> {
    let mut reader = bytes;
    let mut value = rmpv::decode::read_value(&mut reader).ok()?;
    if !reader.is_empty() || !rerender(&mut value, locale) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 4);
    rmpv::encode::write_value(&mut out, &value).ok()?;
    Some(out)
}

/// Renders every text in `value` in `locale`; whether any was found.
fn rerender(value: &mut Value, locale: Locale) -> bool {
    match value {
        Value::Array(items) => items
            .iter_mut()
            .fold(false, |found, item| rerender(item, locale) | found),
        Value::Map(pairs) => {
            let mut found = pairs
                .iter_mut()
                .fold(false, |found, (_, item)| rerender(item, locale) | found);
            let rendered: Vec<(usize, String)> = pairs
                .iter()
                .filter_map(|(key, id)| text_in(pairs, key.as_str()?, id.as_str()?, locale))
                .collect();
            found |= !rendered.is_empty();
            for (at, text) in rendered {
                if let Some((_, slot)) = pairs.get_mut(at) {
                    *slot = Value::from(text);
                }
            }
            found
        }
        _ => false,
    }
}

/// For the pair `key: id` of a map, the text's position in the map and its rendering,
/// when `key` is `X_id`, `id` a message of the catalogs and `X` a string beside it.
fn text_in(
    pairs: &[(Value, Value)],
    key: &str,
    id: &str,
    locale: Locale,
) -> Option<(usize, String)> {
    let base = key.strip_suffix(ID_SUFFIX)?;
    if !CATALOG.knows(id) {
        return None;
    }
    let at = pairs
        .iter()
        .position(|(k, v)| k.as_str() == Some(base) && v.is_str())?;
    let args = pairs
        .iter()
        .find(|(k, _)| {
            k.as_str()
                .and_then(|k| k.strip_prefix(base))
                .is_some_and(|rest| rest == ARGS_SUFFIX)
        })
        .map(|(_, args)| args_of(args))
        .unwrap_or_default();
    Some((at, CATALOG.render_parts(locale, id, &args)?))
}

fn args_of(value: &Value) -> MessageArgs {
    let Value::Map(pairs) = value else {
        return MessageArgs::new();
    };
    pairs
        .iter()
        .filter_map(|(name, value)| {
            let arg = match value {
                Value::String(text) => MessageArg::Text(text.as_str()?.to_owned()),
                Value::Integer(n) => match n.as_i64() {
                    Some(n) => MessageArg::Integer(n),
                    None => MessageArg::from(n.as_u64()?),
                },
                Value::F64(x) => MessageArg::Decimal(*x),
                Value::F32(x) => MessageArg::Decimal(f64::from(*x)),
                _ => return None,
            };
            Some((name.as_str()?.to_owned(), arg))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use llm_agent_protocol::{ErrorCode, WireError};

    use super::*;
    use crate::texts::{self, WireErrorTexts, messages};

    fn encode(value: &impl serde::Serialize) -> Vec<u8> {
        rmp_serde::to_vec_named(value).unwrap()
    }

    #[test]
    fn texts_anywhere_in_a_value_are_rendered_again_and_nothing_else_changes() {
        let error = texts::wire_error(
            ErrorCode::ProfileNotFound,
            messages::vault_not_found("6f1c1a57-3b0e-4c8e-9d51-6a1d2c3b4a59"),
        )
        .remediation(messages::vault_not_found_remedy());
        let english = encode(&error);
        let german = relocalize_value(&english, Locale::German).unwrap();
        let german: WireError = rmp_serde::from_slice(&german).unwrap();
        assert_eq!(german.message_id, error.message_id);
        assert_eq!(german.message_args, error.message_args);
        assert_eq!(german.code, error.code);
        assert_ne!(german.message, error.message);
        assert!(german.message.contains("6f1c1a57"), "{}", german.message);
        assert_ne!(german.remediation, error.remediation);
        // A map whose `_id` is not a message (a profile id) is left alone.
        let other = encode(&rmpv::Value::Map(vec![
            ("name".into(), "Local".into()),
            ("profile_id".into(), "6f1c1a57".into()),
        ]));
        assert_eq!(relocalize_value(&other, Locale::German), None);
    }
}
