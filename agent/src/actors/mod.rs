//! The agent's actors. The supervisor owns their lifecycle; everyone else reaches an
//! actor through an [`ActorSlot`], which the supervisor repoints after a restart.

use std::sync::{PoisonError, RwLock};
use std::time::Duration;

use ractor::rpc::CallResult;
use ractor::{ActorRef, Message, RpcReplyPort};

pub mod supervisor;

/// The current reference to a supervised actor. Empty before the first spawn.
pub struct ActorSlot<M: Message> {
    current: RwLock<Option<ActorRef<M>>>,
}

impl<M: Message> Default for ActorSlot<M> {
    fn default() -> Self {
        Self {
            current: RwLock::new(None),
        }
    }
}

impl<M: Message> ActorSlot<M> {
    pub fn get(&self) -> Option<ActorRef<M>> {
        self.current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub fn set(&self, actor: ActorRef<M>) {
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Some(actor);
    }

    /// Sends the message built by `msg` to the current actor and waits at most `timeout`
    /// for its answer.
    pub async fn call<T: Send + 'static>(
        &self,
        msg: impl FnOnce(RpcReplyPort<T>) -> M,
        timeout: Duration,
    ) -> Result<T, CallFailure> {
        let actor = self.get().ok_or(CallFailure::Down)?;
        match actor.call(msg, Some(timeout)).await {
            Ok(CallResult::Success(answer)) => Ok(answer),
            Ok(CallResult::Timeout) => Err(CallFailure::TimedOut),
            // The actor stopped (or is restarting) before it answered.
            _ => Err(CallFailure::Down),
        }
    }
}

/// Why a call to a supervised actor got no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallFailure {
    /// The actor is not running (it crashed and is being restarted, or stopped).
    Down,
    /// It did not answer in time; the request may still be carried out.
    TimedOut,
}
