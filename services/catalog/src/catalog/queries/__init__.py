"""Read-side SQL for the API, by concern. Every list is a keyset page (`limit + 1` rows, opaque
cursor). Query functions take the pool or a connection first."""

from catalog.queries.browse import categories, collection, collections, tags
from catalog.queries.common import as_uuid, bad_cursor
from catalog.queries.feedback import report_json, reports, review_json, review_row, reviews
from catalog.queries.lists import (
    creator_personas,
    moderation_queue,
    my_personas,
    purchases,
    user_id_for,
)
from catalog.queries.market import SORTS, WINDOW, SearchParams, search
from catalog.queries.moderation import (
    is_trusted,
    review_files,
    version_in_review,
    version_queue,
)
from catalog.queries.personas import (
    DETAIL_VERSIONS,
    PERSONA_COLUMNS,
    can_see,
    image_json,
    persona_detail,
    persona_json,
    persona_row,
    version_json,
    version_row,
    versions,
    versions_page,
)

__all__ = [
    "DETAIL_VERSIONS",
    "PERSONA_COLUMNS",
    "SORTS",
    "WINDOW",
    "SearchParams",
    "as_uuid",
    "bad_cursor",
    "can_see",
    "categories",
    "collection",
    "collections",
    "creator_personas",
    "image_json",
    "is_trusted",
    "moderation_queue",
    "my_personas",
    "persona_detail",
    "persona_json",
    "persona_row",
    "purchases",
    "report_json",
    "reports",
    "review_files",
    "review_json",
    "review_row",
    "reviews",
    "search",
    "tags",
    "user_id_for",
    "version_in_review",
    "version_json",
    "version_queue",
    "version_row",
    "versions",
    "versions_page",
]
