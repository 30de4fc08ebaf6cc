//! The two ends of a COPY or MOVE as places in a user's space, and what
//! is at each now. A place is a collection directly in a home, or a name
//! inside a collection — where a member resource or a nested plain
//! collection can be: `…/litmus/coll/` and `…/litmus/coll` name the same
//! place, and either may hold a collection or a resource.

use axum::http::StatusCode;

use crate::server::error::ServerError;
use crate::store::{CollectionKind, ObjectStore, PlainResources};
use crate::universal::ObjectName;

use super::super::Ctx;
use super::super::kind::Home;
use super::super::resource::{self, Reached, Target};

/// A place in a user's space.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub owner: String,
    pub home: Home,
    /// The collection the place is in; `None` directly in the home.
    pub parent: Option<String>,
    pub name: String,
    /// The path ended in a slash: when a collection and a resource share
    /// the place, the collection is meant.
    pub collection_form: bool,
}

impl Slot {
    /// The place of a collection or member path; `None` for the rest.
    pub fn of(target: Target) -> Option<Slot> {
        match target {
            Target::Collection { owner, home, name } => {
                let (parent, name) = match name.rsplit_once('/') {
                    Some((parent, last)) => (Some(parent.to_owned()), last.to_owned()),
                    None => (None, name),
                };
                Some(Slot {
                    owner,
                    home,
                    parent,
                    name,
                    collection_form: true,
                })
            }
            Target::Object {
                owner,
                home,
                collection,
                name,
            } => Some(Slot {
                owner,
                home,
                parent: Some(collection),
                name: name.0,
                collection_form: false,
            }),
            _ => None,
        }
    }

    /// The name a collection at this place has (`parent/name` when nested).
    pub fn collection_name(&self) -> String {
        match &self.parent {
            Some(parent) => format!("{parent}/{}", self.name),
            None => self.name.clone(),
        }
    }

    /// The place as a collection path.
    pub fn collection_target(&self) -> Target {
        Target::Collection {
            owner: self.owner.clone(),
            home: self.home,
            name: self.collection_name(),
        }
    }

    /// The place as a member path; `None` directly in a home.
    pub fn member_target(&self) -> Option<Target> {
        Some(Target::Object {
            owner: self.owner.clone(),
            home: self.home,
            collection: self.parent.clone()?,
            name: self.member(),
        })
    }

    pub fn member(&self) -> ObjectName {
        ObjectName(self.name.clone())
    }
}

/// What is at a place now.
#[derive(Debug, Clone)]
pub enum Occupant {
    Nothing,
    /// A resource or object of the parent collection.
    Member,
    Collection(Reached),
}

impl Occupant {
    pub fn exists(&self) -> bool {
        !matches!(self, Occupant::Nothing)
    }
}

/// A place looked up: its parent collection, when it exists, and what is there.
#[derive(Debug, Clone)]
pub struct Found {
    pub parent: Option<Reached>,
    pub occupant: Occupant,
}

/// Looks a place up as the user sees it (another user's space shows only
/// what is granted; the rest is 404, as everywhere).
pub async fn look(ctx: &Ctx, slot: &Slot) -> Result<Found, ServerError> {
    let store = ctx.store();
    let parent = match &slot.parent {
        Some(parent) => resource::reach(store, &ctx.user, &slot.owner, slot.home, parent).await?,
        None => None,
    };
    let collection = match resource::reach(store, &ctx.user, &slot.owner, slot.home, &slot.collection_name()).await {
        Ok(found) => found,
        // A member of a granted collection: no nested collection is visible there.
        Err(ServerError::NotFound) if parent.is_some() => None,
        Err(other) => return Err(other),
    };
    let member = match &parent {
        Some(parent) => member_exists(ctx, parent, &slot.member()).await?,
        None => false,
    };
    let occupant = match collection {
        Some(collection) if slot.collection_form || !member => Occupant::Collection(collection),
        _ if member => Occupant::Member,
        _ => Occupant::Nothing,
    };
    Ok(Found { parent, occupant })
}

async fn member_exists(ctx: &Ctx, parent: &Reached, name: &ObjectName) -> Result<bool, ServerError> {
    let id = &parent.collection.id;
    Ok(if parent.collection.kind == CollectionKind::Plain {
        ctx.store().plain_resource(id, name).await?.is_some()
    } else {
        ctx.store().object(id, name).await?.is_some_and(|o| !o.deleted)
    })
}

/// The parent collection a new resource goes into: 403 directly in a
/// home (a home holds only collections), 409 when it does not exist
/// (RFC 4918 §9.8.5).
pub fn parent_of<'a>(slot: &Slot, found: &'a Found) -> Result<&'a Reached, ServerError> {
    if slot.parent.is_none() {
        return Err(ServerError::status_with(
            StatusCode::FORBIDDEN,
            "a home holds only collections",
        ));
    }
    found.parent.as_ref().ok_or_else(|| {
        ServerError::status_with(
            StatusCode::CONFLICT,
            "the destination's parent collection does not exist",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(path: &str) -> Slot {
        Slot::of(Target::parse(path).unwrap()).unwrap()
    }

    #[test]
    fn rfc4918_5_2_a_place_is_the_same_with_or_without_its_slash() {
        let (with, without) = (
            slot("/dav/calendars/alice/files/sub/"),
            slot("/dav/calendars/alice/files/sub"),
        );
        assert_eq!((with.parent.as_deref(), with.name.as_str()), (Some("files"), "sub"));
        assert_eq!((&with.parent, &with.name), (&without.parent, &without.name));
        assert!(with.collection_form && !without.collection_form);
        assert_eq!(with.collection_target(), without.collection_target());
        assert_eq!(with.member_target(), Target::parse("/dav/calendars/alice/files/sub"));
        let top = slot("/dav/calendars/alice/work/");
        assert_eq!(
            (top.parent.as_deref(), top.collection_name()),
            (None, "work".to_owned())
        );
        assert_eq!(slot("/dav/calendars/alice/work/").member_target(), None);
        assert!(Slot::of(Target::parse("/dav/calendars/alice/").unwrap()).is_none());
    }
}
