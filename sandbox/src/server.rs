//! The HTTP side: one listener serving both hosts (payapp and api.mch) and the admin API, with
//! connections that a fault can reset ([`crate::front`]), a `Date` header from the sandbox's
//! clock on every response, and a log line per request naming the route template, never its
//! values.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::cable::Cable;
use anyhow::{Context as _, Result};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Extension, Router};
use facekiosk_wxpay::authinfo;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use facekiosk_bridge::protocol::DeviceInfo;
use facekiosk_bridge::{Bridge, ServerConfig};

use crate::face_app::{FaceAppOptions, SimFaceSdk, Terminals};
use crate::faults::Target;
use crate::front::{ConnHandle, ResetListener};
use crate::hospital::{self, Hospital};
use crate::material::Material;
use crate::options::Options;
use crate::world::{NewSession, SessionRequest, World, random_hex};
use crate::{admin, apimch, kiosk, payapp, personas};

/// Sets `Date` from the sandbox's clock and `Request-ID` on api.mch answers, and logs the
/// method, route template, status and time taken: never a face_sid, openid or any value.
async fn observe(State(world): State<Arc<World>>, request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_else(|| "(no route)".to_owned());
    let started = Instant::now();
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if let Ok(date) = HeaderValue::from_str(&httpdate::fmt_http_date(world.now_system_time())) {
        headers.insert(header::DATE, date);
    }
    if route.starts_with("/v3/")
        && !headers.contains_key("Request-ID")
        && let Ok(id) = HeaderValue::from_str(&random_hex(20))
    {
        headers.insert("Request-ID", id);
    }
    tracing::info!(
        method = %method,
        route = %route,
        status = response.status().as_u16(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "request"
    );
    response
}

/// The sandbox's routes over `world`; the admin API's face-app controls act on `terminals`;
/// the hospital's interfaces serve `hospital`.
pub fn router(world: Arc<World>, terminals: Terminals, hospital: Arc<Hospital>) -> Router {
    Router::new()
        .route(authinfo::PATH, post(payapp::authinfo))
        .route("/v3/facemch/users/{face_sid}", get(apimch::facemch))
        .route("/v3/certificates", get(apimch::certificates))
        .merge(admin::routes())
        .merge(hospital::routes(hospital))
        .layer(Extension(terminals))
        .layer(middleware::from_fn_with_state(world.clone(), observe))
        .with_state(world)
}

/// The kiosk configuration the sandbox writes into its data dir (for the demo's kiosk).
pub const KIOSK_CONFIG: &str = "kiosk.toml";

/// How to start a sandbox.
#[derive(Debug, Clone)]
pub struct StartOptions {
    /// Where to listen (default `127.0.0.1:0`: any free port).
    pub listen: SocketAddr,
    /// Where the personas and the kiosk configurations are written.
    pub data_dir: PathBuf,
    /// Where the key material is made or reused (default `DATA_DIR/keys`). Tests share one
    /// directory across runs, as key generation takes a while.
    pub keys_dir: Option<PathBuf>,
    /// The sandbox's options; `None` reads `DATA_DIR/sandbox.toml` if present.
    pub options: Option<Options>,
}

impl StartOptions {
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        StartOptions {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir: data_dir.into(),
            keys_dir: None,
            options: None,
        }
    }

    pub fn keys_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.keys_dir = Some(dir.into());
        self
    }

    pub fn options(mut self, options: Options) -> Self {
        self.options = Some(options);
        self
    }

    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }
}

/// Where everything a client needs is.
#[derive(Debug, Clone)]
pub struct Paths {
    pub data_dir: PathBuf,
    pub keys_dir: PathBuf,
    /// A kiosk configuration for the direct merchant.
    pub kiosk_config: PathBuf,
    /// A kiosk configuration in service-provider mode.
    pub kiosk_config_sp: PathBuf,
    pub personas: PathBuf,
    pub sandbox_config: PathBuf,
}

