//! Which blob store to open: the settings (`--blobs`/`CHAFANG_BLOBS` and the `--s3-*` flags)
//! and [`open`]/[`open_url`], which turn them into a [`Blobs`].
//!
//! - No `CHAFANG_BLOBS` (the default): the directory `blobs` in the data directory.
//! - `file:///absolute/path`: that local directory.
//! - `s3://bucket` or `s3://bucket/prefix`: an S3-compatible store (Aliyun OSS, Huawei OBS,
//!   Tencent COS, MinIO, Ceph RGW, AWS, …) at `CHAFANG_S3_ENDPOINT`, every key under the prefix.
//!
//! A put to S3 returns once the store answered the `PUT` with a success (object_store's
//! `AmazonS3` waits for that answer; a failure or a timeout is an error, never an
//! acknowledgement), so the durability rule (acknowledged only after the store confirmed) holds
//! for both kinds of store.
//!
//! Chafang needs no conditional put: photos are keyed by their SHA-256 and documents by a
//! fresh id, so a repeated put writes the same bytes again. The secret key is kept in a
//! [`Secret`], which prints as `[hidden]`; S3 requests carry only signatures made with it, so
//! no error from the store contains it either.

use super::Blobs;
use anyhow::{bail, Context};
use object_store::aws::AmazonS3Builder;
use object_store::path::Path as BlobPath;
use object_store::prefix::PrefixStore;
use object_store::{ObjectStore, RetryConfig};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// The blob store's settings, for `#[command(flatten)]` into a command line. Every flag also
/// reads an environment variable (`.env.sample` lists them).
#[derive(clap::Args, Clone, Debug, Default)]
pub struct BlobSettings {
    /// Where photos and issued documents are stored: `s3://BUCKET/PREFIX` for an S3-compatible
    /// object store (with the --s3-* settings), or `file:///ABSOLUTE/PATH` for a local
    /// directory. By default, the directory `blobs` in the data directory.
    #[arg(
        long = "blobs",
        env = "CHAFANG_BLOBS",
        value_name = "URL",
        global = true
    )]
    pub blobs: Option<String>,
    #[command(flatten)]
    pub s3: S3Settings,
}

/// How to reach an S3-compatible store (used only when the blob URL is `s3://…`).
#[derive(clap::Args, Clone, Debug, Default)]
pub struct S3Settings {
    /// The S3 service's address, e.g. https://s3.oss-cn-hangzhou.aliyuncs.com or
    /// http://minio.lan:9000 (plain HTTP only when written so). By default, AWS's endpoint for
    /// the region.
    #[arg(long, env = "CHAFANG_S3_ENDPOINT", value_name = "URL", global = true)]
    pub s3_endpoint: Option<String>,
    /// The region requests are signed for, e.g. cn-hangzhou. By default us-east-1, which
    /// MinIO, Ceph RGW and most self-hosted stores accept.
    #[arg(long, env = "CHAFANG_S3_REGION", global = true)]
    pub s3_region: Option<String>,
    /// The access key's id.
    #[arg(
        long,
        env = "CHAFANG_S3_ACCESS_KEY_ID",
        hide_env_values = true,
        global = true
    )]
    pub s3_access_key_id: Option<String>,
    /// The access key's secret (prefer the environment variable: a flag shows in `ps`).
    /// Never printed or logged.
    #[arg(
        long,
        env = "CHAFANG_S3_SECRET_ACCESS_KEY",
        hide_env_values = true,
        global = true
    )]
    pub s3_secret_access_key: Option<Secret>,
    /// How the bucket is named in requests: `path` (http://endpoint/bucket/key: MinIO, Ceph
    /// RGW) or `virtual-hosted` (http://bucket.endpoint/key: Aliyun OSS, Tencent COS, Huawei
    /// OBS, AWS).
    #[arg(
        long,
        env = "CHAFANG_S3_ADDRESSING",
        value_enum,
        default_value_t = Addressing::Path,
        global = true
    )]
    pub s3_addressing: Addressing,
}

