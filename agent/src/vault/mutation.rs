//! The rules of each profile mutation, decided against the vault's pending state.
//!
//! Each mutation is planned first (every rule that can refuse it: unknown ids, field
//! validation, a remote endpoint without consent, a taken name, the profile limit, the
//! successor of a deleted active profile), then, once the actor has checked safe storage
//! and sealed the new key, applied. Planning reads the state and never changes it, so a
//! refusal leaves nothing behind; applying cannot fail.
//!
//! A key is bound to its endpoint's origin: an update that moves a profile to another
//! origin drops the stored key and the consent unless it gives new ones, and says so in
//! a `credentials_dropped` warning.
//!
//! Consent is needed to create a profile on another machine and to move one to another
//! origin there. Withdrawing it (a patch that clears it) keeps the profile and its key:
//! the profile is then shown as withdrawn, calls to it are refused, and giving consent
//! again restores it.

use llm_agent_protocol::methods::profiles::{
    ActivateResult, CreateParams, DeleteParams, DeleteResult, FieldError, IdParams, MAX_PROFILES,
    ProfileResult, UpdateParams, Warning,
};
use llm_agent_protocol::patch::Patch;
use llm_agent_protocol::secret::SecretText;
use uuid::Uuid;

use super::binding::origin_of;
use super::error::VaultError;
use super::profile::{SealedSecret, StoredProfile, VaultData};
use super::secret::ApiKey;
use super::validate::{Draft, check_api_key, create_candidate, update_candidate, validate};
use crate::endpoint::Origin;
use crate::texts::{self, messages};
use crate::timestamp::now_rfc3339;

/// A create that passed every rule; it needs its key sealed for `id` and its origin.
pub struct CreatePlan {
    pub id: Uuid,
    draft: Draft,
    origin: String,
    key: Option<ApiKey>,
}

/// An update that passed every rule; it needs its new key (if any) sealed.
pub struct UpdatePlan {
    pub id: Uuid,
    stored: StoredProfile,
    draft: Draft,
    origin: String,
    key: KeyChange,
    /// When consent was withdrawn, if it is (and stays) withdrawn after the update.
    consent_withdrawn_at: Option<String>,
    warnings: Vec<Warning>,
}

/// What an update does to the stored key.
enum KeyChange {
    /// A new key, to be sealed.
    Set(ApiKey),
    /// The key stays (same origin, not touched).
    Keep,
    /// No key afterwards: cleared, or dropped with a move to another origin.
    Remove,
}

/// A delete that passed every rule.
pub struct DeletePlan {
    id: Uuid,
    successor: Option<Uuid>,
}

/// An activation or a role change: nothing to do (already so), or a change to write.
pub enum Change<T> {
    Unchanged(T),
    To(T),
}

impl<T> Change<T> {
    /// The result and whether it writes.
    pub fn into_outcome(self) -> (T, bool) {
        match self {
            Change::Unchanged(result) => (result, false),
            Change::To(result) => (result, true),
        }
    }
}

impl CreatePlan {
    /// The key to seal, if the create gives one.
    pub fn key(&self) -> Option<&ApiKey> {
        self.key.as_ref()
    }

    /// The origin the profile's key and consent are bound to.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Adds the profile; the first one becomes active.
    pub fn apply(self, pending: &mut VaultData, sealed: Option<SealedSecret>) -> ProfileResult {
        let now = now_rfc3339();
        let draft = self.draft;
        let profile = StoredProfile {
            id: self.id,
            name: draft.name,
            provider: draft.provider,
            endpoint: draft.endpoint,
            model: draft.model,
            api_key_hint: self.key.as_ref().map(ApiKey::hint),
            api_key: sealed,
            consent_origin: draft
                .consent_granted_at
                .as_ref()
                .map(|_| self.origin.clone()),
            consent_granted_at: draft.consent_granted_at,
            consent_withdrawn_at: None,
            created_at: now.clone(),
            updated_at: now,
            metadata: draft.metadata,
        };
        pending.active_id = pending.active_id.or(Some(self.id));
        let result = profile_result(pending, &profile, Vec::new());
        pending.profiles.push(profile);
        result
    }
}

