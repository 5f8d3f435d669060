//! Lexer + parser over arbitrary bytes: split into statements as the
//! shell does (with standard_conforming_strings on and off), then parse each statement with every entry point, and ask
//! completion at every character boundary of the first (against a small
//! snapshot). Nothing may panic or hang.

#![no_main]

use libfuzzer_sys::fuzz_target;
use qadmin::complete::cache::Catalog;
use qadmin::complete::candidates;
use qadmin::lex::{split, Scanner};
use qadmin::parse;

fn catalog() -> &'static Catalog {
    static CAT: std::sync::OnceLock<Catalog> = std::sync::OnceLock::new();
    CAT.get_or_init(|| {
        let mut c = Catalog::default();
        c.queues = vec!["q1".into()];
        c.relations = vec![("public".into(), "orders".into(), 'r')];
        c.schemas = vec!["public".into()];
        c.columns
            .insert("public.orders".into(), vec!["id".into(), "Total".into()]);
        c.ticks.insert("q1".into(), vec![7]);
        c
    })
}

fuzz_target!(|data: &[u8]| {
    // The lexer as it runs when the server has standard_conforming_strings
    // off ('\'' does not end a string): pieces cover the input in order.
    let mut legacy = Scanner::new();
    legacy.set_standard_conforming_strings(false);
    while let Some(p) = legacy.finish(data) {
        assert!(p.range.start <= p.range.end && p.range.end <= data.len());
    }
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
        if text.len() <= 256 {
            for (i, _) in text.char_indices().chain([(text.len(), ' ')]) {
                let _ = candidates(text, i, catalog());
            }
        }
    }
});
