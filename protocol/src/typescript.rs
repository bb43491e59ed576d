//! TypeScript definitions of the wire types, for the TypeScript client of the Electron main
//! process (`client/typescript`). Built with the `ts` feature only; `tests/typescript.rs`
//! regenerates them and fails on any difference from the committed files under
//! `client/typescript/src/generated/`.
//!
//! Every wire type derives its definition from its Rust declaration, with one line:
//!
//! ```text
//! #[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
//! ```
//!
//! `optional_fields` turns each `Option` and [`Patch`](crate::patch::Patch) field into
//! `field?: T`, since the agent leaves out a field that has no value and a client leaves
//! out what it does not send. A few fields need a word more, in the same `cfg_attr` form:
//! - a field skipped when empty that is no `Option` (a `Vec`, a map), or a params field
//!   with `#[serde(default)]` alone that a client may leave out: `ts(optional = nullable)`,
//!   which marks it `?` and keeps its type;
//! - an `Option` the agent always writes, as nil: `ts(optional = false)`;
//! - an opaque value (`rmpv::Value`): `ts(type = "unknown")`;
//! - a `#[serde(other)]` variant: `ts(untagged, type = "(string & {})")`, since a newer agent
//!   sends values this build does not know, never the variant's own name.
//!
//! Two types with one name (`ListParams`) take a `rename` in that line: all definitions
//! share one folder, and the tests fail when two types would share a file.
//!
//! A method reaches the definitions through its line in `method_table!` (the tests fail
//! while `methods::ALL` names a method missing there), a topic's payload through its arm in
//! `topic_payload` (the compiler checks that the match is exhaustive), and a type no
//! method or topic names through `OTHER_ROOTS`.
//!
//! 64-bit integers are `number`: every u64 on the wire (ids, sequence numbers, counters,
//! durations, sizes, token counts) stays far below 2^53, and the client refuses an integer
//! beyond `Number.MAX_SAFE_INTEGER` rather than round it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use ts_rs::{Config, Dependency, TS, TypeVisitor};

use crate::envelope::{Delta, Envelope};
use crate::events::{
    CatalogEvent, DiagnosticsEvent, LAGGED_TOPIC, Lagged, ProfileEvent, RESYNC_TOPIC, Resync,
    RolesEvent, SafeStorageEvent, Topic,
};
use crate::methods::chat::ChatDelta;
use crate::methods::discovery::{
    DEFAULT_SWEEP_TIMEOUT_MS, MAX_SWEEP_TIMEOUT_MS, MIN_SWEEP_TIMEOUT_MS, Sweep,
};
use crate::methods::profiles::{
    DEFAULT_TEST_TIMEOUT_MS, FieldError, MAX_TEST_TIMEOUT_MS, PROVIDERS, PROVIDERS_REQUIRING_KEY,
};
use crate::methods::usage::SpendingAlert;
use crate::methods::{
    Method, agent, audit, catalog, chat, diagnostics, discovery, events, handshake, profiles, usage,
};
use crate::{location, methods};

/// The payload of an envelope, whose type depends on its method or topic: `unknown` until
/// the client narrows it by the `Methods` or `TopicData` map.
pub struct Opaque;

impl TS for Opaque {
    type WithoutGenerics = Self;
    type OptionInnerType = Self;

    fn name(_: &Config) -> String {
        "unknown".to_owned()
    }

    fn inline(cfg: &Config) -> String {
        Self::name(cfg)
    }
}

/// Lists every method whose params and result the client is typed by, in the order of
/// `methods::ALL`, and defines [`METHODS`] and `method_entries` from that one list.
macro_rules! method_table {
    ($($method:ty),* $(,)?) => {
        /// The methods the TypeScript definitions cover, by wire name.
        pub const METHODS: &[&str] = &[$(<$method as Method>::NAME),*];

        fn method_entries(collector: &mut Collector<'_>) -> Vec<MethodEntry> {
            vec![$(collector.method::<$method>()),*]
        }
    };
}

