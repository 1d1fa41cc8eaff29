//! Any bytes, as a JSON or YAML document, through load -> lower -> emit -> format: the generator must
//! return a crate or an error naming the file, and never panic (with and without `--skip-invalid`).
#![no_main]

use generator::{CrateOptions, ProviderConfig, ProviderSource};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for skip_invalid in [false, true] {
        let source = ProviderSource {
            spec_path: "fuzz.yaml".to_string(),
            spec_bytes: data,
            config: ProviderConfig::for_standalone_spec("fuzz", "fuzz.yaml"),
        };
        let options = CrateOptions {
            crate_name: "fuzz".to_string(),
            description: "fuzz".to_string(),
            standalone: true,
            skip_invalid,
        };
        if let Err(error) = generator::generate_crate(&options, &[source]) {
            // Errors are values that name the file; formatting them must not panic either.
            let text = error.to_string();
            assert!(
                text.contains("fuzz.yaml") || matches!(error, generator::GeneratorError::Internal { .. }),
                "{text}"
            );
            assert!(
                !matches!(error, generator::GeneratorError::Internal { .. }),
                "the generator emitted tokens that do not parse: {text}"
            );
        }
    }
});
