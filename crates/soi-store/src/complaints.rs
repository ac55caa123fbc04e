//! Where hotline complaints live, and which sellers each one names.
//!
//! Why a seam of its own: complaints come from the hotline, not the marketplaces, and are imported
//! by an analyst in batches; the pipeline's stages never write them. A complaint is kept whole
//! (the consumer's words are evidence), keyed by the hotline's id: importing the same export again
//! changes nothing, a corrected record replaces its earlier version. Each [`ComplaintLink`] says
//! which seller the complaint names and by what (the phone, the account, the shop name), with the
//! complaint's own words quoted.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use soi_model::Complaint;

use crate::links::SellerRef;
use crate::StoreError;

/// A complaint naming a seller: the identifier they share and where the complaint says it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ComplaintLink {
    pub complaint_id: String,
    pub seller: SellerRef,
    /// `phone`, `zalo`, `bank_account`, ... (`soi_link::LinkKind::as_str`).
    pub kind: String,
    pub value: String,
    /// The complaint's field (`text`, `phone`, `shop_name`, `url`) and character offsets.
    pub field: String,
    pub start: usize,
    pub end: usize,
    pub quote: String,
}

/// A complaint as it is shown beside a seller: the link and the complaint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SellerComplaint {
    pub link: ComplaintLink,
    pub complaint: Complaint,
}

/// What one import changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ComplaintsPut {
    /// Complaints stored for the first time, or replaced because their content changed.
    pub complaints: usize,
    /// Complaint-to-seller links stored for the first time.
    pub links: usize,
}

/// Complaints and their links, on either store.
#[async_trait]
pub trait ComplaintStore: Send + Sync {
    /// Stores complaints (a complaint already stored with the same content is left as it is) and
    /// their links (a link already stored is kept).
    async fn put_complaints(
        &self,
        complaints: &[Complaint],
        links: &[ComplaintLink],
    ) -> Result<ComplaintsPut, StoreError>;
    /// The complaints naming any of these sellers, newest first, with their links.
    async fn complaints_of(
        &self,
        sellers: &[SellerRef],
    ) -> Result<Vec<SellerComplaint>, StoreError>;
    /// For every seller some complaint names, how many distinct complaints name it.
    async fn complaint_counts(&self) -> Result<Vec<(SellerRef, usize)>, StoreError>;
}
