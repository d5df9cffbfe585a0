//! The store's contract: the promises each port makes, checked by the same tests against
//! every backend (SQLite in a temporary file, and a throwaway PostgreSQL cluster).
//!
//! `contract!(name)` turns `async fn name(db: &Db)` into `name::on_sqlite` and
//! `name::on_postgres`, each on a fresh database.

mod fixtures;

mod accounts;
mod atomicity;
mod audit;
mod constraints;
mod counter;
mod credentials;
mod helpdesk;
mod limits;
mod lock_order;
mod outbox;
mod postal;
mod reset;
mod staff;

/// Runs an `async fn(&Db)` once per backend.
macro_rules! contract {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread")]
            async fn on_sqlite() {
                let db = crate::fixtures::Db::sqlite().await;
                super::$name(&db).await;
            }

            #[tokio::test(flavor = "multi_thread")]
            async fn on_postgres() {
                let db = crate::fixtures::Db::postgres().await;
                super::$name(&db).await;
            }
        }
    };
}
pub(crate) use contract;
