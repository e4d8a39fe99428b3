"""HTTP routes, mounted at their public paths (the gateway forwards them unchanged)."""

from catalog.api.admin import router as admin_router
from catalog.api.media import router as media_router
from catalog.api.personas import router as personas_router
from catalog.api.reviews import router as reviews_router
from catalog.api.users import router as users_router
from catalog.internal import router as internal_router

routers = [
    personas_router,
    media_router,
    reviews_router,
    admin_router,
    users_router,
    internal_router,
]

__all__ = ["routers"]
