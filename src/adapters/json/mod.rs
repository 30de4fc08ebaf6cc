//! JSON: the universal format itself, and JSContact (RFC 9553) / JSCalendar (RFC 8984) views.
// PLACEHOLDER: replaced by the JSON adapter.
