//! The accessible summary of a profile: one short sentence for screen readers and status
//! banners (what it is, where it runs, its model, whether a key is stored, how its last
//! test or call went), as `profiles.list` carries it beside each profile.

use llm_agent_l10n::Text;
use llm_agent_protocol::health::HealthSummary;
use llm_agent_protocol::methods::profiles::RedactedProfile;
use url::Url;

use crate::endpoint::BaseUrl;
use crate::provider_kind::ProviderKind;
use crate::texts::messages;

/// The summary of `profile`, whose last outcomes `health` sums up (if it has any).
pub fn accessible_summary(profile: &RedactedProfile, health: Option<&HealthSummary>) -> Text {
    let kind = ProviderKind::from_wire(&profile.provider);
    let provider = kind.map_or_else(
        || profile.provider.clone(),
        |kind| kind.display_name().to_owned(),
    );
    let location = BaseUrl::parse(&profile.endpoint).ok();
    let place = match &location {
        Some(base) if base.location.is_local => "local",
        _ => "remote",
    };
    let host = Url::parse(&profile.endpoint)
        .ok()
        .and_then(|url| url.host_str().map(str::to_owned))
        .unwrap_or_default();
    let key = if profile.has_api_key {
        "stored"
    } else if kind.is_some_and(ProviderKind::needs_key) {
        "missing"
    } else {
        "none"
    };
    let (last, at, code) = match health {
        None => ("none", String::new(), String::new()),
        Some(summary) if summary.last_success => ("ok", summary.last_at.clone(), String::new()),
        Some(summary) => (
            "failed",
            summary.last_at.clone(),
            summary.last_code.clone().unwrap_or_default(),
        ),
    };
    messages::profile_summary(
        profile.name.as_str(),
        provider,
        place,
        host,
        profile.model.as_str(),
        key,
        last,
        at,
        code,
    )
}
