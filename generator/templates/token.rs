//! Token lifecycle shared by every generated provider: cached tokens, renewal a margin before expiry,
//! single flight, refresh tokens, one re-authentication on a 401, and a pluggable store and clock.
//!
//! This file is copied verbatim from the generator's template; each provider module implements
//! [`TokenIssuer`] for its token operation and wraps [`TokenSource`].

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use crate::runtime::Secret;

/// How long before expiry a token is renewed by default (Mobile Calendar's guide recommends 5 minutes).
pub const DEFAULT_RENEW_MARGIN: Duration = Duration::from_secs(300);

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

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        let mut now = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *now += by;
    }

    /// Sets the clock.
    pub fn set(&self, to: SystemTime) {
        *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = to;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> SystemTime {
        *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
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
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    fn save(&self, token: Option<&StoredToken>) {
        *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = token.cloned();
    }
}

/// Gets tokens from a provider's token endpoint. Generated per provider.
pub trait TokenIssuer: Send + Sync + 'static {
    /// Why a token could not be had.
    type Error: std::error::Error + Send + Sync + 'static;

    /// Issues a new token with the configured credentials.
    fn issue(&self) -> impl Future<Output = Result<IssuedToken, Self::Error>> + Send;

    /// Exchanges a refresh token; `Ok(None)` when the provider's spec offers no refresh operation.
    fn refresh(&self, refresh_token: &Secret) -> impl Future<Output = Result<Option<IssuedToken>, Self::Error>> + Send {
        let _ = refresh_token;
        async { Ok(None) }
    }
}

struct Shared<I> {
    issuer: I,
    clock: Arc<dyn Clock>,
    store: Arc<dyn TokenStore>,
    renew_margin: Duration,
    /// Held while a token request is in flight, so concurrent callers share it.
    in_flight: tokio::sync::Mutex<()>,
}

/// Caches a provider's token and renews it; cheap to clone and share between tasks.
///
/// - the token is renewed `renew_margin` before it expires, not earlier;
/// - any number of concurrent callers share one in-flight token request (single flight);
/// - the refresh token is used where the provider offers a refresh operation, else the credentials;
/// - [`TokenSource::call`] and [`TokenSource::send`] re-authenticate once on a 401, never in a loop.
pub struct TokenSource<I> {
    shared: Arc<Shared<I>>,
}

impl<I> Clone for TokenSource<I> {
    fn clone(&self) -> Self {
        TokenSource { shared: Arc::clone(&self.shared) }
    }
}

impl<I> std::fmt::Debug for TokenSource<I> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("TokenSource")
            .field("renew_margin", &self.shared.renew_margin)
            .field("has_token", &self.shared.store.load().is_some())
            .finish()
    }
}

/// Builds a [`TokenSource`] with a non-default clock, store or renewal margin.
pub struct TokenSourceBuilder<I> {
    issuer: I,
    clock: Arc<dyn Clock>,
    store: Arc<dyn TokenStore>,
    renew_margin: Duration,
}

impl<I: TokenIssuer> TokenSourceBuilder<I> {
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

    /// Renews tokens this long before they expire.
    pub fn renew_margin(mut self, margin: Duration) -> Self {
        self.renew_margin = margin;
        self
    }

