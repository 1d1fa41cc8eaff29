//! Compiles the README's code blocks as doctests, so the documented usage cannot rot.
#![doc = include_str!("../README.md")]
