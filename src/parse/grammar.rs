//! The pest parser derived from `grammar/qadmin.pest` and `grammar/sql.pest`.
//! Its `Rule` type never leaves `crate::parse`.

#![allow(missing_docs)]

use pest_derive::Parser;

/// The parser for qadmin's grammar.
#[derive(Parser)]
#[grammar = "../grammar/qadmin.pest"]
#[grammar = "../grammar/sql.pest"]
pub struct QadminParser;
