//! `chafang backup`, `restore` and `copy` timed: on a year of a demo-sized district (the
//! demo's units and sixteen monitors, `CHAFANG_BENCH_YEAR_VISITS` visits over this year,
//! default 1 000, and `CHAFANG_BENCH_YEAR_PHOTOS` phone-sized photos, default 2 000, each
//! stored as its original, display copy and thumbnail) and on the scale benchmark's
//! 1 000 000-visit SQLite database (seeded by `scale.rs`'s own `fill`; `CHAFANG_BENCH_SQLITE_DIR`
//! reuses one the scale benchmark kept, `CHAFANG_BENCH_VISITS` sets the count). Each district is
//! backed up (time, size), restored into an empty data directory, and, when
//! `CHAFANG_BENCH_PG_URL` names a cluster, restored into and copied to an empty PostgreSQL
//! database (with the blobs into a separate directory). Restore and copy times include their
//! verification (the chain, every record's content, row counts, every blob read back).
//! `CHAFANG_BENCH_ONLY=year` skips the 1 000 000. Prints figures; asserts nothing about time.

#[path = "scale.rs"]
#[allow(dead_code)]
mod scale;

use chafang_server::backup::{self, BackupArgs, CopyArgs, RestoreArgs};
use chafang_server::{photos, Db};
use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage};
use object_store::{ObjectStore, PutPayload};
use sqlx::{AnyConnection, Connection, Row};
use std::path::Path;
use std::time::Instant;

fn size_of(path: &Path) -> u64 {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return 0;
    };
    if meta.is_dir() {
        std::fs::read_dir(path)
            .unwrap()
            .flatten()
            .map(|e| size_of(&e.path()))
            .sum()
    } else {
        meta.len()
    }
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1_048_576.0
}

/// A phone-like photo (1600×1200, JPEG quality 80), as the ingest benchmark makes them.
fn base_photo(seed: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(1600, 1200, |x, y| {
        let grain =
            (x.wrapping_mul(7919) ^ y.wrapping_mul(104_729) ^ seed.wrapping_mul(2_654_435_761)) % 5;
        let blocks = ((x / 40) ^ (y / 40)) % 24;
        Rgb([
            (x / 7 + grain + blocks) as u8,
            (y / 5 + grain) as u8,
            ((x + y) / 11 + seed + blocks) as u8,
        ])
    });
    let mut out = Vec::new();
    img.write_with_encoder(JpegEncoder::new_with_quality(&mut out, 80))
        .unwrap();
    out
}

/// Stores `n` photos (original, display copy, thumbnail) and their rows, as intake would.
async fn add_photos(db: &Db, data_dir: &Path, n: usize) {
    let store = chafang_server::blobs::local(data_dir).unwrap();
    let bases: Vec<(Vec<u8>, photos::Processed)> = (0..3)
        .map(|s| {
            let b = base_photo(s);
            let p = photos::process(&b).unwrap();
            (b, p)
        })
        .collect();
    let monitor: String = sqlx::query("SELECT id FROM users WHERE role = 'monitor' LIMIT 1")
        .fetch_one(&db.pool)
        .await
        .unwrap()
        .get(0);
    let t = Instant::now();
    for i in 0..n {
        let (base, p) = &bases[i % bases.len()];
        // Unique bytes: a JPEG comment after the start-of-image marker.
        let tag = format!("photo {i}");
        let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xFE];
        bytes.extend_from_slice(&((tag.len() + 2) as u16).to_be_bytes());
        bytes.extend_from_slice(tag.as_bytes());
        bytes.extend_from_slice(&base[2..]);
        let sha = chafang_domain::visit::sha256_hex(&bytes);
        let len = bytes.len() as i64;
        for (key, body) in [
            (photos::original_key(&sha), bytes),
            (photos::display_key(&sha), p.display_jpeg.clone()),
            (photos::thumb_key(&sha), p.thumb_jpeg.clone()),
        ] {
            store.put(&key, PutPayload::from(body)).await.unwrap();
        }
        sqlx::query(
            "INSERT INTO photos (sha256, received_at, uploaded_by, bytes, format, width, height) \
             VALUES ($1, $2, $3, $4, 'jpeg', $5, $6)",
        )
        .bind(&sha)
        .bind(chafang_server::clock::now_ms())
        .bind(&monitor)
        .bind(len)
        .bind(i64::from(p.width))
        .bind(i64::from(p.height))
        .execute(&db.pool)
        .await
        .unwrap();
    }
    println!("  {n} photos stored in {:.1} s", t.elapsed().as_secs_f64());
}

async fn empty_pg(admin: &str) -> (String, String) {
    let name = format!("bench_{}", uuid::Uuid::new_v4().simple());
    let mut conn = AnyConnection::connect(admin).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .unwrap();
    let mut url = url::Url::parse(admin).unwrap();
    url.set_path(&format!("/{name}"));
    (name, url.to_string())
}

async fn drop_pg(admin: &str, name: &str) {
    let mut conn = AnyConnection::connect(admin).await.unwrap();
    sqlx::query(&format!("DROP DATABASE {name}"))
        .execute(&mut conn)
        .await
        .ok();
}

