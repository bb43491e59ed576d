// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with
// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.

/** The protocol version this client speaks in `hello`. */
export const PROTOCOL_VERSION = 1;

/** The default and maximum size of one frame's body, in bytes; `hello` announces the agent's. */
export const DEFAULT_MAX_FRAME_LEN = 4194304;

/** The size of a frame's length prefix (a u32, big-endian), in bytes. */
export const FRAME_HEADER_LEN = 4;

/** The deepest nesting of maps and arrays a message may have. */
export const MAX_NESTING = 32;

/** The longest correlation ID the agent keeps (1 to this many printable ASCII characters). */
export const MAX_CORRELATION_ID_LEN = 128;

/** The longest socket path Linux accepts, in bytes (its `sun_path` less the NUL). */
export const MAX_SOCKET_PATH_LEN_LINUX = 107;

/** The longest socket path other Unix systems (macOS, the BSDs) accept, in bytes. */
export const MAX_SOCKET_PATH_LEN_OTHER_UNIX = 103;

/** The longest named-pipe path Windows accepts, in bytes. */
export const MAX_SOCKET_PATH_LEN_WINDOWS = 256;

/** The `timeout_ms` of a `profiles.test` that gives none. */
export const DEFAULT_TEST_TIMEOUT_MS = 30000;

/** The longest `timeout_ms` a `profiles.test` accepts. */
export const MAX_TEST_TIMEOUT_MS = 30000;

/** The budget of a `discovery.run` that gives no `timeout_ms`. */
export const DEFAULT_SWEEP_TIMEOUT_MS = 800;

/** The shortest budget a `discovery.run` accepts. */
export const MIN_SWEEP_TIMEOUT_MS = 50;

/** The longest budget a `discovery.run` accepts. */
export const MAX_SWEEP_TIMEOUT_MS = 10000;

/** The `timeout_ms` of a `chat.run` that gives none. */
export const DEFAULT_CHAT_TIMEOUT_MS = 120000;

/** The most reply text one `chat.run` passes on, in bytes of UTF-8: its deltas, joined, are never more. */
export const MAX_REPLY_TEXT_BYTES = 1048576;

/** The topic of the last event of a subscription that fell behind; its data is `Lagged`. */
export const LAGGED_TOPIC = "lagged";

/** The topic of the first event of a resumed subscription whose missed changes are no longer held; its data is `Resync`. */
export const RESYNC_TOPIC = "resync";

/** Overrides the socket path (a named pipe path on Windows). */
export const SOCKET_ENV = "LLM_AGENT_SOCKET";

/** Overrides the data directory. */
export const DATA_DIR_ENV = "LLM_AGENT_DATA_DIR";

/** The folder of the agent's socket and data under the platform's directories. */
export const APP_DIR = "llm-agent";

/** The socket's file name in its folder. */
export const SOCKET_FILE = "agent.sock";

/** Where an agent started by a client logs, under its data directory. */
export const LOG_SUBDIR = "logs";

/** The agent's lock file in its data directory, held (an exclusive OS file lock) for the agent's whole life. */
export const LOCK_FILE = "agent.lock";

/** The version of llm-agent these definitions were generated with: the agent a client built on them expects. */
export const AGENT_VERSION = "0.1.0";

/** Every method the agent serves, as `hello` announces them. */
export const METHOD_NAMES = ["hello", "agent.status", "agent.shutdown", "diagnostics.query", "events.subscribe", "events.unsubscribe", "profiles.list", "profiles.get", "profiles.create", "profiles.update", "profiles.delete", "profiles.activate", "profiles.reset_secrets", "profiles.test", "discovery.run", "discovery.status", "discovery.configure", "discovery.adopt", "catalog.list", "catalog.upsert_model", "catalog.deprecate_model", "catalog.reactivate_model", "catalog.set_default_model", "catalog.set_provider", "roles.get", "roles.set", "profiles.health", "diagnostics.export", "audit.query", "audit.verify", "chat.run", "profiles.models", "usage.summary", "usage.set_cap"] as const;

/** Every topic a client can subscribe to. */
export const TOPICS = ["diagnostics", "discovery", "profiles", "safe_storage", "roles", "catalog", "usage"] as const;

/** The topics whose events carry a `revision`, from which a subscription can resume. */
export const STATE_TOPICS = ["profiles", "safe_storage", "roles", "catalog"] as const;

/** Every provider this agent knows, as a profile's `provider`. */
export const PROVIDERS = ["ollama", "llama_cpp", "lm_studio", "vllm", "localai", "koboldcpp", "text_generation_webui", "jan", "gpt4all", "docker_model_runner", "openai_compatible", "openai", "azure_openai", "anthropic"] as const;

/** Providers that refuse requests without an API key. */
export const PROVIDERS_REQUIRING_KEY = ["openai", "azure_openai", "anthropic"] as const;

/** Every role this agent knows. */
export const ROLES = ["tutor", "infrastructure"] as const;
