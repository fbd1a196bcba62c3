//! The rules of platform-defined catalog entries, knowing nothing of `Service`: the name
//! syntax, the request bodies (`PUT /v1/catalog/...`) and their checks, the bounds on a
//! `metadata_schema` and its compilation (docs/catalog.md, "Platform-defined actions").

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::ServiceError;
use super::validate::{MAX_NAME, MAX_REF, is_forbidden_char};

/// A name part (an entity type, a verb): `[a-z][a-z0-9_]{0,63}`.
pub const MAX_NAME_PART: usize = 64;
/// A `metadata_schema`, as compact JSON.
pub const MAX_SCHEMA_BYTES: usize = 64 * 1024;
/// How deep a `metadata_schema` may nest (objects and arrays).
pub const MAX_SCHEMA_DEPTH: usize = 32;
/// Entries of `change_fields`.
pub const MAX_CHANGE_FIELDS: usize = 500;
/// An entry's description.
pub const MAX_DESCRIPTION: usize = 2048;
/// The dialect every `metadata_schema` is read in.
pub const SCHEMA_DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// Whether `s` is a name part: `[a-z][a-z0-9_]{0,63}`.
pub fn valid_name_part(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= MAX_NAME_PART
        && b[0].is_ascii_lowercase()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_')
}

fn syntax_message(what: &str) -> String {
    format!(
        "{what} must be 1 to {MAX_NAME_PART} characters of a-z, 0-9 and '_', starting with a letter"
    )
}

/// An entity type's name, checked.
pub fn check_entity_type_name(name: &str) -> Result<(), ServiceError> {
    if valid_name_part(name) {
        Ok(())
    } else {
        Err(bad_field("type", syntax_message("an entity type")))
    }
}

/// An action's name, `<entity_type>.<verb>`, split after its check.
pub fn split_action_name(name: &str) -> Result<(&str, &str), ServiceError> {
    match name.split_once('.') {
        Some((t, v)) if valid_name_part(t) && valid_name_part(v) => Ok((t, v)),
        _ => Err(bad_field(
            "action",
            format!(
                "an action is <entity_type>.<verb>, and each part {}",
                syntax_message("").trim_start()
            ),
        )),
    }
}

/// `400 invalid_request` naming the member of the body (`details.field`).
pub fn bad_field(field: &str, message: impl Into<String>) -> ServiceError {
    ServiceError::InvalidRequest {
        message: message.into(),
        details: Some(serde_json::json!({ "field": field })),
    }
}

fn check_text(field: &str, v: &str, max: usize) -> Result<(), ServiceError> {
    if v.is_empty() {
        return Err(bad_field(field, format!("{field} must not be empty")));
    }
    if v.len() > max {
        return Err(bad_field(
            field,
            format!("{field} is {} bytes; the limit is {max}", v.len()),
        ));
    }
    if let Some(c) = v.chars().find(|c| is_forbidden_char(*c)) {
        return Err(bad_field(
            field,
            format!(
                "{field} contains the control or bidirectional character U+{:04X}",
                c as u32
            ),
        ));
    }
    Ok(())
}

/// `PUT /v1/catalog/entity-types/{type}`; no other member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CatalogEntityTypePut)]
pub struct EntityTypePut {
    /// 1 to 512 bytes.
    pub label: String,
    /// At most 2048 bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether entities of this type are people or hold personal data. Default `false`.
    #[serde(default)]
    pub personal: bool,
}

impl EntityTypePut {
    pub fn check(&self) -> Result<(), ServiceError> {
        check_text("label", &self.label, MAX_NAME)?;
        if let Some(d) = &self.description {
            check_text("description", d, MAX_DESCRIPTION)?;
        }
        Ok(())
    }
}

/// An action's place in OCSF, checked against the catalog's OCSF table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CatalogOcsfPut)]
pub struct OcsfPut {
    pub class_uid: u32,
    pub activity_id: u32,
}

