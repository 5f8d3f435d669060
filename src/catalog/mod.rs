//! Plain catalog SQL, no PgQ: names of relations and columns (for
//! completion), whether a table, sequence or schema exists, and DDL that
//! recreates a table or a sequence (for `show table` and for Londiste's
//! `add table ... create`).
//!
//! The DDL is a list of plain statements that run as they are, in an
//! order that works: sequences owned by serial columns, the table with its
//! columns (types from `format_type`, collations, defaults, generated and
//! identity columns, NOT NULL), sequence ownership, constraints (primary
//! key, unique, exclusion and check, then foreign keys, all from
//! `pg_get_constraintdef`), indexes that back no constraint
//! (`pg_get_indexdef`), clustering and replica identity, triggers
//! (`pg_get_triggerdef`, internal ones excluded) with their enabled state,
//! row-level security and policies, and comments. Names of constraints,
//! indexes, sequences and triggers are kept. While the DDL is read, the
//! session's `search_path` is `pg_catalog` only (as pg_dump does), so every
//! name in expressions comes out schema-qualified and the DDL means the
//! same thing in any other session; the old path is restored afterwards.
//!
//! Names reach SQL as bind parameters; identifiers and literals in the DDL
//! are quoted by the server (`format('%I')`, `quote_ident`,
//! `quote_literal`). Not covered: inheritance and partitioning (refused
//! with [`Error::Unsupported`]), grants and ownership, per-column options
//! and compression, TOAST options, publications, rules and statistics
//! objects.

pub mod describe;
mod names;

use std::fmt;

use crate::db::Client;

pub use names::{
    all_column_names, database_names, function_names, index_names, role_names, schema_names,
    setting_names, trigger_names, type_names,
};

/// What went wrong reading the catalog.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No such relation of that kind.
    #[error("{kind} \"{name}\" not found")]
    NotFound {
        /// "table" or "sequence".
        kind: &'static str,
        /// The name as `schema.name`.
        name: String,
    },
    /// The relation uses a feature the DDL generator does not reproduce.
    #[error("cannot generate DDL for \"{name}\": {what} is not supported")]
    Unsupported {
        /// The name as `schema.name`.
        name: String,
        /// The feature ("partitioned table", "inheritance" ...).
        what: &'static str,
    },
    /// The server's error.
    #[error("{}", crate::db::error_message(.0))]
    Db(#[from] crate::db::Error),
}

/// Result of this module's functions.
pub type Result<T> = std::result::Result<T, Error>;

/// A relation's schema and name, raw (unquoted, case kept).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RelName {
    /// Schema name.
    pub schema: String,
    /// Relation name.
    pub name: String,
}

impl RelName {
    /// A name from its parts.
    pub fn new(schema: impl Into<String>, name: impl Into<String>) -> RelName {
        RelName {
            schema: schema.into(),
            name: name.into(),
        }
    }

    /// Londiste's spelling `schema.name`: the first dot separates the
    /// schema, and without a dot the schema is `public` (as
    /// `londiste.make_fqname` and `londiste.find_rel_oid` read it).
    pub fn parse_fq(s: &str) -> RelName {
        match s.split_once('.') {
            Some((schema, name)) => RelName::new(schema, name),
            None => RelName::new("public", s),
        }
    }

    /// `schema.name`, unquoted: Londiste's spelling.
    pub fn fq(&self) -> String {
        format!("{}.{}", self.schema, self.name)
    }
}

impl fmt::Display for RelName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.schema, self.name)
    }
}

/// A relation a user can name: table, view, sequence ...
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relation {
    /// Its name.
    pub name: RelName,
    /// `pg_class.relkind`: `r` table, `p` partitioned table, `v` view, `m`
    /// materialized view, `S` sequence, `f` foreign table.
    pub kind: char,
}

const RELATION_NAMES: &str = "\
select n.nspname, c.relname, c.relkind::text
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
   and n.nspname <> 'information_schema'
   and n.nspname !~ '^pg_'
 order by 1, 2";

