"""The cyclic garbage collector, paused where a great many objects are made at once and kept.

Loading the app, reading and checking a big file, and matching each make hundreds of thousands of
small objects that live to the end of the work: left on, the collector would rescan them all,
again and again, for nothing. `paused()` turns it off for the work and back on after (if it was
on). With `set_aside=True` what was made is then handed over for good (gc.freeze): what a
`flask` command loads as it starts lives as long as the process, and the collector then neither
walks it at a full collection nor takes it apart object by object on exit.
"""
import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused(*, set_aside: bool = False) -> Iterator[None]:
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if set_aside:
            gc.freeze()
        if collecting:
            gc.enable()
