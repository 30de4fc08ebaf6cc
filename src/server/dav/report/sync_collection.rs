//! sync-collection (RFC 6578 §3): the members changed or removed since a
//! token, read from the change log (O(changes), never O(collection)).
//!
//! - No token: every member, and the current position as the token.
//! - A token: the members whose log rows come after it; a removed member is
//!   a response with status 404 (§3.5.2).
//! - `limit` (§3.6): at most that many log rows; when more wait, the
//!   request-URI gets a 507 `number-of-matches-within-limits` response and
//!   the token continues where this answer stopped.
//! - Tokens are URIs `http://pimgate/sync/<position>`, a change-log
//!   position (the same number is the CTag). Positions never go back: a
//!   collection made again at a deleted one's URL (MKCOL, MKCALENDAR,
//!   COPY, MOVE) starts its log above every position handed out before,
//!   so its tokens and CTags never repeat its predecessor's. Anything not
//!   of this form, a position pruned from or ahead of the log, or one
//!   handed out for a predecessor is 403 `valid-sync-token` (§3.2): the
//!   client starts over with an initial sync.

use axum::response::Response;

use crate::engine::EngineError;
use crate::server::error::ServerError;
use crate::store::{ChangeLog, ChangedMember, ObjectStore, StoreError};
use crate::universal::Seq;

use super::super::Ctx;
use super::super::listing;
use super::super::props::{SYNC_TOKEN_PREFIX, sync_token};
use super::super::resource::Reached;
use super::super::xml::request::PropFind;
use super::super::xml::response::{Precondition, Response as DavResponse, Status};
use super::{CHUNK, DataWant, Scope, listed_response, stream};

/// Reads a sync token back into a position.
pub fn parse_token(token: &str) -> Result<Seq, ServerError> {
    token
        .strip_prefix(SYNC_TOKEN_PREFIX)
        .and_then(|n| n.parse::<i64>().ok())
        .filter(|n| *n >= 0)
        .map(Seq)
        .ok_or_else(|| {
            ServerError::precondition_because(Precondition::ValidSyncToken, format!("unknown sync token {token:?}"))
        })
}

/// What a sync answer lists: members in order, the token, and whether it
/// was truncated.
struct Plan {
    members: Members,
    token: Seq,
    truncated: bool,
}

/// The members a sync answer lists.
enum Members {
    /// These, in order (changed since the token, or a limited initial page).
    Changed(Vec<ChangedMember>),
    /// Every live member (an initial sync without a limit).
    All,
}

pub async fn run(
    ctx: &Ctx,
    reached: Reached,
    token: Option<String>,
    limit: Option<u32>,
    props: PropFind,
    data: Option<DataWant>,
) -> Result<Response, ServerError> {
    let since = token.as_deref().map(parse_token).transpose()?;
    let plan = plan(ctx, &reached, since, limit).await?;
    Ok(stream(ctx, reached, props, move |mut sink, scope| async move {
        let changed = match plan.members {
            Members::Changed(changed) => changed,
            Members::All => {
                // An initial sync: every live member, read a page ahead.
                let mut pages = listing::member_pages(scope.store.clone(), scope.reached.collection.id.clone());
                while let Some(page) = pages.recv().await {
                    let page: Vec<ChangedMember> = match page {
                        Ok(page) => page.into_iter().map(ChangedMember::Live).collect(),
                        Err(error) => return sink.fail(&error).await,
                    };
                    match responses(&scope, data.as_ref(), &page).await {
                        Ok(responses) if sink.push_all(&responses).await.is_ok() => {}
                        Ok(_) => return,
                        Err(error) => return sink.fail(&error).await,
                    }
                }
                Vec::new()
            }
        };
        for part in changed.chunks(CHUNK) {
            match responses(&scope, data.as_ref(), part).await {
                Ok(responses) if sink.push_all(&responses).await.is_ok() => {}
                Ok(_) => return,
                Err(error) => return sink.fail(&error).await,
            }
        }
        if plan.truncated {
            let mut response = DavResponse::with_status(scope.reached.href(), Status::INSUFFICIENT_STORAGE);
            response.error = Some(Precondition::NumberOfMatchesWithinLimits);
            if sink.push(&response).await.is_err() {
                return;
            }
        }
        let _ = sink.finish(Some(&sync_token(plan.token))).await;
    }))
}

/// The `<response>`s of members whose summaries are at hand: from the
/// summaries when no data is asked for (nothing more to read), else read
/// like a multiget's members; a removed member is a 404.
async fn responses(
    scope: &Scope,
    data: Option<&DataWant>,
    members: &[ChangedMember],
) -> Result<Vec<DavResponse>, StoreError> {
    let reached = &scope.reached;
    if data.is_none() {
        let pctx = scope.pctx();
        let space = scope.space.as_deref();
        return Ok(members
            .iter()
            .map(|member| {
                let href = reached.object_href(member.name());
                match member {
                    ChangedMember::Live(summary) => listed_response(&pctx, reached, space, &scope.props, href, summary),
                    ChangedMember::Removed(_) => DavResponse::with_status(href, Status::NOT_FOUND),
                }
            })
            .collect());
    }
    let members = members
        .iter()
        .map(|member| {
            let live = matches!(member, ChangedMember::Live(_)).then(|| member.name().clone());
            (reached.object_href(member.name()), live)
        })
        .collect();
    scope.member_responses(data, members).await
}

/// Which members to report, from the log (or a listing for an initial sync).
async fn plan(ctx: &Ctx, reached: &Reached, since: Option<Seq>, limit: Option<u32>) -> Result<Plan, ServerError> {
    let id = &reached.collection.id;
    let found = match (since, limit) {
        (None, None) => return initial(ctx, reached).await,
        // An initial sync lists only live members; later ones tombstones too.
        (None, Some(limit)) => ctx.store().members_since(id, Seq(0), limit, true).await,
        (Some(since), limit) => {
            ctx.store()
                .members_since(id, since, limit.unwrap_or(u32::MAX), false)
                .await
        }
    };
    let found = found.map_err(|e| ServerError::from(EngineError::from(e)))?;
    Ok(Plan {
        members: Members::Changed(found.members),
        token: found.next,
        truncated: found.more,
    })
}

/// An initial sync: the position first, then every live member. A change
/// between the two is listed now and again by the next sync, never lost.
async fn initial(ctx: &Ctx, reached: &Reached) -> Result<Plan, ServerError> {
    let token = ctx.store().current_seq(&reached.collection.id).await?;
    Ok(Plan {
        members: Members::All,
        token,
        truncated: false,
    })
}
