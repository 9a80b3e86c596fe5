"""Use cases over a database session: they take plain data (never a form) and return rows.
Branch scope, when staff read data, is enforced here."""
