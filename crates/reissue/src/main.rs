//! The `reissue` binary: loads configuration, starts the server and its outbox worker, and
//! runs the administrative commands. Logic lives in the library crates.

mod audit_cli;
mod config;
mod demo;
mod import;
mod import_progress;
mod keyfiles;
mod keys_cli;
mod postal_cli;
mod staff_cli;

use std::io::Read;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use reissue_core::account::{LoginId, format_date};
use reissue_core::audit::{Actor, AuditDraft, AuditKeys};
use reissue_core::catalogue::Catalogue;
use reissue_core::credential::CredentialSet;
use reissue_core::hashing::{MacKey, SecretHasher};
use reissue_core::keyring::KeyRing;
use reissue_core::keys::Keys;
use reissue_core::model::Role;
use reissue_core::ports::{Accounts, ImportError};
use reissue_core::procedures::{Hashing, Recovery, RecoveryParts};
use reissue_core::secret::Randomness;
use reissue_core::vault::BuiltInVault;
use reissue_delivery::mail::{Mailer, MemoryMailbox, SmtpMailer, SmtpSettings};
use reissue_delivery::voice::VoiceProvider;
use reissue_delivery::voice::phone::{PhoneNetwork, SimulatedProvider};
use reissue_delivery::voice::twilio::{Twilio, TwilioSettings};
use reissue_delivery::webhook::WebhookSender;
use reissue_delivery::worker::Worker;
use reissue_server::background::Background;
use reissue_server::hashing::BlockingHashing;
use reissue_server::pages::Site;
use reissue_server::pages::theme::ThemeFiles;
use reissue_server::{AppState, Demo, SystemClock};
use reissue_store::SqlStore;
use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;

use crate::config::{Config, VoiceProviderName};
use crate::keyfiles::{KeyFile, KeyKind};

#[derive(Parser, Debug)]
#[command(name = "reissue", version, about = "Credential recovery server")]
struct Cli {
    /// Configuration file (default: reissue.toml when present).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the server.
    Serve {
        /// Load demo accounts and print how to walk the voice reset in a browser or by hand.
        #[arg(long)]
        demo: bool,
    },
    /// Accounts.
    #[command(subcommand)]
    Account(AccountCommand),
    /// API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Staff members of the console: enrol, list, disable, reset.
    #[command(subcommand)]
    Staff(staff_cli::StaffCommand),
    /// Postal letters: the open batch, export for the print-and-mail vendor, its files back.
    #[command(subcommand)]
    Postal(postal_cli::PostalCommand),
    /// The audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Secrets.
    #[command(subcommand)]
    Secret(SecretCommand),
    /// Server keys.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// ID-card PINs through a card reader, and the software card.
    #[command(subcommand)]
    Card(reissue_card::cli::CardCommand),
}

#[derive(Subcommand, Debug)]
enum AccountCommand {
    /// Import accounts from JSON Lines (FILE, or - for standard input). All or nothing.
    Import {
        file: String,
        /// Replace accounts whose login ID exists already.
        #[arg(long)]
        update: bool,
    },
    /// Print an account as JSON, without secrets or hashes.
    Show { login_id: String },
}

#[derive(Subcommand, Debug)]
enum TokenCommand {
    /// Create a bearer token and print it once.
    Create {
        #[arg(long, value_parser = parse_role)]
        role: Role,
        #[arg(long)]
        name: String,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| format!("role must be one of {}", Role::names()))
}

#[derive(Subcommand, Debug)]
enum AuditCommand {
    /// Check the keyed chain and name the first broken event; with --checkpoint, also that the
    /// log still reaches the head the checkpoint recorded (no cut tail, no rewrite).
    Verify {
        #[arg(long, value_name = "FILE")]
        checkpoint: Option<PathBuf>,
    },
    /// Print the signed head of the log (seq, head MAC, time, key ID, MAC) as JSON, to keep
    /// outside the database for `audit verify --checkpoint`.
    Checkpoint,
}

#[derive(Subcommand, Debug)]
enum SecretCommand {
    /// Read a secret from standard input and print its Argon2id PHC hash with this server's
    /// pepper (for preparing imports).
    Hash,
}

