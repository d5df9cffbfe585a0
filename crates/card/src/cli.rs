//! `reissue card ...` subcommands: read PIN status and change PINs through a PC/SC reader,
//! and make and run a software card for tests and demos.
//!
//! Exit codes: 0 done; 1 the card, reader or service said no (wrong PIN, locked, no
//! reader...); 2 input refused before anything reached the card. No PIN is ever printed.

use std::fmt;
use std::io::{BufRead, IsTerminal};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::str::FromStr;

use zeroize::Zeroizing;

use crate::pin::{Pin, PinKind};
use crate::procedure::{CardError, PinChange, PinStatus};
use crate::soft::{SoftCard, SoftCardPins};
use crate::vpcd::{self, VpcdEvent};

/// The `reissue card` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum CardCommand {
    /// List the PC/SC card readers.
    Readers,
    /// Show the four PINs: tries left and whether they are locked.
    Status {
        /// Reader to use (default: the first reader with a card).
        #[arg(long)]
        reader: Option<String>,
        /// Print JSON: {"pins":[{"pin":"auth","tries_left":3,"max_tries":3,"locked":false},...]}.
        #[arg(long)]
        json: bool,
    },
    /// Change one PIN. Asks for the current PIN and the new PIN twice (without echo); when
    /// standard input is not a terminal, reads three lines: current, new, new again.
    ChangePin {
        /// Which PIN: auth (user-authentication, 4 digits), sign (signature password, 6-16
        /// of A-Z/0-9), juki (resident registry, 4 digits), text (text input support, 4 digits).
        #[arg(value_enum)]
        pin: PinArg,
        /// Reader to use (default: the first reader with a card).
        #[arg(long)]
        reader: Option<String>,
    },
    /// Create a software card (test data only: its PINs are stored in clear text).
    Init {
        /// State file to create; it must not exist.
        #[arg(long)]
        state: PathBuf,
        /// Signature certificate password (6-16 of A-Z/0-9, a letter and a digit).
        #[arg(long)]
        sign_password: SecretArg,
        /// User-authentication PIN (4 digits).
        #[arg(long)]
        auth_pin: SecretArg,
        /// Resident-registry PIN (4 digits).
        #[arg(long)]
        juki_pin: SecretArg,
        /// Text-input-support PIN (4 digits).
        #[arg(long)]
        text_pin: SecretArg,
    },
    /// Run a software card behind vpcd (vsmartcard-vpcd in pcscd) until stopped.
    Emulate {
        /// State file made by `reissue card init`.
        #[arg(long)]
        state: PathBuf,
        /// vpcd port on 127.0.0.1 (35963 = reader "Virtual PCD 00 00").
        #[arg(long, default_value_t = vpcd::DEFAULT_PORT)]
        port: u16,
    },
}

/// A PIN on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PinArg {
    /// User-authentication PIN.
    Auth,
    /// Signature certificate password.
    Sign,
    /// Resident-registry PIN.
    Juki,
    /// Text-input-support PIN.
    Text,
}

impl From<PinArg> for PinKind {
    fn from(arg: PinArg) -> Self {
        match arg {
            PinArg::Auth => PinKind::Auth,
            PinArg::Sign => PinKind::Sign,
            PinArg::Juki => PinKind::Juki,
            PinArg::Text => PinKind::Text,
        }
    }
}

/// A secret command-line value: wiped on drop, hidden from `Debug`.
#[derive(Clone)]
pub struct SecretArg(Zeroizing<String>);

impl FromStr for SecretArg {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(Zeroizing::new(s.to_owned())))
    }
}

impl fmt::Debug for SecretArg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

const INPUT_REFUSED: u8 = 2;

fn fail(message: impl fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::FAILURE
}

fn refuse(message: impl fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    eprintln!("nothing was sent to the card");
    ExitCode::from(INPUT_REFUSED)
}

/// Runs one `reissue card` subcommand and returns the process exit code.
pub fn run(cmd: CardCommand) -> ExitCode {
    match cmd {
        CardCommand::Readers => readers(),
        CardCommand::Status { reader, json } => status(reader.as_deref(), json),
        CardCommand::ChangePin { pin, reader } => change_pin(pin.into(), reader.as_deref()),
        CardCommand::Init { state, sign_password, auth_pin, juki_pin, text_pin } => {
            init(state, &sign_password, &auth_pin, &juki_pin, &text_pin)
        }
        CardCommand::Emulate { state, port } => emulate(state, port),
    }
}

