//! Planning an import: reading the rows of an uploaded sheet, matching each to the unit it
//! describes, and comparing them, without writing anything.
//!
//! A row is matched by its unit id (单位编号, which exports carry: such a row may rename its
//! unit, which keeps its id and so the history of its findings), else by its name under its
//! parent. A parent is named by its name, or by a path (`上级/单位`) when the name alone is
//! ambiguous; it may be a unit of the directory or one that a row of the same file creates,
//! before or after the row. Names are compared as they will be once the import is done, so a
//! file may rename a unit and give its old name to a new one. Every problem becomes a typed
//! `RowProblem` of its row (the app words it); the columns of the heading that are missing are
//! one 422 for the file.

use super::sheet::{Sheet, SheetRow};
use super::{same_position, Fields};
use crate::error::ApiError;
use chafang_domain::api::{
    FieldChange, ImportReport, RowAction, RowError, RowPlan, RowProblem, SheetColumn, SheetFormat,
    UnitField, UnitRecord,
};
use chafang_domain::refusal::DirectoryRefusal;
use chafang_domain::unit::{
    check_phone, check_text, check_unit_name, tidy_phone, to_half_width, GeoPoint, RecordError,
    UnitContacts, UnitKind, ADDRESS_MAX_CHARS, LEADING_OFFICE_MAX_CHARS, PERSON_NAME_MAX_CHARS,
};
use chafang_domain::UnitId;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};

// ---------------------------------------------------------------------------------------------
// Reading rows.
// ---------------------------------------------------------------------------------------------

/// Where each of the template's columns is in the file, found by its heading.
struct Columns {
    /// The heading's row number.
    header_line: u32,
    at: HashMap<SheetColumn, usize>,
}

impl Columns {
    fn has(&self, column: SheetColumn) -> bool {
        self.at.contains_key(&column)
    }

    /// A row's trimmed cell in a column; `None` when the file has no such column.
    fn cell<'a>(&self, row: &'a SheetRow, column: SheetColumn) -> Option<&'a str> {
        let i = *self.at.get(&column)?;
        Some(row.cells.get(i).map_or("", |c| c.trim()))
    }
}

/// The longest 上级单位 cell (a path of a few names).
const PARENT_MAX_CHARS: usize = 400;

/// How many rows above the heading may hold a title.
const HEADER_SEARCH_ROWS: usize = 5;

/// Finds the heading row (the first of the first few rows with a 单位名称 cell) and the
/// columns in it; a 422 naming what is missing otherwise.
fn columns(sheet: &Sheet) -> Result<Columns, ApiError> {
    let header = sheet
        .rows
        .iter()
        .take(HEADER_SEARCH_ROWS)
        .find(|r| {
            r.cells
                .iter()
                .any(|c| SheetColumn::from_header(c) == Some(SheetColumn::Name))
        })
        .ok_or_else(|| ApiError::from(DirectoryRefusal::NoHeading))?;
    let mut at = HashMap::new();
    for (i, cell) in header.cells.iter().enumerate() {
        if let Some(column) = SheetColumn::from_header(cell) {
            if at.insert(column, i).is_some() {
                return Err(DirectoryRefusal::ColumnTwice { column }.into());
            }
        }
    }
    let missing: Vec<SheetColumn> = SheetColumn::REQUIRED
        .into_iter()
        .filter(|c| !at.contains_key(c))
        .collect();
    if !missing.is_empty() {
        return Err(DirectoryRefusal::MissingColumns { columns: missing }.into());
    }
    if at.contains_key(&SheetColumn::Lat) != at.contains_key(&SheetColumn::Lon) {
        return Err(DirectoryRefusal::LatLonPair.into());
    }
    Ok(Columns {
        header_line: header.line,
        at,
    })
}

/// One row as read, with what is wrong with it.
#[derive(Debug, Clone)]
struct Input {
    line: u32,
    id: Option<UnitId>,
    name: String,
    parent: String,
    kind: Option<UnitKind>,
    address: String,
    /// `None` when the file has no position columns; `Some(None)` for blank cells.
    position: Option<Option<GeoPoint>>,
    /// Each contact field, `None` when the file has no such column.
    contacts: [Option<String>; 5],
    errors: Vec<RowProblem>,
}

/// The contact columns, in the order of `Input::contacts`.
const CONTACT_COLUMNS: [SheetColumn; 5] = [
    SheetColumn::HeadName,
    SheetColumn::HeadPhone,
    SheetColumn::LiaisonName,
    SheetColumn::LiaisonPhone,
    SheetColumn::LeadingOffice,
];

