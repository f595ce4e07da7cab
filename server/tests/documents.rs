//! Official documents over real HTTP on both engines: the office issues a 交办单, a 整改通知书
//! and a 督办函 for a released finding; each PDF's text (read back with poppler's `pdftotext`)
//! holds the Chinese title, the number, the unit, the finding's words and the deadline; the
//! numbers run on per year without gaps, also when issued at once; every download is the
//! issued bytes, whose SHA-256 is the one on the audit chain; the addressed unit downloads its
//! own and another unit gets nothing. Each PDF is kept, and turned into PNGs (`pdftoppm -r 60`),
//! under `target/artifacts/documents/` to be looked at. The bulletin's ranking is a ruled table:
//! `pdftotext -layout` shows its header on every page it reaches and each unit's row, in rank
//! order, with a long name wrapped within its cell. Without fonts the error names what is
//! missing.

mod common;

use chafang_domain::scoring::points_text;

use chafang_domain::api::{
    DocumentKind, DocumentView, IssueDocument, PublishedRanking, ScoringYear,
};
use chafang_domain::refusal::{DocumentRefusal, Refusal};
use chafang_domain::visit::sha256_hex;
use chafang_domain::{CaseId, DeviceId};
use chafang_server::documents::fonts;
use common::fixtures::{a_unit, case_of_finding, post_json, release, submit, visit};
use common::{engines, engines_and_blobs, TestServer};
use sqlx::Row;
use std::path::{Path, PathBuf};
use std::process::Command;
use time::Date;

const WORDING: &str = "办事窗口只开一个，群众排队超过四十分钟";

fn chinese(d: Date) -> String {
    format!("{}年{}月{}日", d.year(), u8::from(d.month()), d.day())
}

