//! Windows: who may open the agent's named pipe, and who is on its other end.
//!
//! The pipe is created with a security descriptor that names the agent's own user (its
//! SID) as owner and grants that user alone access: no Everyone, no Anonymous, and
//! network logons denied outright (interprocess also creates the pipe with
//! `PIPE_REJECT_REMOTE_CLIENTS` and `FILE_FLAG_FIRST_PIPE_INSTANCE`, so a pipe another
//! user created first under our name is never joined). The DACL is protected, so nothing
//! is inherited into it.
//!
//! Behind that, each accepted client is checked the way Unix checks the peer's uid: the
//! user SID of the client process's token (found from the pipe's client process id) must
//! be ours. A token that cannot be read, which is what another user's process gives a
//! process that is not an administrator, is refused too.

/// The SDDL of the pipe's security descriptor for the user `user_sid` (`S-1-5-21-…`):
/// owner the user; a protected DACL that first denies network logons (`NU`), then allows
/// the user everything (`GA`). `None` when `user_sid` is not a SID in string form, so
/// nothing else can be spliced into the descriptor.
#[cfg(any(windows, test))]
pub fn owner_only_sddl(user_sid: &str) -> Option<String> {
    is_string_sid(user_sid).then(|| format!("O:{user_sid}D:P(D;;GA;;;NU)(A;;GA;;;{user_sid})"))
}

/// `S-1-<authority>-<sub-authority>...`: digits between dashes, nothing else.
#[cfg(any(windows, test))]
fn is_string_sid(text: &str) -> bool {
    let Some(rest) = text.strip_prefix("S-1-") else {
        return false;
    };
    let parts: Vec<&str> = rest.split('-').collect();
    parts.len() >= 2
        && parts.iter().all(|part| {
            !part.is_empty() && part.len() <= 10 && part.bytes().all(|b| b.is_ascii_digit())
        })
}

#[cfg(windows)]
pub use windows::{owner_only_descriptor, same_user_as_agent};

#[cfg(windows)]
mod windows {
    use std::io;
    use std::sync::OnceLock;

    use interprocess::os::windows::security_descriptor::SecurityDescriptor;
    use windows_sys::Win32::Foundation::{CloseHandle, HANDLE, LocalFree};
    use windows_sys::Win32::Security::Authorization::ConvertSidToStringSidW;
    use windows_sys::Win32::Security::{
        GetLengthSid, GetTokenInformation, IsValidSid, TOKEN_QUERY, TOKEN_USER, TokenUser,
    };
    use windows_sys::Win32::System::Threading::{
        GetCurrentProcess, OpenProcess, OpenProcessToken, PROCESS_QUERY_LIMITED_INFORMATION,
    };

    use super::owner_only_sddl;

    /// The security descriptor the agent's pipe is created with.
    pub fn owner_only_descriptor() -> io::Result<SecurityDescriptor> {
        let sid = own_user_sid()?;
        let text = sid_to_string(sid)?;
        let sddl = owner_only_sddl(&text).ok_or_else(|| {
            io::Error::other(format!(
                "the process token's user SID {text:?} is not a SID"
            ))
        })?;
        let wide = widestring::U16CString::from_str(&sddl).map_err(io::Error::other)?;
        SecurityDescriptor::deserialize(&wide)
    }

