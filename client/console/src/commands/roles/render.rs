//! How the roles read for a person: a table of each role's profile, by name where the
//! name is known, and what `roles set` changed.

use std::collections::BTreeMap;

use llm_agent_client::protocol::methods::catalog::{RoleBinding, Roles};

use crate::table::table;
use crate::texts::{self, messages};

/// The table's headers, in the console's language.
fn headers() -> [String; 4] {
    texts::headers([
        messages::header_role(),
        messages::header_profile(),
        messages::header_id(),
        messages::header_notes(),
    ])
}

/// The role that is the active profile.
const TUTOR: &str = "tutor";

/// Every role in a table: the profile's name when known, its id, and how the role chose it.
pub fn roles(roles: &Roles, names: &BTreeMap<String, String>) -> String {
    if roles.roles.is_empty() {
        return "the agent reports no roles".to_owned();
    }
    let rows: Vec<_> = roles
        .roles
        .iter()
        .map(|binding| {
            let (name, id) = match &binding.profile_id {
                Some(id) => (
                    names.get(id).cloned().unwrap_or_else(|| "?".to_owned()),
                    id.clone(),
                ),
                None => ("(none)".to_owned(), "-".to_owned()),
            };
            vec![binding.role.clone(), name, id, notes(binding).to_owned()]
        })
        .collect();
    table(&headers(), &rows)
}

fn notes(binding: &RoleBinding) -> &'static str {
    match (binding.role.as_str(), &binding.profile_id) {
        (TUTOR, Some(_)) => "the active profile",
        (TUTOR, None) => "no profile yet",
        (_, _) if binding.same_as_tutor => "same as tutor",
        (_, Some(_)) => "its own profile",
        (_, None) => "",
    }
}

/// What `roles set` did to `role`, then every role.
pub fn set(roles: &Roles, role: &str, names: &BTreeMap<String, String>) -> String {
    format!(
        "{}\n{}",
        changed(roles, role, names),
        self::roles(roles, names)
    )
}

/// What `roles set` did to `role`, in a sentence.
fn changed(roles: &Roles, role: &str, names: &BTreeMap<String, String>) -> String {
    let Some(binding) = roles.roles.iter().find(|binding| binding.role == role) else {
        return format!("{role} set");
    };
    let profile = binding.profile_id.as_deref().map(|id| match names.get(id) {
        Some(name) => format!("{name:?} ({id})"),
        None => id.to_owned(),
    });
    match (role, profile) {
        (TUTOR, Some(profile)) => format!("{profile} is now the active profile"),
        (_, Some(_)) if binding.same_as_tutor => format!("{role} now follows the tutor"),
        (_, Some(profile)) => format!("{role} now uses {profile}"),
        (_, None) if binding.same_as_tutor => format!("{role} now follows the tutor"),
        (_, None) => format!("{role} uses no profile"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn binding(role: &str, id: Option<&str>, same_as_tutor: bool) -> RoleBinding {
        RoleBinding {
            role: role.into(),
            profile_id: id.map(Into::into),
            same_as_tutor,
        }
    }

    #[test]
    fn roles_show_the_profile_and_how_it_was_chosen() {
        let names = BTreeMap::from([
            ("id-a".to_owned(), "Local".to_owned()),
            ("id-b".to_owned(), "Cloud".to_owned()),
        ]);
        let following = Roles {
            roles: vec![
                binding("tutor", Some("id-a"), false),
                binding("infrastructure", Some("id-a"), true),
            ],
        };
        assert_eq!(
            roles(&following, &names),
            "\
ROLE            PROFILE  ID    NOTES
tutor           Local    id-a  the active profile
infrastructure  Local    id-a  same as tutor"
        );
        assert_eq!(
            changed(&following, "infrastructure", &names),
            "infrastructure now follows the tutor"
        );
        assert_eq!(
            changed(&following, "tutor", &names),
            "\"Local\" (id-a) is now the active profile"
        );

        let pinned = Roles {
            roles: vec![
                binding("tutor", Some("id-a"), false),
                binding("infrastructure", Some("id-b"), false),
            ],
        };
        assert!(
            roles(&pinned, &BTreeMap::new())
                .ends_with("\ninfrastructure  ?        id-b  its own profile"),
            "{}",
            roles(&pinned, &BTreeMap::new())
        );
        assert_eq!(
            changed(&pinned, "infrastructure", &names),
            "infrastructure now uses \"Cloud\" (id-b)"
        );

        let empty = Roles {
            roles: vec![
                binding("tutor", None, false),
                binding("infrastructure", None, true),
            ],
        };
        assert_eq!(
            roles(&empty, &names),
            "\
ROLE            PROFILE  ID  NOTES
tutor           (none)   -   no profile yet
infrastructure  (none)   -   same as tutor"
        );
    }
}
