//! The HTTP side of a prompt test: one client per test, built on a TLS configuration
//! shared by every test, with a clock on the connector so the test can report when the
//! connection was ready; and the reading of transport errors and `Retry-After`.
//!
//! A client per test keeps its timings honest: every attempt opens its own connection
//! (no pooled connection hides the connect time), and a test's connection dies with it.
//! Building one costs microseconds; the expensive part, loading the system's trusted
//! certificates, happens once.

use std::future::Future;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::HeaderMap;
use rustls::ClientConfig;

use super::Target;

/// The `User-Agent` of every request.
pub const USER_AGENT: &str = concat!("llm-agent/", env!("CARGO_PKG_VERSION"));

/// Installs the process's TLS crypto provider (ring). Call once at start-up; later calls
/// do nothing.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Loads the TLS configuration (the system's trusted roots) on a blocking thread, so the
/// first https test does not load it on the runtime's thread. Touches no network.
pub fn preload_tls_config() {
    std::thread::spawn(|| {
        tls_config();
    });
}

/// The TLS configuration: the platform's verifier (the OS's trusted roots, so a
/// learner's corporate root certificate works), built once.
pub fn tls_config() -> &'static ClientConfig {
    static CONFIG: OnceLock<ClientConfig> = OnceLock::new();
    CONFIG.get_or_init(|| {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions();
        let verified = builder.and_then(|builder| {
            use rustls_platform_verifier::BuilderVerifierExt;
            builder.with_platform_verifier()
        });
        match verified {
            Ok(builder) => builder.with_no_client_auth(),
            Err(err) => {
                // Without the system's roots nothing verifies: https tests then fail
                // with TLS_ERROR and this is in the log.
                tracing::error!(error = %err, "cannot load the system's trusted certificates");
                ClientConfig::builder_with_provider(provider)
                    .with_safe_default_protocol_versions()
                    .map(|b| {
                        b.with_root_certificates(rustls::RootCertStore::empty())
                            .with_no_client_auth()
                    })
                    .unwrap_or_else(|_| {
                        ClientConfig::builder()
                            .with_root_certificates(rustls::RootCertStore::empty())
                            .with_no_client_auth()
                    })
            }
        }
    })
}

/// Builds the client of one test. Requests to this machine never go through a proxy;
/// others honour the usual proxy environment variables.
pub fn client(target: &Target, clock: &ConnectClock) -> Result<reqwest::Client, reqwest::Error> {
    let builder = reqwest::Client::builder()
        .tls_backend_preconfigured(tls_config().clone())
        .connector_layer(clock.clone())
        .pool_max_idle_per_host(0)
        .redirect(reqwest::redirect::Policy::none())
        .tcp_nodelay(true)
        .user_agent(USER_AGENT);
    let builder = if target.is_local {
        builder.no_proxy()
    } else {
        builder
    };
    // `localhost` names are this machine by definition (RFC 6761): never ask DNS, whose
    // answer could send the request, and its key, elsewhere.
    let builder = match (target.is_local, target.endpoint.host()) {
        (true, Some(url::Host::Domain(name))) => {
            let port = target.endpoint.port_or_known_default().unwrap_or(80);
            builder.resolve_to_addrs(
                name,
                &[
                    SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
                    SocketAddr::from((Ipv6Addr::LOCALHOST, port)),
                ],
            )
        }
        _ => builder,
    };
    builder.build()
}

/// When the last connection of a test became ready (TCP, and TLS for https).
#[derive(Clone, Default)]
pub struct ConnectClock(Arc<Mutex<Option<Instant>>>);

impl ConnectClock {
    pub fn reset(&self) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }

    pub fn connected_at(&self) -> Option<Instant> {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn mark(&self) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(Instant::now());
    }
}

impl<S> tower_layer::Layer<S> for ConnectClock {
    type Service = Clocked<S>;

    fn layer(&self, inner: S) -> Clocked<S> {
        Clocked {
            inner,
            clock: self.clone(),
        }
    }
}

/// The connector, timed.
#[derive(Clone)]
pub struct Clocked<S> {
    inner: S,
    clock: ConnectClock,
}

impl<S, R> tower_service::Service<R> for Clocked<S>
where
    S: tower_service::Service<R>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: R) -> Self::Future {
        let connecting = self.inner.call(request);
        let clock = self.clock.clone();
        Box::pin(async move {
            let connected = connecting.await;
            if connected.is_ok() {
                clock.mark();
            }
            connected
        })
    }
}

