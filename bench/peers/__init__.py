"""Minimal python-telegram-bot bots the end-to-end benchmark compares Clientwise with."""
