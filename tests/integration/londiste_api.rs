//! The Londiste API (`qadmin::londiste`) against real nodes: each test
//! makes its databases cascade nodes with the SQL the reference tool uses
//! (`pgq_node.register_location`, `register_subscriber`, `create_node`),
//! then checks results in Londiste's own view (`londiste.get_table_list`,
//! `get_seq_list`, `pg_trigger`, the events in the queue).

use qadmin::catalog::{self, DdlOptions, RelName};
use qadmin::db::Client;
use qadmin::londiste::{self, AddSeqOptions, AddTableOptions, Error};

use crate::support::{location, TestDb};
use crate::test_db;

fn ret_ok(c: &mut Client, sql: &str, params: &[&dyn qadmin::db::Param]) -> qadmin::db::Row {
    let row = c
        .query_one(sql, params)
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    let code: i32 = row.get(0);
    assert!(
        code < 300,
        "{sql}: {code} {:?}",
        row.get::<_, Option<String>>(1)
    );
    row
}

/// Make `db` the root node `name` of `queue` (create-root's SQL).
fn make_root(db: &TestDb, queue: &str, name: &str) {
    let mut c = db.client();
    let loc = location(db);
    ret_ok(
        &mut c,
        "select * from pgq_node.register_location($1, $2, $3, false)",
        &[&queue, &name, &loc],
    );
    let worker = format!("{name}_worker");
    ret_ok(
        &mut c,
        "select * from pgq_node.create_node($1, 'root', $2, $3, null, null, null)",
        &[&queue, &name, &worker],
    );
}

/// Make `db` the branch `name` of `queue` below `provider`; `root` is the
/// root (it learns every location, as create-branch does).
fn make_branch(
    db: &TestDb,
    queue: &str,
    name: &str,
    provider: (&TestDb, &str),
    root: (&TestDb, &str),
) {
    let loc = location(db);
    let worker = format!("{name}_worker");
    let mut r = root.0.client();
    ret_ok(
        &mut r,
        "select * from pgq_node.register_location($1, $2, $3, false)",
        &[&queue, &name, &loc],
    );
    let mut p = provider.0.client();
    ret_ok(
        &mut p,
        "select * from pgq_node.register_location($1, $2, $3, false)",
        &[&queue, &name, &loc],
    );
    let wm: i64 = ret_ok(
        &mut p,
        "select ret_code, ret_note, global_watermark from pgq_node.register_subscriber($1, $2, $3, null)",
        &[&queue, &name, &worker],
    )
    .get(2);
    let mut c = db.client();
    let members: Vec<(String, String)> = r
        .query(
            "select node_name, node_location from pgq_node.get_queue_locations($1)",
            &[&queue],
        )
        .expect("locations")
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect();
    for (n, l) in &members {
        ret_ok(
            &mut c,
            "select * from pgq_node.register_location($1, $2, $3, false)",
            &[&queue, n, l],
        );
    }
    ret_ok(
        &mut c,
        "select * from pgq_node.create_node($1, 'branch', $2, $3, $4, $5, null)",
        &[&queue, &name, &worker, &provider.1, &wm],
    );
}

/// `londiste.get_table_list` as one line per table.
fn table_list(db: &TestDb, queue: &str) -> String {
    db.sql(&format!(
        "select table_name || ' ' || local || ' ' || coalesce(merge_state, '-') || ' ' || coalesce(table_attrs, '-')
           from londiste.get_table_list('{}') order by 1",
        queue.replace('\'', "''")
    ))
}

/// The trigger's arguments joined with `|`.
fn tgargs(db: &TestDb, table: &str, trigger: &str) -> String {
    db.sql(&format!(
        "select replace(encode(tgargs, 'escape'), '\\000', '|') from pg_trigger
          where tgrelid = '{table}'::regclass and tgname = '{trigger}'"
    ))
}

fn triggers(db: &TestDb, table: &str) -> String {
    db.sql(&format!(
        "select coalesce(string_agg(tgname, ',' order by tgname), '') from pg_trigger
          where tgrelid = '{table}'::regclass and not tgisinternal"
    ))
}

fn last_note(msgs: &[londiste::Message]) -> String {
    msgs.last().map(|m| m.note.clone()).unwrap_or_default()
}

