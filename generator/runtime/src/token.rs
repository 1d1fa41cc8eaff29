//! Token lifecycle shared by every generated provider: cached tokens, renewal a margin before expiry,
//! single flight (waiters share the outcome, failures included), a brief backoff after a failure,
//! refresh tokens, one re-authentication on a 401, a pluggable store and clock, and the state and
//! PKCE bookkeeping of the authorization-code flow.
//!
//! Each provider module implements [`TokenIssuer`] for its token operation. A generated crate's own
//! `token` module re-exports this one and wraps [`TokenSource`] in a type of its own, so that provider
//! modules can add their setup functions (`TokenSource::for_client`) to it.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use super::Secret;

#[cfg(feature = "token_authorization")]
mod authorization;
#[cfg(feature = "token_authorization")]
pub use authorization::*;

/// How long before expiry a token is renewed by default (Mobile Calendar's guide recommends 5
/// minutes). For a token that lives less than twice as long, the margin is half its lifetime.
pub const DEFAULT_RENEW_MARGIN: Duration = Duration::from_secs(300);
/// After a failed token request, callers get that failure without a new request for this long; it
/// doubles with each failure in a row, up to [`MAX_FAILURE_BACKOFF`].
pub const DEFAULT_FAILURE_BACKOFF: Duration = Duration::from_secs(1);
/// The longest wait after failed token requests before the next one.
pub const MAX_FAILURE_BACKOFF: Duration = Duration::from_secs(30);

/// The time source; inject a [`ManualClock`] in tests.
pub trait Clock: Send + Sync + 'static {
    /// The current wall-clock time.
    fn now(&self) -> SystemTime;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A clock that moves only when told to, for tests.
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<Mutex<SystemTime>>);

impl ManualClock {
    /// A clock standing at `start`.
    pub fn new(start: SystemTime) -> Self {
        ManualClock(Arc::new(Mutex::new(start)))
    }

    /// Moves the clock forward (a step past what `SystemTime` can hold leaves it where it is).
    pub fn advance(&self, by: Duration) {
        let mut now = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *now = now.checked_add(by).unwrap_or(*now);
    }

    /// Sets the clock.
    pub fn set(&self, to: SystemTime) {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = to;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> SystemTime {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// How long an issued token lives, as the token endpoint said it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifetime {
    /// `expires_in` seconds from when the response arrived.
    ExpiresIn(Duration),
    /// An absolute expiry (`expiresAt`).
    ExpiresAt(SystemTime),
    /// The endpoint did not say; the token is used until a 401.
    Unknown,
}

/// What a token endpoint returned, before the source makes the expiry absolute.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    /// The access token.
    pub access_token: Secret,
    /// Its lifetime.
    pub lifetime: Lifetime,
    /// A refresh token, when the provider issues one.
    pub refresh_token: Option<Secret>,
    /// When the refresh token expires, when the provider says.
    pub refresh_token_expires_at: Option<SystemTime>,
}

/// A cached token with an absolute expiry: what a [`TokenStore`] keeps.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StoredToken {
    /// The access token.
    pub access_token: Secret,
    /// When it expires (`None`: unknown, used until a 401).
    pub expires_at: Option<SystemTime>,
    /// When it was issued, so that the renewal margin can adapt to short lifetimes (`None`: unknown,
    /// the full margin applies).
    #[serde(default)]
    pub issued_at: Option<SystemTime>,
    /// The refresh token, if any.
    pub refresh_token: Option<Secret>,
    /// When the refresh token expires, if known.
    pub refresh_token_expires_at: Option<SystemTime>,
}

/// Where a [`TokenSource`] keeps its token; implement it to persist tokens across restarts.
pub trait TokenStore: Send + Sync + 'static {
    /// The stored token, if any.
    fn load(&self) -> Option<StoredToken>;
    /// Replaces the stored token (`None` clears it).
    fn save(&self, token: Option<&StoredToken>);
}

/// The default store: memory only.
#[derive(Debug, Default)]
pub struct MemoryTokenStore(Mutex<Option<StoredToken>>);

impl TokenStore for MemoryTokenStore {
    fn load(&self) -> Option<StoredToken> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    fn save(&self, token: Option<&StoredToken>) {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = token.cloned();
    }
}

