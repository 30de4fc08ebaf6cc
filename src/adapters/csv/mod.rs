//! CSV contact exports (Google, Outlook, Apple, Thunderbird) to and from the
//! universal model.
//!
//! Owns: decoding CSV files whatever wrote them, choosing the dialect from
//! the header row, mapping columns onto the vCard 4.0 vocabulary (RFC 6350
//! §6) that the vCard adapter uses, and writing Google and Outlook CSV.
//!
//! # Reading ([`parse`])
//!
//! - Encoding: UTF-8 (with or without BOM), UTF-16 LE/BE with BOM, else a
//!   legacy 8-bit file read as Shift_JIS or Windows-1252 by the heuristic in
//!   `decode.rs`; a guessed encoding is a diagnostic on every record.
//! - Separator: comma, semicolon or tab, sniffed from the header row.
//!   Quoting per RFC 4180 §2 (multi-line fields, doubled quotes).
//! - Dialect: Google (current and legacy), Outlook (English, German,
//!   French), Thunderbird and Apple-style headers, as data tables in
//!   `tables.rs`; the table naming most header cells wins (`dialect.rs`).
//!   A first row that names no known column but holds data is a
//!   [`FormatErrorKind::NoHeader`] error saying which header row to add.
//! - Each non-empty row is one record: VERSION 4.0, a UID hashed from the
//!   header and row (re-importing a file gives the same UIDs), FN (the
//!   display-name column or composed from the name parts), N, NICKNAME,
//!   EMAIL/TEL/URL with lower-case TYPEs and `PREF=1` on the primary, ADR
//!   (7 fields; a formatted address is its LABEL parameter), ORG
//!   (`[org], [department]`), TITLE, BDAY (dates in the dialect's order;
//!   Thunderbird's year/month/day columns combined), CATEGORIES (Google
//!   labels are kept as they are, `* myContacts` included), NOTE.
//!   Google labels with no TYPE equivalent are kept in an `X-LABEL` parameter.
//! - Every other non-empty cell is kept as `X-CSV-<HEADER>` (the original
//!   header in an `X-CSV-HEADER` parameter); Google custom fields likewise,
//!   named by their label. No cell is dropped.
//!
//! # Writing ([`render`]) — CSV output is lossy
//!
//! - Not written by either dialect: UID and VERSION (regenerated on import),
//!   FN when there are name parts (recomposed on import), PRODID, REV.
//! - Google (current export headers, numbered `E-mail n`, `Phone n`,
//!   `Address n`, `Website n` groups): every other property that finds no
//!   free column becomes a `Custom Field n` labelled with its original CSV
//!   header or property name, so it comes back as an `X-CSV-` property.
//!   Structured values of custom fields are written in vCard text form.
//! - Outlook (English export headers, UTF-8 with BOM): three e-mail
//!   addresses without types (the preferred one first), one phone per
//!   Outlook phone column, three addresses (Business, Home, Other; three
//!   street lines; extended address dropped), one ORG, TITLE, NOTE and URL,
//!   birthdays with a year only. Nicknames, further values and `X-`
//!   properties are dropped.
//! - Both keep, through `parse(render(records))`: name parts, e-mails,
//!   phones with their types, addresses, organization, title, birthday and
//!   notes (Outlook: e-mail types and phone types it has no column for are lost).

mod contact;
mod decode;
mod dialect;
mod parse;
mod render;
mod render_outlook;
mod tables;
mod values;

pub use dialect::InputDialect;

use crate::adapters::FormatError;
#[cfg(doc)]
use crate::adapters::FormatErrorKind;
use crate::universal::Record;

/// A CSV dialect pimgate can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvDialect {
    /// Google Contacts, current export format.
    Google,
    /// Outlook, English export format.
    Outlook,
}

/// Reads a CSV contact export: one record per non-empty row.
pub fn parse(input: &[u8]) -> Result<Vec<Record>, FormatError> {
    parse::parse(input)
}

/// Writes contacts as CSV in `dialect` (see the module doc for what is lost).
pub fn render(records: &[Record], dialect: CsvDialect) -> Result<Vec<u8>, FormatError> {
    match dialect {
        CsvDialect::Google => render::google(records),
        CsvDialect::Outlook => render_outlook::outlook(records),
    }
}
