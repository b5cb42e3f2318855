"""One report run per period at a time: the lock lives in :mod:`mutasi_analysis.locking`."""

from ..locking import ReportLocked, period_lock

__all__ = ["ReportLocked", "period_lock"]
