//! Negative cases: each bad command with its exact error text (line,
//! column, the line with a caret, what was expected).

use crate::parse::parse_statement;

/// (input, the error as printed).
const CASES: &[(&str, &str)] = &[
    (
        "connect;",
        "syntax error at or near \";\" (line 1, column 8): expected a connection setting (dbname, host, port, user, password, service, sslmode, queue or node)\nLINE 1: connect;\n               ^",
    ),
    (
        "connect dbname;",
        "syntax error at or near \";\" (line 1, column 15): expected `=`\nLINE 1: connect dbname;\n                      ^",
    ),
    (
        "connect dbname=;",
        "syntax error at or near \";\" (line 1, column 16): expected a value\nLINE 1: connect dbname=;\n                       ^",
    ),
    (
        "connect foo=bar;",
        "syntax error at or near \"foo\" (line 1, column 9): expected a connection setting (dbname, host, port, user, password, service, sslmode, queue or node)\nLINE 1: connect foo=bar;\n                ^",
    ),
    (
        "connect queue=;",
        "syntax error at or near \";\" (line 1, column 15): expected a queue name\nLINE 1: connect queue=;\n                      ^",
    ),
    (
        "install;",
        "syntax error at or near \";\" (line 1, column 8): expected `londiste` or `pgq`\nLINE 1: install;\n               ^",
    ),
    (
        "install foo;",
        "syntax error at or near \"foo\" (line 1, column 9): expected `londiste` or `pgq`\nLINE 1: install foo;\n                ^",
    ),
    (
        "show queue q1 q2;",
        "syntax error at or near \"q2\" (line 1, column 15): expected the end of the statement\nLINE 1: show queue q1 q2;\n                      ^",
    ),
    (
        "show queue 1q;",
        "syntax error at or near \"1q\" (line 1, column 12): expected a queue name, `*`, `+` or the end of the statement\nLINE 1: show queue 1q;\n                   ^",
    ),
    (
        "create queue;",
        "syntax error at or near \";\" (line 1, column 13): expected a queue name\nLINE 1: create queue;\n                    ^",
    ),
    (
        "create queue *;",
        "syntax error at or near \"*\" (line 1, column 14): expected a queue name\nLINE 1: create queue *;\n                     ^",
    ),
    (
        "create queue select;",
        "syntax error at or near \"select\" (line 1, column 14): expected a queue name\nLINE 1: create queue select;\n                     ^\nHINT:  \"select\" is a reserved word; to use it as a name, write it in double quotes: \"select\"",
    ),
    (
        "create queue q1 q2;",
        "syntax error at or near \"q2\" (line 1, column 17): expected the end of the statement\nLINE 1: create queue q1 q2;\n                        ^",
    ),
    (
        "alter queue q1;",
        "syntax error at or near \";\" (line 1, column 15): expected `set`\nLINE 1: alter queue q1;\n                      ^",
    ),
    (
        "alter queue q1 set;",
        "syntax error at or near \";\" (line 1, column 19): expected a queue setting (idle_period, max_count, max_lag, paused, ticker_idle_period, ticker_max_count, ticker_max_lag, ticker_paused, rotation_period or external_ticker)\nLINE 1: alter queue q1 set;\n                          ^",
    ),
    (
        "alter queue q1 set foo = 1;",
        "syntax error at or near \"foo\" (line 1, column 20): expected a queue setting (idle_period, max_count, max_lag, paused, ticker_idle_period, ticker_max_count, ticker_max_lag, ticker_paused, rotation_period or external_ticker)\nLINE 1: alter queue q1 set foo = 1;\n                           ^",
    ),
    (
        "alter queue q1 set max_count = 'x';",
        "syntax error at or near \"'x'\" (line 1, column 32): expected a whole number\nLINE 1: alter queue q1 set max_count = 'x';\n                                       ^",
    ),
    (
        "alter queue q1 set paused = maybe;",
        "syntax error at or near \"maybe\" (line 1, column 29): expected true, false, on or off\nLINE 1: alter queue q1 set paused = maybe;\n                                    ^",
    ),
    (
        "alter queue q1 set idle_period = true;",
        "syntax error at or near \"true\" (line 1, column 34): expected an interval ('1 minute') or a number of seconds\nLINE 1: alter queue q1 set idle_period = true;\n                                         ^",
    ),
    (
        "alter queue q1 set max_count = 1,;",
        "syntax error at or near \";\" (line 1, column 34): expected a queue setting (idle_period, max_count, max_lag, paused, ticker_idle_period, ticker_max_count, ticker_max_lag, ticker_paused, rotation_period or external_ticker)\nLINE 1: alter queue q1 set max_count = 1,;\n                                         ^",
    ),
    (
        "alter queue set max_count = 1;",
        "syntax error at or near \"max_count\" (line 1, column 17): expected `set`\nLINE 1: alter queue set max_count = 1;\n                        ^",
    ),
    (
        "drop queue;",
        "syntax error at or near \";\" (line 1, column 11): expected a queue name\nLINE 1: drop queue;\n                  ^",
    ),
    (
        "drop queue *;",
        "syntax error at or near \"*\" (line 1, column 12): expected a queue name\nLINE 1: drop queue *;\n                   ^",
    ),
    (
        "drop queue q1 now;",
        "syntax error at or near \"now\" (line 1, column 15): expected `force` or the end of the statement\nLINE 1: drop queue q1 now;\n                      ^",
    ),
    (
        "show consumer c1 q;",
        "syntax error at or near \"q\" (line 1, column 18): expected `on` or the end of the statement\nLINE 1: show consumer c1 q;\n                         ^",
    ),
    (
        "show consumer c1 on;",
        "syntax error at or near \";\" (line 1, column 20): expected a queue name or `*`\nLINE 1: show consumer c1 on;\n                           ^",
    ),
    (
        "show consumer on on;",
        "syntax error at or near \"on\" (line 1, column 18): expected a queue name or `*`\nLINE 1: show consumer on on;\n                         ^\nHINT:  \"on\" is a reserved word; to use it as a name, write it in double quotes: \"on\"",
    ),
    (
        "register consumer;",
        "syntax error at or near \";\" (line 1, column 18): expected a consumer name\nLINE 1: register consumer;\n                         ^",
    ),
    (
        "register consumer c1 on;",
        "syntax error at or near \";\" (line 1, column 24): expected a queue name\nLINE 1: register consumer c1 on;\n                               ^",
    ),
    (
        "register consumer c1 at;",
        "syntax error at or near \";\" (line 1, column 24): expected a tick id\nLINE 1: register consumer c1 at;\n                               ^",
    ),
    (
        "register consumer c1 at -1;",
        "syntax error at or near \"-\" (line 1, column 25): expected a tick id\nLINE 1: register consumer c1 at -1;\n                                ^",
    ),
    (
        "register consumer c1 at 99999999999999999999;",
        "syntax error at or near \"99999999999999999999\" (line 1, column 25): number out of range: 99999999999999999999\nLINE 1: register consumer c1 at 99999999999999999999;\n                                ^",
    ),
    (
        "register consumer c1 copy;",
        "syntax error at or near \";\" (line 1, column 26): expected a consumer name\nLINE 1: register consumer c1 copy;\n                                 ^",
    ),
    (
        "register consumer c1 at 5 copy c2;",
        "syntax error at or near \"copy\" (line 1, column 27): expected the end of the statement\nLINE 1: register consumer c1 at 5 copy c2;\n                                  ^",
    ),
    (
        "register consumer *;",
        "syntax error at or near \"*\" (line 1, column 19): expected a consumer name\nLINE 1: register consumer *;\n                          ^",
    ),
    (
        "unregister consumer;",
        "syntax error at or near \";\" (line 1, column 20): expected a consumer name or `*`\nLINE 1: unregister consumer;\n                           ^",
    ),
    (
        "unregister consumer c1 on q;",
        "syntax error at or near \"on\" (line 1, column 24): expected `from` or the end of the statement\nLINE 1: unregister consumer c1 on q;\n                               ^",
    ),
    (
        "register subconsumer s1;",
        "syntax error at or near \";\" (line 1, column 24): expected `for`\nLINE 1: register subconsumer s1;\n                               ^",
    ),
    (
        "register subconsumer s1 for;",
        "syntax error at or near \";\" (line 1, column 28): expected a consumer name\nLINE 1: register subconsumer s1 for;\n                                   ^",
    ),
    (
        "register subconsumer * for c1;",
        "syntax error at or near \"*\" (line 1, column 22): expected a consumer name\nLINE 1: register subconsumer * for c1;\n                             ^",
    ),
    (
        "unregister subconsumer s1;",
        "syntax error at or near \";\" (line 1, column 26): expected `for`\nLINE 1: unregister subconsumer s1;\n                                 ^",
    ),
    (
        "unregister subconsumer s1 for c1 close now;",
        "syntax error at or near \"now\" (line 1, column 40): expected `batch` or the end of the statement\nLINE 1: unregister subconsumer s1 for c1 close now;\n                                               ^",
    ),
    (
        "show batch;",
        "syntax error at or near \";\" (line 1, column 11): expected a consumer name or a batch id\nLINE 1: show batch;\n                  ^",
    ),
    (
        "show batch 1 2;",
        "syntax error at or near \"2\" (line 1, column 14): expected the end of the statement\nLINE 1: show batch 1 2;\n                     ^",
    ),
    (
        "show table;",
        "syntax error at or near \";\" (line 1, column 11): expected a table name\nLINE 1: show table;\n                  ^",
    ),
    (
        "show table a.b.c;",
        "syntax error at or near \".\" (line 1, column 15): expected the end of the statement\nLINE 1: show table a.b.c;\n                      ^",
    ),
    (
        "show sequence;",
        "syntax error at or near \";\" (line 1, column 14): expected a sequence name\nLINE 1: show sequence;\n                     ^",
    ),
    (
        "show version 2;",
        "syntax error at or near \"2\" (line 1, column 14): expected the end of the statement\nLINE 1: show version 2;\n                     ^",
    ),
    (
        "show help \"x\";",
        "syntax error at or near \"\"x\"\" (line 1, column 11): expected a command word or the end of the statement\nLINE 1: show help \"x\";\n                  ^",
    ),
    (
        "show node n1 n2;",
        "syntax error at or near \"n2\" (line 1, column 14): expected `on` or the end of the statement\nLINE 1: show node n1 n2;\n                     ^",
    ),
    (
        "show node on;",
        "syntax error at or near \";\" (line 1, column 13): expected a queue name\nLINE 1: show node on;\n                    ^",
    ),
    (
        "tick q1 q2;",
        "syntax error at or near \"q2\" (line 1, column 9): expected `force` or the end of the statement\nLINE 1: tick q1 q2;\n                ^",
    ),
    (
        "tick *;",
        "syntax error at or near \"*\" (line 1, column 6): expected a queue name, `force` or the end of the statement\nLINE 1: tick *;\n             ^",
    ),
    (
        "maint now;",
        "syntax error at or near \"now\" (line 1, column 7): expected the end of the statement\nLINE 1: maint now;\n              ^",
    ),
    (
        "create root;",
        "syntax error at or near \";\" (line 1, column 12): expected `node`\nLINE 1: create root;\n                   ^",
    ),
    (
        "create root node;",
        "syntax error at or near \";\" (line 1, column 17): expected a node name\nLINE 1: create root node;\n                        ^",
    ),
    (
        "create root node n1 on;",
        "syntax error at or near \";\" (line 1, column 23): expected a queue name\nLINE 1: create root node n1 on;\n                              ^",
    ),
    (
        "create root node n1 location;",
        "syntax error at or near \";\" (line 1, column 29): expected a connection string in quotes ('host=... dbname=...')\nLINE 1: create root node n1 location;\n                                    ^",
    ),
    (
        "create root node n1 location x;",
        "syntax error at or near \"x\" (line 1, column 30): expected a connection string in quotes ('host=... dbname=...')\nLINE 1: create root node n1 location x;\n                                     ^",
    ),
    (
        "create root node n1 provider;",
        "syntax error at or near \";\" (line 1, column 29): expected a node name or a connection string in quotes ('host=... dbname=...')\nLINE 1: create root node n1 provider;\n                                    ^",
    ),
    (
        "create root node n1 on q on q2;",
        "syntax error at or near \"on\" (line 1, column 26): `on` given twice\nLINE 1: create root node n1 on q on q2;\n                                 ^",
    ),
    (
        "create root node n1 worker w1 worker w2;",
        "syntax error at or near \"worker\" (line 1, column 31): `worker` given twice\nLINE 1: create root node n1 worker w1 worker w2;\n                                      ^",
    ),
    (
        "create root node n1 from copy;",
        "syntax error at or near \"from\" (line 1, column 21): a copy becomes a branch or a leaf node, not a root\nLINE 1: create root node n1 from copy;\n                            ^",
    ),
    (
        "create leaf node n1 merge;",
        "syntax error at or near \";\" (line 1, column 26): expected a queue name\nLINE 1: create leaf node n1 merge;\n                                 ^",
    ),
    (
        "show cascade now;",
        "syntax error at or near \"now\" (line 1, column 14): expected the end of the statement\nLINE 1: show cascade now;\n                     ^",
    ),
    (
        "status now;",
        "syntax error at or near \"now\" (line 1, column 8): expected the end of the statement\nLINE 1: status now;\n               ^",
    ),
    (
        "show members x;",
        "syntax error at or near \"x\" (line 1, column 14): expected the end of the statement\nLINE 1: show members x;\n                     ^",
    ),
    (
        "show node status n1 n2;",
        "syntax error at or near \"n2\" (line 1, column 21): expected the end of the statement\nLINE 1: show node status n1 n2;\n                            ^",
    ),
    (
        "alter node;",
        "syntax error at or near \";\" (line 1, column 11): expected a node name\nLINE 1: alter node;\n                  ^",
    ),
    (
        "alter node n1;",
        "syntax error at or near \";\" (line 1, column 14): expected `location`, `provider`, `rename` or `standby`\nLINE 1: alter node n1;\n                     ^",
    ),
    (
        "alter node n1 frob;",
        "syntax error at or near \"frob\" (line 1, column 15): expected `location`, `provider`, `rename` or `standby`\nLINE 1: alter node n1 frob;\n                      ^",
    ),
    (
        "alter node n1 standby;",
        "syntax error at or near \";\" (line 1, column 22): expected `location`\nLINE 1: alter node n1 standby;\n                             ^",
    ),
    (
        "alter node n1 standby location;",
        "syntax error at or near \";\" (line 1, column 31): expected a connection string in quotes ('host=... dbname=...') or `none`\nLINE 1: alter node n1 standby location;\n                                      ^",
    ),
    (
        "alter node n1 standby location 'a',;",
        "syntax error at or near \";\" (line 1, column 36): expected a connection string in quotes ('host=... dbname=...')\nLINE 1: alter node n1 standby location 'a',;\n                                           ^",
    ),
    (
        "alter node n1 standby location none, 'x';",
        "syntax error at or near \",\" (line 1, column 36): expected the end of the statement\nLINE 1: alter node n1 standby location none, 'x';\n                                           ^",
    ),
    (
        "alter node n1 provider;",
        "syntax error at or near \";\" (line 1, column 23): expected a node name\nLINE 1: alter node n1 provider;\n                              ^",
    ),
    (
        "alter node n1 rename;",
        "syntax error at or near \";\" (line 1, column 21): expected a node name\nLINE 1: alter node n1 rename;\n                            ^",
    ),
    (
        "alter node n1 location n2;",
        "syntax error at or near \"n2\" (line 1, column 24): expected a connection string in quotes ('host=... dbname=...')\nLINE 1: alter node n1 location n2;\n                               ^",
    ),
    (
        "takeover;",
        "syntax error at or near \";\" (line 1, column 9): expected a node name\nLINE 1: takeover;\n                ^",
    ),
    (
        "takeover n1 with;",
        "syntax error at or near \";\" (line 1, column 17): expected `all`\nLINE 1: takeover n1 with;\n                        ^",
    ),
    (
        "takeover n1 dead dead;",
        "syntax error at or near \"dead\" (line 1, column 18): `dead` given twice\nLINE 1: takeover n1 dead dead;\n                         ^",
    ),
    (
        "takeover n1 force force;",
        "syntax error at or near \"force\" (line 1, column 19): `force` given twice\nLINE 1: takeover n1 force force;\n                          ^",
    ),
    (
        "takeover n1 with all with all;",
        "syntax error at or near \"with\" (line 1, column 22): `with all` given twice\nLINE 1: takeover n1 with all with all;\n                             ^",
    ),
    (
        "takeover n1 quickly;",
        "syntax error at or near \"quickly\" (line 1, column 13): expected an option (with all, dead or force) or the end of the statement\nLINE 1: takeover n1 quickly;\n                    ^",
    ),
    (
        "drop node;",
        "syntax error at or near \";\" (line 1, column 10): expected a node name\nLINE 1: drop node;\n                 ^",
    ),
    (
        "drop node n1 force;",
        "syntax error at or near \"force\" (line 1, column 14): expected the end of the statement\nLINE 1: drop node n1 force;\n                     ^",
    ),
    (
        "tag node n1;",
        "syntax error at or near \";\" (line 1, column 12): expected `alive` or `dead`\nLINE 1: tag node n1;\n                   ^",
    ),
    (
        "tag node n1 zombie;",
        "syntax error at or near \"zombie\" (line 1, column 13): expected `alive` or `dead`\nLINE 1: tag node n1 zombie;\n                    ^",
    ),
    (
        "tag n1 dead;",
        "syntax error at or near \"n1\" (line 1, column 5): expected `node`\nLINE 1: tag n1 dead;\n            ^",
    ),
    (
        "pause node;",
        "syntax error at or near \";\" (line 1, column 11): expected a node name\nLINE 1: pause node;\n                  ^",
    ),
    (
        "pause n1;",
        "syntax error at or near \"n1\" (line 1, column 7): expected `consumer` or `node`\nLINE 1: pause n1;\n              ^",
    ),
    (
        "resume node;",
        "syntax error at or near \";\" (line 1, column 12): expected a node name\nLINE 1: resume node;\n                   ^",
    ),
    (
        "pause consumer;",
        "syntax error at or near \";\" (line 1, column 15): expected a consumer name\nLINE 1: pause consumer;\n                      ^",
    ),
    (
        "pause consumer c1 on;",
        "syntax error at or near \";\" (line 1, column 21): expected a node name\nLINE 1: pause consumer c1 on;\n                            ^",
    ),
    (
        "resume consumer c1 from n1;",
        "syntax error at or near \"from\" (line 1, column 20): expected `on` or the end of the statement\nLINE 1: resume consumer c1 from n1;\n                           ^",
    ),
    (
        "wait;",
        "syntax error at or near \";\" (line 1, column 5): expected `provider` or `root`\nLINE 1: wait;\n            ^",
    ),
    (
        "wait sync;",
        "syntax error at or near \"sync\" (line 1, column 6): expected `provider` or `root`\nLINE 1: wait sync;\n             ^",
    ),
    (
        "resurrect now;",
        "syntax error at or near \"now\" (line 1, column 11): expected the end of the statement\nLINE 1: resurrect now;\n                  ^",
    ),
    (
        "londiste;",
        "syntax error at or near \";\" (line 1, column 9): expected `add`, `missing`, `remove`, `resync`, `seqs`, `show`, `tables` or `wait`\nLINE 1: londiste;\n                ^",
    ),
    (
        "londiste add;",
        "syntax error at or near \";\" (line 1, column 13): expected `sequence` or `table`\nLINE 1: londiste add;\n                    ^",
    ),
    (
        "londiste add table;",
        "syntax error at or near \";\" (line 1, column 19): expected a table name\nLINE 1: londiste add table;\n                          ^",
    ),
    (
        "londiste add table t1,;",
        "syntax error at or near \";\" (line 1, column 23): expected a table name\nLINE 1: londiste add table t1,;\n                              ^",
    ),
    (
        "londiste add table t1 with;",
        "syntax error at or near \";\" (line 1, column 27): expected a table option (skip_truncate, expect_sync, no_triggers, backup, skip, create, handler, tgflags, when, pkey, ev_type, ev_data, ev_extra1..4 or ignore)\nLINE 1: londiste add table t1 with;\n                                  ^",
    ),
    (
        "londiste add table t1 with frobnicate;",
        "syntax error at or near \"frobnicate\" (line 1, column 28): expected a table option (skip_truncate, expect_sync, no_triggers, backup, skip, create, handler, tgflags, when, pkey, ev_type, ev_data, ev_extra1..4 or ignore)\nLINE 1: londiste add table t1 with frobnicate;\n                                   ^",
    ),
    (
        "londiste add table t1 with handler;",
        "syntax error at or near \";\" (line 1, column 35): expected `=`\nLINE 1: londiste add table t1 with handler;\n                                          ^",
    ),
    (
        "londiste add table t1 with handler=bulk;",
        "syntax error at or near \"bulk\" (line 1, column 36): expected a string in quotes ('...')\nLINE 1: londiste add table t1 with handler=bulk;\n                                           ^",
    ),
    (
        "londiste add table t1 with skip_truncate,;",
        "syntax error at or near \";\" (line 1, column 42): expected a table option (skip_truncate, expect_sync, no_triggers, backup, skip, create, handler, tgflags, when, pkey, ev_type, ev_data, ev_extra1..4 or ignore)\nLINE 1: londiste add table t1 with skip_truncate,;\n                                                 ^",
    ),
    (
        "londiste add sequence;",
        "syntax error at or near \";\" (line 1, column 22): expected a sequence name\nLINE 1: londiste add sequence;\n                             ^",
    ),
    (
        "londiste remove;",
        "syntax error at or near \";\" (line 1, column 16): expected `sequence` or `table`\nLINE 1: londiste remove;\n                       ^",
    ),
    (
        "londiste remove table;",
        "syntax error at or near \";\" (line 1, column 22): expected a table name\nLINE 1: londiste remove table;\n                             ^",
    ),
    (
        "londiste remove view v;",
        "syntax error at or near \"view\" (line 1, column 17): expected `sequence` or `table`\nLINE 1: londiste remove view v;\n                        ^",
    ),
    (
        "londiste tables now;",
        "syntax error at or near \"now\" (line 1, column 17): expected the end of the statement\nLINE 1: londiste tables now;\n                        ^",
    ),
    (
        "londiste resync;",
        "syntax error at or near \";\" (line 1, column 16): expected a table name\nLINE 1: londiste resync;\n                       ^",
    ),
    (
        "londiste wait;",
        "syntax error at or near \";\" (line 1, column 14): expected `sync`\nLINE 1: londiste wait;\n                     ^",
    ),
    (
        "londiste show;",
        "syntax error at or near \";\" (line 1, column 14): expected `handlers`\nLINE 1: londiste show;\n                     ^",
    ),
    (
        "exit now;",
        "syntax error at or near \"now\" (line 1, column 6): expected the end of the statement\nLINE 1: exit now;\n             ^",
    ),
    (
        "quit 1;",
        "syntax error at or near \"1\" (line 1, column 6): expected the end of the statement\nLINE 1: quit 1;\n             ^",
    ),
    (
        "show queue q1\n  extra;",
        "syntax error at or near \"extra\" (line 2, column 3): expected the end of the statement\nLINE 2:   extra;\n          ^",
    ),
    (
        "alter queue q1\n  set max_count\n  = 'x';",
        "syntax error at or near \"'x'\" (line 3, column 5): expected a whole number\nLINE 3:   = 'x';\n            ^",
    ),
];

#[test]
fn every_bad_command_has_its_message() {
    let mut failures = Vec::new();
    for (input, want) in CASES {
        match parse_statement(input) {
            Ok(s) => failures.push(format!("{input:?} parsed: {s:?}")),
            Err(e) if e.to_string() != *want => failures.push(format!(
                "{input:?}\n===== expected =====\n{want}\n===== got =====\n{e}"
            )),
            Err(_) => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(CASES.len() >= 100, "{}", CASES.len());
}

#[test]
fn errors_keep_the_script_line() {
    let e = parse_statement("alter queue q1\n  set max_count\n  = 'x';")
        .unwrap_err()
        .shifted(10);
    assert_eq!((e.line, e.col), (12, 5));
    assert!(e.to_string().contains("LINE 12:   = 'x';"), "{e}");
}
