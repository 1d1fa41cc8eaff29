//! Compiles the README's code blocks as doctests, so the documented usage cannot rot.
#![doc = include_str!("../README.md")]

/// `Secret` has no `Display`, so a secret cannot be formatted into a header by mistake:
///
/// ```compile_fail
/// let secret = auth_clients::runtime::Secret::new("token");
/// let _header = format!("Bearer {secret}");
/// ```
///
/// `expose()` is the one way to read it:
///
/// ```
/// let secret = auth_clients::runtime::Secret::new("token");
/// assert_eq!(format!("Bearer {}", secret.expose()), "Bearer token");
/// ```
pub struct SecretHasNoDisplay;
