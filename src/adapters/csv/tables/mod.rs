//! Column maps, as data: for each dialect, a static table of
//! `(column header, target field)`, plus Google's numbered column groups
//! (`E-mail 2 - Value`) and the label ↔ TYPE tables.
//!
//! Headers compare case-insensitively after trimming. A column that no table
//! names is kept as an `X-CSV-` property by the parser (see `parse.rs`).

/// The address a column belongs to, and its vCard TYPE (RFC 6350 §6.3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum AdrKind {
    Home,
    Work,
    Other,
}

impl AdrKind {
    pub(super) fn types(self) -> &'static [&'static str] {
        match self {
            AdrKind::Home => &["home"],
            AdrKind::Work => &["work"],
            AdrKind::Other => &[],
        }
    }
}

/// One part of an address. `Formatted` is the whole printed address (the
/// ADR `LABEL` parameter, RFC 6350 §6.3.1); `Street` may repeat (street
/// lines 2 and 3 become further items of the street field).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum AdrPart {
    PoBox,
    Extended,
    Street,
    Locality,
    Region,
    PostalCode,
    Country,
    Formatted,
}

impl AdrPart {
    /// Index in the 7-field ADR value (RFC 6350 §6.3.1); `None` for `Formatted`.
    pub(super) fn index(self) -> Option<usize> {
        match self {
            AdrPart::PoBox => Some(0),
            AdrPart::Extended => Some(1),
            AdrPart::Street => Some(2),
            AdrPart::Locality => Some(3),
            AdrPart::Region => Some(4),
            AdrPart::PostalCode => Some(5),
            AdrPart::Country => Some(6),
            AdrPart::Formatted => None,
        }
    }
}

/// What a fixed (un-numbered) column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Field {
    FullName,
    Given,
    Additional,
    Family,
    Prefix,
    Suffix,
    Nickname,
    Org,
    Department,
    Title,
    Birthday,
    BirthYear,
    BirthMonth,
    BirthDay,
    Note,
    /// CATEGORIES, the cell split on this separator.
    Categories(&'static str),
    /// EMAIL with these TYPEs; `primary` gets `PREF=1`.
    Email {
        types: &'static [&'static str],
        primary: bool,
    },
    Tel(&'static [&'static str]),
    Adr(AdrKind, AdrPart),
    Url(&'static [&'static str]),
}

use AdrKind::{Home, Other, Work};
use AdrPart::{Country, Extended, Locality, PoBox, PostalCode, Region, Street};
use Field::*;

mod localized;
pub(super) use localized::{OUTLOOK_DE, OUTLOOK_FR};

/// A dialect's fixed columns.
pub(super) type ColumnMap = &'static [(&'static str, Field)];

/// Google Contacts, current export (contacts.google.com, "Google CSV").
pub(super) static GOOGLE_CURRENT: ColumnMap = &[
    ("First Name", Given),
    ("Middle Name", Additional),
    ("Last Name", Family),
    ("Name Prefix", Prefix),
    ("Name Suffix", Suffix),
    ("Nickname", Nickname),
    ("Organization Name", Org),
    ("Organization Title", Title),
    ("Organization Department", Department),
    ("Birthday", Birthday),
    ("Notes", Note),
    ("Labels", Categories(" ::: ")),
];

/// Google Contacts, legacy export (`Name, Given Name, ..., E-mail 1 - Type`).
pub(super) static GOOGLE_LEGACY: ColumnMap = &[
    ("Name", FullName),
    ("Given Name", Given),
    ("Additional Name", Additional),
    ("Family Name", Family),
    ("Name Prefix", Prefix),
    ("Name Suffix", Suffix),
    ("Nickname", Nickname),
    ("Birthday", Birthday),
    ("Notes", Note),
    ("Group Membership", Categories(" ::: ")),
];

