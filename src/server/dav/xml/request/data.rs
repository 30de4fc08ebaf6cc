//! `address-data` and `calendar-data` requests (RFC 6352 §10.4, RFC 4791
//! §9.6) and CalDAV time ranges (RFC 4791 §9.9).

use std::fmt;

use crate::universal::{ComponentName, PropName};

use super::super::error::{XmlError, XmlErrorKind};
use super::super::names::Namespace;
use super::super::tree::Element;
use super::super::value::MediaType;

/// A UTC date-time as CalDAV time ranges carry it (`20060104T000000Z`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UtcDateTime {
    pub year: u16,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
}

impl UtcDateTime {
    /// Parses the RFC 5545 §3.3.5 UTC form `YYYYMMDDTHHMMSSZ` (the only form
    /// RFC 4791 §9.9 allows in time-range attributes).
    pub fn parse(text: &str) -> Option<UtcDateTime> {
        let b = text.as_bytes();
        if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
            return None;
        }
        let digits = |r: std::ops::Range<usize>| -> Option<u16> {
            let s = text.get(r)?;
            s.bytes().all(|c| c.is_ascii_digit()).then(|| s.parse().ok())?
        };
        let dt = UtcDateTime {
            year: digits(0..4)?,
            month: digits(4..6)? as u8,
            day: digits(6..8)? as u8,
            hour: digits(9..11)? as u8,
            minute: digits(11..13)? as u8,
            second: digits(13..15)? as u8,
        };
        let valid = (1..=12).contains(&dt.month)
            && (1..=days_in_month(dt.year, dt.month)).contains(&dt.day)
            && dt.hour < 24
            && dt.minute < 60
            && dt.second <= 60;
        valid.then_some(dt)
    }

    /// Seconds since 1970-01-01T00:00:00Z (days-from-civil, proleptic Gregorian).
    pub fn unix_seconds(&self) -> i64 {
        let (y, m) = (i64::from(self.year), i64::from(self.month));
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe - 719_468;
        days * 86_400 + i64::from(self.hour) * 3600 + i64::from(self.minute) * 60 + i64::from(self.second)
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for UtcDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let UtcDateTime {
            year,
            month,
            day,
            hour,
            minute,
            second,
        } = self;
        write!(f, "{year:04}{month:02}{day:02}T{hour:02}{minute:02}{second:02}Z")
    }
}

/// A `<C:time-range start=… end=…>` (RFC 4791 §9.9): at least one bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeRange {
    pub start: Option<UtcDateTime>,
    pub end: Option<UtcDateTime>,
}

impl TimeRange {
    /// Reads the attributes of a time-range-like element (also `expand`,
    /// `limit-recurrence-set`, `limit-freebusy-set`).
    pub(super) fn from_element(element: &Element) -> Result<TimeRange, XmlError> {
        let bound = |attr: &'static str| -> Result<Option<UtcDateTime>, XmlError> {
            let Some(text) = element.attr(attr) else {
                return Ok(None);
            };
            UtcDateTime::parse(text.trim()).map(Some).ok_or_else(|| {
                element.error(XmlErrorKind::InvalidValue {
                    what: attr,
                    value: text.to_owned(),
                })
            })
        };
        let range = TimeRange {
            start: bound("start")?,
            end: bound("end")?,
        };
        if range.start.is_none() && range.end.is_none() {
            let kind = XmlErrorKind::MissingElement {
                parent: element.name.clone(),
                child: "@start or @end",
            };
            return Err(element.error(kind));
        }
        Ok(range)
    }
}

/// `<prop name=… novalue=…>` inside address-data (RFC 6352 §10.4.2) or a
/// calendar-data `comp` (RFC 4791 §9.6.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropSelect {
    pub name: PropName,
    /// `novalue="yes"`: the property's name and parameters, without its value.
    pub novalue: bool,
}

impl PropSelect {
    /// A property asked for with its value.
    pub fn named(name: PropName) -> PropSelect {
        PropSelect { name, novalue: false }
    }

    fn from_element(element: &Element) -> Result<PropSelect, XmlError> {
        let name = PropName::parse(name_attr(element)?);
        let novalue = match element.attr("novalue").map(str::trim) {
            None | Some("no") => false,
            Some("yes") => true,
            Some(other) => {
                return Err(element.error(XmlErrorKind::InvalidValue {
                    what: "novalue (yes or no)",
                    value: other.to_owned(),
                }));
            }
        };
        Ok(PropSelect { name, novalue })
    }

