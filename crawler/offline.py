"""No lookups beyond the market: Scrapy's cookie handling asks tldextract for the Public
Suffix List, which by default downloads it (a clear-web DNS lookup and request in the middle
of a crawl, and a failure on machines without internet). Use the snapshot tldextract ships.
"""

from __future__ import annotations

from scrapy.downloadermiddlewares import cookies
from tldextract import TLDExtract


def use_bundled_suffix_list() -> None:
    cookies._split_domain = TLDExtract(suffix_list_urls=(), include_psl_private_domains=True)