impl UpdatePlan {
    /// The new key to seal, if the update sets one.
    pub fn key(&self) -> Option<&ApiKey> {
        match &self.key {
            KeyChange::Set(key) => Some(key),
            KeyChange::Keep | KeyChange::Remove => None,
        }
    }

    /// The origin the profile's key and consent are bound to after the update.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Replaces the stored profile.
    pub fn apply(self, pending: &mut VaultData, sealed: Option<SealedSecret>) -> ProfileResult {
        let draft = self.draft;
        let (api_key, api_key_hint) = match &self.key {
            KeyChange::Set(key) => (sealed, Some(key.hint())),
            KeyChange::Keep => (
                self.stored.api_key.clone(),
                self.stored.api_key_hint.clone(),
            ),
            KeyChange::Remove => (None, None),
        };
        let updated = StoredProfile {
            id: self.id,
            name: draft.name,
            provider: draft.provider,
            endpoint: draft.endpoint,
            model: draft.model,
            api_key,
            api_key_hint,
            consent_origin: (draft.consent_granted_at.is_some()
                || self.consent_withdrawn_at.is_some())
            .then(|| self.origin.clone()),
            consent_granted_at: draft.consent_granted_at,
            consent_withdrawn_at: self.consent_withdrawn_at,
            created_at: self.stored.created_at,
            updated_at: now_rfc3339(),
            metadata: draft.metadata,
        };
        let result = profile_result(pending, &updated, self.warnings);
        if let Some(slot) = pending.profiles.iter_mut().find(|p| p.id == self.id) {
            *slot = updated;
        }
        result
    }
}

impl DeletePlan {
    /// The profile to delete.
    pub fn id(&self) -> Uuid {
        self.id
    }

    /// Removes the profile; its successor (if it was active) becomes active, and the
    /// `infrastructure` role falls back to following the tutor if it used it.
    pub fn apply(self, pending: &mut VaultData) -> DeleteResult {
        let id = self.id;
        let deleting_active = pending.active_id == Some(id);
        pending.profiles.retain(|p| p.id != id);
        if deleting_active {
            pending.active_id = self.successor;
        }
        if pending.infrastructure_id == Some(id) {
            pending.infrastructure_id = None;
        }
        DeleteResult {
            deleted_id: id.to_string(),
            active_id: pending.active_id.map(|a| a.to_string()),
        }
    }
}

/// Checks a create against every rule.
pub fn plan_create(pending: &VaultData, params: &CreateParams) -> Result<CreatePlan, VaultError> {
    if pending.profiles.len() >= MAX_PROFILES {
        return Err(VaultError::TooManyProfiles { max: MAX_PROFILES });
    }
    let metadata = params.metadata.clone().unwrap_or_default();
    let mut problems = Vec::new();
    let key = params
        .api_key
        .as_ref()
        .map(SecretText::expose)
        .and_then(|key| {
            check_api_key(key, "api_key")
                .map_err(|e| problems.push(e))
                .ok()
        });
    let draft = validate(&create_candidate(params, &metadata));
    let draft = finish_validation(draft, problems, true)?;
    check_remote_consent(&draft)?;
    check_name(pending, &draft.name, None)?;
    Ok(CreatePlan {
        id: Uuid::new_v4(),
        origin: origin_of(&draft.endpoint).unwrap_or_default(),
        draft,
        key,
    })
}

