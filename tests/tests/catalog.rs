//! The catalog and roles through the real binary: the shipped catalog, the learner's edits
//! kept across a restart, default models on create, deprecation warnings, roles and the
//! successor rules, and a prompt test's estimated cost.

use std::time::Duration;

use llm_agent_client::{CallOptions, Client};
use llm_agent_protocol::ErrorCode;
use llm_agent_protocol::methods::catalog::{
    DeprecateModel, GetRoles, List, ListParams, ModelRef, ReactivateModel, Roles, SetDefaultModel,
    SetProvider, SetProviderParams, SetRole, SetRoleParams, UpsertModel, UpsertModelParams,
};
use llm_agent_protocol::methods::profiles::{
    Create, CreateParams, Delete, DeleteParams, Test, TestParams,
};
use llm_agent_protocol::patch::Patch;
use llm_agent_tests::TestAgent;
use llm_agent_tests::dialects::{ollama, openai};
use llm_agent_tests::http_fixture::HttpFixture;
use llm_agent_tests::keyring::KeyringSession;
use llm_agent_tests::profiles::{self, LOCAL_ENDPOINT, create};

fn role(roles: &Roles, name: &str) -> (Option<String>, bool) {
    let binding = roles.roles.iter().find(|r| r.role == name).expect(name);
    (binding.profile_id.clone(), binding.same_as_tutor)
}

async fn catalog_provider(
    client: &Client,
    provider: &str,
) -> llm_agent_protocol::methods::catalog::CatalogProvider {
    client
        .call::<List>(ListParams {
            provider: Some(provider.into()),
        })
        .await
        .unwrap()
        .providers
        .into_iter()
        .next()
        .expect(provider)
}

