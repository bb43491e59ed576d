//! Every message the agent writes for a person, declared once: its id (the name, which
//! is also its Fluent id in `agent/locales/*.ftl` and travels on the wire) and its
//! arguments. `docs/messages.md` lists them for translators; the catalog check holds
//! every catalog to this list.

llm_agent_l10n::messages! {
    // Shared by several areas.
    fields_need_attention(count);
    fix_marked_fields();
    check_disk_space();
    retry_with_correlation_id();

    // Profiles (the vault).
    vault_not_found(id);
    vault_not_found_remedy();
    vault_name_conflict(name);
    vault_name_conflict_remedy();
    vault_successor_required(id);
    vault_successor_required_remedy();
    vault_successor_not_found(id);
    vault_successor_not_found_remedy();
    vault_consent_required(endpoint);
    vault_consent_required_remedy();
    vault_consent_withdrawn(endpoint, withdrawn_at);
    vault_consent_withdrawn_remedy();
    vault_read_only_remedy();
    vault_not_written(error);
    vault_restarting();
    vault_restarting_remedy();
    vault_outcome_unknown();
    vault_outcome_unknown_remedy();
    vault_too_many_profiles(max);
    vault_too_many_profiles_remedy();
    vault_starting();

    // The profile file.
    store_unknown_schema(path);
    store_newer(path, schema, known);
    store_not_json(path, error);
    store_bad_shape(path, error);

    // Safe storage and the OS credential store.
    safe_storage_key_missing_remedy();
    data_key_does_not_open();
    data_key_damaged();
    data_key_gone();
    data_key_absent();
    saved_key_does_not_open();
    keyring_refused(error);
    keyring_not_reached(error);
    keyring_no_answer();
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    keyring_locked_linux();
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    keyring_no_answer_linux();
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    keyring_unreachable_linux();
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    keyring_no_session_bus();
    #[cfg_attr(not(target_os = "macos"), allow(dead_code))]
    keyring_locked_macos();
    #[cfg_attr(not(target_os = "macos"), allow(dead_code))]
    keyring_no_answer_macos();
    #[cfg_attr(not(target_os = "macos"), allow(dead_code))]
    keyring_unreachable_macos();
    #[cfg_attr(not(windows), allow(dead_code))]
    keyring_locked_windows();
    #[cfg_attr(not(windows), allow(dead_code))]
    keyring_no_answer_windows();
    #[cfg_attr(not(windows), allow(dead_code))]
    keyring_unreachable_windows();
    /// Tests use it everywhere; other systems have no store.
    #[cfg_attr(any(target_os = "linux", target_os = "macos", windows), allow(dead_code))]
    keyring_unsupported();

    // Fields of a profile.
    field_name_required();
    field_provider_required(providers);
    field_provider_unknown(providers);
    field_model_required();
    field_api_key_required(provider);
    field_consent_required();
    field_too_long(max);
    field_control_characters();
    field_endpoint_required();
    field_endpoint_control_characters();
    field_endpoint_not_a_url(reason);
    field_endpoint_not_http();
    field_endpoint_credentials();
    field_endpoint_query_or_fragment();
    field_endpoint_no_host();
    field_consent_in_future();
    field_consent_not_a_time();
    field_too_many_labels(max);
    field_label_invalid(max);
    field_parallelism_invalid(max);
    field_azure_option_required(option);
    field_too_many_options(max);
    field_option_name_invalid(max);
    field_option_value_invalid(max);
    field_api_key_empty();
    field_api_key_too_long();
    field_api_key_whitespace();
}
