"""Traffic control: how much each partner may send, failing fast on dead receivers, and the connections the hub
serves (docs/operations.md, "Traffic control")."""
