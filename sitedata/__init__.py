"""The site's data, shared by the MkDocs build and the Flask service, without Flask.

- `models`: the schema of data/*.yml (pydantic);
- `loader`: reads and validates them (`load`, `load_default`);
- `urls`: the languages and where a page lives in each (French has no prefix);
- `formatting`: numbers and figures in each language's typography (Babel).
"""

from sitedata.loader import DATA_DIR, load, load_default
from sitedata.models import DataError, SiteData
from sitedata.urls import DEFAULT_LANGUAGE, LANGUAGES, language_of_path, page_url, split_language

__all__ = [
    "DATA_DIR",
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "DataError",
    "SiteData",
    "language_of_path",
    "load",
    "load_default",
    "page_url",
    "split_language",
]
