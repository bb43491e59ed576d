//! How spending totals read for a person: the range's total, then a table per profile
//! (with its cap and today's spending), per role and per day.

use llm_agent_client::protocol::methods::usage::{ProfileUsage, UsageSummary, UsageTotals};

use crate::figures::{thousands, usd};
use crate::table::table;
use crate::texts::{self, messages};

/// The totals of a range.
pub fn summary(summary: &UsageSummary) -> String {
    let range = if summary.from == summary.to {
        summary.from.clone()
    } else {
        format!("{} to {}", summary.from, summary.to)
    };
    let mut text = format!("{range} (UTC): {}\n", totals_line(&summary.total));
    if !summary.by_profile.is_empty() {
        let rows: Vec<Vec<String>> = summary
            .by_profile
            .iter()
            .map(|p| {
                vec![
                    p.profile_id.clone(),
                    thousands(p.totals.calls),
                    usd(p.totals.cost_usd),
                    usd(p.today_usd),
                    p.daily_cap_usd.map_or_else(|| "-".to_owned(), usd),
                ]
            })
            .collect();
        text.push('\n');
        text.push_str(&table(
            &texts::headers([
                messages::header_profile(),
                messages::header_calls(),
                messages::header_cost(),
                messages::header_today(),
                messages::header_daily_cap(),
            ]),
            &rows,
        ));
        text.push('\n');
    }
    if !summary.by_role.is_empty() {
        let rows: Vec<Vec<String>> = summary
            .by_role
            .iter()
            .map(|r| {
                vec![
                    r.role.clone(),
                    thousands(r.totals.calls),
                    usd(r.totals.cost_usd),
                ]
            })
            .collect();
        text.push('\n');
        text.push_str(&table(
            &texts::headers([
                messages::header_role(),
                messages::header_calls(),
                messages::header_cost(),
            ]),
            &rows,
        ));
        text.push('\n');
    }
    if summary.by_day.len() > 1 {
        let rows: Vec<Vec<String>> = summary
            .by_day
            .iter()
            .map(|d| {
                vec![
                    d.day.clone(),
                    thousands(d.totals.calls),
                    usd(d.totals.cost_usd),
                ]
            })
            .collect();
        text.push('\n');
        text.push_str(&table(
            &texts::headers([
                messages::header_day(),
                messages::header_calls(),
                messages::header_cost(),
            ]),
            &rows,
        ));
        text.push('\n');
    }
    text
}

/// A profile's cap after a change.
pub fn cap(usage: &ProfileUsage) -> String {
    match usage.daily_cap_usd {
        Some(cap) => format!(
            "daily cap of {} set for {}; {} spent today (UTC)",
            usd(cap),
            usage.profile_id,
            usd(usage.today_usd)
        ),
        None => format!("no daily cap for {}", usage.profile_id),
    }
}

/// `3 calls, 1,200 tokens in, 300 out, $0.0012 (2 priced by the catalog, 1 unknown)`.
fn totals_line(totals: &UsageTotals) -> String {
    let mut line = format!(
        "{} call{}, {} tokens in, {} out, {}",
        thousands(totals.calls),
        if totals.calls == 1 { "" } else { "s" },
        thousands(totals.input_tokens),
        thousands(totals.output_tokens),
        usd(totals.cost_usd)
    );
    if !totals.by_source.is_empty() {
        let sources: Vec<String> = totals
            .by_source
            .iter()
            .map(|(source, s)| format!("{} {source}", thousands(s.calls)))
            .collect();
        line.push_str(&format!(" (priced: {})", sources.join(", ")));
    }
    line
}

#[cfg(test)]
mod tests {
    use llm_agent_client::protocol::methods::usage::{DayUsage, RoleUsage, SourceTotals};

    use super::*;

    #[test]
    fn totals_read_per_profile_role_and_day() {
        let totals = UsageTotals {
            calls: 3,
            input_tokens: 1200,
            output_tokens: 300,
            cost_usd: 0.0012,
            by_source: [(
                "catalog".to_owned(),
                SourceTotals {
                    calls: 3,
                    cost_usd: 0.0012,
                },
            )]
            .into(),
        };
        let summary = UsageSummary {
            from: "2026-01-01".into(),
            to: "2026-01-02".into(),
            today: "2026-01-02".into(),
            total: totals.clone(),
            by_profile: vec![ProfileUsage {
                profile_id: "p-1".into(),
                totals: totals.clone(),
                daily_cap_usd: Some(1.0),
                today_usd: 0.0004,
            }],
            by_role: vec![RoleUsage {
                role: "tutor".into(),
                totals: totals.clone(),
            }],
            by_day: vec![
                DayUsage {
                    day: "2026-01-01".into(),
                    totals: totals.clone(),
                },
                DayUsage {
                    day: "2026-01-02".into(),
                    totals,
                },
            ],
        };
        let text = summary_text(&summary);
        assert!(
            text.starts_with(
                "2026-01-01 to 2026-01-02 (UTC): 3 calls, 1,200 tokens in, 300 out, $0.0012 (priced: 3 catalog)"
            ),
            "{text}"
        );
        assert!(text.contains("p-1"), "{text}");
        assert!(text.contains("$1.00"), "{text}");
        assert!(text.contains("tutor"), "{text}");
        assert!(text.contains("DAY"), "{text}");
    }

    fn summary_text(s: &UsageSummary) -> String {
        summary(s)
    }
}