/// Path-style or virtual-hosted-style requests.
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Addressing {
    /// `endpoint/bucket/key`.
    #[default]
    Path,
    /// `bucket.endpoint/key`.
    VirtualHosted,
}

/// A secret setting: its `Debug` never shows it.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(secret: impl Into<String>) -> Secret {
        Secret(secret.into())
    }

    /// The secret itself, for the one place that signs with it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[hidden]")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_owned()))
    }
}

/// Where blobs live, as parsed from a blob URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A local directory.
    Dir(PathBuf),
    /// An S3 bucket, with every key under `prefix` when there is one.
    S3 {
        bucket: String,
        prefix: Option<BlobPath>,
    },
}

impl Location {
    /// Parses `s3://bucket[/prefix]` or `file:///absolute/path`.
    pub fn parse(url: &str) -> anyhow::Result<Location> {
        const FORMS: &str = "s3://BUCKET or s3://BUCKET/PREFIX for an S3-compatible store, \
                             file:///ABSOLUTE/PATH for a local directory";
        let url = url.trim();
        if let Some(rest) = url.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                bail!("the blob store {url:?} names no bucket (expected {FORMS})");
            }
            if !bucket
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
            {
                bail!(
                    "the bucket name {bucket:?} in {url:?} is not a valid S3 bucket name \
                     (lower-case letters, digits, '-' and '.')"
                );
            }
            let prefix = prefix.trim_matches('/');
            let prefix = if prefix.is_empty() {
                None
            } else {
                Some(BlobPath::parse(prefix).map_err(|_| {
                    anyhow::anyhow!(
                        "the prefix {prefix:?} in {url:?} is not a valid key prefix (segments \
                         separated by single '/', no '.' or '..')"
                    )
                })?)
            };
            return Ok(Location::S3 {
                bucket: bucket.to_owned(),
                prefix,
            });
        }
        if let Some(path) = url.strip_prefix("file://") {
            if !path.starts_with('/') {
                bail!(
                    "the blob directory {url:?} is not absolute (expected file:///ABSOLUTE/PATH)"
                );
            }
            return Ok(Location::Dir(PathBuf::from(path)));
        }
        bail!("the blob store {url:?} is not a blob URL (expected {FORMS})")
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Dir(dir) => write!(f, "file://{}", dir.display()),
            Location::S3 {
                bucket,
                prefix: None,
            } => write!(f, "s3://{bucket}"),
            Location::S3 {
                bucket,
                prefix: Some(prefix),
            } => write!(f, "s3://{bucket}/{prefix}"),
        }
    }
}

/// The blob store the settings name: `CHAFANG_BLOBS` if set, else `<data_dir>/blobs`.
pub fn open(settings: &BlobSettings, data_dir: &Path) -> anyhow::Result<Blobs> {
    match settings.blobs.as_deref().map(str::trim) {
        Some(url) if !url.is_empty() => open_url(url, &settings.s3),
        _ => super::local(data_dir),
    }
}

/// The blob store at `url` (`s3://bucket[/prefix]` or `file:///absolute/path`), with `s3`
/// saying how to reach an S3 store. For commands that take a second store (e.g. a copy's
/// destination). Nothing is sent yet: [`check`] asks the store once.
pub fn open_url(url: &str, s3: &S3Settings) -> anyhow::Result<Blobs> {
    match Location::parse(url)? {
        Location::Dir(dir) => super::dir(&dir),
        Location::S3 { bucket, prefix } => {
            let store = s3_store(&bucket, s3)?;
            tracing::info!(
                "blob store: {} at {} ({:?} addressing)",
                Location::S3 {
                    bucket: bucket.clone(),
                    prefix: prefix.clone()
                },
                s3.s3_endpoint.as_deref().unwrap_or("AWS"),
                s3.s3_addressing,
            );
            Ok(match prefix {
                Some(prefix) => Arc::new(PrefixStore::new(store, prefix)),
                None => Arc::new(store),
            })
        }
    }
}

