//! `cargo xtask specs --update` against a loopback HTTP server serving the saved pages and edited copies
//! of them: updates byte for byte, `--check`, authored specs left alone, and every failure (network
//! error, 404, hang, huge page, no block, several blocks) changing nothing. No test touches the internet.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;
use xtask::fetch::FetchLimits;
use xtask::update::{update, UpdateOptions};

/// What the loopback server answers for one path.
#[derive(Clone)]
enum Reply {
    Page(Vec<u8>),
    Status(u16),
    /// Accepts the request and never answers.
    Hang,
    /// Closes the connection without a response.
    Close,
    /// A body of this many bytes.
    Huge(usize),
    /// A redirect to another URL.
    Redirect(String),
}

/// A loopback HTTP/1.1 server on a plain `TcpListener`; each connection gets its own thread, so a
/// hanging reply holds up nothing else. It lives as long as the test process.
struct PageServer {
    port: u16,
}

impl PageServer {
    fn start(routes: BTreeMap<String, Reply>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let routes = routes.clone();
                std::thread::spawn(move || serve(stream, &routes));
            }
        });
        PageServer { port }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

fn serve(mut stream: TcpStream, routes: &BTreeMap<String, Reply>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).is_err() || header.trim().is_empty() {
            break;
        }
    }
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .to_string();
    let respond = |stream: &mut TcpStream, status: &str, extra: &str, body: &[u8]| {
        let head = format!(
            "HTTP/1.1 {status}\r\ncontent-length: {}\r\ncontent-type: text/markdown\r\nconnection: close\r\n{extra}\r\n",
            body.len()
        );
        let _ = stream.write_all(head.as_bytes());
        let _ = stream.write_all(body);
    };
    match routes.get(&path).cloned().unwrap_or(Reply::Status(404)) {
        Reply::Page(body) => respond(&mut stream, "200 OK", "", &body),
        Reply::Status(code) => respond(&mut stream, &format!("{code} Status"), "", b"nope"),
        Reply::Hang => std::thread::sleep(Duration::from_secs(120)),
        Reply::Close => drop(stream),
        Reply::Huge(length) => {
            let head = format!("HTTP/1.1 200 OK\r\ncontent-length: {length}\r\n\r\n");
            let _ = stream.write_all(head.as_bytes());
            let chunk = vec![b'a'; 64 * 1024];
            let mut left = length;
            while left > 0 {
                let size = left.min(chunk.len());
                if stream.write_all(&chunk[..size]).is_err() {
                    return;
                }
                left -= size;
            }
        }
        Reply::Redirect(location) => respond(
            &mut stream,
            "302 Found",
            &format!("location: {location}\r\n"),
            b"",
        ),
    }
    let mut rest = Vec::new();
    let _ = reader.read_to_end(&mut rest);
}

fn real_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn saved(provider_file: &str) -> Vec<u8> {
    std::fs::read(real_root().join("specs").join(provider_file)).unwrap()
}

/// A checkout of its own: a workspace `Cargo.toml`, `xtask/Cargo.toml`, and a copy of `specs/` whose
/// provider.toml files point at the loopback server instead of the providers.
fn checkout(server: &PageServer) -> tempfile::TempDir {
    let directory = tempfile::tempdir().unwrap();
    let root = directory.path();
    std::fs::write(root.join("Cargo.toml"), "[workspace]\n").unwrap();
    std::fs::create_dir_all(root.join("xtask")).unwrap();
    std::fs::write(root.join("xtask/Cargo.toml"), "").unwrap();
    for provider in std::fs::read_dir(real_root().join("specs")).unwrap() {
        let provider = provider.unwrap().path();
        let target = root.join("specs").join(provider.file_name().unwrap());
        std::fs::create_dir_all(&target).unwrap();
        for file in std::fs::read_dir(&provider).unwrap() {
            let file = file.unwrap().path();
            let mut bytes = std::fs::read(&file).unwrap();
            if file.file_name().unwrap() == "provider.toml" {
                let text = String::from_utf8(bytes)
                    .unwrap()
                    .replace(
                        "https://mobile-calendar.gitbook.io/v1/rest-api/auth.md",
                        &server.url("/mobile-calendar.md"),
                    )
                    .replace(
                        "https://mobile-calendar.gitbook.io/v1/overview/authentication.md",
                        &server.url("/mobile-calendar-guide.md"),
                    )
                    .replace(
                        "https://docs.cairhealth.com/api-reference/endpoint/token.md",
                        &server.url("/cair.md"),
                    )
                    .replace(
                        "source_url = \"https://www.ondayzero.com/docs/reference/oauth/get-token/openapi.json\"",
                        &format!("source_url = \"{}\"", server.url("/dayzero.json")),
                    );
                bytes = text.into_bytes();
            }
            std::fs::write(target.join(file.file_name().unwrap()), bytes).unwrap();
        }
    }
    directory
}

