//! Operations whose documented errors (or parameters) are identical share one error enum (or
//! parameter struct): the later ones are `type` aliases of the first. An API such as Oxide's
//! has 192 operations and two distinct error shapes; one enum per operation, each with its own
//! `Display`, was most of what its crate took to compile, for no difference a caller could use.

use crate::ir::{Operation, OperationKind};
use std::collections::HashMap;

/// Sets `error_type_same_as` and `parameters_type_same_as`, in operation order, so the first
/// operation of each shape keeps its own type and the others name it.
pub fn share_identical_error_and_parameter_types(operations: &mut [Operation]) {
    let mut error_shapes: HashMap<String, String> = HashMap::new();
    let mut parameter_shapes: HashMap<String, String> = HashMap::new();
    for operation in operations.iter_mut() {
        // A URL builder has no error enum of its own to share.
        if operation.kind != OperationKind::UrlBuilder {
            // Everything the enum and its `Display` are generated from: variants, their docs
            // and payloads, statuses, and where the provider's message is.
            let shape = format!("{:?}{:?}", operation.errors, operation.error_messages);
            match error_shapes.get(&shape) {
                Some(first) => operation.error_type_same_as = Some(first.clone()),
                None => {
                    error_shapes.insert(shape, operation.error_type.clone());
                }
            }
        }
        if let Some(parameters_type) = &operation.parameters_type {
            // Everything the struct, its serde names and its constructors are generated from.
            // (Not how each value is sent: that is the method's code, not the struct's.)
            let shape: Vec<String> = operation
                .parameters
                .iter()
                .map(|parameter| {
                    format!(
                        "{:?}",
                        (
                            &parameter.rust_name,
                            &parameter.wire_name,
                            parameter.location,
                            &parameter.type_ref,
                            parameter.required,
                            &parameter.docs,
                        )
                    )
                })
                .collect();
            let shape = shape.join("\n");
            match parameter_shapes.get(&shape) {
                Some(first) => operation.parameters_type_same_as = Some(first.clone()),
                None => {
                    parameter_shapes.insert(shape, parameters_type.clone());
                }
            }
        }
    }
}