impl Input {
    fn error(&mut self, problem: impl Into<RowProblem>) {
        self.errors.push(problem.into());
    }
}

/// Reads a coordinate cell.
fn coordinate(text: &str, column: SheetColumn) -> Result<f64, RowProblem> {
    to_half_width(text)
        .replace(['°', ' '], "")
        .parse::<f64>()
        .map_err(|_| RowProblem::NotANumber {
            column,
            given: text.to_owned(),
        })
}

/// Reads the two position cells: both blank is no position.
fn position(lat_cell: &str, lon_cell: &str) -> Result<Option<GeoPoint>, RowProblem> {
    match (lat_cell.is_empty(), lon_cell.is_empty()) {
        (true, true) => return Ok(None),
        (false, true) | (true, false) => return Err(RowProblem::HalfPosition),
        (false, false) => {}
    }
    let lat = coordinate(lat_cell, SheetColumn::Lat)?;
    let lon = coordinate(lon_cell, SheetColumn::Lon)?;
    GeoPoint::new(lat, lon)
        .map(Some)
        .map_err(|_| RowProblem::PositionOutOfRange {
            lat: lat_cell.to_owned(),
            lon: lon_cell.to_owned(),
            swapped: GeoPoint::new(lon, lat).is_ok(),
        })
}

/// Reads one row of the sheet; every problem becomes an error of the row.
fn read_row(row: &SheetRow, cols: &Columns, known: &HashSet<UnitId>) -> Input {
    let cell = |c| cols.cell(row, c).unwrap_or("");
    let mut input = Input {
        line: row.line,
        id: None,
        name: cell(SheetColumn::Name).to_owned(),
        parent: cell(SheetColumn::Parent).to_owned(),
        kind: None,
        address: cell(SheetColumn::Address).to_owned(),
        position: None,
        contacts: CONTACT_COLUMNS.map(|c| {
            let text = cols.cell(row, c)?;
            Some(match c {
                SheetColumn::HeadPhone | SheetColumn::LiaisonPhone => tidy_phone(text),
                _ => text.to_owned(),
            })
        }),
        errors: Vec::new(),
    };
    if let Err(e) = check_unit_name(&input.name) {
        input.error(e);
    }
    if let Err(e) = check_text(SheetColumn::Parent, &input.parent, PARENT_MAX_CHARS) {
        input.error(e);
    }
    let kind = cell(SheetColumn::Kind);
    match UnitKind::from_label(kind) {
        Some(k) => input.kind = Some(k),
        None if kind.is_empty() => input.error(RowProblem::MissingKind),
        None => input.error(RowProblem::UnknownKind {
            given: kind.to_owned(),
        }),
    }
    if input.address.is_empty() {
        input.error(RowProblem::MissingAddress);
    } else if let Err(e) = check_text(SheetColumn::Address, &input.address, ADDRESS_MAX_CHARS) {
        input.error(e);
    }
    if cols.has(SheetColumn::Lat) {
        match position(cell(SheetColumn::Lat), cell(SheetColumn::Lon)) {
            Ok(p) => input.position = Some(p),
            Err(e) => input.error(e),
        }
    }
    check_contacts(&mut input);
    let id = cell(SheetColumn::Id);
    if !id.is_empty() {
        match id.parse::<UnitId>() {
            Ok(id) if known.contains(&id) => input.id = Some(id),
            Ok(_) => input.error(RowProblem::UnknownId {
                given: id.to_owned(),
            }),
            Err(_) => input.error(RowProblem::BadId {
                given: id.to_owned(),
            }),
        }
    }
    if let Some(kind) = input.kind {
        if kind.is_top_level() && !input.parent.is_empty() {
            input.error(RowProblem::TopLevelHasParent { kind });
        } else if !kind.is_top_level() && input.parent.is_empty() {
            input.error(RowProblem::NeedsParent { kind });
        }
    }
    input
}

fn check_contacts(input: &mut Input) {
    type Check = fn(SheetColumn, &str) -> Result<(), RecordError>;
    let checks: [(SheetColumn, Check); 5] = [
        (SheetColumn::HeadName, |f, v| {
            check_text(f, v, PERSON_NAME_MAX_CHARS)
        }),
        (SheetColumn::HeadPhone, check_phone),
        (SheetColumn::LiaisonName, |f, v| {
            check_text(f, v, PERSON_NAME_MAX_CHARS)
        }),
        (SheetColumn::LiaisonPhone, check_phone),
        (SheetColumn::LeadingOffice, |f, v| {
            check_text(f, v, LEADING_OFFICE_MAX_CHARS)
        }),
    ];
    let mut errors = Vec::new();
    for (value, (field, check)) in input.contacts.iter().zip(checks) {
        if let Some(Err(e)) = value.as_deref().map(|v| check(field, v)) {
            errors.push(e);
        }
    }
    for e in errors {
        input.error(e);
    }
}