/// Checks an update against every rule: the patch merged onto the stored profile must
/// pass what a create passes.
pub fn plan_update(pending: &VaultData, params: &UpdateParams) -> Result<UpdatePlan, VaultError> {
    let id = existing(pending, &params.id)?;
    let stored = pending.find(id).cloned().ok_or(VaultError::NotFound {
        id: params.id.clone(),
    })?;
    let patch = &params.patch;
    let same_origin = keeps_secret_bound(&stored, patch.endpoint.as_deref());
    let keeps_key = same_origin && stored.api_key.is_some();
    let will_have_key = match &patch.api_key {
        Patch::Set(_) => true,
        Patch::Clear => false,
        Patch::Keep => keeps_key,
    };
    let stored_consent = stored.consent_granted_at.as_deref().filter(|_| same_origin);
    let consent = patched(&patch.consent_granted_at, stored_consent);
    // A withdrawal is about this origin: a move ends it, as does consent given again.
    let consent_withdrawn_at = match &patch.consent_granted_at {
        _ if !same_origin => None,
        Patch::Set(_) => None,
        Patch::Clear if stored.consent_granted_at.is_some() => Some(now_rfc3339()),
        Patch::Clear | Patch::Keep => stored.consent_withdrawn_at.clone(),
    };
    let metadata = patch
        .metadata
        .clone()
        .unwrap_or_else(|| stored.metadata.clone());

    let mut problems = Vec::new();
    let new_key = match &patch.api_key {
        Patch::Set(key) => check_api_key(key.expose(), "patch.api_key")
            .map_err(|e| problems.push(e))
            .ok(),
        _ => None,
    };
    let draft = validate(&update_candidate(
        &stored,
        patch,
        &metadata,
        consent,
        will_have_key,
    ));
    // On the same origin a profile may be without consent (withdrawn, or voided by a
    // hand edit): its calls are refused, but it can be edited. A new origin needs it.
    let draft = finish_validation(draft, problems, !same_origin)?;
    if !same_origin {
        check_remote_consent(&draft)?;
    }
    check_name(pending, &draft.name, Some(id))?;

    let dropped_key = patch.api_key.is_keep() && stored.api_key.is_some() && !same_origin;
    let dropped_consent =
        patch.consent_granted_at.is_keep() && stored.consent_granted_at.is_some() && !same_origin;
    let warnings = credentials_dropped(dropped_key, dropped_consent)
        .into_iter()
        .collect();
    let key = match (&patch.api_key, new_key) {
        (Patch::Set(_), Some(key)) => KeyChange::Set(key),
        (Patch::Keep, _) if keeps_key => KeyChange::Keep,
        _ => KeyChange::Remove,
    };
    Ok(UpdatePlan {
        id,
        stored,
        origin: origin_of(&draft.endpoint).unwrap_or_default(),
        draft,
        key,
        consent_withdrawn_at,
        warnings,
    })
}

/// Checks a delete: deleting the active profile while others exist needs a successor,
/// another existing profile.
pub fn plan_delete(pending: &VaultData, params: &DeleteParams) -> Result<DeletePlan, VaultError> {
    let id = existing(pending, &params.id)?;
    let successor = match &params.successor_id {
        None => None,
        Some(text) => {
            let found = Uuid::parse_str(text)
                .ok()
                .filter(|s| *s != id && pending.find(*s).is_some());
            match found {
                Some(successor) => Some(successor),
                None => {
                    return Err(VaultError::SuccessorNotFound {
                        successor_id: text.clone(),
                    });
                }
            }
        }
    };
    let deleting_active = pending.active_id == Some(id);
    if deleting_active && pending.profiles.len() > 1 && successor.is_none() {
        return Err(VaultError::SuccessorRequired { id });
    }
    Ok(DeletePlan { id, successor })
}

/// Checks an activation; activating the active profile changes nothing and says so.
pub fn plan_activate(
    pending: &VaultData,
    params: &IdParams,
) -> Result<Change<ActivateResult>, VaultError> {
    let id = existing(pending, &params.id)?;
    let previous = pending.active_id;
    if previous == Some(id) {
        return Ok(Change::Unchanged(ActivateResult {
            active_id: id.to_string(),
            previous_active_id: Some(id.to_string()),
            changed: false,
        }));
    }
    Ok(Change::To(ActivateResult {
        active_id: id.to_string(),
        previous_active_id: previous.map(|p| p.to_string()),
        changed: true,
    }))
}

/// Applies a planned activation.
pub fn activate(pending: &mut VaultData, result: &ActivateResult) {
    pending.active_id = Uuid::parse_str(&result.active_id).ok();
}

