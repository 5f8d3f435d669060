//! The catalog snapshot completion reads: queues, consumers per queue,
//! nodes, relations, columns per relation, handler names. Built whole on a
//! second connection in a background thread and swapped in
//! (`Arc<RwLock<Arc<Catalog>>>`, pgcli's `CompletionRefresher`), so a Tab
//! never waits for the server. Sections of a missing extension stay empty.
//!
//! Callers: the completer ([`crate::complete`]) reads [`Cache::snapshot`];
//! the shell calls [`Cache::set_params`] after connecting and
//! [`Cache::invalidate`] after a command that changed the catalog.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use crate::catalog;
use crate::db::Client;
use crate::parse::ast::Changes;

use crate::db::{self, ConnParams};

/// One snapshot of the names completion offers.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// Queue names.
    pub queues: Vec<String>,
    /// Consumer names per queue.
    pub consumers: HashMap<String, Vec<String>>,
    /// Cascade node names (of every queue with pgq_node).
    pub nodes: Vec<String>,
    /// Cascade node names per queue.
    pub nodes_by_queue: HashMap<String, Vec<String>>,
    /// Schema names.
    pub schemas: Vec<String>,
    /// Relations as (schema, name, relkind).
    pub relations: Vec<(String, String, char)>,
    /// Column names per relation, keyed `schema.name`.
    pub columns: HashMap<String, Vec<String>>,
    /// Function names (outside the system schemas, plus pg_catalog's).
    pub functions: Vec<String>,
    /// Londiste tables registered on some queue (`schema.name`).
    pub londiste_tables: Vec<String>,
    /// Londiste sequences registered on some queue (`schema.name`).
    pub londiste_seqs: Vec<String>,
    /// Londiste handler names.
    pub handlers: Vec<String>,
    /// Known tick ids per queue (its last tick, its consumers' ticks),
    /// newest first.
    pub ticks: HashMap<String, Vec<i64>>,
    /// Open batch ids (of every queue).
    pub batches: Vec<i64>,
    /// Databases that take connections.
    pub databases: Vec<String>,
    /// Role names (without the `pg_` ones).
    pub roles: Vec<String>,
    /// Type names (base, composite, domain, enum, range; no arrays).
    pub types: Vec<String>,
    /// Indexes as (schema, name).
    pub indexes: Vec<(String, String)>,
    /// Trigger names (user triggers, not the internal ones).
    pub triggers: Vec<String>,
    /// Setting names (`work_mem` ...), for SET / RESET / SHOW.
    pub settings: Vec<String>,
    /// Sorted lookups over the lists above, built on first use (the
    /// refresher builds them before it swaps the snapshot in).
    index: OnceLock<Index>,
}

/// One candidate a [`NameIndex`] holds.
#[derive(Debug, Clone)]
pub struct Entry {
    /// `text` lower-cased: the sort and match key.
    key: String,
    /// The candidate as inserted (quoted where it must be).
    pub text: String,
    /// `schema.name` of a relation (empty for other names).
    pub fq: String,
    /// A relation's relkind (`' '` for other names).
    pub kind: char,
}

/// Candidates sorted by their lower-cased text, so the ones a typed word
/// continues are one binary-searched range, not a scan of every name
/// (10,000 relations: a Tab costs the matches, not the catalog).
#[derive(Debug, Clone, Default)]
pub struct NameIndex {
    entries: Vec<Entry>,
}

impl NameIndex {
    fn build(mut entries: Vec<Entry>) -> NameIndex {
        entries.sort_by(|a, b| a.key.cmp(&b.key));
        NameIndex { entries }
    }

