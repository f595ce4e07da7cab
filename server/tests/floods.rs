//! Sign-in floods (issue 15, item 7): an attempt is counted before its password is checked, so
//! 200 simultaneous wrong passwords for one account run no more real argon2 checks than the
//! limit allows; hashing runs a bounded number at a time; a flood from one address locks out
//! neither the account's owner on another address nor another account on the flooded one;
//! IPv6 addresses are keyed by their /64; `X-Forwarded-For` is read only from a trusted proxy.
//! The last test runs the real binary as a child and prints its peak RSS and its RSS after a
//! flood.

mod common;

use chafang_server::auth::password;
use chafang_server::demo;
use common::{engines, TestServer};
use serde_json::json;
use std::net::{IpAddr, Ipv4Addr};

/// The tests of this file read one process-wide counter of password checks: one at a time.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// How many wrong passwords arrive at once.
const FLOOD: usize = 200;

/// A client whose connections come from `from` (any 127.0.0.0/8 address reaches the server
/// on 127.0.0.1 from its own source address).
fn client_from(from: Ipv4Addr) -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .local_address(IpAddr::V4(from))
        .build()
        .unwrap()
}

async fn login(
    s: &TestServer,
    c: &reqwest::Client,
    username: &str,
    password: &str,
    forwarded: Option<&str>,
) -> reqwest::Response {
    let mut req = c
        .post(s.url("/api/v1/auth/login"))
        .json(&json!({"username": username, "password": password}));
    if let Some(f) = forwarded {
        req = req.header("x-forwarded-for", f);
    }
    req.send().await.unwrap()
}

/// `FLOOD` wrong passwords for `username` at once from `c`; the statuses.
async fn flood(s: &TestServer, c: &reqwest::Client, username: &str) -> Vec<u16> {
    let mut set = tokio::task::JoinSet::new();
    for i in 0..FLOOD {
        let (c, url, username) = (c.clone(), s.url("/api/v1/auth/login"), username.to_owned());
        set.spawn(async move {
            c.post(url)
                .json(&json!({"username": username, "password": format!("wrong-{i}")}))
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0)
        });
    }
    let mut statuses = Vec::new();
    while let Some(s) = set.join_next().await {
        statuses.push(s.unwrap());
    }
    statuses
}

fn tally(statuses: &[u16]) -> std::collections::BTreeMap<u16, usize> {
    let mut m = std::collections::BTreeMap::new();
    for s in statuses {
        *m.entry(*s).or_default() += 1;
    }
    m
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_wrong_passwords_runs_few_real_checks_and_locks_no_owner_out() {
    let _one = SERIAL.lock().await;
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let attacker = client_from(Ipv4Addr::new(127, 0, 0, 1));
        let before = password::verifications();
        let statuses = flood(&s, &attacker, "unit05").await;
        let checks = password::verifications() - before;
        println!(
            "{engine:?}: {FLOOD} simultaneous wrong passwords for one account: {checks} real \
             password checks; statuses {:?}",
            tally(&statuses)
        );
        assert!(
            statuses.iter().all(|&st| st == 401 || st == 429),
            "{engine:?}: {:?}",
            tally(&statuses)
        );
        // Bound: the per-(account, address) budget of failures in a window.
        assert!(
            checks <= 5,
            "{engine:?}: {checks} real checks for a flood from one address"
        );
        // The owner, on another address, signs in with the right password.
        let owner = client_from(Ipv4Addr::new(127, 0, 0, 2));
        let res = login(&s, &owner, "unit05", demo::PASSWORD, None).await;
        assert_eq!(res.status(), 200, "{engine:?}: the owner elsewhere");
        // Another account, from the flooded address, still has its own budget.
        let res = login(&s, &attacker, "unit06", demo::PASSWORD, None).await;
        assert_eq!(
            res.status(),
            200,
            "{engine:?}: another account, same address"
        );
        s.stop().await;
    }
}

