"""Data layer: the only package that talks SQL to DuckDB."""
