//! Test support (feature `test-support`): the HTTP client calls the services' test suites make
//! again and again against a service running on 127.0.0.1 — `GET` or `POST` a path of the
//! service's base URL, with an optional bearer token (RFC 6750 §2.1), and read the answer —
//! written once for the issuer's, the verifier's and the cross-crate tests. A request that cannot
//! be sent at all stops the test (the service under test is gone); every answer, 5xx included,
//! is returned for the test to judge.

use std::future::Future;

use reqwest::{RequestBuilder, Response};
use serde_json::Value;

/// A fresh client (no connection reuse between tests).
pub fn client() -> reqwest::Client {
    reqwest::Client::new()
}

/// Sends a request built by the test, stopping the test when it cannot be sent.
pub trait SendOrStop {
    /// The response to the request, whatever its status.
    fn sent(self) -> impl Future<Output = Response> + Send;
}

impl SendOrStop for RequestBuilder {
    #[allow(clippy::expect_used)] // test support: without an answer the test cannot go on
    async fn sent(self) -> Response {
        self.send()
            .await
            .expect("the request reaches the service under test")
    }
}

/// `GET {base}{path}`, with `token` as bearer token when given.
pub async fn get(base: &str, path: &str, token: Option<&str>) -> Response {
    with_token(client().get(format!("{base}{path}")), token)
        .sent()
        .await
}

/// `GET {base}{path}` with the `Accept` header `accept` (content negotiation, RFC 9110 §12.5.1).
pub async fn get_accept(base: &str, path: &str, accept: &str) -> Response {
    client()
        .get(format!("{base}{path}"))
        .header("accept", accept)
        .sent()
        .await
}

/// `GET {base}{path}` (bearer `token` when given); the body as JSON, which it must be.
#[allow(clippy::expect_used)] // test support: the test expects JSON here and stops without it
pub async fn get_json(base: &str, path: &str, token: Option<&str>) -> Value {
    get(base, path, token)
        .await
        .json::<Value>()
        .await
        .expect("the answer is JSON")
}

/// `POST {base}{path}` with the JSON `body`, with `token` as bearer token when given.
pub async fn post_json(base: &str, path: &str, token: Option<&str>, body: &Value) -> Response {
    with_token(client().post(format!("{base}{path}")).json(body), token)
        .sent()
        .await
}

/// `POST {base}{path}` with the JSON `body` (bearer `token` when given): the status code, the
/// body as JSON (`null` when it is not JSON) and the headers.
pub async fn post_json_parts(
    base: &str,
    path: &str,
    token: Option<&str>,
    body: &Value,
) -> (u16, Value, reqwest::header::HeaderMap) {
    let res = post_json(base, path, token, body).await;
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    (status, json_body(res).await, headers)
}

/// `GET {base}/openapi.json`, which must answer 200 with `application/json`: the document.
#[allow(clippy::expect_used)] // test support: the test stops when the document is not JSON
pub async fn served_openapi(base: &str) -> Value {
    let res = get(base, "/openapi.json", None).await;
    assert_eq!(res.status(), 200, "GET /openapi.json");
    assert_eq!(
        res.headers().get("content-type").map(|v| v.as_bytes()),
        Some(&b"application/json"[..]),
        "GET /openapi.json"
    );
    res.json::<Value>().await.expect("the document is JSON")
}

/// A route probe: `method {url}` with the JSON body `{}` sent by `client`; the status code and
/// the body as text.
#[allow(clippy::expect_used)] // test support: the probe's method comes from the test's own table
pub async fn probe(client: &reqwest::Client, method: &str, url: &str) -> (u16, String) {
    let method = method.parse::<reqwest::Method>().expect("an HTTP method");
    let res = client
        .request(method, url)
        .header("content-type", "application/json")
        .body("{}")
        .sent()
        .await;
    let status = res.status().as_u16();
    (status, res.text().await.unwrap_or_default())
}

/// The body of `res` as JSON, `null` when it is not JSON.
pub async fn json_body(res: Response) -> Value {
    res.json::<Value>().await.unwrap_or(Value::Null)
}

fn with_token(request: RequestBuilder, token: Option<&str>) -> RequestBuilder {
    match token {
        Some(t) => request.bearer_auth(t),
        None => request,
    }
}
