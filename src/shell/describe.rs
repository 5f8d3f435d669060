//! psql's describe commands, the ones operators type first: `\d`,
//! `\d NAME`, `\d+`, `\dt`, `\di`, `\ds`, `\dv`, `\dm`, `\dE` (and
//! their combinations such as `\dti`), `\dn`, `\du` / `\dg`, `\l`,
//! `\dx`, `\df`, `\sf`, `\sv`, and those psql's own suite uses: the
//! SQL/MED `\dew`, `\des`, `\deu`, `\det`, `\dl` (`\lo_list`), `\dA`
//! and `\dAc` / `\dAf` / `\dAo` / `\dAp` (two patterns), `\dL`, `\dO`,
//! `\dc`, `\dC`, `\dconfig`, `\ddp`, `\dF+`, `\dFp+`, `\dx+` ... with psql 15's
//! patterns, `+` (more columns) and `S` (system objects too), titles,
//! footers and messages.
//!
//! The SQL is [`crate::catalog::describe`]'s; this module reads the
//! command, runs the queries on the session's connection (not echoed,
//! not counted in `ROW_COUNT`, as psql's hidden queries) and prints
//! them with the session's `\pset` options, to the `\o` target.

use std::io::Write;

use crate::catalog::describe::{self as sql, Listing, Pattern, RelKinds};
use crate::exec::Outcome;
use crate::output::{self, Column, PrintOptions, ResultSet};
use crate::session::Session;

/// Whether `cmd` is a describe command this module runs.
pub fn handles(cmd: &str) -> bool {
    parse(cmd).is_some()
}

/// A describe command, read from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Which {
    /// `\d` with letters of `tivmsE` (none: all but indexes).
    Relations(RelKinds),
    Schemas,
    Roles,
    Databases,
    Extensions,
    /// `\df` with psql's kind letters as bits of `anptw` (none: all).
    Functions(u8),
    Aggregates,
    Tablespaces,
    Types,
    Domains,
    EventTriggers,
    Privileges,
    ExtendedStats,
    Publications,
    Subscriptions,
    FunctionSource,
    ViewSource,
    /// `\dew`, `\des`, `\deu`, `\det`: psql's SQL/MED listings.
    ForeignDataWrappers,
    ForeignServers,
    UserMappings,
    ForeignTables,
    /// `\dl` (and `\lo_list`).
    LargeObjects,
    AccessMethods,
    Languages,
    Collations,
    Conversions,
    Casts,
    /// `\dconfig`.
    Config,
    /// `\ddp`.
    DefaultAcls,
    /// `\drds [ROLEPATTERN [DBPATTERN]]`.
    RoleSettings,
    /// `\dP` with psql's letters `t`, `i`, `n` (tables, indexes, nested).
    Partitioned(bool, bool, bool),
    /// `\do OP [TYPE [TYPE]]`.
    Operators,
    /// `\dF` (`c`), `\dFp`, `\dFd`, `\dFt`: text search objects.
    TextSearch(char),
    /// `\dd`.
    ObjectDescriptions,
    /// `\dAc`, `\dAf`, `\dAo`, `\dAp` (`c`, `f`, `o`, `p`): operator
    /// classes, operator families, their operators and support functions;
    /// an access method pattern, then a type or family pattern.
    OperatorFamilies(char),
}

/// The command's kind, `+` and `S`.
fn parse(cmd: &str) -> Option<(Which, bool, bool)> {
    let name = cmd.strip_prefix('\\')?;
    let (base, mods) = match name {
        "l" | "l+" | "list" | "list+" => {
            return Some((Which::Databases, name.ends_with('+'), false))
        }
        "sf" | "sf+" => return Some((Which::FunctionSource, name.ends_with('+'), false)),
        "z" | "zS" => return Some((Which::Privileges, false, false)),
        "sv" | "sv+" => return Some((Which::ViewSource, name.ends_with('+'), false)),
        _ => {
            let rest = name.strip_prefix('d')?;
            let cut = rest.find(['S', '+']).unwrap_or(rest.len());
            rest.split_at(cut)
        }
    };
    if !mods.chars().all(|c| c == 'S' || c == '+') {
        return None;
    }
    let verbose = mods.contains('+');
    let system = mods.contains('S');
    let which = match base {
        "n" => Which::Schemas,
        "u" | "g" => Which::Roles,
        "x" => Which::Extensions,
        "a" => Which::Aggregates,
        "b" => Which::Tablespaces,
        "T" => Which::Types,
        "D" => Which::Domains,
        "y" => Which::EventTriggers,
        "p" => Which::Privileges,
        "X" => Which::ExtendedStats,
        "Rp" => Which::Publications,
        "Rs" => Which::Subscriptions,
        "l" => Which::LargeObjects,
        "A" => Which::AccessMethods,
        "Ac" => Which::OperatorFamilies('c'),
        "Af" => Which::OperatorFamilies('f'),
        "Ao" => Which::OperatorFamilies('o'),
        "Ap" => Which::OperatorFamilies('p'),
        "L" => Which::Languages,
        "O" => Which::Collations,
        "c" => Which::Conversions,
        "C" => Which::Casts,
        "config" => Which::Config,
        "dp" => Which::DefaultAcls,
        "rds" => Which::RoleSettings,
        "o" => Which::Operators,
        "d" => Which::ObjectDescriptions,
        "F" => Which::TextSearch('c'),
        "Fp" => Which::TextSearch('p'),
        "Fd" => Which::TextSearch('d'),
        "Ft" => Which::TextSearch('t'),
        p if p.starts_with('P') && p[1..].chars().all(|c| "tin".contains(c)) => {
            Which::Partitioned(p.contains('t'), p[1..].contains('i'), p.contains('n'))
        }
        "ew" => Which::ForeignDataWrappers,
        "es" => Which::ForeignServers,
        "eu" => Which::UserMappings,
        "et" => Which::ForeignTables,
        f if f.starts_with('f') && f[1..].chars().all(|c| "anptw".contains(c)) => {
            let mut mask = 0u8;
            for (bit, c) in "anptw".chars().enumerate() {
                if f[1..].contains(c) {
                    mask |= 1 << bit;
                }
            }
            Which::Functions(mask)
        }
        letters if letters.chars().all(|c| "tivmsE".contains(c)) => {
            let mut k = RelKinds::default();
            if letters.is_empty() {
                k = RelKinds {
                    tables: true,
                    views: true,
                    matviews: true,
                    sequences: true,
                    foreign: true,
                    indexes: false,
                };
            }
            for c in letters.chars() {
                match c {
                    't' => k.tables = true,
                    'i' => k.indexes = true,
                    'v' => k.views = true,
                    'm' => k.matviews = true,
                    's' => k.sequences = true,
                    _ => k.foreign = true,
                }
            }
            Which::Relations(k)
        }
        _ => return None,
    };
    Some((which, verbose, system))
}

