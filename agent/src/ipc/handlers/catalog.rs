//! `catalog.*` and `roles.*`: reads answer from the catalog's and the vault's snapshots;
//! edits go to the catalog actor; the tutor role is the active profile, so setting it
//! activates one.

use llm_agent_protocol::WireError;
use llm_agent_protocol::methods::NoParams;
use llm_agent_protocol::methods::catalog::{
    Catalog, CatalogModel, CatalogProvider, ListParams, ModelRef, Roles, SetProviderParams,
    SetRoleParams, UpsertModelParams,
};
use llm_agent_protocol::methods::profiles::IdParams;

use crate::catalog::actor::CatalogMsg;
use crate::ipc::call::Call;
use crate::ipc::error::RequestError;
use crate::vault::VaultSnapshot;
use crate::vault::actor::VaultMsg;

pub async fn list(call: &Call, params: ListParams) -> Result<Catalog, WireError> {
    let catalog = call.state.catalog.snapshot();
    let view = catalog.view();
    Ok(Catalog {
        shipped_as_of: view.shipped_as_of.clone(),
        providers: view
            .providers
            .iter()
            .filter(|p| {
                params
                    .provider
                    .as_ref()
                    .is_none_or(|wanted| &p.kind == wanted)
            })
            .cloned()
            .collect(),
    })
}

pub async fn upsert_model(
    call: &Call,
    params: UpsertModelParams,
) -> Result<CatalogModel, WireError> {
    Ok(call
        .state
        .catalog
        .call(|reply| CatalogMsg::Upsert(params, reply))
        .await?)
}

pub async fn deprecate_model(call: &Call, model: ModelRef) -> Result<CatalogModel, WireError> {
    set_model_status(call, model, true).await
}

pub async fn reactivate_model(call: &Call, model: ModelRef) -> Result<CatalogModel, WireError> {
    set_model_status(call, model, false).await
}

async fn set_model_status(
    call: &Call,
    model: ModelRef,
    deprecated: bool,
) -> Result<CatalogModel, WireError> {
    Ok(call
        .state
        .catalog
        .call(|reply| CatalogMsg::SetStatus {
            model,
            deprecated,
            reply,
        })
        .await?)
}

pub async fn set_default_model(call: &Call, model: ModelRef) -> Result<CatalogProvider, WireError> {
    Ok(call
        .state
        .catalog
        .call(|reply| CatalogMsg::SetDefault(model, reply))
        .await?)
}

pub async fn set_provider(
    call: &Call,
    params: SetProviderParams,
) -> Result<CatalogProvider, WireError> {
    Ok(call
        .state
        .catalog
        .call(|reply| CatalogMsg::SetProvider(params, reply))
        .await?)
}

pub async fn roles_get(call: &Call, _: NoParams) -> Result<Roles, WireError> {
    Ok(roles_of(&call.state.vault.snapshot()))
}

/// Points a role at a profile: `tutor` activates it, `infrastructure` takes it (or, with
/// nil, follows the tutor again).
pub async fn roles_set(call: &Call, params: SetRoleParams) -> Result<Roles, WireError> {
    let vault = &call.state.vault;
    match (params.role.as_str(), params.profile_id) {
        ("tutor", Some(id)) => {
            call.note_profile(&id);
            vault
                .call(|reply| VaultMsg::Activate(IdParams { id }, reply))
                .await?;
        }
        ("tutor", None) => return Err(RequestError::TutorNeedsProfile.into()),
        ("infrastructure", id) => {
            if let Some(id) = &id {
                call.note_profile(id);
            }
            vault
                .call(|reply| VaultMsg::SetInfrastructure(id, reply))
                .await?;
        }
        _ => return Err(RequestError::UnknownRole.into()),
    }
    Ok(roles_of(&vault.snapshot()))
}

fn roles_of(snapshot: &VaultSnapshot) -> Roles {
    Roles {
        roles: snapshot.roles(),
    }
}
