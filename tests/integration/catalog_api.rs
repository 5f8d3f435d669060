//! The catalog API (`qadmin::catalog`): DDL checked by round trip. A rich
//! table is made in one database, its DDL run in a second one, and
//! `pg_dump --schema-only` of both must be the same text.

use std::process::Command;

use qadmin::catalog::{self, DdlOptions, Error, RelName};

use crate::support::{clean_env, TestDb};
use crate::{assert_text_eq, test_db};

/// What both databases have before the table: a schema with an awkward
/// name, a referenced table, a domain, a trigger function and a role.
const PREREQUISITES: &str = r#"
create schema "My Schema";
create table public.ref (id int primary key);
create domain public.posint as int check (value > 0);
create function public.trg_fn() returns trigger language plpgsql as $$ begin return new; end $$;
do $$ begin
  create role "Reader Role";
exception when duplicate_object or unique_violation then null;
end $$;
"#;

/// The rich table, only in the first database.
const RICH: &str = r#"
create sequence "My Schema"."odd seq" as bigint increment by 3 start with 7
  minvalue 1 maxvalue 1000000 cache 5 cycle;
comment on sequence "My Schema"."odd seq" is 'odd';
create unlogged table "My Schema"."Rich ""Table""" (
  id bigint generated always as identity (start with 10 increment by 5) primary key,
  "Serial Col" serial not null,
  big bigserial,
  code text collate "C" not null default 'x''y',
  amount numeric(12,2) check (amount >= 0),
  qty public.posint,
  ref_id int references public.ref (id) on delete cascade deferrable initially deferred,
  doubled numeric generated always as (amount * 2) stored,
  tags text[] default '{}',
  created timestamptz default now(),
  other bigint default nextval('"My Schema"."odd seq"'),
  payload jsonb,
  "drop me" int,
  self_ref bigint,
  constraint "Code Unique" unique (code),
  constraint no_overlap exclude using btree (other with =)
) with (fillfactor = 70, autovacuum_enabled = false);
alter table "My Schema"."Rich ""Table""" drop column "drop me";
alter table "My Schema"."Rich ""Table""" add constraint self_fk
  foreign key (self_ref) references "My Schema"."Rich ""Table""" (id);
alter table "My Schema"."Rich ""Table""" add constraint later_check check (qty < 1000) not valid;
create index "Lower code" on "My Schema"."Rich ""Table""" (lower(code)) where amount > 0;
create index on "My Schema"."Rich ""Table""" using gin (tags);
create index created_idx on "My Schema"."Rich ""Table""" (created desc nulls last) with (fillfactor = 50);
alter table "My Schema"."Rich ""Table""" cluster on created_idx;
alter table "My Schema"."Rich ""Table""" replica identity using index "Code Unique";
alter table "My Schema"."Rich ""Table""" alter column payload set storage external;
alter table "My Schema"."Rich ""Table""" alter column code set statistics 500;
create trigger "Audit it" before insert or update on "My Schema"."Rich ""Table"""
  for each row when (new.amount > 0) execute function public.trg_fn();
alter table "My Schema"."Rich ""Table""" disable trigger "Audit it";
create trigger t2 after delete on "My Schema"."Rich ""Table""" for each row execute function public.trg_fn();
alter table "My Schema"."Rich ""Table""" enable replica trigger t2;
create trigger t3 after truncate on "My Schema"."Rich ""Table""" for each statement execute function public.trg_fn();
alter table "My Schema"."Rich ""Table""" enable always trigger t3;
alter table "My Schema"."Rich ""Table""" enable row level security;
alter table "My Schema"."Rich ""Table""" force row level security;
create policy "Own rows" on "My Schema"."Rich ""Table""" for select to "Reader Role", public using (qty > 0);
create policy p_ins on "My Schema"."Rich ""Table""" as restrictive for insert with check (amount < 10);
comment on table "My Schema"."Rich ""Table""" is 'It''s rich; drop table public.ref; --';
comment on column "My Schema"."Rich ""Table""".code is 'the code';
comment on column "My Schema"."Rich ""Table"""."Serial Col" is 'serial';
comment on constraint "Code Unique" on "My Schema"."Rich ""Table""" is 'uniq';
comment on index "My Schema"."Lower code" is 'idx';
comment on trigger "Audit it" on "My Schema"."Rich ""Table""" is 'trg';
comment on sequence "My Schema"."Rich ""Table""_Serial Col_seq" is 'owned';
"#;

fn rich() -> RelName {
    RelName::new("My Schema", "Rich \"Table\"")
}

