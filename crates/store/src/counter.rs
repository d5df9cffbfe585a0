//! Counter cases (P8b). A case is one of its account's rows: every write opens an
//! `AccountTx` on the case's account (`account_tx_of`), and is conditional on the state the
//! procedure saw, so two counters acting on one case cannot both move it.

use async_trait::async_trait;
use reissue_core::audit::AuditDraft;
use reissue_core::counter::checklist::{DocumentType, Exemption, ItemKind, ItemRecord, Visit};
use reissue_core::counter::{CardPin, CaseType, Ground, PinOperation, PinOutcome};
use reissue_core::ids::AccountId;
use reissue_core::lifecycle::counter_case::{CaseEvent, CaseState};
use reissue_core::ports::StoreError;
use reissue_core::ports::counter::{
    CaseFilter, CaseTokenRow, CaseView, CounterCases, NewCase, PinSuccess, RecordedItem, StoredCheckCode,
};
use reissue_core::ports::postal::LetterRecipient;
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};
use time::OffsetDateTime;

use crate::tx::{AccountTx, Key};
use crate::{SqlStore, corrupt, db, from_ms, ms};

const CASE_COLUMNS: &str = "c.id, c.account_id, a.login_id, c.case_type, c.ground, c.pins, c.operation, c.state, \
     c.check_failures, c.recipient, c.pins_done, c.opened_by, c.opened_at, c.expires_at, c.mailed_at, c.closed_at, \
     c.updated_at, CASE WHEN c.sealed_check_code IS NULL THEN 0 ELSE 1 END AS printable";

const TOKEN_COLUMNS: &str =
    "id, case_id, pin, issued_by, issued_at, expires_at, claimed_at, reported_at, outcome, tries_left";

const CASE_OF_ID: &str = "SELECT account_id FROM counter_cases WHERE id = $1";
const CASE_OF_TOKEN: &str =
    "SELECT c.account_id FROM counter_case_tokens t JOIN counter_cases c ON c.id = t.case_id WHERE t.id = $1";

fn parse<T>(what: &str, v: &str, f: impl Fn(&str) -> Option<T>) -> Result<T, StoreError> {
    f(v).ok_or_else(|| corrupt(format!("{what} {v:?}")))
}

fn opt_time(r: &AnyRow, col: &str) -> Result<Option<OffsetDateTime>, StoreError> {
    r.try_get::<Option<i64>, _>(col).map_err(db)?.map(from_ms).transpose()
}

fn pins(s: &str) -> Result<Vec<CardPin>, StoreError> {
    CardPin::parse_list(s).map_err(corrupt)
}

fn token_from_row(r: &AnyRow) -> Result<CaseTokenRow, StoreError> {
    let pin: String = r.try_get("pin").map_err(db)?;
    let outcome: Option<String> = r.try_get("outcome").map_err(db)?;
    Ok(CaseTokenRow {
        id: r.try_get("id").map_err(db)?,
        case_id: r.try_get("case_id").map_err(db)?,
        pin: parse("pin", &pin, CardPin::parse)?,
        issued_by: r.try_get("issued_by").map_err(db)?,
        issued_at: from_ms(r.try_get("issued_at").map_err(db)?)?,
        expires_at: from_ms(r.try_get("expires_at").map_err(db)?)?,
        claimed_at: opt_time(r, "claimed_at")?,
        reported_at: opt_time(r, "reported_at")?,
        outcome: outcome.map(|o| parse("outcome", &o, PinOutcome::parse)).transpose()?,
        tries_left: r.try_get("tries_left").map_err(db)?,
    })
}

fn item_from_row(r: &AnyRow) -> Result<RecordedItem, StoreError> {
    let kind: String = r.try_get("item").map_err(db)?;
    let visit: i64 = r.try_get("visit").map_err(db)?;
    let document: Option<String> = r.try_get("document").map_err(db)?;
    let exemption: Option<String> = r.try_get("exemption").map_err(db)?;
    Ok(RecordedItem {
        record: ItemRecord {
            kind: parse("item", &kind, ItemKind::parse)?,
            visit: Visit::from_number(visit).ok_or_else(|| corrupt(format!("visit {visit}")))?,
            document: document.map(|d| parse("document", &d, DocumentType::parse)).transpose()?,
            number_last4: r.try_get("number_last4").map_err(db)?,
            exemption: exemption.map(|e| parse("exemption", &e, Exemption::parse)).transpose()?,
            collected: r.try_get::<i64, _>("collected").map_err(db)? == 1,
        },
        recorded_by: r.try_get("recorded_by").map_err(db)?,
        recorded_at: from_ms(r.try_get("recorded_at").map_err(db)?)?,
    })
}

