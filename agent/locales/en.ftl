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
store_unreadable = profiles cannot be changed: { $path } could not be read ({ $error }); it was left as it is

## Safe storage and the OS credential store

safe_storage_key_missing_remedy = The key that protects saved API keys is gone from the system keyring, so saved API keys cannot be read. Reset them and enter them again; all other settings are kept.
data_key_does_not_open = the safe-storage key is missing: the key in the OS keyring no longer opens the saved API keys
data_key_damaged = the safe-storage key is missing: the key in the OS keyring is damaged
data_key_gone = the safe-storage key is missing: the key is gone from the OS keyring while saved API keys need it
data_key_absent = the safe-storage key is missing: no key is available to decrypt the saved API key
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

## Model calls (prompt tests and chat calls) that failed at the provider
## $said is the provider's own message after ": ", or empty; $name the provider's name.

agent_shutting_down = the agent is shutting down
call_after_shutdown_remedy = Try again once the agent is back.
call_internal = { $what }
call_key_unusable = the stored API key cannot be sent in an HTTP header
call_key_unusable_remedy = Enter the API key again: copy it exactly, without spaces or line breaks.
call_key_missing = { $name } needs an API key and this profile has none
call_key_missing_remedy = { $provider ->
    [openai] Add the API key to this profile. Keys are at platform.openai.com → API keys.
    [anthropic] Add the API key to this profile. Keys are at console.anthropic.com → API keys.
    [azure_openai] Add the API key to this profile. Keys are in the Azure portal: the resource → Keys and Endpoint.
   *[other] Add the API key to this profile.
    }
call_wrong_path = { $name } answered HTTP { $status } at { $path }: nothing serves { $api ->
    [openai] the OpenAI chat completions API
    [ollama] Ollama's API
    [anthropic] Anthropic's Messages API
   *[azure] the Azure OpenAI API
    } there
call_server_failed = { $name } failed with HTTP { $status }{ $said }
call_server_failed_local_remedy = Look at { $name }'s console output: the model may have failed to load (not enough memory?). Then try again.
call_server_failed_remote_remedy = { $name } has a problem on its side: try again in a minute, and check its status page if it persists.
call_refused = { $name } refused the request with HTTP { $status }{ $said }
call_refused_remedy = Check the profile's model and options against the provider's documentation.
call_reported_error = { $name } reported an error mid-reply{ $said }
call_reported_error_remedy = Try again; if it persists, the model may be overloaded or misconfigured on the server.
call_key_asked_remedy = { $provider ->
    [openai] { $name } asks for an API key: add one to this profile. Keys are at platform.openai.com → API keys.
    [anthropic] { $name } asks for an API key: add one to this profile. Keys are at console.anthropic.com → API keys.
    [azure_openai] { $name } asks for an API key: add one to this profile. Keys are in the Azure portal: the resource → Keys and Endpoint.
   *[other] { $name } asks for an API key: add one to this profile.
    }
call_key_forbidden_remedy = { $name } accepted the key but will not let it use this model or endpoint: check the key's project, permissions or region.
call_key_refused_remedy = { $provider ->
    [openai] Check the API key at platform.openai.com → API keys, then update this profile's key.
    [anthropic] Check the API key at console.anthropic.com → API keys, then update this profile's key.
    [azure_openai] Use one of the resource's keys (Azure portal → the resource → Keys and Endpoint); it must belong to this endpoint's resource.
   *[other] Check the API key { $name } expects, then update this profile's key.
    }
call_key_refused = { $name } refused the API key (HTTP { $status }){ $said }
call_quota_used_up = { $name } reports the account's quota is used up{ $said }
call_quota_used_up_remedy = Add credit or raise the spending limit in the provider's billing settings; waiting will not help.
call_rate_limited_wait_remedy = Wait { NUMBER($seconds, maximumFractionDigits: 0) } s and try again; if it keeps happening, check the plan's rate limits.
call_rate_limited_remedy = Wait a moment and try again; if it keeps happening, check the plan's rate limits.
call_rate_limited = { $name } is rate-limiting requests (HTTP 429){ $said }
call_overloaded = { $name } is overloaded (HTTP { $status }){ $said }
call_overloaded_remedy = { $name } is busy right now: try again in a moment.
call_model_not_found = { $provider ->
    [ollama] Ollama has no model named `{ $model }`{ $said }
    [azure_openai] Azure OpenAI has no deployment named `{ $deployment }`{ $said }
    [lm_studio] LM Studio has no model `{ $model }` loaded{ $said }
    [vllm] vLLM does not serve `{ $model }`{ $said }
    [openai] OpenAI has no model `{ $model }` for this key{ $said }
    [anthropic] Anthropic has no model `{ $model }`{ $said }
   *[other] { $name } does not serve a model named `{ $model }`{ $said }
    }
