//! Tracing set-up: human text or JSON lines, filtered by `--log-level`, on stderr or in
//! daily files under `--log-dir` (the last 7 kept). An agent started by a client has no
//! terminal, so it logs to files.

use std::io::IsTerminal;
use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;
use crate::private_dir;

/// Daily log files kept.
pub const LOG_FILES_KEPT: usize = 7;

#[derive(Debug, thiserror::Error)]
pub enum LoggingError {
    #[error("invalid --log-level {filter:?}: {source}")]
    Filter {
        filter: String,
        source: tracing_subscriber::filter::ParseError,
    },
    #[error("cannot write logs in {dir}: {reason}")]
    Dir { dir: String, reason: String },
    #[error("logging was already initialised")]
    AlreadySet,
}

/// Keeps file logging alive: dropping it flushes what is buffered.
pub struct LogGuard {
    _flush_on_drop: Option<WorkerGuard>,
}

pub fn init(filter: &str, format: LogFormat, dir: Option<&Path>) -> Result<LogGuard, LoggingError> {
    let env_filter = EnvFilter::try_new(filter).map_err(|source| LoggingError::Filter {
        filter: filter.to_owned(),
        source,
    })?;
    let builder = tracing_subscriber::fmt().with_env_filter(env_filter);
    let Some(dir) = dir else {
        let builder = builder
            .with_ansi(std::io::stderr().is_terminal())
            .with_writer(std::io::stderr);
        let result = match format {
            LogFormat::Text => builder.try_init(),
            LogFormat::Json => builder.json().flatten_event(true).try_init(),
        };
        return result
            .map(|()| LogGuard {
                _flush_on_drop: None,
            })
            .map_err(|_| LoggingError::AlreadySet);
    };
    let dir_error = |reason: String| LoggingError::Dir {
        dir: dir.display().to_string(),
        reason,
    };
    private_dir::create(dir).map_err(|e| dir_error(e.to_string()))?;
    let files = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix("agent")
        .filename_suffix("log")
        .max_log_files(LOG_FILES_KEPT)
        .build(dir)
        .map_err(|e| dir_error(e.to_string()))?;
    let (writer, guard) = tracing_appender::non_blocking(files);
    let builder = builder.with_ansi(false).with_writer(writer);
    let result = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
    result
        .map(|()| LogGuard {
            _flush_on_drop: Some(guard),
        })
        .map_err(|_| LoggingError::AlreadySet)
}