/// `PUT /v1/catalog/actions/{action}`; no other member. Each PUT that changes the stored
/// definition makes its next version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CatalogActionPut)]
pub struct ActionPut {
    /// An existing category other than `access` (records of reads are the service's own).
    pub category: String,
    /// 1 to 512 bytes.
    pub label: String,
    /// At most 2048 bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The verb's label; required when the verb is new to the catalog, ignored otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verb_label: Option<String>,
    pub ocsf: OcsfPut,
    /// A JSON Schema (draft 2020-12) that each event's `metadata` must satisfy: at most
    /// 64 KiB, nested at most 32 deep, local references (`#/...`) only, none recursive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub metadata_schema: Option<Value>,
    /// The only `changes[].field` names its events may carry; omit for any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_fields: Option<Vec<String>>,
    /// A deprecated action takes no new events (`422 action_deprecated`); its events stay.
    /// Default `false`.
    #[serde(default)]
    pub deprecated: bool,
}

impl ActionPut {
    /// Checks what needs no catalog, and puts the body in its stored form (`change_fields`
    /// sorted, each once). The schema is compiled by [`compile_schema`].
    pub fn check(&mut self) -> Result<(), ServiceError> {
        check_text("label", &self.label, MAX_NAME)?;
        if let Some(d) = &self.description {
            check_text("description", d, MAX_DESCRIPTION)?;
        }
        if let Some(l) = &self.verb_label {
            check_text("verb_label", l, MAX_NAME)?;
        }
        if let Some(fields) = &mut self.change_fields {
            if fields.len() > MAX_CHANGE_FIELDS {
                return Err(bad_field(
                    "change_fields",
                    format!(
                        "change_fields has {} entries; the limit is {MAX_CHANGE_FIELDS}",
                        fields.len()
                    ),
                ));
            }
            for f in fields.iter() {
                check_text("change_fields", f, MAX_REF)?;
            }
            let set: BTreeSet<String> = fields.drain(..).collect();
            fields.extend(set);
        }
        Ok(())
    }
}

/// `422 invalid_schema`: the `metadata_schema` cannot be used.
fn invalid_schema(message: impl Into<String>) -> ServiceError {
    ServiceError::InvalidSchema(message.into())
}

