//! Library half of xtask, so the drift check also runs as a `#[test]`.

pub mod bench;
pub mod codegen;
pub mod corpus;
pub mod ensure;
pub mod ownership;
pub mod provenance;
