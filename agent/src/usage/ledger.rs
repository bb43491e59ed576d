//! The spending ledger: running totals per day (UTC), per profile and per role, the
//! learner's daily caps, and which cap alerts each profile has had today. Pure rules, no
//! I/O: `usage/mod.rs` persists it.

use std::collections::BTreeMap;

use llm_agent_protocol::methods::catalog::EstimatedCost;
use llm_agent_protocol::methods::usage::{
    AlertLevel, CAP_WARNING_FRACTION, DayUsage, ProfileUsage, RoleUsage, SourceTotals,
    SpendingAlert, UsageSummary, UsageTotals,
};
use serde::{Deserialize, Serialize};

/// Days kept; older ones are dropped as new ones start.
pub const KEPT_DAYS: usize = 400;

/// The ledger, as `usage.json` holds it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Ledger {
    /// Daily caps in USD, by profile id.
    #[serde(default)]
    pub caps: BTreeMap<String, f64>,
    /// By day, `YYYY-MM-DD`.
    #[serde(default)]
    pub days: BTreeMap<String, Day>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Day {
    #[serde(default)]
    pub profiles: BTreeMap<String, UsageTotals>,
    #[serde(default)]
    pub roles: BTreeMap<String, UsageTotals>,
    /// The highest cap alert each profile has had this day.
    #[serde(default)]
    pub alerts: BTreeMap<String, AlertLevel>,
}

/// One finished call's cost.
pub struct Spend<'a> {
    pub profile_id: &'a str,
    pub role: Option<&'a str>,
    pub cost: &'a EstimatedCost,
    pub input_tokens: u64,
    pub output_tokens: u64,
}

/// A profile's cap and the alert noted for it on one day, as they were before a change.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CapSetting {
    cap: Option<f64>,
    alert: Option<AlertLevel>,
}

/// A call that may not start: the profile's cap is reached today.
#[derive(Debug, Clone, PartialEq)]
pub struct CapReached {
    pub daily_cap_usd: f64,
    pub spent_usd: f64,
}

impl Ledger {
    /// What the profile's calls cost on `day`.
    pub fn spent(&self, day: &str, profile_id: &str) -> f64 {
        self.days
            .get(day)
            .and_then(|d| d.profiles.get(profile_id))
            .map_or(0.0, |t| t.cost_usd)
    }

    /// Refuses a call once the profile's known costs on `day` reach its cap.
    pub fn check_cap(&self, day: &str, profile_id: &str) -> Result<(), CapReached> {
        let Some(&cap) = self.caps.get(profile_id) else {
            return Ok(());
        };
        let spent = self.spent(day, profile_id);
        if spent >= cap {
            return Err(CapReached {
                daily_cap_usd: cap,
                spent_usd: spent,
            });
        }
        Ok(())
    }

    /// Adds a call's cost on `day`; returns the alert it crossed into, if any.
    pub fn add(&mut self, day: &str, spend: &Spend<'_>) -> Option<SpendingAlert> {
        let entry = self.days.entry(day.to_owned()).or_default();
        add_to(
            entry
                .profiles
                .entry(spend.profile_id.to_owned())
                .or_default(),
            spend,
        );
        if let Some(role) = spend.role {
            add_to(entry.roles.entry(role.to_owned()).or_default(), spend);
        }
        while self.days.len() > KEPT_DAYS {
            self.days.pop_first();
        }
        self.alert(day, spend.profile_id)
    }

    /// Sets (or with `None` removes) a profile's cap; returns the alert the new cap puts
    /// today's spending into, if any.
    pub fn set_cap(
        &mut self,
        day: &str,
        profile_id: &str,
        cap: Option<f64>,
    ) -> Option<SpendingAlert> {
        match cap {
            Some(cap) => {
                self.caps.insert(profile_id.to_owned(), cap);
                self.alert(day, profile_id)
            }
            None => {
                self.caps.remove(profile_id);
                None
            }
        }
    }

    /// Drops the caps of profiles that no longer exist; whether any was dropped. Their
    /// totals stay: that money was spent.
    pub fn forget_caps_unless(&mut self, exists: impl Fn(&str) -> bool) -> bool {
        let before = self.caps.len();
        self.caps.retain(|profile_id, _| exists(profile_id));
        self.caps.len() != before
    }

    /// What a cap change of the profile alters on `day`: its cap and the alert noted
    /// for it, to [`Ledger::restore_cap`] if the change cannot be saved.
    pub fn cap_setting(&self, day: &str, profile_id: &str) -> CapSetting {
        CapSetting {
            cap: self.caps.get(profile_id).copied(),
            alert: self
                .days
                .get(day)
                .and_then(|d| d.alerts.get(profile_id))
                .copied(),
        }
    }