    fn read_all(elements: Vec<&Element>) -> Result<Vec<PropSelect>, XmlError> {
        elements.into_iter().map(PropSelect::from_element).collect()
    }
}

/// What a REPORT asks of `CARDDAV:address-data` (RFC 6352 §10.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressDataRequest {
    /// vCard 3.0 unless the client asks otherwise (RFC 6352 §10.4).
    pub media_type: MediaType,
    /// `None`: the whole card (`<allprop/>` or no `<prop>`); otherwise only
    /// these properties.
    pub props: Option<Vec<PropSelect>>,
}

impl AddressDataRequest {
    pub(super) fn from_element(element: &Element) -> Result<AddressDataRequest, XmlError> {
        let media_type =
            MediaType::from_attrs(element.attr("content-type"), element.attr("version"), MediaType::VCard3);
        let (all, named) = choice(element, &Namespace::CardDav, "allprop", "prop")?;
        let props = if all || named.is_empty() {
            None
        } else {
            Some(PropSelect::read_all(named)?)
        };
        Ok(AddressDataRequest { media_type, props })
    }
}

/// What a REPORT asks of `CALDAV:calendar-data` (RFC 4791 §9.6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarDataRequest {
    pub media_type: MediaType,
    /// `<C:comp>`: which components and properties to return; `None`: all.
    pub comp: Option<CompSelect>,
    /// `<C:expand>` (§9.6.5): return expanded instances in this range, in UTC.
    pub expand: Option<TimeRange>,
    /// `<C:limit-recurrence-set>` (§9.6.6): master plus overrides in range.
    pub limit_recurrence_set: Option<TimeRange>,
    /// `<C:limit-freebusy-set>` (§9.6.7): FREEBUSY periods in range.
    pub limit_freebusy_set: Option<TimeRange>,
}

impl CalendarDataRequest {
    /// Whether the object is returned other than as stored: a part, an
    /// expansion, or a limited recurrence or free-busy set.
    pub fn reshapes(&self) -> bool {
        self.comp.is_some()
            || self.expand.is_some()
            || self.limit_recurrence_set.is_some()
            || self.limit_freebusy_set.is_some()
    }
}

/// `<C:comp name=…>` inside calendar-data (RFC 4791 §9.6.1).
///
/// A `comp` with no children at all is the whole component: RFC 4791
/// §7.8.1 asks for `<C:comp name="VTIMEZONE"/>` and gets each VTIMEZONE
/// with its properties and STANDARD/DAYLIGHT parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompSelect {
    pub name: ComponentName,
    /// `None` for `<C:allprop/>`; otherwise the named properties.
    pub props: Option<Vec<PropSelect>>,
    /// `None` for `<C:allcomp/>`; otherwise the named sub-components.
    pub comps: Option<Vec<CompSelect>>,
}

impl CalendarDataRequest {
    pub(super) fn from_element(element: &Element) -> Result<CalendarDataRequest, XmlError> {
        let media_type = MediaType::from_attrs(
            element.attr("content-type"),
            element.attr("version"),
            MediaType::ICalendar,
        );
        let range = |name| {
            element
                .child(&Namespace::CalDav, name)
                .map(TimeRange::from_element)
                .transpose()
        };
        Ok(CalendarDataRequest {
            media_type,
            comp: element
                .child(&Namespace::CalDav, "comp")
                .map(|comp| CompSelect::from_element(comp, None))
                .transpose()?,
            expand: range("expand")?,
            limit_recurrence_set: range("limit-recurrence-set")?,
            limit_freebusy_set: range("limit-freebusy-set")?,
        })
    }
}

impl CompSelect {
    /// Whether this selects the whole component, every part of it.
    pub fn is_everything(&self) -> bool {
        self.props.is_none() && self.comps.is_none()
    }

