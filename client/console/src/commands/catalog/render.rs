//! How the catalog, its models and providers, and the learner's edits read for a person.

use llm_agent_client::protocol::methods::catalog::{Catalog, CatalogModel, CatalogProvider};

use crate::figures::{price, thousands};
use crate::table::{key_values, table};
use crate::texts::{self, messages};

/// The table's headers, in the console's language.
fn headers() -> [String; 8] {
    texts::headers([
        messages::header_model(),
        messages::header_status(),
        messages::header_context(),
        messages::header_input(),
        messages::header_output(),
        messages::header_source(),
        messages::header_as_of(),
        messages::header_notes(),
    ])
}

/// The `price_source` of a model that runs on this machine: it costs nothing.
const LOCAL: &str = "local";

/// Each provider's line, then its models in a table, then what the figures mean.
/// `provider` is the filter the catalog was asked for.
pub fn catalog(catalog: &Catalog, provider: Option<&str>) -> String {
    let mut blocks: Vec<String> = catalog.providers.iter().map(provider_block).collect();
    if blocks.is_empty() {
        blocks.push(match provider {
            Some(provider) => format!(
                "the catalog has no provider {provider:?}; `llm-console catalog` lists them all"
            ),
            None => "the catalog lists no provider".to_owned(),
        });
    }
    blocks.push(format!(
        "shipped catalog of {}; prices in USD per million tokens, as of the date shown",
        catalog.shipped_as_of
    ));
    blocks.join("\n\n")
}

fn provider_block(provider: &CatalogProvider) -> String {
    let mut lines = vec![provider_line(provider)];
    if provider.models.is_empty() {
        lines.push("  no models listed: a profile names a model its server offers".to_owned());
    } else {
        let rows: Vec<_> = provider
            .models
            .iter()
            .map(|model| row(provider, model))
            .collect();
        let table = table(&headers(), &rows);
        lines.extend(table.lines().map(|line| format!("  {line}")));
    }
    lines.join("\n")
}

/// `OpenAI (openai): https://api.openai.com/v1; a remote API, API key required;
/// parallelism 1`.
fn provider_line(provider: &CatalogProvider) -> String {
    let place = match (provider.local, provider.requires_key) {
        (true, false) => "runs on this machine",
        (true, true) => "runs on this machine, API key required",
        (false, false) => "a remote API",
        (false, true) => "a remote API, API key required",
    };
    let whose = if provider.parallelism_edited {
        " (your setting)"
    } else {
        ""
    };
    format!(
        "{} ({}): {}; {place}; parallelism {}{whose}",
        provider.display_name, provider.kind, provider.default_endpoint, provider.parallelism
    )
}

fn row(provider: &CatalogProvider, model: &CatalogModel) -> Vec<String> {
    let mut notes = Vec::new();
    if provider.default_model.as_deref() == Some(model.id.as_str()) {
        notes.push("default");
    }
    if model.edited {
        notes.push("edited");
    }
    vec![
        model.id.clone(),
        model.status.clone(),
        model
            .context_window
            .map_or_else(|| "-".to_owned(), thousands),
        per_mtok(model, model.input_per_mtok),
        per_mtok(model, model.output_per_mtok),
        model.price_source.clone(),
        model.as_of.clone(),
        notes.join(", "),
    ]
}

/// A price, `free` for a model on this machine, `-` when unknown.
fn per_mtok(model: &CatalogModel, usd: Option<f64>) -> String {
    match usd {
        Some(usd) => price(usd),
        None if model.price_source == LOCAL => "free".to_owned(),
        None => "-".to_owned(),
    }
}

/// What an edit did to a model.
#[derive(Debug, Clone, Copy)]
pub enum ModelEdit {
    Saved,
    Deprecated,
    Reactivated,
}

