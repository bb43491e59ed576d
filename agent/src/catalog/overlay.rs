//! The learner's catalog edits, kept in `<data dir>/catalog.json`: models added or changed
//! (field by field), deprecations, default models and provider settings. Only edits are
//! stored, so they apply again on top of a newer shipped catalog.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use llm_agent_l10n::Text;
use llm_agent_protocol::methods::catalog::{CatalogModel, UpsertModelParams};
use llm_agent_protocol::methods::profiles::FieldError;
use serde::{Deserialize, Serialize};

use crate::json_file::{JsonFile, Loaded};
use crate::texts::{self, Explain, messages};

/// The overlay file's name in the data dir.
pub const FILE_NAME: &str = "catalog.json";
const SCHEMA_VERSION: u32 = 1;
/// The most models the learner may add or edit.
pub const MAX_EDITED_MODELS: usize = 500;
/// The highest price accepted, in USD per million tokens.
pub const MAX_PRICE: f64 = 10_000.0;
/// The most requests at once a provider may be given.
pub const MAX_PARALLELISM: u32 = 32;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Overlay {
    #[serde(default)]
    pub models: Vec<ModelEdit>,
    /// Provider → its default model.
    #[serde(default)]
    pub defaults: BTreeMap<String, String>,
    #[serde(default)]
    pub providers: BTreeMap<String, ProviderEdit>,
}

/// The learner's edit of one model; absent fields keep the shipped value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelEdit {
    pub provider: String,
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context_window: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_per_mtok: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_per_mtok: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_read_per_mtok: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_write_per_mtok: Option<f64>,
    /// `active` or `deprecated`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// `YYYY-MM-DD` of the last edit.
    pub edited_on: String,
    /// `YYYY-MM-DD` of the last price edit: the `as_of` of the learner's prices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priced_on: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProviderEdit {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parallelism: Option<u32>,
}

impl ModelEdit {
    /// Applies the edit to the merged model of a provider (`local`: priced as free).
    pub fn apply(&self, model: &mut CatalogModel, local: bool) {
        if let Some(name) = &self.display_name {
            model.display_name = name.clone();
        }
        if let Some(window) = self.context_window {
            model.context_window = Some(window);
        }
        let mut priced = false;
        for (edit, field) in [
            (self.input_per_mtok, &mut model.input_per_mtok),
            (self.output_per_mtok, &mut model.output_per_mtok),
            (self.cache_read_per_mtok, &mut model.cache_read_per_mtok),
            (self.cache_write_per_mtok, &mut model.cache_write_per_mtok),
        ] {
            if let Some(price) = edit {
                *field = Some(price);
                priced = true;
            }
        }
        if priced && !local {
            model.price_source = "user".into();
            model.as_of = self
                .priced_on
                .clone()
                .unwrap_or_else(|| self.edited_on.clone());
        }
        if let Some(status) = &self.status {
            model.status = status.clone();
        }
        model.edited = true;
    }

    fn merge(&mut self, params: &UpsertModelParams, today: &str) {
        let prices = [
            params.input_per_mtok,
            params.output_per_mtok,
            params.cache_read_per_mtok,
            params.cache_write_per_mtok,
        ];
        if prices.iter().any(Option::is_some) {
            self.priced_on = Some(today.to_owned());
        }
        let UpsertModelParams {
            display_name,
            context_window,
            input_per_mtok,
            output_per_mtok,
            cache_read_per_mtok,
            cache_write_per_mtok,
            ..
        } = params;
        if let Some(name) = display_name {
            self.display_name = Some(name.trim().to_owned());
        }
        self.context_window = context_window.or(self.context_window);
        self.input_per_mtok = input_per_mtok.or(self.input_per_mtok);
        self.output_per_mtok = output_per_mtok.or(self.output_per_mtok);
        self.cache_read_per_mtok = cache_read_per_mtok.or(self.cache_read_per_mtok);
        self.cache_write_per_mtok = cache_write_per_mtok.or(self.cache_write_per_mtok);
    }
}

impl Overlay {
    fn edit_of(&mut self, provider: &str, id: &str, today: &str) -> &mut ModelEdit {
        let index = match self
            .models
            .iter()
            .position(|m| m.provider == provider && m.id == id)
        {
            Some(index) => index,
            None => {
                self.models.push(ModelEdit {
                    provider: provider.to_owned(),
                    id: id.to_owned(),
                    ..Default::default()
                });
                self.models.len() - 1
            }
        };
        let edit = &mut self.models[index];
        edit.edited_on = today.to_owned();
        edit
    }

    /// Adds or changes a model; `params` must have passed [`check_upsert`].
    pub fn upsert(&mut self, params: &UpsertModelParams, today: &str) {
        let id = params.id.trim();
        self.edit_of(&params.provider, id, today)
            .merge(params, today);
    }

    pub fn set_status(&mut self, provider: &str, id: &str, status: &str, today: &str) {
        self.edit_of(provider, id, today).status = Some(status.to_owned());
    }

    pub fn set_default(&mut self, provider: &str, id: &str) {
        self.defaults.insert(provider.to_owned(), id.to_owned());
    }

