"""Referrals (issue 16): the platforms notices go to and the law that makes an offer illegal.

Both are data in `config/` (`platforms/*.yaml`, `legal/*.yaml`); this package reads and checks them.
See docs/referrals.md.
"""
