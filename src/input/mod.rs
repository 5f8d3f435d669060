//! The rustyline parts of the interactive shell, used by its statement
//! loop ([`crate::shell::repl`]): the helper ([`helper`]) with the
//! completer adapter ([`completer`]), prompts ([`prompt`]), colours
//! ([`style`]) and the terminal reader that keeps every typed or pasted
//! byte ([`typeahead`]); without line editing (`-n`), the plain reader
//! ([`plain`]).

pub mod completer;
pub mod helper;
pub mod plain;
pub mod prompt;
pub mod style;
pub mod typeahead;