fn init(state: PathBuf, sign: &SecretArg, auth: &SecretArg, juki: &SecretArg, text: &SecretArg) -> ExitCode {
    let pins = (|| {
        Ok::<_, crate::pin::PinFormatError>(SoftCardPins {
            sign: Pin::new(PinKind::Sign, &sign.0)?,
            auth: Pin::new(PinKind::Auth, &auth.0)?,
            juki: Pin::new(PinKind::Juki, &juki.0)?,
            text: Pin::new(PinKind::Text, &text.0)?,
        })
    })();
    let pins = match pins {
        Ok(pins) => pins,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(INPUT_REFUSED);
        }
    };
    match SoftCard::create(&state, &pins) {
        Ok(_) => {
            println!("created software card {} (test data: its PINs are stored in clear text)", state.display());
            ExitCode::SUCCESS
        }
        Err(err) => fail(err),
    }
}

fn emulate(state: PathBuf, port: u16) -> ExitCode {
    let mut card = match SoftCard::open(&state) {
        Ok(card) => card,
        Err(err) => return fail(err),
    };
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    eprintln!(
        "software card {} → vpcd at {addr}; stop with Ctrl-C (state is saved after every change)",
        state.display()
    );
    // Stopped by SIGINT/SIGTERM with their default action: every state change is
    // already on disk (temp file + rename) before the card answers, so an abrupt end
    // loses nothing and needs no signal handler.
    vpcd::serve(&mut card, addr, &|| false, &mut |event| match event {
        VpcdEvent::Connected => eprintln!("vpcd connected: card inserted"),
        VpcdEvent::Waiting => eprintln!("waiting for vpcd on {addr} (is pcscd with vsmartcard-vpcd running?)"),
        VpcdEvent::Disconnected => eprintln!("vpcd connection closed: card removed; reconnecting"),
    });
    ExitCode::SUCCESS
}

/// Reads the current PIN and the new PIN twice: without echo from the terminal, or as
/// three lines from a pipe.
fn read_change_input(kind: PinKind) -> Result<[Zeroizing<String>; 3], String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        let ask = |prompt: String| {
            rpassword::prompt_password(prompt)
                .map(Zeroizing::new)
                .map_err(|e| format!("could not read from the terminal: {e}"))
        };
        let current = ask(format!("Current {kind}: "))?;
        let new = ask(format!("New {kind} ({}): ", kind.rule()))?;
        let repeat = ask(format!("New {kind} again: "))?;
        Ok([current, new, repeat])
    } else {
        let mut lines = stdin.lock();
        let mut next = |what: &str| -> Result<Zeroizing<String>, String> {
            let mut line = Zeroizing::new(String::new());
            match lines.read_line(&mut line) {
                Ok(0) => Err(format!(
                    "standard input ended before the {what}: give three lines (current PIN, new PIN, new PIN again)"
                )),
                Ok(_) => {
                    let trimmed = line.trim_end_matches(['\r', '\n']);
                    Ok(Zeroizing::new(trimmed.to_owned()))
                }
                Err(e) => Err(format!("could not read standard input: {e}")),
            }
        };
        Ok([next("current PIN")?, next("new PIN")?, next("repeated new PIN")?])
    }
}

fn change_pin(kind: PinKind, reader: Option<&str>) -> ExitCode {
    if !cfg!(feature = "pcsc") {
        return no_pcsc();
    }
    let [current, new, repeat] = match read_change_input(kind) {
        Ok(input) => input,
        Err(message) => return refuse(message),
    };
    let change = match PinChange::parse(kind, &current, &new, &repeat) {
        Ok(change) => change,
        Err(err) => return refuse(err),
    };
    drop((current, new, repeat));
    change_on_reader(&change, reader)
}

#[cfg_attr(not(feature = "pcsc"), allow(dead_code))]
fn report_card_error(err: &CardError) -> ExitCode {
    match err {
        CardError::Input(input) => refuse(input),
        other => fail(other),
    }
}

