//! A theme directory re-brands the pages (`server.theme_dir`, here from the environment): the
//! harbor theme in `themes/harbor` changes the start page's words and arrangement, its colours
//! and its logo, under the institution's name from the configuration; a theme that cannot be
//! used stops the start, naming its file.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::launch::{Browser, Launched, fails, unescape};

fn harbor() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../themes/harbor").canonicalize().expect("themes/harbor")
}

fn harbor_env(dir: &Path) -> [(&'static str, String); 2] {
    [
        ("REISSUE__SERVER__THEME_DIR", dir.display().to_string()),
        ("REISSUE__INSTITUTION__NAME", "Harbor Trust Bank".to_owned()),
    ]
}

#[tokio::test]
async fn the_harbor_theme_re_brands_the_start_page_in_both_languages() {
    let dir = harbor();
    let env = harbor_env(&dir);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let server = Launched::start(&["serve"], &env);
    let mut b = Browser::new(&server.base);

    let page = b.get("/").await;
    assert_eq!(page.status, 200);
    let html = unescape(&page.body);
    // The theme's own line, with the name from the configuration, and its arrangement.
    assert!(html.contains("Welcome to Harbor Trust Bank's password help."), "{html}");
    assert!(html.contains(r#"<div class="choices">"#), "{html}");
    // Entries the theme replaces, on the start page and in the footer of every page.
    assert!(html.contains("Forgotten your password or PIN?"), "{html}");
    assert!(html.contains("Our help desk in the harbour office"), "{html}");
    assert!(!html.contains("A reset code lets you open a dedicated page"), "the built-in lead is replaced: {html}");
    let other = unescape(&b.get("/voice-application").await.body);
    assert!(other.contains("Our help desk in the harbour office") && other.contains("Harbor Trust Bank"));

    b.lang = "ja";
    let ja = unescape(&b.get("/?lang=ja").await.body);
    assert!(ja.contains("Harbor Trust Bank のパスワードお手続きへようこそ。"), "{ja}");
    assert!(ja.contains("パスワードや暗証番号をお忘れですか。"), "{ja}");

    let css = b.get("/static/theme.css").await;
    assert_eq!(css.status, 200);
    assert!(css.content_type.starts_with("text/css"));
    assert_eq!(css.body, std::fs::read_to_string(dir.join("static/theme.css")).unwrap());
    let logo = b.get("/static/logo.svg").await;
    assert_eq!(logo.body, std::fs::read_to_string(dir.join("static/logo.svg")).unwrap());
    // What the theme leaves alone stays built in.
    let style = b.get("/static/style.css").await;
    assert!(style.status == 200 && style.body.contains("--brand"));
}

/// The keys of a catalogue file: the names before ` =` at the start of a line.
fn keys(ftl: &str) -> BTreeSet<String> {
    ftl.lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_lowercase()))
        .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim().to_owned()))
        .collect()
}

#[test]
fn the_harbor_catalogues_have_the_same_keys_and_hold_every_key_its_template_asks_for() {
    let dir = harbor();
    let read = |p: &str| std::fs::read_to_string(dir.join(p)).unwrap();
    let (ja, en) = (keys(&read("locales/ja.ftl")), keys(&read("locales/en.ftl")));
    assert_eq!(ja, en);
    let builtin =
        keys(&std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/locales/en.ftl")).unwrap());
    let template = read("templates/start.html");
    let asked: BTreeSet<String> =
        template.split("t(\"").skip(1).filter_map(|rest| rest.split('"').next()).map(str::to_owned).collect();
    assert!(asked.iter().any(|k| k.starts_with("harbor-")));
    let missing: Vec<_> = asked.iter().filter(|k| !en.contains(*k) && !builtin.contains(*k)).collect();
    assert!(missing.is_empty(), "keys no catalogue holds: {missing:?}");
}

#[test]
fn a_theme_with_a_broken_catalogue_or_template_stops_the_start_naming_the_file() {
    let theme = tempfile::tempdir().unwrap();
    std::fs::create_dir(theme.path().join("locales")).unwrap();
    let ftl = theme.path().join("locales/en.ftl");
    std::fs::write(&ftl, "start-lead = fine\n\n= no key\n").unwrap();
    let dir = theme.path().display().to_string();
    let err = fails(&["serve"], &[("REISSUE__SERVER__THEME_DIR", &dir)]);
    assert!(err.contains(&ftl.display().to_string()) && err.contains("line 3"), "{err}");

    let theme = tempfile::tempdir().unwrap();
    std::fs::create_dir(theme.path().join("templates")).unwrap();
    let html = theme.path().join("templates/start.html");
    std::fs::write(&html, "{% extends \"base.html\" %}{% block main %}{% if %}{% endblock %}").unwrap();
    let dir = theme.path().display().to_string();
    let err = fails(&["serve"], &[("REISSUE__SERVER__THEME_DIR", &dir)]);
    assert!(err.contains(&html.display().to_string()), "{err}");
}
