//! Request paths → typed resources, and authorization (owner or grant).
//!
//! ```text
//! /dav/                                 Root
//! /dav/principals/                      Principals
//! /dav/principals/USER/                 Principal
//! /dav/addressbooks/ | /dav/calendars/  Homes
//! /dav/addressbooks/USER/               Home (address books)
//! /dav/calendars/USER/COLLECTION/       Collection
//! /dav/calendars/USER/COLLECTION/NAME   Object
//! ```
//!
//! A user sees their own homes and collections, and collections granted to
//! them; anything else is 404, so names of other users' collections do not
//! leak. Read grants allow the reading methods only (403 otherwise).

use axum::http::StatusCode;
use percent_encoding::percent_decode_str;

use crate::server::accounts::now;
use crate::server::error::ServerError;
use crate::server::paths;
use crate::store::{Access, Accounts, Collection, CollectionKind, ResourceLocks, SqlStore};
use crate::universal::ObjectName;

use super::kind::Home;
use super::xml::Href;

/// The default collections a new user gets on first authenticated access.
pub const DEFAULT_ADDRESSBOOK: &str = "contacts";
pub const DEFAULT_CALENDAR: &str = "calendar";

/// A parsed request path, before any lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Root,
    Principals,
    Principal(String),
    Homes(Home),
    Home {
        owner: String,
        home: Home,
    },
    Collection {
        owner: String,
        home: Home,
        name: String,
    },
    Object {
        owner: String,
        home: Home,
        collection: String,
        name: ObjectName,
    },
}

impl Target {
    /// Reads a request path (percent-encoded); `None` outside the DAV space.
    pub fn parse(path: &str) -> Option<Target> {
        let decoded = percent_decode_str(path).decode_utf8().ok()?;
        // Clients given only the server's address PROPFIND its root for
        // current-user-principal: the root answers as the DAV root.
        if decoded == "/" {
            return Some(Target::Root);
        }
        let rest = decoded.strip_prefix("/dav")?;
        let trailing = rest.ends_with('/');
        let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
        if segments.iter().any(|s| *s == "." || *s == "..") {
            return None;
        }
        let home = |s: &str| match s {
            "addressbooks" => Some(Home::AddressBooks),
            "calendars" => Some(Home::Calendars),
            _ => None,
        };
        Some(match segments.as_slice() {
            [] => Target::Root,
            ["principals"] => Target::Principals,
            ["principals", user] => Target::Principal((*user).to_owned()),
            [h] => Target::Homes(home(h)?),
            [h, owner] => Target::Home {
                owner: (*owner).to_owned(),
                home: home(h)?,
            },
            // Deeper paths are nested plain collections (`litmus/coll/`)
            // and their members; the rest is the collection's name.
            [h, owner, rest @ ..] if trailing || rest.len() == 1 => Target::Collection {
                owner: (*owner).to_owned(),
                home: home(h)?,
                name: rest.join("/"),
            },
            [h, owner, rest @ .., name] => Target::Object {
                owner: (*owner).to_owned(),
                home: home(h)?,
                collection: rest.join("/"),
                name: ObjectName((*name).to_owned()),
            },
        })
    }

    /// The same path read as a collection (MKCOL without a trailing slash).
    pub fn into_collection(self) -> Target {
        match self {
            Target::Object {
                owner,
                home,
                collection,
                name,
            } => Target::Collection {
                owner,
                home,
                name: format!("{collection}/{name}"),
            },
            other => other,
        }
    }

    /// The user whose space the path is in, if any.
    pub fn owner(&self) -> Option<&str> {
        match self {
            Target::Principal(owner)
            | Target::Home { owner, .. }
            | Target::Collection { owner, .. }
            | Target::Object { owner, .. } => Some(owner),
            _ => None,
        }
    }
}

/// The href of a collection in a home (with its trailing slash).
pub fn collection_href(home: Home, owner: &str, name: &str) -> Href {
    Href::from_path(match home {
        Home::AddressBooks => paths::addressbook(owner, name),
        Home::Calendars => paths::calendar(owner, name),
    })
}

/// The href of a home.
pub fn home_href(home: Home, owner: &str) -> Href {
    Href::from_path(match home {
        Home::AddressBooks => paths::addressbook_home(owner),
        Home::Calendars => paths::calendar_home(owner),
    })
}

/// An existing collection the user may reach, and how.
#[derive(Debug, Clone)]
pub struct Reached {
    pub collection: Collection,
    pub access: Access,
    /// The home it was addressed through.
    pub home: Home,
    /// Its owner's space held no lock or lease when it was reached: the
    /// request's lock check need not read the space again.
    pub space_unlocked: bool,
}

impl Reached {
    pub fn href(&self) -> Href {
        collection_href(self.home, &self.collection.owner, &self.collection.name)
    }

    pub fn object_href(&self, name: &ObjectName) -> Href {
        let mut path = self.href().into_path();
        path.push_str(name.as_str());
        Href::from_path(path)
    }