/// Run a describe command with its arguments (the first is the pattern).
pub fn run(s: &mut Session, cmd: &str, args: &[&str], out: &mut dyn Write) -> Outcome {
    // What came before is out before any ECHO_HIDDEN echo.
    let _ = out.flush();
    let Some((which, verbose, system)) = parse(cmd) else {
        s.client_error(&format!("invalid command {cmd}"));
        return Outcome::Failed;
    };
    if s.client().is_none() {
        s.client_error("You are currently not connected to a database.");
        return Outcome::Failed;
    }
    // psql reads these arguments with trailing semicolons dropped
    // (`\d t1;`).
    let raw = args
        .first()
        .map(|a| a.trim_end_matches(';'))
        .filter(|a| !a.is_empty());
    // `\sf` / `\sv` take the whole object name, not a pattern.
    if matches!(which, Which::FunctionSource | Which::ViewSource) {
        return source(s, which, args, verbose, out);
    }
    if which == Which::RoleSettings {
        return role_settings(s, raw, args.get(1).copied(), out);
    }
    let pattern = raw.map(|r| Pattern::parse_with(r, which == Which::Operators));
    if let Some(p) = &pattern {
        let max = match which {
            Which::Relations(_)
            | Which::Functions(_)
            | Which::Aggregates
            | Which::Types
            | Which::Domains
            | Which::Privileges
            | Which::ExtendedStats
            | Which::ForeignTables
            | Which::Collations
            | Which::Conversions
            | Which::Casts
            | Which::DefaultAcls
            | Which::Partitioned(..)
            | Which::Operators
            | Which::TextSearch(_)
            | Which::ObjectDescriptions => 3,
            Which::Schemas | Which::Languages => 2,
            Which::Config => usize::MAX,
            _ => 1,
        };
        if !valid_pattern(s, p, raw.unwrap_or_default(), max) {
            return Outcome::Failed;
        }
    }
    let pat = pattern.as_ref();
    let r = match which {
        Which::Relations(k) if raw.is_some() && k == all_but_indexes() => {
            return describe_each(
                s,
                pat.expect("pattern given"),
                raw.unwrap_or(""),
                verbose,
                system,
                out,
            );
        }
        Which::Relations(k) => listing(
            s,
            &sql::list_relations(k, pat, verbose, system, s.flag("HIDE_TABLEAM")),
            "List of relations",
            out,
            raw.map(|p| format!("Did not find any relation named \"{p}\".")),
            Some("Did not find any relations.".into()),
        ),
        Which::Schemas => schemas(s, pat, raw, verbose, system, out),
        Which::Databases => plain(
            s,
            &sql::list_databases(pat, verbose),
            "List of databases",
            out,
        ),
        Which::Extensions if verbose => extension_contents(s, pat, raw.unwrap_or_default(), out),
        Which::Extensions => plain(
            s,
            &sql::list_extensions(pat),
            "List of installed extensions",
            out,
        ),
        Which::Functions(mask) => listing(
            s,
            &sql::list_functions(
                pat,
                verbose,
                system,
                &"anptw"
                    .chars()
                    .enumerate()
                    .filter(|(bit, _)| mask & (1 << bit) != 0)
                    .map(|(_, c)| c)
                    .collect::<String>(),
                args.get(1..).unwrap_or_default(),
            ),
            "List of functions",
            out,
            None,
            None,
        ),
        Which::Roles => roles(s, pat, verbose, system, out),
        Which::Aggregates => plain(
            s,
            &sql::list_aggregates(pat, system),
            "List of aggregate functions",
            out,
        ),
        Which::Tablespaces => plain(
            s,
            &sql::list_tablespaces(pat, verbose),
            "List of tablespaces",
            out,
        ),
        Which::Types => plain(
            s,
            &sql::list_types(pat, verbose, system),
            "List of data types",
            out,
        ),
        Which::Domains => plain(
            s,
            &sql::list_domains(pat, verbose, system),
            "List of domains",
            out,
        ),
        Which::EventTriggers => plain(
            s,
            &sql::list_event_triggers(pat, verbose),
            "List of event triggers",
            out,
        ),
        Which::ExtendedStats => plain(
            s,
            &sql::list_extended_stats(pat),
            "List of extended statistics",
            out,
        ),
        Which::Publications if verbose => publications(s, pat, raw.unwrap_or_default(), out),
        Which::Publications => plain(
            s,
            &sql::list_publications(pat, false),
            "List of publications",
            out,
        ),
        Which::Subscriptions => plain(
            s,
            &sql::list_subscriptions(pat, verbose),
            "List of subscriptions",
            out,
        ),
        Which::Privileges => plain(s, &sql::list_privileges(pat), "Access privileges", out),
        Which::ForeignDataWrappers => plain(
            s,
            &sql::list_foreign_data_wrappers(pat, verbose),
            "List of foreign-data wrappers",
            out,
        ),
        Which::ForeignServers => plain(
            s,
            &sql::list_foreign_servers(pat, verbose),
            "List of foreign servers",
            out,
        ),
        Which::UserMappings => plain(
            s,
            &sql::list_user_mappings(pat, verbose),
            "List of user mappings",
            out,
        ),
        Which::OperatorFamilies(kind) => {
            operator_families(s, kind, pat, args.get(1).copied(), verbose, out)
        }
        Which::AccessMethods => plain(
            s,
            &sql::list_access_methods(pat, verbose),
            "List of access methods",
            out,
        ),
        Which::Languages => plain(
            s,
            &sql::list_languages(pat, verbose, system),
            "List of languages",
            out,
        ),
        Which::Collations => plain(
            s,
            &sql::list_collations(pat, verbose, system),
            "List of collations",
            out,
        ),
        Which::Conversions => plain(
            s,
            &sql::list_conversions(pat, verbose, system),
            "List of conversions",
            out,
        ),
        Which::Casts => plain(s, &sql::list_casts(pat, verbose), "List of casts", out),
        Which::Partitioned(t, i, n) => {
            let (t, i) = if !t && !i { (true, true) } else { (t, i) };
            let what = match (t, i) {
                (false, true) => "partitioned indexes",
                (true, false) => "partitioned tables",
                _ => "partitioned relations",
            };
            plain(
                s,
                &sql::list_partitioned(pat, verbose, (t, i, n)),
                &format!("List of {what}"),
                out,
            )
        }
        Which::TextSearch('c') if verbose => ts_configs(s, pat, raw.unwrap_or_default(), out),
        Which::TextSearch('p') if verbose => ts_parsers(s, pat, raw.unwrap_or_default(), out),
        Which::TextSearch(kind) => plain(
            s,
            &sql::list_text_search(kind, pat, verbose),
            match kind {
                'p' => "List of text search parsers",
                'd' => "List of text search dictionaries",
                't' => "List of text search templates",
                _ => "List of text search configurations",
            },
            out,
        ),
        Which::ObjectDescriptions => plain(
            s,
            &sql::list_object_descriptions(pat, system),
            "Object descriptions",
            out,
        ),
        Which::Operators => plain(
            s,
            &sql::list_operators(pat, args.get(1..).unwrap_or_default(), verbose, system),
            "List of operators",
            out,
        ),
        Which::DefaultAcls => plain(
            s,
            &sql::list_default_acls(pat),
            "Default access privileges",
            out,
        ),
        Which::Config => plain(
            s,
            &sql::list_config(pat, verbose),
            if pat.is_some() {
                "List of configuration parameters"
            } else {
                "List of non-default configuration parameters"
            },
            out,
        ),
        Which::LargeObjects => plain(s, &sql::list_large_objects(verbose), "Large objects", out),
        Which::ForeignTables => plain(
            s,
            &sql::list_foreign_tables(pat, verbose),
            "List of foreign tables",
            out,
        ),
        Which::FunctionSource | Which::ViewSource | Which::RoleSettings => {
            unreachable!("{which:?} in describe::run")
        }
    };
    r
}

