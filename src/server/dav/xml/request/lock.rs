//! LOCK bodies (RFC 4918 §9.10, §14.11).

use super::super::error::{XmlError, XmlErrorKind};
use super::super::names::Namespace;
use super::super::tree::{Node, XmlLimits};
use super::super::value::LockScope;
use super::{document, required};

/// A `<D:lockinfo>`: a new write lock. The only lock type is `write`
/// (RFC 4918 §14.15), so it is not a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockInfo {
    pub scope: LockScope,
    /// The `<D:owner>` content, kept verbatim to echo in lockdiscovery
    /// (RFC 4918 §14.17).
    pub owner: Option<Vec<Node>>,
}

/// Reads a LOCK body; `None` for an empty body, which is a lock refresh
/// (RFC 4918 §9.10.2).
pub fn parse_lockinfo(input: &[u8], limits: &XmlLimits) -> Result<Option<LockInfo>, XmlError> {
    let Some(root) = document(input, limits, Namespace::Dav, "lockinfo")? else {
        return Ok(None);
    };
    let scope_element = required(&root, &Namespace::Dav, "lockscope")?;
    let scope = match scope_element
        .elements()
        .find(|e| e.ns == Namespace::Dav)
        .map(|e| e.name.as_str())
    {
        Some("exclusive") => LockScope::Exclusive,
        Some("shared") => LockScope::Shared,
        other => {
            let value = other.unwrap_or_default().to_owned();
            return Err(scope_element.error(XmlErrorKind::InvalidValue {
                what: "lockscope",
                value,
            }));
        }
    };
    let type_element = required(&root, &Namespace::Dav, "locktype")?;
    if type_element.child(&Namespace::Dav, "write").is_none() {
        let value = type_element
            .elements()
            .next()
            .map(|e| e.name.clone())
            .unwrap_or_default();
        return Err(type_element.error(XmlErrorKind::InvalidValue {
            what: "locktype",
            value,
        }));
    }
    let owner = root.child(&Namespace::Dav, "owner").map(|o| o.children.clone());
    Ok(Some(LockInfo { scope, owner }))
}