    /// The token source.
    pub fn build(self) -> TokenSource<I> {
        TokenSource {
            shared: Arc::new(Shared {
                issuer: self.issuer,
                clock: self.clock,
                store: self.store,
                renew_margin: self.renew_margin,
                in_flight: tokio::sync::Mutex::new(()),
            }),
        }
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

impl<E> IsUnauthorized for crate::runtime::Error<E> {
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
        TokenSourceBuilder {
            issuer,
            clock: Arc::new(SystemClock),
            store: Arc::new(MemoryTokenStore::default()),
            renew_margin: DEFAULT_RENEW_MARGIN,
        }
    }

    /// The issuer (for provider-specific operations such as an authorization-code exchange).
    pub fn issuer(&self) -> &I {
        &self.shared.issuer
    }

    /// The cached token, when it is not within the renewal margin of its expiry.
    fn fresh_cached(&self) -> Option<Secret> {
        let stored = self.shared.store.load()?;
        match stored.expires_at {
            None => Some(stored.access_token),
            Some(expires_at) => {
                let renew_at = expires_at.checked_sub(self.shared.renew_margin).unwrap_or(SystemTime::UNIX_EPOCH);
                (self.shared.clock.now() < renew_at).then_some(stored.access_token)
            }
        }
    }

    /// Turns what the endpoint said into an absolute expiry, measured when the response arrived.
    fn to_stored(&self, issued: IssuedToken, previous_refresh: Option<(Secret, Option<SystemTime>)>) -> StoredToken {
        let expires_at = match issued.lifetime {
            Lifetime::ExpiresIn(lifetime) => Some(self.shared.clock.now() + lifetime),
            Lifetime::ExpiresAt(at) => Some(at),
            Lifetime::Unknown => None,
        };
        let (refresh_token, refresh_token_expires_at) = match issued.refresh_token {
            Some(token) => (Some(token), issued.refresh_token_expires_at),
            // A refresh response without a new refresh token keeps the old one.
            None => previous_refresh.map_or((None, None), |(token, expires)| (Some(token), expires)),
        };
        StoredToken { access_token: issued.access_token, expires_at, refresh_token, refresh_token_expires_at }
    }

    /// A valid access token: the cached one, or a new one (one request, whatever the number of callers).
    pub async fn token(&self) -> Result<Secret, I::Error> {
        if let Some(token) = self.fresh_cached() {
            return Ok(token);
        }
        let _flight = self.shared.in_flight.lock().await;
        // Whoever held the lock before us may have renewed it already.
        if let Some(token) = self.fresh_cached() {
            return Ok(token);
        }
        let now = self.shared.clock.now();
        let usable_refresh = self.shared.store.load().and_then(|stored| {
            let refresh = stored.refresh_token?;
            let still_valid = stored.refresh_token_expires_at.is_none_or(|expires| now < expires);
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
    pub fn set_token(&self, issued: IssuedToken) {
        let stored = self.to_stored(issued, None);
        self.shared.store.save(Some(&stored));
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

    /// Sends a request of the caller's own with `Authorization: Bearer <token>`; on a 401 it gets a
    /// new token and sends once more, returning the second response whatever its status.
    pub async fn send<F>(&self, build: F) -> Result<reqwest::Response, CallError<I::Error, reqwest::Error>>
    where
        F: Fn() -> reqwest::RequestBuilder,
    {
        let send_with = |token: Secret| {
            let request = build();
            async move {
                let mut value = reqwest::header::HeaderValue::from_str(&format!("Bearer {}", token.expose()))
                    .unwrap_or_else(|_| reqwest::header::HeaderValue::from_static("Bearer"));
                value.set_sensitive(true);
                request.header(reqwest::header::AUTHORIZATION, value).send().await
            }
        };
        let token = self.token().await.map_err(CallError::Token)?;
        let response = send_with(token.clone()).await.map_err(|error| CallError::Call(error.without_url()))?;
        if response.status() != reqwest::StatusCode::UNAUTHORIZED {
            return Ok(response);
        }
        self.invalidate(&token);
        let token = self.token().await.map_err(CallError::Token)?;
        send_with(token).await.map_err(|error| CallError::Call(error.without_url()))
    }
}

/// A shared [`BearerTokenProvider`], as a client's credentials hold it.
#[derive(Clone)]
pub struct SharedTokenProvider(pub Arc<dyn BearerTokenProvider>);

impl std::fmt::Debug for SharedTokenProvider {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("SharedTokenProvider")
    }
}

/// Any error, boxed, as a token provider reports it.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The future a [`BearerTokenProvider`] returns.
pub type BearerTokenFuture<'a> = Pin<Box<dyn Future<Output = Result<Secret, BoxError>> + Send + 'a>>;

/// A source of bearer tokens that generated clients can use for their bearer-secured operations.
pub trait BearerTokenProvider: Send + Sync + 'static {
    /// A valid token.
    fn bearer_token(&self) -> BearerTokenFuture<'_>;
    /// Forgets a token the server refused.
    fn invalidate_bearer_token(&self, rejected: &Secret);
}

impl<I: TokenIssuer> BearerTokenProvider for TokenSource<I> {
    fn bearer_token(&self) -> BearerTokenFuture<'_> {
        Box::pin(async move { self.token().await.map_err(|error| Box::new(error) as BoxError) })
    }

    fn invalidate_bearer_token(&self, rejected: &Secret) {
        self.invalidate(rejected);
    }
}

/// A lifetime from an integer `expires_in` (negative counts as already expired).
pub fn lifetime_from_seconds(seconds: i64) -> Lifetime {
    Lifetime::ExpiresIn(Duration::from_secs(u64::try_from(seconds).unwrap_or(0)))
}

/// A lifetime from a fractional `expires_in` (negative or not finite counts as already expired).
pub fn lifetime_from_fractional_seconds(seconds: f64) -> Lifetime {
    Lifetime::ExpiresIn(Duration::try_from_secs_f64(seconds).unwrap_or(Duration::ZERO))
}

/// An absolute expiry from a date-time field.
pub fn lifetime_until(expires_at: chrono::DateTime<chrono::Utc>) -> Lifetime {
    Lifetime::ExpiresAt(SystemTime::from(expires_at))
}

/// A copy of `template` (a token request) with some string fields replaced, for refresh and code-exchange requests.
///
/// The error never quotes a value: the fields carry credentials.
pub fn overlay_request<T>(template: &T, fields: &[(&str, &str)]) -> Result<T, String>
where
    T: serde::Serialize + serde::de::DeserializeOwned,
{
    let mut value = serde_json::to_value(template).map_err(|_| "the token request cannot be serialized".to_string())?;
    let object = value.as_object_mut().ok_or_else(|| "the token request is not an object".to_string())?;
    for (name, field_value) in fields {
        object.insert((*name).to_string(), serde_json::Value::String((*field_value).to_string()));
    }
    serde_json::from_value(value).map_err(|_| format!("the token request type does not accept the fields {:?}", fields.iter().map(|(name, _)| *name).collect::<Vec<_>>()))
}
