//! The shell: the one statement loop for scripts, `-c`, stdin and the
//! interactive terminal. [`script`] reads a script line by line and runs
//! each statement the lexer cuts; [`repl`] reads the terminal (with the
//! rustyline parts of [`crate::input`]) and runs its statements through
//! the same [`script::run_statement`]. [`meta`] carries out the
//! backslash meta-commands and hands back what belongs to the loop
//! (`\i` files, query-buffer commands); [`send`] sends SQL as psql's
//! `SendQuery` does (AUTOCOMMIT, ON_ERROR_ROLLBACK, result variables)
//! and runs the `\g` family; [`describe`], [`largeobj`] and [`copy`]
//! are the describe, large-object and `\copy` commands; [`editor`] and
//! [`watch`] serve `\e` and `\watch` in both loops; [`help`] is `\?`;
//! [`check`] is `--check`. Nothing below this module loops over
//! statements or imports it.

pub mod check;
pub mod cond;
pub mod copy;
pub mod crosstab;
pub mod describe;
pub mod editor;
pub mod help;
pub mod largeobj;
pub mod meta;
pub mod pset;
pub mod repl;
pub mod script;
pub mod send;
pub mod sql_help;
pub mod tilde;
pub mod watch;
