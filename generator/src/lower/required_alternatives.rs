//! "At least one of these properties": an `allOf` member `anyOf: [{required: [a]}, {required: [b]}]`
//! whose members say nothing but `required`. It adds no shape to the merged struct (the fields stay
//! optional in Rust), but it is a rule a valid value follows. The same `anyOf` written on the object
//! schema itself, beside its `properties`, is the same rule, so it is carried in the IR
//! (`TypeKind::Struct::required_alternatives`) for the conformance driver's values, as are the
//! schema's own `oneOf` of `required` lists ("exactly one of") and `not: {required: [...]}`
//! ("never all of": `TypeKind::Struct::forbidden_combinations`).

use openapiv3::{AnySchema, ReferenceOr, Schema, SchemaKind};

/// The lists of a schema that is only an `anyOf` of `required` lists, or `None`.
pub fn required_alternatives_of(schema: &Schema) -> Option<Vec<Vec<String>>> {
    let members = match &schema.schema_kind {
        SchemaKind::AnyOf { any_of } => any_of,
        SchemaKind::Any(any)
            if *any
                == (AnySchema {
                    any_of: any.any_of.clone(),
                    ..AnySchema::default()
                }) =>
        {
            &any.any_of
        }
        _ => return None,
    };
    lists_of_bare_required(members)
}

/// The presence rules written on an object schema itself, beside its `properties`: "at least one
/// of" (`anyOf: [{required: [a]}, {required: [b]}]`, and a `oneOf` of such lists) and "never all
/// of" (`not: {required: [a, b]}`, and each two lists of such a `oneOf`: exactly one list holds
/// when at least one does and no two do).
pub fn own_presence_rules(any: &AnySchema) -> (Vec<Vec<Vec<String>>>, Vec<Vec<String>>) {
    let mut at_least_one = Vec::new();
    let mut never_all = Vec::new();
    if let Some(lists) = lists_of_bare_required(&any.any_of) {
        at_least_one.push(lists);
    }
    if let Some(lists) = lists_of_bare_required(&any.one_of) {
        for (index, first) in lists.iter().enumerate() {
            for second in &lists[index + 1..] {
                let mut both = first.clone();
                both.extend(second.iter().filter(|key| !first.contains(key)).cloned());
                never_all.push(both);
            }
        }
        at_least_one.push(lists);
    }
    if let Some(mut lists) = any
        .not
        .as_deref()
        .and_then(|not| lists_of_bare_required(std::slice::from_ref(not)))
    {
        never_all.append(&mut lists);
    }
    (at_least_one, never_all)
}

/// Whether every member says nothing but `required`: presence rules, not shapes.
pub fn required_alternatives_of_members(members: &[ReferenceOr<Schema>]) -> bool {
    lists_of_bare_required(members).is_some()
}

/// The lists of members that each say nothing but `required`; `None` when any says more.
fn lists_of_bare_required(members: &[ReferenceOr<Schema>]) -> Option<Vec<Vec<String>>> {
    if members.is_empty() {
        return None;
    }
    members
        .iter()
        .map(|member| match member {
            ReferenceOr::Item(Schema {
                schema_kind: SchemaKind::Any(any),
                ..
            }) if !any.required.is_empty()
                && *any
                    == (AnySchema {
                        required: any.required.clone(),
                        ..AnySchema::default()
                    }) =>
            {
                Some(any.required.clone())
            }
            _ => None,
        })
        .collect()
}

