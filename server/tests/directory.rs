//! The unit directory over real HTTP on both engines: an xlsx with a bad row is refused row by
//! row and nothing is written, the fixed file's dry run shows what each row creates or
//! changes, and the confirmation writes exactly that; CSV (UTF-8 or GB18030) works the same;
//! an export imported again changes nothing; renaming a unit by its id keeps the unit and its
//! findings; a confirmation the database refuses halfway leaves nothing written; contacts are
//! edited with their history on the audit chain and shown to the office and the unit itself;
//! and no one but the office reaches the office's directory routes.

mod common;

use chafang_domain::api::{
    paths, ImportReport, OfficeCase, RowAction, RowError, RowProblem, SheetColumn, UnitEdit,
    UnitField, UnitRecord, UnitView, IMPORT_MAX_BYTES,
};
use chafang_domain::refusal::input::SheetProblem;
use chafang_domain::refusal::{
    DirectoryRefusal, InputRefusal, QueryRefusal, Refusal, StoreRefusal,
};
use chafang_domain::unit::{GeoPoint, RecordError, UnitKind};
use chafang_domain::{DeviceId, UnitId};
use common::fixtures::{a_unit, case_of_finding, submit, visit};
use common::{engines, expect, send, TestServer};
use rust_xlsxwriter::Workbook;
use sqlx::Row;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const HEADER: [&str; 11] = [
    "单位名称",
    "上级单位",
    "类型",
    "地址",
    "纬度",
    "经度",
    "负责人",
    "负责人电话",
    "联络员",
    "联络员电话",
    "领导小组办公室",
];

/// An xlsx as a person fills it in: a title row, the heading, then the rows; coordinates as
/// numbers, everything else as text.
fn xlsx(rows: &[Vec<&str>]) -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet
        .write_string(0, 0, "被评议单位名录（2026 年）")
        .unwrap();
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string(1, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32 + 2, c as u16);
            match cell.parse::<f64>() {
                Ok(n) if c == 4 || c == 5 => sheet.write_number(r, c, n).unwrap(),
                _ => sheet.write_string(r, c, *cell).unwrap(),
            };
        }
    }
    book.save_to_buffer().unwrap()
}

/// A CSV of the heading and rows, UTF-8 without a byte-order mark.
fn csv(rows: &[Vec<&str>]) -> String {
    let mut out = HEADER.join(",");
    for row in rows {
        out.push('\n');
        out.push_str(&row.join(","));
    }
    out.push('\n');
    out
}

