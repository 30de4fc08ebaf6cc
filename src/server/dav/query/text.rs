//! `text-match` (RFC 4791 §9.7.5, RFC 6352 §10.5.4): collations, match
//! types and negation, and the text of a property value as a client sees it.

use std::borrow::Cow;

use crate::adapters::contentline::{DateStyle, format_date_times, format_duration, format_recur, format_utc_offset};
use crate::server::dav::xml::request::{Collation, MatchType, TextMatch};
use crate::universal::Value;

/// Whether `value` satisfies `text_match`, negation included.
///
/// An unsupported collation never matches; the handler answers
/// `supported-collation` before it gets here (RFC 4791 §7.5.1).
pub fn matches(text_match: &TextMatch, value: &str) -> bool {
    let Some(found) = compare(&text_match.collation, text_match.match_type, value, &text_match.text) else {
        return false;
    };
    found != text_match.negate
}

/// [`matches`] with `i;unicode-casemap` on a value already folded by
/// [`unicode_casemap`] (a search text's).
pub fn matches_folded(text_match: &TextMatch, folded: &str) -> bool {
    let pattern = unicode_casemap(&text_match.text);
    found(text_match.match_type, folded, &pattern) != text_match.negate
}

/// The comparison itself; `None` for an unsupported collation.
fn compare(collation: &Collation, match_type: MatchType, value: &str, pattern: &str) -> Option<bool> {
    let (value, pattern): (Cow<'_, str>, Cow<'_, str>) = match collation {
        Collation::Octet => (value.into(), pattern.into()),
        Collation::AsciiCasemap => (value.to_ascii_lowercase().into(), pattern.to_ascii_lowercase().into()),
        Collation::UnicodeCasemap => (unicode_casemap(value).into(), unicode_casemap(pattern).into()),
        Collation::Other(_) => return None,
    };
    Some(found(match_type, &value, &pattern))
}

fn found(match_type: MatchType, value: &str, pattern: &str) -> bool {
    match match_type {
        MatchType::Equals => value == pattern,
        MatchType::Contains => value.contains(pattern),
        MatchType::StartsWith => value.starts_with(pattern),
        MatchType::EndsWith => value.ends_with(pattern),
    }
}

/// `i;unicode-casemap` (RFC 5051 §2): full Unicode case folding. RFC 5051
/// also decomposes (NFKD); we fold case only, which agrees for text in
/// precomposed form (what clients send and store).
pub fn unicode_casemap(text: &str) -> String {
    text.chars().flat_map(char::to_lowercase).collect()
}

/// The text of a value as a client sees it: TEXT unescaped, structured
/// values (N, ADR, ORG) joined with `;` and their lists with `,`, text
/// lists with `,`, dates in their iCalendar form, raw values as written.
pub fn value_text(value: &Value) -> Cow<'_, str> {
    match value {
        Value::Text(text) | Value::Uri(text) | Value::Binary(text) | Value::Raw(text) => Cow::Borrowed(text),
        Value::TextList(items) => Cow::Owned(items.join(",")),
        Value::Structured(fields) => Cow::Owned(fields.iter().map(|f| f.join(",")).collect::<Vec<_>>().join(";")),
        Value::DateTimes(values) => Cow::Owned(format_date_times(values, DateStyle::Basic)),
        Value::Duration(duration) => Cow::Owned(format_duration(duration)),
        Value::Recur(recur) => Cow::Owned(format_recur(recur)),
        Value::Integer(n) => Cow::Owned(n.to_string()),
        Value::UtcOffset(seconds) => Cow::Owned(format_utc_offset(*seconds)),
        Value::Boolean(b) => Cow::Borrowed(if *b { "TRUE" } else { "FALSE" }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tm(text: &str, collation: Collation, match_type: MatchType, negate: bool) -> TextMatch {
        TextMatch {
            text: text.into(),
            collation,
            match_type,
            negate,
        }
    }

    #[test]
    fn rfc4790_collations_and_match_types() {
        use Collation::*;
        use MatchType::*;
        assert!(matches(&tm("JOHN", AsciiCasemap, Contains, false), "john doe"));
        assert!(!matches(&tm("JOHN", Octet, Contains, false), "john doe"));
        assert!(matches(&tm("ÉLODIE", UnicodeCasemap, Equals, false), "élodie"));
        assert!(!matches(&tm("ÉLODIE", AsciiCasemap, Equals, false), "élodie"));
        assert!(matches(&tm("doe", AsciiCasemap, EndsWith, false), "John Doe"));
        assert!(!matches(&tm("doe", AsciiCasemap, StartsWith, false), "John Doe"));
        assert!(matches(&tm("doe", AsciiCasemap, StartsWith, true), "John Doe"));
        assert!(!matches(&tm("x", Other("i;foo".into()), Contains, true), "x"));
    }
}
