"""Identity service: users, credentials, tokens, JWKS, profiles, follows, roles."""
