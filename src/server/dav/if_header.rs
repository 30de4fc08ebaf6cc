//! The WebDAV `If` request header (RFC 4918 §10.4): parsing and
//! evaluation, with no store and no HTTP.
//!
//! ```text
//! If = ( 1*No-tag-list | 1*Tagged-list )
//! Tagged-list = Resource-Tag 1*List        Resource-Tag = "<" Simple-ref ">"
//! List = "(" 1*Condition ")"               Condition = ["Not"] (State-token | "[" entity-tag "]")
//! ```
//!
//! A condition holds when the resource it is about has that entity tag or
//! is in the scope of a lock with that token (§10.4.4); `Not` inverts it.
//! A list holds when all its conditions hold; the header holds when any of
//! its lists holds (§10.4.3) — else the request fails with 412. Untagged
//! lists are about the Request-URI, tagged ones about their tag's resource.
//! Separately, every state token anywhere in the header counts as
//! *submitted* (§10.4.1), whatever the evaluation; that is how a client
//! proves it knows a lock.

use std::fmt;

/// One condition of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Test {
    /// A state token (a lock token, or `DAV:no-lock`, which never matches).
    Token(String),
    /// An entity tag, without quotes, `W/` or backslashes.
    ETag(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub negated: bool,
    pub test: Test,
}

/// One parenthesised list, and the resource tag it follows (`None`: the
/// Request-URI).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateList {
    pub resource: Option<String>,
    pub conditions: Vec<Condition>,
}

/// A parsed `If` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IfHeader {
    pub lists: Vec<StateList>,
}

/// What a condition is tested against: a resource's state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResourceState {
    /// The current entity tag, unquoted; `None` when the resource does not
    /// exist or has none (§10.4.8: an unmapped URL has no state).
    pub etag: Option<String>,
    /// The tokens of every lock whose scope includes the resource.
    pub lock_tokens: Vec<String>,
}

/// Why a header does not parse (400).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IfSyntaxError {
    pub at: usize,
    pub expected: &'static str,
}

impl fmt::Display for IfSyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "malformed If header at byte {}: expected {}", self.at, self.expected)
    }
}

/// An entity tag as compared: no `W/` (weak comparison, RFC 9110 §8.8.3.2),
/// no quotes, no backslashes (Evolution escapes its quotes).
pub fn bare_etag(tag: &str) -> String {
    let tag = tag.trim();
    let tag = tag.strip_prefix("W/").unwrap_or(tag);
    tag.chars().filter(|c| *c != '"' && *c != '\\').collect()
}

impl IfHeader {
    pub fn parse(input: &str) -> Result<IfHeader, IfSyntaxError> {
        let mut parser = Parser { input, pos: 0 };
        let mut lists = Vec::new();
        let mut tag: Option<String> = None;
        let mut tagged = false;
        loop {
            parser.skip_space();
            match parser.peek() {
                None => break,
                Some('<') if lists.is_empty() || tagged => {
                    tag = Some(parser.delimited('<', '>', "a resource tag")?);
                    tagged = true;
                    parser.skip_space();
                    if parser.peek() != Some('(') {
                        return Err(parser.error("a list after the resource tag"));
                    }
                }
                Some('(') => lists.push(StateList {
                    resource: tag.clone(),
                    conditions: parser.list()?,
                }),
                _ => return Err(parser.error("'(' or a resource tag")),
            }
        }
        if lists.is_empty() {
            return Err(parser.error("at least one list"));
        }
        Ok(IfHeader { lists })
    }

    /// Every state token in the header: the tokens it submits.
    pub fn tokens(&self) -> impl Iterator<Item = &str> {
        self.lists
            .iter()
            .flat_map(|l| &l.conditions)
            .filter_map(|c| match &c.test {
                Test::Token(token) => Some(token.as_str()),
                Test::ETag(_) => None,
            })
    }

    /// The resource tags, each once, in order of appearance.
    pub fn tags(&self) -> Vec<&str> {
        let mut tags: Vec<&str> = Vec::new();
        for tag in self.lists.iter().filter_map(|l| l.resource.as_deref()) {
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        tags
    }

    /// Whether the header holds, given each list's resource's state
    /// (`state(None)` is the Request-URI's).
    pub fn holds<'s>(&self, state: impl Fn(Option<&str>) -> &'s ResourceState) -> bool {
        self.lists.iter().any(|list| {
            let state = state(list.resource.as_deref());
            list.conditions.iter().all(|c| c.matches(state) != c.negated)
        })
    }
}

impl Condition {
    fn matches(&self, state: &ResourceState) -> bool {
        match &self.test {
            Test::Token(token) => state.lock_tokens.iter().any(|t| t == token),
            Test::ETag(etag) => state.etag.as_deref() == Some(etag.as_str()),
        }
    }
}