#[derive(Subcommand, Debug)]
enum KeysCommand {
    /// Add a fresh key of KIND and make it current: new work uses it, older keys still verify
    /// what was made under them. Copy the key file to every instance on the same database.
    Rotate {
        #[arg(value_enum)]
        kind: KeyKind,
    },
    /// Remove an older key of KIND once nothing it protects is in use: ends a webhook
    /// signature overlap. Refused for the current key, for audit keys (they verify the log),
    /// for a pepper that password or PIN hashes still use, and for a code_hmac key that API
    /// tokens still use.
    Retire {
        #[arg(value_enum)]
        kind: KeyKind,
        id: u32,
    },
}

/// The operating system's CSPRNG.
struct OsRandomness;

impl Randomness for OsRandomness {
    fn fill(&self, buf: &mut [u8]) {
        if let Err(e) = getrandom::fill(buf) {
            // Without randomness no secret can be made safely; stopping is the only safe answer.
            panic!("the operating system's random number generator failed: {e}");
        }
    }
}

/// Tasks that finish the always-`202` requests, and how many such requests may wait for them
/// before new ones are shed: enough for bursts far above the per-IP budget, bounded so that
/// a flood cannot grow memory.
const BACKGROUND_WORKERS: usize = 32;
const BACKGROUND_QUEUE: usize = 4096;

/// The command line's clock: an edge, like the server's `SystemClock`.
#[allow(clippy::disallowed_methods)]
fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// The shared pieces every command builds from the configuration.
struct Runtime {
    config: Config,
    store: Arc<SqlStore>,
    recovery: Arc<Recovery>,
    hasher: Arc<SecretHasher>,
    masters: KeyRing<MacKey>,
    webhook_keys: KeyRing<Vec<u8>>,
    key_files: Vec<KeyFile>,
    audit_keys: Arc<AuditKeys>,
    /// The pages' templates and static files, built in with `server.theme_dir` laid over them.
    theme: ThemeFiles,
}

async fn runtime(config: Config) -> Result<Runtime, String> {
    let data_dir = config.server.data_dir.clone();
    let load = |kind, given: Option<&std::path::Path>| KeyFile::load(kind, given, &data_dir, &OsRandomness);
    let key_files = vec![
        load(KeyKind::CodeHmac, config.keys.code_hmac_file.as_deref())?,
        load(KeyKind::Pepper, config.keys.pepper_file.as_deref())?,
        load(KeyKind::WebhookSigning, config.keys.webhook_signing_file.as_deref())?,
        load(KeyKind::Audit, config.keys.audit_file.as_deref())?,
    ];
    let ring = |kind| key_files.iter().find(|f| f.kind == kind).map(KeyFile::ring).ok_or("a key file is missing");
    let audit_keys = Arc::new(AuditKeys::new(&ring(KeyKind::Audit)?));
    let store = Arc::new(
        SqlStore::connect_keyed(&config.database.url, Some(audit_keys.clone())).await.map_err(|e| e.to_string())?,
    );
    for file in &key_files {
        file.check(&store, now()).await?;
    }
    let masters = ring(KeyKind::CodeHmac)?.map(|k| MacKey::new(k.clone()));
    let webhook_keys = ring(KeyKind::WebhookSigning)?;
    let hasher =
        Arc::new(SecretHasher::with_peppers(ring(KeyKind::Pepper)?, config.hashing).map_err(|e| e.to_string())?);
    let rng: Arc<dyn Randomness> = Arc::new(OsRandomness);
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
    let hashing: Arc<dyn Hashing> = Arc::new(BlockingHashing::new(hasher.clone(), rng.clone(), cores));
    let credentials = match &config.credentials {
        Some(specs) => CredentialSet::new(specs.clone()).map_err(|e| format!("credentials: {e}"))?,
        None => CredentialSet::bank_default(),
    };
    let mut dummy = [0u8; 24];
    rng.fill(&mut dummy);
    let dummy_hash = hasher.hash(&SecretString::from(hex::encode(dummy)), rng.as_ref()).map_err(|e| e.to_string())?;
    let public_url = config.public_url();
    let theme = ThemeFiles::load(config.server.theme_dir.as_deref()).map_err(|e| e.to_string())?;
    let catalogue = Arc::new(Catalogue::themed(&theme.locales).map_err(|e| format!("theme catalogue {e}"))?);
    let recovery = Arc::new(Recovery::new(RecoveryParts {
        store: store.clone(),
        vault: Arc::new(BuiltInVault::new(hashing.clone())),
        hashing,
        rng,
        keys: Keys::new(&masters),
        rules: config.rules.clone().with_profile_applied(),
        credentials,
        institution: config.institution.clone(),
        catalogue,
        public_url,
        webhooks: config.webhooks.iter().map(|w| w.url.clone()).collect(),
        dummy_hash,
        staff: config.staff.clone(),
        counter: config.counter.rules()?,
    }));
    Ok(Runtime { config, store, recovery, hasher, masters, webhook_keys, key_files, audit_keys, theme })
}

