//! What a change of the vault announces and records: the events of the `profiles` and
//! `roles` topics and the audit ledger's entries. Both are derived from the state
//! before and after each mutation, never from the request, so no mutation can change a
//! profile, its key, its consent or the roles without saying so.
//!
//! They leave the vault only with the batch that holds the change: the entries are
//! appended to the ledger before `profiles.json` is written, and the events published
//! once it is on disk (see `commit.rs`).

use llm_agent_protocol::events::{ProfileChange, ProfileEvent, RolesEvent};
use llm_agent_protocol::methods::audit::{AuditEntry, AuditKind};
use uuid::Uuid;

use super::binding::{Voided, origin_of};
use super::profile::{StoredProfile, VaultData};
use super::role_bindings;
use crate::audit;
use crate::live::StateChange;

/// The events and ledger entries of one accepted mutation.
#[derive(Debug, Default)]
pub struct Effects {
    pub events: Vec<StateChange>,
    pub audit: Vec<AuditEntry>,
}

/// Why a mutation changed what it changed, where the diff alone cannot say.
pub enum Cause<'a> {
    /// A request of the learner's: every change is recorded as itself.
    Request,
    /// `profiles.reset_secrets` dropped `count` unreadable keys: one ledger entry.
    KeysReset,
    /// A hand-edited `profiles.json`: keys and consents voided at start-up.
    Voided(&'a [Voided]),
}

/// The state a mutation starts from: the profiles it may touch, and the roles.
pub struct Before {
    profiles: Vec<(Uuid, Option<StoredProfile>)>,
    active_id: Option<Uuid>,
    infrastructure_id: Option<Uuid>,
}

impl Before {
    /// Takes note of `ids` (profiles the mutation may create, change or delete).
    pub fn of(data: &VaultData, ids: impl IntoIterator<Item = Uuid>) -> Self {
        Self {
            profiles: ids
                .into_iter()
                .map(|id| (id, data.find(id).cloned()))
                .collect(),
            active_id: data.active_id,
            infrastructure_id: data.infrastructure_id,
        }
    }

    /// What the mutation did, compared with `after`.
    pub fn effects(self, after: &VaultData, cause: Cause<'_>) -> Effects {
        let mut effects = Effects::default();
        let active_changed = self.active_id != after.active_id;
        let shown = |id: Option<Uuid>| id.map(|id| id.to_string());
        let mut announced_active = false;
        for (id, before) in &self.profiles {
            let now = after.find(*id);
            let change = match (before, now) {
                (None, None) => continue,
                (None, Some(_)) => ProfileChange::Created,
                (Some(_), None) => ProfileChange::Deleted,
                (Some(_), Some(_)) if active_changed && after.active_id == Some(*id) => {
                    ProfileChange::Activated
                }
                (Some(before), Some(now)) if before == now => continue,
                (Some(_), Some(_)) => ProfileChange::Updated,
            };
            // The active profile changes with one of the profiles it concerns: the one
            // activated, created first, or deleted for a successor.
            let carries_active = active_changed
                && !announced_active
                && (after.active_id == Some(*id) || self.active_id == Some(*id));
            announced_active |= carries_active;
            effects
                .events
                .push(StateChange::Profile(Box::new(ProfileEvent {
                    revision: 0,
                    change,
                    profile_id: id.to_string(),
                    profile: now.map(|p| p.redacted(after.active_id == Some(p.id))),
                    active_id: shown(after.active_id),
                    active_changed: carries_active,
                    previous_active_id: carries_active.then(|| shown(self.active_id)).flatten(),
                })));
            if matches!(cause, Cause::Request) {
                record_profile(&mut effects.audit, *id, before.as_ref(), now);
            }
        }
        if let Some(active) = after.active_id.filter(|_| active_changed) {
            effects.audit.push(AuditEntry {
                profile_id: Some(active.to_string()),
                previous_profile_id: shown(self.active_id),
                ..audit::entry(AuditKind::ProfileActivated)
            });
        }
        match cause {
            Cause::Request => {}
            Cause::KeysReset => effects.audit.push(AuditEntry {
                count: Some(effects.events.len() as u64),
                ..audit::entry(AuditKind::DataKeyReset)
            }),
            Cause::Voided(voided) => {
                effects.audit.extend(voided.iter().map(|v| AuditEntry {
                    profile_id: Some(v.id.to_string()),
                    origin: v.origin.clone(),
                    previous_origin: v.given_for.clone(),
                    key_dropped: Some(v.key),
                    consent_dropped: Some(v.consent),
                    ..audit::entry(AuditKind::CredentialsVoided)
                }));
            }
        }
        let roles_before = role_bindings(shown(self.active_id), shown(self.infrastructure_id));
        let roles_after = role_bindings(shown(after.active_id), shown(after.infrastructure_id));
        if roles_before != roles_after {
            effects.events.push(StateChange::Roles(RolesEvent {
                revision: 0,
                roles: roles_after,
            }));
        }
        effects
    }
}