method_table! {
    handshake::Hello,
    agent::Status,
    agent::Shutdown,
    diagnostics::Query,
    events::Subscribe,
    events::Unsubscribe,
    profiles::List,
    profiles::Get,
    profiles::Create,
    profiles::Update,
    profiles::Delete,
    profiles::Activate,
    profiles::ResetSecrets,
    profiles::Test,
    discovery::Run,
    discovery::Status,
    discovery::Configure,
    discovery::Adopt,
    catalog::List,
    catalog::UpsertModel,
    catalog::DeprecateModel,
    catalog::ReactivateModel,
    catalog::SetDefaultModel,
    catalog::SetProvider,
    catalog::GetRoles,
    catalog::SetRole,
    profiles::Health,
    diagnostics::Export,
    audit::Query,
    audit::Verify,
    chat::Run,
    profiles::Models,
    usage::Summary,
    usage::SetCap,
}

/// The payload type of each topic's events. A new topic fails to compile until it has an arm.
fn topic_payload(topic: Topic, collector: &mut Collector<'_>) -> TypeRef {
    match topic {
        Topic::Diagnostics => collector.root::<DiagnosticsEvent>(),
        Topic::Discovery => collector.root::<Sweep>(),
        Topic::Profiles => collector.root::<ProfileEvent>(),
        Topic::SafeStorage => collector.root::<SafeStorageEvent>(),
        Topic::Roles => collector.root::<RolesEvent>(),
        Topic::Catalog => collector.root::<CatalogEvent>(),
        Topic::Usage => collector.root::<SpendingAlert>(),
    }
}

/// Types a client needs that no method or topic names: the envelopes it frames, the field
/// errors in `VALIDATION_ERROR` details, the `lagged` and `resync` payloads, the delta
/// frames of a streamed call and a chat delta's data.
const OTHER_ROOTS: &[fn(&mut Collector<'_>) -> TypeRef] = &[
    |collector| collector.root::<Envelope<Opaque>>(),
    |collector| collector.root::<FieldError>(),
    |collector| collector.root::<Lagged>(),
    |collector| collector.root::<Resync>(),
    |collector| collector.root::<Delta<Opaque>>(),
    |collector| collector.root::<ChatDelta>(),
];

/// Why the definitions could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum DefinitionError {
    #[error(
        "`{first}` and `{second}` would both be written to {file}: give one a `rename` in its `ts(...)` attribute"
    )]
    SharedFile {
        file: String,
        first: &'static str,
        second: &'static str,
    },
    #[error("could not generate the definition of `{rust_type}`: {source}")]
    Export {
        rust_type: &'static str,
        source: ts_rs::ExportError,
    },
    #[error("could not write the definitions: {0}")]
    Io(#[from] std::io::Error),
}

/// Every definition file by name: one per wire type, then `Methods.ts` (the params and
/// result of each method), `Topics.ts` (the payload of each topic), `constants.ts` and an
/// `index.ts` that exports them all.
pub fn definitions() -> Result<BTreeMap<String, String>, DefinitionError> {
    let cfg = Config::new()
        .with_large_int("number")
        .with_import_extension(Some("js"));
    let mut collector = Collector {
        cfg: &cfg,
        files: BTreeMap::new(),
        error: None,
    };
    let methods = method_entries(&mut collector);
    let topics: Vec<(&str, TypeRef)> = Topic::ALL
        .iter()
        .map(|&topic| (topic.as_str(), topic_payload(topic, &mut collector)))
        .collect();
    for root in OTHER_ROOTS {
        root(&mut collector);
    }
    if let Some(error) = collector.error {
        return Err(error);
    }
    let mut files: BTreeMap<String, String> = collector
        .files
        .into_iter()
        .map(|(file, definition)| (file, definition.text))
        .collect();
    let type_files: Vec<String> = files.keys().cloned().collect();
    files.insert("Methods.ts".to_owned(), methods_file(&methods));
    files.insert("Topics.ts".to_owned(), topics_file(&topics));
    files.insert("constants.ts".to_owned(), constants_file());
    files.insert("index.ts".to_owned(), index_file(&type_files));
    Ok(files)
}

/// Writes every definition file into `dir`, which must exist, replacing files of the same name.
pub fn write_definitions(dir: &Path) -> Result<(), DefinitionError> {
    for (file, text) in definitions()? {
        std::fs::write(dir.join(file), text)?;
    }
    Ok(())
}

