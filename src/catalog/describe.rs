//! The catalog queries behind psql's describe commands (`\d` and its
//! family, `\l`, `\sf`, `\sv`): qadmin's own SQL, written to give the
//! same rows, columns and order as psql 15's `describe.c` (which it
//! follows in behaviour, not in text). Nothing here prints:
//! [`crate::shell::describe`] turns the [`Listing`]s into psql's tables,
//! titles and footers.
//!
//! Name patterns are psql's ([`Pattern`]): `*` and `?` as in a shell,
//! `schema.name`, double quotes keep case and special characters, other
//! characters lowercased; each part becomes an anchored regular
//! expression matched with `~` (`^(t.*)$`). Without a schema part only
//! objects visible in the `search_path` are listed, as psql does.

use crate::db::{Client, Error, Reply};
use crate::lex::vars::literal;

/// The rows of one catalog query, with its columns (names and type OIDs).
#[derive(Debug, Clone, Default)]
pub struct Listing {
    /// The result's columns: name and type OID.
    pub columns: Vec<(String, u32)>,
    /// The rows, text values (`None` = NULL).
    pub rows: Vec<Vec<Option<String>>>,
}

impl Listing {
    /// Cell `j` of row `i`, `""` for NULL.
    pub fn get(&self, i: usize, j: usize) -> &str {
        self.rows
            .get(i)
            .and_then(|r| r.get(j))
            .and_then(|c| c.as_deref())
            .unwrap_or("")
    }
}

