//! Library half of xtask, so the drift check also runs as a `#[test]`.

pub mod bench;
pub mod codegen;
pub mod conformance;
pub mod corpus;
pub mod enclosing_workspace;
pub mod ensure;
pub mod extract;
pub mod fetch;
pub mod ownership;
pub mod prism;
pub mod provenance;
pub mod release;
pub mod spec_changes;
pub mod update;