/// The text of a PDF, by `pdftotext`, without any whitespace (lines break anywhere in Chinese).
fn pdf_text(pdf: &[u8], dir: &Path) -> String {
    let file = dir.join("doc.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed: `cargo xtask test` installs it");
    assert!(out.status.success(), "pdftotext failed: {out:?}");
    String::from_utf8(out.stdout)
        .unwrap()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// The text of a PDF by `pdftotext -layout` (each line as set, cells of a table row side by
/// side), page by page.
fn pdf_layout(pdf: &[u8], dir: &Path) -> Vec<Vec<String>> {
    let file = dir.join("layout.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed");
    assert!(out.status.success(), "pdftotext failed: {out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    text.split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .map(|p| p.lines().map(str::to_owned).collect())
        .collect()
}

fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/artifacts/documents");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Renders each page to `<name>-<page>.png` at 60 dpi and checks a page came out.
fn to_png(pdf: &[u8], name: &str, scratch: &Path) {
    let file = scratch.join(format!("{name}.pdf"));
    std::fs::write(&file, pdf).unwrap();
    // The PDF itself too, to look at closer than the pictures.
    std::fs::write(artifacts().join(format!("{name}.pdf")), pdf).unwrap();
    let prefix = artifacts().join(name);
    // Pages of an earlier, longer run would look like this one's.
    for old in std::fs::read_dir(artifacts()).unwrap().flatten() {
        let file = old.file_name().to_string_lossy().into_owned();
        if file.starts_with(&format!("{name}-")) && file.ends_with(".png") {
            std::fs::remove_file(old.path()).unwrap();
        }
    }
    let out = Command::new("pdftoppm")
        .args(["-png", "-r", "60"])
        .arg(&file)
        .arg(&prefix)
        .output()
        .expect("pdftoppm (poppler-utils) must be installed");
    assert!(out.status.success(), "pdftoppm failed: {out:?}");
    let first = artifacts().join(format!("{name}-1.png"));
    let png = std::fs::read(&first).unwrap_or_else(|e| panic!("{}: {e}", first.display()));
    assert!(png.starts_with(b"\x89PNG"), "{}", first.display());
}

async fn issue(s: &TestServer, office: &reqwest::Client, req: &IssueDocument) -> (u16, String) {
    post_json(s, office, "/api/v1/office/documents", req).await
}

async fn issued(s: &TestServer, office: &reqwest::Client, req: &IssueDocument) -> DocumentView {
    let (status, body) = issue(s, office, req).await;
    assert_eq!(status, 201, "{:?}: issue {:?}: {body}", s.engine, req.kind);
    serde_json::from_str(&body).unwrap()
}

async fn download(s: &TestServer, client: &reqwest::Client, path: &str) -> (u16, Vec<u8>) {
    let res = client.get(s.url(path)).send().await.unwrap();
    let status = res.status().as_u16();
    if status == 200 {
        assert_eq!(
            res.headers()["content-type"],
            "application/pdf",
            "{:?}",
            s.engine
        );
    }
    (status, res.bytes().await.unwrap().to_vec())
}

/// The SHA-256 the audit chain recorded for a document.
async fn chained_sha(s: &TestServer, id: uuid::Uuid) -> String {
    let row = sqlx::query(
        "SELECT payload FROM audit_events WHERE kind = 'document.issued' AND subject = $1",
    )
    .bind(id.to_string())
    .fetch_one(&s.db.pool)
    .await
    .unwrap();
    let payload: serde_json::Value =
        serde_json::from_str(&row.get::<String, _>("payload")).unwrap();
    payload["sha256"].as_str().unwrap().to_owned()
}

fn req(kind: DocumentKind, case: CaseId, deadline: Option<Date>) -> IssueDocument {
    IssueDocument {
        kind,
        case: Some(case),
        deadline,
        year: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_are_numbered_typeset_kept_and_served_as_issued() {
    let scratch = tempfile::tempdir().unwrap();
    for (engine, kind) in engines_and_blobs() {
        let s = TestServer::start_on(engine, kind).await;
        let engine = common::Run(engine, kind);
        let office = s.login("office").await;
        let monitor = s.login("monitor01").await;
        let head = s.login("unit01").await;
        let other_head = s.login("unit02").await;
        let unit = a_unit(&s, "区建设局").await;
        let today = chafang_server::clock::today_cst();
        let year = today.year();

        let v = visit(&unit, DeviceId::new(), 1, &[]);
        assert_eq!(submit(&s, &monitor, &v).await.status(), 201);
        let held = visit(&unit, DeviceId::new(), 1, &[]);
        assert_eq!(submit(&s, &monitor, &held).await.status(), 201);
        let case = case_of_finding(&s, &office, v.findings[0].id).await;
        let held_case = case_of_finding(&s, &office, held.findings[0].id).await;

        // Not before the finding is with its unit; never a bulletin through this route yet.
        let (status, body) =
            issue(&s, &office, &req(DocumentKind::Assignment, held_case, None)).await;
        assert_eq!(status, 409, "{engine:?}: unreleased: {body}");
        assert_eq!(
            refusal_of(&body),
            Refusal::Document(DocumentRefusal::NotReleased)
        );
        release(&s, &office, &[case], false).await;
        let (status, body) = issue(&s, &office, &req(DocumentKind::Reminder, case, None)).await;
        assert_eq!(
            status, 409,
            "{engine:?}: a reminder with nothing overdue: {body}"
        );
        assert_eq!(
            refusal_of(&body),
            Refusal::Document(DocumentRefusal::NothingOverdue)
        );
        let past = today - time::Duration::days(1);
        let (status, body) = issue(
            &s,
            &office,
            &req(DocumentKind::RectificationNotice, case, Some(past)),
        )
        .await;
        assert_eq!(status, 422, "{engine:?}: a deadline in the past: {body}");
        assert_eq!(
            refusal_of(&body),
            Refusal::Document(DocumentRefusal::DeadlinePast {
                deadline: past,
                today
            })
        );
        let (status, body) = issue(
            &s,
            &office,
            &IssueDocument {
                kind: DocumentKind::Bulletin,
                case: None,
                deadline: None,
                year: Some(year),
            },
        )
        .await;
        assert_eq!(
            status, 409,
            "{engine:?}: a bulletin before the ranking is published: {body}"
        );
        assert_eq!(
            refusal_of(&body),
            Refusal::Document(DocumentRefusal::NotPublished { year })
        );
        // A unit cannot issue.
        let (status, _) = issue(&s, &head, &req(DocumentKind::Assignment, case, None)).await;
        assert_eq!(status, 404, "{engine:?}: a unit issuing");

        // The three kinds. The reminder needs an overdue deadline: the acknowledgement's is
        // moved into the past, as if the unit had let it pass.
        let deadline = today + time::Duration::days(20);
        let assignment = issued(&s, &office, &req(DocumentKind::Assignment, case, None)).await;
        let notice = issued(
            &s,
            &office,
            &req(DocumentKind::RectificationNotice, case, Some(deadline)),
        )
        .await;
        let ack_due = today - time::Duration::days(4);
        common::fixtures::ack_due_on(&s, case, ack_due).await;
        let reminder = issued(&s, &office, &req(DocumentKind::Reminder, case, None)).await;

        let docs = [&assignment, &notice, &reminder];
        for (n, d) in docs.iter().enumerate() {
            assert_eq!(d.year, year, "{engine:?}");
            assert_eq!(d.seq, n as i64 + 1, "{engine:?}: numbers run on from 1");
            assert_eq!(
                d.number,
                format!("行评办〔{year}〕{}号", n + 1),
                "{engine:?}"
            );
            assert_eq!(d.case, Some(case));
            assert_eq!(d.unit.as_ref().map(|u| u.id), Some(unit.id));
            assert_eq!(d.issued_on, today);
        }
        assert_eq!(notice.deadline, Some(deadline));

        // Text, bytes, hash, pictures.
        let expect: [(&DocumentView, &str, Vec<String>); 3] = [
            (
                &assignment,
                "政风行风监督发现问题交办单",
                vec!["请你单位于".into(), "签收".into()],
            ),
            (
                &notice,
                "政风行风问题整改通知书",
                vec![format!("请于{}前完成整改", chinese(deadline))],
            ),
            (
                &reminder,
                "关于督促办理政风行风监督问题的函",
                vec![
                    format!("应于{}前签收", chinese(ack_due)),
                    "已逾期4日".into(),
                    chinese(chafang_domain::followup::add_working_days(
                        &chafang_domain::calendar::WorkCalendar::weekdays_only(),
                        today,
                        3,
                    )),
                ],
            ),
        ];
        let number = {
            let row: chafang_domain::api::OfficeCase = s
                .get_json(&office, &format!("/api/v1/office/findings/{case}"))
                .await;
            row.row.number.expect("a released finding has its number")
        };
        for (d, title, extra) in &expect {
            assert_eq!(d.title, *title, "{engine:?}");
            let (status, pdf) = download(&s, &office, &d.download).await;
            assert_eq!(status, 200, "{engine:?}: {}", d.download);
            assert!(pdf.starts_with(b"%PDF-"), "{engine:?}");
            assert!(pdf.len() > 5_000, "{engine:?}: {} bytes", pdf.len());
            assert_eq!(pdf.len() as i64, d.bytes, "{engine:?}");
            assert_eq!(sha256_hex(&pdf), d.sha256, "{engine:?}: the listed hash");
            assert_eq!(
                chained_sha(&s, d.id).await,
                d.sha256,
                "{engine:?}: the hash on the audit chain"
            );
            // Kept in the blob store as issued.
            assert_eq!(
                s.blob(&format!("documents/{}.pdf", d.id)).await.as_deref(),
                Some(&pdf[..]),
                "{engine:?}: the stored bytes"
            );
            let (_, again) = download(&s, &office, &d.download).await;
            assert_eq!(
                again, pdf,
                "{engine:?}: a second download is the same bytes"
            );

            let text = pdf_text(&pdf, scratch.path());
            for needle in [
                *title,
                d.number.as_str(),
                "区建设局：",
                WORDING,
                "政风行风评议工作领导小组办公室",
                &chinese(today),
                &format!("问题编号：{}年第{}号", number.year, number.seq),
            ]
            .into_iter()
            .chain(extra.iter().map(String::as_str))
            {
                assert!(
                    text.contains(needle),
                    "{engine:?}: {title}: {needle:?} not in the text:\n{text}"
                );
            }
            // Nothing of the reporter: not the monitor, not the visit. The finding goes by its
            // number with the unit, not by the case's id.
            for secret in [
                "监督员 ",
                &v.id.to_string(),
                &v.findings[0].id.to_string(),
                &case.to_string(),
            ] {
                assert!(!text.contains(secret), "{engine:?}: {secret:?} in {title}");
            }
            to_png(
                &pdf,
                &format!("{engine:?}-{}", d.kind.as_str()).to_lowercase(),
                scratch.path(),
            );
        }
        // The fonts are embedded as subsets, not whole 20 MB collections.
        assert!(docs.iter().all(|d| d.bytes < 400_000), "{engine:?}");

        // The list, newest first, and narrowed to the finding.
        let list: Vec<DocumentView> = s.get_json(&office, "/api/v1/office/documents").await;
        assert_eq!(
            list.iter().map(|d| d.seq).collect::<Vec<_>>(),
            [3, 2, 1],
            "{engine:?}"
        );
        let none: Vec<DocumentView> = s
            .get_json(
                &office,
                &format!("/api/v1/office/documents?case={held_case}"),
            )
            .await;
        assert!(none.is_empty(), "{engine:?}");

        // The unit: its own documents, the same bytes; another unit: nothing.
        let mine: Vec<DocumentView> = s.get_json(&head, "/api/v1/unit/documents").await;
        assert_eq!(mine.len(), 3, "{engine:?}");
        for d in &mine {
            let (status, pdf) = download(&s, &head, &d.download).await;
            assert_eq!(status, 200, "{engine:?}");
            assert_eq!(sha256_hex(&pdf), d.sha256, "{engine:?}");
        }
        let theirs: Vec<DocumentView> = s.get_json(&other_head, "/api/v1/unit/documents").await;
        assert!(theirs.is_empty(), "{engine:?}");
        let (status, _) = download(&s, &other_head, &mine[0].download).await;
        assert_eq!(status, 404, "{engine:?}: another unit's document");
        let (status, _) = download(
            &s,
            &head,
            &format!("/api/v1/office/documents/{}/pdf", mine[0].id),
        )
        .await;
        assert_eq!(status, 404, "{engine:?}: the office's route");

        // Issued at once: consecutive numbers, none twice, none skipped.
        let one = req(DocumentKind::Assignment, case, None);
        let at_once = futures::future::join_all((0..6).map(|_| issue(&s, &office, &one))).await;
        let mut seqs: Vec<i64> = at_once
            .iter()
            .map(|(status, body)| {
                assert_eq!(*status, 201, "{engine:?}: {body}");
                serde_json::from_str::<DocumentView>(body).unwrap().seq
            })
            .collect();
        seqs.sort();
        assert_eq!(seqs, (4..=9).collect::<Vec<_>>(), "{engine:?}");
        let stored: i64 = sqlx::query("SELECT COUNT(DISTINCT sha256) AS n FROM documents")
            .fetch_one(&s.db.pool)
            .await
            .unwrap()
            .get("n");
        assert!(stored >= 3, "{engine:?}");
        let events: i64 =
            sqlx::query("SELECT COUNT(*) AS n FROM audit_events WHERE kind = 'document.issued'")
                .fetch_one(&s.db.pool)
                .await
                .unwrap()
                .get("n");
        assert_eq!(events, 9, "{engine:?}: one event per document");
        s.stop().await;
    }
}

/// The survey spreadsheet's heading (the scoring import's template).
const SURVEY_HEAD: &str = "单位编号,单位名称,非常满意,满意,基本满意,不太满意,不满意,不存在,有但不严重,严重,非常严重,虚假服务对象条数\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bulletin_is_written_from_the_published_ranking_and_goes_to_every_unit() {
    let scratch = tempfile::tempdir().unwrap();
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let year = chafang_server::clock::today_cst().year();
        let base = format!("/api/v1/office/scoring/{year}");
        if office.get(s.url(&base)).send().await.unwrap().status() != 200 {
            let (status, body) = post_json(
                &s,
                &office,
                "/api/v1/office/campaigns",
                &serde_json::json!({"year": year}),
            )
            .await;
            assert_eq!(status, 201, "{engine:?}: {body}");
        }
        let view: ScoringYear = s.get_json(&office, &base).await;
        // One unit with a name longer than its cell: it wraps within the cell.
        let long_name = "区人力资源和社会保障局劳动保障监察综合执法支队";
        let renamed = view.rows[2].unit.id;
        let res = office
            .patch(s.url(&format!("/api/v1/office/units/{renamed}")))
            .headers(common::fixtures::same_origin(&s))
            .json(&serde_json::json!({"name": long_name}))
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            200,
            "{engine:?}: {}",
            res.text().await.unwrap()
        );
        let view: ScoringYear = s.get_json(&office, &base).await;
        // Every unit answered; the later in the list, the more 非常满意: distinct ranks.
        let mut csv = SURVEY_HEAD.to_owned();
        for (i, r) in view.rows.iter().enumerate() {
            csv.push_str(&format!(
                "{},{},{},10,0,0,0,10,0,0,0,0\n",
                r.unit.id,
                r.unit.name,
                5 + i
            ));
        }
        let res = office
            .post(s.url(&format!("{base}/surveys/import?dry_run=false")))
            .headers(common::fixtures::same_origin(&s))
            .header("content-type", "text/csv")
            .body(csv.into_bytes())
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            200,
            "{engine:?}: {}",
            res.text().await.unwrap()
        );
        let (status, body) = post_json(
            &s,
            &office,
            &format!("{base}/publish"),
            &serde_json::json!({"note": ""}),
        )
        .await;
        assert_eq!(status, 200, "{engine:?}: {body}");
        let ranking: PublishedRanking = serde_json::from_str(&body).unwrap();

        let bulletin = issued(
            &s,
            &office,
            &IssueDocument {
                kind: DocumentKind::Bulletin,
                case: None,
                deadline: None,
                year: Some(year),
            },
        )
        .await;
        assert_eq!(bulletin.seq, 1, "{engine:?}");
        assert_eq!(bulletin.unit, None);
        let (status, pdf) = download(&s, &office, &bulletin.download).await;
        assert_eq!(status, 200);
        assert_eq!(
            sha256_hex(&pdf),
            chained_sha(&s, bulletin.id).await,
            "{engine:?}"
        );
        let text = pdf_text(&pdf, scratch.path());
        for needle in [
            format!("关于{year}年度民主评议政风行风综合测评结果的通报"),
            "各被评议单位：".to_owned(),
            "通报表扬".to_owned(),
            "通报批评".to_owned(),
            bulletin.number.clone(),
        ] {
            assert!(
                text.contains(&needle),
                "{engine:?}: {needle:?} not in:\n{text}"
            );
        }
        for r in ranking.rows.iter().filter(|r| r.commended || r.criticised) {
            assert!(
                text.matches(&r.unit.name).count() >= 2,
                "{engine:?}: {}",
                r.unit.name
            );
        }
        ranking_is_a_table(
            &pdf_layout(&pdf, scratch.path()),
            &ranking,
            long_name,
            engine,
        );
        to_png(
            &pdf,
            &format!("{engine:?}-bulletin").to_lowercase(),
            scratch.path(),
        );

        // Every unit gets it.
        let head = s.login("unit07").await;
        let theirs: Vec<DocumentView> = s.get_json(&head, "/api/v1/unit/documents").await;
        assert_eq!(theirs.len(), 1, "{engine:?}");
        let (status, again) = download(&s, &head, &theirs[0].download).await;
        assert_eq!(status, 200);
        assert_eq!(again, pdf, "{engine:?}");
        s.stop().await;
    }
}

