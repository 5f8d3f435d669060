//! Input: the statement lexer ([`scan`]), backslash meta-commands
//! ([`meta`]) and the interactive line editor ([`editor`]).

pub mod editor;
pub mod meta;
pub mod scan;
