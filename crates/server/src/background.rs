//! The bounded queue where the always-`202` endpoints finish their work. Such an endpoint
//! answers at its fixed deadline whatever the work costs — a matched request hashes a
//! temporary password, an unmatched one does not — so the work runs here, on a fixed number
//! of tasks, and the answer never waits for it. When the queue is full the request is shed
//! (counted and logged, never half done): under a flood the answer stays the same and on
//! time, and the flood cannot grow memory without bound.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::{Mutex, Notify, mpsc};

type Work = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A handle to the queue; cheap to clone.
#[derive(Clone)]
pub struct Background {
    tx: mpsc::Sender<Work>,
    /// Work queued or running, and a signal each time some finishes.
    pending: Arc<AtomicUsize>,
    finished: Arc<Notify>,
}

impl std::fmt::Debug for Background {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Background").field("free", &self.tx.capacity()).finish()
    }
}

impl Background {
    /// Starts `workers` tasks that take work from a queue of at most `capacity` requests.
    /// Must be called inside a tokio runtime.
    pub fn start(workers: usize, capacity: usize) -> Self {
        let (tx, rx) = mpsc::channel::<Work>(capacity.max(1));
        let rx = Arc::new(Mutex::new(rx));
        let (pending, finished) = (Arc::new(AtomicUsize::new(0)), Arc::new(Notify::new()));
        for _ in 0..workers.max(1) {
            let (rx, pending, finished) = (rx.clone(), pending.clone(), finished.clone());
            tokio::spawn(async move {
                loop {
                    let next = rx.lock().await.recv().await;
                    let Some(work) = next else { return };
                    // On a task of its own, so that work that panics takes neither this worker
                    // nor the count of work in hand with it.
                    if let Err(e) = tokio::spawn(work).await {
                        tracing::error!(error = %e, "background work panicked");
                    }
                    pending.fetch_sub(1, Ordering::SeqCst);
                    finished.notify_waiters();
                }
            });
        }
        Self { tx, pending, finished }
    }

    /// Waits until everything queued so far is done (for shutdown and tests).
    pub async fn drained(&self) {
        loop {
            let finished = self.finished.notified();
            if self.pending.load(Ordering::SeqCst) == 0 {
                return;
            }
            finished.await;
        }
    }

    /// Queues `work`, or sheds it when the queue is full. True when queued.
    pub fn submit(&self, what: &'static str, work: impl Future<Output = ()> + Send + 'static) -> bool {
        self.pending.fetch_add(1, Ordering::SeqCst);
        match self.tx.try_send(Box::pin(work)) {
            Ok(()) => true,
            Err(_) => {
                self.pending.fetch_sub(1, Ordering::SeqCst);
                metrics::counter!("reissue_background_shed_total", "work" => what).increment(1);
                tracing::warn!(work = what, "background queue full; request shed");
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn work_past_the_queues_capacity_is_shed_not_queued() {
        let (release, gate) = tokio::sync::watch::channel(false);
        let done = Arc::new(AtomicUsize::new(0));
        let bg = Background::start(1, 2);
        let mut queued = 0;
        for _ in 0..10 {
            let (mut gate, done) = (gate.clone(), done.clone());
            if bg.submit("test", async move {
                let _ = gate.wait_for(|open| *open).await;
                done.fetch_add(1, Ordering::SeqCst);
            }) {
                queued += 1;
            }
            tokio::task::yield_now().await;
        }
        // One running on the single worker, two waiting: the other seven were shed.
        assert!((2..=3).contains(&queued), "{queued} queued");
        release.send(true).unwrap();
        bg.drained().await;
        assert_eq!(done.load(Ordering::SeqCst), queued, "everything queued was done");
    }

    #[tokio::test]
    async fn work_that_panics_leaves_the_queue_working() {
        let bg = Background::start(1, 4);
        assert!(bg.submit("test", async { panic!("injected") }));
        bg.drained().await;
        let done = Arc::new(AtomicUsize::new(0));
        let d = done.clone();
        assert!(bg.submit("test", async move {
            d.fetch_add(1, Ordering::SeqCst);
        }));
        bg.drained().await;
        assert_eq!(done.load(Ordering::SeqCst), 1, "the one worker still takes work");
    }
}
