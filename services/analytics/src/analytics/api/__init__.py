"""HTTP routes: creators' figures and the view beacon; the marketplace's discovery lists."""

from analytics.api import figures, market

routers = [figures.router, market.router]
