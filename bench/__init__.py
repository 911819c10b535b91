"""Measurement scripts: accuracy on the evaluation set, and speed."""
