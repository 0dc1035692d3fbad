//! What the session asks the terminal for, turned into the SDK's request Maps. Secrets
//! (authinfo, the proxy password) stay [`Secret`]s until the Map is built.

use std::time::Duration;

use facekiosk_bridge_protocol::Params;

use facekiosk_pii::FaceSid;
use facekiosk_pii::Secret;

/// The `initWxpayface` Map: the proxy the face app should use, and its performance mode.
/// Empty options call the overload without a Map.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InitOptions {
    /// The proxy, if the terminal reaches WeChat through one.
    pub proxy: Option<FaceProxy>,
    /// `perform_mode` (face app 2.13+).
    pub perform_mode: Option<PerformMode>,
}

/// A proxy for the face app (`ip`, `port`, `user`, `passwd`, `proxy_type`, `tcp_port`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaceProxy {
    /// `ip`.
    pub host: String,
    /// `port`.
    pub port: u16,
    /// `user`.
    pub user: Option<String>,
    /// `passwd`.
    pub password: Option<Secret>,
    /// `proxy_type` (face app 2.12+).
    pub kind: Option<ProxyKind>,
    /// `tcp_port` (face app 2.12+).
    pub tcp_port: Option<u16>,
}

/// `proxy_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyKind {
    /// 1: HTTP tunnel.
    HttpTunnel,
    /// 2: SOCKS5.
    Socks5,
    /// 3: HTTP.
    Http,
}

/// `perform_mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PerformMode {
    /// `NORMAL_PRFORM` (the official spelling).
    Normal,
    /// `LOW_PERFORM`.
    Low,
}

impl InitOptions {
    /// The Map.
    pub fn to_params(&self) -> Params {
        let mut p = Params::new();
        if let Some(proxy) = &self.proxy {
            p.insert("ip".into(), proxy.host.clone());
            p.insert("port".into(), proxy.port.to_string());
            if let Some(user) = &proxy.user {
                p.insert("user".into(), user.clone());
            }
            if let Some(password) = &proxy.password {
                p.insert("passwd".into(), password.expose().to_owned());
            }
            if let Some(kind) = proxy.kind {
                let v = match kind {
                    ProxyKind::HttpTunnel => "1",
                    ProxyKind::Socks5 => "2",
                    ProxyKind::Http => "3",
                };
                p.insert("proxy_type".into(), v.into());
            }
            if let Some(tcp_port) = proxy.tcp_port {
                p.insert("tcp_port".into(), tcp_port.to_string());
            }
        }
        if let Some(mode) = self.perform_mode {
            let v = match mode {
                PerformMode::Normal => "NORMAL_PRFORM",
                PerformMode::Low => "LOW_PERFORM",
            };
            p.insert("perform_mode".into(), v.into());
        }
        p
    }
}

/// `getWxpayfaceCode` with `face_authtype = FACE_AUTH` (real-name authentication).
#[derive(Debug, Clone)]
pub struct FaceCodeRequest {
    /// `appid`.
    pub appid: String,
    /// `mch_id`.
    pub mch_id: String,
    /// `sub_appid` (service-provider mode).
    pub sub_appid: Option<String>,
    /// `sub_mch_id` (service-provider mode).
    pub sub_mch_id: Option<String>,
    /// `store_id`.
    pub store_id: String,
    /// `authinfo`, from `get_wxpayface_authinfo`.
    pub authinfo: Secret,
    /// `screen_index` ("0" default screen, "1" secondary, "2" auto, "3" presentation).
    pub screen_index: Option<String>,
    /// `overlay_option` ("0", "1").
    pub overlay_option: Option<String>,
    /// The patient's time to look into the camera, in percent of the configured face-scan
    /// timeout: 100, more in elder mode. The kiosk's own; not sent.
    pub patient_time_percent: u32,
}

impl FaceCodeRequest {
    /// A request with the required fields.
    pub fn new(
        appid: impl Into<String>,
        mch_id: impl Into<String>,
        store_id: impl Into<String>,
        authinfo: Secret,
    ) -> Self {
        FaceCodeRequest {
            appid: appid.into(),
            mch_id: mch_id.into(),
            sub_appid: None,
            sub_mch_id: None,
            store_id: store_id.into(),
            authinfo,
            screen_index: None,
            overlay_option: None,
            patient_time_percent: 100,
        }
    }

    /// The Map.
    pub fn to_params(&self) -> Params {
        let mut p = Params::new();
        p.insert("face_authtype".into(), "FACE_AUTH".into());
        p.insert("appid".into(), self.appid.clone());
        p.insert("mch_id".into(), self.mch_id.clone());
        p.insert("store_id".into(), self.store_id.clone());
        p.insert("authinfo".into(), self.authinfo.expose().to_owned());
        let optional = [
            ("sub_appid", &self.sub_appid),
            ("sub_mch_id", &self.sub_mch_id),
            ("screen_index", &self.screen_index),
            ("overlay_option", &self.overlay_option),
        ];
        for (key, value) in optional {
            if let Some(v) = value.as_ref().filter(|v| !v.is_empty()) {
                p.insert(key.into(), v.clone());
            }
        }
        p
    }
}

/// Where the face app draws its face UI on the terminal (`screen_index`, `overlay_option` of
/// `getWxpayfaceCode`). A property of the terminal's hardware, not of the patient's request, so
/// it comes with the terminal's settings; a request that sets its own wins.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FaceScreen {
    /// `screen_index`.
    pub screen_index: Option<ScreenIndex>,
    /// `overlay_option`: "1" when true, "0" when false.
    pub overlay_option: Option<bool>,
}

