//! `/metrics` in the Prometheus text format (version 0.0.4), encoded by hand: requests by
//! method, route template and status with a latency histogram, and gauges read when scraped
//! (the audit chain's length, the webhook backlog, the export jobs running, the entries phones
//! report unsent, the photos stored). Only the addresses `--metrics-allow` names may read it;
//! anyone else gets the same 404 as a path that does not exist.

use crate::auth::client::ClientAddr;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use sqlx::Row;
use std::collections::HashMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// Where the metrics are served (outside `/api`, for the operator's scraper, not for clients).
pub const PATH: &str = "/metrics";

/// The latency histogram's upper bounds, in seconds.
pub const BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

#[derive(Default, Clone)]
struct Series {
    /// Cumulative counts are computed when encoded; these are per bucket, the last is +Inf.
    buckets: [u64; BUCKETS.len() + 1],
    count: u64,
    sum: f64,
}

/// Series by route template, then by method and status.
type ByRoute = HashMap<String, Vec<(Method, u16, Series)>>;

/// The request figures since the process started.
#[derive(Default)]
pub struct Registry(Mutex<ByRoute>);

impl Registry {
    /// Counts one request (a short lock; the route's key is allocated once per route).
    pub fn observe(&self, method: &Method, route: &str, status: u16, took: Duration) {
        let secs = took.as_secs_f64();
        let bucket = BUCKETS
            .iter()
            .position(|b| secs <= *b)
            .unwrap_or(BUCKETS.len());
        let mut all = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let by_route = match all.get_mut(route) {
            Some(v) => v,
            None => all.entry(route.to_owned()).or_default(),
        };
        let series = match by_route
            .iter()
            .position(|(m, s, _)| m == method && *s == status)
        {
            Some(i) => &mut by_route[i].2,
            None => {
                by_route.push((method.clone(), status, Series::default()));
                &mut by_route.last_mut().expect("just pushed").2
            }
        };
        series.buckets[bucket] += 1;
        series.count += 1;
        series.sum += secs;
    }

    /// The request series in the text format.
    pub fn encode(&self, out: &mut String) {
        let all = self.0.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let mut routes: Vec<_> = all.into_iter().collect();
        routes.sort_by(|a, b| a.0.cmp(&b.0));
        out.push_str("# HELP chafang_http_requests_total HTTP requests by method, route template and status.\n");
        out.push_str("# TYPE chafang_http_requests_total counter\n");
        for (route, series) in &routes {
            for (method, status, s) in series {
                let _ = writeln!(
                    out,
                    "chafang_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {}",
                    escape(route),
                    s.count
                );
            }
        }
        out.push_str("# HELP chafang_http_request_duration_seconds Time to answer, by method, route template and status.\n");
        out.push_str("# TYPE chafang_http_request_duration_seconds histogram\n");
        for (route, series) in &routes {
            let route = escape(route);
            for (method, status, s) in series {
                let labels = format!("method=\"{method}\",route=\"{route}\",status=\"{status}\"");
                let mut cumulative = 0;
                for (i, n) in s.buckets.iter().enumerate() {
                    cumulative += n;
                    let le = BUCKETS
                        .get(i)
                        .map_or_else(|| "+Inf".to_owned(), |b| b.to_string());
                    let _ = writeln!(
                        out,
                        "chafang_http_request_duration_seconds_bucket{{{labels},le=\"{le}\"}} {cumulative}"
                    );
                }
                let _ = writeln!(
                    out,
                    "chafang_http_request_duration_seconds_sum{{{labels}}} {}",
                    s.sum
                );
                let _ = writeln!(
                    out,
                    "chafang_http_request_duration_seconds_count{{{labels}}} {}",
                    s.count
                );
            }
        }
    }
}

fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn gauge(out: &mut String, name: &str, help: &str, value: impl std::fmt::Display) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} gauge");
    let _ = writeln!(out, "{name} {value}");
}

