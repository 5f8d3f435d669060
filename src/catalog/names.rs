//! Names of catalog objects for Tab completion: schemas, columns of every
//! relation, functions, databases, roles, types, indexes, triggers and
//! settings, outside the system schemas. The completion cache
//! (`complete::cache`) reads them into its snapshot; each is one query.

use crate::db::Client;

use super::Result;

const SCHEMAS: &str = "\
select nspname from pg_catalog.pg_namespace
 where nspname !~ '^pg_' and nspname <> 'information_schema' order by 1";

const COLUMNS: &str = "\
select n.nspname, c.relname, a.attname
  from pg_catalog.pg_attribute a
  join pg_catalog.pg_class c on c.oid = a.attrelid
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 where c.relkind in ('r', 'p', 'v', 'm', 'f')
   and n.nspname !~ '^pg_' and n.nspname <> 'information_schema'
   and a.attnum > 0 and not a.attisdropped
 order by 1, 2, a.attnum";

// Functions of pg_catalog and public bare, the others schema-qualified
// (completion offers those after `schema.`).
const FUNCTIONS: &str = "\
select distinct case when n.nspname in ('pg_catalog', 'public') then p.proname
                     else n.nspname || '.' || p.proname end
  from pg_catalog.pg_proc p
  join pg_catalog.pg_namespace n on n.oid = p.pronamespace
 where n.nspname <> 'information_schema' and n.nspname !~ '^pg_toast'
   and p.proname !~ '^_' order by 1";

const DATABASES: &str = "\
select datname from pg_catalog.pg_database
 where datallowconn and not datistemplate order by 1";

const ROLES: &str = "select rolname from pg_catalog.pg_roles where rolname !~ '^pg_' order by 1";

const TYPES: &str = "\
select distinct t.typname from pg_catalog.pg_type t
  join pg_catalog.pg_namespace n on n.oid = t.typnamespace
 where t.typtype in ('b', 'c', 'd', 'e', 'r', 'm') and t.typcategory <> 'A'
   and n.nspname <> 'pg_toast' and n.nspname <> 'information_schema'
   and t.typname !~ '^(_|pg_)'
   and (t.typtype <> 'c' or exists (select 1 from pg_catalog.pg_class c
                                     where c.oid = t.typrelid and c.relkind = 'c'))
 order by 1";

const INDEXES: &str = "\
select n.nspname, c.relname from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 where c.relkind in ('i', 'I') and n.nspname !~ '^pg_' and n.nspname <> 'information_schema'
 order by 1, 2";

const TRIGGERS: &str = "\
select distinct tgname from pg_catalog.pg_trigger where not tgisinternal order by 1";

const SETTINGS: &str = "\
select name from pg_catalog.pg_settings where context <> 'internal' order by 1";

/// The first column of every row, as text.
fn strings(c: &mut Client, sql: &str) -> Result<Vec<String>> {
    Ok(c.query(sql, &[])?.iter().map(|r| r.get(0)).collect())
}

/// Schema names, sorted.
pub fn schema_names(c: &mut Client) -> Result<Vec<String>> {
    strings(c, SCHEMAS)
}

/// Every column of every table, view, materialized view and foreign table:
/// `(schema, relation, column)`, by relation and in column order.
pub fn all_column_names(c: &mut Client) -> Result<Vec<(String, String, String)>> {
    Ok(c.query(COLUMNS, &[])?
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect())
}

/// Function names, sorted, without duplicates: bare for pg_catalog and
/// public, `schema.name` for the others.
pub fn function_names(c: &mut Client) -> Result<Vec<String>> {
    strings(c, FUNCTIONS)
}

/// Databases one can connect to, sorted.
pub fn database_names(c: &mut Client) -> Result<Vec<String>> {
    strings(c, DATABASES)
}

/// Role names, sorted, without the `pg_` roles.
pub fn role_names(c: &mut Client) -> Result<Vec<String>> {
    strings(c, ROLES)
}

/// Type names users write (no arrays, no internal types), sorted.
pub fn type_names(c: &mut Client) -> Result<Vec<String>> {
    strings(c, TYPES)
}

/// Indexes as `(schema, name)`, sorted.
pub fn index_names(c: &mut Client) -> Result<Vec<(String, String)>> {
    Ok(c.query(INDEXES, &[])?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect())
}

/// Trigger names (internal ones excluded), sorted, without duplicates.
pub fn trigger_names(c: &mut Client) -> Result<Vec<String>> {
    strings(c, TRIGGERS)
}

/// Setting names (`SET`, `SHOW`), sorted.
pub fn setting_names(c: &mut Client) -> Result<Vec<String>> {
    strings(c, SETTINGS)
}