/// A server behind a reverse proxy on 127.0.0.1, as `--trusted-proxies 127.0.0.1/32` sets it.
async fn behind_proxy(engine: chafang_server::Engine) -> TestServer {
    TestServer::start_with(engine, |st| {
        st.trusted_proxies =
            chafang_server::auth::client::TrustedProxies::new(["127.0.0.1/32".parse().unwrap()])
    })
    .await
}

/// Five wrong passwords for `username` as if from `from`, all 401.
async fn spend(s: &TestServer, c: &reqwest::Client, username: &str, from: &str) {
    for _ in 0..5 {
        let res = login(s, c, username, "wrong-wrong", Some(from)).await;
        assert_eq!(res.status(), 401, "{:?}", s.engine);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarded_for_is_ignored_without_a_trusted_proxy_and_used_with_one() {
    let _one = SERIAL.lock().await;
    for engine in engines() {
        // No trusted proxy: the header names nothing, every request is the peer's.
        let s = TestServer::start(engine).await;
        let c = s.client();
        spend(&s, &c, "unit07", "198.51.100.1").await;
        let res = login(&s, &c, "unit07", demo::PASSWORD, Some("198.51.100.2")).await;
        assert_eq!(
            res.status(),
            429,
            "{engine:?}: a claimed address changes nothing"
        );
        s.stop().await;

        // Behind a trusted proxy: the client is the address it names.
        let s = behind_proxy(engine).await;
        let c = s.client();
        spend(&s, &c, "unit07", "198.51.100.1").await;
        let res = login(&s, &c, "unit07", demo::PASSWORD, Some("198.51.100.1")).await;
        assert_eq!(res.status(), 429, "{engine:?}: the guessing address");
        // What a client writes left of the proxy's own entry is not believed.
        let res = login(
            &s,
            &c,
            "unit07",
            demo::PASSWORD,
            Some("198.51.100.2, 198.51.100.1"),
        )
        .await;
        assert_eq!(res.status(), 429, "{engine:?}: a spoofed first hop");
        let res = login(&s, &c, "unit07", demo::PASSWORD, Some("198.51.100.2")).await;
        assert_eq!(res.status(), 200, "{engine:?}: the owner behind the proxy");
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ipv6_addresses_in_one_64_share_a_key() {
    let _one = SERIAL.lock().await;
    for engine in engines() {
        let s = behind_proxy(engine).await;
        let c = s.client();
        spend(&s, &c, "unit08", "2001:db8:aa:bb::1").await;
        let res = login(
            &s,
            &c,
            "unit08",
            demo::PASSWORD,
            Some("2001:db8:aa:bb:ffff::2"),
        )
        .await;
        assert_eq!(res.status(), 429, "{engine:?}: the same /64");
        let res = login(&s, &c, "unit08", demo::PASSWORD, Some("2001:db8:aa:bc::1")).await;
        assert_eq!(res.status(), 200, "{engine:?}: the next /64");
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_sign_in_is_typed_and_says_when_to_retry() {
    let _one = SERIAL.lock().await;
    let s = TestServer::start(engines()[0]).await;
    let c = s.client();
    spend(&s, &c, "unit09", "ignored").await;
    let res = login(&s, &c, "unit09", demo::PASSWORD, None).await;
    assert_eq!(res.status(), 429);
    let after: u64 = res
        .headers()
        .get("retry-after")
        .expect("Retry-After")
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&after), "{after}");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");
    assert_eq!(body["error"]["refusal"]["reason"], "sign_in");
    assert_eq!(
        body["error"]["refusal"]["detail"],
        json!({"reason": "too_many_attempts", "detail": {"retry_after_s": after}})
    );
    let res = login(&s, &c, "unit09", "", None).await;
    assert_eq!(res.status(), 400);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        body["error"]["refusal"]["detail"]["reason"],
        "missing_credentials"
    );
    s.stop().await;
}

/// `VmRSS` and `VmHWM` (peak) of a process, in MiB.
fn rss_mib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<u64>().ok())
            .unwrap_or(0)
            / 1024
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Whether the child is started behind a trusted proxy (127.0.0.1), so that the second flood
/// comes from 200 addresses named in `X-Forwarded-For`.
const BEHIND_PROXY: bool = true;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_real_server_gives_memory_back_after_a_flood() {
    let _one = SERIAL.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_chafang"));
    cmd.args(["--data-dir", dir.path().to_str().unwrap()])
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--pwa-dir",
            dir.path().join("no-pwa").to_str().unwrap(),
            "--demo",
            "--stop-on-stdin-eof",
        ])
        .env("DATABASE_URL", chafang_server::db::sqlite_url(dir.path()))
        .env("CHAFANG_LOG", "warn");
    if BEHIND_PROXY {
        cmd.args(["--trusted-proxies", "127.0.0.1/32"]);
    }
    let mut server = cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let pid = server.id().unwrap();
    let stdout = server.stdout.take().unwrap();
    let mut lines = tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(stdout));
    let first = tokio::time::timeout(std::time::Duration::from_secs(120), lines.next_line())
        .await
        .expect("the server starts")
        .unwrap()
        .unwrap_or_default();
    let base = first
        .split("listening on ")
        .nth(1)
        .unwrap_or_else(|| panic!("{first}"))
        .trim()
        .to_owned();
    let url = format!("{base}/api/v1/auth/login");
    let (at_start, _) = rss_mib(pid);
    let owner = reqwest::Client::new();
    let signed_in = owner
        .post(&url)
        .json(&json!({"username": "office", "password": demo::PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 200);
    let (warm, _) = rss_mib(pid);

    // One account, one address: the reproduction.
    let c = reqwest::Client::new();
    let mut set = tokio::task::JoinSet::new();
    for i in 0..FLOOD {
        let (c, url) = (c.clone(), url.clone());
        set.spawn(async move {
            c.post(url)
                .json(&json!({"username": "monitor01", "password": format!("wrong-{i}")}))
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0)
        });
    }
    let mut one = Vec::new();
    while let Some(s) = set.join_next().await {
        one.push(s.unwrap());
    }
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let (after_one, peak_one) = rss_mib(pid);

    // Many accounts from many addresses (through the trusted proxy): every attempt is within
    // its own budgets, so only the bounded hashing stands between the flood and the memory.
    let mut set = tokio::task::JoinSet::new();
    for i in 0..FLOOD {
        let (c, url) = (c.clone(), url.clone());
        set.spawn(async move {
            c.post(url)
                .header(
                    "x-forwarded-for",
                    format!("10.1.{}.{}", i / 250, i % 250 + 1),
                )
                .json(&json!({"username": format!("nobody{i}"), "password": "wrong-wrong"}))
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0)
        });
    }
    let mut many = Vec::new();
    while let Some(s) = set.join_next().await {
        many.push(s.unwrap());
    }
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let (after_many, peak) = rss_mib(pid);
    println!(
        "child server RSS (MiB): at start {at_start}, after one sign-in {warm}; \
         flood of {FLOOD} on one account: statuses {:?}, peak {peak_one}, after {after_one}; \
         flood of {FLOOD} accounts from {FLOOD} addresses: statuses {:?}, peak {peak}, after {after_many}",
        tally(&one),
        tally(&many)
    );
    // The owner still signs in.
    let res = owner
        .post(&url)
        .json(&json!({"username": "office", "password": demo::PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    drop(server.stdin.take());
    let _ = tokio::time::timeout(std::time::Duration::from_secs(30), server.wait()).await;
    // Generous bounds: argon2 takes 19 MiB a check, and no more than a few run at once.
    assert!(peak <= warm + 300, "peak {peak} MiB after {warm} MiB warm");
    assert!(
        after_many <= warm + 150,
        "{after_many} MiB after the flood, {warm} MiB before"
    );
}