// ---------------------------------------------------------------------------------------------
// Planning.
// ---------------------------------------------------------------------------------------------

/// A unit of the directory as it will be: one that exists, or the one a row creates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Node {
    Existing(UnitId),
    New(usize),
}

/// The directory and the rows, and what is known so far of where each row belongs.
struct Planner<'a> {
    units: HashMap<UnitId, &'a UnitRecord>,
    /// The directory's units by their current name.
    units_by_name: HashMap<&'a str, Vec<UnitId>>,
    children: HashMap<Option<UnitId>, Vec<UnitId>>,
    rows: Vec<Input>,
    /// The rows by the name they give their unit.
    rows_by_name: HashMap<String, Vec<usize>>,
    /// For each unit that a row names by its id, the first such row.
    by_id: HashMap<UnitId, usize>,
    /// Each row's unit, once resolved (`None` inside when it cannot be).
    node: Vec<Option<Option<Node>>>,
    /// Each row's parent, once resolved.
    parent: Vec<Option<Option<Node>>>,
    /// Rows whose unit is being resolved: a row met again is in a cycle.
    visiting_node: HashSet<usize>,
    /// Rows whose parent is being resolved.
    visiting_parent: HashSet<usize>,
}

impl<'a> Planner<'a> {
    fn new(records: &'a [UnitRecord], rows: Vec<Input>) -> Planner<'a> {
        let mut children: HashMap<Option<UnitId>, Vec<UnitId>> = HashMap::new();
        let mut units_by_name: HashMap<&str, Vec<UnitId>> = HashMap::new();
        for r in records {
            children
                .entry(r.unit.parent_id)
                .or_default()
                .push(r.unit.id);
            units_by_name
                .entry(&r.unit.name)
                .or_default()
                .push(r.unit.id);
        }
        let mut by_id = HashMap::new();
        let mut rows_by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, row) in rows.iter().enumerate() {
            if let Some(id) = row.id {
                by_id.entry(id).or_insert(i);
            }
            rows_by_name.entry(row.name.clone()).or_default().push(i);
        }
        let n = rows.len();
        Planner {
            units: records.iter().map(|r| (r.unit.id, r)).collect(),
            units_by_name,
            children,
            rows,
            rows_by_name,
            by_id,
            node: vec![None; n],
            parent: vec![None; n],
            visiting_node: HashSet::new(),
            visiting_parent: HashSet::new(),
        }
    }

    /// A node's name once the import is done.
    fn final_name(&self, node: Node) -> &str {
        match node {
            Node::New(i) => &self.rows[i].name,
            Node::Existing(id) => match self.by_id.get(&id) {
                Some(&i) => &self.rows[i].name,
                None => self.units.get(&id).map_or("", |u| u.unit.name.as_str()),
            },
        }
    }

    /// The existing units under a parent whose final name is `name`.
    fn existing_named(&self, parent: Option<UnitId>, name: &str) -> Vec<UnitId> {
        self.children
            .get(&parent)
            .into_iter()
            .flatten()
            .copied()
            .filter(|&id| self.final_name(Node::Existing(id)) == name)
            .collect()
    }

    /// The unit a row describes: the one its id names, else the one of its name under its
    /// parent, else a new one.
    fn node_of(&mut self, i: usize) -> Option<Node> {
        if let Some(done) = self.node[i] {
            return done;
        }
        if !self.visiting_node.insert(i) {
            return None;
        }
        let node = self.match_row(i);
        self.visiting_node.remove(&i);
        self.node[i] = Some(node);
        node
    }

    fn match_row(&mut self, i: usize) -> Option<Node> {
        if let Some(id) = self.rows[i].id {
            return Some(Node::Existing(id));
        }
        if self.rows[i].parent.is_empty() {
            let name = self.rows[i].name.clone();
            let found = self.existing_named(None, &name);
            return Some(found.first().map_or(Node::New(i), |&id| Node::Existing(id)));
        }
        match self.parent_of(i)? {
            Node::Existing(p) => {
                let name = self.rows[i].name.clone();
                let found = self.existing_named(Some(p), &name);
                Some(found.first().map_or(Node::New(i), |&id| Node::Existing(id)))
            }
            Node::New(_) => Some(Node::New(i)),
        }
    }

