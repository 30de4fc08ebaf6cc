//! Reading a CSV export: decode, sniff the separator, read the header row,
//! choose the dialect, then one record per non-empty row.
//!
//! Quoting follows RFC 4180 §2 (quoted fields may hold separators, line
//! breaks and doubled quotes); rows may be shorter or longer than the header.

use crate::adapters::{FormatError, FormatErrorKind};
use crate::universal::{Diagnostic, Record, SourceFormat};

use super::contact;
use super::decode::{decode, sniff_separator};
use super::dialect::{self, Columns};

/// Parses a whole CSV file into one contact per data row.
pub(super) fn parse(input: &[u8]) -> Result<Vec<Record>, FormatError> {
    let decoded = decode(input);
    let separator = sniff_separator(&decoded.text);
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(separator)
        .from_reader(decoded.text.as_bytes());
    let mut rows = reader.records();
    let Some((header_line, header)) = next_row(&mut rows)? else {
        return Ok(Vec::new());
    };
    let columns = dialect::resolve(&header);
    check_header(&header, &columns, header_line)?;
    let mut file_notes = Vec::new();
    if let Some(note) = decoded.note {
        file_notes.push(Diagnostic {
            line: 1,
            message: note,
            text: None,
        });
    }
    if columns.recognized == 0 {
        let message = "no column name is one pimgate knows; every column is kept as an X-CSV- property".to_owned();
        file_notes.push(Diagnostic {
            line: header_line,
            message,
            text: Some(header.join(",")),
        });
    }
    let mut records = Vec::new();
    while let Some((line, cells)) = next_row(&mut rows)? {
        let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
        let (card, diagnostics) = contact::build(&header, &columns, &cells, line);
        let mut record = Record::new(card, Some(SourceFormat::Csv));
        record.diagnostics = file_notes.iter().cloned().chain(diagnostics).collect();
        records.push(record);
    }
    Ok(records)
}

type Rows<'r> = ::csv::StringRecordsIter<'r, &'r [u8]>;

/// The next row that has a non-blank cell, with its 1-based line.
fn next_row(rows: &mut Rows<'_>) -> Result<Option<(u32, Vec<String>)>, FormatError> {
    for row in rows.by_ref() {
        let row = row.map_err(csv_error)?;
        if row.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        let line = row
            .position()
            .map_or(0, |p| u32::try_from(p.line()).unwrap_or(u32::MAX));
        return Ok(Some((line, row.iter().map(str::to_owned).collect())));
    }
    Ok(None)
}

fn csv_error(error: ::csv::Error) -> FormatError {
    let line = error
        .position()
        .map_or(0, |p| u32::try_from(p.line()).unwrap_or(u32::MAX));
    FormatError::new(line, 0, FormatErrorKind::Syntax(format!("CSV: {error}")))
}

/// A first row that no dialect knows and that holds data (an e-mail
/// address, a number) is a missing header: say how to fix it.
fn check_header(header: &[String], columns: &Columns, line: u32) -> Result<(), FormatError> {
    if columns.recognized > 0 || !header.iter().any(|cell| looks_like_data(cell)) {
        return Ok(());
    }
    let hint = format!(
        "the first row must name the columns, but it holds data ({:?}); add a header row naming its {} columns, \
         such as \"Display Name,First Name,Last Name,Primary Email\" (Thunderbird) or \
         \"First Name,Last Name,E-mail Address,Mobile Phone\" (Outlook)",
        header.join(","),
        header.len()
    );
    Err(FormatError::new(line, 0, FormatErrorKind::NoHeader { hint }))
}

fn looks_like_data(cell: &str) -> bool {
    let cell = cell.trim();
    let number =
        cell.chars().any(|c| c.is_ascii_digit()) && cell.chars().all(|c| c.is_ascii_digit() || " +-()./".contains(c));
    cell.contains('@') || number
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_first_row_of_data_is_a_missing_header_with_a_fix() {
        let error = parse(b"John Doe,John,Doe,john@doe.invalid\n").unwrap_err();
        assert_eq!(error.line, 1);
        let message = error.to_string();
        assert!(message.contains("the first row must name the columns"), "{message}");
        assert!(message.contains("add a header row"), "{message}");
    }

    #[test]
    fn unknown_headers_are_kept_with_a_diagnostic() {
        let records = parse(b"Colour,Shoe size\nblue,x\n").unwrap();
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].diagnostics.len(), 1);
        let names: Vec<&str> = records[0].root.props.iter().map(|p| p.name().as_str()).collect();
        assert_eq!(names, ["VERSION", "UID", "FN", "X-CSV-COLOUR", "X-CSV-SHOE-SIZE"]);
    }

    #[test]
    fn empty_input_and_blank_rows_give_no_records() {
        assert!(parse(b"").unwrap().is_empty());
        let records = parse(b"Name,Email\n,\n\nAda,ada@example.org\n , \n").unwrap();
        assert_eq!(records.len(), 1);
    }

    #[test]
    fn quoted_cells_hold_separators_line_breaks_and_quotes() {
        let records = parse(b"Name,Notes\n\"Doe, Jane\",\"line 1\nline \"\"2\"\"\"\n").unwrap();
        let card = &records[0].root;
        assert_eq!(card.props[2].value().as_text(), Some("Doe, Jane"));
        assert_eq!(card.props[3].value().as_text(), Some("line 1\nline \"2\""));
    }
}