/// Every file under `specs/`, with its bytes.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    for provider in std::fs::read_dir(root.join("specs")).unwrap() {
        for file in std::fs::read_dir(provider.unwrap().path()).unwrap() {
            let file = file.unwrap().path();
            files.insert(file.clone(), std::fs::read(&file).unwrap());
        }
    }
    files
}

fn routes_with_saved_pages() -> BTreeMap<String, Reply> {
    BTreeMap::from([
        (
            "/mobile-calendar.md".to_string(),
            Reply::Page(saved("mobile-calendar/rest-api-auth.md")),
        ),
        (
            "/mobile-calendar-guide.md".to_string(),
            Reply::Page(saved("mobile-calendar/overview-authentication.md")),
        ),
        (
            "/cair.md".to_string(),
            Reply::Page(saved("cair-health/get-auth-token.md")),
        ),
        (
            "/dayzero.json".to_string(),
            Reply::Page(saved("dayzero/openapi.json")),
        ),
    ])
}

fn options(provider: Option<&str>) -> UpdateOptions {
    UpdateOptions {
        provider: provider.map(str::to_string),
        limits: FetchLimits {
            total_timeout: Duration::from_secs(5),
            max_bytes: 1024 * 1024,
        },
        ..UpdateOptions::default()
    }
}

