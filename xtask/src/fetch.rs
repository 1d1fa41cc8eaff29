//! Reads a provider's page for `cargo xtask specs --update`: over HTTPS (plain HTTP only for loopback
//! hosts, as the tests use), bounded in time and size, or from a local file.

use anyhow::{bail, Context, Result};
use std::path::Path;
use std::time::Duration;

/// The largest page accepted: provider pages with an embedded spec are kilobytes; a published
/// document of the corpus's largest kind (GitHub's) is about 12 MB.
pub const MAX_PAGE_BYTES: u64 = 32 * 1024 * 1024;
/// Time to establish a connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Time for the whole fetch, redirects and body included: a server that hangs cannot stall a
/// scheduled job.
pub const TOTAL_TIMEOUT: Duration = Duration::from_secs(60);
const MAX_REDIRECTS: u32 = 5;

/// The bounds of one fetch (the tests lower them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FetchLimits {
    /// Time for the whole fetch.
    pub total_timeout: Duration,
    /// The largest page accepted.
    pub max_bytes: u64,
}

impl Default for FetchLimits {
    fn default() -> Self {
        FetchLimits {
            total_timeout: TOTAL_TIMEOUT,
            max_bytes: MAX_PAGE_BYTES,
        }
    }
}

/// Where a page comes from: a URL, or a file given with `--from`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageSource {
    /// An `http://` or `https://` URL.
    Url(String),
    /// A local file.
    File(std::path::PathBuf),
}

impl PageSource {
    /// `--from`'s argument: a URL when it has an `http(s)://` scheme, a file otherwise.
    pub fn parse(argument: &str) -> Self {
        let lower = argument.to_ascii_lowercase();
        if lower.starts_with("https://") || lower.starts_with("http://") {
            PageSource::Url(argument.to_string())
        } else {
            PageSource::File(argument.into())
        }
    }

    /// How messages name it.
    pub fn display(&self) -> String {
        match self {
            PageSource::Url(url) => url.clone(),
            PageSource::File(path) => path.display().to_string(),
        }
    }
}

/// The page's bytes, exactly as served or stored.
pub fn read_page(source: &PageSource, limits: &FetchLimits) -> Result<Vec<u8>> {
    match source {
        PageSource::File(path) => read_file(path, limits.max_bytes),
        PageSource::Url(url) => fetch_url(url, limits),
    }
}

fn read_file(path: &Path, max_bytes: u64) -> Result<Vec<u8>> {
    let metadata =
        std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if !metadata.is_file() {
        bail!("{} is not a file", path.display());
    }
    if metadata.len() > max_bytes {
        bail!(
            "{} is {} bytes, more than the {max_bytes}-byte limit for a page",
            path.display(),
            metadata.len()
        );
    }
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Whether `url` may be fetched: https, or http to a loopback host (whose traffic never leaves the
/// machine, so nothing on the way can change the spec).
fn check_scheme(url: &ureq::http::Uri) -> Result<bool> {
    let host = url
        .host()
        .unwrap_or("")
        .trim_start_matches('[')
        .trim_end_matches(']');
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|address| address.is_loopback());
    match url.scheme_str() {
        Some("https") => Ok(loopback),
        Some("http") if loopback => Ok(true),
        Some("http") => bail!(
            "refusing plain http for {url}: anything on the way could change the spec; use https"
        ),
        _ => bail!("{url} is not an http(s) URL"),
    }
}

fn fetch_url(url: &str, limits: &FetchLimits) -> Result<Vec<u8>> {
    let deadline = std::time::Instant::now() + limits.total_timeout;
    let mut current = url.to_string();
    let mut redirects = 0;
    // Redirects are followed here, one hop at a time, so that every hop's scheme is checked before
    // it is fetched: a plain-http hop in the middle (`https://a` -> `http://b` -> `https://c`) could
    // otherwise be answered by anything on the way, which then picks the final https page.
    let mut response = loop {
        let uri: ureq::http::Uri = current.parse().with_context(|| {
            if current == url {
                format!("`{url}` is not a valid URL")
            } else {
                format!("{url} redirected to `{current}`, which is not a valid URL")
            }
        })?;
        let loopback = if current == url {
            check_scheme(&uri)?
        } else {
            check_scheme(&uri).with_context(|| format!("{url} redirected to {current}"))?
        };
        let remaining = deadline.saturating_duration_since(std::time::Instant::now());
        if remaining.is_zero() {
            bail!(
                "cannot fetch {url}: timed out after {:?}",
                limits.total_timeout
            );
        }
        let mut config = ureq::Agent::config_builder()
            .timeout_connect(Some(CONNECT_TIMEOUT.min(remaining)))
            .timeout_global(Some(remaining))
            .max_redirects(0)
            .http_status_as_error(false);
        if loopback {
            // A proxy from the environment must not see (or answer for) a loopback fetch.
            config = config.proxy(None);
        }
        let agent: ureq::Agent = config.build().into();
        let response = agent
            .get(&current)
            .header(
                "accept",
                "text/markdown, text/plain, application/json, application/yaml, */*",
            )
            .call()
            .map_err(|error| anyhow::anyhow!("cannot fetch {url}: {error}"))?;
        let location = response
            .headers()
            .get("location")
            .and_then(|value| value.to_str().ok());
        match location {
            Some(location) if response.status().is_redirection() => {
                redirects += 1;
                if redirects > MAX_REDIRECTS {
                    bail!("cannot fetch {url}: more than {MAX_REDIRECTS} redirects");
                }
                let base = url::Url::parse(&current)
                    .with_context(|| format!("`{current}` is not a valid URL"))?;
                current = base
                    .join(location)
                    .with_context(|| {
                        format!("{url} redirected to `{location}`, which is not a valid URL")
                    })?
                    .to_string();
            }
            _ => break response,
        }
    };
    let status = response.status();
    if !status.is_success() {
        bail!(
            "cannot fetch {url}: the server answered {status}{}",
            if current == url {
                String::new()
            } else {
                format!(" (at {current})")
            }
        );
    }
    response
        .body_mut()
        .with_config()
        .limit(limits.max_bytes)
        .read_to_vec()
        .map_err(|error| match error {
            ureq::Error::BodyExceedsLimit(limit) => {
                anyhow::anyhow!(
                    "cannot fetch {url}: the page is larger than the {limit}-byte limit"
                )
            }
            other => anyhow::anyhow!("cannot fetch {url}: reading the page failed: {other}"),
        })
}
