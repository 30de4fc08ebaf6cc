//! Arbitrary bytes through the content-line lexer: no panic, and the spans
//! of the yielded lines plus the trailing junk cover the input exactly.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pimgate::adapters::contentline::Lexer;

fuzz_target!(|data: &[u8]| {
    let mut lexer = Lexer::new(data);
    let mut covered = 0;
    for line in lexer.by_ref().flatten() {
        assert_eq!(line.span.start, covered, "spans are contiguous");
        covered = line.span.end;
    }
    assert_eq!(lexer.trailing(), covered..data.len());
});
