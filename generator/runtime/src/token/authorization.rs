//! The authorization-code flow: a fresh `state` per authorization URL, checked on return, and PKCE
//! (Cargo feature `token_authorization`).

use super::*;

/// How long an authorization URL's `state` stays valid (authorization codes live about 10 minutes).
pub const AUTHORIZATION_LIFETIME: Duration = Duration::from_secs(600);
/// How many authorizations may be pending at once; starting one more forgets the oldest.
pub const MAX_PENDING_AUTHORIZATIONS: usize = 16;

/// The authorizations a token source has started and not completed: for each authorization URL, a
/// fresh unguessable `state` (RFC 6749 section 10.12, RFC 9700 section 4.7) and, where the provider
/// accepts PKCE, a code verifier (RFC 7636, `S256`). A returned `state` is accepted once.
///
/// Ages are measured on the token source's [`Clock`] (the system clock unless the source was built
/// with another), so a [`ManualClock`] in tests moves them too.
#[derive(Clone, Default)]
#[doc(hidden)]
pub struct PendingAuthorizations(Arc<Mutex<PendingList>>);

#[derive(Default)]
struct PendingList {
    entries: Vec<PendingAuthorization>,
    /// `None`: the system clock.
    clock: Option<Arc<dyn Clock>>,
}

impl PendingList {
    fn now(&self) -> SystemTime {
        self.clock
            .as_ref()
            .map_or_else(SystemTime::now, |clock| clock.now())
    }
}

struct PendingAuthorization {
    state: Secret,
    code_verifier: Option<Secret>,
    started_at: SystemTime,
}

impl std::fmt::Debug for PendingAuthorizations {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let pending = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .entries
            .len();
        write!(formatter, "PendingAuthorizations({pending} pending)")
    }
}

/// The `state` of an authorization response matches no authorization this source started (or it
/// was used already, or is older than [`AUTHORIZATION_LIFETIME`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the authorization response's `state` matches no pending authorization (forged, replayed or expired; RFC 6749 section 10.12)")]
pub struct StateMismatch;

impl PendingAuthorizations {
    /// Measures ages on `clock` from now on (a [`TokenSource`] built with a clock sets it).
    pub fn use_clock(&self, clock: Arc<dyn Clock>) {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clock = Some(clock);
    }

    /// Starts an authorization: puts a fresh `state` (and with `pkce`, an `S256` `code_challenge`)
    /// on `url`, replacing any the URL had, and remembers them until [`PendingAuthorizations::complete`].
    pub fn begin(&self, url: &mut url::Url, pkce: bool) -> Result<(), String> {
        let state = random_url_safe_text()?;
        let code_verifier = if pkce {
            Some(random_url_safe_text()?)
        } else {
            None
        };
        let mut replaced = vec![("state", state.clone())];
        if let Some(verifier) = &code_verifier {
            replaced.push(("code_challenge", pkce_s256_challenge(verifier)));
            replaced.push(("code_challenge_method", "S256".to_string()));
        }
        set_query_parameters(url, &replaced);
        let mut list = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = list.now();
        let pending = &mut list.entries;
        pending.retain(|entry| !is_expired(entry, now));
        if pending.len() >= MAX_PENDING_AUTHORIZATIONS {
            pending.remove(0);
        }
        pending.push(PendingAuthorization {
            state: Secret::new(state),
            code_verifier: code_verifier.map(Secret::new),
            started_at: now,
        });
        Ok(())
    }

    /// Completes an authorization: `state` must be one [`PendingAuthorizations::begin`] put on a URL,
    /// not used before and not expired. Gives the PKCE code verifier, when there is one.
    pub fn complete(&self, state: &str) -> Result<Option<Secret>, StateMismatch> {
        let mut list = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = list.now();
        let pending = &mut list.entries;
        pending.retain(|entry| !is_expired(entry, now));
        let position = pending
            .iter()
            .position(|entry| same_bytes(entry.state.expose().as_bytes(), state.as_bytes()))
            .ok_or(StateMismatch)?;
        Ok(pending.remove(position).code_verifier)
    }
}

fn is_expired(entry: &PendingAuthorization, now: SystemTime) -> bool {
    now.duration_since(entry.started_at)
        .is_ok_and(|age| age > AUTHORIZATION_LIFETIME)
}

/// Compares without stopping at the first difference, so timing tells nothing about a state.
fn same_bytes(left: &[u8], right: &[u8]) -> bool {
    left.len() == right.len()
        && left
            .iter()
            .zip(right)
            .fold(0u8, |difference, (a, b)| difference | (a ^ b))
            == 0
}

/// 32 bytes from the operating system's CSPRNG, base64url without padding (43 characters, which
/// is also a valid PKCE code verifier).
#[doc(hidden)]
pub fn random_url_safe_text() -> Result<String, String> {
    use base64::Engine as _;
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes)
        .map_err(|error| format!("no randomness from the operating system: {error}"))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// The PKCE `S256` code challenge of a verifier: base64url(SHA-256(verifier)), no padding (RFC 7636 section 4.2).
#[doc(hidden)]
pub fn pkce_s256_challenge(code_verifier: &str) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(sha2::Sha256::digest(code_verifier.as_bytes()))
}

/// Sets query parameters on `url`, dropping any earlier values of the same names.
fn set_query_parameters(url: &mut url::Url, parameters: &[(&str, String)]) {
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(name, _)| !parameters.iter().any(|(replaced, _)| name == replaced))
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    let mut pairs = url.query_pairs_mut();
    pairs.clear();
    pairs.extend_pairs(kept);
    pairs.extend_pairs(
        parameters
            .iter()
            .map(|(name, value)| (*name, value.as_str())),
    );
}