/// A type as a generated file refers to it.
struct TypeRef {
    name: String,
    /// `None` for a type without a file of its own (`unknown`, `number`).
    file: Option<String>,
}

struct MethodEntry {
    name: &'static str,
    params: TypeRef,
    result: TypeRef,
}

struct Definition {
    /// The Rust type, generic parameters replaced by a placeholder: every instance of
    /// `Patch<T>` is the one definition `Patch<T>`.
    rust_type: &'static str,
    text: String,
}

/// Walks from the roots through every type they depend on, keeping one definition per file.
struct Collector<'a> {
    cfg: &'a Config,
    files: BTreeMap<String, Definition>,
    error: Option<DefinitionError>,
}

impl Collector<'_> {
    fn method<M: Method>(&mut self) -> MethodEntry
    where
        M::Params: TS,
        M::Result: TS,
    {
        MethodEntry {
            name: M::NAME,
            params: self.root::<M::Params>(),
            result: self.root::<M::Result>(),
        }
    }

    fn root<T: TS + 'static>(&mut self) -> TypeRef {
        self.visit::<T>();
        match Dependency::from_ty::<T>(self.cfg) {
            Some(dependency) => TypeRef {
                name: dependency.ts_name,
                file: Some(dependency.output_path.to_string_lossy().into_owned()),
            },
            None => TypeRef {
                name: T::name(self.cfg),
                file: None,
            },
        }
    }
}

impl TypeVisitor for Collector<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if self.error.is_some() {
            return;
        }
        // Primitives, options and collections have no file; their parts are visited as
        // the generics of the type that holds them.
        let Some(path) = T::output_path() else {
            return;
        };
        let file = path.to_string_lossy().into_owned();
        let rust_type = std::any::type_name::<T::WithoutGenerics>();
        if let Some(existing) = self.files.get(&file) {
            if existing.rust_type != rust_type {
                self.error = Some(DefinitionError::SharedFile {
                    file,
                    first: existing.rust_type,
                    second: rust_type,
                });
            }
            return;
        }
        match T::export_to_string(self.cfg) {
            Ok(text) => {
                // ts-rs heads the file with its own note; ours says how to regenerate it.
                let body = text.split_once('\n').map_or("", |(_, body)| body);
                let text = format!("{GENERATED_NOTE}{body}");
                self.files.insert(file, Definition { rust_type, text });
            }
            Err(source) => {
                self.error = Some(DefinitionError::Export { rust_type, source });
                return;
            }
        }
        T::visit_dependencies(self);
    }
}

/// The first line of every generated file.
const GENERATED_NOTE: &str = "// Generated from the llm-agent-protocol crate (protocol/src/typescript.rs). Do not edit: regenerate with\n// `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.\n";

fn imports<'a>(types: impl IntoIterator<Item = &'a TypeRef>) -> String {
    let mut by_file: BTreeMap<&str, &str> = BTreeMap::new();
    for type_ref in types {
        if let Some(file) = &type_ref.file {
            by_file.insert(file.as_str(), type_ref.name.as_str());
        }
    }
    let mut out = String::new();
    for (file, name) in by_file {
        let module = file.trim_end_matches(".ts");
        let _ = writeln!(out, "import type {{ {name} }} from \"./{module}.js\";");
    }
    out
}

fn methods_file(methods: &[MethodEntry]) -> String {
    let mut out = String::from(GENERATED_NOTE);
    out.push_str(&imports(
        methods.iter().flat_map(|m| [&m.params, &m.result]),
    ));
    out.push_str(
        "\n/** Every method the agent serves, by wire name: the params it takes and the result it answers. */\n",
    );
    out.push_str("export interface Methods {\n");
    for method in methods {
        let _ = writeln!(
            out,
            "  {}: {{ params: {}; result: {} }};",
            js_string(method.name),
            method.params.name,
            method.result.name
        );
    }
    out.push_str("}\n");
    out
}

fn topics_file(topics: &[(&str, TypeRef)]) -> String {
    let mut out = String::from(GENERATED_NOTE);
    out.push_str(&imports(topics.iter().map(|(_, payload)| payload)));
    out.push_str("\n/** The payload (`data`) of each topic's events, by topic. */\n");
    out.push_str("export interface TopicData {\n");
    for (topic, payload) in topics {
        let _ = writeln!(out, "  {}: {};", js_string(topic), payload.name);
    }
    out.push_str("}\n");
    out
}