/// Outlook, English export. Outlook's "Title" is the courtesy title (Mr.).
pub(super) static OUTLOOK_EN: ColumnMap = &[
    ("Title", Prefix),
    ("First Name", Given),
    ("Middle Name", Additional),
    ("Last Name", Family),
    ("Suffix", Suffix),
    ("Company", Org),
    ("Department", Department),
    ("Job Title", Title),
    ("Business Street", Adr(Work, Street)),
    ("Business Street 2", Adr(Work, Street)),
    ("Business Street 3", Adr(Work, Street)),
    ("Business City", Adr(Work, Locality)),
    ("Business State", Adr(Work, Region)),
    ("Business Postal Code", Adr(Work, PostalCode)),
    ("Business Country/Region", Adr(Work, Country)),
    ("Business Address PO Box", Adr(Work, PoBox)),
    ("Home Street", Adr(Home, Street)),
    ("Home Street 2", Adr(Home, Street)),
    ("Home Street 3", Adr(Home, Street)),
    ("Home City", Adr(Home, Locality)),
    ("Home State", Adr(Home, Region)),
    ("Home Postal Code", Adr(Home, PostalCode)),
    ("Home Country/Region", Adr(Home, Country)),
    ("Home Address PO Box", Adr(Home, PoBox)),
    ("Other Street", Adr(Other, Street)),
    ("Other Street 2", Adr(Other, Street)),
    ("Other Street 3", Adr(Other, Street)),
    ("Other City", Adr(Other, Locality)),
    ("Other State", Adr(Other, Region)),
    ("Other Postal Code", Adr(Other, PostalCode)),
    ("Other Country/Region", Adr(Other, Country)),
    ("Other Address PO Box", Adr(Other, PoBox)),
    ("Business Phone", Tel(&["work"])),
    ("Business Phone 2", Tel(&["work"])),
    ("Home Phone", Tel(&["home"])),
    ("Home Phone 2", Tel(&["home"])),
    ("Mobile Phone", Tel(&["cell"])),
    ("Primary Phone", Tel(&["main"])),
    ("Business Fax", Tel(&["work", "fax"])),
    ("Home Fax", Tel(&["home", "fax"])),
    ("Other Fax", Tel(&["fax"])),
    ("Pager", Tel(&["pager"])),
    ("Car Phone", Tel(&["car"])),
    ("ISDN", Tel(&["isdn"])),
    ("TTY/TDD Phone", Tel(&["textphone"])),
    ("Other Phone", Tel(&[])),
    ("Callback", Tel(&[])),
    ("Radio Phone", Tel(&[])),
    (
        "E-mail Address",
        Email {
            types: &[],
            primary: true,
        },
    ),
    (
        "E-mail 2 Address",
        Email {
            types: &[],
            primary: false,
        },
    ),
    (
        "E-mail 3 Address",
        Email {
            types: &[],
            primary: false,
        },
    ),
    ("Birthday", Birthday),
    ("Categories", Categories(";")),
    ("Notes", Note),
    ("Web Page", Url(&[])),
];

/// Thunderbird address book export (and its importer's short aliases
/// `Name`, `Email`). Web Page 1 is the work page, Web Page 2 the home page.
pub(super) static THUNDERBIRD: ColumnMap = &[
    ("First Name", Given),
    ("Last Name", Family),
    ("Display Name", FullName),
    ("Name", FullName),
    ("Nickname", Nickname),
    (
        "Primary Email",
        Email {
            types: &[],
            primary: true,
        },
    ),
    (
        "Email",
        Email {
            types: &[],
            primary: true,
        },
    ),
    (
        "Secondary Email",
        Email {
            types: &[],
            primary: false,
        },
    ),
    ("Work Phone", Tel(&["work"])),
    ("Home Phone", Tel(&["home"])),
    ("Fax Number", Tel(&["fax"])),
    ("Pager Number", Tel(&["pager"])),
    ("Mobile Number", Tel(&["cell"])),
    ("Home Address", Adr(Home, Street)),
    ("Home Address 2", Adr(Home, Street)),
    ("Home City", Adr(Home, Locality)),
    ("Home State", Adr(Home, Region)),
    ("Home ZipCode", Adr(Home, PostalCode)),
    ("Home Country", Adr(Home, Country)),
    ("Work Address", Adr(Work, Street)),
    ("Work Address 2", Adr(Work, Street)),
    ("Work City", Adr(Work, Locality)),
    ("Work State", Adr(Work, Region)),
    ("Work ZipCode", Adr(Work, PostalCode)),
    ("Work Country", Adr(Work, Country)),
    ("Job Title", Title),
    ("Department", Department),
    ("Organization", Org),
    ("Web Page 1", Url(&["work"])),
    ("Web Page 2", Url(&["home"])),
    ("Birth Year", BirthYear),
    ("Birth Month", BirthMonth),
    ("Birth Day", BirthDay),
    ("Notes", Note),
];

/// Apple Contacts / iCloud style exports (as written by macOS and iOS
/// export tools): `Label (type)` columns.
pub(super) static APPLE: ColumnMap = &[
    ("First name", Given),
    ("Middle name", Additional),
    ("Last name", Family),
    ("Prefix", Prefix),
    ("Suffix", Suffix),
    ("Nickname", Nickname),
    ("Company", Org),
    ("Department", Department),
    ("Job title", Title),
    ("Birthday", Birthday),
    ("Note", Note),
    ("Group", Categories(",")),
    (
        "Email (home)",
        Email {
            types: &["home"],
            primary: false,
        },
    ),
    (
        "Email (work)",
        Email {
            types: &["work"],
            primary: false,
        },
    ),
    (
        "Email (other)",
        Email {
            types: &[],
            primary: false,
        },
    ),
    ("Phone (mobile)", Tel(&["cell"])),
    ("Phone (iPhone)", Tel(&["cell", "iphone"])),
    ("Phone (home)", Tel(&["home"])),
    ("Phone (work)", Tel(&["work"])),
    ("Phone (main)", Tel(&["main"])),
    ("Phone (home fax)", Tel(&["home", "fax"])),
    ("Phone (work fax)", Tel(&["work", "fax"])),
    ("Phone (pager)", Tel(&["pager"])),
    ("Phone (other)", Tel(&[])),
    ("Street (home)", Adr(Home, Street)),
    ("City (home)", Adr(Home, Locality)),
    ("State (home)", Adr(Home, Region)),
    ("ZIP (home)", Adr(Home, PostalCode)),
    ("Country (home)", Adr(Home, Country)),
    ("Street (work)", Adr(Work, Street)),
    ("City (work)", Adr(Work, Locality)),
    ("State (work)", Adr(Work, Region)),
    ("ZIP (work)", Adr(Work, PostalCode)),
    ("Country (work)", Adr(Work, Country)),
    ("URL (homepage)", Url(&["home"])),
    ("URL (work)", Url(&["work"])),
];

