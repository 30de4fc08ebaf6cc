//! Unit tests of the vCard adapter, one per normalization rule.
