//! How a cascade status looks: the tree `londiste status` draws (root,
//! then each node's subscribers below it with `+--:` connectors, info
//! lines at column 30), with unreachable and dead members marked instead
//! of crashing the whole view.

use crate::cascade::status::{CascadeStatus, NodeStatus};

/// Column where the info lines start.
const INFO_COL: usize = 30;

/// Lag as the reference prints it: `1d2h3m4s`, `0s`.
pub fn lag_text(secs: f64) -> String {
    let total = secs.max(0.0) as u64;
    let (days, rest) = (total / 86_400, total % 86_400);
    let (hours, rest) = (rest / 3600, rest % 3600);
    let (mins, s) = (rest / 60, rest % 60);
    let mut out = String::new();
    if days > 0 {
        out.push_str(&format!("{days}d"));
    }
    if hours > 0 {
        out.push_str(&format!("{hours}h"));
    }
    if mins > 0 {
        out.push_str(&format!("{mins}m"));
    }
    out.push_str(&format!("{s}s"));
    out
}

fn title(n: &NodeStatus) -> String {
    if n.dead {
        return format!("{} (dead)", n.name);
    }
    if let Some(e) = &n.error {
        return format!("{} (unreachable: {})", n.name, e);
    }
    match n.node_type() {
        Some(t) => format!("{} ({t})", n.name),
        None => format!("{} (not initialized)", n.name),
    }
}

fn info_lines(st: &CascadeStatus, n: &NodeStatus) -> Vec<String> {
    let mut lines = Vec::new();
    let Some(info) = &n.info else {
        return lines;
    };
    if let Some((ok, half, ignored)) = n.tables {
        lines.push(format!("Tables: {ok}/{half}/{ignored}"));
    }
    let mut lag = String::new();
    if let Some(l) = st.lag(n) {
        lag.push_str(&format!("Lag: {}, ", lag_text(l)));
    }
    match info.worker_last_tick {
        Some(t) => lag.push_str(&format!("Tick: {t}")),
        None => lag.push_str("Tick: -"),
    }
    if info.worker_paused == Some(true) {
        lag.push_str(", PAUSED");
    }
    if info.worker_uptodate == Some(false) {
        lag.push_str(", NOT UPTODATE");
    }
    lines.push(lag);
    // The node's attributes, as `londiste status` lists them.
    for (k, v) in url_pairs(info.node_attrs.as_deref().unwrap_or("")) {
        lines.push(format!("Attr: {k}={v}"));
    }
    for (consumer, err) in &n.consumer_errors {
        lines.push(format!("ERR: {consumer}: {err}"));
    }
    lines
}

/// The whole tree, like `londiste status`.
pub fn render_status(st: &CascadeStatus) -> String {
    let mut out = format!("Queue: {}   Local node: {}\n\n", st.queue, st.local_node);
    let order = st.tree_order();
    // For each entry: does the node at each depth still have siblings to
    // come below (the vertical bar continues)?
    for (i, (depth, n)) in order.iter().enumerate() {
        let depth = *depth;
        // continues[k]: another node at depth k+1 under the same ancestor
        // follows later in the list (before the list returns to depth <= k).
        let continues = |k: usize| -> bool {
            for (d, _) in order.iter().skip(i + 1) {
                if *d <= k {
                    return false;
                }
                if *d == k + 1 {
                    return true;
                }
            }
            false
        };
        let mut prefix = String::new();
        for k in 0..depth.saturating_sub(1) {
            prefix.push_str("  ");
            prefix.push(if continues(k) { '|' } else { ' ' });
        }
        if depth == 0 {
            out.push_str(&title(n));
        } else {
            out.push_str(&prefix);
            out.push_str("  +--: ");
            out.push_str(&title(n));
        }
        out.push('\n');
        let mut info_prefix = String::new();
        for k in 0..depth {
            info_prefix.push_str("  ");
            info_prefix.push(if continues(k) { '|' } else { ' ' });
        }
        let has_children = order.get(i + 1).is_some_and(|(d, _)| *d == depth + 1);
        info_prefix.push_str("  ");
        info_prefix.push(if has_children { '|' } else { ' ' });
        for line in info_lines(st, n) {
            let mut l = info_prefix.clone();
            while l.chars().count() < INFO_COL {
                l.push(' ');
            }
            let l = format!("{l}{line}");
            out.push_str(l.trim_end_matches(' '));
            out.push('\n');
        }
    }
    let problems = st.problems();
    if !problems.is_empty() {
        out.push_str("\nProblems:\n");
        for p in problems {
            out.push_str(&format!("  {p}\n"));
        }
    }
    out
}

