//! addressbook-multiget (RFC 6352 §8.7) and calendar-multiget (RFC 4791
//! §7.9): the requested members with the properties asked for — their data
//! only when address-data / calendar-data is among them (a multiget for
//! ETags alone reads no bodies) — and 404 for each href that names nothing.
//! eM Client asks for thousands of hrefs at once: they are read
//! [`CHUNK`](super::CHUNK) at a time and the answer streams.

use axum::response::Response;

use crate::universal::ObjectName;

use super::super::Ctx;
use super::super::resource::Reached;
use super::super::xml::Href;
use super::super::xml::request::PropFind;
use super::{CHUNK, DataWant, stream};

/// The member name an href names in this collection, if it names one.
fn member_name(reached: &Reached, href: &Href) -> Option<ObjectName> {
    let collection = reached.href();
    let rest = href.path().strip_prefix(collection.path())?;
    (!rest.is_empty() && !rest.contains('/')).then(|| ObjectName(rest.to_owned()))
}

pub fn run(ctx: &Ctx, reached: Reached, hrefs: Vec<Href>, props: PropFind, data: Option<DataWant>) -> Response {
    stream(ctx, reached, props, move |mut sink, scope| async move {
        for chunk in hrefs.chunks(CHUNK) {
            let members = chunk
                .iter()
                .map(|href| (href.clone(), member_name(&scope.reached, href)))
                .collect();
            match scope.member_responses(data.as_ref(), members).await {
                Ok(responses) if sink.push_all(&responses).await.is_ok() => {}
                Ok(_) => return,
                Err(error) => return sink.fail(&error).await,
            }
        }
        let _ = sink.finish(None).await;
    })
}