/// The rows of the first xlsx test; the fourth (row 6 of the sheet, below the title and the
/// heading) has the given address.
fn first_rows(address_of_row_6: &str) -> Vec<Vec<&str>> {
    vec![
        // A new department with everything filled in.
        vec![
            "区审计局",
            "",
            "部门",
            "城关街道 300 号",
            "30.281",
            "120.161",
            "王审计",
            "0571-86000001",
            "李联络",
            // Typed with a Chinese input method: full-width digits.
            "１３８０００００００１",
            "区审计局行风办，0571-86000009",
        ],
        // Its window, whose parent comes later in the file.
        vec![
            "统计咨询窗口",
            "区统计局",
            "窗口",
            "城关街道 311 号",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        // An existing unit with new contacts.
        vec![
            "区科技局",
            "",
            "部门",
            "城关街道112号",
            "",
            "",
            "赵科技",
            "0571-86000002",
            "",
            "",
            "",
        ],
        vec![
            "区统计局",
            "",
            "部门",
            address_of_row_6,
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        vec![
            "审计服务窗口",
            "区审计局",
            "服务窗口",
            "城关街道 301 号",
            "30.2811",
            "120.1611",
            "",
            "",
            "",
            "",
            "",
        ],
    ]
}

/// The typed refusal of a response with the given status.
async fn typed_refusal(s: &TestServer, want: u16, req: reqwest::RequestBuilder) -> Refusal {
    let (status, body) = send(req).await;
    assert_eq!(status, want, "{:?}: {body}", s.engine);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    serde_json::from_value(v["error"]["refusal"].clone())
        .unwrap_or_else(|e| panic!("no typed refusal ({e}): {body}"))
}

fn upload(
    s: &TestServer,
    client: &reqwest::Client,
    path: &str,
    content_type: &str,
    bytes: Vec<u8>,
) -> reqwest::RequestBuilder {
    client
        .post(s.url(path))
        .header("content-type", content_type)
        .body(bytes)
}

async fn dry_run(s: &TestServer, office: &reqwest::Client, ct: &str, bytes: &[u8]) -> ImportReport {
    let req = upload(
        s,
        office,
        paths::OFFICE_DIRECTORY_DRY_RUN,
        ct,
        bytes.to_vec(),
    );
    expect(s, 200, req).await
}

async fn confirm(
    s: &TestServer,
    office: &reqwest::Client,
    ct: &str,
    bytes: &[u8],
    token: &str,
) -> reqwest::RequestBuilder {
    let path = format!("{}?token={token}", paths::OFFICE_DIRECTORY_IMPORT);
    upload(s, office, &path, ct, bytes.to_vec())
}

async fn records(s: &TestServer, office: &reqwest::Client) -> Vec<UnitRecord> {
    s.get_json(office, paths::OFFICE_UNITS).await
}

fn named<'a>(records: &'a [UnitRecord], name: &str) -> &'a UnitRecord {
    records
        .iter()
        .find(|r| r.unit.name == name)
        .unwrap_or_else(|| panic!("no unit named {name}"))
}

/// The number of events on the audit chain.
async fn chain_length(s: &TestServer) -> i64 {
    let mut conn = s.db.pool.acquire().await.unwrap();
    sqlx::query("SELECT COUNT(*) AS n FROM audit_events")
        .fetch_one(&mut *conn)
        .await
        .unwrap()
        .get::<i64, _>("n")
}

/// The payloads of a subject's audit events of one kind, oldest first.
async fn events(s: &TestServer, subject: &str, kind: &str) -> Vec<serde_json::Value> {
    let mut conn = s.db.pool.acquire().await.unwrap();
    sqlx::query("SELECT payload FROM audit_events WHERE subject = $1 AND kind = $2 ORDER BY seq")
        .bind(subject)
        .bind(kind)
        .fetch_all(&mut *conn)
        .await
        .unwrap()
        .iter()
        .map(|r| serde_json::from_str(&r.get::<String, _>("payload")).unwrap())
        .collect()
}

