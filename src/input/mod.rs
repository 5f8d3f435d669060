//! Input: the statement lexer ([`scan`]), backslash meta-commands
//! ([`meta`]), and the interactive shell: the line editor ([`editor`]),
//! its rustyline helper ([`helper`]), prompts ([`prompt`]) and colours
//! ([`style`]).

pub mod editor;
pub mod helper;
pub mod meta;
pub mod prompt;
pub mod scan;
pub mod style;
pub mod typeahead;
