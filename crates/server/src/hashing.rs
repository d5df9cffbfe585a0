//! Argon2 on a bounded blocking pool: at most one hash per core runs at a time, so a flood of
//! requests queues instead of exhausting memory (each hash holds about 19 MiB).

use std::sync::Arc;

use async_trait::async_trait;
use reissue_core::hashing::{HashError, SecretHasher, Verification};
use reissue_core::recovery::Hashing;
use reissue_core::secret::Randomness;
use secrecy::SecretString;
use tokio::sync::Semaphore;

pub struct BlockingHashing {
    hasher: Arc<SecretHasher>,
    rng: Arc<dyn Randomness>,
    permits: Arc<Semaphore>,
}

impl std::fmt::Debug for BlockingHashing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlockingHashing").field("permits", &self.permits.available_permits()).finish()
    }
}

impl BlockingHashing {
    pub fn new(hasher: Arc<SecretHasher>, rng: Arc<dyn Randomness>, concurrency: usize) -> Self {
        Self { hasher, rng, permits: Arc::new(Semaphore::new(concurrency.max(1))) }
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&SecretHasher, &dyn Randomness) -> Result<T, HashError> + Send + 'static,
    ) -> Result<T, HashError> {
        let _permit = self.permits.acquire().await.map_err(|_| HashError::Failed("hashing pool closed".into()))?;
        let hasher = self.hasher.clone();
        let rng = self.rng.clone();
        tokio::task::spawn_blocking(move || f(&hasher, rng.as_ref()))
            .await
            .map_err(|e| HashError::Failed(format!("hashing task: {e}")))?
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