/// The ledger entries of one profile's change by a request.
fn record_profile(
    audit: &mut Vec<AuditEntry>,
    id: Uuid,
    before: Option<&StoredProfile>,
    now: Option<&StoredProfile>,
) {
    let entry = |kind, origin: Option<String>| AuditEntry {
        profile_id: Some(id.to_string()),
        origin,
        ..audit::entry(kind)
    };
    let given = |profile: &StoredProfile, origin: Option<String>| AuditEntry {
        consent_granted_at: profile.consent_granted_at.clone(),
        ..entry(AuditKind::ConsentGiven, origin)
    };
    match (before, now) {
        (None, None) => {}
        (Some(_), None) => audit.push(entry(AuditKind::ProfileDeleted, None)),
        (None, Some(created)) => {
            let origin = origin_of(&created.endpoint);
            audit.push(entry(AuditKind::ProfileCreated, origin.clone()));
            if created.api_key.is_some() {
                audit.push(entry(AuditKind::ApiKeySet, origin.clone()));
            }
            if created.consent_granted_at.is_some() {
                audit.push(given(created, origin));
            }
        }
        (Some(before), Some(now)) => {
            let (from, to) = (origin_of(&before.endpoint), origin_of(&now.endpoint));
            if from != to {
                let had_consent =
                    before.consent_granted_at.is_some() || before.consent_withdrawn_at.is_some();
                audit.push(AuditEntry {
                    previous_origin: from,
                    key_dropped: Some(before.api_key.is_some()),
                    consent_dropped: Some(had_consent),
                    ..entry(AuditKind::EndpointMoved, to.clone())
                });
                if now.api_key.is_some() {
                    audit.push(entry(AuditKind::ApiKeySet, to.clone()));
                }
                if now.consent_granted_at.is_some() {
                    audit.push(given(now, to));
                }
                return;
            }
            match (&before.api_key, &now.api_key) {
                (None, Some(_)) => audit.push(entry(AuditKind::ApiKeySet, to.clone())),
                (Some(_), None) => audit.push(entry(AuditKind::ApiKeyCleared, to.clone())),
                (Some(old), Some(new)) if old.ciphertext != new.ciphertext => {
                    audit.push(entry(AuditKind::ApiKeyReplaced, to.clone()));
                }
                _ => {}
            }
            match (&before.consent_granted_at, &now.consent_granted_at) {
                (old, Some(new)) if old.as_ref() != Some(new) => audit.push(given(now, to)),
                (Some(_), None) => audit.push(entry(AuditKind::ConsentWithdrawn, to)),
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use llm_agent_protocol::methods::profiles::{
        CreateParams, DeleteParams, IdParams, ProfilePatch, UpdateParams,
    };
    use llm_agent_protocol::patch::Patch;
    use llm_agent_protocol::secret::SecretText;

    use super::*;
    use crate::vault::mutation;
    use crate::vault::profile::SealedSecret;

    fn sealed(tag: &str) -> SealedSecret {
        SealedSecret {
            nonce: "n".into(),
            ciphertext: tag.into(),
            origin: None,
            version: 2,
        }
    }

    fn kinds(effects: &Effects) -> Vec<AuditKind> {
        effects.audit.iter().map(|e| e.kind).collect()
    }

    fn profile_changes(effects: &Effects) -> Vec<ProfileChange> {
        effects
            .events
            .iter()
            .filter_map(|e| match e {
                StateChange::Profile(p) => Some(p.change),
                _ => None,
            })
            .collect()
    }

    fn remote() -> CreateParams {
        CreateParams {
            name: "Remote".into(),
            provider: "openai_compatible".into(),
            endpoint: "https://api.openai.com/v1".into(),
            model: "gpt-4o-mini".into(),
            api_key: Some(SecretText::new("sk-remote-1234")),
            consent_granted_at: Some("2026-01-01T00:00:00Z".into()),
            metadata: None,
        }
    }

    fn create(data: &mut VaultData, params: CreateParams) -> (Uuid, Effects) {
        let plan = mutation::plan_create(data, &params).unwrap();
        let id = plan.id;
        let before = Before::of(data, [id]);
        let key = plan.key().map(|_| sealed("first"));
        plan.apply(data, key);
        (id, before.effects(data, Cause::Request))
    }

    fn update(data: &mut VaultData, id: Uuid, patch: ProfilePatch, key: &str) -> Effects {
        let params = UpdateParams {
            id: id.to_string(),
            patch,
        };
        let plan = mutation::plan_update(data, &params).unwrap();
        let before = Before::of(data, [id]);
        let sealed = plan.key().map(|_| sealed(key));
        plan.apply(data, sealed);
        before.effects(data, Cause::Request)
    }

    #[test]
    fn a_remote_create_records_the_profile_its_key_its_consent_and_the_activation() {
        let mut data = VaultData::new();
        let (id, effects) = create(&mut data, remote());
        assert_eq!(
            kinds(&effects),
            [
                AuditKind::ProfileCreated,
                AuditKind::ApiKeySet,
                AuditKind::ConsentGiven,
                AuditKind::ProfileActivated
            ]
        );
        let origin = Some("https://api.openai.com:443".to_owned());
        assert!(
            effects
                .audit
                .iter()
                .all(|e| e.profile_id == Some(id.to_string()))
        );
        assert_eq!(effects.audit[2].origin, origin);
        let StateChange::Profile(event) = &effects.events[0] else {
            panic!("a profiles event first");
        };
        assert_eq!(event.change, ProfileChange::Created);
        assert!(event.active_changed && event.previous_active_id.is_none());
        assert!(
            matches!(effects.events[1], StateChange::Roles(_)),
            "the tutor moved"
        );
    }

    #[test]
    fn key_consent_and_endpoint_changes_each_leave_their_entry() {
        let mut data = VaultData::new();
        let (id, _) = create(&mut data, remote());
        let replaced = update(
            &mut data,
            id,
            ProfilePatch {
                api_key: Patch::Set(SecretText::new("sk-new-5678")),
                ..Default::default()
            },
            "second",
        );
        assert_eq!(kinds(&replaced), [AuditKind::ApiKeyReplaced]);
        assert_eq!(profile_changes(&replaced), [ProfileChange::Updated]);
        let withdrawn = update(
            &mut data,
            id,
            ProfilePatch {
                consent_granted_at: Patch::Clear,
                ..Default::default()
            },
            "",
        );
        assert_eq!(kinds(&withdrawn), [AuditKind::ConsentWithdrawn]);
        let given = update(
            &mut data,
            id,
            ProfilePatch {
                consent_granted_at: Patch::Set("2026-03-01T00:00:00Z".into()),
                ..Default::default()
            },
            "",
        );
        assert_eq!(kinds(&given), [AuditKind::ConsentGiven]);
        let cleared = update(
            &mut data,
            id,
            ProfilePatch {
                api_key: Patch::Clear,
                ..Default::default()
            },
            "",
        );
        assert_eq!(kinds(&cleared), [AuditKind::ApiKeyCleared]);
        let moved = update(
            &mut data,
            id,
            ProfilePatch {
                endpoint: Some("https://other.example.com/v1".into()),
                consent_granted_at: Patch::Set("2026-03-02T00:00:00Z".into()),
                ..Default::default()
            },
            "",
        );
        assert_eq!(
            kinds(&moved),
            [AuditKind::EndpointMoved, AuditKind::ConsentGiven]
        );
        assert_eq!(
            moved.audit[0].previous_origin.as_deref(),
            Some("https://api.openai.com:443")
        );
        assert_eq!(moved.audit[0].consent_dropped, Some(true));
        let renamed = update(
            &mut data,
            id,
            ProfilePatch {
                name: Some("Renamed".into()),
                ..Default::default()
            },
            "",
        );
        assert!(
            renamed.audit.is_empty(),
            "a rename is not the ledger's business"
        );
        assert_eq!(profile_changes(&renamed), [ProfileChange::Updated]);
    }

    #[test]
    fn activation_and_deletion_for_a_successor_announce_the_active_profile_once() {
        let mut data = VaultData::new();
        let (a, _) = create(&mut data, remote());
        let (b, _) = create(
            &mut data,
            CreateParams {
                name: "Local".into(),
                provider: "ollama".into(),
                endpoint: "http://127.0.0.1:11434".into(),
                api_key: None,
                consent_granted_at: None,
                ..remote()
            },
        );
        let plan = mutation::plan_activate(&data, &IdParams { id: b.to_string() }).unwrap();
        let mutation::Change::To(result) = plan else {
            panic!("b is not active yet");
        };
        let before = Before::of(&data, [b]);
        mutation::activate(&mut data, &result);
        let activated = before.effects(&data, Cause::Request);
        assert_eq!(kinds(&activated), [AuditKind::ProfileActivated]);
        assert_eq!(activated.audit[0].previous_profile_id, Some(a.to_string()));
        assert_eq!(profile_changes(&activated), [ProfileChange::Activated]);

        let plan = mutation::plan_delete(
            &data,
            &DeleteParams {
                id: b.to_string(),
                successor_id: Some(a.to_string()),
            },
        )
        .unwrap();
        let before = Before::of(&data, [b]);
        plan.apply(&mut data);
        let deleted = before.effects(&data, Cause::Request);
        assert_eq!(
            kinds(&deleted),
            [AuditKind::ProfileDeleted, AuditKind::ProfileActivated]
        );
        let StateChange::Profile(event) = &deleted.events[0] else {
            panic!("a profiles event");
        };
        assert_eq!(event.change, ProfileChange::Deleted);
        assert_eq!(
            (event.active_id.clone(), event.previous_active_id.clone()),
            (Some(a.to_string()), Some(b.to_string()))
        );
    }
}
