//! The locks of a user's space as DAV sees them (RFC 4918 §6–7): where each
//! is rooted, what it covers, which conflict.
//!
//! # Storage design
//! Two kinds of record back a DAV lock (docs/compliance/rfc4918.md):
//! - **Collection leases** ([`crate::store::Locks`]): an *exclusive* lock on
//!   an address book or a calendar, or on any of their members, is the
//!   engine's lease on the whole collection for holder `dav:USER` — the
//!   management lock `pimgate lock` and the sync API take, seen from DAV.
//!   Its token is derived from the lease ([`token_of`]); a lease held by a
//!   device shows as a lock no DAV client can submit.
//! - **Resource locks** ([`crate::store::ResourceLocks`], table
//!   `resource_locks`): every *shared* lock, and every lock in a plain
//!   collection, rooted at the collection or at one member, depth 0 or
//!   infinity, with a random `opaquelocktoken:` token and the owner XML.
//!
//! Both appear as one [`Lock`] list. A lease and a resource lock on the
//! same collection exclude each other (the store checks it atomically), so
//! a shared lock never sits under an exclusive one.

use crate::server::error::ServerError;
use crate::store::{Lease, LockScope as StoredScope, Placed, ResourceLock, ResourceLocks, SpaceLocks, SqlStore};
use crate::universal::{CollectionId, Timestamp};

use super::kind::Home;
use super::resource::{Target, collection_href};
use super::xml::response::DavWriter;
use super::xml::tree::{Node, parse_document};
use super::xml::value::{ActiveLock, LockDepth, LockScope};
use super::xml::{Href, Namespace, XmlLimits};

/// A resource in a user's space as locks see it: a collection (by its
/// name, `a/b` when nested) or one member of it. The home it was addressed
/// through only matters for hrefs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spot {
    pub owner: String,
    pub home: Home,
    pub collection: String,
    pub member: Option<String>,
}

impl Spot {
    /// The spot of a collection or member path; `None` for the rest.
    pub fn of(target: &Target) -> Option<Spot> {
        match target {
            Target::Collection { owner, home, name } => Some(Spot {
                owner: owner.clone(),
                home: *home,
                collection: name.clone(),
                member: None,
            }),
            Target::Object {
                owner,
                home,
                collection,
                name,
            } => Some(Spot {
                owner: owner.clone(),
                home: *home,
                collection: collection.clone(),
                member: Some(name.as_str().to_owned()),
            }),
            _ => None,
        }
    }

    /// The collection whose membership changes when this resource is
    /// created or removed; `None` for a collection directly in a home.
    pub fn parent(&self) -> Option<Spot> {
        let collection = match &self.member {
            Some(_) => self.collection.clone(),
            None => self.collection.rsplit_once('/')?.0.to_owned(),
        };
        Some(Spot {
            collection,
            member: None,
            ..self.clone()
        })
    }

    pub fn href(&self) -> Href {
        let base = collection_href(self.home, &self.owner, &self.collection);
        match &self.member {
            Some(member) => Href::from_path(format!("{}{member}", base.path())),
            None => base,
        }
    }

    /// Whether both name the same resource (through whichever home).
    pub fn is(&self, other: &Spot) -> bool {
        self.owner == other.owner && self.collection == other.collection && self.member == other.member
    }

    /// Whether `self` is `other` or lies inside the collection `other`.
    pub fn within(&self, other: &Spot) -> bool {
        if self.owner != other.owner {
            return false;
        }
        let same = self.collection == other.collection;
        match &other.member {
            Some(member) => same && self.member.as_ref() == Some(member),
            None => same || self.collection.starts_with(&format!("{}/", other.collection)),
        }
    }
}

/// What keeps a lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backing {
    Lease { collection: CollectionId, holder: String },
    Resource,
}

/// One live lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lock {
    pub token: String,
    pub scope: LockScope,
    pub depth: LockDepth,
    pub owner: Option<Vec<Node>>,
    /// The user who may submit the token; `None` for a device's lease.
    pub principal: Option<String>,
    pub expires_at: Timestamp,
    pub root: Spot,
    pub backing: Backing,
}

