//! Text in aligned columns: tables under headers, rows without, and `key value` lines.

/// Formats rows under headers in aligned columns, two spaces apart.
pub fn table<H: AsRef<str>>(headers: &[H], rows: &[Vec<String>]) -> String {
    let mut all = vec![headers.iter().map(|h| h.as_ref().to_owned()).collect()];
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
pub fn key_values<K: AsRef<str>>(pairs: &[(K, String)]) -> String {
    let width = pairs
        .iter()
        .map(|(key, _)| key.as_ref().chars().count())
        .max()
        .unwrap_or(0);
    pairs
        .iter()
        .map(|(key, value)| format!("{:<width$}  {value}", key.as_ref()))
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
}
