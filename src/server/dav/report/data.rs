//! The address-data and calendar-data of one object in a report: what was
//! asked for ([`DataWant`]) and the text it becomes.
//!
//! An object asked for whole is served as stored, byte for byte (or
//! rendered in the other vCard version, RFC 6352 §5.1.1). Anything else is
//! a new record rendered canonically: calendar data expanded (RFC 4791
//! §9.6.5) or limited to the overrides in a range (§9.6.6), then pruned to
//! the `<C:comp>` selection (§9.6.1); a card pruned to the `<CARD:prop>`
//! list (RFC 6352 §10.4.2) in the version asked for. The ETag stays the
//! stored object's: these are views of it, not new versions.

use crate::adapters::vcard::{self, VCardVersion};
use crate::adapters::{FormatError, ical};
use crate::server::error::ServerError;
use crate::store::StoredObject;
use crate::universal::Record;

use super::super::Ctx;
use super::super::get::{representation, stored_vcard_version};
use super::super::partial;
use super::super::query::{self as semantics, Options, Range};
use super::super::resource::Reached;
use super::super::xml::DavProp;
use super::super::xml::request::{AddressDataRequest, CalendarDataRequest, PropFind, PropSelect};
use super::super::xml::value::MediaType;

/// Which data property a report asks for, and which parts of the object.
#[derive(Debug, Clone)]
pub struct DataWant {
    pub prop: DavProp,
    /// The vCard version to serve; `None`: as stored.
    pub version: Option<VCardVersion>,
    /// address-data's `<CARD:prop>` list; `None`: the whole card.
    card_props: Option<Vec<PropSelect>>,
    /// calendar-data's `comp`, `expand` and `limit-recurrence-set`.
    calendar: Option<CalendarDataRequest>,
    /// How expansion reads floating times.
    options: Options,
}

impl DataWant {
    /// address-data as `request` (if any) shapes it.
    pub fn address(request: Option<&AddressDataRequest>) -> DataWant {
        let version = match request.map(|r| &r.media_type) {
            Some(MediaType::VCard4) => Some(VCardVersion::V4),
            Some(MediaType::VCard3) => Some(VCardVersion::V3),
            _ => None,
        };
        DataWant {
            prop: DavProp::AddressData,
            version,
            card_props: request.and_then(|r| r.props.clone()),
            calendar: None,
            options: Options::default(),
        }
    }

    /// calendar-data as `request` (if any) shapes it, floating times read
    /// as `options` say.
    pub fn calendar(request: Option<CalendarDataRequest>, options: Options) -> DataWant {
        DataWant {
            prop: DavProp::CalendarData,
            version: None,
            card_props: None,
            calendar: request,
            options,
        }
    }

    /// The data property `props` names, shaped by its request element.
    pub fn in_props(
        props: &PropFind,
        address_data: Option<&AddressDataRequest>,
        calendar_data: Option<CalendarDataRequest>,
        options: Options,
    ) -> Option<DataWant> {
        let PropFind::Prop(names) = props else { return None };
        names.iter().find_map(|name| match name {
            DavProp::AddressData => Some(DataWant::address(address_data)),
            DavProp::CalendarData => Some(DataWant::calendar(calendar_data.clone(), options.clone())),
            _ => None,
        })
    }

    /// Whether an object of `content_type` is served as its stored bytes
    /// (whole, in the version it was written in), so its record is not needed.
    pub fn serves_stored(&self, content_type: &str) -> bool {
        if content_type.starts_with("text/vcard") {
            return self.card_props.is_none() && self.version.is_none_or(|v| v == stored_vcard_version(content_type));
        }
        self.calendar.as_ref().is_none_or(|r| !r.reshapes())
    }

    /// Whether no object is served as stored: a part, an expansion or a
    /// limited recurrence set is asked for, so every record is needed.
    pub fn renders_all(&self) -> bool {
        self.card_props.is_some() || self.calendar.as_ref().is_some_and(CalendarDataRequest::reshapes)
    }

    /// The object's data as asked for; `None` (logged) when it cannot be
    /// rendered.
    pub fn text(&self, object: &StoredObject) -> Option<String> {
        match self.render(object) {
            Ok(text) => Some(text),
            Err(error) => {
                tracing::error!(%error, name = %object.name, "cannot render object data");
                None
            }
        }
    }

    fn render(&self, object: &StoredObject) -> Result<String, ServerError> {
        if self.serves_stored(&object.content_type) {
            return Ok(lossy(object.original.clone()));
        }
        let internal = |e: FormatError| ServerError::Internal(e.to_string());
        let is_vcard = object.content_type.starts_with("text/vcard");
        let card = match &self.card_props {
            Some(props) if is_vcard => {
                let version = self
                    .version
                    .unwrap_or_else(|| stored_vcard_version(&object.content_type));
                partial::card(&object.record, props, version).map(|pruned| (pruned, version))
            }
            _ => None,
        };
        if let Some((pruned, version)) = card {
            return Ok(lossy(vcard::render(&pruned, version).map_err(internal)?));
        }
        if let Some(shaped) = self.shaped_calendar(object) {
            return Ok(lossy(ical::render(&shaped).map_err(internal)?));
        }
        let (bytes, _) = representation(object, self.version)?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// The calendar record expanded or limited, then pruned, as the request
    /// asks; `None` when it asks for the object as it is.
    fn shaped_calendar(&self, object: &StoredObject) -> Option<Record> {
        let request = self.calendar.as_ref()?;
        if object.record.is_contact() {
            return None;
        }
        let options = &self.options;
        let shaped = match (&request.expand, &request.limit_recurrence_set) {
            (Some(range), _) => Some(semantics::expand::expanded_record_with(
                &object.record,
                &Range::from(range),
                options,
            )),
            (None, Some(range)) => Some(semantics::expand::limit_recurrence_set(
                &object.record,
                &Range::from(range),
                options,
            )),
            (None, None) => None,
        };
        let shaped = match &request.limit_freebusy_set {
            Some(range) => Some(semantics::freebusy::limit_freebusy_set(
                shaped.as_ref().unwrap_or(&object.record),
                &Range::from(range),
                options,
            )),
            None => shaped,
        };
        let Some(comp) = &request.comp else { return shaped };
        let base = shaped.as_ref().unwrap_or(&object.record);
        partial::calendar(base, comp).or(shaped)
    }
}

/// How a report that returns calendar-data reads floating times: the
/// calendar's zone when the data is expanded or limited (RFC 4791 §7.3),
/// else the default (no time is read).
pub async fn options_for(
    ctx: &Ctx,
    reached: &Reached,
    request: Option<&CalendarDataRequest>,
) -> Result<Options, ServerError> {
    let reads_times = request
        .is_some_and(|r| r.expand.is_some() || r.limit_recurrence_set.is_some() || r.limit_freebusy_set.is_some());
    if !reads_times {
        return Ok(Options::default());
    }
    let zone = super::query::floating_zone(ctx, reached, None, None).await?;
    Ok(Options::floating_in(zone))
}

/// Bytes as text, invalid UTF-8 replaced.
pub fn lossy(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}