    fn names<'a>(names: impl IntoIterator<Item = &'a String>) -> NameIndex {
        let mut seen = HashSet::new();
        NameIndex::build(
            names
                .into_iter()
                .filter(|n| seen.insert(n.as_str()))
                .map(|n| entry(crate::parse::ident::quote(n), String::new(), ' '))
                .collect(),
        )
    }

    /// Names that may be `schema.name` (functions): each part quoted as
    /// it needs.
    fn dotted<'a>(names: impl IntoIterator<Item = &'a String>) -> NameIndex {
        let quote = crate::parse::ident::quote;
        let mut seen = HashSet::new();
        NameIndex::build(
            names
                .into_iter()
                .filter(|n| seen.insert(n.as_str()))
                .map(|n| {
                    let text = match n.split_once('.') {
                        Some((s, f)) => format!("{}.{}", quote(s), quote(f)),
                        None => quote(n),
                    };
                    entry(text, String::new(), ' ')
                })
                .collect(),
        )
    }

    /// The entries `word` continues: names compare as the server folds
    /// them (`ord` matches `orders`), a word starting with `"` compares
    /// exactly (`"Or` matches `"Orders"`).
    pub fn matching<'a>(&'a self, word: &'a str) -> impl Iterator<Item = &'a Entry> + 'a {
        let low = word.to_lowercase();
        let from = self.entries.partition_point(|e| e.key < low);
        let quoted = word.starts_with('"');
        self.entries[from..]
            .iter()
            .take_while(move |e| e.key.starts_with(&low))
            .filter(move |e| !quoted || e.text.starts_with(word))
    }
}

fn entry(text: String, fq: String, kind: char) -> Entry {
    Entry {
        key: text.to_lowercase(),
        text,
        fq,
        kind,
    }
}

/// The lookups completion uses on a big catalog.
#[derive(Debug, Clone, Default)]
pub struct Index {
    /// Relations of `public` by bare name.
    pub bare: NameIndex,
    /// Every relation as `schema.name`.
    pub qualified: NameIndex,
    /// Queue names.
    pub queues: NameIndex,
    /// Consumer names of every queue (once each).
    pub consumers: NameIndex,
    /// Function names.
    pub functions: NameIndex,
    /// Tables and sequences Londiste has (`schema.name`).
    pub londiste: HashSet<String>,
}

impl Catalog {
    /// The sorted lookups over this snapshot (built once).
    pub fn index(&self) -> &Index {
        self.index.get_or_init(|| {
            use crate::parse::ident::quote;
            let mut bare = Vec::new();
            let mut qualified = Vec::with_capacity(self.relations.len());
            for (s, n, k) in &self.relations {
                let fq = format!("{s}.{n}");
                if s == "public" {
                    bare.push(entry(quote(n), fq.clone(), *k));
                }
                qualified.push(entry(format!("{}.{}", quote(s), quote(n)), fq, *k));
            }
            let mut consumers: Vec<&String> = self.consumers.values().flatten().collect();
            consumers.sort();
            Index {
                bare: NameIndex::build(bare),
                qualified: NameIndex::build(qualified),
                queues: NameIndex::names(&self.queues),
                consumers: NameIndex::names(consumers),
                functions: NameIndex::dotted(&self.functions),
                londiste: self
                    .londiste_tables
                    .iter()
                    .chain(&self.londiste_seqs)
                    .cloned()
                    .collect(),
            }
        })
    }
}

/// Which parts of a snapshot to read: all of them for the background
/// snapshot, only what one slot needs for a Tab before the first
/// snapshot exists ([`Cache::quick`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sections {
    /// Schema names.
    pub schemas: bool,
    /// Relation names.
    pub relations: bool,
    /// Columns: of every relation (`Some(empty)`), of the named
    /// `schema.name` relations, or none.
    pub columns: Option<Vec<String>>,
    /// Function names.
    pub functions: bool,
    /// Queues, their consumers, ticks and open batches.
    pub pgq: bool,
    /// Cascade node names.
    pub nodes: bool,
    /// Londiste tables and sequences.
    pub londiste: bool,
    /// Database names.
    pub databases: bool,
    /// Role names.
    pub roles: bool,
    /// Types, indexes, triggers and settings.
    pub objects: bool,
}

