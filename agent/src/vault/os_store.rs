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

use llm_agent_l10n::Text;

use super::safe_storage::StoreOpener;
use crate::texts::messages;

/// The store is locked, or refused this agent.
pub(super) fn remediation_locked() -> Text {
    #[cfg(target_os = "linux")]
    return messages::keyring_locked_linux();
    #[cfg(target_os = "macos")]
    return messages::keyring_locked_macos();
    #[cfg(windows)]
    return messages::keyring_locked_windows();
    #[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
    return messages::keyring_unsupported();
}

/// The store did not answer within the timeout, which is also what a prompt nobody has
/// answered yet looks like.
pub(super) fn remediation_no_answer() -> Text {
    #[cfg(target_os = "linux")]
    return messages::keyring_no_answer_linux();
    #[cfg(target_os = "macos")]
    return messages::keyring_no_answer_macos();
    #[cfg(windows)]
    return messages::keyring_no_answer_windows();
    #[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
    return messages::keyring_unsupported();
}

/// What to do when the store cannot be reached: on Linux without a session bus (a
/// headless machine, ssh, cron), the way to try llm-agent anyway; otherwise how to start
/// or allow this OS's store.
pub(super) fn remediation_unreachable() -> Text {
    #[cfg(target_os = "linux")]
    return if linux::session_bus_exists() {
        messages::keyring_unreachable_linux()
    } else {
        messages::keyring_no_session_bus()
    };
    #[cfg(target_os = "macos")]
    return messages::keyring_unreachable_macos();
    #[cfg(windows)]
    return messages::keyring_unreachable_windows();
    #[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
    return messages::keyring_unsupported();
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