/// `\dx+` (psql's `listExtensionContents`): each matching extension's
/// objects as a table of its own; none is an error.
fn extension_contents(
    s: &mut Session,
    pat: Option<&Pattern>,
    raw: &str,
    out: &mut dyn Write,
) -> Outcome {
    let Some(l) = fetch(s, &sql::find_extensions(pat)) else {
        return Outcome::Failed;
    };
    if l.rows.is_empty() {
        return none_found(s, "extension", pat.map(|_| raw));
    }
    for i in 0..l.rows.len() {
        let Some(objects) = fetch(s, &sql::extension_objects(l.get(i, 1))) else {
            return Outcome::Failed;
        };
        let title = format!("Objects in extension \"{}\"", l.get(i, 0));
        print(s, &result_set(objects), &title, None, out);
    }
    Outcome::Ok
}

/// psql's `Did not find any NOUN named "PATTERN".` (or `... any
/// NOUNs.`) unless quiet; the command fails.
fn none_found(s: &mut Session, noun: &str, pattern: Option<&str>) -> Outcome {
    if !s.settings.quiet {
        s.client_error(&match pattern {
            Some(p) => format!("Did not find any {noun} named \"{p}\"."),
            None => format!("Did not find any {noun}s."),
        });
    }
    Outcome::Failed
}

/// `schema.name` quoted as psql's titles quote it (`"name"` alone when
/// the schema is NULL).
fn qualified(schema: Option<&str>, name: &str) -> String {
    match schema {
        Some(sc) => format!("\"{sc}.{name}\""),
        None => format!("\"{name}\""),
    }
}

/// `\dF+` (psql's `listTSConfigsVerbose`): each configuration's token
/// types and dictionaries, titled with it and its parser.
fn ts_configs(s: &mut Session, pat: Option<&Pattern>, raw: &str, out: &mut dyn Write) -> Outcome {
    let Some(l) = fetch(s, &sql::find_ts_configs(pat)) else {
        return Outcome::Failed;
    };
    if l.rows.is_empty() {
        return none_found(s, "text search configuration", pat.map(|_| raw));
    }
    for i in 0..l.rows.len() {
        let cell = |j: usize| l.rows[i].get(j).and_then(|c| c.as_deref());
        let Some(map) = fetch(s, &sql::ts_config_mappings(l.get(i, 0))) else {
            return Outcome::Failed;
        };
        let title = format!(
            "Text search configuration {}\nParser: {}",
            qualified(cell(2), l.get(i, 1)),
            qualified(cell(4), l.get(i, 3))
        );
        print(s, &result_set(map), &title, Some(Vec::new()), out);
    }
    Outcome::Ok
}

/// `\dFp+` (psql's `listTSParsersVerbose`): each parser's methods
/// (no footer), then its token types.
fn ts_parsers(s: &mut Session, pat: Option<&Pattern>, raw: &str, out: &mut dyn Write) -> Outcome {
    let Some(l) = fetch(s, &sql::find_ts_parsers(pat)) else {
        return Outcome::Failed;
    };
    if l.rows.is_empty() {
        return none_found(s, "text search parser", pat.map(|_| raw));
    }
    for i in 0..l.rows.len() {
        let oid = l.get(i, 0).to_string();
        let name = qualified(l.rows[i].get(1).and_then(|c| c.as_deref()), l.get(i, 2));
        let Some(methods) = fetch(s, &sql::ts_parser_methods(&oid)) else {
            return Outcome::Failed;
        };
        print(
            s,
            &result_set(methods),
            &format!("Text search parser {name}"),
            Some(Vec::new()),
            out,
        );
        let Some(tokens) = fetch(s, &sql::ts_parser_tokens(&oid)) else {
            return Outcome::Failed;
        };
        print(
            s,
            &result_set(tokens),
            &format!("Token types for parser {name}"),
            None,
            out,
        );
    }
    Outcome::Ok
}

/// psql's validateSQLNamePattern: schema-qualified objects take
/// `db.schema.name` (the current database only), the others `db.name`
/// (`max` parts at most); false after the error is reported.
fn valid_pattern(s: &mut Session, p: &Pattern, raw: &str, max: usize) -> bool {
    if p.parts > max {
        s.client_error(&format!(
            "improper qualified name (too many dotted names): {raw}"
        ));
        return false;
    }
    // psql 15 refuses `db.schema` for `\dn` whatever the database.
    let db_part = match (p.parts, max) {
        (3, 3) => p.database.clone(),
        (2, 2) => Some(String::new()),
        _ => None,
    };
    if let Some(db) = db_part.filter(|_| max > 1) {
        if db != s.params.dbname {
            s.client_error(&format!(
                "cross-database references are not implemented: {raw}"
            ));
            return false;
        }
    }
    true
}

/// `\dAc`, `\dAf`, `\dAo`, `\dAp` (psql's `listOperatorClasses`,
/// `listOperatorFamilies`, `listOpFamilyOperators`,
/// `listOpFamilyFunctions`): the access method pattern (one part) was
/// checked; the second (a type for `c` and `f`, a family for `o` and
/// `p`) takes `db.schema.name`.
fn operator_families(
    s: &mut Session,
    kind: char,
    am: Option<&Pattern>,
    second: Option<&str>,
    verbose: bool,
    out: &mut dyn Write,
) -> Outcome {
    // psql reads the second pattern only after a first one.
    let second = second
        .filter(|_| am.is_some())
        .map(|a| a.trim_end_matches(';'))
        .filter(|a| !a.is_empty());
    let p2 = second.map(Pattern::parse);
    if let (Some(p), Some(raw)) = (&p2, second) {
        if !valid_pattern(s, p, raw, 3) {
            return Outcome::Failed;
        }
    }
    let (q, title) = match kind {
        'c' => (
            sql::list_operator_classes(am, p2.as_ref(), verbose),
            "List of operator classes",
        ),
        'f' => (
            sql::list_operator_families(am, p2.as_ref(), verbose),
            "List of operator families",
        ),
        'o' => (
            sql::list_opfamily_operators(am, p2.as_ref(), verbose),
            "List of operators of operator families",
        ),
        _ => (
            sql::list_opfamily_functions(am, p2.as_ref(), verbose),
            "List of support functions of operator families",
        ),
    };
    plain(s, &q, title, out)
}

/// `\drds` (psql's `listDbRoleSettings`): a role and a database
/// pattern (one part each); no rows is psql's message, not a table
/// (with `-q`, the empty table).
fn role_settings(
    s: &mut Session,
    role: Option<&str>,
    db: Option<&str>,
    out: &mut dyn Write,
) -> Outcome {
    let db = db
        .map(|d| d.trim_end_matches(';'))
        .filter(|d| !d.is_empty());
    for p in [role, db].into_iter().flatten() {
        if Pattern::parse(p).parts > 1 {
            s.client_error(&format!(
                "improper qualified name (too many dotted names): {p}"
            ));
            return Outcome::Failed;
        }
    }
    let q = sql::list_role_settings(
        role.map(Pattern::parse).as_ref(),
        db.map(Pattern::parse).as_ref(),
    );
    let Some(l) = fetch(s, &q) else {
        return Outcome::Failed;
    };
    if l.rows.is_empty() && !s.settings.quiet {
        s.client_error(&match (role, db) {
            (Some(r), Some(d)) => {
                format!("Did not find any settings for role \"{r}\" and database \"{d}\".")
            }
            (Some(r), None) => format!("Did not find any settings for role \"{r}\"."),
            _ => "Did not find any settings.".to_string(),
        });
        return Outcome::Ok;
    }
    print(s, &result_set(l), "List of settings", None, out);
    Outcome::Ok
}

