"""Pure routing decisions (no I/O, no clock): given the authenticated platform, the request and the hub's directory
and agreements, decide to forward, broadcast, answer from the hub, or reject. Built by the routing issue."""