    /// Puts back what [`Ledger::cap_setting`] took.
    pub fn restore_cap(&mut self, day: &str, profile_id: &str, setting: CapSetting) {
        match setting.cap {
            Some(cap) => self.caps.insert(profile_id.to_owned(), cap),
            None => self.caps.remove(profile_id),
        };
        let day = self.days.get_mut(day);
        match (day, setting.alert) {
            (Some(day), Some(alert)) => {
                day.alerts.insert(profile_id.to_owned(), alert);
            }
            (Some(day), None) => {
                day.alerts.remove(profile_id);
            }
            // No day: nothing was noted on it, and nothing was before.
            (None, _) => {}
        }
    }

    /// The alert the profile's spending on `day` has newly reached, noted so it is sent
    /// once.
    fn alert(&mut self, day: &str, profile_id: &str) -> Option<SpendingAlert> {
        let cap = *self.caps.get(profile_id)?;
        let spent = self.spent(day, profile_id);
        let level = if spent >= cap {
            AlertLevel::Reached
        } else if spent >= cap * CAP_WARNING_FRACTION {
            AlertLevel::Warning
        } else {
            return None;
        };
        let alerts = &mut self.days.entry(day.to_owned()).or_default().alerts;
        let had = alerts.get(profile_id).copied();
        let new = match (had, level) {
            (Some(AlertLevel::Reached), _) | (Some(AlertLevel::Warning), AlertLevel::Warning) => {
                return None;
            }
            _ => level,
        };
        alerts.insert(profile_id.to_owned(), new);
        Some(SpendingAlert {
            profile_id: profile_id.to_owned(),
            day: day.to_owned(),
            level: new,
            daily_cap_usd: cap,
            spent_usd: spent,
        })
    }

    /// The totals of the days `from..=to` (`YYYY-MM-DD`, which sort as dates), with caps
    /// and today's spending for every profile that has either.
    pub fn summary(&self, from: &str, to: &str, today: &str) -> UsageSummary {
        let mut total = UsageTotals::default();
        let mut by_profile: BTreeMap<&str, UsageTotals> = BTreeMap::new();
        let mut by_role: BTreeMap<&str, UsageTotals> = BTreeMap::new();
        let mut by_day = Vec::new();
        for (day, record) in self.days.range(from.to_owned()..=to.to_owned()) {
            let mut of_day = UsageTotals::default();
            for (profile, totals) in &record.profiles {
                merge(by_profile.entry(profile).or_default(), totals);
                merge(&mut of_day, totals);
            }
            for (role, totals) in &record.roles {
                merge(by_role.entry(role).or_default(), totals);
            }
            merge(&mut total, &of_day);
            by_day.push(DayUsage {
                day: day.clone(),
                totals: of_day,
            });
        }
        for profile in self.caps.keys() {
            by_profile.entry(profile).or_default();
        }
        UsageSummary {
            from: from.to_owned(),
            to: to.to_owned(),
            today: today.to_owned(),
            total,
            by_profile: by_profile
                .into_iter()
                .map(|(profile, totals)| self.profile_usage(profile, totals, today))
                .collect(),
            by_role: by_role
                .into_iter()
                .map(|(role, totals)| RoleUsage {
                    role: role.to_owned(),
                    totals,
                })
                .collect(),
            by_day,
        }
    }

    /// One profile's line of a summary.
    pub fn profile_usage(
        &self,
        profile_id: &str,
        totals: UsageTotals,
        today: &str,
    ) -> ProfileUsage {
        ProfileUsage {
            profile_id: profile_id.to_owned(),
            totals,
            daily_cap_usd: self.caps.get(profile_id).copied(),
            today_usd: round_usd(self.spent(today, profile_id)),
        }
    }
}

fn add_to(totals: &mut UsageTotals, spend: &Spend<'_>) {
    let amount = spend.cost.amount_usd.unwrap_or(0.0);
    totals.calls += 1;
    totals.input_tokens = totals.input_tokens.saturating_add(spend.input_tokens);
    totals.output_tokens = totals.output_tokens.saturating_add(spend.output_tokens);
    totals.cost_usd = round_usd(totals.cost_usd + amount);
    let source = totals
        .by_source
        .entry(spend.cost.source.clone())
        .or_default();
    source.calls += 1;
    source.cost_usd = round_usd(source.cost_usd + amount);
}