/// The ranking in the bulletin's text as `pdftotext -layout` reads it: a header row with the
/// column names side by side, on every page the table reaches; each unit's row (rank, the
/// two parts and the total side by side) once, in rank order; each unit's name in its row,
/// the long one wrapped over the lines around its row's figures.
fn ranking_is_a_table(
    pages: &[Vec<String>],
    ranking: &PublishedRanking,
    long_name: &str,
    engine: chafang_server::Engine,
) {
    let all = pages
        .iter()
        .enumerate()
        .map(|(p, lines)| format!("--- page {} ---\n{}", p + 1, lines.join("\n")))
        .collect::<Vec<_>>()
        .join("\n");
    let head = [
        "名次",
        "单位",
        "满意度测评",
        "明查暗访检查",
        "综合得分",
        "等次",
    ];
    let is_head = |line: &str| line.split_whitespace().collect::<Vec<_>>() == head;
    // (page, line) of each unit's row, in rank order.
    let mut at: Vec<(usize, usize)> = Vec::new();
    for r in &ranking.rows {
        let figures = [
            // Every score with two decimals, as the ranking page shows them (a whole 30 beside
            // 58.70 read as a different kind of figure).
            points_text(r.survey_cp),
            points_text(r.inspection_cp),
            points_text(r.total_cp),
        ];
        let rank = r.rank.to_string();
        let mut found: Vec<(usize, usize)> = Vec::new();
        for (p, lines) in pages.iter().enumerate() {
            for (n, l) in lines.iter().enumerate() {
                let tokens: Vec<&str> = l.split_whitespace().collect();
                if tokens.first() == Some(&rank.as_str()) && tokens.windows(3).any(|w| w == figures)
                {
                    found.push((p, n));
                }
            }
        }
        assert_eq!(
            found.len(),
            1,
            "{engine:?}: the row of rank {} ({}, {figures:?}) once:\n{all}",
            r.rank,
            r.unit.name
        );
        let (p, n) = found[0];
        // The name: on the row's line, or wrapped within its cell over the lines around it
        // (a row's one-line cells are centred between its name's lines).
        let lines = &pages[p];
        let around: String = lines[n.saturating_sub(1)..(n + 2).min(lines.len())]
            .iter()
            .flat_map(|l| l.split_whitespace())
            .collect();
        let mut rest = around.as_str();
        for c in r.unit.name.chars() {
            let i = rest.find(c).unwrap_or_else(|| {
                panic!(
                    "{engine:?}: {c} of {} not in its row (rank {}):\n{all}",
                    r.unit.name, r.rank
                )
            });
            rest = &rest[i + c.len_utf8()..];
        }
        if r.unit.name == long_name {
            assert!(
                !lines[n - 1..=n + 1].iter().any(|l| l.contains(long_name)),
                "{engine:?}: the long name is wrapped in its cell:\n{all}"
            );
            assert!(
                !lines[n - 1].trim().is_empty() && !lines[n + 1].trim().is_empty(),
                "{engine:?}: the long name's row is three lines:\n{all}"
            );
        }
        let standing = lines[n].split_whitespace().last().unwrap_or("");
        let expect = if r.commended {
            "表扬"
        } else if r.criticised {
            "批评"
        } else {
            "—"
        };
        if !r.last_three_years {
            assert_eq!(standing, expect, "{engine:?}: rank {}:\n{all}", r.rank);
        }
        at.push((p, n));
    }
    assert!(
        at.windows(2).all(|w| w[0] < w[1]),
        "{engine:?}: rows in rank order: {at:?}\n{all}"
    );
    // The header above the first row on every page the table reaches, once per page.
    let table_pages: std::collections::BTreeSet<usize> = at.iter().map(|(p, _)| *p).collect();
    assert!(
        table_pages.len() >= 2,
        "{engine:?}: {} units should need a second page:\n{all}",
        ranking.rows.len()
    );
    for (p, lines) in pages.iter().enumerate() {
        let heads: Vec<usize> = (0..lines.len()).filter(|&n| is_head(&lines[n])).collect();
        if table_pages.contains(&p) {
            let first_row = at.iter().find(|(q, _)| *q == p).unwrap().1;
            assert_eq!(
                heads.len(),
                1,
                "{engine:?}: page {}: one header:\n{all}",
                p + 1
            );
            assert!(heads[0] < first_row, "{engine:?}: page {}:\n{all}", p + 1);
        } else {
            assert!(heads.is_empty(), "{engine:?}: page {}:\n{all}", p + 1);
        }
    }
}

