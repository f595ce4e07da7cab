//! The S3-compatible blob store against a real S3 server (s3s-fs on 127.0.0.1, see
//! `common/s3.rs`): what several server processes rely on (a put through one handle is there for
//! another on the same bucket), the prefix kept to, credentials that are missing or wrong
//! refused in the operator's terms without the secret ever printed, and `chafang serve` itself
//! storing a photo in the bucket when `CHAFANG_BLOBS` names one.

mod common;

use chafang_domain::api::UnitView;
use chafang_domain::visit::sha256_hex;
use chafang_domain::DeviceId;
use chafang_server::blobs::{self, holds, Blobs, S3Settings, Secret};
use common::fixtures::{jpeg, visit};
use common::s3::{S3Server, BUCKET, SECRET_KEY};
use object_store::path::Path as BlobPath;
use object_store::PutPayload;
use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

async fn put(blobs: &Blobs, key: &str, bytes: &[u8]) {
    blobs
        .put(&BlobPath::from(key), PutPayload::from(bytes.to_vec()))
        .await
        .unwrap_or_else(|e| panic!("putting {key}: {e}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_put_is_there_for_every_handle_on_the_bucket_under_its_prefix_only() {
    let s3 = S3Server::start();
    let one = s3.open("district-7");
    let other = s3.open("district-7");
    blobs::check(&one).await.expect("the store answers");
    let bytes = jpeg(64, 48, 3);
    let sha = sha256_hex(&bytes);
    let key = format!("photos/original/{sha}");
    put(&one, &key, &bytes).await;

    // Another handle (as another server process would open it) holds the same bytes at once.
    assert!(holds(&other, &BlobPath::from(key.as_str()), &sha)
        .await
        .unwrap());
    // Stored in the bucket under the prefix: the S3 server's own file says so.
    let file = s3.object_file(&format!("district-7/{key}"));
    assert_eq!(
        std::fs::read(&file).map(|b| sha256_hex(&b)).ok(),
        Some(sha.clone()),
        "{}",
        file.display()
    );
    assert!(!s3.object_file(&key).exists(), "not outside the prefix");
    // Another prefix is another district's store; the bucket without one sees the prefix.
    let elsewhere = s3.open("district-8");
    assert!(!holds(&elsewhere, &BlobPath::from(key.as_str()), &sha)
        .await
        .unwrap());
    let whole = blobs::open_url(&format!("s3://{BUCKET}"), &s3.settings()).unwrap();
    assert!(holds(
        &whole,
        &BlobPath::from(format!("district-7/{key}").as_str()),
        &sha
    )
    .await
    .unwrap());

    // A removal through one handle is seen through the other.
    other.delete(&BlobPath::from(key.as_str())).await.unwrap();
    assert!(!holds(&one, &BlobPath::from(key.as_str()), &sha)
        .await
        .unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_or_wrong_credentials_are_refused_in_plain_words_without_the_secret() {
    let s3 = S3Server::start();
    let url = s3.url("district");

    // Missing: refused when the store is opened, naming the settings.
    let mut settings = s3.settings();
    settings.s3_secret_access_key = None;
    let err = blobs::open_url(&url, &settings).expect_err("refused");
    let err = format!("{err:#}");
    assert!(err.contains("CHAFANG_S3_SECRET_ACCESS_KEY"), "{err}");
    let err = blobs::open_url(&url, &S3Settings::default()).expect_err("refused");
    assert!(format!("{err:#}").contains("CHAFANG_S3_ACCESS_KEY_ID"));

    // Wrong: refused at the first request; the check at start says it is the credentials.
    let wrong = "wrong-secret-5d1e88a0";
    let mut settings = s3.settings();
    settings.s3_secret_access_key = Some(Secret::new(wrong));
    assert!(!format!("{settings:?}").contains(wrong), "Debug hides it");
    let store = blobs::open_url(&url, &settings).expect("nothing is sent at open");
    let err = format!("{:#}", blobs::check(&store).await.expect_err("refused"));
    assert!(err.contains("refused the credentials"), "{err}");
    let put = store
        .put(
            &BlobPath::from("photos/original/x"),
            PutPayload::from_static(b"x"),
        )
        .await
        .expect_err("a put with a wrong secret fails");
    for said in [err, format!("{put}"), format!("{put:?}")] {
        assert!(
            !said.contains(wrong) && !said.contains(SECRET_KEY),
            "{said}"
        );
    }

    // A bucket that is not there, and an endpoint nobody answers on: said so, not hidden.
    let store = blobs::open_url("s3://no-such-bucket/x", &s3.settings()).unwrap();
    let err = format!("{:#}", blobs::check(&store).await.expect_err("refused"));
    assert!(err.contains("did not answer as expected"), "{err}");
}

/// `chafang` with `CHAFANG_BLOBS` and the S3 settings in its environment, as an operator sets
/// them.
fn chafang(s3: &S3Server, data_dir: &std::path::Path, secret: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_chafang"));
    cmd.arg("--data-dir")
        .arg(data_dir)
        .env_remove("DATABASE_URL")
        .env_remove("CHAFANG_LISTEN")
        .env("CHAFANG_BLOBS", s3.url("city/district-3"))
        .env("CHAFANG_S3_ENDPOINT", &s3.endpoint)
        .env("CHAFANG_S3_REGION", "us-east-1")
        .env("CHAFANG_S3_ACCESS_KEY_ID", common::s3::ACCESS_KEY)
        .env("CHAFANG_S3_SECRET_ACCESS_KEY", secret);
    cmd
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_keeps_photos_in_the_bucket_chafang_blobs_names() {
    let s3 = S3Server::start();
    let dir = tempfile::tempdir().unwrap();

    // The secret is never shown by --help, whatever the environment holds.
    let help = chafang(&s3, dir.path(), SECRET_KEY)
        .args(["serve", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("CHAFANG_S3_SECRET_ACCESS_KEY"), "{help}");
    assert!(!help.contains(SECRET_KEY), "{help}");

    // A wrong secret stops the server at start, saying why, and never printing it.
    let wrong = "wrong-secret-a93c0f17";
    let out = chafang(&s3, dir.path(), wrong)
        // Were the store not checked at start, this server would stop at once (stdin is
        // closed), with success.
        .args(["serve", "--listen", "127.0.0.1:0", "--stop-on-stdin-eof"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.status.success(), "{said}");
    assert!(said.contains("refused the credentials"), "{said}");
    assert!(
        !said.contains(wrong) && !said.contains(SECRET_KEY),
        "{said}"
    );

    // The right one: a monitor's photo lands in the bucket, under the prefix.
    let mut child = chafang(&s3, dir.path(), SECRET_KEY)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--demo",
            "--stop-on-stdin-eof",
            "--pwa-dir",
        ])
        .arg(dir.path().join("no-pwa"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let logs = std::thread::spawn(move || {
        let mut all = String::new();
        stderr.read_to_string(&mut all).ok();
        all
    });
    let base = tokio::task::spawn_blocking(move || {
        let mut lines = BufReader::new(stdout).lines();
        for line in lines.by_ref() {
            let line = line.unwrap();
            if let Some(at) = line.find("listening on ") {
                let base = line[at + "listening on ".len()..].trim().to_owned();
                std::thread::spawn(move || for _ in lines {});
                return Some(base);
            }
        }
        None
    })
    .await
    .unwrap();
    let Some(base) = base else {
        drop(child.stdin.take());
        child.wait().unwrap();
        panic!(
            "the server ended before listening:\n{}",
            logs.join().unwrap()
        );
    };
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let login = |name: &'static str| {
        client
            .post(format!("{base}/api/v1/auth/login"))
            .json(
                &serde_json::json!({"username": name, "password": chafang_server::demo::PASSWORD}),
            )
            .send()
    };
    assert_eq!(login("office").await.unwrap().status(), 200);
    let units: Vec<UnitView> = client
        .get(format!("{base}/api/v1/units"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let unit = units.into_iter().find(|u| u.name == "区建设局").unwrap();
    assert_eq!(login("monitor01").await.unwrap().status(), 200);
    let photo = jpeg(640, 480, 11);
    let sha = sha256_hex(&photo);
    let v = visit(&unit, DeviceId::new(), 1, &[&photo]);
    let res = client
        .post(format!("{base}/api/v1/visits"))
        .json(&v)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let res = client
        .put(format!("{base}/api/v1/photos/{sha}"))
        .header("content-type", "image/jpeg")
        .body(photo.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    // Acknowledged: the S3 server has the bytes, under the prefix; the data directory has no
    // blob directory at all.
    for key in [
        format!("photos/original/{sha}"),
        format!("photos/display/{sha}.jpg"),
        format!("photos/thumb/{sha}.jpg"),
    ] {
        let file = s3.object_file(&format!("city/district-3/{key}"));
        assert!(file.is_file(), "{}", file.display());
    }
    let original =
        std::fs::read(s3.object_file(&format!("city/district-3/photos/original/{sha}"))).unwrap();
    assert_eq!(sha256_hex(&original), sha);
    assert!(!dir.path().join("blobs").exists());

    drop(child.stdin.take());
    let status = child.wait().unwrap();
    let logs = logs.join().unwrap();
    assert!(status.success(), "{logs}");
    assert!(!logs.contains(SECRET_KEY), "{logs}");
}