fn init_logging(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(&config.log.level));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = if config.log.json { builder.json().try_init() } else { builder.try_init() };
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Card(cmd) = cli.command {
        // Only the `[card]` section: a counter workstation has no key files or database.
        let help = match config::load_card(cli.config.as_deref()) {
            Ok(help) => help,
            Err(e) => {
                eprintln!("reissue: configuration: {e}");
                return ExitCode::from(2);
            }
        };
        return reissue_card::cli::run(cmd, &help);
    }
    let config = match config::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("reissue: configuration: {e}");
            return ExitCode::from(2);
        }
    };
    init_logging(&config);
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("reissue: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli.command, config)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("reissue: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> Result<ExitCode, String> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let rt = runtime(config).await?;
    match command {
        Command::Serve { demo } => serve(rt, demo).await,
        Command::Account(AccountCommand::Import { file, update }) => {
            let mut input = String::new();
            if file == "-" {
                std::io::stdin().read_to_string(&mut input).map_err(|e| format!("stdin: {e}"))?;
            } else {
                input = std::fs::read_to_string(&file).map_err(|e| format!("{file}: {e}"))?;
            }
            import_accounts(&rt, &input, update).await
        }
        Command::Account(AccountCommand::Show { login_id }) => {
            let id = LoginId::parse(&login_id).map_err(|e| e.to_string())?;
            let Some(a) = rt.store.account(&id).await.map_err(|e| e.to_string())? else {
                return Err(format!("no account with login ID {id}"));
            };
            let p = &a.profile;
            let v = serde_json::json!({
                "login_id": p.login_id,
                "kind": p.kind,
                "status": p.status,
                "organization_name": p.organization_name,
                "name": { "family": p.name.family(), "given": p.name.given() },
                "birth_date": p.birth_date.map(format_date),
                "email": p.email,
                "phone": p.phone,
                "language": p.language,
                "address": p.address,
                "changed_at": p.changed_at,
                "code_failures": a.code_failures,
                "credentials": a.credentials.iter().map(|c| serde_json::json!({
                    "name": c.name, "failures": c.failures, "locked": c.locked, "must_change": c.must_change,
                })).collect::<Vec<_>>(),
            });
            println!("{}", serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Token(TokenCommand::Create { role, name }) => {
            let token = rt.recovery.create_token(&name, role, now()).await.map_err(|e| e.to_string())?;
            println!("{}", token.expose_secret());
            Ok(ExitCode::SUCCESS)
        }
        Command::Staff(cmd) => staff_cli::run(&rt.recovery, cmd, now()).await,
        Command::Postal(cmd) => {
            let desk = rt.config.postal.desk(&rt.recovery, false)?;
            postal_cli::run(&rt.recovery, desk, cmd, now()).await
        }
        Command::Audit(AuditCommand::Verify { checkpoint }) => {
            audit_cli::verify(&rt.store, &rt.audit_keys, checkpoint.as_deref()).await
        }
        Command::Audit(AuditCommand::Checkpoint) => audit_cli::checkpoint(&rt.store, &rt.audit_keys, now()).await,
        Command::Secret(SecretCommand::Hash) => {
            let mut s = String::new();
            std::io::stdin().read_line(&mut s).map_err(|e| format!("stdin: {e}"))?;
            let secret = SecretString::from(s.trim_end_matches(['\n', '\r']).to_owned());
            let hash = rt.hasher.hash(&secret, &OsRandomness).map_err(|e| e.to_string())?;
            println!("{hash}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Keys(KeysCommand::Rotate { kind }) => {
            let mut file = rt.key_files.into_iter().find(|f| f.kind == kind).ok_or("no such key file")?;
            let id = file.rotate(&OsRandomness)?;
            file.check(&rt.store, now()).await?;
            println!(
                "{} key {id} is now current in {}; copy this file to every instance on the same database and restart them",
                kind.name(),
                file.path.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Keys(KeysCommand::Retire { kind, id }) => {
            keys_cli::retire(
                &rt.store,
                rt.key_files.into_iter().find(|f| f.kind == kind).ok_or("no such key file")?,
                id,
            )
            .await
        }
        Command::Card(_) => Ok(ExitCode::FAILURE),
    }
}

async fn import_accounts(rt: &Runtime, input: &str, update: bool) -> Result<ExitCode, String> {
    let lines = input.lines().filter(|l| !l.trim().is_empty()).count();
    let mut progress = import_progress::Progress::on_terminal(lines);
    let parsed = import::parse_all(input, rt.recovery.credentials(), rt.recovery.hashing(), &mut progress).await;
    let accounts = match parsed {
        Ok(a) => a,
        Err(errors) => {
            for e in &errors {
                eprintln!("{e}");
            }
            eprintln!("reissue: {} bad line(s); nothing was imported", errors.len());
            return Ok(ExitCode::FAILURE);
        }
    };
    let audit = AuditDraft::new(Actor::Cli, "account_import", None, "imported");
    progress.counts.stage = import_progress::Stage::Writing;
    progress.show(true);
    let written = rt.store.import_accounts(accounts, update, now(), audit).await;
    if written.is_ok() {
        progress.counts.stage = import_progress::Stage::Written;
    }
    progress.finish();
    match written {
        Ok(n) => {
            println!("imported {n} account(s)");
            Ok(ExitCode::SUCCESS)
        }
        Err(ImportError::Existing(list)) => {
            for (line, id) in &list {
                eprintln!("line {line}: login_id {id} exists already (use --update to replace it)");
            }
            eprintln!("reissue: nothing was imported");
            Ok(ExitCode::FAILURE)
        }
        Err(ImportError::Store(e)) => Err(e.to_string()),
    }
}

async fn serve(rt: Runtime, demo: bool) -> Result<ExitCode, String> {
    let cfg = &rt.config;
    // Everything is ready before the port opens, so a client that connects finds it so.
    let demo_staff = if demo {
        demo::load(&rt.store, &rt.recovery).await?;
        staff_cli::enrol_demo(&rt.recovery, &rt.masters, now()).await?
    } else {
        Vec::new()
    };
    let demo_card = if demo { demo::software_card(&cfg.server.data_dir)? } else { PathBuf::new() };
    let addr: SocketAddr =
        cfg.server.listen.parse().map_err(|e| format!("server.listen {:?}: {e}", cfg.server.listen))?;
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let bound = listener.local_addr().map_err(|e| e.to_string())?;
    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(20))
        .build()
        .map_err(|e| format!("http client: {e}"))?;

    let mailbox = cfg.smtp.is_none().then(MemoryMailbox::default);
    let mailer: Arc<dyn Mailer> = match (&cfg.smtp, &mailbox) {
        (Some(s), _) => Arc::new(
            SmtpMailer::new(&SmtpSettings {
                host: s.host.clone(),
                port: s.port,
                security: s.security,
                username: s.username.clone(),
                password: s.password.clone(),
                from: s.from.clone(),
            })
            .map_err(|e| e.to_string())?,
        ),
        (None, Some(mb)) => Arc::new(mb.clone()),
        (None, None) => return Err("no mailer".into()),
    };
    let (voice, webhook_token, phone): (Arc<dyn VoiceProvider>, SecretString, Option<PhoneNetwork>) =
        match (cfg.voice.provider, &cfg.voice.twilio) {
            (VoiceProviderName::Twilio, Some(t)) => (
                Arc::new(Twilio::new(
                    http.clone(),
                    TwilioSettings {
                        api_base: t.api_base.clone(),
                        account_sid: t.account_sid.clone(),
                        auth_token: t.auth_token.clone(),
                        from: t.from.clone(),
                        ring_timeout_secs: cfg.voice.ring_timeout_secs.unwrap_or(25),
                        max_call_secs: cfg.voice.max_call_secs,
                    },
                )),
                t.auth_token.clone(),
                None,
            ),
            _ => {
                let token = SecretString::from(hex::encode(
                    rt.masters.current().1.derive("simulator-webhooks").mac(&[b"token"]),
                ));
                let network = PhoneNetwork::new(http.clone(), "AC00000000000000000000000000000000", token.clone());
                let provider = SimulatedProvider { network: network.clone(), from: "+815000000000".into() };
                (Arc::new(provider), token, Some(network))
            }
        };
    let metrics = metrics_exporter_prometheus::PrometheusBuilder::new().install_recorder().ok();
    let wake = Arc::new(tokio::sync::Notify::new());
    let postal_desk = Arc::new(cfg.postal.desk(&rt.recovery, demo)?);
    if let Err(why) = &postal_desk.printing {
        tracing::warn!("postal letters cannot be rendered until a Japanese font is installed: {why}");
    }
    // The demo's clock can be moved forward (`POST /demo/clock`) to come back another day.
    let demo_clock = demo.then(|| Arc::new(reissue_server::DemoClock::kept_in(cfg.server.data_dir.join("demo-clock"))));
    let clock: Arc<dyn reissue_server::Clock> = match &demo_clock {
        Some(c) => c.clone(),
        None => Arc::new(SystemClock),
    };
    let state = AppState {
        recovery: rt.recovery.clone(),
        voice_webhook_token: webhook_token,
        ip_requests_per_minute: cfg.limits.ip_requests_per_minute,
        // The demo's hands (answer calls, read mail) exist only in the demo: anywhere else
        // they would show spoken codes and mail to anyone.
        demo: phone.filter(|_| demo).map(|phone| Demo { phone, mailbox: mailbox.clone(), clock: demo_clock.clone() }),
        metrics,
        wake: wake.clone(),
        admin_token: cfg.admin.token.clone(),
        trusted_proxies: cfg.server.trusted_proxies.clone(),
        clock,
        background: Background::start(BACKGROUND_WORKERS, BACKGROUND_QUEUE),
        site: Arc::new(
            Site::new(
                rt.theme.clone(),
                rt.recovery.catalogue().clone(),
                cfg.institution.clone(),
                rt.recovery.public_url(),
            )
            .map_err(|e| e.to_string())?,
        ),
        postal: postal_desk.clone(),
    };
    if !demo && config::public_url_is_weak(cfg) {
        tracing::warn!(
            public_url = %rt.recovery.public_url(),
            "server.public_url is not https: the customer pages' cookies are not Secure and no HSTS is sent; \
             set it to the https:// address customers use"
        );
    }
    if !demo && cfg.voice.provider == VoiceProviderName::Simulator {
        tracing::warn!("voice.provider is the built-in simulator: calls ring nowhere; configure [voice.twilio]");
    }
    if !demo && cfg.smtp.is_none() {
        tracing::warn!("no [smtp] configured: e-mail stays in memory and is never sent");
    }
    let mut id = [0u8; 6];
    OsRandomness.fill(&mut id);
    let worker = Arc::new(Worker {
        store: rt.store.clone(),
        mailer,
        voice,
        webhooks: Arc::new(WebhookSender::new(http.clone(), rt.webhook_keys.clone())),
        public_url: rt.recovery.public_url().to_owned(),
        id: format!("worker-{}", hex::encode(id)),
        lease: time::Duration::seconds(cfg.delivery.lease_secs.max(1)),
        call_grace: time::Duration::seconds(cfg.delivery.call_grace_secs.max(0)),
        call_max_age: time::Duration::seconds(rt.recovery.rules().call_silence_timeout_secs),
        max_attempts: cfg.delivery.max_attempts.max(1),
        wake,
        sealer: Arc::new(Keys::outbox_sealer(&rt.masters)),
    });
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let worker_task = tokio::spawn(worker.run(stop_rx));

    let app = reissue_server::app(state);
    tracing::info!(%bound, database = %db_kind(&cfg.database.url), "reissue listening");
    if demo {
        demo::print_walkthrough(bound, rt.recovery.institution(), &demo_card);
        staff_cli::print_demo_staff(&demo_staff);
    } else {
        println!("reissue listening on http://{bound}");
    }
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| e.to_string())?;
    let _ = stop_tx.send(true);
    let _ = worker_task.await;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

fn db_kind(url: &str) -> &'static str {
    if url.starts_with("sqlite") { "sqlite" } else { "postgres" }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