fn depth(v: &Value) -> usize {
    match v {
        Value::Array(a) => 1 + a.iter().map(depth).max().unwrap_or(0),
        Value::Object(m) => 1 + m.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

fn escape_pointer(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// Every `$ref` of the schema, as (where it is, the pointer it names); refuses what is not
/// a local JSON pointer and the keywords that resolve at run time.
fn collect_refs(v: &Value, at: &str, out: &mut Vec<(String, String)>) -> Result<(), ServiceError> {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                match k.as_str() {
                    "$dynamicRef" | "$recursiveRef" | "$dynamicAnchor" | "$recursiveAnchor" => {
                        return Err(invalid_schema(format!(
                            "{k} (at {at:?}) is not supported; use $ref to #/$defs/..."
                        )));
                    }
                    "$ref" => match child.as_str() {
                        Some(r) if r == "#" || r.starts_with("#/") => {
                            out.push((at.to_string(), r[1..].to_string()));
                        }
                        _ => {
                            return Err(invalid_schema(format!(
                                "$ref at {at:?} must be a local JSON pointer (\"#/$defs/...\"); \
                                 remote references are not fetched"
                            )));
                        }
                    },
                    _ => {}
                }
                collect_refs(child, &format!("{at}/{}", escape_pointer(k)), out)?;
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                collect_refs(child, &format!("{at}/{i}"), out)?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn within(location: &str, target: &str) -> bool {
    location == target
        || (location.starts_with(target) && location.as_bytes().get(target.len()) == Some(&b'/'))
}

/// Refuses recursive schemas: a `$ref` whose target contains (directly, or through other
/// references) the `$ref` itself.
fn check_not_recursive(schema: &Value) -> Result<(), ServiceError> {
    let mut refs = Vec::new();
    collect_refs(schema, "", &mut refs)?;
    // an edge a -> b when b's $ref sits inside what a names
    let edges: Vec<Vec<usize>> = refs
        .iter()
        .map(|(_, target)| {
            refs.iter()
                .enumerate()
                .filter(|(_, (loc, _))| within(loc, target))
                .map(|(j, _)| j)
                .collect()
        })
        .collect();
    // iterative depth-first search for a cycle: 0 new, 1 on the path, 2 done
    let mut state = vec![0u8; refs.len()];
    for start in 0..refs.len() {
        if state[start] != 0 {
            continue;
        }
        let mut stack = vec![(start, 0usize)];
        state[start] = 1;
        while let Some((node, next)) = stack.last_mut() {
            let node = *node;
            if let Some(&succ) = edges[node].get(*next) {
                *next += 1;
                match state[succ] {
                    1 => {
                        return Err(invalid_schema(format!(
                            "the $ref at {:?} is recursive; recursive schemas are not supported",
                            refs[succ].0
                        )));
                    }
                    0 => {
                        state[succ] = 1;
                        stack.push((succ, 0));
                    }
                    _ => {}
                }
            } else {
                state[node] = 2;
                stack.pop();
            }
        }
    }
    Ok(())
}

/// Checks a `metadata_schema` (size, depth, dialect, references, the 2020-12 meta-schema)
/// and compiles it. Patterns use the linear-time `regex` engine.
pub fn compile_schema(schema: &Value) -> Result<jsonschema::Validator, ServiceError> {
    let size = serde_json::to_string(schema).map_or(usize::MAX, |s| s.len());
    if size > MAX_SCHEMA_BYTES {
        return Err(invalid_schema(format!(
            "metadata_schema is {size} bytes as JSON; the limit is {MAX_SCHEMA_BYTES}"
        )));
    }
    if !matches!(schema, Value::Object(_) | Value::Bool(_)) {
        return Err(invalid_schema(
            "metadata_schema must be a JSON Schema: an object or a boolean",
        ));
    }
    let d = depth(schema);
    if d > MAX_SCHEMA_DEPTH {
        return Err(invalid_schema(format!(
            "metadata_schema nests {d} deep; the limit is {MAX_SCHEMA_DEPTH}"
        )));
    }
    if let Some(dialect) = schema.get("$schema")
        && dialect.as_str() != Some(SCHEMA_DIALECT)
    {
        return Err(invalid_schema(format!(
            "$schema must be {SCHEMA_DIALECT:?} (draft 2020-12) or left out"
        )));
    }
    check_not_recursive(schema)?;
    if let Err(e) = jsonschema::draft202012::meta::validate(schema) {
        return Err(invalid_schema(format!(
            "metadata_schema is not a valid draft 2020-12 schema: at {:?}: {}",
            e.instance_path().as_str(),
            e.masked()
        )));
    }
    jsonschema::draft202012::options()
        .with_pattern_options(jsonschema::PatternOptions::regex())
        .build(schema)
        .map_err(|e| invalid_schema(format!("metadata_schema cannot be compiled: {e}")))
}

/// Each problem of `metadata` under its action's schema, as (field, message): the field is
/// `metadata` followed by the JSON pointer of the offending value (`metadata/count`).
pub fn metadata_errors(schema: &jsonschema::Validator, metadata: &Value) -> Vec<(String, String)> {
    schema
        .iter_errors(metadata)
        .take(20)
        .map(|e| {
            let pointer = e.instance_path().as_str().to_string();
            (
                format!("metadata{pointer}"),
                format!(
                    "{} (instance path {:?}, schema path {:?})",
                    e.masked(),
                    if pointer.is_empty() { "/" } else { &pointer },
                    e.schema_path().as_str()
                ),
            )
        })
        .collect()
}

/// The labels of verbs, by name (for an action's new verb).
pub type VerbLabels = BTreeMap<String, String>;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    proptest! {
        #[test]
        fn names_of_the_syntax_are_accepted(s in "[a-z][a-z0-9_]{0,63}") {
            prop_assert!(valid_name_part(&s));
            prop_assert!(check_entity_type_name(&s).is_ok());
            let action = format!("{s}.{s}");
            prop_assert_eq!(split_action_name(&action).ok(), Some((s.as_str(), s.as_str())));
        }

        #[test]
        fn names_outside_the_syntax_are_refused(s in "\\PC{0,80}") {
            let expected = !s.is_empty()
                && s.len() <= 64
                && s.starts_with(|c: char| c.is_ascii_lowercase())
                && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            prop_assert_eq!(valid_name_part(&s), expected);
        }
    }

    #[test]
    fn name_edge_cases() {
        for bad in [
            "",
            "Ticket",
            "1ticket",
            "_x",
            "ticket-x",
            "tické",
            &"a".repeat(65),
        ] {
            assert!(!valid_name_part(bad), "{bad:?}");
        }
        assert!(valid_name_part(&"a".repeat(64)));
        for bad in ["ticket", "ticket.", ".x", "a.b.c", "A.b", "a.B"] {
            let e = split_action_name(bad).unwrap_err();
            assert!(
                matches!(&e, ServiceError::InvalidRequest { details: Some(d), .. } if d["field"] == "action"),
                "{bad:?}: {e:?}"
            );
        }
    }

    #[test]
    fn schemas_are_bounded() {
        assert!(compile_schema(&json!({"type": "object"})).is_ok());
        assert!(compile_schema(&json!(true)).is_ok());
        // not a schema
        assert!(matches!(
            compile_schema(&json!({"type": 12})),
            Err(ServiceError::InvalidSchema(_))
        ));
        assert!(compile_schema(&json!([1])).is_err());
        // too deep
        let mut deep = json!({"type": "object"});
        for _ in 0..40 {
            deep = json!({"properties": {"x": deep}});
        }
        let e = compile_schema(&deep).unwrap_err().to_string();
        assert!(e.contains("nests"), "{e}");
        // too large
        let big = json!({"description": "x".repeat(MAX_SCHEMA_BYTES)});
        assert!(
            compile_schema(&big)
                .unwrap_err()
                .to_string()
                .contains("bytes")
        );
        // recursive, directly or through $defs
        for s in [
            json!({"$ref": "#"}),
            json!({"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"}),
            json!({"$defs": {"n": {"properties": {"next": {"$ref": "#/$defs/n"}}}}}),
        ] {
            let e = compile_schema(&s).unwrap_err().to_string();
            assert!(e.contains("recursive"), "{s}: {e}");
        }
        // not recursive: two references to one definition
        let ok = json!({"$defs": {"id": {"type": "string"}},
            "properties": {"a": {"$ref": "#/$defs/id"}, "b": {"$ref": "#/$defs/id"}}});
        assert!(compile_schema(&ok).is_ok());
        // remote references and other dialects are refused
        assert!(compile_schema(&json!({"$ref": "https://example.com/s.json"})).is_err());
        assert!(
            compile_schema(&json!({"$schema": "http://json-schema.org/draft-07/schema#"})).is_err()
        );
    }

    #[test]
    fn metadata_errors_name_the_pointer() {
        let v = compile_schema(&json!({
            "type": "object",
            "properties": {"count": {"type": "integer"}},
            "required": ["count"]
        }))
        .expect("compiles");
        assert!(metadata_errors(&v, &json!({"count": 3})).is_empty());
        let errs = metadata_errors(&v, &json!({"count": "x"}));
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].0, "metadata/count");
        assert!(errs[0].1.contains("integer"), "{}", errs[0].1);
        let errs = metadata_errors(&v, &json!({}));
        assert_eq!(errs[0].0, "metadata");
        assert!(errs[0].1.contains("count"), "{}", errs[0].1);
    }
}
