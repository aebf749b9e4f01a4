//! Reading `--json` output: parse it (or fail showing what was printed),
//! and find rows in its arrays.

use serde_json::Value;
use std::process::Output;

/// `text` parsed; panics showing the text when it is not JSON.
pub fn parse_json(text: &str) -> Value {
    serde_json::from_str(text)
        .unwrap_or_else(|e| panic!("--json output does not parse: {e}\n{text}"))
}

/// A run's stdout parsed; panics showing stdout and stderr when it is not JSON.
pub fn stdout_json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// The element of the array `list` whose `key` is `value`; panics showing
/// the array when there is none.
pub fn row<'a>(list: &'a Value, key: &str, value: &str) -> &'a Value {
    list.as_array()
        .and_then(|a| a.iter().find(|e| e[key] == value))
        .unwrap_or_else(|| panic!("no {key} = {value:?} in {list:#}"))
}

/// The string `key` of every element of the array `list`, in order.
pub fn strs<'a>(list: &'a Value, key: &str) -> Vec<&'a str> {
    list.as_array()
        .unwrap_or_else(|| panic!("not an array: {list:#}"))
        .iter()
        .map(|e| {
            e[key]
                .as_str()
                .unwrap_or_else(|| panic!("no string {key} in {e}"))
        })
        .collect()
}
