//! Localised messages through the real binary: the same failing request read in English,
//! German, Spanish and a language the agent has no catalog for, with the same message
//! ids and arguments in all; the accessible summaries of `profiles.list`; an event in
//! each subscriber's language; the console in
//! the language of its environment, and in the pseudo-locale through its table.

#![cfg(unix)]

use std::collections::BTreeSet;

use llm_agent_client::{Client, ClientError};
use llm_agent_protocol::events::{SafeStorageEvent, Topic};
use llm_agent_protocol::methods::profiles::{Create, CreateParams, FieldError, List, ListParams};
use llm_agent_protocol::safe_storage::SafeStorageState;
use llm_agent_protocol::{ErrorCode, WireError, value};
use llm_agent_tests::TestAgent;
use llm_agent_tests::console::{self, assert_exit};
use llm_agent_tests::keyring::KeyringSession;
use llm_agent_tests::live::next_of;
use llm_agent_tests::profiles::{create, ollama, remote, rename, update};

/// A create with several bad fields: no name, an endpoint with a password, a provider
/// nobody knows, an option that is not a number.
fn bad_create() -> CreateParams {
    let mut params = ollama("", "http://user:secret@127.0.0.1:11434", "llama3.2");
    params.provider = "nonsense".into();
    params
}

async fn refused(client: &Client, params: CreateParams) -> WireError {
    match client.call::<Create>(params).await {
        Err(ClientError::Remote(error)) => error,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn field_errors(error: &WireError) -> Vec<FieldError> {
    value::from_value(error.details.as_ref().expect("details")).expect("field errors")
}

/// Everything of an error but its rendered texts.
fn ids_and_args(error: &WireError) -> String {
    let fields: Vec<_> = field_errors(error)
        .into_iter()
        .map(|f| (f.field, f.code, f.message_id, f.message_args))
        .collect();
    format!(
        "{:?} {:?} {:?} {:?} {:?} {fields:?}",
        error.code,
        error.message_id,
        error.message_args,
        error.remediation_id,
        error.remediation_args
    )
}

fn texts(error: &WireError) -> Vec<String> {
    let mut texts = vec![
        error.message.clone(),
        error.remediation.clone().unwrap_or_default(),
    ];
    texts.extend(field_errors(error).into_iter().map(|f| f.message));
    texts
}

#[tokio::test]
async fn a_failing_create_reads_in_each_language_with_the_same_ids_and_arguments() {
    let keyring = KeyringSession::start();
    let agent = TestAgent::with_keyring(&keyring);
    let mut answers = Vec::new();
    for (asked, agreed) in [
        (&["en"][..], "en"),
        (&["de-AT", "en"][..], "de"),
        (&["fr-FR", "es-MX"][..], "es"),
        (&["fr", "ja"][..], "en"),
    ] {
        let client = agent.client_in(asked).await;
        assert_eq!(client.hello().locale.as_deref(), Some(agreed), "{asked:?}");
        let error = refused(&client, bad_create()).await;
        assert_eq!(error.code, ErrorCode::ValidationError);
        answers.push((agreed, error));
    }
    let (_, english) = &answers[0];
    let fields: BTreeSet<String> = field_errors(english).into_iter().map(|f| f.field).collect();
    assert_eq!(
        fields,
        ["endpoint", "name", "provider"].map(String::from).into(),
        "{english:?}"
    );
    assert!(english.message_id.as_deref() == Some("fields_need_attention"));
    for (agreed, error) in &answers[1..] {
        assert_eq!(ids_and_args(error), ids_and_args(english), "{agreed}");
    }
    // Each language its own words; an unknown language reads English.
    let rendered: Vec<Vec<String>> = answers.iter().map(|(_, error)| texts(error)).collect();
    let [en, de, es, unknown] = <[Vec<String>; 4]>::try_from(rendered).expect("four answers");
    assert_eq!(unknown, en);
    for (i, english) in en.iter().enumerate() {
        assert_ne!(&de[i], english, "German {i}: {de:?}");
        assert_ne!(&es[i], english, "Spanish {i}: {es:?}");
        assert_ne!(de[i], es[i]);
    }
    // The arguments reach the texts: the count in every language.
    assert!(en[0].starts_with('3'), "{en:?}");
    assert!(
        de[0].starts_with('3') && es[0].starts_with('3'),
        "{de:?} {es:?}"
    );
    // Neither the password nor the rest of the URL is repeated in any language.
    for text in en.iter().chain(&de).chain(&es) {
        assert!(!text.contains("secret"), "{text}");
    }
}

#[tokio::test]
async fn each_listed_profile_has_an_accessible_summary_in_the_connections_language() {
    let keyring = KeyringSession::start();
    let agent = TestAgent::with_keyring(&keyring);
    let english = agent.client().await;
    let id = create(
        &english,
        ollama("Local Llama", "http://127.0.0.1:11434", "llama3.2"),
    )
    .await;
    let german = agent.client_in(&["de"]).await;
    let with_summaries = || ListParams {
        accessible_summaries: true,
        ..ListParams::default()
    };
    let plain = english
        .call::<List>(ListParams::default())
        .await
        .expect("list");
    assert!(plain.accessible_summaries.is_empty(), "only when asked for");
    let listed_en = english.call::<List>(with_summaries()).await.expect("list");
    let listed_de = german.call::<List>(with_summaries()).await.expect("list");
    let en = &listed_en.accessible_summaries[&id];
    let de = &listed_de.accessible_summaries[&id];
    assert_eq!(en.text_id, "profile_summary");
    assert_eq!((&de.text_id, &de.text_args), (&en.text_id, &en.text_args));
    assert_eq!(
        en.text,
        "Local Llama: Ollama on this computer, model llama3.2; no API key needed; not tested yet."
    );
    assert!(de.text.starts_with("Local Llama: Ollama "), "{}", de.text);
    assert_ne!(de.text, en.text);
    // Asked again, each gets its own language (the encodings are kept per language).
    let again_en = english.call::<List>(with_summaries()).await.expect("list");
    assert_eq!(again_en.accessible_summaries[&id].text, en.text);
    let again_de = german.call::<List>(with_summaries()).await.expect("list");
    assert_eq!(again_de.accessible_summaries[&id].text, de.text);
}

#[tokio::test]
async fn the_console_speaks_its_environments_language_and_lang_overrides_it() {
    let keyring = KeyringSession::start();
    let agent = TestAgent::with_keyring(&keyring);
    // An unknown profile id: the agent's message and remediation, and the console's frame.
    let args = ["profiles", "get", "6f1c1a57-3b0e-4c8e-9d51-6a1d2c3b4a59"];
    let english = console::run(&agent, &args, None).await;
    let mut german_env = console::command(&agent, &args);
    german_env.env("LANG", "de_DE.UTF-8");
    let german = german_env.output().await.expect("run llm-console");
    let mut spanish_over_german =
        console::command(&agent, &[&["--lang", "es"][..], &args].concat());
    spanish_over_german.env("LC_ALL", "de_DE.UTF-8");
    let spanish = spanish_over_german.output().await.expect("run llm-console");
    for output in [&english, &german, &spanish] {
        assert_exit(output, 1);
    }
    let [en, de, es] = [&english, &german, &spanish].map(|o| console::text(&o.stderr));
    assert!(en.contains("no profile has the id 6f1c1a57"), "{en}");
    assert!(de.contains("6f1c1a57") && de != en, "{de}");
    assert!(es.contains("6f1c1a57") && es != en && es != de, "{es}");
    // The console's own labels too.
    let client = agent.client().await;
    let id = create(
        &client,
        ollama("Local", "http://127.0.0.1:11434", "llama3.2"),
    )
    .await;
    let shown = console::run(&agent, &["--lang", "de", "profiles", "get", &id], None).await;
    assert_exit(&shown, 0);
    let shown = console::text(&shown.stdout);
    assert!(
        shown.contains("Anbieter") && shown.contains("nicht erteilt"),
        "{shown}"
    );
}

#[tokio::test]
async fn the_pseudo_locale_runs_through_the_consoles_table_aligned() {
    let keyring = KeyringSession::start();
    let agent = TestAgent::with_keyring(&keyring);
    let client = agent.client().await;
    create(
        &client,
        ollama("Local", "http://127.0.0.1:11434", "llama3.2"),
    )
    .await;
    create(
        &client,
        ollama("Ünïcode name", "http://127.0.0.1:11435", "qwen2.5:7b"),
    )
    .await;
    let output = console::run(&agent, &["--lang", "en-XA", "profiles", "list"], None).await;
    assert_exit(&output, 0);
    let text = console::text(&output.stdout);
    let lines: Vec<&str> = text.lines().collect();
    let (header, rows) = (lines[0], &lines[1..3]);
    assert!(
        header.starts_with("[ÑÅṀÉ"),
        "the headers are pseudo-localized: {text}"
    );
    // Every column starts at the same character in the header and in each row: the
    // accented, longer headers set the widths, counted in characters, not bytes.
    let starts = |line: &str| -> Vec<usize> {
        let chars: Vec<char> = line.chars().collect();
        (0..chars.len())
            .filter(|&i| i >= 2 && chars[i] != ' ' && chars[i - 1] == ' ' && chars[i - 2] == ' ')
            .collect()
    };
    let header_starts = starts(header);
    assert_eq!(header_starts.len(), 6, "seven columns: {header}");
    for row in rows {
        // A row's cells start where the header's do (an empty cell has no start).
        let row_starts = starts(row);
        assert!(row_starts.len() >= 5, "{row}");
        assert!(
            row_starts.iter().all(|s| header_starts.contains(s)),
            "misaligned:\n{header}\n{row}"
        );
    }
    // Each header grew by at least 40% over its English.
    let english = console::run(&agent, &["profiles", "list"], None).await;
    let english_text = console::text(&english.stdout);
    let cells = |line: &str| -> Vec<String> {
        line.split("  ")
            .map(str::trim)
            .filter(|cell| !cell.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let (pseudo_cells, english_cells) = (
        cells(header),
        cells(english_text.lines().next().unwrap_or_default()),
    );
    assert_eq!(pseudo_cells.len(), english_cells.len());
    for (pseudo, english) in pseudo_cells.iter().zip(&english_cells) {
        assert!(
            pseudo.chars().count() * 10 >= english.chars().count() * 14,
            "{pseudo} for {english}"
        );
    }
    // The safe-storage line, the console's own text, is pseudo too.
    assert!(
        lines.iter().any(|l| l.starts_with("[šáƒé šţöŕáĝé")),
        "{text}"
    );
}

#[tokio::test]
async fn an_event_reaches_each_subscriber_in_its_own_language() {
    let mut keyring = KeyringSession::start();
    let agent = TestAgent::with_keyring(&keyring);
    let english = agent.client().await;
    let spanish = agent.client_in(&["es"]).await;
    let id = create(&english, remote("Remote", "sk-live-abcdefgh1234")).await;
    let mut english_events = english
        .subscribe([Topic::SafeStorage])
        .await
        .expect("subscribe");
    let mut spanish_events = spanish
        .subscribe([Topic::SafeStorage])
        .await
        .expect("subscribe");

    keyring.stop_daemon();
    let refused = update(&english, &id, rename("during the outage")).await;
    assert!(refused.is_err(), "the keyring is gone");
    let [en, es]: [SafeStorageEvent; 2] = [
        next_of(&mut english_events, "safe_storage")
            .await
            .data_as()
            .expect("an event"),
        next_of(&mut spanish_events, "safe_storage")
            .await
            .data_as()
            .expect("an event"),
    ];
    for event in [&en, &es] {
        assert_eq!(event.status.state, SafeStorageState::Unavailable);
    }
    let (en, es) = (en.status, es.status);
    assert!(
        en.reason_id.is_some() && en.remediation_id.is_some(),
        "{en:?}"
    );
    assert_eq!(
        (
            &es.reason_id,
            &es.reason_args,
            &es.remediation_id,
            &es.remediation_args
        ),
        (
            &en.reason_id,
            &en.reason_args,
            &en.remediation_id,
            &en.remediation_args
        )
    );
    assert!(
        en.reason
            .as_deref()
            .is_some_and(|r| r.starts_with("safe storage is unavailable"))
    );
    assert_ne!(es.reason, en.reason, "{es:?}");
    assert_ne!(es.remediation, en.remediation, "{es:?}");
}
