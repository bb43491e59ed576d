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
    store_unreadable(path, error);

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

    // Model calls (prompt tests and chat calls) that failed at the provider.
    agent_shutting_down();
    call_after_shutdown_remedy();
    call_internal(what);
    call_key_unusable();
    call_key_unusable_remedy();
    call_key_missing(name);
    call_key_missing_remedy(provider);
    call_wrong_path(name, status, path, api);
    call_server_failed(name, status, said);
    call_server_failed_local_remedy(name);
    call_server_failed_remote_remedy(name);
    call_refused(name, status, said);
    call_refused_remedy();
    call_reported_error(name, said);
    call_reported_error_remedy();
    call_key_asked_remedy(name, provider);
    call_key_forbidden_remedy(name);
    call_key_refused_remedy(name, provider);
    call_key_refused(name, status, said);
    call_quota_used_up(name, said);
    call_quota_used_up_remedy();
    call_rate_limited_wait_remedy(seconds);
    call_rate_limited_remedy();
    call_rate_limited(name, said);
    call_overloaded(name, status, said);
    call_overloaded_remedy(name);
    call_model_not_found(provider, name, model, deployment, said);
    call_model_not_found_remedy(provider, model);
    call_wrong_path_openai_remedy();
    call_wrong_path_add_v1_remedy(url);
    call_wrong_path_remedy(api);
    call_invalid_shape(name, status, api, what);
    call_invalid_shape_remedy(api);
    call_redirected(name, status, to);
    call_redirected_remedy();
    call_cut_short(name, why);
    call_cut_short_remedy();
    call_refused_connection(address);
    call_dns_failed(host);
    call_dns_failed_remedy();
    call_no_connection(address, detail);
    call_no_connection_remote_remedy();
    call_tls_local_remedy(address);
    call_tls_certificate_remedy();
    call_tls_remedy();
    call_tls_failed(address, detail);
    call_not_http(name, address, detail);
    call_not_http_try_https_remedy(address);
    call_not_http_remedy();
    call_check_connection_remedy();
    call_start_server_remedy(provider, port, model);
    call_timed_out_queued(name, seconds);
    call_timed_out_queued_remedy();
    call_timed_out_connecting(address, seconds);
    call_timed_out_connecting_remedy();
    call_timed_out_local(name, seconds);
    call_timed_out_local_remedy();
    call_timed_out_remote(name, seconds);
    call_timed_out_remote_remedy();
    call_timed_out_generating(name, seconds);
    call_timed_out_generating_remedy();

    // The catalog.
    catalog_field_model_id(max);
    catalog_field_display_name(max);
    catalog_field_context_window(max);
    catalog_field_price(max);
    catalog_field_parallelism(max);
    catalog_too_many_models(max);
    catalog_unreadable(error);
    catalog_newer(schema);
    catalog_unknown_provider(provider);
    catalog_unknown_provider_remedy();
    catalog_unknown_model(model, provider);
    catalog_unknown_model_remedy();
    catalog_read_only_remedy();
    catalog_not_saved(error);
    catalog_restarting();
    catalog_restarting_remedy();

    // Warnings on a saved profile.
    warning_key_and_consent_dropped();
    warning_key_dropped();
    warning_consent_dropped();
    warning_model_deprecated(model, provider);
    warning_model_not_offered(endpoint, model);

    // Spending.
    usage_bad_day(field);
    usage_bad_day_remedy();
    usage_range_reversed();
    usage_range_reversed_remedy();
    usage_range_too_long(max);
    usage_range_too_long_remedy();
    usage_cap_out_of_range(max);
    usage_cap_out_of_range_remedy();
    usage_cap_reached(cap_usd, spent_usd, day);
    usage_cap_reached_remedy();
    usage_not_written(error);

    // Discovery.
    settings_need_attention(count);
    fix_marked_settings();
    discovery_not_saved(error);
    discovery_sweep_failed(error);
    discovery_restarting();
    discovery_restarting_remedy();

    // Getting a call ready.
    call_bad_endpoint();
    call_bad_endpoint_remedy();
    call_key_read_timed_out();
    call_key_read_timed_out_remedy();
    calls_restarting();
    calls_restarting_remedy();
    calls_queue_full(waiting, host);
    calls_queue_full_remedy();
    request_cancelled();
    call_cancelled_remedy();

    // Prompt tests.
    test_timeout_out_of_range(max);
    test_prompt_out_of_range(max);
    test_timeout_default_remedy(seconds);
    test_prompt_default_remedy();

    // Chat calls.
    chat_no_target();
    chat_two_targets();
    chat_unknown_role();
    chat_role_unbound(role);
    chat_role_unbound_remedy();
    chat_message_count(max);
    chat_message_length(max);
    chat_only_system();
    chat_too_much_text(max);
    chat_too_much_text_remedy();
    chat_max_tokens(max);
    chat_temperature(max);
    chat_stop_count(max);
    chat_stop_length(max);
    chat_timeout(max);

    // Diagnostics and support bundles.
    diagnostics_restarting();
    diagnostics_restarting_remedy();
    diagnostics_bad_time(field);
    diagnostics_bad_cursor();
    diagnostics_bad_cursor_remedy();
    diagnostics_bad_path_remedy();
    diagnostics_export_failed(error);
    bundle_path_not_absolute();
    bundle_path_no_file();
    bundle_path_no_folder();
    bundle_path_is_folder();
    bundle_path_exists();

    // The audit ledger.
    audit_not_written(error);
    audit_not_running();
    audit_not_running_remedy();
    limit_out_of_range(max);

    // Discovery: probes, findings and conflicts with profiles.
    probe_no_answer(address);
    probe_needs_credentials(address);
    probe_stopped_answering(address);
    probe_not_recognised(address, expected);
    probe_nothing_listens(address);
    probe_cannot_connect(address, detail);
    probe_dns_failed(address);
    probe_tls_failed(address, detail);
    probe_not_http(address, detail);
    probe_not_running_hint();
    probe_not_responding_hint(ms);
    probe_needs_key_hint();
    probe_port_taken_hint(expected);
    probe_add_by_hand_hint();
    probe_bad_extra_endpoint(endpoint, problem);
    probe_bad_extra_endpoint_hint();
    finding_needs_key_hint(name);
    finding_load_model_hint(kind, name);
    finding_no_models_hint(kind, name);
    conflict_kind_mismatch(profile, expected, address, server);
    conflict_kind_mismatch_remedy(kind, server);
    conflict_key_required(server, address, profile);
    conflict_key_required_remedy();
    conflict_no_model(server, address, model, profile);
    conflict_load_model_remedy(model, server);
    conflict_model_not_offered(server, address, model, profile, offered);
    conflict_model_not_offered_remedy(kind, model, server);
    conflict_port_moved(profile, old_port, server, port);
    conflict_port_moved_remedy(endpoint);
    settings_interval(min, max, default);
    settings_too_many_endpoints(max);
    settings_bad_endpoint();
    adopt_unknown_kind();
    adopt_no_model_listed();
    adopt_not_found();

    // The socket layer.
    request_no_hello(seconds);
    request_before_hello(method);
    request_unsupported_protocol(asked, min, max);
    request_not_a_request();
    request_malformed_frame();
    request_invalid_envelope(reason);
    request_too_many_values(max);
    request_frame_too_large(len, max);
    request_frame_stalled(seconds);
    request_duplicate_id(id);
    request_bad_correlation_id(max);
    request_too_many_in_flight(max);
    request_another_user();
    request_too_many_connections(max);
    request_unknown_method(method);
    request_bad_params(reason);
    request_unencodable(reason);
    request_panicked();
    request_no_topics();
    request_too_many_subscriptions(max);
    request_no_such_subscription(subscription);
    request_sweep_budget(min, max);
    request_tutor_needs_profile();
    request_unknown_role(roles);
    request_details_too_large();
    request_send_hello_remedy();
    request_update_agent_remedy();
    request_update_client_remedy();
    request_reconnect_remedy();
    request_malformed_frame_remedy();
    request_invalid_envelope_remedy();
    request_too_many_values_remedy();
    request_frame_too_large_remedy();
    request_frame_stalled_remedy();
    request_duplicate_id_remedy();
    request_too_many_in_flight_remedy();
    request_too_many_connections_remedy();
    request_unknown_method_remedy();
    request_bad_params_remedy(method);
    request_unencodable_remedy();
    request_too_many_subscriptions_remedy();
    request_sweep_budget_remedy(default);

    // The accessible summary of a profile in profiles.list.
    profile_summary(name, provider, place, host, model, key, last, at, code);
}
