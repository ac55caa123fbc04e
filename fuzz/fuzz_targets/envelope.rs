//! Bus envelopes of every kind: any bytes give a message or a typed error, and an accepted
//! message reads back from its own bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;
use soi_model::{Envelope, Kind, Listing, Scored, Seller, Verdict};

fn check<T>(data: &[u8], kind: Kind)
where
    T: serde::Serialize + serde::de::DeserializeOwned,
{
    if let Ok(e) = Envelope::<T>::from_bytes(data, kind) {
        Envelope::<T>::from_bytes(&e.to_bytes(), kind).expect("an envelope reads back its bytes");
    }
}

fuzz_target!(|data: &[u8]| {
    check::<Listing>(data, Kind::Listing);
    check::<Seller>(data, Kind::Seller);
    check::<Verdict>(data, Kind::Verdict);
    check::<Scored>(data, Kind::Scored);
});