/// Checks pointing the `infrastructure` role at a profile, or (`None`) back at the
/// tutor's. The result is the role's own profile id.
pub fn plan_infrastructure(
    pending: &VaultData,
    id: Option<&str>,
) -> Result<Change<Option<Uuid>>, VaultError> {
    let id = match id {
        Some(text) => Some(existing(pending, text)?),
        None => None,
    };
    if pending.infrastructure_id == id {
        Ok(Change::Unchanged(id))
    } else {
        Ok(Change::To(id))
    }
}

/// Drops every stored key (their data key is lost); returns the ids of the profiles
/// that had one.
pub fn clear_keys(pending: &mut VaultData) -> Vec<String> {
    let mut cleared_ids = Vec::new();
    for profile in pending.profiles.iter_mut().filter(|p| p.api_key.is_some()) {
        profile.api_key = None;
        profile.api_key_hint = None;
        profile.updated_at = now_rfc3339();
        cleared_ids.push(profile.id.to_string());
    }
    cleared_ids
}

/// The id of an existing profile, compared as a UUID.
fn existing(pending: &VaultData, id: &str) -> Result<Uuid, VaultError> {
    Uuid::parse_str(id)
        .ok()
        .filter(|id| pending.find(*id).is_some())
        .ok_or_else(|| VaultError::NotFound { id: id.to_owned() })
}

fn check_remote_consent(draft: &Draft) -> Result<(), VaultError> {
    if draft.is_local || draft.consent_granted_at.is_some() {
        Ok(())
    } else {
        Err(VaultError::ConsentRequired {
            endpoint: draft.endpoint.clone(),
        })
    }
}

fn check_name(pending: &VaultData, name: &str, except: Option<Uuid>) -> Result<(), VaultError> {
    match pending.name_taken(name, except) {
        Some(conflicting_id) => Err(VaultError::NameConflict {
            existing: pending
                .find(conflicting_id)
                .map_or_else(|| name.to_owned(), |p| p.name.clone()),
            conflicting_id,
        }),
        None => Ok(()),
    }
}

/// Whether an update keeps the stored key: only if the endpoint's origin stays the
/// same. A key is never sent to a host it was not given for.
fn keeps_secret_bound(stored: &StoredProfile, new_endpoint: Option<&str>) -> bool {
    match new_endpoint {
        None => true,
        Some(endpoint) => {
            Origin::of(endpoint.trim().trim_end_matches('/')) == Origin::of(&stored.endpoint)
        }
    }
}

/// `Patch` applied to an optional stored string.
fn patched<'a>(patch: &'a Patch<String>, current: Option<&'a str>) -> Option<&'a str> {
    match patch {
        Patch::Keep => current,
        Patch::Clear => None,
        Patch::Set(value) => Some(value),
    }
}

/// The warning of an update that moved a profile to another origin and so dropped its
/// key, its consent, or both.
fn credentials_dropped(dropped_key: bool, dropped_consent: bool) -> Option<Warning> {
    let message = match (dropped_key, dropped_consent) {
        (true, true) => messages::warning_key_and_consent_dropped(),
        (true, false) => messages::warning_key_dropped(),
        (false, true) => messages::warning_consent_dropped(),
        (false, false) => return None,
    };
    Some(texts::warning("credentials_dropped", message))
}

/// Field problems found outside `validate` (the key's shape) join its list; without
/// `consent_needed` the missing consent `validate` lists with other problems is not one.
fn finish_validation(
    draft: Result<Draft, Vec<FieldError>>,
    mut extra: Vec<FieldError>,
    consent_needed: bool,
) -> Result<Draft, VaultError> {
    match draft {
        Ok(draft) if extra.is_empty() => Ok(draft),
        Ok(_) => Err(VaultError::Validation(extra)),
        Err(mut problems) => {
            if !consent_needed {
                problems.retain(|p| p.code != CONSENT_REQUIRED_FIELD_CODE);
            }
            problems.append(&mut extra);
            Err(VaultError::Validation(problems))
        }
    }
}

/// The field-error code `validate` gives a missing consent.
const CONSENT_REQUIRED_FIELD_CODE: &str = "consent_required";

