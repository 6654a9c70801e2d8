//! Finding things that look like a SCIM secret token (a JWT, or a long random string) in a
//! mapping file, and masking them so that no output prints them in full.

use crate::base::text::Span;
use crate::diagnostics::rules::RuleId;
use crate::diagnostics::Diagnostic;
use regex::Regex;
use std::sync::OnceLock;

/// Shortest run of token characters considered a random secret.
const MIN_SECRET_CHARS: usize = 32;

/// Characters of a secret kept visible when masking.
const VISIBLE: usize = 4;

fn candidates() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"[A-Za-z0-9+/=_.\-]{32,}").expect("valid regex"))
}

/// Spans of the secret-looking tokens in `text`.
pub fn find(text: &str) -> Vec<Span> {
    candidates()
        .find_iter(text)
        .filter(|m| looks_secret(m.as_str()))
        .map(|m| Span::new(m.start(), m.end()))
        .collect()
}

fn looks_secret(token: &str) -> bool {
    let token = token.trim_matches(['.', '-', '_']);
    if is_jwt(token) {
        return true;
    }
    if token.len() < MIN_SECRET_CHARS || token.starts_with("extension_") || token.contains('.') {
        return false;
    }
    if token.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
        return false;
    }
    let has = |f: fn(&char) -> bool| token.chars().any(|c| f(&c));
    has(char::is_ascii_uppercase)
        && has(char::is_ascii_lowercase)
        && has(char::is_ascii_digit)
        && entropy(token) > 4.0
}

fn is_jwt(token: &str) -> bool {
    let parts: Vec<&str> = token.split('.').collect();
    parts.len() == 3 && token.starts_with("eyJ") && parts.iter().all(|p| p.len() >= 8)
}

/// Shannon entropy in bits per character.
fn entropy(token: &str) -> f64 {
    let mut counts = [0usize; 128];
    for b in token.bytes() {
        counts[usize::from(b & 0x7f)] += 1;
    }
    let n = token.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// The masked form of a secret: its first characters, then stars.
pub fn masked(token: &str) -> String {
    let visible: String = token.chars().take(VISIBLE).collect();
    format!(
        "{visible}{}",
        "*".repeat(token.len().saturating_sub(visible.len()))
    )
}

/// `text` with every secret masked (same length, so spans stay valid).
pub fn mask(text: &str, secrets: &[Span]) -> String {
    let mut out = text.to_owned();
    for span in secrets.iter().rev() {
        let token = &text[span.start..span.end];
        out.replace_range(span.start..span.end, &masked(token));
    }
    out
}

/// `text` with every secret-looking token masked; borrowed when there is none. Every renderer
/// passes messages, labels and help through this, so no output prints a token in full.
pub fn redact(text: &str) -> std::borrow::Cow<'_, str> {
    let secrets = find(text);
    if secrets.is_empty() {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(mask(text, &secrets))
    }
}

/// The finding for a secret at `span`; the message never contains the token.
pub fn diagnostic(span: &Span) -> Diagnostic {
    Diagnostic::new(
        RuleId::SecretToken,
        *span,
        format!("this looks like a SCIM secret token ({} characters)", span.len()),
    )
    .with_primary_label("secret-like value (masked)")
    .with_help("remove it and rotate the token: mapping files go into repositories; the secret token belongs in the portal's Admin Credentials only")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_jwts_and_random_tokens_but_not_ids() {
        assert_eq!(find("token: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U").len(), 1);
        assert_eq!(
            find("x: Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MEFCQ0RFRkdISUpL").len(),
            1
        );
        assert!(find("source: extension_0123456789abcdef0123456789abcdef_costCenter").is_empty());
        assert!(find("id: 0123456789abcdef0123456789abcdef").is_empty());
        let token = "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MEFCQ0RFRkdISUpL";
        let redacted = redact(&format!("unknown source attribute `{token}`")).into_owned();
        assert!(!redacted.contains(token) && redacted.contains("Zm9v****"));
        assert!(find(
            "target: urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber"
        )
        .is_empty());
    }

    #[test]
    fn masking_keeps_length_and_hides_the_token() {
        let text = "t: Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MEFCQ0RFRkdISUpL\n";
        let masked = mask(text, &find(text));
        assert_eq!(masked.len(), text.len());
        assert!(masked.starts_with("t: Zm9v****"));
    }
}
