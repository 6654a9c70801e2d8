//! Finding things that look like a SCIM secret token (a JWT, or a long random string) in a
//! mapping file, and masking them so that no output prints them in full.

use crate::base::escape::{self, Dialect};
use crate::base::text::Span;
use crate::diagnostics::rules::RuleId;
use crate::diagnostics::Diagnostic;
use regex::Regex;
use std::sync::OnceLock;

/// Shortest run of token characters considered a random secret.
const MIN_SECRET_CHARS: usize = 32;

/// Shortest run of hexadecimal digits considered a secret: longer than a GUID written without
/// dashes (32, as directory extension names carry them), as long as a SHA-1 digest or more.
const MIN_HEX_CHARS: usize = 40;

/// Characters of a secret kept visible when masking.
const VISIBLE: usize = 4;

fn candidates() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"[A-Za-z0-9+/=_.\-]{32,}").expect("valid regex"))
}

/// Double-quoted strings (YAML or JSON) that contain an escape.
fn escaped_strings() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r#""(?:[^"\\\n]|\\[^\n])*\\(?:[^"\\\n]|\\[^\n])*""#).expect("valid regex")
    })
}

/// Spans of the secret-looking tokens in `text`, as written and as YAML or JSON escapes decode
/// them: a token in a double-quoted string with an escape in it (`\u0041`, `\x41`) is found in
/// the decoded string, and the span is then the whole string's content.
pub fn find(text: &str) -> Vec<Span> {
    let mut spans: Vec<Span> = candidates()
        .find_iter(text)
        .filter(|m| looks_secret(m.as_str()))
        .map(|m| Span::new(m.start(), m.end()))
        .collect();
    let mut decoded_any = false;
    for m in escaped_strings().find_iter(text) {
        let inner = &m.as_str()[1..m.as_str().len() - 1];
        let decoded = decode_escapes(inner);
        if candidates()
            .find_iter(&decoded)
            .any(|t| looks_secret(t.as_str()))
        {
            spans.push(Span::new(m.start() + 1, m.end() - 1));
            decoded_any = true;
        }
    }
    if decoded_any {
        spans.sort_unstable();
        let mut merged: Vec<Span> = Vec::with_capacity(spans.len());
        for span in spans {
            match merged.last_mut() {
                Some(last) if span.start <= last.end => last.end = last.end.max(span.end),
                _ => merged.push(span),
            }
        }
        spans = merged;
    }
    spans
}

/// The value of the body of a double-quoted YAML or JSON string, decoded by
/// [`crate::base::escape`]; a backslash that starts no escape is dropped and what follows it kept.
fn decode_escapes(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some((c, taken)) = escape::decode(after, Dialect::Yaml) {
            out.push(c);
            rest = &after[taken..];
        } else {
            let Some(c) = after.chars().next() else {
                return out;
            };
            out.push(c);
            rest = &after[c.len_utf8()..];
        }
    }
    out.push_str(rest);
    out
}

/// Whether a run of token characters looks like a secret rather than a name, an id or words.
///
/// * a JWT (`eyJ…`, three dot-separated parts);
/// * [`MIN_HEX_CHARS`] or more hexadecimal digits (a 64-digit hex token; GUIDs and the 32-digit
///   application ids of directory extension names are shorter);
/// * else, at least [`MIN_SECRET_CHARS`] characters that read as random: digits in three or
///   more separate places (words with a year, `SalesAndMarketingDepartmentBerlin2023`, have
///   one), a change of character class (upper case, lower case, digit, symbol) at 30% or more
///   of the positions (camel-case words change about once a word; random base64, base32 or
///   lower-case tokens change at 35–60%; base32, upper case and digits 2–7 only, is exempt, its
///   digits being rarer), and a Shannon entropy above 3.5 bits a character.
///   Base64, base64url, base32 and lower-case tokens all qualify; identifiers containing a
///   `.` (domain names, schema URNs) and `extension_` names do not.
fn looks_secret(token: &str) -> bool {
    let token = token.trim_matches(['.', '-', '_']);
    if is_jwt(token) {
        return true;
    }
    if token.len() < MIN_SECRET_CHARS || token.starts_with("extension_") || token.contains('.') {
        return false;
    }
    if token.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
        return token.chars().filter(char::is_ascii_hexdigit).count() >= MIN_HEX_CHARS
            && !token.contains('-');
    }
    let class = |b: u8| match b {
        b'A'..=b'Z' => 0,
        b'a'..=b'z' => 1,
        b'0'..=b'9' => 2,
        _ => 3,
    };
    let bytes = token.as_bytes();
    let changes = bytes
        .windows(2)
        .filter(|w| class(w[0]) != class(w[1]))
        .count();
    let digit_runs = bytes
        .iter()
        .enumerate()
        .filter(|&(i, b)| b.is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_digit()))
        .count();
    let base32 = bytes
        .iter()
        .all(|b| matches!(b, b'A'..=b'Z' | b'2'..=b'7' | b'='));
    let random_classes = base32 || changes * 10 >= (bytes.len() - 1) * 3;
    digit_runs >= 3 && random_classes && entropy(token) > 3.5
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
    fn finds_every_shape_of_token() {
        let shapes = [
            (
                "64-digit hex",
                "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            ),
            ("lower case", "k3j4h5g6f7d8s9a0q1w2e3r4t5y6u7i8o9p0"),
            ("base32", "JBSWY3DPEHPK3PXPGEZDGNBVGY3TQOJQGEZDG4TF"),
            (
                "base64url",
                "dGhpcy1pcy1hLXRva2VuLWZvci10ZXN0aW5nLTEyMzQ1Ng_x",
            ),
        ];
        for (shape, token) in shapes {
            assert_eq!(
                find(&format!("constant: {token}\n")).len(),
                1,
                "{shape}: {token}"
            );
        }
        let token = "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MEFCQ0RFRkdISUpL";
        let json = r#"{"constant": "Zm9vYmFy\u0059mF6cXV4MTIzNDU2Nzg5MEFCQ0RFRkdISUpL"}"#;
        let yaml = "constant: \"Zm9vYmFy\\x59mF6cXV4MTIzNDU2Nzg5MEFCQ0RFRkdISUpL\"\n";
        for text in [json, yaml] {
            let found = find(text);
            assert_eq!(found.len(), 1, "{text}");
            let masked = mask(text, &found);
            assert!(
                masked.contains("Zm9v****") && !masked.contains("bF6cXV4"),
                "{masked}"
            );
        }
        assert_eq!(
            decode_escapes(r"Zm9vYmFy\u0059mF6\x41\uD83D\uDE00"),
            "Zm9vYmFyYmF6A\u{1f600}"
        );
        assert!(token.len() > MIN_SECRET_CHARS);
    }

    #[test]
    fn words_ids_and_names_are_not_secrets() {
        for text in [
            "SalesAndMarketingDepartmentBerlin2023",
            "HumanResourcesAndFacilitiesManagement",
            "0123456789abcdef0123456789abcdef",
            "0f8fad5b-d9cb-469f-a165-70867728950e",
            "extension_0123456789abcdef0123456789abcdef_employeeBadgeNumber2",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber",
            "userPrincipalName_onPremisesSamAccountName_2024_v2",
            "CN=Users,DC=contoso,DC=com/OU=Berlin2023/Sales2024",
        ] {
            assert!(find(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn masking_keeps_length_and_hides_the_token() {
        let text = "t: Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MEFCQ0RFRkdISUpL\n";
        let masked = mask(text, &find(text));
        assert_eq!(masked.len(), text.len());
        assert!(masked.starts_with("t: Zm9v****"));
    }
}
