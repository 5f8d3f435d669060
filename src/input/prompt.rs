//! The interactive prompt, psql's way: `PROMPT1` for the first line of a
//! statement, `PROMPT2` for the lines that continue it, both `%`-templates
//! that `\set` may change. The defaults show the queue and the database:
//!
//! ```text
//! replika@node1=> select 'a     -- first line; `=#` for a superuser
//! replika@node1'> b'            -- inside a string
//! replika@node1->  as x;        -- statement continues
//! (noqueue)@db=>                -- no default queue
//! ```
//!
//! `%R` is psql's state marker: `=` on a first line (`!` when not
//! connected), then `-` inside a statement, `'` in a string, `"` in a
//! quoted identifier, `$` in a dollar quote, `*` in a comment and `(`
//! inside parentheses, all taken from the lexer's [`ScanState`].
//!
//! Escapes (psql's, plus `%q`): `%q` queue or `(noqueue)`, `%/` database,
//! `%~` database or `~` when it is the default one, `%n` user, `%m` host
//! up to the first dot (`[local]` for a socket), `%M` full host, `%>`
//! port, `%R` state marker, `%x` transaction status (`*` in a transaction
//! block, `!` in a failed one), `%#` `#` for a superuser else `>`, `%l`
//! line number within the statement, `%%` a percent sign.
//!
//! `PROMPT3` is the prompt for COPY FROM STDIN data typed at the
//! terminal ([`copy_prompt`]; psql's default `>> `), the same escapes
//! with `%R` standing for nothing.
//!
//! Pure text; the editor calls [`prompt`] before each line.

use crate::lex::ScanState;
use crate::session::{Session, TxState};

/// psql's PROMPT1, with the queue in front.
pub const DEFAULT_PROMPT1: &str = "%q@%/%R%x%# ";
/// psql's PROMPT2, with the queue in front.
pub const DEFAULT_PROMPT2: &str = "%q@%/%R%x%# ";

/// What a prompt may show, taken from the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptContext<'a> {
    /// The default queue (`-Q`, `queue=`), if any.
    pub queue: Option<&'a str>,
    /// The database.
    pub dbname: &'a str,
    /// The user.
    pub user: &'a str,
    /// The first host or socket directory.
    pub host: &'a str,
    /// Its port.
    pub port: u16,
    /// Whether a connection is open.
    pub connected: bool,
    /// Whether the user is a superuser (the server said so).
    pub superuser: bool,
    /// The transaction state.
    pub tx: TxState,
    /// Line number within the pending statement (1 on a first line).
    pub line: usize,
    /// Inside an inactive `\if` branch (`%R` shows `@`).
    pub inactive: bool,
    /// SINGLELINE is on (`%R` shows `^` on a first line).
    pub single_line: bool,
}

impl<'a> PromptContext<'a> {
    /// The context of a session; `line` is the line number within the
    /// pending statement.
    pub fn of(s: &'a Session, line: usize) -> Self {
        let p = &s.params;
        PromptContext {
            queue: s.queue.as_deref(),
            dbname: &p.dbname,
            user: &p.user,
            host: p.hosts.first().map(String::as_str).unwrap_or(""),
            port: p.ports.first().copied().unwrap_or(5432),
            connected: s.is_connected(),
            superuser: s.server.as_ref().is_some_and(|i| i.superuser),
            tx: s.tx,
            line,
            inactive: !s.cond.active(),
            single_line: s.flag("SINGLELINE"),
        }
    }
}

/// The prompt for the next line of a session: `PROMPT1` when nothing is
/// pending (`state` is [`ScanState::Ready`]), else `PROMPT2`; the
/// variables when set, else the defaults.
pub fn prompt(s: &Session, state: ScanState, line: usize) -> String {
    let (name, default) = if state == ScanState::Ready {
        ("PROMPT1", DEFAULT_PROMPT1)
    } else {
        ("PROMPT2", DEFAULT_PROMPT2)
    };
    let template = s.vars.get(name).map(String::as_str).unwrap_or(default);
    render(template, &PromptContext::of(s, line), state)
}

/// The prompt for a line of COPY FROM STDIN data at the terminal:
/// `PROMPT3` expanded (`%R` is nothing there, as in psql), empty when
/// the variable is unset.
pub fn copy_prompt(s: &Session) -> String {
    let template = s.vars.get("PROMPT3").map(String::as_str).unwrap_or("");
    render_in(template, &PromptContext::of(s, 1), None)
}

/// psql's `%R`: the state marker.
pub fn state_marker(state: ScanState, connected: bool) -> char {
    match state {
        ScanState::Ready if !connected => '!',
        ScanState::Ready => '=',
        ScanState::Continue => '-',
        ScanState::SingleQuote => '\'',
        ScanState::DoubleQuote => '"',
        ScanState::DollarQuote => '$',
        ScanState::Comment => '*',
        ScanState::Paren(_) => '(',
    }
}

/// Expand a prompt template. An unknown escape stands for itself, as in
/// psql.
pub fn render(template: &str, c: &PromptContext<'_>, state: ScanState) -> String {
    render_in(template, c, Some(state))
}

