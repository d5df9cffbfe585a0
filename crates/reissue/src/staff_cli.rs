//! `reissue staff add|list|disable|reset`: enrolling the console's staff members from the
//! server's command line, and the demo's staff for `serve --demo`.
//!
//! An enrolment (and a reset) prints its initial password and its TOTP enrolment — the
//! `otpauth://` URI and the same URI as a QR code an authenticator app scans from the terminal
//! — once; nothing keeps them in clear. With `--json`, standard output holds exactly one JSON
//! object and nothing else.

use std::process::ExitCode;

use clap::Subcommand;
use reissue_core::audit::Actor;
use reissue_core::hashing::MacKey;
use reissue_core::keyring::KeyRing;
use reissue_core::procedures::Recovery;
use reissue_core::staff::totp::{SECRET_LEN, TotpSecret};
use reissue_core::staff::{Enrolment, StaffError, StaffLogin, StaffMember, StaffRole};
use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;

#[derive(Subcommand, Debug)]
pub enum StaffCommand {
    /// Enrol a staff member; prints their initial password (to be changed at the first
    /// sign-in) and their TOTP enrolment, once.
    Add {
        login: String,
        /// helpdesk, postal_operator, counter, auditor or admin.
        #[arg(long)]
        role: String,
        /// The name the console and the audit log show.
        #[arg(long)]
        name: String,
        /// Print exactly one JSON object: {"login","initial_password","otpauth_uri"}.
        #[arg(long)]
        json: bool,
    },
    /// List the staff members: login, role, name, status, lock, last sign-in.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Disable a staff member: no more sign-ins, every session ends.
    Disable { login: String },
    /// Give a staff member a new initial password and a new TOTP secret (printed once), lift
    /// their lock and end their sessions.
    Reset {
        login: String,
        #[arg(long)]
        json: bool,
    },
}

fn parse_role(s: &str) -> Result<StaffRole, String> {
    StaffRole::parse(s).ok_or_else(|| format!("--role must be one of {}, not {s:?}", StaffRole::names()))
}

fn staff_error(e: StaffError) -> String {
    e.to_string()
}

