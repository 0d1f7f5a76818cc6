//! The server's storage: one schema (`examples/migrations/`, a file per dialect), two backends
//! through `sqlx`'s `Any` driver: SQLite, embedded, the default; PostgreSQL, for several
//! nodes sharing one store.
//!
//! Every query is written once, in the SQL both dialects share (`$N` placeholders, `ON
//! CONFLICT`, `RETURNING`). Functions that a CWMP POST combines take a connection, so the
//! caller runs them in one transaction ([`Store::begin`]): a POST's effects are stored
//! whole or not at all. Plain writes that depend on nothing they read (a new session's
//! first POST) are handed to [`Store::write_batched`] instead, which commits several POSTs'
//! in one transaction: still whole or not at all, for each POST and for the batch.

mod catalog;
mod rows;

use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyConnection, AnyPool, Row};

pub use catalog::*;
pub use rows::*;

/// The database kind behind a [`Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite (one node).
    Sqlite,
    /// PostgreSQL (any number of nodes).
    Postgres,
}

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database failed or refused the query.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// The schema could not be brought up to date.
    #[error("database migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A stored JSON value does not read back.
    #[error("stored JSON in {what}: {source}")]
    Json {
        /// The column.
        what: &'static str,
        /// Why.
        source: serde_json::Error,
    },
    /// A batch of writes this one was committed with failed ([`Store::write_batched`]).
    #[error("database (a batch of writes): {0}")]
    Batch(String),
    /// The URL names no supported database.
    #[error("unsupported database URL (use sqlite://FILE or postgres://...): {0}")]
    UnsupportedUrl(String),
}

/// A transaction on the store; on SQLite it holds the one writing connection (see
/// [`Store::begin`]). It reads as the connection it runs on.
pub struct Tx {
    inner: sqlx::Transaction<'static, sqlx::Any>,
}

impl Tx {
    /// Commits (and hands the writing connection to the next transaction).
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.inner.commit().await
    }
}

impl std::fmt::Debug for Tx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tx").finish_non_exhaustive()
    }
}

impl std::ops::Deref for Tx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.inner
    }
}

impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.inner
    }
}

/// A transaction begun at its first use ([`LazyTx::get`]): a POST finds out only as it goes
/// whether it writes more than its session's row.
#[derive(Debug)]
pub struct LazyTx {
    store: Store,
    tx: Option<Tx>,
}

impl LazyTx {
    /// None begun yet.
    #[must_use]
    pub fn new(store: &Store) -> Self {
        Self {
            store: store.clone(),
            tx: None,
        }
    }

    /// The transaction, begun now if it was not.
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn get(&mut self) -> Result<&mut Tx, StoreError> {
        let tx = match self.tx.take() {
            Some(tx) => tx,
            None => self.store.begin().await?,
        };
        Ok(self.tx.insert(tx))
    }

    /// Whether the transaction was begun (something was written through it).
    #[must_use]
    pub fn is_begun(&self) -> bool {
        self.tx.is_some()
    }

    /// The transaction, begun now if it was not.
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn into_tx(self) -> Result<Tx, StoreError> {
        match self.tx {
            Some(tx) => Ok(tx),
            None => self.store.begin().await,
        }
    }
}

/// One statement, its arguments bound, to run later: a part of a batch of writes.
pub type Write = sqlx::query::Query<'static, sqlx::Any, sqlx::any::AnyArguments>;

/// One caller's writes, and where the batch's outcome goes.
struct Job {
    writes: Vec<Write>,
    done: tokio::sync::oneshot::Sender<Result<(), String>>,
}

/// The most callers' writes committed in one transaction.
const MAX_BATCH: usize = 256;

/// The server's database.
#[derive(Debug, Clone)]
pub struct Store {
    /// Reads (and, on PostgreSQL, everything).
    pool: AnyPool,
    /// SQLite's one writing connection, taken in turn (see [`Store::begin`]).
    writer: Option<AnyPool>,
    backend: Backend,
    /// Writes to commit together ([`Store::write_batched`]).
    batches: tokio::sync::mpsc::UnboundedSender<Job>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job")
            .field("writes", &self.writes.len())
            .finish_non_exhaustive()
    }
}

/// Commits the writes that callers hand over, as many as are waiting in one transaction
/// (group commit), until every [`Store`] is gone.
async fn run_batches(
    pool: AnyPool,
    begin: &'static str,
    mut jobs: tokio::sync::mpsc::UnboundedReceiver<Job>,
) {
    while let Some(first) = jobs.recv().await {
        let mut batch = vec![first];
        // Whatever was handed over while the last batch ran goes in this one.
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let outcome = commit_batch(&pool, begin, &mut batch)
            .await
            .map_err(|e| e.to_string());
        if let Err(e) = &outcome {
            tracing::warn!(error = %e, writers = batch.len(), "a batch of writes failed");
        }
        for job in batch {
            // A caller that went away does not need its outcome.
            let _ = job.done.send(outcome.clone());
        }
    }
}

