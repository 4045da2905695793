"""pipeline.cli."""