/// Run one query (simple protocol) and keep its columns and rows.
pub fn fetch(c: &mut Client, sql: &str) -> Result<Listing, Error> {
    c.send_simple(sql)?;
    let mut out = Listing::default();
    let mut failed = None;
    loop {
        match c.next_reply()? {
            Reply::Columns(cols) => {
                out.columns = cols.iter().map(|k| (k.name.clone(), k.type_oid)).collect();
            }
            Reply::Row(r) => {
                out.rows.push(
                    (0..out.columns.len())
                        .map(|j| r.cell(j).map(str::to_string))
                        .collect(),
                );
            }
            Reply::Error(e) if failed.is_none() => failed = Some(Error::Db(e, false)),
            Reply::CopyIn => c.copy_fail("COPY is not expected here")?,
            Reply::Ready(_) => break,
            _ => {}
        }
    }
    match failed {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// A psql name pattern, split into its schema and name parts as regular
/// expressions (psql's `patternToSQLRegex`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    /// `^(...)$` for the schema, when the pattern has one.
    pub schema: Option<String>,
    /// `^(...)$` for the name.
    pub name: String,
    /// How many parts (dot-separated outside quotes) it has.
    pub parts: usize,
    /// The first of three parts (a database name), as read.
    pub database: Option<String>,
}

impl Pattern {
    /// Read a pattern as psql does.
    pub fn parse(pattern: &str) -> Pattern {
        Pattern::parse_with(pattern, false)
    }

    /// As [`Pattern::parse`]; `force_escape` (operator names) quotes the
    /// regular expression's special characters outside quotes too.
    pub fn parse_with(pattern: &str, force_escape: bool) -> Pattern {
        let mut parts: Vec<String> = vec![String::new()];
        let mut inquotes = false;
        let mut chars = pattern.chars().peekable();
        while let Some(ch) = chars.next() {
            let cur = parts.last_mut().expect("one part at least");
            match ch {
                '"' if inquotes && chars.peek() == Some(&'"') => {
                    chars.next();
                    cur.push('"');
                }
                '"' => inquotes = !inquotes,
                c if !inquotes && c.is_ascii_uppercase() => cur.push(c.to_ascii_lowercase()),
                '*' if !inquotes => cur.push_str(".*"),
                '?' if !inquotes => cur.push('.'),
                '.' if !inquotes => parts.push(String::new()),
                '$' => cur.push_str("\\$"),
                c => {
                    // `[]` is an array type's, not a bracket expression.
                    if ((inquotes || force_escape) && "|*+?()[]{}.^$\\".contains(c))
                        || (c == '[' && chars.peek() == Some(&']'))
                    {
                        cur.push('\\');
                    }
                    cur.push(c);
                }
            }
        }
        let anchored = |s: &str| format!("^({s})$");
        let name = anchored(parts.last().map(String::as_str).unwrap_or(""));
        let schema = (parts.len() >= 2).then(|| anchored(&parts[parts.len() - 2]));
        Pattern {
            schema,
            name,
            parts: parts.len(),
            database: (parts.len() == 3).then(|| parts[0].clone()),
        }
    }

    /// The WHERE conditions for this pattern (psql's
    /// `processSQLNamePattern`): the name matched against `namevar`, the
    /// schema against `schemavar`, or, without a schema part, the
    /// `visible` rule. A `*` part matches everything and adds nothing.
    pub fn conditions(
        &self,
        schemavar: Option<&str>,
        namevar: &str,
        visible: Option<&str>,
    ) -> Vec<String> {
        let mut out = Vec::new();
        if self.name != "^(.*)$" {
            out.push(format!(
                "{namevar} OPERATOR(pg_catalog.~) {} COLLATE pg_catalog.default",
                literal(&self.name)
            ));
        }
        match (&self.schema, schemavar) {
            (Some(s), Some(var)) if s != "^(.*)$" => out.push(format!(
                "{var} OPERATOR(pg_catalog.~) {} COLLATE pg_catalog.default",
                literal(s)
            )),
            (Some(_), _) => {}
            (None, _) => out.extend(visible.map(str::to_string)),
        }
        out
    }
}

/// The conditions of an optional pattern: none given means the visible
/// objects only.
fn pattern_conditions(
    pattern: Option<&Pattern>,
    schemavar: Option<&str>,
    namevar: &str,
    visible: Option<&str>,
) -> Vec<String> {
    match pattern {
        Some(p) => p.conditions(schemavar, namevar, visible),
        None => visible.map(str::to_string).into_iter().collect(),
    }
}

fn where_clause(conds: &[String]) -> String {
    if conds.is_empty() {
        String::new()
    } else {
        format!("WHERE {}\n", conds.join("\n  AND "))
    }
}

/// Relation kinds listed by `\d` (no letter), `\dt`, `\di` ... .
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RelKinds {
    /// `t`: tables (and partitioned tables).
    pub tables: bool,
    /// `i`: indexes.
    pub indexes: bool,
    /// `v`: views.
    pub views: bool,
    /// `m`: materialized views.
    pub matviews: bool,
    /// `s`: sequences.
    pub sequences: bool,
    /// `E`: foreign tables.
    pub foreign: bool,
}

const RELKIND_NAME: &str = "CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' \
WHEN 'm' THEN 'materialized view' WHEN 'i' THEN 'index' WHEN 'S' THEN 'sequence' \
WHEN 't' THEN 'TOAST table' WHEN 'f' THEN 'foreign table' WHEN 'p' THEN 'partitioned table' \
WHEN 'I' THEN 'partitioned index' END";

/// `\d`, `\dt`, `\di`, `\ds`, `\dv`, `\dm`, `\dE` (psql's `listTables`).
pub fn list_relations(
    kinds: RelKinds,
    pattern: Option<&Pattern>,
    verbose: bool,
    system: bool,
    hide_tableam: bool,
) -> String {
    let mut cols = vec![
        "n.nspname AS \"Schema\"".to_string(),
        "c.relname AS \"Name\"".to_string(),
        format!("{RELKIND_NAME} AS \"Type\""),
        "pg_catalog.pg_get_userbyid(c.relowner) AS \"Owner\"".to_string(),
    ];
    if kinds.indexes {
        cols.push("c2.relname AS \"Table\"".into());
    }
    if verbose {
        cols.push("CASE c.relpersistence WHEN 'p' THEN 'permanent' WHEN 't' THEN 'temporary' WHEN 'u' THEN 'unlogged' END AS \"Persistence\"".into());
        if (kinds.tables || kinds.matviews || kinds.indexes) && !hide_tableam {
            cols.push("am.amname AS \"Access method\"".into());
        }
        cols.push("pg_catalog.pg_size_pretty(pg_catalog.pg_table_size(c.oid)) AS \"Size\"".into());
        cols.push("pg_catalog.obj_description(c.oid, 'pg_class') AS \"Description\"".into());
    }
    let mut relkinds: Vec<&str> = Vec::new();
    if kinds.tables {
        relkinds.extend(["r", "p"]);
        if system || pattern.is_some() {
            relkinds.push("t");
        }
    }
    if kinds.views {
        relkinds.push("v");
    }
    if kinds.matviews {
        relkinds.push("m");
    }
    if kinds.indexes {
        relkinds.extend(["i", "I"]);
    }
    if kinds.sequences {
        relkinds.push("S");
    }
    if system || pattern.is_some() {
        relkinds.push("s");
    }
    if kinds.foreign {
        relkinds.push("f");
    }
    let list: Vec<String> = relkinds.iter().map(|k| format!("'{k}'")).collect();
    let mut conds = vec![format!("c.relkind IN ({})", list.join(","))];
    if !system && pattern.is_none() {
        conds.push("n.nspname <> 'pg_catalog'".into());
        conds.push("n.nspname !~ '^pg_toast'".into());
        conds.push("n.nspname <> 'information_schema'".into());
    }
    conds.extend(pattern_conditions(
        pattern,
        Some("n.nspname"),
        "c.relname",
        Some("pg_catalog.pg_table_is_visible(c.oid)"),
    ));
    let index_join = if kinds.indexes {
        "\nLEFT JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid\
         \nLEFT JOIN pg_catalog.pg_class c2 ON i.indrelid = c2.oid"
    } else {
        ""
    };
    format!(
        "SELECT {}\nFROM pg_catalog.pg_class c\nLEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace\nLEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam{index_join}\n{}ORDER BY 1, 2",
        cols.join(",\n  "),
        where_clause(&conds)
    )
}

/// `\dn` (psql's `listSchemas`).
pub fn list_schemas(pattern: Option<&Pattern>, verbose: bool, system: bool) -> String {
    let mut cols = vec![
        "n.nspname AS \"Name\"".to_string(),
        "pg_catalog.pg_get_userbyid(n.nspowner) AS \"Owner\"".to_string(),
    ];
    if verbose {
        cols.push(acl_column("n.nspacl"));
        cols.push("pg_catalog.obj_description(n.oid, 'pg_namespace') AS \"Description\"".into());
    }
    let mut conds = Vec::new();
    if !system && pattern.is_none() {
        conds.push("n.nspname !~ '^pg_'".to_string());
        conds.push("n.nspname <> 'information_schema'".to_string());
    }
    conds.extend(pattern_conditions(pattern, None, "n.nspname", None));
    format!(
        "SELECT {}\nFROM pg_catalog.pg_namespace n\n{}ORDER BY 1",
        cols.join(",\n  "),
        where_clause(&conds)
    )
}

/// psql's `printACLColumn`: privileges one per line.
fn acl_column(var: &str) -> String {
    format!("pg_catalog.array_to_string({var}, E'\\n') AS \"Access privileges\"")
}

/// `\du` / `\dg` (psql's `describeRoles`): the role's flags, for the
/// attributes column built by the caller.
pub fn list_roles(pattern: Option<&Pattern>, verbose: bool, system: bool) -> String {
    let mut conds = Vec::new();
    if !system && pattern.is_none() {
        conds.push("r.rolname !~ '^pg_'".to_string());
    }
    conds.extend(pattern_conditions(pattern, None, "r.rolname", None));
    let desc = if verbose {
        ",\n  pg_catalog.shobj_description(r.oid, 'pg_authid') AS description"
    } else {
        ""
    };
    format!(
        "SELECT r.rolname, r.rolsuper, r.rolinherit, r.rolcreaterole, r.rolcreatedb,\n  \
         r.rolcanlogin, r.rolconnlimit, r.rolvaliduntil,\n  \
         ARRAY(SELECT b.rolname FROM pg_catalog.pg_auth_members m\n        \
         JOIN pg_catalog.pg_roles b ON m.roleid = b.oid WHERE m.member = r.oid) AS memberof,\n  \
         r.rolreplication, r.rolbypassrls{desc}\nFROM pg_catalog.pg_roles r\n{}ORDER BY 1",
        where_clause(&conds)
    )
}

/// `\l` (psql's `listAllDbs`).
pub fn list_databases(pattern: Option<&Pattern>, verbose: bool) -> String {
    let mut cols = vec![
        "d.datname AS \"Name\"".to_string(),
        "pg_catalog.pg_get_userbyid(d.datdba) AS \"Owner\"".to_string(),
        "pg_catalog.pg_encoding_to_char(d.encoding) AS \"Encoding\"".to_string(),
        "d.datcollate AS \"Collate\"".to_string(),
        "d.datctype AS \"Ctype\"".to_string(),
        "d.daticulocale AS \"ICU Locale\"".to_string(),
        "CASE d.datlocprovider WHEN 'c' THEN 'libc' WHEN 'i' THEN 'icu' END AS \"Locale Provider\""
            .to_string(),
        acl_column("d.datacl"),
    ];
    if verbose {
        cols.push("CASE WHEN pg_catalog.has_database_privilege(d.datname, 'CONNECT')\n    THEN pg_catalog.pg_size_pretty(pg_catalog.pg_database_size(d.datname))\n    ELSE 'No Access' END AS \"Size\"".into());
        cols.push("t.spcname AS \"Tablespace\"".into());
        cols.push("pg_catalog.shobj_description(d.oid, 'pg_database') AS \"Description\"".into());
    }
    let conds = pattern_conditions(pattern, None, "d.datname", None);
    format!(
        "SELECT {}\nFROM pg_catalog.pg_database d\nJOIN pg_catalog.pg_tablespace t ON d.dattablespace = t.oid\n{}ORDER BY 1",
        cols.join(",\n  "),
        where_clause(&conds)
    )
}

/// `\dx` (psql's `listExtensions`).
pub fn list_extensions(pattern: Option<&Pattern>) -> String {
    let conds = pattern_conditions(pattern, None, "e.extname", None);
    format!(
        "SELECT e.extname AS \"Name\", e.extversion AS \"Version\", n.nspname AS \"Schema\",\n  \
         c.description AS \"Description\"\nFROM pg_catalog.pg_extension e\n\
         LEFT JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace\n\
         LEFT JOIN pg_catalog.pg_description c ON c.objoid = e.oid\n  \
         AND c.classoid = 'pg_catalog.pg_extension'::pg_catalog.regclass\n{}ORDER BY 1",
        where_clause(&conds)
    )
}

/// `\df` (psql's `describeFunctions`, without its type letters and
/// argument patterns).
pub fn list_functions(
    pattern: Option<&Pattern>,
    verbose: bool,
    system: bool,
    kinds: &str,
    args: &[&str],
) -> String {
    let mut cols = vec![
        "n.nspname AS \"Schema\"".to_string(),
        "p.proname AS \"Name\"".to_string(),
        "pg_catalog.pg_get_function_result(p.oid) AS \"Result data type\"".to_string(),
        "pg_catalog.pg_get_function_arguments(p.oid) AS \"Argument data types\"".to_string(),
        "CASE p.prokind WHEN 'a' THEN 'agg' WHEN 'w' THEN 'window' WHEN 'p' THEN 'proc' ELSE 'func' END AS \"Type\"".to_string(),
    ];
    if verbose {
        cols.extend([
            "CASE WHEN p.provolatile = 'i' THEN 'immutable' WHEN p.provolatile = 's' THEN 'stable' WHEN p.provolatile = 'v' THEN 'volatile' END AS \"Volatility\"".to_string(),
            "CASE WHEN p.proparallel = 'r' THEN 'restricted' WHEN p.proparallel = 's' THEN 'safe' WHEN p.proparallel = 'u' THEN 'unsafe' END AS \"Parallel\"".to_string(),
            "pg_catalog.pg_get_userbyid(p.proowner) AS \"Owner\"".to_string(),
            "CASE WHEN p.prosecdef THEN 'definer' ELSE 'invoker' END AS \"Security\"".to_string(),
            acl_column("p.proacl"),
            "l.lanname AS \"Language\"".to_string(),
            "COALESCE(pg_catalog.pg_get_function_sqlbody(p.oid), p.prosrc) AS \"Source code\"".to_string(),
            "pg_catalog.obj_description(p.oid, 'pg_proc') AS \"Description\"".to_string(),
        ]);
    }
    let mut conds = Vec::new();
    if !system && pattern.is_none() {
        conds.push("n.nspname <> 'pg_catalog'".to_string());
        conds.push("n.nspname <> 'information_schema'".to_string());
    }
    // psql's kind letters: `n` normal, `a` aggregate, `p` procedure,
    // `t` trigger, `w` window; none or all of them: no condition.
    let has = |c: char| kinds.is_empty() || kinds.contains(c);
    if kinds.len() < 5 && !kinds.is_empty() {
        if has('n') {
            if !has('a') {
                conds.push("p.prokind <> 'a'".into());
            }
            if !has('p') {
                conds.push("(p.prokind IS NULL OR p.prokind <> 'p')".into());
            }
            if !has('t') {
                conds.push("p.prorettype <> 'pg_catalog.trigger'::pg_catalog.regtype".into());
            }
            if !has('w') {
                conds.push("p.prokind <> 'w'".into());
            }
        } else {
            let mut any = Vec::new();
            if has('a') {
                any.push("p.prokind = 'a'");
            }
            if has('t') {
                any.push("p.prorettype = 'pg_catalog.trigger'::pg_catalog.regtype");
            }
            if has('p') {
                any.push("p.prokind = 'p'");
            }
            if has('w') {
                any.push("p.prokind = 'w'");
            }
            conds.push(format!("({})", any.join(" OR ")));
        }
    }
    conds.extend(pattern_conditions(
        pattern,
        Some("n.nspname"),
        "p.proname",
        Some("pg_catalog.pg_function_is_visible(p.oid)"),
    ));
    let mut joins = String::new();
    for (i, a) in args.iter().enumerate() {
        joins.push_str(&format!(
            "\nLEFT JOIN pg_catalog.pg_type t{i} ON t{i}.oid = p.proargtypes[{i}]\n\
             LEFT JOIN pg_catalog.pg_namespace nt{i} ON nt{i}.oid = t{i}.typnamespace"
        ));
        conds.extend(arg_type_conditions(a, i));
    }
    format!(
        "SELECT {}\nFROM pg_catalog.pg_proc p\nLEFT JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace\nLEFT JOIN pg_catalog.pg_language l ON l.oid = p.prolang{joins}\n{}ORDER BY 1, 2, 4",
        cols.join(",\n  "),
        where_clause(&conds)
    )
}

/// The conditions that hide the system schemas unless `S` or a pattern.
fn user_schemas(pattern: Option<&Pattern>, system: bool, var: &str) -> Vec<String> {
    if system || pattern.is_some() {
        Vec::new()
    } else {
        vec![
            format!("{var} <> 'pg_catalog'"),
            format!("{var} <> 'information_schema'"),
        ]
    }
}

/// `\da` (psql's `describeAggregates`).
pub fn list_aggregates(pattern: Option<&Pattern>, system: bool) -> String {
    let mut conds = vec!["p.prokind = 'a'".to_string()];
    conds.extend(user_schemas(pattern, system, "n.nspname"));
    conds.extend(pattern_conditions(
        pattern,
        Some("n.nspname"),
        "p.proname",
        Some("pg_catalog.pg_function_is_visible(p.oid)"),
    ));
    format!(
        "SELECT n.nspname AS \"Schema\", p.proname AS \"Name\",\n  \
         pg_catalog.format_type(p.prorettype, NULL) AS \"Result data type\",\n  \
         CASE WHEN p.pronargs = 0 THEN '*'::pg_catalog.text\n    \
         ELSE pg_catalog.pg_get_function_arguments(p.oid) END AS \"Argument data types\",\n  \
         pg_catalog.obj_description(p.oid, 'pg_proc') AS \"Description\"\n\
         FROM pg_catalog.pg_proc p\nLEFT JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace\n\
         {}ORDER BY 1, 2, 4",
        where_clause(&conds)
    )
}

/// `\db` (psql's `describeTablespaces`).
pub fn list_tablespaces(pattern: Option<&Pattern>, verbose: bool) -> String {
    let mut cols = vec![
        "t.spcname AS \"Name\"".to_string(),
        "pg_catalog.pg_get_userbyid(t.spcowner) AS \"Owner\"".to_string(),
        "pg_catalog.pg_tablespace_location(t.oid) AS \"Location\"".to_string(),
    ];
    if verbose {
        cols.push(acl_column("t.spcacl"));
        cols.push("t.spcoptions AS \"Options\"".into());
        cols.push(
            "pg_catalog.pg_size_pretty(pg_catalog.pg_tablespace_size(t.oid)) AS \"Size\"".into(),
        );
        cols.push("pg_catalog.shobj_description(t.oid, 'pg_tablespace') AS \"Description\"".into());
    }
    let conds = pattern_conditions(pattern, None, "t.spcname", None);
    format!(
        "SELECT {}\nFROM pg_catalog.pg_tablespace t\n{}ORDER BY 1",
        cols.join(",\n  "),
        where_clause(&conds)
    )
}

/// `\dT` (psql's `describeTypes`): no array types, no row types of
/// tables; the pattern matches the type's name or its SQL spelling.
pub fn list_types(pattern: Option<&Pattern>, verbose: bool, system: bool) -> String {
    let mut cols = vec![
        "n.nspname AS \"Schema\"".to_string(),
        "pg_catalog.format_type(t.oid, NULL) AS \"Name\"".to_string(),
    ];
    if verbose {
        cols.extend([
            "t.typname AS \"Internal name\"".to_string(),
            "CASE WHEN t.typrelid <> 0 THEN 'tuple'::pg_catalog.text\n    WHEN t.typlen < 0 THEN 'var'::pg_catalog.text\n    ELSE t.typlen::pg_catalog.text END AS \"Size\"".to_string(),
            "pg_catalog.array_to_string(ARRAY(SELECT e.enumlabel FROM pg_catalog.pg_enum e\n    WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder), E'\\n') AS \"Elements\"".to_string(),
            "pg_catalog.pg_get_userbyid(t.typowner) AS \"Owner\"".to_string(),
            acl_column("t.typacl"),
        ]);
    }
    cols.push("pg_catalog.obj_description(t.oid, 'pg_type') AS \"Description\"".into());
    let mut conds = vec![
        "(t.typrelid = 0 OR (SELECT c.relkind = 'c' FROM pg_catalog.pg_class c WHERE c.oid = t.typrelid))".to_string(),
        "NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type el WHERE el.oid = t.typelem AND el.typarray = t.oid)".to_string(),
    ];
    conds.extend(user_schemas(pattern, system, "n.nspname"));
    if let Some(p) = pattern {
        if p.name != "^(.*)$" {
            let lit = literal(&p.name);
            conds.push(format!(
                "(t.typname OPERATOR(pg_catalog.~) {lit} COLLATE pg_catalog.default\n    \
                 OR pg_catalog.format_type(t.oid, NULL) OPERATOR(pg_catalog.~) {lit} COLLATE pg_catalog.default)"
            ));
        }
        let schema_only = Pattern {
            name: "^(.*)$".into(),
            ..p.clone()
        };
        conds.extend(schema_only.conditions(
            Some("n.nspname"),
            "t.typname",
            Some("pg_catalog.pg_type_is_visible(t.oid)"),
        ));
    } else {
        conds.push("pg_catalog.pg_type_is_visible(t.oid)".into());
    }
    format!(
        "SELECT {}\nFROM pg_catalog.pg_type t\nLEFT JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace\n{}ORDER BY 1, 2",
        cols.join(",\n  "),
        where_clause(&conds)
    )
}

/// `\dD` (psql's `listDomains`).
pub fn list_domains(pattern: Option<&Pattern>, verbose: bool, system: bool) -> String {
    let mut cols = vec![
        "n.nspname AS \"Schema\"".to_string(),
        "t.typname AS \"Name\"".to_string(),
        "pg_catalog.format_type(t.typbasetype, t.typtypmod) AS \"Type\"".to_string(),
        "(SELECT c.collname FROM pg_catalog.pg_collation c, pg_catalog.pg_type bt\n    \
         WHERE c.oid = t.typcollation AND bt.oid = t.typbasetype AND t.typcollation <> bt.typcollation) AS \"Collation\"".to_string(),
        "CASE WHEN t.typnotnull THEN 'not null' END AS \"Nullable\"".to_string(),
        "t.typdefault AS \"Default\"".to_string(),
        "pg_catalog.array_to_string(ARRAY(SELECT pg_catalog.pg_get_constraintdef(r.oid, true)\n    \
         FROM pg_catalog.pg_constraint r WHERE t.oid = r.contypid), ' ') AS \"Check\"".to_string(),
    ];
    if verbose {
        cols.push(acl_column("t.typacl"));
        cols.push("d.description AS \"Description\"".into());
    }
    let mut conds = vec!["t.typtype = 'd'".to_string()];
    conds.extend(user_schemas(pattern, system, "n.nspname"));
    conds.extend(pattern_conditions(
        pattern,
        Some("n.nspname"),
        "t.typname",
        Some("pg_catalog.pg_type_is_visible(t.oid)"),
    ));
    let join = if verbose {
        "\nLEFT JOIN pg_catalog.pg_description d ON d.classoid = t.tableoid AND d.objoid = t.oid AND d.objsubid = 0"
    } else {
        ""
    };
    format!(
        "SELECT {}\nFROM pg_catalog.pg_type t\nLEFT JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace{join}\n{}ORDER BY 1, 2",
        cols.join(",\n  "),
        where_clause(&conds)
    )
}

/// `\dy` (psql's `listEventTriggers`).
pub fn list_event_triggers(pattern: Option<&Pattern>, verbose: bool) -> String {
    let desc = if verbose {
        ",\n  pg_catalog.obj_description(e.oid, 'pg_event_trigger') AS \"Description\""
    } else {
        ""
    };
    let conds = pattern_conditions(pattern, None, "e.evtname", None);
    format!(
        "SELECT e.evtname AS \"Name\", e.evtevent AS \"Event\", pg_catalog.pg_get_userbyid(e.evtowner) AS \"Owner\",\n  \
         CASE e.evtenabled WHEN 'O' THEN 'enabled' WHEN 'R' THEN 'replica' WHEN 'A' THEN 'always'\n    \
         WHEN 'D' THEN 'disabled' END AS \"Enabled\",\n  \
         e.evtfoid::pg_catalog.regproc AS \"Function\",\n  \
         pg_catalog.array_to_string(ARRAY(SELECT x FROM pg_catalog.unnest(e.evttags) AS t(x)), ', ') AS \"Tags\"{desc}\n\
         FROM pg_catalog.pg_event_trigger e\n{}ORDER BY 1",
        where_clause(&conds)
    )
}

/// `\dX` (psql's `listExtendedStats`).
pub fn list_extended_stats(pattern: Option<&Pattern>) -> String {
    let conds = pattern_conditions(
        pattern,
        Some("es.stxnamespace::pg_catalog.regnamespace::pg_catalog.text"),
        "es.stxname",
        Some("pg_catalog.pg_statistics_obj_is_visible(es.oid)"),
    );
    format!(
        "SELECT es.stxnamespace::pg_catalog.regnamespace::pg_catalog.text AS \"Schema\",\n  \
         es.stxname AS \"Name\",\n  \
         pg_catalog.format('%s FROM %s', pg_catalog.pg_get_statisticsobjdef_columns(es.oid),\n    \
         es.stxrelid::pg_catalog.regclass) AS \"Definition\",\n  \
         CASE WHEN 'd' = ANY (es.stxkind) THEN 'defined' END AS \"Ndistinct\",\n  \
         CASE WHEN 'f' = ANY (es.stxkind) THEN 'defined' END AS \"Dependencies\",\n  \
         CASE WHEN 'm' = ANY (es.stxkind) THEN 'defined' END AS \"MCV\"\n\
         FROM pg_catalog.pg_statistic_ext es\n{}ORDER BY 1, 2",
        where_clause(&conds)
    )
}

/// `\dRp` (psql's `listPublications`); with `oid` first, the rows
/// `\dRp+` describes one by one.
pub fn list_publications(pattern: Option<&Pattern>, with_oid: bool) -> String {
    let conds = pattern_conditions(pattern, None, "p.pubname", None);
    let oid = if with_oid { "p.oid, " } else { "" };
    format!(
        "SELECT {oid}p.pubname AS \"Name\", pg_catalog.pg_get_userbyid(p.pubowner) AS \"Owner\",\n  \
         p.puballtables AS \"All tables\", p.pubinsert AS \"Inserts\", p.pubupdate AS \"Updates\",\n  \
         p.pubdelete AS \"Deletes\", p.pubtruncate AS \"Truncates\", p.pubviaroot AS \"Via root\"\n\
         FROM pg_catalog.pg_publication p\n{}ORDER BY {}",
        where_clause(&conds),
        if with_oid { 2 } else { 1 }
    )
}

/// The tables of a publication: schema, name, row filter, column list.
pub fn publication_tables(oid: &str) -> String {
    format!(
        "SELECT n.nspname, c.relname, pg_catalog.pg_get_expr(pr.prqual, c.oid),\n  \
         CASE WHEN pr.prattrs IS NOT NULL THEN pg_catalog.array_to_string(ARRAY(\n    \
         SELECT a.attname FROM pg_catalog.generate_series(0, pg_catalog.array_upper(pr.prattrs::pg_catalog.int2[], 1)) g,\n      \
         pg_catalog.pg_attribute a WHERE a.attrelid = c.oid AND a.attnum = pr.prattrs[g]), ', ') END\n\
         FROM pg_catalog.pg_class c, pg_catalog.pg_namespace n, pg_catalog.pg_publication_rel pr\n\
         WHERE c.relnamespace = n.oid AND c.oid = pr.prrelid AND pr.prpubid = '{oid}'\nORDER BY 1, 2"
    )
}

/// The publications of the schema named exactly `name` (`\dn NAME`).
pub fn schema_publications(name: &str) -> String {
    format!(
        "SELECT p.pubname FROM pg_catalog.pg_publication p\n\
         JOIN pg_catalog.pg_publication_namespace pn ON p.oid = pn.pnpubid\n\
         JOIN pg_catalog.pg_namespace n ON n.oid = pn.pnnspid\n\
         WHERE n.nspname = {}\nORDER BY 1",
        literal(name)
    )
}

/// The schemas a publication takes all tables of.
pub fn publication_schemas(oid: &str) -> String {
    format!(
        "SELECT n.nspname FROM pg_catalog.pg_namespace n\n\
         JOIN pg_catalog.pg_publication_namespace pn ON n.oid = pn.pnnspid\n\
         WHERE pn.pnpubid = '{oid}'\nORDER BY 1"
    )
}

/// `\dRs` (psql's `describeSubscriptions`): this database's.
pub fn list_subscriptions(pattern: Option<&Pattern>, verbose: bool) -> String {
    let extra = if verbose {
        ",\n  s.subbinary AS \"Binary\", s.substream AS \"Streaming\",\n  \
         s.subtwophasestate AS \"Two-phase commit\", s.subdisableonerr AS \"Disable on error\",\n  \
         s.subsynccommit AS \"Synchronous commit\", s.subconninfo AS \"Conninfo\",\n  \
         s.subskiplsn AS \"Skip LSN\""
    } else {
        ""
    };
    let mut conds = vec![
        "s.subdbid = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())".to_string(),
    ];
    conds.extend(pattern_conditions(pattern, None, "s.subname", None));
    format!(
        "SELECT s.subname AS \"Name\", pg_catalog.pg_get_userbyid(s.subowner) AS \"Owner\",\n  \
         s.subenabled AS \"Enabled\", s.subpublications AS \"Publication\"{extra}\n\
         FROM pg_catalog.pg_subscription s\n{}ORDER BY 1",
        where_clause(&conds)
    )
}

/// `\dp` / `\z` (psql's `permissionsList`): privileges of tables, views,
/// sequences, their columns, and row security policies.
pub fn list_privileges(pattern: Option<&Pattern>) -> String {
    let mut conds = vec!["c.relkind IN ('r','v','m','S','f','p')".to_string()];
    if pattern.is_none() {
        conds.push("n.nspname !~ '^pg_'".into());
    }
    conds.extend(pattern_conditions(
        pattern,
        Some("n.nspname"),
        "c.relname",
        Some("pg_catalog.pg_table_is_visible(c.oid)"),
    ));
    format!(
        "SELECT n.nspname AS \"Schema\", c.relname AS \"Name\",\n  \
         CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'\n    \
         WHEN 'S' THEN 'sequence' WHEN 'f' THEN 'foreign table' WHEN 'p' THEN 'partitioned table' END AS \"Type\",\n  \
         {},\n  \
         pg_catalog.array_to_string(ARRAY(\n    \
         SELECT a.attname || E':\\n  ' || pg_catalog.array_to_string(a.attacl, E'\\n  ')\n    \
         FROM pg_catalog.pg_attribute a\n    \
         WHERE a.attrelid = c.oid AND NOT a.attisdropped AND a.attacl IS NOT NULL), E'\\n') AS \"Column privileges\",\n  \
         pg_catalog.array_to_string(ARRAY(\n    \
         SELECT pol.polname\n      \
         || CASE WHEN NOT pol.polpermissive THEN E' (RESTRICTIVE)' ELSE '' END\n      \
         || CASE WHEN pol.polcmd <> '*' THEN E' (' || pol.polcmd::pg_catalog.text || E'):' ELSE E':' END\n      \
         || CASE WHEN pol.polqual IS NOT NULL THEN E'\\n  (u): ' || pg_catalog.pg_get_expr(pol.polqual, pol.polrelid) ELSE '' END\n      \
         || CASE WHEN pol.polwithcheck IS NOT NULL THEN E'\\n  (c): ' || pg_catalog.pg_get_expr(pol.polwithcheck, pol.polrelid) ELSE '' END\n      \
         || CASE WHEN pol.polroles <> '{{0}}' THEN E'\\n  to: ' || pg_catalog.array_to_string(ARRAY(\n        \
         SELECT r.rolname FROM pg_catalog.pg_roles r WHERE r.oid = ANY (pol.polroles) ORDER BY 1), E', ')\n        \
         ELSE '' END\n    \
         FROM pg_catalog.pg_policy pol WHERE pol.polrelid = c.oid), E'\\n') AS \"Policies\"\n\
         FROM pg_catalog.pg_class c\nLEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace\n\
         {}ORDER BY 1, 2",
        acl_column("c.relacl"),
        where_clause(&conds)
    )
}

/// `\d NAME`: the relations a pattern names, in order.
pub fn find_relations(pattern: &Pattern, system: bool) -> String {
    let mut conds = pattern.conditions(
        Some("n.nspname"),
        "c.relname",
        Some("pg_catalog.pg_table_is_visible(c.oid)"),
    );
    if !system && pattern.schema.is_none() && pattern.name == "^(.*)$" {
        conds.push("n.nspname <> 'pg_catalog'".into());
        conds.push("n.nspname !~ '^pg_toast'".into());
        conds.push("n.nspname <> 'information_schema'".into());
    }
    format!(
        "SELECT c.oid, n.nspname, c.relname\nFROM pg_catalog.pg_class c\nLEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace\n{}ORDER BY 2, 3",
        where_clause(&conds)
    )
}

/// One relation's kind and look (psql's `tableinfo`).
pub fn relation_info(oid: &str) -> String {
    format!(
        "SELECT c.relkind, c.relpersistence, c.relhasindex, c.relhastriggers, c.relrowsecurity,\n  \
         c.relforcerowsecurity, c.relreplident, am.amname,\n  \
         pg_catalog.array_to_string(c.reloptions || array(SELECT 'toast.' || x FROM pg_catalog.unnest(tc.reloptions) x), ', '),\n  \
         c.relispartition,\n  \
         CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END,\n  \
         CASE WHEN c.reloftype <> 0 THEN c.reloftype::pg_catalog.regtype END,\n  \
         (SELECT t.spcname FROM pg_catalog.pg_tablespace t WHERE t.oid = c.reltablespace),\n  \
         pg_catalog.array_to_string(c.reloptions, ', ')\n\
         FROM pg_catalog.pg_class c\nLEFT JOIN pg_catalog.pg_class tc ON c.reltoastrelid = tc.oid\n\
         LEFT JOIN pg_catalog.pg_am am ON c.relam = am.oid\nWHERE c.oid = '{oid}'"
    )
}

/// The columns of a relation, as `\d NAME` shows them (`+` adds
/// storage, compression, statistics target and description); the last
/// column is the column's FDW options (a foreign table's).
pub fn relation_columns(oid: &str, verbose: bool) -> String {
    let fdw = options_column("a.attfdwoptions");
    let extra = if verbose {
        ",\n  a.attstorage, a.attcompression, CASE WHEN a.attstattarget = -1 THEN NULL ELSE a.attstattarget END,\n  \
         pg_catalog.col_description(a.attrelid, a.attnum)"
    } else {
        ""
    };
    format!(
        "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod),\n  \
         (SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid, true) FROM pg_catalog.pg_attrdef d\n   \
         WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum AND a.atthasdef),\n  \
         a.attnotnull,\n  \
         (SELECT c.collname FROM pg_catalog.pg_collation c, pg_catalog.pg_type t\n   \
         WHERE c.oid = a.attcollation AND t.oid = a.atttypid AND a.attcollation <> t.typcollation) AS attcollation,\n  \
         a.attidentity, a.attgenerated{extra},\n  {fdw}\n\
         FROM pg_catalog.pg_attribute a\nWHERE a.attrelid = '{oid}' AND a.attnum > 0 AND NOT a.attisdropped\nORDER BY a.attnum"
    )
}

/// The indexes of a table, for its `Indexes:` footer.
pub fn table_indexes(oid: &str) -> String {
    format!(
        "SELECT c2.relname, i.indisprimary, i.indisunique, i.indisclustered, i.indisvalid,\n  \
         pg_catalog.pg_get_indexdef(i.indexrelid, 0, true),\n  \
         pg_catalog.pg_get_constraintdef(con.oid, true), con.contype, con.condeferrable, con.condeferred,\n  \
         i.indisreplident,\n  \
         (SELECT t.spcname FROM pg_catalog.pg_tablespace t WHERE t.oid = c2.reltablespace)\n\
         FROM pg_catalog.pg_class c, pg_catalog.pg_class c2, pg_catalog.pg_index i\n\
         LEFT JOIN pg_catalog.pg_constraint con ON conrelid = i.indrelid AND conindid = i.indexrelid\n  \
         AND contype IN ('p', 'u', 'x')\n\
         WHERE c.oid = '{oid}' AND c.oid = i.indrelid AND i.indexrelid = c2.oid\n\
         ORDER BY i.indisprimary DESC, c2.relname"
    )
}

/// A table's constraints of one type (`c` check, `f` foreign key), name
/// and definition, by name.
pub fn table_constraints(oid: &str, contype: char) -> String {
    format!(
        "SELECT r.conname, pg_catalog.pg_get_constraintdef(r.oid, true)\n\
         FROM pg_catalog.pg_constraint r\n\
         WHERE r.conrelid = '{oid}' AND r.contype = '{contype}' AND r.conparentid = 0\nORDER BY 1"
    )
}

/// The foreign keys that point at a table (`Referenced by:`).
pub fn table_referenced_by(oid: &str) -> String {
    format!(
        "SELECT conname, conrelid::pg_catalog.regclass, pg_catalog.pg_get_constraintdef(oid, true)\n\
         FROM pg_catalog.pg_constraint c\n\
         WHERE confrelid IN (SELECT pg_catalog.pg_partition_ancestors('{oid}')\n  \
         UNION ALL VALUES ('{oid}'::pg_catalog.regclass))\n  \
         AND contype = 'f' AND conparentid = 0\nORDER BY conname"
    )
}

/// A table's foreign keys, its partition ancestors' too: whether on the
/// table itself, name, definition, table.
pub fn foreign_keys(oid: &str) -> String {
    format!(
        "SELECT conrelid = '{oid}'::pg_catalog.regclass AS sametable, conname,\n  \
         pg_catalog.pg_get_constraintdef(oid, true), conrelid::pg_catalog.regclass\n\
         FROM pg_catalog.pg_constraint\n\
         WHERE conrelid IN (SELECT pg_catalog.pg_partition_ancestors('{oid}')\n  \
         UNION SELECT '{oid}'::pg_catalog.regclass)\n  \
         AND contype = 'f' AND conparentid = 0\n\
         ORDER BY sametable DESC, conname"
    )
}

/// The publications a table is in: name, row filter, column list.
pub fn publications(oid: &str) -> String {
    format!(
        "SELECT p.pubname, NULL, NULL\n\
         FROM pg_catalog.pg_publication p\n\
         JOIN pg_catalog.pg_publication_namespace pn ON p.oid = pn.pnpubid\n\
         JOIN pg_catalog.pg_class pc ON pc.relnamespace = pn.pnnspid\n\
         WHERE pc.oid = '{oid}' AND pg_catalog.pg_relation_is_publishable('{oid}')\n\
         UNION\n\
         SELECT p.pubname, pg_catalog.pg_get_expr(pr.prqual, c.oid),\n  \
         CASE WHEN pr.prattrs IS NOT NULL THEN\n    \
         (SELECT pg_catalog.string_agg(a.attname, ', ')\n     \
         FROM pg_catalog.generate_series(0, pg_catalog.array_upper(pr.prattrs::pg_catalog.int2[], 1)) g,\n     \
         pg_catalog.pg_attribute a\n     \
         WHERE a.attrelid = pr.prrelid AND a.attnum = pr.prattrs[g]) END\n\
         FROM pg_catalog.pg_publication p\n\
         JOIN pg_catalog.pg_publication_rel pr ON p.oid = pr.prpubid\n\
         JOIN pg_catalog.pg_class c ON c.oid = pr.prrelid\n\
         WHERE pr.prrelid = '{oid}'\n\
         UNION\n\
         SELECT p.pubname, NULL, NULL\n\
         FROM pg_catalog.pg_publication p\n\
         WHERE p.puballtables AND pg_catalog.pg_relation_is_publishable('{oid}')\n\
         ORDER BY 1"
    )
}

/// A table's extended statistics objects: table, schema, name, columns,
/// which kinds, statistics target.
pub fn statistics(oid: &str) -> String {
    format!(
        "SELECT stxrelid::pg_catalog.regclass, stxnamespace::pg_catalog.regnamespace::pg_catalog.text AS nsp,\n  \
         stxname, pg_catalog.pg_get_statisticsobjdef_columns(oid),\n  \
         'd' = ANY (stxkind), 'f' = ANY (stxkind), 'm' = ANY (stxkind), stxstattarget\n\
         FROM pg_catalog.pg_statistic_ext\nWHERE stxrelid = '{oid}'\nORDER BY nsp, stxname"
    )
}

/// A table's row security policies, for its `Policies:` footer.
pub fn policies(oid: &str) -> String {
    format!(
        "SELECT pol.polname, pol.polpermissive,\n  \
         CASE WHEN pol.polroles = '{{0}}' THEN NULL ELSE pg_catalog.array_to_string(ARRAY(\n    \
         SELECT r.rolname FROM pg_catalog.pg_roles r WHERE r.oid = ANY (pol.polroles) ORDER BY 1), ',') END,\n  \
         pg_catalog.pg_get_expr(pol.polqual, pol.polrelid),\n  \
         pg_catalog.pg_get_expr(pol.polwithcheck, pol.polrelid),\n  \
         CASE pol.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE'\n    \
         WHEN 'd' THEN 'DELETE' END\n\
         FROM pg_catalog.pg_policy pol\nWHERE pol.polrelid = '{oid}'\nORDER BY 1"
    )
}

/// A relation's rules but a view's own `_RETURN`: name, definition
/// (without its `;`), enabled state.
pub fn rules(oid: &str) -> String {
    format!(
        "SELECT r.rulename, pg_catalog.rtrim(pg_catalog.pg_get_ruledef(r.oid, true), ';'), r.ev_enabled\n\
         FROM pg_catalog.pg_rewrite r\n\
         WHERE r.ev_class = '{oid}' AND r.rulename <> '_RETURN'\nORDER BY 1"
    )
}

/// The tables a table inherits from (not partition parents), in order.
pub fn parents(oid: &str) -> String {
    format!(
        "SELECT c.oid::pg_catalog.regclass\n\
         FROM pg_catalog.pg_class c, pg_catalog.pg_inherits i\n\
         WHERE c.oid = i.inhparent AND i.inhrelid = '{oid}' AND c.relkind <> 'p' AND c.relkind <> 'I'\n\
         ORDER BY i.inhseqno"
    )
}

/// The user triggers of a table (`Triggers:`).
pub fn table_triggers(oid: &str) -> String {
    format!(
        "SELECT t.tgname, pg_catalog.pg_get_triggerdef(t.oid, true), t.tgenabled,\n  \
         CASE WHEN t.tgparentid <> 0 THEN\n    \
         (SELECT u.tgrelid::pg_catalog.regclass\n     \
         FROM pg_catalog.pg_trigger u, pg_catalog.pg_partition_ancestors(t.tgrelid) WITH ORDINALITY AS a(relid, depth)\n     \
         WHERE u.tgname = t.tgname AND u.tgrelid = a.relid AND u.tgparentid = 0\n     \
         ORDER BY a.depth LIMIT 1) END\n\
         FROM pg_catalog.pg_trigger t\n\
         WHERE t.tgrelid = '{oid}' AND NOT t.tgisinternal\nORDER BY 1"
    )
}

/// What a partition belongs to: parent, bound, constraint.
pub fn partition_of(oid: &str) -> String {
    format!(
        "SELECT i.inhparent::pg_catalog.regclass, pg_catalog.pg_get_expr(c.relpartbound, c.oid),\n  \
         pg_catalog.pg_get_partition_constraintdef(c.oid), i.inhdetachpending\n\
         FROM pg_catalog.pg_class c JOIN pg_catalog.pg_inherits i ON c.oid = i.inhrelid\n\
         WHERE c.oid = '{oid}' AND c.relispartition"
    )
}

/// A partitioned table's partitions: name, whether partitioned itself,
/// bound.
pub fn partitions(oid: &str) -> String {
    format!(
        "SELECT c.oid::pg_catalog.regclass, c.relkind = 'p', pg_catalog.pg_get_expr(c.relpartbound, c.oid)\n\
         FROM pg_catalog.pg_class c, pg_catalog.pg_inherits i\n\
         WHERE c.oid = i.inhrelid AND i.inhparent = '{oid}'\n\
         ORDER BY pg_catalog.pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT', c.oid::pg_catalog.regclass::pg_catalog.text"
    )
}

/// An index's own facts, for its `\d` footer.
pub fn index_info(oid: &str) -> String {
    format!(
        "SELECT i.indisunique, i.indisprimary, i.indisclustered, i.indisvalid,\n  \
         (NOT i.indimmediate) AND EXISTS (SELECT 1 FROM pg_catalog.pg_constraint\n    \
         WHERE conrelid = i.indrelid AND conindid = i.indexrelid AND contype IN ('p','u','x') AND condeferrable),\n  \
         (NOT i.indimmediate) AND EXISTS (SELECT 1 FROM pg_catalog.pg_constraint\n    \
         WHERE conrelid = i.indrelid AND conindid = i.indexrelid AND contype IN ('p','u','x') AND condeferred),\n  \
         i.indisreplident, i.indnullsnotdistinct, a.amname, c2.relname,\n  \
         pg_catalog.pg_get_expr(i.indpred, i.indrelid, true), i.indnkeyatts\n\
         FROM pg_catalog.pg_index i, pg_catalog.pg_class c, pg_catalog.pg_class c2, pg_catalog.pg_am a\n\
         WHERE i.indexrelid = c.oid AND c.oid = '{oid}' AND c.relam = a.oid AND i.indrelid = c2.oid"
    )
}

/// An index's columns: their definitions.
pub fn index_columns(oid: &str) -> String {
    format!(
        "SELECT pg_catalog.pg_get_indexdef(a.attrelid, a.attnum, true)\n\
         FROM pg_catalog.pg_attribute a\n\
         WHERE a.attrelid = '{oid}' AND a.attnum > 0 AND NOT a.attisdropped\nORDER BY a.attnum"
    )
}

/// A view's reloptions without its check option, and the check option.
pub fn view_options(oid: &str) -> String {
    format!(
        "SELECT pg_catalog.array_to_string(pg_catalog.array_remove(pg_catalog.array_remove(c.reloptions,\n  \
         'check_option=local'), 'check_option=cascaded'), ', '),\n  \
         CASE WHEN 'check_option=local' = ANY (c.reloptions) THEN 'LOCAL'\n  \
         WHEN 'check_option=cascaded' = ANY (c.reloptions) THEN 'CASCADED' END,\n  \
         pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname)\n\
         FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace\n\
         WHERE c.oid = '{oid}'"
    )
}

/// A sequence's parameters, as `\d SEQUENCE` shows them.
pub fn sequence_params(oid: &str) -> String {
    format!(
        "SELECT pg_catalog.format_type(seqtypid, NULL) AS \"Type\",\n  seqstart AS \"Start\",\n  \
         seqmin AS \"Minimum\",\n  seqmax AS \"Maximum\",\n  seqincrement AS \"Increment\",\n  \
         CASE WHEN seqcycle THEN 'yes' ELSE 'no' END AS \"Cycles?\",\n  seqcache AS \"Cache\"\n\
         FROM pg_catalog.pg_sequence\nWHERE seqrelid = '{oid}'"
    )
}

/// The column owning a sequence (`a`: OWNED BY, `i`: identity).
pub fn sequence_owner(oid: &str) -> String {
    format!(
        "SELECT pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname) || '.' ||\n  \
         pg_catalog.quote_ident(a.attname), d.deptype\n\
         FROM pg_catalog.pg_class c\nJOIN pg_catalog.pg_depend d ON c.oid = d.refobjid\n\
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace\n\
         JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.refobjsubid\n\
         WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass\n  \
         AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass\n  \
         AND d.objid = '{oid}' AND d.deptype IN ('a', 'i')"
    )
}

/// A function's `CREATE OR REPLACE FUNCTION` (`\sf`): by name, or by
/// name and argument types.
pub fn function_definition(name: &str) -> String {
    let cast = if name.contains('(') {
        "regprocedure"
    } else {
        "regproc"
    };
    format!(
        "SELECT pg_catalog.pg_get_functiondef({}::pg_catalog.{cast}::pg_catalog.oid)",
        literal(name)
    )
}

/// The OID of a relation named as SQL names it (`\sv`).
pub fn relation_oid(name: &str) -> String {
    format!(
        "SELECT {}::pg_catalog.regclass::pg_catalog.oid",
        literal(name)
    )
}

/// A text the client built, as a one-row result.
pub fn text_value(text: &str) -> String {
    format!("SELECT {}", literal(text))
}

/// A view's definition (`\d+ VIEW`, `\sv`).
pub fn view_definition(oid: &str) -> String {
    format!("SELECT pg_catalog.pg_get_viewdef('{oid}'::pg_catalog.oid, true)")
}

/// An options array (`fdwoptions`, `srvoptions`, `umoptions`,
/// `ftoptions`, `attfdwoptions`) as psql shows it: `(name 'value', ...)`,
/// empty when there is none.
fn options_column(var: &str) -> String {
    format!(
        "CASE WHEN {var} IS NULL THEN '' ELSE '(' || pg_catalog.array_to_string(ARRAY(\n    \
         SELECT pg_catalog.quote_ident(option_name) || ' ' || pg_catalog.quote_literal(option_value)\n    \
         FROM pg_catalog.pg_options_to_table({var})), ', ') || ')' END"
    )
}

/// `\dew` (psql's `listForeignDataWrappers`).
pub fn list_foreign_data_wrappers(pattern: Option<&Pattern>, verbose: bool) -> String {
    let mut cols = vec![
        "fdw.fdwname AS \"Name\"".to_string(),
        "pg_catalog.pg_get_userbyid(fdw.fdwowner) AS \"Owner\"".to_string(),
        "fdw.fdwhandler::pg_catalog.regproc AS \"Handler\"".to_string(),
        "fdw.fdwvalidator::pg_catalog.regproc AS \"Validator\"".to_string(),
    ];
    let mut from = "pg_catalog.pg_foreign_data_wrapper fdw".to_string();
    if verbose {
        cols.push(acl_column("fdw.fdwacl"));
        cols.push(format!(
            "{} AS \"FDW options\"",
            options_column("fdw.fdwoptions")
        ));
        cols.push("d.description AS \"Description\"".into());
        from.push_str(
            "\nLEFT JOIN pg_catalog.pg_description d\n  \
             ON d.classoid = fdw.tableoid AND d.objoid = fdw.oid AND d.objsubid = 0",
        );
    }
    let conds = pattern_conditions(pattern, None, "fdw.fdwname", None);
    format!(
        "SELECT {}\nFROM {from}\n{}ORDER BY 1",
        cols.join(",\n  "),
        where_clause(&conds)
    )
}

/// `\des` (psql's `listForeignServers`).
pub fn list_foreign_servers(pattern: Option<&Pattern>, verbose: bool) -> String {
    let mut cols = vec![
        "s.srvname AS \"Name\"".to_string(),
        "pg_catalog.pg_get_userbyid(s.srvowner) AS \"Owner\"".to_string(),
        "f.fdwname AS \"Foreign-data wrapper\"".to_string(),
    ];
    let mut from = "pg_catalog.pg_foreign_server s\n\
                    JOIN pg_catalog.pg_foreign_data_wrapper f ON f.oid = s.srvfdw"
        .to_string();
    if verbose {
        cols.push(acl_column("s.srvacl"));
        cols.push("s.srvtype AS \"Type\"".into());
        cols.push("s.srvversion AS \"Version\"".into());
        cols.push(format!(
            "{} AS \"FDW options\"",
            options_column("s.srvoptions")
        ));
        cols.push("d.description AS \"Description\"".into());
        from.push_str(
            "\nLEFT JOIN pg_catalog.pg_description d\n  \
             ON d.classoid = s.tableoid AND d.objoid = s.oid AND d.objsubid = 0",
        );
    }
    let conds = pattern_conditions(pattern, None, "s.srvname", None);
    format!(
        "SELECT {}\nFROM {from}\n{}ORDER BY 1",
        cols.join(",\n  "),
        where_clause(&conds)
    )
}

/// `\deu` (psql's `listUserMappings`): the pattern matches the server's
/// name or the user's.
pub fn list_user_mappings(pattern: Option<&Pattern>, verbose: bool) -> String {
    let mut cols = vec![
        "um.srvname AS \"Server\"".to_string(),
        "um.usename AS \"User name\"".to_string(),
    ];
    if verbose {
        cols.push(format!(
            "{} AS \"FDW options\"",
            options_column("um.umoptions")
        ));
    }
    let conds: Vec<String> = match pattern.filter(|p| p.name != "^(.*)$") {
        Some(p) => {
            let re = literal(&p.name);
            vec![format!(
                "(um.srvname OPERATOR(pg_catalog.~) {re} COLLATE pg_catalog.default\n  \
                 OR um.usename OPERATOR(pg_catalog.~) {re} COLLATE pg_catalog.default)"
            )]
        }
        None => Vec::new(),
    };
    format!(
        "SELECT {}\nFROM pg_catalog.pg_user_mappings um\n{}ORDER BY 1, 2",
        cols.join(",\n  "),
        where_clause(&conds)
    )
}

/// `\det` (psql's `listForeignTables`).
pub fn list_foreign_tables(pattern: Option<&Pattern>, verbose: bool) -> String {
    let mut cols = vec![
        "n.nspname AS \"Schema\"".to_string(),
        "c.relname AS \"Table\"".to_string(),
        "s.srvname AS \"Server\"".to_string(),
    ];
    let mut from = "pg_catalog.pg_foreign_table ft\n\
                    JOIN pg_catalog.pg_class c ON c.oid = ft.ftrelid\n\
                    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace\n\
                    JOIN pg_catalog.pg_foreign_server s ON s.oid = ft.ftserver"
        .to_string();
    if verbose {
        cols.push(format!(
            "{} AS \"FDW options\"",
            options_column("ft.ftoptions")
        ));
        cols.push("d.description AS \"Description\"".into());
        from.push_str(
            "\nLEFT JOIN pg_catalog.pg_description d\n  \
             ON d.classoid = c.tableoid AND d.objoid = c.oid AND d.objsubid = 0",
        );
    }
    let conds = pattern_conditions(
        pattern,
        Some("n.nspname"),
        "c.relname",
        Some("pg_catalog.pg_table_is_visible(c.oid)"),
    );
    format!(
        "SELECT {}\nFROM {from}\n{}ORDER BY 1, 2",
        cols.join(",\n  "),
        where_clause(&conds)
    )
}

/// A foreign table's server and table options (`Server:` and `FDW
/// options:` footers of `\d`).
pub fn foreign_table_server(oid: &str) -> String {
    format!(
        "SELECT s.srvname, pg_catalog.array_to_string(ARRAY(\n    \
         SELECT pg_catalog.quote_ident(option_name) || ' ' || pg_catalog.quote_literal(option_value)\n    \
         FROM pg_catalog.pg_options_to_table(f.ftoptions)), ', ')\n\
         FROM pg_catalog.pg_foreign_table f, pg_catalog.pg_foreign_server s\n\
         WHERE f.ftrelid = '{oid}' AND s.oid = f.ftserver"
    )
}

/// `\dl` / `\lo_list` (psql's `listLargeObjects`; no pattern).
pub fn list_large_objects(verbose: bool) -> String {
    let acl = if verbose {
        format!("{},\n  ", acl_column("lomacl"))
    } else {
        String::new()
    };
    format!(
        "SELECT oid AS \"ID\",\n  pg_catalog.pg_get_userbyid(lomowner) AS \"Owner\",\n  {acl}\
         pg_catalog.obj_description(oid, 'pg_largeobject') AS \"Description\"\n\
         FROM pg_catalog.pg_largeobject_metadata\nORDER BY oid"
    )
}

/// The table a TOAST table belongs to (`Owning table:` of `\d`).
pub fn toast_owner(oid: &str) -> String {
    format!(
        "SELECT n.nspname, c.relname\n\
         FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace\n\
         WHERE c.reltoastrelid = '{oid}'"
    )
}

/// psql's name condition with an alternative name (`altnamevar`): either
/// matches.
fn alt_name_condition(p: &Pattern, namevar: &str, altvar: &str) -> Option<String> {
    (p.name != "^(.*)$").then(|| {
        let re = literal(&p.name);
        format!(
            "({namevar} OPERATOR(pg_catalog.~) {re} COLLATE pg_catalog.default\n        \
             OR {altvar} OPERATOR(pg_catalog.~) {re} COLLATE pg_catalog.default)"
        )
    })
}

/// `\dA` (psql's `describeAccessMethods`).
pub fn list_access_methods(pattern: Option<&Pattern>, verbose: bool) -> String {
    let mut cols = vec![
        "amname AS \"Name\"".to_string(),
        "CASE amtype WHEN 'i' THEN 'Index' WHEN 't' THEN 'Table' END AS \"Type\"".to_string(),
    ];
    if verbose {
        cols.push("amhandler AS \"Handler\"".into());
        cols.push("pg_catalog.obj_description(oid, 'pg_am') AS \"Description\"".into());
    }
    let conds = pattern_conditions(pattern, None, "amname", None);
    format!(
        "SELECT {}\nFROM pg_catalog.pg_am\n{}ORDER BY 1",
        cols.join(",\n  "),
        where_clause(&conds)
    )
}

/// `\dL` (psql's `listLanguages`).
pub fn list_languages(pattern: Option<&Pattern>, verbose: bool, system: bool) -> String {
    let mut cols = vec![
        "l.lanname AS \"Name\"".to_string(),
        "pg_catalog.pg_get_userbyid(l.lanowner) AS \"Owner\"".to_string(),
        "l.lanpltrusted AS \"Trusted\"".to_string(),
    ];
    if verbose {
        cols.push("NOT l.lanispl AS \"Internal language\"".into());
        cols.push("l.lanplcallfoid::pg_catalog.regprocedure AS \"Call handler\"".into());
        cols.push("l.lanvalidator::pg_catalog.regprocedure AS \"Validator\"".into());
        cols.push("l.laninline::pg_catalog.regprocedure AS \"Inline handler\"".into());
        cols.push(acl_column("l.lanacl"));
    }
    cols.push("d.description AS \"Description\"".into());
    let mut conds = pattern_conditions(pattern, None, "l.lanname", None);
    if !system && pattern.is_none() {
        conds.push("l.lanplcallfoid <> 0".into());
    }
    format!(
        "SELECT {}\nFROM pg_catalog.pg_language l\n\
         LEFT JOIN pg_catalog.pg_description d\n  \
         ON d.classoid = l.tableoid AND d.objoid = l.oid AND d.objsubid = 0\n{}ORDER BY 1",
        cols.join(",\n  "),
        where_clause(&conds)
    )
}

/// `\dO` (psql's `listCollations`): only those usable with the
/// database's encoding.
pub fn list_collations(pattern: Option<&Pattern>, verbose: bool, system: bool) -> String {
    let mut cols = vec![
        "n.nspname AS \"Schema\"".to_string(),
        "c.collname AS \"Name\"".to_string(),
        "c.collcollate AS \"Collate\"".to_string(),
        "c.collctype AS \"Ctype\"".to_string(),
        "c.colliculocale AS \"ICU Locale\"".to_string(),
        "CASE c.collprovider WHEN 'd' THEN 'default' WHEN 'c' THEN 'libc' WHEN 'i' THEN 'icu' END AS \"Provider\"".to_string(),
        "CASE WHEN c.collisdeterministic THEN 'yes' ELSE 'no' END AS \"Deterministic?\"".to_string(),
    ];
    if verbose {
        cols.push("pg_catalog.obj_description(c.oid, 'pg_collation') AS \"Description\"".into());
    }
    let mut conds = vec!["n.oid = c.collnamespace".to_string()];
    conds.extend(user_schemas(pattern, system, "n.nspname"));
    conds.push(
        "c.collencoding IN (-1, pg_catalog.pg_char_to_encoding(pg_catalog.getdatabaseencoding()))"
            .into(),
    );
    conds.extend(pattern_conditions(
        pattern,
        Some("n.nspname"),
        "c.collname",
        Some("pg_catalog.pg_collation_is_visible(c.oid)"),
    ));
    format!(
        "SELECT {}\nFROM pg_catalog.pg_collation c, pg_catalog.pg_namespace n\n{}ORDER BY 1, 2",
        cols.join(",\n  "),
        where_clause(&conds)
    )
}

/// `\dc` (psql's `listConversions`).
pub fn list_conversions(pattern: Option<&Pattern>, verbose: bool, system: bool) -> String {
    let mut cols = vec![
        "n.nspname AS \"Schema\"".to_string(),
        "c.conname AS \"Name\"".to_string(),
        "pg_catalog.pg_encoding_to_char(c.conforencoding) AS \"Source\"".to_string(),
        "pg_catalog.pg_encoding_to_char(c.contoencoding) AS \"Destination\"".to_string(),
        "CASE WHEN c.condefault THEN 'yes' ELSE 'no' END AS \"Default?\"".to_string(),
    ];
    let mut from = "pg_catalog.pg_conversion c\n\
                    JOIN pg_catalog.pg_namespace n ON n.oid = c.connamespace"
        .to_string();
    if verbose {
        cols.push("d.description AS \"Description\"".into());
        from.push_str(
            "\nLEFT JOIN pg_catalog.pg_description d ON d.classoid = c.tableoid\n  \
             AND d.objoid = c.oid AND d.objsubid = 0",
        );
    }
    let mut conds = user_schemas(pattern, system, "n.nspname");
    conds.extend(pattern_conditions(
        pattern,
        Some("n.nspname"),
        "c.conname",
        Some("pg_catalog.pg_conversion_is_visible(c.oid)"),
    ));
    format!(
        "SELECT {}\nFROM {from}\n{}ORDER BY 1, 2",
        cols.join(",\n  "),
        where_clause(&conds)
    )
}

/// `\dC` (psql's `listCasts`): the pattern matches the source or the
/// target type, by its name or its SQL spelling.
pub fn list_casts(pattern: Option<&Pattern>, verbose: bool) -> String {
    let mut cols = vec![
        "pg_catalog.format_type(castsource, NULL) AS \"Source type\"".to_string(),
        "pg_catalog.format_type(casttarget, NULL) AS \"Target type\"".to_string(),
        "CASE WHEN c.castmethod = 'b' THEN '(binary coercible)'\n    \
         WHEN c.castmethod = 'i' THEN '(with inout)'\n    ELSE p.proname END AS \"Function\""
            .to_string(),
        "CASE WHEN c.castcontext = 'e' THEN 'no'\n    WHEN c.castcontext = 'a' THEN 'in assignment'\n    \
         ELSE 'yes' END AS \"Implicit?\""
            .to_string(),
    ];
    let mut from = "pg_catalog.pg_cast c LEFT JOIN pg_catalog.pg_proc p ON c.castfunc = p.oid\n\
                    LEFT JOIN pg_catalog.pg_type ts ON c.castsource = ts.oid\n\
                    LEFT JOIN pg_catalog.pg_namespace ns ON ns.oid = ts.typnamespace\n\
                    LEFT JOIN pg_catalog.pg_type tt ON c.casttarget = tt.oid\n\
                    LEFT JOIN pg_catalog.pg_namespace nt ON nt.oid = tt.typnamespace"
        .to_string();
    if verbose {
        cols.push("d.description AS \"Description\"".into());
        from.push_str(
            "\nLEFT JOIN pg_catalog.pg_description d\n  \
             ON d.classoid = c.tableoid AND d.objoid = c.oid AND d.objsubid = 0",
        );
    }
    let side = |nsp: &str, typ: &str| -> String {
        let mut conds = vec!["true".to_string()];
        match pattern {
            Some(p) => {
                conds.extend(alt_name_condition(
                    p,
                    &format!("{typ}.typname"),
                    &format!("pg_catalog.format_type({typ}.oid, NULL)"),
                ));
                match &p.schema {
                    Some(sch) if sch != "^(.*)$" => conds.push(format!(
                        "{nsp}.nspname OPERATOR(pg_catalog.~) {} COLLATE pg_catalog.default",
                        literal(sch)
                    )),
                    Some(_) => {}
                    None => conds.push(format!("pg_catalog.pg_type_is_visible({typ}.oid)")),
                }
            }
            None => conds.push(format!("pg_catalog.pg_type_is_visible({typ}.oid)")),
        }
        format!("({})", conds.join(" AND "))
    };
    format!(
        "SELECT {}\nFROM {from}\nWHERE {} OR {}\nORDER BY 1, 2",
        cols.join(",\n  "),
        side("ns", "ts"),
        side("nt", "tt")
    )
}

/// `\dconfig` (psql's `describeConfigurationParameters`): without a
/// pattern, the parameters not at their default.
pub fn list_config(pattern: Option<&Pattern>, verbose: bool) -> String {
    let mut cols = vec![
        "s.name AS \"Parameter\"".to_string(),
        "pg_catalog.current_setting(s.name) AS \"Value\"".to_string(),
    ];
    let mut from = "pg_catalog.pg_settings s".to_string();
    if verbose {
        cols.push("s.vartype AS \"Type\"".into());
        cols.push("s.context AS \"Context\"".into());
        cols.push(acl_column("p.paracl"));
        from.push_str(
            "\nLEFT JOIN pg_catalog.pg_parameter_acl p ON pg_catalog.lower(s.name) = p.parname",
        );
    }
    let conds = match pattern {
        Some(p) => p.conditions(None, "pg_catalog.lower(s.name)", None),
        None => vec![
            "s.source <> 'default'".to_string(),
            "s.setting IS DISTINCT FROM s.boot_val".to_string(),
        ],
    };
    format!(
        "SELECT {}\nFROM {from}\n{}ORDER BY 1",
        cols.join(",\n  "),
        where_clause(&conds)
    )
}

/// `\ddp` (psql's `listDefaultACLs`): the pattern matches the schema or
/// the owner.
pub fn list_default_acls(pattern: Option<&Pattern>) -> String {
    let conds: Vec<String> = pattern
        .and_then(|p| {
            alt_name_condition(p, "n.nspname", "pg_catalog.pg_get_userbyid(d.defaclrole)")
        })
        .into_iter()
        .collect();
    format!(
        "SELECT pg_catalog.pg_get_userbyid(d.defaclrole) AS \"Owner\",\n  \
         n.nspname AS \"Schema\",\n  \
         CASE d.defaclobjtype WHEN 'r' THEN 'table' WHEN 'S' THEN 'sequence' \
         WHEN 'f' THEN 'function' WHEN 'T' THEN 'type' WHEN 'n' THEN 'schema' END AS \"Type\",\n  \
         {}\nFROM pg_catalog.pg_default_acl d\n\
         LEFT JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace\n{}ORDER BY 1, 2, 3",
        acl_column("d.defaclacl"),
        where_clause(&conds)
    )
}

/// `\drds` (psql's `listDbRoleSettings`).
pub fn list_role_settings(role: Option<&Pattern>, db: Option<&Pattern>) -> String {
    let mut conds = Vec::new();
    if let Some(p) = role {
        conds.extend(p.conditions(None, "r.rolname", None));
    }
    if let Some(p) = db {
        conds.extend(p.conditions(None, "d.datname", None));
    }
    format!(
        "SELECT rolname AS \"Role\", datname AS \"Database\",\n  \
         pg_catalog.array_to_string(setconfig, E'\\n') AS \"Settings\"\n\
         FROM pg_catalog.pg_db_role_setting s\n\
         LEFT JOIN pg_catalog.pg_database d ON d.oid = setdatabase\n\
         LEFT JOIN pg_catalog.pg_roles r ON r.oid = setrole\n{}ORDER BY 1, 2",
        where_clause(&conds)
    )
}

/// `\dP` (psql's `listPartitionedTables`): partitioned tables and / or
/// indexes (`kinds`: tables, indexes, nested partitions too).
pub fn list_partitioned(
    pattern: Option<&Pattern>,
    verbose: bool,
    (tables, indexes, nested): (bool, bool, bool),
) -> String {
    let mixed = tables && indexes;
    let mut cols = vec![
        "n.nspname AS \"Schema\"".to_string(),
        "c.relname AS \"Name\"".to_string(),
        "pg_catalog.pg_get_userbyid(c.relowner) AS \"Owner\"".to_string(),
    ];
    if mixed {
        cols.push(
            "CASE c.relkind WHEN 'p' THEN 'partitioned table' WHEN 'I' THEN 'partitioned index' END AS \"Type\""
                .into(),
        );
    }
    let parent = nested || pattern.is_some();
    if parent {
        cols.push("inh.inhparent::pg_catalog.regclass AS \"Parent name\"".into());
    }
    if indexes {
        cols.push("c2.oid::pg_catalog.regclass AS \"Table\"".into());
    }
    let mut from = "pg_catalog.pg_class c\n\
                    LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
        .to_string();
    if indexes {
        from.push_str(
            "\nLEFT JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid\n\
             LEFT JOIN pg_catalog.pg_class c2 ON i.indrelid = c2.oid",
        );
    }
    if parent {
        from.push_str("\nLEFT JOIN pg_catalog.pg_inherits inh ON c.oid = inh.inhrelid");
    }
    if verbose {
        if nested {
            cols.push("s.dps AS \"Leaf partition size\"".into());
        }
        cols.push("s.tps AS \"Total size\"".into());
        cols.push("pg_catalog.obj_description(c.oid, 'pg_class') AS \"Description\"".into());
        from.push_str(
            ",\nLATERAL (SELECT pg_catalog.pg_size_pretty(sum(\n    \
             CASE WHEN ppt.isleaf AND ppt.level = 1 THEN pg_catalog.pg_table_size(ppt.relid) ELSE 0 END)) AS dps,\n  \
             pg_catalog.pg_size_pretty(sum(pg_catalog.pg_table_size(ppt.relid))) AS tps\n  \
             FROM pg_catalog.pg_partition_tree(c.oid) ppt) s",
        );
    }
    let mut kinds = Vec::new();
    if tables {
        kinds.push("'p'");
    }
    if indexes {
        kinds.push("'I'");
    }
    let mut conds = vec![format!("c.relkind IN ({})", kinds.join(", "))];
    if !parent {
        conds.push("NOT c.relispartition".into());
    }
    if pattern.is_none() {
        conds.push("n.nspname <> 'pg_catalog'".into());
        conds.push("n.nspname !~ '^pg_toast'".into());
        conds.push("n.nspname <> 'information_schema'".into());
    }
    conds.extend(pattern_conditions(
        pattern,
        Some("n.nspname"),
        "c.relname",
        Some("pg_catalog.pg_table_is_visible(c.oid)"),
    ));
    format!(
        "SELECT {}\nFROM {from}\n{}ORDER BY \"Schema\", {}{}\"Name\"",
        cols.join(",\n  "),
        where_clause(&conds),
        if mixed { "\"Type\" DESC, " } else { "" },
        if parent {
            "\"Parent name\" NULLS FIRST, "
        } else {
            ""
        }
    )
}

/// The SQL names psql's `map_typename_pattern` maps to what
/// `format_type` prints.
const TYPENAME_MAP: &[(&str, &str)] = &[
    ("decimal", "numeric"),
    ("float", "double precision"),
    ("int", "integer"),
    ("bool[]", "boolean[]"),
    ("decimal[]", "numeric[]"),
    ("float[]", "double precision[]"),
    ("float4[]", "real[]"),
    ("float8[]", "double precision[]"),
    ("int[]", "integer[]"),
    ("int2[]", "smallint[]"),
    ("int4[]", "integer[]"),
    ("int8[]", "bigint[]"),
    ("time[]", "time without time zone[]"),
    ("timetz[]", "time with time zone[]"),
    ("timestamp[]", "timestamp without time zone[]"),
    ("timestamptz[]", "timestamp with time zone[]"),
    ("varbit[]", "bit varying[]"),
    ("varchar[]", "character varying[]"),
];

/// The conditions of argument-type pattern `arg` for the type joined as
/// `t{i}` (`\df NAME TYPE...`, `\do OP TYPE...`): its name or SQL
/// spelling, with psql's type-name mapping; `-` means no such argument.
fn arg_type_conditions(arg: &str, i: usize) -> Vec<String> {
    if arg == "-" {
        return vec![format!("t{i}.typname IS NULL")];
    }
    let mapped = TYPENAME_MAP
        .iter()
        .find(|(from, _)| from.eq_ignore_ascii_case(arg))
        .map_or(arg, |(_, to)| to);
    let p = Pattern::parse(mapped);
    let mut conds: Vec<String> = alt_name_condition(
        &p,
        &format!("t{i}.typname"),
        &format!("pg_catalog.format_type(t{i}.oid, NULL)"),
    )
    .into_iter()
    .collect();
    match &p.schema {
        Some(s) if s != "^(.*)$" => conds.push(format!(
            "nt{i}.nspname OPERATOR(pg_catalog.~) {} COLLATE pg_catalog.default",
            literal(s)
        )),
        Some(_) => {}
        None => conds.push(format!("pg_catalog.pg_type_is_visible(t{i}.oid)")),
    }
    conds
}

/// `\do` (psql's `describeOperators`): an operator pattern (its
/// characters literal but `*` and `?`) and up to two argument types
/// (one: a prefix operator's right argument).
pub fn list_operators(
    pattern: Option<&Pattern>,
    args: &[&str],
    verbose: bool,
    system: bool,
) -> String {
    let mut cols = vec![
        "n.nspname AS \"Schema\"".to_string(),
        "o.oprname AS \"Name\"".to_string(),
        "CASE WHEN o.oprkind = 'l' THEN NULL ELSE pg_catalog.format_type(o.oprleft, NULL) END AS \"Left arg type\"".to_string(),
        "CASE WHEN o.oprkind = 'r' THEN NULL ELSE pg_catalog.format_type(o.oprright, NULL) END AS \"Right arg type\"".to_string(),
        "pg_catalog.format_type(o.oprresult, NULL) AS \"Result type\"".to_string(),
    ];
    if verbose {
        cols.push("o.oprcode AS \"Function\"".into());
    }
    cols.push(
        "coalesce(pg_catalog.obj_description(o.oid, 'pg_operator'),\n    \
         pg_catalog.obj_description(o.oprcode, 'pg_proc')) AS \"Description\""
            .into(),
    );
    let args = &args[..args.len().min(2)];
    let mut from = "pg_catalog.pg_operator o\n\
                    LEFT JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace"
        .to_string();
    match args.len() {
        2 => from.push_str(
            "\nLEFT JOIN pg_catalog.pg_type t0 ON t0.oid = o.oprleft\n\
             LEFT JOIN pg_catalog.pg_namespace nt0 ON nt0.oid = t0.typnamespace\n\
             LEFT JOIN pg_catalog.pg_type t1 ON t1.oid = o.oprright\n\
             LEFT JOIN pg_catalog.pg_namespace nt1 ON nt1.oid = t1.typnamespace",
        ),
        1 => from.push_str(
            "\nLEFT JOIN pg_catalog.pg_type t0 ON t0.oid = o.oprright\n\
             LEFT JOIN pg_catalog.pg_namespace nt0 ON nt0.oid = t0.typnamespace",
        ),
        _ => {}
    }
    let mut conds = user_schemas(pattern, system, "n.nspname");
    conds.extend(pattern_conditions(
        pattern,
        Some("n.nspname"),
        "o.oprname",
        Some("pg_catalog.pg_operator_is_visible(o.oid)"),
    ));
    if args.len() == 1 {
        conds.push("o.oprleft = 0".into());
    }
    for (i, a) in args.iter().enumerate() {
        conds.extend(arg_type_conditions(a, i));
    }
    format!(
        "SELECT {}\nFROM {from}\n{}ORDER BY 1, 2, 3, 4",
        cols.join(",\n  "),
        where_clause(&conds)
    )
}

/// `\dF`, `\dFp`, `\dFd[+]`, `\dFt[+]` (psql's `listTSConfigs`,
/// `listTSParsers`, `listTSDictionaries`, `listTSTemplates`, their lists;
/// `kind` is `c`, `p`, `d` or `t`).
pub fn list_text_search(kind: char, pattern: Option<&Pattern>, verbose: bool) -> String {
    let (table, alias, name, nsp, visible, describe) = match kind {
        'p' => (
            "pg_ts_parser",
            "p",
            "prsname",
            "prsnamespace",
            "pg_ts_parser_is_visible",
            "pg_ts_parser",
        ),
        'd' => (
            "pg_ts_dict",
            "d",
            "dictname",
            "dictnamespace",
            "pg_ts_dict_is_visible",
            "pg_ts_dict",
        ),
        't' => (
            "pg_ts_template",
            "t",
            "tmplname",
            "tmplnamespace",
            "pg_ts_template_is_visible",
            "pg_ts_template",
        ),
        _ => (
            "pg_ts_config",
            "c",
            "cfgname",
            "cfgnamespace",
            "pg_ts_config_is_visible",
            "pg_ts_config",
        ),
    };
    let mut cols = vec![
        "n.nspname AS \"Schema\"".to_string(),
        format!("{alias}.{name} AS \"Name\""),
    ];
    if verbose && kind == 'd' {
        cols.push(
            "(SELECT COALESCE(nt.nspname, '(null)')::pg_catalog.text || '.' || t.tmplname\n    \
             FROM pg_catalog.pg_ts_template t\n    \
             LEFT JOIN pg_catalog.pg_namespace nt ON nt.oid = t.tmplnamespace\n    \
             WHERE d.dicttemplate = t.oid) AS \"Template\""
                .into(),
        );
        cols.push("d.dictinitoption AS \"Init options\"".into());
    }
    if verbose && kind == 't' {
        cols.push("t.tmplinit::pg_catalog.regproc AS \"Init\"".into());
        cols.push("t.tmpllexize::pg_catalog.regproc AS \"Lexize\"".into());
    }
    cols.push(format!(
        "pg_catalog.obj_description({alias}.oid, '{describe}') AS \"Description\""
    ));
    let conds = pattern_conditions(
        pattern,
        Some("n.nspname"),
        &format!("{alias}.{name}"),
        Some(&format!("pg_catalog.{visible}({alias}.oid)")),
    );
    format!(
        "SELECT {}\nFROM pg_catalog.{table} {alias}\n\
         LEFT JOIN pg_catalog.pg_namespace n ON n.oid = {alias}.{nsp}\n{}ORDER BY 1, 2",
        cols.join(",\n  "),
        where_clause(&conds)
    )
}

/// One kind of object `\dd` lists: the alias of its catalog, its name
/// column, psql's word for it, FROM ..., the visibility rule and a
/// condition of its own.
type DescribedKind = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
);

