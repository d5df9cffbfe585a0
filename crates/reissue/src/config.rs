//! Configuration: defaults, overlaid by a TOML file, overlaid by `REISSUE__SECTION__KEY`
//! environment variables; `REISSUE__SECTION__KEY_FILE` reads a secret from a file. Unknown
//! keys are an error that names the key. Secrets never show in `Debug` output.
//!
//! The environment's values are text (`env.rs`): a string setting takes it as written, a
//! numeric or boolean setting parses it.

pub mod counter;
mod env;
#[cfg(test)]
#[allow(clippy::result_large_err)] // figment::Jail's closures return figment::Error by design.
mod env_tests;
pub mod postal;
#[cfg(test)]
mod probe;
#[cfg(test)]
#[allow(clippy::result_large_err)]
mod voice_tests;

use std::path::{Path, PathBuf};

use figment::Figment;
use figment::error::{Actual, Kind};
use figment::providers::{Format, Toml};
use reissue_core::credential::CredentialSpec;
use reissue_core::hashing::Argon2Cost;
use reissue_core::mail::Institution;
use reissue_core::rules::Rules;
use reissue_core::staff::StaffRules;
use reissue_delivery::mail::SmtpSecurity;
use secrecy::SecretString;
use serde::Deserialize;

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub server: ServerConfig,
    pub database: DatabaseConfig,
    pub smtp: Option<SmtpConfig>,
    pub voice: VoiceConfig,
    pub admin: AdminConfig,
    pub limits: LimitsConfig,
    pub rules: Rules,
    /// Staff sign-in: session lifetimes, password length, failures before a lock.
    pub staff: StaffRules,
    pub hashing: Argon2Cost,
    pub keys: KeysConfig,
    pub institution: Institution,
    pub credentials: Option<Vec<CredentialSpec>>,
    pub webhooks: Vec<WebhookConfig>,
    pub delivery: DeliveryConfig,
    pub log: LogConfig,
    /// The postal reset code's letters, vendor key and files.
    pub postal: postal::PostalConfig,
    /// Counter cases for ID-card PINs: the office, the case lifetime.
    pub counter: counter::CounterConfig,
    /// `reissue card`: the municipal counter and the call centre a holder is sent to.
    pub card: reissue_card::help::CardHelp,
}

/// The outbox worker's timing.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DeliveryConfig {
    /// How long a claimed message is reserved for one worker; after a crash, another worker
    /// (or this one, restarted) takes it over when the lease runs out.
    pub lease_secs: i64,
    /// After a crash, how long to wait for the provider's callbacks about a call that may
    /// already have been placed, before asking the provider and placing it again.
    pub call_grace_secs: i64,
    /// Attempts before a message is given up (and stays in the outbox as failed).
    pub max_attempts: u32,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        Self { lease_secs: 60, call_grace_secs: 5, max_attempts: 12 }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    pub listen: String,
    pub public_url: Option<String>,
    pub data_dir: PathBuf,
    /// Addresses of load balancers whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// A theme directory laid over the built-in pages file by file: `templates/*.html`,
    /// `static/*` (`theme.css` holds the colours, `logo.svg` the logo) and
    /// `locales/{ja,en}.ftl` (single catalogue entries, also of the e-mails and the call).
    pub theme_dir: Option<PathBuf>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            public_url: None,
            data_dir: "reissue-data".into(),
            trusted_proxies: Vec::new(),
            theme_dir: None,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    pub url: String,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self { url: "sqlite://reissue-data/reissue.db".into() }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    #[serde(default = "default_smtp_port")]
    pub port: u16,
    #[serde(default)]
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub password: Option<SecretString>,
    pub from: String,
}