/// The sandbox: `Sandbox::start` runs it on the current tokio runtime.
#[derive(Debug)]
pub struct Sandbox;

/// A running sandbox; stops when dropped.
#[derive(Debug)]
pub struct SandboxHandle {
    pub addr: SocketAddr,
    /// `http://127.0.0.1:PORT`, the base of both hosts and of the admin API.
    pub base_url: String,
    pub paths: Paths,
    world: Arc<World>,
    terminals: Terminals,
    hospital: Arc<Hospital>,
    task: JoinHandle<()>,
}

impl Sandbox {
    pub async fn start(options: StartOptions) -> Result<SandboxHandle> {
        // Absolute, so the kiosk configs written here name their key files from anywhere.
        let data_dir = std::path::absolute(&options.data_dir)
            .with_context(|| format!("{}", options.data_dir.display()))?;
        std::fs::create_dir_all(&data_dir)
            .with_context(|| format!("cannot create {}", data_dir.display()))?;
        let keys_dir = match &options.keys_dir {
            Some(dir) => std::path::absolute(dir).with_context(|| format!("{}", dir.display()))?,
            None => data_dir.join("keys"),
        };
        let sandbox_config = data_dir.join("sandbox.toml");
        let opts = match options.options {
            Some(o) => {
                o.check()?;
                o
            }
            None if sandbox_config.exists() => Options::load(&sandbox_config)?,
            None => Options::default(),
        };
        let material = {
            let dir = keys_dir.clone();
            tokio::task::spawn_blocking(move || Material::load_or_create(&dir)).await??
        };
        let personas_path = data_dir.join("personas.json");
        let personas = personas::load_or_create(&personas_path)?;
        let listener = TcpListener::bind(options.listen)
            .await
            .with_context(|| format!("cannot listen on {}", options.listen))?;
        let addr = listener.local_addr()?;
        let base_url = format!("http://{addr}");
        let paths = Paths {
            kiosk_config: data_dir.join(KIOSK_CONFIG),
            kiosk_config_sp: data_dir.join("kiosk-sp.toml"),
            personas: personas_path,
            sandbox_config,
            data_dir,
            keys_dir,
        };
        // The kiosk.toml names the pairing key file: make it before the file is checked.
        material.pairing_key()?;
        kiosk::write(&paths.kiosk_config, &material, &opts, &base_url, false)?;
        kiosk::write(&paths.kiosk_config_sp, &material, &opts, &base_url, true)?;
        let world = World::new(material, opts, personas);
        let terminals = Terminals::default();
        let hospital = Hospital::new();
        let app = router(world.clone(), terminals.clone(), hospital.clone())
            .into_make_service_with_connect_info::<ConnHandle>();
        let stopping = world.clone();
        let task = tokio::spawn(async move {
            let serve = axum::serve(ResetListener::new(listener), app)
                .with_graceful_shutdown(async move { stopping.stopped().await });
            if let Err(e) = serve.await {
                tracing::error!(error = %e, "the sandbox server stopped");
            }
        });
        Ok(SandboxHandle {
            addr,
            base_url,
            paths,
            world,
            terminals,
            hospital,
            task,
        })
    }
}

impl SandboxHandle {
    /// The world behind the server, for in-process control.
    pub fn world(&self) -> &Arc<World> {
        &self.world
    }

    pub fn material(&self) -> &Material {
        &self.world.material
    }

    /// The hospital's side (its patients, faults and what it received), for in-process
    /// control.
    pub fn hospital(&self) -> &Arc<Hospital> {
        &self.hospital
    }

    /// Starts a face session for `persona` on the direct merchant's appid, not yet authorized.
    pub fn create_session(&self, persona: &str) -> Result<NewSession, String> {
        self.world.create_session(SessionRequest {
            persona: persona.to_owned(),
            ..SessionRequest::default()
        })
    }