/// The node attributes as `londiste status` lists them (urlencoded
/// `k=v&...`, decoded as the table attributes are).
fn url_pairs(s: &str) -> Vec<(String, String)> {
    crate::londiste::urldecode(s)
        .into_iter()
        .map(|(k, v)| (k, v.unwrap_or_default()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cascade::status::ConsumerTick;
    use crate::cascade::NodeInfo;
    use std::time::Duration;

    fn node(name: &str, t: &str, provider: &str, tick: i64, children: &[&str]) -> NodeStatus {
        NodeStatus {
            name: name.into(),
            location: None,
            dead: false,
            info: Some(NodeInfo {
                node_type: Some(t.into()),
                node_name: Some(name.into()),
                provider_node: Some(provider.into()),
                worker_name: Some(format!("londiste_{name}")),
                worker_last_tick: Some(tick),
                worker_paused: Some(false),
                worker_uptodate: Some(true),
                ..NodeInfo::default()
            }),
            error: None,
            consumers: vec![],
            now: Some(1000.0),
            queue_tick_time: Some(999.0),
            consumer_errors: vec![],
            tables: Some((1, 0, 0)),
            children: children.iter().map(|c| c.to_string()).collect(),
            queue_last_tick: Some(tick),
            dead_but_answers: false,
        }
    }

    #[test]
    fn problems_are_listed_below_the_tree() {
        let r1 = node("r1", "root", "r1", 5, &["b"]);
        let r2 = node("r2", "root", "r2", 5, &[]);
        let mut b = node("b", "branch", "r1", 9, &[]);
        b.queue_last_tick = Some(9);
        let mut d = node("d", "leaf", "b", 1, &[]);
        d.info = None;
        d.dead = true;
        d.dead_but_answers = true;
        let mut w = node("w", "leaf", "b", 1, &[]);
        w.info = None;
        w.error = Some("its location answers as node \"b\"".into());
        let st = CascadeStatus {
            queue: "q".into(),
            local_node: "r1".into(),
            nodes: vec![r1, r2, b, d, w],
            elapsed: Duration::ZERO,
        };
        let text = render_status(&st);
        let tail = &text[text.find("\nProblems:\n").expect("problems")..];
        assert_eq!(
            tail,
            "\nProblems:\n  2 nodes are of type root: r1, r2\n  b is ahead of its provider r1: it finished tick 9, r1's queue ends at tick 5\n  d is tagged dead but answers at its location\n  w: its location answers as node \"b\"\n"
        );
    }

    #[test]
    fn draws_the_tree_like_londiste_status() {
        let mut n1 = node("node1", "root", "node1", 17, &["node2"]);
        n1.consumers = vec![ConsumerTick {
            consumer: "londiste_node2".into(),
            tick_time: Some(999.0),
            last_tick: Some(17),
        }];
        let mut n2 = node("node2", "branch", "node1", 17, &["node3"]);
        n2.consumers = vec![ConsumerTick {
            consumer: "londiste_node3".into(),
            tick_time: Some(994.0),
            last_tick: Some(13),
        }];
        let n3 = node("node3", "leaf", "node2", 13, &[]);
        let st = CascadeStatus {
            queue: "replika".into(),
            local_node: "node1".into(),
            nodes: vec![n1, n2, n3],
            elapsed: Duration::from_millis(5),
        };
        // The reference's 01-status-root.txt, line for line.
        let want = concat!(
            "Queue: replika   Local node: node1\n",
            "\n",
            "node1 (root)\n",
            "  |                           Tables: 1/0/0\n",
            "  |                           Lag: 1s, Tick: 17\n",
            "  +--: node2 (branch)\n",
            "     |                        Tables: 1/0/0\n",
            "     |                        Lag: 1s, Tick: 17\n",
            "     +--: node3 (leaf)\n",
            "                              Tables: 1/0/0\n",
            "                              Lag: 6s, Tick: 13\n",
        );
        assert_eq!(render_status(&st), want);
    }

    #[test]
    fn node_attributes_are_decoded_as_londiste_shows_them() {
        assert_eq!(
            url_pairs("sync_watermark=a%2Cb&qadmin_id=7.5.1&x=1+2&bad=%zz&tail=%4"),
            vec![
                ("sync_watermark".to_string(), "a,b".to_string()),
                ("qadmin_id".to_string(), "7.5.1".to_string()),
                ("x".to_string(), "1 2".to_string()),
                ("bad".to_string(), "%zz".to_string()),
                ("tail".to_string(), "%4".to_string()),
            ]
        );
        assert!(url_pairs("").is_empty());
    }

    #[test]
    fn siblings_keep_the_bar() {
        let n1 = node("r", "root", "r", 1, &["a", "b"]);
        let a = node("a", "branch", "r", 1, &["a1"]);
        let a1 = node("a1", "leaf", "a", 1, &[]);
        let b = node("b", "leaf", "r", 1, &[]);
        let st = CascadeStatus {
            queue: "q".into(),
            local_node: "r".into(),
            nodes: vec![n1, a, a1, b],
            elapsed: Duration::ZERO,
        };
        let text = render_status(&st);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[5], "  +--: a (branch)");
        assert!(lines[6].starts_with("  |  |"), "{text}");
        assert_eq!(lines[8], "  |  +--: a1 (leaf)");
        assert!(lines[9].starts_with("  |   "), "{text}");
        assert_eq!(lines[11], "  +--: b (leaf)");
    }

    #[test]
    fn lag_units() {
        assert_eq!(lag_text(0.4), "0s");
        assert_eq!(lag_text(63.0), "1m3s");
        assert_eq!(lag_text(90061.0), "1d1h1m1s");
    }
}
