//! JSContact (RFC 9553) view of contacts, through calcard's RFC 9555
//! converter: Record → our vCard 4.0 text ([`vcard::render`]) → calcard
//! `VCard` → JSContact JSON, and back: JSContact JSON → calcard → vCard 4.0
//! text → [`vcard::parse`].
//!
//! A document is one `Card` object, or an array of them (one per record; we
//! write an array unless there is exactly one record).
//!
//! # What calcard changes (measured)
//!
//! Measured by `tests/json_calcard_loss.rs` over the vCard 3.0/4.0 files of
//! the real-world corpus (vCard text → JSContact → vCard text, counting
//! property instances by name):
//!
//! - **Dropped (calcard 0.3.14):** a second N (JSContact has one `name`);
//!   in Apple-style labelled groups (`item1.TEL` + `item1.X-ABLabel`) the
//!   label of a TEL, and once the grouped TEL itself (2 labels and 1 phone
//!   of 96 cards). The test fails if this list changes.
//! - Properties JSContact has no member for (X-*, LABEL, ...) travel in the
//!   card's `vCardProps` array (RFC 9555 §3.3) and come back.
//! - **Added:** `PROP-ID` parameters on properties that land in JSContact
//!   maps (TEL, EMAIL, ADR, BDAY, ...: the map keys `k1`, `k2`, ...), a
//!   `JSCOMPS` parameter on N and ADR recording component order
//!   (RFC 9555 §3.2), and N/ADR are padded to 7 components. A record that
//!   went through JSContact therefore differs from the original in these
//!   parameters.
//! - **Reordered:** properties come back grouped by JSContact member, not in
//!   input order; TYPE values come back upper case.
//! - vCard 3.0 input is written as 4.0 first (our renderer), so 3.0-only
//!   spellings are normalised before calcard sees them.

use serde_json::Value as Json;

use super::{at_type, one_or_many, read_json, to_pretty};
use crate::adapters::vcard::{self, VCardVersion};
use crate::adapters::{FormatError, FormatErrorKind};
use crate::universal::Record;

/// Renders contacts as JSContact JSON: one Card, or an array of Cards.
pub fn to_jscontact(records: &[Record]) -> Result<Vec<u8>, FormatError> {
    let cards = records
        .iter()
        .enumerate()
        .map(|(index, record)| record_to_card(record).map_err(|e| e.in_record(index + 1)))
        .collect::<Result<Vec<_>, _>>()?;
    match <[Json; 1]>::try_from(cards) {
        Ok([card]) => to_pretty(&card),
        Err(cards) => to_pretty(&cards),
    }
}

/// Reads JSContact JSON (one Card or an array of Cards) into contacts.
pub fn from_jscontact(input: &[u8]) -> Result<Vec<Record>, FormatError> {
    let mut records = Vec::new();
    for (index, card) in one_or_many(read_json(input)?).into_iter().enumerate() {
        let converted = card_to_records(&card).map_err(|e| e.in_record(index + 1))?;
        records.extend(converted);
    }
    Ok(records)
}

fn record_to_card(record: &Record) -> Result<Json, FormatError> {
    if !record.is_contact() {
        let message = format!(
            "a {} is not a contact; JSContact holds only contacts",
            record.root.name()
        );
        return Err(FormatError::new(0, 0, FormatErrorKind::Unrenderable(message)));
    }
    let text = vcard::render(record, VCardVersion::V4)?;
    let text = String::from_utf8(text).map_err(|e| FormatError::new(0, 0, FormatErrorKind::Encoding(e.to_string())))?;
    vcard_to_jscontact(&text)
}

fn card_to_records(card: &Json) -> Result<Vec<Record>, FormatError> {
    match at_type(card) {
        Some("Card") => {}
        found => {
            let found = found.map_or_else(|| "no \"@type\"".to_owned(), |t| format!("\"@type\": {t:?}"));
            return Err(syntax(format!(
                "expected a JSContact Card (\"@type\": \"Card\"), found {found}"
            )));
        }
    }
    let text = jscontact_to_vcard(card)?;
    let records = vcard::parse(text.as_bytes())
        .map_err(|e| syntax(format!("the vCard converted from JSContact did not parse: {e}")))?;
    Ok(records.into_iter().map(detach_from_text).collect())
}