async fn commit_batch(
    pool: &AnyPool,
    begin: &'static str,
    batch: &mut [Job],
) -> Result<(), sqlx::Error> {
    use sqlx::Connection;
    let mut conn = pool.acquire().await?;
    let mut tx = conn.begin_with(begin).await?;
    for job in batch.iter_mut() {
        for write in job.writes.drain(..) {
            write.execute(&mut *tx).await?;
        }
    }
    tx.commit().await
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

impl Store {
    /// Connects and brings the schema up to date.
    ///
    /// # Errors
    ///
    /// The URL is not `sqlite:` or `postgres:`, the database cannot be reached, or a
    /// migration fails.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl(url.into()));
        };
        let options: AnyConnectOptions = url.parse()?;
        let (pool, writer) = match backend {
            // SQLite takes one writer at a time, so writes get a pool of one connection: its
            // queue is the order writers take turns in, first come first served, and the
            // connection's page cache stays warm. WAL lets the readers' connections go on
            // meanwhile; the busy timeout makes another process's writer wait its turn
            // instead of failing. An embedded database cannot drop a connection, so the
            // pools do not test one before handing it out (a round trip to its thread).
            Backend::Sqlite => {
                let sqlite = |connections: u32| {
                    AnyPoolOptions::new()
                        .max_connections(connections)
                        .acquire_timeout(Duration::from_secs(30))
                        .test_before_acquire(false)
                        .after_connect(|conn, _| {
                            Box::pin(async move {
                                for pragma in [
                                    "PRAGMA journal_mode = WAL",
                                    "PRAGMA synchronous = NORMAL",
                                    "PRAGMA busy_timeout = 10000",
                                    "PRAGMA foreign_keys = ON",
                                    // Checkpoints run beside the writer (`checkpoint`);
                                    // this is the backstop should they fall behind.
                                    "PRAGMA wal_autocheckpoint = 16384",
                                ] {
                                    sqlx::query(pragma).execute(&mut *conn).await?;
                                }
                                Ok(())
                            })
                        })
                };
                let writer = sqlite(1).connect_with(options.clone()).await?;
                // The schema first, so the readers open a database that has it.
                SQLITE_MIGRATIONS.run(&writer).await?;
                (sqlite(8).connect_with(options).await?, Some(writer))
            }
            Backend::Postgres => {
                let pool = AnyPoolOptions::new()
                    .max_connections(32)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect_with(options)
                    .await?;
                POSTGRES_MIGRATIONS.run(&pool).await?;
                (pool, None)
            }
        };
        let (batches, jobs) = tokio::sync::mpsc::unbounded_channel();
        let begin = match backend {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN",
        };
        tokio::spawn(run_batches(
            writer.clone().unwrap_or_else(|| pool.clone()),
            begin,
            jobs,
        ));
        Ok(Self {
            pool,
            writer,
            backend,
            batches,
        })
    }

    /// The database kind.
    #[must_use]
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Starts a transaction. On SQLite it waits for the one writing connection, first come
    /// first served, and takes the write lock at once (`BEGIN IMMEDIATE`), so a transaction
    /// that reads then writes never fails on a lock upgrade. Writers of one process used to
    /// meet on SQLite's lock instead, whose busy handler sleeps (1, 2, 5, 10 ... 100 ms) and
    /// polls again: under load the lock sat idle while writers slept (PERFORMANCE.md).
    ///
    /// # Errors
    ///
    /// The database failed, or no connection came within 30 s.
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        let inner = match &self.writer {
            Some(writer) => writer.begin_with("BEGIN IMMEDIATE").await?,
            None => self.pool.begin().await?,
        };
        Ok(Tx { inner })
    }

    /// Commits `writes` in one transaction with whatever other callers hand over meanwhile
    /// (group commit): a transaction's `BEGIN` and `COMMIT`, and the log's copy of each page
    /// they change, are shared by the batch instead of paid by each caller. Returns once the
    /// batch is committed.
    ///
    /// Writes that cannot fail but by a database failure only: one caller's failure fails
    /// its whole batch (rolled back, every caller told). Writes that depend on what they
    /// read, or that a caller must see take effect (a guarded update), take a [`Tx`].
    ///
    /// # Errors
    ///
    /// The batch failed, or the store is closed.
    pub async fn write_batched(&self, writes: Vec<Write>) -> Result<(), StoreError> {
        let (done, outcome) = tokio::sync::oneshot::channel();
        self.batches
            .send(Job { writes, done })
            .map_err(|_| StoreError::Batch("the store is closed".into()))?;
        outcome
            .await
            .map_err(|_| StoreError::Batch("the store is closed".into()))?
            .map_err(StoreError::Batch)
    }

    /// A connection for one write on its own, outside a transaction: a single statement is
    /// atomic by itself, and a transaction's `BEGIN` and `COMMIT` would be two more round
    /// trips to the database. On SQLite it is the writing connection, taken in turn as
    /// [`Store::begin`] takes it.
    ///
    /// # Errors
    ///
    /// The database failed, or no connection came within 30 s.
    pub async fn single_write(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Any>, StoreError> {
        Ok(self.writer.as_ref().unwrap_or(&self.pool).acquire().await?)
    }

    /// A connection for a read or a single write.
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn conn(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Any>, StoreError> {
        Ok(self.pool.acquire().await?)
    }

    /// Copies SQLite's write-ahead log into the database, on a reading connection, so the
    /// writer does not; the server runs it every 250 ms. SQLite's own checkpoint runs in the
    /// commit that fills the log past its mark (1,000 pages by default): under load that was
    /// dozens of times a second, each copying the same hot pages again and syncing twice,
    /// inside the writer's turn (PERFORMANCE.md). A passive checkpoint beside it copies each
    /// page changed since the last one once and never waits for the writer. PostgreSQL does
    /// its own: nothing to do there.
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn checkpoint(&self) -> Result<(), StoreError> {
        if self.writer.is_some() {
            let mut conn = self.pool.acquire().await?;
            sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&mut *conn)
                .await?;
        }
        Ok(())
    }

    /// Closes the pools, waiting for connections in use.
    pub async fn close(&self) {
        if let Some(writer) = &self.writer {
            writer.close().await;
        }
        self.pool.close().await;
    }

    /// The secret shared by every node (digest nonces are checked by whichever node gets
    /// the next request): made once, from `fresh` when the store has none.
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn shared_secret(&self, fresh: &str) -> Result<String, StoreError> {
        let mut conn = self.conn().await?;
        sqlx::query(
            "INSERT INTO server_settings (name, value) VALUES ('secret', $1) \
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(fresh)
        .execute(&mut *conn)
        .await?;
        let row = sqlx::query("SELECT value FROM server_settings WHERE name = 'secret'")
            .fetch_one(&mut *conn)
            .await?;
        Ok(row.try_get("value")?)
    }
}

pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> String {
    // Serializing our own plain data types cannot fail (no maps with non-string keys).
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

pub(crate) fn from_json<T: serde::de::DeserializeOwned>(
    what: &'static str,
    text: &str,
) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|source| StoreError::Json { what, source })
}