fn case_from_row(r: &AnyRow) -> Result<CaseView, StoreError> {
    let s = |c: &str| r.try_get::<String, _>(c).map_err(db);
    let ground: Option<String> = r.try_get("ground").map_err(db)?;
    let recipient: Option<String> = r.try_get("recipient").map_err(db)?;
    Ok(CaseView {
        id: r.try_get("id").map_err(db)?,
        account_id: AccountId::new(r.try_get("account_id").map_err(db)?),
        login_id: s("login_id")?,
        case_type: parse("case type", &s("case_type")?, CaseType::parse)?,
        ground: ground.map(|g| parse("ground", &g, Ground::parse)).transpose()?,
        pins: pins(&s("pins")?)?,
        operation: parse("operation", &s("operation")?, PinOperation::parse)?,
        state: parse("case state", &s("state")?, CaseState::parse)?,
        items: vec![],
        pins_done: pins(&s("pins_done")?)?,
        check_failures: r.try_get("check_failures").map_err(db)?,
        letter_printable: r.try_get::<i64, _>("printable").map_err(db)? == 1,
        recipient: recipient.map(|j| serde_json::from_str::<LetterRecipient>(&j).map_err(corrupt)).transpose()?,
        opened_by: s("opened_by")?,
        opened_at: from_ms(r.try_get("opened_at").map_err(db)?)?,
        expires_at: from_ms(r.try_get("expires_at").map_err(db)?)?,
        mailed_at: opt_time(r, "mailed_at")?,
        closed_at: opt_time(r, "closed_at")?,
        updated_at: from_ms(r.try_get("updated_at").map_err(db)?)?,
        tokens: vec![],
    })
}

/// `'a', 'b'`: the states a case may be in when `event` happens.
fn states_before(event: CaseEvent) -> String {
    CaseState::before(event).iter().map(|s| format!("'{}'", s.as_str())).collect::<Vec<_>>().join(", ")
}