/// The vCard text was made by calcard, not by the user: its bytes must not be
/// echoed as "the original", and its line numbers mean nothing to the user.
pub(super) fn detach_from_text(mut record: Record) -> Record {
    record.clear_raw();
    record.source = None;
    for diagnostic in &mut record.diagnostics {
        diagnostic.line = 0;
    }
    record
}

pub(super) fn syntax(message: String) -> FormatError {
    FormatError::new(0, 0, FormatErrorKind::Syntax(message))
}

/// calcard half: vCard text → JSContact JSON (RFC 9555 §2).
pub fn vcard_to_jscontact(text: &str) -> Result<Json, FormatError> {
    let card = calcard::vcard::VCard::parse(text)
        .map_err(|entry| syntax(format!("calcard cannot read the vCard: {entry:?}")))?;
    let card = card.into_jscontact::<String, String>();
    serde_json::to_value(&card.0).map_err(|e| syntax(format!("calcard produced unserializable JSContact: {e}")))
}

/// calcard half: JSContact JSON → vCard 4.0 text (RFC 9555 §2).
pub fn jscontact_to_vcard(card: &Json) -> Result<String, FormatError> {
    let json = card.to_string();
    let card = calcard::jscontact::JSContact::<String, String>::parse(&json)
        .map_err(|e| syntax(format!("not JSContact: {e}")))?;
    let vcard = card
        .into_vcard()
        .ok_or_else(|| syntax("the JSContact Card is not an object".to_owned()))?;
    Ok(vcard.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const JANE: &str = "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:urn:uuid:1\r\nFN:Jane Doe\r\nN:Doe;Jane;;;\r\n\
        TEL;TYPE=work,voice;PREF=1:+1 555 0100\r\nEMAIL:jane@example.com\r\nitem1.X-ABLABEL:Office\r\n\
        BDAY:--0415\r\nEND:VCARD\r\n";

    #[test]
    fn rfc9555_vcard_becomes_jscontact_card() {
        let card = vcard_to_jscontact(JANE).unwrap();
        assert_eq!(at_type(&card), Some("Card"));
        assert_eq!(card["uid"], "urn:uuid:1");
        assert_eq!(card["name"]["full"], "Jane Doe");
        let phone = card["phones"].as_object().unwrap().values().next().unwrap();
        assert_eq!(phone["number"], "+1 555 0100");
        assert_eq!(phone["contexts"]["work"], true);
        assert_eq!(card["anniversaries"]["k1"]["date"]["month"], 4);
    }

    #[test]
    fn rfc9555_jscontact_round_trip_keeps_vendor_properties() {
        let back = jscontact_to_vcard(&vcard_to_jscontact(JANE).unwrap()).unwrap();
        for expected in [
            "item1.X-ABLABEL:Office",
            "UID:urn:uuid:1",
            "FN:Jane Doe",
            "BDAY;PROP-ID=k1:--0415",
            "EMAIL;PROP-ID=k1:jane@example.com",
        ] {
            assert!(back.contains(expected), "{expected} missing from\n{back}");
        }
        assert!(
            back.contains("TEL;PREF=1;TYPE=WORK,VOICE;PROP-ID=k1:+1 555 0100"),
            "{back}"
        );
    }

    #[test]
    fn hand_written_card_becomes_vcard() {
        let card = serde_json::json!({"@type": "Card", "version": "1.0", "uid": "u2", "name": {"full": "Ann"},
            "emails": {"e": {"address": "ann@example.com"}}});
        let text = jscontact_to_vcard(&card).unwrap();
        assert!(text.starts_with("BEGIN:VCARD\r\nVERSION:4.0\r\n"), "{text}");
        assert!(
            text.contains("FN:Ann\r\n") && text.contains("EMAIL;PROP-ID=e:ann@example.com\r\n"),
            "{text}"
        );
    }

    #[test]
    fn non_card_json_is_refused_with_its_record_number() {
        let error = from_jscontact(br#"[{"@type": "Event"}]"#).unwrap_err();
        assert_eq!(
            error.to_string(),
            "record 1, expected a JSContact Card (\"@type\": \"Card\"), found \"@type\": \"Event\""
        );
        let error = from_jscontact(br#"{"uid": "x"}"#).unwrap_err();
        assert_eq!(
            error.to_string(),
            "record 1, expected a JSContact Card (\"@type\": \"Card\"), found no \"@type\""
        );
    }
}