fn run_xtask(root: &Path, arguments: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(root)
        .args(arguments)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The Mobile Calendar page with its embedded spec edited: the spec gains a 403 response.
fn edited_mobile_calendar_page() -> (Vec<u8>, Vec<u8>) {
    let page = String::from_utf8(saved("mobile-calendar/rest-api-auth.md")).unwrap();
    let old_responses = r##""401":{"description":"Invalid credentials","content":{"application/json":{"schema":{"$ref":"#/components/schemas/ApiProblem401"}}}}"##;
    assert!(page.contains(old_responses));
    let new_responses = format!(r##"{old_responses},"403":{{"description":"Forbidden"}}"##);
    let page = page
        .replace(old_responses, &new_responses)
        .replace("# Auth\n", "# Auth\n\nEdited.\n");
    let spec = String::from_utf8(saved("mobile-calendar/openapi.json"))
        .unwrap()
        .replace(old_responses, &new_responses);
    (page.into_bytes(), spec.into_bytes())
}

#[test]
fn unchanged_pages_change_nothing_and_check_passes() {
    let server = PageServer::start(routes_with_saved_pages());
    let directory = checkout(&server);
    let before = snapshot(directory.path());
    let report = update(directory.path(), &options(None)).unwrap();
    assert!(!report.differs, "{:#?}", report.lines);
    assert!(report.written.is_empty());
    assert_eq!(snapshot(directory.path()), before);
    let text = report.lines.join("\n");
    assert!(
        text.contains(
            "specs/mobile-calendar/openapi.json: unchanged (the ```json block at line 11)"
        ),
        "{text}"
    );
    assert!(
        text.contains("specs/dayzero/openapi.json: unchanged (the whole file)"),
        "{text}"
    );
    assert!(
        text.contains("specs/mobile-calendar/overview-authentication.md: unchanged"),
        "{text}"
    );
    // The authored provider has no page URL: it is said, not silently skipped.
    assert!(
        text.contains("mobiscroll_connect: the spec is authored"),
        "{text}"
    );

    let (code, stdout, stderr) = run_xtask(directory.path(), &["specs", "--update", "--check"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("every saved page matches the live one"),
        "{stdout}"
    );
    assert_eq!(snapshot(directory.path()), before);
}

#[test]
fn an_edited_page_updates_page_and_spec_byte_for_byte_and_says_what_changed() {
    let (page, spec) = edited_mobile_calendar_page();
    let mut routes = routes_with_saved_pages();
    routes.insert("/mobile-calendar.md".to_string(), Reply::Page(page.clone()));
    let server = PageServer::start(routes);
    let directory = checkout(&server);
    let root = directory.path();
    let before = snapshot(root);

    // --check: exit 1, the change named, nothing written.
    let (code, stdout, stderr) =
        run_xtask(root, &["specs", "--update", "mobile-calendar", "--check"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stderr.contains("live page differs from the saved one"),
        "{stderr}"
    );
    assert!(
        stdout.contains("added /paths/~1auth~1token/post/responses/403"),
        "{stdout}"
    );
    assert_eq!(snapshot(root), before);

    let (code, stdout, stderr) = run_xtask(root, &["specs", "--update", "mobile-calendar"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("specs/mobile-calendar/rest-api-auth.md: changed (+"),
        "{stdout}"
    );
    assert!(
        stdout.contains("+Edited."),
        "the page's diff is shown: {stdout}"
    );
    assert!(
        stdout.contains(
            "specs/mobile-calendar/openapi.json: changed, from the ```json block at line 13"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("added /paths/~1auth~1token/post/responses/403"),
        "{stdout}"
    );
    assert!(
        stdout.contains("wrote specs/mobile-calendar/openapi.json"),
        "{stdout}"
    );
    assert!(
        stdout.contains("cargo xtask gen"),
        "the next step is named: {stdout}"
    );
    assert_eq!(
        std::fs::read(root.join("specs/mobile-calendar/rest-api-auth.md")).unwrap(),
        page
    );
    assert_eq!(
        std::fs::read(root.join("specs/mobile-calendar/openapi.json")).unwrap(),
        spec
    );
    // Nothing else was touched, and the check agrees with what was written.
    let after = snapshot(root);
    let changed: Vec<&PathBuf> = after
        .keys()
        .filter(|path| before.get(*path) != after.get(*path))
        .collect();
    assert_eq!(changed.len(), 2, "{changed:?}");
    let (code, stdout, stderr) = run_xtask(root, &["specs"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let (code, stdout, _) = run_xtask(root, &["specs", "--update", "mobile-calendar", "--check"]);
    assert_eq!(code, 0, "{stdout}");
}

#[test]
fn a_published_file_and_a_mintlify_page_update_too() {
    let mut routes = routes_with_saved_pages();
    let dayzero = String::from_utf8(saved("dayzero/openapi.json"))
        .unwrap()
        .replace("\"version\":\"1.0.0\"", "\"version\":\"1.0.1\"");
    routes.insert(
        "/dayzero.json".to_string(),
        Reply::Page(dayzero.clone().into_bytes()),
    );
    let cair = String::from_utf8(saved("cair-health/get-auth-token.md"))
        .unwrap()
        .replace("  version: 1.0.0\n", "  version: 1.0.1\n")
        .replace("\n", "\r\n");
    routes.insert(
        "/cair.md".to_string(),
        Reply::Page(cair.clone().into_bytes()),
    );
    let server = PageServer::start(routes);
    let directory = checkout(&server);
    let root = directory.path();
    let report = update(root, &options(None)).unwrap();
    let text = report.lines.join("\n");
    assert!(
        text.contains("changed /info/version: \"1.0.0\" -> \"1.0.1\""),
        "{text}"
    );
    assert_eq!(
        std::fs::read(root.join("specs/dayzero/openapi.json")).unwrap(),
        dayzero.as_bytes()
    );
    // CRLF line ends are kept as served: byte for byte means byte for byte.
    assert_eq!(
        std::fs::read(root.join("specs/cair-health/get-auth-token.md")).unwrap(),
        cair.as_bytes()
    );
    let spec = std::fs::read(root.join("specs/cair-health/openapi.yaml")).unwrap();
    assert!(
        spec.starts_with(b"openapi: 3.1.0\r\n"),
        "{}",
        String::from_utf8_lossy(&spec)
    );
    assert!(spec
        .windows(18)
        .any(|window| window == b"  version: 1.0.1\r\n"));
    assert_eq!(run_xtask(root, &["specs"]).0, 0);
}

#[test]
fn failures_change_nothing_and_say_why() {
    let (edited, _) = edited_mobile_calendar_page();
    let no_block = b"# Auth\n\nThe spec moved.\n\n```json\n{\"clientId\": \"x\"}\n```\n".to_vec();
    let mut two_blocks = saved("mobile-calendar/rest-api-auth.md");
    two_blocks.extend_from_slice(b"\n````yaml POST /auth/token\nopenapi: 3.1.0\n````\n");
    let routes = BTreeMap::from([
        ("/edited.md".to_string(), Reply::Page(edited)),
        ("/no-block.md".to_string(), Reply::Page(no_block)),
        ("/two-blocks.md".to_string(), Reply::Page(two_blocks)),
        (
            "/html.json".to_string(),
            Reply::Page(b"<html>Moved</html>".to_vec()),
        ),
        ("/gone.md".to_string(), Reply::Status(404)),
        ("/error.md".to_string(), Reply::Status(500)),
        ("/hang.md".to_string(), Reply::Hang),
        ("/close.md".to_string(), Reply::Close),
        ("/huge.md".to_string(), Reply::Huge(3 * 1024 * 1024)),
        (
            "/redirect.md".to_string(),
            Reply::Redirect("/gone.md".to_string()),
        ),
    ]);
    let server = PageServer::start(routes);
    let directory = checkout(&server);
    let root = directory.path();
    let before = snapshot(root);
    let cases = [
        ("mobile-calendar", "/no-block.md", "has no fenced json or yaml block holding an OpenAPI document"),
        ("mobile-calendar", "/two-blocks.md", "has 2 candidate OpenAPI blocks (the ```json block at line 11, the ````yaml POST /auth/token block at line"),
        ("dayzero", "/html.json", "is not an OpenAPI document"),
        ("mobile-calendar", "/gone.md", "the server answered 404"),
        ("mobile-calendar", "/error.md", "the server answered 500"),
        ("mobile-calendar", "/hang.md", "cannot fetch"),
        ("mobile-calendar", "/close.md", "cannot fetch"),
        ("mobile-calendar", "/huge.md", "larger than the 1048576-byte limit"),
        ("mobile-calendar", "/redirect.md", "the server answered 404"),
    ];
    for (provider, path, expected) in cases {
        let mut options = options(Some(provider));
        options.from = Some(server.url(path));
        let error = format!("{:#}", update(root, &options).expect_err(path));
        assert!(error.contains(expected), "{path}: {error}");
        if path == "/hang.md" {
            assert!(
                error.contains("timeout") || error.contains("timed out"),
                "{error}"
            );
        }
        assert_eq!(snapshot(root), before, "{path} changed something");
    }

    // Several providers: one failure (Cair's page is gone) and nothing is written for the others.
    let mut routes = routes_with_saved_pages();
    routes.insert(
        "/mobile-calendar.md".to_string(),
        Reply::Page(edited_mobile_calendar_page().0),
    );
    routes.insert("/cair.md".to_string(), Reply::Status(404));
    let server = PageServer::start(routes);
    let directory = checkout(&server);
    let before = snapshot(directory.path());
    let (code, stdout, stderr) = run_xtask(directory.path(), &["specs", "--update"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stderr.contains("error: cannot fetch") && stderr.contains("404"),
        "{stderr}"
    );
    assert_eq!(snapshot(directory.path()), before);
}

#[test]
fn plain_http_to_another_host_and_unknown_providers_are_refused() {
    let server = PageServer::start(BTreeMap::new());
    let directory = checkout(&server);
    let root = directory.path();
    let mut refused = options(Some("mobile-calendar"));
    refused.from = Some("http://docs.example.com/page.md".to_string());
    let error = format!("{:#}", update(root, &refused).unwrap_err());
    assert!(error.contains("refusing plain http"), "{error}");
    let error = format!("{:#}", update(root, &options(Some("nobody"))).unwrap_err());
    assert!(
        error.contains("no provider `nobody` under specs/"),
        "{error}"
    );
    assert!(error.contains("mobile-calendar"), "{error}");
    let (code, _, stderr) = run_xtask(root, &["specs", "--update", "--from", "x.md"]);
    assert_eq!(code, 2, "clap refuses --from without a provider: {stderr}");
}

/// Every redirect hop is checked before it is fetched: a plain-http hop to another host is refused by
/// name (nothing on the way may pick the page), and a redirect loop ends with an error.
#[test]
fn a_redirect_to_plain_http_on_another_host_is_refused_before_it_is_followed() {
    let routes = BTreeMap::from([
        (
            // 192.0.2.0/24 is TEST-NET-1: never routed, so nothing outside is reached either way.
            "/downgrade.md".to_string(),
            Reply::Redirect("http://192.0.2.1/page.md".to_string()),
        ),
        (
            "/loop-a.md".to_string(),
            Reply::Redirect("loop-b.md".to_string()),
        ),
        (
            "/loop-b.md".to_string(),
            Reply::Redirect("/loop-a.md".to_string()),
        ),
        (
            "/relative.md".to_string(),
            Reply::Redirect("sub/../page.md".to_string()),
        ),
        ("/page.md".to_string(), Reply::Status(410)),
    ]);
    let server = PageServer::start(routes);
    let directory = checkout(&server);
    let root = directory.path();
    let before = snapshot(root);
    let cases = [
        (
            "/downgrade.md",
            "redirected to http://192.0.2.1/page.md: refusing plain http",
        ),
        ("/loop-a.md", "more than 5 redirects"),
        (
            "/relative.md",
            "the server answered 410 Gone (at http://127.0.0.1:",
        ),
    ];
    for (path, expected) in cases {
        let mut options = options(Some("mobile-calendar"));
        options.from = Some(server.url(path));
        let error = format!("{:#}", update(root, &options).expect_err(path));
        assert!(error.contains(expected), "{path}: {error}");
        assert_eq!(snapshot(root), before, "{path} changed something");
    }
}

#[test]
fn an_authored_spec_is_never_overwritten_and_vanished_names_are_reported() {
    let server = PageServer::start(BTreeMap::new());
    let directory = checkout(&server);
    let root = directory.path();
    let spec_before = std::fs::read(root.join("specs/mobiscroll-connect/openapi.yaml")).unwrap();
    let page = String::from_utf8(saved("mobiscroll-connect/oauth-api.mdx"))
        .unwrap()
        .replace("session_expired", "session_gone");
    let new_page = root.join("new-oauth-api.mdx");
    std::fs::write(&new_page, &page).unwrap();

    // Without --from there is no URL to fetch for this provider: a clear error.
    let error = format!(
        "{:#}",
        update(root, &options(Some("mobiscroll-connect"))).unwrap_err()
    );
    assert!(error.contains("not published at a known URL"), "{error}");

    let mut from_file = options(Some("mobiscroll_connect"));
    from_file.from = Some(new_page.to_string_lossy().into_owned());
    let report = update(root, &from_file).unwrap();
    let text = report.lines.join("\n");
    assert!(
        text.contains("authored, never overwritten by --update"),
        "{text}"
    );
    assert!(
        text.contains("the page no longer mentions [\"session_expired\"]"),
        "{text}"
    );
    assert_eq!(
        report.written,
        vec!["specs/mobiscroll-connect/oauth-api.mdx".to_string()]
    );
    assert_eq!(
        std::fs::read(root.join("specs/mobiscroll-connect/openapi.yaml")).unwrap(),
        spec_before
    );
    // The check now fails, naming the vanished value: the spec must be edited by hand.
    let (code, _, stderr) = run_xtask(root, &["specs"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("session_expired"), "{stderr}");
}

#[cfg(unix)]
/// The temporary file of an atomic write has a predictable name: a symlink planted there (in a
/// checkout, next to the spec) is replaced, not written through, and the spec stays a regular file.
#[test]
fn a_symlink_at_the_temporary_name_is_not_written_through() {
    let (page, spec_bytes) = edited_mobile_calendar_page();
    let mut routes = routes_with_saved_pages();
    routes.insert("/mobile-calendar.md".to_string(), Reply::Page(page));
    let server = PageServer::start(routes);
    let directory = checkout(&server);
    let root = directory.path();
    let outside = root.join("outside.json");
    std::fs::write(&outside, "mine").unwrap();
    let folder = root.join("specs/mobile-calendar");
    for planted in [".openapi.json.xtask-tmp", ".rest-api-auth.md.xtask-tmp"] {
        std::os::unix::fs::symlink(&outside, folder.join(planted)).unwrap();
    }
    update(root, &options(Some("mobile-calendar"))).unwrap();
    assert_eq!(std::fs::read(&outside).unwrap(), b"mine");
    let spec = folder.join("openapi.json");
    assert!(std::fs::symlink_metadata(&spec).unwrap().is_file());
    assert_eq!(std::fs::read(&spec).unwrap(), spec_bytes);
    assert!(!folder.join(".openapi.json.xtask-tmp").exists());
}

#[test]
fn a_symlinked_spec_is_not_written_through() {
    let (page, _) = edited_mobile_calendar_page();
    let mut routes = routes_with_saved_pages();
    routes.insert("/mobile-calendar.md".to_string(), Reply::Page(page));
    let server = PageServer::start(routes);
    let directory = checkout(&server);
    let root = directory.path();
    let outside = root.join("outside.json");
    std::fs::write(&outside, "mine").unwrap();
    let spec = root.join("specs/mobile-calendar/openapi.json");
    std::fs::remove_file(&spec).unwrap();
    std::os::unix::fs::symlink(&outside, &spec).unwrap();
    let error = format!(
        "{:#}",
        update(root, &options(Some("mobile-calendar"))).unwrap_err()
    );
    assert!(error.contains("is a symlink"), "{error}");
    assert_eq!(std::fs::read(&outside).unwrap(), b"mine");
}

/// `cargo xtask specs` on a clone with nothing beside it: pages are in specs/, and an overlay may add
/// only what the saved pages state, each action citing its page.
#[test]
fn the_check_needs_nothing_outside_and_refuses_overlay_facts_no_page_states() {
    let server = PageServer::start(BTreeMap::new());
    let directory = checkout(&server);
    let root = directory.path();
    let (code, stdout, stderr) = run_xtask(root, &["specs"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("specs/mobile-calendar/overlay.yaml: 4 action(s)"),
        "{stdout}"
    );

    let overlay_path = root.join("specs/mobile-calendar/overlay.yaml");
    let overlay = std::fs::read_to_string(&overlay_path).unwrap();
    std::fs::write(
        &overlay_path,
        overlay.replace(
            "- invoices.delete",
            "- invoices.delete\n          - payments.refund",
        ),
    )
    .unwrap();
    let (code, _, stderr) = run_xtask(root, &["specs"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains(
            "specs/mobile-calendar/overlay.yaml adds names or values that none of the saved pages"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("payments.refund"), "{stderr}");

    let uncited = "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.info\n    update: {x-a: 1}\n";
    std::fs::write(&overlay_path, uncited).unwrap();
    let (code, _, stderr) = run_xtask(root, &["specs"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("overlay.yaml at /actions/0: no `description`"),
        "{stderr}"
    );
}

/// Names and statuses an overlay adds are checked wherever they sit: a status nested under the target
/// (`post: {responses: {'418': ..}}`), a target written `['properties']`, a value appended to an
/// `enum` list, a parameter, a path, an integer enum value.
#[test]
fn overlay_facts_nested_or_appended_are_checked_against_the_pages_too() {
    let server = PageServer::start(BTreeMap::new());
    let directory = checkout(&server);
    let root = directory.path();
    let overlay_path = root.join("specs/mobile-calendar/overlay.yaml");
    let cases = [
        (
            "$.paths['/auth/token']",
            "{post: {responses: {'418': {description: teapot}}}}",
            "418",
        ),
        (
            "$.paths['/auth/token']",
            "{post: {responses: {'4XX': {description: x}}}}",
            "4XX",
        ),
        (
            "$.components.schemas.TokenResponse['properties']",
            "{inventedField: {type: string}}",
            "inventedField",
        ),
        (
            "$.components.schemas.TokenResponse[\"properties\"]",
            "{inventedField: {type: string}}",
            "inventedField",
        ),
        (
            "$.components.schemas.TokenResponse.properties.scope.items.enum",
            "payments.refund",
            "payments.refund",
        ),
        (
            "$.components.schemas.TokenResponse.properties.scope.items",
            "{enum: [4711]}",
            "4711",
        ),
        (
            "$.paths['/auth/token'].post",
            "{parameters: [{name: inventedParam, in: query, schema: {type: string}}]}",
            "inventedParam",
        ),
        (
            "$.paths",
            "{'/invented/path': {get: {responses: {'200': {description: ok}}}}}",
            "/invented/path",
        ),
    ];
    for (target, update, invented) in cases {
        let overlay = format!(
            "overlay: 1.0.0\ninfo: {{title: t, version: '1'}}\nactions:\n  - target: \"{}\"\n    description: Authentication guide.\n    update: {update}\n",
            target.replace('\\', "\\\\").replace('"', "\\\"")
        );
        std::fs::write(&overlay_path, &overlay).unwrap();
        let (code, stdout, stderr) = run_xtask(root, &["specs"]);
        assert_eq!(code, 1, "{overlay}\n{stdout}{stderr}");
        assert!(
            stderr.contains("adds names or values that none of the saved pages")
                && stderr.contains(invented),
            "{overlay}\n{stderr}"
        );
    }
}

/// The authentication guide the overlay cites is watched too: a change there is reported and saved,
/// so the overlay can be reviewed against it.
#[test]
fn a_changed_reference_page_is_reported_and_saved() {
    let guide = String::from_utf8(saved("mobile-calendar/overview-authentication.md"))
        .unwrap()
        .replace(
            "| **invoices.delete**      | Delete invoices                   |\n",
            "",
        );
    let mut routes = routes_with_saved_pages();
    routes.insert(
        "/mobile-calendar-guide.md".to_string(),
        Reply::Page(guide.clone().into_bytes()),
    );
    let server = PageServer::start(routes);
    let directory = checkout(&server);
    let root = directory.path();
    let (code, stdout, _) = run_xtask(root, &["specs", "--update", "mobile-calendar", "--check"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("specs/mobile-calendar/overview-authentication.md: changed (+0 -1 lines)"),
        "{stdout}"
    );
    let report = update(root, &options(Some("mobile-calendar"))).unwrap();
    assert_eq!(
        report.written,
        vec!["specs/mobile-calendar/overview-authentication.md".to_string()]
    );
    assert_eq!(
        std::fs::read(root.join("specs/mobile-calendar/overview-authentication.md")).unwrap(),
        guide.as_bytes()
    );
    // The overlay still adds `invoices.delete`, which the saved pages no longer state: the check says so.
    let (code, _, stderr) = run_xtask(root, &["specs"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("invoices.delete"), "{stderr}");
}

/// provider.toml names the files `--update` writes: each must be a plain name in the provider's
/// folder, so no key can make it write outside (or one file over another).
#[test]
fn page_names_that_leave_the_folder_are_refused_before_anything_is_fetched() {
    let server = PageServer::start(routes_with_saved_pages());
    for (from, to, expected) in [
        (
            "docs_page = \"rest-api-auth.md\"",
            "docs_page = \"../../escaped.md\"",
            "`docs_page` = \"../../escaped.md\" must be a plain file name",
        ),
        (
            "docs_page = \"rest-api-auth.md\"",
            "docs_page = \"openapi.json\"",
            "`docs_page` = \"openapi.json\" names a file that provider.toml already uses",
        ),
        (
            "\"overview-authentication.md\" =",
            "\"/tmp/x.md\" =",
            "must be a plain file name",
        ),
        (
            "spec = \"openapi.json\"",
            "spec = \"../../Cargo.toml\"",
            "`spec` = \"../../Cargo.toml\" must be a plain file name",
        ),
    ] {
        let directory = checkout(&server);
        let root = directory.path();
        let config_path = root.join("specs/mobile-calendar/provider.toml");
        let config = std::fs::read_to_string(&config_path).unwrap();
        assert!(config.contains(from), "{from}");
        std::fs::write(&config_path, config.replace(from, to)).unwrap();
        let before = snapshot(root);
        let error = format!(
            "{:#}",
            update(root, &options(Some("mobile-calendar"))).unwrap_err()
        );
        assert!(
            error.contains("specs/mobile-calendar/provider.toml"),
            "{error}"
        );
        assert!(error.contains(expected), "{error}");
        assert_eq!(snapshot(root), before);
        assert!(!root.join("escaped.md").exists());
        let (code, _, stderr) = run_xtask(root, &["specs"]);
        assert_eq!(code, 1, "{stderr}");
        // `gen` reads the spec through the same names, so it refuses them too (an absolute or
        // `../` spec was read from outside the checkout and its path written into generated/).
        let (code, stdout, stderr) = run_xtask(root, &["gen", "--check"]);
        assert_eq!(code, 1, "{stdout}{stderr}");
        assert!(stderr.contains(expected), "{stderr}");
    }
}
