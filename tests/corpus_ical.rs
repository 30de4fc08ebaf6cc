//! Every iCalendar file of the real-world corpus obeys the round-trip law
//! (DESIGN.md): parse never panics, objects re-parse from their rendering
//! (raw and canonical), unchanged objects render back byte for byte, `join`
//! keeps every component, and no content line is silently lost.

mod common;

use std::collections::HashSet;

use pimgate::adapters::contentline::Lexer;
use pimgate::adapters::{FormatErrorKind, ical};
use pimgate::universal::{Component, ComponentName, PropName, Record};

/// Totals over the corpus, printed and checked against minimums.
#[derive(Default, Debug)]
struct Totals {
    files: usize,
    ok: usize,
    errors: usize,
    objects: usize,
    components: usize,
    props: usize,
    diagnostics: usize,
}

#[test]
fn every_corpus_ical_file_obeys_the_round_trip_law() {
    let mut totals = Totals::default();
    let mut failures = Vec::new();
    for file in common::corpus("ical") {
        totals.files += 1;
        let input = file.bytes();
        match ical::parse(&input) {
            Ok(records) => {
                totals.ok += 1;
                if let Err(why) = check_file(&input, &records, &mut totals) {
                    failures.push(format!("{}: {why}", file.name));
                }
            }
            Err(error) => {
                totals.errors += 1;
                // The manifest labels a few fuzzer outputs "real-world"; a
                // well-formed label may only fail when the file indeed has
                // no calendar where the error says.
                let no_calendar = matches!(error.kind, FormatErrorKind::MissingBegin { .. })
                    && !calendar_begins_by(&input, error.line);
                if !file.is_malformed() && !no_calendar {
                    failures.push(format!("{}: well-formed file failed to parse: {error}", file.name));
                } else if error.line == 0 {
                    failures.push(format!("{}: error names no line: {error}", file.name));
                }
            }
        }
    }
    println!(
        "ical corpus: {} files ({} ok, {} errors), {} objects, {} components, {} props, {} diagnostics",
        totals.files, totals.ok, totals.errors, totals.objects, totals.components, totals.props, totals.diagnostics
    );
    assert!(
        failures.is_empty(),
        "{} files break the law:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(totals.files >= 289 && totals.ok >= 270, "{totals:?}");
    assert!(
        totals.objects >= 2_900 && totals.components >= 10_000 && totals.props >= 55_000,
        "{totals:?}"
    );
}

/// Whether a `BEGIN:VCALENDAR` line occurs on or before physical line `line`.
fn calendar_begins_by(input: &[u8], line: u32) -> bool {
    let text = String::from_utf8_lossy(input).replace("\r\n", "\n");
    text.split_terminator(['\n', '\r'])
        .take(line as usize)
        .any(|l| l.trim().eq_ignore_ascii_case("BEGIN:VCALENDAR"))
}

fn check_file(input: &[u8], records: &[Record], totals: &mut Totals) -> Result<(), String> {
    if records.is_empty() {
        return Err("no objects".into());
    }
    totals.objects += records.len();
    for record in records {
        record.root.walk(&mut |c| {
            totals.components += 1;
            totals.props += c.props.len();
        });
        totals.diagnostics += record.diagnostics.len();
        check_round_trip(record)?;
    }
    check_bytes(input, records)?;
    check_join(records)?;
    check_nothing_lost(input, records)
}

/// `parse(render(r)) == [r]`, with raw bytes and canonically.
fn check_round_trip(record: &Record) -> Result<(), String> {
    let mut canonical = record.clone();
    canonical.clear_raw();
    for (what, record) in [("raw", record), ("canonical", &canonical)] {
        let rendered = ical::render(record).map_err(|e| format!("{what} render: {e}"))?;
        let reparsed = ical::parse(&rendered)
            .map_err(|e| format!("{what} re-parse: {e}\n{}", String::from_utf8_lossy(&rendered)))?;
        if reparsed.len() != 1 || reparsed[0] != *record {
            return Err(format!(
                "{what} round trip differs for UID {:?}:\n{}\nbefore: {:?}\nafter: {:?}",
                record.uid(),
                String::from_utf8_lossy(&rendered),
                record.root,
                reparsed.iter().map(|r| &r.root).collect::<Vec<_>>()
            ));
        }
    }
    Ok(())
}

/// One object: the file itself (modulo trailing junk). Several: each is made
/// of the file's own lines, in the file's order.
fn check_bytes(input: &[u8], records: &[Record]) -> Result<(), String> {
    if let [record] = records {
        let rendered = ical::render(record).map_err(|e| e.to_string())?;
        let rest = input
            .strip_prefix(rendered.as_slice())
            .ok_or("render of the only object is not the input")?;
        if !rest.iter().all(u8::is_ascii_whitespace) && record.diagnostics.is_empty() {
            return Err(format!(
                "undiagnosed trailing bytes {:?}",
                String::from_utf8_lossy(rest)
            ));
        }
        return Ok(());
    }
    let lines = split_lines(input);
    for record in records {
        let rendered = ical::render(record).map_err(|e| e.to_string())?;
        let mut source = lines.iter();
        for line in split_lines(&rendered) {
            if !source.any(|l| *l == line) {
                return Err(format!(
                    "object {:?} has a line not in the input (in order): {:?}",
                    record.uid(),
                    String::from_utf8_lossy(line)
                ));
            }
        }
    }
    Ok(())
}

/// Physical lines (any line end), blank ones left out.
fn split_lines(bytes: &[u8]) -> Vec<&[u8]> {
    bytes
        .split(|b| *b == b'\n' || *b == b'\r')
        .filter(|l| !l.is_empty())
        .collect()
}

/// `join` keeps every component: the same non-VTIMEZONE components and the same TZIDs.
fn check_join(records: &[Record]) -> Result<(), String> {
    let joined = ical::join(records).map_err(|e| e.to_string())?;
    let reparsed = ical::parse(&joined).map_err(|e| format!("join re-parse: {e}"))?;
    let (before, zones_before) = contents(records);
    let (after, zones_after) = contents(&reparsed);
    if before != after {
        return Err(format!(
            "join changed the components: {} before, {} after",
            before.len(),
            after.len()
        ));
    }
    if zones_before != zones_after {
        return Err(format!(
            "join changed the time zones: {zones_before:?} vs {zones_after:?}"
        ));
    }
    Ok(())
}

/// Components (as text without field ids, sorted) and TZIDs of a set of objects.
fn contents(records: &[Record]) -> (Vec<String>, Vec<String>) {
    let mut components = Vec::new();
    let mut zones = HashSet::new();
    for record in records {
        for child in &record.root.children {
            if child.name() == &ComponentName::VTimezone {
                zones.insert(
                    child
                        .prop(&PropName::TzId)
                        .map(|p| format!("{:?}", p.value()))
                        .unwrap_or_default(),
                );
            } else {
                components.push(describe(child));
            }
        }
    }
    components.sort();
    let mut zones: Vec<_> = zones.into_iter().collect();
    zones.sort();
    (components, zones)
}

fn describe(component: &Component) -> String {
    let mut out = format!("{}{{", component.name());
    for prop in &component.props {
        out.push_str(&format!(
            "{:?}{:?}{:?}{:?};",
            prop.group(),
            prop.name(),
            prop.params(),
            prop.value()
        ));
    }
    for child in &component.children {
        out.push_str(&describe(child));
    }
    out.push('}');
    out
}

/// Every content line of the input is a property of some object (counted
/// once: header and time-zone properties are shared by several objects) or
/// is named by a diagnostic.
fn check_nothing_lost(input: &[u8], records: &[Record]) -> Result<(), String> {
    let lines_in = Lexer::new(input)
        .filter_map(Result::ok)
        .filter(|l| l.group.is_some() || !(l.name.eq_ignore_ascii_case("BEGIN") || l.name.eq_ignore_ascii_case("END")))
        .count();
    let mut pieces = HashSet::new();
    let mut diagnosed = 0;
    for record in records {
        record.root.walk(&mut |c| {
            pieces.extend(
                c.props
                    .iter()
                    .filter_map(|p| p.raw())
                    .map(|raw| (raw.as_ptr() as usize, raw.len())),
            );
        });
        diagnosed += record.diagnostics.iter().filter(|d| d.text.is_some()).count();
    }
    let props_out = pieces.len();
    if props_out > lines_in || lines_in - props_out > diagnosed {
        return Err(format!(
            "{lines_in} content lines in, {props_out} properties out, {diagnosed} diagnostics with text"
        ));
    }
    Ok(())
}

/// Parse and render throughput over the well-formed corpus repeated to
/// 20 MB (2 MB in debug builds). Prints MB/s; checks that every pass yields
/// the same objects, so the loop cannot be optimised into nothing.
#[test]
fn parse_and_render_throughput_is_reported() {
    let files: Vec<Vec<u8>> = common::corpus("ical")
        .iter()
        .filter(|f| !f.is_malformed())
        .map(|f| f.bytes())
        .collect();
    let pass_bytes: usize = files.iter().map(Vec::len).sum();
    let target: usize = if cfg!(debug_assertions) { 2 << 20 } else { 20 << 20 };
    let passes = target.div_ceil(pass_bytes);
    let (mut objects, mut parsed) = (Vec::new(), Vec::new());
    let start = std::time::Instant::now();
    for _ in 0..passes {
        let mut count = 0;
        for file in &files {
            if let Ok(records) = ical::parse(file) {
                count += records.len();
                parsed.push(records);
            }
        }
        objects.push(count);
        if parsed.len() > files.len() {
            parsed.drain(..files.len());
        }
    }
    let parse_secs = start.elapsed().as_secs_f64();
    let start = std::time::Instant::now();
    let mut rendered_bytes = 0;
    for _ in 0..passes {
        rendered_bytes += parsed
            .iter()
            .flatten()
            .map(|r| ical::render(r).map_or(0, |b| b.len()))
            .sum::<usize>();
    }
    let render_secs = start.elapsed().as_secs_f64();
    let mb = (passes * pass_bytes) as f64 / 1e6;
    println!(
        "ical throughput: {mb:.1} MB, parse {:.1} MB/s, render {:.1} MB/s of output ({} passes)",
        mb / parse_secs,
        rendered_bytes as f64 / 1e6 / render_secs,
        passes
    );
    assert!(objects.iter().all(|n| *n == objects[0] && *n > 0), "{objects:?}");
}
