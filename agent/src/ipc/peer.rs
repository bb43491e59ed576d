//! Who is on the other end of a connection, and whether they may talk to us.

/// The peer's credentials as the OS reports them; fields are absent where the platform
/// does not provide them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Peer {
    pub pid: Option<u32>,
    pub uid: Option<u32>,
    /// Where there are no uids (Windows): whether the peer process's token names the
    /// agent's user. `None` when it could not be read, or where the uid says it.
    pub same_user: Option<bool>,
}

impl Peer {
    /// Only the user who runs the agent may use it: the same uid on Unix, the same user
    /// SID on Windows (`own_uid` is `None` there). A peer who cannot be told is refused.
    pub fn is_allowed(&self, own_uid: Option<u32>) -> bool {
        match own_uid {
            Some(own) => self.uid == Some(own),
            None => self.same_user == Some(true),
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
            same_user: None,
        };
        let other = Peer {
            pid: Some(2),
            uid: Some(1001),
            same_user: None,
        };
        let unknown = Peer::default();
        assert!(same.is_allowed(Some(1000)));
        assert!(!other.is_allowed(Some(1000)));
        assert!(!unknown.is_allowed(Some(1000)));
    }

    #[test]
    fn without_uids_the_token_user_decides() {
        let same = Peer {
            pid: Some(1),
            uid: None,
            same_user: Some(true),
        };
        let other = Peer {
            same_user: Some(false),
            ..same
        };
        assert!(same.is_allowed(None));
        assert!(!other.is_allowed(None));
        assert!(!Peer::default().is_allowed(None), "unreadable token");
    }
}
