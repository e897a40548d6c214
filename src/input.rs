//! Reading JSON input (parameter files, options objects from the page, users
//! to score) with plain messages that name the field: no parser wording, no
//! internal type names, arrays never read as objects, and nothing after the
//! JSON value ignored.

use serde_json::{Map, Value};

use crate::errors::{field_error, got, number, quoted};

field_error!(
    @struct
    /// Input that cannot be read: the field (its dotted path) and the problem.
    InputError
);

/// Deepest nesting accepted in any JSON input (the deepest real input, a
/// parameters file, nests 3 levels).
pub const MAX_DEPTH: usize = 16;

/// Parses JSON text (a UTF-8 byte order mark is allowed), refusing trailing
/// data and nesting deeper than [`MAX_DEPTH`]. `what` names the input.
pub fn parse(text: &str, what: &str) -> Result<Value, InputError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    check_depth(text, what)?;
    serde_json::from_str(text).map_err(|e| {
        let problem = match e.classify() {
            serde_json::error::Category::Eof => format!(
                "is not complete JSON: it ends early (line {}, column {})",
                e.line(),
                e.column()
            ),
            _ => format!(
                "is not valid JSON: {} (line {}, column {})",
                syntax_problem(&e),
                e.line(),
                e.column()
            ),
        };
        InputError::new(what, problem)
    })
}

/// serde_json's description of a syntax error without its position.
fn syntax_problem(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

/// Refuses text nested deeper than [`MAX_DEPTH`] before any parser recurses
/// into it (brackets inside strings do not count).
fn check_depth(text: &str, what: &str) -> Result<(), InputError> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for b in text.bytes() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(InputError::new(
                        what,
                        format!("is nested more than {MAX_DEPTH} levels deep"),
                    ));
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// Rewords one of serde's messages about `field` (a path such as
/// `training.fit` or the input's name) as a plain problem, naming the exact
/// field: `missing field \`x\`` becomes `x is missing`, `invalid type:
/// string "a", expected f64` becomes `must be a number (got "a")`.
pub fn plain_serde_problem(field: &str, message: &str) -> (String, String) {
    let message = message.split(" at line ").next().unwrap_or(message);
    let ticked = |text: &str| text.split('`').nth(1).unwrap_or_default().to_string();
    let child = |name: &str| {
        if field.contains(' ') {
            name.to_string()
        } else {
            format!("{field}.{name}")
        }
    };
    if let Some(rest) = message.strip_prefix("missing field ") {
        return (child(&ticked(rest)), "is missing".into());
    }
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let name = ticked(rest);
        let field = if field.ends_with(&name) {
            field.to_string()
        } else {
            child(&name)
        };
        return (field, "is not a known field".into());
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        let (got_part, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let choices: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        return (
            field.to_string(),
            format!(
                "must be one of {} {}",
                choices.join(", "),
                got(ticked(got_part))
            ),
        );
    }
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = message.strip_prefix(prefix) {
            let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
            let wanted = match expected {
                "f64" | "f32" => "a number",
                "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number, 0 or more",
                "a string" => "text",
                "a boolean" => "true or false",
                "a sequence" => "a list",
                e if e.starts_with("struct ") || e.starts_with("a map") => "an object",
                e => e,
            };
            let found = match found {
                "null" => "(got null)".to_string(),
                "map" => "(got an object)".to_string(),
                "sequence" => "(got a list)".to_string(),
                f if f.starts_with("string ") => got(f["string ".len()..].trim_matches('"')),
                f => format!("(got {})", ticked(f)),
            };
            return (field.to_string(), format!("must be {wanted} {found}"));
        }
    }
    (field.to_string(), message.replace('`', ""))
}

/// How a JSON value is described in a message.
pub fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        // Floats as people read them (`1e300`, not serde's `1e+300`).
        Value::Number(n) if n.is_f64() => number(n.as_f64().unwrap_or(f64::NAN)),
        Value::Number(n) => n.to_string(),
        Value::String(s) => quoted(s),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// `(got …)` for a JSON value.
pub fn got_value(value: &Value) -> String {
    match value {
        Value::String(s) => got(s),
        other => format!("(got {})", describe(other)),
    }
}

/// An object being read field by field; [`Object::finish`] refuses the
/// fields nobody asked for.
#[derive(Debug)]
pub struct Object<'a> {
    map: &'a Map<String, Value>,
    path: String,
    /// The input's name, for messages about the object as a whole.
    what: String,
    read: Vec<&'static str>,
}

