//! The generic table copier: every table of one database into the same tables of another, both
//! with the same migrations applied. One side is always a SQLite file (a backup is one, and
//! `copy` starts from one), and its schema (`PRAGMA table_info`, `PRAGMA foreign_key_list`)
//! names the tables, their columns with the types values are read and bound as, and the order
//! that satisfies the foreign keys. Rows stream in batches: memory holds one batch, plus the
//! few rows of a self-referencing table (a unit under a unit, a visit that supersedes another)
//! whose referenced row has not been copied yet.

use anyhow::{bail, Context};
use futures::TryStreamExt;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use std::collections::{BTreeMap, HashSet};

/// Tables a fresh migration fills with one row of its own (the chain's genesis head, the map's
/// settings): an empty database holds these, and a copy replaces them.
pub const SEEDED: [&str; 2] = ["audit_head", "map_settings"];

/// How values of a column are read and bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    Int,
    Real,
}

#[derive(Clone, Debug)]
pub struct Table {
    pub name: String,
    pub columns: Vec<(String, Kind)>,
    /// Primary-key columns, in key order (rows are read in this order).
    pub key: Vec<String>,
    /// Foreign keys to the table itself: (column, referenced column).
    pub self_refs: Vec<(String, String)>,
    /// Tables this one refers to.
    deps: Vec<String>,
}

/// A row as read: one value per column.
#[derive(Clone, Debug)]
enum Value {
    Text(Option<String>),
    Int(Option<i64>),
    Real(Option<f64>),
}

impl Value {
    fn key_text(&self) -> Option<String> {
        match self {
            Value::Text(v) => v.clone(),
            Value::Int(v) => v.map(|v| v.to_string()),
            Value::Real(v) => v.map(|v| v.to_string()),
        }
    }
}

fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

/// Tables that belong to the processes serving a database, not to the district: who holds
/// which periodic job (`leases`, naming processes the copy never had) and export jobs (whose
/// files are scratch, swept within the hour, and not copied). A backup, restore or copy leaves
/// them out; the servers on the copy start them afresh.
pub const OF_THE_PROCESSES: [&str; 2] = ["leases", "export_jobs"];

/// The application's tables in an order where each comes after the tables it refers to, read
/// from a SQLite database's schema.
pub async fn schema(sqlite: &mut AnyConnection) -> anyhow::Result<Vec<Table>> {
    let names: Vec<String> = sqlx::query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name <> '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(&mut *sqlite)
    .await?
    .iter()
    .map(|r| r.get::<String, _>(0))
    .filter(|name| !OF_THE_PROCESSES.contains(&name.as_str()))
    .collect();
    let mut tables = BTreeMap::new();
    for name in &names {
        let info = sqlx::query(&format!(
            "SELECT name, type, pk FROM pragma_table_info('{}') ORDER BY cid",
            name.replace('\'', "''")
        ))
        .fetch_all(&mut *sqlite)
        .await?;
        let mut columns = Vec::new();
        let mut key = Vec::new();
        for r in &info {
            let col: String = r.get(0);
            let ty: String = r.get(1);
            let kind = match ty.to_ascii_uppercase().as_str() {
                "TEXT" => Kind::Text,
                "BIGINT" | "INTEGER" => Kind::Int,
                "DOUBLE PRECISION" | "REAL" => Kind::Real,
                other => {
                    bail!("{name}.{col}: a column of type {other:?}, which copies do not know")
                }
            };
            columns.push((col.clone(), kind));
            key.push((r.get::<i64, _>(2), col));
        }
        key.retain(|(pk, _)| *pk > 0);
        key.sort();
        let fks = sqlx::query(&format!(
            "SELECT \"table\", \"from\", \"to\" FROM pragma_foreign_key_list('{}')",
            name.replace('\'', "''")
        ))
        .fetch_all(&mut *sqlite)
        .await?;
        let mut deps = Vec::new();
        let mut self_refs = Vec::new();
        for r in &fks {
            let to_table: String = r.get(0);
            let from: String = r.get(1);
            let to: Option<String> = r.get(2);
            if &to_table == name {
                self_refs.push((from, to.unwrap_or_else(|| "id".to_owned())));
            } else {
                deps.push(to_table);
            }
        }
        tables.insert(
            name.clone(),
            Table {
                name: name.clone(),
                columns,
                key: key.into_iter().map(|(_, c)| c).collect(),
                self_refs,
                deps,
            },
        );
    }
    // Kahn's order, alphabetical among the ready ones so every run copies alike.
    let mut ordered = Vec::new();
    let mut done = HashSet::new();
    while !tables.is_empty() {
        let ready: Vec<String> = tables
            .values()
            .filter(|t| {
                t.deps
                    .iter()
                    .all(|d| done.contains(d) || !tables.contains_key(d))
            })
            .map(|t| t.name.clone())
            .collect();
        if ready.is_empty() {
            bail!(
                "the foreign keys between {:?} form a cycle, which copies cannot order",
                tables.keys().collect::<Vec<_>>()
            );
        }
        for name in ready {
            done.insert(name.clone());
            ordered.extend(tables.remove(&name));
        }
    }
    Ok(ordered)
}