    /// A row's parent, resolved from its text; `None` (with an error on the row) when it
    /// names nothing, more than one unit, or a cycle.
    fn parent_of(&mut self, i: usize) -> Option<Node> {
        if let Some(done) = self.parent[i] {
            return done;
        }
        if self.rows[i].parent.is_empty() {
            self.parent[i] = Some(None);
            return None;
        }
        if !self.visiting_parent.insert(i) {
            return None;
        }
        let found = self.resolve_parent(i);
        self.visiting_parent.remove(&i);
        let node = match found {
            Ok(node) => Some(node),
            Err(problem) => {
                self.rows[i].error(problem);
                None
            }
        };
        self.parent[i] = Some(node);
        node
    }

    /// The nodes whose final name is `name`, rows other than `except` included.
    fn named(&mut self, name: &str, except: usize) -> Result<Vec<Node>, RowProblem> {
        // Units a row names by id are found through that row, under the row's name.
        let mut found: Vec<Node> = self
            .units_by_name
            .get(name)
            .into_iter()
            .flatten()
            .filter(|id| !self.by_id.contains_key(id))
            .map(|&id| Node::Existing(id))
            .collect();
        let rows: Vec<usize> = self
            .rows_by_name
            .get(name)
            .into_iter()
            .flatten()
            .copied()
            .filter(|&j| j != except)
            .collect();
        for j in rows {
            if self.visiting_node.contains(&j) {
                return Err(RowProblem::ParentLoop);
            }
            match self.node_of(j) {
                Some(node) => found.push(node),
                None => {
                    return Err(RowProblem::ParentRowHasErrors {
                        parent: name.to_owned(),
                        line: self.rows[j].line,
                    })
                }
            }
        }
        let mut seen = HashSet::new();
        found.retain(|n| seen.insert(*n));
        Ok(found)
    }

    /// A node's parent once the import is done.
    fn final_parent(&mut self, node: Node) -> Option<Node> {
        match node {
            Node::Existing(id) => self
                .units
                .get(&id)
                .and_then(|u| u.unit.parent_id)
                .map(Node::Existing),
            Node::New(j) => self.parent_of(j),
        }
    }

    fn resolve_parent(&mut self, i: usize) -> Result<Node, RowProblem> {
        let text = self.rows[i].parent.clone();
        let whole = self.named(&text, i)?;
        if whole.len() == 1 {
            return Ok(whole[0]);
        }
        let path: Vec<&str> = text.split(['/', '／']).map(str::trim).collect();
        let not_found = || RowProblem::ParentNotFound {
            parent: text.clone(),
        };
        if whole.is_empty() && path.len() < 2 {
            return Err(not_found());
        }
        if whole.len() > 1 && path.len() < 2 {
            return Err(RowProblem::ParentAmbiguous {
                parent: text.clone(),
                count: whole.len() as u32,
            });
        }
        if path.iter().any(|s| s.is_empty()) {
            return Err(RowProblem::ParentPathEmptyPart {
                parent: text.clone(),
            });
        }
        let Some((last, above)) = path.split_last() else {
            return Err(not_found());
        };
        let mut matches = Vec::new();
        for candidate in self.named(last, i)? {
            if self.ancestors_named(candidate, above) {
                matches.push(candidate);
            }
        }
        match matches.len() {
            1 => Ok(matches[0]),
            0 => Err(not_found()),
            n => Err(RowProblem::ParentPathAmbiguous {
                parent: text.clone(),
                count: n as u32,
            }),
        }
    }

    /// Whether a node's nearest ancestors carry the given names (`above` ends with the
    /// parent's name).
    fn ancestors_named(&mut self, node: Node, above: &[&str]) -> bool {
        let mut at = node;
        for name in above.iter().rev() {
            match self.final_parent(at) {
                Some(p) if self.final_name(p) == *name => at = p,
                _ => return false,
            }
        }
        true
    }
}

/// The name a unit is written under in the 上级单位 column: its name, or its path when
/// another unit has the same name.
pub(super) fn parent_text(records: &[UnitRecord], id: UnitId) -> String {
    let by_id: HashMap<UnitId, &UnitRecord> = records.iter().map(|r| (r.unit.id, r)).collect();
    let Some(unit) = by_id.get(&id) else {
        return String::new();
    };
    let twins = records
        .iter()
        .filter(|r| r.unit.name == unit.unit.name)
        .count();
    if twins < 2 {
        return unit.unit.name.clone();
    }
    let mut path = vec![unit.unit.name.clone()];
    let mut at = unit.unit.parent_id;
    while let Some(p) = at.and_then(|p| by_id.get(&p)) {
        path.push(p.unit.name.clone());
        at = p.unit.parent_id;
        if path.len() > records.len() {
            break;
        }
    }
    path.reverse();
    path.join("/")
}

