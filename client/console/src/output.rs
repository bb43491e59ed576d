//! Where and how the console writes: JSON documents for scripts, aligned text for people,
//! and failures on stderr (or as a JSON document on stdout with `--json`).

use std::io::{self, Write};

use serde::Serialize;
use serde_json::json;

use crate::failure::Failure;
use crate::json::to_json;

#[derive(Debug, Clone, Copy)]
pub struct Output {
    json: bool,
}

impl Output {
    pub fn new(json: bool) -> Self {
        Self { json }
    }

    pub fn is_json(self) -> bool {
        self.json
    }

    /// Writes one JSON document on one line.
    pub fn json_line<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Failure> {
        let mut stdout = io::stdout().lock();
        serde_json::to_writer(&mut stdout, value)
            .map_err(io::Error::from)
            .and_then(|()| writeln!(stdout))
            .map_err(|source| Failure::io("could not write to stdout", source))
    }

    /// Writes a result as one JSON document, or as `render` shows it to a person.
    pub fn result<T: Serialize>(
        self,
        result: &T,
        render: impl FnOnce(&T) -> String,
    ) -> Result<(), Failure> {
        if self.json {
            self.json_line(result)
        } else {
            self.text(&render(result))
        }
    }

    /// Writes text for a person; a missing final newline is added.
    pub fn text(self, text: &str) -> Result<(), Failure> {
        let mut stdout = io::stdout().lock();
        let newline = if text.ends_with('\n') { "" } else { "\n" };
        write!(stdout, "{text}{newline}")
            .map_err(|source| Failure::io("could not write to stdout", source))
    }

    /// A remark for a person that is not the command's output.
    pub fn note(self, text: &str) {
        if !self.json {
            eprintln!("{text}");
        }
    }

    /// Reports a failure: `error: CODE: message` and the remediation on stderr, or with
    /// `--json` one `{"error": {...}}` document on stdout, so scripts parse one stream.
    pub fn failure(self, failure: &Failure) {
        if failure.is_silent() {
            return;
        }
        if self.json {
            let wire = failure.wire_error();
            let document = json!({
                "error": {
                    "code": failure.code(),
                    "message": failure.message(),
                    "remediation": failure.remediation(),
                    "retryable": wire.is_some_and(|wire| wire.retryable),
                    "details": wire.and_then(|wire| wire.details.as_ref()).map(to_json),
                }
            });
            // stdout is gone if this fails; stderr is the last place left to say so.
            if self.json_line(&document).is_err() {
                eprintln!("error: {}: {}", failure.code(), failure.message());
            }
            return;
        }
        if let Failure::Cancelled = failure {
            // What the person asked for, not an error.
            eprintln!("{}", failure.message());
            return;
        }
        eprintln!("error: {}: {}", failure.code(), failure.message());
        if let Some(remediation) = failure.remediation() {
            eprintln!("  {remediation}");
        }
    }
}

/// Formats rows under headers in aligned columns, two spaces apart.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut all = vec![headers.iter().map(|h| (*h).to_owned()).collect()];
    all.extend_from_slice(rows);
    columns(&all)
}

/// Formats rows in aligned columns, two spaces apart, without headers.
pub fn columns(rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = Vec::new();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            let width = cell.chars().count();
            match widths.get_mut(i) {
                Some(known) => *known = (*known).max(width),
                None => widths.push(width),
            }
        }
    }
    rows.iter()
        .map(|row| aligned(row, &widths))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Formats `key value` lines with the values aligned.
pub fn key_values(pairs: &[(&str, String)]) -> String {
    let width = pairs
        .iter()
        .map(|(key, _)| key.chars().count())
        .max()
        .unwrap_or(0);
    pairs
        .iter()
        .map(|(key, value)| format!("{key:<width$}  {value}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// One row padded to `widths`, without trailing spaces when its last cells are empty.
fn aligned(row: &[String], widths: &[usize]) -> String {
    let mut line = String::new();
    for (i, (cell, width)) in row.iter().zip(widths).enumerate() {
        if i + 1 == row.len() {
            line.push_str(cell);
        } else {
            line.push_str(&format!("{cell:<width$}  "));
        }
    }
    line.truncate(line.trim_end().len());
    line
}

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
    fn tables_align_columns() {
        let rows = vec![
            vec!["a".to_owned(), "long value".to_owned(), "x".to_owned()],
            vec!["longer".to_owned(), "b".to_owned(), "y".to_owned()],
        ];
        assert_eq!(
            table(&["K", "V", "Z"], &rows),
            "K       V           Z\na       long value  x\nlonger  b           y"
        );
    }

    #[test]
    fn columns_align_rows_without_headers() {
        let rows = vec![
            vec!["ollama".to_owned(), "a".to_owned()],
            vec!["jan".to_owned(), "b".to_owned()],
        ];
        assert_eq!(columns(&rows), "ollama  a\njan     b");
        assert_eq!(columns(&[]), "");
    }

    #[test]
    fn key_values_align_values() {
        let pairs = [("pid", "1".to_owned()), ("data dir", "/d".to_owned())];
        assert_eq!(key_values(&pairs), "pid       1\ndata dir  /d");
    }

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
