//! What each kind of document says. A document about a finding goes to the unit, so its words
//! come only from the unit's own view of the finding (`UnitCase`, which has no field for the
//! reporter, the visit, the position or the exact day of a covert visit) and from the case's
//! deadlines: nothing here can name who reported it.

use super::render::{chinese_date, Document, Para};
use super::table::{Align, Column, Table};
use chafang_domain::api::{DocumentKind, PublishedRanking, PublishedRow, UnitCase};
use chafang_domain::followup::{DeadlineKind, Deadlines, FindingNumber};
use chafang_domain::scoring::{points_text, INSPECTION_POINTS_CP, SURVEY_POINTS_CP};
use chafang_domain::visit::Severity;
use time::Date;

/// The issuing office as the documents name it, and its code in document numbers. Set with
/// `chafang serve --doc-issuer/--doc-code` (`CHAFANG_DOC_ISSUER`, `CHAFANG_DOC_CODE`).
#[derive(Clone, Debug)]
pub struct Issuer {
    pub name: String,
    pub code: String,
}

pub const DEFAULT_ISSUER: &str = "政风行风评议工作领导小组办公室";
pub const DEFAULT_CODE: &str = "行评办";

impl Default for Issuer {
    fn default() -> Issuer {
        Issuer::new(None, None)
    }
}

impl Issuer {
    /// The issuer named by the settings, each blank or absent one by its default.
    pub fn new(name: Option<&str>, code: Option<&str>) -> Issuer {
        let pick = |v: Option<&str>, default: &str| {
            v.map(str::trim)
                .filter(|v| !v.is_empty())
                .unwrap_or(default)
                .to_owned()
        };
        Issuer {
            name: pick(name, DEFAULT_ISSUER),
            code: pick(code, DEFAULT_CODE),
        }
    }

    /// 发文字号: 行评办〔2026〕3号.
    pub fn number(&self, year: i32, seq: i64) -> String {
        format!("{}〔{year}〕{seq}号", self.code)
    }
}

/// A document's title by kind.
pub fn title(kind: DocumentKind, year: i32) -> String {
    match kind {
        DocumentKind::Assignment => "政风行风监督发现问题交办单".to_owned(),
        DocumentKind::RectificationNotice => "政风行风问题整改通知书".to_owned(),
        DocumentKind::Reminder => "关于督促办理政风行风监督问题的函".to_owned(),
        DocumentKind::Bulletin => format!("关于{year}年度民主评议政风行风综合测评结果的通报"),
        DocumentKind::Accountability => "政风行风问题责任追究通知".to_owned(),
    }
}

/// The finding as the unit knows it, with the criterion's name.
pub struct Finding<'a> {
    pub case: &'a UnitCase,
    pub criterion_name: String,
    pub deadlines: Deadlines,
    /// Working days to answer once acknowledged, when the answer's deadline is not set yet.
    pub answer_days: Option<u32>,
}

/// A severity as the paper forms say it.
fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Minor => "有但不严重",
        Severity::Serious => "严重",
        Severity::VerySerious => "非常严重",
    }
}

/// A finding's number with its unit as documents print it: 2026年第7号 (the year it was
/// released to the unit and its place among that year's releases to it), never the case's id.
pub fn finding_number(n: FindingNumber) -> String {
    format!("{}年第{}号", n.year, n.seq)
}

fn facts(f: &Finding<'_>) -> Vec<Para> {
    let c = f.case;
    vec![
        Para::Text(format!("问题编号：{}", finding_number(c.number))),
        Para::Text(format!(
            "发现时间：{}",
            crate::reports::labels::seen_period(c.seen_in)
        )),
        Para::Text(format!("评议内容：{}", f.criterion_name)),
        Para::Text(format!("严重程度：{}", severity(c.severity))),
        Para::Text(format!("问题描述：{}", c.text)),
    ]
}

