"""Synthetic UC captures: one generator for the samples, the practice exercises and fleet test data.

A node is simulated once (`node.build_node`): kernel threads, init/systemd, platform daemons,
Service Manager and the services of its product, the Informix instances, the admin CLI session.
PIDs come from a counter that advances with time and wraps at 32768 back to 300 as Linux does.
Every command is then rendered from that one state (`render`, `terminal`), so PIDs, users, start
times, CPU times and counts agree across files. Same seed, same bytes.

    >>> from ucnb.synth import node_capture
    >>> node_capture("IMnP", "Cisco SIP Proxy", seed=1).action
    'restart_service'
"""

from .scenario import PRODUCTS, SFTP_PEER, NodeCapture, node_capture, zombie_services

__all__ = ["PRODUCTS", "SFTP_PEER", "NodeCapture", "node_capture", "zombie_services"]
