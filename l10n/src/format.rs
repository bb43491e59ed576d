//! Numbers and dates inside texts, as each language writes them: the bundle's number
//! formatter and the `DATETIME` and `DATE` functions, on ICU4X's compiled CLDR data.
//!
//! A number argument is formatted with the locale's separators and grouping (`1,234.5`,
//! `1.234,5`), honouring Fluent's `minimumFractionDigits` and `maximumFractionDigits`.
//! Instants travel as RFC 3339 text and days as `YYYY-MM-DD`; `DATETIME($at)` writes the
//! day and the minute in UTC, `DATE($day)` the day. A value that does not parse is shown
//! as it came.

use fixed_decimal::Decimal;
use fluent_bundle::types::FluentNumber;
use fluent_bundle::{FluentArgs, FluentValue};
use icu_calendar::{Date, Gregorian};
use icu_datetime::FixedCalendarDateTimeFormatter;
use icu_datetime::fieldsets::YMD;
use icu_datetime::input::{DateTime, Time};
use icu_decimal::DecimalFormatter;
use intl_memoizer::Memoizable;
use intl_memoizer::concurrent::IntlLangMemoizer;
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};
use unic_langid::LanguageIdentifier;

/// The ICU locale of a Fluent bundle's language.
fn icu_locale(lang: &LanguageIdentifier) -> Option<icu_locale_core::Locale> {
    lang.to_string().parse().ok()
}

/// A decimal formatter for one language, made once per bundle.
struct Numbers(DecimalFormatter);

impl Memoizable for Numbers {
    type Args = ();
    type Error = ();

    fn construct(lang: LanguageIdentifier, _: ()) -> Result<Self, ()> {
        let locale = icu_locale(&lang).ok_or(())?;
        DecimalFormatter::try_new((&locale).into(), Default::default())
            .map(Numbers)
            .map_err(|_| ())
    }
}

/// The bundle's formatter: numbers as the bundle's language writes them; other values
/// as Fluent writes them.
pub(crate) fn format_value(value: &FluentValue<'_>, memoizer: &IntlLangMemoizer) -> Option<String> {
    let FluentValue::Number(number) = value else {
        return None;
    };
    let decimal = decimal_of(number)?;
    memoizer
        .with_try_get::<Numbers, _, _>((), |numbers| numbers.0.format_to_string(&decimal))
        .ok()
}

/// The number as a decimal, rounded and padded to its fraction digits.
fn decimal_of(number: &FluentNumber) -> Option<Decimal> {
    if !number.value.is_finite() {
        return None;
    }
    let mut decimal = Decimal::try_from_str(&number.value.to_string()).ok()?;
    if let Some(max) = number.options.maximum_fraction_digits {
        decimal.round(-i16::try_from(max).ok()?);
    }
    if let Some(min) = number.options.minimum_fraction_digits {
        decimal.pad_end(-i16::try_from(min).ok()?);
    }
    Some(decimal)
}

/// What `DATETIME` and `DATE` write.
#[derive(Clone, Copy)]
pub(crate) enum DateStyle {
    /// The day and the minute, in UTC.
    DayAndMinute,
    /// The day.
    Day,
}

/// `DATETIME(...)`/`DATE(...)` for a bundle of `lang`: the first positional argument
/// formatted, or itself when it is not a date.
pub(crate) fn date_function(
    lang: LanguageIdentifier,
    style: DateStyle,
) -> impl for<'a> Fn(&[FluentValue<'a>], &FluentArgs) -> FluentValue<'a> + Send + Sync + 'static {
    move |positional, _named| {
        let Some(first) = positional.first() else {
            return FluentValue::Error;
        };
        let FluentValue::String(text) = first else {
            return first.clone();
        };
        match format_date(&lang, style, text) {
            Some(formatted) => FluentValue::String(formatted.into()),
            None => first.clone(),
        }
    }
}

fn format_date(lang: &LanguageIdentifier, style: DateStyle, text: &str) -> Option<String> {
    let locale = icu_locale(lang)?;
    let (date, time) = match style {
        DateStyle::DayAndMinute => {
            let at = OffsetDateTime::parse(text, &Rfc3339)
                .ok()?
                .to_offset(UtcOffset::UTC);
            (at.date(), Some(at.time()))
        }
        DateStyle::Day => {
            let format = time::macros::format_description!("[year]-[month]-[day]");
            (time::Date::parse(text, format).ok()?, None)
        }
    };
    let day = Date::try_new_gregorian(date.year(), u8::from(date.month()), date.day()).ok()?;
    match time {
        Some(time) => {
            let formatter = FixedCalendarDateTimeFormatter::<Gregorian, _>::try_new(
                (&locale).into(),
                YMD::medium().with_time_hm(),
            )
            .ok()?;
            let time = Time::try_new(time.hour(), time.minute(), 0, 0).ok()?;
            Some(formatter.format(&DateTime { date: day, time }).to_string())
        }
        None => {
            let formatter = FixedCalendarDateTimeFormatter::<Gregorian, _>::try_new(
                (&locale).into(),
                YMD::medium(),
            )
            .ok()?;
            Some(formatter.format(&day).to_string())
        }
    }
}
