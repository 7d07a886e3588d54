"""Domain rules: the vocabulary, caveats, derivations, quotes and input records.

No FastAPI, no SQL: everything above imports from here, never the other way.
"""
