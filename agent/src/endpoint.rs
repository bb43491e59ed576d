//! What an endpoint is and where it points: the one rule for a base URL the learner
//! gives ([`BaseUrl::parse`]), its origin (where a key may be sent) and whether it is on
//! this machine (where prompts may go without the learner's consent).
//!
//! A base URL is kept and shown as the agent calls it: the `url` crate's serialization,
//! without a trailing slash. Text the learner never saw cannot hide in it: control
//! characters are refused outright (the URL parser would silently drop a TAB or a line
//! break, so `http://127.0.\t0.1` would be called as `127.0.0.1`), and the rest is
//! normalised (host lower-cased, default port dropped, anything else percent-encoded).
//!
//! "On this machine" has one rule, used by validation, prompt tests, discovery and
//! reconciliation alike: a loopback address (`127.0.0.0/8`, `::1`), or a `localhost`
//! name (`localhost` and `*.localhost`, which RFC 6761 reserves for this machine and
//! which the agent therefore never asks DNS about).

use std::net::IpAddr;

use url::{Host, Url};

/// An endpoint's base URL, checked and normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    /// The URL as the agent calls it, without a trailing slash: what is stored and shown.
    pub text: String,
    pub location: Location,
}

/// Why text is not a base URL. Each caller words it for its own field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BaseUrlProblem {
    Empty,
    TooLong {
        max: usize,
    },
    /// A line break, TAB, NUL, escape or any other control character.
    ControlCharacter,
    /// `reason` is the URL parser's, which quotes nothing of the text.
    NotAUrl {
        reason: String,
    },
    NotHttp,
    Credentials,
    QueryOrFragment,
    NoHost,
}

/// The longest base URL, in characters.
pub const BASE_URL_MAX_CHARS: usize = 512;

impl BaseUrl {
    /// Checks `text` (surrounding whitespace aside) as an `http` or `https` base URL with
    /// a host and no credentials, query or fragment, and normalises it.
    pub fn parse(text: &str) -> Result<BaseUrl, BaseUrlProblem> {
        let text = text.trim();
        if text.is_empty() {
            return Err(BaseUrlProblem::Empty);
        }
        if text.chars().count() > BASE_URL_MAX_CHARS {
            return Err(BaseUrlProblem::TooLong {
                max: BASE_URL_MAX_CHARS,
            });
        }
        if text.chars().any(char::is_control) {
            return Err(BaseUrlProblem::ControlCharacter);
        }
        let url = Url::parse(text).map_err(|err| BaseUrlProblem::NotAUrl {
            reason: err.to_string(),
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(BaseUrlProblem::NotHttp);
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(BaseUrlProblem::Credentials);
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(BaseUrlProblem::QueryOrFragment);
        }
        let location = locate(&url).ok_or(BaseUrlProblem::NoHost)?;
        Ok(BaseUrl {
            text: url.as_str().trim_end_matches('/').to_owned(),
            location,
        })
    }
}

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
    #[test]
    fn a_base_url_is_kept_as_the_agent_calls_it() {
        for (given, kept) in [
            ("http://127.0.0.1:11434", "http://127.0.0.1:11434"),
            ("  http://127.0.0.1:11434/  ", "http://127.0.0.1:11434"),
            (
                "HTTPS://API.OpenAI.com:443/v1/",
                "https://api.openai.com/v1",
            ),
            ("http://localhost:8080/a b", "http://localhost:8080/a%20b"),
            (
                "http://bücher.example/v1",
                "http://xn--bcher-kva.example/v1",
            ),
        ] {
            assert_eq!(BaseUrl::parse(given).unwrap().text, kept, "{given:?}");
        }
    }

    #[test]
    fn control_characters_are_refused_wherever_they_hide() {
        for hostile in [
            "http://127.0.\t0.1:11434",
            "http://127.0.0.1:11434/v1\r\nX-Injected: 1",
            "http://127.0.0.1:11434/\u{0}",
            "http://127.0.0.1:11434/\u{1b}[31mred",
            "http://exa\nmple.com",
            "http://127.0.0.1:11434/a\u{85}b",
        ] {
            assert_eq!(
                BaseUrl::parse(hostile),
                Err(BaseUrlProblem::ControlCharacter),
                "{hostile:?}"
            );
        }
    }

    #[test]
    fn what_is_not_a_plain_base_url_is_refused() {
        for (given, problem) in [
            ("", BaseUrlProblem::Empty),
            ("ftp://host", BaseUrlProblem::NotHttp),
            ("http://user:pw@host", BaseUrlProblem::Credentials),
            ("http://host/?q=1", BaseUrlProblem::QueryOrFragment),
            ("http://host/#top", BaseUrlProblem::QueryOrFragment),
        ] {
            assert_eq!(BaseUrl::parse(given), Err(problem), "{given:?}");
        }
        assert!(matches!(
            BaseUrl::parse("not a url"),
            Err(BaseUrlProblem::NotAUrl { .. })
        ));
        assert!(matches!(
            BaseUrl::parse(&format!("http://h/{}", "a".repeat(600))),
            Err(BaseUrlProblem::TooLong { max: 512 })
        ));
    }
}
