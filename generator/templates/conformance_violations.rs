// Appended to the conformance driver's `support.rs` (see `conformance_driver.rs`), and compiled
// into the generator's tests on its own: it needs `serde_json` only.

/// The violations of Prism's `sl-violations` header. A long list comes as `Too many violations!
/// [...` cut off mid-object (OpenAI's `Compactconversation`, whose 43 KB problem body the client
/// also keeps only the start of): the whole objects before the cut are read, so what the
/// violations are about (request or response) is still known.
pub fn header_violations(header: &str) -> Vec<serde_json::Value> {
    let list = header
        .trim_start_matches("Too many violations!")
        .trim_start();
    if let Ok(violations) = serde_json::from_str::<Vec<serde_json::Value>>(list) {
        return violations
            .into_iter()
            .filter(serde_json::Value::is_object)
            .collect();
    }
    let mut violations = Vec::new();
    let Some(mut rest) = list.strip_prefix('[') else {
        return violations;
    };
    loop {
        let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<serde_json::Value>();
        match stream.next() {
            Some(Ok(violation)) if violation.is_object() => violations.push(violation),
            _ => return violations,
        }
        rest = rest[stream.byte_offset()..].trim_start();
        match rest.strip_prefix(',') {
            Some(after) => rest = after,
            None => return violations,
        }
    }
}
