//! Canned fake model servers on the [`HttpFixture`], for discovery: one per kind of the
//! agent's probe table, each answering the table's paths with the bodies that server
//! sends (trimmed to what matters) and every other path as that server does: Go's 404
//! text (Ollama), 200 with an error (LM Studio), FastAPI's JSON 404 (vLLM), ...
//!
//! [`fake`] builds one from routes, for impostors and variants a test needs of its own.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::http_fixture::{HttpFixture, RecordedRequest, Script};

/// The version every fake Ollama reports.
pub const OLLAMA_VERSION: &str = "0.5.7";
/// The model a fake Ollama offers unless told otherwise.
pub const OLLAMA_MODEL: &str = "llama3.2:latest";
/// The size in bytes of every model a fake Ollama offers.
pub const OLLAMA_MODEL_SIZE: u64 = 2019393189;

/// A 200 with `value` as its JSON body.
pub fn ok(value: Value) -> Script {
    Script::json(200, &value)
}

/// `status` with `body` as plain text.
pub fn text(status: u16, body: &str) -> Script {
    Script::new()
        .status(status)
        .header("content-type", "text/plain; charset=utf-8")
        .body(body.to_owned())
}

/// A fake that answers `routes` by path and everything else with `fallback`.
pub async fn fake(
    routes: Vec<(&'static str, Script)>,
    fallback: impl Fn(&str) -> Script + Send + Sync + 'static,
) -> HttpFixture {
    let routes: BTreeMap<&'static str, Script> = routes.into_iter().collect();
    HttpFixture::start(move |request: &RecordedRequest| {
        let path = path_of(request);
        routes.get(path).cloned().unwrap_or_else(|| fallback(path))
    })
    .await
}

/// The request's path without its query string.
fn path_of(request: &RecordedRequest) -> &str {
    request.path.split('?').next().unwrap_or_default()
}

/// Go's `net/http` 404, as Ollama and other Go servers send it.
pub fn not_found(_: &str) -> Script {
    text(404, "404 page not found")
}

/// Ollama 0.5.7 offering `models`, each the same 3.2B Q4_K_M llama of
/// [`OLLAMA_MODEL_SIZE`] bytes: its greeting at `/`, `/api/version`, `/api/tags`, and Go's
/// 404 text to every other path. For a respond closure whose Ollama changes.
pub fn ollama_answer(request: &RecordedRequest, models: &[&str]) -> Script {
    let tag = |name: &str| {
        json!({
            "name": name, "model": name,
            "modified_at": "2025-01-10T10:00:00.000000+01:00", "size": OLLAMA_MODEL_SIZE,
            "digest": "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72",
            "details": {"parent_model": "", "format": "gguf", "family": "llama",
                        "families": ["llama"], "parameter_size": "3.2B",
                        "quantization_level": "Q4_K_M"}
        })
    };
    match path_of(request) {
        "/" => text(200, "Ollama is running"),
        "/api/version" => ok(json!({ "version": OLLAMA_VERSION })),
        "/api/tags" => {
            ok(json!({ "models": models.iter().map(|name| tag(name)).collect::<Vec<_>>() }))
        }
        path => not_found(path),
    }
}

/// A fake Ollama offering [`OLLAMA_MODEL`] (see [`ollama_answer`]).
pub async fn ollama() -> HttpFixture {
    HttpFixture::start(|request| ollama_answer(request, &[OLLAMA_MODEL])).await
}

/// LM Studio: 200 to unknown paths, with its error text.
pub fn lm_studio_unexpected(path: &str) -> Script {
    ok(json!({"error": format!("Unexpected endpoint or method. (GET {path})")}))
}

/// LM Studio with a loaded chat model and an embedding model.
pub async fn lm_studio() -> HttpFixture {
    fake(
        vec![
            ("/lmstudio-greeting", ok(json!({"lmstudio": true}))),
            (
                "/api/v0/models",
                ok(json!({"object": "list", "data": [
                    {"id": "qwen2.5-7b-instruct", "object": "model", "type": "llm",
                     "publisher": "lmstudio-community", "arch": "qwen2",
                     "compatibility_type": "gguf", "quantization": "Q4_K_M",
                     "state": "loaded", "max_context_length": 32768},
                    {"id": "text-embedding-nomic-embed-text-v1.5", "object": "model",
                     "type": "embeddings", "publisher": "nomic-ai", "arch": "nomic-bert",
                     "compatibility_type": "gguf", "quantization": "Q4_K_M",
                     "state": "not-loaded", "max_context_length": 2048}
                ]})),
            ),
            (
                "/v1/models",
                ok(json!({"data": [
                    {"id": "qwen2.5-7b-instruct", "object": "model", "owned_by": "organization_owner"}
                ], "object": "list"})),
            ),
        ],
        lm_studio_unexpected,
    )
    .await
}

/// llama.cpp's server with one GGUF model; it also serves Ollama's (empty) model list.
pub async fn llama_cpp() -> HttpFixture {
    fake(
        vec![
            ("/health", ok(json!({"status": "ok"}))),
            (
                "/props",
                ok(json!({
                    "default_generation_settings": {"id": 0, "n_ctx": 8192, "params": {}},
                    "total_slots": 1, "model_path": "/models/qwen2.5-7b-instruct-q4_k_m.gguf",
                    "chat_template": "", "build_info": "b4567-abcdef0"
                })),
            ),
            (
                "/v1/models",
                ok(json!({"object": "list", "data": [{
                    "id": "qwen2.5-7b-instruct-q4_k_m.gguf", "object": "model",
                    "created": 1736000000, "owned_by": "llamacpp",
                    "meta": {"vocab_type": 2, "n_vocab": 152064, "n_ctx_train": 32768,
                             "n_embd": 3584, "n_params": 7615616512u64, "size": 4677120000u64}
                }]})),
            ),
            // llama.cpp also answers Ollama's model list.
            ("/api/tags", ok(json!({"models": []}))),
        ],
        |_| {
            Script::json(
                404,
                &json!({"error": {"code": 404, "message": "File Not Found", "type": "not_found_error"}}),
            )
        },
    )
    .await
}

/// FastAPI's 404 (vLLM, text-generation-webui).
pub fn fastapi_not_found(_: &str) -> Script {
    Script::json(404, &json!({"detail": "Not Found"}))
}

/// vLLM 0.6.3 serving one model.
pub async fn vllm() -> HttpFixture {
    vllm_listing(ok(json!({"object": "list", "data": [{
        "id": "Qwen/Qwen2.5-1.5B-Instruct", "object": "model", "created": 1736000000,
        "owned_by": "vllm", "root": "Qwen/Qwen2.5-1.5B-Instruct", "parent": null,
        "max_model_len": 32768, "permission": [{"id": "modelperm-1", "object": "model_permission"}]
    }]})))
    .await
}

/// vLLM 0.6.3 started with `--api-key`: its model list refuses a request without one.
pub async fn vllm_with_key() -> HttpFixture {
    vllm_listing(Script::json(401, &json!({"error": "Unauthorized"}))).await
}

/// vLLM 0.6.3 answering its model list with `models`.
async fn vllm_listing(models: Script) -> HttpFixture {
    fake(
        vec![
            ("/health", Script::new().status(200).body(Vec::new())),
            ("/version", ok(json!({"version": "0.6.3"}))),
            ("/v1/models", models),
        ],
        fastapi_not_found,
    )
    .await
}

/// LocalAI 2.24 with a chat and a speech model.
pub async fn localai() -> HttpFixture {
    fake(
        vec![
            ("/readyz", text(200, "OK")),
            ("/healthz", text(200, "OK")),
            ("/version", ok(json!({"version": "v2.24.2 (0f4a1b2c3d4e)"}))),
            (
                "/v1/models",
                ok(json!({"object": "list", "data": [
                    {"id": "phi-2", "object": "model"},
                    {"id": "whisper-1", "object": "model"}
                ]})),
            ),
        ],
        |path| {
            Script::json(
                404,
                &json!({"error": {"code": 404, "message": format!("Cannot GET {path}"), "type": ""}}),
            )
        },
    )
    .await
}

/// KoboldCpp 1.78, which also imitates Ollama, llama.cpp and OpenAI.
pub async fn koboldcpp() -> HttpFixture {
    let models = ok(json!({"object": "list", "data": [{
        "id": "koboldcpp/Mistral-7B-Instruct-v0.3.Q4_K_M", "object": "model", "created": 1,
        "owned_by": "koboldcpp", "permission": [], "root": "koboldcpp"
    }]}));
    fake(
        vec![
            (
                "/api/extra/version",
                ok(
                    json!({"result": "KoboldCpp", "version": "1.78", "protected": false,
                          "txt2img": false, "vision": false, "transcribe": false}),
                ),
            ),
            (
                "/api/extra/true_max_context_length",
                ok(json!({"value": 8192})),
            ),
            (
                "/api/v1/model",
                ok(json!({"result": "koboldcpp/Mistral-7B-Instruct-v0.3.Q4_K_M"})),
            ),
            ("/v1/models", models.clone()),
            ("/engines/v1/models", models),
            // KoboldCpp imitates Ollama and llama.cpp too.
            ("/api/version", ok(json!({"version": "0.5.4"}))),
            (
                "/api/tags",
                ok(json!({"models": [{"name": "koboldcpp", "model": "koboldcpp", "size": 0}]})),
            ),
            (
                "/props",
                ok(json!({"default_generation_settings": {"n_ctx": 8192}, "total_slots": 1})),
            ),
        ],
        not_found,
    )
    .await
}

/// text-generation-webui with one model loaded.
pub async fn text_generation_webui() -> HttpFixture {
    fake(
        vec![
            (
                "/v1/internal/model/info",
                ok(json!({"model_name": "Qwen2.5-7B-Instruct-Q4_K_M.gguf", "lora_names": [],
                          "loader": "llama.cpp"})),
            ),
            (
                "/v1/models",
                ok(json!({"object": "list", "data": [
                    {"id": "Qwen2.5-7B-Instruct-Q4_K_M.gguf", "object": "model", "created": 0, "owned_by": "user"}
                ]})),
            ),
        ],
        fastapi_not_found,
    )
    .await
}

/// Jan: a plain OpenAI model list.
pub async fn jan() -> HttpFixture {
    fake(
        vec![(
            "/v1/models",
            ok(json!({"object": "list", "data": [
                {"id": "qwen3-4b", "object": "model", "created": 1, "owned_by": "user"}
            ]})),
        )],
        |_| text(404, "Not Found"),
    )
    .await
}

/// GPT4All: an OpenAI model list owned by `humanity`.
pub async fn gpt4all() -> HttpFixture {
    fake(
        vec![(
            "/v1/models",
            ok(json!({"object": "list", "data": [{
                "id": "Llama 3 8B Instruct", "object": "model", "created": 0,
                "owned_by": "humanity", "root": "Llama 3 8B Instruct", "parent": null,
                "permissions": [{"id": "placeholder", "object": "model_permission"}]
            }]})),
        )],
        not_found,
    )
    .await
}

/// Docker Model Runner with one model, under `/engines/v1` and its own `/models`.
pub async fn docker_model_runner() -> HttpFixture {
    fake(
        vec![
            (
                "/engines/v1/models",
                ok(json!({"object": "list", "data": [
                    {"id": "ai/smollm2", "object": "model", "created": 1742816981, "owned_by": "docker"}
                ]})),
            ),
            (
                "/models",
                ok(json!([{"id": "sha256:354bf30d0aa3", "tags": ["ai/smollm2"], "created": 1742816981,
                           "config": {"format": "gguf", "quantization": "IQ2_XXS/Q4_K_M",
                                      "parameters": "361.82 M", "architecture": "llama",
                                      "size": "256.35 MiB"}}])),
            ),
        ],
        not_found,
    )
    .await
}