fn constants_file() -> String {
    let mut out = String::from(GENERATED_NOTE);
    let mut number = |doc: &str, name: &str, value: u64| {
        let _ = write!(out, "\n/** {doc} */\nexport const {name} = {value};\n");
    };
    number(
        "The protocol version this client speaks in `hello`.",
        "PROTOCOL_VERSION",
        crate::PROTOCOL_VERSION.into(),
    );
    number(
        "The default and maximum size of one frame's body, in bytes; `hello` announces the agent's.",
        "DEFAULT_MAX_FRAME_LEN",
        crate::DEFAULT_MAX_FRAME_LEN.into(),
    );
    number(
        "The size of a frame's length prefix (a u32, big-endian), in bytes.",
        "FRAME_HEADER_LEN",
        crate::frame::HEADER_LEN as u64,
    );
    number(
        "The deepest nesting of maps and arrays a message may have.",
        "MAX_NESTING",
        crate::MAX_NESTING as u64,
    );
    number(
        "The longest correlation ID the agent keeps (1 to this many printable ASCII characters).",
        "MAX_CORRELATION_ID_LEN",
        crate::MAX_CORRELATION_ID_LEN as u64,
    );
    number(
        "The longest socket path Linux accepts, in bytes (its `sun_path` less the NUL).",
        "MAX_SOCKET_PATH_LEN_LINUX",
        location::MAX_SOCKET_PATH_LEN_LINUX as u64,
    );
    number(
        "The longest socket path other Unix systems (macOS, the BSDs) accept, in bytes.",
        "MAX_SOCKET_PATH_LEN_OTHER_UNIX",
        location::MAX_SOCKET_PATH_LEN_OTHER_UNIX as u64,
    );
    number(
        "The longest named-pipe path Windows accepts, in bytes.",
        "MAX_SOCKET_PATH_LEN_WINDOWS",
        location::MAX_SOCKET_PATH_LEN_WINDOWS as u64,
    );
    number(
        "The `timeout_ms` of a `profiles.test` that gives none.",
        "DEFAULT_TEST_TIMEOUT_MS",
        DEFAULT_TEST_TIMEOUT_MS,
    );
    number(
        "The longest `timeout_ms` a `profiles.test` accepts.",
        "MAX_TEST_TIMEOUT_MS",
        MAX_TEST_TIMEOUT_MS,
    );
    number(
        "The budget of a `discovery.run` that gives no `timeout_ms`.",
        "DEFAULT_SWEEP_TIMEOUT_MS",
        DEFAULT_SWEEP_TIMEOUT_MS,
    );
    number(
        "The shortest budget a `discovery.run` accepts.",
        "MIN_SWEEP_TIMEOUT_MS",
        MIN_SWEEP_TIMEOUT_MS,
    );
    number(
        "The longest budget a `discovery.run` accepts.",
        "MAX_SWEEP_TIMEOUT_MS",
        MAX_SWEEP_TIMEOUT_MS,
    );
    number(
        "The `timeout_ms` of a `chat.run` that gives none.",
        "DEFAULT_CHAT_TIMEOUT_MS",
        chat::DEFAULT_CHAT_TIMEOUT_MS,
    );
    number(
        "The most reply text one `chat.run` passes on, in bytes of UTF-8: its deltas, joined, are never more.",
        "MAX_REPLY_TEXT_BYTES",
        chat::MAX_REPLY_TEXT_BYTES as u64,
    );
    let mut string = |doc: &str, name: &str, value: &str| {
        let _ = write!(
            out,
            "\n/** {doc} */\nexport const {name} = {};\n",
            js_string(value)
        );
    };
    string(
        "The topic of the last event of a subscription that fell behind; its data is `Lagged`.",
        "LAGGED_TOPIC",
        LAGGED_TOPIC,
    );
    string(
        "The topic of the first event of a resumed subscription whose missed changes are no longer held; its data is `Resync`.",
        "RESYNC_TOPIC",
        RESYNC_TOPIC,
    );
    string(
        "Overrides the socket path (a named pipe path on Windows).",
        "SOCKET_ENV",
        location::SOCKET_ENV,
    );
    string(
        "Overrides the data directory.",
        "DATA_DIR_ENV",
        location::DATA_DIR_ENV,
    );
    string(
        "The folder of the agent's socket and data under the platform's directories.",
        "APP_DIR",
        location::APP_DIR,
    );
    string(
        "The socket's file name in its folder.",
        "SOCKET_FILE",
        location::SOCKET_FILE,
    );
    string(
        "Where an agent started by a client logs, under its data directory.",
        "LOG_SUBDIR",
        location::LOG_SUBDIR,
    );
    string(
        "The agent's lock file in its data directory, held (an exclusive OS file lock) for the agent's whole life.",
        "LOCK_FILE",
        location::LOCK_FILE,
    );
    string(
        "The version of llm-agent these definitions were generated with: the agent a client built on them expects.",
        "AGENT_VERSION",
        env!("CARGO_PKG_VERSION"),
    );
    let mut list = |doc: &str, name: &str, values: &[&str]| {
        let values: Vec<String> = values.iter().map(|value| js_string(value)).collect();
        let _ = write!(
            out,
            "\n/** {doc} */\nexport const {name} = [{}] as const;\n",
            values.join(", ")
        );
    };
    list(
        "Every method the agent serves, as `hello` announces them.",
        "METHOD_NAMES",
        methods::ALL,
    );
    let topics: Vec<&str> = Topic::ALL.iter().map(|topic| topic.as_str()).collect();
    list("Every topic a client can subscribe to.", "TOPICS", &topics);
    let state_topics: Vec<&str> = Topic::ALL
        .iter()
        .filter(|topic| topic.is_state())
        .map(|topic| topic.as_str())
        .collect();
    list(
        "The topics whose events carry a `revision`, from which a subscription can resume.",
        "STATE_TOPICS",
        &state_topics,
    );
    list(
        "Every provider this agent knows, as a profile's `provider`.",
        "PROVIDERS",
        PROVIDERS,
    );
    list(
        "Providers that refuse requests without an API key.",
        "PROVIDERS_REQUIRING_KEY",
        PROVIDERS_REQUIRING_KEY,
    );
    list("Every role this agent knows.", "ROLES", catalog::ROLES);
    out
}