call_model_not_found_remedy = { $provider ->
    [ollama] The model is not pulled: run `ollama pull { $model }`, or pick one `ollama list` shows.
    [azure_openai] Check the deployment name (metadata.options.deployment) in the Azure AI Foundry portal; a new deployment can take a few minutes to appear.
    [lm_studio] Load it in LM Studio (or `lms load { $model }`), or pick a model its server lists.
    [vllm] vLLM serves the model it was started with: use that name (GET /v1/models lists it).
    [openai] Check the model id (for example gpt-4o-mini) and that the key's project may use it.
    [anthropic] Check the model id (for example claude-sonnet-4-5); model ids are listed at docs.anthropic.com.
   *[other] Use a model name the server lists (GET /v1/models on OpenAI-compatible servers).
    }
call_wrong_path_openai_remedy = Check the base URL and the provider kind: this server does not speak the OpenAI API at this path.
call_wrong_path_add_v1_remedy = The base URL may need `/v1`: try { $url }.
call_wrong_path_remedy = { $api ->
    [ollama] This address does not serve Ollama's API: check the port (Ollama listens on 11434) or the provider kind.
    [anthropic] Use https://api.anthropic.com as the base URL.
   *[azure] Use the resource's endpoint (https://RESOURCE.openai.azure.com) and check the api_version option.
    }
call_invalid_shape = { $status ->
    [none] { $name } answered
   *[other] { $name } answered (HTTP { $status })
    }, but not like { $api ->
    [openai] the OpenAI chat completions API
    [ollama] Ollama's API
    [anthropic] Anthropic's Messages API
   *[azure] the Azure OpenAI API
    }: { $what }