/// Tables, views, sequences and foreign tables outside the system schemas,
/// sorted by schema and name. For completion.
pub fn relation_names(c: &mut Client) -> Result<Vec<Relation>> {
    Ok(c.query(RELATION_NAMES, &[])?
        .iter()
        .map(|r| {
            let kind: String = r.get(2);
            Relation {
                name: RelName::new(r.get::<_, String>(0), r.get::<_, String>(1)),
                kind: kind.chars().next().unwrap_or('?'),
            }
        })
        .collect())
}

const COLUMN_NAMES: &str = "\
select a.attname
  from pg_catalog.pg_attribute a
  join pg_catalog.pg_class c on c.oid = a.attrelid
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 where n.nspname = $1 and c.relname = $2
   and a.attnum > 0 and not a.attisdropped
 order by a.attnum";

/// Column names of a relation in column order; empty when there is no such
/// relation. For completion.
pub fn column_names(c: &mut Client, rel: &RelName) -> Result<Vec<String>> {
    Ok(c.query(COLUMN_NAMES, &[&rel.schema, &rel.name])?
        .iter()
        .map(|r| r.get(0))
        .collect())
}

const RELKIND: &str = "\
select c.relkind::text
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 where n.nspname = $1 and c.relname = $2";

fn relkind(c: &mut Client, rel: &RelName) -> Result<Option<String>> {
    Ok(c.query_opt(RELKIND, &[&rel.schema, &rel.name])?
        .map(|r| r.get(0)))
}

/// Whether a plain table of that name exists.
pub fn table_exists(c: &mut Client, rel: &RelName) -> Result<bool> {
    Ok(relkind(c, rel)?.as_deref() == Some("r"))
}

/// Whether a sequence of that name exists.
pub fn sequence_exists(c: &mut Client, rel: &RelName) -> Result<bool> {
    Ok(relkind(c, rel)?.as_deref() == Some("S"))
}

/// Whether a schema exists.
pub fn schema_exists(c: &mut Client, schema: &str) -> Result<bool> {
    Ok(c.query_one(
        "select exists (select 1 from pg_catalog.pg_namespace where nspname = $1)",
        &[&schema],
    )?
    .get(0))
}

/// `CREATE SCHEMA IF NOT EXISTS` for a schema, quoted by the server.
pub fn create_schema_ddl(c: &mut Client, schema: &str) -> Result<String> {
    Ok(c.query_one(
        "select format('CREATE SCHEMA IF NOT EXISTS %I;', $1::text)",
        &[&schema],
    )?
    .get(0))
}

/// What [`table_ddl_with`] includes besides the table, its columns,
/// sequences, constraints other than foreign keys, indexes, clustering and
/// replica identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DdlOptions {
    /// Foreign keys (they need the referenced tables).
    pub foreign_keys: bool,
    /// Triggers (they need their functions) and their enabled state.
    pub triggers: bool,
    /// Row-level security and policies (they name roles).
    pub policies: bool,
    /// Comments on the table, columns, constraints, indexes, triggers and
    /// owned sequences.
    pub comments: bool,
}

impl Default for DdlOptions {
    /// Everything.
    fn default() -> Self {
        DdlOptions {
            foreign_keys: true,
            triggers: true,
            policies: true,
            comments: true,
        }
    }
}

/// Run `f` with `search_path = pg_catalog`, then restore the old path
/// (also when `f` fails), so that the DDL functions qualify every name.
fn with_catalog_path<T>(c: &mut Client, f: impl FnOnce(&mut Client) -> Result<T>) -> Result<T> {
    let old: String = c
        .query_one("select current_setting('search_path')", &[])?
        .get(0);
    c.query_one("select set_config('search_path', 'pg_catalog', false)", &[])?;
    let out = f(c);
    let restored = c.query_one("select set_config('search_path', $1, false)", &[&old]);
    match (out, restored) {
        (Ok(v), Ok(_)) => Ok(v),
        (Err(e), _) => Err(e),
        (Ok(_), Err(e)) => Err(e.into()),
    }
}

const TABLE: &str = "\
select c.oid, c.relkind::text, c.relpersistence::text,
       format('%I.%I', n.nspname, c.relname),
       (select string_agg(quote_ident(o.option_name) || '=' || quote_literal(o.option_value), ', ')
          from pg_catalog.pg_options_to_table(c.reloptions) o),
       c.relreplident::text, c.relrowsecurity, c.relforcerowsecurity,
       c.relispartition or exists (select 1 from pg_catalog.pg_inherits i where i.inhrelid = c.oid),
       quote_literal(pg_catalog.obj_description(c.oid, 'pg_class'))
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 where n.nspname = $1 and c.relname = $2";

