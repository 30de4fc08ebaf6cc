//! Live properties: the value of each [`DavProp`] on each kind of resource
//! (RFC 4918 §15, RFC 3744 §4–5, RFC 5397, RFC 6352 §6–7, RFC 4791 §5–6,
//! RFC 6578 §4, RFC 4331), and which of them `allprop` returns.
//!
//! A property a resource does not have is `None`: PROPFIND reports it in a
//! 404 propstat (sabre's "to-do list" shape).

use crate::config::Limits;
use crate::server::paths;
use crate::store::{Access, Collection, CollectionKind, ObjectSummary};
use crate::universal::Seq;

use super::kind::{Home, KindFacts, calendar_components};
use super::resource::{collection_href, home_href};
use super::xml::value::{ActiveLock, LockScope, Privilege, PropValue, ReportName, ResourceKind};
use super::xml::{DavProp, Href};

/// The sync token and CTag of a collection at a change-log position (RFC
/// 6578 §4: a URI).
pub fn sync_token(seq: Seq) -> String {
    format!("{SYNC_TOKEN_PREFIX}{seq}")
}

/// What every sync token starts with.
pub const SYNC_TOKEN_PREFIX: &str = "http://pimgate/sync/";

/// A collection as PROPFIND sees it: the row, the user's access, its
/// change-log position and (when asked for) its size.
#[derive(Debug, Clone)]
pub struct CollectionView {
    pub collection: Collection,
    pub access: Access,
    pub home: Home,
    pub seq: Seq,
    /// (objects, bytes), when quota properties were asked for.
    pub usage: Option<(u64, u64)>,
    /// The locks covering it, when lockdiscovery was asked for.
    pub locks: Vec<ActiveLock>,
}

/// Write locks of both scopes, on every collection and member (RFC 4918 §15.10).
const SUPPORTED_LOCKS: [LockScope; 2] = [LockScope::Exclusive, LockScope::Shared];

/// The resource whose properties are asked for.
#[derive(Debug, Clone, Copy)]
pub enum Subject<'a> {
    Root,
    Principals,
    Principal(&'a str),
    Homes(Home),
    Home {
        owner: &'a str,
        home: Home,
    },
    Collection(&'a CollectionView),
    Object {
        summary: &'a ObjectSummary,
        access: Access,
        /// The locks covering it, when lockdiscovery was asked for.
        locks: &'a [ActiveLock],
    },
}

/// What the values depend on besides the subject.
#[derive(Debug, Clone, Copy)]
pub struct PropContext<'a> {
    pub user: &'a str,
    pub limits: &'a Limits,
}

/// The properties `allprop` returns for a subject (RFC 4918 §9.1: the
/// properties defined by RFC 4918, plus what clients expect to see).
pub fn allprop(subject: &Subject<'_>) -> Vec<DavProp> {
    let mut names = vec![DavProp::ResourceType];
    match subject {
        Subject::Collection(view) => {
            names.extend([
                DavProp::DisplayName,
                DavProp::CreationDate,
                DavProp::GetCtag,
                DavProp::SyncToken,
                DavProp::Owner,
            ]);
            names.extend([DavProp::SupportedLock, DavProp::LockDiscovery]);
            match view.collection.kind {
                CollectionKind::AddressBook => names.push(DavProp::AddressbookDescription),
                CollectionKind::Calendar => names.extend([
                    DavProp::CalendarDescription,
                    DavProp::CalendarColor,
                    DavProp::SupportedCalendarComponentSet,
                ]),
                CollectionKind::Plain => {}
            }
        }
        Subject::Object { .. } => names.extend([
            DavProp::CreationDate,
            DavProp::GetEtag,
            DavProp::GetContentType,
            DavProp::GetContentLength,
            DavProp::GetLastModified,
            DavProp::SupportedLock,
            DavProp::LockDiscovery,
        ]),
        Subject::Principal(_) => names.push(DavProp::DisplayName),
        _ => {}
    }
    names
}

