//! Colours of the line editor: all of the editor's escape sequences are
//! chosen here. Whether colour is on at all is decided once, elsewhere
//! (stdout a terminal and `NO_COLOR` unset: `PrintOptions::color`); these
//! functions only say which colour each kind of text gets.
//!
//! Strings, quoted identifiers, dollar quotes and comments come from the
//! lexer ([`Lexeme`]); keywords come from the grammar once it exists (see
//! `helper::keyword_spans`); hints are grey.

use nu_ansi_term::{Color, Style};

use crate::lex::lexeme::Lexeme;

/// The style of a kind of text, `None` for plain text.
pub fn lexeme_style(l: Lexeme) -> Option<Style> {
    match l {
        Lexeme::Code | Lexeme::Word => None,
        Lexeme::String => Some(Color::Green.normal()),
        Lexeme::Identifier => Some(Color::Cyan.normal()),
        Lexeme::DollarQuote => Some(Color::Yellow.normal()),
        Lexeme::Comment => Some(Color::DarkGray.normal()),
        Lexeme::Meta => Some(Color::Purple.bold()),
    }
}

/// The style of a keyword of a shell command or of SQL.
pub fn keyword_style() -> Style {
    Color::Blue.bold()
}

/// The style of a hint shown after the cursor (what may come next).
pub fn hint_style() -> Style {
    Color::DarkGray.normal()
}
