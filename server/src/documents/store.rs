//! The rows of issued documents, their numbers, and the issue itself: number, bytes in the blob
//! store, row and audit event, all in the caller's write transaction.

use crate::audit;
use crate::db::WriteTx;
use crate::error::{internal, ApiError};
use crate::findings::store::{day_text, parse_day};
use crate::findings::views::UnitNames;
use chafang_domain::api::{paths, DocumentKind, DocumentView};
use chafang_domain::event::DocumentIssued;
use chafang_domain::{CaseId, UnitId, UserId};
use object_store::path::Path as BlobPath;
use object_store::PutPayload;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};
use time::Date;
use uuid::Uuid;

const COLUMNS: &str = "id, year, seq, number, kind, title, case_id, unit_id, deadline, issued_on, \
    sha256, bytes, blob_key";

/// The next number of `year`: the sequence row is created at 0 if missing, then bumped. The
/// bump locks the row (PostgreSQL) or runs under the one writer (SQLite), so two issues at once
/// get consecutive numbers, and a rolled-back issue gives its number back.
pub async fn next_seq(conn: &mut AnyConnection, year: i32) -> Result<i64, ApiError> {
    sqlx::query(
        "INSERT INTO document_sequences (year, last_seq) VALUES ($1, 0) ON CONFLICT (year) DO NOTHING",
    )
    .bind(i64::from(year))
    .execute(&mut *conn)
    .await?;
    let row = sqlx::query(
        "UPDATE document_sequences SET last_seq = last_seq + 1 WHERE year = $1 RETURNING last_seq",
    )
    .bind(i64::from(year))
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get("last_seq")?)
}

/// An issued document as stored.
pub struct Stored {
    pub view: DocumentView,
    pub blob_key: String,
}

/// Where a document's bytes are kept.
pub fn blob_key(id: Uuid) -> String {
    format!("documents/{id}.pdf")
}

/// What an issue records.
pub struct NewDocument {
    pub kind: DocumentKind,
    pub year: i32,
    pub seq: i64,
    pub number: String,
    pub title: String,
    pub case: Option<CaseId>,
    pub unit: Option<UnitId>,
    pub deadline: Option<Date>,
    pub issued_on: Date,
    pub issued_by: UserId,
    /// The checkpoint printed on the document (a scheduled one; see the module `documents`).
    pub anchor: audit::Head,
}

/// Stores the PDF's bytes (durably, see `blobs`) and reads them back against their SHA-256,
/// then the row and its audit event (with that SHA-256) in the transaction: a document is
/// issued only once its bytes are held. Bytes stored for a transaction that then fails are
/// unreferenced and harmless.
pub async fn insert(
    conn: &mut WriteTx,
    blobs: &crate::blobs::Blobs,
    doc: NewDocument,
    pdf: Vec<u8>,
) -> Result<Uuid, ApiError> {
    let id = Uuid::new_v4();
    let sha256 = hex::encode(Sha256::digest(&pdf));
    let bytes = i64::try_from(pdf.len()).map_err(internal)?;
    let key = blob_key(id);
    let path = BlobPath::from(key.clone());
    blobs
        .put(&path, PutPayload::from(pdf))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    if !crate::blobs::holds(blobs, &path, &sha256).await? {
        return Err(ApiError::Internal(anyhow::anyhow!(
            "document {id}: the blob store does not give back the bytes just stored"
        )));
    }
    sqlx::query(
        "INSERT INTO documents (id, year, seq, number, kind, title, case_id, unit_id, deadline, \
         issued_on, issued_at, issued_by, sha256, bytes, blob_key) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(id.to_string())
    .bind(i64::from(doc.year))
    .bind(doc.seq)
    .bind(&doc.number)
    .bind(doc.kind.as_str())
    .bind(&doc.title)
    .bind(doc.case.map(|c| c.to_string()))
    .bind(doc.unit.map(|u| u.to_string()))
    .bind(doc.deadline.map(day_text))
    .bind(day_text(doc.issued_on))
    .bind(crate::clock::now_ms())
    .bind(doc.issued_by.to_string())
    .bind(&sha256)
    .bind(bytes)
    .bind(&key)
    .execute(&mut *conn)
    .await?;
    audit::record(
        conn,
        Some(doc.issued_by),
        id,
        DocumentIssued {
            number: doc.number.clone(),
            kind: doc.kind.as_str().to_owned(),
            title: doc.title.clone(),
            case: doc.case.map(|c| c.to_string()),
            unit: doc.unit.map(|u| u.to_string()),
            deadline: doc.deadline.map(day_text),
            sha256: sha256.clone(),
            bytes,
            checkpoint: doc.anchor.to_string(),
        },
    )
    .await?;
    Ok(id)
}

/// An issued document's bytes as issued: checked against the SHA-256 its row and its
/// `document.issued` event carry. Bytes lost or changed in the store are never served as the
/// document; the failure is logged (the document can be restored from a backup of the blobs).
pub async fn read_verified(
    blobs: &crate::blobs::Blobs,
    doc: &Stored,
) -> Result<bytes::Bytes, ApiError> {
    let got = blobs
        .get(&BlobPath::from(doc.blob_key.clone()))
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("document {}: {e}", doc.view.id)))?
        .bytes()
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    if hex::encode(Sha256::digest(&got)) != doc.view.sha256 {
        return Err(ApiError::Internal(anyhow::anyhow!(
            "document {}: the stored bytes do not match the SHA-256 it was issued with",
            doc.view.id
        )));
    }
    Ok(got)
}

fn from_row(r: &sqlx::any::AnyRow, names: &UnitNames, base: &str) -> Result<Stored, ApiError> {
    let id: Uuid = r.try_get::<String, _>("id")?.parse().map_err(internal)?;
    let kind: String = r.try_get("kind")?;
    let unit = r
        .try_get::<Option<String>, _>("unit_id")?
        .map(|u| u.parse::<UnitId>().map_err(internal))
        .transpose()?;
    Ok(Stored {
        view: DocumentView {
            id,
            number: r.try_get("number")?,
            year: i32::try_from(r.try_get::<i64, _>("year")?).map_err(internal)?,
            seq: r.try_get("seq")?,
            kind: DocumentKind::parse(&kind).ok_or_else(|| internal(format!("kind {kind}")))?,
            title: r.try_get("title")?,
            case: r
                .try_get::<Option<String>, _>("case_id")?
                .map(|c| c.parse::<CaseId>().map_err(internal))
                .transpose()?,
            unit: unit.map(|u| names.unit_ref(u)),
            deadline: r
                .try_get::<Option<String>, _>("deadline")?
                .as_deref()
                .map(parse_day)
                .transpose()?,
            issued_on: parse_day(&r.try_get::<String, _>("issued_on")?)?,
            sha256: r.try_get("sha256")?,
            bytes: r.try_get("bytes")?,
            download: paths::document_pdf(base, id),
        },
        blob_key: r.try_get("blob_key")?,
    })
}

/// Every issued document, newest first (by number within a year).
pub async fn list(
    conn: &mut AnyConnection,
    names: &UnitNames,
    base: &str,
) -> Result<Vec<Stored>, ApiError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM documents ORDER BY year DESC, seq DESC"
    ))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(|r| from_row(r, names, base)).collect()
}

/// One issued document.
pub async fn find(
    conn: &mut AnyConnection,
    id: &str,
    names: &UnitNames,
    base: &str,
) -> Result<Option<Stored>, ApiError> {
    let Ok(id) = id.parse::<Uuid>() else {
        return Ok(None);
    };
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM documents WHERE id = $1"))
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(|r| from_row(r, names, base)).transpose()
}
