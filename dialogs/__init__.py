"""Transport-neutral questionnaire: flow declaration, dialog state and the pure engine."""
