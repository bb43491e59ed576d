//! `usage.*`: what model calls cost, as durable running totals per profile, per role and
//! per day (UTC), and the learner's daily spending cap of a profile.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Method;

/// The most days one `usage.summary` covers.
pub const MAX_SUMMARY_DAYS: u32 = 366;
/// The highest daily cap, in USD.
pub const MAX_DAILY_CAP_USD: f64 = 10_000.0;
/// The share of a cap at which the `usage` topic warns.
pub const CAP_WARNING_FRACTION: f64 = 0.8;

/// The totals of a range of days.
pub enum Summary {}

impl Method for Summary {
    const NAME: &'static str = "usage.summary";
    type Params = SummaryParams;
    type Result = UsageSummary;
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct SummaryParams {
    /// The first day (`YYYY-MM-DD`, UTC), inclusive; absent: `to`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The last day, inclusive; absent: today.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

/// Counts and costs of model calls. Calls whose price is unknown count in `calls` and
/// the token counts, not in `cost_usd`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct UsageTotals {
    pub calls: u64,
    pub input_tokens: u64,
    pub output_tokens: u64,
    /// The sum of every known amount, in USD.
    pub cost_usd: f64,
    /// By where each price came from (`user`, `catalog`, `local`, `unknown`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub by_source: BTreeMap<String, SourceTotals>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct SourceTotals {
    pub calls: u64,
    pub cost_usd: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct UsageSummary {
    pub from: String,
    pub to: String,
    /// Today, UTC: the day caps apply to.
    pub today: String,
    pub total: UsageTotals,
    /// Every profile with calls in the range or a cap.
    pub by_profile: Vec<ProfileUsage>,
    /// `tutor` and `infrastructure`, when calls named them.
    pub by_role: Vec<RoleUsage>,
    /// Days with calls, oldest first.
    pub by_day: Vec<DayUsage>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct ProfileUsage {
    pub profile_id: String,
    pub totals: UsageTotals,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub daily_cap_usd: Option<f64>,
    /// What the profile's calls cost today.
    pub today_usd: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct RoleUsage {
    pub role: String,
    pub totals: UsageTotals,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct DayUsage {
    pub day: String,
    pub totals: UsageTotals,
}

/// Sets or removes a profile's daily spending cap. Once a day's known costs reach it,
/// calls to the profile are refused (`SPENDING_CAP_REACHED`) until the next day (UTC).
pub enum SetCap {}

impl Method for SetCap {
    const NAME: &'static str = "usage.set_cap";
    type Params = SetCapParams;
    type Result = ProfileUsage;
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct SetCapParams {
    pub profile_id: String,
    /// More than 0 and at most [`MAX_DAILY_CAP_USD`]; nil removes the cap. Required in
    /// TypeScript, where leaving a field out must never be what removes a cap.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = false))]
    pub daily_cap_usd: Option<f64>,
}

/// The data of a `usage` event: a profile's spending today reached 80% of its cap
/// (`level: warning`) or all of it (`level: reached`). Each is sent once per profile
/// and day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
pub struct SpendingAlert {
    pub profile_id: String,
    pub day: String,
    pub level: AlertLevel,
    pub daily_cap_usd: f64,
    pub spent_usd: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "snake_case")]
pub enum AlertLevel {
    Warning,
    Reached,
    #[serde(other)]
    #[cfg_attr(feature = "ts", ts(untagged, type = "(string & {})"))]
    Unknown,
}

impl AlertLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertLevel::Warning => "warning",
            AlertLevel::Reached => "reached",
            AlertLevel::Unknown => "unknown",
        }
    }
}
