//! Argon2 on a fixed pool of hashing threads, one per core: at most that many hashes run at a
//! time, so a flood of requests queues instead of exhausting CPU and memory. Each hash holds
//! about 19 MiB; fixed threads reuse their own allocator arenas, so memory stays bounded at
//! roughly one hash buffer per thread (short-lived blocking threads would each keep theirs).

use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use reissue_core::hashing::{HashError, SecretHasher, Verification};
use reissue_core::procedures::Hashing;
use reissue_core::secret::Randomness;
use secrecy::SecretString;

type Job = Box<dyn FnOnce(&SecretHasher, &dyn Randomness) + Send>;

pub struct BlockingHashing {
    jobs: Mutex<mpsc::Sender<Job>>,
    threads: usize,
}

impl std::fmt::Debug for BlockingHashing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlockingHashing").field("threads", &self.threads).finish()
    }
}

impl BlockingHashing {
    pub fn new(hasher: Arc<SecretHasher>, rng: Arc<dyn Randomness>, threads: usize) -> Self {
        let threads = threads.max(1);
        let (tx, rx) = mpsc::channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..threads {
            let (rx, hasher, rng) = (rx.clone(), hasher.clone(), rng.clone());
            let spawned = std::thread::Builder::new().name(format!("argon2-{i}")).spawn(move || {
                loop {
                    // Take one job while holding the lock, then release it before working.
                    let job = match rx.lock() {
                        Ok(r) => r.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(&hasher, rng.as_ref()),
                        Err(_) => return,
                    }
                }
            });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "cannot start a hashing thread");
            }
        }
        Self { jobs: Mutex::new(tx), threads }
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&SecretHasher, &dyn Randomness) -> Result<T, HashError> + Send + 'static,
    ) -> Result<T, HashError> {
        let (done, result) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |h, rng| {
            let _ = done.send(f(h, rng));
        });
        self.jobs
            .lock()
            .map_err(|_| HashError::Failed("hashing pool poisoned".into()))?
            .send(job)
            .map_err(|_| HashError::Failed("hashing pool stopped".into()))?;
        result.await.map_err(|_| HashError::Failed("hashing thread ended".into()))?
    }
}

#[async_trait]
impl Hashing for BlockingHashing {
    async fn hash(&self, secret: SecretString) -> Result<String, HashError> {
        self.run(move |h, rng| h.hash(&secret, rng)).await
    }

    async fn verify(&self, secret: SecretString, stored: String) -> Result<Verification, HashError> {
        self.run(move |h, _| h.verify(&secret, &stored)).await
    }
}
