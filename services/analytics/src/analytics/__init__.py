"""Analytics: reads every service's events from the `analytics.events` stream into figures."""