/// `\dd` (psql's `objectDescription`): the comments of the objects
/// `\d` does not show its own way: table and domain constraints,
/// operator classes and families, rules (not a view's), triggers.
pub fn list_object_descriptions(pattern: Option<&Pattern>, system: bool) -> String {
    let parts: [DescribedKind; 6] = [
        (
            "pgc",
            "pgc.conname",
            "table constraint",
            "pg_catalog.pg_constraint pgc\n    JOIN pg_catalog.pg_class c ON c.oid = pgc.conrelid\n    \
             LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace",
            "pg_catalog.pg_table_is_visible(c.oid)",
            None,
        ),
        (
            "pgc",
            "pgc.conname",
            "domain constraint",
            "pg_catalog.pg_constraint pgc\n    JOIN pg_catalog.pg_type t ON t.oid = pgc.contypid\n    \
             LEFT JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace",
            "pg_catalog.pg_type_is_visible(t.oid)",
            None,
        ),
        (
            "o",
            "o.opcname",
            "operator class",
            "pg_catalog.pg_opclass o\n    JOIN pg_catalog.pg_am am ON o.opcmethod = am.oid\n    \
             JOIN pg_catalog.pg_namespace n ON n.oid = o.opcnamespace",
            "pg_catalog.pg_opclass_is_visible(o.oid)",
            None,
        ),
        (
            "opf",
            "opf.opfname",
            "operator family",
            "pg_catalog.pg_opfamily opf\n    JOIN pg_catalog.pg_am am ON opf.opfmethod = am.oid\n    \
             JOIN pg_catalog.pg_namespace n ON opf.opfnamespace = n.oid",
            "pg_catalog.pg_opfamily_is_visible(opf.oid)",
            None,
        ),
        (
            "r",
            "r.rulename",
            "rule",
            "pg_catalog.pg_rewrite r\n    JOIN pg_catalog.pg_class c ON c.oid = r.ev_class\n    \
             LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace",
            "pg_catalog.pg_table_is_visible(c.oid)",
            Some("r.rulename <> '_RETURN'"),
        ),
        (
            "t",
            "t.tgname",
            "trigger",
            "pg_catalog.pg_trigger t\n    JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid\n    \
             LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace",
            "pg_catalog.pg_table_is_visible(c.oid)",
            None,
        ),
    ];
    let selects: Vec<String> = parts
        .iter()
        .map(|(alias, name, object, from, visible, own)| {
            let mut conds: Vec<String> = own.iter().map(|c| c.to_string()).collect();
            conds.extend(user_schemas(pattern, system, "n.nspname"));
            conds.extend(pattern_conditions(
                pattern,
                Some("n.nspname"),
                name,
                Some(visible),
            ));
            format!(
                "  SELECT {alias}.oid AS oid, {alias}.tableoid AS tableoid, n.nspname AS nspname,\n  \
                 CAST({name} AS pg_catalog.text) AS name, CAST('{object}' AS pg_catalog.text) AS object\n  \
                 FROM {from}\n{}",
                where_clause(&conds)
            )
        })
        .collect();
    format!(
        "SELECT DISTINCT tt.nspname AS \"Schema\", tt.name AS \"Name\", tt.object AS \"Object\", \
         d.description AS \"Description\"\nFROM (\n{}) AS tt\n\
         JOIN pg_catalog.pg_description d ON (tt.oid = d.objoid AND tt.tableoid = d.classoid AND d.objsubid = 0)\n\
         ORDER BY 1, 2, 3",
        selects.join("UNION ALL\n")
    )
}

