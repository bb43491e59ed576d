//! A secret that travels in params (an API key). It is a plain string on the wire, but
//! its `Debug` never shows the value, so a stray `{:?}` of params cannot leak it.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[serde(transparent)]
pub struct SecretText(String);

impl SecretText {
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    /// The secret itself. Keep the borrow short.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for SecretText {
    fn from(text: String) -> Self {
        Self(text)
    }
}

impl From<&str> for SecretText {
    fn from(text: &str) -> Self {
        Self(text.to_owned())
    }
}

impl fmt::Debug for SecretText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretText(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_as_a_plain_string_and_never_debugs_its_value() {
        let secret = SecretText::from("sk-123");
        assert_eq!(
            rmp_serde::to_vec_named(&secret).unwrap(),
            rmp_serde::to_vec_named("sk-123").unwrap()
        );
        assert!(!format!("{secret:?}").contains("sk-123"));
    }
}
