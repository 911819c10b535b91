"""Transports and plumbing: command line, terminal chat, config (and Telegram, storage)."""
