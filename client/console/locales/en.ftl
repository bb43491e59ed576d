# llm-console's own texts in English (the agent's messages are in agent/locales).

## The profiles table

header_name = NAME
header_provider = PROVIDER
header_model = MODEL
header_endpoint = ENDPOINT
header_key = KEY
header_active = ACTIVE
header_id = ID
no_profiles_of_provider = no profiles of provider { $provider }
no_profiles = no profiles; create one with `llm-console profiles create`

## Safe storage and the profile file

safe_storage_state = safe storage: { $state ->
        [available] available
        [not_initialized] not yet initialized (the first API key sets it up)
        [unavailable] unavailable
        [key_missing] key missing
        [unknown] not checked yet
       *[other] in a state this console does not know
    }
profile_file_writable = profile file: writable
profile_file_read_only = profile file: read-only ({ $problem })
profile_file_read_only_plain = profile file: read-only

## Other tables

header_status = STATUS
header_context = CONTEXT
header_input = INPUT
header_output = OUTPUT
header_source = SOURCE
header_as_of = AS OF
header_notes = NOTES
header_profile = PROFILE
header_calls = CALLS
header_cost = COST
header_today = TODAY
header_daily_cap = DAILY CAP
header_role = ROLE
header_day = DAY
header_kind = KIND
header_version = VERSION
header_models = MODELS
header_latency = LATENCY

## One profile

label_name = name
label_id = id
label_provider = provider
label_endpoint = endpoint
label_model = model
label_api_key = api key
label_consent = consent
label_active = active
label_created = created
label_updated = updated
label_labels = labels
label_notes = notes
label_options = options
key_none = none
yes = yes
no = no
consent_given = given { $at }
consent_withdrawn = withdrawn { $at } (calls are refused until it is given again)
consent_not_given = not given

## The agent's status

status_agent = agent
status_agent_value = { $version } (protocol { $protocol })
status_pid = pid
status_started = started
status_started_value = { $at } (up { $uptime })
status_socket = socket
status_data_dir = data dir
status_connections = connections
status_connections_value = { $open } open, { $accepted } accepted, { $refused } refused
status_requests = requests
status_requests_value = { $total } total, { $failed } failed, { $in_flight } in flight
status_diagnostics = diagnostics
status_diagnostics_value = { $events } events recorded
status_restarts = restarts
status_restarts_value = { $restarts } actor restarts
status_tests = tests
status_tests_value = { $running } prompt tests running or queued