/// The conditions of a type pattern for the type joined as `t` (its
/// namespace as `tn`): the name or its SQL spelling
/// (`format_type`), psql's rule for `\dAc` and `\dAf`.
fn type_pattern_conditions(p: &Pattern) -> Vec<String> {
    let mut conds: Vec<String> =
        alt_name_condition(p, "t.typname", "pg_catalog.format_type(t.oid, NULL)")
            .into_iter()
            .collect();
    match &p.schema {
        Some(s) if s != "^(.*)$" => conds.push(format!(
            "tn.nspname OPERATOR(pg_catalog.~) {} COLLATE pg_catalog.default",
            literal(s)
        )),
        Some(_) => {}
        None => conds.push("pg_catalog.pg_type_is_visible(t.oid)".into()),
    }
    conds
}

/// A name shown as psql shows operator classes and families: bare when
/// visible in the `search_path`, else schema-qualified (`format('%I')`).
fn visible_name(visible: &str, oid: &str, nsp: &str, name: &str) -> String {
    format!(
        "CASE\n    WHEN pg_catalog.{visible}({oid})\n    THEN pg_catalog.format('%I', {name})\n    \
         ELSE pg_catalog.format('%I.%I', {nsp}, {name})\n  END"
    )
}

/// `\dAc [AMPATTERN [TYPEPATTERN]]` (psql's `listOperatorClasses`).
pub fn list_operator_classes(
    am: Option<&Pattern>,
    input_type: Option<&Pattern>,
    verbose: bool,
) -> String {
    let mut cols = vec![
        "am.amname AS \"AM\"".to_string(),
        "pg_catalog.format_type(c.opcintype, NULL) AS \"Input type\"".to_string(),
        "CASE\n    WHEN c.opckeytype <> 0 AND c.opckeytype <> c.opcintype\n    \
         THEN pg_catalog.format_type(c.opckeytype, NULL)\n    ELSE NULL\n  END AS \"Storage type\""
            .to_string(),
        format!(
            "{} AS \"Operator class\"",
            visible_name("pg_opclass_is_visible", "c.oid", "n.nspname", "c.opcname")
        ),
        "CASE WHEN c.opcdefault THEN 'yes' ELSE 'no' END AS \"Default?\"".to_string(),
    ];
    let mut from = "pg_catalog.pg_opclass c\n\
                    LEFT JOIN pg_catalog.pg_am am ON am.oid = c.opcmethod\n\
                    LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.opcnamespace\n\
                    LEFT JOIN pg_catalog.pg_type t ON t.oid = c.opcintype\n\
                    LEFT JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace"
        .to_string();
    if verbose {
        cols.push(format!(
            "{} AS \"Operator family\"",
            visible_name(
                "pg_opfamily_is_visible",
                "of.oid",
                "ofn.nspname",
                "of.opfname"
            )
        ));
        cols.push("pg_catalog.pg_get_userbyid(c.opcowner) AS \"Owner\"".into());
        from.push_str(
            "\nLEFT JOIN pg_catalog.pg_opfamily of ON of.oid = c.opcfamily\n\
             LEFT JOIN pg_catalog.pg_namespace ofn ON ofn.oid = of.opfnamespace",
        );
    }
    let mut conds = am.map_or_else(Vec::new, |p| p.conditions(None, "am.amname", None));
    conds.extend(input_type.map_or_else(Vec::new, type_pattern_conditions));
    format!(
        "SELECT {}\nFROM {from}\n{}ORDER BY 1, 2, 4",
        cols.join(",\n  "),
        where_clause(&conds)
    )
}