fn index_file(type_files: &[String]) -> String {
    let mut out = String::from(GENERATED_NOTE);
    out.push('\n');
    // Each type file exports the type it is named after.
    let exports = type_files
        .iter()
        .map(|file| file.trim_end_matches(".ts"))
        .map(|module| (module, module))
        .chain([("Methods", "Methods"), ("TopicData", "Topics")]);
    for (name, module) in exports {
        let _ = writeln!(out, "export type {{ {name} }} from \"./{module}.js\";");
    }
    out.push_str("export * from \"./constants.js\";\n");
    out
}

/// A string literal for TypeScript. The values are ASCII names; Rust's escapes of anything
/// else (`\"`, `\\`, `\u{..}`) are valid in TypeScript too.
fn js_string(value: &str) -> String {
    format!("{value:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    mod one {
        #[derive(ts_rs::TS)]
        pub struct Twin;
    }

    mod other {
        #[derive(ts_rs::TS)]
        pub struct Twin;
    }

    #[test]
    fn two_types_of_one_name_are_refused() {
        let cfg = Config::new();
        let mut collector = Collector {
            cfg: &cfg,
            files: BTreeMap::new(),
            error: None,
        };
        collector.root::<one::Twin>();
        collector.root::<other::Twin>();
        match collector.error {
            Some(DefinitionError::SharedFile {
                file,
                first,
                second,
            }) => {
                assert_eq!(file, "Twin.ts");
                assert!(first.ends_with("one::Twin"), "{first}");
                assert!(second.ends_with("other::Twin"), "{second}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn instances_of_one_generic_type_share_its_definition() {
        let cfg = Config::new();
        let mut collector = Collector {
            cfg: &cfg,
            files: BTreeMap::new(),
            error: None,
        };
        collector.root::<crate::patch::Patch<u32>>();
        collector.root::<crate::patch::Patch<String>>();
        assert!(collector.error.is_none(), "{:?}", collector.error);
        assert_eq!(collector.files.len(), 1);
    }
}
