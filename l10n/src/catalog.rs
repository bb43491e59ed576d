//! [`Catalog`]: one crate's Fluent files for each locale, and rendering a text in one.

use std::borrow::Cow;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use llm_agent_protocol::text::{MessageArg, MessageArgs};
use unic_langid::LanguageIdentifier;

use crate::format::{self, DateStyle};
use crate::locale::Locale;
use crate::pseudo;
use crate::text::Text;

/// A crate's messages in every locale. Built once (the sources are compiled in); a
/// source that does not parse keeps the entries that do, and [`Catalog::problems`] says
/// what went wrong (the catalog check fails on any).
pub struct Catalog {
    /// Indexed by [`Locale::index`]; the pseudo-locale's bundle is English's sources
    /// with the accenting transform.
    bundles: Vec<FluentBundle<FluentResource>>,
    sources: Vec<(Locale, &'static str)>,
    problems: Vec<CatalogError>,
}

/// A catalog source that could not be read whole.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogError {
    #[error("{locale}: {message}")]
    Syntax {
        locale: &'static str,
        message: String,
    },
    #[error("{locale}: {id} is defined twice")]
    Duplicate { locale: &'static str, id: String },
    #[error("{locale}: no catalog")]
    Missing { locale: &'static str },
}

impl Catalog {
    /// A catalog of `sources`: the Fluent text of each translated locale.
    pub fn new(sources: &[(Locale, &'static str)]) -> Self {
        let mut problems = Vec::new();
        let bundles = Locale::ALL
            .iter()
            .map(|&locale| {
                let catalog_locale = locale.catalog_locale();
                let source = sources
                    .iter()
                    .find(|(l, _)| *l == catalog_locale)
                    .map(|(_, source)| *source);
                if source.is_none() && locale == catalog_locale {
                    problems.push(CatalogError::Missing {
                        locale: locale.tag(),
                    });
                }
                bundle(locale, source.unwrap_or_default(), &mut problems)
            })
            .collect();
        Self {
            bundles,
            sources: sources.to_vec(),
            problems,
        }
    }

    /// What went wrong reading the sources.
    pub fn problems(&self) -> &[CatalogError] {
        &self.problems
    }

    fn bundle(&self, locale: Locale) -> Option<&FluentBundle<FluentResource>> {
        self.bundles.get(locale.index())
    }

    /// `text` in `locale`, falling back to English when the locale lacks the message,
    /// and to the id with its arguments when English does too (never an empty text).
    pub fn render(&self, locale: Locale, text: &Text) -> String {
        self.render_parts(locale, text.id(), text.args())
            .unwrap_or_else(|| text.to_string())
    }

    /// Message `id` with `args` in `locale`, falling back to English; `None` when no
    /// catalog has the id (an id from elsewhere, left as it is by callers).
    pub fn render_parts(&self, locale: Locale, id: &str, args: &MessageArgs) -> Option<String> {
        let rendered = self
            .format(locale, id, args)
            .or_else(|| self.format(Locale::English, id, args))?;
        Some(match locale {
            Locale::Pseudo => pseudo::pad(&rendered),
            _ => rendered,
        })
    }

    /// Whether English has message `id`.
    pub fn knows(&self, id: &str) -> bool {
        self.bundle(Locale::English)
            .is_some_and(|bundle| bundle.has_message(id))
    }

    fn format(&self, locale: Locale, id: &str, args: &MessageArgs) -> Option<String> {
        let bundle = self.bundle(locale)?;
        let pattern = bundle.get_message(id)?.value()?;
        let args = fluent_args(args);
        // A missing argument renders as its name in braces, better than nothing; the
        // catalog check keeps the arguments in step with the declarations.
        let mut errors = Vec::new();
        Some(
            bundle
                .format_pattern(pattern, Some(&args), &mut errors)
                .into_owned(),
        )
    }

    /// The Fluent source of a translated `locale`, for the catalog check.
    pub(crate) fn source(&self, locale: Locale) -> Option<&'static str> {
        self.sources
            .iter()
            .find(|(l, _)| *l == locale)
            .map(|(_, source)| *source)
    }
}

fn fluent_args(args: &MessageArgs) -> FluentArgs<'_> {
    let mut fluent = FluentArgs::with_capacity(args.len());
    for (name, value) in args {
        let value = match value {
            MessageArg::Text(text) => FluentValue::String(Cow::Borrowed(text)),
            MessageArg::Integer(n) => FluentValue::from(*n),
            MessageArg::Decimal(x) => FluentValue::from(*x),
        };
        fluent.set(name.as_str(), value);
    }
    fluent
}

fn language_id(locale: Locale) -> LanguageIdentifier {
    locale.catalog_locale().tag().parse().unwrap_or_default()
}

fn bundle(
    locale: Locale,
    source: &'static str,
    problems: &mut Vec<CatalogError>,
) -> FluentBundle<FluentResource> {
    let lang = language_id(locale);
    let mut bundle = FluentBundle::new_concurrent(vec![lang.clone()]);
    // Plain text for terminals and UIs: no Unicode isolation marks around arguments.
    bundle.set_use_isolating(false);
    bundle.set_formatter(Some(format::format_value));
    if locale == Locale::Pseudo {
        bundle.set_transform(Some(pseudo::accent));
    }
    // NUMBER; fails only when added twice.
    let _ = bundle.add_builtins();
    let functions = [
        ("DATETIME", DateStyle::DayAndMinute),
        ("DATE", DateStyle::Day),
    ];
    for (name, style) in functions {
        // Fails only for a name added twice; the names above are distinct.
        let _ = bundle.add_function(name, format::date_function(lang.clone(), style));
    }
    let resource = match FluentResource::try_new(source.to_owned()) {
        Ok(resource) => resource,
        Err((resource, errors)) => {
            if locale.catalog_locale() == locale {
                problems.extend(errors.into_iter().map(|err| CatalogError::Syntax {
                    locale: locale.tag(),
                    message: err.to_string(),
                }));
            }
            resource
        }
    };
    if let Err(errors) = bundle.add_resource(resource)
        && locale.catalog_locale() == locale
    {
        problems.extend(errors.into_iter().map(|err| CatalogError::Duplicate {
            locale: locale.tag(),
            id: err.to_string(),
        }));
    }
    bundle
}
