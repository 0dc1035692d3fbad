//! `endpoint.payapp`, `endpoint.api_mch`: each WeChat host step by step (name lookup, TCP
//! connect, TLS and an HTTP answer), each step timed, so the technician sees where it breaks.
//! With a proxy the kiosk never connects to WeChat itself: the proxy is what is tested.

use std::time::{Duration, Instant};

use facekiosk_wxpay::WxpaySettings;
use facekiosk_wxpay::settings::Proxy;
use tokio::net::TcpStream;

use crate::{Check, Options};

/// The HTTP client the kiosk's own WeChat client is: rustls, no redirects, the configured
/// proxy or none.
pub fn http_client(proxy: Option<&Proxy>, timeout: Duration) -> Result<reqwest::Client, String> {
    let mut builder = reqwest::Client::builder()
        .use_rustls_tls()
        .connect_timeout(timeout)
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy();
    if let Some(p) = proxy {
        let mut proxy = reqwest::Proxy::all(&p.url).map_err(|e| format!("proxy.url: {e}"))?;
        if let Some(user) = &p.username {
            let password = p.password.as_ref().map(|s| s.expose()).unwrap_or_default();
            proxy = proxy.basic_auth(user, password);
        }
        builder = builder.proxy(proxy);
    }
    builder.build().map_err(|e| format!("HTTP client: {e}"))
}

pub async fn check(wxpay: &WxpaySettings, options: &Options) -> Vec<Check> {
    let mut checks = Vec::new();
    for (id, field, url) in [
        (
            "endpoint.payapp",
            "endpoints.payapp",
            &wxpay.endpoints.payapp,
        ),
        (
            "endpoint.api_mch",
            "endpoints.api_mch",
            &wxpay.endpoints.api_mch,
        ),
    ] {
        checks.push(one(id, field, url, wxpay.proxy.as_ref(), options).await);
    }
    checks
}

fn ms(since: Instant) -> u128 {
    since.elapsed().as_millis()
}

/// Host and port of a URL, or why not.
pub fn host_port(field: &str, url: &str) -> Result<(url::Url, String, u16), String> {
    let parsed = url::Url::parse(url).map_err(|e| format!("{field} is not a URL: {e}"))?;
    let host = parsed
        .host_str()
        .ok_or_else(|| format!("{field} has no host"))?
        .trim_matches(['[', ']'])
        .to_owned();
    let port = parsed
        .port_or_known_default()
        .ok_or_else(|| format!("{field} has no port"))?;
    Ok((parsed, host, port))
}

/// Name lookup and TCP connect, timed: `Ok(text)` or `Err(text)`.
pub async fn reach(host: &str, port: u16, timeout: Duration) -> Result<String, String> {
    let started = Instant::now();
    let addrs = tokio::time::timeout(timeout, tokio::net::lookup_host((host, port)))
        .await
        .map_err(|_| format!("looking up {host} took over {} ms", timeout.as_millis()))?
        .map_err(|e| format!("cannot look up {host}: {e}"))?;
    let addrs: Vec<_> = addrs.collect();
    let Some(addr) = addrs.first().copied() else {
        return Err(format!("{host} has no address"));
    };
    let dns_ms = ms(started);
    let started = Instant::now();
    match tokio::time::timeout(timeout, TcpStream::connect(addr)).await {
        Ok(Ok(_)) => Ok(format!(
            "DNS {dns_ms} ms ({addr}), TCP connect {} ms",
            ms(started)
        )),
        Ok(Err(e)) => Err(format!(
            "DNS {dns_ms} ms ({addr}), TCP connect refused or failed: {e}"
        )),
        Err(_) => Err(format!(
            "DNS {dns_ms} ms ({addr}), TCP connect took over {} ms",
            timeout.as_millis()
        )),
    }
}

async fn one(
    id: &'static str,
    field: &str,
    url: &str,
    proxy: Option<&Proxy>,
    options: &Options,
) -> Check {
    let (parsed, host, port) = match host_port(field, url) {
        Ok(v) => v,
        Err(e) => return Check::fail(id, e, format!("correct {field}")),
    };
    let mut steps = Vec::new();
    if let Some(p) = proxy {
        let (_, phost, pport) = match host_port("proxy.url", &p.url) {
            Ok(v) => v,
            Err(e) => return Check::fail(id, e, "correct proxy.url"),
        };
        steps.push(format!("through the proxy {phost}:{pport}"));
        match reach(&phost, pport, options.timeout).await {
            Ok(s) => steps.push(format!("proxy {s}")),
            Err(e) => {
                return Check::fail(
                    id,
                    format!("{}; proxy {e}", steps.join("; ")),
                    "check the proxy's address and that it is running, or ask the hospital's IT",
                );
            }
        }
    } else {
        match reach(&host, port, options.timeout).await {
            Ok(s) => steps.push(s),
            Err(e) => {
                return Check::fail(
                    id,
                    format!("{host}:{port}: {e}"),
                    "check the network, DNS and firewall (outbound 443 to WeChat), or set [proxy]",
                );
            }
        }
    }
    let client = match http_client(proxy, options.timeout) {
        Ok(c) => c,
        Err(e) => return Check::fail(id, e, "correct [proxy]"),
    };
    let plain = parsed.scheme() == "http";
    let started = Instant::now();
    match client.get(parsed.as_str()).send().await {
        Ok(answer) => {
            let what = if plain {
                "plain http (sandbox), HTTP answer"
            } else {
                "TLS handshake and HTTP answer"
            };
            steps.push(format!(
                "{what} {} ms (status {})",
                ms(started),
                answer.status().as_u16()
            ));
            Check::ok(id, format!("{host}:{port}: {}", steps.join(", ")))
        }
        Err(e) => {
            let step = if e.is_timeout() {
                format!("no HTTP answer within {} ms", options.timeout.as_millis())
            } else if plain {
                format!("no HTTP answer: {e}")
            } else {
                format!("TLS handshake or HTTP answer failed: {e}")
            };
            steps.push(step);
            Check::fail(
                id,
                format!("{host}:{port}: {}", steps.join(", ")),
                "a TLS failure usually means something in between intercepts HTTPS: ask the \
                 hospital's IT to let the kiosk reach WeChat directly or through the proxy",
            )
        }
    }
}