fn head(issuer: &Issuer, kind: DocumentKind, number: &str, year: i32, date: Date) -> Document {
    Document {
        header: issuer.name.clone(),
        number: number.to_owned(),
        title: title(kind, year),
        addressee: None,
        body: Vec::new(),
        issuer: issuer.name.clone(),
        date,
        anchor: None,
    }
}

/// 交办单: the finding handed to the unit with what it must do and by when.
pub fn assignment(issuer: &Issuer, number: &str, today: Date, f: &Finding<'_>) -> Document {
    let c = f.case;
    let mut doc = head(
        issuer,
        DocumentKind::Assignment,
        number,
        today.year(),
        today,
    );
    doc.addressee = Some(c.unit.name.clone());
    doc.body.push(Para::Text(format!(
        "在{}年度民主评议政风行风工作中，政风行风监督员在明查暗访中发现你单位存在以下问题，现交你单位办理。",
        c.seen_in.year
    )));
    doc.body.push(Para::Heading("一、问题情况".to_owned()));
    doc.body.extend(facts(f));
    doc.body.push(Para::Heading("二、办理要求".to_owned()));
    let ack = f
        .deadlines
        .ack_due
        .map(|d| format!("请你单位于{}前签收，", chinese_date(d)))
        .unwrap_or_else(|| "请你单位及时签收，".to_owned());
    let answer = match (f.deadlines.answer_due, f.answer_days) {
        (Some(d), _) => format!("于{}前", chinese_date(d)),
        (None, Some(n)) => format!("自签收之日起{n}个工作日内"),
        (None, None) => "在规定期限内".to_owned(),
    };
    doc.body.push(Para::Text(format!(
        "{ack}{answer}按立行立改、限期整改、制定整改计划或作出说明四种方式之一答复，并附整改佐证材料。\
         逾期未签收或未答复的，我办将予以督办，并纳入年度综合测评。"
    )));
    doc.body.push(Para::Text("特此交办。".to_owned()));
    doc
}

/// 整改通知书: rectify the finding by `deadline` and report back.
pub fn rectification_notice(
    issuer: &Issuer,
    number: &str,
    today: Date,
    deadline: Date,
    f: &Finding<'_>,
) -> Document {
    let c = f.case;
    let mut doc = head(
        issuer,
        DocumentKind::RectificationNotice,
        number,
        today.year(),
        today,
    );
    doc.addressee = Some(c.unit.name.clone());
    doc.body.push(Para::Text(format!(
        "经核查，你单位在{}年度民主评议政风行风工作中被发现存在以下问题：",
        c.seen_in.year
    )));
    doc.body.extend(facts(f));
    doc.body.push(Para::Text(format!(
        "现通知你单位限期整改。请于{}前完成整改，并将整改情况及佐证材料书面报送我办。\
         我办将组织监督员回访核查；整改不到位或逾期未整改的，将在年度综合测评中予以扣分并通报。",
        chinese_date(deadline)
    )));
    doc.body.push(Para::Text("特此通知。".to_owned()));
    doc
}

/// What was due, and what the unit has not done, for a reminder.
fn overdue_words(kind: DeadlineKind) -> (&'static str, &'static str) {
    match kind {
        DeadlineKind::Acknowledge => ("签收", "签收"),
        DeadlineKind::Answer => ("答复", "答复"),
        DeadlineKind::Commitment => ("完成整改", "报告整改完成情况"),
    }
}

