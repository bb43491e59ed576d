//! A field of a partial update with three states: absent keeps the value, nil clears it,
//! a value replaces it.
//!
//! `Option<Option<T>>` cannot carry this over MessagePack: rmp-serde decodes an explicit
//! nil as the outer `None`, so "clear" would silently become "keep". Use with
//! `#[serde(default, skip_serializing_if = "Patch::is_keep")]`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Patch<T> {
    /// The field was absent: leave the value as it is.
    #[default]
    Keep,
    /// The field was nil: remove the value.
    Clear,
    /// The field held a value: use it.
    Set(T),
}

impl<T> Patch<T> {
    pub fn is_keep(&self) -> bool {
        matches!(self, Patch::Keep)
    }

    /// The new value given the current one.
    pub fn apply(self, current: Option<T>) -> Option<T> {
        match self {
            Patch::Keep => current,
            Patch::Clear => None,
            Patch::Set(value) => Some(value),
        }
    }
}

/// In TypeScript a patch field is `field?: Patch<T>` with `Patch<T> = T | null`: absent keeps,
/// `null` clears, a value sets. It counts as an option (`IS_OPTION`), so the `optional_fields`
/// every wire type derives with marks it `?` like an `Option` field.
#[cfg(feature = "ts")]
impl<T: ts_rs::TS> ts_rs::TS for Patch<T> {
    type WithoutGenerics = Patch<ts_rs::Dummy>;
    type OptionInnerType = Self;
    const IS_OPTION: bool = true;

    fn docs() -> Option<String> {
        Some(ts_rs::format_docs(&[
            " A field of a partial update with three states: absent keeps the value, `null`",
            " clears it, a value replaces it. Never set such a field to `undefined`: leave it out.",
        ]))
    }

    fn ident(_: &ts_rs::Config) -> String {
        "Patch".to_owned()
    }

    fn name(cfg: &ts_rs::Config) -> String {
        format!("Patch<{}>", T::name(cfg))
    }

    fn decl(_: &ts_rs::Config) -> String {
        "type Patch<T> = T | null;".to_owned()
    }

    fn decl_concrete(cfg: &ts_rs::Config) -> String {
        format!("type Patch = {};", Self::inline(cfg))
    }

    fn inline(cfg: &ts_rs::Config) -> String {
        format!("{} | null", T::inline(cfg))
    }

    fn visit_dependencies(visitor: &mut impl ts_rs::TypeVisitor)
    where
        Self: 'static,
    {
        T::visit_dependencies(visitor);
    }

    fn visit_generics(visitor: &mut impl ts_rs::TypeVisitor)
    where
        Self: 'static,
    {
        T::visit_generics(visitor);
        visitor.visit::<T>();
    }

    fn output_path() -> Option<std::path::PathBuf> {
        Some("Patch.ts".into())
    }
}

impl<T: Serialize> Serialize for Patch<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            // Only reached without `skip_serializing_if`; nil is the closest meaning.
            Patch::Keep | Patch::Clear => serializer.serialize_none(),
            Patch::Set(value) => serializer.serialize_some(value),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(deserializer)? {
            None => Patch::Clear,
            Some(value) => Patch::Set(value),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
    struct Update {
        #[serde(default, skip_serializing_if = "Patch::is_keep")]
        api_key: Patch<String>,
    }

    fn round_trip(update: &Update) -> Update {
        let bytes = rmp_serde::to_vec_named(update).unwrap();
        let value: rmpv::Value = rmp_serde::from_slice(&bytes).unwrap();
        crate::value::from_value(&value).unwrap()
    }

    #[test]
    fn all_three_states_survive_messagepack() {
        for update in [
            Update {
                api_key: Patch::Keep,
            },
            Update {
                api_key: Patch::Clear,
            },
            Update {
                api_key: Patch::Set("sk-1".into()),
            },
        ] {
            assert_eq!(round_trip(&update), update);
        }
    }

    #[test]
    fn option_of_option_would_lose_the_clear() {
        #[derive(Debug, Serialize, Deserialize)]
        struct Naive {
            #[serde(default, skip_serializing_if = "Option::is_none")]
            api_key: Option<Option<String>>,
        }
        let bytes = rmp_serde::to_vec_named(&Naive {
            api_key: Some(None),
        })
        .unwrap();
        let back: Naive = rmp_serde::from_slice(&bytes).unwrap();
        assert_eq!(back.api_key, None, "the reason Patch exists");
    }

    #[test]
    fn apply_follows_the_three_states() {
        assert_eq!(Patch::Keep.apply(Some(1)), Some(1));
        assert_eq!(Patch::<i32>::Clear.apply(Some(1)), None);
        assert_eq!(Patch::Set(2).apply(Some(1)), Some(2));
    }
}
