//! The WeChat Pay client of one kiosk: `get_wxpayface_authinfo` (APIv2) and the facemch
//! query (APIv3), with every response checked before anything in it is used.

use std::sync::{Arc, Mutex};

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};

use super::authinfo::{self, Authinfo, AuthinfoRequest};
use super::clock::ClockOffset;
use super::error::{Endpoint, WxpayError};
use super::facemch::{self, FacemchQuery, InfoType};
use super::http::{Exchange, Transport};
use super::v2::SignType;
use super::v3::error_body::first_differing_line;
use super::v3::verify::{HEADER_SERIAL, VerifyError};
use super::v3::{ErrorBody, MerchantSigner, SignedHeaders, Verifier, sign};
use super::{nonce, unix_now};
use crate::crypto::{Certificate, Padding, PrivateKey, PublicKey};
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
        let apiv2_key = std::fs::read_to_string(&keys.apiv2_key_file).map_err(|e| {
            WxpayError::Setup(format!(
                "cannot read {}: {e}",
                keys.apiv2_key_file.display()
            ))
        })?;
        let apiv2_key = Secret::new(apiv2_key.trim());
        if apiv2_key.is_empty() {
            return Err(WxpayError::Setup(format!(
                "{} is empty",
                keys.apiv2_key_file.display()
            )));
        }
        let key = PrivateKey::from_file(&keys.merchant_private_key)?;
        let cert = Certificate::from_file(&keys.merchant_certificate)?;
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
            verifier.add_certificate(&Certificate::from_file(path)?);
        }
        let decrypt_key = match &keys.sub_merchant_private_key {
            Some(path) => PrivateKey::from_file(path)?,
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

#[derive(Debug, Clone)]
pub struct WxpayClient {
    transport: Transport,
    settings: Arc<WxpaySettings>,
    credentials: Arc<Credentials>,
}

impl WxpayClient {
    /// A client with the credentials its settings name, loaded and cross-checked.
    pub fn from_settings(settings: WxpaySettings) -> Result<Self, WxpayError> {
        let credentials = Credentials::load(&settings)?;
        Self::new(settings, credentials)
    }

    pub fn new(settings: WxpaySettings, credentials: Credentials) -> Result<Self, WxpayError> {
        let transport = Transport::new(&settings.timeouts, settings.proxy.as_ref())?;
        Ok(Self {
            transport,
            settings: Arc::new(settings),
            credentials: Arc::new(credentials),
        })
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
        authinfo::parse_response(&x.body, &self.credentials.apiv2_key, &request)
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
        let path = query.path_and_query();
        let url = format!("{}{}", self.settings.endpoints.api_mch, path);
        let signer = &self.credentials.signer;
        let verifier = &self.credentials.verifier;
        let last_signed = Mutex::new(String::new());
        let x = self
            .transport
            .send(Endpoint::Facemch, |http| {
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
        verifier
            .verify(&headers, &x.body, unix_now())
            .map_err(|e| match e {
                VerifyError::Skew { skew_secs } => WxpayError::ClockSkew {
                    offset_secs: -skew_secs,
                },
                other => WxpayError::Unverified(other),
            })?;
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