impl Sections {
    /// Both requests in one.
    pub fn union(self, other: Sections) -> Sections {
        let columns = match (self.columns, other.columns) {
            (None, c) | (c, None) => c,
            (Some(a), Some(b)) if a.is_empty() || b.is_empty() => Some(Vec::new()),
            (Some(mut a), Some(b)) => {
                a.extend(b);
                Some(a)
            }
        };
        Sections {
            schemas: self.schemas || other.schemas,
            relations: self.relations || other.relations,
            columns,
            functions: self.functions || other.functions,
            pgq: self.pgq || other.pgq,
            nodes: self.nodes || other.nodes,
            londiste: self.londiste || other.londiste,
            databases: self.databases || other.databases,
            roles: self.roles || other.roles,
            objects: self.objects || other.objects,
        }
    }

    /// The sections a statement's declared [`Changes`] make stale
    /// (`None`: nothing to refresh).
    pub fn changed_by(c: Changes) -> Option<Sections> {
        let d = Sections::default();
        Some(match c {
            Changes::Nothing => return None,
            Changes::Schema => Sections {
                schemas: true,
                relations: true,
                columns: Some(Vec::new()),
                functions: true,
                databases: true,
                roles: true,
                objects: true,
                ..d
            },
            Changes::Pgq => Sections { pgq: true, ..d },
            Changes::Cascade => Sections {
                pgq: true,
                nodes: true,
                londiste: true,
                ..d
            },
            Changes::Londiste => Sections {
                londiste: true,
                relations: true,
                schemas: true,
                columns: Some(Vec::new()),
                ..d
            },
            Changes::Everything => Sections::all(),
        })
    }

    /// Every section.
    pub fn all() -> Sections {
        Sections {
            schemas: true,
            relations: true,
            columns: Some(Vec::new()),
            functions: true,
            pgq: true,
            nodes: true,
            londiste: true,
            databases: true,
            roles: true,
            objects: true,
        }
    }
}

impl Catalog {
    /// Read a whole snapshot. A section whose extension is missing (or
    /// whose query fails) stays empty.
    pub fn load(c: &mut Client) -> Catalog {
        let cat = Catalog::load_sections(c, &Sections::all());
        cat.index();
        cat
    }

    /// This snapshot with the sections in `want` taken from `fresh`.
    pub fn merged(&self, fresh: Catalog, want: &Sections) -> Catalog {
        let mut c = self.clone();
        c.index = OnceLock::new();
        if want.schemas {
            c.schemas = fresh.schemas;
        }
        if want.relations {
            c.relations = fresh.relations;
        }
        match &want.columns {
            Some(only) if only.is_empty() => c.columns = fresh.columns,
            Some(_) => c.columns.extend(fresh.columns),
            None => {}
        }
        if want.functions {
            c.functions = fresh.functions;
        }
        if want.pgq {
            c.queues = fresh.queues;
            c.consumers = fresh.consumers;
            c.ticks = fresh.ticks;
            c.batches = fresh.batches;
        }
        if want.nodes {
            c.nodes = fresh.nodes;
            c.nodes_by_queue = fresh.nodes_by_queue;
        }
        if want.londiste {
            c.londiste_tables = fresh.londiste_tables;
            c.londiste_seqs = fresh.londiste_seqs;
        }
        if want.databases {
            c.databases = fresh.databases;
        }
        if want.roles {
            c.roles = fresh.roles;
        }
        if want.objects {
            c.types = fresh.types;
            c.indexes = fresh.indexes;
            c.triggers = fresh.triggers;
            c.settings = fresh.settings;
        }
        c
    }

