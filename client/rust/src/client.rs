//! [`Client`]: typed and raw calls on a connection that has passed the handshake, each with
//! a timeout, and subscriptions.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use bytes::BytesMut;
use interprocess::local_socket::tokio::Stream;
use llm_agent_protocol::envelope::Response;
use llm_agent_protocol::events::Topic;
use llm_agent_protocol::methods::Method;
use llm_agent_protocol::methods::chat::{self, ChatDelta, ChatParams, ChatResult};
use llm_agent_protocol::methods::events::{Subscribe, SubscribeParams};
use llm_agent_protocol::methods::handshake::{ClientInfo, Hello, HelloParams, HelloResult};
use llm_agent_protocol::value::{self, ValueError};
use llm_agent_protocol::{PROTOCOL_VERSION, WireError};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use tokio::sync::Semaphore;

use crate::connection::{Connection, Followup, OutgoingRequest};
use crate::error::{ClientError, Disconnect};
use crate::inbound;
use crate::streamed::Streamed;
use crate::subscription::{self, Subscription};

/// How long a request waits for its answer unless told otherwise.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// How much longer than a chat call's own deadline [`Client::chat`] waits for its answer.
const CHAT_TIMEOUT_MARGIN: Duration = Duration::from_secs(5);

/// A connection to the agent. Cheap to clone; every clone shares the connection, which
/// closes when the last clone and the last [`Subscription`] are dropped.
///
/// Requests may run concurrently. At most the agent's `max_in_flight` are sent at once;
/// more wait here (within their timeout) instead of being refused with `BUSY`.
#[derive(Clone)]
pub struct Client {
    inner: Arc<ClientInner>,
}

struct ClientInner {
    connection: Connection,
    hello: HelloResult,
    socket: PathBuf,
    request_timeout: Duration,
    in_flight: Semaphore,
}

/// Per-call settings.
#[derive(Debug, Clone, Default)]
pub struct CallOptions {
    /// Sent with the request; the agent generates one when absent.
    pub correlation_id: Option<String>,
    /// Replaces the client's request timeout for this call.
    pub timeout: Option<Duration>,
}

impl CallOptions {
    pub fn correlation_id(mut self, correlation_id: impl Into<String>) -> Self {
        self.correlation_id = Some(correlation_id.into());
        self
    }

    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }
}

/// A successful answer with the correlation ID the agent used for the request.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply<T = rmpv::Value> {
    pub result: T,
    pub correlation_id: String,
}

impl Client {
    /// Performs the handshake on a fresh connection.
    pub(crate) async fn handshake(
        stream: Stream,
        socket: PathBuf,
        client: ClientInfo,
        locales: Vec<String>,
        request_timeout: Duration,
    ) -> Result<Self, ClientError> {
        let connection = Connection::open(stream);
        let params = HelloParams {
            protocol: PROTOCOL_VERSION,
            client,
            locales,
        };
        let request = connection.prepare(Hello::NAME, &params, None)?;
        let response =
            tokio::time::timeout(request_timeout, connection.send(request, Followup::None))
                .await
                .map_err(|_| ClientError::Timeout {
                    method: Hello::NAME.to_owned(),
                    timeout: request_timeout,
                })??;
        let hello = typed_reply::<HelloResult>(Hello::NAME, &response)
            .map_err(|err| match err {
                ClientError::Remote(error) => ClientError::Handshake(error),
                other => other,
            })?
            .result;
        connection.set_max_frame_len(hello.max_frame_len);
        let in_flight = usize::try_from(hello.max_in_flight)
            .unwrap_or(usize::MAX)
            .clamp(1, Semaphore::MAX_PERMITS);
        Ok(Self {
            inner: Arc::new(ClientInner {
                connection,
                hello,
                socket,
                request_timeout,
                in_flight: Semaphore::new(in_flight),
            }),
        })
    }

    /// What the agent said in the handshake: its version, capabilities and limits.
    pub fn hello(&self) -> &HelloResult {
        &self.inner.hello
    }

    /// The socket this client is connected to.
    pub fn socket(&self) -> &Path {
        &self.inner.socket
    }