    pub fn set_parallelism(&mut self, provider: &str, parallelism: Option<u32>) {
        let edit = self.providers.entry(provider.to_owned()).or_default();
        edit.parallelism = parallelism;
        if edit == &ProviderEdit::default() {
            self.providers.remove(provider);
        }
    }

    /// How many models the learner added or edited.
    pub fn edited_models(&self) -> usize {
        self.models.len()
    }
}

/// Checks an upsert, reporting every failing field.
pub fn check_upsert(params: &UpsertModelParams) -> Result<(), Vec<FieldError>> {
    let mut problems = Vec::new();
    let id = params.id.trim();
    if id.is_empty() || id.chars().count() > 128 || id.chars().any(char::is_control) {
        problems.push(problem(
            "id",
            "invalid",
            messages::catalog_field_model_id(128),
        ));
    }
    if let Some(name) = &params.display_name
        && (name.trim().is_empty()
            || name.chars().count() > 128
            || name.chars().any(char::is_control))
    {
        problems.push(problem(
            "display_name",
            "invalid",
            messages::catalog_field_display_name(128),
        ));
    }
    if params
        .context_window
        .is_some_and(|w| w == 0 || w > 100_000_000)
    {
        problems.push(problem(
            "context_window",
            "invalid",
            messages::catalog_field_context_window(100_000_000),
        ));
    }
    for (field, price) in [
        ("input_per_mtok", params.input_per_mtok),
        ("output_per_mtok", params.output_per_mtok),
        ("cache_read_per_mtok", params.cache_read_per_mtok),
        ("cache_write_per_mtok", params.cache_write_per_mtok),
    ] {
        if price.is_some_and(|p| !p.is_finite() || !(0.0..=MAX_PRICE).contains(&p)) {
            problems.push(problem(
                field,
                "invalid",
                messages::catalog_field_price(MAX_PRICE),
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

fn problem(field: &str, code: &str, message: Text) -> FieldError {
    texts::field_error(field.to_owned(), code, message)
}

/// Where the overlay lives.
#[derive(Debug, Clone)]
pub struct OverlayStore {
    file: JsonFile,
}

/// Why the overlay could not be read.
#[derive(Debug, Clone)]
pub enum OverlayProblem {
    Unreadable(String),
    Newer(u64),
}

impl Explain for OverlayProblem {
    fn message(&self) -> Text {
        match self {
            OverlayProblem::Unreadable(why) => messages::catalog_unreadable(why.as_str()),
            OverlayProblem::Newer(schema) => messages::catalog_newer(*schema),
        }
    }
}

crate::explained_error!(OverlayProblem);

impl OverlayStore {
    pub fn new(dir: &Path) -> Self {
        OverlayStore {
            file: JsonFile::new(dir, FILE_NAME, SCHEMA_VERSION),
        }
    }

    /// The learner's edits; none when there is no file. A file that cannot be trusted is
    /// never overwritten: the problem is returned and edits are refused.
    pub fn load(&self) -> Result<Overlay, OverlayProblem> {
        match self.file.load::<Overlay>() {
            Ok(Loaded::Missing) => Ok(Overlay::default()),
            Ok(Loaded::Parsed { data, .. }) => Ok(data),
            Ok(Loaded::Newer { schema, .. }) => Err(OverlayProblem::Newer(schema)),
            Ok(Loaded::NotJson(why) | Loaded::BadShape(why)) => {
                Err(OverlayProblem::Unreadable(why))
            }
            Err(err) => Err(OverlayProblem::Unreadable(err.to_string())),
        }
    }

    /// Replaces the file durably (blocking).
    pub fn save(&self, overlay: &Overlay) -> io::Result<()> {
        self.file.save(overlay)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_round_trip_and_bad_files_are_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let store = OverlayStore::new(dir.path());
        assert_eq!(store.load().unwrap(), Overlay::default());
        let mut overlay = Overlay::default();
        overlay.upsert(
            &UpsertModelParams {
                provider: "openai".into(),
                id: "my-model".into(),
                input_per_mtok: Some(1.5),
                ..Default::default()
            },
            "2026-11-21",
        );
        overlay.set_status("openai", "gpt-4o", "deprecated", "2026-11-21");
        overlay.set_default("openai", "my-model");
        overlay.set_parallelism("openai", Some(3));
        store.save(&overlay).unwrap();
        assert_eq!(store.load().unwrap(), overlay);
        std::fs::write(dir.path().join(FILE_NAME), b"{broken").unwrap();
        assert!(matches!(store.load(), Err(OverlayProblem::Unreadable(_))));
        std::fs::write(dir.path().join(FILE_NAME), br#"{"schema": 7}"#).unwrap();
        assert!(matches!(store.load(), Err(OverlayProblem::Newer(7))));
    }

    #[test]
    fn every_bad_field_is_reported() {
        let problems = check_upsert(&UpsertModelParams {
            provider: "openai".into(),
            id: " ".into(),
            display_name: Some("".into()),
            context_window: Some(0),
            input_per_mtok: Some(-1.0),
            output_per_mtok: Some(f64::NAN),
            ..Default::default()
        })
        .unwrap_err();
        let fields: Vec<_> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "id",
                "display_name",
                "context_window",
                "input_per_mtok",
                "output_per_mtok"
            ]
        );
    }
}
