"""A Jupyter kernel manager that cannot clash on TCP ports when kernels start in parallel.

papermill issue 511 (open): starting several kernels at once can pick the same free TCP port
twice and fail with ``ZMQError: Address already in use``. The known cure is the IPC transport
(Unix domain sockets). jupyter_client numbers IPC socket files ``<ip>-1``, ``<ip>-2``... in one
folder, which can race too, so every kernel gets its own private folder.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from jupyter_client import AsyncKernelManager

__all__ = ["IsolatedKernelManager"]


class IsolatedKernelManager(AsyncKernelManager):
    """Kernel manager using IPC sockets in a private temporary folder.

    The kernel's stderr goes to ``kernel.log`` in that folder instead of the terminal: ipykernel
    7 prints "KeyboardInterrupt caught in kernel" at every shutdown, which users read as an
    error. :attr:`kernel_log_tail` keeps the end of the log for failure messages.
    """

    def __init__(self, **kw):
        super().__init__(**kw)
        if sys.platform.startswith("win"):  # pragma: no cover - no Unix sockets
            return
        # Short prefix: a Unix socket path must stay under ~100 characters.
        self._private_dir = Path(tempfile.mkdtemp(prefix="mk-"))
        self.transport = "ipc"
        self.ip = str(self._private_dir / "k")
        self._log_handle = None
        self.kernel_log_tail = ""

    #: Variables added to the kernel's environment (see :meth:`with_env`).
    extra_env: dict[str, str] = {}

    @classmethod
    def with_env(cls, env: dict[str, str]) -> type["IsolatedKernelManager"]:
        """A subclass whose kernels also get ``env`` (papermill takes a class, not an instance).

        The report pipeline tells each kernel which notebook it runs and where its results go
        this way: several kernels run at once, so the process's own environment cannot say.
        """
        return type(cls.__name__, (cls,), {"extra_env": {**cls.extra_env, **env}})

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        if self.extra_env:
            kw["env"] = {**(kw.get("env") or os.environ), **self.extra_env}
        if getattr(self, "_private_dir", None) is not None and "stderr" not in kw:
            self._log_handle = open(self._private_dir / "kernel.log", "wb")
            kw["stderr"] = self._log_handle
        await super()._async_launch_kernel(kernel_cmd, **kw)

    _launch_kernel = _async_launch_kernel

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if restart or getattr(self, "_private_dir", None) is None:
            return
        if self._log_handle is not None:
            self._log_handle.close()
            self._log_handle = None
            log = self._private_dir / "kernel.log"
            if log.exists():
                lines = [
                    ln for ln in log.read_text(errors="replace").splitlines()
                    if "KeyboardInterrupt caught in kernel" not in ln
                ]
                self.kernel_log_tail = "\n".join(lines[-20:])
        shutil.rmtree(self._private_dir, ignore_errors=True)

    cleanup_resources = _async_cleanup_resources
