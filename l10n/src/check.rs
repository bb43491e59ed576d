//! The catalog check: every declared message in every translated catalog, with exactly
//! its declared arguments, and no message a catalog has that the code does not declare.

use std::collections::BTreeSet;
use std::fmt;

use fluent_bundle::FluentResource;
use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};

use crate::catalog::Catalog;
use crate::locale::Locale;
use crate::text::Declared;

/// One way a catalog disagrees with the code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatalogProblem {
    /// The source could not be read (syntax, a message twice, no file).
    Unreadable(String),
    /// A declared message the catalog lacks.
    Missing { locale: &'static str, id: String },
    /// A message in the catalog that the code does not declare.
    Unused { locale: &'static str, id: String },
    /// A message whose variables are not its declared arguments.
    Arguments {
        locale: &'static str,
        id: String,
        declared: Vec<String>,
        used: Vec<String>,
    },
}

impl fmt::Display for CatalogProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CatalogProblem::Unreadable(message) => write!(f, "{message}"),
            CatalogProblem::Missing { locale, id } => write!(f, "{locale}: {id} is missing"),
            CatalogProblem::Unused { locale, id } => {
                write!(f, "{locale}: {id} is not declared by the code")
            }
            CatalogProblem::Arguments {
                locale,
                id,
                declared,
                used,
            } => write!(
                f,
                "{locale}: {id} uses {{{}}} but declares {{{}}}",
                used.join(", "),
                declared.join(", ")
            ),
        }
    }
}

/// Everything in which `catalog` disagrees with `declared`, for every translated locale.
pub fn check_catalog(catalog: &Catalog, declared: &[Declared]) -> Vec<CatalogProblem> {
    let mut problems: Vec<CatalogProblem> = catalog
        .problems()
        .iter()
        .map(|err| CatalogProblem::Unreadable(err.to_string()))
        .collect();
    let mut ids = BTreeSet::new();
    for message in declared {
        if !ids.insert(message.id) {
            problems.push(CatalogProblem::Unreadable(format!(
                "{} is declared twice",
                message.id
            )));
        }
    }
    for locale in Locale::TRANSLATED {
        let tag = locale.tag();
        let messages = catalog.source(locale).map(messages_of).unwrap_or_default();
        for message in declared {
            match messages.iter().find(|(id, _)| id == message.id) {
                None => problems.push(CatalogProblem::Missing {
                    locale: tag,
                    id: message.id.to_owned(),
                }),
                Some((_, used)) => {
                    let declared_args: BTreeSet<String> =
                        message.args.iter().map(|arg| (*arg).to_owned()).collect();
                    if *used != declared_args {
                        problems.push(CatalogProblem::Arguments {
                            locale: tag,
                            id: message.id.to_owned(),
                            declared: declared_args.into_iter().collect(),
                            used: used.iter().cloned().collect(),
                        });
                    }
                }
            }
        }
        for (id, _) in &messages {
            if !ids.contains(id.as_str()) {
                problems.push(CatalogProblem::Unused {
                    locale: tag,
                    id: id.clone(),
                });
            }
        }
    }
    problems
}

/// Each message of a Fluent source as written there: its id and its value's source text
/// on one line (a translator's view, for documentation), in file order.
pub fn message_sources(source: &str) -> Vec<(String, String)> {
    let mut messages: Vec<(String, String)> = Vec::new();
    for line in source.lines() {
        let starts_message = line.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
        if starts_message && let Some((id, value)) = line.split_once('=') {
            messages.push((id.trim().to_owned(), value.trim().to_owned()));
        } else if line.starts_with(' ')
            && let Some((_, value)) = messages.last_mut()
        {
            if !value.is_empty() {
                value.push(' ');
            }
            value.push_str(line.trim());
        }
    }
    messages
}

/// Each message of a Fluent source with the variables its value and attributes use.
fn messages_of(source: &str) -> Vec<(String, BTreeSet<String>)> {
    let resource = match FluentResource::try_new(source.to_owned()) {
        Ok(resource) | Err((resource, _)) => resource,
    };
    resource
        .entries()
        .filter_map(|entry| match entry {
            Entry::Message(message) => {
                let mut used = BTreeSet::new();
                if let Some(value) = &message.value {
                    pattern_variables(value, &mut used);
                }
                for attribute in &message.attributes {
                    pattern_variables(&attribute.value, &mut used);
                }
                Some((message.id.name.to_owned(), used))
            }
            _ => None,
        })
        .collect()
}

