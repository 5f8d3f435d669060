//! Integration tests against a real throwaway PostgreSQL 15 cluster with
//! the real pgq, pgq_node and londiste extensions (see `support`).

mod support;

mod cascade_api;
mod cascade_scenario;
mod commands;
mod connection;
mod pgq_api;
mod script;
mod sql;
