//! Test vectors for `auth_clients::runtime::basic_authorization_text`: RFC 6749 section 2.3.1 (form-urlencode, join with `:`, base64) and plain HTTP Basic.

use auth_clients::runtime::{
    basic_authorization, basic_authorization_text, bearer_authorization, BasicCredentials, Secret,
};
use base64::Engine as _;

/// `Basic ` + standard base64 (with padding) of `joined`, computed with the base64 crate.
fn basic(joined: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(joined)
    )
}

fn oauth2(id: &str, secret: &str) -> String {
    basic_authorization_text(&BasicCredentials::new(id, secret), true)
}

fn plain(id: &str, secret: &str) -> String {
    basic_authorization_text(&BasicCredentials::new(id, secret), false)
}

#[test]
fn published_vector() {
    assert_eq!(
        oauth2("example.com", "s=cr%t"),
        "Basic ZXhhbXBsZS5jb206cyUzRGNyJTI1dA=="
    );
    assert_eq!(
        oauth2("example.com", "s=cr%t"),
        basic("example.com:s%3Dcr%25t")
    );
}

#[test]
fn plus_is_percent_encoded() {
    assert_eq!(oauth2("client", "a+b"), basic("client:a%2Bb"));
}

#[test]
fn slash_is_percent_encoded() {
    assert_eq!(oauth2("client", "a/b"), basic("client:a%2Fb"));
}

#[test]
fn colon_is_percent_encoded_so_the_split_point_is_unambiguous() {
    assert_eq!(oauth2("client", "a:b"), basic("client:a%3Ab"));
    // A colon in the client id is encoded too: the first `:` still separates id and secret.
    assert_eq!(oauth2("urn:client", "secret"), basic("urn%3Aclient:secret"));
}

#[test]
fn space_becomes_plus() {
    assert_eq!(oauth2("my client", "a b"), basic("my+client:a+b"));
}

#[test]
fn every_special_character_together() {
    assert_eq!(
        oauth2("id&x=y", "+/: %=?#&"),
        basic("id%26x%3Dy:%2B%2F%3A+%25%3D%3F%23%26")
    );
}

#[test]
fn unreserved_characters_stay_as_they_are() {
    assert_eq!(
        oauth2("Client-1.2_3", "Abc-0.9_z"),
        basic("Client-1.2_3:Abc-0.9_z")
    );
}

#[test]
fn non_ascii_is_utf8_percent_encoded() {
    assert_eq!(
        oauth2("client", "pässwörd"),
        basic("client:p%C3%A4ssw%C3%B6rd")
    );
}

#[test]
fn empty_secret() {
    assert_eq!(oauth2("client", ""), basic("client:"));
    assert_eq!(plain("client", ""), basic("client:"));
}

#[test]
fn plain_mode_joins_without_encoding() {
    assert_eq!(plain("example.com", "s=cr%t"), basic("example.com:s=cr%t"));
    assert_eq!(
        plain("example.com", "s=cr%t"),
        "Basic ZXhhbXBsZS5jb206cz1jciV0"
    );
    assert_eq!(plain("client", "a+b/c:d e"), basic("client:a+b/c:d e"));
    assert_ne!(plain("client", "a b"), oauth2("client", "a b"));
}

#[test]
fn authorization_headers_are_marked_sensitive() {
    let credentials = BasicCredentials::new("example.com", "s=cr%t");
    let header = basic_authorization("op", &credentials, true).expect("a valid header");
    assert_eq!(
        header.to_str().unwrap(),
        "Basic ZXhhbXBsZS5jb206cyUzRGNyJTI1dA=="
    );
    assert!(header.is_sensitive());

    let bearer = bearer_authorization("op", &Secret::new("dz_token")).expect("a valid header");
    assert_eq!(bearer.to_str().unwrap(), "Bearer dz_token");
    assert!(bearer.is_sensitive());
}