const COLUMNS: &str = "\
select quote_ident(a.attname),
       pg_catalog.format_type(a.atttypid, a.atttypmod),
       a.attnotnull,
       a.attidentity::text,
       a.attgenerated::text,
       case when a.atthasdef then pg_catalog.pg_get_expr(d.adbin, d.adrelid) end,
       case when a.attcollation <> t.typcollation then format('%I.%I', cn.nspname, co.collname) end,
       nullif(a.attstattarget, -1)::int4,
       case when a.attstorage <> t.typstorage then
            case a.attstorage when 'p' then 'PLAIN' when 'e' then 'EXTERNAL'
                              when 'm' then 'MAIN' else 'EXTENDED' end end,
       quote_literal(pg_catalog.col_description(a.attrelid, a.attnum)),
       a.attnum::int4
  from pg_catalog.pg_attribute a
  join pg_catalog.pg_type t on t.oid = a.atttypid
  left join pg_catalog.pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
  left join pg_catalog.pg_collation co on co.oid = a.attcollation
  left join pg_catalog.pg_namespace cn on cn.oid = co.collnamespace
 where a.attrelid = $1 and a.attnum > 0 and not a.attisdropped
 order by a.attnum";

/// Sequences owned by a column: `a` = serial / OWNED BY, `i` = identity.
const OWNED_SEQUENCES: &str = "\
select s.oid, d.deptype::text, d.refobjsubid::int4
  from pg_catalog.pg_depend d
  join pg_catalog.pg_class s on s.oid = d.objid and s.relkind = 'S'
 where d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
   and d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
   and d.refobjid = $1 and d.refobjsubid > 0 and d.deptype in ('a', 'i')
 order by d.refobjsubid";

const SEQUENCE_BY_NAME: &str = "\
select c.oid
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 where n.nspname = $1 and c.relname = $2 and c.relkind = 'S'";

const SEQUENCE: &str = "\
select format('%I.%I', n.nspname, c.relname),
       c.relpersistence::text,
       pg_catalog.format_type(s.seqtypid, null),
       format('START WITH %s INCREMENT BY %s MINVALUE %s MAXVALUE %s CACHE %s %s',
              s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache,
              case when s.seqcycle then 'CYCLE' else 'NO CYCLE' end),
       quote_literal(pg_catalog.obj_description(c.oid, 'pg_class'))
  from pg_catalog.pg_sequence s
  join pg_catalog.pg_class c on c.oid = s.seqrelid
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 where s.seqrelid = $1";

/// Constraints: primary key, unique, exclusion and check first, then
/// foreign keys (a foreign key to the table itself needs its key).
const CONSTRAINTS: &str = "\
select quote_ident(k.conname), k.contype::text, pg_catalog.pg_get_constraintdef(k.oid),
       quote_literal(pg_catalog.obj_description(k.oid, 'pg_constraint'))
  from pg_catalog.pg_constraint k
 where k.conrelid = $1 and k.contype in ('p', 'u', 'x', 'c', 'f')
 order by k.contype = 'f', k.conname";

/// Every index: its definition (unless a constraint owns it), its
/// clustered / replica identity flags and its comment.
const INDEXES: &str = "\
select quote_ident(ic.relname), format('%I.%I', n.nspname, ic.relname),
       case when not exists (select 1 from pg_catalog.pg_constraint k
                              where k.conrelid = i.indrelid and k.conindid = i.indexrelid
                                and k.contype in ('p', 'u', 'x'))
            then pg_catalog.pg_get_indexdef(i.indexrelid) end,
       i.indisclustered, i.indisreplident,
       quote_literal(pg_catalog.obj_description(i.indexrelid, 'pg_class'))
  from pg_catalog.pg_index i
  join pg_catalog.pg_class ic on ic.oid = i.indexrelid
  join pg_catalog.pg_namespace n on n.oid = ic.relnamespace
 where i.indrelid = $1
 order by ic.relname";

