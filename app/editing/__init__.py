"""Writing records: the shared steps of the seed loader and the write API."""
