"""The one write pipeline, shared by the seed loader and the write API."""
