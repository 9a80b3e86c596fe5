"""Pure rules over plain data: no Flask, no database. Tested without an app."""
