"""Dashboard pages (one module per page) and their shared plumbing; dashboard.py wires them."""
