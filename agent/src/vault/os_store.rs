//! The OS credential store of each platform, and what a learner is told when it fails:
//! the Secret Service on Linux, the login Keychain on macOS, the Credential Manager on
//! Windows. [`safe_storage`](super::safe_storage) treats all three alike (same timeouts,
//! same outage rules); only the store and the words of the remediations differ.
//!
//! Each is a keyring v4 store crate opened through `keyring_core`'s `CredentialStore`.
//! The data key is one generic credential: service `llm-agent`, account
//! `data-key:<vault_id>`. On Windows that is the target name
//! `data-key:<vault_id>.llm-agent` with the store's default (enterprise) persistence,
//! which roams with the user's profile exactly as the data dir (`%APPDATA%`) does, so
//! the key travels with the ciphertext it opens.

use std::sync::Arc;

use keyring_core::api::CredentialStore;

use super::safe_storage::StoreOpener;

/// The store could not be reached at all.
#[cfg(target_os = "linux")]
const REMEDIATION_UNREACHABLE: &str = "Start a Secret Service provider (GNOME Keyring or KeePassXC) in your desktop session, then retry; nothing stored was changed.";
/// The store is locked, or refused this agent.
#[cfg(target_os = "linux")]
pub(super) const REMEDIATION_LOCKED: &str = "Unlock your keyring (log in to the desktop session, or unlock it in Passwords and Keys), then retry.";
/// The store did not answer within the timeout, which is also what a prompt nobody has
/// answered yet looks like.
#[cfg(target_os = "linux")]
pub(super) const REMEDIATION_NO_ANSWER: &str = "If the system asks to unlock your keyring, unlock it; otherwise restart your keyring service (GNOME Keyring or KeePassXC). Then retry; nothing stored was changed.";
/// Linux with no D-Bus session bus at all: a headless machine, ssh, cron.
#[cfg(target_os = "linux")]
const REMEDIATION_NO_SESSION_BUS: &str = "This session has no D-Bus session bus, so no Secret Service can be reached (a machine without a desktop, or ssh). Run the agent inside your desktop session; or, only to try llm-agent from its source checkout, run scripts/try-agent (a throwaway keyring: not for real API keys). Nothing stored was changed.";

#[cfg(target_os = "macos")]
const REMEDIATION_UNREACHABLE: &str = "macOS did not let llm-agent use its key in your login keychain. If a dialog asked, choose Always Allow; if the login keychain is locked, unlock it in Keychain Access. Then retry; nothing stored was changed.";
#[cfg(target_os = "macos")]
pub(super) const REMEDIATION_LOCKED: &str = "Your login keychain is locked, missing or read-only: unlock it in Keychain Access (or log in again), then retry.";
#[cfg(target_os = "macos")]
pub(super) const REMEDIATION_NO_ANSWER: &str = "macOS is waiting for an answer about your login keychain: look for a dialog asking to unlock it or to let llm-agent use its key, and answer it (Always Allow). Then retry; nothing stored was changed.";

#[cfg(windows)]
const REMEDIATION_UNREACHABLE: &str = "Windows Credential Manager could not be used. Sign in to Windows as yourself (not through a service account), check that the Credential Manager service (VaultSvc) runs, then retry; nothing stored was changed.";
#[cfg(windows)]
pub(super) const REMEDIATION_LOCKED: &str = "Windows Credential Manager has no logon session for this process: run llm-agent in your own signed-in session (the app starts it there), then retry.";
#[cfg(windows)]
pub(super) const REMEDIATION_NO_ANSWER: &str = "Windows Credential Manager did not answer in time: retry in a moment; if it persists, restart the Credential Manager service (VaultSvc) or sign out and in. Nothing stored was changed.";

#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
const REMEDIATION_UNREACHABLE: &str =
    "This system has no credential store llm-agent can use; profiles can still be read.";
#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
pub(super) const REMEDIATION_LOCKED: &str = REMEDIATION_UNREACHABLE;
#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
pub(super) const REMEDIATION_NO_ANSWER: &str = REMEDIATION_UNREACHABLE;

/// What to do when the store cannot be reached: on Linux without a session bus, the
/// way to try llm-agent anyway; otherwise how to start or allow this OS's store.
pub(super) fn remediation_unreachable() -> &'static str {
    #[cfg(target_os = "linux")]
    if !linux::session_bus_exists() {
        return REMEDIATION_NO_SESSION_BUS;
    }
    REMEDIATION_UNREACHABLE
}

/// Opens this platform's credential store; called again after every failure.
pub fn platform_store() -> StoreOpener {
    Arc::new(open)
}

#[cfg(target_os = "linux")]
fn open() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(zbus_secret_service_keyring_store::Store::new()?)
}

/// The legacy (file) keychain, the one an app that is neither sandboxed nor signed with a
/// provisioning profile can use; the login keychain by default.
#[cfg(target_os = "macos")]
fn open() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(apple_native_keyring_store::keychain::Store::new()?)
}

#[cfg(windows)]
fn open() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(windows_native_keyring_store::Store::new()?)
}

#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
fn open() -> keyring_core::Result<Arc<CredentialStore>> {
    Err(keyring_core::Error::NotSupportedByStore(
        "this build of llm-agent has no credential store for this OS".into(),
    ))
}

#[cfg(target_os = "linux")]
mod linux {
    use std::path::PathBuf;

    /// Whether a D-Bus session bus can be found the way zbus looks for one: the
    /// address in `DBUS_SESSION_BUS_ADDRESS`, else the socket `$XDG_RUNTIME_DIR/bus`.
    pub(super) fn session_bus_exists() -> bool {
        let address = std::env::var_os("DBUS_SESSION_BUS_ADDRESS");
        let runtime_dir = std::env::var_os("XDG_RUNTIME_DIR").map(PathBuf::from);
        session_bus_named(
            address.as_deref().and_then(|a| a.to_str()),
            runtime_dir
                .map(|dir| dir.join("bus"))
                .filter(|bus| bus.exists()),
        )
    }

    pub(super) fn session_bus_named(address: Option<&str>, bus_socket: Option<PathBuf>) -> bool {
        address.is_some_and(|a| !a.trim().is_empty()) || bus_socket.is_some()
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn a_bus_is_an_address_or_the_runtime_socket() {
            assert!(session_bus_named(
                Some("unix:path=/run/user/1000/bus"),
                None
            ));
            assert!(session_bus_named(None, Some("/run/user/1000/bus".into())));
            assert!(!session_bus_named(None, None));
            assert!(!session_bus_named(Some(" "), None));
        }
    }
}
