//! The state of the sandbox's world: merchants, personas, face sessions, authinfo grants, the
//! faults in force and the sandbox's clock. The HTTP backends, the admin API and the simulated
//! face app all work on one `World`.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use facekiosk_pii::secret::Secret;
use facekiosk_wxpay::crypto::{PrivateKey, PublicKey};
use serde::Serialize;
use tokio::sync::watch;

use crate::faults::{Active, FaultRule, Faults, Target};
use crate::material::{Material, Party, ids};
use crate::options::{KeyMode, MAX_CLOCK_SKEW_SECS, Options, SidShape};
use crate::personas::Persona;

/// A merchant as WeChat knows it.
#[derive(Debug, Clone)]
pub struct Merchant {
    pub mch_id: String,
    pub apiv2_key: Secret,
    pub apiv3_key: Secret,
    /// API certificates by serial.
    pub certificates: BTreeMap<String, PublicKey>,
    pub appids: Vec<String>,
    /// The sub-merchants of a service provider (empty for others).
    pub sub_merchants: Vec<String>,
}

impl Merchant {
    fn of(party: &Party, appids: &[&str], subs: &[&str]) -> Self {
        Merchant {
            mch_id: party.mch_id.clone(),
            apiv2_key: party.apiv2_key.clone(),
            apiv3_key: party.apiv3_key.clone(),
            certificates: BTreeMap::from([(party.serial.clone(), party.public_key())]),
            appids: appids.iter().map(|s| s.to_string()).collect(),
            sub_merchants: subs.iter().map(|s| s.to_string()).collect(),
        }
    }

    pub fn is_service_provider(&self) -> bool {
        !self.sub_merchants.is_empty()
    }
}

/// What an authinfo is bound to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scope {
    pub device_id: String,
    pub appid: String,
    pub mch_id: String,
    pub sub_appid: Option<String>,
    pub sub_mch_id: Option<String>,
    pub store_id: String,
}

#[derive(Debug, Clone)]
pub struct Grant {
    pub scope: Scope,
    /// The terminal whose rawdata the authinfo was minted for (simulated rawdata only).
    pub terminal: Option<String>,
    pub expires_at: i64,
}

/// One face session: the ticket `getWxpayfaceCode` hands out.
#[derive(Debug, Clone)]
pub struct FaceSession {
    pub persona: String,
    pub appid: String,
    pub mch_id: String,
    pub sub_mch_id: Option<String>,
    pub sub_appid: Option<String>,
    pub authorized: bool,
    pub expires_at: i64,
}

/// What a new face session is for.
#[derive(Debug, Clone, Default)]
pub struct SessionRequest {
    pub persona: String,
    pub appid: Option<String>,
    pub mch_id: Option<String>,
    pub sub_mch_id: Option<String>,
    pub sub_appid: Option<String>,
    pub authorized: bool,
    pub shape: Option<SidShape>,
    pub ttl_secs: Option<u64>,
}

/// A new face session as the admin API returns it.
#[derive(Clone, Serialize)]
pub struct NewSession {
    pub face_sid: String,
    pub openid: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_openid: Option<String>,
    pub persona: String,
    pub underage_state: i64,
    pub expires_at: i64,
}

impl std::fmt::Debug for NewSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewSession")
            .field("persona", &self.persona)
            .finish_non_exhaustive()
    }
}

#[derive(Debug)]
pub(crate) struct State {
    pub options: Options,
    pub faults: Faults,
    pub clock_skew_secs: i64,
    pub personas: Vec<Persona>,
    pub sessions: HashMap<String, FaceSession>,
    pub grants: HashMap<String, Grant>,
    pub counters: BTreeMap<Target, u64>,
    pub next_rt1: bool,
    /// Who stands in front of the simulated face terminal.
    pub current_persona: String,
}

/// From this many face sessions or authinfos on, those expired for over [`FORGET_AFTER_SECS`]
/// are forgotten when another is made: a sandbox that runs for days (the demo, the soak) keeps
/// what can still be asked about, not everything it ever handed out.
const FORGET_FROM: usize = 4096;
const FORGET_AFTER_SECS: i64 = 3600;

fn forget_long_expired<T>(map: &mut HashMap<String, T>, expires_at: fn(&T) -> i64, now: i64) {
    if map.len() >= FORGET_FROM {
        let horizon = now.saturating_sub(FORGET_AFTER_SECS);
        map.retain(|_, v| expires_at(v) > horizon);
    }
}

