//! PROPFIND bodies (RFC 4918 §9.1, §14.20).

use super::super::error::{XmlError, XmlErrorKind};
use super::super::names::{DavProp, Namespace};
use super::super::tree::XmlLimits;
use super::{document, prop_names};

/// What a PROPFIND asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PropFind {
    /// `<allprop/>`, or an empty body (RFC 4918 §9.1), plus the live
    /// properties named in `<include>` (RFC 4918 §14.8).
    AllProp { include: Vec<DavProp> },
    /// `<propname/>`: names only.
    PropName,
    /// `<prop>`: these properties.
    Prop(Vec<DavProp>),
}

/// Reads a PROPFIND body; an empty body is `allprop` (RFC 4918 §9.1).
pub fn parse_propfind(input: &[u8], limits: &XmlLimits) -> Result<PropFind, XmlError> {
    let Some(root) = document(input, limits, Namespace::Dav, "propfind")? else {
        return Ok(PropFind::AllProp { include: Vec::new() });
    };
    for child in root.elements().filter(|e| e.ns == Namespace::Dav) {
        match child.name.as_str() {
            "prop" => return Ok(PropFind::Prop(prop_names(child))),
            "propname" => return Ok(PropFind::PropName),
            "allprop" => {
                let include = root
                    .child(&Namespace::Dav, "include")
                    .map(prop_names)
                    .unwrap_or_default();
                return Ok(PropFind::AllProp { include });
            }
            _ => {}
        }
    }
    Err(root.error(XmlErrorKind::MissingElement {
        parent: "propfind".into(),
        child: "prop",
    }))
}
