//! The WeChat Pay client of one kiosk: `get_wxpayface_authinfo` (APIv2) and the facemch
//! query (APIv3), with every response checked before anything in it is used.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};

use super::authinfo::{self, Authinfo, AuthinfoRequest};
use super::clock::ClockOffset;
use super::error::{Endpoint, WxpayError};
use super::facemch::{self, FacemchQuery, InfoType};
use super::http::{Exchange, Transport};
use super::v2::SignType;
use super::v3::error_body::first_differing_line;
use super::v3::verify::{HEADER_SERIAL, MAX_SKEW_SECS, VerifyError};
use super::v3::{ErrorBody, MerchantSigner, SignedHeaders, Verifier, sign};
use super::{nonce, unix_now};
use crate::crypto::{Certificate, Padding, PrivateKey, PublicKey, read_secret_file};
use crate::http::RetryPolicy;
use crate::replay::ReplayGuard;
use crate::settings::WxpaySettings;
use facekiosk_pii::Secret;
use facekiosk_pii::identity::Identity;

/// Everything a client needs, loaded and cross-checked from the key files the config names.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub apiv2_key: Secret,
    pub signer: MerchantSigner,
    pub verifier: Verifier,
    /// The key WeChat encrypted the real name to: the merchant's, or in service-provider mode
    /// the sub-merchant's.
    pub decrypt_key: PrivateKey,
}

impl Credentials {
    pub fn load(config: &WxpaySettings) -> Result<Self, WxpayError> {
        let keys = &config.keys;
        // Read owner-only and wiped after use: the Secret keeps the only copy.
        let apiv2_key = read_secret_file(&keys.apiv2_key_file)?;
        let apiv2_key = Secret::new(apiv2_key.trim());
        if apiv2_key.is_empty() {
            return Err(WxpayError::Setup(format!(
                "{} is empty",
                keys.apiv2_key_file.display()
            )));
        }
        let key = PrivateKey::from_secret_file(&keys.merchant_private_key)?;
        let cert = Certificate::from_file(&keys.merchant_certificate)?;
        let now = std::time::SystemTime::now();
        // WeChat refuses requests signed under an expired merchant certificate: say so at start.
        cert.check_valid_at(&keys.merchant_certificate.display().to_string(), now)?;
        if cert.public_key != key.public_key() {
            return Err(WxpayError::Setup(format!(
                "{} is not the certificate of {}",
                keys.merchant_certificate.display(),
                keys.merchant_private_key.display()
            )));
        }
        if let Some(serial) = &keys.merchant_serial
            && !serial.eq_ignore_ascii_case(&cert.serial)
        {
            return Err(WxpayError::Setup(format!(
                "keys.merchant_serial is {serial} but the certificate's serial is {}",
                cert.serial
            )));
        }
        let mut verifier = Verifier::new();
        if let (Some(path), Some(id)) = (&keys.wechatpay_public_key, &keys.wechatpay_public_key_id)
        {
            verifier.add_public_key(id, PublicKey::from_file(path)?);
        }
        for path in &keys.platform_certificates {
            let cert = Certificate::from_file(path)?;
            // Refused now rather than at the first patient's query.
            cert.check_valid_at(&path.display().to_string(), now)?;
            verifier.add_certificate(&cert);
        }
        let decrypt_key = match &keys.sub_merchant_private_key {
            Some(path) => PrivateKey::from_secret_file(path)?,
            None => key.clone(),
        };
        Ok(Self {
            apiv2_key,
            signer: MerchantSigner::new(&config.merchant.mch_id, cert.serial, key),
            verifier,
            decrypt_key,
        })
    }
}

/// How long an APIv3 answer is remembered against a replay: its timestamp passes our check
/// for 300 s either side of our clock.
const V3_REPLAY_WINDOW: Duration = Duration::from_secs(2 * MAX_SKEW_SECS.unsigned_abs());

#[derive(Debug, Clone)]
pub struct WxpayClient {
    transport: Transport,
    settings: Arc<WxpaySettings>,
    credentials: Arc<Credentials>,
    replay: Arc<ReplayGuard>,
}

impl WxpayClient {
    /// A client with the credentials its settings name, loaded and cross-checked.
    pub fn from_settings(settings: WxpaySettings) -> Result<Self, WxpayError> {
        let credentials = Credentials::load(&settings)?;
        Self::new(settings, credentials)
    }

