//! The TypeScript definitions committed under `client/typescript/src/generated/` are exactly
//! what this crate generates, so a wire change without regenerated definitions cannot land.
//! Regenerate them (after changing a wire type) with
//! `LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use llm_agent_protocol::methods;
use llm_agent_protocol::typescript::{self, DefinitionError};

const BLESS_COMMAND: &str = "LLM_AGENT_BLESS=1 cargo test -p llm-agent-protocol --test typescript";

fn committed_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../client/typescript/src/generated")
}

/// Every `.ts` file in `dir`, by name.
fn read_definitions(dir: &Path) -> BTreeMap<String, String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return BTreeMap::new();
    };
    entries
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "ts"))
        .map(|path| {
            let name = path
                .file_name()
                .expect("file name")
                .to_string_lossy()
                .into_owned();
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (name, text)
        })
        .collect()
}

/// Replaces the committed definitions with freshly generated ones.
fn bless(dir: &Path) {
    std::fs::create_dir_all(dir).expect("create the definitions folder");
    for stale in read_definitions(dir).keys() {
        std::fs::remove_file(dir.join(stale)).expect("remove a stale definition");
    }
    typescript::write_definitions(dir).expect("write the definitions");
}

/// The first line where two texts differ, shown as both sides have it.
fn first_difference(expected: &str, actual: &str) -> String {
    let mut expected_lines = expected.lines();
    let mut actual_lines = actual.lines();
    for line in 1.. {
        match (expected_lines.next(), actual_lines.next()) {
            (Some(e), Some(a)) if e == a => continue,
            (None, None) => break,
            (e, a) => {
                return format!(
                    "line {line}:\n      generated: {}\n      committed: {}",
                    e.unwrap_or("(end of file)"),
                    a.unwrap_or("(end of file)")
                );
            }
        }
    }
    "they differ in line endings only".to_owned()
}

#[test]
fn committed_definitions_are_the_generated_ones() {
    let committed = committed_dir();
    if std::env::var_os("LLM_AGENT_BLESS").is_some() {
        bless(&committed);
    }
    let scratch = tempfile::tempdir().expect("temp dir");
    typescript::write_definitions(scratch.path()).expect("generate the definitions");
    let generated = read_definitions(scratch.path());
    let on_disk = read_definitions(&committed);

    let mut problems = Vec::new();
    for (file, text) in &generated {
        match on_disk.get(file) {
            None => problems.push(format!("  {file}: missing from the committed definitions")),
            Some(committed_text) if committed_text != text => problems.push(format!(
                "  {file}: differs, {}",
                first_difference(text, committed_text)
            )),
            Some(_) => {}
        }
    }
    for file in on_disk.keys().filter(|file| !generated.contains_key(*file)) {
        problems.push(format!(
            "  {file}: committed, but no protocol type generates it"
        ));
    }
    assert!(
        problems.is_empty(),
        "the TypeScript definitions in {} are not the protocol crate's:\n{}\nRegenerate them with `{BLESS_COMMAND}` and commit the result.",
        committed.display(),
        problems.join("\n")
    );
}

#[test]
fn every_method_the_agent_serves_is_typed() {
    let typed = typescript::METHODS;
    let missing: Vec<&str> = methods::ALL
        .iter()
        .copied()
        .filter(|name| !typed.contains(name))
        .collect();
    let extra: Vec<&str> = typed
        .iter()
        .copied()
        .filter(|name| !methods::ALL.contains(name))
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "methods::ALL and the TypeScript method table (method_table! in protocol/src/typescript.rs) disagree:\n  served but not typed: {missing:?}\n  typed but not served: {extra:?}"
    );
    assert_eq!(
        typed,
        methods::ALL,
        "list the methods in protocol/src/typescript.rs in the order of methods::ALL"
    );
}

#[test]
fn no_two_types_share_a_file() {
    match typescript::definitions() {
        Ok(files) => assert!(files.contains_key("Methods.ts")),
        Err(error @ DefinitionError::SharedFile { .. }) => panic!("{error}"),
        Err(error) => panic!("the definitions could not be generated: {error}"),
    }
}