    /// Read the given sections only (the rest stays empty).
    pub fn load_sections(c: &mut Client, want: &Sections) -> Catalog {
        let mut cat = Catalog {
            handlers: crate::londiste::handler_names()
                .into_iter()
                .map(str::to_string)
                .collect(),
            ..Catalog::default()
        };
        if want.schemas {
            cat.schemas = catalog::schema_names(c).unwrap_or_default();
        }
        if want.relations {
            if let Ok(rels) = crate::catalog::relation_names(c) {
                cat.relations = rels
                    .into_iter()
                    .map(|r| (r.name.schema, r.name.name, r.kind))
                    .collect();
            }
        }
        match &want.columns {
            Some(only) if only.is_empty() => {
                for (schema, rel, col) in catalog::all_column_names(c).unwrap_or_default() {
                    let key = format!("{schema}.{rel}");
                    cat.columns.entry(key).or_default().push(col);
                }
            }
            Some(only) => {
                for fq in only {
                    if let Some((schema, name)) = fq.split_once('.') {
                        let rel = crate::catalog::RelName::new(schema, name);
                        if let Ok(cols) = crate::catalog::column_names(c, &rel) {
                            if !cols.is_empty() && !want.relations {
                                // So that a bare name in scope resolves.
                                cat.relations.push((rel.schema, rel.name, 'r'));
                            }
                            cat.columns.insert(fq.clone(), cols);
                        }
                    }
                }
            }
            None => {}
        }
        if want.functions {
            cat.functions = catalog::function_names(c).unwrap_or_default();
        }
        if want.databases {
            cat.databases = catalog::database_names(c).unwrap_or_default();
        }
        if want.roles {
            cat.roles = catalog::role_names(c).unwrap_or_default();
        }
        if want.objects {
            cat.types = catalog::type_names(c).unwrap_or_default();
            cat.indexes = catalog::index_names(c).unwrap_or_default();
            cat.triggers = catalog::trigger_names(c).unwrap_or_default();
            cat.settings = catalog::setting_names(c).unwrap_or_default();
        }
        let has = |c: &mut Client, ext: &str| crate::pgq::has_extension(c, ext).unwrap_or(false);
        if want.pgq {
            // Empty without pgq: its functions say so and nothing is read.
            for q in crate::pgq::queue_info(c, None).unwrap_or_default() {
                if let Some(t) = q.last_tick_id {
                    cat.ticks.entry(q.name.clone()).or_default().push(t);
                }
                cat.queues.push(q.name);
            }
            for ci in crate::pgq::consumer_info(c, None, None).unwrap_or_default() {
                if let Some(t) = ci.last_tick {
                    cat.ticks.entry(ci.queue.clone()).or_default().push(t);
                }
                if let Some(b) = ci.current_batch {
                    cat.batches.push(b);
                }
                cat.consumers.entry(ci.queue).or_default().push(ci.consumer);
            }
            for t in cat.ticks.values_mut() {
                t.sort_unstable_by(|a, b| b.cmp(a));
                t.dedup();
            }
            cat.batches.sort_unstable();
        }
        if want.nodes && has(c, "pgq_node") {
            for (queue, node) in crate::cascade::all_locations(c).unwrap_or_default() {
                if cat.nodes.last() != Some(&node) {
                    cat.nodes.push(node.clone());
                }
                cat.nodes_by_queue.entry(queue).or_default().push(node);
            }
        }
        if want.londiste && has(c, "londiste") {
            cat.londiste_tables = crate::londiste::local_table_names(c).unwrap_or_default();
            cat.londiste_seqs = crate::londiste::local_seq_names(c).unwrap_or_default();
        }
        cat
    }
}