/// A model after an edit: what was done, then all its figures.
pub fn model_change(edit: ModelEdit, provider: &str, model: &CatalogModel) -> String {
    let id = &model.id;
    let headline = match edit {
        ModelEdit::Saved => format!("saved {provider}/{id}"),
        ModelEdit::Deprecated => format!(
            "deprecated {provider}/{id}: it still works, but choosing it for a profile warns"
        ),
        ModelEdit::Reactivated => format!("reactivated {provider}/{id}"),
    };
    format!("{headline}\n{}", self::model(model))
}

/// One model as aligned `key value` lines; cache prices only when known.
pub fn model(model: &CatalogModel) -> String {
    let per_million = |usd: Option<f64>| match usd {
        Some(usd) => format!("{} USD per million tokens", price(usd)),
        None if model.price_source == LOCAL => "free".to_owned(),
        None => "unknown".to_owned(),
    };
    let mut pairs = vec![
        ("id", model.id.clone()),
        ("name", model.display_name.clone()),
        ("status", model.status.clone()),
        (
            "context",
            model.context_window.map_or_else(
                || "unknown".to_owned(),
                |tokens| format!("{} tokens", thousands(tokens)),
            ),
        ),
        ("input", per_million(model.input_per_mtok)),
        ("output", per_million(model.output_per_mtok)),
    ];
    if model.cache_read_per_mtok.is_some() {
        pairs.push(("cache read", per_million(model.cache_read_per_mtok)));
    }
    if model.cache_write_per_mtok.is_some() {
        pairs.push(("cache write", per_million(model.cache_write_per_mtok)));
    }
    pairs.push(("price source", source(&model.price_source)));
    pairs.push(("as of", model.as_of.clone()));
    pairs.push(("edited", if model.edited { "yes" } else { "no" }.to_owned()));
    key_values(&pairs)
}

/// `catalog (the shipped prices)`: the source, and what it means.
fn source(source: &str) -> String {
    let meaning = match source {
        "provider" => "reported by the provider",
        "user" => "your prices",
        "catalog" => "the shipped prices",
        LOCAL => "runs on this machine, free",
        "unknown" => "no prices known",
        _ => return source.to_owned(),
    };
    format!("{source} ({meaning})")
}

