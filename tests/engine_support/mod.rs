//! Test support for the engine laws: a deterministic generator of realistic
//! records built with the universal model (contacts with N/FN/typed TEL and
//! EMAIL/ADR/ORG/PHOTO data URI/grouped X-ABLABEL/X- properties; calendar
//! objects with a VTIMEZONE, a recurring VEVENT master with VALARMs, and
//! RECURRENCE-ID overrides), edits over any record (`edit`), and order-free
//! comparison forms. Seeds come from proptest; one seed is one record.
#![allow(dead_code)]

pub mod edit;
mod mutate;
mod records;

pub use records::*;

use pimgate::universal::{Component, Param, Params, Record, Recur, Value};

/// SplitMix64: small, fast, and the same on every machine.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// A short random token, distinct enough that two never collide in a test.
    pub fn token(&mut self) -> String {
        format!("{:08x}", self.next_u64() as u32)
    }
}

/// The record as a fresh parse would give it: ids 1..n in document order, no raw bytes.
pub fn renumbered(record: &Record) -> Record {
    let mut record = record.clone();
    record.clear_raw();
    fn clear(c: &mut Component) {
        c.props.iter_mut().for_each(|p| p.set_id(Default::default()));
        c.children.iter_mut().for_each(clear);
    }
    clear(&mut record.root);
    record.assign_field_ids();
    record
}

/// The same record as another client would re-serialize it: parameters in
/// another order, RRULE parts reversed and lower case, ids renumbered.
pub fn reserialized(record: &Record) -> Record {
    let mut record = renumbered(record);
    fn visit(c: &mut Component) {
        for prop in &mut c.props {
            if let Value::Recur(rule) = prop.value() {
                let parts = rule
                    .parts
                    .iter()
                    .rev()
                    // ASCII only: RFC 5545 §3.1 case-insensitivity is about
                    // ASCII names; a non-ASCII letter's case is data.
                    .map(|(k, v)| (k.to_ascii_lowercase(), v.to_ascii_lowercase()))
                    .collect();
                prop.set_value(Value::Recur(Recur { parts }));
            }
            let reversed: Vec<Param> = prop.params().iter().rev().cloned().collect();
            *prop.params_mut() = Params::new(reversed);
        }
        c.children.iter_mut().for_each(visit);
    }
    visit(&mut record.root);
    record
}

/// An order-free form: properties sorted by field id, children by their JSON
/// without raw bytes (which equality ignores, so the order must too).
pub fn canonical(record: &Record) -> Component {
    fn sort(c: &Component) -> Component {
        let mut c = c.clone();
        c.props.sort_by_key(|p| p.id());
        let mut children: Vec<(String, Component)> = c
            .children
            .iter()
            .map(sort)
            .map(|k| (serde_json::to_string(&k).unwrap(), k))
            .collect();
        children.sort_by(|a, b| a.0.cmp(&b.0));
        c.children = children.into_iter().map(|(_, k)| k).collect();
        c
    }
    let mut record = record.clone();
    record.clear_raw();
    sort(&record.root)
}

/// An order- and id-free form: what a record says, not how it is numbered.
pub fn content(record: &Record) -> String {
    fn sorted(c: &Component) -> serde_json::Value {
        let mut props: Vec<String> = c
            .props
            .iter()
            .map(|p| serde_json::to_string(&p.clone().with_id(Default::default())).unwrap())
            .collect();
        props.sort();
        let mut children: Vec<String> = c.children.iter().map(|k| sorted(k).to_string()).collect();
        children.sort();
        serde_json::json!({ "name": c.name().as_str(), "props": props, "children": children })
    }
    let mut record = record.clone();
    record.clear_raw();
    sorted(&record.root).to_string()
}
