//! [`ConnectionLocale`]: the language a connection's texts are rendered in, chosen by its
//! `hello` (English until then, and for a client that names none).

use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use llm_agent_l10n::Locale;

/// Shared by a connection's requests and subscriptions; a later `hello` may change it.
#[derive(Debug, Default)]
pub struct ConnectionLocale(AtomicUsize);

impl ConnectionLocale {
    pub fn get(&self) -> Locale {
        Locale::ALL
            .get(self.0.load(Relaxed))
            .copied()
            .unwrap_or(Locale::English)
    }

    pub fn set(&self, locale: Locale) {
        self.0.store(locale.index(), Relaxed);
    }
}
