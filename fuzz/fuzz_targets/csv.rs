//! Arbitrary bytes through the csv adapter: parse never panics, and whatever
//! parses renders without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pimgate::adapters::csv;

fuzz_target!(|data: &[u8]| {
    if let Ok(records) = csv::parse(data) {
        let _ = csv::render(&records, csv::CsvDialect::Google);
        let _ = csv::render(&records, csv::CsvDialect::Outlook);
    }
});