/// A field as the sheet shows it.
fn position_text(p: Option<GeoPoint>) -> String {
    p.map_or_else(String::new, |p| format!("{}, {}", p.lat, p.lon))
}

/// Each changed field, as the sheet shows it.
fn field_changes(old: &Fields, new: &Fields) -> Vec<FieldChange> {
    let mut out = Vec::new();
    let mut text = |field, a: &str, b: &str| {
        if a != b {
            out.push(FieldChange {
                field,
                old: a.to_owned(),
                new: b.to_owned(),
            });
        }
    };
    text(UnitField::Name, &old.name, &new.name);
    text(UnitField::Kind, old.kind.label_zh(), new.kind.label_zh());
    text(UnitField::Address, &old.address, &new.address);
    let (a, b) = (&old.contacts, &new.contacts);
    text(UnitField::HeadName, &a.head_name, &b.head_name);
    text(UnitField::HeadPhone, &a.head_phone, &b.head_phone);
    text(UnitField::LiaisonName, &a.liaison_name, &b.liaison_name);
    text(UnitField::LiaisonPhone, &a.liaison_phone, &b.liaison_phone);
    text(
        UnitField::LeadingOffice,
        &a.leading_office,
        &b.leading_office,
    );
    if !same_position(old.position, new.position) {
        out.push(FieldChange {
            field: UnitField::Position,
            old: position_text(old.position),
            new: position_text(new.position),
        });
    }
    out
}

/// A row's fields laid over a unit's (or over nothing, for a new unit): the columns the file
/// has replace them, the others stay.
fn merged(base: Option<&Fields>, row: &Input, kind: UnitKind) -> Fields {
    let old_contacts = base.map(|b| b.contacts.clone()).unwrap_or_default();
    let old = [
        old_contacts.head_name,
        old_contacts.head_phone,
        old_contacts.liaison_name,
        old_contacts.liaison_phone,
        old_contacts.leading_office,
    ];
    let [head_name, head_phone, liaison_name, liaison_phone, leading_office] =
        std::array::from_fn(|i| row.contacts[i].clone().unwrap_or_else(|| old[i].clone()));
    Fields {
        name: row.name.clone(),
        kind,
        address: row.address.clone(),
        position: match row.position {
            Some(p) => p,
            None => base.and_then(|b| b.position),
        },
        contacts: UnitContacts {
            head_name,
            head_phone,
            liaison_name,
            liaison_phone,
            leading_office,
        },
    }
}

/// What the plan does with each row, beside the report.
#[derive(Debug, Clone)]
pub(super) enum Step {
    Create {
        row: usize,
        parent: Option<Node>,
        fields: Fields,
    },
    Update {
        id: UnitId,
        old: Fields,
        new: Fields,
    },
    Keep(UnitId),
    Refuse,
}

/// The plan of an import: the report and the steps that carry it out.
pub(super) struct Plan {
    pub report: ImportReport,
    pub steps: Vec<Step>,
}

/// Plans an import of a sheet into the directory as it is; writes nothing.
pub(super) fn plan(
    sheet: &Sheet,
    records: &[UnitRecord],
    file_sha256: &str,
) -> Result<Plan, ApiError> {
    let cols = columns(sheet)?;
    let known: HashSet<UnitId> = records.iter().map(|r| r.unit.id).collect();
    let rows: Vec<Input> = sheet
        .rows
        .iter()
        .filter(|r| r.line > cols.header_line)
        .map(|r| read_row(r, &cols, &known))
        .collect();
    let mut p = Planner::new(records, rows);
    let n = p.rows.len();
    let nodes: Vec<Option<Node>> = (0..n).map(|i| p.node_of(i)).collect();
    for (row, node) in p.rows.iter_mut().zip(&nodes) {
        if node.is_none() && row.errors.is_empty() {
            row.error(RowProblem::ParentLoop);
        }
    }
    check_parents_unchanged(&mut p, &nodes);
    check_duplicates(&mut p, &nodes);
    let steps: Vec<Step> = (0..n).map(|i| step(&mut p, &nodes, i)).collect();
    let report = report(sheet.format, file_sha256, &p, &steps);
    Ok(Plan { report, steps })
}

