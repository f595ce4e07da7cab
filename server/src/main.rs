//! `chafang`: the command line over the server library. `serve` runs the server, `migrate`
//! applies migrations, `user add` creates an account, `demo` loads the demo data set, `audit`
//! verifies the audit chain, appends a checkpoint or prints the head.
#![forbid(unsafe_code)]

use anyhow::{bail, Context};
use chafang_domain::role::UnitPosition;
use chafang_domain::Role;
use chafang_server::audit::{self, Head};
use chafang_server::users::{self, NewUser, Username};
use chafang_server::{auth, db, demo, units, Db, TlsFiles};
use clap::{Args, Parser, Subcommand};
use std::io::BufRead;
use std::net::SocketAddr;
use std::path::PathBuf;
use tokio::io::AsyncReadExt;

#[derive(Parser)]
#[command(
    name = "chafang",
    version,
    about = "查访 Chafang: the field system for government-conduct monitors"
)]
struct Cli {
    #[command(flatten)]
    store: StoreArgs,
    #[command(flatten)]
    log: chafang_server::ops::LogArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
struct StoreArgs {
    /// Where the SQLite file and the blob store live.
    #[arg(long, env = "CHAFANG_DATA_DIR", default_value = "data", global = true)]
    data_dir: PathBuf,
    /// A postgres:// URL to use PostgreSQL instead of the SQLite file in the data directory.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true, global = true)]
    database_url: Option<String>,
    // The blob store: --blobs (CHAFANG_BLOBS) and the --s3-* settings.
    #[command(flatten)]
    blobs: chafang_server::blobs::BlobSettings,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server.
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Load the demo data set (idempotent) and print the demo logins.
    Demo,
    /// Check the audit chain, anchor its head, or print it.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Back up the database (a consistent snapshot, also while the server runs), its blobs and
    /// its audit checkpoints into a new directory (see docs/backup.md).
    Backup(chafang_server::backup::BackupArgs),
    /// Restore a backup into an empty data directory (or the empty database of
    /// --database-url), then verify the chain, the row counts and every blob.
    Restore(chafang_server::backup::RestoreArgs),
    /// Copy this data directory's SQLite district into an empty PostgreSQL database (and its
    /// blobs into another store), then verify the chain, the row counts and every blob.
    Copy(chafang_server::backup::CopyArgs),
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Recompute the whole chain, and check that every earlier head (each --against and each
    /// line of audit-checkpoints.txt in the data directory) is a prefix of today's log. Exits
    /// nonzero naming the first broken event, and also when nothing outside the database
    /// anchors the chain (no checkpoint lines and no --against) unless --no-anchor is given.
    Verify {
        /// An earlier head, `<seq>:<hash>`, that today's log must extend (repeatable): a line
        /// of a copy of audit-checkpoints.txt, or the 存证链校验点 printed on an issued document.
        #[arg(long = "against", value_name = "SEQ:HASH")]
        against: Vec<Head>,
        /// Check the chain alone, without the checkpoint file: this cannot catch a log that was
        /// edited and then rehashed from scratch.
        #[arg(long, conflicts_with = "against")]
        no_anchor: bool,
    },
    /// Append the current head to audit-checkpoints.txt in the data directory (the server also
    /// does so at start, every hour, at a clean shutdown and when a document is issued).
    Checkpoint,
    /// Print the current head, `<seq>:<hash>`.
    Head,
}

#[derive(Args)]
struct ServeArgs {
    /// Address to listen on; port 0 picks a free port (the chosen address is printed).
    #[arg(long, env = "CHAFANG_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// The built PWA to serve (`cargo xtask run` builds one in target/pwa-dist). A binary from
    /// `cargo xtask dist` has the PWA inside and needs none; without either, only the API is served.
    #[arg(long, env = "CHAFANG_PWA_DIR")]
    pwa_dir: Option<PathBuf>,
    /// PEM certificate chain: serve HTTPS (phones need it for the camera, GPS and offline use).
    #[arg(long, env = "CHAFANG_TLS_CERT", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// PEM private key for --tls-cert.
    #[arg(long, env = "CHAFANG_TLS_KEY", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Hosts webhooks may reach although they are, or resolve to, addresses inside the network
    /// (loopback, private, link-local), separated by commas: e.g. an SMS gateway on the LAN.
    #[arg(long, env = "CHAFANG_WEBHOOK_ALLOW_HOSTS", value_delimiter = ',')]
    webhook_allow_hosts: Vec<String>,
    /// Reverse proxies in front of the server, as addresses or CIDR blocks separated by commas
    /// (e.g. 127.0.0.1/32,10.0.0.0/8): only from these is `X-Forwarded-For` believed, and the
    /// client is its rightmost address that is not one of them. None by default, so that a
    /// client cannot name its own address for the sign-in limits.
    #[arg(long, env = "CHAFANG_TRUSTED_PROXIES", value_delimiter = ',')]
    trusted_proxies: Vec<auth::client::Cidr>,
    /// Load the demo data set before serving and print its logins.
    #[arg(long)]
    demo: bool,
    /// Stop when standard input closes (test harnesses use this so no server outlives them).
    #[arg(long)]
    stop_on_stdin_eof: bool,
    #[command(flatten)]
    settings: chafang_server::ops::ServeSettings,
    /// On SIGTERM or SIGINT, how many seconds requests in flight have to finish before they are
    /// dropped (new connections are refused at once); then the server stops its workers, gives
    /// up its leases, appends the shutdown's audit checkpoint and exits.
    #[arg(long, env = "CHAFANG_DRAIN_SECONDS", default_value_t = 20)]
    drain_seconds: u64,
    /// With several processes on one database: how many seconds a process that died keeps
    /// webhook delivery before another takes it over (the processes renew every third of it).
    #[arg(long, env = "CHAFANG_LEASE_SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(3..))]
    lease_seconds: u64,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account. The password is read from standard input (one line) with
    /// --password-stdin; otherwise a random one is generated and printed once.
    Add(AddUser),
}

#[derive(Args)]
struct AddUser {
    #[arg(long)]
    username: String,
    #[arg(long)]
    display_name: String,
    /// office, monitor or unit
    #[arg(long)]
    role: Role,
    /// For unit accounts: the unit's exact name (or id).
    #[arg(long)]
    unit: Option<String>,
    /// For unit accounts: head or liaison.
    #[arg(long, default_value = "head")]
    position: UnitPosition,
    #[arg(long)]
    password_stdin: bool,
}

async fn open(store: &StoreArgs) -> anyhow::Result<Db> {
    let url = match &store.database_url {
        Some(url) => url.clone(),
        None => {
            std::fs::create_dir_all(&store.data_dir).with_context(|| {
                format!("creating the data directory {}", store.data_dir.display())
            })?;
            db::sqlite_url(&store.data_dir)
        }
    };
    Db::connect(&url).await
}

fn print_demo_logins() {
    println!("Demo logins (password for all: {}):", demo::PASSWORD);
    for login in demo::logins()
        .iter()
        .filter(|l| matches!(l.username.as_str(), "office" | "monitor01" | "unit01"))
    {
        println!("  {:<10} {}", login.username, login.label);
    }
    println!("  monitor01 … monitor16 are monitors; unit01 … unit19 are unit heads.");
}

async fn serve(store: StoreArgs, args: ServeArgs) -> anyhow::Result<()> {
    let db = open(&store).await?;
    if args.demo {
        demo::load(&db)
            .await
            .map_err(|e| anyhow::anyhow!("loading the demo data: {e}"))?;
    }
    // Serving keeps the audit checkpoints in the data directory: at start, hourly, and after the
    // drain that follows the shutdown signal.
    let blobs = chafang_server::blobs::open(&store.blobs, &store.data_dir)?;
    chafang_server::blobs::check(&blobs).await?;
    let mut state = chafang_server::state_with_blobs(
        db.clone(),
        &store.data_dir,
        blobs,
        args.tls_cert.is_some(),
    )?;
    state.webhook_allow =
        chafang_server::notifications::outbound::AllowList::new(&args.webhook_allow_hosts);
    state.trusted_proxies = auth::client::TrustedProxies::new(args.trusted_proxies.clone());
    args.settings.apply(&mut state);
    state.drain = std::time::Duration::from_secs(args.drain_seconds);
    state.lease_ttl = std::time::Duration::from_secs(args.lease_seconds);
    // The start's line is on disk before the address is announced (serving then finds it there
    // and writes no second one), as scripts and tests that wait for the address expect.
    audit::checkpoint::take(&db, &state.checkpoints, audit::checkpoint::Occasion::Start).await?;
    let pwa_dir = match args.pwa_dir.clone() {
        Some(dir) => Some(dir),
        None => chafang_server::embedded_pwa::unpack(&store.data_dir)
            .context("writing out the embedded PWA")?,
    };
    match &pwa_dir {
        Some(dir) if !dir.join("index.html").is_file() => tracing::warn!(
            "no PWA in {} (run `cargo xtask run` to build it); serving the API only",
            dir.display()
        ),
        None => tracing::warn!(
            "no PWA: this binary has none inside (`cargo xtask dist` builds one that has) and \
             --pwa-dir is not set; serving the API only"
        ),
        Some(_) => {}
    }
    let stop_on_eof = args.stop_on_stdin_eof;
    let terminated = sigterm();
    let shutdown = async move {
        let stdin_closed = async {
            if stop_on_eof {
                let mut sink = [0u8; 64];
                let mut stdin = tokio::io::stdin();
                while matches!(stdin.read(&mut sink).await, Ok(n) if n > 0) {}
            } else {
                std::future::pending::<()>().await;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {},
            _ = terminated => {},
            _ = stdin_closed => {},
        }
    };
    let std_listener = std::net::TcpListener::bind(args.listen)
        .with_context(|| format!("listening on {}", args.listen))?;
    let addr = std_listener.local_addr()?;
    let scheme = if args.tls_cert.is_some() {
        "https"
    } else {
        "http"
    };
    println!(
        "Chafang ({}) listening on {scheme}://{addr}",
        db.engine.as_str()
    );
    if args.demo {
        print_demo_logins();
    }
    match (args.tls_cert, args.tls_key) {
        (Some(cert), Some(key)) => {
            chafang_server::serve_tls(
                std_listener,
                state,
                pwa_dir,
                &TlsFiles { cert, key },
                shutdown,
            )
            .await
        }
        _ => {
            std_listener.set_nonblocking(true)?;
            let listener = tokio::net::TcpListener::from_std(std_listener)?;
            chafang_server::serve(listener, state, pwa_dir, shutdown).await
        }
    }
}

/// SIGTERM, as service managers and `docker stop` send it: a clean shutdown like Ctrl-C. The
/// handler is installed at once, so that a SIGTERM that comes before the future is first polled
/// is not the default one that kills the process.
#[cfg(unix)]
fn sigterm() -> impl std::future::Future<Output = ()> {
    let term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate());
    async move {
        match term {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(e) => {
                tracing::warn!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    }
}

#[cfg(not(unix))]
fn sigterm() -> impl std::future::Future<Output = ()> {
    std::future::pending()
}

async fn add_user(store: StoreArgs, args: AddUser) -> anyhow::Result<()> {
    let AddUser {
        username,
        display_name,
        role,
        unit,
        position,
        password_stdin,
    } = args;
    let username = Username::parse(&username).map_err(|e| anyhow::anyhow!("{e}"))?;
    let (password, generated) = if password_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        (line.trim_end_matches(['\r', '\n']).to_owned(), false)
    } else {
        (
            uuid::Uuid::new_v4().simple().to_string()[..16].to_owned(),
            true,
        )
    };
    auth::password::check_strength(&password).map_err(anyhow::Error::msg)?;
    let db = open(&store).await?;
    let unit = match (role, unit) {
        (Role::Unit, Some(name)) => {
            let mut conn = db.pool.acquire().await?;
            let all = units::list_all(&mut conn)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let found = all
                .iter()
                .find(|u| u.name == name || u.id.to_string() == name);
            let Some(found) = found else {
                bail!("no unit named {name:?}")
            };
            Some((found.id, position))
        }
        (Role::Unit, None) => bail!("a unit account needs --unit"),
        (_, Some(_)) => bail!("only unit accounts belong to a unit"),
        (_, None) => None,
    };
    let password_hash = auth::password::hash(&password)?;
    let mut tx = db.begin_write().await?;
    users::insert(
        &mut tx,
        None,
        NewUser {
            username: username.clone(),
            display_name,
            role,
            unit,
            password_hash,
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("creating {}: {e}", username.as_str()))?;
    tx.commit().await?;
    println!("created {} ({role})", username.as_str());
    if generated {
        println!("password: {password}");
    }
    Ok(())
}

async fn audit(store: StoreArgs, command: AuditCommand) -> anyhow::Result<()> {
    let db = open(&store).await?;
    let mut conn = db.pool.acquire().await?;
    let file = audit::checkpoint::path(&store.data_dir);
    match command {
        AuditCommand::Verify {
            against: _,
            no_anchor: true,
        } => {
            let report = audit::verify(&mut conn)
                .await
                .context("reading the audit chain")?;
            if let Some(broken) = report.broken {
                bail!("audit chain broken: {broken}");
            }
            println!(
                "chain consistent: {} events, head {}",
                report.events, report.head
            );
            content_unchanged(&mut conn).await?;
            println!(
                "--no-anchor: nothing outside the database was checked (not {}, not any kept \
                 head), so a log edited and then rehashed from scratch would pass",
                file.display()
            );
        }
        AuditCommand::Verify {
            mut against,
            no_anchor: false,
        } => {
            // The heads the servers also left in the blob store, when it is there.
            if store.blobs.blobs.is_some() || store.data_dir.join("blobs").is_dir() {
                let blobs = chafang_server::blobs::open(&store.blobs, &store.data_dir)?;
                let left = audit::checkpoint::blob_heads(&blobs).await?;
                println!("{} checkpoint(s) in the blob store", left.len());
                against.extend(left);
            }
            let anchored = audit::checkpoint::verify_anchored(&mut conn, &file, &against).await?;
            let report = anchored.report;
            if let Some(broken) = report.broken {
                bail!("audit chain broken: {broken}");
            }
            let checked = match report.anchors {
                1 => "1 checkpoint is a prefix".to_owned(),
                n => format!("{n} checkpoints are prefixes"),
            };
            println!(
                "chain intact: {} events, head {}; {checked}",
                report.events, report.head
            );
            content_unchanged(&mut conn).await?;
            if anchored.lines == 0 {
                println!(
                    "(no checkpoints in {}: only the --against heads were checked)",
                    file.display()
                );
            }
        }
        AuditCommand::Checkpoint => {
            let done = audit::checkpoint(&mut conn, &file).await?;
            if done.appended {
                println!("checkpoint {} appended to {}", done.head, file.display());
            } else {
                println!(
                    "head {} is already the last checkpoint in {}",
                    done.head,
                    file.display()
                );
            }
        }
        AuditCommand::Head => {
            let head = audit::head(&mut conn)
                .await
                .context("reading the audit chain's head")?;
            println!("{head}");
        }
    }
    Ok(())
}

/// Recomputes the content of every record whose events carry it and fails naming each record
/// that differs from its last event: an edit made in the database behind the server's back.
async fn content_unchanged(conn: &mut sqlx::AnyConnection) -> anyhow::Result<()> {
    let changed = audit::content::check(conn)
        .await
        .map_err(|e| anyhow::anyhow!("checking the records' content: {e}"))?;
    if changed.is_empty() {
        println!("every record's content matches its last event");
        return Ok(());
    }
    for c in &changed {
        eprintln!(
            "{} {}: its content differs from what event {} recorded",
            c.record.name(),
            c.id,
            c.seq
        );
    }
    bail!(
        "{} record(s) changed behind the server's back (listed above)",
        changed.len()
    )
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // Settings may come from a `.env` file beside the working directory (see `.env.sample`).
    dotenvy::dotenv().ok();
    let cli = Cli::parse();
    cli.log.init();
    // A set clock is for test runs; say so loudly, and refuse a malformed one at once.
    if let Some(at) = chafang_server::clock::check_setting().map_err(|e| anyhow::anyhow!(e))? {
        tracing::warn!(
            "{} is set: this process believes it is {at}, not the machine's time",
            chafang_server::clock::CLOCK_ENV
        );
    }
    match cli.command {
        Command::Serve(args) => serve(cli.store, args).await,
        Command::Migrate => {
            open(&cli.store).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::User(UserCommand::Add(args)) => add_user(cli.store, args).await,
        Command::Demo => {
            let db = open(&cli.store).await?;
            let loaded = demo::load(&db).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            println!(
                "{}",
                if loaded {
                    "demo data loaded"
                } else {
                    "demo data already present"
                }
            );
            print_demo_logins();
            Ok(())
        }
        Command::Audit(command) => audit(cli.store, command).await,
        Command::Backup(args) => {
            let blobs = chafang_server::blobs::open(&cli.store.blobs, &cli.store.data_dir)?;
            let url = cli.store.database_url.as_deref();
            let m = chafang_server::backup::backup(&cli.store.data_dir, url, &blobs, &args).await?;
            println!(
                "backed up into {}: head {}, {} rows, {} blobs ({} bytes)",
                args.dest.display(),
                m.head,
                m.tables.values().sum::<u64>(),
                m.blobs.count,
                m.blobs.bytes
            );
            Ok(())
        }
        Command::Restore(args) => {
            let url = cli.store.database_url.as_deref();
            chafang_server::backup::restore(&cli.store.data_dir, url, &cli.store.blobs, &args)
                .await?;
            println!("restored {} and verified it", args.src.display());
            Ok(())
        }
        Command::Copy(args) => {
            let blobs = chafang_server::blobs::open(&cli.store.blobs, &cli.store.data_dir)?;
            let url = cli.store.database_url.as_deref();
            let s3 = &cli.store.blobs.s3;
            chafang_server::backup::copy(&cli.store.data_dir, url, &blobs, s3, &args).await?;
            let mut shown = url::Url::parse(&args.to)?;
            shown.set_password(None).ok();
            println!("copied into {shown} and verified it");
            Ok(())
        }
    }
}
