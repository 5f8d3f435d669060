//! `\watch`: psql's loop (`do_watch`), run the query every SEC seconds
//! under a header line until Ctrl-C or an error, for scripts and the
//! interactive shell alike; its header clock; and the lag trend of the
//! interactive shell's live view of `show cascade` / `show consumer`.

use std::io::Write;
use std::time::{Duration, Instant};

use crate::exec::Outcome;
use crate::lex::PieceKind;
use crate::session::Session;
use crate::shell::script::run_statement;

/// Run `q` every `secs` seconds until Ctrl-C (`Ok`) or the first run that
/// does not succeed (its outcome); each result table has psql's title,
/// `Mon Nov 24 20:45:25 2025 (every 2s)` (after the `\pset title`, if
/// any); nothing is cleared from the screen.
pub fn every(s: &mut Session, q: &[u8], secs: f64, out: &mut dyn Write) -> Outcome {
    let period = Duration::from_secs_f64(secs);
    let user_title = s.settings.print.title.clone();
    loop {
        let started = Instant::now();
        let clock = watch_clock(unix_now());
        s.settings.print.title = Some(match &user_title {
            Some(t) => format!("{t}\t{clock} (every {secs}s)\n"),
            None => format!("{clock} (every {secs}s)\n"),
        });
        let o = run_statement(s, PieceKind::Sql, q, out);
        s.settings.print.title = user_title.clone();
        let end = match o {
            Outcome::Ok if pause(started, period) => continue,
            Outcome::Ok => Outcome::Ok,
            o => o,
        };
        // psql ends a watch with a newline, for the terminal's sake.
        let _ = out.write_all(b"\n");
        let _ = out.flush();
        return end;
    }
}

/// Seconds since the epoch.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Wait until `period` has passed since `started`, in small steps so that
/// Ctrl-C ends the watch at once; `false` when it did.
pub fn pause(started: Instant, period: Duration) -> bool {
    while started.elapsed() < period {
        if crate::db::cancel::take_interrupt() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    !crate::db::cancel::take_interrupt()
}

/// The live view's line above each result: `Mon Nov 24 20:45:25 2025
/// (every 2s)` and an empty line.
pub fn header(unix_secs: u64, secs: f64) -> String {
    format!("{} (every {secs}s)\n\n", watch_clock(unix_secs))
}

/// The lag trend of `\watch`'s live view: each name's lag at the first
/// sample, and the change per minute since.
#[derive(Default)]
pub struct LagTrend {
    first: Option<(Instant, String)>,
    base: std::collections::HashMap<String, f64>,
}

impl LagTrend {
    /// Take a sample; the trend line(s) to show under the view (empty
    /// for the first sample).
    pub fn add(&mut self, sample: Vec<(String, f64)>, clock: &str) -> String {
        let Some((t0, since)) = &self.first else {
            self.first = Some((Instant::now(), clock.to_string()));
            self.base = sample.into_iter().collect();
            return String::new();
        };
        let minutes = t0.elapsed().as_secs_f64() / 60.0;
        if minutes <= 0.0 {
            return String::new();
        }
        let parts: Vec<String> = sample
            .iter()
            .filter_map(|(name, lag)| {
                let was = self.base.get(name)?;
                Some(trend_part(name, *lag, (lag - was) / minutes))
            })
            .collect();
        if parts.is_empty() {
            return String::new();
        }
        format!("Lag since {since}: {}\n", parts.join(", "))
    }
}

/// `node1 ↓ 12.0s/min (now 1m 5s)`: shrinking, growing (`↑`) or steady
/// (`=`, within half a second a minute).
pub fn trend_part(name: &str, now: f64, per_minute: f64) -> String {
    let arrow = if per_minute < -0.5 {
        "↓"
    } else if per_minute > 0.5 {
        "↑"
    } else {
        "="
    };
    format!(
        "{name} {arrow} {:.1}s/min (now {})",
        per_minute.abs(),
        crate::output::readable::duration(now)
    )
}

/// `\watch`'s clock: psql's `%c` in the C locale, in local time (the
/// `TZ` environment variable, as for psql); e.g. `Mon Nov 24 20:45:25 2025`.
pub fn watch_clock(unix_secs: u64) -> String {
    let Ok(t) = libc::time_t::try_from(unix_secs) else {
        return utc_clock(unix_secs);
    };
    // SAFETY: `tm` is plain data; localtime_r writes only into it.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    if unsafe { libc::localtime_r(&t, &mut tm) }.is_null() {
        return utc_clock(unix_secs);
    }
    c_clock(
        tm.tm_wday as usize,
        tm.tm_mon as usize,
        i64::from(tm.tm_mday),
        [tm.tm_hour, tm.tm_min, tm.tm_sec].map(i64::from),
        i64::from(tm.tm_year) + 1900,
    )
}

/// The C locale's `%c` of a broken-down time (`wday` 0 = Sunday, `mon`
/// 0 = January).
fn c_clock(wday: usize, mon: usize, day: i64, [h, m, s]: [i64; 3], year: i64) -> String {
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{} {} {day:2} {h:02}:{m:02}:{s:02} {year}",
        DAYS[wday % 7],
        MONTHS[mon % 12]
    )
}

/// [`watch_clock`] in UTC, for when the local time cannot be had.
fn utc_clock(unix_secs: u64) -> String {
    let days = unix_secs / 86_400;
    let rem = unix_secs % 86_400;
    let hms = [rem / 3600, rem % 3600 / 60, rem % 60].map(|v| v as i64);
    // Howard Hinnant's civil_from_days.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    // 1970-01-01 was a Thursday.
    let wday = ((days + 4) % 7) as usize;
    c_clock(wday, (month - 1) as usize, day, hms, year)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lag_trend_says_which_way_lag_goes() {
        assert_eq!(trend_part("n1", 65.0, -12.0), "n1 ↓ 12.0s/min (now 1m 05s)");
        assert_eq!(trend_part("n2", 3.0, 0.2), "n2 = 0.2s/min (now 3s)");
        assert_eq!(
            trend_part("q/c", 130.0, 30.0),
            "q/c ↑ 30.0s/min (now 2m 10s)"
        );
        let mut t = LagTrend::default();
        assert_eq!(t.add(vec![("n1".into(), 60.0)], "then"), "", "first sample");
    }

    #[test]
    fn the_watch_clock_reads_like_c_locale_percent_c() {
        assert_eq!(utc_clock(0), "Thu Jan  1 00:00:00 1970");
        assert_eq!(utc_clock(1_764_017_125), "Mon Nov 24 20:45:25 2025");
        assert_eq!(utc_clock(951_782_400), "Tue Feb 29 00:00:00 2000");
    }
}
