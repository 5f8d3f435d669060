//! Integration tests against a real throwaway PostgreSQL 15 cluster with
//! the real pgq, pgq_node and londiste extensions (see `support`).

mod support;

mod connection;
mod grammar;
mod script;
mod sql;
