"""Kefu: a self-hosted, multi-channel help desk for crypto wallets and exchanges."""
