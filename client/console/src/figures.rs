//! How numbers read for a person: durations, counts, prices and amounts of money.

/// A duration in microseconds, in the unit a person reads fastest.
pub fn micros(us: u64) -> String {
    match us {
        0..1_000 => format!("{us} µs"),
        1_000..1_000_000 => format!("{:.1} ms", us as f64 / 1e3),
        _ => format!("{:.2} s", us as f64 / 1e6),
    }
}

/// A count with thousands separators: `1,050,000`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut text = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            text.push(',');
        }
        text.push(digit);
    }
    text
}

/// A price per million tokens in USD, without the unit: cents when they say it exactly
/// (`0.10`, `10.00`), else every digit it has (`0.125`, `0.005`).
pub fn price(usd: f64) -> String {
    let cents = format!("{usd:.2}");
    if cents.parse::<f64>().is_ok_and(|rounded| rounded == usd) {
        cents
    } else {
        usd.to_string()
    }
}

/// An amount in USD as a person reads it: cents from a dollar up (`$1.25`), else two
/// significant digits (`$0.50`, `$0.0000037`), since a prompt test costs far less than a
/// cent.
pub fn usd(amount: f64) -> String {
    if amount == 0.0 {
        return "$0.00".to_owned();
    }
    if !amount.is_finite() || !(0.0..1.0).contains(&amount) {
        return format!("${amount:.2}");
    }
    // Float to integer casts saturate; the range above keeps this from 1 to about 324.
    let decimals = (1.0 - amount.log10().floor()) as usize;
    let mut text = format!("{amount:.decimals$}");
    let cents_end = text.find('.').map_or(text.len(), |dot| dot + 3);
    while text.len() > cents_end && text.ends_with('0') {
        text.pop();
    }
    format!("${text}")
}

/// An uptime in milliseconds as `2d 3h 4m 5s`, largest units first, zeros left out.
pub fn uptime(ms: u64) -> String {
    let total = ms / 1000;
    let parts = [
        (total / 86_400, "d"),
        (total / 3_600 % 24, "h"),
        (total / 60 % 60, "m"),
        (total % 60, "s"),
    ];
    let text: Vec<String> = parts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n}{unit}"))
        .collect();
    if text.is_empty() {
        format!("{ms}ms")
    } else {
        text.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_a_person_expects() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(131_072), "131,072");
        assert_eq!(thousands(1_050_000), "1,050,000");
        assert_eq!(price(0.1), "0.10");
        assert_eq!(price(10.0), "10.00");
        assert_eq!(price(0.125), "0.125");
        assert_eq!(price(0.005), "0.005");
        assert_eq!(usd(0.0), "$0.00");
        assert_eq!(usd(1.254), "$1.25");
        assert_eq!(usd(0.5), "$0.50");
        assert_eq!(usd(0.0149), "$0.015");
        assert_eq!(usd(0.0000037), "$0.0000037");
        assert_eq!(usd(0.005), "$0.005");
    }

    #[test]
    fn durations_pick_a_readable_unit() {
        assert_eq!(micros(12), "12 µs");
        assert_eq!(micros(1_500), "1.5 ms");
        assert_eq!(micros(2_340_000), "2.34 s");
        assert_eq!(uptime(450), "450ms");
        assert_eq!(uptime(61_000), "1m 1s");
        assert_eq!(uptime(90_061_000), "1d 1h 1m 1s");
        assert_eq!(uptime(3_600_000), "1h");
    }
}
