//! Where an endpoint points: its origin (where a key may be sent) and whether it is on
//! this machine (where prompts may go without the learner's consent).
//!
//! "On this machine" has one rule, used by validation, prompt tests, discovery and
//! reconciliation alike: a loopback address (`127.0.0.0/8`, `::1`), or a `localhost`
//! name (`localhost` and `*.localhost`, which RFC 6761 reserves for this machine and
//! which the agent therefore never asks DNS about).

use std::net::IpAddr;

use url::{Host, Url};

/// Whether `name` is a `localhost` name (compared regardless of case).
pub fn is_localhost_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name == "localhost" || name.ends_with(".localhost")
}

/// Whether a URL's host is this machine.
pub fn is_local_host<S: AsRef<str>>(host: &Host<S>) -> bool {
    match host {
        Host::Domain(name) => is_localhost_name(name.as_ref()),
        Host::Ipv4(ip) => IpAddr::V4(*ip).is_loopback(),
        Host::Ipv6(ip) => IpAddr::V6(*ip).is_loopback(),
    }
}

/// The scheme, host and port of an endpoint: where a key may be sent.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin(String);

impl Origin {
    /// `scheme://host:port` of a URL, the host lower-cased and the port explicit; `None`
    /// for a URL without a host.
    pub fn of_url(url: &Url) -> Option<Origin> {
        let host = url.host()?;
        Some(Origin(format!(
            "{}://{}:{}",
            url.scheme(),
            host.to_string().to_ascii_lowercase(),
            url.port_or_known_default().unwrap_or(0)
        )))
    }

    /// The origin of an endpoint's text; `None` when it is not a URL with a host.
    pub fn of(endpoint: &str) -> Option<Origin> {
        Origin::of_url(&Url::parse(endpoint.trim()).ok()?)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where a URL points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// Whether it is on this machine.
    pub is_local: bool,
    pub origin: Origin,
}

/// Where a URL points; `None` for a URL without a host.
pub fn locate(url: &Url) -> Option<Location> {
    Some(Location {
        is_local: is_local_host(&url.host()?),
        origin: Origin::of_url(url)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn located(endpoint: &str) -> Location {
        locate(&Url::parse(endpoint).unwrap()).unwrap()
    }

    #[test]
    fn loopback_addresses_and_localhost_names_are_this_machine() {
        for local in [
            "http://127.0.0.1:11434",
            "http://127.8.9.10",
            "http://[::1]:8080/v1",
            "http://localhost:1234",
            "http://LocalHost",
            "http://models.localhost:8000",
        ] {
            assert!(located(local).is_local, "{local}");
        }
        for remote in [
            "https://api.openai.com",
            "http://10.0.0.2:11434",
            "http://[::2]:1",
            "http://localhost.example.com",
            "http://notlocalhost",
        ] {
            assert!(!located(remote).is_local, "{remote}");
        }
    }

    #[test]
    fn origins_are_lower_cased_with_an_explicit_port() {
        assert_eq!(
            located("HTTPS://API.Example.com/v1").origin.as_str(),
            "https://api.example.com:443"
        );
        assert_eq!(
            Origin::of("http://127.0.0.1:1234/v1/"),
            Origin::of("http://127.0.0.1:1234/other")
        );
        assert_ne!(
            Origin::of("http://127.0.0.1:1234"),
            Origin::of("http://127.0.0.1:1235")
        );
        assert_eq!(Origin::of("not a url"), None);
    }
}