const TRIGGERS: &str = "\
select quote_ident(t.tgname), pg_catalog.pg_get_triggerdef(t.oid), t.tgenabled::text,
       quote_literal(pg_catalog.obj_description(t.oid, 'pg_trigger'))
  from pg_catalog.pg_trigger t
 where t.tgrelid = $1 and not t.tgisinternal
 order by t.tgname";

/// Policies with their roles in catalog order.
const POLICIES: &str = "\
select format('CREATE POLICY %I ON %s AS %s FOR %s TO %s%s%s;',
              p.polname, $2::text,
              case when p.polpermissive then 'PERMISSIVE' else 'RESTRICTIVE' end,
              case p.polcmd when 'r' then 'SELECT' when 'a' then 'INSERT'
                            when 'w' then 'UPDATE' when 'd' then 'DELETE' else 'ALL' end,
              (select string_agg(case when r.oid = 0 then 'PUBLIC' else quote_ident(ro.rolname) end,
                                 ', ' order by r.ord)
                 from unnest(p.polroles) with ordinality r(oid, ord)
                 left join pg_catalog.pg_roles ro on ro.oid = r.oid),
              ' USING (' || pg_catalog.pg_get_expr(p.polqual, p.polrelid) || ')',
              ' WITH CHECK (' || pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) || ')')
  from pg_catalog.pg_policy p
 where p.polrelid = $1
 order by p.polname";

/// The pieces of a `CREATE SEQUENCE` (or of identity options).
struct SeqDef {
    qname: String,
    unlogged: bool,
    type_name: String,
    options: String,
    comment: Option<String>,
}

fn read_sequence(c: &mut Client, oid: u32) -> Result<SeqDef> {
    let r = c.query_one(SEQUENCE, &[&oid])?;
    Ok(SeqDef {
        qname: r.get(0),
        unlogged: r.get::<_, String>(1) == "u",
        type_name: r.get(2),
        options: r.get(3),
        comment: r.get(4),
    })
}

fn create_sequence_sql(s: &SeqDef) -> String {
    format!(
        "CREATE {}SEQUENCE {} AS {} {};\n",
        if s.unlogged { "UNLOGGED " } else { "" },
        s.qname,
        s.type_name,
        s.options
    )
}

/// DDL that recreates a sequence: `CREATE SEQUENCE` with every option
/// (type, start, increment, bounds, cache, cycle) and its comment. Its
/// current value is data, not DDL. Used by `show sequence` and Londiste's
/// `add sequence ... create`.
pub fn sequence_ddl(c: &mut Client, seq: &RelName) -> Result<String> {
    let oid: u32 = c
        .query_opt(SEQUENCE_BY_NAME, &[&seq.schema, &seq.name])?
        .map(|r| r.get(0))
        .ok_or_else(|| Error::NotFound {
            kind: "sequence",
            name: seq.fq(),
        })?;
    with_catalog_path(c, |c| {
        let s = read_sequence(c, oid)?;
        let mut out = create_sequence_sql(&s);
        if let Some(comment) = &s.comment {
            out.push_str(&format!("COMMENT ON SEQUENCE {} IS {comment};\n", s.qname));
        }
        Ok(out)
    })
}

/// DDL that recreates a table with everything listed in the module
/// documentation. Used by `show table`.
pub fn table_ddl(c: &mut Client, table: &RelName) -> Result<String> {
    table_ddl_with(c, table, &DdlOptions::default())
}

/// [`table_ddl`] with a choice of what to include. Londiste's
/// `add table ... create` leaves out foreign keys and triggers.
pub fn table_ddl_with(c: &mut Client, table: &RelName, opts: &DdlOptions) -> Result<String> {
    with_catalog_path(c, |c| build_table_ddl(c, table, opts))
}

