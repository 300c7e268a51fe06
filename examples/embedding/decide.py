#!/usr/bin/env python3
"""Embedding Writ from Python over its C ABI (include/writ/writ.h), with the standard library only.

    decide.py POLICY_DIR REQUEST.json   (exit 0: allow, 1: deny, 2: usage or load error)

libwrit is found through $WRIT_LIBRARY (a path to libwrit.so), else as the system's `writ` library.
"""
import ctypes
import ctypes.util
import os
import sys


def load_library():
    path = os.environ.get("WRIT_LIBRARY") or ctypes.util.find_library("writ") or "libwrit.so.0"
    lib = ctypes.CDLL(path)
    char_pp = ctypes.POINTER(ctypes.c_char_p)
    lib.writ_version.restype = ctypes.c_char_p
    lib.writ_engine_load_paths.argtypes = [char_pp, ctypes.c_size_t, ctypes.c_void_p,
                                           ctypes.POINTER(ctypes.c_void_p)]
    lib.writ_engine_load_paths.restype = ctypes.c_void_p
    lib.writ_engine_free.argtypes = [ctypes.c_void_p]
    lib.writ_decide.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int]
    lib.writ_decide.restype = ctypes.c_void_p
    for name in ("writ_decision_reason", "writ_decision_json"):
        getattr(lib, name).argtypes = [ctypes.c_void_p]
        getattr(lib, name).restype = ctypes.c_char_p
    lib.writ_decision_allowed.argtypes = [ctypes.c_void_p]
    lib.writ_decision_free.argtypes = [ctypes.c_void_p]
    lib.writ_string_free.argtypes = [ctypes.c_void_p]
    return lib


def main(argv):
    if len(argv) != 3:
        print("usage: decide.py POLICY_DIR REQUEST.json", file=sys.stderr)
        return 2
    lib = load_library()
    paths = (ctypes.c_char_p * 1)(argv[1].encode())
    error = ctypes.c_void_p()
    engine = lib.writ_engine_load_paths(paths, 1, None, ctypes.byref(error))
    if not engine:
        print(ctypes.string_at(error.value).decode(errors="replace"), file=sys.stderr)
        lib.writ_string_free(error)
        return 2
    try:
        with open(argv[2], "rb") as f:
            request = f.read()
        decision = lib.writ_decide(engine, request, len(request), 0)
        allowed = lib.writ_decision_allowed(decision) == 1
        print(lib.writ_decision_json(decision).decode())
        print("%s (%s), libwrit %s" % ("allow" if allowed else "deny",
                                        lib.writ_decision_reason(decision).decode(),
                                        lib.writ_version().decode()), file=sys.stderr)
        lib.writ_decision_free(decision)
        return 0 if allowed else 1
    finally:
        lib.writ_engine_free(engine)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
