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

/// What a REPORT asks of `CARDDAV:address-data` (RFC 6352 §10.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressDataRequest {
    /// vCard 3.0 unless the client asks otherwise (RFC 6352 §10.4).
    pub media_type: MediaType,
    /// `None`: the whole card; otherwise only these properties.
    pub props: Option<Vec<PropName>>,
}

impl AddressDataRequest {
    pub(super) fn from_element(element: &Element) -> Result<AddressDataRequest, XmlError> {
        let media_type =
            MediaType::from_attrs(element.attr("content-type"), element.attr("version"), MediaType::VCard3);
        let mut props = None;
        if element.child(&Namespace::CardDav, "allprop").is_none() {
            let named: Vec<_> = element
                .elements()
                .filter(|e| e.is(&Namespace::CardDav, "prop"))
                .collect();
            if !named.is_empty() {
                let names = named.into_iter().map(|p| name_attr(p).map(PropName::parse));
                props = Some(names.collect::<Result<_, _>>()?);
            }
        }
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
    /// `<C:limit-freebusy-set>` (§9.6.7).
    pub limit_freebusy_set: Option<TimeRange>,
}

/// `<C:comp name=…>` inside calendar-data (RFC 4791 §9.6.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompSelect {
    pub name: ComponentName,
    /// `None` for `<C:allprop/>`; otherwise the named properties.
    pub props: Option<Vec<PropName>>,
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
                .map(CompSelect::from_element)
                .transpose()?,
            expand: range("expand")?,
            limit_recurrence_set: range("limit-recurrence-set")?,
            limit_freebusy_set: range("limit-freebusy-set")?,
        })
    }
}

impl CompSelect {
    fn from_element(element: &Element) -> Result<CompSelect, XmlError> {
        let name = ComponentName::parse(name_attr(element)?);
        let named = |n| element.elements().filter(move |e| e.is(&Namespace::CalDav, n));
        let props = match element.child(&Namespace::CalDav, "allprop") {
            Some(_) => None,
            None => Some(
                named("prop")
                    .map(|p| name_attr(p).map(PropName::parse))
                    .collect::<Result<_, _>>()?,
            ),
        };
        let comps = match element.child(&Namespace::CalDav, "allcomp") {
            Some(_) => None,
            None => Some(named("comp").map(CompSelect::from_element).collect::<Result<_, _>>()?),
        };
        Ok(CompSelect { name, props, comps })
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
