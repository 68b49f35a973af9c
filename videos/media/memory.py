"""Handing freed memory back to the OS: glibc keeps what decoders free in per-thread arenas, which adds up
over several large photos (and is counted in the process's RSS while the encoder allocates its own)."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools


def release_free_memory() -> None:
    """Return the freed heap memory of every thread's arena to the OS (a no-op where libc is not glibc)."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        _libc().malloc_trim(0)


@functools.cache
def _libc() -> ctypes.CDLL:
    # find_library runs ldconfig in a subprocess: once per process, not per photo.
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
