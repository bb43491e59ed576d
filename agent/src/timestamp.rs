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
    day(OffsetDateTime::now_utc().date())
}

/// A date as `YYYY-MM-DD`.
pub fn day(date: time::Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// Reads a `YYYY-MM-DD` date; anything else is `None`.
pub fn parse_day(text: &str) -> Option<time::Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    (text.len() == 10)
        .then(|| time::Date::parse(text, format).ok())
        .flatten()
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
        let date = parse_day("2026-02-28").unwrap();
        assert_eq!(day(date.next_day().unwrap()), "2026-03-01");
        for bad in [
            "2026-02-30",
            "2026-2-1",
            "26-02-01",
            "2026-02-01T00:00:00Z",
            "",
        ] {
            assert_eq!(parse_day(bad), None, "{bad}");
        }
    }
}