/// `\dAf [AMPATTERN [TYPEPATTERN]]` (psql's `listOperatorFamilies`): a
/// family matches a type pattern when one of its classes takes such a
/// type.
pub fn list_operator_families(
    am: Option<&Pattern>,
    input_type: Option<&Pattern>,
    verbose: bool,
) -> String {
    let mut cols = vec![
        "am.amname AS \"AM\"".to_string(),
        format!(
            "{} AS \"Operator family\"",
            visible_name("pg_opfamily_is_visible", "f.oid", "n.nspname", "f.opfname")
        ),
        "(SELECT pg_catalog.string_agg(pg_catalog.format_type(oc.opcintype, NULL), ', ')\n   \
         FROM pg_catalog.pg_opclass oc\n   WHERE oc.opcfamily = f.oid) AS \"Applicable types\""
            .to_string(),
    ];
    if verbose {
        cols.push("pg_catalog.pg_get_userbyid(f.opfowner) AS \"Owner\"".into());
    }
    let mut conds = am.map_or_else(Vec::new, |p| p.conditions(None, "am.amname", None));
    if let Some(p) = input_type {
        let mut inner = vec!["oc.opcfamily = f.oid".to_string()];
        inner.extend(type_pattern_conditions(p));
        conds.push(format!(
            "EXISTS (\n    SELECT 1\n    FROM pg_catalog.pg_type t\n    \
             JOIN pg_catalog.pg_opclass oc ON oc.opcintype = t.oid\n    \
             LEFT JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace\n    \
             WHERE {})",
            inner.join("\n      AND ")
        ));
    }
    format!(
        "SELECT {}\nFROM pg_catalog.pg_opfamily f\n\
         LEFT JOIN pg_catalog.pg_am am ON am.oid = f.opfmethod\n\
         LEFT JOIN pg_catalog.pg_namespace n ON n.oid = f.opfnamespace\n{}ORDER BY 1, 2",
        cols.join(",\n  "),
        where_clause(&conds)
    )
}