/// [`render`] for PROMPT1/2 (`Some(state)`) or PROMPT3 (`None`).
fn render_in(template: &str, c: &PromptContext<'_>, state: Option<ScanState>) -> String {
    let mut out = String::with_capacity(template.len() + c.dbname.len() + 16);
    let mut chars = template.chars();
    while let Some(ch) = chars.next() {
        if ch != '%' {
            out.push(ch);
            continue;
        }
        let Some(e) = chars.next() else {
            break;
        };
        match e {
            'q' => out.push_str(c.queue.unwrap_or("(noqueue)")),
            '/' => out.push_str(c.dbname),
            '~' => {
                if c.dbname == c.user {
                    out.push('~');
                } else {
                    out.push_str(c.dbname);
                }
            }
            'n' => out.push_str(c.user),
            'm' | 'M' => {
                if c.host.is_empty() || c.host.starts_with('/') || c.host.starts_with('@') {
                    out.push_str("[local]");
                } else if e == 'm' && c.host.parse::<std::net::IpAddr>().is_err() {
                    out.push_str(c.host.split('.').next().unwrap_or(c.host));
                } else {
                    out.push_str(c.host);
                }
            }
            '>' => out.push_str(&c.port.to_string()),
            // psql: `@` on a first line inside an inactive `\if` branch.
            'R' => match state {
                None => {}
                Some(ScanState::Ready) if c.inactive => out.push('@'),
                // psql: `^` on a first line in single-line mode.
                Some(ScanState::Ready) if c.single_line && c.connected => out.push('^'),
                Some(state) => out.push(state_marker(state, c.connected)),
            },
            'x' => match c.tx {
                TxState::Idle => {}
                TxState::InTx => out.push('*'),
                TxState::Failed => out.push('!'),
            },
            '#' => out.push(if c.superuser { '#' } else { '>' }),
            'l' => out.push_str(&c.line.to_string()),
            '%' => out.push('%'),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> PromptContext<'static> {
        PromptContext {
            queue: None,
            dbname: "node1",
            user: "marko",
            host: "/var/run/postgresql",
            port: 5432,
            connected: true,
            superuser: false,
            tx: TxState::Idle,
            line: 1,
            inactive: false,
            single_line: false,
        }
    }

    #[test]
    fn an_inactive_if_branch_shows_at_on_a_first_line() {
        let c = PromptContext {
            inactive: true,
            single_line: false,
            ..ctx()
        };
        assert_eq!(
            render(DEFAULT_PROMPT1, &c, ScanState::Ready),
            "(noqueue)@node1@> "
        );
        assert_eq!(
            render(DEFAULT_PROMPT2, &c, ScanState::Continue),
            "(noqueue)@node1-> "
        );
    }

    #[test]
    fn first_line_shows_queue_and_database() {
        let mut c = ctx();
        assert_eq!(
            render(DEFAULT_PROMPT1, &c, ScanState::Ready),
            "(noqueue)@node1=> "
        );
        c.queue = Some("replika");
        assert_eq!(
            render(DEFAULT_PROMPT1, &c, ScanState::Ready),
            "replika@node1=> "
        );
        c.superuser = true;
        assert_eq!(
            render(DEFAULT_PROMPT1, &c, ScanState::Ready),
            "replika@node1=# "
        );
    }

    #[test]
    fn continuation_lines_show_the_lexer_state() {
        let c = PromptContext {
            queue: Some("q"),
            ..ctx()
        };
        for (state, want) in [
            (ScanState::Continue, "q@node1-> "),
            (ScanState::SingleQuote, "q@node1'> "),
            (ScanState::DoubleQuote, "q@node1\"> "),
            (ScanState::DollarQuote, "q@node1$> "),
            (ScanState::Comment, "q@node1*> "),
            (ScanState::Paren(2), "q@node1(> "),
        ] {
            assert_eq!(render(DEFAULT_PROMPT2, &c, state), want, "{state:?}");
        }
    }

    #[test]
    fn transaction_state_and_disconnection_show_like_psql() {
        let mut c = ctx();
        c.tx = TxState::InTx;
        assert_eq!(
            render(DEFAULT_PROMPT1, &c, ScanState::Ready),
            "(noqueue)@node1=*> "
        );
        c.tx = TxState::Failed;
        assert_eq!(
            render(DEFAULT_PROMPT1, &c, ScanState::Ready),
            "(noqueue)@node1=!> "
        );
        c.tx = TxState::Idle;
        c.connected = false;
        assert_eq!(
            render(DEFAULT_PROMPT1, &c, ScanState::Ready),
            "(noqueue)@node1!> "
        );
    }

    #[test]
    fn the_copy_prompt_has_no_state_marker() {
        let c = ctx();
        assert_eq!(render_in(">> ", &c, None), ">> ");
        assert_eq!(render_in("%/%R%# data> ", &c, None), "node1> data> ");
    }

    #[test]
    fn psql_escapes() {
        let mut c = ctx();
        c.line = 3;
        assert_eq!(
            render("%n@%m:%>/%~ %l %% %z%", &c, ScanState::Ready),
            "marko@[local]:5432/node1 3 % z"
        );
        c.host = "db1.example.com";
        c.dbname = "marko";
        assert_eq!(
            render("%m %M %~", &c, ScanState::Ready),
            "db1 db1.example.com ~"
        );
        c.host = "10.0.0.1";
        assert_eq!(render("%m", &c, ScanState::Ready), "10.0.0.1");
    }
}
