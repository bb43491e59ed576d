//! `llm-console catalog` and `llm-console roles` against the real agent, as a person and a
//! script see them: the shipped catalog with each provider's default, a default model
//! filling in a profile created without `--model`, the warning for a deprecated model,
//! the infrastructure role following the tutor until pinned and again after a delete, and
//! a prompt test's cost.

use llm_agent_tests::TestAgent;
use llm_agent_tests::console::{
    EXIT_FAILED, assert_exit, failed, human, json, json_document, run as console, text,
};
use llm_agent_tests::dialects::ollama;
use llm_agent_tests::http_fixture::HttpFixture;
use llm_agent_tests::keyring::KeyringSession;
use llm_agent_tests::profiles;
use serde_json::Value;

/// A key of the right shape; no request ever reaches OpenAI in these tests.
const API_KEY: &str = "sk-test-console-catalog-1234";

/// A model no shipped catalog has, so the test does not depend on the shipped figures.
const MODEL: &str = "console-test-model";

/// The entry of `document`'s array `list` whose `field` is `wanted`.
fn entry<'a>(document: &'a Value, list: &str, field: &str, wanted: &str) -> &'a Value {
    document[list]
        .as_array()
        .expect(list)
        .iter()
        .find(|entry| entry[field] == wanted)
        .unwrap_or_else(|| panic!("no {wanted} in {document}"))
}

fn provider<'a>(catalog: &'a Value, kind: &str) -> &'a Value {
    entry(catalog, "providers", "kind", kind)
}

/// `profiles create` of an Ollama profile at `endpoint`, with `--model` if given.
fn create_ollama<'a>(name: &'a str, endpoint: &'a str, model: Option<&'a str>) -> Vec<&'a str> {
    let mut args = vec![
        "profiles",
        "create",
        "--name",
        name,
        "--provider",
        "ollama",
        "--endpoint",
        endpoint,
    ];
    args.extend(model.into_iter().flat_map(|model| ["--model", model]));
    args
}

/// The id in a `profiles create --json` document.
fn created_id(created: &Value) -> String {
    created["profile"]["id"]
        .as_str()
        .expect("the new profile's id")
        .to_owned()
}

/// Creates an Ollama profile on this machine (no key, no consent needed) and returns its id.
async fn local_profile(agent: &TestAgent, name: &str) -> String {
    created_id(&json(agent, &create_ollama(name, profiles::LOCAL_ENDPOINT, None)).await)
}

fn binding<'a>(roles: &'a Value, role: &str) -> &'a Value {
    entry(roles, "roles", "role", role)
}