/// `\dAo [AMPATTERN [FAMILYPATTERN]]` (psql's `listOpFamilyOperators`):
/// same-type operators first, then by argument types and strategy.
pub fn list_opfamily_operators(
    am: Option<&Pattern>,
    family: Option<&Pattern>,
    verbose: bool,
) -> String {
    let mut cols = vec![
        "am.amname AS \"AM\"".to_string(),
        format!(
            "{} AS \"Operator family\"",
            visible_name(
                "pg_opfamily_is_visible",
                "of.oid",
                "nsf.nspname",
                "of.opfname"
            )
        ),
        "o.amopopr::pg_catalog.regoperator AS \"Operator\"".to_string(),
        "o.amopstrategy AS \"Strategy\"".to_string(),
        "CASE o.amoppurpose WHEN 'o' THEN 'ordering' WHEN 's' THEN 'search' END AS \"Purpose\""
            .to_string(),
    ];
    let mut from = "pg_catalog.pg_amop o\n\
                    LEFT JOIN pg_catalog.pg_opfamily of ON of.oid = o.amopfamily\n\
                    LEFT JOIN pg_catalog.pg_am am ON am.oid = of.opfmethod AND am.oid = o.amopmethod\n\
                    LEFT JOIN pg_catalog.pg_namespace nsf ON of.opfnamespace = nsf.oid"
        .to_string();
    if verbose {
        cols.push("ofs.opfname AS \"Sort opfamily\"".into());
        from.push_str("\nLEFT JOIN pg_catalog.pg_opfamily ofs ON ofs.oid = o.amopsortfamily");
    }
    let mut conds = am.map_or_else(Vec::new, |p| p.conditions(None, "am.amname", None));
    conds.extend(family.map_or_else(Vec::new, |p| {
        p.conditions(Some("nsf.nspname"), "of.opfname", None)
    }));
    format!(
        "SELECT {}\nFROM {from}\n{}ORDER BY 1, 2,\n  o.amoplefttype = o.amoprighttype DESC,\n  \
         pg_catalog.format_type(o.amoplefttype, NULL),\n  \
         pg_catalog.format_type(o.amoprighttype, NULL),\n  o.amopstrategy",
        cols.join(",\n  "),
        where_clause(&conds)
    )
}

