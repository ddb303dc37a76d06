"""Runs a Python server script with every listen() slowed by 50 ms: the moment between a socket that
accepts connections and the code after it grows, so a server that is not ready for a signal as soon
as its port accepts loses the race every time instead of now and then.

    python3 slow_listen.py server.py [ARG]...
"""
import runpy
import socket
import sys
import time

_listen = socket.socket.listen


def _slow_listen(self, *args):
    _listen(self, *args)
    time.sleep(0.05)


socket.socket.listen = _slow_listen
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
