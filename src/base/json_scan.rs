//! A strict JSON scanner: the fast path of the readers that take a few values of large
//! documents (preview's users, plan's accounts). It reads the usual document without building
//! anything it skips and gives up (`None`) on anything unusual: a control character in a
//! string, nesting deeper than [`MAX_DEPTH`], a syntax error. The caller then reads the
//! document with serde_json, so that what is accepted and the error messages are serde_json's.

/// The bytes that end the fast scan of a string: a quote, a backslash, a control character.
fn string_stop(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    zero(word ^ (u64::from(b'"') * ONES))
        | zero(word ^ (u64::from(b'\\') * ONES))
        | (word.wrapping_sub(0x20 * ONES) & !word & HIGH)
}

/// The deepest nesting the scanner follows (serde_json's limit is 128).
pub const MAX_DEPTH: u32 = 64;

/// A strict JSON scanner over one document. Every method returns `None` where the text is not
/// what it reads (its caller then falls back to serde_json).
pub struct Scan<'b> {
    text: &'b str,
    bytes: &'b [u8],
    at: usize,
    newlines: u64,
}

impl<'b> Scan<'b> {
    /// A scanner at the start of `text`.
    pub fn new(text: &'b str) -> Self {
        Scan {
            text,
            bytes: text.as_bytes(),
            at: 0,
            newlines: 0,
        }
    }

    /// A string, quotes included (see [`Scan::string`]).
    pub fn quoted(&mut self, escapes: bool) -> Option<(&'b str, bool)> {
        self.eat(b'"')?;
        self.string(escapes)
    }

    /// Where the scanner is, in bytes from the start.
    pub fn at(&self) -> usize {
        self.at
    }

    /// The text from `start` to where the scanner is.
    pub fn since(&self, start: usize) -> Option<&'b str> {
        self.text.get(start..self.at)
    }

    /// Whether the whole text is read.
    pub fn at_end(&self) -> bool {
        self.at == self.bytes.len()
    }

    /// The next byte.
    pub fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    /// Skips white space.
    pub fn space(&mut self) {
        while let Some(b) = self.peek() {
            match b {
                b'\n' => self.newlines += 1,
                b' ' | b'\t' | b'\r' => {}
                _ => break,
            }
            self.at += 1;
        }
    }

    /// The line breaks read so far (all in white space: a string has none).
    pub fn newlines(&self) -> u64 {
        self.newlines
    }

    /// Takes `byte`, if it is next.
    pub fn eat(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.at += 1)
    }

    /// Takes `word` (`true`, `false`, `null`), if it is next.
    pub fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.at + word.len();
        (self.bytes.get(self.at..end)? == word).then(|| self.at = end)
    }

    /// A string after its opening quote, up to its closing quote; with `escapes` false, `None`
    /// at a backslash. Returns the contents and whether they have escapes.
    fn string(&mut self, escapes: bool) -> Option<(&'b str, bool)> {
        let start = self.at;
        let mut escaped = false;
        loop {
            let stop = loop {
                let Some(chunk) = self.bytes.get(self.at..self.at + 8) else {
                    break self.peek()?;
                };
                let mut word = [0u8; 8];
                word.copy_from_slice(chunk);
                let word = u64::from_le_bytes(word);
                let found = string_stop(word);
                if found != 0 {
                    self.at += (found.trailing_zeros() / 8) as usize;
                    break self.bytes[self.at];
                }
                self.at += 8;
            };
            match stop {
                b'"' => break,
                b'\\' if escapes => {
                    escaped = true;
                    self.at += 1;
                    match self.peek()? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.at += 1,
                        b'u' => {
                            let hex = self.bytes.get(self.at + 1..self.at + 5)?;
                            if !hex.iter().all(u8::is_ascii_hexdigit) {
                                return None;
                            }
                            self.at += 5;
                        }
                        _ => return None,
                    }
                }
                b if b >= 0x20 && b != b'\\' => self.at += 1,
                _ => return None,
            }
        }
        let text = self.text.get(start..self.at)?;
        self.at += 1;
        Some((text, escaped))
    }

    fn digits(&mut self) -> Option<()> {
        let start = self.at;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.at += 1;
        }
        (self.at > start).then_some(())
    }

    fn number(&mut self) -> Option<()> {
        let _ = self.eat(b'-');
        if self.eat(b'0').is_none() {
            self.digits()?;
        }
        if self.eat(b'.').is_some() {
            self.digits()?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.at += 1;
            }
            self.digits()?;
        }
        Some(())
    }

    /// An object at the scanner: each member's name given to `value`, which reads the
    /// member's value. With `escapes` false, `None` at a name with an escape.
    pub fn object(
        &mut self,
        escapes: bool,
        mut value: impl FnMut(&mut Self, &'b str) -> Option<()>,
    ) -> Option<()> {
        self.eat(b'{')?;
        self.space();
        if self.eat(b'}').is_some() {
            return Some(());
        }
        loop {
            let (name, _) = self.quoted(escapes)?;
            self.space();
            self.eat(b':')?;
            self.space();
            value(self, name)?;
            self.space();
            if self.eat(b'}').is_some() {
                return Some(());
            }
            self.eat(b',')?;
            self.space();
        }
    }

    /// An array at the scanner: `element` reads each element.
    pub fn array(&mut self, mut element: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.eat(b'[')?;
        self.space();
        if self.eat(b']').is_some() {
            return Some(());
        }
        loop {
            element(self)?;
            self.space();
            if self.eat(b']').is_some() {
                return Some(());
            }
            self.eat(b',')?;
            self.space();
        }
    }

    /// Skips one value, checking its syntax.
    pub fn skip(&mut self, depth: u32) -> Option<()> {
        match self.peek()? {
            b'"' => {
                self.at += 1;
                self.string(true).map(drop)
            }
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            b'[' if depth < MAX_DEPTH => self.array(|scan| scan.skip(depth + 1)),
            b'{' if depth < MAX_DEPTH => self.object(true, |scan, _| scan.skip(depth + 1)),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }
}
