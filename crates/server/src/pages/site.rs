//! The `Site`: the templates, compiled once at start-up with the catalogue's `t()` function,
//! and the `Page` a handler answers with.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use minijinja::value::{Kwargs, Value};
use minijinja::{Environment, State as TemplateState};
use reissue_core::account::Language;
use reissue_core::catalogue::{Arg, Catalogue};
use reissue_core::mail::Institution;

use super::cookies::CookieJar;
use super::forms::Visit;
use super::theme::{StaticFile, ThemeError, ThemeFiles};

/// The pages' templates, catalogue and how their cookies are set.
pub struct Site {
    pub(super) env: Environment<'static>,
    pub(super) catalogue: Arc<Catalogue>,
    pub(super) statics: BTreeMap<String, StaticFile>,
    pub(super) institution: Institution,
    /// Over https: cookies are `Secure` with the `__Host-` prefix, and HSTS is sent.
    pub(super) secure: bool,
    /// `scheme://host[:port]` of `server.public_url`, which a form's `Origin` may name.
    pub(super) public_origin: String,
}

impl std::fmt::Debug for Site {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Site").field("secure", &self.secure).field("public_origin", &self.public_origin).finish()
    }
}

fn to_arg(v: &Value) -> Arg {
    if let Some(n) = v.as_i64() { Arg::from(n) } else { Arg::Text(v.to_string()) }
}

impl Site {
    /// Compiles every template now, so that a broken theme stops the start naming its file.
    pub fn new(
        files: ThemeFiles,
        catalogue: Arc<Catalogue>,
        institution: Institution,
        public_url: &str,
    ) -> Result<Self, ThemeError> {
        let mut env = Environment::new();
        // The built-in templates are tested to name only what their pages give them, and a
        // mistake there should fail loudly. A theme's template may name what no page gives
        // (a variable of another version): it shows as nothing rather than as a broken page.
        env.set_undefined_behavior(if files.themed {
            minijinja::UndefinedBehavior::Lenient
        } else {
            minijinja::UndefinedBehavior::Strict
        });
        let paths = files.template_paths;
        let path_of = |name: &str| paths.get(name).cloned().unwrap_or_else(|| format!("templates/{name}").into());
        for (name, text) in files.templates {
            env.add_template_owned(name.clone(), text)
                .map_err(|e| ThemeError { path: path_of(&name), problem: e.to_string() })?;
        }
        let cat = catalogue.clone();
        // `t("key", name=value, ...)`: the text of `key` in the page's language; `in_lang="ja"`
        // asks for another language's (the language switch names each language in itself).
        env.add_function(
            "t",
            move |state: &TemplateState, key: String, kwargs: Kwargs| -> Result<String, minijinja::Error> {
                let mut lang = state.lookup("lang").and_then(|l| l.as_str().map(str::to_owned)).unwrap_or_default();
                let mut args = Vec::new();
                for name in kwargs.args() {
                    let v: Value = kwargs.get(name)?;
                    if name == "in_lang" {
                        lang = v.to_string();
                    } else {
                        args.push((name.to_owned(), to_arg(&v)));
                    }
                }
                let lang = Language::parse(&lang).unwrap_or_default();
                let args: Vec<(&str, Arg)> = args.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
                Ok(cat.text(lang, &key, &args))
            },
        );
        for name in env.templates().map(|(n, _)| n.to_owned()).collect::<Vec<_>>() {
            // Resolve extends/imports now rather than on the first visit.
            let tmpl =
                env.get_template(&name).map_err(|e| ThemeError { path: path_of(&name), problem: e.to_string() })?;
            drop(tmpl);
        }
        let url = url::Url::parse(public_url)
            .map_err(|e| ThemeError { path: "server.public_url".into(), problem: e.to_string() })?;
        Ok(Self {
            env,
            catalogue,
            statics: files.statics,
            institution,
            secure: url.scheme() == "https",
            public_origin: url.origin().ascii_serialization(),
        })
    }

    /// The built-in theme over `recovery`'s catalogue and institution (tests, and a server
    /// without `server.theme_dir`).
    pub fn builtin(recovery: &reissue_core::procedures::Recovery) -> Self {
        Self::new(
            ThemeFiles::builtin(),
            recovery.catalogue().clone(),
            recovery.institution().clone(),
            recovery.public_url(),
        )
        .expect("the built-in theme compiles (tested)")
    }

    /// One text of the catalogue.
    pub fn t(&self, lang: Language, key: &str, args: &[(&str, Arg)]) -> String {
        self.catalogue.text(lang, key, args)
    }

    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    pub fn secure(&self) -> bool {
        self.secure
    }

    pub(super) fn render(&self, name: &str, lang: Language, ctx: Value) -> Result<String, minijinja::Error> {
        let help = self.institution.help_desk.for_language(lang);
        let base = minijinja::context! {
            lang => lang.as_str(),
            institution => self.institution.name.clone(),
            help_number => help.number.clone(),
            help_hours => help.hours.clone(),
        };
        self.env.get_template(name)?.render(minijinja::context! { ..ctx, ..base })
    }

    pub(super) fn static_file(&self, name: &str) -> Option<&StaticFile> {
        self.statics.get(name)
    }

    /// The names of the templates, for the tests that read them all.
    pub fn template_names(&self) -> Vec<String> {
        self.env.templates().map(|(n, _)| n.to_owned()).collect()
    }
}

/// A page to answer with: a template, its context, a status and the cookies to set.
#[derive(Debug)]
pub struct Page {
    pub status: StatusCode,
    pub template: &'static str,
    pub context: Value,
    pub lang: Language,
    pub cookies: CookieJar,
}

impl Page {
    pub fn new(visit: &Visit, template: &'static str, context: Value) -> Self {
        Self { status: StatusCode::OK, template, context, lang: visit.lang, cookies: visit.cookies.clone() }
    }

    pub fn status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    pub fn render(self, site: &Site) -> Response {
        match site.render(self.template, self.lang, self.context) {
            Ok(html) => {
                let mut resp =
                    (self.status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response();
                self.cookies.apply(resp.headers_mut());
                resp
            }
            Err(e) => {
                tracing::error!(template = self.template, error = %e, "a page's template failed");
                (StatusCode::INTERNAL_SERVER_ERROR, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "500")
                    .into_response()
            }
        }
    }
}