#[test]
fn without_fonts_the_error_says_what_was_looked_for_and_where() {
    let empty = tempfile::tempdir().unwrap();
    let err = match fonts::load(&[empty.path().to_owned()]) {
        Ok(_) => panic!("an empty directory has no fonts"),
        Err(e) => e.to_string(),
    };
    assert!(err.contains(&empty.path().display().to_string()), "{err}");
    assert!(err.contains("NotoSerifCJK-Regular.ttc"), "{err}");
    assert!(err.contains("fonts-noto-cjk"), "{err}");
    assert!(err.contains(fonts::FONT_DIR_VAR), "{err}");
    // A file that is not a font is no font either.
    std::fs::write(empty.path().join("NotoSerifCJK-Regular.ttc"), b"not a font").unwrap();
    assert!(fonts::load(&[empty.path().to_owned()]).is_err());
}

#[test]
fn the_system_fonts_are_found() {
    let found = fonts::load(
        &fonts::SYSTEM_DIRS
            .iter()
            .map(PathBuf::from)
            .collect::<Vec<_>>(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    // The Simplified Chinese face of the collection: it has the simplified forms.
    assert!(found.body.metrics().glyph('国') != 0);
    assert!(found.bold.metrics().glyph('书') != 0);
}

/// The typed refusal of an error body.
fn refusal_of(body: &str) -> Refusal {
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    serde_json::from_value(v["error"]["refusal"].clone())
        .unwrap_or_else(|e| panic!("no typed refusal ({e}): {body}"))
}