    pub fn new(settings: WxpaySettings, credentials: Credentials) -> Result<Self, WxpayError> {
        check_endpoint("endpoints.payapp", &settings.endpoints.payapp)?;
        check_endpoint("endpoints.api_mch", &settings.endpoints.api_mch)?;
        let transport = Transport::new(&settings.timeouts, settings.proxy.as_ref())?;
        Ok(Self {
            transport,
            settings: Arc::new(settings),
            credentials: Arc::new(credentials),
            replay: Arc::default(),
        })
    }

    /// Whether WeChat would take our timestamps, by the offset last measured from any of its
    /// answers: the session asks before the face scan, so a patient is not scanned for a
    /// query WeChat will refuse. `Ok` until something has been measured.
    pub fn clock_check(&self) -> Result<(), WxpayError> {
        self.clock()
            .check()
            .map_err(|offset_secs| WxpayError::ClockSkew { offset_secs })
    }

    fn first_seen(&self, digest: [u8; 32], window: Duration) -> Result<(), WxpayError> {
        if self.replay.first_seen(digest, window, Instant::now()) {
            Ok(())
        } else {
            Err(WxpayError::Unverified(VerifyError::Replayed))
        }
    }

    pub fn settings(&self) -> &WxpaySettings {
        &self.settings
    }

    /// How far our clock is from WeChat's, as last measured.
    pub fn clock(&self) -> &ClockOffset {
        self.transport.clock()
    }

    /// The authinfo request this kiosk sends for `rawdata` (also what `authinfo` signs).
    pub fn authinfo_request(&self, rawdata: &str) -> AuthinfoRequest {
        let c = &self.settings;
        AuthinfoRequest {
            store_id: c.store.store_id.clone(),
            store_name: c.store.store_name.clone(),
            device_id: c.device_id.clone(),
            rawdata: rawdata.to_owned(),
            appid: c.merchant.appid.clone(),
            mch_id: c.merchant.mch_id.clone(),
            sub_appid: c.merchant.sub_appid.clone(),
            sub_mch_id: c.merchant.sub_mch_id.clone(),
            now: unix_now().max(0) as u64,
            sign_type: c.keys.apiv2_sign_type,
            nonce_str: nonce(),
            attach: None,
        }
    }

    pub fn sign_type(&self) -> SignType {
        self.settings.keys.apiv2_sign_type
    }

    /// `POST /face/get_wxpayface_authinfo`. Safe to retry: it only mints a token.
    pub async fn get_authinfo(&self, rawdata: &str) -> Result<Authinfo, WxpayError> {
        let request = self.authinfo_request(rawdata);
        let body = request
            .to_xml(&self.credentials.apiv2_key)
            .map_err(WxpayError::Unsendable)?;
        let url = format!("{}{}", self.settings.endpoints.payapp, authinfo::PATH);
        let x = self
            .transport
            .send(Endpoint::Authinfo, |http| {
                http.post(&url)
                    .header(CONTENT_TYPE, "text/xml; charset=utf-8")
                    .body(body.clone())
            })
            .await?;
        if x.status != 200 {
            // payapp answers even its errors in HTTP 200; anything else came from in between.
            let message = "payapp answered outside its XML protocol (a proxy or gateway?)";
            return Err(api_error(Endpoint::Authinfo, &x, "HTTP", message, None));
        }
        let accepted = authinfo::parse_accepted(&x.body, &self.credentials.apiv2_key, &request)?;
        if let Some(digest) = accepted.replay_digest {
            // Lifetime of the token: as long as a replayed copy would still be of use.
            let window = Duration::from_secs(accepted.authinfo.expires_in);
            self.first_seen(digest, window)?;
        }
        Ok(accepted.authinfo)
    }

    /// `GET /v3/facemch/users/{face_sid}` with the configured info_type, verified, decrypted
    /// and validated. Safe to retry: a GET.
    pub async fn query_user(&self, face_sid: &str) -> Result<Identity, WxpayError> {
        self.query_user_as(face_sid, self.settings.facemch.info_type)
            .await
    }

