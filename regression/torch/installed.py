#!/usr/bin/python3
"""Exit 0 when every module named on the command line is installed for this Python, 1 otherwise.

importlib's find_spec looks for a module without importing it: importing torch costs ~2
CPU-seconds, which the caller's own run pays again. Usage: installed.py MODULE...
"""
import importlib.util
import sys

sys.exit(any(importlib.util.find_spec(m) is None for m in sys.argv[1:]))
