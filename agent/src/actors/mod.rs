//! The agent's actors. The supervisor owns their lifecycle; everyone else reaches an
//! actor through an [`ActorSlot`], which the supervisor repoints after a restart.

use std::sync::{PoisonError, RwLock};

use ractor::{ActorRef, Message};

pub mod catalog;
pub mod diagnostics;
pub mod discovery;
pub mod supervisor;
pub mod tester;
pub mod vault;

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
}