    /// The timeout of calls that do not set their own.
    pub fn request_timeout(&self) -> Duration {
        self.inner.request_timeout
    }

    /// Why the connection ended, once it has; `None` while it is open.
    pub fn disconnect_reason(&self) -> Option<Disconnect> {
        self.inner.connection.ended()
    }

    /// Waits until the connection has ended (the agent closed it, or it failed).
    pub async fn closed(&self) {
        self.inner.connection.closed().await;
    }

    /// Calls method `M` and returns its typed result.
    pub async fn call<M: Method>(&self, params: M::Params) -> Result<M::Result, ClientError> {
        self.call_with::<M>(params, CallOptions::default())
            .await
            .map(|reply| reply.result)
    }

    /// Calls method `M` with per-call options, and returns the result with the request's
    /// correlation ID.
    pub async fn call_with<M: Method>(
        &self,
        params: M::Params,
        options: CallOptions,
    ) -> Result<Reply<M::Result>, ClientError> {
        self.call_followed::<M>(params, options, Followup::None)
            .await
    }

    /// Calls any method by name with opaque params, for tools that do not know the method's
    /// types (the console's `call`). The result comes back opaque too.
    pub async fn call_raw(
        &self,
        method: &str,
        params: rmpv::Value,
        options: CallOptions,
    ) -> Result<Reply, ClientError> {
        let request = self
            .inner
            .connection
            .prepare(method, &params, options.correlation_id)?;
        let response = self
            .exchange(method, request, options.timeout, Followup::None)
            .await?;
        raw_reply(method, &response)
    }

    /// Subscribes to `topics`. Events that follow the agent's answer are never lost: the
    /// subscription is routed before the answer reaches this call.
    pub async fn subscribe(
        &self,
        topics: impl IntoIterator<Item = Topic>,
    ) -> Result<Subscription, ClientError> {
        self.subscribe_since(topics, None).await
    }

    /// Subscribes to `topics`, resuming the state topics after `since_revision` (the last
    /// revision this client saw): the changes since come first, or one `resync` event
    /// when the agent no longer holds them.
    pub async fn subscribe_since(
        &self,
        topics: impl IntoIterator<Item = Topic>,
        since_revision: Option<u64>,
    ) -> Result<Subscription, ClientError> {
        let params = SubscribeParams {
            topics: topics.into_iter().collect(),
            since_revision,
        };
        let (sink, receiver) = subscription::sink();
        let reply = self
            .call_followed::<Subscribe>(params, CallOptions::default(), Followup::Subscribe(sink))
            .await?;
        let mut subscription = Subscription::new(
            reply.result.subscription,
            reply.result.topics,
            receiver,
            self.clone(),
        );
        subscription.set_revision(reply.result.revision);
        Ok(subscription)
    }

    /// Calls method `M`, whose reply streams: its delta frames (`D`) arrive as the
    /// returned [`Streamed`], then its result. The call's timeout covers the whole
    /// exchange; dropping the [`Streamed`] before its end cancels the call.
    pub async fn call_streamed<M: Method, D: DeserializeOwned>(
        &self,
        params: M::Params,
        options: CallOptions,
    ) -> Result<Streamed<M::Result, D>, ClientError> {
        let request = self
            .inner
            .connection
            .prepare(M::NAME, &params, options.correlation_id)?;
        let (sink, deltas) = tokio::sync::mpsc::unbounded_channel();
        let client = self.clone();
        let response = tokio::spawn(async move {
            client
                .exchange(M::NAME, request, options.timeout, Followup::Deltas(sink))
                .await
        });
        Ok(Streamed::new(M::NAME, deltas, response))
    }

    /// `chat.run` with its reply streamed: the text as it arrives, then the result. The
    /// timeout, unless `options` set one, is the call's own deadline and 5 s more, so the
    /// agent can report how far the call got before this client gives up.
    pub async fn chat(
        &self,
        mut params: ChatParams,
        mut options: CallOptions,
    ) -> Result<Streamed<ChatResult, ChatDelta>, ClientError> {
        params.stream = true;
        if options.timeout.is_none() {
            let deadline = params.timeout_ms.unwrap_or(chat::DEFAULT_CHAT_TIMEOUT_MS);
            options.timeout = Some(Duration::from_millis(deadline) + CHAT_TIMEOUT_MARGIN);
        }
        self.call_streamed::<chat::Run, ChatDelta>(params, options)
            .await
    }