/// How a token source sends requests of the caller's own ([`TokenSource::send`]): the HTTP client,
/// retry policy and limits of the provider's generated client, so they go the one request path.
#[derive(Debug, Clone, Copy)]
pub struct CallSettings<'a> {
    /// The provider module, for tracing.
    pub provider: &'static str,
    /// The HTTP client (no redirects, timeouts set).
    pub http: &'a reqwest::Client,
    /// The retry policy.
    pub retry: &'a super::RetryPolicy,
    /// The total deadline and response size limit.
    pub limits: &'a super::CallLimits,
}

/// Gets tokens from a provider's token endpoint. Generated per provider.
pub trait TokenIssuer: Send + Sync + 'static {
    /// Why a token could not be had. `Clone`, because every caller that waited for one token
    /// request gets its outcome, failures included.
    type Error: std::error::Error + Clone + Send + Sync + 'static;

    /// Issues a new token with the configured credentials.
    fn issue(&self) -> impl Future<Output = Result<IssuedToken, Self::Error>> + Send;

    /// Exchanges a refresh token; `Ok(None)` when the provider's spec offers no refresh operation.
    fn refresh(
        &self,
        refresh_token: &Secret,
    ) -> impl Future<Output = Result<Option<IssuedToken>, Self::Error>> + Send {
        let _ = refresh_token;
        async { Ok(None) }
    }

    /// The HTTP client, retry policy and limits [`TokenSource::send`] uses.
    fn call_settings(&self) -> CallSettings<'_>;

    /// Told the source's clock when the source is built, for anything the issuer times itself (the
    /// age of a pending authorization).
    fn use_clock(&self, clock: &Arc<dyn Clock>) {
        let _ = clock;
    }
}

/// The outcome of the last token request, for the callers that waited for it.
struct Flight<E> {
    /// How many token requests have completed; a caller that saw another count before it waited
    /// takes the outcome of the request it waited for instead of sending one of its own.
    completed: u64,
    last_outcome: Option<Result<Secret, E>>,
    /// The last failure and when the next request may go out.
    failure: Option<FailureBackoff>,
}

struct FailureBackoff {
    /// When the request failed: a clock that now reads earlier was stepped back, and the backoff is over.
    failed_at: SystemTime,
    retry_at: SystemTime,
    in_a_row: u32,
    /// [`Shared::tokens_set`] when the request failed: a token set since then ends the backoff.
    tokens_set: u64,
}

struct Shared<I: TokenIssuer> {
    issuer: I,
    clock: Arc<dyn Clock>,
    store: Arc<dyn TokenStore>,
    renew_margin: Duration,
    failure_backoff: Duration,
    /// The count in `Flight::completed`, readable without waiting for the lock.
    completed: AtomicU64,
    /// How many tokens [`TokenSource::set_token`] has stored: a failure before the last one is stale.
    tokens_set: AtomicU64,
    /// Held while a token request is in flight, so concurrent callers share it.
    flight: tokio::sync::Mutex<Flight<I::Error>>,
}

/// Caches a provider's token and renews it; cheap to clone and share between tasks.
///
/// - the token is renewed `renew_margin` before it expires, not earlier;
/// - any number of concurrent callers share one in-flight token request (single flight);
/// - the refresh token is used where the provider offers a refresh operation, else the credentials;
/// - [`TokenSource::call`] and [`TokenSource::send`] re-authenticate once on a 401, never in a loop.
pub struct TokenSource<I: TokenIssuer> {
    shared: Arc<Shared<I>>,
}

impl<I: TokenIssuer> Clone for TokenSource<I> {
    fn clone(&self) -> Self {
        TokenSource {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<I: TokenIssuer> std::fmt::Debug for TokenSource<I> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("TokenSource")
            .field("renew_margin", &self.shared.renew_margin)
            .field("has_token", &self.shared.store.load().is_some())
            .finish()
    }
}

/// Builds a [`TokenSource`] with a non-default clock, store or renewal margin.
///
/// `S` is what [`TokenSourceBuilder::build`] returns: this [`TokenSource`], or a generated crate's
/// own wrapper of it.
pub struct TokenSourceBuilder<I, S = TokenSource<I>> {
    issuer: I,
    clock: Arc<dyn Clock>,
    store: Arc<dyn TokenStore>,
    renew_margin: Duration,
    failure_backoff: Duration,
    built: std::marker::PhantomData<fn() -> S>,
}

impl<I: TokenIssuer, S: From<TokenSource<I>>> TokenSourceBuilder<I, S> {
    /// A builder with the system clock, a memory store and the default renewal margin and backoff.
    pub fn new(issuer: I) -> Self {
        TokenSourceBuilder {
            issuer,
            clock: Arc::new(SystemClock),
            store: Arc::new(MemoryTokenStore::default()),
            renew_margin: DEFAULT_RENEW_MARGIN,
            failure_backoff: DEFAULT_FAILURE_BACKOFF,
            built: std::marker::PhantomData,
        }
    }

