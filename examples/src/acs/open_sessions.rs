//! How many sessions are open, as the `max_sessions` check needs it: the store's count, read
//! at most once a second, plus what this node admitted and ended since.
//!
//! Counting the stored sessions on every Inform cost a scan of every open session's index
//! entry inside the Inform's write transaction: with 10,000 slow sessions held open, that
//! scan was most of an Inform's time (PERFORMANCE.md). The cap was already soft across nodes
//! (each node counts without a lock); this keeps it as soft: another node's admissions and
//! ends show at the next read of the count.

use std::sync::Mutex;

/// How long a count read from the store stands before it is read again.
pub(crate) const REFRESH_MS: i64 = 1_000;

/// The estimate of open sessions.
#[derive(Debug, Default)]
pub(crate) struct OpenSessions {
    inner: Mutex<Estimate>,
}

#[derive(Debug, Default)]
struct Estimate {
    /// The store's count, and when it was read (`None`: never).
    stored: i64,
    read_at: Option<i64>,
    /// Sessions this node admitted, and ended, since.
    admitted: i64,
    ended: i64,
}

impl OpenSessions {
    /// Whether the count is due to be read from the store again at `now` (ms).
    pub(crate) fn is_stale(&self, now: i64) -> bool {
        let estimate = self.lock();
        estimate
            .read_at
            .is_none_or(|at| now.saturating_sub(at) >= REFRESH_MS || now < at)
    }

    /// The store counted `stored` open sessions at `now`.
    pub(crate) fn refreshed(&self, stored: i64, now: i64) {
        *self.lock() = Estimate {
            stored,
            read_at: Some(now),
            admitted: 0,
            ended: 0,
        };
    }

    /// The estimate: the last count, plus this node's sessions started since, less those it
    /// ended.
    pub(crate) fn estimate(&self) -> i64 {
        let estimate = self.lock();
        (estimate.stored + estimate.admitted - estimate.ended).max(0)
    }

    /// This node stored a new session.
    pub(crate) fn admitted(&self) {
        self.lock().admitted += 1;
    }

    /// This node ended a stored session.
    pub(crate) fn ended(&self) {
        self.lock().ended += 1;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Estimate> {
        // The estimate is plain numbers: a panic elsewhere while it was held cannot leave it
        // half-written, so a poisoned lock is used as it is.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_estimate_adds_this_nodes_sessions_to_the_last_count() {
        let open = OpenSessions::default();
        assert!(open.is_stale(0), "never read");
        open.refreshed(10, 1_000);
        assert!(!open.is_stale(1_500));
        open.admitted();
        open.admitted();
        open.ended();
        assert_eq!(open.estimate(), 11);
        assert!(open.is_stale(2_000), "a second later");
        open.refreshed(4, 2_000);
        assert_eq!(open.estimate(), 4, "a fresh count replaces what was added");
    }

    #[test]
    fn a_clock_that_went_back_reads_the_count_again() {
        let open = OpenSessions::default();
        open.refreshed(3, 5_000);
        assert!(open.is_stale(4_000));
    }

    #[test]
    fn the_estimate_is_never_negative() {
        let open = OpenSessions::default();
        open.refreshed(0, 0);
        open.ended();
        assert_eq!(open.estimate(), 0);
    }
}