    /// Starts a face session and authorizes it, as a patient who confirmed on WeChat's screen.
    pub fn authorized_session(&self, persona: &str) -> Result<NewSession, String> {
        self.world.create_session(SessionRequest {
            persona: persona.to_owned(),
            authorized: true,
            ..SessionRequest::default()
        })
    }

    pub fn authorize(&self, face_sid: &str) -> bool {
        self.world.authorize(face_sid).is_ok()
    }

    pub fn set_fault(&self, rule: crate::faults::FaultRule) -> Result<(), String> {
        self.world.add_fault(rule)
    }

    pub fn clear_faults(&self) {
        self.world.clear_faults(None);
    }

    pub fn set_clock_skew(&self, secs: i64) {
        self.world.set_clock_skew(secs);
    }

    pub fn reset(&self) {
        self.world.reset();
        self.hospital.reset();
    }

    /// How many requests each target has seen.
    pub fn hits(&self, target: Target) -> u64 {
        self.world.counters().get(&target).copied().unwrap_or(0)
    }

    /// Stops the server (also done on drop).
    pub async fn stop(mut self) {
        self.world.stop();
        let _ = tokio::time::timeout(Duration::from_secs(2), &mut self.task).await;
    }

    pub fn kiosk_config(&self) -> &Path {
        &self.paths.kiosk_config
    }

    /// A simulated face terminal on this world (the AAR and the face app), not yet served.
    pub fn face_app(&self, options: FaceAppOptions) -> SimFaceSdk {
        SimFaceSdk::new(self.world.clone(), options)
    }

    /// A simulated face terminal behind the real bridge server, listening on loopback: what
    /// the kiosk's demo mode and the tests connect to (`TerminalTarget::Direct(addr)`).
    pub async fn start_terminal(&self, options: FaceAppOptions) -> Result<SimTerminal> {
        self.start_terminal_on(options, SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
    }

    /// [`SandboxHandle::start_terminal`] on a given address.
    pub async fn start_terminal_on(
        &self,
        options: FaceAppOptions,
        listen: SocketAddr,
    ) -> Result<SimTerminal> {
        let sdk = self.face_app(options);
        self.terminals.add(sdk.clone());
        let device = DeviceInfo {
            serial: sdk.serial().to_owned(),
            model: "facekiosk sandbox terminal".into(),
            sdk_int: 0,
        };
        let key = self.world.material.pairing_key()?;
        let pairing = facekiosk_terminal::Pairing::new(
            key.clone(),
            self.world.material.pairing_key_path().display().to_string(),
        );
        let bridge = Bridge::new(Arc::new(sdk.clone()), ServerConfig::new(device, key))?;
        // The bridge listens behind the terminal's cable, which the kiosk connects to.
        let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        let cable = Cable::start(listen, listener.local_addr()?).await?;
        self.world.add_cable(cable.control());
        let addr = cable.addr;
        let server = bridge.clone();
        let task = tokio::spawn(async move {
            if let Err(e) = server.serve_tcp(listener).await {
                tracing::error!(error = %e, "the simulated terminal's bridge stopped");
            }
        });
        Ok(SimTerminal {
            sdk,
            bridge,
            pairing,
            addr,
            cable,
            task,
        })
    }
}

/// A simulated face terminal served by the bridge server; stops when dropped.
#[derive(Debug)]
pub struct SimTerminal {
    pub sdk: SimFaceSdk,
    pub bridge: Bridge,
    /// The key its bridge is paired with, for the kiosk side.
    pub pairing: facekiosk_terminal::Pairing,
    /// Where the kiosk connects (the cable in front of the bridge).
    pub addr: SocketAddr,
    /// Unplug and replug it.
    pub cable: Cable,
    task: JoinHandle<()>,
}

impl Drop for SimTerminal {
    fn drop(&mut self) {
        self.bridge.shutdown();
        self.task.abort();
    }
}

impl Drop for SandboxHandle {
    fn drop(&mut self) {
        self.world.stop();
        self.task.abort();
    }
}