/// The connection inside a transaction or a pool connection.
pub type Conn = AnyConnection;

#[cfg(test)]
mod tests {
    use super::*;

    /// A SQLite store in a fresh file, removed (with its log) when dropped.
    struct TempStore {
        store: Store,
        path: std::path::PathBuf,
    }

    impl TempStore {
        async fn new(tag: &str) -> Self {
            let path =
                std::env::temp_dir().join(format!("tta-acs-store-{tag}-{}.db", std::process::id()));
            let store = Store::open(&format!("sqlite://{}?mode=rwc", path.display()))
                .await
                .unwrap();
            Self { store, path }
        }

        async fn events(&self) -> i64 {
            let mut conn = self.store.conn().await.unwrap();
            let row = sqlx::query("SELECT COUNT(*) AS n FROM events")
                .fetch_one(&mut *conn)
                .await
                .unwrap();
            row.try_get("n").unwrap()
        }
    }

    impl Drop for TempStore {
        fn drop(&mut self) {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", self.path.display()));
            }
        }
    }

    fn event(n: i64) -> Write {
        Event::add_write("D", n, "test", None, &serde_json::json!({ "n": n }))
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn writes_handed_over_together_are_all_committed() {
        let temp = TempStore::new("batches").await;
        let mut set = tokio::task::JoinSet::new();
        for n in 0..100 {
            let store = temp.store.clone();
            set.spawn(async move { store.write_batched(vec![event(n), event(n)]).await });
        }
        while let Some(done) = set.join_next().await {
            done.unwrap().unwrap();
        }
        assert_eq!(temp.events().await, 200);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failed_write_fails_its_batch_whole() {
        let temp = TempStore::new("failed").await;
        let broken: Write = sqlx::query("INSERT INTO no_such_table (x) VALUES ($1)").bind(1_i64);
        let e = temp
            .store
            .write_batched(vec![event(1), broken])
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::Batch(_)), "{e}");
        assert!(e.to_string().contains("no_such_table"), "{e}");
        // Nothing of it was committed, and the next batch goes through.
        assert_eq!(temp.events().await, 0);
        temp.store.write_batched(vec![event(2)]).await.unwrap();
        assert_eq!(temp.events().await, 1);
    }
}
