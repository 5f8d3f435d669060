//! SQL through the structured rules (not the fallback).

use crate::input::scan::{split, PieceKind};
use crate::parse::parse_sql;

const EXT_DIR: &str = "/usr/share/postgresql/15/extension";

/// The statements of an extension script, cut by the lexer.
fn pieces(text: &str) -> Vec<String> {
    split(text.as_bytes())
        .into_iter()
        .filter(|p| p.kind == PieceKind::Sql)
        .map(|p| String::from_utf8_lossy(p.text(text.as_bytes())).into_owned())
        .collect()
}

#[test]
fn dev_extension_scripts() {
    for f in ["pgq--3.5.sql", "pgq_node--3.5.sql", "londiste--3.8.sql"] {
        let text = std::fs::read_to_string(format!("{EXT_DIR}/{f}")).unwrap();
        let ps = pieces(&text);
        let mut bad = 0;
        for p in &ps {
            if let Err(e) = parse_sql(p) {
                bad += 1;
                println!("{f}: {e}\n");
            }
        }
        println!("{f}: {} statements, {bad} not structured", ps.len());
    }
}
