//! What a provider call talks to: a profile's connection details with its decrypted
//! key, where it is, and how many requests may go there at once.

use std::collections::BTreeMap;

use llm_agent_protocol::methods::profiles::RedactedProfile;
use url::Url;

use super::Dialect;
use crate::endpoint::{self, Location, Origin};
use crate::provider_kind::ProviderKind;
use crate::vault::profile;
use crate::vault::secret::ApiKey;

/// What a prompt test talks to: a profile's connection details with its decrypted key.
pub struct Target {
    /// The provider's wire name, as the profile has it.
    pub provider: String,
    pub dialect: Dialect,
    pub endpoint: Url,
    pub model: String,
    pub api_key: Option<ApiKey>,
    pub options: BTreeMap<String, String>,
    /// Whether the endpoint is on this machine.
    pub is_local: bool,
    /// `scheme://host:port`: requests to one origin share a governor.
    pub origin: String,
}

/// Requests that may go to a remote API at once unless configured otherwise.
pub const DEFAULT_REMOTE_PARALLELISM: usize = 1;
/// The same for a server on this machine (which queues requests itself).
pub const DEFAULT_LOCAL_PARALLELISM: usize = 4;

impl Target {
    /// The target of a profile; `None` when its endpoint is not a valid URL (a stored
    /// profile's always is).
    pub fn of(profile: &RedactedProfile, api_key: Option<ApiKey>) -> Option<Target> {
        let endpoint = Url::parse(profile.endpoint.trim()).ok()?;
        let Location { is_local, origin } = endpoint::locate(&endpoint)?;
        Some(Target {
            provider: profile.provider.clone(),
            dialect: kind_of(&profile.provider).dialect(),
            endpoint,
            model: profile.model.clone(),
            api_key,
            options: profile.metadata.options.clone(),
            is_local,
            origin: origin.as_str().to_owned(),
        })
    }

    /// The provider's kind.
    pub fn kind(&self) -> ProviderKind {
        kind_of(&self.provider)
    }

    /// Whether this is a paid remote API rather than a server on this machine.
    pub fn is_remote_api(&self) -> bool {
        !self.is_local || self.needs_key()
    }

    /// Whether the provider refuses requests without a key.
    pub fn needs_key(&self) -> bool {
        self.kind().needs_key()
    }

    /// How many requests may go to this target's origin at once, by its own profile.
    pub fn parallelism(&self) -> usize {
        profile::parallelism(&self.options).unwrap_or_else(|| self.default_parallelism())
    }

    fn default_parallelism(&self) -> usize {
        if self.is_remote_api() {
            DEFAULT_REMOTE_PARALLELISM
        } else {
            DEFAULT_LOCAL_PARALLELISM
        }
    }

    /// How many requests may go to this target's origin at once, given every profile:
    /// profiles that share the origin share its limit, the smallest one any of them sets;
    /// else the provider's limit when the learner set one in the catalog; else the
    /// default for this target.
    pub fn shared_parallelism(
        &self,
        profiles: &[RedactedProfile],
        provider_limit: Option<usize>,
    ) -> usize {
        profiles
            .iter()
            // Only profiles that set a limit; their endpoints are parsed, not every one.
            .filter_map(|p| Some((profile::parallelism(&p.metadata.options)?, p)))
            .filter(|(_, p)| Origin::of(&p.endpoint).is_some_and(|o| o.as_str() == self.origin))
            .map(|(limit, _)| limit)
            .min()
            .or(provider_limit)
            .unwrap_or_else(|| self.parallelism())
    }

    /// The endpoint's URL with `path` appended to its path (`/v1` + `chat/completions`).
    pub fn url(&self, path: &str) -> Url {
        let mut url = self.endpoint.clone();
        let joined = format!(
            "{}/{}",
            url.path().trim_end_matches('/'),
            path.trim_start_matches('/')
        );
        url.set_path(&joined);
        url
    }

    /// The provider's name for people.
    pub fn display_name(&self) -> &str {
        self.kind().display_name()
    }

    /// `host:port` of the endpoint.
    pub fn host_port(&self) -> String {
        let host = self.endpoint.host_str().unwrap_or("?");
        match self.endpoint.port_or_known_default() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        }
    }
}

/// The kind of a provider; one this build does not know (a newer agent's) is treated as
/// an OpenAI-compatible server, whose dialect it then speaks.
fn kind_of(provider: &str) -> ProviderKind {
    ProviderKind::from_wire(provider).unwrap_or(ProviderKind::OpenAiCompatible)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::profile::testing::redacted;

    #[test]
    fn urls_join_the_endpoint_path() {
        let profile = |endpoint: &str| redacted("openai_compatible", endpoint);
        let target = Target::of(&profile("http://127.0.0.1:1234/v1/"), None).unwrap();
        assert_eq!(
            target.url("chat/completions").as_str(),
            "http://127.0.0.1:1234/v1/chat/completions"
        );
        assert!(target.is_local && !target.is_remote_api());
        assert_eq!(target.parallelism(), DEFAULT_LOCAL_PARALLELISM);
        assert_eq!(target.host_port(), "127.0.0.1:1234");
        let mut strict = profile("http://127.0.0.1:1234/v1/other");
        strict
            .metadata
            .options
            .insert("parallelism".into(), "2".into());
        let elsewhere = profile("http://127.0.0.1:9999/v1");
        assert_eq!(
            target.shared_parallelism(&[strict.clone(), elsewhere.clone()], None),
            2,
            "same origin: the smallest limit"
        );
        assert_eq!(
            target.shared_parallelism(std::slice::from_ref(&elsewhere), None),
            DEFAULT_LOCAL_PARALLELISM
        );
        assert_eq!(
            target.shared_parallelism(&[elsewhere], Some(3)),
            3,
            "the catalog's provider limit"
        );
        let target = Target::of(&profile("https://api.example.com"), None).unwrap();
        assert_eq!(
            target.url("chat/completions").as_str(),
            "https://api.example.com/chat/completions"
        );
        assert!(target.is_remote_api());
        assert_eq!(target.parallelism(), DEFAULT_REMOTE_PARALLELISM);
        assert_eq!(target.origin, "https://api.example.com:443");
    }
}