/// 督办函: the unit is late with `due` (acknowledgement, answer or commitment).
pub fn reminder(
    issuer: &Issuer,
    number: &str,
    today: Date,
    deadline: Date,
    due: (DeadlineKind, Date),
    f: &Finding<'_>,
) -> Document {
    let c = f.case;
    let mut doc = head(issuer, DocumentKind::Reminder, number, today.year(), today);
    doc.addressee = Some(c.unit.name.clone());
    let (should, not_done) = overdue_words(due.0);
    let late = (today - due.1).whole_days();
    doc.body.push(Para::Text(format!(
        "我办于{}向你单位交办的政风行风监督问题（问题编号：{}，评议内容：{}），按要求应于{}前{should}。\
         截至{}，你单位尚未{not_done}，已逾期{late}日。",
        chinese_date(c.released_on),
        finding_number(c.number),
        f.criterion_name,
        chinese_date(due.1),
        chinese_date(today),
    )));
    doc.body.push(Para::Text(format!("问题描述：{}", c.text)));
    doc.body.push(Para::Text(format!(
        "请你单位高度重视，于{}前{not_done}，并将办理情况书面报送我办。逾期仍未办理的，\
         我办将按规定在年度综合测评中予以扣分，并予以通报。",
        chinese_date(deadline)
    )));
    doc.body.push(Para::Text("特此函告。".to_owned()));
    doc
}

fn joined(names: &[&str]) -> String {
    names.join("、")
}

/// What a unit's row says in the bulletin's last column: 表扬, 批评 (and 连续三年末位), or a dash.
fn standing(row: &PublishedRow) -> String {
    match (row.commended, row.criticised, row.last_three_years) {
        (true, _, _) => "表扬".to_owned(),
        (_, true, true) => "批评（连续三年末位）".to_owned(),
        (_, true, false) => "批评".to_owned(),
        (_, _, true) => "连续三年末位".to_owned(),
        _ => "—".to_owned(),
    }
}

/// The ranking as a ruled table: 名次, 单位, the two parts of the score, the total, and
/// 表扬/批评, one row per unit in rank order, as published.
pub fn ranking_table(r: &PublishedRanking) -> Table {
    let column = |head: &str, align, max_chars| Column {
        head: head.to_owned(),
        align,
        max_chars,
    };
    Table {
        columns: vec![
            column("名次", Align::Centre, Some(3.0)),
            column("单位", Align::Left, None),
            column("满意度测评", Align::Centre, Some(5.0)),
            column("明查暗访检查", Align::Centre, Some(6.0)),
            column("综合得分", Align::Centre, Some(4.0)),
            column("等次", Align::Centre, Some(4.0)),
        ],
        rows: r
            .rows
            .iter()
            .map(|row| {
                vec![
                    row.rank.to_string(),
                    row.unit.name.clone(),
                    points_text(row.survey_cp),
                    points_text(row.inspection_cp),
                    points_text(row.total_cp),
                    standing(row),
                ]
            })
            .collect(),
    }
}

/// 通报: the year's published ranking (综合测评结果), with the commended and the criticised
/// units, to every appraised unit. Written from the ranking as published, never recomputed.
pub fn bulletin(issuer: &Issuer, number: &str, today: Date, r: &PublishedRanking) -> Document {
    let year = r.year;
    let mut doc = head(issuer, DocumentKind::Bulletin, number, year, today);
    doc.header = format!("{}文件", issuer.name);
    doc.addressee = Some("各被评议单位".to_owned());
    doc.body.push(Para::Text(format!(
        "根据{year}年度民主评议政风行风工作安排，我办组织开展了综合测评。综合测评由满意度测评（{}分）\
         和明查暗访检查（{}分）两部分组成。现将测评结果通报如下。",
        // The parts' full marks, in prose: whole points.
        SURVEY_POINTS_CP / 100,
        INSPECTION_POINTS_CP / 100
    )));
    doc.body.push(Para::Heading("一、测评结果".to_owned()));
    doc.body.push(Para::Table(ranking_table(r)));
    let commended: Vec<&str> = r
        .rows
        .iter()
        .filter(|x| x.commended)
        .map(|x| x.unit.name.as_str())
        .collect();
    let criticised: Vec<&str> = r
        .rows
        .iter()
        .filter(|x| x.criticised)
        .map(|x| x.unit.name.as_str())
        .collect();
    let three_years: Vec<&str> = r
        .rows
        .iter()
        .filter(|x| x.last_three_years)
        .map(|x| x.unit.name.as_str())
        .collect();
    let mut n = 1;
    let numeral = |n: usize| ["一", "二", "三", "四", "五"][n.min(4)];
    if !commended.is_empty() {
        doc.body
            .push(Para::Heading(format!("{}、通报表扬", numeral(n))));
        doc.body.push(Para::Text(format!(
            "{}综合测评成绩位居前列，予以通报表扬。希望受表扬的单位再接再厉，持续提升服务水平。",
            joined(&commended)
        )));
        n += 1;
    }
    if !criticised.is_empty() {
        doc.body
            .push(Para::Heading(format!("{}、通报批评", numeral(n))));
        doc.body.push(Para::Text(format!(
            "{}综合测评成绩排名靠后，予以通报批评。请上述单位认真查找问题根源，制定整改措施，\
             自本通报印发之日起一个月内将整改情况书面报送我办。",
            joined(&criticised)
        )));
        if !three_years.is_empty() {
            doc.body.push(Para::Text(format!(
                "{}连续三年综合测评排名末位，我办将按规定予以重点督办。",
                joined(&three_years)
            )));
        }
        n += 1;
    }
    doc.body
        .push(Para::Heading(format!("{}、有关要求", numeral(n))));
    doc.body.push(Para::Text(
        "各单位要对照测评结果和明查暗访发现的问题，举一反三，切实改进作风、提升效能，\
         推动政风行风持续好转。"
            .to_owned(),
    ));
    if !r.note.trim().is_empty() {
        doc.body
            .push(Para::Text(format!("说明：{}", r.note.trim())));
    }
    doc
}