/// Backup, restore and copy of the SQLite district in `data_dir`.
async fn measure(label: &str, data_dir: &Path, pg: Option<&str>) {
    let scratch = tempfile::tempdir_in(data_dir.parent().unwrap_or(Path::new("."))).unwrap();
    let blobs = chafang_server::blobs::local(data_dir).unwrap();
    let dest = scratch.path().join("backup");
    let t = Instant::now();
    let m = backup::backup(data_dir, None, &blobs, &BackupArgs { dest: dest.clone() })
        .await
        .unwrap();
    let took = t.elapsed().as_secs_f64();
    println!(
        "{label}: backup {took:.1} s, {:.1} MB ({:.1} MB database of {} rows, {} blobs of {:.1} MB; \
         the source's database file is {:.1} MB)",
        mb(size_of(&dest)),
        mb(size_of(&dest.join("chafang.sqlite"))),
        m.tables.values().sum::<u64>(),
        m.blobs.count,
        mb(m.blobs.bytes),
        mb(size_of(&data_dir.join("chafang.sqlite")) + size_of(&data_dir.join("chafang.sqlite-wal"))),
    );
    let target = scratch.path().join("restored");
    let t = Instant::now();
    backup::restore(
        &target,
        None,
        &Default::default(),
        &RestoreArgs {
            src: dest.clone(),
            to_blobs: None,
        },
    )
    .await
    .unwrap();
    println!(
        "{label}: restore into an empty data directory, verified: {:.1} s",
        t.elapsed().as_secs_f64()
    );
    std::fs::remove_dir_all(&target).ok();
    if let Some(admin) = pg {
        let (name, url) = empty_pg(admin).await;
        let target = scratch.path().join("restored-pg");
        let t = Instant::now();
        backup::restore(
            &target,
            Some(&url),
            &Default::default(),
            &RestoreArgs {
                src: dest.clone(),
                to_blobs: None,
            },
        )
        .await
        .unwrap();
        println!(
            "{label}: restore into an empty PostgreSQL database, verified: {:.1} s",
            t.elapsed().as_secs_f64()
        );
        drop_pg(admin, &name).await;
        std::fs::remove_dir_all(&target).ok();

        let (name, url) = empty_pg(admin).await;
        let to_blobs = scratch.path().join("copied-blobs");
        let t = Instant::now();
        backup::copy(
            data_dir,
            None,
            &blobs,
            &Default::default(),
            &CopyArgs {
                to: url,
                to_blobs: Some(to_blobs.display().to_string()),
            },
        )
        .await
        .unwrap();
        println!(
            "{label}: copy to an empty PostgreSQL database and a blob directory, verified: {:.1} s",
            t.elapsed().as_secs_f64()
        );
        drop_pg(admin, &name).await;
    } else {
        println!("{label}: PostgreSQL skipped (set CHAFANG_BENCH_PG_URL)");
    }
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    sqlx::any::install_default_drivers();
    let pg = std::env::var("CHAFANG_BENCH_PG_URL").ok();

    // A year of a demo-sized district, with its photos.
    let year = tempfile::tempdir().unwrap();
    let dir = year.path().join("data");
    let db = Db::connect(&chafang_server::db::sqlite_url({
        std::fs::create_dir_all(&dir).unwrap();
        &dir
    }))
    .await
    .unwrap();
    let visits = env_usize("CHAFANG_BENCH_YEAR_VISITS", 1000);
    let photos_n = env_usize("CHAFANG_BENCH_YEAR_PHOTOS", 2000);
    scale::fill(&db, "a year", visits).await;
    add_photos(&db, &dir, photos_n).await;
    db.pool.close().await;
    measure(
        &format!("a year ({visits} visits, {photos_n} photos)"),
        &dir,
        pg.as_deref(),
    )
    .await;
    drop(year);

    if std::env::var("CHAFANG_BENCH_ONLY").as_deref() == Ok("year") {
        return;
    }
    // The scale benchmark's database.
    let n = env_usize("CHAFANG_BENCH_VISITS", 1_000_000);
    let temp = tempfile::tempdir().unwrap();
    let kept = std::env::var_os("CHAFANG_BENCH_SQLITE_DIR").map(std::path::PathBuf::from);
    let dir = match &kept {
        Some(kept) if kept.join("bench-filled").exists() => kept.clone(),
        _ => {
            // Seeded here, and kept (as the scale benchmark keeps it) when a directory is named.
            let dir = kept.clone().unwrap_or_else(|| temp.path().join("data"));
            for file in [
                "chafang.sqlite",
                "chafang.sqlite-wal",
                "chafang.sqlite-shm",
                "audit-checkpoints.txt",
            ] {
                std::fs::remove_file(dir.join(file)).ok();
            }
            std::fs::create_dir_all(&dir).unwrap();
            let db = Db::connect(&chafang_server::db::sqlite_url(&dir))
                .await
                .unwrap();
            scale::fill(&db, "1M", n).await;
            db.pool.close().await;
            std::fs::write(dir.join("bench-filled"), n.to_string()).unwrap();
            dir
        }
    };
    let filled = std::fs::read_to_string(dir.join("bench-filled")).unwrap_or(n.to_string());
    measure(&format!("{filled} visits"), &dir, pg.as_deref()).await;
}
