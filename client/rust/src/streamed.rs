//! [`Streamed`]: a call whose reply streams (`chat.run` with `stream: true`). Its delta
//! frames arrive as a [`Stream`], in order; once the stream ends, [`Streamed::finish`]
//! gives the call's one final response. The exchange runs as a task of its own, so the
//! request goes out at once however the stream is read; dropping the [`Streamed`] before
//! the end aborts that task, which cancels the call on the agent.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::BytesMut;
use futures_util::Stream;
use futures_util::stream::FusedStream;
use llm_agent_protocol::envelope::Delta;
use serde::de::DeserializeOwned;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::client::{Reply, typed_reply};
use crate::error::ClientError;
use crate::inbound;

/// The exchange's task: the response frame, once it arrives (or why it did not).
type Response = JoinHandle<Result<BytesMut, ClientError>>;

/// A call in progress whose reply streams: a [`Stream`] of its deltas (`D`), then its
/// result (`R`) from [`Streamed::finish`].
pub struct Streamed<R, D> {
    method: String,
    deltas: mpsc::UnboundedReceiver<BytesMut>,
    response: Response,
    /// The response, once it came while deltas were still being read.
    answered: Option<Result<BytesMut, ClientError>>,
    ended: bool,
    _types: PhantomData<fn() -> (R, D)>,
}

impl<R: DeserializeOwned, D: DeserializeOwned> Streamed<R, D> {
    pub(crate) fn new(
        method: &str,
        deltas: mpsc::UnboundedReceiver<BytesMut>,
        response: Response,
    ) -> Self {
        Streamed {
            method: method.to_owned(),
            deltas,
            response,
            answered: None,
            ended: false,
            _types: PhantomData,
        }
    }

    /// The call's result: waits for the response (reading and dropping any delta not
    /// read yet). An error response, a timeout or a disconnect is the error.
    pub async fn finish(mut self) -> Result<Reply<R>, ClientError> {
        let response = match self.answered.take() {
            Some(response) => response,
            None => joined((&mut self.response).await),
        };
        typed_reply(&self.method, &response?)
    }

    fn decode(&self, body: &[u8]) -> Result<D, ClientError> {
        inbound::decode::<Delta<D>>(body)
            .map(|delta| delta.data)
            .map_err(|err| ClientError::Decode {
                method: self.method.clone(),
                source: llm_agent_protocol::value::ValueError::Shape {
                    field: Some("data".to_owned()),
                    message: llm_agent_protocol::value::without_values(&err.to_string()),
                },
            })
    }
}

impl<R: DeserializeOwned, D: DeserializeOwned> Stream for Streamed<R, D> {
    type Item = Result<D, ClientError>;

    /// The next delta; the stream ends with the response (which [`Streamed::finish`]
    /// then reads). A delta that does not decode is an error item, and the stream goes
    /// on.
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if self.ended {
                return Poll::Ready(None);
            }
            match self.deltas.poll_recv(cx) {
                Poll::Ready(Some(body)) => return Poll::Ready(Some(self.decode(&body))),
                // The connection closes the channel as the response arrives, after every
                // delta; or the connection is gone.
                Poll::Ready(None) => {
                    self.ended = true;
                    return Poll::Ready(None);
                }
                Poll::Pending if self.answered.is_some() => return Poll::Pending,
                Poll::Pending => match Pin::new(&mut self.response).poll(cx) {
                    // The response came (or the call failed): read what is left.
                    Poll::Ready(response) => self.answered = Some(joined(response)),
                    Poll::Pending => return Poll::Pending,
                },
            }
            if self.answered.as_ref().is_some_and(Result::is_err) {
                // A timeout or a disconnect: no more deltas will come.
                self.ended = true;
            }
        }
    }
}

impl<R, D> Drop for Streamed<R, D> {
    fn drop(&mut self) {
        // Dropping the exchange mid-way sends the agent a cancel.
        self.response.abort();
    }
}

/// The exchange task's outcome; a task that could not finish is a closed connection.
fn joined(
    outcome: Result<Result<BytesMut, ClientError>, tokio::task::JoinError>,
) -> Result<BytesMut, ClientError> {
    outcome.unwrap_or(Err(ClientError::Disconnected(
        crate::error::Disconnect::Closed,
    )))
}

impl<R: DeserializeOwned, D: DeserializeOwned> FusedStream for Streamed<R, D> {
    fn is_terminated(&self) -> bool {
        self.ended
    }
}