/// A problem verified against a person, as a 问责通知 lists it.
pub struct LadderProblem {
    /// 2026年第7号, or none before a number was given.
    pub number: Option<FindingNumber>,
    pub criterion_name: String,
    pub verified_on: Date,
}

/// 问责通知: the step the repeat-offence ladder calls for, addressed to the person's unit.
/// Written from the person's record and the verified problems' numbers, criteria and days of
/// verification only: nothing of who reported them.
#[allow(clippy::too_many_arguments)]
pub fn accountability(
    issuer: &Issuer,
    number: &str,
    today: Date,
    unit_name: &str,
    person: &chafang_domain::api::LadderPerson,
    step: chafang_domain::ladder::LadderStep,
    problems: &[LadderProblem],
    note: &str,
) -> Document {
    let mut doc = head(
        issuer,
        DocumentKind::Accountability,
        number,
        today.year(),
        today,
    );
    doc.title = format!("关于对{}同志进行{}的通知", person.name, step.name_zh());
    doc.addressee = Some(unit_name.to_owned());
    let who = {
        let mut w = person.name.clone();
        let mut extra = Vec::new();
        if !person.post.is_empty() {
            extra.push(person.post.clone());
        }
        if !person.staff_no.is_empty() {
            extra.push(format!("工号{}", person.staff_no));
        }
        if !extra.is_empty() {
            w.push_str(&format!("（{}）", extra.join("，")));
        }
        w
    };
    doc.body.push(Para::Text(format!(
        "根据“一次查实诫勉谈话、两次通报批评、三次交流换岗”的规定，你单位{who}同志经查实存在以下问题{}件：",
        problems.len()
    )));
    for (i, p) in problems.iter().enumerate() {
        let n = p
            .number
            .map(finding_number)
            .unwrap_or_else(|| "未编号".to_owned());
        doc.body.push(Para::Text(format!(
            "{}．问题编号{}，评议内容：{}，查实日期：{}。",
            i + 1,
            n,
            p.criterion_name,
            chinese_date(p.verified_on)
        )));
    }
    doc.body.push(Para::Text(format!(
        "请你单位对该同志进行{}，并于十个工作日内将处理情况书面报送我办。",
        step.name_zh()
    )));
    if !note.trim().is_empty() {
        doc.body.push(Para::Text(format!("说明：{}", note.trim())));
    }
    doc.body.push(Para::Text("特此通知。".to_owned()));
    doc
}
