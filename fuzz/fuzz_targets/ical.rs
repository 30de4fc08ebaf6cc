//! Arbitrary bytes through the ical adapter: parse never panics, and whatever
//! parses renders without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pimgate::adapters::ical;

fuzz_target!(|data: &[u8]| {
    if let Ok(records) = ical::parse(data) {
        for record in &records {
            let _ = ical::render(record);
        }
        let _ = ical::join(&records);
    }
});