async fn download(s: &TestServer, client: &reqwest::Client, path: &str) -> (String, Vec<u8>) {
    let res = client.get(s.url(path)).send().await.unwrap();
    assert_eq!(res.status(), 200, "{:?}: GET {path}", s.engine);
    let ct = res.headers()["content-type"].to_str().unwrap().to_owned();
    let disposition = res.headers()["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    (ct, res.bytes().await.unwrap().to_vec())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_xlsx_with_a_bad_row_imports_nothing_and_imports_once_fixed() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let before = records(&s, &office).await;
        let events_before = chain_length(&s).await;

        // The dry run names the bad row by its number and writes nothing.
        let bad = xlsx(&first_rows(""));
        let report = dry_run(&s, &office, XLSX, &bad).await;
        assert_eq!(
            report.errors,
            vec![RowError {
                line: 6,
                problem: RowProblem::MissingAddress
            }]
        );
        let actions: Vec<RowAction> = report.rows.iter().map(|r| r.action).collect();
        use RowAction::*;
        assert_eq!(actions, vec![Create, Create, Update, Error, Create]);
        assert_eq!(report.rows[0].line, 3, "the title and heading come first");
        assert!(!report.applied);
        // Confirming it anyway is refused naming the same row, and writes nothing.
        let r = typed_refusal(
            &s,
            422,
            confirm(&s, &office, XLSX, &bad, &report.token).await,
        )
        .await;
        assert_eq!(
            r,
            Refusal::Input(InputRefusal::RowErrors {
                lines: vec![6],
                count: 1
            })
        );
        assert_eq!(records(&s, &office).await, before);
        assert_eq!(chain_length(&s).await, events_before);

        // The fixed file shows what each row does.
        let good = xlsx(&first_rows("城关街道 310 号"));
        let report = dry_run(&s, &office, XLSX, &good).await;
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        assert_eq!(
            actions_of(&report),
            vec![Create, Create, Update, Create, Create]
        );
        assert_eq!(
            (report.creates, report.updates, report.unchanged),
            (4, 1, 0)
        );
        let keji = a_unit(&s, "区科技局").await;
        let update = &report.rows[2];
        assert_eq!(update.unit_id, Some(keji.id));
        let fields: Vec<(UnitField, &str, &str)> = update
            .changes
            .iter()
            .map(|c| (c.field, c.old.as_str(), c.new.as_str()))
            .collect();
        assert_eq!(
            fields,
            vec![
                (UnitField::HeadName, "", "赵科技"),
                (UnitField::HeadPhone, "", "0571-86000002"),
                (
                    UnitField::Position,
                    &position_text(keji.position) as &str,
                    ""
                ),
            ]
        );
        assert_eq!(
            records(&s, &office).await,
            before,
            "a dry run writes nothing"
        );

        // The confirmation writes exactly that.
        let events_before = chain_length(&s).await;
        let applied: ImportReport = expect(
            &s,
            200,
            confirm(&s, &office, XLSX, &good, &report.token).await,
        )
        .await;
        assert!(applied.applied);
        assert_eq!(applied.token, report.token);
        let after = records(&s, &office).await;
        assert_eq!(after.len(), before.len() + 4);
        let audit = named(&after, "区审计局");
        assert_eq!(audit.unit.kind, UnitKind::Department);
        assert_eq!(
            audit.unit.position,
            Some(GeoPoint::new(30.281, 120.161).unwrap())
        );
        assert_eq!(audit.contacts.head_name, "王审计");
        assert_eq!(audit.contacts.liaison_phone, "13800000001");
        assert_eq!(
            audit.contacts.leading_office,
            "区审计局行风办，0571-86000009"
        );
        assert_eq!(applied.rows[0].unit_id, Some(audit.unit.id));
        let window = named(&after, "审计服务窗口");
        assert_eq!(window.unit.parent_id, Some(audit.unit.id));
        assert_eq!(window.unit.kind, UnitKind::Window);
        let stats = named(&after, "区统计局");
        assert_eq!(
            named(&after, "统计咨询窗口").unit.parent_id,
            Some(stats.unit.id)
        );
        let keji_after = named(&after, "区科技局");
        assert_eq!(keji_after.unit.id, keji.id);
        assert_eq!(keji_after.contacts.head_name, "赵科技");
        assert_eq!(keji_after.unit.position, None);
        // Every change is on the chain with its old and new value, and the import itself.
        let changed = events(&s, &keji.id.to_string(), "unit.changed").await;
        assert_eq!(changed.len(), 1);
        assert_eq!(changed[0]["changes"]["head_name"]["old"], "");
        assert_eq!(changed[0]["changes"]["head_name"]["new"], "赵科技");
        assert_eq!(changed[0]["via"], "import");
        assert_eq!(changed[0]["file_sha256"], applied.file_sha256);
        let created = events(&s, &audit.unit.id.to_string(), "unit.created").await;
        assert_eq!(created[0]["contacts"]["head_name"], "王审计");
        let imported = events(&s, &applied.file_sha256, "directory.imported").await;
        assert_eq!(imported.len(), 1);
        assert_eq!(imported[0]["creates"], 4);
        assert_eq!(chain_length(&s).await, events_before + 6);

        // The same file again changes nothing, and the old dry run's token no longer fits.
        let again = dry_run(&s, &office, XLSX, &good).await;
        assert_eq!(actions_of(&again), vec![Unchanged; 5]);
        let r = typed_refusal(
            &s,
            409,
            confirm(&s, &office, XLSX, &good, &report.token).await,
        )
        .await;
        assert_eq!(r, Refusal::Directory(DirectoryRefusal::ChangedSinceDryRun));
        s.stop().await;
    }
}