    pub(crate) fn connection(&self) -> &Connection {
        &self.inner.connection
    }

    /// A typed call whose response the connection task also acts on.
    pub(crate) async fn call_followed<M: Method>(
        &self,
        params: M::Params,
        options: CallOptions,
        followup: Followup,
    ) -> Result<Reply<M::Result>, ClientError> {
        // Encoded before the first await: a borrow of `params` held across one would make
        // this future `Send` only for `Sync` params.
        let request = self
            .inner
            .connection
            .prepare(M::NAME, &params, options.correlation_id)?;
        let response = self
            .exchange(M::NAME, request, options.timeout, followup)
            .await?;
        typed_reply(M::NAME, &response)
    }

    /// Sends one request and waits for its response frame within the call's timeout, which
    /// includes any wait for an in-flight slot. On timeout the request is cancelled.
    async fn exchange(
        &self,
        method: &str,
        request: OutgoingRequest,
        timeout: Option<Duration>,
        followup: Followup,
    ) -> Result<BytesMut, ClientError> {
        let limit = timeout.unwrap_or(self.inner.request_timeout);
        let attempt = async {
            let _slot = self.inner.in_flight.acquire().await.map_err(|_| {
                // The semaphore is never closed; this only keeps the path panic-free.
                ClientError::Disconnected(self.disconnect_reason().unwrap_or(Disconnect::Closed))
            })?;
            self.inner.connection.send(request, followup).await
        };
        tokio::time::timeout(limit, attempt)
            .await
            .unwrap_or_else(|_| {
                Err(ClientError::Timeout {
                    method: method.to_owned(),
                    timeout: limit,
                })
            })
    }
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("socket", &self.inner.socket)
            .field("agent_version", &self.inner.hello.agent_version)
            .field("request_timeout", &self.inner.request_timeout)
            .finish_non_exhaustive()
    }
}

/// A response as a typed call reads it: in one pass from its frame, the result straight
/// into the method's type. `type` and `id`, which routed the frame here, are skipped.
#[derive(Deserialize)]
#[serde(bound = "T: DeserializeOwned")]
struct TypedResponse<T> {
    correlation_id: String,
    #[serde(default, deserialize_with = "present")]
    result: Option<T>,
    error: Option<WireError>,
}

/// Reads a `result` that is there as a `T`, nil included: a nil result is the value of a
/// method whose result type reads nil, not a missing result.
fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

/// The result of a response frame, decoded as `T`.
pub(crate) fn typed_reply<T: DeserializeOwned>(
    method: &str,
    body: &[u8],
) -> Result<Reply<T>, ClientError> {
    match inbound::decode::<TypedResponse<T>>(body) {
        Ok(TypedResponse {
            error: Some(error), ..
        }) => Err(ClientError::Remote(error)),
        Ok(TypedResponse {
            correlation_id,
            result: Some(result),
            error: None,
        }) => Ok(Reply {
            result,
            correlation_id,
        }),
        // No result at all, or a frame that does not read as this method's response.
        Ok(TypedResponse { result: None, .. }) | Err(_) => checked_typed_reply(method, body),
    }
}

/// The result of a response frame decoded as `T` by the long way round, which names the
/// offending field when the result does not fit: opaque first, then typed with the path
/// tracked. It reads whatever the one-pass decode reads, to the same value, so it serves
/// the cases that one leaves out.
fn checked_typed_reply<T: DeserializeOwned>(
    method: &str,
    body: &[u8],
) -> Result<Reply<T>, ClientError> {
    let Reply {
        result,
        correlation_id,
    } = raw_reply(method, body)?;
    let result = value::from_value(&result).map_err(|source| ClientError::Decode {
        method: method.to_owned(),
        source,
    })?;
    Ok(Reply {
        result,
        correlation_id,
    })
}

