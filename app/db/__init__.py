"""The database: tables, engine, migrations glue and error classes."""