/// The gauges read from the database and the server's state when scraped.
async fn gauges(state: &AppState, out: &mut String) -> Result<(), sqlx::Error> {
    let mut conn = state.db.pool.acquire().await?;
    let one = |sql: &'static str| sqlx::query(sql);
    let chain: i64 = one("SELECT seq FROM audit_head WHERE id = 1")
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
    let backlog: i64 = one(
        "SELECT COUNT(*) FROM webhook_deliveries WHERE delivered_at IS NULL AND failed_at IS NULL",
    )
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    let exports = crate::reports::jobs::running(&mut conn).await?;
    let unsent: i64 = one("SELECT CAST(COALESCE(SUM(unsent), 0) AS BIGINT) FROM device_outboxes")
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
    let photos: i64 = one("SELECT COUNT(*) FROM photos")
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
    gauge(
        out,
        "chafang_audit_chain_length",
        "Events on the audit chain.",
        chain,
    );
    gauge(
        out,
        "chafang_webhook_backlog",
        "Webhook deliveries neither delivered nor given up.",
        backlog,
    );
    gauge(
        out,
        "chafang_report_jobs_running",
        "Export jobs running on every process.",
        exports,
    );
    gauge(
        out,
        "chafang_device_outbox_unsent",
        "Entries the phones last reported as not yet sent.",
        unsent,
    );
    gauge(out, "chafang_photos_stored", "Photos stored.", photos);
    Ok(())
}

/// `GET /metrics`: the figures for an allowed address, 404 for anyone else.
pub async fn serve(State(state): State<AppState>, ClientAddr(client): ClientAddr) -> Response {
    if !state.ops.metrics_allow.iter().any(|c| c.contains(client)) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let mut out = String::with_capacity(16 * 1024);
    if let Err(e) = gauges(&state, &mut out).await {
        tracing::warn!("metrics: reading the gauges: {e}");
        gauge(
            &mut out,
            "chafang_metrics_gauges_ok",
            "Whether the gauges could be read.",
            0,
        );
    }
    state.ops.metrics.encode(&mut out);
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        out,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The per-request cost of counting (printed, not asserted): `cargo test -p chafang-server
    /// --lib ops::metrics -- --nocapture`.
    #[test]
    fn counting_a_request_costs_little() {
        let r = Registry::default();
        let routes: Vec<String> = (0..100).map(|i| format!("/api/v1/r{i}/{{id}}")).collect();
        let n = 200_000;
        let start = std::time::Instant::now();
        for i in 0..n {
            r.observe(
                &Method::GET,
                &routes[i % routes.len()],
                200 + (i % 3) as u16,
                Duration::from_micros(i as u64 % 5000),
            );
        }
        let per = start.elapsed().as_nanos() as f64 / n as f64;
        println!("metrics: {per:.0} ns per request counted (100 routes × 3 statuses)");
        let mut out = String::new();
        r.encode(&mut out);
        assert_eq!(out.matches("chafang_http_requests_total{").count(), 300);
    }

    #[test]
    fn the_histogram_is_cumulative_and_ends_in_inf() {
        let r = Registry::default();
        r.observe(&Method::GET, "/a/{id}", 200, Duration::from_millis(3));
        r.observe(&Method::GET, "/a/{id}", 200, Duration::from_millis(300));
        r.observe(&Method::GET, "/a/{id}", 200, Duration::from_secs(60));
        let mut out = String::new();
        r.encode(&mut out);
        assert!(out.contains(
            "chafang_http_requests_total{method=\"GET\",route=\"/a/{id}\",status=\"200\"} 3"
        ));
        assert!(out.contains("le=\"0.005\"} 1"), "{out}");
        assert!(out.contains("le=\"0.5\"} 2"), "{out}");
        assert!(out.contains("le=\"30\"} 2"), "{out}");
        assert!(out.contains("le=\"+Inf\"} 3"), "{out}");
    }
}
