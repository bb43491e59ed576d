//! Times as the agent writes them: RFC 3339 in UTC for instants, `YYYY-MM-DD` for days.

use std::time::SystemTime;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Now, in RFC 3339 (UTC).
pub fn now_rfc3339() -> String {
    rfc3339(SystemTime::now())
}

/// An instant in RFC 3339 (UTC).
pub fn rfc3339(at: SystemTime) -> String {
    OffsetDateTime::from(at)
        .format(&Rfc3339)
        .unwrap_or_default()
}

/// Today's date in UTC, `YYYY-MM-DD`.
pub fn today() -> String {
    let now = OffsetDateTime::now_utc();
    format!(
        "{:04}-{:02}-{:02}",
        now.year(),
        u8::from(now.month()),
        now.day()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_rfc3339_in_utc_and_days_are_iso_dates() {
        let at = SystemTime::UNIX_EPOCH + std::time::Duration::from_millis(1_700_000_000_250);
        assert_eq!(rfc3339(at), "2023-11-14T22:13:20.25Z");
        let today = today();
        assert_eq!(today.len(), 10, "{today}");
        assert!(now_rfc3339().starts_with(&today));
    }
}
