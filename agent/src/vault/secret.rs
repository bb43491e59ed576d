//! Secret values in memory: API keys and the data key. Both are zeroized when dropped
//! and neither has a `Debug` or `Display` that shows the value, so a stray `{:?}` in a
//! log line or an error cannot leak one.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

/// An API key as the learner gave it.
#[derive(Clone)]
pub struct ApiKey(SecretString);

impl ApiKey {
    pub fn new(key: String) -> Self {
        Self(SecretString::from(key))
    }

    /// The key itself, for sealing or for a request header. Keep the borrow short.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// What responses may show: the last characters, `...a1b2`. Short keys show fewer
    /// (a quarter of their length at most), so a hint never gives most of a key away.
    pub fn hint(&self) -> String {
        let key = self.expose();
        let len = key.chars().count();
        let shown = (len / 4).min(4);
        let tail: String = key.chars().skip(len - shown).collect();
        format!("...{tail}")
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// The length of the data key: 256 bits.
pub const DATA_KEY_LEN: usize = 32;

/// The random key that encrypts API keys at rest; it lives in the OS credential store.
#[derive(Clone, PartialEq, Eq)]
pub struct DataKey(Zeroizing<[u8; DATA_KEY_LEN]>);

impl DataKey {
    pub fn generate() -> Self {
        use chacha20poly1305::aead::{KeyInit, OsRng};
        let key = chacha20poly1305::XChaCha20Poly1305::generate_key(&mut OsRng);
        Self(Zeroizing::new(key.into()))
    }

    /// A key read back from the credential store; `None` when it has the wrong length.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let bytes: [u8; DATA_KEY_LEN] = bytes.try_into().ok()?;
        Some(Self(Zeroizing::new(bytes)))
    }

    pub fn expose(&self) -> &[u8; DATA_KEY_LEN] {
        &self.0
    }
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let key = ApiKey::new("sk-live-very-secret-1234".into());
        assert_eq!(format!("{key:?}"), "ApiKey(<redacted>)");
        assert!(!format!("{:?}", DataKey::generate()).contains('['));
    }

    #[test]
    fn hints_show_at_most_four_and_at_most_a_quarter() {
        assert_eq!(
            ApiKey::new("sk-live-very-secret-a1b2".into()).hint(),
            "...a1b2"
        );
        assert_eq!(ApiKey::new("abcdefgh".into()).hint(), "...gh");
        assert_eq!(ApiKey::new("abc".into()).hint(), "...");
        assert_eq!(ApiKey::new("ключ-ключ-ключ-ёж".into()).hint(), "...ч-ёж");
    }
}
