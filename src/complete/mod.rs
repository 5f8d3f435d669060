//! Tab completion: what the grammar expects at the cursor ([`expect`]),
//! names from a catalog snapshot ([`cache`]), and the rustyline completer
//! the shell's helper plugs in ([`ShellCompleter`]).

pub mod expect;

#[cfg(test)]
mod tests;