/// `screen_index`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScreenIndex {
    /// "0": the default screen.
    Default,
    /// "1": the secondary screen.
    Secondary,
    /// "2": chosen by the face app.
    Auto,
    /// "3": the presentation screen.
    Presentation,
}

impl ScreenIndex {
    /// The documented number (0..=3), as configured and as sent.
    pub fn from_number(n: u8) -> Option<ScreenIndex> {
        [
            Self::Default,
            Self::Secondary,
            Self::Auto,
            Self::Presentation,
        ]
        .get(usize::from(n))
        .copied()
    }

    fn param(self) -> &'static str {
        match self {
            Self::Default => "0",
            Self::Secondary => "1",
            Self::Auto => "2",
            Self::Presentation => "3",
        }
    }
}

impl FaceScreen {
    /// Adds the keys a face-code Map does not already carry.
    pub fn fill(&self, params: &mut Params) {
        if let Some(index) = self.screen_index {
            params
                .entry("screen_index".into())
                .or_insert_with(|| index.param().into());
        }
        if let Some(overlay) = self.overlay_option {
            params
                .entry("overlay_option".into())
                .or_insert_with(|| if overlay { "1" } else { "0" }.into());
        }
    }
}

/// `getWxpayAuth`: ask the patient to authorise the real-name query, or close the flow.
#[derive(Debug, Clone)]
pub struct AuthRequest {
    /// `authinfo`.
    pub authinfo: Secret,
    /// `face_sid`, from the face code.
    pub face_sid: FaceSid,
    /// `quit_face_auth`.
    pub quit: QuitFaceAuth,
    /// The patient's time on WeChat's confirmation screen, in percent of the configured
    /// timeout: 100, more in elder mode. The kiosk's own; not sent.
    pub patient_time_percent: u32,
}

/// `quit_face_auth`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuitFaceAuth {
    /// "0": show WeChat's authorisation screen (a patient not yet known).
    Authorise,
    /// "1": close the real-name flow (a patient already known: welcome back).
    Quit,
}

impl AuthRequest {
    /// "0": ask the patient to authorise.
    pub fn authorise(authinfo: Secret, face_sid: FaceSid) -> Self {
        AuthRequest {
            authinfo,
            face_sid,
            quit: QuitFaceAuth::Authorise,
            patient_time_percent: 100,
        }
    }

    /// "1": close the flow.
    pub fn quit(authinfo: Secret, face_sid: FaceSid) -> Self {
        AuthRequest {
            authinfo,
            face_sid,
            quit: QuitFaceAuth::Quit,
            patient_time_percent: 100,
        }
    }

    /// The Map.
    pub fn to_params(&self) -> Params {
        let mut p = Params::new();
        p.insert("authinfo".into(), self.authinfo.expose().to_owned());
        p.insert("face_sid".into(), self.face_sid.reveal().to_owned());
        let quit = match self.quit {
            QuitFaceAuth::Authorise => "0",
            QuitFaceAuth::Quit => "1",
        };
        p.insert("quit_face_auth".into(), quit.into());
        p
    }
}

/// Our own timeout of each call (sent to the bridge as `timeout_ms` too). The SDK's own
/// reconnect timeout is 10 s, so no call waits less than that.
#[derive(Debug, Clone)]
pub struct CallTimeouts {
    /// `initWxpayface` (15 s).
    pub init: Duration,
    /// `getWxpayfaceRawdata` (15 s).
    pub rawdata: Duration,
    /// `getWxpayfaceCode`: the patient looks into the camera (90 s).
    pub face_code: Duration,
    /// `getWxpayAuth` "0": the patient confirms on WeChat's screen (120 s).
    pub authorise: Duration,
    /// `getWxpayAuth` "1" (15 s).
    pub quit: Duration,
    /// `stopWxpayface` (5 s).
    pub stop: Duration,
}

impl Default for CallTimeouts {
    fn default() -> Self {
        CallTimeouts {
            init: Duration::from_secs(15),
            rawdata: Duration::from_secs(15),
            face_code: Duration::from_secs(90),
            authorise: Duration::from_secs(120),
            quit: Duration::from_secs(15),
            stop: Duration::from_secs(5),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_hold_the_documented_keys_and_debug_hides_secrets() {
        let mut req = FaceCodeRequest::new("wx1", "1900", "store-1", Secret::new("AUTH-CANARY"));
        req.sub_mch_id = Some("1901".into());
        let p = req.to_params();
        assert_eq!(p["face_authtype"], "FACE_AUTH");
        assert_eq!(p["authinfo"], "AUTH-CANARY");
        assert_eq!(p["sub_mch_id"], "1901");
        assert!(!p.contains_key("sub_appid"));
        assert!(!format!("{req:?}").contains("AUTH-CANARY"));

        let auth = AuthRequest::quit(Secret::new("A"), FaceSid::new("SID-CANARY"));
        assert_eq!(auth.to_params()["quit_face_auth"], "1");
        assert_eq!(auth.to_params()["face_sid"], "SID-CANARY");
        assert!(!format!("{auth:?}").contains("SID-CANARY"));

        let init = InitOptions {
            proxy: Some(FaceProxy {
                host: "10.0.0.1".into(),
                port: 3128,
                user: Some("u".into()),
                password: Some(Secret::new("PW-CANARY")),
                kind: Some(ProxyKind::Http),
                tcp_port: None,
            }),
            perform_mode: Some(PerformMode::Normal),
        };
        let p = init.to_params();
        assert_eq!(p["proxy_type"], "3");
        assert_eq!(p["perform_mode"], "NORMAL_PRFORM");
        assert_eq!(p["passwd"], "PW-CANARY");
        assert!(!format!("{init:?}").contains("PW-CANARY"));
        assert!(InitOptions::default().to_params().is_empty());
    }
}
