//! Vietnamese-aware text preparation and entity extraction for `soi`.
//!
//! Why a crate of its own: the scorer's signals, its classifier features and the analyst tools all
//! need the same answer to "what does this listing say": the same folding of "Hàng CHÍNH HÃNG" and
//! "hang chinh hang", the same reading of "z@lo 0 9 1 2..." as a Zalo lure with a phone number, the
//! same "1tr5" as 1,500,000 VND. Keeping it here, free of I/O and models, makes it cheap to test
//! against every disguise sellers invent.
//!
//! - [`fold`] / [`Folded`]: lower case, diacritics removed, full-width and zero-width tricks undone,
//!   with a map back to the original characters so every match has a character span.
//! - [`extract`]: phones, Zalo / Telegram / WhatsApp / Facebook handles and links, bank accounts near
//!   bank names, e-wallets and VietQR, URLs and domains (punycode and look-alikes folded), prices.
//! - [`teencode`] and [`emoji`]: shorthand expansion and emoji detection for the classifier.

mod bank;
mod contact;
pub mod emoji;
mod entity;
mod fold;
mod price;
pub mod teencode;
mod url;

pub use entity::{extract, Entity, EntityKind};
pub use fold::{fold, fold_char_into, nfc, Folded};
pub use url::{host_of, registrable, skeleton};