/// Rows in each table.
pub async fn counts(
    conn: &mut AnyConnection,
    tables: &[Table],
) -> anyhow::Result<BTreeMap<String, u64>> {
    let mut out = BTreeMap::new();
    for t in tables {
        let n: i64 = sqlx::query(&format!("SELECT COUNT(*) FROM {}", quote(&t.name)))
            .fetch_one(&mut *conn)
            .await
            .with_context(|| format!("counting {}", t.name))?
            .get(0);
        out.insert(t.name.clone(), u64::try_from(n)?);
    }
    Ok(out)
}

/// Refuses a target that holds anything beyond what its migrations put there.
pub async fn check_empty(conn: &mut AnyConnection, tables: &[Table]) -> anyhow::Result<()> {
    let counts = counts(conn, tables).await?;
    let filled: Vec<String> = counts
        .iter()
        .filter(|(name, n)| **n > 0 && !SEEDED.contains(&name.as_str()))
        .map(|(name, n)| format!("{name} ({n} rows)"))
        .collect();
    let head: i64 = sqlx::query("SELECT COALESCE(MAX(seq), 0) FROM audit_head")
        .fetch_one(&mut *conn)
        .await?
        .get(0);
    if !filled.is_empty() || head != 0 {
        bail!(
            "the target database is not empty: it holds {}; restore and copy write only into an \
             empty database (a new PostgreSQL database, or a data directory without chafang.sqlite)",
            if filled.is_empty() {
                "audit events".to_owned()
            } else {
                filled.join(", ")
            }
        );
    }
    Ok(())
}

fn read(row: &AnyRow, table: &Table) -> anyhow::Result<Vec<Value>> {
    table
        .columns
        .iter()
        .enumerate()
        .map(|(i, (col, kind))| {
            let v = match kind {
                Kind::Text => row.try_get::<Option<String>, _>(i).map(Value::Text),
                Kind::Int => row.try_get::<Option<i64>, _>(i).map(Value::Int),
                Kind::Real => row.try_get::<Option<f64>, _>(i).map(Value::Real),
            };
            v.with_context(|| format!("reading {}.{col}", table.name))
        })
        .collect()
}

/// The parameters a row binds: one a column, two a double (see [`flush`]).
fn params_per_row(t: &Table) -> usize {
    t.columns
        .iter()
        .map(|(_, k)| if *k == Kind::Real { 2 } else { 1 })
        .sum()
}

/// The progress line's period, in rows.
const PROGRESS_EVERY: u64 = 100_000;

/// Copies every row of every table from `source` into `target` (both inside the transactions
/// the caller holds, so the source is one snapshot and the target commits all or nothing). The
/// target must have passed [`check_empty`]; its seeded rows are replaced by the source's.
/// Returns the rows written per table.
pub async fn copy(
    tables: &[Table],
    source: &mut AnyConnection,
    target: &mut AnyConnection,
) -> anyhow::Result<BTreeMap<String, u64>> {
    let mut written = BTreeMap::new();
    for t in tables {
        if SEEDED.contains(&t.name.as_str()) {
            sqlx::query(&format!("DELETE FROM {}", quote(&t.name)))
                .execute(&mut *target)
                .await?;
        }
        let n = copy_table(t, source, target)
            .await
            .with_context(|| format!("copying table {}", t.name))?;
        written.insert(t.name.clone(), n);
    }
    Ok(written)
}

