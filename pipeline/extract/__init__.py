"""pipeline.extract."""