#[tokio::test]
async fn edits_change_defaults_and_warnings_and_survive_a_restart() {
    let keyring = KeyringSession::start();
    let mut agent = TestAgent::with_keyring(&keyring);
    let client = agent.client().await;

    let catalog = client.call::<List>(ListParams::default()).await.unwrap();
    assert!(!catalog.shipped_as_of.is_empty());
    let openai = catalog
        .providers
        .iter()
        .find(|p| p.kind == "openai")
        .unwrap();
    let default = openai.default_model.clone().expect("openai has a default");
    assert!(openai.requires_key && !openai.local && openai.parallelism == 1);

    // A create without a model gets the provider's default.
    let created = client
        .call::<Create>(CreateParams {
            name: "Default model".into(),
            provider: "ollama".into(),
            endpoint: LOCAL_ENDPOINT.into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let ollama_default = catalog_provider(&client, "ollama")
        .await
        .default_model
        .unwrap();
    assert_eq!(created.profile.model, ollama_default);

    // The learner adds a model, makes it the default, and deprecates another.
    let added = client
        .call::<UpsertModel>(UpsertModelParams {
            provider: "ollama".into(),
            id: "tutor-special:7b".into(),
            display_name: Some("Tutor special".into()),
            context_window: Some(32_768),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(added.edited && added.status == "active");
    assert_eq!(added.price_source, "local");
    let provider = client
        .call::<SetDefaultModel>(ModelRef {
            provider: "ollama".into(),
            model: "tutor-special:7b".into(),
        })
        .await
        .unwrap();
    assert_eq!(provider.default_model.as_deref(), Some("tutor-special:7b"));
    let second = client
        .call::<Create>(CreateParams {
            model: String::new(),
            ..profiles::ollama("Second", LOCAL_ENDPOINT, "")
        })
        .await
        .unwrap();
    assert_eq!(second.profile.model, "tutor-special:7b");
    assert!(second.warnings.is_empty());

    let deprecated = client
        .call::<DeprecateModel>(ModelRef {
            provider: "ollama".into(),
            model: ollama_default.clone(),
        })
        .await
        .unwrap();
    assert_eq!(deprecated.status, "deprecated");
    let warned = client
        .call::<Create>(profiles::ollama(
            "Old model",
            LOCAL_ENDPOINT,
            &ollama_default,
        ))
        .await
        .expect("a deprecated model is a warning, not an error");
    assert_eq!(warned.warnings[0].code, "model_deprecated");

    // A user price on a remote model; bad input is refused with every field named.
    let priced = client
        .call::<UpsertModel>(UpsertModelParams {
            provider: "openai".into(),
            id: default.clone(),
            input_per_mtok: Some(1.0),
            output_per_mtok: Some(2.0),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(priced.price_source, "user");
    let bad = client
        .call::<UpsertModel>(UpsertModelParams {
            provider: "openai".into(),
            id: "".into(),
            input_per_mtok: Some(-3.0),
            ..Default::default()
        })
        .await
        .expect_err("refused");
    assert_eq!(bad.wire_error().unwrap().code, ErrorCode::ValidationError);
    let unknown = client
        .call::<DeprecateModel>(ModelRef {
            provider: "nobody".into(),
            model: "x".into(),
        })
        .await
        .expect_err("unknown provider");
    assert_eq!(unknown.wire_error().unwrap().code, ErrorCode::InvalidParams);
    let limited = client
        .call::<SetProvider>(SetProviderParams {
            provider: "openai".into(),
            parallelism: Patch::Set(3),
        })
        .await
        .unwrap();
    assert!(limited.parallelism == 3 && limited.parallelism_edited);

    // Edits survive a restart; reactivation undoes a deprecation.
    drop(client);
    agent.kill9();
    agent.restart();
    let client = agent.client().await;
    let ollama = catalog_provider(&client, "ollama").await;
    assert_eq!(ollama.default_model.as_deref(), Some("tutor-special:7b"));
    let old = ollama
        .models
        .iter()
        .find(|m| m.id == ollama_default)
        .unwrap();
    assert_eq!(old.status, "deprecated");
    assert!(catalog_provider(&client, "openai").await.parallelism_edited);
    let back = client
        .call::<ReactivateModel>(ModelRef {
            provider: "ollama".into(),
            model: ollama_default,
        })
        .await
        .unwrap();
    assert_eq!(back.status, "active");
}

#[tokio::test]
async fn roles_follow_the_tutor_until_pinned_and_fall_back_on_delete() {
    let keyring = KeyringSession::start();
    let agent = TestAgent::with_keyring(&keyring);
    let client = agent.client().await;
    let a = create(&client, profiles::local("A")).await;
    let b = create(
        &client,
        profiles::ollama("B", "http://127.0.0.1:11435", "llama3.2"),
    )
    .await;

    let roles = client.call::<GetRoles>(Default::default()).await.unwrap();
    assert_eq!(role(&roles, "tutor"), (Some(a.clone()), false));
    assert_eq!(role(&roles, "infrastructure"), (Some(a.clone()), true));

    let set = |role: &str, id: Option<&str>| SetRoleParams {
        role: role.into(),
        profile_id: id.map(Into::into),
    };
    let roles = client
        .call::<SetRole>(set("infrastructure", Some(&b)))
        .await
        .unwrap();
    assert_eq!(role(&roles, "infrastructure"), (Some(b.clone()), false));
    let roles = client
        .call::<SetRole>(set("tutor", Some(&b)))
        .await
        .unwrap();
    assert_eq!(role(&roles, "tutor"), (Some(b.clone()), false));

    // Deleting the profile both roles use: the successor becomes the tutor, and
    // infrastructure follows it again.
    client
        .call::<Delete>(DeleteParams {
            id: b.clone(),
            successor_id: Some(a.clone()),
        })
        .await
        .unwrap();
    let roles = client.call::<GetRoles>(Default::default()).await.unwrap();
    assert_eq!(role(&roles, "tutor"), (Some(a.clone()), false));
    assert_eq!(role(&roles, "infrastructure"), (Some(a.clone()), true));

    for (params, code) in [
        (set("tutor", None), ErrorCode::InvalidParams),
        (set("janitor", Some(&a)), ErrorCode::InvalidParams),
        (set("infrastructure", Some(&b)), ErrorCode::ProfileNotFound),
    ] {
        let err = client.call::<SetRole>(params).await.expect_err("refused");
        assert_eq!(err.wire_error().unwrap().code, code);
    }
}

#[tokio::test]
async fn a_prompt_test_reports_its_estimated_cost() {
    let keyring = KeyringSession::start();
    let agent = TestAgent::with_keyring(&keyring);
    let client = agent.client().await;
    let run = |id: String| {
        let client = client.clone();
        async move {
            client
                .call_with::<Test>(
                    TestParams {
                        id,
                        prompt: None,
                        timeout_ms: None,
                    },
                    CallOptions::default().timeout(Duration::from_secs(40)),
                )
                .await
                .unwrap()
                .result
        }
    };

    // A local server is free.
    let local_server = HttpFixture::start(|_| ollama::stream("llama3.2", &["Hi"], (20, 5))).await;
    let id = create(
        &client,
        profiles::ollama("Local", &local_server.url(), "llama3.2"),
    )
    .await;
    let cost = run(id).await.estimated_cost.expect("a cost");
    assert_eq!(
        (cost.amount_usd, cost.source.as_str()),
        (Some(0.0), "local")
    );

    // An OpenAI model at the learner's price: 1M input tokens at $2, 0.5M output at $8.
    let api =
        HttpFixture::start(|_| openai::stream("priced", &["Hi"], Some((1_000_000, 500_000)))).await;
    client
        .call::<UpsertModel>(UpsertModelParams {
            provider: "openai".into(),
            id: "priced".into(),
            input_per_mtok: Some(2.0),
            output_per_mtok: Some(8.0),
            ..Default::default()
        })
        .await
        .unwrap();
    let id = client
        .call::<Create>(CreateParams {
            name: "Priced".into(),
            provider: "openai".into(),
            endpoint: format!("{}/v1", api.url()),
            model: "priced".into(),
            api_key: Some("sk-test-123456".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .profile
        .id;
    let outcome = run(id).await;
    let cost = outcome.estimated_cost.clone().expect("a cost");
    // A price wins over the endpoint being on this machine (a proxy to a paid API).
    assert_eq!(cost.source, "user", "{outcome:?}");
    assert!((cost.amount_usd.unwrap() - 6.0).abs() < 1e-9, "{cost:?}");
    assert!(cost.as_of.is_some());
}