    /// Whether the process `pid` runs as the agent's user. An unreadable token is an
    /// error, which the caller treats as "not the same user".
    pub fn same_user_as_agent(pid: u32) -> io::Result<bool> {
        let own = own_user_sid()?;
        // SAFETY: plain Win32 call; a null handle is checked below.
        let process = unsafe { OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid) };
        if process.is_null() {
            return Err(io::Error::last_os_error());
        }
        let process = OwnedHandle(process);
        Ok(token_user_sid(process.0)? == own)
    }

    /// This process's user SID, read once.
    fn own_user_sid() -> io::Result<&'static [u8]> {
        static OWN: OnceLock<Result<Vec<u8>, String>> = OnceLock::new();
        // SAFETY: the pseudo-handle of the current process needs no closing.
        let own = OWN.get_or_init(|| {
            token_user_sid(unsafe { GetCurrentProcess() }).map_err(|e| e.to_string())
        });
        own.as_deref().map_err(|e| io::Error::other(e.clone()))
    }

    struct OwnedHandle(HANDLE);

    impl Drop for OwnedHandle {
        fn drop(&mut self) {
            // SAFETY: the handle was opened by us and is closed once.
            unsafe { CloseHandle(self.0) };
        }
    }

    /// The binary user SID in the token of `process`.
    fn token_user_sid(process: HANDLE) -> io::Result<Vec<u8>> {
        let mut token: HANDLE = std::ptr::null_mut();
        // SAFETY: `token` receives a handle we then own.
        if unsafe { OpenProcessToken(process, TOKEN_QUERY, &mut token) } == 0 {
            return Err(io::Error::last_os_error());
        }
        let token = OwnedHandle(token);
        let mut len = 0u32;
        // SAFETY: a size query: no buffer, `len` receives the size needed.
        unsafe { GetTokenInformation(token.0, TokenUser, std::ptr::null_mut(), 0, &mut len) };
        if len == 0 {
            return Err(io::Error::last_os_error());
        }
        // u64 cells keep the TOKEN_USER at the alignment its pointer field needs.
        let mut buffer = vec![0u64; (len as usize).div_ceil(8)];
        // SAFETY: the buffer holds at least `len` bytes.
        let read = unsafe {
            GetTokenInformation(
                token.0,
                TokenUser,
                buffer.as_mut_ptr().cast(),
                len,
                &mut len,
            )
        };
        if read == 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: GetTokenInformation wrote a TOKEN_USER at the start of the buffer, and
        // its SID points into the same buffer, which outlives this borrow.
        let sid = unsafe { (*buffer.as_ptr().cast::<TOKEN_USER>()).User.Sid };
        if unsafe { IsValidSid(sid) } == 0 {
            return Err(io::Error::other("the token's user SID is not valid"));
        }
        // SAFETY: a valid SID is GetLengthSid bytes long.
        let sid_len = unsafe { GetLengthSid(sid) } as usize;
        Ok(unsafe { std::slice::from_raw_parts(sid.cast::<u8>(), sid_len) }.to_vec())
    }

    /// A binary SID in its string form (`S-1-5-21-…`).
    fn sid_to_string(sid: &[u8]) -> io::Result<String> {
        let mut wide: *mut u16 = std::ptr::null_mut();
        // SAFETY: `sid` is a valid binary SID (from `token_user_sid`); the string is
        // allocated by the system and freed with LocalFree below.
        if unsafe { ConvertSidToStringSidW(sid.as_ptr().cast_mut().cast(), &mut wide) } == 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: a NUL-terminated string the call allocated.
        let text = unsafe { widestring::U16CStr::from_ptr_str(wide) }.to_string_lossy();
        unsafe { LocalFree(wide.cast()) };
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SID: &str = "S-1-5-21-3623811015-3361044348-30300820-1013";

    #[test]
    fn the_descriptor_grants_the_user_alone_and_denies_the_network() {
        let sddl = owner_only_sddl(SID).unwrap();
        assert_eq!(
            sddl,
            format!("O:{SID}D:P(D;;GA;;;NU)(A;;GA;;;{SID})"),
            "owner, protected DACL, deny network first, then allow the user"
        );
        for nobody_else in [";WD)", ";AN)", ";BU)", ";AU)", ";IU)"] {
            assert!(!sddl.contains(nobody_else), "{nobody_else} in {sddl}");
        }
        assert_eq!(sddl.matches("(A;").count(), 1, "one allow entry: {sddl}");
    }

    #[test]
    fn only_a_sid_can_be_put_in_the_descriptor() {
        for bad in [
            "",
            "S-1-",
            "S-1-5",
            "WD",
            "S-1-5-21-1)(A;;GA;;;WD",
            "S-1-5-21-x",
            "S-1-5--1",
            "s-1-5-21-1",
        ] {
            assert_eq!(owner_only_sddl(bad), None, "{bad:?}");
        }
        assert!(owner_only_sddl("S-1-5-18").is_some());
    }
}