    /// Uses `clock` instead of the system clock.
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Keeps tokens in `store` (for example, to persist them across restarts).
    pub fn store(mut self, store: Arc<dyn TokenStore>) -> Self {
        self.store = store;
        self
    }

    /// Renews tokens this long before they expire (at most half of a token's lifetime).
    pub fn renew_margin(mut self, margin: Duration) -> Self {
        self.renew_margin = margin;
        self
    }

    /// Waits this long after a failed token request before the next (doubling with each failure in
    /// a row, up to [`MAX_FAILURE_BACKOFF`]); meanwhile callers get the failure. Zero disables it.
    pub fn failure_backoff(mut self, backoff: Duration) -> Self {
        self.failure_backoff = backoff;
        self
    }

    /// The token source.
    pub fn build(self) -> S {
        self.issuer.use_clock(&self.clock);
        S::from(TokenSource {
            shared: Arc::new(Shared {
                issuer: self.issuer,
                clock: self.clock,
                store: self.store,
                renew_margin: self.renew_margin,
                failure_backoff: self.failure_backoff,
                completed: AtomicU64::new(0),
                tokens_set: AtomicU64::new(0),
                flight: tokio::sync::Mutex::new(Flight {
                    completed: 0,
                    last_outcome: None,
                    failure: None,
                }),
            }),
        })
    }
}

/// A call made with a token from a [`TokenSource`] failed.
#[derive(Debug, thiserror::Error)]
pub enum CallError<T, E> {
    /// No token could be had.
    #[error("no access token: {0}")]
    Token(#[source] T),
    /// The call itself failed (after at most one re-authentication on a 401).
    #[error(transparent)]
    Call(E),
}

/// Whether a call's error is an HTTP 401, which makes a [`TokenSource`] re-authenticate once.
pub trait IsUnauthorized {
    /// True for a 401.
    fn is_unauthorized(&self) -> bool;
}

impl<E> IsUnauthorized for super::Error<E> {
    fn is_unauthorized(&self) -> bool {
        self.status() == Some(reqwest::StatusCode::UNAUTHORIZED)
    }
}

impl<I: TokenIssuer> TokenSource<I> {
    /// A source with the system clock, a memory store and the default renewal margin.
    pub fn new(issuer: I) -> Self {
        Self::builder(issuer).build()
    }

    /// A builder, to set the clock, the store or the renewal margin.
    pub fn builder(issuer: I) -> TokenSourceBuilder<I> {
        TokenSourceBuilder::new(issuer)
    }

    /// The issuer (for provider-specific operations such as an authorization-code exchange).
    pub fn issuer(&self) -> &I {
        &self.shared.issuer
    }

    /// The cached token, when it is not within the renewal margin of its expiry.
    fn fresh_cached(&self) -> Option<Secret> {
        let stored = self.shared.store.load()?;
        match renew_at(&stored, self.shared.renew_margin) {
            None => Some(stored.access_token),
            Some(renew_at) => (self.shared.clock.now() < renew_at).then_some(stored.access_token),
        }
    }

    /// Turns what the endpoint said into an absolute expiry, measured when the response arrived.
    fn to_stored(
        &self,
        issued: IssuedToken,
        previous_refresh: Option<(Secret, Option<SystemTime>)>,
    ) -> StoredToken {
        let now = self.shared.clock.now();
        let expires_at = match issued.lifetime {
            // A lifetime past what `SystemTime` can hold is as good as no expiry: used until a 401.
            Lifetime::ExpiresIn(lifetime) => now.checked_add(lifetime),
            Lifetime::ExpiresAt(at) => Some(at),
            Lifetime::Unknown => None,
        };
        let (refresh_token, refresh_token_expires_at) = match issued.refresh_token {
            Some(token) => (Some(token), issued.refresh_token_expires_at),
            // A refresh response without a new refresh token keeps the old one.
            None => {
                previous_refresh.map_or((None, None), |(token, expires)| (Some(token), expires))
            }
        };
        StoredToken {
            access_token: issued.access_token,
            expires_at,
            issued_at: Some(now),
            refresh_token,
            refresh_token_expires_at,
        }
    }

