//! The sandbox's shared state and its HTTP routes.

use crate::config::SandboxConfig;
use crate::control::faults::Faults;
use crate::control::limiter::RateLimiter;
use crate::control::log::RequestLog;
use crate::control::trigger::Triggers;
use crate::control::wording::{self, Wording};
use crate::crm::Crm;
use crate::seed::Seed;
use crate::{api, control, gate};
use axum::{Router, middleware};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// Everything a running sandbox keeps.
#[derive(Debug)]
pub struct App {
    /// API keys and reference books as configured, which every reset starts from (the CRM
    /// holds the books as they are now).
    pub seed: Arc<Seed>,
    /// The rate limit configured at start, restored by a reset.
    rate_limit: u32,
    crm: Mutex<Crm>,
    /// Received API requests.
    pub log: RequestLog,
    /// Injected faults.
    pub faults: Faults,
    /// The per-key rate limit.
    pub limiter: RateLimiter,
    /// The order-status trigger.
    pub triggers: Triggers,
    /// How error texts are worded.
    pub wording: Wording,
}

impl App {
    /// A fresh sandbox state for `config`.
    pub fn new(config: &SandboxConfig) -> Arc<App> {
        let seed = Arc::new(config.seed.clone());
        Arc::new(App {
            crm: Mutex::new(Crm::new(seed.clone())),
            seed,
            rate_limit: config.rate_limit_per_second,
            log: RequestLog::default(),
            faults: Faults::default(),
            limiter: RateLimiter::new(config.rate_limit_per_second),
            triggers: Triggers::default(),
            wording: Wording::default(),
        })
    }

    /// The CRM, locked for one operation (never hold it across an `.await`).
    pub fn crm(&self) -> MutexGuard<'_, Crm> {
        locked(&self.crm)
    }

    /// Back to the state at start: seed only (entries put in its books are gone), empty log, no faults (blackholed requests are
    /// let go), the configured rate limit, no trigger, English error texts.
    pub fn reset(&self) {
        *self.crm() = Crm::new(self.seed.clone());
        self.log.clear();
        self.faults.clear();
        self.limiter.set(self.rate_limit);
        self.triggers.reset();
        self.wording.set(wording::Words::English);
    }
}

/// Locks `mutex`, carrying on past a panic of another holder (the state stays usable).
pub fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The sandbox's routes: the API behind the gate (its error texts in the wording in force),
/// and the control API beside it.
pub fn router(app: Arc<App>) -> Router {
    api::routes()
        .layer(middleware::from_fn_with_state(app.clone(), gate::gate))
        .layer(middleware::from_fn_with_state(app.clone(), wording::reword))
        .nest("/__control", control::routes())
        .with_state(app)
}
