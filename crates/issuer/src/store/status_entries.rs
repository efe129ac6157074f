//! The status entries of one credential, for its IETF Token Status List reference
//! (draft-ietf-oauth-status-list §6.1, issue #16): which lists of its university hold it, at which
//! index, for which purpose (the same rows the Bitstring Status List credentials are built from).

use sqlx::Row;

use super::{Store, StoreError};
use crate::domain::StatusPurpose;

/// One status entry of a credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialStatusEntry {
    /// The list's id.
    pub list_id: String,
    /// The list's university.
    pub university: String,
    /// The list's purpose.
    pub purpose: StatusPurpose,
    /// The credential's index on the list.
    pub index: u32,
}

impl Store {
    /// Every status entry of `credential_id` (none for an unknown credential).
    pub async fn credential_status_entries(
        &self,
        credential_id: &str,
    ) -> Result<Vec<CredentialStatusEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT e.list_id AS list_id, e.idx AS idx, l.university AS university, l.purpose AS purpose
             FROM status_entries e JOIN status_lists l ON l.id = e.list_id
             WHERE e.credential_id = $1 ORDER BY l.purpose",
        )
        .bind(credential_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let purpose: String = r.try_get("purpose")?;
                let idx: i64 = r.try_get("idx")?;
                Ok(CredentialStatusEntry {
                    list_id: r.try_get("list_id")?,
                    university: r.try_get("university")?,
                    purpose: StatusPurpose::parse(&purpose)
                        .ok_or_else(|| StoreError::Corrupt(format!("status purpose {purpose}")))?,
                    index: u32::try_from(idx)
                        .map_err(|_| StoreError::Corrupt(format!("index {idx}")))?,
                })
            })
            .collect()
    }
}
