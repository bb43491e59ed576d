//! Who is on the other end of a connection, and whether they may talk to us.

/// The peer's credentials as the OS reports them; fields are absent where the platform
/// does not provide them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Peer {
    pub pid: Option<u32>,
    pub uid: Option<u32>,
}

impl Peer {
    /// Only the user who runs the agent may use it. On Unix a peer whose uid is
    /// unknown is refused too.
    pub fn is_allowed(&self, own_uid: Option<u32>) -> bool {
        match own_uid {
            Some(own) => self.uid == Some(own),
            None => true,
        }
    }
}

/// The effective uid of this process, where uids exist.
pub fn own_uid() -> Option<u32> {
    #[cfg(unix)]
    {
        Some(rustix::process::geteuid().as_raw())
    }
    #[cfg(not(unix))]
    {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_same_user_is_allowed() {
        let same = Peer {
            pid: Some(1),
            uid: Some(1000),
        };
        let other = Peer {
            pid: Some(2),
            uid: Some(1001),
        };
        let unknown = Peer::default();
        assert!(same.is_allowed(Some(1000)));
        assert!(!other.is_allowed(Some(1000)));
        assert!(!unknown.is_allowed(Some(1000)));
        assert!(unknown.is_allowed(None));
    }
}
