//! `reissue card ...` subcommands: read PIN status and certificate validity and change PINs
//! through a PC/SC reader (at a counter, as part of a counter case), and make and run a
//! software card for tests and demos.
//!
//! Exit codes: 0 done; 1 the card, reader, service or server said no (wrong PIN, locked, no
//! reader, report failed...); 2 input refused before anything reached the card. No PIN is
//! ever printed. The command line is an edge: it reads the clock, here only.

use std::fmt;
use std::io::{BufRead, IsTerminal};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::str::FromStr;

use time::{Date, Duration, OffsetDateTime, Time};
use zeroize::Zeroizing;

use crate::certificate::{CertificateKind, Validity};
use crate::counter::{CaseDesk, CaseRun, CaseToken, DeskError};
use crate::counter_http::{HttpCaseDesk, ServerUrl};
use crate::help::{CardHelp, Trouble};
use crate::pin::{Pin, PinKind};
use crate::procedure::{CardError, PinChange, PinInputError, all_pin_statuses};
use crate::reading::{read_certificate, read_sign_certificate};
use crate::soft::{SoftCard, SoftCardPins};
use crate::status_report::{CertificateRead, StatusReport};
use crate::transport::Transport;
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
        /// Print JSON: {"pins":[{"pin":"auth","tries_left":3,"max_tries":3,"locked":false},...],
        /// "certificates":[{"certificate":"auth","present":true,"not_before":"2025-04-01T00:00:00Z",
        /// "not_after":"2030-03-31T14:59:59Z","state":"valid","days_left":1825}]}.
        #[arg(long)]
        json: bool,
        /// Also read the signature certificate: asks for the signature password (without echo;
        /// one line from standard input when it is not a terminal) and verifies it, which
        /// costs a try when it is wrong.
        #[arg(long)]
        sign_certificate: bool,
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
        /// At a municipal counter: the case token shown on the console (K7QM4-XPA2B). It is
        /// claimed before the card is touched, and the outcome is reported to the case.
        #[arg(long, requires = "server")]
        case: Option<SecretArg>,
        /// The reissue server for --case: an https:// origin.
        #[arg(long, requires = "case")]
        server: Option<String>,
    },
    /// Create a software card (test data only: its PINs are stored in clear text) with a
    /// generated user-authentication and signature certificate under test CAs.
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
        /// The certificates are valid from now for this many days (default: until the day
        /// before the fifth anniversary, as a JPKI certificate).
        #[arg(long, conflicts_with = "not_after")]
        valid_days: Option<u32>,
        /// The certificates' last day, YYYY-MM-DD (they end at 23:59:59 Japan time); a date
        /// in the past makes an expired card.
        #[arg(long, value_parser = parse_date)]
        not_after: Option<Date>,
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

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
        .map_err(|_| format!("{s:?} is not a date: write YYYY-MM-DD"))
}

const INPUT_REFUSED: u8 = 2;

/// The wall clock, read at this edge only.
#[allow(clippy::disallowed_methods)] // The command line is an edge: it reads the clock once per command.
fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// 23:59:59 in Japan on `day`: when a JPKI certificate ends.
fn end_of_day_in_japan(day: Date) -> OffsetDateTime {
    day.with_time(Time::from_hms(14, 59, 59).unwrap_or(Time::MIDNIGHT)).assume_utc()
}

/// The software card's validity: from `now`, until `not_after`, `valid_days` later, or the
/// day before the fifth anniversary. An end in the past starts five years before it.
pub fn soft_card_validity(now: OffsetDateTime, valid_days: Option<u32>, not_after: Option<Date>) -> Validity {
    let now = now.replace_nanosecond(0).unwrap_or(now);
    let end = match (valid_days, not_after) {
        (Some(days), _) => now + Duration::days(i64::from(days)),
        (None, Some(day)) => end_of_day_in_japan(day),
        (None, None) => {
            let today = now.date();
            let anniversary = today
                .replace_year(today.year() + 5)
                .or_else(|_| today.replace_day(28).and_then(|d| d.replace_year(today.year() + 5)))
                .unwrap_or(today);
            end_of_day_in_japan(anniversary.previous_day().unwrap_or(anniversary))
        }
    };
    let start = if end <= now { end - Duration::days(5 * 365) } else { now };
    Validity { not_before: start, not_after: end }
}