/// The shared, swappable snapshot and its refresher.
#[derive(Default)]
pub struct Cache {
    snap: Arc<RwLock<Arc<Catalog>>>,
    params: Mutex<Option<ConnParams>>,
    /// Sections asked for and not read yet: the refresher takes them all
    /// at once, so requests that come while it reads are merged.
    pending: Mutex<Option<Sections>>,
    /// Whether the refresher thread runs (one at a time).
    running: std::sync::atomic::AtomicBool,
    /// Whether any snapshot has been swapped in.
    ready: Arc<std::sync::atomic::AtomicBool>,
    /// The connection of [`Cache::quick`] lookups (until the first
    /// snapshot is in).
    quick_conn: Arc<Mutex<Option<Client>>>,
    /// The session's current queue (`-Q`, `connect queue=`): node names
    /// are those of this queue when the statement names none.
    queue: Mutex<Option<String>>,
}

/// How long a Tab waits for a quick lookup before it shows what it has.
const QUICK_LIMIT: std::time::Duration = std::time::Duration::from_millis(500);

impl Cache {
    /// An empty cache (no connection yet).
    pub fn new() -> Arc<Cache> {
        Arc::new(Cache::default())
    }

    /// The current snapshot (cheap: an `Arc` clone under a read lock).
    pub fn snapshot(&self) -> Arc<Catalog> {
        match self.snap.read() {
            Ok(g) => Arc::clone(&g),
            Err(p) => Arc::clone(&p.into_inner()),
        }
    }

    /// The session's current queue changed.
    pub fn set_queue(&self, queue: Option<String>) {
        if let Ok(mut q) = self.queue.lock() {
            *q = queue;
        }
    }

    /// The session's current queue.
    pub fn queue(&self) -> Option<String> {
        self.queue.lock().ok().and_then(|q| q.clone())
    }

    /// Whether a snapshot from the server exists yet.
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Acquire)
    }

    /// Swap in a snapshot (the refresher; tests and benchmarks).
    pub fn install(&self, cat: Catalog) {
        let mut g = match self.snap.write() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        *g = Arc::new(cat);
        drop(g);
        self.ready.store(true, Ordering::Release);
        // Quick lookups are over: their connection goes (unless one is
        // still running; it is dropped with the cache then).
        if let Ok(mut q) = self.quick_conn.try_lock() {
            q.take();
        }
    }

    /// Before the first snapshot exists: read just `want` (one or two
    /// small queries on a connection of its own, kept for the next Tab),
    /// waiting at most half a second; an empty catalog when there is no
    /// connection yet or the server is slow.
    pub fn quick(&self, want: Sections) -> Catalog {
        let Some(params) = self.params.lock().ok().and_then(|p| p.clone()) else {
            return Catalog::default();
        };
        let conn = Arc::clone(&self.quick_conn);
        let (tx, rx) = std::sync::mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("qadmin-complete-quick".into())
            .spawn(move || {
                let mut slot = match conn.lock() {
                    Ok(g) => g,
                    Err(p) => p.into_inner(),
                };
                if slot.is_none() {
                    if let Some(mut c) = connect(&params) {
                        let _ = c.batch_execute("set statement_timeout = 2000");
                        *slot = Some(c);
                    }
                }
                let cat = match slot.as_mut() {
                    Some(c) => Catalog::load_sections(c, &want),
                    None => Catalog::default(),
                };
                let _ = tx.send(cat);
            });
        if spawned.is_err() {
            return Catalog::default();
        }
        rx.recv_timeout(QUICK_LIMIT).unwrap_or_default()
    }

    /// Where to connect for snapshots (after the shell connected or
    /// reconnected); starts a refresh.
    pub fn set_params(self: &Arc<Self>, params: ConnParams) {
        if let Ok(mut p) = self.params.lock() {
            *p = Some(params);
        }
        self.invalidate();
    }

    /// Everything may have changed (a new connection): read a whole new
    /// snapshot in the background.
    pub fn invalidate(self: &Arc<Self>) {
        self.refresh(Sections::all());
    }

    /// Some of the catalog changed (`create queue`: the PgQ section,
    /// `create table`: relations and columns ...): read those sections
    /// again in the background and swap in the snapshot with them
    /// replaced. Before the first snapshot everything is read.
    pub fn refresh(self: &Arc<Self>, want: Sections) {
        if self.params.lock().map(|p| p.is_none()).unwrap_or(true) {
            return;
        }
        let want = if self.is_ready() {
            want
        } else {
            Sections::all()
        };
        {
            let mut p = match self.pending.lock() {
                Ok(p) => p,
                Err(e) => e.into_inner(),
            };
            *p = Some(match p.take() {
                Some(old) => old.union(want),
                None => want,
            });
        }
        if self.running.swap(true, Ordering::AcqRel) {
            return; // the running refresher takes it
        }
        let me = Arc::clone(self);
        let spawned = std::thread::Builder::new()
            .name("qadmin-complete-cache".into())
            .spawn(move || me.refresher());
        if spawned.is_err() {
            self.running.store(false, Ordering::Release);
        }
    }

    fn take_pending(&self) -> Option<Sections> {
        match self.pending.lock() {
            Ok(mut p) => p.take(),
            Err(e) => e.into_inner().take(),
        }
    }

    /// Read what is pending until nothing is.
    fn refresher(self: Arc<Self>) {
        loop {
            let Some(want) = self.take_pending() else {
                self.running.store(false, Ordering::Release);
                // A request may have come between the take and the store.
                let more = self.pending.lock().map(|p| p.is_some()).unwrap_or(false);
                if more && !self.running.swap(true, Ordering::AcqRel) {
                    continue;
                }
                return;
            };
            let Some(params) = self.params.lock().ok().and_then(|p| p.clone()) else {
                continue;
            };
            let Some(mut client) = connect(&params) else {
                continue;
            };
            if want == Sections::all() {
                self.install(Catalog::load(&mut client));
            } else {
                let fresh = Catalog::load_sections(&mut client, &want);
                let merged = self.snapshot().merged(fresh, &want);
                merged.index();
                let mut g = match self.snap.write() {
                    Ok(g) => g,
                    Err(p) => p.into_inner(),
                };
                *g = Arc::new(merged);
            }
        }
    }
}