fn all_but_indexes() -> RelKinds {
    RelKinds {
        tables: true,
        views: true,
        matviews: true,
        sequences: true,
        foreign: true,
        indexes: false,
    }
}

/// Run a catalog query; a server error is reported as psql reports one.
/// With ECHO_HIDDEN the query is shown first (on standard output, psql's
/// frame); with `noexec` it is only shown, and the command fails quietly.
fn fetch(s: &mut Session, query: &str) -> Option<Listing> {
    fetch_as(s, query, false)
}

/// As [`fetch`]; `minimal`: an error is reported as psql's
/// minimal_error_message does (`\sf`, `\sv`, `\ef`, `\ev`): `ERROR:  `
/// and the message, as a client error (`error: ` in a script).
fn fetch_as(s: &mut Session, query: &str, minimal: bool) -> Option<Listing> {
    match s.vars.get("ECHO_HIDDEN").map(String::as_str) {
        Some(v) if v.eq_ignore_ascii_case("noexec") || crate::cli::parse_bool(v) == Some(true) => {
            let mut o = std::io::stdout();
            let _ = write!(
                o,
                "********* QUERY **********\n{query}\n**************************\n\n"
            );
            let _ = o.flush();
            if let Some(log) = s.log_file.as_mut() {
                let _ = write!(
                    log,
                    "********* QUERY **********\n{query}\n**************************\n\n"
                );
                let _ = log.flush();
            }
            if v.eq_ignore_ascii_case("noexec") {
                return None;
            }
        }
        _ => {}
    }
    let c = s.client()?;
    match sql::fetch(c, query) {
        Ok(l) => Some(l),
        Err(e) if minimal => {
            let severity = e.as_db_error().map_or("ERROR", |d| d.severity());
            s.client_error(&format!("{severity}:  {}", crate::db::error_message(&e)));
            None
        }
        Err(e) => {
            s.error(&crate::db::error_message(&e));
            None
        }
    }
}

/// Print a table the way psql's describe commands do: the session's
/// print options with this title (and these footers instead of the row
/// count), to the `\o` target when there is one.
fn print(
    s: &mut Session,
    rs: &ResultSet,
    title: &str,
    footers: Option<Vec<String>>,
    out: &mut dyn Write,
) {
    let opts = PrintOptions {
        title: Some(title.to_string()),
        footers,
        ..s.settings.print.clone()
    };
    // `-L`: the listing also goes to the log, aligned (psql's printTable).
    if let Some(log) = s.log_file.as_mut() {
        let log_opts = PrintOptions {
            format: crate::output::Format::Aligned,
            expanded: false,
            color: false,
            ..opts.clone()
        };
        let _ = output::print_result(log, rs, &log_opts);
        let _ = log.flush();
    }
    match s.output.as_mut() {
        Some(t) => {
            let _ = output::print_result(t, rs, &opts);
            let _ = t.flush();
        }
        None => {
            let _ = output::print_result(out, rs, &opts);
            // Before the next query's ECHO_HIDDEN echo, which goes to
            // standard output directly.
            let _ = out.flush();
        }
    }
}

fn result_set(l: Listing) -> ResultSet {
    ResultSet {
        columns: l
            .columns
            .into_iter()
            .map(|(n, t)| Column::new(n, t))
            .collect(),
        rows: l.rows,
    }
}

/// A listing query printed as psql's `printQuery`; when it has no rows
/// and a message is given (with or without a pattern), the message
/// instead (not with -q).
/// A listing with no message for an empty result (most `\d` lists).
fn plain(s: &mut Session, query: &str, title: &str, out: &mut dyn Write) -> Outcome {
    listing(s, query, title, out, None, None)
}

fn listing(
    s: &mut Session,
    query: &str,
    title: &str,
    out: &mut dyn Write,
    none_named: Option<String>,
    none_at_all: Option<String>,
) -> Outcome {
    let Some(l) = fetch(s, query) else {
        return Outcome::Failed;
    };
    if l.rows.is_empty() && !s.settings.quiet {
        if let Some(m) = none_named.or(none_at_all) {
            s.client_error(&m);
            return Outcome::Ok;
        }
    }
    print(s, &result_set(l), title, None, out);
    Outcome::Ok
}

/// `\du`: the attributes column is built from the flags, as psql does;
/// no row count.
fn roles(
    s: &mut Session,
    pat: Option<&Pattern>,
    verbose: bool,
    system: bool,
    out: &mut dyn Write,
) -> Outcome {
    let Some(l) = fetch(s, &sql::list_roles(pat, verbose, system)) else {
        return Outcome::Failed;
    };
    let t = |i: usize, j: usize| l.get(i, j) == "t";
    let mut rows = Vec::new();
    for i in 0..l.rows.len() {
        let mut attrs: Vec<&str> = Vec::new();
        if t(i, 1) {
            attrs.push("Superuser");
        }
        if !t(i, 2) {
            attrs.push("No inheritance");
        }
        if t(i, 3) {
            attrs.push("Create role");
        }
        if t(i, 4) {
            attrs.push("Create DB");
        }
        if !t(i, 5) {
            attrs.push("Cannot login");
        }
        if t(i, 9) {
            attrs.push("Replication");
        }
        if t(i, 10) {
            attrs.push("Bypass RLS");
        }
        let mut text = attrs.join(", ");
        let conns: i64 = l.get(i, 6).parse().unwrap_or(-1);
        if conns >= 0 {
            if !text.is_empty() {
                text.push('\n');
            }
            match conns {
                0 => text.push_str("No connections"),
                1 => text.push_str("1 connection"),
                n => text.push_str(&format!("{n} connections")),
            }
        }
        if !l.get(i, 7).is_empty() {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str("Password valid until ");
            text.push_str(l.get(i, 7));
        }
        let mut row = vec![
            Some(l.get(i, 0).to_string()),
            Some(text),
            Some(l.get(i, 8).to_string()),
        ];
        if verbose {
            row.push(Some(l.get(i, 11).to_string()));
        }
        rows.push(row);
    }
    let mut names = vec!["Role name", "Attributes", "Member of"];
    if verbose {
        names.push("Description");
    }
    let rs = ResultSet {
        columns: names.iter().map(|n| Column::new(*n, 25)).collect(),
        rows,
    };
    print(s, &rs, "List of roles", Some(Vec::new()), out);
    Outcome::Ok
}

/// `\dn`: with a pattern, psql 15 adds the publications of the schema
/// named exactly so, as footers in place of the row count.
fn schemas(
    s: &mut Session,
    pat: Option<&Pattern>,
    raw: Option<&str>,
    verbose: bool,
    system: bool,
    out: &mut dyn Write,
) -> Outcome {
    let Some(l) = fetch(s, &sql::list_schemas(pat, verbose, system)) else {
        return Outcome::Failed;
    };
    let mut footers = None;
    if let Some(name) = raw {
        let Some(p) = fetch(s, &sql::schema_publications(name)) else {
            return Outcome::Failed;
        };
        if !p.rows.is_empty() {
            let mut f = vec!["Publications:".to_string()];
            f.extend((0..p.rows.len()).map(|i| format!("    \"{}\"", p.get(i, 0))));
            footers = Some(f);
        }
    }
    print(s, &result_set(l), "List of schemas", footers, out);
    Outcome::Ok
}