fn fail(message: impl fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::FAILURE
}

fn refuse(message: impl fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    eprintln!("nothing was sent to the card");
    ExitCode::from(INPUT_REFUSED)
}

/// Prints an error and, when the holder cannot fix it at home, where to go.
fn fail_card(err: &CardError, help: &CardHelp) -> ExitCode {
    if let CardError::Input(input) = err {
        return refuse(input);
    }
    eprintln!("error: {err}");
    if let Some(trouble) = Trouble::of(err) {
        for line in help.where_to_go(trouble) {
            eprintln!("{line}");
        }
    }
    ExitCode::FAILURE
}

/// Runs one `reissue card` subcommand and returns the process exit code. `help` is where
/// the holder is sent with what cannot be fixed at home (the `[card]` configuration).
pub fn run(cmd: CardCommand, help: &CardHelp) -> ExitCode {
    match cmd {
        CardCommand::Readers => readers(),
        CardCommand::Status { reader, json, sign_certificate } => {
            status(reader.as_deref(), json, sign_certificate, help)
        }
        CardCommand::ChangePin { pin, reader, case, server } => match (case, server) {
            (Some(token), Some(server)) => change_pin_for_case(pin.into(), reader.as_deref(), &token, &server, help),
            _ => change_pin(pin.into(), reader.as_deref(), help),
        },
        CardCommand::Init { state, sign_password, auth_pin, juki_pin, text_pin, valid_days, not_after } => {
            let validity = soft_card_validity(now(), valid_days, not_after);
            init(state, [&sign_password, &auth_pin, &juki_pin, &text_pin], validity)
        }
        CardCommand::Emulate { state, port } => emulate(state, port),
    }
}

