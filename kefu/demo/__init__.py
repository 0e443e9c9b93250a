"""The demo help desk `kefu demo` loads; above every domain app, it may import them all."""