/// The result or error of a response frame, kept opaque.
fn raw_reply(method: &str, body: &[u8]) -> Result<Reply, ClientError> {
    let Response {
        correlation_id,
        result,
        error,
        ..
    } = opaque_response(body).map_err(|source| ClientError::Decode {
        method: method.to_owned(),
        source,
    })?;
    match error {
        Some(error) => Err(ClientError::Remote(error)),
        None => Ok(Reply {
            result: result.unwrap_or(rmpv::Value::Nil),
            correlation_id,
        }),
    }
}

/// The response in a frame, its result opaque. A frame that is no response is read again
/// the long way round, which names the offending field in the protocol's wording: no
/// value from the frame is quoted back.
fn opaque_response(body: &[u8]) -> Result<Response, ValueError> {
    inbound::decode(body).or_else(|_| {
        let frame: rmpv::Value = inbound::decode(body)?;
        value::from_value(&frame)
    })
}

#[cfg(test)]
mod tests {
    use llm_agent_protocol::ErrorCode;
    use llm_agent_protocol::methods::agent::Status;

    use super::*;
    use crate::test_bodies::value_body;

    fn response_body(fields: Vec<(&str, rmpv::Value)>) -> Vec<u8> {
        let mut fields: Vec<_> = fields
            .into_iter()
            .map(|(key, value)| (key.into(), value))
            .collect();
        fields.insert(0, ("type".into(), "response".into()));
        fields.insert(1, ("id".into(), 1.into()));
        fields.insert(2, ("correlation_id".into(), "c".into()));
        value_body(&rmpv::Value::Map(fields))
    }

    #[test]
    fn a_nil_or_missing_result_reads_as_nil() {
        let nil = response_body(vec![("result", rmpv::Value::Nil)]);
        let missing = response_body(vec![]);
        for body in [nil, missing] {
            let reply = typed_reply::<Option<u32>>("test.nil", &body).unwrap();
            assert_eq!(reply.result, None);
            assert_eq!(reply.correlation_id, "c");
            let reply = typed_reply::<()>("test.nil", &body).unwrap();
            assert_eq!(reply.result, ());
            assert!(matches!(
                typed_reply::<u32>("test.nil", &body),
                Err(ClientError::Decode { .. })
            ));
            assert_eq!(
                raw_reply("test.nil", &body).unwrap().result,
                rmpv::Value::Nil
            );
        }
    }

