//! `cargo xtask gen --spec FILE --overlay FILE`: the overlay's facts reach a standalone crate and its
//! manifest; a defective overlay exits 1 naming the overlay and the place in it, and writes nothing.

use std::path::PathBuf;
use std::process::Command;

fn fixture(name: &str) -> PathBuf {
    xtask::codegen::project_root()
        .unwrap()
        .join("generator/tests/fixtures/overlays")
        .join(name)
}

fn gen_with_overlay(out: &std::path::Path, overlay: &str) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["gen", "--spec"])
        .arg(fixture("base.yaml"))
        .arg("--overlay")
        .arg(fixture(overlay))
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn an_overlay_reaches_a_standalone_crate_and_its_manifest() {
    let directory = tempfile::tempdir().unwrap();
    let out = directory.path().join("client");
    let (code, stdout, stderr) = gen_with_overlay(&out, "adds_facts.overlay.yaml");
    assert_eq!(code, 0, "{stdout}{stderr}");
    let manifest = std::fs::read_to_string(out.join("manifest.toml")).unwrap();
    // Named by file name only: no machine-specific path in the output.
    assert!(
        manifest.contains("overlay = \"adds_facts.overlay.yaml\""),
        "{manifest}"
    );
    let module = std::fs::read_to_string(out.join("src/base_client.rs")).unwrap();
    assert!(module.contains("TokenResponseScopeItem"), "{module}");
}

#[test]
fn a_defective_overlay_exits_1_located_and_writes_nothing() {
    for (overlay, location) in [
        ("unknown_target.overlay.yaml", "unknown_target.overlay.yaml at /actions/1/target: action 1: `$.components.schemas.AccessToken.properties` matches nothing in base.yaml"),
        ("bad_jsonpath.overlay.yaml", "bad_jsonpath.overlay.yaml at /actions/0/target"),
        ("malformed.overlay.yaml", "malformed.overlay.yaml:"),
        ("duplicate_keys.overlay.yaml", "duplicate key `description`"),
    ] {
        let directory = tempfile::tempdir().unwrap();
        let out = directory.path().join("client");
        let (code, stdout, stderr) = gen_with_overlay(&out, overlay);
        assert_eq!(code, 1, "{overlay}: {stdout}{stderr}");
        assert!(stderr.contains(location), "{overlay}: {stderr}");
        assert!(!out.exists(), "{overlay}: something was written");
    }
}
