"""pipeline.ingest."""
