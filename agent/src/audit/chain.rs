//! One ledger line and its hash: the entry as compact JSON whose last field is `hash`,
//! the SHA-256 of the line up to that field (with the closing brace). Each entry carries
//! the hash of the one before it in `prev_hash`, so editing a line breaks its own hash
//! and removing one breaks the link of the next.
//!
//! The hash covers the bytes as written, not a re-serialization, so a field this build
//! does not know (from a newer agent) or a changed space is caught all the same.

use llm_agent_protocol::methods::audit::AuditEntry;
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first entry of a ledger.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Where the hash field starts in a line.
const HASH_FIELD: &str = ",\"hash\":\"";
/// Hex digits of a SHA-256.
const HASH_LEN: usize = 64;

/// `entry` as its ledger line (without the newline), with its `hash` filled in.
pub fn seal(entry: &mut AuditEntry) -> String {
    // With an empty hash the entry serializes without that field.
    entry.hash.clear();
    // Serializing a struct of strings, numbers and flags to a string cannot fail.
    let mut body = serde_json::to_string(&*entry).unwrap_or_default();
    entry.hash = digest(&body);
    // `body` ends with the closing brace; the hash field goes before it.
    body.pop();
    body.push_str(HASH_FIELD);
    body.push_str(&entry.hash);
    body.push_str("\"}");
    body
}

/// Why a line cannot be trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineProblem {
    /// Not an entry at all.
    Unreadable(String),
    /// Its content does not match its hash: it was edited.
    HashMismatch,
}

/// Reads a line and checks its own hash (not its link to the line before).
pub fn open(line: &str) -> Result<AuditEntry, LineProblem> {
    let entry: AuditEntry =
        serde_json::from_str(line).map_err(|e| LineProblem::Unreadable(e.to_string()))?;
    let Some(at) = line.rfind(HASH_FIELD) else {
        return Err(LineProblem::Unreadable("it has no hash".into()));
    };
    let stated = &line[at + HASH_FIELD.len()..];
    let stated = stated.strip_suffix("\"}").unwrap_or_default();
    if stated.len() != HASH_LEN || stated != entry.hash {
        return Err(LineProblem::HashMismatch);
    }
    let mut body = String::with_capacity(at + 1);
    body.push_str(&line[..at]);
    body.push('}');
    if digest(&body) == stated {
        Ok(entry)
    } else {
        Err(LineProblem::HashMismatch)
    }
}

fn digest(body: &str) -> String {
    hex::encode(Sha256::digest(body.as_bytes()))
}

#[cfg(test)]
mod tests {
    use llm_agent_protocol::methods::audit::AuditKind;

    use super::*;

    fn entry() -> AuditEntry {
        AuditEntry {
            seq: 7,
            ts: "2026-11-21T10:00:00Z".into(),
            kind: AuditKind::ConsentGiven,
            profile_id: Some("27ee4122-69ce-476f-807b-5ff45b1348ad".into()),
            origin: Some("https://api.openai.com:443".into()),
            previous_origin: None,
            previous_profile_id: None,
            consent_granted_at: Some("2026-11-21T09:59:00Z".into()),
            key_dropped: None,
            consent_dropped: None,
            count: None,
            from_seq: None,
            through_seq: None,
            kept: Vec::new(),
            prev_hash: GENESIS.into(),
            hash: String::new(),
        }
    }

    #[test]
    fn a_sealed_line_opens_and_any_edit_is_caught() {
        let mut sealed = entry();
        let line = seal(&mut sealed);
        assert!(
            line.ends_with(&format!(",\"hash\":\"{}\"}}", sealed.hash)),
            "{line}"
        );
        assert_eq!(open(&line), Ok(sealed.clone()));
        let edited = line.replace("api.openai.com", "evil.example.com");
        assert_eq!(open(&edited), Err(LineProblem::HashMismatch));
        let spaced = line.replacen(",", ", ", 1);
        assert_eq!(open(&spaced), Err(LineProblem::HashMismatch));
        assert!(matches!(
            open("{\"seq\": 1"),
            Err(LineProblem::Unreadable(_))
        ));
    }

    #[test]
    fn field_order_is_the_struct_order_with_hash_last() {
        let line = seal(&mut entry());
        let seq = line.find("\"seq\"").unwrap();
        let prev = line.find("\"prev_hash\"").unwrap();
        let hash = line.find("\"hash\"").unwrap();
        assert!(seq < prev && prev < hash);
    }
}