#[test]
fn root_adds_lists_and_removes_tables_and_sequences() {
    let db = test_db!();
    db.sql(
        "create table t1 (id serial primary key, v text);
         create table t2 (id int primary key);
         create table t3 (id int primary key);
         create schema s; create table s.t4 (id int primary key)",
    );
    make_root(&db, "q", "n1");
    let mut c = db.client();

    let missing = londiste::missing(&mut c, "q").expect("missing");
    let names: Vec<String> = missing
        .iter()
        .map(|m| format!("{} {}", m.kind, m.name))
        .collect();
    assert_eq!(
        names,
        vec![
            "S public.t1_id_seq",
            "r public.t1",
            "r public.t2",
            "r public.t3",
            "r s.t4"
        ]
    );
    assert!(missing.iter().all(|m| !m.copying));

    let msgs =
        londiste::add_tables(&mut c, "q", &["t1"], &AddTableOptions::default()).expect("add");
    assert_eq!(
        msgs,
        vec![londiste::Message {
            code: 200,
            note: "Table added: public.t1".into()
        }]
    );
    let t = londiste::tables(&mut c, "q").expect("tables");
    assert_eq!(t.len(), 1);
    assert_eq!(t[0].table_name, "public.t1");
    assert!(t[0].is_ok() && t[0].table_attrs.is_none() && t[0].dest_table.is_none());
    assert_eq!(triggers(&db, "t1"), "_londiste_q,_londiste_q_truncate");

    // Again: reported, nothing done. A pattern adds what is missing only.
    let msgs = londiste::add_tables(&mut c, "q", &["public.t1"], &AddTableOptions::default())
        .expect("again");
    assert_eq!(msgs[0].code, 201, "{msgs:?}");
    let msgs =
        londiste::add_tables(&mut c, "q", &["t*"], &AddTableOptions::default()).expect("pattern");
    let notes: Vec<&str> = msgs.iter().map(|m| m.note.as_str()).collect();
    assert_eq!(
        notes,
        vec![
            "table public.t1 is added already",
            "Table added: public.t2",
            "Table added: public.t3"
        ]
    );
    assert_eq!(
        table_list(&db, "q"),
        "public.t1 true ok -\npublic.t2 true ok -\npublic.t3 true ok -"
    );

    let msgs =
        londiste::add_seqs(&mut c, "q", &["t1_id_seq"], &AddSeqOptions::default()).expect("seq");
    assert_eq!(last_note(&msgs), "Sequence added: public.t1_id_seq");
    let s = londiste::seqs(&mut c, "q").expect("seqs");
    assert_eq!(s.len(), 1);
    assert!(s[0].local && s[0].seq_name == "public.t1_id_seq");
    let msgs = londiste::add_seqs(&mut c, "q", &["t1_id_seq"], &AddSeqOptions::default())
        .expect("seq again");
    assert_eq!(msgs[0].code, 201);

    let missing: Vec<String> = londiste::missing(&mut c, "q")
        .expect("missing")
        .iter()
        .map(|m| format!("{} {}", m.kind, m.name))
        .collect();
    // On the root, a sequence stays listed even when added (londiste 3.8).
    assert_eq!(missing, vec!["S public.t1_id_seq", "r s.t4"]);

    let msgs = londiste::remove_tables(&mut c, "q", &["t2", "public.t3"]).expect("remove");
    assert_eq!(
        msgs.iter().map(|m| m.note.as_str()).collect::<Vec<_>>(),
        vec!["Table removed: public.t2", "Table removed: public.t3"]
    );
    assert_eq!(table_list(&db, "q"), "public.t1 true ok -");
    assert_eq!(triggers(&db, "t2"), "");
    let msgs = londiste::remove_seqs(&mut c, "q", &["public.t1_id_seq"]).expect("remove seq");
    assert_eq!(last_note(&msgs), "Sequence removed: public.t1_id_seq");
    assert!(londiste::seqs(&mut c, "q").expect("seqs").is_empty());

    let st = londiste::sync_status(&mut c, "q").expect("sync");
    assert_eq!(st.total, 1);
    assert!(st.is_done());
}

