//! `show help` (placeholder).
