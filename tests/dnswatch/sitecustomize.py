"""Loaded by a crawl process the tests start with this folder on PYTHONPATH: records every
name the process asks the system resolver for, into the file named by VIGIL_TEST_DNS_LOG."""

import os
import socket

_LOG = os.environ.get("VIGIL_TEST_DNS_LOG")


def _watch(name: str):
    original = getattr(socket, name)

    def watched(host, *args, **kwargs):
        if _LOG and host is not None:
            text = host.decode("ascii", "replace") if isinstance(host, bytes) else str(host)
            with open(_LOG, "a", encoding="utf-8") as log:
                log.write(f"{name} {text}\n")
        return original(host, *args, **kwargs)

    setattr(socket, name, watched)


if _LOG:
    for _name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex"):
        _watch(_name)
