//! The console's own texts (table headers, state names), rendered in the language the
//! console runs in: `--lang`, else `LC_ALL`, `LC_MESSAGES` or `LANG`. The agent renders
//! its messages in the same language, asked for in `hello`.

use std::sync::{LazyLock, OnceLock};

use llm_agent_l10n::{Catalog, Locale, Text};

/// The console's catalogs (`client/console/locales/*.ftl`).
static CATALOG: LazyLock<Catalog> = LazyLock::new(|| {
    Catalog::new(&[
        (Locale::English, include_str!("../locales/en.ftl")),
        (Locale::German, include_str!("../locales/de.ftl")),
        (Locale::Spanish, include_str!("../locales/es.ftl")),
    ])
});

static LOCALE: OnceLock<Locale> = OnceLock::new();

/// Sets the console's language, once, at start-up.
pub fn set_locale(locale: Locale) {
    let _ = LOCALE.set(locale);
}

/// Table headers in the console's language.
pub fn headers<const N: usize>(headers: [Text; N]) -> [String; N] {
    headers.map(|header| render(&header))
}

/// `text` in the console's language.
pub fn render(text: &Text) -> String {
    CATALOG.render(LOCALE.get().copied().unwrap_or(Locale::English), text)
}

/// Every message the console writes itself, declared once (see `llm_agent_l10n::messages!`).
pub mod messages {
    llm_agent_l10n::messages! {
        header_name();
        header_provider();
        header_model();
        header_endpoint();
        header_key();
        header_active();
        header_id();
        header_status();
        header_context();
        header_input();
        header_output();
        header_source();
        header_as_of();
        header_notes();
        header_profile();
        header_calls();
        header_cost();
        header_today();
        header_daily_cap();
        header_role();
        header_day();
        header_kind();
        header_version();
        header_models();
        header_latency();
        label_name();
        label_id();
        label_provider();
        label_endpoint();
        label_model();
        label_api_key();
        label_consent();
        label_active();
        label_created();
        label_updated();
        label_labels();
        label_notes();
        label_options();
        key_none();
        yes();
        no();
        consent_given(at);
        consent_withdrawn(at);
        consent_not_given();
        status_agent();
        status_agent_value(version, protocol);
        status_pid();
        status_started();
        status_started_value(at, uptime);
        status_socket();
        status_data_dir();
        status_connections();
        status_connections_value(open, accepted, refused);
        status_requests();
        status_requests_value(total, failed, in_flight);
        status_diagnostics();
        status_diagnostics_value(events);
        status_restarts();
        status_restarts_value(restarts);
        status_tests();
        status_tests_value(running);
        no_profiles_of_provider(provider);
        no_profiles();
        safe_storage_state(state);
        profile_file_writable();
        profile_file_read_only(problem);
        profile_file_read_only_plain();
    }
}

#[cfg(test)]
mod tests {
    use llm_agent_l10n::check_catalog;

    use super::*;

    #[test]
    fn every_catalog_has_every_message_with_its_arguments_and_nothing_else() {
        let problems: Vec<String> = check_catalog(&CATALOG, messages::DECLARED)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert!(
            problems.is_empty(),
            "catalog problems:\n{}",
            problems.join("\n")
        );
    }
}
