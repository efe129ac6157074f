//! A browser without JavaScript for the console's tests (issue #18): cookies kept, redirects
//! not followed, forms posted as `application/x-www-form-urlencoded`, the `_csrf` of a page
//! read from its HTML; staff accounts created through the domain, sign-in over HTTP.

use issuer::app::staff::NewStaffAccount;
use issuer::domain::Role;
use service_kit::test_client::SendOrStop as _;

/// The password of every console test account (12+ characters).
pub const PASSWORD: &str = "correct horse battery staple";

/// An answer: status, `Location`, `Content-Type` and the body.
pub struct Answer {
    pub status: u16,
    pub location: String,
    pub content_type: String,
    pub body: String,
    /// The `Set-Cookie` lines, as sent.
    pub set_cookies: Vec<String>,
}

/// A cookie jar over one service.
pub struct Browser {
    base: String,
    client: reqwest::Client,
    cookies: Vec<(String, String)>,
}

/// A path segment or query value, percent-encoded.
pub fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// The `_csrf` value of the first form of a page.
pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"_csrf\" value=\"";
    let at = html.find(marker).expect("a _csrf field on the page") + marker.len();
    html[at..].split('"').next().unwrap().to_owned()
}

impl Browser {
    pub fn new(base: &str) -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self {
            base: base.to_owned(),
            client,
            cookies: Vec::new(),
        }
    }

    async fn send(&mut self, mut req: reqwest::RequestBuilder) -> Answer {
        req = req
            .header("accept", "text/html")
            .header("origin", &self.base);
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            req = req.header("cookie", jar.join("; "));
        }
        let res = req.sent().await;
        let header = |name: &str| {
            res.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned()
        };
        let (location, content_type) = (header("location"), header("content-type"));
        let mut set_cookies = Vec::new();
        for set in res.headers().get_all("set-cookie") {
            let set = set.to_str().unwrap_or("");
            set_cookies.push(set.to_owned());
            let (name, value) = set
                .split(';')
                .next()
                .unwrap_or("")
                .split_once('=')
                .unwrap_or(("", ""));
            let expired = set.to_ascii_lowercase().contains("max-age=0");
            self.set_cookie(name.trim(), if expired { "" } else { value.trim() });
        }
        Answer {
            status: res.status().as_u16(),
            location,
            content_type,
            body: res.text().await.unwrap_or_default(),
            set_cookies,
        }
    }

    /// The value of cookie `name` in the jar.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }

    /// Sets cookie `name` in the jar (or removes it with `""`), as a planted cookie would be.
    pub fn set_cookie(&mut self, name: &str, value: &str) {
        self.cookies.retain(|(k, _)| k != name);
        if !value.is_empty() {
            self.cookies.push((name.to_owned(), value.to_owned()));
        }
    }

    /// GET `path`.
    pub async fn get(&mut self, path: &str) -> Answer {
        let req = self.client.get(format!("{}{path}", self.base));
        self.send(req).await
    }

    /// POST the form `fields` to `path`.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let body: Vec<String> = fields
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect();
        let req = self
            .client
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.join("&"));
        self.send(req).await
    }

    /// Signs in through the sign-in page; panics unless the dashboard opens afterwards.
    pub async fn signed_in(base: &str, university: &str, username: &str) -> Self {
        let mut b = Self::new(base);
        let form = b.get("/console/sign-in").await;
        let csrf = csrf_of(&form.body);
        let fields = [
            ("university", university),
            ("username", username),
            ("password", PASSWORD),
            ("_csrf", csrf.as_str()),
        ];
        let res = b.post("/console/sign-in", &fields).await;
        assert_eq!(
            res.status, 303,
            "sign-in of {username}@{university}: {}",
            res.body
        );
        assert_eq!(
            b.get("/console").await.status,
            200,
            "dashboard of {username}"
        );
        b
    }
}

/// Creates the staff account `username` of `university` with `roles` and [`PASSWORD`].
pub async fn staff_account(
    app: &issuer::app::App,
    university: &str,
    username: &str,
    roles: &[Role],
) {
    let account = NewStaffAccount {
        university: university.into(),
        username: username.into(),
        display_name: format!("{username} of {university}"),
        email: None,
        password: Some(PASSWORD.into()),
        roles: roles.to_vec(),
        totp: false,
    };
    app.create_staff_account(&account, "test", false)
        .await
        .unwrap()
        .expect("account created");
}
