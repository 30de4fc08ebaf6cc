//! Newtypes for the identifiers that cross layers, so that a collection id
//! is never passed where an object name is expected.

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! string_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                $name(text.to_owned())
            }
        }
    };
}

macro_rules! int_id {
    ($(#[$meta:meta])* $name:ident($int:ty)) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub $int);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

string_id!(
    /// A collection (address book, calendar or plain), unique per store: `owner/HOME/name`
    /// with HOME `addressbooks` or `calendars`.
    CollectionId
);
string_id!(
    /// The last segment of an object's href inside its collection (`abc.vcf`).
    ObjectName
);
string_id!(
    /// An object's UID property.
    Uid
);
string_id!(
    /// A registered device.
    DeviceId
);
string_id!(
    /// A change transaction's id, chosen by its origin; pushes are idempotent by it.
    TxId
);
string_id!(
    /// An entity tag, without quotes.
    ETag
);
int_id!(
    /// A position in the change log: monotonic per store. Sync tokens, CTags
    /// and device cursors are sequence numbers.
    Seq(i64)
);
int_id!(
    /// An object's version: 1 on create, +1 on every accepted change.
    Version(u64)
);
int_id!(
    /// Milliseconds since the Unix epoch, UTC.
    Timestamp(i64)
);
