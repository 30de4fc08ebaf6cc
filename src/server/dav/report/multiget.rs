//! addressbook-multiget (RFC 6352 §8.7) and calendar-multiget (RFC 4791
//! §7.9): the requested members with their data, 404 for each href that
//! names nothing. eM Client asks for thousands of hrefs at once: they are
//! read [`CHUNK`](super::CHUNK) at a time and the answer streams.

use std::collections::HashMap;

use axum::response::Response;

use crate::store::ObjectStore;
use crate::universal::ObjectName;

use super::super::Ctx;
use super::super::propfind::discovery;
use super::super::props::PropContext;
use super::super::reply::{self, Sink};
use super::super::resource::Reached;
use super::super::xml::Href;
use super::super::xml::request::PropFind;
use super::super::xml::response::{Response as DavResponse, Status};
use super::{CHUNK, DataWant, object_response, report_locks};

/// The member name an href names in this collection, if it names one.
fn member_name(reached: &Reached, href: &Href) -> Option<ObjectName> {
    let collection = reached.href();
    let rest = href.path().strip_prefix(collection.path())?;
    (!rest.is_empty() && !rest.contains('/')).then(|| ObjectName(rest.to_owned()))
}

pub fn run(ctx: &Ctx, reached: Reached, hrefs: Vec<Href>, props: PropFind, data: DataWant) -> Response {
    let store = ctx.store().clone();
    let user = ctx.user.clone();
    let limits = ctx.limits().clone();
    reply::stream(move |mut sink: Sink| async move {
        let pctx = PropContext {
            user: &user,
            limits: &limits,
        };
        let space = match report_locks(&store, &reached, &props).await {
            Ok(space) => space,
            Err(error) => return sink.fail(&error).await,
        };
        for chunk in hrefs.chunks(CHUNK) {
            let names: Vec<ObjectName> = chunk.iter().filter_map(|h| member_name(&reached, h)).collect();
            let found = match store.objects(&reached.collection.id, &names).await {
                Ok(found) => found,
                Err(error) => return sink.fail(&error).await,
            };
            let by_name: HashMap<_, _> = found.iter().filter(|o| !o.deleted).map(|o| (&o.name, o)).collect();
            for href in chunk {
                let object = member_name(&reached, href).and_then(|n| by_name.get(&n).copied());
                let response = match object {
                    Some(object) => {
                        let locks = discovery(space.as_deref(), &reached, Some(&object.name));
                        object_response(&pctx, href.clone(), object, reached.access, &props, Some(&data), &locks)
                    }
                    None => DavResponse::with_status(href.clone(), Status::NOT_FOUND),
                };
                if sink.push(&response).await.is_err() {
                    return;
                }
            }
        }
        let _ = sink.finish(None).await;
    })
}
