//! Grammar tests (STYLE.md section 11): every command form to its whole
//! AST, errors with their exact text, real SQL through the structured
//! rules, every prefix without a panic, deep nesting, help and docs.

mod commands;
mod doc_examples;
mod errors;
mod help;
mod robust;
mod sql;
