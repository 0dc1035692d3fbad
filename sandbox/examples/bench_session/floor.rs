//! A session's cryptographic floor, with the crate's own functions on a real facemch answer of
//! the sandbox: one request signature, the decryptions ASK_REAL_NAME needs (the name and the
//! ID number), one response verification. Each is the median of many.

use std::hint::black_box;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow};
use facekiosk_wxpay::client::Credentials;
use facekiosk_wxpay::facemch::FacemchQuery;
use facekiosk_wxpay::settings::WxpaySettings;
use facekiosk_wxpay::v3::SignedHeaders;
use facekiosk_wxpay::{InfoType, nonce, unix_now};

const RUNS: usize = 300;

/// The sandbox's admin API.
pub struct Admin {
    http: reqwest::Client,
    base: String,
}

pub struct Session {
    pub face_sid: String,
    pub openid: String,
}

impl Admin {
    pub fn new(base: &str) -> Result<Self> {
        let http = reqwest::Client::builder().no_proxy().build()?;
        Ok(Admin {
            http,
            base: base.trim_end_matches('/').to_owned(),
        })
    }

    /// A face session of the persona the simulated face app shows by default, confirmed.
    pub async fn authorized_session(&self) -> Result<Session> {
        let body = r#"{"persona":"zhang-san","authorized":true}"#;
        let text = self
            .http
            .post(format!("{}/sandbox/sessions", self.base))
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .await?
            .error_for_status()?
            .text()
            .await?;
        let v: serde_json::Value = serde_json::from_str(&text)?;
        let field = |name: &str| {
            v[name]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| anyhow!("/sandbox/sessions: no {name}"))
        };
        Ok(Session {
            face_sid: field("face_sid")?,
            openid: field("openid")?,
        })
    }
}

fn median(mut f: impl FnMut()) -> f64 {
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[RUNS / 2].as_secs_f64() * 1e6
}

pub async fn measure(wxpay: &WxpaySettings, admin: &Admin) -> Result<()> {
    let creds = Credentials::load(wxpay)?;
    let session = admin.authorized_session().await?;
    let path = FacemchQuery {
        face_sid: &session.face_sid,
        info_type: InfoType::AskRealName,
        appid: &wxpay.merchant.appid,
        sub_mchid: None,
        sub_appid: None,
        sub_serial_no: None,
    }
    .path_and_query()?;
    // One real answer to take apart: the kiosk's request, sent by hand.
    let auth = creds
        .signer
        .authorization("GET", &path, unix_now(), &nonce(), "");
    let mut req = admin
        .http
        .get(format!("{}{path}", wxpay.endpoints.api_mch))
        .header("Authorization", auth.to_string())
        .header("Accept", "application/json");
    if let Some(serial) = creds.verifier.preferred_serial() {
        req = req.header("Wechatpay-Serial", serial);
    }
    let response = req.send().await?.error_for_status()?;
    let h = response.headers().clone();
    let body = response.bytes().await?.to_vec();
    let headers = SignedHeaders::read(|name| h.get(name).and_then(|v| v.to_str().ok()))?;
    let json: serde_json::Value = serde_json::from_slice(&body)?;
    let field = |name: &str| -> Result<String> {
        json["real_name_info"][name]
            .as_str()
            .map(str::to_owned)
            .with_context(|| format!("real_name_info.{name}: missing"))
    };
    let (name, id) = (
        field("encrypted_real_name")?,
        field("encrypted_credential_id")?,
    );
    let padding = wxpay.facemch.padding;
    let (ts, n) = (unix_now(), nonce());
    let sign = median(|| {
        black_box(creds.signer.authorization("GET", &path, ts, &n, ""));
    });
    let decrypt = |ct: &str| -> Result<f64> {
        creds.decrypt_key.decrypt_b64(padding, ct)?;
        Ok(median(|| {
            let _ = black_box(creds.decrypt_key.decrypt_b64(padding, ct));
        }))
    };
    let (decrypt_name, decrypt_id) = (decrypt(&name)?, decrypt(&id)?);
    creds.verifier.verify(&headers, &body, unix_now())?;
    let verify = median(|| {
        let _ = black_box(creds.verifier.verify(&headers, &body, unix_now()));
    });
    println!("RESULT floor_sign_us {sign:.1}");
    println!("RESULT floor_decrypt_name_us {decrypt_name:.1}");
    println!("RESULT floor_decrypt_id_us {decrypt_id:.1}");
    println!("RESULT floor_verify_us {verify:.1}");
    let total = sign + decrypt_name + decrypt_id + verify;
    println!("RESULT floor_us {total:.1}");
    Ok(())
}
