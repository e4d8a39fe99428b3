"""Notifications: in-app notifications, the activity feed and product e-mail."""
