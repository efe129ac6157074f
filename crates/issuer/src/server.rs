//! Start-up and shutdown of `issuer serve`: connect and migrate the database, seed tenants
//! (universities, status lists, demo tokens; idempotent, safe for replicas starting together), load
//! the signing keys, bind, serve, and on SIGTERM/SIGINT stop accepting connections and let in-flight
//! requests (batches included) finish, up to `limits.shutdown_grace_secs`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use verifier::{Clock, SystemClock};

use crate::app::App;
use crate::config::Config;
use crate::domain::{hash_token, Role, StatusPurpose};
use crate::http::{self, AppState};
use crate::securing::{KeyStoreSecurer, Securer};
use crate::store::Store;
use crate::tenants;

/// Why the service could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// Configuration problem.
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    /// Tenant files.
    #[error(transparent)]
    Tenants(#[from] tenants::TenantError),
    /// Database.
    #[error("database: {0}")]
    Store(#[from] crate::store::StoreError),
    /// Keys.
    #[error("keys: {0}")]
    Keys(#[from] crate::securing::SecureError),
    /// Binding the socket or serving failed.
    #[error(transparent)]
    Listen(#[from] service_kit::lifecycle::ListenError),
    /// The notification worker could not be set up (issue #18).
    #[error("notification e-mail: {0}")]
    Notify(#[from] crate::notify::NotifyError),
}

/// Optional replacements for the production dependencies (tests fix the clock).
#[derive(Clone, Default)]
pub struct Overrides {
    /// Clock (default: system clock).
    pub clock: Option<Arc<dyn Clock>>,
    /// Securer (default: keys of `keys_dir`).
    pub securer: Option<Arc<dyn Securer>>,
}

/// A started server.
pub struct RunningServer {
    /// The bound address (port 0 resolved).
    pub addr: SocketAddr,
    /// The service, for direct inspection in tests.
    pub app: App,
    running: service_kit::Running,
}

impl RunningServer {
    /// `http://<addr>`.
    pub fn url(&self) -> String {
        self.running.url()
    }

    /// Triggers graceful shutdown and waits for it.
    pub async fn shutdown(self) -> Result<(), ServeError> {
        Ok(self.running.shutdown().await?)
    }
}

/// Initialises structured logging (JSON lines by default); a no-op if already initialised.
pub use service_kit::init_logging;

/// Builds the service from `config`: database, tenants, keys.
pub async fn build_app(config: &Config, overrides: &Overrides) -> Result<App, ServeError> {
    config.check()?;
    let clock: Arc<dyn Clock> = overrides
        .clock
        .clone()
        .unwrap_or_else(|| Arc::new(SystemClock));
    let universities = tenants::load_universities(&config.universities_file, config.base_url())?;
    let store = Store::connect(&config.database_url, config.database_max_connections).await?;
    let now = clock.now();
    for u in &universities {
        let profile = serde_json::to_string(u).unwrap_or_default();
        store
            .upsert_university(&u.id, &u.did, &u.legal_identifier, &profile, now)
            .await?;
        for p in StatusPurpose::ALL {
            store.ensure_status_list(&u.id, p, now).await?;
        }
    }
    let seeds = [
        (
            &config.tokens_file,
            Role::join(&[Role::Issue, Role::Revoke]),
            "seeded from tokens file",
        ),
        (
            &config.admin_tokens_file,
            Role::join(&[Role::Admin]),
            "seeded from admin tokens file",
        ),
    ];
    for (file, roles, label) in seeds {
        let Some(path) = file else { continue };
        let tokens = tenants::load_tokens(path)?;
        for (uni, token) in &tokens {
            if universities.iter().any(|u| &u.id == uni) {
                store
                    .insert_token_if_absent(&hash_token(token), uni, &roles, label, now)
                    .await?;
            } else {
                tracing::warn!(university = %uni, "tokens file names an unknown university; token ignored");
            }
        }
    }
    let securer = match &overrides.securer {
        Some(s) => s.clone(),
        None => {
            let keys = KeyStoreSecurer::load(&config.keys_dir, config.base_url())?;
            let with_keys = keys.universities();
            let file_keys = keys.universities_with_file_keys();
            if !file_keys.is_empty() && !crate::securing::is_demo_base_url(config.base_url()) {
                tracing::warn!(
                    universities = ?file_keys,
                    public_base_url = %config.base_url(),
                    keys_dir = %config.keys_dir.display(),
                    "signing keys are plain files on a non-demo deployment (public base URL not localhost/loopback): keep university keys in an HSM (backend = \"pkcs11\" in keys.toml, docs/CONFIG.md)"
                );
            }
            for u in &universities {
                if !with_keys.contains(&u.id) {
                    tracing::warn!(university = %u.id, keys_dir = %config.keys_dir.display(), "no keys.toml for this university; issuing for it will fail");
                }
            }
            Arc::new(keys)
        }
    };
    let app = App::new(
        store,
        securer,
        clock,
        config.base_url(),
        elm_model::Universities::new(universities),
    )
    .with_verifier_url(&config.verifier_url)
    .with_render_display_images(config.render_display_images)
    .with_oid4vci(config.oid4vci.clone())
    .with_sso(
        crate::app::sso::Sso::new(config.sso.clone())
            .map_err(|e| crate::config::ConfigError::invalid("sso", e.to_string()))?,
    )
    .with_render_pool(crate::render_pool::RenderPool::new(
        config.render.settings(),
    ))
    .with_staff(config.staff.clone());
    seed_demo_staff(&app, config).await?;
    Ok(app)
}

/// Seeds the demo staff accounts of `staff_file` (issue #18) on a demo set-up only (public base
/// URL on localhost or loopback): the file's passwords are public. A missing file is a warning.
async fn seed_demo_staff(app: &App, config: &Config) -> Result<(), ServeError> {
    let Some(path) = config
        .staff_file
        .as_ref()
        .filter(|p| !p.as_os_str().is_empty())
    else {
        return Ok(());
    };
    if !crate::securing::is_demo_base_url(config.base_url()) {
        tracing::info!(staff_file = %path.display(), "demo staff accounts not seeded: the public base URL is not a demo (localhost) set-up");
        return Ok(());
    }
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            tracing::warn!(staff_file = %path.display(), error = %e, "demo staff file not read; no demo staff accounts");
            return Ok(());
        }
    };
    let parse = |reason| tenants::TenantError::Parse {
        path: path.display().to_string(),
        reason,
    };
    let accounts = crate::app::staff::parse_staff_file(&text).map_err(parse)?;
    let created = app
        .seed_staff_accounts(&accounts)
        .await
        .map_err(|e| parse(e.to_string()))?;
    tracing::info!(created, "demo staff accounts seeded");
    Ok(())
}

/// Starts the server in the background and returns once it listens.
pub async fn start(config: Config, overrides: Overrides) -> Result<RunningServer, ServeError> {
    let app = build_app(&config, &overrides).await?;
    let (listener, addr) = service_kit::lifecycle::bind(config.bind).await?;
    let router = http::router(AppState::new(app.clone(), config.limits.clone()));
    let options = service_kit::ServeOptions {
        header_read_timeout: Some(Duration::from_secs(config.limits.header_read_timeout_secs)),
    };
    let stop = service_kit::StopOptions {
        grace: Duration::from_secs(config.limits.shutdown_grace_secs),
    };
    let store = app.store().clone();
    let render_pool = app.render_pool().clone();
    // Learner notification e-mail (issue #18): the outbox worker, stopped first at shutdown and
    // waited for (the messages it is sending) before the database closes.
    let worker = match config.notify.enabled {
        true => Some(crate::notify::spawn(app.clone(), &config.notify)?),
        false => None,
    };
    let stopper = worker.as_ref().map(crate::notify::WorkerHandle::stopper);
    // On shutdown, downloads being rendered stop (their clients get 503); issuance goes on.
    let running = service_kit::lifecycle::start(
        listener,
        router,
        options,
        stop,
        move || {
            render_pool.shutdown();
            stopper.iter().for_each(crate::notify::Stopper::stop);
        },
        async move {
            if let Some(w) = worker {
                w.shutdown().await;
            }
            store.close().await
        },
    )?;
    tracing::info!(%addr, "issuer service listening");
    Ok(RunningServer { addr, app, running })
}

/// `issuer serve`: starts the service and runs it until SIGTERM or SIGINT, then shuts down
/// gracefully (in-flight requests and batches finish).
pub async fn serve(config: Config) -> Result<(), ServeError> {
    init_logging(config.log_format);
    let console = format!("{}/console/sign-in", config.base_url());
    let server = start(config, Overrides::default()).await?;
    tracing::info!(url = %console, "staff console: sign in at {console}");
    service_kit::lifecycle::shutdown_signal().await;
    tracing::info!("shutdown signal received; finishing in-flight requests");
    server.shutdown().await
}
