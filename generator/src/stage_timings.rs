//! The pipeline of one standalone module, stage by stage with the time each takes (for `cargo xtask bench`).

use crate::error::{ErrorContext, GeneratorError};
use crate::{emit, format, load, lower, ProviderConfig};
use std::time::{Duration, Instant};

/// How long each stage took for one document.
#[derive(Debug, Clone, Copy, Default)]
pub struct StageTimings {
    /// Bytes to `openapiv3::OpenAPI` (parse, `$ref` resolution, 3.1 normalization).
    pub load: Duration,
    /// `OpenAPI` to the IR.
    pub lower: Duration,
    /// The IR to tokens.
    pub emit: Duration,
    /// Tokens to formatted source.
    pub format: Duration,
    /// Dropping the document, the IR and the output, which a process that exits without
    /// tearing down never pays.
    pub free: Duration,
}

impl StageTimings {
    /// The stages' names, in the order of [`StageTimings::as_array`].
    pub const NAMES: [&'static str; 5] = ["load", "lower", "emit", "format", "free"];

    /// The durations in the order of [`StageTimings::NAMES`].
    pub fn as_array(&self) -> [Duration; 5] {
        [self.load, self.lower, self.emit, self.format, self.free]
    }
}

/// Runs load, lower, emit and format on one document as `gen --spec` does, timing each stage.
/// `gen --spec` formats each section of the module as soon as it is emitted; here the whole module
/// is emitted first, so each stage is timed alone.
pub fn stage_timings(
    spec_path: &str,
    spec_bytes: &[u8],
    skip_invalid: bool,
) -> Result<StageTimings, GeneratorError> {
    let mut timings = StageTimings::default();
    let config = ProviderConfig::for_standalone_spec("api", spec_path);
    let context = ErrorContext::new(spec_path);

    let started = Instant::now();
    let (loaded, _) = load::load_spec_with(&context, spec_bytes, skip_invalid)?;
    timings.load = started.elapsed();

    let started = Instant::now();
    let context = loaded.error_context(&context);
    let (api, _) = lower::lower_api_with(&context, &loaded.openapi, &config, skip_invalid)?;
    timings.lower = started.elapsed();

    let started = Instant::now();
    let tokens = emit::provider_module_tokens(&api, spec_path);
    timings.emit = started.elapsed();

    let started = Instant::now();
    let source = format::format_rust_file("src/api.rs", tokens)?;
    timings.format = started.elapsed();

    let started = Instant::now();
    drop(std::hint::black_box((loaded, api, source)));
    timings.free = started.elapsed();
    Ok(timings)
}
