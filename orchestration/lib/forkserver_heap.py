"""Imported last by a worker pool's forkserver, after the modules it preloads: moves everything they created out
of the garbage collector's reach (`gc.freeze`, Python's advice before forking). Every worker forked from that server
inherits the heap; without this each of its collections walks all of GX and reportlab again, which made the payout's
documents about 15% slower when the server had GX loaded (the gate starts it first in a run over several months)."""
import gc

gc.freeze()