/// `\dRp+`: each publication as a table of its flags, with its tables
/// and schemas as footers.
fn publications(s: &mut Session, pat: Option<&Pattern>, raw: &str, out: &mut dyn Write) -> Outcome {
    let Some(l) = fetch(s, &sql::list_publications(pat, true)) else {
        return Outcome::Failed;
    };
    if l.rows.is_empty() {
        if !s.settings.quiet {
            s.client_error(&if pat.is_some() {
                format!("Did not find any publication named \"{raw}\".")
            } else {
                "Did not find any publications.".to_string()
            });
        }
        return Outcome::Failed;
    }
    for i in 0..l.rows.len() {
        let oid = l.get(i, 0).to_string();
        let mut footers = Vec::new();
        if l.get(i, 3) != "t" {
            let (Some(t), Some(sc)) = (
                fetch(s, &sql::publication_tables(&oid)),
                fetch(s, &sql::publication_schemas(&oid)),
            ) else {
                return Outcome::Failed;
            };
            if !t.rows.is_empty() {
                footers.push("Tables:".to_string());
                for j in 0..t.rows.len() {
                    let cell = |k: usize| t.rows[j].get(k).and_then(|c| c.as_deref());
                    let mut line = format!("    \"{}.{}\"", t.get(j, 0), t.get(j, 1));
                    if let Some(cols) = cell(3) {
                        line.push_str(&format!(" ({cols})"));
                    }
                    if let Some(filter) = cell(2) {
                        line.push_str(&format!(" WHERE {filter}"));
                    }
                    footers.push(line);
                }
            }
            if !sc.rows.is_empty() {
                footers.push("Tables from schemas:".to_string());
                for j in 0..sc.rows.len() {
                    footers.push(format!("    \"{}\"", sc.get(j, 0)));
                }
            }
        }
        let names = [
            "Owner",
            "All tables",
            "Inserts",
            "Updates",
            "Deletes",
            "Truncates",
            "Via root",
        ];
        let rs = ResultSet {
            columns: names.iter().map(|n| Column::new(*n, 25)).collect(),
            rows: vec![(2..9).map(|j| Some(l.get(i, j).to_string())).collect()],
        };
        // Without tables or schemas psql's default footer shows.
        let footers = Some(footers).filter(|f| !f.is_empty());
        print(
            s,
            &rs,
            &format!("Publication {}", l.get(i, 1)),
            footers,
            out,
        );
    }
    Outcome::Ok
}

/// `\d NAME`: each relation the pattern names, described in turn.
fn describe_each(
    s: &mut Session,
    p: &Pattern,
    raw: &str,
    verbose: bool,
    system: bool,
    out: &mut dyn Write,
) -> Outcome {
    let Some(found) = fetch(s, &sql::find_relations(p, system)) else {
        return Outcome::Failed;
    };
    if found.rows.is_empty() {
        if !s.settings.quiet {
            s.client_error(&format!("Did not find any relation named \"{raw}\"."));
        }
        return Outcome::Failed;
    }
    for i in 0..found.rows.len() {
        let (oid, schema, name) = (
            found.get(i, 0).to_string(),
            found.get(i, 1).to_string(),
            found.get(i, 2).to_string(),
        );
        if describe_one(s, &oid, &schema, &name, verbose, out) == Outcome::Failed {
            return Outcome::Failed;
        }
    }
    Outcome::Ok
}

