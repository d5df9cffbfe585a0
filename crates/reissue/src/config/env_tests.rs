//! Every setting through the environment: walks the whole `Config` with the probe and sets
//! each key by `REISSUE__...` and by `REISSUE__..._FILE`.

use secrecy::ExposeSecret;

use super::probe::{Kind, settings};
use super::*;

/// The settings whose `Debug` output is redacted, read back here instead.
fn secret(c: &Config, path: &str) -> Option<String> {
    let s = match path {
        "admin.token" => c.admin.token.as_ref()?,
        "smtp.password" => c.smtp.as_ref()?.password.as_ref()?,
        "voice.twilio.auth_token" => &c.voice.twilio.as_ref()?.auth_token,
        _ => return None,
    };
    Some(s.expose_secret().to_owned())
}

fn variable(path: &str) -> String {
    env::variable_name(&path.split('.').map(str::to_owned).collect::<Vec<_>>())
}

/// Text that figment would read as a number: `+815000000000`, `0120000001`, ... A string
/// setting that is checked as it is read (a time zone name) gets a valid value that is also
/// not plain text for figment's guessing (`Etc/GMT-9`).
fn number_like(i: usize) -> String {
    if i.is_multiple_of(2) { format!("+8150{i:08}") } else { format!("0120{i:06}") }
}

fn value_for(path: &str, i: usize) -> String {
    match path {
        "institution.time_zone" => "Etc/GMT-9".into(),
        // Checked as a URL at load; a host that looks like a number still comes through as written.
        "server.public_url" => format!("http://{}.example", number_like(i)),
        // Checked as an age X25519 public key at load (the age specification's example key).
        "postal.vendor_age_recipient" => "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p".into(),
        _ => number_like(i),
    }
}

fn string_settings() -> Vec<String> {
    let all = settings::<Config>();
    let strings: Vec<String> = all.iter().filter(|(_, k)| *k == Kind::Str).map(|(p, _)| p.clone()).collect();
    // The walk reaches every section the issue names; a section it missed would fail here.
    for p in [
        "server.listen",
        "server.public_url",
        "server.data_dir",
        "database.url",
        "smtp.host",
        "smtp.username",
        "smtp.password",
        "smtp.from",
        "voice.twilio.account_sid",
        "voice.twilio.auth_token",
        "voice.twilio.from",
        "admin.token",
        "institution.name",
        "institution.help_desk.ja.number",
        "institution.help_desk.en.hours",
        "institution.time_zone",
        "log.level",
        "rules.voice_gate_credential",
        "rules.initialization_credential",
        "keys.pepper_file",
        "card.counter",
        "card.call_centre.free_dial",
        "card.call_centre.ip_phone",
    ] {
        assert!(strings.iter().any(|s| s == p), "the walk of Config misses {p}: {strings:?}");
    }
    strings
}

/// Asserts that `c` holds `value` at `path`, as written.
fn assert_holds(c: &Config, path: &str, value: &str) {
    let debug = format!("{c:?}");
    if let Some(s) = secret(c, path) {
        assert_eq!(s, value, "{path}");
        assert!(!debug.contains(value), "{path}: the secret shows in Debug");
        return;
    }
    let field = path.rsplit('.').next().unwrap();
    let plain = format!("{field}: {value:?}");
    let some = format!("{field}: Some({value:?})");
    assert!(
        debug.contains(&plain) || debug.contains(&some),
        "{path} = {value:?} is not in the configuration as written (a secret setting must be added to `secret`): {debug}"
    );
}

#[test]
fn every_string_setting_takes_the_environments_text_as_written_even_when_it_looks_like_a_number() {
    let strings = string_settings();
    figment::Jail::expect_with(|jail| {
        for (i, p) in strings.iter().enumerate() {
            jail.set_env(variable(p), value_for(p, i));
        }
        let c = load(None).map_err(figment::Error::from)?;
        for (i, p) in strings.iter().enumerate() {
            assert_holds(&c, p, &value_for(p, i));
        }
        Ok(())
    });
}

#[test]
fn every_string_setting_takes_a_files_text_as_written_through_file_variables() {
    let strings = string_settings();
    figment::Jail::expect_with(|jail| {
        for (i, p) in strings.iter().enumerate() {
            let name = format!("setting-{i}.txt");
            jail.create_file(&name, &format!("{}\n", value_for(p, i)))?;
            jail.set_env(format!("{}_FILE", variable(p)), &name);
        }
        let c = load(None).map_err(figment::Error::from)?;
        for (i, p) in strings.iter().enumerate() {
            assert_holds(&c, p, &value_for(p, i));
        }
        Ok(())
    });
}