/// The world. Cheap to share (`Arc<World>`).
pub struct World {
    pub material: Material,
    merchants: BTreeMap<String, Merchant>,
    initial: Options,
    initial_personas: Vec<Persona>,
    state: Mutex<State>,
    shutdown: watch::Sender<bool>,
    cables: Mutex<Vec<crate::cable::CableControl>>,
}

/// Counts only: the sessions are keyed by face_sid, which stays out of every dump.
impl std::fmt::Debug for World {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let st = self.lock();
        f.debug_struct("World")
            .field("merchants", &self.merchants.keys().collect::<Vec<_>>())
            .field("sessions", &st.sessions.len())
            .field("grants", &st.grants.len())
            .field("faults", &st.faults.list().len())
            .field("clock_skew_secs", &st.clock_skew_secs)
            .finish_non_exhaustive()
    }
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// A random version-4 UUID, lowercase, hyphenated.
fn uuid_v4() -> String {
    let mut b = [0u8; 16];
    rand::fill(&mut b[..]);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// Random uppercase hex, for nonces and Request-IDs.
pub fn random_hex(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rand::fill(&mut b[..]);
    hex::encode_upper(b)
}

impl World {
    pub fn new(material: Material, options: Options, personas: Vec<Persona>) -> Arc<World> {
        let mut merchants = BTreeMap::new();
        let direct = Merchant::of(
            &material.merchant,
            &[ids::MERCHANT_APPID, ids::MERCHANT_APPID_2],
            &[],
        );
        let sp = Merchant::of(
            &material.service_provider,
            &[ids::SP_APPID],
            &[ids::SUB_MCH_ID],
        );
        let sub = Merchant::of(&material.sub_merchant, &[ids::SUB_APPID], &[]);
        for m in [direct, sp, sub] {
            merchants.insert(m.mch_id.clone(), m);
        }
        let state = State::new(&options, &personas);
        Arc::new(World {
            material,
            merchants,
            initial: options,
            initial_personas: personas,
            state: Mutex::new(state),
            shutdown: watch::channel(false).0,
            cables: Mutex::new(Vec::new()),
        })
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn merchant(&self, mch_id: &str) -> Option<&Merchant> {
        self.merchants.get(mch_id)
    }

    /// Back to the state at start: sessions, grants, faults, clock, counters and personas.
    pub fn reset(&self) {
        *self.lock() = State::new(&self.initial, &self.initial_personas);
    }

    pub fn options(&self) -> Options {
        self.lock().options.clone()
    }

    /// The sandbox's clock, in Unix seconds (skewed when a clock fault is set).
    pub fn now(&self) -> i64 {
        unix_now().saturating_add(self.lock().clock_skew_secs)
    }

    pub fn now_system_time(&self) -> SystemTime {
        let skew = self.lock().clock_skew_secs;
        let now = SystemTime::now();
        let offset = Duration::from_secs(skew.unsigned_abs());
        let skewed = if skew >= 0 {
            now.checked_add(offset)
        } else {
            now.checked_sub(offset)
        };
        skewed.unwrap_or(now)
    }

    /// Clamped to ±[`MAX_CLOCK_SKEW_SECS`]: every response's `Date` is formatted from this
    /// clock, and a date before 1970 or after 9999 panics the formatter.
    pub fn set_clock_skew(&self, secs: i64) {
        self.lock().clock_skew_secs = secs.clamp(-MAX_CLOCK_SKEW_SECS, MAX_CLOCK_SKEW_SECS);
    }

    pub fn clock_skew(&self) -> i64 {
        self.lock().clock_skew_secs
    }

    pub fn add_fault(&self, rule: FaultRule) -> Result<(), String> {
        self.lock().faults.add(rule)
    }

    pub fn clear_faults(&self, target: Option<Target>) {
        self.lock().faults.clear(target);
    }

    pub fn faults(&self) -> Vec<FaultRule> {
        self.lock().faults.list()
    }

    /// Counts one request on `target` and returns the faults that apply to it.
    pub fn begin(&self, target: Target) -> Active {
        let mut st = self.lock();
        *st.counters.entry(target).or_default() += 1;
        st.faults.take(target)
    }

    pub fn counters(&self) -> BTreeMap<Target, u64> {
        self.lock().counters.clone()
    }

    pub fn personas(&self) -> Vec<Persona> {
        self.lock().personas.clone()
    }

    pub fn persona(&self, id: &str) -> Option<Persona> {
        self.lock().personas.iter().find(|p| p.id == id).cloned()
    }

    pub fn current_persona(&self) -> String {
        self.lock().current_persona.clone()
    }

    pub fn set_current_persona(&self, id: &str) -> Result<(), String> {
        let mut st = self.lock();
        if !st.personas.iter().any(|p| p.id == id) {
            return Err(format!("no persona {id}"));
        }
        st.current_persona = id.to_owned();
        Ok(())
    }

    /// Which key signs an api.mch response, given the client's `Wechatpay-Serial`.
    pub fn response_signer(&self, requested: Option<&str>) -> (String, PrivateKey) {
        let m = &self.material;
        let public = || (m.public_key_id.clone(), m.wechatpay_key.clone());
        let platform = || (m.platform_serial.clone(), m.platform_key.clone());
        match self.lock().options.key_mode {
            KeyMode::PublicKey => public(),
            KeyMode::PlatformCertificate => platform(),
            KeyMode::Both if requested == Some(m.platform_serial.as_str()) => platform(),
            KeyMode::Both => public(),
        }
    }

    /// Mints an authinfo for `scope`.
    pub fn grant(&self, scope: Scope, rawdata: &str, already_expired: bool) -> (String, u64) {
        use base64::Engine;
        let mut raw = [0u8; 96];
        rand::fill(&mut raw[..]);
        let token = base64::engine::general_purpose::STANDARD.encode(raw);
        let now = self.now();
        let mut st = self.lock();
        forget_long_expired(&mut st.grants, |g| g.expires_at, now);
        let expires_in = st.options.authinfo_expires_in;
        let expires_at = if already_expired {
            now.saturating_sub(1)
        } else {
            now.saturating_add(i64::try_from(expires_in).unwrap_or(i64::MAX))
        };
        st.grants.insert(
            token.clone(),
            Grant {
                scope,
                terminal: crate::rawdata::terminal_of_rawdata(rawdata),
                expires_at,
            },
        );
        (token, expires_in)
    }

    pub fn grant_of(&self, authinfo: &str) -> Option<Grant> {
        self.lock().grants.get(authinfo).cloned()
    }

    /// What each authinfo granted so far is bound to (which store, which device), oldest
    /// first: what a kiosk's requests said about itself.
    pub fn grant_scopes(&self) -> Vec<Scope> {
        let st = self.lock();
        let mut grants: Vec<&Grant> = st.grants.values().collect();
        grants.sort_by_key(|g| g.expires_at);
        grants.into_iter().map(|g| g.scope.clone()).collect()
    }

    /// Starts a face session for a persona.
    pub fn create_session(&self, req: SessionRequest) -> Result<NewSession, String> {
        let persona = self
            .persona(&req.persona)
            .ok_or_else(|| format!("no persona {}", req.persona))?;
        let mch_id = req.mch_id.unwrap_or_else(|| {
            if req.sub_mch_id.is_some() {
                ids::SP_MCH_ID.to_owned()
            } else {
                ids::MERCHANT_MCH_ID.to_owned()
            }
        });
        let merchant = self
            .merchant(&mch_id)
            .ok_or_else(|| format!("no merchant {mch_id}"))?;
        let appid = req
            .appid
            .unwrap_or_else(|| merchant.appids.first().cloned().unwrap_or_default());
        if !merchant.appids.contains(&appid) {
            return Err(format!("appid {appid} is not bound to merchant {mch_id}"));
        }
        if let Some(sub) = &req.sub_mch_id {
            if !merchant.sub_merchants.contains(sub) {
                return Err(format!("{sub} is not a sub-merchant of {mch_id}"));
            }
            if let Some(sub_appid) = &req.sub_appid
                && !self
                    .merchant(sub)
                    .is_some_and(|s| s.appids.contains(sub_appid))
            {
                return Err(format!("sub_appid {sub_appid} is not bound to {sub}"));
            }
        } else if req.sub_appid.is_some() {
            return Err("sub_appid needs sub_mch_id".into());
        }
        let now = self.now();
        let mut st = self.lock();
        let shape = match req.shape.unwrap_or(st.options.face_sid_shape) {
            SidShape::Alternate => {
                st.next_rt1 = !st.next_rt1;
                if st.next_rt1 {
                    SidShape::Uuid
                } else {
                    SidShape::UuidRt1
                }
            }
            s => s,
        };
        let face_sid = match shape {
            SidShape::UuidRt1 => format!("{}_rt1", uuid_v4()),
            _ => uuid_v4(),
        };
        forget_long_expired(&mut st.sessions, |s| s.expires_at, now);
        let ttl = req.ttl_secs.unwrap_or(st.options.face_sid_ttl_secs);
        let expires_at = now.saturating_add(i64::try_from(ttl).unwrap_or(i64::MAX));
        st.sessions.insert(
            face_sid.clone(),
            FaceSession {
                persona: persona.id.clone(),
                appid: appid.clone(),
                mch_id,
                sub_mch_id: req.sub_mch_id,
                sub_appid: req.sub_appid.clone(),
                authorized: req.authorized,
                expires_at,
            },
        );
        Ok(NewSession {
            face_sid,
            openid: persona.openid(&appid),
            sub_openid: req.sub_appid.as_deref().map(|a| persona.openid(a)),
            persona: persona.id.clone(),
            underage_state: persona.underage_state(),
            expires_at,
        })
    }

    pub fn session(&self, face_sid: &str) -> Option<FaceSession> {
        self.lock().sessions.get(face_sid).cloned()
    }

    /// The face_sid of every face session so far (tests look for them where they must not be).
    pub fn face_sids(&self) -> Vec<String> {
        self.lock().sessions.keys().cloned().collect()
    }

    /// What the patient's confirmation on WeChat's screen does.
    pub fn authorize(&self, face_sid: &str) -> Result<(), SessionError> {
        let now = self.now();
        let mut st = self.lock();
        let s = st.sessions.get_mut(face_sid).ok_or(SessionError::Unknown)?;
        if s.expires_at <= now {
            return Err(SessionError::Expired);
        }
        s.authorized = true;
        Ok(())
    }

    /// Ends a face session's validity now.
    pub fn expire_session(&self, face_sid: &str) -> Result<(), SessionError> {
        let now = self.now();
        let mut st = self.lock();
        let s = st.sessions.get_mut(face_sid).ok_or(SessionError::Unknown)?;
        s.expires_at = now;
        Ok(())
    }

    /// Ends every authinfo's validity now.
    pub fn expire_authinfos(&self) {
        let now = self.now();
        for g in self.lock().grants.values_mut() {
            g.expires_at = now;
        }
    }

    /// Resolves when the sandbox stops (for requests that hang).
    pub async fn stopped(&self) {
        let mut rx = self.shutdown.subscribe();
        let _ = rx.wait_for(|stopped| *stopped).await;
    }

    pub fn stop(&self) {
        self.shutdown.send_replace(true);
    }

    /// Registers a simulated terminal's cable, for the admin API's unplug and replug.
    pub fn add_cable(&self, cable: crate::cable::CableControl) {
        self.cables
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(cable);
    }

    /// The cables of the simulated terminals.
    pub fn cables(&self) -> Vec<crate::cable::CableControl> {
        self.cables
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionError {
    Unknown,
    Expired,
}

impl State {
    fn new(options: &Options, personas: &[Persona]) -> State {
        let mut faults = Faults::default();
        for rule in &options.faults {
            // Checked when the options were read.
            let _ = faults.add(rule.clone());
        }
        State {
            options: options.clone(),
            faults,
            clock_skew_secs: options.clock_skew_secs,
            personas: personas.to_vec(),
            sessions: HashMap::new(),
            grants: HashMap::new(),
            counters: BTreeMap::new(),
            next_rt1: false,
            current_persona: personas
                .iter()
                .find(|p| p.id == crate::personas::DEFAULT_PERSONA)
                .or(personas.first())
                .map(|p| p.id.clone())
                .unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn face_sessions_long_expired_are_forgotten_and_live_ones_kept() {
        let mut map: HashMap<String, i64> = HashMap::new();
        let now = 1_000_000;
        for i in 0..FORGET_FROM as i64 {
            // Half expired for over the horizon, half still live.
            let expires_at = if i % 2 == 0 {
                now - FORGET_AFTER_SECS - 1
            } else {
                now + 600
            };
            map.insert(i.to_string(), expires_at);
        }
        forget_long_expired(&mut map, |e| *e, now);
        assert_eq!(map.len(), FORGET_FROM / 2);
        assert!(map.values().all(|e| *e > now));
    }

    #[test]
    fn debug_of_the_world_shows_no_face_sid() {
        let dir = std::env::temp_dir().join(format!("fk-world-{}", std::process::id()));
        let material = Material::load_or_create(&dir.join("keys")).unwrap();
        let world = World::new(material, Options::default(), crate::personas::fixture());
        let s = world
            .create_session(SessionRequest {
                persona: "zhang-san".into(),
                ..SessionRequest::default()
            })
            .unwrap();
        let dump = format!("{world:?} {s:?}");
        assert!(
            !dump.contains(&s.face_sid) && !dump.contains(&s.openid),
            "{dump}"
        );
        assert!(dump.contains("sessions: 1"), "{dump}");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn uuids_have_the_v4_shape() {
        let u = uuid_v4();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"));
        assert_eq!(u.matches('-').count(), 4);
    }
}