    pub async fn query_user_as(
        &self,
        face_sid: &str,
        info_type: InfoType,
    ) -> Result<Identity, WxpayError> {
        let m = &self.settings.merchant;
        let sp = m.sub_mch_id.is_some();
        let query = FacemchQuery {
            face_sid,
            info_type,
            appid: &m.appid,
            sub_mchid: m.sub_mch_id.as_deref(),
            sub_appid: m.sub_appid.as_deref(),
            sub_serial_no: self
                .settings
                .keys
                .sub_merchant_serial
                .as_deref()
                .filter(|_| sp),
        };
        let path = query.path_and_query()?;
        let url = format!("{}{}", self.settings.endpoints.api_mch, path);
        let signer = &self.credentials.signer;
        let verifier = &self.credentials.verifier;
        let last_signed = Mutex::new(String::new());
        // A GET: repeating it after a timeout or a reset cannot do anything twice, and the
        // patient has already confirmed on WeChat's screen.
        let policy = RetryPolicy {
            on_timeout: true,
            deadline: Some(self.settings.timeouts.facemch_deadline),
        };
        let x = self
            .transport
            .send_with(Endpoint::Facemch, policy, |http| {
                let (ts, nonce) = (unix_now(), nonce());
                let auth = signer.authorization("GET", &path, ts, &nonce, "");
                *last_signed.lock().unwrap_or_else(|p| p.into_inner()) =
                    sign::request_message("GET", &path, ts, &nonce, "");
                let mut req = http
                    .get(&url)
                    .header(AUTHORIZATION, auth.to_string())
                    .header(ACCEPT, "application/json");
                if let Some(serial) = verifier.preferred_serial() {
                    req = req.header(HEADER_SERIAL, serial);
                }
                req
            })
            .await?;
        if !(200..300).contains(&x.status) {
            let ours = last_signed.into_inner().unwrap_or_else(|p| p.into_inner());
            return Err(self.facemch_error(&x, face_sid, &ours));
        }
        let headers = SignedHeaders::read(|name| x.header(name))?;
        let now = unix_now();
        verifier
            .verify(&headers, &x.body, now)
            .map_err(|e| match e {
                VerifyError::Skew { skew_secs } => WxpayError::ClockSkew {
                    offset_secs: skew_secs.saturating_neg(),
                },
                other => WxpayError::Unverified(other),
            })?;
        let digest = ReplayGuard::digest(&[
            b"v3",
            headers.serial.as_bytes(),
            headers.timestamp.as_bytes(),
            headers.nonce.as_bytes(),
            headers.signature.as_bytes(),
        ]);
        self.first_seen(digest, V3_REPLAY_WINDOW)?;
        // A verified timestamp is WeChat's own clock, not a proxy's `Date`.
        if let Ok(ts) = headers.timestamp.parse::<i64>() {
            self.clock().observe_server_time(ts, now);
        }
        let padding: Padding = self.settings.facemch.padding;
        facemch::decode(x.body, info_type, &self.credentials.decrypt_key, padding)
    }

    fn facemch_error(&self, x: &Exchange, face_sid: &str, ours: &str) -> WxpayError {
        let body = ErrorBody::parse(&x.body);
        if x.status == 401
            && body.message.contains("timestamp")
            && let Some(offset_secs) = self.clock().offset_secs()
        {
            return WxpayError::ClockSkew { offset_secs };
        }
        let hint = match body.truncated_sign_message() {
            Some(theirs) => first_differing_line(ours, theirs)
                .map(|line| format!("WeChat verified a different {line} line than we signed"))
                .or(Some(
                    "the signed message matches: check the private key and merchant serial".into(),
                )),
            None if x.status == 401 => {
                Some("check keys.merchant_private_key, the certificate serial and the clock".into())
            }
            None => None,
        };
        // WeChat may echo the face_sid back; it is personal data and stays out of errors.
        let message = match face_sid {
            "" => body.message.clone(),
            sid => body.message.replace(sid, "[face_sid]"),
        };
        api_error(Endpoint::Facemch, x, &body.code, &message, hint)
    }
}

/// An endpoint must be HTTPS unless it is this machine (the sandbox, tests): over plain HTTP
/// the facemch URL and the signed answers would cross the network in clear.
fn check_endpoint(setting: &str, value: &str) -> Result<(), WxpayError> {
    let url = url::Url::parse(value)
        .map_err(|e| WxpayError::Setup(format!("{setting} is not a URL: {e}")))?;
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    if url.query().is_some() || url.fragment().is_some() {
        // The request path is appended to the endpoint: a query would end up inside it.
        return Err(WxpayError::Setup(format!(
            "{setting} must not have a query or fragment"
        )));
    }
    match url.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        "http" => Err(WxpayError::Setup(format!(
            "{setting} must be https:// (plain http:// is only for this machine's loopback)"
        ))),
        other => Err(WxpayError::Setup(format!(
            "{setting} has scheme `{other}`; WeChat is reached over https://"
        ))),
    }
}

fn api_error(
    endpoint: Endpoint,
    x: &Exchange,
    code: &str,
    message: &str,
    hint: Option<String>,
) -> WxpayError {
    WxpayError::Api {
        endpoint,
        status: x.status,
        code: if code.is_empty() {
            "HTTP".into()
        } else {
            code.to_owned()
        },
        message: message.to_owned(),
        request_id: x.request_id(),
        hint,
    }
}
