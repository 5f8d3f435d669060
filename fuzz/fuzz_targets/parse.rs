//! Lexer + parser over arbitrary bytes: split into statements as the
//! shell does, then parse each statement (and each prefix of the first,
//! as completion will) with every entry point. Nothing may panic or hang.

#![no_main]

use libfuzzer_sys::fuzz_target;
use qadmin::input::scan::split;
use qadmin::parse;

fuzz_target!(|data: &[u8]| {
    for piece in split(data) {
        let Ok(text) = std::str::from_utf8(piece.text(data)) else {
            continue;
        };
        let _ = parse::is_command(text);
        if let Err(e) = parse::parse_statement(text) {
            let _ = e.to_string();
        }
        let _ = parse::parse_sql(text);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = parse::parse_statement(text);
    }
});