/// A row that updates an existing unit must name that unit's own parent: an import does not
/// move units.
fn check_parents_unchanged(p: &mut Planner<'_>, nodes: &[Option<Node>]) {
    for (i, node) in nodes.iter().enumerate() {
        let Some(Node::Existing(id)) = *node else {
            continue;
        };
        let Some(current) = p.units.get(&id).map(|u| u.unit.parent_id) else {
            continue;
        };
        let named = p.parent_of(i);
        let same = match (current, named) {
            (None, None) => p.rows[i].parent.is_empty(),
            (Some(c), Some(n)) => n == Node::Existing(c),
            _ => false,
        };
        // An unresolved parent already has its error.
        let unresolved = !p.rows[i].parent.is_empty() && named.is_none();
        if !same && !unresolved {
            let parent = current
                .and_then(|c| p.units.get(&c))
                .map(|u| u.unit.name.clone());
            let name = p.final_name(Node::Existing(id)).to_owned();
            p.rows[i].error(RowProblem::MovesUnit { name, parent });
        }
    }
}

/// Two rows for one unit, or two units of one name under one parent once the import is done.
fn check_duplicates(p: &mut Planner<'_>, nodes: &[Option<Node>]) {
    let mut first_row: HashMap<Node, usize> = HashMap::new();
    for (i, node) in nodes.iter().enumerate() {
        let Some(node) = *node else { continue };
        if let Some(&j) = first_row.get(&node) {
            let line = p.rows[j].line;
            p.rows[i].error(RowProblem::SameUnitAs { line });
        } else {
            first_row.insert(node, i);
        }
    }
    // Final names under each parent: units no row touches keep theirs.
    let mut taken: HashMap<(Option<Node>, String), Node> = HashMap::new();
    for (id, unit) in &p.units {
        if !first_row.contains_key(&Node::Existing(*id)) {
            let parent = unit.unit.parent_id.map(Node::Existing);
            taken.insert((parent, unit.unit.name.clone()), Node::Existing(*id));
        }
    }
    let mut order: Vec<(usize, Node)> = first_row.iter().map(|(n, i)| (*i, *n)).collect();
    order.sort_by_key(|(i, _)| *i);
    for (i, node) in order {
        let parent = match node {
            Node::Existing(id) => p
                .units
                .get(&id)
                .and_then(|u| u.unit.parent_id)
                .map(Node::Existing),
            Node::New(_) => p.parent_of(i),
        };
        // A row whose parent is not found already has its error.
        if parent.is_none() && !p.rows[i].parent.is_empty() {
            continue;
        }
        let key = (parent, p.rows[i].name.clone());
        match taken.get(&key) {
            Some(&Node::Existing(other)) if !first_row.contains_key(&Node::Existing(other)) => {
                let name = p.rows[i].name.clone();
                p.rows[i].error(RowProblem::NameTaken {
                    name,
                    unit_id: other,
                });
            }
            Some(&other) => {
                let line = first_row.get(&other).map_or(0, |&j| p.rows[j].line);
                p.rows[i].error(RowProblem::SameNameAs { line });
            }
            None => {
                taken.insert(key, node);
            }
        }
    }
}

/// What to do with one row.
fn step(p: &mut Planner<'_>, nodes: &[Option<Node>], i: usize) -> Step {
    let row = &p.rows[i];
    let (Some(node), Some(kind), true) = (nodes[i], row.kind, row.errors.is_empty()) else {
        return Step::Refuse;
    };
    match node {
        Node::Existing(id) => {
            let Some(unit) = p.units.get(&id) else {
                return Step::Refuse;
            };
            let old = Fields::of(unit);
            let new = merged(Some(&old), row, kind);
            if super::changes(&old, &new).is_empty() {
                Step::Keep(id)
            } else {
                Step::Update { id, old, new }
            }
        }
        Node::New(_) => {
            let fields = merged(None, row, kind);
            let parent = p.parent_of(i);
            Step::Create {
                row: i,
                parent,
                fields,
            }
        }
    }
}

