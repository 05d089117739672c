"""A MongoDB-compatible server for tests: SecantusDB in-process (GPL, beta, test-only), or the real MongoDB that
`OCPI_HUB_TEST_MONGODB_URI` names."""

from __future__ import annotations

import contextlib
import os
import socket
import tempfile
from collections.abc import Iterator


@contextlib.contextmanager
def secantus_server() -> Iterator[str]:
    from secantus import SecantusDBServer

    with tempfile.TemporaryDirectory(prefix="secantus-") as data_dir:
        server = SecantusDBServer(host="127.0.0.1", port=0, storage_path=data_dir)
        server.start()
        try:
            yield server.uri
        finally:
            # Wakes the accept() thread at once; without it stop() waits two seconds (SecantusDB 0.7.0b3).
            with contextlib.suppress(OSError, AttributeError):
                server._socket.shutdown(socket.SHUT_RDWR)
            server.stop()


def real_mongodb_uri() -> str | None:
    return os.environ.get("OCPI_HUB_TEST_MONGODB_URI") or None