/// The alternatives of an `allOf`'s members, through `$ref`s and nested `allOf`s (`component`
/// resolves a `$ref`), in member order.
pub fn collect_required_alternatives<'s>(
    members: &'s [ReferenceOr<Schema>],
    component: &dyn Fn(&str) -> Option<&'s Schema>,
    depth: usize,
    alternatives: &mut Vec<Vec<Vec<String>>>,
) {
    if depth > 32 {
        return;
    }
    for member in members {
        let schema = match member {
            ReferenceOr::Item(schema) => schema,
            ReferenceOr::Reference { reference } => match component(reference) {
                Some(schema) => schema,
                None => continue,
            },
        };
        if let Some(lists) = required_alternatives_of(schema) {
            alternatives.push(lists);
            continue;
        }
        match &schema.schema_kind {
            SchemaKind::AllOf { all_of } => {
                collect_required_alternatives(all_of, component, depth + 1, alternatives)
            }
            SchemaKind::Any(any) => {
                collect_required_alternatives(&any.all_of, component, depth + 1, alternatives)
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{own_presence_rules, required_alternatives_of};
    use openapiv3::{Schema, SchemaKind};
    use serde_json::json;

    type Rules = (Vec<Vec<Vec<String>>>, Vec<Vec<String>>);

    fn own_rules(schema: serde_json::Value) -> Rules {
        let schema: Schema = serde_json::from_value(schema).expect("a schema");
        match &schema.schema_kind {
            SchemaKind::Any(any) => own_presence_rules(any),
            other => panic!("not read as a schema of several keywords: {other:?}"),
        }
    }

    fn lists(lists: &[&[&str]]) -> Vec<Vec<String>> {
        lists
            .iter()
            .map(|list| list.iter().map(|key| key.to_string()).collect())
            .collect()
    }

    #[test]
    fn an_objects_own_one_of_and_not_of_required_lists_are_presence_rules() {
        // "Exactly one of" three lists: at least one, and no two together.
        let (at_least_one, never_all) = own_rules(json!({
            "type": "object",
            "properties": {"a": {}, "b": {}, "c": {}},
            "oneOf": [{"required": ["a"]}, {"required": ["b"]}, {"required": ["a", "c"]}]
        }));
        assert_eq!(at_least_one, vec![lists(&[&["a"], &["b"], &["a", "c"]])]);
        assert_eq!(
            never_all,
            lists(&[&["a", "b"], &["a", "c"], &["b", "a", "c"]])
        );
        let (at_least_one, never_all) = own_rules(json!({
            "type": "object",
            "properties": {"url": {}, "id": {}},
            "anyOf": [{"required": ["url"]}, {"required": ["id"]}],
            "not": {"required": ["url", "id"]}
        }));
        assert_eq!(at_least_one, vec![lists(&[&["url"], &["id"]])]);
        assert_eq!(never_all, lists(&[&["url", "id"]]));
        // A `oneOf` of shapes, or a `not` that says more than `required`, is no presence rule.
        let (at_least_one, never_all) = own_rules(json!({
            "type": "object",
            "properties": {"a": {}},
            "oneOf": [{"required": ["a"]}, {"type": "object", "required": ["b"]}],
            "not": {"required": ["a"], "properties": {"a": {"type": "string"}}}
        }));
        assert!(at_least_one.is_empty() && never_all.is_empty());
    }

    fn alternatives(schema: serde_json::Value) -> Option<Vec<Vec<String>>> {
        required_alternatives_of(&serde_json::from_value(schema).expect("a schema"))
    }

    #[test]
    fn only_an_any_of_of_bare_required_lists_is_a_rule_of_alternatives() {
        assert_eq!(
            alternatives(json!({"anyOf": [
                {"title": "Inbound", "required": ["inbound_rules"]},
                {"required": ["outbound_rules", "name"]}
            ]})),
            Some(vec![
                vec!["inbound_rules".to_string()],
                vec!["outbound_rules".to_string(), "name".to_string()]
            ])
        );
        // A member with a shape of its own is a union, not a rule.
        assert_eq!(
            alternatives(json!({"anyOf": [
                {"required": ["a"]},
                {"type": "object", "properties": {"b": {"type": "string"}}, "required": ["b"]}
            ]})),
            None
        );
        assert_eq!(
            alternatives(
                json!({"anyOf": [{"required": ["a"]}, {"$ref": "#/components/schemas/B"}]})
            ),
            None
        );
        assert_eq!(
            alternatives(json!({"anyOf": [{"description": "no list"}]})),
            None
        );
        assert_eq!(
            alternatives(json!({"oneOf": [{"required": ["a"]}, {"required": ["b"]}]})),
            None
        );
        assert_eq!(alternatives(json!({"type": "string"})), None);
    }
}
