//! Argon2 on a fixed pool of hashing threads, one per core: at most that many hashes run at a
//! time. Each hash holds about 19 MiB; fixed threads reuse their own allocator arenas, so
//! memory stays bounded at roughly one hash buffer per thread (short-lived blocking threads
//! would each keep theirs).
//!
//! Work waits in two bounded queues. A free thread always takes an integrator's check before
//! public work, so sign-in keeps its share however many public requests arrive; and when the
//! public queue is full, new public work is refused at once (`HashError::Busy`) rather than
//! queued, so a flood cannot make every answer late. The integrator queue is bounded too.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex};

use async_trait::async_trait;
use reissue_core::hashing::{HashError, SecretHasher, Verification};
use reissue_core::procedures::{HashPriority, Hashing};
use reissue_core::secret::Randomness;
use secrecy::SecretString;

type Job = Box<dyn FnOnce(&SecretHasher, &dyn Randomness) + Send>;

#[derive(Default)]
struct Queues {
    integrator: VecDeque<Job>,
    public: VecDeque<Job>,
}

struct Shared {
    queues: Mutex<Queues>,
    ready: Condvar,
}

pub struct BlockingHashing {
    shared: Arc<Shared>,
    threads: usize,
    /// Most jobs that may wait in each queue.
    public_capacity: usize,
    integrator_capacity: usize,
}

impl std::fmt::Debug for BlockingHashing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlockingHashing")
            .field("threads", &self.threads)
            .field("public_capacity", &self.public_capacity)
            .field("integrator_capacity", &self.integrator_capacity)
            .finish()
    }
}

/// Public hashes that may wait per thread: about a quarter of a second of work at the OWASP
/// cost, so a public answer waits little before it is refused.
const PUBLIC_PER_THREAD: usize = 8;
/// Integrator checks that may wait per thread before sign-in answers "busy".
const INTEGRATOR_PER_THREAD: usize = 64;

impl BlockingHashing {
    pub fn new(hasher: Arc<SecretHasher>, rng: Arc<dyn Randomness>, threads: usize) -> Self {
        Self::with_capacity(hasher, rng, threads, PUBLIC_PER_THREAD, INTEGRATOR_PER_THREAD)
    }

    /// A pool whose queues hold `public_per_thread` and `integrator_per_thread` waiting jobs
    /// per thread.
    pub fn with_capacity(
        hasher: Arc<SecretHasher>,
        rng: Arc<dyn Randomness>,
        threads: usize,
        public_per_thread: usize,
        integrator_per_thread: usize,
    ) -> Self {
        let threads = threads.max(1);
        let shared = Arc::new(Shared { queues: Mutex::new(Queues::default()), ready: Condvar::new() });
        for i in 0..threads {
            let (shared, hasher, rng) = (shared.clone(), hasher.clone(), rng.clone());
            let spawned = std::thread::Builder::new().name(format!("argon2-{i}")).spawn(move || {
                loop {
                    let job = {
                        let Ok(mut q) = shared.queues.lock() else { return };
                        loop {
                            // Integrators first: that is their share.
                            if let Some(job) = q.integrator.pop_front().or_else(|| q.public.pop_front()) {
                                break job;
                            }
                            q = match shared.ready.wait(q) {
                                Ok(q) => q,
                                Err(_) => return,
                            };
                        }
                    };
                    job(&hasher, rng.as_ref());
                }
            });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "cannot start a hashing thread");
            }
        }
        Self {
            shared,
            threads,
            public_capacity: threads * public_per_thread.max(1),
            integrator_capacity: threads * integrator_per_thread.max(1),
        }
    }

    async fn run<T: Send + 'static>(
        &self,
        priority: HashPriority,
        f: impl FnOnce(&SecretHasher, &dyn Randomness) -> Result<T, HashError> + Send + 'static,
    ) -> Result<T, HashError> {
        let (done, result) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |h, rng| {
            let _ = done.send(f(h, rng));
        });
        {
            let mut q = self.shared.queues.lock().map_err(|_| HashError::Failed("hashing pool poisoned".into()))?;
            let (queue, capacity, label) = match priority {
                HashPriority::Integrator => (&mut q.integrator, self.integrator_capacity, "integrator"),
                HashPriority::Public => (&mut q.public, self.public_capacity, "public"),
            };
            if queue.len() >= capacity {
                metrics::counter!("reissue_hash_shed_total", "priority" => label).increment(1);
                return Err(HashError::Busy);
            }
            queue.push_back(job);
        }
        self.shared.ready.notify_one();
        result.await.map_err(|_| HashError::Failed("hashing thread ended".into()))?
    }
}

#[async_trait]
impl Hashing for BlockingHashing {
    async fn hash(&self, secret: SecretString, priority: HashPriority) -> Result<String, HashError> {
        self.run(priority, move |h, rng| h.hash(&secret, rng)).await
    }

    async fn verify(
        &self,
        secret: SecretString,
        stored: String,
        priority: HashPriority,
    ) -> Result<Verification, HashError> {
        self.run(priority, move |h, _| h.verify(&secret, &stored)).await
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use reissue_core::hashing::Argon2Cost;

    use super::*;

    struct Counter(AtomicUsize);
    impl Randomness for Counter {
        fn fill(&self, buf: &mut [u8]) {
            let n = self.0.fetch_add(1, Ordering::Relaxed);
            for (i, b) in buf.iter_mut().enumerate() {
                *b = (n + i) as u8;
            }
        }
    }

    fn pool(public: usize) -> (Arc<BlockingHashing>, String) {
        let cost = Argon2Cost { memory_kib: 8 * 1024, iterations: 2, parallelism: 1 };
        let hasher = Arc::new(SecretHasher::new(vec![1; 32], cost).unwrap());
        let rng: Arc<dyn Randomness> = Arc::new(Counter(AtomicUsize::new(0)));
        let stored = hasher.hash(&SecretString::from("right"), rng.as_ref()).unwrap();
        (Arc::new(BlockingHashing::with_capacity(hasher, rng, 1, public, 64)), stored)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_flood_of_public_work_is_shed_and_integrators_still_get_their_checks() {
        let (pool, stored) = pool(4);
        let mut flood = Vec::new();
        for _ in 0..64 {
            let (pool, stored) = (pool.clone(), stored.clone());
            flood.push(tokio::spawn(async move {
                pool.verify(SecretString::from("guess"), stored, HashPriority::Public).await
            }));
        }
        tokio::task::yield_now().await;
        // Sign-in arrives in the middle of the flood and is served before the queued public work.
        let check = pool.verify(SecretString::from("right"), stored.clone(), HashPriority::Integrator).await;
        assert_eq!(check.unwrap(), Verification::Match { needs_rehash: false });
        let mut shed = 0;
        let mut done_after = 0;
        for f in flood {
            match f.await.unwrap() {
                Err(HashError::Busy) => shed += 1,
                Ok(_) => done_after += 1,
                Err(e) => panic!("{e}"),
            }
        }
        assert!(shed >= 64 - 5, "at most one running and four waiting: {shed} shed, {done_after} done");
        assert!(done_after >= 1);
    }
}
