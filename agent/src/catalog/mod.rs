//! The provider and model catalog: a list shipped inside the binary
//! (`agent/catalog/catalog.json`), with the learner's edits kept apart in
//! `<data dir>/catalog.json` as an overlay. The overlay records edits, not a copy, so a
//! newer agent with a newer shipped catalog applies the same edits to the new figures.
//!
//! [`CatalogState`] merges the two into the wire view (`catalog.list`) and answers the
//! questions the rest of the agent asks: a provider's default model, whether a model is
//! deprecated, a provider's parallelism, and what a prompt test cost.

pub mod actor;
pub mod error;
pub mod overlay;

use std::collections::BTreeMap;
use std::sync::Arc;

use llm_agent_protocol::methods::catalog::{Catalog, CatalogModel, CatalogProvider, EstimatedCost};
use llm_agent_protocol::methods::profiles::{TokenUsage, Warning};
use serde::Deserialize;

use crate::texts::{self, messages};

pub use overlay::{Overlay, OverlayStore};

/// The shipped catalog's text, compiled in.
const SHIPPED: &str = include_str!("../../catalog/catalog.json");

/// The shipped catalog, as its file holds it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shipped {
    pub schema: u32,
    pub as_of: String,
    #[serde(default)]
    pub sources: Vec<String>,
    pub providers: Vec<ShippedProvider>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShippedProvider {
    pub kind: String,
    pub display_name: String,
    pub default_endpoint: String,
    pub requires_key: bool,
    pub local: bool,
    pub parallelism: u32,
    pub default_model: Option<String>,
    #[serde(default)]
    pub models: Vec<ShippedModel>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShippedModel {
    pub id: String,
    pub display_name: String,
    pub context_window: Option<u64>,
    pub input_per_mtok: Option<f64>,
    pub output_per_mtok: Option<f64>,
    pub cache_read_per_mtok: Option<f64>,
    pub cache_write_per_mtok: Option<f64>,
    pub status: String,
    pub as_of: String,
}

impl Shipped {
    /// The catalog compiled into this build. Its validity is a unit test, so a bad file
    /// fails the build's tests rather than a learner's start-up; should it still fail, the
    /// agent runs with an empty catalog and says so.
    pub fn compiled_in() -> Shipped {
        serde_json::from_str(SHIPPED).unwrap_or_else(|err| {
            tracing::error!(error = %err, "the shipped catalog cannot be read; using an empty one");
            Shipped {
                schema: 1,
                as_of: String::new(),
                sources: Vec::new(),
                providers: Vec::new(),
            }
        })
    }
}

/// The catalog as the agent uses it: shipped figures with the learner's edits applied.
#[derive(Debug, Clone)]
pub struct CatalogState {
    view: Catalog,
}

impl CatalogState {
    pub fn new(shipped: &Shipped, overlay: &Overlay) -> Self {
        CatalogState {
            view: merge(shipped, overlay),
        }
    }

    /// The whole catalog, as `catalog.list` returns it.
    pub fn view(&self) -> &Catalog {
        &self.view
    }

    pub fn provider(&self, kind: &str) -> Option<&CatalogProvider> {
        self.view.providers.iter().find(|p| p.kind == kind)
    }

    pub fn model(&self, provider: &str, model: &str) -> Option<&CatalogModel> {
        self.provider(provider)?
            .models
            .iter()
            .find(|m| m.id == model)
    }

    /// The model a new profile of `provider` gets when it names none.
    pub fn default_model(&self, provider: &str) -> Option<&str> {
        self.provider(provider)?.default_model.as_deref()
    }

    /// Whether the catalog marks the model deprecated.
    pub fn is_deprecated(&self, provider: &str, model: &str) -> bool {
        self.model(provider, model)
            .is_some_and(|m| m.status == "deprecated")
    }

    /// The `model_deprecated` warning of a profile whose model the catalog deprecates:
    /// choosing one is allowed, but the learner should know.
    pub fn deprecation_warning(&self, provider: &str, model: &str) -> Option<Warning> {
        self.is_deprecated(provider, model).then(|| {
            texts::warning(
                "model_deprecated",
                messages::warning_model_deprecated(model, provider),
            )
        })
    }

    /// The provider's parallelism when the learner set it (the shipped default is the
    /// agent's own rule: 1 remote, 4 local).
    pub fn edited_parallelism(&self, provider: &str) -> Option<usize> {
        let provider = self.provider(provider)?;
        provider
            .parallelism_edited
            .then_some(provider.parallelism as usize)
    }

    /// What a prompt test cost, by the first source that knows: the learner's price, the
    /// catalog's, free for a model served on this machine or self-hosted (a local kind of
    /// server), else unknown. A price wins over locality: an `openai` profile on loopback
    /// is a proxy to a paid API.
    pub fn estimate(
        &self,
        provider: &str,
        model: &str,
        on_this_machine: bool,
        usage: &TokenUsage,
    ) -> EstimatedCost {
        if let Some(entry) = self.model(provider, model)
            && let (Some(input_price), Some(output_price)) =
                (entry.input_per_mtok, entry.output_per_mtok)
            && matches!(entry.price_source.as_str(), "user" | "catalog")
        {
            let (Some(input), Some(output)) = (usage.input_tokens, usage.output_tokens) else {
                return unknown_cost();
            };
            let amount = (input as f64 * input_price + output as f64 * output_price) / 1_000_000.0;
            return EstimatedCost {
                // Sub-nano-dollar precision is noise.
                amount_usd: Some((amount * 1e9).round() / 1e9),
                source: entry.price_source.clone(),
                as_of: Some(entry.as_of.clone()),
            };
        }
        let self_hosted = self
            .provider(provider)
            .is_some_and(|p| p.local && p.kind != "openai_compatible");
        if on_this_machine || self_hosted {
            return EstimatedCost {
                amount_usd: Some(0.0),
                source: "local".into(),
                as_of: None,
            };
        }
        unknown_cost()
    }
}

fn unknown_cost() -> EstimatedCost {
    EstimatedCost {
        amount_usd: None,
        source: "unknown".into(),
        as_of: None,
    }
}

/// Applies `overlay` to `shipped`.
fn merge(shipped: &Shipped, overlay: &Overlay) -> Catalog {
    let mut providers: Vec<CatalogProvider> = shipped
        .providers
        .iter()
        .map(|p| CatalogProvider {
            kind: p.kind.clone(),
            display_name: p.display_name.clone(),
            default_endpoint: p.default_endpoint.clone(),
            requires_key: p.requires_key,
            local: p.local,
            parallelism: p.parallelism,
            parallelism_edited: false,
            default_model: p.default_model.clone(),
            models: p
                .models
                .iter()
                .map(|m| CatalogModel {
                    id: m.id.clone(),
                    display_name: m.display_name.clone(),
                    context_window: m.context_window,
                    input_per_mtok: m.input_per_mtok,
                    output_per_mtok: m.output_per_mtok,
                    cache_read_per_mtok: m.cache_read_per_mtok,
                    cache_write_per_mtok: m.cache_write_per_mtok,
                    price_source: if p.local {
                        "local".into()
                    } else if m.input_per_mtok.is_some() && m.output_per_mtok.is_some() {
                        "catalog".into()
                    } else {
                        "unknown".into()
                    },
                    status: m.status.clone(),
                    as_of: m.as_of.clone(),
                    edited: false,
                })
                .collect(),
        })
        .collect();
    let by_kind: BTreeMap<String, usize> = providers
        .iter()
        .enumerate()
        .map(|(i, p)| (p.kind.clone(), i))
        .collect();
    for edit in &overlay.models {
        let Some(&index) = by_kind.get(&edit.provider) else {
            continue; // a provider this build no longer ships: kept in the file, not shown
        };
        let provider = &mut providers[index];
        let local = provider.local;
        let model = match provider.models.iter_mut().find(|m| m.id == edit.id) {
            Some(model) => model,
            None => {
                provider.models.push(CatalogModel {
                    id: edit.id.clone(),
                    display_name: edit.id.clone(),
                    context_window: None,
                    input_per_mtok: None,
                    output_per_mtok: None,
                    cache_read_per_mtok: None,
                    cache_write_per_mtok: None,
                    price_source: if local {
                        "local".into()
                    } else {
                        "unknown".into()
                    },
                    status: "active".into(),
                    as_of: edit.edited_on.clone(),
                    edited: true,
                });
                provider.models.last_mut().expect("just pushed")
            }
        };
        edit.apply(model, local);
    }
    for (kind, model) in &overlay.defaults {
        if let Some(&index) = by_kind.get(kind) {
            providers[index].default_model = Some(model.clone());
        }
    }
    for (kind, edit) in &overlay.providers {
        if let Some(&index) = by_kind.get(kind)
            && let Some(parallelism) = edit.parallelism
        {
            providers[index].parallelism = parallelism;
            providers[index].parallelism_edited = true;
        }
    }
    Catalog {
        shipped_as_of: shipped.as_of.clone(),
        providers,
    }
}

/// The catalog every reader sees; replaced whole after each edit.
pub type SharedCatalog = Arc<CatalogState>;

#[cfg(test)]
mod tests {
    use crate::provider_kind::ProviderKind;

    use super::*;

    #[test]
    fn the_shipped_catalog_is_valid_and_covers_every_provider() {
        let shipped: Shipped = serde_json::from_str(SHIPPED).expect("catalog.json parses");
        assert_eq!(shipped.schema, 1);
        for kind in ProviderKind::ALL.map(ProviderKind::as_str) {
            let provider = shipped
                .providers
                .iter()
                .find(|p| p.kind == kind)
                .unwrap_or_else(|| panic!("{kind} is missing"));
            if let Some(default) = &provider.default_model {
                assert!(
                    provider.models.iter().any(|m| &m.id == default),
                    "{kind}: its default {default} is not one of its models"
                );
            }
            assert_eq!(provider.local, !provider.requires_key, "{kind}");
            for model in &provider.models {
                assert!(
                    matches!(model.status.as_str(), "active" | "deprecated"),
                    "{kind}/{}",
                    model.id
                );
                assert_eq!(
                    model.as_of.len(),
                    10,
                    "{kind}/{}: as_of is YYYY-MM-DD",
                    model.id
                );
                if provider.local {
                    assert!(
                        model.input_per_mtok.is_none(),
                        "{kind}: local models have no price"
                    );
                }
            }
        }
        for remote in ["openai", "anthropic"] {
            let provider = shipped.providers.iter().find(|p| p.kind == remote).unwrap();
            assert!(
                provider.default_model.is_some(),
                "{remote} has a default model"
            );
            assert!(
                provider
                    .models
                    .iter()
                    .filter(|m| m.input_per_mtok.is_some())
                    .count()
                    >= 3,
                "{remote} has priced models"
            );
        }
    }

    fn state() -> CatalogState {
        CatalogState::new(&Shipped::compiled_in(), &Overlay::default())
    }

    #[test]
    fn edits_apply_again_to_a_newer_shipped_catalog() {
        let mut overlay = Overlay::default();
        overlay.upsert(
            &llm_agent_protocol::methods::catalog::UpsertModelParams {
                provider: "openai".into(),
                id: "gpt-x".into(),
                input_per_mtok: Some(9.0),
                ..Default::default()
            },
            "2026-11-21",
        );
        overlay.set_default("openai", "gpt-x");
        let mut newer = Shipped::compiled_in();
        let openai = newer
            .providers
            .iter_mut()
            .find(|p| p.kind == "openai")
            .unwrap();
        openai.models.push(ShippedModel {
            id: "gpt-x".into(),
            display_name: "GPT X".into(),
            context_window: Some(1_000),
            input_per_mtok: Some(1.0),
            output_per_mtok: Some(2.0),
            cache_read_per_mtok: None,
            cache_write_per_mtok: None,
            status: "active".into(),
            as_of: "2027-01-01".into(),
        });
        let merged = CatalogState::new(&newer, &overlay);
        let model = merged.model("openai", "gpt-x").unwrap();
        assert_eq!(model.input_per_mtok, Some(9.0), "the learner's price stays");
        assert_eq!(
            model.output_per_mtok,
            Some(2.0),
            "the new shipped figures fill the rest"
        );
        assert_eq!(model.context_window, Some(1_000));
        assert_eq!((model.price_source.as_str(), model.edited), ("user", true));
        assert_eq!(merged.default_model("openai"), Some("gpt-x"));
    }

    #[test]
    fn costs_come_from_prices_or_are_local_or_unknown() {
        let catalog = state();
        let usage = TokenUsage {
            input_tokens: Some(1_000_000),
            output_tokens: Some(1_000_000),
            total_tokens: None,
        };
        let local = catalog.estimate("ollama", "llama3.2", true, &usage);
        assert_eq!(
            (local.amount_usd, local.source.as_str()),
            (Some(0.0), "local")
        );
        let unknown = catalog.estimate("openai", "no-such-model", false, &usage);
        assert_eq!(
            (unknown.amount_usd, unknown.source.as_str()),
            (None, "unknown")
        );
        let provider = catalog.provider("openai").unwrap();
        let priced = provider
            .models
            .iter()
            .find(|m| m.input_per_mtok.is_some() && m.output_per_mtok.is_some())
            .unwrap();
        let cost = catalog.estimate("openai", &priced.id, false, &usage);
        let expected = priced.input_per_mtok.unwrap() + priced.output_per_mtok.unwrap();
        assert!(
            (cost.amount_usd.unwrap() - expected).abs() < 1e-9,
            "{cost:?}"
        );
        assert_eq!(cost.source, "catalog");
        assert_eq!(cost.as_of.as_deref(), Some(priced.as_of.as_str()));
    }
}
