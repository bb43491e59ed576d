//! `diagnostics.query` and `diagnostics.export`: searches of the ring and the journal;
//! the support bundle gathered from the agent's status, settings, profiles (as facts),
//! the ledger's verification and the journal, then written by its module.

use llm_agent_protocol::WireError;
use llm_agent_protocol::methods::diagnostics::{
    ExportParams, ExportResult, MAX_EXPORT_EVENTS, MAX_QUERY_LIMIT, QueryParams, QueryResult,
};

use crate::diagnostics::DiagnosticsError;
use crate::diagnostics::bundle::{
    self, BUNDLE_FORMAT, BundleSettings, Platform, ProfileFacts, SupportBundle, TimeRange,
};
use crate::diagnostics::query::Filter;
use crate::ipc::call::Call;
use crate::ipc::error::RequestError;
use crate::ipc::handlers::agent::status_of;

pub async fn query(call: &Call, params: QueryParams) -> Result<QueryResult, WireError> {
    if params
        .limit
        .is_some_and(|limit| !(1..=MAX_QUERY_LIMIT).contains(&limit))
    {
        return Err(RequestError::QueryLimitOutOfRange.into());
    }
    Ok(call.state.diagnostics.query(params).await?)
}

/// Writes a support bundle to the path the caller names.
pub async fn export(call: &Call, params: ExportParams) -> Result<ExportResult, WireError> {
    let state = &call.state;
    let path = bundle::check_path(&params.path, params.overwrite)?;
    let range = QueryParams {
        since: params.since.clone(),
        until: params.until.clone(),
        ..QueryParams::default()
    };
    let events = state
        .diagnostics
        .search(Filter::new(range, Some(MAX_EXPORT_EVENTS))?)
        .await?;
    let vault = state.vault.snapshot();
    let audit = state.audit.verify(vault.audit_head.clone()).await?;
    let discovery = state.discovery.status().await?.settings;
    let health = state.health.summaries();
    let bundle = SupportBundle {
        bundle_format: BUNDLE_FORMAT,
        created_at: crate::timestamp::now_rfc3339(),
        agent: status_of(state),
        platform: Platform::current(),
        safe_storage: vault.safe_storage.clone(),
        settings: BundleSettings::new(
            discovery.enabled,
            discovery.interval_s,
            &discovery.extra_endpoints,
        ),
        profiles: vault
            .profiles
            .iter()
            .map(|p| ProfileFacts::of(p, health.get(&p.id).cloned()))
            .collect(),
        audit,
        range: TimeRange {
            since: params.since,
            until: params.until,
        },
        events_truncated: events.next_cursor.is_some(),
        events: events.events,
    };
    let written_to = path.clone();
    let overwrite = params.overwrite;
    let written = tokio::task::spawn_blocking(move || {
        let bytes = bundle::write(&written_to, &bundle, overwrite)?;
        Ok::<_, DiagnosticsError>((bytes, bundle.events.len() as u64, bundle.events_truncated))
    })
    .await
    .map_err(|_| DiagnosticsError::Unavailable)?;
    let (bytes, events, truncated) = written?;
    Ok(ExportResult {
        path: path.display().to_string(),
        bytes,
        events,
        truncated,
    })
}
