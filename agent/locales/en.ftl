# llm-agent's messages in English: the source every translation follows.
# Each id and its arguments are listed in docs/messages.md. Arguments in { $name };
# numbers are formatted as the language writes them; DATETIME($at) writes an instant
# (in UTC), DATE($day) a day.

## Shared by several areas

fields_need_attention = { $count ->
    [one] 1 field needs attention
   *[other] { $count } fields need attention
}
fix_marked_fields = Correct the fields marked, then save again.
check_disk_space = Check that the disk has free space and the data folder can be written, then try again.
retry_with_correlation_id = Retry; if it persists, report it with the correlation ID.

## Profiles

vault_not_found = no profile has the id { $id }
vault_not_found_remedy = List the profiles to get current ids; it may have been deleted.
vault_name_conflict = another profile is already named "{ $name }"
vault_name_conflict_remedy = Choose another name; names differing only in upper and lower case count as the same.
vault_successor_required = profile { $id } is the active one: name the profile to activate instead (successor_id)
vault_successor_required_remedy = Choose which profile to use instead, then delete this one.
vault_successor_not_found = the successor { $id } is not another existing profile
vault_successor_not_found_remedy = Choose another existing profile to use instead.
vault_consent_required = { $endpoint } is not on this computer, and the learner has not agreed to send prompts there
vault_consent_required_remedy = Prompts sent to this server leave this computer. Agree to that to use it, or choose a server on this computer.
vault_consent_withdrawn = { $endpoint } is not on this computer, and the learner withdrew the agreement to send prompts there ({ DATETIME($withdrawn_at) })
vault_consent_withdrawn_remedy = The profile is kept, but nothing is sent to its server while consent is withdrawn. Agree again to use it (profiles.update with consent_granted_at), or choose a server on this computer.
vault_read_only_remedy = Profiles can still be used but not changed. Restore profiles.json from a backup, or move it away to start afresh; the agent's status says what is wrong with it.
vault_not_written = the profile file could not be written ({ $error }); nothing was changed
vault_restarting = the vault is restarting; try again in a moment
vault_restarting_remedy = Retry in a moment; the agent restarts its vault by itself.
vault_outcome_unknown = the change took too long to confirm; its outcome is unknown: list the profiles to see whether it was applied
vault_outcome_unknown_remedy = List the profiles to see whether the change was applied before trying it again.
vault_too_many_profiles = a vault holds at most { $max } profiles; delete one first
vault_too_many_profiles_remedy = Delete a profile you no longer use, then try again.
vault_starting = the vault is starting

## The profile file (profiles cannot be changed while it is unusable)

store_unknown_schema = profiles cannot be changed: { $path } has an unexpected shape (unknown schema); it was kept as it is. Restore it from a backup, or move it away to start with no profiles.
store_newer = profiles cannot be changed: { $path } was written by a newer llm-agent (schema { $schema }, this one knows { $known }); it is read-only here. Update llm-agent.
store_not_json = profiles cannot be changed: { $path } is not valid JSON ({ $error }); it was kept as it is. Restore it from a backup, or move it away to start with no profiles.
store_bad_shape = profiles cannot be changed: { $path } has an unexpected shape ({ $error }); it was kept as it is. Restore it from a backup, or move it away to start with no profiles.

## Safe storage and the OS credential store