async fn copy_table(
    t: &Table,
    source: &mut AnyConnection,
    target: &mut AnyConnection,
) -> anyhow::Result<u64> {
    let cols: Vec<String> = t.columns.iter().map(|(c, _)| quote(c)).collect();
    let order = if t.key.is_empty() {
        String::new()
    } else {
        format!(
            " ORDER BY {}",
            t.key
                .iter()
                .map(|c| quote(c))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let select = format!("SELECT {} FROM {}{order}", cols.join(", "), quote(&t.name));
    // Within both engines' limits on bound parameters (SQLite 32 766, PostgreSQL 65 535).
    let batch = (30_000 / params_per_row(t)).clamp(1, 500);
    let self_cols: Vec<(usize, usize)> = t
        .self_refs
        .iter()
        .filter_map(|(from, to)| {
            let f = t.columns.iter().position(|(c, _)| c == from)?;
            let to = t.columns.iter().position(|(c, _)| c == to)?;
            Some((f, to))
        })
        .collect();
    let mut pending: Vec<Vec<Value>> = Vec::with_capacity(batch);
    let mut deferred: Vec<Vec<Value>> = Vec::new();
    let mut written = 0u64;
    let mut next_report = PROGRESS_EVERY;
    {
        let mut rows = sqlx::query(&select).fetch(&mut *source);
        while let Some(row) = rows.try_next().await? {
            pending.push(read(&row, t)?);
            if pending.len() >= batch {
                written += flush(t, &self_cols, &mut pending, &mut deferred, target).await?;
                if written >= next_report {
                    eprintln!("  {}: {written} rows", t.name);
                    next_report = written + PROGRESS_EVERY;
                }
            }
        }
    }
    written += flush(t, &self_cols, &mut pending, &mut deferred, target).await?;
    // Rows that refer to a row of their own table copied after them: again until none is left.
    while !deferred.is_empty() {
        let before = deferred.len();
        let mut again = std::mem::take(&mut deferred);
        written += flush(t, &self_cols, &mut again, &mut deferred, target).await?;
        if deferred.len() == before {
            bail!(
                "{} row(s) of {} refer to rows of the same table that do not exist",
                before,
                t.name
            );
        }
    }
    if written > PROGRESS_EVERY {
        eprintln!("  {}: {written} rows, done", t.name);
    }
    Ok(written)
}

/// Inserts the pending rows whose self-references are met (null, earlier in this batch, or
/// already in the target); defers the others.
async fn flush(
    t: &Table,
    self_cols: &[(usize, usize)],
    pending: &mut Vec<Vec<Value>>,
    deferred: &mut Vec<Vec<Value>>,
    target: &mut AnyConnection,
) -> anyhow::Result<u64> {
    if pending.is_empty() {
        return Ok(0);
    }
    let mut ready = Vec::with_capacity(pending.len());
    if self_cols.is_empty() {
        ready.append(pending);
    } else {
        let mut in_batch: HashSet<(usize, String)> = HashSet::new();
        for row in pending.drain(..) {
            let mut met = true;
            for &(from, to) in self_cols {
                let Some(want) = row[from].key_text() else {
                    continue;
                };
                if in_batch.contains(&(to, want.clone())) {
                    continue;
                }
                let sql = format!(
                    "SELECT COUNT(*) FROM {} WHERE {} = $1",
                    quote(&t.name),
                    quote(&t.columns[to].0)
                );
                let q = sqlx::query(&sql);
                let q = match &row[from] {
                    Value::Int(v) => q.bind(*v),
                    Value::Real(v) => q.bind(*v),
                    Value::Text(v) => q.bind(v.clone()),
                };
                let n: i64 = q.fetch_one(&mut *target).await?.get(0);
                if n == 0 {
                    met = false;
                    break;
                }
            }
            if met {
                for &(_, to) in self_cols {
                    if let Some(k) = row[to].key_text() {
                        in_batch.insert((to, k));
                    }
                }
                ready.push(row);
            } else {
                deferred.push(row);
            }
        }
    }
    if ready.is_empty() {
        return Ok(0);
    }
    let mut sql = format!(
        "INSERT INTO {} ({}) VALUES ",
        quote(&t.name),
        t.columns
            .iter()
            .map(|(c, _)| quote(c))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut p = 0;
    for (i, _) in ready.iter().enumerate() {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for (j, (_, kind)) in t.columns.iter().enumerate() {
            if j > 0 {
                sql.push_str(", ");
            }
            if *kind == Kind::Real {
                // A double is bound as a number and a flag, never as NULL: sqlx's `Any` driver
                // sends a NULL double to PostgreSQL typed as a single-precision one, and a
                // statement first prepared so refuses the doubles of the next batch (as in
                // `visits::insert`).
                sql.push_str(&format!("CASE WHEN ${} = 1 THEN ${} END", p + 2, p + 1));
                p += 2;
            } else {
                sql.push_str(&format!("${}", p + 1));
                p += 1;
            }
        }
        sql.push(')');
    }
    let mut q = sqlx::query(&sql);
    let n = ready.len() as u64;
    for row in ready {
        for v in row {
            q = match v {
                Value::Text(v) => q.bind(v),
                Value::Int(v) => q.bind(v),
                Value::Real(v) => q.bind(v.unwrap_or(0.0)).bind(i64::from(v.is_some())),
            };
        }
    }
    q.execute(&mut *target).await?;
    Ok(n)
}

/// The highest migration applied to a database.
pub async fn migration_version(conn: &mut AnyConnection) -> anyhow::Result<i64> {
    let v: Option<i64> =
        sqlx::query("SELECT MAX(version) FROM _sqlx_migrations WHERE success = TRUE")
            .fetch_one(&mut *conn)
            .await
            .context("reading the applied migrations")?
            .get(0);
    Ok(v.unwrap_or(0))
}

/// The latest migration this binary knows.
pub fn binary_migration() -> i64 {
    crate::db::MIGRATOR
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap_or(0)
}