/// A connection of the cache's own (notices dropped: nobody reads them).
fn connect(params: &ConnParams) -> Option<Client> {
    let quiet: db::NoticeSink = Arc::new(|_, _| {});
    db::connect(params, quiet).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{parse_statement, Statement};

    fn of_command(text: &str) -> Option<Sections> {
        match parse_statement(text) {
            Ok(Statement::Command(c)) => Sections::changed_by(c.changes()),
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn statements_refresh_the_sections_they_change() {
        // SQL: the server's tag says.
        for tag in [
            "SELECT 1",
            "INSERT 0 2",
            "UPDATE 3",
            "COPY 5",
            "SET",
            "BEGIN",
        ] {
            assert_eq!(
                Sections::changed_by(Changes::of_sql_tag(tag)),
                None,
                "{tag}"
            );
        }
        let ddl = Sections::changed_by(Changes::of_sql_tag("CREATE TABLE")).expect("ddl");
        assert!(ddl.relations && ddl.columns.is_some() && !ddl.pgq);
        assert_eq!(
            Sections::changed_by(Changes::of_sql_tag("ROLLBACK")),
            Some(Sections::all())
        );
        // Commands: what they declare.
        assert_eq!(of_command("show queue;"), None);
        assert_eq!(of_command("pause node n1;"), None);
        let q = of_command("create queue q;").expect("queue");
        assert!(q.pgq && !q.relations && !q.nodes);
        let n = of_command("takeover n1;").expect("cascade");
        assert!(n.nodes && n.pgq);
        let l = of_command("londiste add table t;").expect("londiste");
        assert!(l.londiste && l.relations);
        assert_eq!(of_command("install pgq;"), Some(Sections::all()));
        assert_eq!(Changes::Pgq.and(Changes::Nothing), Changes::Pgq);
        assert_eq!(Changes::Pgq.and(Changes::Schema), Changes::Everything);
    }
}