    /// Reads a `comp` whose parent `comp` is named `parent` (`None` at the top).
    fn from_element(element: &Element, parent: Option<&ComponentName>) -> Result<CompSelect, XmlError> {
        let name = ComponentName::parse(name_attr(element)?);
        if !may_contain(parent, &name) {
            let parent = match parent {
                Some(parent) => format!("comp name=\"{parent}\""),
                None => "calendar-data".to_owned(),
            };
            return Err(element.error(XmlErrorKind::NotAllowed {
                element: format!("comp name=\"{name}\""),
                parent,
            }));
        }
        let cal = Namespace::CalDav;
        let (all_props, props) = choice(element, &cal, "allprop", "prop")?;
        let (all_comps, comps) = choice(element, &cal, "allcomp", "comp")?;
        // No children at all: the whole component (see the type's comment).
        let whole = !all_props && !all_comps && props.is_empty() && comps.is_empty();
        let props = if all_props || whole {
            None
        } else {
            Some(PropSelect::read_all(props)?)
        };
        let comps = if all_comps || whole {
            None
        } else {
            let read = comps.into_iter().map(|c| CompSelect::from_element(c, Some(&name)));
            Some(read.collect::<Result<_, _>>()?)
        };
        Ok(CompSelect { name, props, comps })
    }
}

/// Whether a `comp` for `child` may stand inside one for `parent` (`None`:
/// directly in calendar-data, where only VCALENDAR goes). The nesting is
/// RFC 5545 §3.4–§3.6's, with RFC 7953 (availability) and RFC 9073
/// (PARTICIPANT, VLOCATION, VRESOURCE); other (X- and IANA) components may
/// stand anywhere below VCALENDAR.
fn may_contain(parent: Option<&ComponentName>, child: &ComponentName) -> bool {
    use ComponentName as C;
    let Some(parent) = parent else {
        return *child == C::VCalendar;
    };
    match child {
        C::VCalendar | C::VCard => false,
        C::Other(_) => true,
        _ => match parent {
            C::VCalendar => matches!(
                child,
                C::VEvent | C::VTodo | C::VJournal | C::VFreeBusy | C::VTimezone | C::VAvailability
            ),
            C::VEvent | C::VTodo => matches!(child, C::VAlarm | C::Participant | C::VLocation | C::VResource),
            C::VJournal | C::VFreeBusy => matches!(child, C::Participant | C::VLocation | C::VResource),
            C::VTimezone => matches!(child, C::Standard | C::Daylight),
            C::VAvailability => matches!(child, C::Available),
            C::Participant | C::VAlarm => matches!(child, C::VLocation | C::VResource),
            C::Other(_) => true,
            _ => false,
        },
    }
}

/// The `all` element and the `one` elements of a `(all | one*)` choice
/// (RFC 4791 §9.6.1, RFC 6352 §10.4): whether `all` is there, and the list;
/// both at once is refused.
fn choice<'a>(
    element: &'a Element,
    ns: &Namespace,
    all: &'static str,
    one: &'static str,
) -> Result<(bool, Vec<&'a Element>), XmlError> {
    let named: Vec<&Element> = element.elements().filter(|e| e.is(ns, one)).collect();
    match element.child(ns, all) {
        Some(found) if !named.is_empty() => Err(found.error(XmlErrorKind::NotAllowed {
            element: format!("{all}> beside <{one}"),
            parent: match element.attr("name") {
                Some(name) => format!("{} name=\"{name}\"", element.name),
                None => element.name.clone(),
            },
        })),
        found => Ok((found.is_some(), named)),
    }
}

/// The required `name` attribute of comp/prop/param elements.
pub(super) fn name_attr(element: &Element) -> Result<&str, XmlError> {
    match element.attr("name").map(str::trim) {
        Some(name) if !name.is_empty() => Ok(name),
        _ => Err(element.error(XmlErrorKind::MissingElement {
            parent: element.name.clone(),
            child: "@name",
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4791_9_9_time_range_bounds_are_utc_date_times() {
        let dt = UtcDateTime::parse("20060104T140000Z").unwrap();
        assert_eq!(dt.to_string(), "20060104T140000Z");
        assert_eq!(dt.unix_seconds(), 1_136_383_200);
        assert_eq!(UtcDateTime::parse("19700101T000000Z").unwrap().unix_seconds(), 0);
        for bad in [
            "20060104T140000",
            "20060230T000000Z",
            "2006-01-04T14:00:00Z",
            "20061304T000000Z",
            "",
        ] {
            assert_eq!(UtcDateTime::parse(bad), None, "{bad}");
        }
        assert!(UtcDateTime::parse("20240229T000000Z").is_some());
    }
}
