//! Input: backslash meta-commands
//! ([`meta`]), and the interactive shell: the line editor ([`editor`]),
//! its rustyline helper ([`helper`]), prompts ([`prompt`]) and colours
//! ([`style`]).

pub mod editor;
pub mod helper;
pub mod meta;
pub mod prompt;
/// The lexer moved to [`crate::lex`]; this name stays for the shell's
/// older paths until they move to `shell`.
pub use crate::lex as scan;
pub mod style;
