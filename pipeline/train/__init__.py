"""pipeline.train."""