call_invalid_shape_remedy = Check the provider kind and the base URL: { $api ->
    [openai] an OpenAI-compatible server needs its /v1 base URL (for example http://127.0.0.1:1234/v1).
    [ollama] Ollama's base URL has no path (http://127.0.0.1:11434).
    [anthropic] Anthropic's base URL is https://api.anthropic.com.
   *[azure] Azure OpenAI's base URL is https://RESOURCE.openai.azure.com.
    }
call_redirected = { $to ->
    [none] { $name } answered HTTP { $status }, redirecting to another address
   *[other] { $name } answered HTTP { $status }, redirecting to `{ $to }`
    }
call_redirected_remedy = Update the profile's endpoint to the address the server redirects to (often http:// → https://, or a trailing path).
call_cut_short = the reply from { $name } stopped before it was complete ({ $why })
call_cut_short_remedy = The server may have crashed or dropped the connection: try again, and look at its logs if it repeats.
call_refused_connection = nothing is listening at { $address } (connection refused)
call_dns_failed = the host name { $host } could not be resolved
call_dns_failed_remedy = Check the endpoint's spelling and this computer's internet connection.
call_no_connection = no connection to { $address }: { $detail }
call_no_connection_remote_remedy = Check this computer's internet connection, a firewall or proxy, and the endpoint's host name.
call_tls_local_remedy = A server on this machine usually speaks plain HTTP: try http://{ $address } as the endpoint.
call_tls_certificate_remedy = The server's certificate is not trusted by this computer: check the endpoint, or install your organization's root certificate.
call_tls_remedy = Check that the endpoint uses https:// only where the server speaks TLS.
call_tls_failed = TLS with { $address } failed: { $detail }
call_not_http = { $name } at { $address } did not answer in HTTP: { $detail }
call_not_http_try_https_remedy = The server may speak HTTPS: try https://{ $address }, or check the port.
call_not_http_remedy = Check the port: another kind of server may be listening there.
call_check_connection_remedy = Check this computer's internet connection and the endpoint's host and port.
call_start_server_remedy = { $provider ->
    [ollama] Ollama is not running: start it with `ollama serve` (or open the Ollama app).
    [lm_studio] Start LM Studio's server: Developer tab → Start Server, or `lms server start`.
    [llama_cpp] Start the llama.cpp server: `llama-server -m MODEL.gguf --port { $port }`.
    [vllm] Start vLLM: `vllm serve { $model } --port { $port }`.
    [localai] Start LocalAI (for example `local-ai run`) and check its port.
    [koboldcpp] Start KoboldCpp with a model loaded, and check its port (5001 by default).
    [text_generation_webui] Start text-generation-webui with `--api` (port 5000 by default).
    [jan] Turn on Jan's local API server (Settings → Local API Server).
    [gpt4all] Turn on GPT4All's API server (Settings → Enable Local API Server).
    [docker_model_runner] Enable Docker Model Runner with TCP access: `docker desktop enable model-runner --tcp 12434`.
   *[other] Start the model server, or correct the port ({ $port }) in the endpoint.
    }
call_timed_out_queued = the request waited { NUMBER($seconds) } s for other requests to { $name } to finish
call_timed_out_queued_remedy = Wait for the other requests to finish, or raise the profile's parallelism option.
call_timed_out_connecting = no connection to { $address } within { NUMBER($seconds) } s
call_timed_out_connecting_remedy = Check the network, a firewall or proxy, and the endpoint's host and port.
call_timed_out_local = { $name } accepted the request but did not answer within { NUMBER($seconds) } s
call_timed_out_local_remedy = A large model may still be loading into memory: try again in a moment, or with a longer timeout.
call_timed_out_remote = { $name } did not answer within { NUMBER($seconds) } s
call_timed_out_remote_remedy = The provider is slow right now: try again, or with a longer timeout.
call_timed_out_generating = the reply from { $name } did not finish within { NUMBER($seconds) } s
call_timed_out_generating_remedy = The model is generating slowly (running on the CPU?): try again with a longer timeout.

## The catalog

catalog_field_model_id = A model id has 1 to { $max } characters and no line breaks.
catalog_field_display_name = A display name has 1 to { $max } characters and no line breaks.
catalog_field_context_window = Give the context window in tokens (1 to { NUMBER($max) }).
catalog_field_price = Give a price in USD per million tokens, 0 to { NUMBER($max) }.
catalog_field_parallelism = Give 1 to { $max } requests at once (nil: the default).
catalog_too_many_models = At most { $max } models can be added or edited.
catalog_unreadable = catalog.json cannot be read ({ $error }); the learner's catalog edits are ignored until it is fixed or removed
catalog_newer = catalog.json was written by a newer agent (schema { $schema }); the learner's catalog edits are ignored
catalog_unknown_provider = the catalog has no provider "{ $provider }"
catalog_unknown_provider_remedy = catalog.list shows every provider.
catalog_unknown_model = the catalog has no model "{ $model }" for { $provider }
catalog_unknown_model_remedy = catalog.list shows the provider's models; catalog.upsert_model adds one.
catalog_read_only_remedy = Move catalog.json out of the data folder (the shipped catalog is used without it), or restore it from a backup.
catalog_not_saved = the catalog edits could not be saved ({ $error }); nothing was changed
catalog_restarting = the catalog is restarting; try again in a moment
catalog_restarting_remedy = Retry in a moment; the agent restarts its catalog by itself.

## Warnings on a saved profile

warning_key_and_consent_dropped = The endpoint now points to another server, so the saved API key and the agreement to send prompts there were removed: give them again for the new server.
warning_key_dropped = The endpoint now points to another server, so the saved API key was removed: enter it again for the new server.
warning_consent_dropped = The endpoint now points to another server, so the agreement to send prompts there was removed: agree again for the new server.
warning_model_deprecated = { $model } is deprecated in the catalog: it may stop working; choose another model of { $provider } when you can.
warning_model_not_offered = the server at { $endpoint } does not offer { $model }: pull or load it there, or choose one of the models it lists (profiles.models)

## Spending

usage_bad_day = { $field } must be a day as YYYY-MM-DD
usage_bad_day_remedy = Send a UTC date such as 2026-01-31, or leave it out.
usage_range_reversed = `from` is after `to`
usage_range_reversed_remedy = Send the earlier day as `from`.
usage_range_too_long = the range covers more than { $max } days
usage_range_too_long_remedy = Ask for a year at most, in several requests if needed.
usage_cap_out_of_range = daily_cap_usd must be more than 0 and at most { NUMBER($max) }
usage_cap_out_of_range_remedy = Send an amount in USD, or nil to remove the cap.
usage_cap_reached = the profile's daily spending cap of ${ NUMBER($cap_usd, minimumFractionDigits: 2, maximumFractionDigits: 2) } is reached: ${ NUMBER($spent_usd, minimumFractionDigits: 4, maximumFractionDigits: 4) } spent today ({ DATE($day) }, UTC)
usage_cap_reached_remedy = Calls to this profile work again tomorrow (UTC); raise or remove its cap with usage.set_cap to go on today.
usage_not_written = the spending totals could not be written: { $error }

## Discovery

settings_need_attention = { $count ->
    [one] 1 setting needs attention
   *[other] { $count } settings need attention
    }
fix_marked_settings = Correct the settings marked, then save again.
discovery_not_saved = the discovery settings could not be saved ({ $error }); nothing was changed
discovery_sweep_failed = the sweep could not run: { $error }
discovery_restarting = discovery is restarting; try again in a moment
discovery_restarting_remedy = Retry in a moment; the agent restarts discovery by itself.

## Getting a call ready

call_bad_endpoint = the profile's endpoint is not a valid URL
call_bad_endpoint_remedy = Edit the profile's endpoint, then try again.
call_key_read_timed_out = reading the profile's API key took longer than the call's timeout
call_key_read_timed_out_remedy = Try again; the OS credential store may have been slow to answer.
calls_restarting = the agent's model-call service is restarting; try again in a moment
calls_restarting_remedy = Try again in a moment; the agent restarts the service by itself.
calls_queue_full = { $waiting } calls are already waiting for { $host }
calls_queue_full_remedy = Wait for some of them to finish, or raise the provider's parallelism if its server can take more.
request_cancelled = cancelled by the client
call_cancelled_remedy = Nothing to do: the call was stopped on request.

## Prompt tests

test_timeout_out_of_range = timeout_ms must be 1 to { $max } (milliseconds)
test_prompt_out_of_range = prompt must have 1 to { $max } characters
test_timeout_default_remedy = Leave it out for the default of { $seconds } s.
test_prompt_default_remedy = Leave it out to use the built-in test prompt.

## Chat calls

chat_no_target = name the profile to call: give profile_id or role
chat_two_targets = give profile_id or role, not both
chat_unknown_role = role must be tutor or infrastructure
chat_role_unbound = no profile plays the { $role } role: there are no profiles
chat_role_unbound_remedy = Create a profile first; the first one plays every role.
chat_message_count = messages must hold 1 to { $max } messages
chat_message_length = a message must have 1 to { $max } characters
chat_only_system = at least one message must come from the user or the assistant
chat_too_much_text = the messages and stop sequences together exceed { $max } bytes
chat_too_much_text_remedy = Send fewer or shorter messages: drop the oldest turns of the conversation.
chat_max_tokens = max_tokens must be 1 to { $max }
chat_temperature = temperature must be 0 to { NUMBER($max) } for this provider
chat_stop_count = stop holds at most { $max } sequences
chat_stop_length = a stop sequence must have 1 to { $max } characters
chat_timeout = timeout_ms must be 1 to { $max } (milliseconds)

## Diagnostics and support bundles

diagnostics_restarting = the diagnostics service is restarting; try again in a moment
diagnostics_restarting_remedy = Retry in a moment; the agent restarts its diagnostics service by itself.
diagnostics_bad_time = { $field } must be an RFC 3339 time, such as 2026-11-21T09:00:00Z
diagnostics_bad_cursor = cursor must be a next_cursor from an earlier result
diagnostics_bad_cursor_remedy = Leave it out for the most recent events.
diagnostics_bad_path_remedy = Give an absolute path in an existing folder; set overwrite to replace a file.
diagnostics_export_failed = the support bundle could not be written ({ $error })
bundle_path_not_absolute = the support bundle cannot be written there: the path is not absolute
bundle_path_no_file = the support bundle cannot be written there: the path names no file
bundle_path_no_folder = the support bundle cannot be written there: its folder does not exist
bundle_path_is_folder = the support bundle cannot be written there: it is a folder
bundle_path_exists = the support bundle cannot be written there: a file is already there

## The audit ledger

audit_not_written = the audit ledger could not be written ({ $error }); nothing was changed
audit_not_running = the audit ledger is not running
audit_not_running_remedy = Restart the agent; if this persists, report it with the agent's log.
limit_out_of_range = limit must be between 1 and { $max }

## Discovery: probes, findings and conflicts with profiles

probe_no_answer = { $address } accepted the connection but did not answer in time.
probe_needs_credentials = { $address } refuses requests without credentials (HTTP 401/403).
probe_stopped_answering = { $address } answered once, then did not answer in time.
probe_not_recognised = { $expected ->
    [none] { $address } answers HTTP, but not like any model server discovery knows.
   *[other] { $address } answers HTTP, but not like any model server discovery knows (expected { $expected }).
    }
probe_nothing_listens = Nothing listens at { $address }.
probe_cannot_connect = Cannot connect to { $address }: { $detail }.
probe_dns_failed = The host name of { $address } does not resolve.
probe_tls_failed = The TLS handshake with { $address } failed ({ $detail }): check http:// against https://.
probe_not_http = { $address } accepted the connection but did not answer in HTTP ({ $detail }).
probe_not_running_hint = Start the server, or check the address and port.
probe_not_responding_hint = It accepted the connection but sent nothing within { $ms } ms: the server may be busy (loading a model) or hung. Wait, or restart it.
probe_needs_key_hint = It asks for credentials but does not say what it is: if it is a model server, add it by hand as an OpenAI-compatible profile with its API key.
probe_port_taken_hint = Another program may be using the port { $expected } usually has; if this is a model server, add it by hand as an OpenAI-compatible profile.
probe_add_by_hand_hint = If this is a model server, add it by hand as an OpenAI-compatible profile.
probe_bad_extra_endpoint = The extra endpoint "{ $endpoint }" cannot be probed: { $problem }.
probe_bad_extra_endpoint_hint = Give a base URL such as http://192.168.1.20:11434.
finding_needs_key_hint = { $name } asks for an API key: add it to the profile.
finding_load_model_hint = { $kind ->
    [lm_studio] Load a model in LM Studio (or turn on just-in-time model loading in its server settings).
    [jan] Start a model in Jan: its API lists only running models.
    [text_generation_webui] Load a model in text-generation-webui's Model tab.
    [llama_cpp] Load a model in { $name }, or start it with one.
    [koboldcpp] Load a model in { $name }, or start it with one.
   *[other] Load a model in { $name }.
    }
finding_no_models_hint = { $kind ->
    [ollama] Pull a model first, for example: ollama pull llama3.2
    [docker_model_runner] Pull a model first, for example: docker model pull ai/smollm2
   *[other] Download or install a model in { $name }.
    }
conflict_kind_mismatch = Profile “{ $profile }” expects { $expected } at { $address }, but { $server } answers there.
conflict_kind_mismatch_remedy = Change the profile's provider to { $kind } ({ $server }), or point it at the server it was made for.
conflict_key_required = { $server } at { $address } now asks for an API key, and profile “{ $profile }” has none.
conflict_key_required_remedy = Add the server's API key to the profile.
conflict_no_model = { $server } at { $address } offers no model, so not “{ $model }” of profile “{ $profile }”.
conflict_load_model_remedy = Load “{ $model }” in { $server }.
conflict_model_not_offered = { $server } at { $address } does not offer “{ $model }”, the model of profile “{ $profile }”; it offers { $offered }.
conflict_model_not_offered_remedy = { $kind ->
    [ollama] Pick one of the models it offers, or pull it (ollama pull { $model }).
    [docker_model_runner] Pick one of the models it offers, or pull it (docker model pull { $model }).
   *[other] Pick one of the models it offers, or load it in { $server }.
    }
conflict_port_moved = Profile “{ $profile }” points at port { $old_port }, where no { $server } answers; { $server } answers on port { $port }.
conflict_port_moved_remedy = If it is the same server, change the profile's endpoint to { $endpoint }.
settings_interval = Give { $min } to { $max } seconds between scheduled sweeps ({ $default } is the default).
settings_too_many_endpoints = Name at most { $max } endpoints.
settings_bad_endpoint = Give a base URL such as http://192.168.1.20:11434 (http or https, a host and a port; no user name, query, fragment or control characters).
adopt_unknown_kind = kind must be one of the kinds discovery reports (ollama, lm_studio, ...)
adopt_no_model_listed = The server lists no model: load or pull one, then adopt it with its name.
adopt_not_found = No sweep found this server: name the model, or run discovery first.

## The socket layer (what a client developer sees; $reason and $method are technical)

request_no_hello = no hello within { $seconds } s
request_before_hello = { $method } before hello
request_unsupported_protocol = protocol { $asked } is not supported; this agent speaks { $min } to { $max }
request_not_a_request = clients send only request and cancel messages
request_malformed_frame = the frame is not exactly one MessagePack value; closing the connection
request_invalid_envelope = not a valid envelope: { $reason }
request_too_many_values = the frame holds more than { $max } values; no request needs so many
request_frame_too_large = frame of { $len } bytes exceeds the limit of { $max } bytes; closing the connection
request_frame_stalled = no byte of the current frame for { $seconds } s; closing the connection
request_duplicate_id = request id { $id } is already in flight
request_bad_correlation_id = correlation_id must be 1 to { $max } printable ASCII characters without spaces
request_too_many_in_flight = { $max } requests are already in flight on this connection
request_another_user = this agent serves only the user who started it
request_too_many_connections = the agent already serves { $max } connections
request_unknown_method = unknown method { $method }
request_bad_params = { $reason }
request_unencodable = the response could not be sent: { $reason }
request_panicked = the agent hit an internal error serving this request
request_no_topics = name at least one topic
request_too_many_subscriptions = this connection already holds { $max } subscriptions
request_no_such_subscription = this connection holds no subscription { $subscription }
request_sweep_budget = timeout_ms must be { $min } to { $max } (milliseconds)
request_tutor_needs_profile = the tutor role always has a profile: name one
request_unknown_role = role must be one of { $roles }
request_details_too_large = the error's details were too large to send
request_send_hello_remedy = Send hello as the first request on a new connection.
request_update_agent_remedy = Update llm-agent (the client is newer than the agent).
request_update_client_remedy = Update the client (it is older than this agent supports).
request_reconnect_remedy = Reconnect once the agent is running again.
request_malformed_frame_remedy = Encode each frame as a u32 big-endian length followed by one MessagePack map.
request_invalid_envelope_remedy = Send a map {"{"}type: "request", id, method, params{"}"}; see docs/protocol.md.
request_too_many_values_remedy = Send fewer items in one request.
request_frame_too_large_remedy = Split the request or send less data; hello reports max_frame_len.
request_frame_stalled_remedy = Send each frame in full without pausing.
request_duplicate_id_remedy = Use a new id for every request on a connection.
request_too_many_in_flight_remedy = Wait for earlier responses, or open another connection.
request_too_many_connections_remedy = Close idle connections and retry.
request_unknown_method_remedy = The capabilities in the hello result list every method this agent serves.
request_bad_params_remedy = See docs/protocol.md for the params of { $method }.
request_unencodable_remedy = Ask for less at once (for example a smaller limit).
request_too_many_subscriptions_remedy = Unsubscribe from one first; one subscription can carry several topics.
request_sweep_budget_remedy = Leave it out for the default of { $default } ms.

## The accessible summary of a profile (profiles.list), for screen readers and banners
## $place: local or remote; $key: stored, missing or none; $last: none, ok or failed.

profile_summary = { $name }: { $provider } { $place ->
        [local] on this computer
       *[remote] at { $host }
    }, model { $model }; { $key ->
        [stored] API key stored
        [missing] no API key yet
       *[none] no API key needed
    }; { $last ->
        [ok] last test or call succeeded on { DATETIME($at) }.
        [failed] last test or call failed on { DATETIME($at) } ({ $code }).
       *[none] not tested yet.
    }
