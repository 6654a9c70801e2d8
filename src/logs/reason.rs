//! What an event's `reason` says beyond its sentence: the HTTP status of the app's answer, the
//! SCIM error body embedded in it (`Web Response: {...}`: `detail`, `scimType`), the attribute
//! it names, and a form of the detail with the object's own values taken out, so that the same
//! error for many users is one group.

use regex::Regex;
use std::sync::LazyLock;

/// What was parsed out of a `reason`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    /// The HTTP status of the app's answer.
    pub http_status: Option<u16>,
    /// The SCIM error's `scimType`.
    pub scim_type: Option<String>,
    /// The SCIM error's `detail` (or the body's message).
    pub detail: Option<String>,
}

static HTTP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)(?:HTTP status code|StatusCode:?|status code:?|HTTP/1\.1|HTTP)\s*\(?(\d{3})\b"#,
    )
    .expect("valid regex")
});

static ATTRIBUTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)\b(?:attribute|property|field)\s*(?:name\s*)?[:=]?\s*['"\[]?([A-Za-z_][\w.:\-]*(?:\[[^\]]*\])?(?:\.[A-Za-z_]\w*)?)"#,
    )
    .expect("valid regex")
});

static LEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)^['"]?([A-Za-z_][\w.]*)['"]?\s+(?:is required|must be unique|is not unique|already exists|is too long|exceeds|is invalid|must not be empty|cannot be empty|is missing)"#,
    )
    .expect("valid regex")
});

static WITH_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\bwith\s+(?:the\s+)?([A-Za-z_][\w.]*)\s*(?:=\s*)?['"]"#).expect("valid regex")
});

static VARIABLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"'[^']{0,200}'|"[^"]{0,200}"|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+|\b\d{4}-\d{2}-\d{2}[T ][\d:.]+Z?\b"#,
    )
    .expect("valid regex")
});

/// The longest `reason` read (bytes); beyond it the rest is ignored.
const MAX_REASON: usize = 64 * 1024;

/// Parses a `reason`.
pub fn parse(reason: &str) -> Parsed {
    let reason = clip(reason, MAX_REASON);
    let mut parsed = Parsed::default();
    if let Some(body) = body(reason) {
        let object = body.as_object();
        let get = |key: &str| {
            object.and_then(|o| {
                o.iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(key))
                    .map(|(_, v)| v)
            })
        };
        parsed.scim_type = get("scimType").and_then(super::event::text);
        parsed.detail = get("detail")
            .or_else(|| get("message"))
            .or_else(|| get("error_description"))
            .and_then(super::event::text);
        parsed.http_status = get("status")
            .and_then(super::event::text)
            .and_then(|s| s.trim().parse().ok())
            .filter(|s| (100..600).contains(s));
    }
    if parsed.http_status.is_none() {
        parsed.http_status = HTTP
            .captures(reason)
            .and_then(|c| c[1].parse().ok())
            .filter(|s| (100..600).contains(s));
    }
    parsed
}

/// The first JSON object in `reason` (after `Web Response:` when that is there) that parses.
fn body(reason: &str) -> Option<serde_json::Value> {
    let start = reason.find("Web Response:").unwrap_or(0);
    reason[start..]
        .match_indices('{')
        .take(8)
        .find_map(|(i, _)| {
            let text = &reason[start + i..];
            let mut stream =
                serde_json::Deserializer::from_str(text).into_iter::<serde_json::Value>();
            match stream.next() {
                Some(Ok(value)) if value.is_object() => Some(value),
                _ => None,
            }
        })
}

/// The attribute an error text names (`attribute 'userName'`, `"emails" is required`, `a user
/// with userName 'x' ...`).
pub fn attribute(text: &str) -> Option<String> {
    let text = clip(text, MAX_REASON);
    LEADING
        .captures(text.trim())
        .or_else(|| ATTRIBUTE.captures(text))
        .or_else(|| WITH_VALUE.captures(text))
        .map(|c| c[1].trim_end_matches(['.', ':']).to_owned())
        .filter(|a| !a.is_empty())
}

/// `text` with the values of one object (quoted text, GUIDs, e-mail addresses, timestamps)
/// replaced by `…`, so that one error for many objects reads the same.
pub fn generalize(text: &str) -> String {
    let text = clip(text, 512);
    VARIABLE.replace_all(text, "…").into_owned()
}

/// At most `max` bytes of `text`, cut at a character boundary.
pub(crate) fn clip(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}
