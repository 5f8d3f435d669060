//! The Londiste API (`qadmin::londiste`) against real nodes.