fn build_table_ddl(c: &mut Client, table: &RelName, opts: &DdlOptions) -> Result<String> {
    let not_found = || Error::NotFound {
        kind: "table",
        name: table.fq(),
    };
    let t = c
        .query_opt(TABLE, &[&table.schema, &table.name])?
        .ok_or_else(not_found)?;
    let oid: u32 = t.get(0);
    let relkind: String = t.get(1);
    let unsupported = |what| Error::Unsupported {
        name: table.fq(),
        what,
    };
    match relkind.as_str() {
        "r" => {}
        "p" => return Err(unsupported("a partitioned table")),
        _ => return Err(not_found()),
    }
    if t.get::<_, bool>(8) {
        return Err(unsupported("inheritance (or a partition)"));
    }
    let unlogged = t.get::<_, String>(2) == "u";
    let qtable: String = t.get(3);
    let reloptions: Option<String> = t.get(4);
    let replident: String = t.get(5);
    let (rls, force_rls): (bool, bool) = (t.get(6), t.get(7));
    let table_comment: Option<String> = t.get(9);

    // Owned sequences: serial ones are created before the table and owned
    // after it; identity ones are spelled inside the column definition.
    let mut serial_seqs: Vec<(i32, SeqDef)> = Vec::new();
    let mut identity_seqs: Vec<(i32, SeqDef)> = Vec::new();
    let owned: Vec<(u32, String, i32)> = c
        .query(OWNED_SEQUENCES, &[&oid])?
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    for (seq_oid, deptype, attnum) in owned {
        let s = read_sequence(c, seq_oid)?;
        if deptype == "i" {
            identity_seqs.push((attnum, s));
        } else {
            serial_seqs.push((attnum, s));
        }
    }

    let mut out = String::new();
    for (_, s) in &serial_seqs {
        out.push_str(&create_sequence_sql(s));
    }

    let columns = c.query(COLUMNS, &[&oid])?;
    let mut col_defs = Vec::new();
    let mut col_names: Vec<(i32, String)> = Vec::new();
    let mut after_columns = String::new();
    let mut comments = String::new();
    if let Some(comment) = &table_comment {
        comments.push_str(&format!("COMMENT ON TABLE {qtable} IS {comment};\n"));
    }
    for r in &columns {
        let name: String = r.get(0);
        let type_name: String = r.get(1);
        let not_null: bool = r.get(2);
        let identity: String = r.get(3);
        let generated: String = r.get(4);
        let default: Option<String> = r.get(5);
        let collation: Option<String> = r.get(6);
        let stats: Option<i32> = r.get(7);
        let storage: Option<String> = r.get(8);
        let comment: Option<String> = r.get(9);
        let attnum: i32 = r.get(10);
        let mut def = format!("{name} {type_name}");
        if let Some(coll) = collation {
            def.push_str(&format!(" COLLATE {coll}"));
        }
        if generated == "s" {
            if let Some(expr) = &default {
                def.push_str(&format!(" GENERATED ALWAYS AS ({expr}) STORED"));
            }
        } else if let Some(expr) = &default {
            def.push_str(&format!(" DEFAULT {expr}"));
        }
        if !identity.is_empty() {
            let kind = if identity == "a" {
                "ALWAYS"
            } else {
                "BY DEFAULT"
            };
            def.push_str(&format!(" GENERATED {kind} AS IDENTITY"));
            if let Some((_, s)) = identity_seqs.iter().find(|(n, _)| *n == attnum) {
                def.push_str(&format!(" (SEQUENCE NAME {} {})", s.qname, s.options));
            }
        }
        if not_null {
            def.push_str(" NOT NULL");
        }
        col_defs.push(def);
        if let Some(n) = stats {
            after_columns.push_str(&format!(
                "ALTER TABLE ONLY {qtable} ALTER COLUMN {name} SET STATISTICS {n};\n"
            ));
        }
        if let Some(s) = storage {
            after_columns.push_str(&format!(
                "ALTER TABLE ONLY {qtable} ALTER COLUMN {name} SET STORAGE {s};\n"
            ));
        }
        if let Some(comment) = comment {
            comments.push_str(&format!(
                "COMMENT ON COLUMN {qtable}.{name} IS {comment};\n"
            ));
        }
        col_names.push((attnum, name));
    }

    out.push_str(&format!(
        "CREATE {}TABLE {qtable} (",
        if unlogged { "UNLOGGED " } else { "" }
    ));
    if col_defs.is_empty() {
        out.push(')');
    } else {
        out.push('\n');
        out.push_str(
            &col_defs
                .iter()
                .map(|d| format!("    {d}"))
                .collect::<Vec<_>>()
                .join(",\n"),
        );
        out.push_str("\n)");
    }
    if let Some(o) = reloptions {
        out.push_str(&format!(" WITH ({o})"));
    }
    out.push_str(";\n");

    for (attnum, s) in &serial_seqs {
        if let Some((_, col)) = col_names.iter().find(|(n, _)| n == attnum) {
            out.push_str(&format!(
                "ALTER SEQUENCE {} OWNED BY {qtable}.{col};\n",
                s.qname
            ));
        }
    }
    for (_, s) in serial_seqs.iter().chain(identity_seqs.iter()) {
        if let Some(comment) = &s.comment {
            comments.push_str(&format!("COMMENT ON SEQUENCE {} IS {comment};\n", s.qname));
        }
    }
    out.push_str(&after_columns);

    for r in c.query(CONSTRAINTS, &[&oid])? {
        let name: String = r.get(0);
        let kind: String = r.get(1);
        let def: String = r.get(2);
        let comment: Option<String> = r.get(3);
        if kind == "f" && !opts.foreign_keys {
            continue;
        }
        out.push_str(&format!(
            "ALTER TABLE ONLY {qtable} ADD CONSTRAINT {name} {def};\n"
        ));
        if let Some(comment) = comment {
            comments.push_str(&format!(
                "COMMENT ON CONSTRAINT {name} ON {qtable} IS {comment};\n"
            ));
        }
    }

    let mut index_flags = String::new();
    for r in c.query(INDEXES, &[&oid])? {
        let name: String = r.get(0);
        let qname: String = r.get(1);
        let def: Option<String> = r.get(2);
        let (clustered, is_replident): (bool, bool) = (r.get(3), r.get(4));
        let comment: Option<String> = r.get(5);
        if let Some(d) = def {
            out.push_str(&format!("{d};\n"));
        }
        if clustered {
            index_flags.push_str(&format!("ALTER TABLE {qtable} CLUSTER ON {name};\n"));
        }
        if is_replident {
            index_flags.push_str(&format!(
                "ALTER TABLE ONLY {qtable} REPLICA IDENTITY USING INDEX {name};\n"
            ));
        }
        if let Some(comment) = comment {
            comments.push_str(&format!("COMMENT ON INDEX {qname} IS {comment};\n"));
        }
    }
    out.push_str(&index_flags);
    match replident.as_str() {
        "f" => out.push_str(&format!(
            "ALTER TABLE ONLY {qtable} REPLICA IDENTITY FULL;\n"
        )),
        "n" => out.push_str(&format!(
            "ALTER TABLE ONLY {qtable} REPLICA IDENTITY NOTHING;\n"
        )),
        _ => {}
    }

    if opts.triggers {
        for r in c.query(TRIGGERS, &[&oid])? {
            let name: String = r.get(0);
            let def: String = r.get(1);
            let enabled: String = r.get(2);
            let comment: Option<String> = r.get(3);
            out.push_str(&format!("{def};\n"));
            let state = match enabled.as_str() {
                "D" => Some("DISABLE TRIGGER"),
                "R" => Some("ENABLE REPLICA TRIGGER"),
                "A" => Some("ENABLE ALWAYS TRIGGER"),
                _ => None,
            };
            if let Some(s) = state {
                out.push_str(&format!("ALTER TABLE {qtable} {s} {name};\n"));
            }
            if let Some(comment) = comment {
                comments.push_str(&format!(
                    "COMMENT ON TRIGGER {name} ON {qtable} IS {comment};\n"
                ));
            }
        }
    }

    if opts.policies {
        push_policies(c, oid, &qtable, rls, force_rls, &mut out)?;
    }

    if opts.comments {
        out.push_str(&comments);
    }
    Ok(out)
}

fn push_policies(
    c: &mut Client,
    oid: u32,
    qtable: &str,
    rls: bool,
    force_rls: bool,
    out: &mut String,
) -> Result<()> {
    if rls {
        out.push_str(&format!(
            "ALTER TABLE {qtable} ENABLE ROW LEVEL SECURITY;\n"
        ));
    }
    if force_rls {
        out.push_str(&format!("ALTER TABLE {qtable} FORCE ROW LEVEL SECURITY;\n"));
    }
    for r in c.query(POLICIES, &[&oid, &qtable])? {
        out.push_str(&r.get::<_, String>(0));
        out.push('\n');
    }
    Ok(())
}
