"""pipeline.report."""
