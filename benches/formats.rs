//! Parse and render throughput of the format layers on the real-world
//! corpus, repeated until at least 20 MB pass through each measurement.
//!
//! `cargo bench --bench formats`; throughput is reported in MB/s.

/// The allocator the `pimgate` binary ships with (src/main.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pimgate::adapters::contentline::Lexer;
use pimgate::adapters::{ical, vcard};
use pimgate::universal::Record;

const TARGET_BYTES: usize = 20 * 1024 * 1024;

fn corpus_root() -> PathBuf {
    std::env::var_os("PIMGATE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/realworld"))
}

/// The well-formed corpus files of one kind that parse.
fn corpus(kind: &str, parses: impl Fn(&[u8]) -> bool) -> Vec<Vec<u8>> {
    let manifest = std::fs::read_to_string(corpus_root().join("MANIFEST.tsv")).expect("corpus manifest");
    manifest
        .lines()
        .skip(1)
        .map(|line| line.split('\t').collect::<Vec<_>>())
        .filter(|cols| cols.len() > 5 && cols[1] == kind && cols[5] != "edge/malformed")
        .map(|cols| std::fs::read(corpus_root().join(cols[0])).expect("corpus file"))
        .filter(|bytes| parses(bytes))
        .collect()
}

/// The files repeated until they hold at least `TARGET_BYTES`.
fn repeated(files: &[Vec<u8>]) -> (Vec<&[u8]>, usize) {
    let one_pass: usize = files.iter().map(Vec::len).sum();
    assert!(one_pass > 0, "empty corpus");
    let passes = TARGET_BYTES.div_ceil(one_pass);
    let inputs: Vec<&[u8]> = (0..passes).flat_map(|_| files.iter().map(Vec::as_slice)).collect();
    (inputs, one_pass * passes)
}

fn bench_kind(c: &mut Criterion, kind: &str, parse: fn(&[u8]) -> Vec<Record>, render: fn(&Record) -> Vec<u8>) {
    let files = corpus(kind, |bytes| !parse(bytes).is_empty());
    let (inputs, total) = repeated(&files);
    let mut group = c.benchmark_group(kind);
    group.sample_size(10).measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Bytes(total as u64));

    group.bench_function("lex", |b| {
        b.iter(|| inputs.iter().map(|input| Lexer::new(input).count()).sum::<usize>())
    });
    group.bench_function("parse", |b| {
        b.iter(|| inputs.iter().map(|input| parse(input).len()).sum::<usize>())
    });

    let records: Vec<Vec<Record>> = files.iter().map(|f| parse(f)).collect();
    let canonical: Vec<Vec<Record>> = records
        .iter()
        .map(|rs| {
            rs.iter()
                .map(|r| {
                    let mut r = r.clone();
                    r.clear_raw();
                    r
                })
                .collect()
        })
        .collect();
    let passes = inputs.len() / files.len();
    group.bench_function("render-unchanged", |b| {
        b.iter(|| {
            (0..passes)
                .map(|_| records.iter().flatten().map(|r| render(r).len()).sum::<usize>())
                .sum::<usize>()
        })
    });
    group.bench_function("render-canonical", |b| {
        b.iter(|| {
            (0..passes)
                .map(|_| canonical.iter().flatten().map(|r| render(r).len()).sum::<usize>())
                .sum::<usize>()
        })
    });
    group.finish();
}

fn formats(c: &mut Criterion) {
    bench_kind(
        c,
        "vcard",
        |bytes| vcard::parse(bytes).unwrap_or_default(),
        |record| vcard::render(record, vcard::VCardVersion::V3).unwrap_or_default(),
    );
    bench_kind(
        c,
        "ical",
        |bytes| ical::parse(bytes).unwrap_or_default(),
        |record| ical::render(record).unwrap_or_default(),
    );
}

criterion_group!(benches, formats);
criterion_main!(benches);
