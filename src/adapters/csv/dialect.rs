//! Which export wrote a file, decided from its header row, and what each
//! column means in that dialect.
//!
//! Every dialect's table (see `tables.rs`) scores one point per header cell
//! it names; the best score wins, ties going to the earlier dialect in
//! [`InputDialect::ALL`]. Columns the winner does not name stay
//! [`Target::Unmapped`] and are kept as `X-CSV-` properties.

use super::tables::{self, ColumnMap, Field, Group, Part};

/// A CSV dialect pimgate can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputDialect {
    /// Google Contacts, current export (`First Name`, `E-mail 1 - Label`).
    GoogleCurrent,
    /// Google Contacts, legacy export (`Name`, `Given Name`, `E-mail 1 - Type`).
    GoogleLegacy,
    /// Outlook, English.
    OutlookEn,
    /// Outlook, German.
    OutlookDe,
    /// Outlook, French.
    OutlookFr,
    /// Thunderbird address book.
    Thunderbird,
    /// Apple Contacts / iCloud style (`Email (home)`, `Phone (iPhone)`).
    Apple,
}

/// How a dialect writes numeric dates (`4/15/1996` vs `15.04.1996`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DateOrder {
    MonthFirst,
    DayFirst,
}

/// What one column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Target {
    Field(Field),
    /// A Google numbered column: `<group> <index> - <part>`.
    Numbered {
        group: Group,
        index: u32,
        part: Part,
    },
    /// No table names it: kept as an `X-CSV-` property.
    Unmapped,
}

/// The meaning of every column of one file.
#[derive(Debug, Clone)]
pub(super) struct Columns {
    pub dialect: InputDialect,
    pub targets: Vec<Target>,
    /// How many header cells the dialect recognized.
    pub recognized: usize,
}

impl InputDialect {
    /// Every dialect, in tie-breaking order.
    pub const ALL: [InputDialect; 7] = [
        InputDialect::GoogleCurrent,
        InputDialect::GoogleLegacy,
        InputDialect::OutlookEn,
        InputDialect::OutlookDe,
        InputDialect::OutlookFr,
        InputDialect::Thunderbird,
        InputDialect::Apple,
    ];

    fn columns(self) -> ColumnMap {
        match self {
            InputDialect::GoogleCurrent => tables::GOOGLE_CURRENT,
            InputDialect::GoogleLegacy => tables::GOOGLE_LEGACY,
            InputDialect::OutlookEn => tables::OUTLOOK_EN,
            InputDialect::OutlookDe => tables::OUTLOOK_DE,
            InputDialect::OutlookFr => tables::OUTLOOK_FR,
            InputDialect::Thunderbird => tables::THUNDERBIRD,
            InputDialect::Apple => tables::APPLE,
        }
    }

    fn has_numbered_groups(self) -> bool {
        matches!(self, InputDialect::GoogleCurrent | InputDialect::GoogleLegacy)
    }

    /// The order of numeric dates in this dialect's birthday column.
    pub(super) fn date_order(self) -> DateOrder {
        match self {
            InputDialect::OutlookDe | InputDialect::OutlookFr => DateOrder::DayFirst,
            _ => DateOrder::MonthFirst,
        }
    }

    fn target(self, header: &str) -> Target {
        let header = header.trim().trim_start_matches('\u{FEFF}');
        let wanted = header.to_lowercase();
        if let Some((_, field)) = self.columns().iter().find(|(name, _)| name.to_lowercase() == wanted) {
            return Target::Field(*field);
        }
        if self.has_numbered_groups()
            && let Some(target) = numbered(header)
        {
            return target;
        }
        Target::Unmapped
    }

    fn resolve(self, header: &[String]) -> Columns {
        let targets: Vec<Target> = header.iter().map(|cell| self.target(cell)).collect();
        let recognized = targets.iter().filter(|t| **t != Target::Unmapped).count();
        Columns {
            dialect: self,
            targets,
            recognized,
        }
    }
}

/// Reads `E-mail 2 - Value` as (Email, 2, Value).
fn numbered(header: &str) -> Option<Target> {
    let (left, part_name) = header.split_once(" - ")?;
    let (group_name, index) = left.trim().rsplit_once(' ')?;
    let index: u32 = index.parse().ok()?;
    let (_, group) = tables::GOOGLE_GROUPS
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(group_name.trim()))?;
    let (_, _, part) = tables::GOOGLE_PARTS
        .iter()
        .find(|(g, name, _)| g == group && name.eq_ignore_ascii_case(part_name.trim()))?;
    Some(Target::Numbered {
        group: *group,
        index,
        part: *part,
    })
}

/// The dialect that names most of the header's cells, and every column's meaning in it.
pub(super) fn resolve(header: &[String]) -> Columns {
    let mut best = InputDialect::ALL[0].resolve(header);
    for dialect in &InputDialect::ALL[1..] {
        let candidate = dialect.resolve(header);
        if candidate.recognized > best.recognized {
            best = candidate;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detect(header: &str) -> InputDialect {
        let cells: Vec<String> = header.split(',').map(str::to_owned).collect();
        resolve(&cells).dialect
    }

    #[test]
    fn each_dialect_is_recognized_from_its_header() {
        assert_eq!(
            detect("First Name,Middle Name,Last Name,Labels,E-mail 1 - Label,E-mail 1 - Value"),
            InputDialect::GoogleCurrent
        );
        assert_eq!(
            detect("Name,Given Name,Family Name,Group Membership,E-mail 1 - Type,E-mail 1 - Value"),
            InputDialect::GoogleLegacy
        );
        assert_eq!(
            detect("First Name,Last Name,E-mail Address,Business Phone,Home Street,Company,Job Title"),
            InputDialect::OutlookEn
        );
        assert_eq!(
            detect("Vorname,Nachname,E-Mail-Adresse,Telefon geschäftlich,Straße privat,Firma"),
            InputDialect::OutlookDe
        );
        assert_eq!(
            detect("Prénom,Nom,Adresse de messagerie,Téléphone (bureau),Rue (domicile),Société"),
            InputDialect::OutlookFr
        );
        assert_eq!(
            detect("First Name,Last Name,Display Name,Primary Email,Work Phone"),
            InputDialect::Thunderbird
        );
        assert_eq!(
            detect("First name,Last name,Email (home),Phone (iPhone)"),
            InputDialect::Apple
        );
    }

    #[test]
    fn google_numbered_columns_are_parsed() {
        assert_eq!(
            numbered("E-mail 12 - Value"),
            Some(Target::Numbered {
                group: Group::Email,
                index: 12,
                part: Part::Value
            })
        );
        assert_eq!(
            numbered("Phone 1 - Type"),
            Some(Target::Numbered {
                group: Group::Phone,
                index: 1,
                part: Part::Label
            })
        );
        assert_eq!(numbered("Phone 1 - Street"), None);
        assert_eq!(numbered("Phone x - Value"), None);
    }
}
