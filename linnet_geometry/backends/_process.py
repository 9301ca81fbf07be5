"""Running external tools safely: own process group, typed timeout, nothing left running.

Every external engine the library calls (msolve, Singular, Macaulay2, phc) goes
through :func:`run_process`.  The child is started in a new session (its own
process group); on a timeout, a ``KeyboardInterrupt`` or any other exception the
whole group is killed, so no solver keeps a core busy after the caller gave up.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess

from ..exceptions import BackendFailedError, BackendTimeoutError, InputTypeError

__all__ = ["find_executable", "run_process"]


def find_executable(name, extra_dirs=()):
    """Path of an executable: the PATH first, then ``extra_dirs`` in order.

    Parameters
    ----------
    name : str
        Executable name (``"Singular"``, ``"M2"``, ``"msolve"``, ...).
    extra_dirs : iterable of str
        Directories searched after the PATH.

    Returns
    -------
    str or None
        Absolute path of an executable file, or ``None`` when not found.

    Examples
    --------
    >>> import sys, os
    >>> from linnet_geometry.backends import find_executable
    >>> find_executable("surely-not-an-executable-name") is None
    True
    >>> exe = find_executable(os.path.basename(sys.executable), [os.path.dirname(sys.executable)])
    >>> exe is not None and os.access(exe, os.X_OK)
    True
    """
    if not isinstance(name, str) or not name:
        raise InputTypeError(f"name: expected a non-empty str; received {name!r}")
    found = shutil.which(name)
    if found:
        return found
    for d in extra_dirs:
        cand = os.path.join(str(d), name)
        if os.path.isfile(cand) and os.access(cand, os.X_OK):
            return cand
    return None


def _kill_group(proc):
    """SIGKILL the child's whole process group (it leads its own session), then reap the child."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.kill()
    except ProcessLookupError:
        pass
    try:
        proc.communicate(timeout=5)
    except Exception:  # noqa: BLE001 - the pipes may be gone; the group is already killed
        pass


def _tail(text, n=400):
    if text is None:
        return ""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    text = text.strip()
    return text[-n:]


def run_process(cmd, *, timeout, cwd=None, input=None, name=None):  # noqa: A002 - mirrors subprocess.run
    """Run ``cmd`` in its own process group with a time limit; typed errors, no orphans.

    Parameters
    ----------
    cmd : list of str
        The command line.
    timeout : float
        Limit in seconds (positive, finite).
    cwd : str, optional
        Working directory.
    input : str, optional
        Text sent to the child's standard input.
    name : str, optional
        Tool name used in error messages (default: ``cmd[0]``'s base name).

    Returns
    -------
    subprocess.CompletedProcess
        With text ``stdout`` and ``stderr`` and return code 0.

    Raises
    ------
    BackendTimeoutError
        The limit passed; the whole process group has been killed.
    BackendFailedError
        Non-zero exit status (message names the tool and the tail of stderr).
    BackendNotFoundError
        (from the caller's lookup) — ``cmd[0]`` itself missing raises
        :class:`BackendFailedError` naming the path.

    Examples
    --------
    >>> import sys
    >>> from linnet_geometry.backends import run_process
    >>> run_process([sys.executable, "-c", "print(6*7)"], timeout=30).stdout.strip()
    '42'
    """
    if not isinstance(cmd, (list, tuple)) or not cmd or not all(isinstance(c, str) for c in cmd):
        raise InputTypeError(f"cmd: expected a non-empty list of str; received {cmd!r}")
    try:
        limit = float(timeout)
    except (TypeError, ValueError):
        raise InputTypeError(f"timeout: expected a positive number of seconds; received {timeout!r}") from None
    if not (limit > 0 and limit < float("inf")):
        raise InputTypeError(f"timeout: expected a positive finite number of seconds; received {timeout!r}")
    tool = name or os.path.basename(cmd[0])
    try:
        proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)
    except OSError as err:
        raise BackendFailedError(f"{tool}: expected an executable at {cmd[0]!r}; received {err}") from err
    try:
        out, err = proc.communicate(input=input, timeout=limit)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        raise BackendTimeoutError(f"{tool}: expected to finish within {limit:g} s; received no answer (process group "
                                  "killed)") from None
    except BaseException:
        _kill_group(proc)
        raise
    if proc.returncode != 0:
        raise BackendFailedError(f"{tool}: expected exit status 0; received {proc.returncode}; stderr tail: "
                                 f"{_tail(err)!r}; stdout tail: {_tail(out, 200)!r}")
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)