safe_storage_key_missing_remedy = The key that protects saved API keys is gone from the system keyring, so saved API keys cannot be read. Reset them and enter them again; all other settings are kept.
data_key_does_not_open = the safe-storage key is missing: the key in the OS keyring no longer opens the saved API keys
data_key_damaged = the safe-storage key is missing: the key in the OS keyring is damaged
data_key_gone = the safe-storage key is missing: the key is gone from the OS keyring while saved API keys need it
data_key_absent = the safe-storage key is missing: no key is available to decrypt it
saved_key_does_not_open = the safe-storage key is missing: the saved API key cannot be decrypted with the current key
keyring_refused = safe storage is unavailable: the OS keyring is locked or refused access ({ $error })
keyring_not_reached = safe storage is unavailable: the OS keyring cannot be reached ({ $error })
keyring_no_answer = safe storage is unavailable: the OS keyring did not answer in time
keyring_locked_linux = Unlock your keyring (log in to the desktop session, or unlock it in Passwords and Keys), then retry.
keyring_no_answer_linux = If the system asks to unlock your keyring, unlock it; otherwise restart your keyring service (GNOME Keyring or KeePassXC). Then retry; nothing stored was changed.
keyring_unreachable_linux = Start a Secret Service provider (GNOME Keyring or KeePassXC) in your desktop session, then retry; nothing stored was changed.
keyring_no_session_bus = This session has no D-Bus session bus, so no Secret Service can be reached (a machine without a desktop, or ssh). Run the agent inside your desktop session; or, only to try llm-agent from its source checkout, run scripts/try-agent (a throwaway keyring: not for real API keys). Nothing stored was changed.
keyring_locked_macos = Your login keychain is locked, missing or read-only: unlock it in Keychain Access (or log in again), then retry.
keyring_no_answer_macos = macOS is waiting for an answer about your login keychain: look for a dialog asking to unlock it or to let llm-agent use its key, and answer it (Always Allow). Then retry; nothing stored was changed.
keyring_unreachable_macos = macOS did not let llm-agent use its key in your login keychain. If a dialog asked, choose Always Allow; if the login keychain is locked, unlock it in Keychain Access. Then retry; nothing stored was changed.
keyring_locked_windows = Windows Credential Manager has no logon session for this process: run llm-agent in your own signed-in session (the app starts it there), then retry.
keyring_no_answer_windows = Windows Credential Manager did not answer in time: retry in a moment; if it persists, restart the Credential Manager service (VaultSvc) or sign out and in. Nothing stored was changed.
keyring_unreachable_windows = Windows Credential Manager could not be used. Sign in to Windows as yourself (not through a service account), check that the Credential Manager service (VaultSvc) runs, then retry; nothing stored was changed.
keyring_unsupported = This system has no credential store llm-agent can use; profiles can still be read.

## Fields of a profile

field_name_required = Give the profile a name, such as "Local Llama".
field_provider_required = Choose a provider: { $providers }.
field_provider_unknown = Unknown provider; choose one of: { $providers }.
field_model_required = Name the model to use, such as "llama3.2" or "gpt-4o-mini".
field_api_key_required = { $provider } needs an API key: paste the key from your account's API settings.
field_consent_required = This server is not on this computer, so prompts sent to it leave this computer: agree to that to use it.
field_too_long = Use at most { $max } characters.
field_control_characters = Remove line breaks and other control characters.
field_endpoint_required = Give the server's base URL, such as http://127.0.0.1:11434.
field_endpoint_control_characters = Remove line breaks, tabs and other control characters from the URL.
field_endpoint_not_a_url = Not a URL ({ $reason }): give a base URL such as http://127.0.0.1:11434.
field_endpoint_not_http = Use an http:// or https:// URL.
field_endpoint_credentials = Remove the user name and password from the URL; put a key in api_key instead.
field_endpoint_query_or_fragment = Remove the ?query or #fragment: give only the base URL.
field_endpoint_no_host = Give the server's host, such as http://127.0.0.1:11434.
field_consent_in_future = The consent time is in the future: send the time the learner agreed.
field_consent_not_a_time = Send the time the learner agreed as RFC 3339, such as 2026-11-21T10:00:00Z.
field_too_many_labels = Use at most { $max } labels.
field_label_invalid = A label has 1 to { $max } characters and no line breaks.
field_parallelism_invalid = Give a whole number from 1 to { $max }: how many requests may go to this endpoint at once.
field_azure_option_required = Azure OpenAI needs the { $option } option: find it in the Azure portal, under the model deployment.
field_too_many_options = Use at most { $max } options.
field_option_name_invalid = Option names have 1 to { $max } letters, digits, '_', '-' or '.'.
field_option_value_invalid = Option values have at most { $max } characters and no line breaks.
field_api_key_empty = Paste the API key, or leave the field out.
field_api_key_too_long = That is longer than any API key: check what was pasted.
field_api_key_whitespace = Remove spaces and line breaks from the key (a copy-paste may have added them).
