//! Hrefs (RFC 4918 §8.3): decoded paths inside, percent-encoded once on output.
//!
//! A request href is decoded when it is read ([`Href::from_wire`]), so the
//! rest of the server compares plain paths; the writer encodes it exactly once
//! ([`encode_href`]), so a name with a space or `%` never comes back double
//! encoded.

use std::borrow::Cow;

use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};

use super::error::XmlErrorKind;

/// Bytes escaped in a path: everything but unreserved, sub-delims, `:`, `@`
/// and `/` (RFC 3986 §3.3 `pchar`).
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// A resource path as the server knows it: absolute, percent-decoded.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Href(String);

impl Href {
    /// A decoded absolute path, such as `/dav/alice/contacts/a b.vcf`.
    pub fn from_path(path: impl Into<String>) -> Href {
        Href(path.into())
    }

    /// Reads an href as a client sent it: an absolute path or a full URL
    /// (some clients send `https://host/path`), percent-encoded.
    pub fn from_wire(text: &str) -> Result<Href, XmlErrorKind> {
        let text = text.trim();
        let path = match text.split_once("://") {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") => {
                rest.find('/').map_or("/", |i| &rest[i..])
            }
            _ => text,
        };
        let invalid = || XmlErrorKind::InvalidValue {
            what: "href",
            value: text.to_owned(),
        };
        if !path.starts_with('/') {
            return Err(invalid());
        }
        let decoded = percent_decode_str(path).decode_utf8().map_err(|_| invalid())?;
        Ok(Href(decoded.into_owned()))
    }

    /// The decoded path.
    pub fn path(&self) -> &str {
        &self.0
    }

    /// The decoded path, owned.
    pub fn into_path(self) -> String {
        self.0
    }

    /// The path percent-encoded for the wire.
    pub fn encoded(&self) -> Cow<'_, str> {
        encode_href(&self.0)
    }
}

/// Percent-encodes a decoded path for an `<href>` (RFC 3986 §3.3); a path
/// that needs no escape (most: names a client chose) is not copied.
pub fn encode_href(path: &str) -> Cow<'_, str> {
    utf8_percent_encode(path, PATH).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4918_8_3_hrefs_are_decoded_once_and_encoded_once() {
        let href = Href::from_wire("/dav/alice/contacts/a%20b%2525.vcf").unwrap();
        assert_eq!(href.path(), "/dav/alice/contacts/a b%25.vcf");
        assert_eq!(href.encoded(), "/dav/alice/contacts/a%20b%2525.vcf");
        assert_eq!(
            encode_href("/cal/Ünïcode @x:1.ics"),
            "/cal/%C3%9Cn%C3%AFcode%20@x:1.ics"
        );
    }

    #[test]
    fn full_urls_keep_only_their_path() {
        let href = Href::from_wire("https://dav.example.com:8443/dav/a.ics").unwrap();
        assert_eq!(href.path(), "/dav/a.ics");
        assert!(Href::from_wire("relative/a.ics").is_err());
        assert!(Href::from_wire("/bad%FF").is_err());
    }
}