fn actions_of(report: &ImportReport) -> Vec<RowAction> {
    report.rows.iter().map(|r| r.action).collect()
}

fn position_text(p: Option<GeoPoint>) -> String {
    p.map_or_else(String::new, |p| format!("{}, {}", p.lat, p.lon))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_imports_alike_and_an_export_imports_unchanged() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;

        // A CSV as Excel saves it on a Chinese system: GB18030.
        let rows = vec![
            vec![
                "区统计局",
                "",
                "部门",
                "城关街道 320 号",
                "30.29",
                "120.17",
                "",
                "",
                "",
                "",
                "",
            ],
            vec![
                "统计窗口",
                "区统计局",
                "窗口",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            ],
            vec![
                "普查站",
                "区统计局",
                "站所",
                "城关街道 322 号",
                "30.29",
                "",
                "",
                "",
                "",
                "",
                "",
            ],
            vec![
                "教育站",
                "中小学",
                "学校",
                "城关街道 323 号",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            ],
            vec![
                "另一窗口",
                "区统计局",
                "柜台",
                "城关街道 324 号",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            ],
        ];
        let text = csv(&rows);
        let (gbk, _, _) = encoding_rs::GB18030.encode(&text);
        let report = dry_run(&s, &office, "text/csv", &gbk).await;
        assert_eq!(
            report.errors,
            vec![
                RowError {
                    line: 3,
                    problem: RowProblem::MissingAddress
                },
                RowError {
                    line: 4,
                    problem: RowProblem::HalfPosition
                },
                RowError {
                    line: 6,
                    problem: RowProblem::UnknownKind {
                        given: "柜台".into()
                    }
                },
            ]
        );
        assert_eq!(
            report.rows[3].action,
            RowAction::Create,
            "a school under an industry"
        );

        // Fixed, in UTF-8 with a byte-order mark, it imports.
        let mut fixed = rows.clone();
        fixed[1][3] = "城关街道 321 号";
        fixed[2][5] = "120.17";
        fixed[4][2] = "服务窗口";
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend(csv(&fixed).into_bytes());
        let report = dry_run(&s, &office, "text/csv", &bytes).await;
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        assert_eq!(report.creates, 5);
        let applied: ImportReport = expect(
            &s,
            200,
            confirm(&s, &office, "text/csv", &bytes, &report.token).await,
        )
        .await;
        assert!(applied.applied);
        let all = records(&s, &office).await;
        assert_eq!(
            named(&all, "普查站").unit.position,
            Some(GeoPoint {
                lat: 30.29,
                lon: 120.17
            })
        );
        assert_eq!(
            named(&all, "教育站").unit.parent_id,
            Some(named(&all, "中小学").unit.id)
        );

        // Contacts edited by hand go along in the export.
        let jianshe = a_unit(&s, "区建设局").await;
        let edit = UnitEdit {
            liaison_name: Some("周联络".into()),
            // A leading `+` would make a spreadsheet program read the CSV cell as a formula.
            liaison_phone: Some("+86 0571-87000000转8".into()),
            ..Default::default()
        };
        let _: UnitRecord = expect(
            &s,
            200,
            office
                .patch(s.url(&paths::office_unit(jianshe.id)))
                .json(&edit),
        )
        .await;

        // The export, in either format, imports as unchanged row for row.
        let total = records(&s, &office).await.len();
        for (format, want_type) in [("xlsx", XLSX), ("csv", "text/csv; charset=utf-8")] {
            let path = format!("{}?format={format}", paths::OFFICE_DIRECTORY_EXPORT);
            let (ct, bytes) = download(&s, &office, &path).await;
            assert_eq!(ct, want_type);
            let report = dry_run(&s, &office, &ct, &bytes).await;
            assert!(report.errors.is_empty(), "{format}: {:?}", report.errors);
            assert_eq!(report.rows.len(), total, "{format}");
            assert!(
                report.rows.iter().all(|r| r.action == RowAction::Unchanged),
                "{format}: {:?}",
                report
                    .rows
                    .iter()
                    .find(|r| r.action != RowAction::Unchanged)
            );
        }
        let (_, default) = download(&s, &office, paths::OFFICE_DIRECTORY_EXPORT).await;
        assert!(default.starts_with(b"PK\x03\x04"), "xlsx by default");

        // The template is the heading alone: a dry run of it has no rows.
        let (ct, template) = download(&s, &office, paths::OFFICE_DIRECTORY_TEMPLATE).await;
        assert_eq!(ct, XLSX);
        let report = dry_run(&s, &office, XLSX, &template).await;
        assert!(report.rows.is_empty() && report.errors.is_empty());
        s.stop().await;
    }
}