#[tokio::test]
async fn the_catalog_shows_defaults_and_a_new_default_fills_in_the_model() {
    let keyring = KeyringSession::start();
    let agent = TestAgent::with_keyring(&keyring);

    let catalog = json(&agent, &["catalog"]).await;
    let openai = provider(&catalog, "openai");
    let default = openai["default_model"]
        .as_str()
        .expect("openai has a default model")
        .to_owned();
    assert_eq!(openai["requires_key"], true);
    assert!(
        openai["models"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["id"] == default.as_str() && m["price_source"] == "catalog"),
        "{openai}"
    );

    let listed = human(&agent, &["catalog", "list", "--provider", "openai"]).await;
    assert!(
        listed.starts_with("OpenAI (openai): https://api.openai.com/v1; "),
        "{listed}"
    );
    let default_row = listed
        .lines()
        .find(|line| line.trim_start().starts_with(&format!("{default} ")))
        .unwrap_or_else(|| panic!("no row for {default}:\n{listed}"));
    assert!(default_row.ends_with("default"), "{default_row}");
    assert!(!listed.contains("Ollama"), "filtered to openai:\n{listed}");

    let saved = json(
        &agent,
        &[
            "catalog",
            "upsert",
            "openai",
            MODEL,
            "--name",
            "Console Test",
            "--input-price",
            "0.25",
            "--output-price",
            "2",
        ],
    )
    .await;
    assert_eq!(saved["id"], MODEL);
    assert_eq!(saved["price_source"], "user");
    assert_eq!(saved["status"], "active");
    assert_eq!(saved["edited"], true);

    let shown = human(&agent, &["catalog", "set-default", "openai", MODEL]).await;
    assert!(
        shown.contains(&format!("\ndefault model: {MODEL}")),
        "{shown}"
    );

    // No --model: the agent gives the provider's default.
    let output = console(
        &agent,
        &[
            "profiles",
            "create",
            "--name",
            "Work",
            "--provider",
            "openai",
            "--endpoint",
            "https://api.openai.com/v1",
            "--with-api-key",
            "--consent",
            "--json",
        ],
        Some(&format!("{API_KEY}\n")),
    )
    .await;
    assert_exit(&output, 0);
    let created = json_document(&output);
    assert_eq!(created["profile"]["model"], MODEL, "{created}");
    assert!(created.get("warnings").is_none(), "{created}");

    let listed = human(&agent, &["catalog", "--provider", "openai"]).await;
    let row = listed
        .lines()
        .find(|line| line.trim_start().starts_with(&format!("{MODEL} ")))
        .unwrap_or_else(|| panic!("no row for {MODEL}:\n{listed}"));
    for cell in ["0.25", "2.00", "user", "default, edited"] {
        assert!(row.contains(cell), "{cell:?} in {row}");
    }
    let old_default = listed
        .lines()
        .find(|line| line.trim_start().starts_with(&format!("{default} ")))
        .unwrap();
    assert!(!old_default.contains("default"), "{old_default}");

    let parallel = json(
        &agent,
        &["catalog", "set-provider", "openai", "--parallelism", "2"],
    )
    .await;
    assert_eq!(parallel["parallelism"], 2);
    assert_eq!(parallel["parallelism_edited"], true);
    let reset = json(
        &agent,
        &["catalog", "set-provider", "openai", "--default-parallelism"],
    )
    .await;
    assert_eq!(reset["parallelism"], openai["parallelism"]);
    assert_eq!(reset["parallelism_edited"], false);

    // A refused edit names the console's flags.
    let stderr = failed(
        &agent,
        &["catalog", "upsert", "openai", MODEL, "--input-price", "-1"],
        EXIT_FAILED,
    )
    .await;
    assert!(stderr.starts_with("error: VALIDATION_ERROR: "), "{stderr}");
    assert!(
        stderr.contains("`input_per_mtok` is --input-price"),
        "{stderr}"
    );
    let stderr = failed(
        &agent,
        &["catalog", "set-default", "openai", "no-such-model"],
        EXIT_FAILED,
    )
    .await;
    assert!(stderr.starts_with("error: INVALID_PARAMS: "), "{stderr}");
}

#[tokio::test]
async fn choosing_a_deprecated_model_warns_and_still_creates() {
    let keyring = KeyringSession::start();
    let agent = TestAgent::with_keyring(&keyring);

    let added = human(&agent, &["catalog", "upsert", "ollama", MODEL]).await;
    assert!(
        added.starts_with(&format!("saved ollama/{MODEL}\n")),
        "{added}"
    );
    let deprecated = json(&agent, &["catalog", "deprecate", "ollama", MODEL]).await;
    assert_eq!(deprecated["status"], "deprecated");
    let listed = human(&agent, &["catalog", "--provider", "ollama"]).await;
    assert!(
        listed
            .lines()
            .any(|line| line.trim_start().starts_with(MODEL) && line.contains(" deprecated ")),
        "{listed}"
    );

    let create = |name: &'static str| create_ollama(name, profiles::LOCAL_ENDPOINT, Some(MODEL));
    // A person sees the warning on stderr, after the profile.
    let output = console(&agent, &create("Old"), None).await;
    assert_exit(&output, 0);
    assert!(text(&output.stdout).starts_with("created \"Old\""));
    let stderr = text(&output.stderr);
    assert!(stderr.starts_with("warning: "), "{stderr}");
    assert!(stderr.contains(MODEL), "{stderr}");

    // A script gets it in the document.
    let created = json(&agent, &create("Older")).await;
    assert_eq!(created["profile"]["model"], MODEL);
    assert_eq!(
        created["warnings"][0]["code"], "model_deprecated",
        "{created}"
    );

    let reactivated = human(&agent, &["catalog", "reactivate", "ollama", MODEL]).await;
    assert!(
        reactivated.contains("\nstatus        active\n"),
        "{reactivated}"
    );
    let output = console(&agent, &create("Current"), None).await;
    assert_exit(&output, 0);
    assert_eq!(text(&output.stderr), "", "no warning once reactivated");
}