/// Why a request got no response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportError {
    /// Nothing listens at the address.
    Refused,
    /// The host name does not resolve.
    Dns,
    /// Another failure to connect (no route, reset, ...).
    Connect(String),
    /// The TLS handshake failed.
    Tls(String),
    /// Connected, but what came back was not HTTP (or the connection closed first).
    Protocol(String),
}

impl TransportError {
    /// Reads a reqwest error by walking its sources.
    pub fn of(err: &reqwest::Error) -> TransportError {
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
        let mut refused = false;
        let mut dns = false;
        while let Some(current) = source {
            if let Some(tls) = current.downcast_ref::<rustls::Error>() {
                return TransportError::Tls(tls.to_string());
            }
            if let Some(io) = current.downcast_ref::<std::io::Error>() {
                if let Some(tls) = io
                    .get_ref()
                    .and_then(|inner| inner.downcast_ref::<rustls::Error>())
                {
                    return TransportError::Tls(tls.to_string());
                }
                refused |= io.kind() == std::io::ErrorKind::ConnectionRefused;
            }
            let text = current.to_string();
            if text.contains("tls handshake") {
                // The server closed the connection during the handshake: it did not
                // answer in TLS at all (hyper-rustls says `tls handshake eof`).
                return TransportError::Tls(crate::sanitize::sanitize(&text, 160));
            }
            dns |= text.contains("dns error");
            source = current.source();
        }
        if refused {
            TransportError::Refused
        } else if dns {
            TransportError::Dns
        } else if err.is_connect() {
            TransportError::Connect(innermost(err))
        } else {
            TransportError::Protocol(innermost(err))
        }
    }
}

/// The most specific message in an error's chain (reqwest's own names the URL).
pub fn innermost(err: &(dyn std::error::Error + 'static)) -> String {
    let mut current = err;
    while let Some(next) = current.source() {
        current = next;
    }
    crate::sanitize::sanitize(&current.to_string(), 160)
}

/// How long a `429` asked to wait: `retry-after-ms` (OpenAI), else `Retry-After` in
/// seconds or as an HTTP date. Bounded to an hour.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    const MAX: Duration = Duration::from_secs(3600);
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(ms) = text("retry-after-ms").and_then(|v| v.parse::<f64>().ok())
        && ms.is_finite()
        && ms >= 0.0
    {
        return Some(Duration::try_from_secs_f64(ms / 1000.0).map_or(MAX, |d| d.min(MAX)));
    }
    let value = text("retry-after")?;
    if let Ok(secs) = value.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0)
            .then(|| Duration::from_secs_f64(secs.min(MAX.as_secs_f64())));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO)
            .min(MAX),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn retry_after_in_its_forms() {
        assert_eq!(
            retry_after(&headers(&[("retry-after", "2")])),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            retry_after(&headers(&[("retry-after", "0.5")])),
            Some(Duration::from_millis(500))
        );
        assert_eq!(
            retry_after(&headers(&[
                ("retry-after", "20"),
                ("retry-after-ms", "1500")
            ])),
            Some(Duration::from_millis(1500))
        );
        let soon = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(30));
        let parsed = retry_after(&headers(&[("retry-after", &soon)])).unwrap();
        assert!(
            parsed > Duration::from_secs(28) && parsed <= Duration::from_secs(30),
            "{parsed:?}"
        );
        assert_eq!(
            retry_after(&headers(&[(
                "retry-after",
                "Wed, 21 Oct 2015 07:28:00 GMT"
            )])),
            Some(Duration::ZERO),
            "a date in the past means now"
        );
        assert_eq!(
            retry_after(&headers(&[("retry-after", "99999999")])),
            Some(Duration::from_secs(3600))
        );
        assert_eq!(
            retry_after(&headers(&[("retry-after-ms", "1e300")])),
            Some(Duration::from_secs(3600)),
            "a huge value is capped, never a panic"
        );
        assert_eq!(retry_after(&headers(&[("retry-after", "soon")])), None);
        assert_eq!(retry_after(&headers(&[("retry-after", "-1")])), None);
        assert_eq!(retry_after(&HeaderMap::new()), None);
    }
}
