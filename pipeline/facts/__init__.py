"""pipeline.facts."""