#[tokio::test]
async fn infrastructure_follows_the_tutor_until_pinned_and_again_after_a_delete() {
    let keyring = KeyringSession::start();
    let agent = TestAgent::with_keyring(&keyring);
    let tutor = local_profile(&agent, "Tutor").await;
    let helper = local_profile(&agent, "Helper").await;

    let roles = json(&agent, &["roles"]).await;
    assert_eq!(binding(&roles, "tutor")["profile_id"], tutor.as_str());
    let infrastructure = binding(&roles, "infrastructure");
    assert_eq!(infrastructure["same_as_tutor"], true);
    assert_eq!(infrastructure["profile_id"], tutor.as_str());
    let shown = human(&agent, &["roles", "get"]).await;
    let line = shown
        .lines()
        .find(|line| line.starts_with("infrastructure "))
        .unwrap_or_else(|| panic!("no infrastructure line:\n{shown}"));
    for cell in ["Tutor", tutor.as_str(), "same as tutor"] {
        assert!(line.contains(cell), "{cell:?} in {line}");
    }

    let shown = human(&agent, &["roles", "set", "infrastructure", &helper]).await;
    assert!(
        shown.starts_with(&format!("infrastructure now uses \"Helper\" ({helper})\n")),
        "{shown}"
    );
    let roles = json(&agent, &["roles"]).await;
    let infrastructure = binding(&roles, "infrastructure");
    assert_eq!(infrastructure["same_as_tutor"], false);
    assert_eq!(infrastructure["profile_id"], helper.as_str());
    assert_eq!(binding(&roles, "tutor")["profile_id"], tutor.as_str());

    // Deleting the profile infrastructure uses makes it follow the tutor again.
    human(&agent, &["profiles", "delete", &helper]).await;
    let roles = json(&agent, &["roles"]).await;
    let infrastructure = binding(&roles, "infrastructure");
    assert_eq!(infrastructure["same_as_tutor"], true, "{roles}");
    assert_eq!(infrastructure["profile_id"], tutor.as_str());

    // Pinned again, then back to the tutor by hand.
    let other = local_profile(&agent, "Other").await;
    json(&agent, &["roles", "set", "infrastructure", &other]).await;
    let shown = human(
        &agent,
        &["roles", "set", "infrastructure", "--same-as-tutor"],
    )
    .await;
    assert!(
        shown.starts_with("infrastructure now follows the tutor\n"),
        "{shown}"
    );

    // `tutor` activates the profile.
    let roles = json(&agent, &["roles", "set", "tutor", &other]).await;
    assert_eq!(binding(&roles, "tutor")["profile_id"], other.as_str());
    let list = json(&agent, &["profiles", "list"]).await;
    assert_eq!(list["active_id"], other.as_str());

    for (args, code) in [
        (
            vec!["roles", "set", "tutor", "--same-as-tutor"],
            "INVALID_PARAMS",
        ),
        (
            vec!["roles", "set", "nobody", tutor.as_str()],
            "INVALID_PARAMS",
        ),
        (
            vec![
                "roles",
                "set",
                "infrastructure",
                "00000000-0000-4000-8000-000000000000",
            ],
            "PROFILE_NOT_FOUND",
        ),
    ] {
        let stderr = failed(&agent, &args, EXIT_FAILED).await;
        assert!(
            stderr.starts_with(&format!("error: {code}: ")),
            "{args:?}: {stderr}"
        );
    }
}

#[tokio::test]
async fn a_prompt_test_on_this_machine_costs_nothing() {
    let fixture = HttpFixture::start(|_| ollama::stream("llama3.2", &["Hi."], (12, 5))).await;
    let keyring = KeyringSession::start();
    let agent = TestAgent::with_keyring(&keyring);
    let endpoint = fixture.url();
    let created = json(
        &agent,
        &create_ollama("Scripted", &endpoint, Some("llama3.2")),
    )
    .await;
    let id = created_id(&created);

    let shown = human(&agent, &["profiles", "test", &id]).await;
    assert!(
        shown.contains("\ncost         none: the model runs on this machine\n"),
        "{shown}"
    );
    let outcome = json(&agent, &["profiles", "test", &id]).await;
    assert_eq!(outcome["estimated_cost"]["source"], "local", "{outcome}");
    assert_eq!(outcome["estimated_cost"]["amount_usd"], 0.0);
}