#[test]
fn numeric_and_boolean_settings_still_parse_from_the_environment() {
    let all = settings::<Config>();
    let numbers: Vec<&String> =
        all.iter().filter(|(_, k)| matches!(k, Kind::Unsigned | Kind::Signed)).map(|(p, _)| p).collect();
    assert!(numbers.iter().any(|p| *p == "limits.ip_requests_per_minute") && numbers.len() > 20, "{numbers:?}");
    let bools: Vec<&String> = all.iter().filter(|(_, k)| *k == Kind::Bool).map(|(p, _)| p).collect();
    assert!(bools.iter().any(|p| *p == "log.json"), "{bools:?}");
    figment::Jail::expect_with(|jail| {
        // Sections without defaults need their required strings.
        jail.set_env("REISSUE__SMTP__HOST", "mail.example");
        jail.set_env("REISSUE__SMTP__FROM", "a@example.jp");
        let mut vars: Vec<(String, String)> = std::env::vars().collect();
        for (i, p) in numbers.iter().enumerate() {
            vars.push((variable(p), format!("{}", 1000 + i)));
        }
        for p in &bools {
            vars.push((variable(p), "true".into()));
        }
        let c = read(None, vars).map_err(figment::Error::from)?;
        let debug = format!("{c:?}");
        for (i, p) in numbers.iter().enumerate() {
            let field = p.rsplit('.').next().unwrap();
            let n = 1000 + i;
            assert!(
                debug.contains(&format!("{field}: {n},"))
                    || debug.contains(&format!("{field}: {n} "))
                    || debug.contains(&format!("{field}: Some({n})")),
                "{p} = {n}: {debug}"
            );
        }
        assert!(c.log.json);
        Ok(())
    });
}

#[test]
fn a_number_in_a_numeric_setting_that_is_not_one_is_an_error_naming_the_variable() {
    figment::Jail::expect_with(|jail| {
        jail.set_env("REISSUE__LIMITS__IP_REQUESTS_PER_MINUTE", "+8150 per minute");
        let err = load(None).unwrap_err();
        assert!(err.contains("REISSUE__LIMITS__IP_REQUESTS_PER_MINUTE"), "{err}");
        Ok(())
    });
}

#[test]
fn lists_and_tables_from_the_environment_keep_their_items_as_written() {
    figment::Jail::expect_with(|jail| {
        jail.set_env("REISSUE__SERVER__TRUSTED_PROXIES", "[10.0.0.5, ::1]");
        jail.set_env("REISSUE__WEBHOOKS", "[{url = \"https://hooks.example/a,b\"}]");
        jail.set_env(
            "REISSUE__CREDENTIALS",
            "[{name = 0120, kind = pin, min_length = 4, max_length = 4, max_failures = 3, \
             resettable_online = true, label_ja = 0120, label_en = +81}]",
        );
        jail.set_env("REISSUE__ADMIN__TOKEN", "[not a list");
        let c = load(None).map_err(figment::Error::from)?;
        assert_eq!(
            c.server.trusted_proxies,
            vec!["10.0.0.5".parse::<std::net::IpAddr>().unwrap(), "::1".parse().unwrap()]
        );
        assert_eq!(c.webhooks[0].url, "https://hooks.example/a,b");
        let cred = &c.credentials.as_ref().unwrap()[0];
        assert_eq!((cred.name.as_str(), cred.min_length, cred.label_en.as_str()), ("0120", 4, "+81"));
        assert!(cred.resettable_online);
        assert_eq!(c.admin.token.as_ref().unwrap().expose_secret(), "[not a list");
        Ok(())
    });
}

#[test]
fn a_string_setting_that_looks_like_a_list_stays_text() {
    figment::Jail::expect_with(|jail| {
        jail.set_env("REISSUE__SMTP__HOST", "mail.example");
        jail.set_env("REISSUE__SMTP__FROM", "a@example.jp");
        jail.set_env("REISSUE__SMTP__PASSWORD", "[1, 2]");
        let c = load(None).map_err(figment::Error::from)?;
        assert_eq!(c.smtp.unwrap().password.unwrap().expose_secret(), "[1, 2]");
        Ok(())
    });
}

#[test]
fn the_walk_knows_every_setting_whose_name_ends_in_file() {
    let named_file: Vec<String> =
        settings::<Config>().into_iter().map(|(p, _)| p).filter(|p| p.ends_with("_file")).collect();
    assert_eq!(named_file, SETTINGS_NAMED_FILE.iter().map(|s| s.to_string()).collect::<Vec<_>>());
}