/// A live property's value, or `None` when the subject has no such property.
pub fn value(ctx: &PropContext<'_>, subject: &Subject<'_>, prop: &DavProp) -> Option<PropValue> {
    if let Some(value) = everywhere(ctx, prop) {
        return Some(value);
    }
    match subject {
        Subject::Root | Subject::Principals | Subject::Homes(_) => match prop {
            DavProp::ResourceType => Some(PropValue::ResourceType(vec![ResourceKind::Collection])),
            _ => None,
        },
        Subject::Principal(owner) => principal(owner, prop),
        Subject::Home { owner, home } => match prop {
            DavProp::ResourceType => Some(PropValue::ResourceType(vec![ResourceKind::Collection])),
            DavProp::SupportedReportSet => Some(PropValue::SupportedReports(home.supported_reports())),
            DavProp::Owner => Some(PropValue::Href(Href::from_path(paths::principal(owner)))),
            DavProp::CurrentUserPrivilegeSet => Some(privileges(Access::Write)),
            _ => None,
        },
        Subject::Collection(view) => collection(ctx, view, prop),
        Subject::Object { summary, access, locks } => object(summary, *access, locks, prop),
    }
}

/// Properties every resource has: who is asking, where their things are.
fn everywhere(ctx: &PropContext<'_>, prop: &DavProp) -> Option<PropValue> {
    let user = ctx.user;
    Some(match prop {
        DavProp::CurrentUserPrincipal => PropValue::Href(Href::from_path(paths::principal(user))),
        DavProp::PrincipalCollectionSet => PropValue::Href(Href::from_path(paths::PRINCIPALS)),
        _ => return None,
    })
}

fn principal(owner: &str, prop: &DavProp) -> Option<PropValue> {
    Some(match prop {
        DavProp::ResourceType => PropValue::ResourceType(vec![ResourceKind::Collection, ResourceKind::Principal]),
        DavProp::PrincipalUrl => PropValue::Href(Href::from_path(paths::principal(owner))),
        DavProp::DisplayName => PropValue::Text(owner.to_owned()),
        DavProp::AddressbookHomeSet => PropValue::Href(home_href(Home::AddressBooks, owner)),
        DavProp::CalendarHomeSet => PropValue::Href(home_href(Home::Calendars, owner)),
        DavProp::CalendarUserAddressSet => {
            let mut hrefs = vec![Href::from_path(paths::principal(owner))];
            if owner.contains('@') {
                hrefs.insert(0, Href::from_path(format!("mailto:{owner}")));
            }
            PropValue::Hrefs(hrefs)
        }
        DavProp::CalendarUserType => PropValue::Text("INDIVIDUAL".into()),
        DavProp::SupportedReportSet => PropValue::SupportedReports(vec![
            ReportName::PrincipalPropertySearch,
            ReportName::PrincipalSearchPropertySet,
        ]),
        DavProp::GroupMembership => PropValue::Hrefs(Vec::new()),
        _ => return None,
    })
}