fn merge(into: &mut UsageTotals, from: &UsageTotals) {
    into.calls += from.calls;
    into.input_tokens = into.input_tokens.saturating_add(from.input_tokens);
    into.output_tokens = into.output_tokens.saturating_add(from.output_tokens);
    into.cost_usd = round_usd(into.cost_usd + from.cost_usd);
    for (source, totals) in &from.by_source {
        let entry: &mut SourceTotals = into.by_source.entry(source.clone()).or_default();
        entry.calls += totals.calls;
        entry.cost_usd = round_usd(entry.cost_usd + totals.cost_usd);
    }
}

/// Sums kept to the nano-dollar, as estimates are: float noise must not show.
fn round_usd(amount: f64) -> f64 {
    (amount * 1e9).round() / 1e9
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cost(amount: Option<f64>, source: &str) -> EstimatedCost {
        EstimatedCost {
            amount_usd: amount,
            source: source.into(),
            as_of: None,
        }
    }

    fn spend<'a>(profile_id: &'a str, role: Option<&'a str>, cost: &'a EstimatedCost) -> Spend<'a> {
        Spend {
            profile_id,
            role,
            cost,
            input_tokens: 10,
            output_tokens: 5,
        }
    }

    #[test]
    fn totals_add_up_per_profile_role_day_and_source() {
        let mut ledger = Ledger::default();
        let paid = cost(Some(0.25), "catalog");
        let unknown = cost(None, "unknown");
        ledger.add("2026-01-01", &spend("a", Some("tutor"), &paid));
        ledger.add("2026-01-02", &spend("a", Some("infrastructure"), &paid));
        ledger.add("2026-01-02", &spend("b", None, &unknown));
        ledger.add("2026-01-03", &spend("b", None, &paid));
        let summary = ledger.summary("2026-01-01", "2026-01-02", "2026-01-02");
        assert_eq!(summary.total.calls, 3);
        assert_eq!(summary.total.cost_usd, 0.5);
        assert_eq!(summary.total.input_tokens, 30);
        assert_eq!(summary.total.by_source["unknown"].calls, 1);
        assert_eq!(summary.by_day.len(), 2);
        let roles: Vec<_> = summary.by_role.iter().map(|r| r.role.as_str()).collect();
        assert_eq!(roles, ["infrastructure", "tutor"]);
        let a = &summary.by_profile[0];
        assert_eq!(
            (a.profile_id.as_str(), a.totals.calls, a.today_usd),
            ("a", 2, 0.25)
        );
    }

    #[test]
    fn a_cap_refuses_once_reached_and_alerts_once_per_level() {
        let mut ledger = Ledger::default();
        assert_eq!(ledger.set_cap("d", "a", Some(1.0)), None);
        let quarter = cost(Some(0.25), "user");
        let alerts: Vec<_> = (0..5)
            .map(|_| {
                let checked = ledger.check_cap("d", "a");
                (
                    checked.is_ok(),
                    ledger
                        .add("d", &spend("a", None, &quarter))
                        .map(|a| a.level),
                )
            })
            .collect();
        assert_eq!(
            alerts,
            [
                (true, None),
                (true, None),
                (true, None),
                (true, Some(AlertLevel::Reached)),
                (false, None)
            ]
        );
        // 80% without reaching it: a warning, once.
        let mut ledger = Ledger::default();
        ledger.set_cap("d", "a", Some(1.0));
        let most = cost(Some(0.85), "user");
        assert_eq!(
            ledger.add("d", &spend("a", None, &most)).map(|a| a.level),
            Some(AlertLevel::Warning)
        );
        let little = cost(Some(0.01), "user");
        assert_eq!(ledger.add("d", &spend("a", None, &little)), None);
        // Another day starts afresh; removing the cap lets calls through.
        assert!(ledger.check_cap("e", "a").is_ok());
        ledger.set_cap("d", "a", Some(0.5));
        assert!(ledger.check_cap("d", "a").is_err());
        ledger.set_cap("d", "a", None);
        assert!(ledger.check_cap("d", "a").is_ok());
    }

    #[test]
    fn old_days_are_dropped() {
        let mut ledger = Ledger::default();
        let free = cost(Some(0.0), "local");
        for day in 0..(KEPT_DAYS + 3) {
            ledger.add(&format!("d{day:05}"), &spend("a", None, &free));
        }
        assert_eq!(ledger.days.len(), KEPT_DAYS);
        assert!(!ledger.days.contains_key("d00000"));
    }
}
