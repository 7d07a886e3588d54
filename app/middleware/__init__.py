"""Pure ASGI middleware, composed in one ordered list in app.main."""