/// `pg_dump --schema-only -t <pattern>` of a database. Nothing is
/// normalized: pg_dump's random `\restrict` key is fixed with
/// `--restrict-key` where pg_dump has it (15.14 and later).
fn dump(db: &TestDb, pattern: &str) -> String {
    let pg_dump = db.cluster.bin.join("pg_dump");
    let help = Command::new(&pg_dump)
        .arg("--help")
        .output()
        .expect("pg_dump --help");
    let mut cmd = Command::new(&pg_dump);
    clean_env(&mut cmd);
    if String::from_utf8_lossy(&help.stdout).contains("--restrict-key") {
        cmd.arg("--restrict-key=qadmintest");
    }
    let out = cmd
        .arg("-h")
        .arg(&db.cluster.dir)
        .args(["-p", &db.cluster.port.to_string(), "-U", &db.cluster.su])
        .args(["--schema-only", "-t", pattern, &db.name])
        .output()
        .expect("run pg_dump");
    assert!(
        out.status.success(),
        "pg_dump failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn table_ddl_round_trips_through_pg_dump() {
    let a = test_db!();
    let b = test_db!();
    a.sql(PREREQUISITES);
    b.sql(PREREQUISITES);
    a.sql(RICH);
    let mut ca = a.client();
    ca.batch_execute("set search_path = \"My Schema\", public")
        .expect("path");
    let seq_ddl =
        catalog::sequence_ddl(&mut ca, &RelName::new("My Schema", "odd seq")).expect("seq ddl");
    let ddl = catalog::table_ddl(&mut ca, &rich()).expect("table ddl");
    // The session's search_path is back as it was.
    let path: String = ca.query_one("show search_path", &[]).expect("show").get(0);
    assert_eq!(path, "\"My Schema\", public");

    let mut cb = b.client();
    cb.batch_execute(&seq_ddl)
        .unwrap_or_else(|e| panic!("{e}\n{seq_ddl}"));
    cb.batch_execute(&ddl)
        .unwrap_or_else(|e| panic!("{e}\n{ddl}"));

    let pattern = r#""My Schema"."Rich ""Table""""#;
    let want = dump(&a, pattern);
    assert!(want.contains("CREATE UNLOGGED TABLE"), "{want}");
    assert!(want.contains("POLICY"), "{want}");
    assert_text_eq!(want, dump(&b, pattern), "pg_dump of the table\nDDL:\n{ddl}");
    let seq_pattern = r#""My Schema"."odd seq""#;
    assert_text_eq!(
        dump(&a, seq_pattern),
        dump(&b, seq_pattern),
        "pg_dump of the sequence"
    );
    assert_eq!(
        a.sql("select count(*) from public.ref"),
        "0",
        "comment text stayed text"
    );
}

#[test]
fn ddl_options_leave_out_foreign_keys_triggers_policies_and_comments() {
    let a = test_db!();
    a.sql(PREREQUISITES);
    a.sql(RICH);
    let mut c = a.client();
    let full = catalog::table_ddl(&mut c, &rich()).expect("full");
    assert!(full.contains("FOREIGN KEY"), "{full}");
    assert!(full.contains("CREATE TRIGGER"), "{full}");
    assert!(full.contains("COMMENT ON"), "{full}");
    assert!(full.contains("CREATE POLICY"), "{full}");
    let bare = catalog::table_ddl_with(
        &mut c,
        &rich(),
        &DdlOptions {
            foreign_keys: false,
            triggers: false,
            policies: false,
            comments: false,
        },
    )
    .expect("bare");
    for absent in [
        "FOREIGN KEY",
        "TRIGGER",
        "COMMENT ON",
        "POLICY",
        "ROW LEVEL SECURITY",
    ] {
        assert!(!bare.contains(absent), "{absent} in\n{bare}");
    }
    assert!(bare.contains("PRIMARY KEY"), "{bare}");
    // Without foreign keys the DDL runs without the referenced table.
    let b = test_db!();
    b.sql(PREREQUISITES);
    b.sql("drop table public.ref; create sequence \"My Schema\".\"odd seq\"");
    b.client()
        .batch_execute(&bare)
        .unwrap_or_else(|e| panic!("{e}\n{bare}"));
}

#[test]
fn serial_and_identity_sequences_come_in_an_order_that_runs() {
    let a = test_db!();
    let b = test_db!();
    a.sql(
        "create table s (id serial primary key, b bigint generated by default as identity, v text);
         create table plain (x int)",
    );
    let mut c = a.client();
    let ddl = catalog::table_ddl(&mut c, &RelName::new("public", "s")).expect("ddl");
    let create_seq = ddl
        .find("CREATE SEQUENCE public.s_id_seq")
        .expect("serial sequence");
    let create_table = ddl.find("CREATE TABLE public.s").expect("table");
    let owned = ddl
        .find("ALTER SEQUENCE public.s_id_seq OWNED BY public.s.id")
        .expect("owned by");
    assert!(create_seq < create_table && create_table < owned, "{ddl}");
    assert!(
        ddl.contains("GENERATED BY DEFAULT AS IDENTITY (SEQUENCE NAME public.s_b_seq"),
        "{ddl}"
    );
    b.client()
        .batch_execute(&ddl)
        .unwrap_or_else(|e| panic!("{e}\n{ddl}"));
    assert_text_eq!(dump(&a, "public.s"), dump(&b, "public.s"), "serial table");
    // The owned sequences belong to the table in the copy too.
    assert_eq!(
        b.sql("select pg_get_serial_sequence('public.s', 'id') || ' ' || pg_get_serial_sequence('public.s', 'b')"),
        "public.s_id_seq public.s_b_seq"
    );
    let plain = catalog::table_ddl(&mut c, &RelName::new("public", "plain")).expect("plain");
    assert_eq!(plain, "CREATE TABLE public.plain (\n    x integer\n);\n");
}

#[test]
fn missing_and_unsupported_relations_are_named() {
    let a = test_db!();
    a.sql(
        "create table parted (d date) partition by range (d);
         create table parent (a int); create table child () inherits (parent);
         create view v as select 1 as one; create sequence sq",
    );
    let mut c = a.client();
    match catalog::table_ddl(&mut c, &RelName::new("public", "nope")) {
        Err(Error::NotFound { kind, name }) => {
            assert_eq!((kind, name.as_str()), ("table", "public.nope"))
        }
        other => panic!("{other:?}"),
    }
    match catalog::table_ddl(&mut c, &RelName::new("public", "v")) {
        Err(Error::NotFound { .. }) => {}
        other => panic!("{other:?}"),
    }
    let e = catalog::table_ddl(&mut c, &RelName::new("public", "parted")).expect_err("partitioned");
    assert_eq!(
        e.to_string(),
        "cannot generate DDL for \"public.parted\": a partitioned table is not supported"
    );
    assert!(matches!(
        catalog::table_ddl(&mut c, &RelName::new("public", "child")),
        Err(Error::Unsupported { .. })
    ));
    match catalog::sequence_ddl(&mut c, &RelName::new("public", "v")) {
        Err(Error::NotFound { kind, .. }) => assert_eq!(kind, "sequence"),
        other => panic!("{other:?}"),
    }
    assert!(catalog::sequence_ddl(&mut c, &RelName::new("public", "sq"))
        .expect("sq")
        .starts_with("CREATE SEQUENCE public.sq AS bigint START WITH 1 INCREMENT BY 1"));
}

#[test]
fn names_for_completion() {
    let a = test_db!();
    a.sql(
        "create schema \"Odd Schema\";
         create table \"Odd Schema\".\"T 1\" (b int, \"A b\" text, c int);
         alter table \"Odd Schema\".\"T 1\" drop column c;
         create view public.v as select 1 as one;
         create sequence public.s",
    );
    let mut c = a.client();
    let rels = catalog::relation_names(&mut c).expect("names");
    let mut got: Vec<(String, char)> = rels
        .iter()
        .filter(|r| {
            r.name.schema != "pgq" && r.name.schema != "pgq_node" && r.name.schema != "londiste"
        })
        .map(|r| (r.name.fq(), r.kind))
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            ("Odd Schema.T 1".to_string(), 'r'),
            ("public.s".to_string(), 'S'),
            ("public.v".to_string(), 'v')
        ]
    );
    assert_eq!(
        catalog::column_names(&mut c, &RelName::new("Odd Schema", "T 1")).expect("cols"),
        vec!["b", "A b"]
    );
    assert!(
        catalog::column_names(&mut c, &RelName::new("public", "none"))
            .expect("none")
            .is_empty()
    );
    assert!(catalog::table_exists(&mut c, &RelName::parse_fq("Odd Schema.T 1")).expect("exists"));
    assert!(!catalog::table_exists(&mut c, &RelName::parse_fq("public.s")).expect("a sequence"));
    assert!(catalog::sequence_exists(&mut c, &RelName::parse_fq("s")).expect("seq"));
    assert!(catalog::schema_exists(&mut c, "Odd Schema").expect("schema"));
}
