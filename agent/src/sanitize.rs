//! Text from elsewhere (a provider's message, a model's reply, a server's version) as a
//! learner may see it: no control or invisible formatting characters, whitespace runs
//! collapsed, bounded in length.

/// Text as a learner may see it: control and invisible formatting characters (bidi
/// overrides, zero-width) removed, whitespace runs collapsed to one space, trimmed, and at
/// most `max_chars` characters (the last one `…` when cut).
pub fn sanitize(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    let mut chars = 0;
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_whitespace() || c.is_control() {
            pending_space = chars > 0;
            continue;
        }
        if is_invisible_format(c) {
            continue;
        }
        let needed = 1 + usize::from(pending_space);
        if chars + needed > max_chars {
            if max_chars > 0 {
                while chars >= max_chars {
                    out.pop();
                    chars -= 1;
                }
                out.push('…');
            }
            return out.trim_end().to_owned();
        }
        if pending_space {
            out.push(' ');
            chars += 1;
            pending_space = false;
        }
        out.push(c);
        chars += 1;
    }
    out
}

fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_strips_controls_and_invisible_text_and_bounds_length() {
        assert_eq!(
            sanitize("  Hello,\n\n\tworld!\u{7}  ", 200),
            "Hello, world!"
        );
        assert_eq!(sanitize("a\u{202E}b\u{200B}c", 200), "abc");
        assert_eq!(sanitize("\x1b[31mred\x1b[0m", 200), "[31mred [0m");
        let long = "x".repeat(500);
        let cut = sanitize(&long, 200);
        assert_eq!(cut.chars().count(), 200);
        assert!(cut.ends_with('…'));
        assert_eq!(sanitize("abc def", 5), "abc …");
        assert_eq!(sanitize("", 200), "");
    }
}