impl Lock {
    /// Whether `spot` is in the lock's scope (RFC 4918 §6.1, §7.4): its
    /// root, and with depth infinity everything inside a collection root.
    pub fn covers(&self, spot: &Spot) -> bool {
        match self.depth {
            LockDepth::Infinity => spot.within(&self.root),
            LockDepth::Zero => spot.is(&self.root),
        }
    }

    /// Whether the two locks cannot both exist (RFC 4918 §6.2): their
    /// scopes overlap and one of them is exclusive.
    pub fn conflicts_with(&self, other: &Lock) -> bool {
        let exclusive = self.scope == LockScope::Exclusive || other.scope == LockScope::Exclusive;
        exclusive && (self.covers(&other.root) || other.covers(&self.root))
    }

    /// Whether `user` may use this lock's token.
    pub fn held_by(&self, user: &str) -> bool {
        self.principal.as_deref() == Some(user)
    }

    /// The `DAV:activelock` (RFC 4918 §14.1).
    pub fn active(&self, now: Timestamp) -> ActiveLock {
        ActiveLock {
            scope: self.scope,
            depth: self.depth,
            owner: self.owner.clone(),
            timeout_secs: Some(((self.expires_at.0 - now.0).max(0) / 1000) as u64),
            token: self.token.clone(),
            root: self.root.href(),
        }
    }
}