/// The report of a plan, with the token that names it.
fn report(format: SheetFormat, file_sha256: &str, p: &Planner<'_>, steps: &[Step]) -> ImportReport {
    // An error anywhere stops the whole import, so an error row's problems are the only ones
    // listed; clean rows still show what they would do.
    let rows: Vec<RowPlan> = p
        .rows
        .iter()
        .zip(steps)
        .map(|(row, step)| RowPlan {
            line: row.line,
            name: row.name.clone(),
            parent: row.parent.clone(),
            unit_id: match step {
                Step::Update { id, .. } | Step::Keep(id) => Some(*id),
                Step::Create { .. } | Step::Refuse => None,
            },
            action: match step {
                Step::Create { .. } => RowAction::Create,
                Step::Update { .. } => RowAction::Update,
                Step::Keep(_) => RowAction::Unchanged,
                Step::Refuse => RowAction::Error,
            },
            changes: match step {
                Step::Update { old, new, .. } => field_changes(old, new),
                _ => Vec::new(),
            },
            errors: row.errors.clone(),
        })
        .collect();
    let errors = p
        .rows
        .iter()
        .flat_map(|r| {
            r.errors.iter().map(|problem| RowError {
                line: r.line,
                problem: problem.clone(),
            })
        })
        .collect();
    let count = |a: RowAction| rows.iter().filter(|r| r.action == a).count() as u32;
    let (creates, updates, unchanged) = (
        count(RowAction::Create),
        count(RowAction::Update),
        count(RowAction::Unchanged),
    );
    let token = token(file_sha256, &rows);
    ImportReport {
        format,
        file_sha256: file_sha256.to_owned(),
        rows,
        errors,
        creates,
        updates,
        unchanged,
        token,
        applied: false,
    }
}

