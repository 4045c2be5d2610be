"""Pure computation over a loaded DuckDB snapshot (never imports streamlit, never opens files).

Pages call these functions with a cursor and plain arguments; each returns values or frames
that the page only renders. See shared/spec/metrics.md for every definition.
"""