pub async fn run(recovery: &Recovery, command: StaffCommand, now: OffsetDateTime) -> Result<ExitCode, String> {
    match command {
        StaffCommand::Add { login, role, name, json } => {
            let role = parse_role(&role)?;
            let enrolment = recovery.enrol_staff(&login, role, &name, &Actor::Cli, now).await.map_err(staff_error)?;
            print_enrolment(&enrolment, Some(role), json)?;
        }
        StaffCommand::List { json } => {
            let members = recovery.list_staff().await.map_err(staff_error)?;
            print_list(&members, json)?;
        }
        StaffCommand::Disable { login } => {
            recovery.disable_staff(&login, &Actor::Cli, now).await.map_err(staff_error)?;
            println!(
                "{} is disabled; their sessions have ended",
                StaffLogin::parse(&login).map_err(|e| e.to_string())?
            );
        }
        StaffCommand::Reset { login, json } => {
            let enrolment = recovery.reset_staff(&login, &Actor::Cli, now).await.map_err(staff_error)?;
            print_enrolment(&enrolment, None, json)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The URI as a QR code of Unicode half blocks, light modules drawn, for a dark terminal.
fn qr(uri: &str) -> Result<String, String> {
    use qrcode::render::unicode::Dense1x2;
    let code = qrcode::QrCode::new(uri.as_bytes()).map_err(|e| format!("QR code: {e}"))?;
    Ok(code.render::<Dense1x2>().dark_color(Dense1x2::Light).light_color(Dense1x2::Dark).quiet_zone(true).build())
}

fn print_enrolment(e: &Enrolment, role: Option<StaffRole>, json: bool) -> Result<(), String> {
    if json {
        let v = serde_json::json!({
            "login": e.login,
            "initial_password": e.initial_password.expose_secret(),
            "otpauth_uri": e.otpauth_uri.expose_secret(),
        });
        println!("{}", serde_json::to_string(&v).map_err(|x| x.to_string())?);
        return Ok(());
    }
    match role {
        Some(r) => println!("Enrolled {} ({r}). Hand these over in person; they are shown once.", e.login),
        None => println!("Reset {}. Hand these over in person; they are shown once.", e.login),
    }
    println!();
    println!("Initial password (to be changed at the first sign-in): {}", e.initial_password.expose_secret());
    println!();
    println!("TOTP: scan this code with an authenticator app, or enter the URI by hand:");
    println!("{}", e.otpauth_uri.expose_secret());
    println!("{}", qr(e.otpauth_uri.expose_secret())?);
    Ok(())
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

fn print_list(members: &[StaffMember], json: bool) -> Result<(), String> {
    if json {
        let v: Vec<serde_json::Value> = members
            .iter()
            .map(|m| {
                serde_json::json!({
                    "login": m.login,
                    "role": m.role,
                    "name": m.display_name,
                    "status": m.status,
                    "locked": m.locked,
                    "must_change_password": m.must_change_password,
                    "last_sign_in_at": m.last_sign_in_at.map(rfc3339),
                })
            })
            .collect();
        println!("{}", serde_json::to_string(&v).map_err(|x| x.to_string())?);
        return Ok(());
    }
    if members.is_empty() {
        println!("no staff members; enrol one with `reissue staff add LOGIN --role ROLE --name NAME`");
        return Ok(());
    }
    println!("{:<24} {:<16} {:<24} {:<9} {:<7} last sign-in", "login", "role", "name", "status", "locked");
    for m in members {
        println!(
            "{:<24} {:<16} {:<24} {:<9} {:<7} {}",
            m.login.as_str(),
            m.role.as_str(),
            m.display_name,
            m.status.as_str(),
            if m.locked { "yes" } else { "no" },
            m.last_sign_in_at.map_or_else(|| "never".to_owned(), rfc3339)
        );
    }
    Ok(())
}

/// One of the demo's staff members, as the start banner prints them.
#[derive(Debug)]
pub struct DemoStaff {
    pub login: &'static str,
    pub role: StaffRole,
    pub password: &'static str,
    pub otpauth_uri: SecretString,
}

/// The demo's staff: login, role, name, fixed password.
const DEMO_STAFF: [(&str, StaffRole, &str, &str); 4] = [
    ("demo-helpdesk", StaffRole::Helpdesk, "Demo Help Desk", "harbour help desk 2024"),
    ("demo-postal", StaffRole::PostalOperator, "Demo Postal Operator", "sealed envelope press"),
    ("demo-counter", StaffRole::Counter, "Demo Counter Clerk", "counter window seven"),
    ("demo-admin", StaffRole::Admin, "Demo Administrator", "lighthouse keeper admin"),
];

/// A demo member's TOTP secret, derived from the demo's code key so that it stays the same
/// across restarts on the same data directory.
fn demo_secret(masters: &KeyRing<MacKey>, login: &str) -> TotpSecret {
    let mac = masters.current().1.derive("demo-staff-totp").mac(&[login.as_bytes()]);
    let mut bytes = [0u8; SECRET_LEN];
    bytes.copy_from_slice(&mac[..SECRET_LEN]);
    TotpSecret::from_bytes(bytes)
}

/// Enrols the demo's staff members that are missing (with fixed passwords that need no change
/// and TOTP secrets derived from the demo's key), and returns all of them for the banner.
pub async fn enrol_demo(
    recovery: &Recovery,
    masters: &KeyRing<MacKey>,
    now: OffsetDateTime,
) -> Result<Vec<DemoStaff>, String> {
    let mut out = Vec::new();
    for (login, role, name, password) in DEMO_STAFF {
        let enrolled = recovery
            .enrol_demo_staff(login, role, name, SecretString::from(password), demo_secret(masters, login), now)
            .await;
        let otpauth_uri = match enrolled {
            Ok(e) => e.otpauth_uri,
            Err(StaffError::LoginTaken(l)) => recovery.staff_otpauth_uri(&demo_secret(masters, login), &l),
            Err(e) => return Err(format!("demo staff {login}: {e}")),
        };
        out.push(DemoStaff { login, role, password, otpauth_uri });
    }
    Ok(out)
}

/// The demo staff's lines of the start banner.
pub fn print_demo_staff(staff: &[DemoStaff]) {
    println!("Demo staff for the staff console (password, then the code an authenticator app shows for the URI):");
    for s in staff {
        println!("  {:<14} {:<16} password {:?}", s.login, s.role.as_str(), s.password);
        println!("      {}", s.otpauth_uri.expose_secret());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_role_names_the_roles_there_are() {
        let e = parse_role("superuser").unwrap_err();
        assert_eq!(e, "--role must be one of helpdesk, postal_operator, counter, auditor, admin, not \"superuser\"");
        assert_eq!(parse_role("postal_operator"), Ok(StaffRole::PostalOperator));
    }

    #[test]
    fn the_demo_secrets_are_the_same_for_the_same_key_and_differ_by_member() {
        let ring = KeyRing::single(MacKey::new(vec![3; 32]));
        let again = KeyRing::single(MacKey::new(vec![3; 32]));
        assert_eq!(demo_secret(&ring, "demo-admin").code_at_step(1), demo_secret(&again, "demo-admin").code_at_step(1));
        assert_ne!(demo_secret(&ring, "demo-admin").code_at_step(1), demo_secret(&ring, "demo-postal").code_at_step(1));
    }

    #[test]
    fn the_qr_code_is_drawn_in_half_blocks() {
        let q = qr("otpauth://totp/Bank:demo-admin?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ").unwrap();
        assert!(q.lines().count() > 10 && q.contains('█'), "{q}");
    }
}
