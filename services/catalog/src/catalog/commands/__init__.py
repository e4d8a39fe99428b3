"""Application layer: each command is one unit of work (load streams, decide, append).

Uploaded files are staged before a command runs; they are moved into the blob store only after
every decision of the command has passed, so a refused request stores nothing.
"""

from catalog.commands.base import Catalog
from catalog.commands.library import DownloadPlan, acquire_free, download
from catalog.commands.moderation import moderate, report, resolve_report, save_collection
from catalog.commands.personas import (
    check_owner,
    create_persona,
    delete_persona,
    edit_persona,
    merge_patch,
    publish_version,
    submit_persona,
)
from catalog.commands.reviews import (
    delete_review,
    edit_review,
    post_review,
    respond_to_review,
    vote_helpful,
)

__all__ = [
    "Catalog",
    "DownloadPlan",
    "acquire_free",
    "check_owner",
    "create_persona",
    "delete_persona",
    "delete_review",
    "download",
    "edit_persona",
    "edit_review",
    "merge_patch",
    "moderate",
    "post_review",
    "publish_version",
    "report",
    "resolve_report",
    "respond_to_review",
    "save_collection",
    "submit_persona",
    "vote_helpful",
]
