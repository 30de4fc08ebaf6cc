//! Cell-level conversions shared by parse and render: birthdays, labels ↔
//! TYPE parameters, `X-CSV-` names, and the deterministic UID.

use crate::adapters::contentline::parse_date_times;
use crate::universal::{Date, DateTimeValue, Param, ParamName, Params, PropName};

use super::dialect::DateOrder;
use super::tables::LabelMap;

/// The parameter that keeps a column header for an `X-CSV-` property.
pub(super) const HEADER_PARAM: &str = "X-CSV-HEADER";
/// The parameter that keeps a Google label with no TYPE equivalent.
pub(super) const LABEL_PARAM: &str = "X-LABEL";

/// A birthday cell: ISO 8601 (`1996-04-15`, `--04-15`, `19960415`) first,
/// then a numeric `a/b/c` (or `.`/`-`) date in the dialect's order, then the
/// other order when the first gives no valid date (`20/01/1991` in an
/// English export). A time after a space is ignored. Two-digit years are
/// 19xx above 29, else 20xx. `None` when it is no date, `Some(None)` when it
/// is Outlook's empty date (`0/0/00`).
pub(super) fn parse_birthday(text: &str, order: DateOrder) -> Option<Option<Date>> {
    let text = text.trim();
    if let Some(values) = parse_date_times(text)
        && let [DateTimeValue::Date(date)] = values.as_slice()
    {
        return Some(Some(*date));
    }
    let date_part = text.split_whitespace().next()?;
    let numbers: Vec<u32> = date_part
        .split(['/', '.', '-'])
        .map(|n| n.parse().ok())
        .collect::<Option<_>>()?;
    let [a, b, c] = numbers.as_slice() else {
        return None;
    };
    if [*a, *b, *c].iter().all(|n| *n == 0) {
        return Some(None);
    }
    let year = match *c {
        0..=29 => 2000 + c,
        30..=99 => 1900 + c,
        _ => *c,
    };
    let (first, second) = match order {
        DateOrder::MonthFirst => ((*a, *b), (*b, *a)),
        DateOrder::DayFirst => ((*b, *a), (*a, *b)),
    };
    [first, second]
        .into_iter()
        .find_map(|(month, day)| make_date(Some(year), Some(month), Some(day)))
        .map(Some)
}

/// A date from optional parts, when every present part is in range.
pub(super) fn make_date(year: Option<u32>, month: Option<u32>, day: Option<u32>) -> Option<Date> {
    let year = year
        .map(u16::try_from)
        .transpose()
        .ok()?
        .filter(|y| (1..=9999).contains(y));
    let month = month.map(u8::try_from).transpose().ok()?;
    let day = day.map(u8::try_from).transpose().ok()?;
    let ok = month.is_none_or(|m| (1..=12).contains(&m)) && day.is_none_or(|d| (1..=31).contains(&d));
    (ok && (year.is_some() || month.is_some())).then_some(Date { year, month, day })
}

/// What a Google label cell says: TYPE values, primary (`* ` prefix), and
/// the label itself when no TYPE stands for it.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct Label {
    pub types: Vec<String>,
    pub primary: bool,
    pub custom: Option<String>,
}