fn init(state: PathBuf, [sign, auth, juki, text]: [&SecretArg; 4], validity: Validity) -> ExitCode {
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
    match SoftCard::create(&state, &pins, validity) {
        Ok(_) => {
            println!("created software card {} (test data: its PINs are stored in clear text)", state.display());
            println!(
                "its certificates are valid from {} to {} (UTC)",
                validity.not_before.date(),
                validity.not_after.date()
            );
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

fn change_pin(kind: PinKind, reader: Option<&str>, help: &CardHelp) -> ExitCode {
    if !cfg!(feature = "pcsc") {
        return no_pcsc();
    }
    let change = match parse_change_input(kind) {
        Ok(change) => change,
        Err(err) => return fail_card(&err, help),
    };
    let (_, mut card) = match open_reader(reader) {
        Ok(card) => card,
        Err(err) => return fail_card(&err, help),
    };
    match change.apply(card.as_mut()) {
        Ok(()) => {
            println!("The {} was changed.", change.kind());
            ExitCode::SUCCESS
        }
        Err(err) => fail_card(&err, help),
    }
}

/// Reads and checks the PINs for a change; nothing reaches the card.
fn parse_change_input(kind: PinKind) -> Result<PinChange, CardError> {
    let [current, new, repeat] = read_change_input(kind).map_err(PinInputError::Unreadable)?;
    Ok(PinChange::parse(kind, &current, &new, &repeat)?)
}

fn change_pin_for_case(
    kind: PinKind,
    reader: Option<&str>,
    token: &SecretArg,
    server: &str,
    help: &CardHelp,
) -> ExitCode {
    if !cfg!(feature = "pcsc") {
        return no_pcsc();
    }
    let Some(token) = CaseToken::parse(&token.0) else {
        return refuse(
            "--case is not a case token: ten letters and digits as the console shows them, such as K7QM4-XPA2B",
        );
    };
    let server = match ServerUrl::parse(server) {
        Ok(server) => server,
        Err(err) => return refuse(err),
    };
    if server.is_plain_http_over_a_network() {
        eprintln!(
            "warning: {server} is plain http to another machine: the case token and the outcome travel \
             unencrypted; use an https:// address"
        );
    }
    let desk = match HttpCaseDesk::new(server) {
        Ok(desk) => desk,
        Err(err) => {
            eprintln!("error: {err}");
            eprintln!("nothing was sent to the card");
            return ExitCode::FAILURE;
        }
    };
    let run = counter_change(&desk, &token, kind, reader);
    print_case_run(&run, kind, help)
}

/// The counter-case change against the reader: the PINs are asked for only once the case
/// is claimed.
fn counter_change(desk: &dyn CaseDesk, token: &CaseToken, kind: PinKind, reader: Option<&str>) -> CaseRun {
    crate::counter::change_for_case(
        desk,
        token,
        kind,
        |claim| {
            eprintln!("Case {}: change of the {kind}. The holder keys the PINs now.", claim.case_reference);
            parse_change_input(kind)
        },
        || open_reader(reader).map(|(_, card)| card),
    )
}

/// Prints what came of a counter-case change and returns the exit code.
fn print_case_run(run: &CaseRun, kind: PinKind, help: &CardHelp) -> ExitCode {
    let (claim, change, report) = match run {
        CaseRun::NotClaimed(err) => {
            eprintln!("error: the case token was not accepted: {err}");
            eprintln!("nothing was sent to the card");
            return match err {
                DeskError::Refused { .. } => ExitCode::from(INPUT_REFUSED),
                _ => ExitCode::FAILURE,
            };
        }
        CaseRun::WrongCase { claim, problem } => {
            eprintln!("error: case {}: {problem}", claim.case_reference);
            eprintln!("nothing was sent to the card");
            return ExitCode::from(INPUT_REFUSED);
        }
        CaseRun::Done { claim, change, report, .. } => (claim, change, report),
    };
    let mut code = match change {
        Ok(()) => {
            println!("The {kind} was changed.");
            ExitCode::SUCCESS
        }
        Err(CardError::Input(input)) => {
            eprintln!("error: {input}");
            eprintln!("no PIN was sent to the card");
            ExitCode::from(INPUT_REFUSED)
        }
        Err(err) => fail_card(err, help),
    };
    match report {
        Ok(reported) => {
            let what = if change.is_ok() { "the change" } else { "the failure" };
            println!("Case {}: {what} was reported (case {}).", reported.case_reference, reported.state);
            if !reported.pins_remaining.is_empty() {
                println!("Still to do in this case: {}.", reported.pins_remaining.join(", "));
            }
        }
        Err(err) => {
            eprintln!("error: case {}: the outcome could not be reported: {err}", claim.case_reference);
            if change.is_ok() {
                eprintln!("The PIN change itself happened: the {kind} on the card was changed.");
            } else {
                eprintln!("The PIN change itself did not happen: the {kind} on the card was not changed.");
            }
            eprintln!("Record the outcome on the console's case page (report by {}).", claim.report_by);
            code = ExitCode::FAILURE;
        }
    }
    code
}

/// Reads the signature password: without echo from the terminal, or one line from a pipe.
fn read_sign_password() -> Result<Pin, String> {
    let stdin = std::io::stdin();
    let typed = if stdin.is_terminal() {
        rpassword::prompt_password(format!("{}: ", capitalised(PinKind::Sign)))
            .map(Zeroizing::new)
            .map_err(|e| format!("could not read from the terminal: {e}"))?
    } else {
        let mut line = Zeroizing::new(String::new());
        match stdin.lock().read_line(&mut line) {
            Ok(0) => return Err("standard input ended before the signature certificate password".into()),
            Ok(_) => Zeroizing::new(line.trim_end_matches(['\r', '\n']).to_owned()),
            Err(e) => return Err(format!("could not read standard input: {e}")),
        }
    };
    Pin::current(PinKind::Sign, &typed).map_err(|e| format!("signature certificate password: {e}"))
}

fn capitalised(kind: PinKind) -> String {
    let text = kind.description();
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn status(reader: Option<&str>, json: bool, sign_certificate: bool, help: &CardHelp) -> ExitCode {
    if !cfg!(feature = "pcsc") {
        return no_pcsc();
    }
    let password = if sign_certificate {
        match read_sign_password() {
            Ok(password) => Some(password),
            Err(message) => return refuse(message),
        }
    } else {
        None
    };
    let (name, mut card) = match open_reader(reader) {
        Ok(card) => card,
        Err(err) => return fail_card(&err, help),
    };
    let report = match read_status(card.as_mut(), password.as_ref(), now()) {
        Ok(report) => report,
        Err(err) => return fail_card(&err, help),
    };
    if json {
        println!("{}", report.json());
    } else {
        for line in report.table(&name, help) {
            println!("{line}");
        }
    }
    let failed = report.certificates.iter().any(|(_, read)| matches!(read, CertificateRead::Failed(_)));
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

/// The PINs and the certificates' validity. A certificate that could not be read is in the
/// report with the reason; only a transport failure fails the whole status.
pub fn read_status(
    t: &mut dyn Transport,
    sign_password: Option<&Pin>,
    now: OffsetDateTime,
) -> Result<StatusReport, CardError> {
    let pins = all_pin_statuses(t)?;
    let outcome = |kind: CertificateKind, read: Result<Vec<u8>, CardError>| match read {
        Ok(der) => Ok(match Validity::of_certificate(kind, &der) {
            Ok(validity) => CertificateRead::Read(validity),
            Err(err) => CertificateRead::Failed(err.to_string()),
        }),
        Err(CardError::NoCertificate { .. }) => Ok(CertificateRead::Missing),
        Err(err @ CardError::Transport(_)) => Err(err),
        Err(err) => Ok(CertificateRead::Failed(err.to_string())),
    };
    let auth = outcome(CertificateKind::Auth, read_certificate(t, CertificateKind::Auth))?;
    let sign = match sign_password {
        Some(password) => outcome(CertificateKind::Sign, read_sign_certificate(t, password))?,
        None => CertificateRead::NotAsked,
    };
    Ok(StatusReport { pins, certificates: vec![(CertificateKind::Auth, auth), (CertificateKind::Sign, sign)], now })
}

const NO_PCSC: &str = "this build of reissue has no PC/SC support: rebuild with `--features pcsc` \
                       (needs the Debian packages libpcsclite-dev and pkg-config)";

fn no_pcsc() -> ExitCode {
    fail(NO_PCSC)
}

/// Connects to the card in `reader` (default: the first with a card): its name and transport.
#[cfg(feature = "pcsc")]
fn open_reader(reader: Option<&str>) -> Result<(String, Box<dyn Transport>), CardError> {
    let card = crate::pcsc::PcscCard::connect(reader)?;
    Ok((card.reader().to_owned(), Box::new(card)))
}

#[cfg(not(feature = "pcsc"))]
fn open_reader(_reader: Option<&str>) -> Result<(String, Box<dyn Transport>), CardError> {
    Err(crate::transport::TransportError::Other(NO_PCSC.into()).into())
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

#[cfg(not(feature = "pcsc"))]
fn readers() -> ExitCode {
    no_pcsc()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_software_cards_validity_is_five_years_less_a_day_unless_told_otherwise() {
        use time::macros::{date, datetime};
        let now = datetime!(2026-12-02 05:56:13.5 UTC);
        let v = soft_card_validity(now, None, None);
        assert_eq!(
            (v.not_before, v.not_after),
            (datetime!(2026-12-02 05:56:13 UTC), datetime!(2031-12-01 14:59:59 UTC))
        );
        let v = soft_card_validity(now, Some(10), None);
        assert_eq!(v.not_after, datetime!(2026-12-12 05:56:13 UTC));
        let v = soft_card_validity(now, None, Some(date!(2020 - 01 - 31)));
        assert_eq!(v.not_after, datetime!(2020-01-31 14:59:59 UTC));
        assert!(v.not_before < v.not_after, "an expired card still has a period: {v:?}");
        let leap = soft_card_validity(datetime!(2028-02-29 0:00 UTC), None, None);
        assert_eq!(leap.not_after, datetime!(2033-02-27 14:59:59 UTC));
    }

    #[test]
    fn secret_arguments_are_hidden_from_debug() {
        let arg: SecretArg = "4821".parse().unwrap();
        assert_eq!(format!("{arg:?}"), "<redacted>");
    }
}
