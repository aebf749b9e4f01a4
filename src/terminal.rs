//! Printing untrusted text to a terminal.
//!
//! Feed titles and bodies are hostile input: anything printed to a terminal
//! goes through [`clean`] so an escape sequence in a feed cannot move the
//! cursor, retitle the window or hide text.

use std::io::IsTerminal;

/// Removes control characters (ESC and friends) from untrusted text.
pub fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
        .filter(|c| !c.is_control())
        .collect()
}

/// An error and its causes on one line, outermost first, joined by ": "
/// (what `anyhow` prints for `{:#}`), for logs written below `main`. A
/// cause whose text the line already holds is left out: several errors
/// (ours and tantivy's) quote their cause and also report it as `source()`.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut messages = vec![e.to_string()];
    let mut cause = e.source();
    while let Some(c) = cause {
        messages.push(c.to_string());
        cause = c.source();
    }
    join_causes(messages)
}

/// Joins an error's messages (outermost first) with ": ", skipping empty
/// ones and any the line so far already contains.
pub fn join_causes(messages: impl IntoIterator<Item = String>) -> String {
    let mut line = String::new();
    for m in messages {
        let m = m.trim();
        if m.is_empty() || line.contains(m) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(m);
    }
    line
}

/// Whether to colour stdout: a terminal, and NO_COLOR unset.
pub fn color_stdout() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}

/// Bold text when colour is on.
pub fn bold(s: &str, color: bool) -> String {
    if color {
        format!("\x1b[1m{s}\x1b[0m")
    } else {
        s.to_string()
    }
}

/// Dim text when colour is on.
pub fn dim(s: &str, color: bool) -> String {
    if color {
        format!("\x1b[2m{s}\x1b[0m")
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    #[derive(Debug, thiserror::Error)]
    #[error("index /x: commit: {source}")]
    struct Quoting {
        #[source]
        source: std::io::Error,
    }

    #[test]
    fn a_cause_already_quoted_is_printed_once() {
        let e = Quoting {
            source: std::io::Error::other("No space left on device"),
        };
        assert_eq!(
            super::error_chain(&e),
            "index /x: commit: No space left on device"
        );
        let joined = super::join_causes(["a: b".to_string(), "b".into(), "c".into()]);
        assert_eq!(joined, "a: b: c");
    }

    #[test]
    fn escapes_are_removed() {
        assert_eq!(
            super::clean("a\u{1b}]0;pwned\u{7}b\u{1b}[2J"),
            "a]0;pwnedb[2J"
        );
    }
}