/// A Google numbered column group (`<group> <n> - <part>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum Group {
    Email,
    Phone,
    Address,
    Organization,
    Website,
    CustomField,
}

/// The part after ` - ` in a Google numbered column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum Part {
    /// `Label` (current) or `Type` (legacy).
    Label,
    Value,
    Adr(AdrPart),
    OrgName,
    OrgTitle,
    OrgDepartment,
}

pub(super) static GOOGLE_GROUPS: &[(&str, Group)] = &[
    ("E-mail", Group::Email),
    ("Phone", Group::Phone),
    ("Address", Group::Address),
    ("Organization", Group::Organization),
    ("Website", Group::Website),
    ("Custom Field", Group::CustomField),
];

/// Which parts each group has.
pub(super) static GOOGLE_PARTS: &[(Group, &str, Part)] = &[
    (Group::Email, "Label", Part::Label),
    (Group::Email, "Type", Part::Label),
    (Group::Email, "Value", Part::Value),
    (Group::Phone, "Label", Part::Label),
    (Group::Phone, "Type", Part::Label),
    (Group::Phone, "Value", Part::Value),
    (Group::Website, "Label", Part::Label),
    (Group::Website, "Type", Part::Label),
    (Group::Website, "Value", Part::Value),
    (Group::CustomField, "Label", Part::Label),
    (Group::CustomField, "Type", Part::Label),
    (Group::CustomField, "Value", Part::Value),
    (Group::Address, "Label", Part::Label),
    (Group::Address, "Type", Part::Label),
    (Group::Address, "Formatted", Part::Adr(AdrPart::Formatted)),
    (Group::Address, "Street", Part::Adr(Street)),
    (Group::Address, "City", Part::Adr(Locality)),
    (Group::Address, "PO Box", Part::Adr(PoBox)),
    (Group::Address, "Region", Part::Adr(Region)),
    (Group::Address, "Postal Code", Part::Adr(PostalCode)),
    (Group::Address, "Country", Part::Adr(Country)),
    (Group::Address, "Extended Address", Part::Adr(Extended)),
    (Group::Organization, "Name", Part::OrgName),
    (Group::Organization, "Title", Part::OrgTitle),
    (Group::Organization, "Department", Part::OrgDepartment),
];

/// A Google label and the vCard TYPEs it stands for. Labels not listed are
/// kept verbatim in an `X-LABEL` parameter.
pub(super) type LabelMap = &'static [(&'static str, &'static [&'static str])];

pub(super) static GOOGLE_PHONE_LABELS: LabelMap = &[
    ("Mobile", &["cell"]),
    ("Work", &["work"]),
    ("Home", &["home"]),
    ("Main", &["main"]),
    ("Work Fax", &["work", "fax"]),
    ("Home Fax", &["home", "fax"]),
    ("Other Fax", &["fax"]),
    ("Pager", &["pager"]),
    ("Work Mobile", &["work", "cell"]),
    ("Work Pager", &["work", "pager"]),
    ("Car", &["car"]),
    ("ISDN", &["isdn"]),
    ("Other", &[]),
];

/// E-mail, address and website labels.
pub(super) static GOOGLE_PLAIN_LABELS: LabelMap = &[("Home", &["home"]), ("Work", &["work"]), ("Other", &[])];

/// Headers of the current Google Contacts export before the numbered groups.
pub(super) static GOOGLE_EXPORT_FIXED: &[&str] = &[
    "First Name",
    "Middle Name",
    "Last Name",
    "Phonetic First Name",
    "Phonetic Middle Name",
    "Phonetic Last Name",
    "Name Prefix",
    "Name Suffix",
    "Nickname",
    "File As",
    "Organization Name",
    "Organization Title",
    "Organization Department",
    "Birthday",
    "Notes",
    "Photo",
    "Labels",
];

/// Parts of one Google address group, in export order.
pub(super) static GOOGLE_ADDRESS_PARTS: &[(&str, AdrPart)] = &[
    ("Formatted", AdrPart::Formatted),
    ("Street", Street),
    ("City", Locality),
    ("PO Box", PoBox),
    ("Region", Region),
    ("Postal Code", PostalCode),
    ("Country", Country),
    ("Extended Address", Extended),
];