#[cfg_attr(not(feature = "pcsc"), allow(dead_code))]
fn print_status_table(reader: &str, statuses: &[PinStatus]) {
    println!("Reader: {reader}");
    println!("{:<5} {:<11} {:<7} DESCRIPTION", "PIN", "TRIES LEFT", "STATE");
    for s in statuses {
        println!(
            "{:<5} {:<11} {:<7} {}",
            s.kind.name(),
            format!("{}/{}", s.tries_left, s.max_tries),
            if s.locked { "LOCKED" } else { "ok" },
            s.kind.description()
        );
    }
    if statuses.iter().any(|s| s.locked) {
        println!(
            "A locked PIN can only be reset at the municipal counter (市区町村の窓口): bring the card and photo ID."
        );
    }
}

#[cfg_attr(not(feature = "pcsc"), allow(dead_code))]
fn status_json(statuses: &[PinStatus]) -> String {
    #[derive(serde::Serialize)]
    struct Entry {
        pin: &'static str,
        tries_left: u8,
        max_tries: u8,
        locked: bool,
    }
    #[derive(serde::Serialize)]
    struct Report {
        pins: Vec<Entry>,
    }
    let report = Report {
        pins: statuses
            .iter()
            .map(|s| Entry { pin: s.kind.name(), tries_left: s.tries_left, max_tries: s.max_tries, locked: s.locked })
            .collect(),
    };
    // Plain data of known types: serialising it cannot fail.
    serde_json::to_string(&report).unwrap_or_default()
}

#[cfg(feature = "pcsc")]
fn readers() -> ExitCode {
    match crate::pcsc::reader_names() {
        Ok(names) if names.is_empty() => fail(crate::transport::TransportError::NoReaders),
        Ok(names) => {
            for name in names {
                println!("{name}");
            }
            ExitCode::SUCCESS
        }
        Err(err) => fail(err),
    }
}

#[cfg(feature = "pcsc")]
fn status(reader: Option<&str>, json: bool) -> ExitCode {
    let mut card = match crate::pcsc::PcscCard::connect(reader) {
        Ok(card) => card,
        Err(err) => return fail(err),
    };
    match crate::procedure::all_pin_statuses(&mut card) {
        Ok(statuses) => {
            if json {
                println!("{}", status_json(&statuses));
            } else {
                print_status_table(card.reader(), &statuses);
            }
            ExitCode::SUCCESS
        }
        Err(err) => report_card_error(&err),
    }
}

#[cfg(feature = "pcsc")]
fn change_on_reader(change: &PinChange, reader: Option<&str>) -> ExitCode {
    let mut card = match crate::pcsc::PcscCard::connect(reader) {
        Ok(card) => card,
        Err(err) => return fail(err),
    };
    match change.apply(&mut card) {
        Ok(()) => {
            println!("The {} was changed.", change.kind());
            ExitCode::SUCCESS
        }
        Err(err) => report_card_error(&err),
    }
}

fn no_pcsc() -> ExitCode {
    fail(
        "this build of reissue has no PC/SC support: rebuild with `--features pcsc` \
         (needs the Debian packages libpcsclite-dev and pkg-config)",
    )
}

#[cfg(not(feature = "pcsc"))]
fn readers() -> ExitCode {
    no_pcsc()
}

#[cfg(not(feature = "pcsc"))]
fn status(_reader: Option<&str>, _json: bool) -> ExitCode {
    no_pcsc()
}

#[cfg(not(feature = "pcsc"))]
fn change_on_reader(_change: &PinChange, _reader: Option<&str>) -> ExitCode {
    no_pcsc()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_json_uses_the_short_pin_names() {
        let statuses = [
            PinStatus { kind: PinKind::Auth, tries_left: 3, max_tries: 3, locked: false },
            PinStatus { kind: PinKind::Sign, tries_left: 0, max_tries: 5, locked: true },
        ];
        assert_eq!(
            status_json(&statuses),
            r#"{"pins":[{"pin":"auth","tries_left":3,"max_tries":3,"locked":false},{"pin":"sign","tries_left":0,"max_tries":5,"locked":true}]}"#
        );
    }

    #[test]
    fn secret_arguments_are_hidden_from_debug() {
        let arg: SecretArg = "4821".parse().unwrap();
        assert_eq!(format!("{arg:?}"), "<redacted>");
    }
}