    /// 403 unless the user may write.
    pub fn require_write(&self) -> Result<(), ServerError> {
        match self.access {
            Access::Write => Ok(()),
            Access::Read => Err(ServerError::status_with(
                StatusCode::FORBIDDEN,
                "read-only access to this collection",
            )),
        }
    }
}

/// Looks a collection up and checks the user may see it: owner, or a
/// grant. `Ok(None)` when it does not exist and the user owns the home
/// (a MKCOL or a PUT's missing parent); 404 for other users' spaces.
pub async fn reach(
    store: &SqlStore,
    user: &str,
    owner: &str,
    home: Home,
    name: &str,
) -> Result<Option<Reached>, ServerError> {
    let id = home.collection_id(owner, name);
    let found = store.collection_in_space(&id, now()).await?;
    let found = match found {
        None if owner == user => {
            provision(store, user).await?;
            store.collection_in_space(&id, now()).await?
        }
        other => other,
    };
    let Some((collection, space_held)) = found else {
        return if owner == user {
            Ok(None)
        } else {
            Err(ServerError::NotFound)
        };
    };
    let access = if owner == user {
        Access::Write
    } else {
        store.access(&id, user).await?.ok_or(ServerError::NotFound)?
    };
    Ok(Some(Reached {
        collection,
        access,
        home,
        space_unlocked: !space_held,
    }))
}

/// Like [`reach`], but the collection must exist.
pub async fn reach_existing(
    store: &SqlStore,
    user: &str,
    owner: &str,
    home: Home,
    name: &str,
) -> Result<Reached, ServerError> {
    reach(store, user, owner, home, name)
        .await?
        .ok_or(ServerError::NotFound)
}

/// The collections nested directly in a plain collection.
pub async fn children(store: &SqlStore, parent: &Collection) -> Result<Vec<Collection>, ServerError> {
    let prefix = format!("{}/", parent.name);
    let all = store.list_collections(&parent.owner).await?;
    Ok(all
        .into_iter()
        .filter(|c| c.name.strip_prefix(&prefix).is_some_and(|rest| !rest.contains('/')))
        .collect())
}

/// A collection and every plain collection nested in it (same owner, same
/// home), parents before children.
pub async fn tree(store: &SqlStore, root: &Collection) -> Result<Vec<Collection>, ServerError> {
    let inside = format!("{}/", root.name);
    let mut tree: Vec<Collection> = store
        .list_collections(&root.owner)
        .await?
        .into_iter()
        .filter(|c| c.home == root.home && (c.id == root.id || c.name.starts_with(&inside)))
        .collect();
    tree.sort_by_cached_key(|c| (c.name.matches('/').count(), c.name.clone()));
    Ok(tree)
}

/// 404 for another user's principal or home (only your own are visible).
pub fn own_space(user: &str, owner: &str) -> Result<(), ServerError> {
    if user == owner {
        Ok(())
    } else {
        Err(ServerError::NotFound)
    }
}

/// Gives a user with no collections at all the default address book
/// `contacts` and calendar `calendar` (first authenticated access). A user
/// who deleted every collection gets them back, as with Radicale.
pub async fn provision(store: &SqlStore, user: &str) -> Result<(), ServerError> {
    if !store.list_collections(user).await?.is_empty() {
        return Ok(());
    }
    let at = now();
    for (name, kind, display) in [
        (DEFAULT_ADDRESSBOOK, CollectionKind::AddressBook, "Contacts"),
        (DEFAULT_CALENDAR, CollectionKind::Calendar, "Calendar"),
    ] {
        let mut collection = Collection::new(user, name, kind, at);
        collection.display_name = Some(display.to_owned());
        match store.create_collection(&collection).await {
            // A concurrent first request created it: fine.
            Ok(()) | Err(crate::store::StoreError::AlreadyExists(_)) => {}
            Err(other) => return Err(other.into()),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_targets() {
        assert_eq!(Target::parse("/dav/"), Some(Target::Root));
        assert_eq!(Target::parse("/dav"), Some(Target::Root));
        assert_eq!(
            Target::parse("/dav/principals/alice/"),
            Some(Target::Principal("alice".into()))
        );
        assert_eq!(
            Target::parse("/dav/calendars/alice/work/"),
            Some(Target::Collection {
                owner: "alice".into(),
                home: Home::Calendars,
                name: "work".into()
            })
        );
        assert_eq!(
            Target::parse("/dav/addressbooks/alice/contacts/a%20b.vcf"),
            Some(Target::Object {
                owner: "alice".into(),
                home: Home::AddressBooks,
                collection: "contacts".into(),
                name: ObjectName("a b.vcf".into())
            })
        );
        assert_eq!(
            Target::parse("/dav/calendars/alice/files/sub/"),
            Some(Target::Collection {
                owner: "alice".into(),
                home: Home::Calendars,
                name: "files/sub".into()
            })
        );
        assert_eq!(Target::parse("/dav/calendars/alice/../bob/"), None);
        assert_eq!(Target::parse("/dav/elsewhere/"), None);
    }
}
