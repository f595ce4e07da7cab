//! A unit cannot tell a covert finding from an open one (rule 1 covers the covert flag, issue
//! 21), on both engines. Forty open and forty covert visits to one unit, made in pairs on the
//! same days, are submitted open ones first (so the order of receipt follows the mode) and
//! released in one batch. The unit then reads them over every path out to it — its list, each
//! finding, the assignment PDFs, its inbox, the webhook bodies and its CSV export — and for
//! each path the two groups are compared field by field: every field's distribution of values
//! (of their shape, for values nearly all distinct such as ids), numbers and list positions by
//! a rank test. Any field, date or place in a list that told the modes apart fails.
//!
//! The figures (total variation distance per field, the rank tests' z) are printed.

mod common;

use chafang_domain::api::{
    paths, DocumentKind, DocumentView, IssueDocument, Notification, OfficeCaseRow, UnitCase,
};
use chafang_domain::visit::VisitMode;
use chafang_domain::{CaseId, DeviceId};
use common::fixtures::{a_unit, post_json, release, submit, visit};
use common::{engines, TestServer};
use serde_json::Value;
use sqlx::Row;
use std::collections::{BTreeMap, HashMap, HashSet};
use time::{Date, Duration, PrimitiveDateTime, Time, UtcOffset};

const PAIRS: usize = 40;
/// The largest total variation distance allowed between the two groups' values of a field.
/// Fields that do not depend on the mode differ by chance only (the shapes of ids, lengths of
/// numbers); the old dates differed by 1.0.
const MAX_TVD: f64 = 0.3;
/// The largest |z| of a rank test on numbers or positions (about one chance in 15 000 for
/// groups alike).
const MAX_Z: f64 = 4.0;

fn cst_ms(day: Date, t: Time) -> i64 {
    let cst = UtcOffset::from_hms(8, 0, 0).unwrap();
    (PrimitiveDateTime::new(day, t)
        .assume_offset(cst)
        .unix_timestamp_nanos()
        / 1_000_000) as i64
}

/// Each leaf of a JSON value as (path, text); array elements share the path `[]`.
fn leaves(v: &Value, path: &str, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                leaves(x, &format!("{path}.{k}"), out);
            }
        }
        Value::Array(a) => {
            if a.is_empty() {
                out.push((format!("{path}[]"), "<empty>".into()));
            }
            for x in a {
                leaves(x, &format!("{path}[]"), out);
            }
        }
        Value::String(s) => out.push((path.to_owned(), s.clone())),
        other => out.push((path.to_owned(), other.to_string())),
    }
}

/// A value's shape: every ASCII letter or digit as `x`.
fn shape(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { 'x' } else { c })
        .collect()
}

fn tvd(a: &[String], b: &[String]) -> f64 {
    let mut p: HashMap<&str, (f64, f64)> = HashMap::new();
    for x in a {
        p.entry(x).or_default().0 += 1.0 / a.len() as f64;
    }
    for x in b {
        p.entry(x).or_default().1 += 1.0 / b.len() as f64;
    }
    p.values().map(|(x, y)| (x - y).abs()).sum::<f64>() / 2.0
}

/// The Mann–Whitney U test's z for two samples (ties given their mean rank).
fn rank_z(a: &[f64], b: &[f64]) -> f64 {
    let mut all: Vec<(f64, bool)> = a
        .iter()
        .map(|x| (*x, true))
        .chain(b.iter().map(|x| (*x, false)))
        .collect();
    all.sort_by(|x, y| x.0.total_cmp(&y.0));
    let mut ranks = vec![0.0; all.len()];
    let mut i = 0;
    while i < all.len() {
        let mut j = i;
        while j + 1 < all.len() && all[j + 1].0 == all[i].0 {
            j += 1;
        }
        let mean = (i + j) as f64 / 2.0 + 1.0;
        for r in ranks.iter_mut().take(j + 1).skip(i) {
            *r = mean;
        }
        i = j + 1;
    }
    let (n1, n2) = (a.len() as f64, b.len() as f64);
    let r1: f64 = all
        .iter()
        .zip(&ranks)
        .filter(|((_, first), _)| *first)
        .map(|(_, r)| r)
        .sum();
    let u = r1 - n1 * (n1 + 1.0) / 2.0;
    let sd = (n1 * n2 * (n1 + n2 + 1.0) / 12.0).sqrt();
    if sd == 0.0 {
        0.0
    } else {
        (u - n1 * n2 / 2.0) / sd
    }
}