    /// A valid access token: the cached one, or a new one (one request, whatever the number of callers).
    ///
    /// Every caller that waited while a token request was in flight gets that request's outcome,
    /// failure included, even a token that is already due for renewal (a lifetime of 0): one
    /// request per renewal, never one per caller. After a failure, callers get it again without a
    /// request until the backoff has passed.
    pub async fn token(&self) -> Result<Secret, I::Error> {
        // Read before looking at the cache: a request that completes after this point is one we waited for.
        let seen = self.shared.completed.load(Ordering::Acquire);
        if let Some(token) = self.fresh_cached() {
            return Ok(token);
        }
        let mut flight = self.shared.flight.lock().await;
        if flight.completed != seen {
            if let Some(outcome) = &flight.last_outcome {
                return outcome.clone();
            }
        }
        // A token may have been stored meanwhile (`set_token`, another process through the store).
        if let Some(token) = self.fresh_cached() {
            return Ok(token);
        }
        if let (Some(failure), Some(Err(error))) = (&flight.failure, &flight.last_outcome) {
            let now = self.shared.clock.now();
            let no_token_since =
                failure.tokens_set == self.shared.tokens_set.load(Ordering::Acquire);
            if no_token_since && failure.failed_at <= now && now < failure.retry_at {
                return Err(error.clone());
            }
        }
        let tokens_set = self.shared.tokens_set.load(Ordering::Acquire);
        let outcome = self.request_token().await;
        flight.completed = flight.completed.wrapping_add(1);
        self.shared
            .completed
            .store(flight.completed, Ordering::Release);
        flight.failure = match &outcome {
            Ok(_) => None,
            Err(_) => {
                // A token set in between breaks the run of failures.
                let in_a_row = flight
                    .failure
                    .as_ref()
                    .filter(|failure| failure.tokens_set == tokens_set)
                    .map_or(1, |failure| failure.in_a_row.saturating_add(1));
                let backoff = self
                    .shared
                    .failure_backoff
                    .saturating_mul(1 << (in_a_row - 1).min(16))
                    .min(MAX_FAILURE_BACKOFF);
                let now = self.shared.clock.now();
                Some(FailureBackoff {
                    failed_at: now,
                    retry_at: now.checked_add(backoff).unwrap_or(now),
                    in_a_row,
                    tokens_set,
                })
            }
        };
        flight.last_outcome = Some(outcome.clone());
        outcome
    }

    /// One token request: the refresh token where there is one, else the credentials.
    async fn request_token(&self) -> Result<Secret, I::Error> {
        let now = self.shared.clock.now();
        let usable_refresh = self.shared.store.load().and_then(|stored| {
            let refresh = stored.refresh_token?;
            let still_valid = stored
                .refresh_token_expires_at
                .is_none_or(|expires| now < expires);
            still_valid.then_some((refresh, stored.refresh_token_expires_at))
        });
        let mut refreshed = None;
        if let Some((refresh_token, _)) = &usable_refresh {
            refreshed = self.shared.issuer.refresh(refresh_token).await?;
        }
        let (issued, previous_refresh) = match refreshed {
            Some(issued) => (issued, usable_refresh),
            None => (self.shared.issuer.issue().await?, None),
        };
        let stored = self.to_stored(issued, previous_refresh);
        self.shared.store.save(Some(&stored));
        Ok(stored.access_token)
    }

    /// Stores a token obtained elsewhere (for example, from an authorization-code exchange).
    /// It ends any failure backoff: an authorization-code source must not hand out again the
    /// `AuthorizationRequired` URL whose `state` this token's exchange used.
    pub fn set_token(&self, issued: IssuedToken) {
        let stored = self.to_stored(issued, None);
        self.shared.store.save(Some(&stored));
        self.shared.tokens_set.fetch_add(1, Ordering::AcqRel);
    }

    /// Forgets `rejected` (a token the server refused) so the next call gets a new one; a refresh token is kept.
    pub fn invalidate(&self, rejected: &Secret) {
        if let Some(mut stored) = self.shared.store.load() {
            if &stored.access_token == rejected {
                stored.expires_at = Some(SystemTime::UNIX_EPOCH);
                self.shared.store.save(Some(&stored));
            }
        }
    }