fn collection(ctx: &PropContext<'_>, view: &CollectionView, prop: &DavProp) -> Option<PropValue> {
    let c = &view.collection;
    let is = |kind| c.kind == kind;
    let max_size = || PropValue::Text(ctx.limits.resource_bytes.to_string());
    Some(match prop {
        DavProp::ResourceType => PropValue::ResourceType(c.kind.resource_types()),
        DavProp::DisplayName => PropValue::Text(c.display_name.clone().unwrap_or_else(|| c.name.clone())),
        DavProp::CreationDate => PropValue::Text(rfc3339(c.created_at.0)),
        DavProp::GetCtag | DavProp::SyncToken => PropValue::Text(sync_token(view.seq)),
        DavProp::SupportedReportSet => PropValue::SupportedReports(c.kind.supported_reports()),
        DavProp::Owner => PropValue::Href(Href::from_path(paths::principal(&c.owner))),
        DavProp::CurrentUserPrivilegeSet => privileges(view.access),
        DavProp::SupportedLock => PropValue::SupportedLock(SUPPORTED_LOCKS.to_vec()),
        DavProp::LockDiscovery => PropValue::LockDiscovery(view.locks.clone()),
        DavProp::QuotaUsedBytes => PropValue::Text(view.usage?.1.to_string()),
        DavProp::QuotaAvailableBytes => {
            let (objects, _) = view.usage?;
            let free = ctx.limits.objects_per_collection.saturating_sub(objects);
            PropValue::Text(free.saturating_mul(ctx.limits.resource_bytes).to_string())
        }
        DavProp::AddressbookDescription if is(CollectionKind::AddressBook) => PropValue::Text(c.description.clone()?),
        DavProp::SupportedAddressData if is(CollectionKind::AddressBook) => {
            PropValue::SupportedAddressData(c.kind.media_types())
        }
        DavProp::AddressbookMaxResourceSize if is(CollectionKind::AddressBook) => max_size(),
        DavProp::CalendarDescription if is(CollectionKind::Calendar) => PropValue::Text(c.description.clone()?),
        DavProp::CalendarColor if is(CollectionKind::Calendar) => PropValue::Text(c.color.clone()?),
        DavProp::SupportedCalendarComponentSet if is(CollectionKind::Calendar) => {
            PropValue::Components(calendar_components(c.components.as_deref()))
        }
        DavProp::SupportedCalendarData if is(CollectionKind::Calendar) => {
            PropValue::SupportedCalendarData(c.kind.media_types())
        }
        DavProp::CalendarMaxResourceSize if is(CollectionKind::Calendar) => max_size(),
        _ => return None,
    })
}

fn object(summary: &ObjectSummary, access: Access, locks: &[ActiveLock], prop: &DavProp) -> Option<PropValue> {
    Some(match prop {
        DavProp::ResourceType => PropValue::ResourceType(Vec::new()),
        DavProp::GetEtag => PropValue::Text(quoted_etag(summary.etag.as_str())),
        DavProp::GetContentType => PropValue::Text(summary.content_type.clone()),
        DavProp::GetContentLength => PropValue::Text(summary.size.to_string()),
        DavProp::GetLastModified => PropValue::Text(http_date(summary.modified_at.0)),
        DavProp::CreationDate => PropValue::Text(rfc3339(summary.created_at?.0)),
        DavProp::SupportedLock => PropValue::SupportedLock(SUPPORTED_LOCKS.to_vec()),
        DavProp::LockDiscovery => PropValue::LockDiscovery(locks.to_vec()),
        DavProp::CurrentUserPrivilegeSet => privileges(access),
        _ => return None,
    })
}

/// `current-user-privilege-set` for an access level (RFC 3744 §5.4).
fn privileges(access: Access) -> PropValue {
    let read = [
        Privilege::Read,
        Privilege::ReadCurrentUserPrivilegeSet,
        Privilege::ReadFreeBusy,
    ];
    let mut set = read.to_vec();
    if access == Access::Write {
        set.extend([
            Privilege::Write,
            Privilege::WriteProperties,
            Privilege::WriteContent,
            Privilege::Bind,
            Privilege::Unbind,
            Privilege::Unlock,
        ]);
    }
    PropValue::Privileges(set)
}

/// An ETag as it goes on the wire: a strong entity tag in quotes (RFC 9110 §8.8.3).
pub fn quoted_etag(etag: &str) -> String {
    format!("\"{etag}\"")
}

/// An HTTP date (RFC 9110 §5.6.7) from milliseconds since the epoch.
pub fn http_date(ms: i64) -> String {
    let secs = u64::try_from(ms.div_euclid(1000)).unwrap_or(0);
    httpdate::fmt_http_date(std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs))
}

/// A `creationdate` (RFC 4918 §15.1: RFC 3339 `date-time`, here in UTC to
/// the second) from milliseconds since the epoch.
pub fn rfc3339(ms: i64) -> String {
    let at = chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default();
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The href of a collection as a subject of PROPFIND (for Depth 1 listings).
pub fn view_href(view: &CollectionView) -> Href {
    collection_href(view.home, &view.collection.owner, &view.collection.name)
}

/// Whether a report is offered on a collection of `kind`.
pub fn offers(kind: CollectionKind, report: ReportName) -> bool {
    kind.supported_reports().contains(&report)
}
