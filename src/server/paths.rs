//! The URL space: where the DAV root, principals and homes live. Every URL
//! the server hands out is built here, so the DAV layer, discovery and the
//! landing page agree.
//!
//! ```text
//! /dav/                          DAV root (context path of RFC 6764 §5)
//! /dav/principals/USER/          principal (RFC 3744 §2, RFC 5397)
//! /dav/addressbooks/USER/        addressbook-home-set (RFC 6352 §7.1.1)
//! /dav/calendars/USER/           calendar-home-set (RFC 4791 §6.2.1)
//! ```
//!
//! Collection URLs end in `/` (iOS wants it). User names are restricted by
//! [`valid_user_name`] to characters that need no percent-encoding.

/// The DAV root: where `/.well-known/carddav` and `/.well-known/caldav` lead.
pub const DAV_ROOT: &str = "/dav/";
/// Principals' parent collection.
pub const PRINCIPALS: &str = "/dav/principals/";
/// Address book homes' parent collection.
pub const ADDRESSBOOKS: &str = "/dav/addressbooks/";
/// Calendar homes' parent collection.
pub const CALENDARS: &str = "/dav/calendars/";

/// `/dav/principals/USER/`.
pub fn principal(user: &str) -> String {
    format!("{PRINCIPALS}{user}/")
}

/// `/dav/addressbooks/USER/`.
pub fn addressbook_home(user: &str) -> String {
    format!("{ADDRESSBOOKS}{user}/")
}

/// `/dav/calendars/USER/`.
pub fn calendar_home(user: &str) -> String {
    format!("{CALENDARS}{user}/")
}

/// `/dav/addressbooks/USER/COLLECTION/`.
pub fn addressbook(user: &str, collection: &str) -> String {
    format!("{ADDRESSBOOKS}{user}/{collection}/")
}

/// `/dav/calendars/USER/COLLECTION/`.
pub fn calendar(user: &str, collection: &str) -> String {
    format!("{CALENDARS}{user}/{collection}/")
}

/// User names: 1–64 of `A-Z a-z 0-9 . _ - @ +`, not `.` or `..`. Safe in a
/// URL path segment as is, and e-mail addresses fit.
pub fn valid_user_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name != "."
        && name != ".."
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'@' | b'+'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4791_6_2_1_homes_and_principals_end_in_a_slash() {
        assert_eq!(principal("alice"), "/dav/principals/alice/");
        assert_eq!(addressbook_home("alice"), "/dav/addressbooks/alice/");
        assert_eq!(calendar_home("alice"), "/dav/calendars/alice/");
        assert_eq!(calendar("alice", "work"), "/dav/calendars/alice/work/");
        assert_eq!(addressbook("a@b.c", "x"), "/dav/addressbooks/a@b.c/x/");
    }

    #[test]
    fn user_names_need_no_escaping() {
        for ok in ["admin", "alice@example.org", "bob.smith+dav", "x_y-z"] {
            assert!(valid_user_name(ok), "{ok}");
        }
        for bad in ["", ".", "..", "a/b", "a b", "é", "a%20", &"x".repeat(65)] {
            assert!(!valid_user_name(bad), "{bad}");
        }
    }
}