/// Fails when any field of `open` and `covert` (records of one path out to the unit) is
/// distributed differently in the two groups; prints each field's figures.
fn assert_alike(what: &str, open: &[Value], covert: &[Value]) {
    assert!(
        open.len() >= PAIRS / 4 && covert.len() >= PAIRS / 4,
        "{what}: {} open and {} covert records",
        open.len(),
        covert.len()
    );
    let by_path = |records: &[Value]| {
        let mut m: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for r in records {
            let mut out = Vec::new();
            leaves(r, "", &mut out);
            for (p, v) in out {
                m.entry(p).or_default().push(v);
            }
        }
        m
    };
    let (a, b) = (by_path(open), by_path(covert));
    let paths: HashSet<&String> = a.keys().chain(b.keys()).collect();
    let mut paths: Vec<&String> = paths.into_iter().collect();
    paths.sort();
    for p in paths {
        let (x, y) = (
            a.get(p).cloned().unwrap_or_default(),
            b.get(p).cloned().unwrap_or_default(),
        );
        assert!(
            !x.is_empty() && !y.is_empty(),
            "{what}: {p} is only in the {} findings",
            if x.is_empty() { "covert" } else { "open" }
        );
        // How often each group has the field at all.
        let per_a = x.len() as f64 / open.len() as f64;
        let per_b = y.len() as f64 / covert.len() as f64;
        assert!(
            (per_a - per_b).abs() <= MAX_TVD * per_a.max(per_b),
            "{what}: {p} appears {per_a:.2} times per open finding, {per_b:.2} per covert one"
        );
        let distinct: HashSet<&String> = x.iter().chain(&y).collect();
        let unique = distinct.len() * 2 > x.len() + y.len();
        let (sx, sy): (Vec<String>, Vec<String>) = if unique {
            (
                x.iter().map(|v| shape(v)).collect(),
                y.iter().map(|v| shape(v)).collect(),
            )
        } else {
            (x.clone(), y.clone())
        };
        let d = tvd(&sx, &sy);
        let nums: Option<(Vec<f64>, Vec<f64>)> = x
            .iter()
            .map(|v| v.parse::<f64>().ok())
            .collect::<Option<Vec<_>>>()
            .zip(y.iter().map(|v| v.parse::<f64>().ok()).collect());
        let z = nums.map(|(n, m)| rank_z(&n, &m));
        println!(
            "{what}{p}: {} distinct of {}, tvd{} {d:.3}{}",
            distinct.len(),
            x.len() + y.len(),
            if unique { " of shapes" } else { "" },
            z.map(|z| format!(", rank z {z:+.2}")).unwrap_or_default()
        );
        assert!(
            d <= MAX_TVD,
            "{what}: {p} tells covert from open (tvd {d:.3}): open {:?} covert {:?}",
            &x[..x.len().min(8)],
            &y[..y.len().min(8)]
        );
        if let Some(z) = z {
            assert!(z.abs() <= MAX_Z, "{what}: {p} ranks by mode (z {z:+.2})");
        }
    }
}

