"""Refuse every network connection that does not go to a loopback address, and say so on stderr.

Installed in the test process (conftest) and, through sitecustomize, in the app subprocess, so a test
fails if Gradio or anything else tries to reach the outside world.
"""

import ipaddress
import socket
import sys

MARKER = "NETGUARD blocked"
_LOCAL_NAMES = {"localhost", "localhost.localdomain", ""}


def _is_local(host) -> bool:
    if isinstance(host, bytes):
        host = host.decode()
    if host is None or str(host).lower() in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def install() -> None:
    if getattr(socket, "_loopback_only", False):
        return
    original_connect = socket.socket.connect
    original_connect_ex = socket.socket.connect_ex
    original_getaddrinfo = socket.getaddrinfo

    def refuse(what):
        sys.stderr.write(f"{MARKER} {what}\n")
        sys.stderr.flush()
        raise ConnectionRefusedError(f"{MARKER} {what}")

    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
            refuse(f"connect to {address!r}")
        return original_connect(self, address)

    def connect_ex(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
            refuse(f"connect_ex to {address!r}")
        return original_connect_ex(self, address)

    def getaddrinfo(host, *args, **kwargs):
        if not _is_local(host):
            refuse(f"name lookup of {host!r}")
        return original_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = connect
    socket.socket.connect_ex = connect_ex
    socket.getaddrinfo = getaddrinfo
    socket._loopback_only = True