impl SqlStore {
    async fn insert_item(
        tx: &mut AccountTx,
        case_id: i64,
        item: &ItemRecord,
        by: &str,
        t: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM counter_case_items WHERE case_id = $1 AND visit = $2 AND item = $3")
            .bind(case_id)
            .bind(item.visit.number())
            .bind(item.kind.as_str())
            .execute(&mut **tx)
            .await
            .map_err(db)?;
        sqlx::query(
            "INSERT INTO counter_case_items (case_id, visit, item, document, number_last4, exemption, collected, \
             recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(case_id)
        .bind(item.visit.number())
        .bind(item.kind.as_str())
        .bind(item.document.map(|d| d.as_str()))
        .bind(item.number_last4.clone())
        .bind(item.exemption.map(|e| e.as_str()))
        .bind(i64::from(item.collected))
        .bind(by.to_owned())
        .bind(t)
        .execute(&mut **tx)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn cases_where(
        &self,
        filter: &str,
        bind: Option<i64>,
        order: &str,
        limit: u32,
    ) -> Result<Vec<CaseView>, StoreError> {
        let sql = format!(
            "SELECT {CASE_COLUMNS} FROM counter_cases c JOIN accounts a ON a.id = c.account_id WHERE {filter} \
             ORDER BY {order} LIMIT {limit}"
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        if let Some(b) = bind {
            q = q.bind(b);
        }
        let mut cases: Vec<CaseView> =
            q.fetch_all(&self.pool).await.map_err(db)?.iter().map(case_from_row).collect::<Result<_, _>>()?;
        for c in &mut cases {
            c.items = sqlx::query(
                "SELECT item, visit, document, number_last4, exemption, collected, recorded_by, recorded_at \
                 FROM counter_case_items WHERE case_id = $1 ORDER BY visit, recorded_at",
            )
            .bind(c.id)
            .fetch_all(&self.pool)
            .await
            .map_err(db)?
            .iter()
            .map(item_from_row)
            .collect::<Result<_, _>>()?;
            c.tokens = sqlx::query(AssertSqlSafe(format!(
                "SELECT {TOKEN_COLUMNS} FROM counter_case_tokens WHERE case_id = $1 ORDER BY id"
            )))
            .bind(c.id)
            .fetch_all(&self.pool)
            .await
            .map_err(db)?
            .iter()
            .map(token_from_row)
            .collect::<Result<_, _>>()?;
        }
        Ok(cases)
    }

    async fn token_where(&self, column: &str, lookups: &[Vec<u8>]) -> Result<Option<CaseTokenRow>, StoreError> {
        for mac in lookups {
            let sql = format!("SELECT {TOKEN_COLUMNS} FROM counter_case_tokens WHERE {column} = $1");
            if let Some(r) =
                sqlx::query(AssertSqlSafe(sql)).bind(mac.clone()).fetch_optional(&self.pool).await.map_err(db)?
            {
                return Ok(Some(token_from_row(&r)?));
            }
        }
        Ok(None)
    }

    async fn case_tx(&self, id: i64) -> Result<Option<AccountTx>, StoreError> {
        self.account_tx_of(CASE_OF_ID, Key::Id(id)).await
    }

    /// Writes a PIN step's success inside `tx`; false when the case had moved.
    async fn write_pin_success(tx: &mut AccountTx, s: &PinSuccess, t: i64) -> Result<bool, StoreError> {
        let to = if s.complete { CaseState::Completed } else { s.from };
        let sql = format!(
            "UPDATE counter_cases SET pins_done = $1, state = $2, updated_at = $3, \
             closed_at = CASE WHEN $4 = 1 THEN $3 ELSE closed_at END \
             WHERE id = $5 AND state = $6 AND pins_done = $7 AND state IN ({})",
            states_before(CaseEvent::PinStepDone)
        );
        let n = sqlx::query(AssertSqlSafe(sql))
            .bind(CardPin::join(&s.pins_done))
            .bind(to.as_str())
            .bind(t)
            .bind(i64::from(s.complete))
            .bind(s.case_id)
            .bind(s.from.as_str())
            .bind(CardPin::join(&s.seen))
            .execute(&mut **tx)
            .await
            .map_err(db)?
            .rows_affected();
        Ok(n == 1)
    }
}

#[async_trait]
impl CounterCases for SqlStore {
    async fn open_counter_case(
        &self,
        case: NewCase,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<Option<i64>, StoreError> {
        let t = ms(now);
        if case.state != CaseState::initial(case.case_type) {
            return Err(corrupt(format!("a {} case cannot open {}", case.case_type, case.state.as_str())));
        }
        let mut tx = self.account_tx(case.account_id.get()).await?;
        // Under the account's lock: one case at a time for a holder, however many counters.
        let open = CaseState::ALL.iter().filter(|s| !s.is_closed()).map(|s| format!("'{}'", s.as_str()));
        let sql = format!(
            "SELECT COUNT(*) AS n FROM counter_cases WHERE account_id = $1 AND expires_at > $2 AND state IN ({})",
            open.collect::<Vec<_>>().join(", ")
        );
        let others: i64 = sqlx::query(AssertSqlSafe(sql))
            .bind(case.account_id.get())
            .bind(t)
            .fetch_one(&mut *tx)
            .await
            .map_err(db)?
            .try_get("n")
            .map_err(db)?;
        if others > 0 {
            return Ok(None);
        }
        let recipient = case.recipient.as_ref().map(serde_json::to_string).transpose().map_err(corrupt)?;
        let check = case.check.clone();
        let id: i64 = sqlx::query(
            "INSERT INTO counter_cases (account_id, case_type, ground, pins, operation, state, check_salt, check_mac, \
             sealed_check_code, recipient, opened_by, opened_at, expires_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $12) RETURNING id",
        )
        .bind(case.account_id.get())
        .bind(case.case_type.as_str())
        .bind(case.ground.map(|g| g.as_str()))
        .bind(CardPin::join(&case.pins))
        .bind(case.operation.as_str())
        .bind(case.state.as_str())
        .bind(check.as_ref().map(|c| c.salt.clone()))
        .bind(check.as_ref().map(|c| c.mac.clone()))
        .bind(check.as_ref().map(|c| c.sealed.clone()))
        .bind(recipient)
        .bind(case.opened_by.clone())
        .bind(t)
        .bind(ms(case.expires_at))
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?
        .try_get("id")
        .map_err(db)?;
        for item in &case.items {
            Self::insert_item(&mut tx, id, item, &case.opened_by, t).await?;
        }
        let mut audit = audit;
        audit.detail["case"] = serde_json::json!(reissue_core::counter::CaseRef::of(id).to_string());
        self.finish(tx, now, &[], &audit).await?;
        Ok(Some(id))
    }

    async fn counter_case(&self, id: i64) -> Result<Option<CaseView>, StoreError> {
        Ok(self.cases_where("c.id = $1", Some(id), "c.id", 1).await?.pop())
    }

    async fn counter_cases(&self, filter: CaseFilter, limit: u32) -> Result<Vec<CaseView>, StoreError> {
        match filter {
            CaseFilter::NotClosed(at) => {
                let open = CaseState::ALL.iter().filter(|s| !s.is_closed()).map(|s| format!("'{}'", s.as_str()));
                let filter = format!("c.state IN ({}) AND c.expires_at > $1", open.collect::<Vec<_>>().join(", "));
                self.cases_where(&filter, Some(ms(at)), "c.id", limit).await
            }
            CaseFilter::Account(a) => self.cases_where("c.account_id = $1", Some(a.get()), "c.id DESC", limit).await,
        }
    }

    async fn check_code(&self, id: i64) -> Result<Option<StoredCheckCode>, StoreError> {
        let r = sqlx::query("SELECT check_salt, check_mac, sealed_check_code FROM counter_cases WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        let Some(r) = r else { return Ok(None) };
        let salt: Option<Vec<u8>> = r.try_get("check_salt").map_err(db)?;
        let mac: Option<Vec<u8>> = r.try_get("check_mac").map_err(db)?;
        Ok(match (salt, mac) {
            (Some(salt), Some(mac)) => {
                Some(StoredCheckCode { salt, mac, sealed: r.try_get("sealed_check_code").map_err(db)? })
            }
            _ => None,
        })
    }

    async fn record_case_item(
        &self,
        id: i64,
        state: CaseState,
        item: ItemRecord,
        by: &str,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError> {
        let t = ms(now);
        let Some(mut tx) = self.case_tx(id).await? else { return Ok(false) };
        let n = sqlx::query("UPDATE counter_cases SET updated_at = $1 WHERE id = $2 AND state = $3")
            .bind(t)
            .bind(id)
            .bind(state.as_str())
            .execute(&mut *tx)
            .await
            .map_err(db)?
            .rows_affected();
        if n != 1 {
            return Ok(false);
        }
        Self::insert_item(&mut tx, id, &item, by, t).await?;
        self.finish(tx, now, &[], &audit).await?;
        Ok(true)
    }

    async fn move_counter_case(
        &self,
        id: i64,
        event: CaseEvent,
        from: CaseState,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError> {
        let Ok(to) = from.next(event) else { return Ok(false) };
        let t = ms(now);
        let Some(mut tx) = self.case_tx(id).await? else { return Ok(false) };
        // Once the letter has left, or the case is over, the check code exists only on paper.
        let wipe = i64::from(event != CaseEvent::CheckCodeAccepted || to.is_closed());
        // The right check code gives back the try reserved for its check.
        let give_back = i64::from(event == CaseEvent::CheckCodeAccepted);
        let sql = format!(
            "UPDATE counter_cases SET state = $1, updated_at = $2, \
             sealed_check_code = CASE WHEN $3 = 1 THEN NULL ELSE sealed_check_code END, \
             mailed_at = CASE WHEN $4 = 1 THEN $2 ELSE mailed_at END, \
             closed_at = CASE WHEN $5 = 1 THEN $2 ELSE closed_at END, \
             check_failures = CASE WHEN $8 = 1 AND check_failures > 0 THEN check_failures - 1 ELSE check_failures END \
             WHERE id = $6 AND state = $7 AND state IN ({})",
            states_before(event)
        );
        let n = sqlx::query(AssertSqlSafe(sql))
            .bind(to.as_str())
            .bind(t)
            .bind(wipe)
            .bind(i64::from(event == CaseEvent::InquiryMailed))
            .bind(i64::from(to.is_closed()))
            .bind(id)
            .bind(from.as_str())
            .bind(give_back)
            .execute(&mut *tx)
            .await
            .map_err(db)?
            .rows_affected();
        if n != 1 {
            return Ok(false);
        }
        self.finish(tx, now, &[], &audit).await?;
        Ok(true)
    }

    async fn reserve_check_code_try(
        &self,
        id: i64,
        max: i64,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<Option<i64>, StoreError> {
        let t = ms(now);
        let Some(mut tx) = self.case_tx(id).await? else { return Ok(None) };
        let r = sqlx::query(
            "UPDATE counter_cases SET check_failures = check_failures + 1, updated_at = $1 \
             WHERE id = $2 AND state = 'awaiting_reply' AND check_failures < $3 RETURNING check_failures",
        )
        .bind(t)
        .bind(id)
        .bind(max)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        let Some(r) = r else { return Ok(None) };
        let n: i64 = r.try_get("check_failures").map_err(db)?;
        self.finish(tx, now, &[], &audit).await?;
        Ok(Some(n))
    }

    async fn record_pin_success(
        &self,
        s: PinSuccess,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError> {
        let Some(mut tx) = self.case_tx(s.case_id).await? else { return Ok(false) };
        if !Self::write_pin_success(&mut tx, &s, ms(now)).await? {
            return Ok(false);
        }
        self.finish(tx, now, &[], &audit).await?;
        Ok(true)
    }

    async fn issue_case_token(
        &self,
        case_id: i64,
        token_mac: Vec<u8>,
        pin: CardPin,
        expires_at: OffsetDateTime,
        by: &str,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<i64, StoreError> {
        let Some(mut tx) = self.case_tx(case_id).await? else {
            return Err(StoreError::Corrupt(format!("no counter case {case_id}")));
        };
        let id: i64 = sqlx::query(
            "INSERT INTO counter_case_tokens (case_id, token_mac, pin, issued_by, issued_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(case_id)
        .bind(token_mac)
        .bind(pin.as_str())
        .bind(by.to_owned())
        .bind(ms(now))
        .bind(ms(expires_at))
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?
        .try_get("id")
        .map_err(db)?;
        self.finish(tx, now, &[], &audit).await?;
        Ok(id)
    }

    async fn case_token(&self, lookups: &[Vec<u8>]) -> Result<Option<CaseTokenRow>, StoreError> {
        self.token_where("token_mac", lookups).await
    }

    async fn case_token_by_report(&self, lookups: &[Vec<u8>]) -> Result<Option<CaseTokenRow>, StoreError> {
        self.token_where("report_mac", lookups).await
    }

    async fn claim_case_token(
        &self,
        token_id: i64,
        report_mac: Vec<u8>,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError> {
        let t = ms(now);
        let Some(mut tx) = self.account_tx_of(CASE_OF_TOKEN, Key::Id(token_id)).await? else { return Ok(false) };
        let n = sqlx::query(
            "UPDATE counter_case_tokens SET claimed_at = $1, report_mac = $2 \
             WHERE id = $3 AND claimed_at IS NULL AND expires_at > $1",
        )
        .bind(t)
        .bind(report_mac)
        .bind(token_id)
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
        if n != 1 {
            return Ok(false);
        }
        self.finish(tx, now, &[], &audit).await?;
        Ok(true)
    }

    async fn report_case_token(
        &self,
        token_id: i64,
        outcome: PinOutcome,
        tries_left: Option<i64>,
        success: Option<PinSuccess>,
        now: OffsetDateTime,
        audit: AuditDraft,
    ) -> Result<bool, StoreError> {
        let t = ms(now);
        let Some(mut tx) = self.account_tx_of(CASE_OF_TOKEN, Key::Id(token_id)).await? else { return Ok(false) };
        let n = sqlx::query(
            "UPDATE counter_case_tokens SET reported_at = $1, outcome = $2, tries_left = $3 \
             WHERE id = $4 AND claimed_at IS NOT NULL AND reported_at IS NULL",
        )
        .bind(t)
        .bind(outcome.as_str())
        .bind(tries_left)
        .bind(token_id)
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
        if n != 1 {
            return Ok(false);
        }
        if let Some(s) = &success
            && !Self::write_pin_success(&mut tx, s, t).await?
        {
            return Ok(false);
        }
        self.finish(tx, now, &[], &audit).await?;
        Ok(true)
    }
}
