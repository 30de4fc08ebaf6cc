//! Dead properties between DAV and the store: a property element is kept as
//! a small XML document (`<d:dead>` wrapping the element, so its prefixes
//! are declared) and read back as [`PropValue::Xml`] — served as written.

use std::collections::HashMap;

use crate::server::error::ServerError;
use crate::store::{DeadProperties, DeadProperty, SqlStore};
use crate::universal::CollectionId;

use super::xml::response::DavWriter;
use super::xml::tree::parse_document;
use super::xml::value::PropValue;
use super::xml::{DavProp, Namespace, XmlLimits};

/// A property set on a resource, as stored values.
pub type Props = Vec<(DavProp, PropValue)>;

/// The stored form of a property; `None` for a value that is neither text
/// nor kept XML (typed live values are never dead).
pub fn to_stored(resource: &str, prop: &DavProp, value: &PropValue) -> Option<DeadProperty> {
    let (ns, name) = prop.name();
    let mut xml = DavWriter::new(Vec::new());
    let written = (|| -> std::io::Result<()> {
        xml.start_document(&Namespace::Dav, "dead")?;
        match value {
            PropValue::Xml(element) => xml.element(element)?,
            PropValue::Text(text) => xml.text_element(ns, name, text)?,
            PropValue::Empty => xml.empty(ns, name)?,
            _ => return Err(std::io::Error::other("typed value")),
        }
        xml.end(&Namespace::Dav, "dead")
    })();
    written.ok()?;
    Some(DeadProperty {
        resource: resource.to_owned(),
        namespace: ns.uri().to_owned(),
        name: name.to_owned(),
        xml: String::from_utf8(xml.into_inner()).ok()?,
    })
}

/// A stored property back as a name and value; `None` if it no longer parses.
pub fn from_stored(stored: &DeadProperty) -> Option<(DavProp, PropValue)> {
    let root = parse_document(stored.xml.as_bytes(), &XmlLimits::default()).ok()??;
    let element = root.elements().next()?.clone();
    let prop = DavProp::from_name(&element.ns, &element.name);
    Some((prop, PropValue::Xml(element)))
}

/// The dead properties of one resource (`""`: the collection).
pub async fn load(store: &SqlStore, collection: &CollectionId, resource: &str) -> Result<Props, ServerError> {
    let stored = store.dead_properties(collection, resource).await?;
    Ok(stored.iter().filter_map(from_stored).collect())
}

/// The dead properties of a collection and all its members, by resource.
pub async fn load_all(store: &SqlStore, collection: &CollectionId) -> Result<HashMap<String, Props>, ServerError> {
    let mut by_resource: HashMap<String, Props> = HashMap::new();
    for stored in store.dead_properties_in(collection).await? {
        if let Some(prop) = from_stored(&stored) {
            by_resource.entry(stored.resource).or_default().push(prop);
        }
    }
    Ok(by_resource)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4918_4_3_a_dead_property_survives_storage_with_its_namespace() {
        let body = br#"<d:propertyupdate xmlns:d="DAV:" xmlns:z="urn:z"><d:set><d:prop><z:color lang="en">red<z:deep>1</z:deep></z:color></d:prop></d:set></d:propertyupdate>"#;
        let update = super::super::xml::request::parse_proppatch(body, &XmlLimits::default()).unwrap();
        let super::super::xml::request::PropPatchOp::Set(prop, value) = &update.ops[0] else {
            panic!("a set")
        };
        let stored = to_stored("", prop, value).unwrap();
        assert_eq!((stored.namespace.as_str(), stored.name.as_str()), ("urn:z", "color"));
        let (back, PropValue::Xml(element)) = from_stored(&stored).unwrap() else {
            panic!("kept as XML")
        };
        assert_eq!(&back, prop);
        assert_eq!(element.text(), "red");
        let deep = element.elements().next().unwrap();
        assert_eq!(
            (deep.ns.uri(), deep.name.as_str(), deep.text().as_str()),
            ("urn:z", "deep", "1")
        );
        assert_eq!(element.attr("lang"), Some("en"));
    }
}
