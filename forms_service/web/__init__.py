"""What every response shares: security headers and cookies, error pages, the page context,
and (for `make serve`) the built site."""