#[test]
fn options_reach_the_trigger_the_attributes_and_the_events() {
    let db = test_db!();
    db.sql(
        "create table a (id int primary key, v text, secret text);
         create table b (id int primary key);
         create table c (id int primary key);
         create table sh (\"User Id\" int primary key)",
    );
    make_root(&db, "q", "n1");
    let mut c = db.client();
    let opts = AddTableOptions {
        backup: true,
        when: Some("v <> 'x'".into()),
        pkey: Some("id".into()),
        ignore: Some("secret".into()),
        ev_extra4: Some("'extra'".into()),
        tgflags: Some("aiu".into()),
        handler: Some("bulk".into()),
        skip_truncate: true,
        ..Default::default()
    };
    let msgs = londiste::add_tables(&mut c, "q", &["a"], &opts).expect("add a");
    assert_eq!(last_note(&msgs), "Table added: public.a");
    assert_eq!(
        tgargs(&db, "a", "_londiste_q"),
        "q|backup|when=v <> 'x'|pkey=id|ignore=secret|ev_extra4='extra'|"
    );
    assert_eq!(
        db.sql("select tgtype from pg_trigger where tgname = '_londiste_q'"),
        // row | insert | update, after
        (1 + 4 + 16).to_string()
    );
    assert_eq!(
        table_list(&db, "q"),
        "public.a true ok handler=bulk&skip_truncate=1"
    );
    let info = londiste::tables(&mut c, "q").expect("tables");
    assert_eq!(
        info[0].attrs(),
        vec![
            ("handler".to_string(), Some("bulk".to_string())),
            ("skip_truncate".to_string(), Some("1".to_string()))
        ]
    );

    // The trigger makes the events the options asked for.
    db.sql("select pgq.register_consumer('q', 'reader')");
    db.sql(
        "insert into a values (1, 'hello', 'pw'), (2, 'x', 'pw');
         update a set v = 'world' where id = 1",
    );
    db.sql("select pgq.force_tick('q'); select pgq.ticker('q')");
    let batch = db.sql("select pgq.next_batch('q', 'reader')");
    let events = db.sql(&format!(
        "select ev_type || ' ' || ev_data || ' ' || ev_extra1 || ' ' || coalesce(ev_extra2, '-') || ' ' || ev_extra4
           from pgq.get_batch_events({batch}) where ev_type ~ '^[IU]:' order by ev_id"
    ));
    assert_eq!(
        events,
        "I:id id=1&v=hello public.a - extra\nU:id id=1&v=world public.a id=1&v=hello extra"
    );

    let msgs = londiste::add_tables(
        &mut c,
        "q",
        &["b"],
        &AddTableOptions {
            no_triggers: true,
            ..Default::default()
        },
    )
    .expect("b");
    assert_eq!(last_note(&msgs), "Table added with no triggers: public.b");
    assert_eq!(triggers(&db, "b"), "");

    londiste::add_tables(
        &mut c,
        "q",
        &["c"],
        &AddTableOptions {
            skip: true,
            tgflags: Some("BIUD".into()),
            ..Default::default()
        },
    )
    .expect("c");
    assert_eq!(tgargs(&db, "c", "zzz__londiste_q"), "q|SKIP|");

    // A handler that needs no table, and one that hashes a key column.
    let msgs = londiste::add_tables(
        &mut c,
        "q",
        &["virt"],
        &AddTableOptions {
            handler: Some("vtable".into()),
            ..Default::default()
        },
    )
    .expect("vtable");
    assert_eq!(
        last_note(&msgs),
        "Table added with no triggers: public.virt"
    );
    londiste::add_tables(
        &mut c,
        "q",
        &["sh"],
        &AddTableOptions {
            handler: Some("shard(key=User Id)".into()),
            ..Default::default()
        },
    )
    .expect("shard");
    assert_eq!(
        tgargs(&db, "sh", "_londiste_q"),
        "q|ev_extra3='hash='||partconf.get_hash_raw(\"User Id\")|"
    );
    assert!(table_list(&db, "q").contains("public.sh true ok handler=shard%28key%3dUser%2bId%29"));
}

#[test]
fn errors_name_the_problem_and_change_nothing() {
    let db = test_db!();
    db.sql(
        "create table t1 (id int primary key);
         create table nopk (v text);
         select pgq.create_queue('plain')",
    );
    make_root(&db, "q", "n1");
    let mut c = db.client();
    let before = table_list(&db, "q");
    let check_unchanged = |what: &str| {
        assert_eq!(table_list(&db, "q"), before, "{what}");
        assert_eq!(triggers(&db, "t1"), "", "{what}");
    };
    let add = |c: &mut Client, names: &[&str], o: AddTableOptions| {
        londiste::add_tables(c, "q", names, &o)
    };

    match add(&mut c, &["t1", "nope"], AddTableOptions::default()) {
        Err(Error::TableNotFound(t)) => assert_eq!(t, "public.nope"),
        other => panic!("{other:?}"),
    }
    check_unchanged("unknown table");

    let e = add(
        &mut c,
        &["t1"],
        AddTableOptions {
            handler: Some("bulkk".into()),
            ..Default::default()
        },
    )
    .expect_err("handler");
    assert!(matches!(e, Error::UnknownHandler { .. }));
    let text = e.to_string();
    assert!(
        text.starts_with(
            "unknown handler \"bulkk\"; known handlers: londiste, applyfn, bulk, dispatch"
        ),
        "{text}"
    );
    check_unchanged("unknown handler");

    let e = add(
        &mut c,
        &["t1"],
        AddTableOptions {
            tgflags: Some("BXI".into()),
            ..Default::default()
        },
    )
    .expect_err("tgflags");
    assert_eq!(
        e.to_string(),
        "bad tgflags \"BXI\": unknown flag(s) \"X\"; allowed flags: B A Q L J I U D S"
    );
    check_unchanged("bad tgflags");

    let e = add(
        &mut c,
        &["t1"],
        AddTableOptions {
            handler: Some("dispatch(period=day)".into()),
            ..Default::default()
        },
    )
    .expect_err("no key");
    assert!(e.to_string().contains("dispatch(key=<column>)"), "{e}");
    let e = add(
        &mut c,
        &["t1", "nopk"],
        AddTableOptions {
            dest_table: Some("other".into()),
            ..Default::default()
        },
    )
    .expect_err("dest");
    assert_eq!(e.to_string(), "dest_table works with one table only");
    check_unchanged("bad options");

    // Londiste refuses the second table: the first is not added either.
    match add(&mut c, &["t1", "nopk"], AddTableOptions::default()) {
        Err(Error::Refused(400, note)) => {
            assert_eq!(note, "Primary key missing on table: public.nopk")
        }
        other => panic!("{other:?}"),
    }
    check_unchanged("refused");

    match londiste::add_tables(&mut c, "nope", &["t1"], &AddTableOptions::default()) {
        Err(Error::QueueNotFound(q)) => assert_eq!(q, "nope"),
        other => panic!("{other:?}"),
    }
    let e = londiste::tables(&mut c, "plain").expect_err("not a node");
    assert_eq!(
        e.to_string(),
        "this database is not a node of queue \"plain\""
    );
    match londiste::remove_tables(&mut c, "q", &["t1"]) {
        Err(Error::NotInQueue { kind, name, .. }) => {
            assert_eq!((kind, name.as_str()), ("table", "public.t1"))
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        londiste::resync(&mut c, "q", &["t1"]),
        Err(Error::OnRoot("resync"))
    ));
    match londiste::add_seqs(&mut c, "q", &["nope_seq"], &AddSeqOptions::default()) {
        Err(Error::SequenceNotFound(s)) => assert_eq!(s, "public.nope_seq"),
        other => panic!("{other:?}"),
    }
    match londiste::remove_seqs(&mut c, "q", &["nope_seq"]) {
        Err(Error::NotInQueue { kind, .. }) => assert_eq!(kind, "sequence"),
        other => panic!("{other:?}"),
    }
    check_unchanged("the rest");
    assert_eq!(
        db.sql("select count(*) from londiste.get_seq_list('q')"),
        "0"
    );
}

#[test]
fn names_are_data_never_sql() {
    let db = test_db!();
    db.sql(
        r#"create table precious (a int);
           create schema "My Schema";
           create table "My Schema"."Odd ""Name""; drop table precious; --" (id int primary key, v text)"#,
    );
    let queue = "Q'1 \"x\"; drop table precious; --";
    make_root(&db, queue, "Node 'One'");
    let table = "My Schema.Odd \"Name\"; drop table precious; --";
    let mut c = db.client();
    let missing = londiste::missing(&mut c, queue).expect("missing");
    assert!(missing.iter().any(|m| m.name == table), "{missing:?}");
    let opts = AddTableOptions {
        when: Some("v <> 'it''s'".into()),
        ..Default::default()
    };
    let msgs = londiste::add_tables(&mut c, queue, &[table], &opts).expect("add");
    assert_eq!(last_note(&msgs), format!("Table added: {table}"));
    let t = londiste::tables(&mut c, queue).expect("tables");
    assert_eq!(t[0].table_name, table);
    assert_eq!(
        db.sql(
            r#"select count(*) from pg_trigger
                where tgrelid = '"My Schema"."Odd ""Name""; drop table precious; --"'::regclass
                  and tgname = '_londiste_Q''1 "x"; drop table precious; --'"#
        ),
        "1"
    );
    db.sql(r#"insert into "My Schema"."Odd ""Name""; drop table precious; --" values (1, 'ok'), (2, 'it''s')"#);
    londiste::remove_tables(&mut c, queue, &[table]).expect("remove");
    assert!(londiste::tables(&mut c, queue).expect("tables").is_empty());
    assert_eq!(db.sql("select count(*) from precious"), "0");
}

#[test]
fn a_branch_syncs_the_registry_creates_copies_and_resyncs() {
    let root = test_db!();
    let branch = test_db!();
    root.sql(
        "create table t1 (id serial primary key, v text default 'x' not null);
         create table t2 (id bigint generated always as identity primary key, note text, unique (note));
         comment on table t2 is 'second';
         create table t3 (id int primary key)",
    );
    branch.sql("create table t1 (id serial primary key, v text default 'x' not null)");
    make_root(&root, "q", "n1");
    make_branch(&branch, "q", "n2", (&root, "n1"), (&root, "n1"));
    let mut rc = root.client();
    londiste::add_tables(
        &mut rc,
        "q",
        &["t1", "t2", "t3"],
        &AddTableOptions::default(),
    )
    .expect("root add");
    londiste::add_seqs(&mut rc, "q", &["t1_id_seq"], &AddSeqOptions::default()).expect("root seq");

    let mut bc = branch.client();
    assert!(londiste::tables(&mut bc, "q").expect("tables").is_empty());
    let msgs = londiste::add_tables(&mut bc, "q", &["t1"], &AddTableOptions::default())
        .expect("branch add");
    let notes: Vec<&str> = msgs.iter().map(|m| m.note.as_str()).collect();
    assert_eq!(
        notes,
        vec![
            "table public.t1 registered from the provider",
            "table public.t2 registered from the provider",
            "table public.t3 registered from the provider",
            "Table added: public.t1"
        ]
    );
    assert_eq!(
        table_list(&branch, "q"),
        "public.t1 true - -\npublic.t2 false - -\npublic.t3 false - -"
    );
    let missing: Vec<String> = londiste::missing(&mut bc, "q")
        .expect("missing")
        .iter()
        .map(|m| format!("{} {} {} {:?}", m.kind, m.name, m.copying, m.merge_state))
        .collect();
    assert_eq!(
        missing,
        vec![
            "r public.t2 false None",
            "r public.t3 false None",
            "r public.t1 true None"
        ]
    );
    let st = londiste::sync_status(&mut bc, "q").expect("sync");
    assert_eq!(
        (st.total, st.pending.clone()),
        (1, vec![("public.t1".to_string(), None)])
    );

    // A table missing here needs `create`.
    match londiste::add_tables(&mut bc, "q", &["t2"], &AddTableOptions::default()) {
        Err(Error::TableNotFound(t)) => assert_eq!(t, "public.t2"),
        other => panic!("{other:?}"),
    }
    assert!(table_list(&branch, "q").contains("public.t2 false"));
    let create = AddTableOptions {
        create: true,
        ..Default::default()
    };
    let msgs = londiste::add_tables(&mut bc, "q", &["t2"], &create).expect("create");
    assert_eq!(
        msgs.iter().map(|m| m.note.as_str()).collect::<Vec<_>>(),
        vec![
            "table public.t2 created from the provider's structure",
            "Table added: public.t2"
        ]
    );
    let no_links = DdlOptions {
        foreign_keys: false,
        triggers: false,
        policies: false,
        comments: true,
    };
    let t2 = RelName::new("public", "t2");
    assert_eq!(
        catalog::table_ddl_with(&mut bc, &t2, &no_links).expect("branch ddl"),
        catalog::table_ddl_with(&mut rc, &t2, &no_links).expect("root ddl")
    );
    assert_eq!(triggers(&branch, "t2"), "_londiste_q,_londiste_q_truncate");

    // Into a schema the branch lacks, for a table and a sequence; and a
    // table replicated into a table of another name.
    root.sql(
        "create schema \"Other\"; create table \"Other\".t5 (id int primary key);
         create sequence \"Other\".\"Counter\" start 100; select nextval('\"Other\".\"Counter\"')",
    );
    londiste::add_tables(&mut rc, "q", &["Other.t5"], &AddTableOptions::default())
        .expect("root t5");
    londiste::add_seqs(&mut rc, "q", &["Other.Counter"], &AddSeqOptions::default())
        .expect("root seq");
    let msgs = londiste::add_tables(&mut bc, "q", &["Other.t5"], &create).expect("t5");
    assert_eq!(last_note(&msgs), "Table added: Other.t5");
    let seq_create = AddSeqOptions { create: true };
    match londiste::add_seqs(&mut bc, "q", &["Other.Counter"], &AddSeqOptions::default()) {
        Err(Error::SequenceNotFound(s)) => assert_eq!(s, "Other.Counter"),
        other => panic!("{other:?}"),
    }
    // The registry was brought in line before the refusal, as the
    // reference does (its own transaction).
    assert_eq!(
        branch.sql("select string_agg(seq_name || ' ' || local || ' ' || last_value, ',' order by seq_name) from londiste.get_seq_list('q')"),
        "Other.Counter false 30100,public.t1_id_seq false 30001"
    );
    let msgs =
        londiste::add_seqs(&mut bc, "q", &["Other.Counter"], &seq_create).expect("seq create");
    assert_eq!(
        msgs.iter().map(|m| m.note.as_str()).collect::<Vec<_>>(),
        vec![
            "sequence Other.Counter created from the provider's definition",
            "Sequence added: Other.Counter"
        ]
    );
    let counter = RelName::new("Other", "Counter");
    assert_eq!(
        catalog::sequence_ddl(&mut bc, &counter).expect("branch seq"),
        catalog::sequence_ddl(&mut rc, &counter).expect("root seq")
    );
    branch.sql("create table t3_local (id int primary key)");
    let dest = AddTableOptions {
        dest_table: Some("t3_local".into()),
        ..Default::default()
    };
    let msgs = londiste::add_tables(&mut bc, "q", &["t3"], &dest).expect("dest");
    assert_eq!(last_note(&msgs), "Table added: public.t3(public.t3_local)");
    let t3 = londiste::tables(&mut bc, "q").expect("tables");
    let t3 = t3.iter().find(|t| t.table_name == "public.t3").expect("t3");
    assert_eq!(t3.dest_table.as_deref(), Some("public.t3_local"));
    assert_eq!(
        triggers(&branch, "t3_local"),
        "_londiste_q,_londiste_q_truncate"
    );
    londiste::remove_tables(&mut bc, "q", &["t3", "Other.t5"]).expect("remove t3, t5");
    londiste::remove_seqs(&mut bc, "q", &["Other.Counter"]).expect("remove seq");
    londiste::remove_tables(&mut rc, "q", &["Other.t5"]).expect("root remove t5");

    // Resync: the copy starts again.
    branch.sql("select * from londiste.local_set_table_state('q', 'public.t1', null, 'ok')");
    let msgs = londiste::resync(&mut bc, "q", &["t1"]).expect("resync");
    assert_eq!(last_note(&msgs), "Table public.t1 state set to NULL");
    assert!(table_list(&branch, "q").contains("public.t1 true - -"));
    assert!(matches!(
        londiste::resync(&mut bc, "q", &["t3"]),
        Err(Error::NotInQueue { .. })
    ));

    // Sequences: the registry came from the provider above.
    let msgs = londiste::add_seqs(
        &mut bc,
        "q",
        &["public.t1_id_seq"],
        &AddSeqOptions::default(),
    )
    .expect("seq");
    assert_eq!(
        msgs.iter().map(|m| m.note.as_str()).collect::<Vec<_>>(),
        vec!["Sequence added: public.t1_id_seq"]
    );
    assert!(londiste::seqs(&mut bc, "q").expect("seqs")[0].local);

    // A table removed on the root is unregistered here at the next sync.
    londiste::remove_tables(&mut rc, "q", &["t3"]).expect("root remove");
    let msgs =
        londiste::add_tables(&mut bc, "q", &["t1"], &AddTableOptions::default()).expect("again");
    assert_eq!(
        msgs.iter().map(|m| m.note.as_str()).collect::<Vec<_>>(),
        vec![
            "table public.t3 is gone on the provider: unregistered",
            "table Other.t5 is gone on the provider: unregistered",
            "table public.t1 is added already"
        ]
    );
    londiste::remove_tables(&mut bc, "q", &["t1", "t2"]).expect("branch remove");
    assert_eq!(
        table_list(&branch, "q"),
        "public.t1 false - -\npublic.t2 false - -"
    );
    assert_eq!(
        table_list(&root, "q"),
        "public.t1 true ok -\npublic.t2 true ok -",
        "the root is untouched"
    );
}

#[test]
fn a_table_the_provider_does_not_replicate_is_refused() {
    let root = test_db!();
    let mid = test_db!();
    let low = test_db!();
    for db in [&root, &mid, &low] {
        db.sql("create table t (id int primary key)");
    }
    make_root(&root, "q", "n1");
    make_branch(&mid, "q", "n2", (&root, "n1"), (&root, "n1"));
    make_branch(&low, "q", "n3", (&mid, "n2"), (&root, "n1"));
    londiste::add_tables(&mut root.client(), "q", &["t"], &AddTableOptions::default())
        .expect("root");
    // n2 knows the table but does not replicate it.
    mid.sql("select * from londiste.global_add_table('q', 'public.t')");
    let mut c = low.client();
    match londiste::add_tables(&mut c, "q", &["t"], &AddTableOptions::default()) {
        Err(Error::NotOnProvider { kind, name }) => {
            assert_eq!((kind, name.as_str()), ("table", "public.t"))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(table_list(&low, "q"), "public.t false - -");
    // expect_sync skips the check, as the reference does.
    let o = AddTableOptions {
        expect_sync: true,
        ..Default::default()
    };
    londiste::add_tables(&mut c, "q", &["t"], &o).expect("expect_sync");
    assert_eq!(table_list(&low, "q"), "public.t true ok -");
}

#[test]
fn missing_extensions_are_named() {
    let db = test_db!();
    db.sql("drop extension londiste");
    let mut c = db.client();
    let e = londiste::tables(&mut c, "q").expect_err("no node");
    // pgq_node is there: the queue is the problem.
    assert!(matches!(e, Error::QueueNotFound(_)), "{e:?}");
    make_root(&db, "q", "n1");
    let e = londiste::tables(&mut c, "q").expect_err("no londiste");
    assert_eq!(
        e.to_string(),
        "extension \"londiste\" is not installed in this database (run: install londiste;)"
    );
    db.sql("drop extension pgq_node; drop extension pgq cascade");
    assert!(matches!(
        londiste::seqs(&mut c, "q"),
        Err(Error::ExtensionMissing("pgq"))
    ));
}

#[test]
fn handler_names_are_those_python3_londiste_ships() {
    // Ask the installed package; skip where it is not installed.
    let script = r#"
import importlib, pkgutil, londiste.handlers as h
names = ['londiste']
for m in pkgutil.iter_modules(h.__path__):
    mod = importlib.import_module('londiste.handlers.' + m.name)
    names += [c.handler_name for c in getattr(mod, '__londiste_handlers__', [])]
print('\n'.join(names))
"#;
    let out = match std::process::Command::new("/usr/bin/python3")
        .args(["-c", script])
        .output()
    {
        Ok(o) if o.status.success() => o,
        _ => {
            eprintln!("skipping: python3-londiste not importable");
            return;
        }
    };
    let mut shipped: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(String::from)
        .collect();
    shipped.sort();
    let mut ours: Vec<String> = londiste::handler_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    ours.sort();
    assert_eq!(ours, shipped);
}

/// What Londiste recorded for a table: its registry row and its triggers
/// (name, type bits, arguments).
fn recorded(db: &TestDb, table: &str) -> String {
    let row = db.sql(&format!(
        "select local || ' ' || coalesce(merge_state, '-') || ' ' || coalesce(table_attrs, '-')
           from londiste.get_table_list('q') where table_name = 'public.{table}'"
    ));
    let trg = db.sql(&format!(
        "select coalesce(string_agg(tgname || ' ' || tgtype || ' ' || replace(encode(tgargs, 'escape'), '\\000', '|'),
                                    E'\\n' order by tgname), '')
           from pg_trigger where tgrelid = 'public.{table}'::regclass and not tgisinternal"
    ));
    format!("{row}\n{trg}")
}

#[test]
fn add_table_records_what_the_reference_tool_records() {
    let theirs = test_db!();
    let ours = test_db!();
    let dir = tempfile::tempdir().expect("dir");
    let tables = "create table t1 (id int primary key, v text, secret text);
                  create table t2 (\"User Id\" int primary key);
                  create table t3 (id int primary key);
                  create table t4 (id int primary key);
                  create table t5 (id int primary key)";
    for db in [&theirs, &ours] {
        db.sql(tables);
        make_root(db, "q", "n1");
    }
    let ini = dir.path().join("n1.ini");
    std::fs::write(
        &ini,
        format!(
            "[londiste]\njob_name = n1_worker\ndb = {}\nqueue_name = q\nlogfile = {d}/n1.log\npidfile = {d}/n1.pid\n\
             handler_modules = londiste.handlers.bulk, londiste.handlers.shard, londiste.handlers.qtable, londiste.handlers.multimaster\n",
            location(&theirs),
            d = dir.path().display()
        ),
    )
    .expect("ini");
    let cases: Vec<(&str, Vec<&str>, AddTableOptions)> = vec![
        (
            "t1",
            vec![
                "--handler=bulk",
                "--trigger-flags=AIU",
                "--trigger-arg=backup",
                "--trigger-arg=when=v <> 'x'",
                "--trigger-arg=pkey=id",
                "--trigger-arg=ignore=secret",
                "--trigger-arg=ev_extra4='extra'",
                "--skip-truncate",
            ],
            AddTableOptions {
                handler: Some("bulk".into()),
                tgflags: Some("AIU".into()),
                backup: true,
                when: Some("v <> 'x'".into()),
                pkey: Some("id".into()),
                ignore: Some("secret".into()),
                ev_extra4: Some("'extra'".into()),
                skip_truncate: true,
                ..Default::default()
            },
        ),
        (
            "t2",
            vec!["--handler=shard", "--handler-arg=key=User Id"],
            AddTableOptions {
                handler: Some("shard(key=User Id)".into()),
                ..Default::default()
            },
        ),
        (
            "t3",
            vec!["--handler=qtable"],
            AddTableOptions {
                handler: Some("qtable".into()),
                ..Default::default()
            },
        ),
        (
            "t4",
            vec!["--no-triggers", "--expect-sync", "--skip-truncate"],
            AddTableOptions {
                no_triggers: true,
                expect_sync: true,
                skip_truncate: true,
                ..Default::default()
            },
        ),
        (
            "t5",
            vec![
                "--handler=multimaster",
                "--trigger-flags=BIUD",
                "--trigger-arg=skip",
            ],
            AddTableOptions {
                handler: Some("multimaster".into()),
                tgflags: Some("BIUD".into()),
                skip: true,
                ..Default::default()
            },
        ),
    ];
    let mut c = ours.client();
    for (table, args, opts) in &cases {
        let mut cmd = std::process::Command::new("londiste");
        crate::support::clean_env(&mut cmd);
        let r = crate::support::run(
            cmd.arg(&ini)
                .args(["add-table", &format!("public.{table}")])
                .args(args),
        );
        assert_eq!(
            r.code, 0,
            "londiste add-table {table}: {}{}",
            r.stdout, r.stderr
        );
        londiste::add_tables(&mut c, "q", &[*table], opts)
            .unwrap_or_else(|e| panic!("{table}: {e}"));
        assert_eq!(recorded(&ours, table), recorded(&theirs, table), "{table}");
    }
    assert!(recorded(&ours, "t1").starts_with("true ok handler=bulk&skip_truncate=1\n_londiste_q "));
    assert!(
        recorded(&ours, "t3").contains("zzz__londiste_q 7 q|SKIP|"),
        "{}",
        recorded(&ours, "t3")
    );
}