/// The address requests go to for `bucket`: the endpoint itself for path-style requests, the
/// endpoint with the bucket in front of its host for virtual-hosted ones. `None` when no
/// endpoint is set (object_store then uses AWS's).
fn bucket_endpoint(
    bucket: &str,
    endpoint: Option<&str>,
    addressing: Addressing,
) -> anyhow::Result<Option<(String, bool)>> {
    let Some(endpoint) = endpoint.map(str::trim).filter(|e| !e.is_empty()) else {
        return Ok(None);
    };
    let mut url = url::Url::parse(endpoint).map_err(|_| {
        anyhow::anyhow!(
            "the S3 endpoint {endpoint:?} is not a URL (e.g. https://s3.oss-cn-hangzhou.aliyuncs.com \
             or http://127.0.0.1:9000)"
        )
    })?;
    let http = match url.scheme() {
        "https" => false,
        "http" => true,
        other => bail!("the S3 endpoint {endpoint:?} is {other}://, not https:// or http://"),
    };
    let Some(host) = url.host_str().map(str::to_owned) else {
        bail!("the S3 endpoint {endpoint:?} names no host");
    };
    if url.query().is_some()
        || url.fragment().is_some()
        || !url.username().is_empty()
        || url.password().is_some()
    {
        bail!("the S3 endpoint {endpoint:?} should be only scheme://host[:port]");
    }
    if addressing == Addressing::VirtualHosted {
        url.set_host(Some(&format!("{bucket}.{host}")))
            .with_context(|| format!("putting the bucket {bucket:?} before {host}"))?;
    }
    Ok(Some((url.as_str().trim_end_matches('/').to_owned(), http)))
}

fn s3_store(bucket: &str, s3: &S3Settings) -> anyhow::Result<object_store::aws::AmazonS3> {
    let (Some(key_id), Some(secret)) = (
        s3.s3_access_key_id.as_deref().filter(|k| !k.is_empty()),
        s3.s3_secret_access_key
            .as_ref()
            .filter(|s| !s.expose().is_empty()),
    ) else {
        bail!(
            "the blob store is the S3 bucket {bucket:?}, but its credentials are missing: set \
             CHAFANG_S3_ACCESS_KEY_ID and CHAFANG_S3_SECRET_ACCESS_KEY (or --s3-access-key-id \
             and --s3-secret-access-key)"
        );
    };
    let mut builder = AmazonS3Builder::new()
        .with_bucket_name(bucket)
        .with_region(s3.s3_region.as_deref().unwrap_or("us-east-1"))
        .with_access_key_id(key_id)
        .with_secret_access_key(secret.expose())
        .with_virtual_hosted_style_request(s3.s3_addressing == Addressing::VirtualHosted)
        // A store that does not answer is retried a few times, not for object_store's
        // default three minutes: the phone keeps its photo and sends it again later.
        .with_retry(RetryConfig {
            max_retries: 3,
            retry_timeout: Duration::from_secs(30),
            ..Default::default()
        });
    if let Some((endpoint, http)) =
        bucket_endpoint(bucket, s3.s3_endpoint.as_deref(), s3.s3_addressing)?
    {
        builder = builder.with_endpoint(endpoint).with_allow_http(http);
    }
    // The builder's errors name settings, never the secret's value.
    builder
        .build()
        .map_err(|e| anyhow::anyhow!("configuring the S3 store for the bucket {bucket:?}: {e}"))
}