/// One relation (psql's `describeOneTableDetails`): tables, views,
/// materialized views and sequences in psql's layout; other kinds with
/// their columns.
fn describe_one(
    s: &mut Session,
    oid: &str,
    schema: &str,
    name: &str,
    verbose: bool,
    out: &mut dyn Write,
) -> Outcome {
    let Some(info) = fetch(s, &sql::relation_info(oid)) else {
        return Outcome::Failed;
    };
    let kind = info.get(0, 0).to_string();
    let persistence = info.get(0, 1).to_string();
    let qualified = format!("\"{schema}.{name}\"");
    if kind == "S" {
        let what = if persistence == "u" {
            "Unlogged sequence"
        } else {
            "Sequence"
        };
        return sequence(s, oid, &format!("{what} {qualified}"), out);
    }
    let what = match (kind.as_str(), persistence.as_str()) {
        ("r", "u") => "Unlogged table",
        ("r", _) => "Table",
        ("p", "u") => "Unlogged partitioned table",
        ("p", _) => "Partitioned table",
        ("v", _) => "View",
        ("m", "u") => "Unlogged materialized view",
        ("m", _) => "Materialized view",
        ("i", "u") => "Unlogged index",
        ("i", _) => "Index",
        ("I", _) => "Partitioned index",
        ("f", _) => "Foreign table",
        ("t", _) => "TOAST table",
        ("c", _) => "Composite type",
        _ => "Relation",
    };
    let title = format!("{what} {qualified}");
    let Some(cols) = fetch(s, &sql::relation_columns(oid, verbose)) else {
        return Outcome::Failed;
    };
    let table_like = matches!(kind.as_str(), "r" | "p" | "v" | "m" | "f" | "c");
    let is_index = matches!(kind.as_str(), "i" | "I");
    let mut names = vec!["Column", "Type"];
    if table_like {
        names.extend(["Collation", "Nullable", "Default"]);
    }
    let foreign = kind == "f";
    if foreign {
        names.push("FDW options");
    }
    let fdw_col = if verbose { 11 } else { 7 };
    let index = if is_index {
        let (Some(ii), Some(ic)) = (
            fetch(s, &sql::index_info(oid)),
            fetch(s, &sql::index_columns(oid)),
        ) else {
            return Outcome::Failed;
        };
        names.extend(["Key?", "Definition"]);
        Some((ii, ic))
    } else {
        None
    };
    let storage_kinds = matches!(
        kind.as_str(),
        "r" | "p" | "v" | "m" | "f" | "c" | "t" | "i" | "I"
    );
    // HIDE_TOAST_COMPRESSION drops the Compression column (psql's
    // `hide_compression`).
    let compression = matches!(kind.as_str(), "r" | "p" | "m") && !s.flag("HIDE_TOAST_COMPRESSION");
    if verbose && storage_kinds {
        names.push("Storage");
        if compression {
            names.push("Compression");
        }
        if matches!(kind.as_str(), "r" | "p" | "m" | "f" | "i" | "I") {
            names.push("Stats target");
        }
        if !is_index {
            names.push("Description");
        }
    }
    let mut rows = Vec::new();
    for i in 0..cols.rows.len() {
        let mut row = vec![
            Some(cols.get(i, 0).to_string()),
            Some(cols.get(i, 1).to_string()),
        ];
        if table_like {
            row.push(Some(cols.get(i, 4).to_string()));
            row.push(Some(
                if cols.get(i, 3) == "t" {
                    "not null"
                } else {
                    ""
                }
                .to_string(),
            ));
            let default = match (cols.get(i, 5), cols.get(i, 6)) {
                ("a", _) => "generated always as identity".to_string(),
                ("d", _) => "generated by default as identity".to_string(),
                (_, "s") => format!("generated always as ({}) stored", cols.get(i, 2)),
                _ => cols.get(i, 2).to_string(),
            };
            row.push(Some(default));
        }
        if foreign {
            row.push(Some(cols.get(i, fdw_col).to_string()));
        }
        if let Some((ii, ic)) = &index {
            let keys: usize = ii.get(0, 11).parse().unwrap_or(0);
            row.push(Some(if i < keys { "yes" } else { "no" }.to_string()));
            row.push(Some(ic.get(i, 0).to_string()));
        }
        if verbose && storage_kinds {
            let storage = match cols.get(i, 7) {
                "p" => "plain",
                "m" => "main",
                "x" => "extended",
                "e" => "external",
                _ => "???",
            };
            row.push(Some(storage.to_string()));
            if compression {
                let comp = match cols.get(i, 8) {
                    "p" => "pglz",
                    "l" => "lz4",
                    _ => "",
                };
                row.push(Some(comp.to_string()));
            }
            if matches!(kind.as_str(), "r" | "p" | "m" | "f" | "i" | "I") {
                row.push(Some(cols.get(i, 9).to_string()));
            }
            if !is_index {
                row.push(Some(cols.get(i, 10).to_string()));
            }
        }
        rows.push(row);
    }
    let mut footers = Vec::new();
    if info.get(0, 9) == "t" {
        let Some(po) = fetch(s, &sql::partition_of(oid)) else {
            return Outcome::Failed;
        };
        if !po.rows.is_empty() {
            let pending = if po.get(0, 3) == "t" {
                " DETACH PENDING"
            } else {
                ""
            };
            footers.push(format!(
                "Partition of: {} {}{pending}",
                po.get(0, 0),
                po.get(0, 1)
            ));
            if verbose {
                footers.push(match po.get(0, 2) {
                    "" => "No partition constraint".to_string(),
                    c => format!("Partition constraint: {c}"),
                });
            }
        }
    }
    if kind == "t" {
        let Some(owner) = fetch(s, &sql::toast_owner(oid)) else {
            return Outcome::Failed;
        };
        if !owner.rows.is_empty() {
            footers.push(format!(
                "Owning table: \"{}.{}\"",
                owner.get(0, 0),
                owner.get(0, 1)
            ));
        }
    }
    if let Some((ii, _)) = &index {
        footers.push(index_footer(ii, schema));
    }
    if kind == "p" {
        footers.push(format!("Partition key: {}", info.get(0, 10)));
    }
    if matches!(kind.as_str(), "r" | "p" | "m" | "f" | "t")
        && !table_footers(
            s,
            oid,
            kind == "m",
            (info.get(0, 4) == "t", info.get(0, 5) == "t"),
            &mut footers,
        )
    {
        return Outcome::Failed;
    }
    if kind == "v" && verbose {
        let Some(def) = fetch(s, &sql::view_definition(oid)) else {
            return Outcome::Failed;
        };
        footers.push("View definition:".into());
        footers.extend(def.get(0, 0).lines().map(str::to_string));
    }
    if kind == "v" && !rules_footer(s, oid, true, &mut footers) {
        return Outcome::Failed;
    }
    if matches!(kind.as_str(), "r" | "p" | "v" | "m" | "f")
        && !triggers_footer(s, oid, &mut footers)
    {
        return Outcome::Failed;
    }
    if foreign {
        let Some(fs) = fetch(s, &sql::foreign_table_server(oid)) else {
            return Outcome::Failed;
        };
        if !fs.rows.is_empty() {
            footers.push(format!("Server: {}", fs.get(0, 0)));
            if !fs.get(0, 1).is_empty() {
                footers.push(format!("FDW options: ({})", fs.get(0, 1)));
            }
        }
    }
    if matches!(kind.as_str(), "r" | "p" | "m" | "f" | "I")
        && !children_footer(s, oid, &kind, verbose, &mut footers)
    {
        return Outcome::Failed;
    }
    if !info.get(0, 11).is_empty() {
        footers.push(format!("Typed table of type: {}", info.get(0, 11)));
    }
    if kind == "v" && verbose && !info.get(0, 8).is_empty() {
        footers.push(format!("Options: {}", info.get(0, 8)));
    }
    if is_index && verbose && !info.get(0, 13).is_empty() {
        footers.push(format!("Options: {}", info.get(0, 13)));
    }
    // psql: only when it is not the default (nor shown on an index).
    let replident = info.get(0, 6);
    let default_ident = if schema == "pg_catalog" { "n" } else { "d" };
    if verbose
        && matches!(kind.as_str(), "r" | "m")
        && replident != "i"
        && replident != default_ident
    {
        let what = match replident {
            "f" => "FULL",
            "n" => "NOTHING",
            _ => "???",
        };
        footers.push(format!("Replica Identity: {what}"));
    }
    if verbose && matches!(kind.as_str(), "r" | "p" | "m") {
        if kind == "m" {
            let Some(def) = fetch(s, &sql::view_definition(oid)) else {
                return Outcome::Failed;
            };
            footers.push("View definition:".into());
            footers.extend(def.get(0, 0).lines().map(str::to_string));
        }
        let am = info.get(0, 7);
        if !am.is_empty() && !s.flag("HIDE_TABLEAM") {
            footers.push(format!("Access method: {am}"));
        }
        if !info.get(0, 8).is_empty() {
            footers.push(format!("Options: {}", info.get(0, 8)));
        }
    }
    if matches!(kind.as_str(), "r" | "m" | "i" | "p" | "I") && !info.get(0, 12).is_empty() {
        footers.push(format!("Tablespace: \"{}\"", info.get(0, 12)));
    }
    // psql shows a partitioned index's access method last, with `+`.
    if kind == "I" && verbose && !info.get(0, 7).is_empty() {
        footers.push(format!("Access method: {}", info.get(0, 7)));
    }
    let rs = ResultSet {
        columns: names.iter().map(|n| Column::new(*n, 25)).collect(),
        rows,
    };
    // psql's describeOneTableDetails: never expanded.
    let expanded = std::mem::replace(&mut s.settings.print.expanded, false);
    print(s, &rs, &title, Some(footers), out);
    s.settings.print.expanded = expanded;
    Outcome::Ok
}

/// `Policies:` (with psql's headings for row security on, forced or
/// off) and each policy.
fn policies_footer(
    s: &mut Session,
    oid: &str,
    (on, forced): (bool, bool),
    footers: &mut Vec<String>,
) -> bool {
    let Some(p) = fetch(s, &sql::policies(oid)) else {
        return false;
    };
    let n = p.rows.len();
    let head = match (on, forced, n > 0) {
        (true, false, true) => Some("Policies:"),
        (true, true, true) => Some("Policies (forced row security enabled):"),
        (true, false, false) => Some("Policies (row security enabled): (none)"),
        (true, true, false) => Some("Policies (forced row security enabled): (none)"),
        (false, _, true) => Some("Policies (row security disabled):"),
        (false, _, false) => None,
    };
    footers.extend(head.map(str::to_string));
    for i in 0..n {
        let cell = |j: usize| p.rows[i].get(j).and_then(|c| c.as_deref());
        let mut line = format!("    POLICY \"{}\"", p.get(i, 0));
        if p.get(i, 1) == "f" {
            line.push_str(" AS RESTRICTIVE");
        }
        if let Some(cmd) = cell(5) {
            line.push_str(&format!(" FOR {cmd}"));
        }
        if let Some(to) = cell(2) {
            line.push_str(&format!("\n      TO {to}"));
        }
        if let Some(q) = cell(3) {
            line.push_str(&format!("\n      USING ({q})"));
        }
        if let Some(c) = cell(4) {
            line.push_str(&format!("\n      WITH CHECK ({c})"));
        }
        footers.push(line);
    }
    true
}

