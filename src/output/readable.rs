//! Numbers formatted for an operator's eyes (`show queue`, `show
//! consumer`, the live view): durations as `3m 12s` instead of
//! `00:03:12.318412`, rates rounded. JSON keeps the exact numbers
//! (docs/json.md). See: #15

/// A duration in seconds, in its two largest units: `0s`, `45s`,
/// `3m 12s`, `2h 05m`, `1d 01h`.
pub fn duration(secs: f64) -> String {
    if !secs.is_finite() {
        return secs.to_string();
    }
    let sign = if secs < 0.0 { "-" } else { "" };
    let s = secs.abs().round() as u64;
    let (d, h, m, sec) = (s / 86_400, s / 3600 % 24, s / 60 % 60, s % 60);
    let body = if d > 0 {
        format!("{d}d {h:02}h")
    } else if h > 0 {
        format!("{h}h {m:02}m")
    } else if m > 0 {
        format!("{m}m {sec:02}s")
    } else {
        format!("{sec}s")
    };
    format!("{sign}{body}")
}

/// A rate: one decimal below 100, whole numbers above.
pub fn rate(v: f64) -> String {
    if v.abs() >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_in_two_units() {
        for (secs, want) in [
            (0.2, "0s"),
            (45.0, "45s"),
            (192.4, "3m 12s"),
            (7500.0, "2h 05m"),
            (90_000.0, "1d 01h"),
            (-61.0, "-1m 01s"),
        ] {
            assert_eq!(duration(secs), want, "{secs}");
        }
    }

    #[test]
    fn rates_are_rounded() {
        assert_eq!(rate(171_370.108_278_625_62), "171370");
        assert_eq!(rate(2.71), "2.7");
        assert_eq!(rate(0.0), "0.0");
    }
}
