//! Library half of xtask, so the drift check also runs as a `#[test]`.

pub mod codegen;
pub mod conformance;
pub mod corpus;
pub mod ensure;
pub mod ownership;
pub mod prism;
pub mod provenance;