    #[test]
    fn an_error_wins_over_a_result() {
        let error = value::to_value(&WireError::new(ErrorCode::Busy, "busy")).unwrap();
        let with_result = response_body(vec![("result", 7.into()), ("error", error.clone())]);
        let with_bad_result =
            response_body(vec![("result", "not a number".into()), ("error", error)]);
        for body in [with_result, with_bad_result] {
            match typed_reply::<u32>("test.error", &body) {
                Err(ClientError::Remote(remote)) => assert_eq!(remote.code, ErrorCode::Busy),
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn call_futures_are_send() {
        fn assert_send<T: Send>(_: &T) {}
        let client: Option<Client> = None;
        if let Some(client) = client {
            assert_send(&client.call::<Status>(Default::default()));
            assert_send(&client.call_raw("x", rmpv::Value::Nil, CallOptions::default()));
            assert_send(&client.subscribe([]));
        }
    }
}

/// Calls against a scripted fake agent, which listens on a Unix socket.
#[cfg(all(test, unix))]
mod socket_tests {
    use std::future::Future;
    use std::time::Duration;

    use futures_util::FutureExt;
    use llm_agent_protocol::envelope::{Cancel, Envelope, Request};
    use llm_agent_protocol::methods::agent::{AgentStatus, Counters, Status};
    use llm_agent_protocol::methods::handshake::Hello;
    use llm_agent_protocol::safe_storage::{SafeStorageState, SafeStorageStatus, StoreStatus};
    use llm_agent_protocol::{ErrorCode, WireError};

    use serde::Serialize;

    use super::*;
    use crate::fake_agent::{FakeAgent, Peer, err, frame, hello_result, ok, value_frame};

    fn status(pid: u32) -> AgentStatus {
        AgentStatus {
            version: "9.9.9".into(),
            protocol: PROTOCOL_VERSION,
            pid,
            started_at: "2025-01-01T00:00:00Z".into(),
            uptime_ms: 1,
            socket: "/s".into(),
            data_dir: "/d".into(),
            counters: Counters::default(),
            safe_storage: SafeStorageStatus {
                state: SafeStorageState::NotInitialized,
                ..SafeStorageStatus::default()
            },
            store: StoreStatus::default(),
        }
    }

    fn field<'a>(map: &'a mut rmpv::Value, name: &str) -> &'a mut rmpv::Value {
        let rmpv::Value::Map(fields) = map else {
            panic!("{map} is not a map");
        };
        fields
            .iter_mut()
            .find_map(|(key, value)| (key.as_str() == Some(name)).then_some(value))
            .unwrap_or_else(|| panic!("no field {name}"))
    }

    /// Runs `call` while the agent answers the request it sends with `answer`'s reply.
    async fn answered<T, R: Serialize>(
        call: impl Future<Output = T>,
        peer: &mut Peer,
        answer: impl FnOnce(Request) -> Envelope<R>,
    ) -> T {
        let agent_side = async {
            let request = peer.recv_request().await;
            peer.send(&answer(request)).await;
        };
        let (outcome, ()) = tokio::join!(call, agent_side);
        outcome
    }

    /// Asserts that the connection lives on: a call still gets the agent's answer.
    async fn assert_still_answers(client: &Client, peer: &mut Peer, pid: u32) {
        let call = client.call::<Status>(Default::default());
        let outcome = answered(call, peer, |request| ok(request.id, status(pid))).await;
        assert_eq!(outcome.unwrap().pid, pid);
    }

    #[tokio::test]
    async fn the_handshake_introduces_the_client_and_keeps_the_agents_answer() {
        let agent = FakeAgent::start();
        let connector = agent.connector().client_name("tutor", "1.2.3");
        let agent_side = async {
            let mut peer = agent.accept().await;
            let hello = peer.recv_request().await;
            peer.send(&ok(hello.id, hello_result())).await;
            (hello, peer)
        };
        let (client, (hello, _peer)) = tokio::join!(connector.connect(), agent_side);
        assert_eq!(hello.method, Hello::NAME);
        assert_eq!(
            hello.params["protocol"],
            rmpv::Value::from(PROTOCOL_VERSION)
        );
        assert_eq!(hello.params["client"]["name"], rmpv::Value::from("tutor"));
        assert_eq!(
            hello.params["client"]["version"],
            rmpv::Value::from("1.2.3")
        );
        let client = client.unwrap();
        assert_eq!(client.hello(), &hello_result());
        assert_eq!(client.socket(), agent.socket());
    }

    #[tokio::test]
    async fn a_refused_handshake_is_a_handshake_error() {
        let agent = FakeAgent::start();
        let refuse = async {
            let mut peer = agent.accept().await;
            let hello = peer.recv_request().await;
            let error = WireError::new(ErrorCode::UnsupportedProtocol, "speak 2")
                .with_remediation("update the client");
            peer.send(&err(Some(hello.id), error)).await;
            peer
        };
        let connector = agent.connector();
        let (client, _peer) = tokio::join!(connector.connect(), refuse);
        match client {
            Err(ClientError::Handshake(error)) => {
                assert_eq!(error.code, ErrorCode::UnsupportedProtocol);
                assert_eq!(error.remediation.as_deref(), Some("update the client"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn responses_are_matched_to_requests_by_id_in_any_order() {
        let agent = FakeAgent::start();
        let (client, mut peer) = agent.connected().await;
        let first = client.call_raw("test.first", rmpv::Value::Nil, CallOptions::default());
        let second = client.call::<Status>(Default::default());
        let agent_side = async {
            let a = peer.recv_request().await;
            let b = peer.recv_request().await;
            let (first_id, second_id) = if a.method == "test.first" {
                (a.id, b.id)
            } else {
                (b.id, a.id)
            };
            assert_ne!(first_id, second_id);
            peer.send(&ok(second_id, status(42))).await;
            peer.send(&ok(first_id, "first")).await;
        };
        let (first, second, ()) = tokio::join!(first, second, agent_side);
        let first = first.unwrap();
        assert_eq!(first.result, rmpv::Value::from("first"));
        assert!(first.correlation_id.starts_with("corr-"));
        assert_eq!(second.unwrap().pid, 42);
    }

    #[tokio::test]
    async fn the_callers_correlation_id_is_sent_and_the_agents_is_returned() {
        let agent = FakeAgent::start();
        let (client, mut peer) = agent.connected().await;
        let options = CallOptions::default().correlation_id("mine");
        let call = client.call_with::<Status>(Default::default(), options);
        let reply = answered(call, &mut peer, |request| {
            assert_eq!(request.correlation_id.as_deref(), Some("mine"));
            Envelope::Response(Response::ok(request.id, "mine".into(), status(1)))
        })
        .await;
        assert_eq!(reply.unwrap().correlation_id, "mine");
    }

    #[tokio::test]
    async fn remote_errors_arrive_intact_and_the_connection_lives_on() {
        let agent = FakeAgent::start();
        let (client, mut peer) = agent.connected().await;
        let error = WireError::invalid_params(Some("limit"), "limit must be at least 1")
            .with_remediation("pass a limit from 1 to 1000");
        let call = client.call_raw(
            "diagnostics.query",
            rmpv::Value::Nil,
            CallOptions::default(),
        );
        let outcome = answered(call, &mut peer, |request| {
            err(Some(request.id), error.clone())
        })
        .await;
        match outcome {
            Err(ClientError::Remote(remote)) => assert_eq!(remote, error),
            other => panic!("{other:?}"),
        }
        assert_still_answers(&client, &mut peer, 7).await;
    }

    #[tokio::test]
    async fn a_result_of_the_wrong_shape_is_a_decode_error() {
        let agent = FakeAgent::start();
        let (client, mut peer) = agent.connected().await;
        let call = client.call::<Status>(Default::default());
        let outcome = answered(call, &mut peer, |request| ok(request.id, "not a status")).await;
        assert!(
            matches!(&outcome, Err(ClientError::Decode { method, .. }) if method == Status::NAME),
            "{outcome:?}"
        );
    }

    #[tokio::test]
    async fn a_result_that_does_not_fit_names_the_offending_field() {
        let agent = FakeAgent::start();
        let (client, mut peer) = agent.connected().await;
        let mut wrong = value::to_value(&status(9)).unwrap();
        *field(field(&mut wrong, "counters"), "requests_total") = "many".into();
        let call = client.call::<Status>(Default::default());
        let outcome = answered(call, &mut peer, |request| ok(request.id, wrong)).await;
        match outcome {
            Err(ClientError::Decode {
                method,
                source: ValueError::Shape { field, message },
            }) => {
                assert_eq!(method, Status::NAME);
                assert_eq!(field.as_deref(), Some("counters.requests_total"));
                assert_eq!(message, "invalid type: got a string");
            }
            other => panic!("{other:?}"),
        }
        assert_still_answers(&client, &mut peer, 4).await;
    }

    #[tokio::test]
    async fn a_response_that_does_not_decode_fails_its_call_at_once() {
        let agent = FakeAgent::start();
        let (client, mut peer) = agent.connected().await;
        let call = client.call::<Status>(Default::default());
        let agent_side = async {
            let request = peer.recv_request().await;
            let response = rmpv::Value::Map(vec![
                ("type".into(), "response".into()),
                ("id".into(), request.id.into()),
                ("correlation_id".into(), 424_242.into()),
                ("result".into(), value::to_value(&status(1)).unwrap()),
            ]);
            peer.send_raw(&value_frame(&response)).await;
        };
        let (outcome, ()) = tokio::join!(call, agent_side);
        match outcome {
            Err(ClientError::Decode {
                method,
                source: ValueError::Shape { field, message },
            }) => {
                assert_eq!(method, Status::NAME);
                assert_eq!(field.as_deref(), Some("correlation_id"));
                assert!(!message.contains("424242"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn a_timeout_cancels_the_request_on_the_agent() {
        let agent = FakeAgent::start();
        let (client, mut peer) = agent.connected().await;
        let timeout = Duration::from_millis(50);
        let call = client.call_raw(
            "test.slow",
            rmpv::Value::Nil,
            CallOptions::default().timeout(timeout),
        );
        let agent_side = async {
            let request = peer.recv_request().await;
            let cancel = peer.recv().await;
            (request.id, cancel)
        };
        let (outcome, (id, cancel)) = tokio::join!(call, agent_side);
        match outcome {
            Err(ClientError::Timeout { method, timeout: t }) => {
                assert_eq!(method, "test.slow");
                assert_eq!(t, timeout);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(cancel, Some(Envelope::Cancel(Cancel { id })));
        // The late answer is dropped quietly and the connection still works.
        peer.send(&err(
            Some(id),
            WireError::new(ErrorCode::Cancelled, "cancelled"),
        ))
        .await;
        assert_still_answers(&client, &mut peer, 3).await;
    }

    #[tokio::test]
    async fn dropping_a_call_cancels_the_request_on_the_agent() {
        let agent = FakeAgent::start();
        let (client, mut peer) = agent.connected().await;
        let mut call =
            Box::pin(client.call_raw("test.slow", rmpv::Value::Nil, CallOptions::default()));
        // Poll until the request is on the wire, then lose interest.
        let request = tokio::select! {
            request = peer.recv_request() => request,
            _ = &mut call => panic!("the call cannot finish without an answer"),
        };
        assert!((&mut call).now_or_never().is_none());
        drop(call);
        assert_eq!(
            peer.recv().await,
            Some(Envelope::Cancel(Cancel { id: request.id }))
        );
    }

    #[tokio::test]
    async fn end_of_stream_fails_every_pending_request_at_once() {
        let agent = FakeAgent::start();
        let (client, mut peer) = agent.connected().await;
        let first = client.call_raw("test.a", rmpv::Value::Nil, CallOptions::default());
        let second = client.call_raw("test.b", rmpv::Value::Nil, CallOptions::default());
        let agent_side = async {
            peer.recv_request().await;
            peer.recv_request().await;
            drop(peer);
        };
        let (first, second, ()) = tokio::join!(first, second, agent_side);
        for outcome in [first, second] {
            assert!(
                matches!(outcome, Err(ClientError::Disconnected(Disconnect::Closed))),
                "{outcome:?}"
            );
        }
        assert!(matches!(
            client.disconnect_reason(),
            Some(Disconnect::Closed)
        ));
        let later = client.call::<Status>(Default::default()).await;
        assert!(
            matches!(later, Err(ClientError::Disconnected(Disconnect::Closed))),
            "{later:?}"
        );
    }

    #[tokio::test]
    async fn a_connection_level_error_explains_the_disconnect() {
        let agent = FakeAgent::start();
        let (client, mut peer) = agent.connected().await;
        let call = client.call_raw("test.a", rmpv::Value::Nil, CallOptions::default());
        let refusal = WireError::new(ErrorCode::MalformedFrame, "not msgpack");
        let agent_side = async {
            peer.recv_request().await;
            peer.send_together(&[frame(&err(None, refusal.clone()))])
                .await;
            drop(peer);
        };
        let (outcome, ()) = tokio::join!(call, agent_side);
        match outcome {
            Err(ClientError::Disconnected(Disconnect::Rejected(error))) => {
                assert_eq!(*error, refusal)
            }
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn an_invalid_request_without_an_id_is_not_why_the_connection_closed() {
        let agent = FakeAgent::start();
        let (client, mut peer) = agent.connected().await;
        // The agent refused one message it could not use (a duplicate id, say) and
        // serves on: the connection is still good.
        peer.send(&err(
            None,
            WireError::new(
                ErrorCode::InvalidRequest,
                "request id 2 is already in flight",
            ),
        ))
        .await;
        assert_still_answers(&client, &mut peer, 8).await;
        let call = client.call_raw("test.a", rmpv::Value::Nil, CallOptions::default());
        let agent_side = async {
            peer.recv_request().await;
            drop(peer);
        };
        let (outcome, ()) = tokio::join!(call, agent_side);
        assert!(
            matches!(outcome, Err(ClientError::Disconnected(Disconnect::Closed))),
            "a plain close, not a rejection: {outcome:?}"
        );
    }

    #[tokio::test]
    async fn a_frame_that_is_not_an_envelope_is_skipped() {
        let agent = FakeAgent::start();
        let (client, mut peer) = agent.connected().await;
        let call = client.call::<Status>(Default::default());
        let agent_side = async {
            let request = peer.recv_request().await;
            // A well-framed MessagePack string, which is no envelope.
            peer.send_raw(&[0, 0, 0, 2, 0xa1, b'x']).await;
            peer.send(&ok(request.id, status(5))).await;
        };
        let (outcome, ()) = tokio::join!(call, agent_side);
        assert_eq!(outcome.unwrap().pid, 5);
    }

    #[tokio::test]
    async fn an_oversized_frame_from_the_agent_fails_the_connection() {
        let agent = FakeAgent::start();
        let (client, mut peer) = agent.connected().await;
        let call = client.call::<Status>(Default::default());
        let agent_side = async {
            peer.recv_request().await;
            peer.send_raw(&u32::MAX.to_be_bytes()).await;
            peer
        };
        let (outcome, _peer) = tokio::join!(call, agent_side);
        assert!(
            matches!(
                outcome,
                Err(ClientError::Disconnected(Disconnect::Failed(_)))
            ),
            "{outcome:?}"
        );
    }

    #[tokio::test]
    async fn a_streamed_reply_yields_its_deltas_in_order_then_its_result() {
        use futures_util::StreamExt;
        use llm_agent_protocol::envelope::Delta;
        use llm_agent_protocol::methods::chat::{ChatDelta, ChatMessage, ChatParams, ChatRole};

        let agent = FakeAgent::start();
        let (client, mut peer) = agent.connected().await;
        let params = ChatParams {
            role: Some("tutor".into()),
            messages: vec![ChatMessage::new(ChatRole::User, "hi")],
            ..Default::default()
        };
        let mut streamed = client.chat(params, CallOptions::default()).await.unwrap();
        let request = peer.recv_request().await;
        assert_eq!(request.params["stream"], rmpv::Value::from(true));
        for (seq, text) in [(1, "Hel"), (2, "lo")] {
            let data = ChatDelta { text: text.into() };
            peer.send(&Envelope::Delta(Delta {
                id: request.id,
                seq,
                data,
            }))
            .await;
        }
        // A delta for another request is not this stream's.
        let stray = ChatDelta {
            text: "stray".into(),
        };
        peer.send(&Envelope::Delta(Delta {
            id: request.id + 100,
            seq: 1,
            data: stray,
        }))
        .await;
        peer.send(&err(
            Some(request.id),
            WireError::new(ErrorCode::RateLimited, "slow down"),
        ))
        .await;
        let texts: Vec<String> = (&mut streamed)
            .map(|delta| delta.unwrap().text)
            .collect()
            .await;
        assert_eq!(texts, ["Hel", "lo"]);
        match streamed.finish().await {
            Err(ClientError::Remote(error)) => assert_eq!(error.code, ErrorCode::RateLimited),
            other => panic!("{other:?}"),
        }
        assert_still_answers(&client, &mut peer, 2).await;
    }

    #[tokio::test]
    async fn a_request_over_the_agents_frame_limit_fails_locally() {
        let agent = FakeAgent::start();
        let (client, _peer) = agent.connected().await;
        let huge = rmpv::Value::Binary(vec![0; llm_agent_protocol::DEFAULT_MAX_FRAME_LEN as usize]);
        let outcome = client
            .call_raw("test.big", huge, CallOptions::default())
            .await;
        match &outcome {
            Err(error @ ClientError::Encode { .. }) => assert_eq!(error.code(), "FRAME_TOO_LARGE"),
            other => panic!("{other:?}"),
        }
    }
}
