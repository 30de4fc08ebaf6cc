//! Arbitrary bytes through the vcard adapter: parse never panics, and whatever
//! parses renders without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pimgate::adapters::vcard;

fuzz_target!(|data: &[u8]| {
    if let Ok(records) = vcard::parse(data) {
        for record in &records {
            let _ = vcard::render(record, vcard::VCardVersion::V3);
            let _ = vcard::render(record, vcard::VCardVersion::V4);
        }
    }
});