/// A profile as a mutation's result shows it.
pub fn profile_result(
    pending: &VaultData,
    profile: &StoredProfile,
    warnings: Vec<Warning>,
) -> ProfileResult {
    let active = pending.active_id == Some(profile.id);
    ProfileResult {
        profile: profile.redacted(active),
        active_id: pending.active_id.map(|a| a.to_string()),
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use llm_agent_protocol::methods::profiles::ProfilePatch;

    use super::*;

    fn create_params(name: &str, endpoint: &str) -> CreateParams {
        CreateParams {
            name: name.into(),
            provider: "openai_compatible".into(),
            endpoint: endpoint.into(),
            model: "m".into(),
            ..Default::default()
        }
    }

    fn sealed() -> SealedSecret {
        SealedSecret {
            nonce: "n".into(),
            ciphertext: "c".into(),
            origin: None,
            version: 2,
        }
    }

    /// Creates a profile (with a stand-in sealed key when the params carry one).
    fn create(pending: &mut VaultData, params: CreateParams) -> Uuid {
        let plan = plan_create(pending, &params).unwrap();
        let key = plan.key().map(|_| sealed());
        let id = plan.id;
        plan.apply(pending, key);
        id
    }

    fn update(pending: &mut VaultData, id: Uuid, patch: ProfilePatch) -> ProfileResult {
        let plan = plan_update(
            pending,
            &UpdateParams {
                id: id.to_string(),
                patch,
            },
        )
        .unwrap();
        let key = plan.key().map(|_| sealed());
        plan.apply(pending, key)
    }

    #[test]
    fn the_first_profile_becomes_active_and_names_are_unique_regardless_of_case() {
        let mut pending = VaultData::new();
        let first = create(&mut pending, create_params("Local", "http://127.0.0.1:1"));
        let second = create(&mut pending, create_params("Other", "http://127.0.0.1:2"));
        assert_eq!(pending.active_id, Some(first));
        assert_ne!(first, second);
        let taken = plan_create(&pending, &create_params("LOCAL", "http://127.0.0.1:3"));
        assert!(matches!(
            taken,
            Err(VaultError::NameConflict { conflicting_id, .. }) if conflicting_id == first
        ));
    }

    #[test]
    fn a_remote_endpoint_needs_consent_and_the_vault_is_bounded() {
        let mut pending = VaultData::new();
        let remote = create_params("Remote", "https://llm.example.com/v1");
        assert!(matches!(
            plan_create(&pending, &remote),
            Err(VaultError::ConsentRequired { .. })
        ));
        let consented = CreateParams {
            consent_granted_at: Some("2026-01-01T00:00:00Z".into()),
            ..remote
        };
        assert!(plan_create(&pending, &consented).is_ok());
        for n in 0..MAX_PROFILES {
            create(
                &mut pending,
                create_params(&format!("p{n}"), "http://127.0.0.1:1"),
            );
        }
        assert!(matches!(
            plan_create(&pending, &create_params("one more", "http://127.0.0.1:1")),
            Err(VaultError::TooManyProfiles { max: MAX_PROFILES })
        ));
    }

    #[test]
    fn a_bad_key_is_reported_with_the_other_fields() {
        let params = CreateParams {
            name: String::new(),
            api_key: Some(SecretText::new("sk with spaces")),
            ..create_params("", "http://127.0.0.1:1")
        };
        let Err(VaultError::Validation(problems)) = plan_create(&VaultData::new(), &params) else {
            panic!("expected field errors");
        };
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["name", "api_key"]);
    }

    #[test]
    fn moving_to_another_origin_drops_the_key_and_the_consent_and_says_so() {
        let mut pending = VaultData::new();
        let id = create(
            &mut pending,
            CreateParams {
                api_key: Some(SecretText::new("sk-old")),
                consent_granted_at: Some("2026-01-01T00:00:00Z".into()),
                ..create_params("Remote", "https://a.example.com/v1")
            },
        );
        // Same origin, another path: key and consent stay.
        let same = update(
            &mut pending,
            id,
            ProfilePatch {
                endpoint: Some("https://A.example.com:443/v2".into()),
                ..Default::default()
            },
        );
        assert!(same.profile.has_api_key && same.warnings.is_empty());
        // Another origin: both go, with consent given again for the new host.
        let moved = update(
            &mut pending,
            id,
            ProfilePatch {
                endpoint: Some("https://b.example.com/v1".into()),
                consent_granted_at: Patch::Set("2026-02-01T00:00:00Z".into()),
                ..Default::default()
            },
        );
        assert!(!moved.profile.has_api_key);
        assert_eq!(moved.warnings.len(), 1);
        assert_eq!(moved.warnings[0].code, "credentials_dropped");
        assert!(moved.warnings[0].message.contains("API key was removed"));
        // Without new consent the move is refused: the old consent does not follow.
        let refused = plan_update(
            &pending,
            &UpdateParams {
                id: id.to_string(),
                patch: ProfilePatch {
                    endpoint: Some("https://c.example.com".into()),
                    ..Default::default()
                },
            },
        );
        assert!(matches!(refused, Err(VaultError::ConsentRequired { .. })));
    }

    #[test]
    fn withdrawing_consent_keeps_the_profile_and_its_key_until_consent_is_given_again() {
        let mut pending = VaultData::new();
        let id = create(
            &mut pending,
            CreateParams {
                api_key: Some(SecretText::new("sk-remote-1234")),
                consent_granted_at: Some("2026-01-01T00:00:00Z".into()),
                ..create_params("Remote", "https://a.example.com/v1")
            },
        );
        let withdraw = ProfilePatch {
            consent_granted_at: Patch::Clear,
            ..Default::default()
        };
        let withdrawn = update(&mut pending, id, withdraw);
        assert!(withdrawn.profile.has_api_key, "the key stays");
        assert!(withdrawn.profile.consent_granted_at.is_none());
        assert!(withdrawn.profile.consent_withdrawn_at.is_some());
        let stored = pending.find(id).unwrap();
        assert_eq!(
            stored.consent_origin.as_deref(),
            Some("https://a.example.com:443")
        );

        // Still editable, and still withdrawn.
        let renamed = update(
            &mut pending,
            id,
            ProfilePatch {
                name: Some("Renamed".into()),
                ..Default::default()
            },
        );
        assert!(renamed.profile.consent_withdrawn_at.is_some());
        // A bad field is reported alone, without a consent problem.
        let Err(VaultError::Validation(problems)) = plan_update(
            &pending,
            &UpdateParams {
                id: id.to_string(),
                patch: ProfilePatch {
                    name: Some(" ".into()),
                    ..Default::default()
                },
            },
        ) else {
            panic!("a blank name is refused");
        };
        let codes: Vec<&str> = problems.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(codes, ["required"]);

        let given = update(
            &mut pending,
            id,
            ProfilePatch {
                consent_granted_at: Patch::Set("2026-02-01T00:00:00Z".into()),
                ..Default::default()
            },
        );
        assert!(given.profile.consent_granted_at.is_some());
        assert!(given.profile.consent_withdrawn_at.is_none());
        assert!(given.profile.has_api_key);
    }

    #[test]
    fn a_patch_keeps_clears_or_replaces_the_key() {
        let mut pending = VaultData::new();
        let id = create(
            &mut pending,
            CreateParams {
                api_key: Some(SecretText::new("sk-live-aaaaaaaa1111")),
                ..create_params("Local", "http://127.0.0.1:1")
            },
        );
        let kept = update(&mut pending, id, ProfilePatch::default());
        assert_eq!(kept.profile.api_key_hint.as_deref(), Some("...1111"));
        let replaced = update(
            &mut pending,
            id,
            ProfilePatch {
                api_key: Patch::Set(SecretText::new("sk-live-bbbbbbbb2222")),
                ..Default::default()
            },
        );
        assert_eq!(replaced.profile.api_key_hint.as_deref(), Some("...2222"));
        let cleared = update(
            &mut pending,
            id,
            ProfilePatch {
                api_key: Patch::Clear,
                ..Default::default()
            },
        );
        assert!(!cleared.profile.has_api_key && cleared.profile.api_key_hint.is_none());
    }

    #[test]
    fn deleting_the_active_profile_needs_an_existing_successor() {
        let mut pending = VaultData::new();
        let a = create(&mut pending, create_params("A", "http://127.0.0.1:1"));
        let b = create(&mut pending, create_params("B", "http://127.0.0.1:2"));
        pending.infrastructure_id = Some(b);
        let delete = |id: Uuid, successor: Option<String>| DeleteParams {
            id: id.to_string(),
            successor_id: successor,
        };
        assert!(matches!(
            plan_delete(&pending, &delete(a, None)),
            Err(VaultError::SuccessorRequired { .. })
        ));
        for bad in [a.to_string(), Uuid::new_v4().to_string(), "nope".to_owned()] {
            assert!(matches!(
                plan_delete(&pending, &delete(a, Some(bad))),
                Err(VaultError::SuccessorNotFound { .. })
            ));
        }
        let result = plan_delete(&pending, &delete(a, Some(b.to_string())))
            .unwrap()
            .apply(&mut pending);
        assert_eq!(result.active_id, Some(b.to_string()));
        // The last one goes without a successor, and the role falls back to the tutor.
        let result = plan_delete(&pending, &delete(b, None))
            .unwrap()
            .apply(&mut pending);
        assert_eq!(result.active_id, None);
        assert_eq!(pending.infrastructure_id, None);
        assert!(pending.profiles.is_empty());
    }

    #[test]
    fn activating_the_active_profile_changes_nothing_and_says_so() {
        let mut pending = VaultData::new();
        let a = create(&mut pending, create_params("A", "http://127.0.0.1:1"));
        let b = create(&mut pending, create_params("B", "http://127.0.0.1:2"));
        let params = |id: Uuid| IdParams { id: id.to_string() };
        let (same, writes) = plan_activate(&pending, &params(a)).unwrap().into_outcome();
        assert!(!writes && !same.changed);
        let (to_b, writes) = plan_activate(&pending, &params(b)).unwrap().into_outcome();
        assert!(writes && to_b.changed);
        assert_eq!(to_b.previous_active_id, Some(a.to_string()));
        activate(&mut pending, &to_b);
        assert_eq!(pending.active_id, Some(b));
        assert!(matches!(
            plan_activate(&pending, &IdParams { id: "nope".into() }),
            Err(VaultError::NotFound { .. })
        ));
    }

    #[test]
    fn clearing_keys_names_the_profiles_that_had_one() {
        let mut pending = VaultData::new();
        let keyed = create(
            &mut pending,
            CreateParams {
                api_key: Some(SecretText::new("sk-1234")),
                ..create_params("Keyed", "http://127.0.0.1:1")
            },
        );
        create(&mut pending, create_params("Plain", "http://127.0.0.1:2"));
        assert_eq!(clear_keys(&mut pending), [keyed.to_string()]);
        assert!(pending.profiles.iter().all(|p| p.api_key.is_none()));
        assert!(clear_keys(&mut pending).is_empty());
    }

    #[test]
    fn origin_changes_are_detected() {
        let stored = |endpoint: &str| StoredProfile {
            id: Uuid::nil(),
            name: "n".into(),
            provider: "ollama".into(),
            endpoint: endpoint.into(),
            model: "m".into(),
            api_key: None,
            api_key_hint: None,
            consent_granted_at: None,
            consent_origin: None,
            consent_withdrawn_at: None,
            created_at: String::new(),
            updated_at: String::new(),
            metadata: Default::default(),
        };
        let keeps = |from: &str, to: &str| keeps_secret_bound(&stored(from), Some(to));
        assert!(keeps(
            "http://127.0.0.1:11434",
            "http://127.0.0.1:11434/v1/"
        ));
        assert!(keeps(
            "https://api.openai.com",
            "https://API.openai.com:443/v1"
        ));
        assert!(!keeps("http://127.0.0.1:11434", "http://127.0.0.1:11435"));
        assert!(!keeps("http://api.x.com", "https://api.x.com"));
        assert!(keeps_secret_bound(&stored("http://a"), None));
    }
}