/// The export's CSV with one unit's name replaced, keeping its id.
fn renamed_in_export(export: &[u8], old: &str, new: &str) -> Vec<u8> {
    let text = std::str::from_utf8(export).unwrap();
    let lines: Vec<String> = text
        .lines()
        .map(|l| {
            if l.starts_with(&format!("{old},")) {
                l.replacen(old, new, 1)
            } else {
                l.to_owned()
            }
        })
        .collect();
    (lines.join("\n") + "\n").into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renaming_by_id_keeps_the_unit_and_its_findings() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let monitor = s.login("monitor01").await;
        let head = s.login("unit01").await;
        let station = a_unit(&s, "建设工程质量监督站").await;
        let v = visit(&station, DeviceId::new(), 1, &[]);
        assert_eq!(submit(&s, &monitor, &v).await.status(), 201);
        let case = case_of_finding(&s, &office, v.findings[0].id).await;

        let path = format!("{}?format=csv", paths::OFFICE_DIRECTORY_EXPORT);
        let (_, export) = download(&s, &office, &path).await;
        let new_name = "区建设工程质量安全监督站";
        let bytes = renamed_in_export(&export, &station.name, new_name);
        let report = dry_run(&s, &office, "text/csv", &bytes).await;
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        let row = report
            .rows
            .iter()
            .find(|r| r.action != RowAction::Unchanged)
            .unwrap();
        assert_eq!(row.action, RowAction::Update);
        assert_eq!(row.unit_id, Some(station.id));
        assert_eq!(row.changes.len(), 1);
        assert_eq!(
            (
                row.changes[0].field,
                row.changes[0].old.as_str(),
                row.changes[0].new.as_str()
            ),
            (UnitField::Name, station.name.as_str(), new_name)
        );
        assert_eq!(report.updates, 1);
        let _: ImportReport = expect(
            &s,
            200,
            confirm(&s, &office, "text/csv", &bytes, &report.token).await,
        )
        .await;

        // The same unit under its new name, with its finding, for the office and the unit.
        let renamed: UnitView = s
            .get_json(&office, &format!("{}/{}", paths::UNITS, station.id))
            .await;
        assert_eq!((renamed.id, renamed.name.as_str()), (station.id, new_name));
        assert_eq!(renamed.parent_id, station.parent_id);
        let found: OfficeCase = s.get_json(&office, &paths::office_finding(case)).await;
        assert_eq!(
            (found.row.unit.id, found.row.unit.name.as_str()),
            (station.id, new_name)
        );
        let own: Vec<UnitView> = s.get_json(&head, paths::UNITS).await;
        assert!(own.iter().any(|u| u.id == station.id && u.name == new_name));
        let changed = events(&s, &station.id.to_string(), "unit.changed").await;
        assert_eq!(changed[0]["changes"]["name"]["old"], station.name);
        assert_eq!(changed[0]["changes"]["name"]["new"], new_name);

        // Two units under one parent may swap names in one import.
        let window = a_unit(&s, "建设审批服务窗口").await;
        let swap = format!(
            "单位名称,上级单位,类型,地址,单位编号\n\
             建设审批服务窗口,区建设局,基层站所,{},{}\n\
             {new_name},区建设局,服务窗口,{},{}\n",
            renamed.address, station.id, window.address, window.id
        );
        let report = dry_run(&s, &office, "text/csv", swap.as_bytes()).await;
        assert_eq!(report.updates, 2, "{:?}", report.errors);
        let _: ImportReport = expect(
            &s,
            200,
            confirm(&s, &office, "text/csv", swap.as_bytes(), &report.token).await,
        )
        .await;
        let all = records(&s, &office).await;
        assert_eq!(named(&all, "建设审批服务窗口").unit.id, station.id);
        assert_eq!(named(&all, new_name).unit.id, window.id);
        let changed = events(&s, &window.id.to_string(), "unit.changed").await;
        assert_eq!(changed[0]["changes"]["name"]["old"], "建设审批服务窗口");
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_confirmation_refused_by_the_database_writes_nothing() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let jianshe = a_unit(&s, "区建设局").await;

        // Three rows; the last one's address is already 区建设局's, which nothing in the
        // import's rules forbids.
        let rows = vec![
            vec![
                "区统计局",
                "",
                "部门",
                "城关街道 320 号",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            ],
            vec![
                "统计窗口",
                "区统计局",
                "窗口",
                "城关街道 321 号",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            ],
            vec![
                "区审计局",
                "",
                "部门",
                &jianshe.address,
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            ],
        ];
        let bytes = csv(&rows).into_bytes();
        let report = dry_run(&s, &office, "text/csv", &bytes).await;
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        assert_eq!(report.creates, 3);

        // Between the dry run and the confirmation the database starts refusing a second unit
        // at one address: only the database knows, so the third row fails after the first two
        // were written in the same transaction.
        {
            let mut conn = s.db.pool.acquire().await.unwrap();
            sqlx::query("CREATE UNIQUE INDEX test_one_unit_per_address ON units (address)")
                .execute(&mut *conn)
                .await
                .unwrap();
        }
        let before = records(&s, &office).await;
        let events_before = chain_length(&s).await;
        let r = typed_refusal(
            &s,
            409,
            confirm(&s, &office, "text/csv", &bytes, &report.token).await,
        )
        .await;
        assert_eq!(
            r,
            Refusal::Directory(DirectoryRefusal::ImportRowRefused {
                line: 4,
                store: StoreRefusal::Duplicate
            })
        );
        assert_eq!(records(&s, &office).await, before);
        assert_eq!(chain_length(&s).await, events_before);

        // A collision that arises between dry run and confirmation is caught when the
        // confirmation plans again: nothing is written either.
        let window = a_unit(&s, "建设审批服务窗口").await;
        let bytes = format!(
            "单位名称,上级单位,类型,地址,单位编号\n审批窗口,区建设局,服务窗口,{},{}\n",
            window.address, window.id
        )
        .into_bytes();
        let report = dry_run(&s, &office, "text/csv", &bytes).await;
        assert_eq!(report.updates, 1, "{:?}", report.errors);
        let station = a_unit(&s, "建设工程质量监督站").await;
        let edit = UnitEdit {
            name: Some("审批窗口".into()),
            ..Default::default()
        };
        let _: UnitRecord = expect(
            &s,
            200,
            office
                .patch(s.url(&paths::office_unit(station.id)))
                .json(&edit),
        )
        .await;
        let before = records(&s, &office).await;
        let events_before = chain_length(&s).await;
        let r = typed_refusal(
            &s,
            422,
            confirm(&s, &office, "text/csv", &bytes, &report.token).await,
        )
        .await;
        assert_eq!(
            r,
            Refusal::Input(InputRefusal::RowErrors {
                lines: vec![2],
                count: 1
            })
        );
        assert_eq!(records(&s, &office).await, before);
        assert_eq!(chain_length(&s).await, events_before);
        // A new dry run names the collision on that row.
        let again = dry_run(&s, &office, "text/csv", &bytes).await;
        assert_eq!(
            again.errors,
            vec![RowError {
                line: 2,
                problem: RowProblem::NameTaken {
                    name: "审批窗口".into(),
                    unit_id: station.id
                }
            }]
        );
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contacts_are_edited_on_the_record_and_shown_to_the_unit_itself() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let jianshe = a_unit(&s, "区建设局").await;
        let path = paths::office_unit(jianshe.id);
        let edit = UnitEdit {
            head_name: Some(" 王局长 ".into()),
            head_phone: Some("0571-88000000".into()),
            leading_office: Some("局行风建设领导小组办公室".into()),
            position: Some(GeoPoint {
                lat: 30.3,
                lon: 120.2,
            }),
            ..Default::default()
        };
        let record: UnitRecord = expect(&s, 200, office.patch(s.url(&path)).json(&edit)).await;
        assert_eq!(record.contacts.head_name, "王局长");
        assert_eq!(
            record.unit.position,
            Some(GeoPoint {
                lat: 30.3,
                lon: 120.2
            })
        );
        assert_eq!(record.unit.name, "区建设局");
        let got: UnitRecord = s.get_json(&office, &path).await;
        assert_eq!(got, record);
        let changed = events(&s, &jianshe.id.to_string(), "unit.changed").await;
        assert_eq!(changed.len(), 1);
        let c = &changed[0]["changes"];
        assert_eq!(
            (
                c["head_name"]["old"].as_str(),
                c["head_name"]["new"].as_str()
            ),
            (Some(""), Some("王局长"))
        );
        assert_eq!(c["position"]["new"]["lat"], 30.3);
        assert!(
            c.get("address").is_none(),
            "unchanged fields are not listed"
        );
        // The same edit again records nothing; bad fields and a taken name are refused.
        let _: UnitRecord = expect(&s, 200, office.patch(s.url(&path)).json(&edit)).await;
        assert_eq!(
            events(&s, &jianshe.id.to_string(), "unit.changed")
                .await
                .len(),
            1
        );
        let bad_phone = UnitEdit {
            liaison_phone: Some("找办公室".into()),
            ..Default::default()
        };
        let r = typed_refusal(&s, 422, office.patch(s.url(&path)).json(&bad_phone)).await;
        assert_eq!(
            r,
            Refusal::Directory(DirectoryRefusal::Record(RecordError::Phone {
                field: SheetColumn::LiaisonPhone,
                value: "找办公室".into()
            }))
        );
        let taken = UnitEdit {
            name: Some("区科技局".into()),
            ..Default::default()
        };
        assert_eq!(
            typed_refusal(&s, 409, office.patch(s.url(&path)).json(&taken)).await,
            Refusal::Directory(DirectoryRefusal::NameTaken {
                name: "区科技局".into()
            })
        );

        // The unit sees its own record and those under it; another unit does not.
        let head = s.login("unit01").await;
        let own: Vec<UnitRecord> = s.get_json(&head, paths::UNIT_DIRECTORY).await;
        assert_eq!(own.len(), 3);
        assert_eq!(named(&own, "区建设局").contacts.head_name, "王局长");
        let other: Vec<UnitRecord> = s.get_as("unit02", paths::UNIT_DIRECTORY).await;
        assert!(other.iter().all(|r| r.unit.id != jianshe.id));
        s.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_files_are_refused_in_words_and_only_the_office_reaches_the_routes() {
    for engine in engines() {
        let s = TestServer::start(engine).await;
        let office = s.login("office").await;
        let dry = paths::OFFICE_DIRECTORY_DRY_RUN;
        for (bytes, problem) in [
            (Vec::new(), SheetProblem::Empty),
            (
                b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(),
                SheetProblem::NotASpreadsheet,
            ),
            (
                b"PK\x03\x04not really a zip".to_vec(),
                SheetProblem::DamagedXlsx,
            ),
        ] {
            assert_eq!(
                typed_refusal(&s, 422, upload(&s, &office, dry, "text/csv", bytes)).await,
                Refusal::Input(InputRefusal::SheetUnreadable { problem }),
                "{:?}",
                s.engine
            );
        }
        // A heading the template does not have is refused by what it lacks.
        for (bytes, why) in [
            (
                "名称,地址\n区统计局,城关\n".as_bytes().to_vec(),
                DirectoryRefusal::NoHeading,
            ),
            (
                "单位名称,地址\n区统计局,城关\n".as_bytes().to_vec(),
                DirectoryRefusal::MissingColumns {
                    columns: vec![SheetColumn::Parent, SheetColumn::Kind],
                },
            ),
        ] {
            let r = typed_refusal(&s, 422, upload(&s, &office, dry, "text/csv", bytes)).await;
            assert_eq!(r, Refusal::Directory(why), "{:?}", s.engine);
        }
        let (status, _) = send(upload(
            &s,
            &office,
            dry,
            XLSX,
            vec![b'a'; IMPORT_MAX_BYTES + 1],
        ))
        .await;
        assert_eq!(status, 413);
        // A large directory well past the JSON body limit is planned in one piece; a column
        // the template does not have is ignored.
        let mut big =
            String::from("单位名称,上级单位,类型,地址,备注\n区统计局,,部门,城关街道 320 号,\n");
        for i in 0..3000 {
            big.push_str(&format!(
                "统计窗口{i},区统计局,服务窗口,城关街道 320 号 {i} 室,{}\n",
                "备".repeat(40)
            ));
        }
        assert!(big.len() > 256 * 1024);
        let started = std::time::Instant::now();
        let report = dry_run(&s, &office, "text/csv", big.as_bytes()).await;
        assert!(report.errors.is_empty(), "{:?}", &report.errors[..1]);
        assert_eq!(report.creates, 3001);
        assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
        let r = typed_refusal(
            &s,
            400,
            office.get(s.url(&format!("{}?format=pdf", paths::OFFICE_DIRECTORY_EXPORT))),
        )
        .await;
        assert_eq!(
            r,
            Refusal::Query(QueryRefusal::Format {
                given: "pdf".into()
            })
        );

        // Everyone else: 404 signed in, 401 not.
        let keji: UnitId = a_unit(&s, "区科技局").await.id;
        let good = csv(&[vec![
            "区统计局",
            "",
            "部门",
            "城关街道 320 号",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ]])
        .into_bytes();
        let units_before = records(&s, &office).await.len();
        for who in ["monitor01", "unit01", "unit02", ""] {
            let client = if who.is_empty() {
                s.client()
            } else {
                s.login(who).await
            };
            let want = if who.is_empty() { 401 } else { 404 };
            let requests = [
                client.get(s.url(paths::OFFICE_UNITS)),
                client.get(s.url(&paths::office_unit(keji))),
                client
                    .patch(s.url(&paths::office_unit(keji)))
                    .json(&UnitEdit {
                        head_name: Some("冒名".into()),
                        ..Default::default()
                    }),
                client.get(s.url(paths::OFFICE_DIRECTORY_TEMPLATE)),
                client.get(s.url(paths::OFFICE_DIRECTORY_EXPORT)),
                upload(&s, &client, dry, "text/csv", good.clone()),
                upload(
                    &s,
                    &client,
                    paths::OFFICE_DIRECTORY_IMPORT,
                    "text/csv",
                    good.clone(),
                ),
            ];
            for req in requests {
                let (status, body) = send(req).await;
                assert_eq!(status, want, "{:?} {who}: {body}", s.engine);
            }
            if who.starts_with("monitor") || who.is_empty() {
                let (status, _) = send(client.get(s.url(paths::UNIT_DIRECTORY))).await;
                assert_eq!(status, want, "{who}: the unit's directory");
            }
        }
        assert_eq!(records(&s, &office).await.len(), units_before);
        let record: UnitRecord = s.get_json(&office, &paths::office_unit(keji)).await;
        assert_eq!(record.contacts.head_name, "");
        s.stop().await;
    }
}
