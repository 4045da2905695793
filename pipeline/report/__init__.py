"""Outputs: JSONL files (SPEC shapes), terminal tables and the HTML report."""
