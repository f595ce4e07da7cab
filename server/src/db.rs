//! The database: SQLite (a file under the data directory) by default, PostgreSQL when the URL
//! says so. Both go through sqlx's `Any` driver, so every query is written once; the few
//! engine-specific statements (SQLite `PRAGMA`s, PostgreSQL database creation in tests) are
//! marked where they stand.

use anyhow::Context;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyConnection, AnyPool, Executor, Transaction};
use std::ops::{Deref, DerefMut};
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard};

/// The migrations in `migrations/`, compiled into the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// Which engine a pool talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn as_str(self) -> &'static str {
        match self {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgres",
        }
    }

    /// The engine a database URL names.
    pub fn of_url(url: &str) -> anyhow::Result<Engine> {
        if url.starts_with("sqlite:") {
            Ok(Engine::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Engine::Postgres)
        } else {
            anyhow::bail!("DATABASE_URL must start with sqlite: or postgres:")
        }
    }
}

/// A connection pool and the engine behind it.
#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub engine: Engine,
    /// SQLite allows one writer at a time, and a transaction that read before it wrote fails
    /// at once (instead of waiting) when another writer got in between. Taking this lock for
    /// every write transaction on SQLite queues writers in the process instead.
    sqlite_writer: Arc<Mutex<()>>,
}

/// A write transaction: commit it, or drop it to roll back. Derefs to the connection that
/// store functions take.
pub struct WriteTx {
    tx: Transaction<'static, Any>,
    _writer: Option<OwnedMutexGuard<()>>,
}

impl std::fmt::Debug for WriteTx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WriteTx")
    }
}

impl WriteTx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

/// A write transaction runs queries like the connection it holds, so that store functions that
/// must write an event can take the transaction itself (`audit::record` takes nothing else):
/// a change and its event then commit together by construction.
impl<'c> sqlx::Executor<'c> for &'c mut WriteTx {
    type Database = Any;

    fn fetch_many<'e, 'q: 'e, E>(
        self,
        query: E,
    ) -> futures::stream::BoxStream<
        'e,
        Result<sqlx::Either<sqlx::any::AnyQueryResult, sqlx::any::AnyRow>, sqlx::Error>,
    >
    where
        'c: 'e,
        E: 'q + sqlx::Execute<'q, Any>,
    {
        let conn: &'c mut AnyConnection = &mut self.tx;
        conn.fetch_many(query)
    }

    fn fetch_optional<'e, 'q: 'e, E>(
        self,
        query: E,
    ) -> futures::future::BoxFuture<'e, Result<Option<sqlx::any::AnyRow>, sqlx::Error>>
    where
        'c: 'e,
        E: 'q + sqlx::Execute<'q, Any>,
    {
        let conn: &'c mut AnyConnection = &mut self.tx;
        conn.fetch_optional(query)
    }

    fn prepare_with<'e, 'q: 'e>(
        self,
        sql: &'q str,
        parameters: &'e [sqlx::any::AnyTypeInfo],
    ) -> futures::future::BoxFuture<'e, Result<sqlx::any::AnyStatement<'q>, sqlx::Error>>
    where
        'c: 'e,
    {
        let conn: &'c mut AnyConnection = &mut self.tx;
        conn.prepare_with(sql, parameters)
    }

    fn describe<'e, 'q: 'e>(
        self,
        sql: &'q str,
    ) -> futures::future::BoxFuture<'e, Result<sqlx::Describe<Any>, sqlx::Error>>
    where
        'c: 'e,
    {
        let conn: &'c mut AnyConnection = &mut self.tx;
        conn.describe(sql)
    }
}

impl Deref for WriteTx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.tx
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }
}

/// The URL of the default SQLite file under a data directory.
/// A count or other small non-negative integer column as a `u32`: both engines answer 64 bits.
pub fn u32_column(row: &sqlx::any::AnyRow, column: &str) -> Result<u32, crate::error::ApiError> {
    use sqlx::Row;
    u32::try_from(row.try_get::<i64, _>(column)?).map_err(crate::error::internal)
}

pub fn sqlite_url(data_dir: &Path) -> String {
    format!(
        "sqlite://{}?mode=rwc",
        data_dir.join("chafang.sqlite").display()
    )
}

impl Db {
    /// Connects (creating the SQLite file if needed) and applies pending migrations.
    pub async fn connect(url: &str) -> anyhow::Result<Db> {
        sqlx::any::install_default_drivers();
        let engine = Engine::of_url(url)?;
        let options = AnyConnectOptions::from_str(url).context("parsing the database URL")?;
        let pool = AnyPoolOptions::new()
            .max_connections(match engine {
                // SQLite has one writer at a time; a few readers beside it are plenty.
                Engine::Sqlite => 4,
                Engine::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if engine == Engine::Sqlite {
                        // SQLite only: wait for a busy writer instead of failing, write-ahead log
                        // for readers beside the writer, fsync on every commit (no acknowledged
                        // visit may be lost to a power cut), and enforce foreign keys.
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = FULL").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .with_context(|| format!("connecting to the {} database", engine.as_str()))?;
        MIGRATOR.run(&pool).await.context("applying migrations")?;
        Ok(Db {
            pool,
            engine,
            sqlite_writer: Arc::default(),
        })
    }

    /// Begins a transaction that will write.
    pub async fn begin_write(&self) -> Result<WriteTx, sqlx::Error> {
        let writer = match self.engine {
            Engine::Sqlite => Some(self.sqlite_writer.clone().lock_owned().await),
            Engine::Postgres => None,
        };
        let tx = self.pool.begin().await?;
        Ok(WriteTx {
            tx,
            _writer: writer,
        })
    }
}
