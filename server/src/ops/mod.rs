//! Running Chafang in operation: the serve settings that are not the store's or the listener's
//! (the documents' issuer and fonts, who may read `/metrics`), the log's level and format, the
//! access log and the metrics (`access`, `metrics`). Health is `crate::health`.

pub mod access;
pub mod metrics;

use crate::auth::client::Cidr;
use crate::state::AppState;
use std::path::PathBuf;
use std::sync::Arc;

/// Settings of `chafang serve` (flattened into its arguments), each also an environment variable.
#[derive(clap::Args, Clone, Debug)]
pub struct ServeSettings {
    /// The issuing office as official documents name it (发文机关).
    #[arg(long, env = "CHAFANG_DOC_ISSUER", default_value = crate::documents::content::DEFAULT_ISSUER)]
    pub doc_issuer: String,
    /// The issuing office's code in document numbers (行评办〔2026〕3号).
    #[arg(long, env = "CHAFANG_DOC_CODE", default_value = crate::documents::content::DEFAULT_CODE)]
    pub doc_code: String,
    /// A directory holding the CJK fonts the documents are set in (NotoSerifCJK-Regular.ttc and
    /// -Bold.ttc): searched alone instead of the system's font directories.
    #[arg(long, env = "CHAFANG_FONT_DIR")]
    pub font_dir: Option<PathBuf>,
    /// Who may read /metrics, as addresses or CIDR blocks separated by commas; others get 404.
    /// The client is the one --trusted-proxies names.
    #[arg(
        long,
        env = "CHAFANG_METRICS_ALLOW",
        value_delimiter = ',',
        default_value = "127.0.0.1/32,::1/128"
    )]
    pub metrics_allow: Vec<Cidr>,
}

impl ServeSettings {
    /// Puts the settings into the state the server runs with.
    pub fn apply(&self, state: &mut AppState) {
        state.documents = Arc::new(crate::documents::Settings::new(
            Some(&self.doc_issuer),
            Some(&self.doc_code),
            self.font_dir.as_deref(),
        ));
        state.ops = Arc::new(Ops::new(self.metrics_allow.clone()));
    }
}

/// What the access log and the metrics share across requests.
pub struct Ops {
    pub metrics: metrics::Registry,
    /// Who may read `/metrics`.
    pub metrics_allow: Vec<Cidr>,
}

impl Ops {
    pub fn new(metrics_allow: Vec<Cidr>) -> Ops {
        Ops {
            metrics: Default::default(),
            metrics_allow,
        }
    }
}

impl Default for Ops {
    /// Metrics for the loopback addresses only.
    fn default() -> Ops {
        Ops::new(
            ["127.0.0.1/32", "::1/128"]
                .iter()
                .map(|c| c.parse().expect("loopback blocks"))
                .collect(),
        )
    }
}

/// How log lines are written.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// One human-readable line per event.
    Text,
    /// One JSON object per line (for log collectors).
    Json,
}

/// The log's settings, for every subcommand.
#[derive(clap::Args, Clone, Debug)]
pub struct LogArgs {
    /// Which events are logged (tracing's EnvFilter syntax). An access line per request is at
    /// `info`; cookies, request bodies, query strings and ids in paths are never logged.
    #[arg(
        long = "log",
        env = "CHAFANG_LOG",
        default_value = "info,sqlx=warn",
        global = true
    )]
    pub filter: String,
    /// text or json.
    #[arg(
        long,
        env = "CHAFANG_LOG_FORMAT",
        value_enum,
        default_value = "text",
        global = true
    )]
    pub log_format: LogFormat,
}

impl LogArgs {
    /// Installs the process's log writer (to standard error).
    pub fn init(&self) {
        let filter = tracing_subscriber::EnvFilter::try_new(&self.filter)
            .unwrap_or_else(|_| "info,sqlx=warn".into());
        let fmt = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
        match self.log_format {
            LogFormat::Text => fmt.init(),
            LogFormat::Json => fmt.json().flatten_event(true).init(),
        }
    }
}
