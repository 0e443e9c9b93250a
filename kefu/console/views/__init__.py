"""The agent console's views, one module per page or group of endpoints."""
