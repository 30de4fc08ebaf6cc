//! `diff` + `apply` of a one-field change on a typical contact (22
//! properties, a 3 KB PHOTO data URI). Target: ≤ 20 µs (issue 3).

#[path = "../tests/engine_support/mod.rs"]
mod engine_support;

/// The allocator the `pimgate` binary ships with (src/main.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{Criterion, criterion_group, criterion_main};
use pimgate::engine::{apply, diff};
use pimgate::universal::{PropName, Value};
use std::hint::black_box;

fn one_field_change(c: &mut Criterion) {
    let prev = engine_support::typical_contact();
    let mut next = engine_support::renumbered(&prev);
    let tel = next
        .root
        .props
        .iter_mut()
        .find(|p| p.name() == &PropName::Tel)
        .expect("a TEL");
    tel.set_value(Value::Uri("tel:+1-555-0142".into()));
    assert_eq!(diff(&prev, &next).len(), 1);
    c.bench_function("diff+apply one-field change, 22-prop contact", |b| {
        b.iter(|| {
            let changes = diff(black_box(&prev), black_box(&next));
            apply(&prev, &changes).expect("applies")
        })
    });
}

criterion_group!(benches, one_field_change);
criterion_main!(benches);
