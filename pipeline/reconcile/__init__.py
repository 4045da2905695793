"""pipeline.reconcile."""
