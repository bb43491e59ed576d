//! The pseudo-locale `en-XA`: English with every letter accented, about 40% longer and
//! in brackets, so that a layout which assumes English lengths or ASCII shows it.

use std::borrow::Cow;

/// Accented stand-ins for ASCII letters (precomposed: one `char` each, one column wide).
const ACCENTED: [(char, char); 52] = [
    ('a', 'á'),
    ('b', 'ƀ'),
    ('c', 'ç'),
    ('d', 'ď'),
    ('e', 'é'),
    ('f', 'ƒ'),
    ('g', 'ĝ'),
    ('h', 'ĥ'),
    ('i', 'í'),
    ('j', 'ĵ'),
    ('k', 'ķ'),
    ('l', 'ĺ'),
    ('m', 'ɱ'),
    ('n', 'ñ'),
    ('o', 'ö'),
    ('p', 'þ'),
    ('q', 'ǫ'),
    ('r', 'ŕ'),
    ('s', 'š'),
    ('t', 'ţ'),
    ('u', 'ü'),
    ('v', 'ṽ'),
    ('w', 'ŵ'),
    ('x', 'ẋ'),
    ('y', 'ý'),
    ('z', 'ž'),
    ('A', 'Å'),
    ('B', 'Ɓ'),
    ('C', 'Ç'),
    ('D', 'Ď'),
    ('E', 'É'),
    ('F', 'Ƒ'),
    ('G', 'Ĝ'),
    ('H', 'Ĥ'),
    ('I', 'Í'),
    ('J', 'Ĵ'),
    ('K', 'Ķ'),
    ('L', 'Ĺ'),
    ('M', 'Ṁ'),
    ('N', 'Ñ'),
    ('O', 'Ö'),
    ('P', 'Þ'),
    ('Q', 'Ǫ'),
    ('R', 'Ŕ'),
    ('S', 'Š'),
    ('T', 'Ţ'),
    ('U', 'Ü'),
    ('V', 'Ṽ'),
    ('W', 'Ŵ'),
    ('X', 'Ẋ'),
    ('Y', 'Ý'),
    ('Z', 'Ž'),
];

/// The bundle transform: accents the letters of the catalog's own text (arguments, such
/// as a model name, are left as they are).
pub(crate) fn accent(text: &str) -> Cow<'_, str> {
    if !text.bytes().any(|b| b.is_ascii_alphabetic()) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| {
                ACCENTED
                    .iter()
                    .find(|(plain, _)| *plain == c)
                    .map_or(c, |(_, accented)| *accented)
            })
            .collect(),
    )
}

/// A text made pseudo: accented, in brackets, padded to at least 140% of its length.
pub fn pseudo_localize(text: &str) -> String {
    pad(&accent(text))
}

/// An accented text in brackets, padded to at least 140% of its length.
pub(crate) fn pad(accented: &str) -> String {
    let len = accented.chars().count();
    let padding = (len * 2).div_ceil(5).max(1);
    let mut out = String::with_capacity(accented.len() + padding * 2 + 4);
    out.push('[');
    out.push_str(accented);
    out.push(' ');
    out.extend(std::iter::repeat_n('·', padding.saturating_sub(1)));
    out.push(']');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudo_text_is_accented_bracketed_and_longer() {
        let plain = "Choose another name.";
        let pseudo = pseudo_localize(plain);
        assert!(pseudo.starts_with("[Çĥööšé áñöţĥéŕ ñáɱé."), "{pseudo}");
        assert!(pseudo.ends_with(']'));
        assert!(
            pseudo.chars().count() * 10 >= plain.chars().count() * 14,
            "{pseudo}"
        );
        assert!(!pseudo.chars().any(|c| c.is_ascii_alphabetic()));
    }
}
