//! Integration tests against a real throwaway PostgreSQL 15 cluster with
//! the real pgq, pgq_node and londiste extensions (see `support`).

mod support;

mod cascade_api;
mod cascade_scenario;
mod catalog_api;
mod commands;
mod complete_api;
mod connection;
mod copy_identity;
mod failover_branches;
mod failover_kill;
mod from_copy;
mod grammar;
mod guard;
mod identity;
mod londiste_api;
mod londiste_scenario;
mod operator;
mod pgq_api;
mod psql_lang;
mod roundtrip;
mod script;
mod sql;
mod structure;
mod tls;
mod vars;
mod wal_failover;
mod wal_kill;