/// The token of a plan: the SHA-256 of the file's hash and of what the plan does with each row.
fn token(file_sha256: &str, rows: &[RowPlan]) -> String {
    let mut h = Sha256::new();
    h.update(file_sha256.as_bytes());
    h.update(b"\n");
    h.update(serde_json::to_vec(rows).unwrap_or_default());
    hex::encode(h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chafang_domain::api::UnitView;
    use chafang_domain::criteria::CriteriaSetKind;

    fn unit(name: &str, parent: Option<UnitId>, kind: UnitKind) -> UnitRecord {
        UnitRecord {
            unit: UnitView {
                id: UnitId::new(),
                parent_id: parent,
                name: name.into(),
                kind,
                address: "城关街道 1 号".into(),
                position: None,
                criteria_set: CriteriaSetKind::Department,
                merged_into: None,
            },
            contacts: UnitContacts::default(),
        }
    }

    fn sheet(lines: &[&str]) -> Sheet {
        let mut rows = vec![SheetRow {
            line: 1,
            cells: ["单位名称", "上级单位", "类型", "地址", "单位编号"]
                .map(str::to_owned)
                .to_vec(),
        }];
        for (i, l) in lines.iter().enumerate() {
            rows.push(SheetRow {
                line: i as u32 + 2,
                cells: l.split(',').map(str::to_owned).collect(),
            });
        }
        Sheet {
            format: SheetFormat::Csv,
            rows,
        }
    }

    fn actions(report: &ImportReport) -> Vec<RowAction> {
        report.rows.iter().map(|r| r.action).collect()
    }

    /// 区建设局 with 质监站 and 窗口, 区科技局 with another 质监站.
    fn directory() -> Vec<UnitRecord> {
        let top = unit("区建设局", None, UnitKind::Department);
        let a = unit("质监站", Some(top.unit.id), UnitKind::Station);
        let other = unit("区科技局", None, UnitKind::Department);
        let b = unit("质监站", Some(other.unit.id), UnitKind::Station);
        let w = unit("窗口", Some(top.unit.id), UnitKind::Window);
        vec![top, a, other, b, w]
    }

    #[test]
    fn parents_may_come_later_and_existing_units_match_by_name() {
        let dir = directory();
        let s = sheet(&[
            "一号窗口,新中心,服务窗口,城关街道 2 号,",
            "新中心,,行政服务中心,城关街道 3 号,",
            "质监站,区建设局,基层站所,城关街道 1 号,",
            "质监站,区科技局,基层站所,城关街道 9 号,",
        ]);
        let r = plan(&s, &dir, "f").unwrap().report;
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        use RowAction::*;
        assert_eq!(actions(&r), vec![Create, Create, Unchanged, Update]);
        assert_eq!(r.rows[2].unit_id, Some(dir[1].unit.id));
        assert_eq!(r.rows[3].unit_id, Some(dir[3].unit.id));
        assert_eq!(r.rows[3].changes[0].field, UnitField::Address);
    }

    #[test]
    fn errors_name_their_rows() {
        let dir = directory();
        let s = sheet(&[
            "甲,,部门,,",
            "乙,无此单位,基层站所,地址,",
            "丙,区建设局,局,地址,",
            "丁,质监站,服务窗口,地址,",
            "戊,,部门,地址,not-an-id",
            "区建设局,,部门,地址,",
            "区建设局,,部门,地址,",
        ]);
        let r = plan(&s, &dir, "f").unwrap().report;
        let error = |line: u32, problem: RowProblem| RowError { line, problem };
        assert_eq!(
            r.errors,
            vec![
                error(2, RowProblem::MissingAddress),
                error(
                    3,
                    RowProblem::ParentNotFound {
                        parent: "无此单位".into()
                    }
                ),
                error(
                    4,
                    RowProblem::UnknownKind {
                        given: "局".into()
                    }
                ),
                error(
                    5,
                    RowProblem::ParentAmbiguous {
                        parent: "质监站".into(),
                        count: 2
                    }
                ),
                error(
                    6,
                    RowProblem::BadId {
                        given: "not-an-id".into()
                    }
                ),
                error(8, RowProblem::SameUnitAs { line: 7 }),
            ]
        );
        assert_eq!(
            r.rows[2].errors,
            vec![RowProblem::UnknownKind {
                given: "局".into()
            }]
        );
        assert_eq!(r.rows[5].action, RowAction::Update, "{:?}", r.errors);
    }

    #[test]
    fn paths_pick_between_twins_and_cycles_are_refused() {
        let dir = directory();
        let s = sheet(&[
            "窗口甲,区科技局/质监站,服务窗口,地址,",
            "环甲,环乙,基层站所,地址,",
            "环乙,环甲,基层站所,地址,",
        ]);
        let r = plan(&s, &dir, "f").unwrap().report;
        assert_eq!(r.rows[0].action, RowAction::Create, "{:?}", r.errors);
        assert_eq!(r.rows[1].action, RowAction::Error);
        assert_eq!(r.rows[2].action, RowAction::Error);
        // The first row of the circle is refused for its parent's row, which closes it.
        assert_eq!(
            r.rows[1].errors,
            vec![RowProblem::ParentRowHasErrors {
                parent: "环乙".into(),
                line: 4
            }]
        );
        assert_eq!(r.rows[2].errors, vec![RowProblem::ParentLoop]);
        assert_eq!(parent_text(&dir, dir[3].unit.id), "区科技局/质监站");
        assert_eq!(parent_text(&dir, dir[0].unit.id), "区建设局");
    }

    #[test]
    fn renames_by_id_and_collisions() {
        let dir = directory();
        let id = dir[1].unit.id;
        let renamed = format!("质量监督站,区建设局,基层站所,城关街道 1 号,{id}");
        let r = plan(&sheet(&[&renamed]), &dir, "f").unwrap().report;
        assert_eq!(actions(&r), vec![RowAction::Update]);
        assert_eq!(r.rows[0].unit_id, Some(id));
        // A new unit may take the old name in the same file.
        let r = plan(
            &sheet(&[&renamed, "质监站,区建设局,基层站所,城关街道 5 号,"]),
            &dir,
            "f",
        )
        .unwrap()
        .report;
        assert_eq!(actions(&r), vec![RowAction::Update, RowAction::Create]);
        // Renaming onto a sibling's name, or moving, is refused.
        let onto = format!("质监站,区建设局,服务窗口,城关街道 1 号,{}", dir[4].unit.id);
        let r = plan(&sheet(&[&onto]), &dir, "f").unwrap().report;
        assert_eq!(r.rows[0].action, RowAction::Error);
        assert_eq!(
            r.errors,
            vec![RowError {
                line: 2,
                problem: RowProblem::NameTaken {
                    name: "质监站".into(),
                    unit_id: dir[1].unit.id
                }
            }]
        );
        // Two units swapping names is fine in the plan.
        let swap = [
            format!("窗口,区建设局,基层站所,城关街道 1 号,{}", dir[1].unit.id),
            format!("质监站,区建设局,服务窗口,城关街道 1 号,{}", dir[4].unit.id),
        ];
        let r = plan(&sheet(&[&swap[0], &swap[1]]), &dir, "f")
            .unwrap()
            .report;
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        let moved = format!("质监站,区科技局,基层站所,城关街道 1 号,{id}");
        let r = plan(&sheet(&[&moved]), &dir, "f").unwrap().report;
        assert_eq!(
            r.errors,
            vec![RowError {
                line: 2,
                problem: RowProblem::MovesUnit {
                    name: "质监站".into(),
                    parent: Some("区建设局".into())
                }
            }]
        );
    }
}
