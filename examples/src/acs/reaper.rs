//! Sessions no POST came back for, and Downloads no TransferComplete came back for: what the
//! server finishes on its own, on any node.

use std::time::Duration;

use serde_json::json;
use tracing::{info, warn};

use super::App;
use super::cwmp::{ServerError, now_ms};
use super::metrics::SessionEnd;
use super::store::{Event, SessionRow, Task, TaskStatus, Tx};

/// Why a stored session is given up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GivenUp {
    /// No POST came before its deadline.
    TimedOut,
    /// The device sent a new Inform: a CPE starts anew only when it has left the old one.
    Superseded,
}

impl GivenUp {
    fn label(self) -> &'static str {
        match self {
            Self::TimedOut => "timed_out",
            Self::Superseded => "abandoned",
        }
    }

    fn detail(self) -> &'static str {
        match self {
            Self::TimedOut => "timed out waiting for the CPE",
            Self::Superseded => "superseded by a new Inform",
        }
    }

    fn metric(self) -> SessionEnd {
        match self {
            Self::TimedOut => SessionEnd::TimedOut,
            Self::Superseded => SessionEnd::TransportFailed,
        }
    }
}

/// Ends a stored session that will get no more POSTs: its unanswered tasks go back to the
/// queue, and the device's log says why.
pub(crate) async fn end_session(
    app: &App,
    tx: &mut Tx,
    row: &SessionRow,
    why: GivenUp,
    now: i64,
) -> Result<(), ServerError> {
    // Two nodes' reapers, or a reaper and an Inform on another node, can read the same
    // expired session before either commits (PostgreSQL reads without locking): only the
    // one whose delete took the row ends it, so its end is logged and counted once.
    if !row.delete(tx).await? {
        return Ok(());
    }
    app.open_sessions.ended();
    let requeued = Task::requeue_session(tx, &row.id, now).await?;
    app.metrics.session_ended(
        why.metric(),
        Duration::from_millis(u64::try_from(now - row.started_at).unwrap_or(0)),
    );
    Event::add(
        tx,
        &row.device_id,
        now,
        "session",
        Some(&row.id),
        &json!({ "end": why.label(), "detail": why.detail(), "requeued": requeued }),
    )
    .await?;
    warn!(device = %row.device_id, session = %row.id, why = why.detail(), requeued, "session given up");
    Ok(())
}

/// Ends the sessions past their deadline and the Downloads past their timeout; the server
/// runs it every second.
pub(crate) async fn sweep(app: App) -> Result<(), ServerError> {
    let app = &app;
    let now = now_ms();
    let mut tx = app.store.begin().await?;
    for row in SessionRow::expired(&mut tx, now, 500).await? {
        end_session(app, &mut tx, &row, GivenUp::TimedOut, now).await?;
    }
    for task in Task::transferring(&mut tx).await? {
        let done_after = task
            .result
            .as_ref()
            .and_then(|r| r.get("doneAfter"))
            .and_then(serde_json::Value::as_i64);
        if done_after.is_some_and(|t| t <= now) {
            let mut result = task.result.clone().unwrap_or_else(|| json!({}));
            result["transferComplete"] = json!({ "assumed": "no TransferComplete in time" });
            Task::set_status(
                &mut tx,
                task.id,
                TaskStatus::Done,
                task.session_id.as_deref(),
                Some(&result),
                now,
            )
            .await?;
            info!(device = %task.device_id, task = task.id, "download taken as done after its timeout");
        }
    }
    tx.commit().await?;
    Ok(())
}
