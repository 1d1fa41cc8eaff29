//! The `xtask gen` command line: exit codes, messages naming file and location, no output on failure, determinism.

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture(kind: &str, name: &str) -> PathBuf {
    xtask::codegen::project_root()
        .unwrap()
        .join("generator/tests/fixtures")
        .join(kind)
        .join(name)
}

fn run_gen(arguments: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("gen")
        .args(arguments)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn gen_spec(spec: &Path, out: &Path) -> (i32, String, String) {
    run_gen(&[
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
}

#[test]
fn bad_specs_exit_non_zero_name_the_file_and_location_and_write_nothing() {
    let cases = [
        (
            "unresolved_ref.yaml",
            "/paths/~1things/get/responses/200/content/application~1json/schema/$ref",
        ),
        ("yaml_syntax_error.yaml", "yaml_syntax_error.yaml:7:"),
        (
            "unknown_schema_type.yaml",
            "/components/schemas/User/properties/name/type",
        ),
        ("swagger2.json", "/swagger"),
        ("empty.yaml", "the file is empty"),
        ("bad_json.json", "bad_json.json:3:"),
        ("duplicate_key.json", "duplicate_key.json:5:9 at /paths"),
        ("duplicate_key.yaml", "at /paths/~1things/get/responses/200"),
        ("path_without_slash.yaml", "at /paths/things"),
        ("path_dot_segments.yaml", "at /paths/~1..~1..~1etc~1passwd"),
        ("alias_cycle.yaml", "at /components/schemas/A"),
        ("ref_chain_too_deep.yaml", "at /components/schemas/Link"),
        ("nesting_too_deep.yaml", "at /components/schemas/Level"),
        ("yaml_alias_bomb.yaml", "repetition limit exceeded"),
    ];
    for (name, location) in cases {
        let scratch = tempfile::tempdir().unwrap();
        let out = scratch.path().join("crate");
        let (code, _, stderr) = gen_spec(&fixture("invalid", name), &out);
        assert_eq!(code, 1, "{name}: {stderr}");
        assert!(stderr.starts_with("error: "), "{name}: {stderr}");
        assert!(stderr.contains(name), "{name}: {stderr}");
        assert!(
            stderr.contains(location),
            "{name}: expected {location:?} in {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        assert!(!out.exists(), "{name}: output was written");
    }
}

#[test]
fn standalone_generation_is_byte_for_byte_deterministic() {
    let scratch = tempfile::tempdir().unwrap();
    let first = scratch.path().join("first");
    let second = scratch.path().join("second");
    for out in [&first, &second] {
        let (code, stdout, stderr) = gen_spec(&fixture("valid", "form_body.yaml"), out);
        assert_eq!(code, 0, "{stderr}");
        assert!(
            stdout.contains("form_body_client: 1 operation(s)"),
            "{stdout}"
        );
    }
    for file in [
        "Cargo.toml",
        "manifest.toml",
        "rustfmt.toml",
        "src/lib.rs",
        "runtime/Cargo.toml",
        "runtime/src/lib.rs",
        "src/form_body_client.rs",
    ] {
        assert_eq!(
            std::fs::read(first.join(file)).unwrap(),
            std::fs::read(second.join(file)).unwrap(),
            "{file}"
        );
    }
}

#[test]
fn check_mode_on_a_standalone_crate_reports_drift_and_the_fixing_command() {
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("crate");
    let spec = fixture("valid", "keyword_names.yaml");
    assert_eq!(gen_spec(&spec, &out).0, 0);
    let (code, _, _) = run_gen(&[
        "--check",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    let module = out.join("src/keyword_names_client.rs");
    let edited =
        std::fs::read_to_string(&module)
            .unwrap()
            .replacen("pub struct", "pub(crate) struct", 1);
    std::fs::write(&module, edited).unwrap();
    let (code, _, stderr) = run_gen(&[
        "--check",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("-pub(crate) struct") || stderr.contains("-    pub(crate) struct"),
        "{stderr}"
    );
    assert!(stderr.contains("cargo xtask gen --spec"), "{stderr}");
}

#[test]
fn crate_names_that_are_the_runtimes_own_modules_get_a_distinct_module() {
    for name in ["token", "runtime"] {
        let scratch = tempfile::tempdir().unwrap();
        let out = scratch.path().join("crate");
        let (code, stdout, stderr) = run_gen(&[
            "--spec",
            fixture("valid", "recursive.yaml").to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--crate-name",
            name,
        ]);
        assert_eq!(code, 0, "{name}: {stderr}");
        assert!(
            stdout.contains(&format!("{name}_api: ")),
            "{name}: {stdout}"
        );
        assert!(out.join(format!("src/{name}_api.rs")).exists(), "{name}");
    }
}

/// `--config` gives a standalone crate what a provider's `provider.toml` gives it: renames, OAuth2
/// client Basic schemes and a token source; its provenance keys may be left out, and its errors
/// name the config file and the line in it.
#[test]
fn a_standalone_config_renames_marks_oauth2_basic_and_adds_a_token_source() {
    let scratch = tempfile::tempdir().unwrap();
    let spec = fixture("valid", "oauth2_client_basic.yaml");
    let config = scratch.path().join("provider.toml");
    std::fs::write(
        &config,
        "oauth2_client_basic_schemes = [\"clientBasic\"]\n\n[operations]\nissueToken = \"create_token\"\n\n[token]\noperation = \"create_token\"\naccess_token = \"access_token\"\nexpires_in = \"expires_in\"\n",
    )
    .unwrap();
    let out = scratch.path().join("crate");
    let (code, stdout, stderr) = run_gen(&[
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let module = std::fs::read_to_string(out.join("src/oauth2_client_basic_client.rs")).unwrap();
    assert!(module.contains("pub async fn create_token("), "renamed");
    assert!(!module.contains("pub async fn issue_token("), "renamed");
    assert!(module.contains("pub type TokenSource"), "a token source");
    // The config lists the scheme, so every operation that sends it uses RFC 6749 section 2.3.1.
    let compact: String = module.split_whitespace().collect();
    assert_eq!(
        compact.matches("credential_client_basic,true,)").count(),
        3,
        "every Basic is OAuth2 client Basic"
    );

    let bad = scratch.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[token]\noperation = \"nope\"\naccess_token = \"access_token\"\n",
    )
    .unwrap();
    let rejected = scratch.path().join("rejected");
    let (code, _, stderr) = run_gen(&[
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        rejected.to_str().unwrap(),
        "--config",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("\"nope\"") && stderr.contains("issue_token"),
        "the wrong name and the valid ones: {stderr}"
    );
    assert!(
        stderr.contains("bad.toml at /token/operation: [token].operation:")
            && !stderr.contains("oauth2_client_basic.yaml"),
        "the config file and key are at fault, not the spec: {stderr}"
    );
    assert!(!rejected.exists(), "nothing written");

    let broken = scratch.path().join("broken.toml");
    std::fs::write(&broken, "[operations]\nissueToken = \n").unwrap();
    let (code, _, stderr) = run_gen(&[
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        rejected.to_str().unwrap(),
        "--config",
        broken.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("broken.toml:2:"),
        "the line in the file: {stderr}"
    );
}

/// A wire value with a line break (`"c\n\n## 42.0.0"`) is quoted in the change report and the
/// changelog on one line, escaped: raw, it started a `## 42.0.0` heading there, which the next
/// regeneration read as a released version and bumped from (0.1.1 -> 43.0.0).
#[test]
fn a_line_break_in_a_wire_value_cannot_forge_a_changelog_release() {
    let directory = tempfile::tempdir().unwrap();
    let spec = directory.path().join("api.yaml");
    let out = directory.path().join("out");
    let document = |values: &str, extra: &str| {
        format!(
            "openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths:\n  /t:\n    get:\n      operationId: getT\n      parameters:\n        - {{name: mode, in: query, schema: {{type: string, enum: [{values}]}}}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{type: object, properties: {{a: {{type: string}}{extra}}}}}\n"
        )
    };
    std::fs::write(&spec, document("a, b", "")).unwrap();
    let (code, stdout, stderr) = gen_spec(&spec, &out);
    assert_eq!(code, 0, "{stdout}{stderr}");
    std::fs::write(
        &spec,
        document("a, b, \"c\\n\\n## 42.0.0\\n\\n- forged\"", ""),
    )
    .unwrap();
    let (code, stdout, stderr) = gen_spec(&spec, &out);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("`c\\n\\n## 42.0.0\\n\\n- forged`"),
        "one escaped line: {stdout}"
    );
    assert!(stdout.contains("version 0.1.0 -> 0.1.1"), "{stdout}");
    let changelog = std::fs::read_to_string(out.join("CHANGELOG.md")).unwrap();
    assert!(
        !changelog.lines().any(|line| line.starts_with("## 42")),
        "{changelog}"
    );
    // The next additive change steps from 0.1.1, not from a forged 42.0.0.
    std::fs::write(
        &spec,
        document(
            "a, b, \"c\\n\\n## 42.0.0\\n\\n- forged\"",
            ", z: {type: string}",
        ),
    )
    .unwrap();
    let (code, stdout, stderr) = gen_spec(&spec, &out);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("version 0.1.1 -> 0.1.2"), "{stdout}");
}

/// A hand-edited version whose stepped component is already `u64::MAX` has no next version: an
/// error naming Cargo.toml, not an overflow panic (or, in a release build, a wrap to an old version).
#[test]
fn a_version_that_cannot_be_bumped_is_an_error_not_a_panic() {
    let directory = tempfile::tempdir().unwrap();
    let spec = directory.path().join("api.yaml");
    let out = directory.path().join("out");
    let document = |extra: &str| {
        format!(
            "openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths:\n  /t:\n    get:\n      operationId: getT\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{type: object, properties: {{a: {{type: string}}{extra}}}}}\n"
        )
    };
    std::fs::write(&spec, document("")).unwrap();
    let (code, stdout, stderr) = gen_spec(&spec, &out);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let cargo_toml = out.join("Cargo.toml");
    let text = std::fs::read_to_string(&cargo_toml).unwrap();
    std::fs::write(
        &cargo_toml,
        text.replace(
            "version = \"0.1.0\"",
            "version = \"1.18446744073709551615.0\"",
        ),
    )
    .unwrap();
    std::fs::write(&spec, document(", b: {type: string}")).unwrap();
    let before = std::fs::read(out.join("src/api_client.rs")).unwrap();
    let (code, stdout, stderr) = gen_spec(&spec, &out);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.contains("Cargo.toml: version 1.18446744073709551615.0")
            && stderr.contains("no next version"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(out.join("src/api_client.rs")).unwrap(),
        before
    );
}

/// A reader that goes away (`cargo xtask gen --check | head -1`) ends the run with exit 1, not
/// with std's "failed printing to stdout" panic (exit 101 and a backtrace).
#[test]
fn a_closed_stdout_is_an_exit_1_not_a_panic() {
    let directory = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["gen", "--check", "--spec"])
        .arg(fixture("valid", "pointer_refs.yaml"))
        .arg("--out")
        .arg(directory.path().join("out"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Closed before the child prints its first line (it parses and generates first).
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(output.status.code(), Some(1), "{stderr}");
}