    /// Runs `call` with the current token; on a 401 it gets a new token and runs it once more.
    pub async fn call<T, E, F, Fut>(&self, call: F) -> Result<T, CallError<I::Error, E>>
    where
        F: Fn(Secret) -> Fut,
        Fut: Future<Output = Result<T, E>>,
        E: IsUnauthorized,
    {
        let token = self.token().await.map_err(CallError::Token)?;
        match call(token.clone()).await {
            Err(error) if error.is_unauthorized() => {
                self.invalidate(&token);
                let token = self.token().await.map_err(CallError::Token)?;
                call(token).await.map_err(CallError::Call)
            }
            other => other.map_err(CallError::Call),
        }
    }

    /// Sends a request of the caller's own with `Authorization: Bearer <token>`, through the same
    /// request path as the generated operations: the provider client's HTTP client, retry policy
    /// (idempotent methods only), total deadline, response size limit (4 MiB unless the client sets
    /// one), tracing span and request ids. On a 401 it gets a new token and sends once more,
    /// returning the second response whatever its status.
    ///
    /// `build` gets the provider client's `reqwest::Client` (re-exported as `auth_clients::reqwest`).
    /// The URL must be https (plain http only to localhost and loopback addresses), as a client's
    /// base URL must: anything else is an invalid request, and no token is fetched or sent.
    pub async fn send<F>(
        &self,
        build: F,
    ) -> Result<super::RawResponse, CallError<I::Error, super::Error<std::convert::Infallible>>>
    where
        F: FnOnce(&reqwest::Client) -> reqwest::RequestBuilder,
    {
        let settings = self.shared.issuer.call_settings();
        let (http, built) = build(settings.http).build_split();
        let built = built.map_err(|error| {
            CallError::Call(super::Error::invalid_request(
                "send",
                format!("the request cannot be built: {}", error.without_url()),
            ))
        })?;
        if !super::may_carry_credentials(built.url()) {
            // The generated clients' base URLs are held to the same rule.
            return Err(CallError::Call(super::Error::invalid_request(
                "send",
                "a bearer token is sent only over https (plain http only to localhost and loopback addresses)",
            )));
        }
        let idempotent = is_idempotent(built.method());
        let request = reqwest::RequestBuilder::from_parts(http, built);
        let context = super::CallContext {
            provider: settings.provider,
            operation: "send",
            retry: settings.retry,
            limits: settings.limits,
            default_max_response_bytes: super::DEFAULT_MAX_RESPONSE_BYTES,
            retry_safe: idempotent,
            bearer_tokens: Some(self),
        };
        super::send(context, request)
            .await
            .map_err(|super::CallFailure(error)| {
                if let super::Error::Authentication { source, .. } = &error {
                    if let Some(token_error) = source.downcast_ref::<I::Error>() {
                        return CallError::Token(token_error.clone());
                    }
                }
                CallError::Call(error)
            })
    }
}

/// Methods a retry cannot repeat the effect of (RFC 9110 section 9.2.2).
fn is_idempotent(method: &reqwest::Method) -> bool {
    matches!(
        *method,
        reqwest::Method::GET
            | reqwest::Method::HEAD
            | reqwest::Method::OPTIONS
            | reqwest::Method::TRACE
            | reqwest::Method::PUT
            | reqwest::Method::DELETE
    )
}

/// When a stored token is due for renewal: `renew_margin` before it expires, but never more than
/// half of its lifetime, so a short-lived token is still reused. `None`: no known expiry.
fn renew_at(stored: &StoredToken, renew_margin: Duration) -> Option<SystemTime> {
    let expires_at = stored.expires_at?;
    let margin = match stored.issued_at {
        // An expiry at or before the issue time is a lifetime of zero: due at once.
        Some(issued_at) => renew_margin.min(
            expires_at
                .duration_since(issued_at)
                .unwrap_or(Duration::ZERO)
                / 2,
        ),
        None => renew_margin,
    };
    Some(expires_at.checked_sub(margin).unwrap_or(expires_at))
}

/// A shared [`BearerTokenProvider`], as a client's credentials hold it.
#[derive(Clone)]
#[doc(hidden)]
pub struct SharedTokenProvider(pub Arc<dyn BearerTokenProvider>);

impl std::fmt::Debug for SharedTokenProvider {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("SharedTokenProvider")
    }
}

/// Any error, boxed, as a token provider reports it.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The future a [`BearerTokenProvider`] returns.
pub type BearerTokenFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Secret, BoxError>> + Send + 'a>>;

/// A source of bearer tokens that generated clients can use for their bearer-secured operations.
pub trait BearerTokenProvider: Send + Sync + 'static {
    /// A valid token.
    fn bearer_token(&self) -> BearerTokenFuture<'_>;
    /// Forgets a token the server refused.
    fn invalidate_bearer_token(&self, rejected: &Secret);
}