/// Asks the store twice (a `HEAD` of a key nobody writes, and a listing under it) and says in
/// the operator's terms what is wrong when it does not answer as a working store does:
/// refused credentials, a missing bucket, an unreachable endpoint. Serving calls it at start.
/// The key needs permission to read, write and list the bucket (backups list it).
pub async fn check(blobs: &Blobs) -> anyhow::Result<()> {
    let probe = BlobPath::from("chafang-probe");
    let unexpected = |e: &dyn std::fmt::Display| {
        anyhow::anyhow!(
            "the blob store did not answer as expected (check the bucket in CHAFANG_BLOBS, \
             CHAFANG_S3_ENDPOINT and CHAFANG_S3_ADDRESSING): {e}"
        )
    };
    match blobs.head(&probe.child("none")).await {
        Ok(_) | Err(object_store::Error::NotFound { .. }) => {}
        Err(e @ object_store::Error::PermissionDenied { .. })
        | Err(e @ object_store::Error::Unauthenticated { .. }) => {
            bail!(
                "the blob store refused the credentials (CHAFANG_S3_ACCESS_KEY_ID and \
                 CHAFANG_S3_SECRET_ACCESS_KEY, and the CHAFANG_S3_REGION they are signed for): \
                 {e}"
            )
        }
        Err(e) => return Err(unexpected(&e)),
    }
    // A `HEAD` cannot tell a missing bucket from a missing key; a listing can.
    match blobs.list_with_delimiter(Some(&probe)).await {
        Ok(_) => Ok(()),
        Err(e) => Err(unexpected(&e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_urls_parse_into_locations_or_say_what_is_wrong() {
        assert_eq!(
            Location::parse("s3://chafang").unwrap(),
            Location::S3 {
                bucket: "chafang".into(),
                prefix: None
            }
        );
        assert_eq!(
            Location::parse("s3://chafang/district-7/").unwrap(),
            Location::S3 {
                bucket: "chafang".into(),
                prefix: Some(BlobPath::from("district-7"))
            }
        );
        assert_eq!(
            Location::parse("s3://chafang/a/b").unwrap().to_string(),
            "s3://chafang/a/b"
        );
        assert_eq!(
            Location::parse("file:///srv/chafang/blobs").unwrap(),
            Location::Dir(PathBuf::from("/srv/chafang/blobs"))
        );
        for bad in [
            "s3://",
            "s3:///prefix",
            "s3://Bucket_Name",
            "s3://b/a//c",
            "s3://b/../x",
            "file://relative/dir",
            "/srv/blobs",
            "gs://bucket",
        ] {
            assert!(Location::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn virtual_hosted_requests_put_the_bucket_before_the_endpoints_host() {
        assert_eq!(
            bucket_endpoint(
                "chafang",
                Some("https://s3.oss-cn-hangzhou.aliyuncs.com/"),
                Addressing::VirtualHosted
            )
            .unwrap(),
            Some((
                "https://chafang.s3.oss-cn-hangzhou.aliyuncs.com".into(),
                false
            ))
        );
        assert_eq!(
            bucket_endpoint("chafang", Some("http://10.0.0.5:9000"), Addressing::Path).unwrap(),
            Some(("http://10.0.0.5:9000".into(), true))
        );
        assert_eq!(
            bucket_endpoint("chafang", None, Addressing::Path).unwrap(),
            None
        );
        assert!(bucket_endpoint("chafang", Some("ftp://x"), Addressing::Path).is_err());
        assert!(bucket_endpoint("chafang", Some("minio:9000"), Addressing::Path).is_err());
    }

    #[test]
    fn missing_credentials_are_named_and_the_secret_never_prints() {
        let mut s3 = S3Settings {
            s3_endpoint: Some("http://127.0.0.1:9".into()),
            s3_access_key_id: Some("AKID".into()),
            ..Default::default()
        };
        let err = open_url("s3://chafang", &s3).err().unwrap().to_string();
        assert!(err.contains("CHAFANG_S3_SECRET_ACCESS_KEY"), "{err}");
        s3.s3_secret_access_key = Some(Secret::new("hunter2-very-secret"));
        assert!(!format!("{s3:?}").contains("hunter2"));
        assert!(open_url("s3://chafang/p", &s3).is_ok());
    }
}