fn pattern_variables(pattern: &Pattern<&str>, used: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let PatternElement::Placeable { expression } = element {
            expression_variables(expression, used);
        }
    }
}

fn expression_variables(expression: &Expression<&str>, used: &mut BTreeSet<String>) {
    match expression {
        Expression::Inline(inline) => inline_variables(inline, used),
        Expression::Select { selector, variants } => {
            inline_variables(selector, used);
            for variant in variants {
                pattern_variables(&variant.value, used);
            }
        }
    }
}

fn inline_variables(inline: &InlineExpression<&str>, used: &mut BTreeSet<String>) {
    match inline {
        InlineExpression::VariableReference { id } => {
            used.insert(id.name.to_owned());
        }
        InlineExpression::FunctionReference { arguments, .. } => {
            for positional in &arguments.positional {
                inline_variables(positional, used);
            }
            for named in &arguments.named {
                inline_variables(&named.value, used);
            }
        }
        InlineExpression::TermReference {
            arguments: Some(arguments),
            ..
        } => {
            for positional in &arguments.positional {
                inline_variables(positional, used);
            }
            for named in &arguments.named {
                inline_variables(&named.value, used);
            }
        }
        InlineExpression::Placeable { expression } => expression_variables(expression, used),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DECLARED: &[Declared] = &[
        Declared {
            id: "greeting",
            args: &["name"],
        },
        Declared {
            id: "limit",
            args: &["max"],
        },
    ];

    #[test]
    fn the_check_finds_missing_unused_and_mismatched_messages() {
        let catalog = Catalog::new(&[
            (
                Locale::English,
                "greeting = Hello, { $name }.\nlimit = At most { NUMBER($max) }.\n",
            ),
            (
                Locale::German,
                "greeting = Hallo, { $nom }.\nlimit = Höchstens { $max }.\nextra = x\n",
            ),
            (Locale::Spanish, "greeting = Hola, { $name }.\n"),
        ]);
        let problems = check_catalog(&catalog, DECLARED);
        assert_eq!(
            problems,
            vec![
                CatalogProblem::Arguments {
                    locale: "de",
                    id: "greeting".into(),
                    declared: vec!["name".into()],
                    used: vec!["nom".into()],
                },
                CatalogProblem::Unused {
                    locale: "de",
                    id: "extra".into(),
                },
                CatalogProblem::Missing {
                    locale: "es",
                    id: "limit".into(),
                },
            ]
        );
    }

    #[test]
    fn texts_render_per_locale_with_numbers_and_dates_as_each_writes_them() {
        let catalog = Catalog::new(&[
            (
                Locale::English,
                "spent = { NUMBER($usd, minimumFractionDigits: 2, maximumFractionDigits: 2) } USD on { DATE($day) }, { $n } calls, withdrawn { DATETIME($at) }\nonly = English only\n",
            ),
            (
                Locale::German,
                "spent = { NUMBER($usd, minimumFractionDigits: 2, maximumFractionDigits: 2) } USD am { DATE($day) }, { $n } Aufrufe, widerrufen { DATETIME($at) }\n",
            ),
            (Locale::Spanish, ""),
        ]);
        let text = crate::Text::new(
            "spent",
            [
                ("usd", 1234.5.into()),
                ("day", "2026-12-02".into()),
                ("n", 12_345u32.into()),
                ("at", "2026-12-02T19:35:51.5Z".into()),
            ],
        );
        let english = catalog.render(Locale::English, &text);
        assert_eq!(
            english,
            "1,234.50 USD on Dec 2, 2026, 12,345 calls, withdrawn Dec 2, 2026, 7:35\u{202f}PM"
        );
        let german = catalog.render(Locale::German, &text);
        assert_eq!(
            german,
            "1.234,50 USD am 02.12.2026, 12.345 Aufrufe, widerrufen 02.12.2026, 19:35"
        );
        // Spanish lacks the message: English, per message.
        assert_eq!(catalog.render(Locale::Spanish, &text), english);
        let pseudo = catalog.render(Locale::Pseudo, &crate::Text::new("only", []));
        assert!(pseudo.starts_with("[Éñĝĺíšĥ öñĺý"), "{pseudo}");
        // An id no catalog has shows itself with its arguments, never nothing.
        let unknown = crate::Text::new("nowhere", [("n", 1u8.into())]);
        assert_eq!(catalog.render(Locale::German, &unknown), "nowhere n=1");
    }
}