impl<I: TokenIssuer> BearerTokenProvider for TokenSource<I> {
    fn bearer_token(&self) -> BearerTokenFuture<'_> {
        Box::pin(async move {
            self.token()
                .await
                .map_err(|error| Box::new(error) as BoxError)
        })
    }

    fn invalidate_bearer_token(&self, rejected: &Secret) {
        self.invalidate(rejected);
    }
}

/// A lifetime from an integer `expires_in` (zero or negative: already expired).
#[doc(hidden)]
pub fn lifetime_from_seconds(seconds: i64) -> Lifetime {
    Lifetime::ExpiresIn(Duration::from_secs(u64::try_from(seconds).unwrap_or(0)))
}

/// A lifetime from a fractional `expires_in` (zero, negative or NaN: already expired; too large for
/// a `Duration`: the largest one, which the source treats as no known expiry).
#[doc(hidden)]
pub fn lifetime_from_fractional_seconds(seconds: f64) -> Lifetime {
    let lifetime = if seconds.is_nan() || seconds <= 0.0 {
        Duration::ZERO
    } else {
        Duration::try_from_secs_f64(seconds).unwrap_or(Duration::MAX)
    };
    Lifetime::ExpiresIn(lifetime)
}

/// An absolute expiry from a date-time field.
#[doc(hidden)]
pub fn lifetime_until(expires_at: chrono::DateTime<chrono::Utc>) -> Lifetime {
    Lifetime::ExpiresAt(system_time(expires_at))
}

/// A date-time as a `SystemTime`, clamped where the platform's `SystemTime` cannot hold it (any
/// date chrono accepts fits on Unix; Windows stops at the years 1601 and 30828).
pub fn system_time(at: chrono::DateTime<chrono::Utc>) -> SystemTime {
    let seconds = at.timestamp();
    let since_epoch = Duration::new(seconds.unsigned_abs(), 0);
    let whole = if seconds >= 0 {
        SystemTime::UNIX_EPOCH.checked_add(since_epoch)
    } else {
        SystemTime::UNIX_EPOCH.checked_sub(since_epoch)
    };
    match whole {
        Some(time) => time
            .checked_add(Duration::from_nanos(u64::from(at.timestamp_subsec_nanos())))
            .unwrap_or(time),
        None if seconds >= 0 => far_future(),
        None => far_past(),
    }
}

fn far_future() -> SystemTime {
    // Year 30000 and beyond fit nowhere portable; a thousand years is forever for a token.
    let thousand_years = Duration::from_secs(1000 * 365 * 24 * 3600);
    SystemTime::UNIX_EPOCH
        .checked_add(thousand_years)
        .unwrap_or(SystemTime::UNIX_EPOCH)
}

fn far_past() -> SystemTime {
    SystemTime::UNIX_EPOCH
}

/// A copy of `template` (a token request) with some string fields replaced, for refresh and code-exchange requests.
///
/// A field the request type would drop (it has no such field) is an error, not a silent loss. The
/// error never quotes a value: the fields carry credentials.
#[doc(hidden)]
pub fn overlay_request<T>(template: &T, fields: &[(&str, &str)]) -> Result<T, String>
where
    T: serde::Serialize + serde::de::DeserializeOwned,
{
    let mut value = serde_json::to_value(template)
        .map_err(|_| "the token request cannot be serialized".to_string())?;
    let object = value
        .as_object_mut()
        .ok_or_else(|| "the token request is not an object".to_string())?;
    for (name, field_value) in fields {
        object.insert(
            (*name).to_string(),
            serde_json::Value::String((*field_value).to_string()),
        );
    }
    let names = || fields.iter().map(|(name, _)| *name).collect::<Vec<_>>();
    let request: T = serde_json::from_value(value).map_err(|_| {
        format!(
            "the token request type does not accept the fields {:?}",
            names()
        )
    })?;
    let round_trip = serde_json::to_value(&request)
        .map_err(|_| "the token request cannot be serialized".to_string())?;
    if fields
        .iter()
        .any(|(name, _)| round_trip.get(*name).is_none())
    {
        return Err(format!(
            "the token request type has no room for the fields {:?}",
            names()
        ));
    }
    Ok(request)
}
