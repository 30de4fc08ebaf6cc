//! `docs/sync-api.yaml` against the running server: every documented
//! path and method exists and answers only documented statuses, and 200
//! bodies carry their schema's required fields.

mod common;
mod sync_support;

use serde_yaml::Value;
use sync_support::*;

fn required(spec: &Value, schema: &str) -> Vec<String> {
    spec["components"]["schemas"][schema]["required"]
        .as_sequence()
        .map(|s| s.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn every_documented_operation_answers_documented_statuses_and_fields() {
    let spec: Value = serde_yaml::from_str(&std::fs::read_to_string("docs/sync-api.yaml").unwrap()).unwrap();
    let server = setup().await;
    let d = device(&server, "alice", "checker").await;
    // The revoke operation takes another device, so `d` stays valid.
    let spare = device(&server, "alice", "spare").await;
    let mut checked = 0;
    for (path, item) in spec["paths"].as_mapping().unwrap() {
        let path = path
            .as_str()
            .unwrap()
            .replace("{owner}", "alice")
            .replace("{home}", "addressbooks")
            .replace("{name}", "contacts")
            .replace("{id}", &spare.id.0);
        for (method, op) in item.as_mapping().unwrap() {
            let method = reqwest::Method::from_bytes(method.as_str().unwrap().to_uppercase().as_bytes()).unwrap();
            let documented: Vec<u16> = op["responses"]
                .as_mapping()
                .unwrap()
                .keys()
                .map(|k| k.as_str().unwrap().parse().unwrap())
                .collect();
            // Unauthenticated: the route exists and refuses with 401.
            let anonymous = server
                .client
                .request(method.clone(), server.url(&path))
                .send()
                .await
                .unwrap();
            assert_eq!(anonymous.status(), 401, "{method} {path}");
            // Authenticated (device paths by token, device management by Basic).
            let request = server.client.request(method.clone(), server.url(&path));
            let request = if path.starts_with("/sync/v1/devices") {
                request
                    .basic_auth("alice", Some(PASSWORD))
                    .json(&serde_json::json!({ "name": "other" }))
            } else if path.ends_with("/push") {
                request
                    .bearer_auth(&d.token)
                    .json(&serde_json::json!({ "transactions": [] }))
            } else {
                request.bearer_auth(&d.token)
            };
            let response = request.send().await.unwrap();
            assert_ne!(response.status(), 401, "{method} {path}: valid credentials refused");
            let status = response.status().as_u16();
            assert!(
                documented.contains(&status),
                "{method} {path} answered undocumented {status}"
            );
            let schema = op["responses"][status.to_string().as_str()]["content"]["application/json"]["schema"]["$ref"]
                .as_str()
                .or_else(|| status.ge(&400).then_some("#/components/schemas/ApiError"));
            if let Some(schema) = schema {
                let body: serde_json::Value = response.json().await.unwrap();
                for field in required(&spec, schema.trim_start_matches("#/components/schemas/")) {
                    assert!(
                        body.get(&field).is_some(),
                        "{method} {path} {status}: no {field} in {body}"
                    );
                }
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 9);
}