/// The user triggers, grouped by enabled state as psql groups them.
fn triggers_footer(s: &mut Session, oid: &str, footers: &mut Vec<String>) -> bool {
    let Some(t) = fetch(s, &sql::table_triggers(oid)) else {
        return false;
    };
    // psql groups triggers by their enabled state.
    for (states, head) in [
        (&["O", "t"][..], "Triggers:"),
        (&["D", "f"][..], "Disabled user triggers:"),
        (&["A"][..], "Triggers firing always:"),
        (&["R"][..], "Triggers firing on replica only:"),
    ] {
        let group: Vec<usize> = (0..t.rows.len())
            .filter(|&i| states.contains(&t.get(i, 2)))
            .collect();
        if group.is_empty() {
            continue;
        }
        footers.push(head.into());
        for i in group {
            let def = t.get(i, 1);
            // The definition from its name on, as psql shows it.
            let tail = def.find(" ON ").map_or(def, |_| {
                def.strip_prefix("CREATE TRIGGER ")
                    .or_else(|| def.strip_prefix("CREATE CONSTRAINT TRIGGER "))
                    .unwrap_or(def)
            });
            let tail = tail.strip_prefix(t.get(i, 0)).unwrap_or(tail).trim_start();
            let inherited = match t.get(i, 3) {
                "" => String::new(),
                parent => format!(", ON TABLE {parent}"),
            };
            footers.push(format!("    {} {}{inherited}", t.get(i, 0), tail));
        }
    }
    true
}

/// `Rules:` and its siblings by enabled state; a view's rules are
/// indented by one space, a table's by four (psql's layout).
fn rules_footer(s: &mut Session, oid: &str, view: bool, footers: &mut Vec<String>) -> bool {
    let Some(r) = fetch(s, &sql::rules(oid)) else {
        return false;
    };
    let groups: &[(&[&str], &str)] = if view {
        &[(&["O", "D", "A", "R"], "Rules:")]
    } else {
        &[
            (&["O"], "Rules:"),
            (&["D"], "Disabled rules:"),
            (&["A"], "Rules firing always:"),
            (&["R"], "Rules firing on replica only:"),
        ]
    };
    for (states, head) in groups {
        let group: Vec<usize> = (0..r.rows.len())
            .filter(|&i| states.contains(&r.get(i, 2)))
            .collect();
        if group.is_empty() {
            continue;
        }
        footers.push((*head).to_string());
        for i in group {
            let def = r.get(i, 1);
            let def = def.strip_prefix("CREATE RULE ").unwrap_or(def);
            footers.push(format!("{}{def}", if view { " " } else { "    " }));
        }
    }
    true
}

/// `Inherits:`, then the children: `Number of partitions: N (Use \d+
/// to list them.)` / `Partitions: ...` for partitioned tables and
/// indexes, `Number of child tables` / `Child tables:` otherwise.
fn children_footer(
    s: &mut Session,
    oid: &str,
    kind: &str,
    verbose: bool,
    footers: &mut Vec<String>,
) -> bool {
    let Some(p) = fetch(s, &sql::parents(oid)) else {
        return false;
    };
    for i in 0..p.rows.len() {
        let head = if i == 0 {
            "Inherits: ".to_string()
        } else {
            " ".repeat("Inherits".len() + 2)
        };
        let comma = if i + 1 < p.rows.len() { "," } else { "" };
        footers.push(format!("{head}{}{comma}", p.get(i, 0)));
    }
    let Some(c) = fetch(s, &sql::partitions(oid)) else {
        return false;
    };
    let partitioned = matches!(kind, "p" | "I");
    let n = c.rows.len();
    if partitioned && n == 0 {
        footers.push("Number of partitions: 0".into());
    } else if !verbose {
        if n > 0 {
            let what = if partitioned {
                "partitions"
            } else {
                "child tables"
            };
            footers.push(format!("Number of {what}: {n} (Use \\d+ to list them.)"));
        }
    } else {
        let ct = if partitioned {
            "Partitions"
        } else {
            "Child tables"
        };
        for i in 0..n {
            let mut line = if i == 0 {
                format!("{ct}: ")
            } else {
                " ".repeat(ct.len() + 2)
            };
            line.push_str(c.get(i, 0));
            if !c.get(i, 2).is_empty() {
                line.push(' ');
                line.push_str(c.get(i, 2));
            }
            if c.get(i, 1) == "t" {
                line.push_str(", PARTITIONED");
            }
            if i + 1 < n {
                line.push(',');
            }
            footers.push(line);
        }
    }
    true
}

/// The line under an index's columns: what it is and for which table.
fn index_footer(ii: &Listing, schema: &str) -> String {
    let t = |j: usize| ii.get(0, j) == "t";
    let mut f = String::new();
    if t(1) {
        f.push_str("primary key, ");
    } else if t(0) {
        f.push_str("unique");
        if t(7) {
            f.push_str(" nulls not distinct");
        }
        f.push_str(", ");
    }
    f.push_str(&format!(
        "{}, for table \"{schema}.{}\"",
        ii.get(0, 8),
        ii.get(0, 9)
    ));
    if !ii.get(0, 10).is_empty() {
        f.push_str(&format!(", predicate ({})", ii.get(0, 10)));
    }
    if t(2) {
        f.push_str(", clustered");
    }
    if !t(3) {
        f.push_str(", invalid");
    }
    for (j, what) in [
        (4, ", deferrable"),
        (5, ", initially deferred"),
        (6, ", replica identity"),
    ] {
        if t(j) {
            f.push_str(what);
        }
    }
    f
}

