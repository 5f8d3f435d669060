//! Backslash meta-commands, psql's spelling: a line that starts with `\`.
//! The foundation set: `\q`, `\set`, `\unset`, `\echo`, `\x`, `\pset
//! format|null|tuples_only|expanded`, `\conninfo`. Unknown ones are an
//! error, as in psql (`invalid command \foo`).

use std::io::Write;

use crate::exec::Outcome;
use crate::output::Format;
use crate::session::Session;

/// Run one meta-command line (without its newline).
pub fn run_meta(s: &mut Session, line: &str, out: &mut dyn Write) -> Outcome {
    let line = line.trim_end();
    let (cmd, rest) = match line.find(char::is_whitespace) {
        Some(i) => (&line[..i], line[i..].trim()),
        None => (line, ""),
    };
    let args: Vec<&str> = rest.split_whitespace().collect();
    match cmd {
        "\\q" | "\\quit" => Outcome::Quit,
        "\\echo" => {
            let _ = writeln!(out, "{rest}");
            Outcome::Ok
        }
        "\\set" => {
            if args.is_empty() {
                for (k, v) in &s.vars {
                    let _ = writeln!(out, "{k} = '{v}'");
                }
                return Outcome::Ok;
            }
            let value = args[1..].concat();
            match s.set_var(args[0], &value) {
                Ok(()) => Outcome::Ok,
                Err(m) => {
                    s.client_error(&m);
                    Outcome::Failed
                }
            }
        }
        "\\unset" => match args.first() {
            Some(name) => {
                s.vars.remove(*name);
                Outcome::Ok
            }
            None => {
                s.client_error("\\unset: missing required argument");
                Outcome::Failed
            }
        },
        "\\x" => {
            let v = match args.first() {
                None => Some(!s.settings.print.expanded),
                Some(a) => crate::cli::parse_bool(a),
            };
            match v {
                Some(b) => {
                    s.settings.print.expanded = b;
                    if !s.settings.quiet {
                        let state = if b { "on" } else { "off" };
                        let _ = writeln!(out, "Expanded display is {state}.");
                    }
                    Outcome::Ok
                }
                None => {
                    s.client_error("\\x: expected on or off");
                    Outcome::Failed
                }
            }
        }
        "\\pset" => pset(s, &args, out),
        "\\conninfo" => {
            let p = &s.params;
            let host = p.hosts.first().cloned().unwrap_or_default();
            let port = p.ports.first().copied().unwrap_or(5432);
            let where_ = if host.starts_with('/') {
                format!("via socket in \"{host}\"")
            } else {
                format!("on host \"{host}\"")
            };
            let _ = writeln!(
                out,
                "You are connected to database \"{}\" as user \"{}\" {} at port \"{}\".",
                p.dbname, p.user, where_, port
            );
            Outcome::Ok
        }
        _ => {
            s.client_error(&format!("invalid command {cmd}"));
            Outcome::Failed
        }
    }
}

fn pset(s: &mut Session, args: &[&str], out: &mut dyn Write) -> Outcome {
    let p = &mut s.settings.print;
    let value = args.get(1).copied();
    let msg = match args.first().copied() {
        Some("format") => {
            p.format = match value {
                Some("aligned") => Format::Aligned,
                Some("unaligned") => Format::Unaligned,
                Some("csv") => Format::Csv,
                Some("json") => Format::Json,
                _ => {
                    s.client_error("\\pset: allowed formats are aligned, unaligned, csv, json");
                    return Outcome::Failed;
                }
            };
            format!("Output format is {}.", value.unwrap_or_default())
        }
        Some("null") => {
            p.null_display = value.unwrap_or("").trim_matches('\'').to_string();
            format!("Null display is \"{}\".", p.null_display)
        }
        Some("tuples_only") => {
            p.tuples_only = value
                .and_then(crate::cli::parse_bool)
                .unwrap_or(!p.tuples_only);
            if p.tuples_only {
                "Tuples only is on."
            } else {
                "Tuples only is off."
            }
            .to_string()
        }
        Some("expanded") => {
            p.expanded = value
                .and_then(crate::cli::parse_bool)
                .unwrap_or(!p.expanded);
            if p.expanded {
                "Expanded display is on."
            } else {
                "Expanded display is off."
            }
            .to_string()
        }
        other => {
            s.client_error(&format!("\\pset: unknown option: {}", other.unwrap_or("")));
            return Outcome::Failed;
        }
    };
    if !s.settings.quiet {
        let _ = writeln!(out, "{msg}");
    }
    Outcome::Ok
}