pub(super) fn read_label(cell: &str, map: LabelMap) -> Label {
    let mut text = cell.trim();
    let mut label = Label::default();
    if let Some(rest) = text.strip_prefix('*') {
        label.primary = true;
        text = rest.trim_start();
    }
    if text.is_empty() {
        return label;
    }
    let is_token = |t: &str| {
        !t.is_empty()
            && t.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    match map.iter().find(|(name, _)| name.eq_ignore_ascii_case(text)) {
        Some((_, types)) => label.types = types.iter().map(|t| (*t).to_owned()).collect(),
        // What `write_label` writes for TYPEs with no label of their own (`cell,iphone`).
        None if text.split(',').all(is_token) => label.types = text.split(',').map(str::to_owned).collect(),
        None => label.custom = Some(text.to_owned()),
    }
    label
}

/// The label to write for a property's parameters: its `X-LABEL`, else the
/// table entry whose TYPEs are exactly the property's (ignoring `pref`,
/// `voice` and `internet`), else the TYPEs comma-separated in lower case
/// (which `read_label` reads back as TYPEs). `* ` marks primary.
pub(super) fn write_label(params: &Params, map: LabelMap) -> String {
    let primary = is_primary(params);
    let star = if primary { "* " } else { "" };
    if let Some(custom) = params.first_value(&ParamName::Other(LABEL_PARAM.into())) {
        return format!("{star}{custom}");
    }
    let types = significant_types(params);
    if let Some((name, _)) = map.iter().find(|(_, t)| same_types(t, &types)) {
        return format!("{star}{name}");
    }
    format!("{star}{}", types.join(","))
}

/// Whether a property is marked preferred (`PREF`, or 3.0 `TYPE=pref`).
pub(super) fn is_primary(params: &Params) -> bool {
    params.get(&ParamName::Pref).is_some() || params.has_type("pref")
}

/// TYPE values that say what the value is, lower-case.
pub(super) fn significant_types(params: &Params) -> Vec<String> {
    params
        .iter()
        .filter(|p| p.name == ParamName::Type)
        .flat_map(|p| p.values.iter())
        .map(|t| t.to_ascii_lowercase())
        .filter(|t| !matches!(t.as_str(), "pref" | "voice" | "internet"))
        .collect()
}

pub(super) fn same_types(table: &[&str], types: &[String]) -> bool {
    table.len() == types.len() && table.iter().all(|t| types.iter().any(|u| u == t))
}

/// TYPE / PREF / X-LABEL parameters for a value read with `types`.
pub(super) fn label_params(types: &[String], primary: bool, custom: Option<&str>) -> Params {
    let mut params = Params::default();
    if !types.is_empty() {
        params.push(Param::new(ParamName::Type, types.to_vec()));
    }
    if primary {
        params.push(Param::new(ParamName::Pref, vec!["1".into()]));
    }
    if let Some(label) = custom {
        params.push(Param::new(ParamName::Other(LABEL_PARAM.into()), vec![label.to_owned()]));
    }
    params
}

/// `X-CSV-` plus the header in upper case, runs of anything but ASCII
/// letters and digits becoming one `-` (`Yomi Name` → `X-CSV-YOMI-NAME`).
pub(super) fn x_name(header: &str, column: usize) -> PropName {
    let mut name = String::from("X-CSV-");
    let mut dash = false;
    for ch in header.chars() {
        if ch.is_ascii_alphanumeric() {
            if dash && !name.ends_with('-') {
                name.push('-');
            }
            name.push(ch.to_ascii_uppercase());
            dash = false;
        } else {
            dash = true;
        }
    }
    if name.len() == "X-CSV-".len() {
        name.push_str(&format!("COLUMN-{}", column + 1));
    }
    PropName::Other(name)
}

/// A UID derived from the header and the row (two FNV-1a 64-bit hashes
/// formatted as a UUID), so importing the same file twice gives the same
/// UIDs.
pub(super) fn row_uid(header: &[String], cells: &[&str]) -> String {
    let mut a: u64 = 0xcbf2_9ce4_8422_2325;
    let mut b: u64 = 0x6c62_272e_07bb_0142;
    let mut feed = |bytes: &[u8]| {
        for byte in bytes {
            a = (a ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3);
            b = (b ^ u64::from(*byte))
                .wrapping_mul(0x0000_0100_0000_01b3)
                .rotate_left(5);
        }
    };
    for cell in header
        .iter()
        .map(String::as_str)
        .chain([""])
        .chain(cells.iter().copied())
    {
        feed(cell.as_bytes());
        feed(&[0x1f]);
    }
    let hex = format!("{a:016x}{b:016x}");
    format!(
        "{}-{}-8{}-a{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::csv::tables::GOOGLE_PHONE_LABELS;

    fn ymd(y: u16, m: u8, d: u8) -> Option<Option<Date>> {
        Some(Some(Date {
            year: Some(y),
            month: Some(m),
            day: Some(d),
        }))
    }

    #[test]
    fn birthdays_in_each_dialect_order() {
        assert_eq!(parse_birthday("1975-12-12", DateOrder::MonthFirst), ymd(1975, 12, 12));
        assert_eq!(parse_birthday("4/15/1996", DateOrder::MonthFirst), ymd(1996, 4, 15));
        assert_eq!(parse_birthday("15.04.1996", DateOrder::DayFirst), ymd(1996, 4, 15));
        assert_eq!(parse_birthday("20/01/1991", DateOrder::MonthFirst), ymd(1991, 1, 20));
        assert_eq!(parse_birthday("3/4/75 0:00:00", DateOrder::DayFirst), ymd(1975, 4, 3));
        assert_eq!(parse_birthday("0/0/00", DateOrder::MonthFirst), Some(None));
        assert_eq!(
            parse_birthday("--04-15", DateOrder::MonthFirst),
            Some(Some(Date {
                year: None,
                month: Some(4),
                day: Some(15)
            }))
        );
        assert_eq!(parse_birthday("next spring", DateOrder::MonthFirst), None);
    }

    #[test]
    fn labels_map_to_types_and_back() {
        let label = read_label("* Work Fax", GOOGLE_PHONE_LABELS);
        assert_eq!(
            label,
            Label {
                types: vec!["work".into(), "fax".into()],
                primary: true,
                custom: None
            }
        );
        let params = label_params(&label.types, label.primary, None);
        assert_eq!(write_label(&params, GOOGLE_PHONE_LABELS), "* Work Fax");
        let custom = read_label("Google Voice", GOOGLE_PHONE_LABELS);
        let params = label_params(&custom.types, false, custom.custom.as_deref());
        assert_eq!(write_label(&params, GOOGLE_PHONE_LABELS), "Google Voice");
        let odd = label_params(&["cell".into(), "iphone".into()], false, None);
        assert_eq!(write_label(&odd, GOOGLE_PHONE_LABELS), "cell,iphone");
        assert_eq!(read_label("cell,iphone", GOOGLE_PHONE_LABELS).types, ["cell", "iphone"]);
    }

    #[test]
    fn x_names_are_sanitized_and_uids_are_stable() {
        assert_eq!(x_name("Yomi Name", 0).as_str(), "X-CSV-YOMI-NAME");
        assert_eq!(x_name("", 3).as_str(), "X-CSV-COLUMN-4");
        assert_eq!(x_name("Téléphone (voiture)", 0).as_str(), "X-CSV-T-L-PHONE-VOITURE");
        let header = vec!["Name".to_owned()];
        assert_eq!(row_uid(&header, &["a"]), row_uid(&header, &["a"]));
        assert_ne!(row_uid(&header, &["a"]), row_uid(&header, &["b"]));
        assert_eq!(row_uid(&header, &["a"]).len(), 36);
    }
}