/// Fails when the positions of covert items in a list differ from those of open ones.
fn assert_positions_alike(what: &str, list: &[bool]) {
    let (mut open, mut covert) = (Vec::new(), Vec::new());
    for (i, c) in list.iter().enumerate() {
        if *c {
            covert.push(i as f64);
        } else {
            open.push(i as f64);
        }
    }
    // Runs of one mode: a list sorted by mode has two; a shuffled one about half its length.
    let runs = 1 + list.windows(2).filter(|w| w[0] != w[1]).count();
    let z = rank_z(&open, &covert);
    println!(
        "{what} positions: {} open, {} covert, rank z {z:+.2}, {runs} runs",
        open.len(),
        covert.len()
    );
    assert!(
        open.len() >= PAIRS / 4 && covert.len() >= PAIRS / 4,
        "{what}: too few"
    );
    assert!(
        z.abs() <= MAX_Z,
        "{what}: covert findings sit apart (z {z:+.2})"
    );
    assert!(
        runs * 4 >= list.len(),
        "{what}: {runs} runs of one mode in {} items",
        list.len()
    );
}

/// The text of a PDF, without whitespace.
fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("doc.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed: `cargo xtask test` installs it");
    assert!(out.status.success(), "pdftotext: {out:?}");
    String::from_utf8_lossy(&out.stdout)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_unit_cannot_tell_covert_findings_from_open_ones_on_any_path() {
    for engine in engines() {
        let s = TestServer::with_local_webhooks(engine).await;
        let office = s.login("office").await;
        let monitor = s.login("monitor01").await;
        let head = s.login("unit01").await; // heads 区建设局
        let unit = a_unit(&s, "区建设局").await;
        // An endpoint nothing answers: the bodies stay in the outbox, where they are read.
        let (status, body) = post_json(
            &s,
            &office,
            paths::OFFICE_WEBHOOKS,
            &serde_json::json!({"url": "http://127.0.0.1:9/hook", "secret": "a secret of the test only"}),
        )
        .await;
        assert_eq!(status, 201, "{engine:?}: {body}");

        // Eight weekdays (Tuesdays to Fridays, none a Monday) of the last five weeks, five
        // pairs on each: an open and a covert visit the same day, at nearby times.
        let today = chafang_server::clock::today_cst();
        let monday = today - Duration::days(i64::from(today.weekday().number_days_from_monday()));
        let days: Vec<Date> = (0..8)
            .map(|k| monday - Duration::days(7 * (k / 2 + 1)) + Duration::days(1 + 2 * (k % 2)))
            .collect();
        let before: HashSet<CaseId> = s
            .get_json::<Vec<OfficeCaseRow>>(&office, "/api/v1/office/findings")
            .await
            .into_iter()
            .map(|r| r.id)
            .collect();
        let device = DeviceId::new();
        let mut seq = 0;
        // Open ones first, so the order of receipt is the order of the modes.
        let mut tag_of: HashMap<String, bool> = HashMap::new();
        for covert in [false, true] {
            for i in 0..PAIRS {
                seq += 1;
                let mut v = visit(&unit, device, seq, &[]);
                let day = days[i % days.len()];
                let at = Time::from_hms(9 + (i % 7) as u8, (i * 7 % 60) as u8, 0).unwrap();
                v.started_at_device_ms = cst_ms(day, at) + i64::from(covert) * 60_000;
                v.ended_at_device_ms = v.started_at_device_ms + 20 * 60_000;
                if let chafang_domain::visit::Position::Fix(f) = &mut v.position {
                    f.at_device_ms = v.started_at_device_ms + 60_000;
                }
                if covert {
                    v.mode = VisitMode::Covert;
                }
                // A number in the words, to find each finding in the PDFs and the export.
                let tag = format!("Q{}", 1000 + seq);
                v.findings[0].description = format!("办事窗口只开一个，群众排队较长 {tag}");
                tag_of.insert(tag, covert);
                let res = submit(&s, &monitor, &v).await;
                assert_eq!(res.status(), 201, "{engine:?}: visit {seq}");
            }
        }
        let rows: Vec<OfficeCaseRow> = s.get_json(&office, "/api/v1/office/findings").await;
        let mine: Vec<&OfficeCaseRow> = rows.iter().filter(|r| !before.contains(&r.id)).collect();
        assert_eq!(mine.len(), 2 * PAIRS, "{engine:?}");
        let covert_of: HashMap<CaseId, bool> = mine.iter().map(|r| (r.id, r.covert)).collect();
        let ids: Vec<CaseId> = mine.iter().map(|r| r.id).collect();
        // One release of the fortnight's findings, covert ones with the office's consent.
        release(&s, &office, &ids, true).await;

        // The list: the unit's findings and their places.
        let list: Vec<UnitCase> = s.get_json(&head, paths::UNIT_FINDINGS).await;
        let list: Vec<&UnitCase> = list
            .iter()
            .filter(|c| covert_of.contains_key(&c.id))
            .collect();
        assert_eq!(list.len(), 2 * PAIRS, "{engine:?}");
        let split = |values: Vec<(bool, Value)>| {
            let (c, o): (Vec<_>, Vec<_>) = values.into_iter().partition(|(c, _)| *c);
            (
                o.into_iter().map(|(_, v)| v).collect::<Vec<_>>(),
                c.into_iter().map(|(_, v)| v).collect::<Vec<_>>(),
            )
        };
        let (o, c) = split(
            list.iter()
                .map(|u| (covert_of[&u.id], serde_json::to_value(u).unwrap()))
                .collect(),
        );
        assert_alike(&format!("{engine:?} list"), &o, &c);
        assert_positions_alike(
            &format!("{engine:?} list"),
            &list.iter().map(|u| covert_of[&u.id]).collect::<Vec<_>>(),
        );

        // Each finding.
        let mut details = Vec::new();
        for id in &ids {
            let v: Value = s.get_json(&head, &paths::unit_finding(*id)).await;
            details.push((covert_of[id], v));
        }
        let (o, c) = split(details);
        assert_alike(&format!("{engine:?} detail"), &o, &c);

        // The inbox: one notification per release, in the order the unit reads them.
        let inbox: Vec<Notification> = s.get_json(&head, paths::NOTIFICATIONS).await;
        let inbox: Vec<(bool, Value)> = inbox
            .iter()
            .filter_map(|n| {
                let case: CaseId = n.subject.as_deref()?.parse().ok()?;
                Some((*covert_of.get(&case)?, serde_json::to_value(n).unwrap()))
            })
            .collect();
        assert_eq!(inbox.len(), 2 * PAIRS, "{engine:?}: inbox");
        assert_positions_alike(
            &format!("{engine:?} inbox"),
            &inbox.iter().map(|(c, _)| *c).collect::<Vec<_>>(),
        );
        let (o, c) = split(inbox);
        assert_alike(&format!("{engine:?} inbox"), &o, &c);

        // The webhook bodies, in the order they are sent.
        let bodies = sqlx::query("SELECT payload FROM webhook_deliveries ORDER BY seq")
            .fetch_all(&s.db.pool)
            .await
            .unwrap();
        let bodies: Vec<(bool, Value)> = bodies
            .iter()
            .filter_map(|r| {
                let v: Value = serde_json::from_str(&r.get::<String, _>("payload")).ok()?;
                let case: CaseId = v["case"].as_str()?.parse().ok()?;
                Some((*covert_of.get(&case)?, v))
            })
            .collect();
        assert_eq!(bodies.len(), 2 * PAIRS, "{engine:?}: webhook bodies");
        assert_positions_alike(
            &format!("{engine:?} webhooks"),
            &bodies.iter().map(|(c, _)| *c).collect::<Vec<_>>(),
        );
        let (o, c) = split(bodies);
        assert_alike(&format!("{engine:?} webhooks"), &o, &c);

        // The unit's export (CSV), every year the visits fall in, each row found by its tag.
        let years: std::collections::BTreeSet<i32> = days.iter().map(|d| d.year()).collect();
        let mut rows_out: Vec<(bool, Value)> = Vec::new();
        for year in years {
            let (status, text) = post_json(
                &s,
                &head,
                paths::UNIT_REPORTS,
                &serde_json::json!({"year": year, "format": "csv"}),
            )
            .await;
            assert_eq!(status, 202, "{engine:?}: {text}");
            let mut job: Value = serde_json::from_str(&text).unwrap();
            for _ in 0..600 {
                if job["state"] != "running" {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                let id: uuid::Uuid = job["id"].as_str().unwrap().parse().unwrap();
                job = s
                    .get_json(&head, &paths::report_job(paths::UNIT_REPORTS, id))
                    .await;
            }
            assert_eq!(job["state"], "done", "{engine:?}: {job}");
            let id: uuid::Uuid = job["id"].as_str().unwrap().parse().unwrap();
            let csv = head
                .get(s.url(&paths::report_file(paths::UNIT_REPORTS, id)))
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap();
            let csv = String::from_utf8_lossy(&csv).into_owned();
            for line in csv.lines() {
                let Some((tag, covert)) = tag_of.iter().find(|(t, _)| line.contains(t.as_str()))
                else {
                    continue;
                };
                let cells: Vec<Value> = line
                    .split(',')
                    .map(|c| Value::String(c.replace(tag.as_str(), "")))
                    .collect();
                rows_out.push((*covert, Value::Array(cells)));
            }
        }
        assert_eq!(rows_out.len(), 2 * PAIRS, "{engine:?}: export rows");
        assert_positions_alike(
            &format!("{engine:?} export"),
            &rows_out.iter().map(|(c, _)| *c).collect::<Vec<_>>(),
        );
        // Each column compared on its own.
        let columns = |v: Value| {
            let Value::Array(cells) = v else {
                unreachable!()
            };
            Value::Object(
                cells
                    .into_iter()
                    .enumerate()
                    .map(|(i, c)| (format!("col{i:02}"), c))
                    .collect(),
            )
        };
        let (o, c) = split(rows_out.into_iter().map(|(k, v)| (k, columns(v))).collect());
        assert_alike(&format!("{engine:?} export"), &o, &c);

        // The assignment (交办单) of ten findings of each mode, as the unit downloads it.
        let mut docs: Vec<(bool, Value)> = Vec::new();
        let some: Vec<CaseId> = ids
            .iter()
            .filter(|id| !covert_of[*id])
            .take(10)
            .chain(ids.iter().filter(|id| covert_of[*id]).take(10))
            .copied()
            .collect();
        for case in &some {
            let req = IssueDocument {
                kind: DocumentKind::Assignment,
                case: Some(*case),
                deadline: None,
                year: None,
            };
            let (status, body) = post_json(&s, &office, paths::OFFICE_DOCUMENTS, &req).await;
            assert_eq!(status, 201, "{engine:?}: {body}");
        }
        let listed: Vec<DocumentView> = s.get_json(&head, paths::UNIT_DOCUMENTS).await;
        for d in listed
            .iter()
            .filter(|d| d.case.is_some_and(|c| some.contains(&c)))
        {
            let pdf = head
                .get(s.url(&paths::document_pdf(paths::UNIT_DOCUMENTS, d.id)))
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap();
            let text = pdf_text(&pdf);
            // The facts of the finding, from its number to its words, line by line.
            let facts = text
                .split("问题情况")
                .nth(1)
                .and_then(|t| t.split("问题描述").next())
                .unwrap_or_default()
                .to_owned();
            let mut fields = serde_json::Map::new();
            for field in ["发现", "评议内容", "严重程度"] {
                let value = facts
                    .split(field)
                    .nth(1)
                    .map(|t| t.split('：').nth(1).unwrap_or(t))
                    .map(|t| t.chars().take_while(|c| *c != '评' && *c != '严').collect())
                    .unwrap_or_default();
                fields.insert(field.to_owned(), Value::String(value));
            }
            docs.push((covert_of[&d.case.unwrap()], Value::Object(fields)));
        }
        assert_eq!(docs.len(), some.len(), "{engine:?}: documents");
        let (o, c) = split(docs);
        assert_alike(&format!("{engine:?} documents"), &o, &c);
        s.stop().await;
    }
}