struct Parser<'a> {
    input: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.input[self.pos..].chars().next()
    }

    fn skip_space(&mut self) {
        let rest = &self.input[self.pos..];
        self.pos += rest.len() - rest.trim_start().len();
    }

    fn error(&self, expected: &'static str) -> IfSyntaxError {
        IfSyntaxError { at: self.pos, expected }
    }

    /// `open … close`, returning what is between (no nesting, no escapes).
    fn delimited(&mut self, open: char, close: char, what: &'static str) -> Result<String, IfSyntaxError> {
        if self.peek() != Some(open) {
            return Err(self.error(what));
        }
        let start = self.pos + open.len_utf8();
        let end = self.input[start..].find(close).ok_or_else(|| self.error(what))?;
        self.pos = start + end + close.len_utf8();
        Ok(self.input[start..start + end].trim().to_owned())
    }

    /// `[entity-tag]`; a quoted tag may hold `]`.
    fn entity_tag(&mut self) -> Result<String, IfSyntaxError> {
        let start = self.pos + 1;
        let rest = &self.input[start..];
        let body_start = rest.strip_prefix("W/").map_or(0, |_| 2);
        let end = if rest[body_start..].starts_with('"') {
            let after = body_start + 1;
            let close = rest[after..]
                .find('"')
                .ok_or_else(|| self.error("a closing quote in the entity tag"))?;
            let quoted_end = after + close + 1;
            if !rest[quoted_end..].starts_with(']') {
                return Err(IfSyntaxError {
                    at: start + quoted_end,
                    expected: "']' after the entity tag",
                });
            }
            quoted_end
        } else {
            rest.find(']').ok_or_else(|| self.error("']' after the entity tag"))?
        };
        self.pos = start + end + 1;
        Ok(bare_etag(&rest[..end]))
    }

    fn list(&mut self) -> Result<Vec<Condition>, IfSyntaxError> {
        self.pos += 1; // '('
        let mut conditions = Vec::new();
        loop {
            self.skip_space();
            let rest = &self.input[self.pos..];
            let negated = rest.len() >= 3 && rest[..3].eq_ignore_ascii_case("not");
            if negated {
                self.pos += 3;
                self.skip_space();
            }
            let test = match self.peek() {
                Some(')') if !negated && !conditions.is_empty() => {
                    self.pos += 1;
                    return Ok(conditions);
                }
                Some('<') => Test::Token(self.delimited('<', '>', "a state token")?),
                Some('[') => Test::ETag(self.entity_tag()?),
                _ => return Err(self.error("a state token or an entity tag")),
            };
            conditions.push(Condition { negated, test });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(t: &str, negated: bool) -> Condition {
        Condition {
            negated,
            test: Test::Token(t.into()),
        }
    }

    fn etag(t: &str) -> Condition {
        Condition {
            negated: false,
            test: Test::ETag(t.into()),
        }
    }

    #[test]
    fn rfc4918_10_4_2_untagged_lists_with_not_and_entity_tags() {
        let header = IfHeader::parse(r#"(<urn:uuid:a> ["e1"]) (Not <DAV:no-lock> [W/"e:]2"])"#).unwrap();
        assert_eq!(
            header.lists,
            vec![
                StateList {
                    resource: None,
                    conditions: vec![token("urn:uuid:a", false), etag("e1")],
                },
                StateList {
                    resource: None,
                    conditions: vec![token("DAV:no-lock", true), etag("e:]2")],
                },
            ]
        );
        assert_eq!(header.tokens().collect::<Vec<_>>(), ["urn:uuid:a", "DAV:no-lock"]);
    }

    #[test]
    fn rfc4918_10_4_2_tagged_lists_belong_to_their_tag() {
        let header = IfHeader::parse("<http://h/a> (<t1>) (<t2>) </b> ([\"x\"])").unwrap();
        let tags: Vec<_> = header.lists.iter().map(|l| l.resource.as_deref()).collect();
        assert_eq!(tags, [Some("http://h/a"), Some("http://h/a"), Some("/b")]);
        assert_eq!(header.tags(), ["http://h/a", "/b"]);
    }

    #[test]
    fn rfc4918_10_4_2_malformed_headers_are_refused() {
        for bad in [
            "",
            "()",
            "(Not)",
            "<t>",
            "(<t>",
            "([\"x\")",
            "x",
            "(<a>) <http://h/> (<b>)",
            "(Nix <a>)",
        ] {
            assert!(IfHeader::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn rfc4918_10_4_3_lists_are_or_of_and() {
        let locked = ResourceState {
            etag: Some("e1".into()),
            lock_tokens: vec!["urn:t".into()],
        };
        let holds = |h: &str| IfHeader::parse(h).unwrap().holds(|_| &locked);
        assert!(holds(r#"(<urn:t> ["e1"])"#));
        assert!(!holds(r#"(<urn:t> ["e2"])"#), "AND within a list");
        assert!(holds(r#"(<urn:t> ["e2"]) (Not <DAV:no-lock>)"#), "OR across lists");
        assert!(!holds(r#"(<DAV:no-lock> ["e1"])"#));
        assert!(!holds(r#"(Not ["e1"])"#));
        assert!(holds("(<urn:t>) (Not <DAV:no-lock>)"));
    }

    #[test]
    fn rfc4918_10_4_8_an_unmapped_resource_has_no_state() {
        let none = ResourceState::default();
        let header = IfHeader::parse(r#"(Not ["e1"] Not <urn:t>)"#).unwrap();
        assert!(header.holds(|_| &none));
        assert!(!IfHeader::parse(r#"(["e1"])"#).unwrap().holds(|_| &none));
    }

    #[test]
    fn evolution_escaped_etags_compare_bare() {
        assert_eq!(bare_etag("\\\"abc\\\""), "abc");
        assert_eq!(bare_etag("W/\"abc\""), "abc");
    }
}
