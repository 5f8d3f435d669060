//! The rustyline parts of the interactive shell: the line editor
//! ([`editor`]), its helper ([`helper`]) with the completer adapter
//! ([`completer`]), prompts ([`prompt`]) and colours ([`style`]).

pub mod completer;
pub mod editor;
pub mod helper;
pub mod prompt;
pub mod style;
pub mod typeahead;
