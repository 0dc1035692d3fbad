//! (being built)

use std::sync::Arc;

use axum::Router;

use super::Hospital;

pub(super) fn routes() -> Router<Arc<Hospital>> {
    Router::new()
}
