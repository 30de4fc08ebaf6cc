//! Sync benchmarks (placeholder until the API lands).
fn main() {}