/// A provider after an edit: its line, then its default model.
pub fn provider_change(provider: &CatalogProvider) -> String {
    let default = match &provider.default_model {
        Some(model) => format!("default model: {model}"),
        None => "no default model: a profile must name its model".to_owned(),
    };
    format!("{}\n{default}", provider_line(provider))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(id: &str, input: Option<f64>, output: Option<f64>, source: &str) -> CatalogModel {
        CatalogModel {
            id: id.into(),
            display_name: id.to_uppercase(),
            context_window: Some(1_050_000),
            input_per_mtok: input,
            output_per_mtok: output,
            cache_read_per_mtok: None,
            cache_write_per_mtok: None,
            price_source: source.into(),
            status: "active".into(),
            as_of: "2026-10-26".into(),
            edited: false,
        }
    }

    fn openai() -> CatalogProvider {
        let mut old = model("gpt-4o", Some(2.5), Some(10.0), "catalog");
        old.status = "deprecated".into();
        old.context_window = Some(128_000);
        let mut mine = model("gpt-test", Some(0.125), None, "user");
        mine.context_window = None;
        mine.edited = true;
        mine.as_of = "2026-11-22".into();
        CatalogProvider {
            kind: "openai".into(),
            display_name: "OpenAI".into(),
            default_endpoint: "https://api.openai.com/v1".into(),
            requires_key: true,
            local: false,
            parallelism: 1,
            parallelism_edited: false,
            default_model: Some("gpt-6-luna".into()),
            models: vec![
                model("gpt-6-luna", Some(0.1), Some(0.5), "catalog"),
                old,
                mine,
            ],
        }
    }

    fn ollama() -> CatalogProvider {
        let mut llama = model("llama3.2", None, None, "local");
        llama.context_window = Some(131_072);
        CatalogProvider {
            kind: "ollama".into(),
            display_name: "Ollama".into(),
            default_endpoint: "http://127.0.0.1:11434".into(),
            requires_key: false,
            local: true,
            parallelism: 2,
            parallelism_edited: true,
            default_model: Some("llama3.2".into()),
            models: vec![llama],
        }
    }

    fn jan() -> CatalogProvider {
        CatalogProvider {
            kind: "jan".into(),
            display_name: "Jan".into(),
            default_endpoint: "http://127.0.0.1:1337/v1".into(),
            requires_key: false,
            local: true,
            parallelism: 4,
            parallelism_edited: false,
            default_model: None,
            models: Vec::new(),
        }
    }

    #[test]
    fn the_catalog_is_a_table_per_provider_with_the_default_marked() {
        let catalog = Catalog {
            shipped_as_of: "2026-11-21".into(),
            providers: vec![openai(), ollama(), jan()],
        };
        assert_eq!(
            super::catalog(&catalog, None),
            "\
OpenAI (openai): https://api.openai.com/v1; a remote API, API key required; parallelism 1
  MODEL       STATUS      CONTEXT    INPUT  OUTPUT  SOURCE   AS OF       NOTES
  gpt-6-luna  active      1,050,000  0.10   0.50    catalog  2026-10-26  default
  gpt-4o      deprecated  128,000    2.50   10.00   catalog  2026-10-26
  gpt-test    active      -          0.125  -       user     2026-11-22  edited

Ollama (ollama): http://127.0.0.1:11434; runs on this machine; parallelism 2 (your setting)
  MODEL     STATUS  CONTEXT  INPUT  OUTPUT  SOURCE  AS OF       NOTES
  llama3.2  active  131,072  free   free    local   2026-10-26  default

Jan (jan): http://127.0.0.1:1337/v1; runs on this machine; parallelism 4
  no models listed: a profile names a model its server offers

shipped catalog of 2026-11-21; prices in USD per million tokens, as of the date shown"
        );
        let empty = Catalog {
            shipped_as_of: "2026-11-21".into(),
            providers: Vec::new(),
        };
        assert!(super::catalog(&empty, None).starts_with("the catalog lists no provider\n\n"));
        assert!(super::catalog(&empty, Some("skynet")).starts_with(
            "the catalog has no provider \"skynet\"; `llm-console catalog` lists them all\n\n"
        ));
    }

    #[test]
    fn an_edited_model_shows_every_figure_and_where_it_came_from() {
        let mut edited = model("gpt-test", Some(0.25), Some(2.0), "user");
        edited.cache_read_per_mtok = Some(0.025);
        edited.edited = true;
        assert_eq!(
            model_change(ModelEdit::Saved, "openai", &edited),
            "\
saved openai/gpt-test
id            gpt-test
name          GPT-TEST
status        active
context       1,050,000 tokens
input         0.25 USD per million tokens
output        2.00 USD per million tokens
cache read    0.025 USD per million tokens
price source  user (your prices)
as of         2026-10-26
edited        yes"
        );
        let local = model_change(ModelEdit::Deprecated, "ollama", &ollama().models[0]);
        assert!(
            local.starts_with(
                "deprecated ollama/llama3.2: it still works, but choosing it for a profile warns\n"
            ),
            "{local}"
        );
        assert!(local.contains("\ninput         free\n"), "{local}");
        assert!(
            local.contains("\nprice source  local (runs on this machine, free)\n"),
            "{local}"
        );
        let unpriced = super::model(&model("x", None, None, "unknown"));
        assert!(unpriced.contains("\ninput         unknown\n"), "{unpriced}");
    }

    #[test]
    fn a_provider_change_shows_its_settings_and_default() {
        assert_eq!(
            provider_change(&ollama()),
            "Ollama (ollama): http://127.0.0.1:11434; runs on this machine; parallelism 2 \
             (your setting)\ndefault model: llama3.2"
        );
        assert_eq!(
            provider_change(&jan()),
            "Jan (jan): http://127.0.0.1:1337/v1; runs on this machine; parallelism 4\n\
             no default model: a profile must name its model"
        );
    }
}