/// The token of a lease: derived from (collection, holder, acquisition
/// time), so it survives restarts and is the same on every server process.
pub fn token_of(lease: &Lease) -> String {
    let digest = blake3::hash(format!("{}\n{}\n{}", lease.collection, lease.holder, lease.acquired_at).as_bytes());
    let hex = digest.to_hex();
    format!(
        "opaquelocktoken:{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// A lease as a lock: exclusive, on the whole collection. `home` is the
/// home hrefs go through when the collection kind allows either.
pub fn from_lease(owner: &str, placed: &Placed<Lease>) -> Lock {
    let lease = &placed.item;
    Lock {
        token: token_of(lease),
        scope: LockScope::Exclusive,
        depth: LockDepth::Infinity,
        owner: None,
        principal: lease.holder.strip_prefix("dav:").map(str::to_owned),
        expires_at: lease.expires_at,
        root: Spot {
            owner: owner.to_owned(),
            home: placed.collection_home,
            collection: placed.collection_name.clone(),
            member: None,
        },
        backing: Backing::Lease {
            collection: lease.collection.clone(),
            holder: lease.holder.clone(),
        },
    }
}

/// A stored resource lock as a lock.
pub fn from_stored(owner: &str, placed: &Placed<ResourceLock>) -> Lock {
    let stored = &placed.item;
    Lock {
        token: stored.token.clone(),
        scope: match stored.scope {
            StoredScope::Exclusive => LockScope::Exclusive,
            StoredScope::Shared => LockScope::Shared,
        },
        depth: if stored.deep {
            LockDepth::Infinity
        } else {
            LockDepth::Zero
        },
        owner: stored.owner.as_deref().and_then(owner_from_xml),
        principal: Some(stored.principal.clone()),
        expires_at: stored.expires_at,
        root: Spot {
            owner: owner.to_owned(),
            home: placed.collection_home,
            collection: placed.collection_name.clone(),
            member: (!stored.resource.is_empty()).then(|| stored.resource.clone()),
        },
        backing: Backing::Resource,
    }
}

/// Every lock of a space, as read from the store.
pub fn all(owner: &str, space: &SpaceLocks) -> Vec<Lock> {
    let leases = space.leases.iter().map(|l| from_lease(owner, l));
    let locks = space.locks.iter().map(|l| from_stored(owner, l));
    leases.chain(locks).collect()
}

/// Every live lock in `owner`'s space.
pub async fn load(store: &SqlStore, owner: &str, now: Timestamp) -> Result<Vec<Lock>, ServerError> {
    Ok(all(owner, &store.space_locks(owner, now).await?))
}

/// The locks whose scope includes `spot`.
pub fn covering<'a>(locks: &'a [Lock], spot: &'a Spot) -> impl Iterator<Item = &'a Lock> + 'a {
    locks.iter().filter(move |l| l.covers(spot))
}

/// `DAV:lockdiscovery` of `spot`.
pub fn discovery(locks: &[Lock], spot: &Spot, now: Timestamp) -> Vec<ActiveLock> {
    covering(locks, spot).map(|l| l.active(now)).collect()
}

/// A lock owner (RFC 4918 §14.17) as stored: a small `DAV:owner` document.
pub fn owner_to_xml(owner: &[Node]) -> Option<String> {
    let mut xml = DavWriter::new(Vec::new());
    let written = (|| -> std::io::Result<()> {
        xml.start_document(&Namespace::Dav, "owner")?;
        xml.fragment(owner)?;
        xml.end(&Namespace::Dav, "owner")
    })();
    written.ok()?;
    String::from_utf8(xml.into_inner()).ok()
}

/// A stored owner back as nodes; `None` if it no longer parses.
pub fn owner_from_xml(xml: &str) -> Option<Vec<Node>> {
    let root = parse_document(xml.as_bytes(), &XmlLimits::default()).ok()??;
    Some(root.children)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spot(collection: &str, member: Option<&str>) -> Spot {
        Spot {
            owner: "alice".into(),
            home: Home::Calendars,
            collection: collection.into(),
            member: member.map(str::to_owned),
        }
    }

    fn lock(root: Spot, depth: LockDepth, scope: LockScope) -> Lock {
        Lock {
            token: "t".into(),
            scope,
            depth,
            owner: None,
            principal: Some("alice".into()),
            expires_at: Timestamp(0),
            root,
            backing: Backing::Resource,
        }
    }

    #[test]
    fn rfc4918_7_4_depth_decides_what_a_collection_lock_covers() {
        let deep = lock(spot("a", None), LockDepth::Infinity, LockScope::Exclusive);
        let shallow = lock(spot("a", None), LockDepth::Zero, LockScope::Exclusive);
        for inside in [
            spot("a", None),
            spot("a", Some("x")),
            spot("a/b", None),
            spot("a/b", Some("y")),
        ] {
            assert!(deep.covers(&inside), "{inside:?}");
        }
        assert!(!deep.covers(&spot("ab", None)), "a sibling whose name starts alike");
        assert!(shallow.covers(&spot("a", None)));
        assert!(!shallow.covers(&spot("a", Some("x"))));
        let member = lock(spot("a", Some("x")), LockDepth::Zero, LockScope::Exclusive);
        assert!(member.covers(&spot("a", Some("x"))) && !member.covers(&spot("a", Some("y"))));
    }

    #[test]
    fn rfc4918_6_2_shared_locks_coexist_and_exclusive_ones_do_not() {
        let shared = |root| lock(root, LockDepth::Infinity, LockScope::Shared);
        assert!(!shared(spot("a", None)).conflicts_with(&shared(spot("a", Some("x")))));
        let exclusive_member = lock(spot("a", Some("x")), LockDepth::Zero, LockScope::Exclusive);
        assert!(exclusive_member.conflicts_with(&shared(spot("a", None))));
        let shallow = lock(spot("a", None), LockDepth::Zero, LockScope::Exclusive);
        assert!(
            !shallow.conflicts_with(&exclusive_member),
            "depth 0 leaves members free"
        );
    }

    #[test]
    fn parents_are_the_collections_whose_membership_changes() {
        assert_eq!(spot("a/b", Some("x")).parent(), Some(spot("a/b", None)));
        assert_eq!(spot("a/b", None).parent(), Some(spot("a", None)));
        assert_eq!(spot("a", None).parent(), None);
    }

    #[test]
    fn rfc4918_14_17_an_owner_survives_storage() {
        let body = br#"<d:lockinfo xmlns:d="DAV:"><d:lockscope><d:shared/></d:lockscope><d:locktype><d:write/></d:locktype><d:owner><d:href>mailto:a@example.com</d:href> phone</d:owner></d:lockinfo>"#;
        let info = super::super::xml::request::parse_lockinfo(body, &XmlLimits::default())
            .unwrap()
            .unwrap();
        let owner = info.owner.unwrap();
        assert_eq!(owner_from_xml(&owner_to_xml(&owner).unwrap()), Some(owner));
    }
}