/// `\dAp [AMPATTERN [FAMILYPATTERN]]` (psql's `listOpFamilyFunctions`):
/// the function's name, with `+` its signature.
pub fn list_opfamily_functions(
    am: Option<&Pattern>,
    family: Option<&Pattern>,
    verbose: bool,
) -> String {
    let cols = [
        "am.amname AS \"AM\"".to_string(),
        format!(
            "{} AS \"Operator family\"",
            visible_name(
                "pg_opfamily_is_visible",
                "of.oid",
                "ns.nspname",
                "of.opfname"
            )
        ),
        "pg_catalog.format_type(ap.amproclefttype, NULL) AS \"Registered left type\"".to_string(),
        "pg_catalog.format_type(ap.amprocrighttype, NULL) AS \"Registered right type\"".to_string(),
        "ap.amprocnum AS \"Number\"".to_string(),
        if verbose {
            "ap.amproc::pg_catalog.regprocedure AS \"Function\"".to_string()
        } else {
            "p.proname AS \"Function\"".to_string()
        },
    ];
    let mut conds = am.map_or_else(Vec::new, |p| p.conditions(None, "am.amname", None));
    conds.extend(family.map_or_else(Vec::new, |p| {
        p.conditions(Some("ns.nspname"), "of.opfname", None)
    }));
    format!(
        "SELECT {}\nFROM pg_catalog.pg_amproc ap\n\
         LEFT JOIN pg_catalog.pg_opfamily of ON of.oid = ap.amprocfamily\n\
         LEFT JOIN pg_catalog.pg_am am ON am.oid = of.opfmethod\n\
         LEFT JOIN pg_catalog.pg_namespace ns ON of.opfnamespace = ns.oid\n\
         LEFT JOIN pg_catalog.pg_proc p ON ap.amproc = p.oid\n{}ORDER BY 1, 2,\n  \
         ap.amproclefttype = ap.amprocrighttype DESC,\n  3, 4, 5",
        cols.join(",\n  "),
        where_clause(&conds)
    )
}