impl<'a> Object<'a> {
    /// `value` as an object; `path` names it in messages ("" at the top).
    pub fn new(value: &'a Value, path: &str, what: &str) -> Result<Object<'a>, InputError> {
        match value {
            Value::Object(map) => Ok(Object {
                map,
                path: path.to_string(),
                what: what.to_string(),
                read: Vec::new(),
            }),
            other => Err(InputError::new(
                if path.is_empty() { what } else { path },
                format!("must be an object with named fields {}", got_value(other)),
            )),
        }
    }

    /// The dotted path of one of this object's fields.
    pub fn path_of(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// The raw value of `key`, if present (null counts as present).
    pub fn value(&mut self, key: &'static str) -> Option<&'a Value> {
        self.read.push(key);
        self.map.get(key)
    }

    /// A finite number, if present.
    pub fn number(&mut self, key: &'static str) -> Result<Option<f64>, InputError> {
        let Some(value) = self.value(key) else {
            return Ok(None);
        };
        match value.as_f64() {
            Some(x) if x.is_finite() => Ok(Some(x)),
            _ => Err(InputError::new(
                self.path_of(key),
                format!("must be a number {}", got_value(value)),
            )),
        }
    }

    /// A whole number from 0 to 2^64 − 1, if present.
    pub fn whole(&mut self, key: &'static str) -> Result<Option<u64>, InputError> {
        let Some(value) = self.value(key) else {
            return Ok(None);
        };
        whole_number(value)
            .map(Some)
            .map_err(|problem| InputError::new(self.path_of(key), problem))
    }

    /// A string, if present.
    pub fn string(&mut self, key: &'static str) -> Result<Option<&'a str>, InputError> {
        let Some(value) = self.value(key) else {
            return Ok(None);
        };
        value.as_str().map(Some).ok_or_else(|| {
            InputError::new(
                self.path_of(key),
                format!("must be text {}", got_value(value)),
            )
        })
    }

    /// A nested object, if present.
    pub fn object(&mut self, key: &'static str) -> Result<Option<Object<'a>>, InputError> {
        let Some(value) = self.value(key) else {
            return Ok(None);
        };
        let path = self.path_of(key);
        Object::new(value, &path, &path).map(Some)
    }

    /// Refuses any field that was not read, naming the ones that are known.
    pub fn finish(self) -> Result<(), InputError> {
        if let Some(unknown) = self.map.keys().find(|k| !self.read.contains(&k.as_str())) {
            if unknown.is_empty() {
                let owner = if self.path.is_empty() {
                    &self.what
                } else {
                    &self.path
                };
                return Err(InputError::new(owner, "has a field with an empty name"));
            }
            let mut known = self.read.clone();
            known.sort_unstable();
            known.dedup();
            return Err(InputError::new(
                self.path_of(unknown),
                format!(
                    "is not a known field (the known ones here: {})",
                    known.join(", ")
                ),
            ));
        }
        Ok(())
    }
}

/// A JSON whole number ≥ 0 (written as a number, e.g. `3` or `3.0`).
pub fn whole_number(value: &Value) -> Result<u64, String> {
    if let Some(n) = value.as_u64() {
        return Ok(n);
    }
    match value.as_f64() {
        Some(x) if x < 0.0 => Err(format!("must not be negative {}", got_value(value))),
        Some(x) if x.fract() == 0.0 && x < 18_446_744_073_709_551_616.0 => Ok(x as u64),
        _ => Err(format!("must be a whole number {}", got_value(value))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_data_deep_nesting_and_bom() {
        assert!(parse(r#"{"rows":2}{"rows":9}"#, "parameters")
            .unwrap_err()
            .problem
            .starts_with("is not valid JSON: trailing characters"));
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert_eq!(
            parse(&deep, "parameters").unwrap_err().problem,
            "is nested more than 16 levels deep"
        );
        assert!(parse("\u{feff}{\"a\": \"[[[[[[[[[[[[[[[[[[[[\"}", "x").is_ok());
        assert!(parse("{", "x").unwrap_err().problem.contains("ends early"));
    }

    #[test]
    fn fields_are_read_by_type_and_unknown_ones_refused() {
        let v = parse(r#"{"a": 1.5, "b": "x", "c": {"d": -2}, "e": [1]}"#, "opts").unwrap();
        let mut o = Object::new(&v, "", "opts").unwrap();
        assert_eq!(o.number("a").unwrap(), Some(1.5));
        assert_eq!(
            o.number("b").unwrap_err().to_string(),
            "b must be a number (got \"x\")"
        );
        let mut c = o.object("c").unwrap().unwrap();
        assert_eq!(
            c.whole("d").unwrap_err().to_string(),
            "c.d must not be negative (got -2)"
        );
        assert_eq!(
            o.object("e").unwrap_err().to_string(),
            "e must be an object with named fields (got a list)"
        );
        let err = Object::new(&v, "", "opts").unwrap().finish().unwrap_err();
        assert!(
            err.to_string().starts_with("a is not a known field"),
            "{err}"
        );
        let empty = parse(r#"{"": 1}"#, "options").unwrap();
        assert_eq!(
            Object::new(&empty, "", "options")
                .unwrap()
                .finish()
                .unwrap_err()
                .to_string(),
            "options has a field with an empty name"
        );
        let list = parse("[1, 3]", "parameters").unwrap();
        assert_eq!(
            Object::new(&list, "", "parameters")
                .unwrap_err()
                .to_string(),
            "parameters must be an object with named fields (got a list)"
        );
    }
}
