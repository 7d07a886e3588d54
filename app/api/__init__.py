"""The HTTP API: dependencies, cursors, input and output shapes, routes."""
