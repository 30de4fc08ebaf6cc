//! calendar-query filters (RFC 4791 §9.7) over a calendar object record,
//! with time ranges (§9.9) evaluated over the expanded recurrence set.
//!
//! A comp-filter on a top-level component (VEVENT, VTODO, ...) matches when
//! one component of that name — the master or an override — satisfies its
//! prop-filters and nested comp-filters and, with a time-range, has one of
//! *its own* occurrences in range (the master's instances that no override
//! replaces, or the override's). Nested VALARM time-ranges are tested on the
//! triggers of each occurrence of their parent.

use super::overlap::{Shape, Span};
use super::recur::{Occurrence, occurrences};
use super::zone::{Moment, Zone, Zones};
use super::{Options, Range, alarm, card, text};
use crate::server::dav::xml::request::{CompFilter, PropFilter};
use crate::universal::{Component, ComponentName, Prop, Record};

/// Whether `record` satisfies the top-level `filter` (RFC 4791 §9.7.1),
/// reading floating times in `floating` (the calendar's timezone, or UTC).
pub fn matches(filter: &CompFilter, record: &Record, floating: &Zone) -> bool {
    matches_with(filter, record, &Options::floating_in(floating.clone()))
}

/// [`matches`] with explicit limits.
pub fn matches_with(filter: &CompFilter, record: &Record, options: &Options) -> bool {
    let root = &record.root;
    if filter.name != *root.name() {
        return false;
    }
    if filter.is_not_defined {
        return false;
    }
    let ctx = Ctx {
        record,
        zones: Zones::of(record, &options.floating),
        options,
    };
    let time = filter.time_range.as_ref().is_none_or(|range| {
        let range = Range::from(range);
        !occurrences(record, None, &ctx.zones, &range, &options.limits).is_empty()
    });
    time && props_match(&filter.prop_filters, root, &ctx.zones) && filter.comp_filters.iter().all(|f| ctx.top_level(f))
}

struct Ctx<'a> {
    record: &'a Record,
    zones: Zones,
    options: &'a Options,
}

impl Ctx<'_> {
    /// A comp-filter on the children of VCALENDAR.
    fn top_level(&self, filter: &CompFilter) -> bool {
        let mut candidates = self
            .record
            .root
            .children
            .iter()
            .enumerate()
            .filter(|(_, c)| c.name() == &filter.name)
            .peekable();
        if filter.is_not_defined {
            return candidates.peek().is_none();
        }
        candidates.any(|(index, component)| {
            props_match(&filter.prop_filters, component, &self.zones)
                && self.in_range(filter, index, component)
                && filter.comp_filters.iter().all(|f| self.nested(f, index, component))
        })
    }

    /// The time-range of a top-level comp-filter, on this component's own occurrences.
    fn in_range(&self, filter: &CompFilter, index: usize, component: &Component) -> bool {
        let Some(range) = filter.time_range.as_ref().map(Range::from) else {
            return true;
        };
        let own = |o: &Occurrence| o.source == index;
        if occurrences(
            self.record,
            Some(component.name()),
            &self.zones,
            &range,
            &self.options.limits,
        )
        .iter()
        .any(own)
        {
            return true;
        }
        // VFREEBUSY without DTSTART/DTEND: its FREEBUSY periods (§9.9).
        component.name() == &ComponentName::VFreeBusy
            && freebusy_periods(component, &self.zones).any(|s| s.overlaps(&range))
    }

    /// A comp-filter below a top-level component (VALARM, or anything nested).
    fn nested(&self, filter: &CompFilter, parent_index: usize, parent: &Component) -> bool {
        let mut candidates = parent.children.iter().filter(|c| c.name() == &filter.name).peekable();
        if filter.is_not_defined {
            return candidates.peek().is_none();
        }
        candidates.any(|component| {
            props_match(&filter.prop_filters, component, &self.zones)
                && self.nested_in_range(filter, parent_index, parent, component)
                && filter
                    .comp_filters
                    .iter()
                    .all(|f| self.nested(f, parent_index, component))
        })
    }

    fn nested_in_range(
        &self,
        filter: &CompFilter,
        parent_index: usize,
        parent: &Component,
        component: &Component,
    ) -> bool {
        let Some(range) = filter.time_range.as_ref().map(Range::from) else {
            return true;
        };
        if component.name() != &ComponentName::VAlarm {
            return Shape::of(component, &self.zones)
                .span(&self.zones.floating)
                .overlaps(&range);
        }
        // Parent occurrences whose alarms can reach the range: widen it by the
        // alarms' reach and the parent's own length.
        let length = Shape::of(parent, &self.zones)
            .span(&self.zones.floating)
            .bounds()
            .map_or(chrono::Duration::zero(), |(s, e)| e - s);
        let wide = range.widened(alarm::reach(parent) + length + chrono::Duration::days(1));
        occurrences(
            self.record,
            Some(parent.name()),
            &self.zones,
            &wide,
            &self.options.limits,
        )
        .iter()
        .filter(|o| o.source == parent_index)
        .flat_map(|o| alarm::triggers(component, &o.span, &self.zones))
        .any(|t| Span::Instant(t).overlaps(&range))
    }
}

/// The FREEBUSY periods of a VFREEBUSY as spans (RFC 5545 §3.8.2.6).
pub(super) fn freebusy_periods<'a>(component: &'a Component, zones: &'a Zones) -> impl Iterator<Item = Span> + 'a {
    super::freebusy::periods_of(component, zones).map(|(start, end, _)| Span::Interval { start, end })
}

/// Every prop-filter matches (RFC 4791 §9.7.2: all-of).
fn props_match(filters: &[PropFilter], component: &Component, zones: &Zones) -> bool {
    filters.iter().all(|f| prop_filter_matches(f, component, zones))
}

fn prop_filter_matches(filter: &PropFilter, component: &Component, zones: &Zones) -> bool {
    let mut props = component.props_named(&filter.name);
    if filter.is_not_defined {
        return props.next().is_none();
    }
    if filter.time_range.is_none() {
        return card::prop_filter_matches(filter, props);
    }
    props.any(|prop| prop_in_range(filter, prop, zones) && instance_matches(filter, prop))
}

/// A prop-filter's text-match and param-filters on one property (all-of).
fn instance_matches(filter: &PropFilter, prop: &Prop) -> bool {
    let text = text::value_text(prop.value());
    filter.text_matches.iter().all(|t| text::matches(t, &text))
        && filter.param_filters.iter().all(|p| card::param_filter_matches(p, prop))
}

/// A time-range on a date-time property (RFC 4791 §9.9): the value is an
/// instant (`S <= v < E`), a DATE value its whole day.
fn prop_in_range(filter: &PropFilter, prop: &Prop, zones: &Zones) -> bool {
    let Some(range) = filter.time_range.as_ref().map(Range::from) else {
        return true;
    };
    let Some(moment) = Moment::of(prop, zones) else {
        return false;
    };
    let start = moment.utc(&zones.floating);
    let span = match moment {
        Moment::Date(day) => Span::Interval {
            start,
            end: Moment::Date(day.succ_opt().unwrap_or(day)).utc(&zones.floating),
        },
        _ => Span::Instant(start),
    };
    span.overlaps(&range)
}
