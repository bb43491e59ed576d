//! The languages texts are rendered in, and choosing one from what a person prefers.

use fluent_langneg::{NegotiationStrategy, negotiate_languages};
use unic_langid::LanguageIdentifier;

/// A language the catalogs are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Locale {
    English,
    German,
    Spanish,
    /// `en-XA`: English, accented and about 40% longer, for testing layouts. Chosen
    /// only when asked for by name, never as a match for another English.
    Pseudo,
}

impl Locale {
    /// Every locale, in the order of [`Locale::index`].
    pub const ALL: [Locale; 4] = [
        Locale::English,
        Locale::German,
        Locale::Spanish,
        Locale::Pseudo,
    ];
    /// The languages with catalogs of their own (the pseudo-locale renders English's).
    pub const TRANSLATED: [Locale; 3] = [Locale::English, Locale::German, Locale::Spanish];

    /// The BCP 47 tag: `en`, `de`, `es`, `en-XA`.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::English => "en",
            Locale::German => "de",
            Locale::Spanish => "es",
            Locale::Pseudo => "en-XA",
        }
    }

    /// A dense index, for tables kept per locale.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The catalog a text in this locale is rendered from.
    pub(crate) fn catalog_locale(self) -> Locale {
        match self {
            Locale::Pseudo => Locale::English,
            other => other,
        }
    }

    fn language_id(self) -> LanguageIdentifier {
        // The tags above are well-formed; `und` is never reached.
        self.tag().parse().unwrap_or_default()
    }

    /// The best locale for `preferred` (BCP 47 tags, most preferred first): the first
    /// that a catalog matches by language (`de-AT` is German), English when none does.
    /// Tags that do not parse are skipped.
    pub fn negotiate<S: AsRef<str>>(preferred: &[S]) -> Locale {
        let requested: Vec<LanguageIdentifier> = preferred
            .iter()
            .filter_map(|tag| tag.as_ref().trim().parse().ok())
            .collect();
        if requested
            .first()
            .is_some_and(|first| *first == Locale::Pseudo.language_id())
        {
            return Locale::Pseudo;
        }
        let available: Vec<LanguageIdentifier> = Locale::TRANSLATED
            .iter()
            .map(|locale| locale.language_id())
            .collect();
        let default = Locale::English.language_id();
        let chosen = negotiate_languages(
            &requested,
            &available,
            Some(&default),
            NegotiationStrategy::Lookup,
        );
        chosen
            .first()
            .and_then(|id| {
                Locale::TRANSLATED
                    .into_iter()
                    .find(|locale| locale.language_id() == **id)
            })
            .unwrap_or(Locale::English)
    }

    /// The locale a POSIX environment names: the first of `LC_ALL`, `LC_MESSAGES` and
    /// `LANG` that is set and not empty, as `de_DE.UTF-8@euro` writes it. `C` and
    /// `POSIX` are English. `lookup` reads one variable (the process environment, or a
    /// test's).
    pub fn from_posix_env(lookup: impl Fn(&str) -> Option<String>) -> Locale {
        match Locale::posix_preference(lookup) {
            Some(tag) => Locale::negotiate(&[tag]),
            None => Locale::English,
        }
    }

    /// The language a POSIX environment prefers, as a BCP 47 tag (`de-DE`), read as
    /// [`Locale::from_posix_env`] reads it; `None` when no variable is set.
    pub fn posix_preference(lookup: impl Fn(&str) -> Option<String>) -> Option<String> {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .into_iter()
            .filter_map(lookup)
            .find(|value| !value.trim().is_empty())
            .map(|value| posix_to_bcp47(&value))
    }
}

/// `de_DE.UTF-8@euro` → `de-DE`; `C`/`POSIX` → `en`.
fn posix_to_bcp47(value: &str) -> String {
    let name = value.split(['.', '@']).next().unwrap_or_default().trim();
    if name.eq_ignore_ascii_case("C") || name.eq_ignore_ascii_case("POSIX") {
        return "en".to_owned();
    }
    name.replace('_', "-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_language_a_catalog_has_is_chosen() {
        assert_eq!(Locale::negotiate(&["de-AT", "en"]), Locale::German);
        assert_eq!(
            Locale::negotiate(&["fr-FR", "es-MX", "de"]),
            Locale::Spanish
        );
        assert_eq!(Locale::negotiate(&["en-GB", "de"]), Locale::English);
        assert_eq!(Locale::negotiate(&["fr", "ja"]), Locale::English);
        assert_eq!(Locale::negotiate::<&str>(&[]), Locale::English);
        assert_eq!(Locale::negotiate(&["not a tag!", "es"]), Locale::Spanish);
        assert_eq!(Locale::negotiate(&["en-XA"]), Locale::Pseudo);
        // The pseudo-locale is never another English's match.
        assert_eq!(Locale::negotiate(&["en-US", "en-XA"]), Locale::English);
    }

    #[test]
    fn posix_variables_are_read_in_their_order() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| (*value).to_owned())
            }
        };
        assert_eq!(
            Locale::from_posix_env(env(&[("LANG", "es_ES.UTF-8"), ("LC_MESSAGES", "de_DE")])),
            Locale::German
        );
        assert_eq!(
            Locale::from_posix_env(env(&[("LC_ALL", "C"), ("LANG", "de_DE.UTF-8")])),
            Locale::English
        );
        assert_eq!(
            Locale::from_posix_env(env(&[("LC_ALL", ""), ("LANG", "es_AR.UTF-8@x")])),
            Locale::Spanish
        );
        assert_eq!(Locale::from_posix_env(env(&[])), Locale::English);
    }
}
