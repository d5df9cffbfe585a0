//! E-mail: SMTP through lettre, or an in-memory mailbox for the demo.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;

use crate::DeliveryError;

/// One e-mail to send. `idempotency_key` becomes the Message-ID, so a message retried after
/// a crash carries the same ID and a receiving system can drop the duplicate.
#[derive(Debug, Clone, Serialize)]
pub struct Mail {
    pub idempotency_key: String,
    pub to: String,
    pub subject: String,
    pub body: String,
}

#[async_trait]
pub trait Mailer: Send + Sync {
    async fn send(&self, mail: &Mail) -> Result<(), DeliveryError>;
}

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    None,
    #[default]
    Starttls,
    Tls,
}

/// SMTP settings.
#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub password: Option<SecretString>,
    pub from: String,
}

/// Sends over SMTP with a connection pool.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    domain: String,
}

impl std::fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpMailer").field("from", &self.from).finish_non_exhaustive()
    }
}

impl SmtpMailer {
    pub fn new(s: &SmtpSettings) -> Result<Self, DeliveryError> {
        let from: Mailbox = s.from.parse().map_err(|e| DeliveryError::Smtp(format!("smtp.from {:?}: {e}", s.from)))?;
        let tls = |required: bool| -> Result<Tls, DeliveryError> {
            let p = TlsParameters::new(s.host.clone()).map_err(|e| DeliveryError::Smtp(e.to_string()))?;
            Ok(if required { Tls::Wrapper(p) } else { Tls::Required(p) })
        };
        let mut b = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(s.host.clone()).port(s.port).tls(
            match s.security {
                SmtpSecurity::None => Tls::None,
                SmtpSecurity::Starttls => tls(false)?,
                SmtpSecurity::Tls => tls(true)?,
            },
        );
        if let (Some(u), Some(p)) = (&s.username, &s.password) {
            b = b.credentials(Credentials::new(u.clone(), p.expose_secret().to_owned()));
        }
        let domain = from.email.domain().to_owned();
        Ok(Self { transport: b.build(), from, domain })
    }
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, mail: &Mail) -> Result<(), DeliveryError> {
        let to: Mailbox = mail.to.parse().map_err(|e| DeliveryError::Smtp(format!("recipient: {e}")))?;
        let msg = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .message_id(Some(format!("<{}@{}>", mail.idempotency_key, self.domain)))
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.clone())
            .map_err(|e| DeliveryError::Smtp(e.to_string()))?;
        self.transport.send(msg).await.map_err(|e| DeliveryError::Smtp(e.to_string()))?;
        Ok(())
    }
}

/// The demo's mailbox: keeps messages in memory so a person can read them at
/// `GET /demo/mailbox`. Not for production: nothing leaves the process.
#[derive(Debug, Default, Clone)]
pub struct MemoryMailbox {
    messages: Arc<Mutex<Vec<Delivered>>>,
}

/// A message in the demo's mailbox, with when it arrived.
#[derive(Debug, Clone, Serialize)]
pub struct Delivered {
    #[serde(flatten)]
    pub mail: Mail,
    #[serde(with = "time::serde::rfc3339")]
    pub received: time::OffsetDateTime,
}

impl MemoryMailbox {
    /// The messages in the order they arrived.
    pub fn messages(&self) -> Vec<Delivered> {
        self.messages.lock().map(|m| m.clone()).unwrap_or_default()
    }
}

#[async_trait]
impl Mailer for MemoryMailbox {
    async fn send(&self, mail: &Mail) -> Result<(), DeliveryError> {
        let mut m = self.messages.lock().map_err(|_| DeliveryError::Other("mailbox poisoned".into()))?;
        if !m.iter().any(|x| x.mail.idempotency_key == mail.idempotency_key) {
            #[allow(clippy::disallowed_methods)] // The mailbox stamps arrivals as a mail server does.
            let received = time::OffsetDateTime::now_utc();
            m.push(Delivered { mail: mail.clone(), received });
        }
        Ok(())
    }
}