/// The extensions `\dx+` describes: name and OID (psql's
/// `listExtensionContents`).
pub fn find_extensions(pattern: Option<&Pattern>) -> String {
    let conds = pattern_conditions(pattern, None, "e.extname", None);
    format!(
        "SELECT e.extname, e.oid\nFROM pg_catalog.pg_extension e\n{}ORDER BY 1",
        where_clause(&conds)
    )
}

/// The objects of extension `oid` (`\dx+`, psql's
/// `listOneExtensionContents`).
pub fn extension_objects(oid: &str) -> String {
    format!(
        "SELECT pg_catalog.pg_describe_object(classid, objid, 0) AS \"Object description\"\n\
         FROM pg_catalog.pg_depend\n\
         WHERE refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass\n  \
         AND refobjid = {} AND deptype = 'e'\nORDER BY 1",
        literal(oid)
    )
}

/// The text search configurations `\dF+` describes: OID, name, schema,
/// parser and its schema (psql's `listTSConfigsVerbose`).
pub fn find_ts_configs(pattern: Option<&Pattern>) -> String {
    let mut conds = vec!["p.oid = c.cfgparser".to_string()];
    conds.extend(pattern_conditions(
        pattern,
        Some("n.nspname"),
        "c.cfgname",
        Some("pg_catalog.pg_ts_config_is_visible(c.oid)"),
    ));
    format!(
        "SELECT c.oid, c.cfgname, n.nspname, p.prsname, np.nspname\n\
         FROM pg_catalog.pg_ts_config c\n\
         LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.cfgnamespace,\n\
         pg_catalog.pg_ts_parser p\n\
         LEFT JOIN pg_catalog.pg_namespace np ON np.oid = p.prsnamespace\n{}ORDER BY 3, 2",
        where_clause(&conds)
    )
}

/// The token types of configuration `oid` and their dictionaries, in
/// order (`\dF+`, psql's `describeOneTSConfig`).
pub fn ts_config_mappings(oid: &str) -> String {
    format!(
        "SELECT (SELECT t.alias FROM pg_catalog.ts_token_type(c.cfgparser) AS t\n    \
         WHERE t.tokid = m.maptokentype) AS \"Token\",\n  \
         pg_catalog.btrim(ARRAY(SELECT mm.mapdict::pg_catalog.regdictionary\n    \
         FROM pg_catalog.pg_ts_config_map AS mm\n    \
         WHERE mm.mapcfg = m.mapcfg AND mm.maptokentype = m.maptokentype\n    \
         ORDER BY mapcfg, maptokentype, mapseqno)::pg_catalog.text, '{{}}') AS \"Dictionaries\"\n\
         FROM pg_catalog.pg_ts_config AS c, pg_catalog.pg_ts_config_map AS m\n\
         WHERE c.oid = {} AND m.mapcfg = c.oid\n\
         GROUP BY m.mapcfg, m.maptokentype, c.cfgparser\nORDER BY 1",
        literal(oid)
    )
}

/// The text search parsers `\dFp+` describes: OID, schema, name, in
/// OID order (psql's `listTSParsersVerbose`).
pub fn find_ts_parsers(pattern: Option<&Pattern>) -> String {
    let conds = pattern_conditions(
        pattern,
        Some("n.nspname"),
        "p.prsname",
        Some("pg_catalog.pg_ts_parser_is_visible(p.oid)"),
    );
    format!(
        "SELECT p.oid, n.nspname, p.prsname\nFROM pg_catalog.pg_ts_parser p\n\
         LEFT JOIN pg_catalog.pg_namespace n ON n.oid = p.prsnamespace\n{}ORDER BY 1, 2",
        where_clause(&conds)
    )
}

/// The five methods of parser `oid` with their functions (`\dFp+`,
/// psql's `describeOneTSParser`).
pub fn ts_parser_methods(oid: &str) -> String {
    let oid = literal(oid);
    [
        ("Start parse", "prsstart"),
        ("Get next token", "prstoken"),
        ("End parse", "prsend"),
        ("Get headline", "prsheadline"),
        ("Get token types", "prslextype"),
    ]
    .iter()
    .map(|(method, col)| {
        format!(
            "SELECT '{method}' AS \"Method\", p.{col}::pg_catalog.regproc AS \"Function\",\n  \
             pg_catalog.obj_description(p.{col}, 'pg_proc') AS \"Description\"\n\
             FROM pg_catalog.pg_ts_parser p WHERE p.oid = {oid}"
        )
    })
    .collect::<Vec<_>>()
    .join("\nUNION ALL\n")
}

/// The token types of parser `oid` (`\dFp+`).
pub fn ts_parser_tokens(oid: &str) -> String {
    format!(
        "SELECT t.alias AS \"Token name\", t.description AS \"Description\"\n\
         FROM pg_catalog.ts_token_type({}::pg_catalog.oid) AS t\nORDER BY 1",
        literal(oid)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_read_as_psql_reads_them() {
        let p = Pattern::parse("T*");
        assert_eq!((p.schema, p.name.as_str()), (None, "^(t.*)$"));
        let p = Pattern::parse("s1.\"My.T\"");
        assert_eq!(p.schema.as_deref(), Some("^(s1)$"));
        assert_eq!(p.name, "^(My\\.T)$");
        let p = Pattern::parse("a?$");
        assert_eq!(p.name, "^(a.\\$)$");
        assert_eq!(Pattern::parse("a.b.c").parts, 3);
    }

    #[test]
    fn array_brackets_and_operator_names_are_literal() {
        assert_eq!(Pattern::parse("aclitem[]").name, "^(aclitem\\[])$");
        assert_eq!(Pattern::parse_with("||", true).name, "^(\\|\\|)$");
        assert_eq!(Pattern::parse_with("&&", true).name, "^(&&)$");
        assert_eq!(Pattern::parse_with("*", true).name, "^(.*)$");
    }
}
