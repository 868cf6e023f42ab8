"""Embedded stacks' ports: free, and outside the range outgoing connections draw from."""

from __future__ import annotations

import random
import socket

from runeframe_nb.profiles import SERVICES
from runeframe_nb.stack import ephemeral_ports, free_port_offset


def test_a_stack_takes_free_ports_no_outgoing_connection_can_take() -> None:
    """An outgoing connection's local port, taken between the check and the bind, made a
    service fail to start: the ports now come from below the ephemeral range."""
    outgoing = ephemeral_ports()
    for seed in range(50):
        offset = free_port_offset(random.Random(seed))
        ports = [8000 + offset + n for n in range(len(SERVICES))]
        assert all(1024 <= port <= 65535 and port not in outgoing for port in ports), ports
    with socket.socket() as sock:  # and they are free
        sock.bind(("127.0.0.1", ports[0]))