fn default_smtp_port() -> u16 {
    587
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum VoiceProviderName {
    #[default]
    Simulator,
    Twilio,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VoiceConfig {
    pub provider: VoiceProviderName,
    pub twilio: Option<TwilioConfig>,
    /// Seconds a call rings before "no-answer".
    pub ring_timeout_secs: Option<u32>,
    /// The longest an answered call may last, in seconds; the provider hangs up then.
    pub max_call_secs: u32,
}

impl Default for VoiceConfig {
    fn default() -> Self {
        Self { provider: VoiceProviderName::default(), twilio: None, ring_timeout_secs: None, max_call_secs: 300 }
    }
}

/// The most Twilio allows for `TimeLimit`: four hours.
const TWILIO_MAX_CALL_SECS: u32 = 4 * 3600;

impl VoiceConfig {
    /// Refuses settings a provider cannot honour, and a Twilio set-up whose webhooks would
    /// carry the caller's PIN digits and the spoken code over plain HTTP.
    fn check(&self, public_url: &str) -> Result<(), String> {
        if !(1..=TWILIO_MAX_CALL_SECS).contains(&self.max_call_secs) {
            return Err(format!("voice.max_call_secs must be between 1 and {TWILIO_MAX_CALL_SECS}"));
        }
        if self.provider == VoiceProviderName::Twilio {
            if self.twilio.is_none() {
                return Err(
                    "voice.provider = \"twilio\" needs [voice.twilio] with account_sid, auth_token and from".into()
                );
            }
            if !is_https_or_loopback(public_url) {
                return Err(format!(
                    "server.public_url must be an https:// URL when voice.provider = \"twilio\" (it is {public_url:?}): \
                     Twilio sends the caller's PIN digits to it and fetches the spoken code from it"
                ));
            }
        }
        Ok(())
    }
}

/// Whether `u` is `https://...`, or any scheme on a loopback host (a test or a local proxy).
fn is_https_or_loopback(u: &str) -> bool {
    let Ok(url) = url::Url::parse(u) else { return false };
    if url.scheme() == "https" {
        return true;
    }
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

impl Config {
    /// The URL the providers and e-mails use: `server.public_url`, or `http://` and the
    /// listening address.
    pub fn public_url(&self) -> String {
        self.server.public_url.clone().unwrap_or_else(|| format!("http://{}", self.server.listen))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TwilioConfig {
    #[serde(default = "default_twilio_base")]
    pub api_base: String,
    pub account_sid: String,
    pub auth_token: SecretString,
    pub from: String,
}

fn default_twilio_base() -> String {
    "https://api.twilio.com".into()
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct AdminConfig {
    pub token: Option<SecretString>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LimitsConfig {
    pub ip_requests_per_minute: u32,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        Self { ip_requests_per_minute: 120 }
    }
}

/// Key files; each is created in the data directory on first start when not given.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct KeysConfig {
    /// HMAC key for reset codes and tokens (and, derived from it, the simulator's webhook key).
    pub code_hmac_file: Option<PathBuf>,
    pub pepper_file: Option<PathBuf>,
    pub webhook_signing_file: Option<PathBuf>,
    /// HMAC key of the audit chain and its checkpoints.
    pub audit_file: Option<PathBuf>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookConfig {
    pub url: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    /// A tracing filter such as `info` or `reissue=debug`.
    pub level: String,
    pub json: bool,
}

impl Default for LogConfig {
    fn default() -> Self {
        Self { level: "info".into(), json: false }
    }
}

/// Settings whose own names end in `_file`: `REISSUE__KEYS__PEPPER_FILE` sets the path,
/// it does not read the setting from a file.
const SETTINGS_NAMED_FILE: &[&str] =
    &["keys.code_hmac_file", "keys.pepper_file", "keys.webhook_signing_file", "keys.audit_file", "postal.font_file"];

/// Loads the configuration from `file` (or `reissue.toml` when present) and the environment,
/// and checks it.
pub fn load(file: Option<&Path>) -> Result<Config, String> {
    let config = read(file, std::env::vars().collect())?;
    config.rules.validate()?;
    config.staff.validate()?;
    config.postal.validate()?;
    config.counter.rules()?;
    config.card.validate()?;
    config.voice.check(&config.public_url())?;
    check_public_url(&config.public_url())?;
    Ok(config)
}

/// The `[card]` section alone, for the `reissue card` commands: they need no key files, no
/// database and none of the server's settings, so only this section is checked (the file
/// must still parse, unknown keys included).
pub fn load_card(file: Option<&Path>) -> Result<reissue_card::help::CardHelp, String> {
    let config = read(file, std::env::vars().collect())?;
    config.card.validate()?;
    Ok(config.card)
}

/// Refuses a public URL the pages cannot live under: every page, form and link is an absolute
/// path from the root, and the `__Host-` cookies require `Path=/`.
fn check_public_url(u: &str) -> Result<(), String> {
    let url = url::Url::parse(u).map_err(|e| format!("server.public_url {u:?} is not a URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("server.public_url must be an http:// or https:// URL (it is {u:?})"));
    }
    if url.path() != "/" || url.query().is_some() {
        return Err(format!(
            "server.public_url must be an origin without a path, such as https://reset.bank.example (it is {u:?}): \
             the pages live at the root of their host"
        ));
    }
    Ok(())
}

/// Whether the customer pages' cookies and HSTS are as strong as they should be: they are
/// `Secure`, `__Host-` and HSTS only when `server.public_url` is https. Plain http is fine on
/// a loopback host (a demo, a test); anywhere else the start-up warns.
pub fn public_url_is_weak(config: &Config) -> bool {
    !is_https_or_loopback(&config.public_url())
}

/// Reads the configuration from `file` (or `reissue.toml`) and `vars`, without checking the
/// figures.
fn read(file: Option<&Path>, vars: Vec<(String, String)>) -> Result<Config, String> {
    let mut fig = Figment::new();
    match file {
        Some(f) if !f.exists() => return Err(format!("configuration file {} does not exist", f.display())),
        Some(f) => fig = fig.merge(Toml::file(f)),
        None if Path::new("reissue.toml").exists() => fig = fig.merge(Toml::file("reissue.toml")),
        None => {}
    }
    let mut direct = Vec::new();
    let mut files = Figment::new();
    for (key, value) in vars {
        let Some(rest) = key.strip_prefix(env::PREFIX) else { continue };
        let path = env::setting_path(rest);
        if !env::is_file_reference(rest) || SETTINGS_NAMED_FILE.contains(&path.as_str()) {
            direct.push((key, value));
            continue;
        }
        let path = path[..path.len() - "_file".len()].to_owned();
        let secret = std::fs::read_to_string(&value).map_err(|e| format!("{key}: cannot read {value}: {e}"))?;
        files = files.merge((path, secret.trim_end_matches(['\n', '\r']).to_owned()));
    }
    let mut env = env::EnvText::from_vars(direct);
    loop {
        let merged = fig.clone().merge(env.clone()).merge(files.clone());
        match merged.extract_lossy::<Config>() {
            Ok(config) => return Ok(config),
            Err(e) => {
                // A list or table given as text: read that variable as one, and try again.
                let path = e.path.join(".");
                if matches!(e.kind, Kind::InvalidType(Actual::Str(_), _)) && env.could_be_structured(&path) {
                    env = env.with_structured(&path);
                    continue;
                }
                return Err(e.into_iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "));
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::result_large_err)] // figment::Jail's closures return figment::Error by design.
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_named() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("r.toml", "[server]\nlisten = \"127.0.0.1:9\"\nlisen = 1\n")?;
            let err = load(Some(Path::new("r.toml"))).unwrap_err();
            assert!(err.contains("lisen"), "{err}");
            Ok(())
        });
    }

    #[test]
    fn staff_session_lifetimes_outside_their_bounds_are_refused_naming_the_setting() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("r.toml", "[staff]\nsession_idle_secs = 600\nsession_absolute_secs = 14400\n")?;
            let c = load(Some(Path::new("r.toml"))).unwrap();
            assert_eq!((c.staff.idle().whole_seconds(), c.staff.absolute().whole_seconds()), (600, 14_400));
            jail.create_file("bad.toml", "[staff]\nsession_idle_secs = 10\n")?;
            let err = load(Some(Path::new("bad.toml"))).unwrap_err();
            assert!(err.contains("staff.session_idle_secs") && err.contains("60"), "{err}");
            jail.set_env("REISSUE__STAFF__SESSION_ABSOLUTE_SECS", "999999");
            let err = load(Some(Path::new("r.toml"))).unwrap_err();
            assert!(err.contains("staff.session_absolute_secs"), "{err}");
            Ok(())
        });
    }

    #[test]
    fn the_postal_section_reads_the_vendor_layout_and_four_eyes_names_real_actions() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "r.toml",
                "[staff]\nfour_eyes = [\"postal_application\", \"unlock\"]\n\n[postal]\nqr_code = true\n\
                 import_encoding = \"cp932\"\n\n[postal.manifest]\nencoding = \"cp932\"\n\
                 columns = [\"reference\", { field = \"postal_code\", header = \"郵便番号\" }]\n",
            )?;
            let c = load(Some(Path::new("r.toml"))).unwrap();
            assert_eq!(c.staff.four_eyes, ["postal_application", "unlock"]);
            assert!(c.postal.qr_code);
            assert_eq!(c.postal.import_encoding, reissue_core::postal_files::FileEncoding::Cp932);
            assert_eq!(c.postal.manifest.layout().unwrap().encoding(), reissue_core::postal_files::FileEncoding::Cp932);
            assert_eq!(c.postal.manifest.layout().unwrap().columns()[1].header(), "郵便番号");
            jail.create_file("bad.toml", "[staff]\nfour_eyes = [\"unlok\"]\n")?;
            let err = load(Some(Path::new("bad.toml"))).unwrap_err();
            assert!(err.contains("staff.four_eyes") && err.contains("unlok") && err.contains("void_code"), "{err}");
            jail.create_file("nocol.toml", "[postal.manifest]\ncolumns = [\"postal_code\"]\n")?;
            let err = load(Some(Path::new("nocol.toml"))).unwrap_err();
            assert!(err.contains("reference"), "a manifest without the reference is refused: {err}");
            Ok(())
        });
    }

    #[test]
    fn the_card_section_names_the_counter_and_the_call_centre_without_the_rest_of_the_config() {
        figment::Jail::expect_with(|jail| {
            let c = load_card(None).unwrap();
            assert_eq!(c.call_centre.free_dial, "0120-95-0178", "the national defaults");
            // A key file the server would need is no concern of the card commands.
            jail.create_file(
                "r.toml",
                "[keys]\npepper_file = \"/nonexistent/pepper\"\n\n[card]\ncounter = \"港区役所 戸籍住民課\"\n",
            )?;
            jail.set_env("REISSUE__CARD__CALL_CENTRE__NAVI_DIAL", "0570-000-000");
            let c = load_card(Some(Path::new("r.toml"))).unwrap();
            assert_eq!(c.counter, "港区役所 戸籍住民課");
            assert_eq!(c.call_centre.navi_dial, "0570-000-000");
            jail.create_file("bad.toml", "[card]\ncountr = \"x\"\n")?;
            assert!(load_card(Some(Path::new("bad.toml"))).unwrap_err().contains("countr"));
            jail.set_env("REISSUE__CARD__CALL_CENTRE__IP_PHONE", "ask at the desk");
            let err = load_card(Some(Path::new("r.toml"))).unwrap_err();
            assert!(err.contains("card.call_centre.ip_phone"), "{err}");
            Ok(())
        });
    }

    #[test]
    fn environment_overrides_the_file_and_file_secrets_are_read() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("r.toml", "[limits]\nip_requests_per_minute = 5\n")?;
            jail.create_file("token.txt", "s3cret-admin\n")?;
            jail.set_env("REISSUE__LIMITS__IP_REQUESTS_PER_MINUTE", "7");
            jail.set_env("REISSUE__ADMIN__TOKEN_FILE", "token.txt");
            let c = load(Some(Path::new("r.toml"))).unwrap();
            assert_eq!(c.limits.ip_requests_per_minute, 7);
            use secrecy::ExposeSecret;
            assert_eq!(c.admin.token.as_ref().unwrap().expose_secret(), "s3cret-admin");
            assert!(!format!("{c:?}").contains("s3cret"));
            Ok(())
        });
    }
}