/// The footers of a table: indexes, check and foreign-key constraints,
/// the foreign keys pointing at it, triggers.
fn table_footers(
    s: &mut Session,
    oid: &str,
    matview: bool,
    rls: (bool, bool),
    footers: &mut Vec<String>,
) -> bool {
    let Some(ix) = fetch(s, &sql::table_indexes(oid)) else {
        return false;
    };
    if !ix.rows.is_empty() {
        footers.push("Indexes:".into());
        for i in 0..ix.rows.len() {
            let mut line = format!("    \"{}\"", ix.get(i, 0));
            if ix.get(i, 7) == "x" {
                line.push(' ');
                line.push_str(ix.get(i, 6));
            } else {
                if ix.get(i, 1) == "t" {
                    line.push_str(" PRIMARY KEY,");
                } else if ix.get(i, 2) == "t" {
                    line.push_str(if ix.get(i, 7) == "u" {
                        " UNIQUE CONSTRAINT,"
                    } else {
                        " UNIQUE,"
                    });
                }
                let def = ix.get(i, 5);
                let def = def.find(" USING ").map_or(def, |at| &def[at + 7..]);
                line.push(' ');
                line.push_str(def);
                if ix.get(i, 8) == "t" {
                    line.push_str(" DEFERRABLE");
                }
                if ix.get(i, 9) == "t" {
                    line.push_str(" INITIALLY DEFERRED");
                }
            }
            if ix.get(i, 3) == "t" {
                line.push_str(" CLUSTER");
            }
            if ix.get(i, 4) != "t" {
                line.push_str(" INVALID");
            }
            if ix.get(i, 10) == "t" {
                line.push_str(" REPLICA IDENTITY");
            }
            if !ix.get(i, 11).is_empty() {
                line.push_str(&format!(", tablespace \"{}\"", ix.get(i, 11)));
            }
            footers.push(line);
        }
    }
    if matview {
        return true;
    }
    let Some(c) = fetch(s, &sql::table_constraints(oid, 'c')) else {
        return false;
    };
    if !c.rows.is_empty() {
        footers.push("Check constraints:".into());
        for i in 0..c.rows.len() {
            footers.push(format!("    \"{}\" {}", c.get(i, 0), c.get(i, 1)));
        }
    }
    // Foreign keys, those a partition has from its ancestors too.
    let Some(f) = fetch(s, &sql::foreign_keys(oid)) else {
        return false;
    };
    if !f.rows.is_empty() {
        footers.push("Foreign-key constraints:".into());
        for i in 0..f.rows.len() {
            footers.push(if f.get(i, 0) == "t" {
                format!("    \"{}\" {}", f.get(i, 1), f.get(i, 2))
            } else {
                format!(
                    "    TABLE \"{}\" CONSTRAINT \"{}\" {}",
                    f.get(i, 3),
                    f.get(i, 1),
                    f.get(i, 2)
                )
            });
        }
    }
    let Some(r) = fetch(s, &sql::table_referenced_by(oid)) else {
        return false;
    };
    if !r.rows.is_empty() {
        footers.push("Referenced by:".into());
        for i in 0..r.rows.len() {
            footers.push(format!(
                "    TABLE \"{}\" CONSTRAINT \"{}\" {}",
                r.get(i, 1),
                r.get(i, 0),
                r.get(i, 2)
            ));
        }
    }
    if !policies_footer(s, oid, rls, footers) {
        return false;
    }
    let Some(st) = fetch(s, &sql::statistics(oid)) else {
        return false;
    };
    if !st.rows.is_empty() {
        footers.push("Statistics objects:".into());
        for i in 0..st.rows.len() {
            let kinds: Vec<&str> = [(4, "ndistinct"), (5, "dependencies"), (6, "mcv")]
                .iter()
                .filter(|(j, _)| st.get(i, *j) == "t")
                .map(|(_, k)| *k)
                .collect();
            let mut line = format!("    \"{}.{}\"", st.get(i, 1), st.get(i, 2));
            // The kinds show only when some, not all, are on.
            if !kinds.is_empty() && kinds.len() < 3 {
                line.push_str(&format!(" ({})", kinds.join(", ")));
            }
            line.push_str(&format!(" ON {} FROM {}", st.get(i, 3), st.get(i, 0)));
            if st.get(i, 7) != "-1" {
                line.push_str(&format!("; STATISTICS {}", st.get(i, 7)));
            }
            footers.push(line);
        }
    }
    if !rules_footer(s, oid, false, footers) {
        return false;
    }
    let Some(p) = fetch(s, &sql::publications(oid)) else {
        return false;
    };
    if !p.rows.is_empty() {
        footers.push("Publications:".into());
        for i in 0..p.rows.len() {
            let cell = |j: usize| p.rows[i].get(j).and_then(|c| c.as_deref());
            let mut line = format!("    \"{}\"", p.get(i, 0));
            if let Some(cols) = cell(2) {
                line.push_str(&format!(" ({cols})"));
            }
            if let Some(filter) = cell(1) {
                line.push_str(&format!(" WHERE {filter}"));
            }
            footers.push(line);
        }
    }
    true
}

/// `\d SEQUENCE`: its parameters in one row.
fn sequence(s: &mut Session, oid: &str, qualified: &str, out: &mut dyn Write) -> Outcome {
    let q = sql::sequence_params(oid);
    let Some(l) = fetch(s, &q) else {
        return Outcome::Failed;
    };
    let owned = sql::sequence_owner(oid);
    let Some(o) = fetch(s, &owned) else {
        return Outcome::Failed;
    };
    let mut footers = Vec::new();
    if !o.rows.is_empty() {
        footers.push(match o.get(0, 1) {
            "i" => format!("Sequence for identity column: {}", o.get(0, 0)),
            _ => format!("Owned by: {}", o.get(0, 0)),
        });
    }
    // Expanded if asked: psql prints a sequence with the session's
    // options (its other relations never expanded).
    print(s, &result_set(l), qualified, Some(footers), out);
    Outcome::Ok
}

/// A function's `CREATE OR REPLACE FUNCTION` or a view's `CREATE OR
/// REPLACE VIEW` (without the final `;`), ending in a newline, as `\sf`,
/// `\sv`, `\ef` and `\ev` show it; `None` once the error is reported.
pub fn definition(s: &mut Session, function: bool, name: &str) -> Option<String> {
    let q = if function {
        sql::function_definition(name)
    } else {
        let o = fetch_as(s, &sql::relation_oid(name), true)?;
        let oid = o.get(0, 0).to_string();
        let opts = fetch_as(s, &sql::view_options(&oid), true)?;
        let def = fetch_as(s, &sql::view_definition(&oid), true)?;
        let mut text = format!("CREATE OR REPLACE VIEW {}", opts.get(0, 2));
        if !opts.get(0, 0).is_empty() {
            text.push_str(&format!(" WITH ({})", opts.get(0, 0)));
        }
        text.push_str(" AS\n");
        text.push_str(def.get(0, 0).trim_end_matches(';'));
        if !opts.get(0, 1).is_empty() {
            text.push_str(&format!("\n WITH {} CHECK OPTION", opts.get(0, 1)));
        }
        text.push('\n');
        sql::text_value(&text)
    };
    let l = fetch_as(s, &q, true)?;
    let mut text = l.get(0, 0).to_string();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Some(text)
}

/// `\sf NAME` / `\sv NAME`: the function's or view's definition.
fn source(
    s: &mut Session,
    which: Which,
    args: &[&str],
    numbered: bool,
    out: &mut dyn Write,
) -> Outcome {
    if args.is_empty() {
        s.client_error(if which == Which::FunctionSource {
            "function name is required"
        } else {
            "view name is required"
        });
        return Outcome::Failed;
    }
    let name = args.join(" ");
    let Some(text) = definition(s, which == Which::FunctionSource, &name) else {
        return Outcome::Failed;
    };
    let mut text = text;
    if numbered {
        let mut n = 0;
        let mut body = false;
        let mut numbered_text = String::new();
        for line in text.lines() {
            // psql numbers from the body on: the line that starts with
            // `AS `, `BEGIN ` or `RETURN `.
            if ["AS ", "BEGIN ", "RETURN "]
                .iter()
                .any(|p| line.starts_with(p))
            {
                body = true;
            }
            if body || which == Which::ViewSource {
                n += 1;
                numbered_text.push_str(&format!("{n:<7} {line}\n"));
            } else {
                numbered_text.push_str(&format!("        {line}\n"));
            }
        }
        text = numbered_text;
    }
    match s.output.as_mut() {
        Some(t) => {
            let _ = t.write_all(text.as_bytes());
            let _ = t.flush();
        }
        None => {
            let _ = out.write_all(text.as_bytes());
        }
    }
    Outcome::Ok
}
